"""The commands that answer questions: visits, who, gas, corridor, timeline, search, quotes, show, sources,
coverage."""

from typing import Annotated, Any

import typer

from .app import app
from .complete import complete_id, complete_name, complete_president, complete_speaker
from .listing import listing
from .options import AtOpt, Kind, SinceOpt, Unit, UntilOpt


@app.command()
@listing("visits", "no visits match")
def visits(
    base: Any,
    president: Annotated[
        str | None,
        typer.Option(
            "--president",
            "-p",
            metavar="NAME",
            help="Only this president (any spelling).",
            autocompletion=complete_president,
        ),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="COUNTRY", help="Only visits to this country: iran or azerbaijan."),
    ] = None,
) -> list[dict]:
    """List visits between the presidents of Iran and Azerbaijan (both ways), oldest first.

    \b
    Examples:
      iranaz visits --since 2000
      iranaz visits --to iran
      iranaz visits --president Rowhani --json
    """
    from ..ask import visits

    return visits.visits(base, president, since, until, to)


@app.command()
@listing("who", "no one matches")
def who(
    base: Any,
    name: Annotated[
        list[str],
        typer.Argument(metavar="NAME...", help="A name, alias or role, as you heard it.", autocompletion=complete_name),
    ],
    at: AtOpt = None,
) -> list[dict]:
    """Show the people matching a name, best match first, with every record that mentions them.

    A role ("president of iran") lists its holders, the current one first; with --at, only those
    who held it at that date, and a name shows only the roles held then.

    \b
    Examples:
      iranaz who Sanaei
      iranaz who Baghaie --json
      iranaz who --at 2000 "president of iran"
    """
    from ..ask import people

    return people.people(base, " ".join(name), at=at)


@app.command()
@listing("offices", "no terms of office in the base")
def offices(
    base: Any,
    office: Annotated[
        str | None, typer.Argument(metavar="[OFFICE]", help="One office: its key or its name (president-of-iran).")
    ] = None,
    at: AtOpt = None,
) -> list[dict]:
    """List the holders of each office, oldest first; with --at, who held each office at that date.

    \b
    Examples:
      iranaz offices president-of-azerbaijan
      iranaz offices --at 1993
    """
    from ..ask import people

    return people.offices(base, office, at)


@app.command()
@listing("gas", "no gas deals in the base")
def gas(
    base: Any,
    unit: Annotated[
        Unit, typer.Option(help="Unit of the converted volume (1 bcm = 35.3147 bcf; 365-day year).")
    ] = Unit.bcm_y,
) -> list[dict]:
    """Show the Russia-to-Iran gas deal routed through Azerbaijan.

    \b
    Examples:
      iranaz gas --unit mcm/d
      iranaz gas --json | jq '.[0].volume'
    """
    from ..ask import subjects

    return subjects.gas(base, unit.value)


@app.command()
@listing("corridor", "no corridor records")
def corridor(base: Any) -> list[dict]:
    """Show the history of the corridor to Nakhchivan, oldest first, undated records last.

    \b
    Example:
      iranaz corridor --format md
    """
    from ..ask import subjects

    return subjects.corridor(base)


@app.command()
@listing(lambda o: "timeline-chart" if o["chart"] else "timeline", "no dated records match")
def timeline(
    base: Any,
    since: SinceOpt = None,
    until: UntilOpt = None,
    kind: Annotated[
        list[Kind] | None, typer.Option("--kind", "-k", help="Only records of this kind (repeatable).")
    ] = None,
    chart: Annotated[bool, typer.Option("--chart", help="Draw the records per year as a chart.")] = False,
) -> list[dict]:
    """List every dated record (visits, events, corridor, quotes, gas, terms of office), oldest first.

    \b
    Examples:
      iranaz timeline --since 2020
      iranaz timeline --kind visit --kind event --chart
    """
    from ..ask import timeline

    return timeline.timeline(base, since, until, [k.value for k in kind] if kind else None)


@app.command()
@listing("search", lambda o: f"nothing contains '{o['text']}'")
def search(
    base: Any,
    text: Annotated[str, typer.Argument(help="Literal text (not a pattern); case and accents are ignored.")],
) -> list[dict]:
    """Find every record any of whose fields, quotes or notes contain TEXT.

    \b
    Examples:
      iranaz search Nakhchivan
      iranaz search "new beginning" --json
    """
    from ..ask import timeline

    return timeline.search(base, text)


@app.command()
@listing("quotes", "no quotes match")
def quotes(
    base: Any,
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker",
            "-s",
            metavar="NAME",
            help="Only this speaker (any spelling).",
            autocompletion=complete_speaker,
        ),
    ] = None,
) -> list[dict]:
    """List direct quotes and reported statements, with speaker and context.

    \b
    Examples:
      iranaz quotes --speaker Sanaei
      iranaz quotes --format csv
    """
    from ..ask import subjects

    return subjects.quotes(base, speaker)


@app.command()
@listing("record", "no such record", single=True)
def show(
    base: Any,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id.", autocompletion=complete_id)],
) -> dict:
    """Show one record with all its fields and full provenance (JSON: one object).

    \b
    Examples:
      iranaz show rouhani-2019
      iranaz show sanaei --json
    """
    from ..ask import records

    return records.record(base, record_id)


@app.command()
@listing("sources", "no sources")
def sources(base: Any) -> list[dict]:
    """List the sources the base cites, with how many records cite each.

    \b
    Example:
      iranaz sources --json
    """
    from ..ask import records

    return records.sources(base)


@app.command()
@listing("coverage", "no articles to cover")
def coverage(
    base: Any,
    source: Annotated[str | None, typer.Argument(metavar="[SOURCE]", help="An article's source id.")] = None,
) -> list[dict]:
    """Show how many of each article's sentences the base cites, and list the uncited ones.

    \b
    Examples:
      iranaz coverage
      iranaz coverage baku-visit-article --json
    """
    from ..ask import coverage

    return coverage.coverage(base, source)
