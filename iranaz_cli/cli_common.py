"""What every command shares: the app, its error handling, the output options and the listing decorator.

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

from .errors import IranazError, NotFound
from .overview import EXAMPLE_COMMANDS

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
    assessment = "assessment"
    corridor = "corridor"
    quote = "quote"
    gas = "gas"
    term = "term"


class SchemaKind(StrEnum):
    visits = "visits"
    who = "who"
    gas = "gas"
    corridor = "corridor"
    timeline = "timeline"
    search = "search"
    quotes = "quotes"
    sources = "sources"
    offices = "offices"
    coverage = "coverage"


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
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="DATE",
        help="Only the offices and roles held at this date: YYYY, YYYY-MM or YYYY-MM-DD, maybe with ~ or ? (EDTF).",
    ),
]
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
