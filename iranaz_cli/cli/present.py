"""The commands about how far the base can be trusted today: disputes (where sources differ)."""

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
