"""The commands about how far the base can be trusted today: disputes (where sources differ) and stale
(what has not been confirmed for a while)."""

from typing import Annotated, Any

import typer

from .app import app
from .complete import complete_id
from .listing import listing


@app.command()
@listing("disputes", "no disputes recorded")
def disputes(
    base: Any,
    about: Annotated[
        str | None,
        typer.Option("--about", metavar="ID", help="Only disputes about this record.", autocompletion=complete_id),
    ] = None,
) -> list[dict]:
    """List where sources disagree: each case with every side and the sources that hold it.

    \b
    Examples:
      iranaz disputes
      iranaz disputes --about rouhani-2016 --json
    """
    from ..ask import present

    return present.disputes(base, about)


@app.command()
@listing("stale", "nothing about the present is older than that")
def stale(
    base: Any,
    days: Annotated[
        int, typer.Option("--days", min=0, metavar="N", help="Stale when last confirmed more than N days ago.")
    ] = 90,
) -> list[dict]:
    """List every fact about the present (open terms, statuses) not confirmed within N days, to re-check.

    Never confirmed first, then the oldest. Today is $IRANAZ_TODAY (YYYY-MM-DD) if set, else the
    system's date.

    \b
    Examples:
      iranaz stale
      IRANAZ_TODAY=2026-12-05 iranaz stale --days 30 --json
    """
    import os

    from ..ask import present

    return present.stale(base, days, present.today(os.environ.get("IRANAZ_TODAY")))
