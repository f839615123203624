"""What each command shows in a table or Markdown: its title and columns (JSON shows every field)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .render import View, cell


def _date(row: dict) -> str:
    date = row.get("date")
    if not date:
        return "undated"
    return f"{date} to {row['end']}" if row.get("end") else date


def _lines(values: list) -> str:
    return "\n".join(cell(v) for v in values)


def _mentions(row: dict) -> str:
    return "\n".join(f"{_date(m)} · {m['kind']} · {cell(m['summary'])} [{m['id']}]" for m in row["mentions"])


def _quote(row: dict) -> str:
    words = f"“{row['text']}”" if row["direct"] else f"{row['text']} (reported)"
    return f"{words}\n— {row['context']} [{row['id']}]"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _visits_caption(rows: list[dict]) -> str:
    from .core import visit_summary

    s = visit_summary(rows)
    years = s["first_year"] if s["first_year"] == s["last_year"] else f"{s['first_year']}–{s['last_year']}"
    text = f"{_plural(s['visits'], 'visit')} by {_plural(s['presidents'], 'president')}, {years}"
    gap = s["longest_gap"]
    if gap:
        text += f"; longest gap {gap['years']} years ({gap['from']}–{gap['to']})"
    return text


def _summary(row: dict) -> str:
    return f"{row['summary']} [{row['id']}]"


_BRIEF: list[tuple[str, str | Callable[[dict], Any]]] = [("Date", _date), ("Kind", "kind"), ("Summary [id]", _summary)]

VIEWS: dict[str, View] = {
    "visits": View(
        "Visits to Azerbaijan by Iranian presidents",
        [("Date", _date), ("President", "president"), ("Occasion", "occasion"), ("Place", "place"), ("ID", "id")],
        caption=_visits_caption,
    ),
    "who": View(
        "Person",
        [
            ("Name", "name"),
            ("Country", "country"),
            ("Roles", lambda r: _lines(r["roles"])),
            ("Aliases", lambda r: _lines(r["aliases"])),
            ("Notes", lambda r: _lines(r["notes"])),
            ("Mentioned in", _mentions),
            ("ID", "id"),
        ],
        record=True,
    ),
    "gas": View(
        "Gas deal",
        [
            ("Supplier", "supplier"),
            ("Buyer", "buyer"),
            ("Transit", "transit"),
            ("Volume", "volume"),
            ("Delivery point", "delivery_point"),
            ("Announced by", lambda r: f"{r['announced_by']}, in {r['announced_in']}"),
            ("Status", "status"),
            ("Notes", lambda r: _lines(r["notes"])),
            ("ID", "id"),
        ],
        record=True,
    ),
    "corridor": View("The corridor to Nakhchivan", [("Date", _date), ("Summary [id]", _summary)]),
    "timeline": View("Timeline", _BRIEF),
    "timeline-chart": View("Timeline", _BRIEF, chart=True),
    "search": View("Search results", _BRIEF),
    "quotes": View(
        "Quotes and reported statements",
        [("Date", _date), ("Speaker", "speaker"), ("Words — context [id]", _quote)],
    ),
    "resolve": View(
        "Names resolved",
        [("Query", "query"), ("Name", "name"), ("Score", "score"), ("Match", "match"), ("ID", "id")],
    ),
    "sources": View("Sources", [("ID", "id"), ("Kind", "source_kind"), ("Title", "title"), ("Records", "records")]),
}


def record_view(row: dict) -> View:
    """Return the field/value view of one record of any kind, as `show` prints it."""
    columns = [(name, name) for name in row if name not in ("provenance", "sources", "summary")]
    columns.append(("Provenance", lambda r: "\n".join(_citation(c) for c in r["provenance"])))
    return View(row["kind"].capitalize(), columns, record=True)


def _citation(c: dict) -> str:
    words = f"“{c['quote']}”" if "quote" in c else c["note"]
    return f"{c['source']} ({c['source_kind']}): {words}"
