"""The `iranaz` command: parse options, call one core function, hand the rows to a renderer.

Only Typer is imported up front; the loader, core and renderers are imported by the commands that
use them, so a JSON query never loads Rich or the YAML parser.
"""

import inspect
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer
import typer.core

from . import __version__
from .errors import IranazError, NotFound

EXAMPLE_COMMANDS = ("iranaz visits", "iranaz who Sanaei", "iranaz gas --json | jq .")
EXAMPLES = "\b\nExamples:\n" + "".join(f"  {e}\n" for e in EXAMPLE_COMMANDS)
EXIT_CODES = """\b
Exit codes:
  0  results printed
  1  nothing found ('[]' on stdout with --json)
  2  usage error (unknown option, command or value)
  3  fact base missing or invalid
  70 internal error (a bug; IRANAZ_DEBUG=1 shows the traceback)
"""
INTERNAL_ERROR = 70


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


class Unit(StrEnum):
    bcm_y = "bcm/y"
    mcm_d = "mcm/d"
    bcf_d = "bcf/d"
    tcf_y = "tcf/y"


class Kind(StrEnum):
    visit = "visit"
    event = "event"
    corridor = "corridor"
    quote = "quote"
    gas = "gas"


class SchemaKind(StrEnum):
    visits = "visits"
    who = "who"
    gas = "gas"
    corridor = "corridor"
    timeline = "timeline"
    search = "search"
    quotes = "quotes"
    sources = "sources"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Short for --format json.")]
DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        envvar="IRANAZ_DATA",
        metavar="DIR",
        show_default=False,
        help="Fact-base folder to read instead of the shipped one.",
    ),
]
SinceOpt = Annotated[int | None, typer.Option(metavar="YEAR", help="First year to include.")]
UntilOpt = Annotated[int | None, typer.Option(metavar="YEAR", help="Last year to include.")]
SvgOpt = Annotated[str | None, typer.Option("--save-svg", metavar="FILE", help="Also save the table as SVG.")]
HtmlOpt = Annotated[str | None, typer.Option("--save-html", metavar="FILE", help="Also save the table as HTML.")]


class _Group(typer.core.TyperGroup):
    """Turn iranaz's errors into `Error: ...` lines and exit codes; end quietly on a closed pipe."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except IranazError as e:
            for line in str(e).splitlines():
                typer.echo(f"Error: {line}", err=True)
            raise typer.Exit(e.exit_code) from None
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise  # usage errors and exits: Typer reports them (exit 2) and exits
        except Exception as e:  # a bug: one line, not a traceback (IRANAZ_DEBUG=1 shows it)
            if os.environ.get("IRANAZ_DEBUG"):
                raise
            typer.echo(f"Error: internal error ({type(e).__name__}: {e}); please report it", err=True)
            raise typer.Exit(INTERNAL_ERROR) from None


app = typer.Typer(
    name="iranaz",
    cls=_Group,
    help="Facts about Iran–Azerbaijan relations, each citing its source.\n\n" + EXAMPLES + "\n" + EXIT_CODES,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)


def _load(data: str | None, ctx: typer.Context | None = None) -> Any:
    """Load the base named by --data here, else by --data before the command, else the default."""
    from .loader import load_fact_base

    return load_fact_base(data if data is not None or ctx is None else ctx.obj)


# The options every listing command shares, declared once: (name, annotated type, default).
OUTPUT_OPTIONS = (
    ("fmt", FormatOpt, Format.table),
    ("as_json", JsonOpt, False),
    ("data", DataOpt, None),
    ("save_svg", SvgOpt, None),
    ("save_html", HtmlOpt, None),
)


def listing(
    view: str | Callable[[dict], str], empty: str | Callable[[dict], str], single: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """Turn ``query(base, **options)`` into a command with the shared output options.

    The command loads the base, runs the query and prints its rows in the chosen format; `[]` for
    JSON and exit 1 when there are none. ``view`` and ``empty`` may depend on the options; a
    ``single`` query returns one record, printed in JSON as one object.
    """

    def decorate(query: Callable[..., Any]) -> Callable[..., None]:
        own = [p for p in inspect.signature(query).parameters.values() if p.name != "base"]
        shared = [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=t) for n, t, d in OUTPUT_OPTIONS
        ]
        context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)

        def command(ctx: typer.Context, **options: Any) -> None:
            out = {name: options.pop(name) for name, _, _ in OUTPUT_OPTIONS}
            base = _load(out["data"], ctx)
            fmt = Format.json if out["as_json"] else out["fmt"]
            if single and fmt is Format.json:
                from .render import write_json

                return write_json(query(base, **options))
            emit(
                (lambda: [query(base, **options)]) if single else (lambda: query(base, **options)),
                view(options) if callable(view) else view,
                fmt,
                empty(options) if callable(empty) else empty,
                out["save_svg"],
                out["save_html"],
            )

        command.__name__ = query.__name__
        command.__doc__ = query.__doc__
        command.__signature__ = inspect.Signature([context, *own, *shared])  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in (context, *own, *shared)}
        return command

    return decorate


def emit(
    query: Callable[[], list[dict]],
    view: str | Callable[[list[dict]], Any],
    fmt: Format,
    empty: str,
    save_svg: str | None = None,
    save_html: str | None = None,
) -> None:
    """Run a query and print its rows; print `[]` for JSON and exit 1 when nothing is found."""
    try:
        rows = query()
        if not rows:
            raise NotFound(empty)
    except NotFound:
        if fmt is Format.json:
            from .render import write_json

            write_json([])
        raise
    _render(rows, view, fmt, save_svg, save_html)


def _render(rows: list[dict], view: Any, fmt: Format, save_svg: str | None, save_html: str | None) -> None:
    from . import render

    if (save_svg or save_html) and fmt is not Format.table:
        from .errors import UsageError

        raise UsageError("--save-svg and --save-html save the table: use them with --format table")
    if fmt is Format.json:
        return render.write_json(rows)
    if fmt is Format.jsonl:
        return render.write_jsonl(rows)
    if fmt is Format.csv:
        return render.write_csv(rows)
    from .views import VIEWS, record_view

    spec = VIEWS[view] if view != "record" else record_view(rows[0])
    if fmt is Format.md:
        return render.write_md(rows, spec)
    from .render_table import make_console, write_table

    console = write_table(rows, spec, make_console(record=bool(save_svg or save_html)))
    _save(console, save_svg, save_html)


def _save(console: Any, save_svg: str | None, save_html: str | None) -> None:
    try:
        if save_svg:
            console.save_svg(save_svg, title="iranaz", clear=False)
        if save_html:
            console.save_html(save_html, clear=False)
    except OSError as e:
        from .errors import UsageError

        raise UsageError(f"cannot save to {e.filename}: {e.strerror}") from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"iranaz {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    data: DataOpt = None,
) -> None:
    """Facts about Iran–Azerbaijan relations, each citing its source."""
    ctx.obj = data
    if ctx.invoked_subcommand is None:
        from .overview import print_overview

        print_overview(_load(data))


def _complete_id(incomplete: str) -> list[str]:
    try:
        from . import core

        return [i for i in core.record_ids(_load(None)) if i.startswith(incomplete)]
    except IranazError:
        return []


def _complete_name(incomplete: str) -> list[str]:
    try:
        prefix = incomplete.casefold()
        return [p.name for p in _load(None).people if p.name.casefold().startswith(prefix)]
    except IranazError:
        return []


@app.command()
@listing("visits", "no visits match")
def visits(
    base: Any,
    president: Annotated[
        str | None, typer.Option("--president", "-p", metavar="NAME", help="Only this president (any spelling).")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> list[dict]:
    """List visits to Azerbaijan by Iranian presidents, oldest first.

    \b
    Examples:
      iranaz visits --since 2000
      iranaz visits --president Rowhani --json
    """
    from . import core

    return core.visits(base, president, since, until)


@app.command()
@listing("who", "no one matches")
def who(
    base: Any,
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...", help="A name, alias or role, as you heard it.", autocompletion=_complete_name
        ),
    ],
    limit: Annotated[int | None, typer.Option(min=1, metavar="N", help="Show at most this many people.")] = None,
) -> list[dict]:
    """Show the people matching a name, best match first, with every record that mentions them.

    \b
    Examples:
      iranaz who Sanaei
      iranaz who Baghaie --json
      iranaz who "oil minister"
    """
    from . import core

    return core.people(base, " ".join(name), limit)


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
      iranaz gas --json | jq .[0].volume
    """
    from . import core

    return core.gas(base, unit.value)


@app.command()
@listing("corridor", "no corridor records")
def corridor(base: Any) -> list[dict]:
    """Show the history of the corridor to Nakhchivan, oldest first, undated records last.

    \b
    Example:
      iranaz corridor --format md
    """
    from . import core

    return core.corridor(base)


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
    """List every dated record (visits, events, corridor, quotes, gas), oldest first.

    \b
    Examples:
      iranaz timeline --since 2020
      iranaz timeline --kind visit --kind event --chart
    """
    from . import core

    return core.timeline(base, since, until, [k.value for k in kind] if kind else None)


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
    from . import core

    return core.search(base, text)


@app.command()
@listing("quotes", "no quotes match")
def quotes(
    base: Any,
    speaker: Annotated[
        str | None, typer.Option("--speaker", "-s", metavar="NAME", help="Only this speaker (any spelling).")
    ] = None,
) -> list[dict]:
    """List direct quotes and reported statements, with speaker and context.

    \b
    Examples:
      iranaz quotes --speaker Sanaei
      iranaz quotes --format csv
    """
    from . import core

    return core.quotes(base, speaker)


@app.command()
@listing("record", "no such record", single=True)
def show(
    base: Any,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id.", autocompletion=_complete_id)],
) -> dict:
    """Show one record with all its fields and full provenance (JSON: one object).

    \b
    Examples:
      iranaz show rouhani-2019
      iranaz show sanaei --json
    """
    from . import core

    return core.record(base, record_id)


@app.command()
@listing("sources", "no sources")
def sources(base: Any) -> list[dict]:
    """List the sources the base cites, with how many records cite each.

    \b
    Example:
      iranaz sources --json
    """
    from . import core

    return core.sources(base)


@app.command()
def validate(
    ctx: typer.Context,
    directory: Annotated[
        str | None,
        typer.Argument(metavar="[DIR]", help="Fact-base folder (default: --data, $IRANAZ_DATA or the shipped base)."),
    ] = None,
) -> None:
    """Check a fact base: print `ok: N records in M files`, or every problem as file:line (exit 3).

    \b
    Example:
      iranaz validate data/
    """
    from . import loader

    base, _ = loader.validate(directory if directory is not None else ctx.obj)
    from .model import KINDS

    typer.echo(f"ok: {loader.count_records(base)} records in {len(KINDS)} files")


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="The command whose JSON records to describe.")],
) -> None:
    """Print the JSON Schema of a command's JSON output.

    \b
    Example:
      iranaz schema visits
    """
    from .contract import json_schema
    from .render import write_json

    write_json(json_schema(kind.value))


@app.command()
def export(
    ctx: typer.Context,
    sqlite: Annotated[str, typer.Option("--sqlite", metavar="FILE", help="Write the whole base as a SQLite database.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    data: DataOpt = None,
) -> None:
    """Export the whole base as a SQLite database (browse it with `datasette FILE`).

    \b
    Example:
      iranaz export --sqlite iranaz.db && datasette iranaz.db
    """
    from .export import export_sqlite

    counts = export_sqlite(_load(data, ctx), sqlite, force=force)
    typer.echo(f"wrote {sum(counts.values())} rows in {len(counts)} tables to {sqlite}", err=True)


def _only_invoked_command(args: list[str]) -> None:
    """Register only the command named in ``args``: Typer builds every registered command's
    parameters on each run (~8 ms for all of ours), and a run needs one. Help, completion and
    unknown names keep them all, so listings and "did you mean" suggestions stay complete."""
    if any(
        a in ("-h", "--help") or a.startswith("--install-completion") or a.startswith("--show-completion") for a in args
    ):
        return
    if any(k.startswith("_IRANAZ_COMPLETE") for k in os.environ):
        return
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] == "--data" else 1  # the one global option that takes a value
    if i < len(args):
        name = args[i]
        chosen = [c for c in app.registered_commands if (c.name or getattr(c.callback, "__name__", None)) == name]
        if chosen:
            app.registered_commands = chosen


def main() -> None:
    """Run the `iranaz` command (the console script and `python -m iranaz_cli`)."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure and (sys.stdout.encoding or "").lower().replace("-", "") not in ("utf8", "utf8sig"):
        reconfigure(errors="backslashreplace")  # a stdout that cannot encode a name shows an escape
    _only_invoked_command(sys.argv[1:])
    app(prog_name="iranaz")
