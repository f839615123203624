"""What `iranaz` prints with no command: the base in a few lines, and where to start."""

from __future__ import annotations

import typer

from ..text import visible

EXAMPLE_COMMANDS = ("iranaz visits", "iranaz who Sanaei", "iranaz gas --json | jq .")


def overview_text(base) -> str:
    """Return the overview of a fact base as plain text."""
    from ..ask.records import overview

    o = overview(base)
    counts = ", ".join(f"{n} {kind}" for kind, n in o["records"].items())
    lines = [
        "iranaz: facts about Iran–Azerbaijan relations, each citing its source.",
        f"Records: {counts}.",
    ]
    if o["sources"]:
        lines.append(
            "Sources: " + ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in o["sources"].items()) + "."
        )
    if o["first_year"] is not None:
        lines.append(f"Years covered: {o['first_year']}–{o['last_year']}.")
    if o["checked_through"]:
        lines.append(f"Checked through {visible(o['checked_through'], lines=False)}.")
    else:
        lines.append("Checked through: no source records the day it was checked.")
    if o["latest_visit"]:
        v = {k: visible(str(o["latest_visit"][k] or ""), lines=False) for k in ("president", "date", "place", "id")}
        where = f", {v['place']}" if v["place"] else ""
        lines.append(f"Latest visit: {v['president']}, {v['date']}{where} ({v['id']}).")
    lines += ["", "Try:", *(f"  {e}" for e in EXAMPLE_COMMANDS), "", "Every command: iranaz --help"]
    return "\n".join(lines)


def print_overview(base) -> None:
    """Print the overview to stdout."""
    typer.echo(overview_text(base))
