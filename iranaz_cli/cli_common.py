"""What every command shares: the app, its error handling, the output options and the listing decorator.

Only Typer is imported up front; the loader, core and renderers are imported by the commands that
use them, so a JSON query never loads Rich or the YAML parser.
"""

import contextlib
import inspect
import os
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from typer import _click as click

from .errors import FactBaseError, IoError, IranazError, NotFound
from .overview import EXAMPLE_COMMANDS
from .text import visible

EXAMPLES = "\b\nExamples:\n" + "".join(f"  {e}\n" for e in EXAMPLE_COMMANDS)
EXIT_CODES = """\b
Exit codes:
  0  results printed
  1  nothing found ('[]' on stdout with --json)
  2  usage error (unknown option, command or value)
  3  fact base missing or invalid
  70 internal error (a bug; IRANAZ_DEBUG=1 shows the traceback)
  74 input/output error (a full disk, a closed stdout, an unreadable folder, a locked base)
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
    resolve = "resolve"
    show = "show"


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
FieldsOpt = Annotated[
    str | None,
    typer.Option("--fields", metavar="A,B,...", help="Only these fields, in this order (every format)."),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, metavar="N", help="At most N results.")]
BomOpt = Annotated[bool, typer.Option("--bom", help="Start CSV with a UTF-8 byte-order mark (for spreadsheets).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --save-svg/--save-html file.")]
PagerOpt = Annotated[
    bool,
    typer.Option(
        "--pager/--no-pager",
        show_default=False,
        help="Page a table taller than the terminal ($PAGER, else less; IRANAZ_PAGER= turns it off).",
    ),
]


def say_error(message: str) -> None:
    """Print one `Error: ...` line on stderr; the message's newlines and control characters escaped."""
    try:
        typer.echo(f"Error: {visible(message, lines=False)}", err=True)
    except OSError:  # stderr itself is closed or full: the exit code still tells
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing what is left at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def _io_message(e: OSError) -> str:
    """Say what failed: the file named, the working folder, or writing the output."""
    reason = e.strerror or str(e)
    if isinstance(e.filename, str | bytes | os.PathLike):  # (an fd, for a file opened by descriptor, is not one)
        return f"{os.fsdecode(e.filename)}: {reason}"
    try:
        os.getcwd()
    except OSError as cwd:
        return f"the working folder cannot be read ({cwd.strerror}); run iranaz from another folder"
    return f"cannot write the output: {reason}"


def _shown_visibly(e: Any) -> Any:
    """Make a Click usage error show the argument it echoes as text, on one line."""
    message = e.format_message

    def escaped() -> str:
        return visible(message(), lines=False)

    e.format_message = escaped
    show = e.show

    def show_if_possible(file: Any = None) -> None:
        try:
            show(file)
        except OSError:  # stderr is full or gone: the exit code (2) still tells
            pass

    e.show = show_if_possible
    return e


class _Group(typer.core.TyperGroup):
    """Turn iranaz's errors into `Error: ...` lines and exit codes; end quietly on a closed pipe."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _reported():  # eager options (--version, --help) print while the context is made
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _reported():
            return super().invoke(ctx)


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """Report iranaz's errors, usage errors and ordinary failures as `Error: ...` and an exit code."""
    try:
        yield
    except IranazError as e:
        for message in e.lines() if isinstance(e, FactBaseError) else [str(e)]:  # FactBaseError: the first N
            say_error(message)
        raise typer.Exit(e.exit_code) from None
    except click.ClickException as e:  # usage errors: Typer reports them (exit 2) and exits
        raise _shown_visibly(e) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(0) from None
    except OSError as e:  # an ordinary failure (a full disk, a closed stdout, a vanished folder)
        _silence_stdout()
        say_error(_io_message(e))
        raise typer.Exit(IoError.exit_code) from None
    except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
        raise  # exits: Typer ends with their code
    except Exception as e:  # a bug: one line, not a traceback (IRANAZ_DEBUG=1 shows it)
        if os.environ.get("IRANAZ_DEBUG"):
            raise
        say_error(f"internal error ({type(e).__name__}: {e}); please report it")
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
    ("fields", FieldsOpt, None),
    ("limit", LimitOpt, None),
    ("bom", BomOpt, False),
    ("data", DataOpt, None),
    ("save_svg", SvgOpt, None),
    ("save_html", HtmlOpt, None),
    ("force", ForceOpt, False),
    ("pager", PagerOpt, True),
)


def listing(
    view: str | Callable[[dict], str], empty: str | Callable[[dict], str], single: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """Turn ``query(base, **options)`` into a command with the shared output options.

    The command loads the base, runs the query and prints its rows in the chosen format; `[]` for
    JSON and exit 1 when there are none. ``view`` and ``empty`` may depend on the options; a
    ``single`` query returns one record, printed in JSON as one object. ``--fields`` accepts the
    names of the command's JSON Schema (contract.py), named after the query function.
    """

    def decorate(query: Callable[..., Any]) -> Callable[..., None]:
        own = [p for p in inspect.signature(query).parameters.values() if p.name != "base"]
        shared = [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=t) for n, t, d in OUTPUT_OPTIONS
        ]
        context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)

        def command(ctx: typer.Context, **options: Any) -> None:
            out = {name: options.pop(name) for name, _, _ in OUTPUT_OPTIONS}
            # (contract.py is imported only for --fields or an empty CSV: ~2 ms of every run otherwise;
            # one record's fields depend on its kind, and are checked once it is found)
            fields = None if single or out["fields"] is None else pick_fields(out["fields"], _fields_of(query))
            data = out["data"] if out["data"] is not None else ctx.obj
            base = _load(data)
            fmt = Format.json if out["as_json"] else out["fmt"]
            saves = Saves(out["save_svg"], out["save_html"], out["force"], fmt, lambda: base_files(base, data))
            if single:
                row = query(base, **options)
                fields = pick_fields(out["fields"], list(row))
                if fmt is Format.json:
                    from .render import write_json

                    return write_json({f: row[f] for f in fields} if fields else row)
                kind = str(row.get("kind", "")).capitalize()
                return emit(
                    lambda: [row], view, fmt, "", saves, out["pager"], fields=fields, bom=out["bom"], title=kind
                )
            emit(
                lambda: query(base, **options),
                view(options) if callable(view) else view,
                fmt,
                empty(options) if callable(empty) else empty,
                saves,
                out["pager"],
                fields=fields,
                limit=out["limit"],
                bom=out["bom"],
                header=lambda: _csv_header(query, fields),
            )

        command.__name__ = query.__name__
        command.__module__ = query.__module__
        command.__doc__ = query.__doc__
        command.__signature__ = inspect.Signature([context, *own, *shared])  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in (context, *own, *shared)}
        return command

    return decorate


def base_files(base: Any, data: str | None) -> list[Path]:
    """Return the files of the base being read (its YAML files and its sources), never written, and its
    data folder, where no file is added."""
    from .paths import resolve_data_dir, source_file

    folder = resolve_data_dir(data)
    files = [p for p in folder.iterdir()] if folder.is_dir() else []
    return [folder, *files, *(source_file(folder, s.path) for s in base.sources if s.path)]


class Saves:
    """Where --save-svg and --save-html write the table, checked before anything is printed."""

    def __init__(self, svg: str | None, html: str | None, force: bool, fmt: Format, protect: Callable[[], list[Path]]):
        from .errors import UsageError

        self.targets = [(kind, path) for kind, path in (("svg", svg), ("html", html)) if path is not None]
        self.force = force
        if not self.targets:
            return
        if fmt is not Format.table:
            raise UsageError("--save-svg and --save-html save the table: use them with --format table")
        if svg is not None and html is not None and svg and os.path.abspath(svg) == os.path.abspath(html):
            raise UsageError(f"--save-svg and --save-html both name {svg}: give each its own file")
        from .safewrite import check_target

        self.protect = protect()
        for _, path in self.targets:
            check_target(path, force=force, protect=self.protect)

    def save(self, console: Any) -> None:
        """Render the recorded table as SVG or HTML, then write each file atomically."""
        from .safewrite import write_bytes

        for kind, path in self.targets:
            if kind == "svg":
                from .render_table import svg_format

                text = console.export_svg(title="iranaz", clear=False, code_format=svg_format())
            else:
                text = console.export_html(clear=False)
            write_bytes(path, text.encode("utf-8"), force=self.force, protect=self.protect)


def _fields_of(query: Callable[..., Any]) -> list[str]:
    from .contract import fields_of

    return fields_of(query.__name__)


def _csv_header(query: Callable[..., Any], fields: list[str] | None) -> list[str]:
    from .contract import csv_header, fields_of

    valid = fields_of(query.__name__)
    return csv_header(query.__name__, fields or valid) if valid else []


def pick_fields(text: str | None, valid: list[str]) -> list[str] | None:
    """Return the fields ``--fields`` names, in its order; an unknown one is a usage error listing the valid ones."""
    if text is None:
        return None
    fields = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in fields if f not in valid]
    if unknown or not fields:
        from .errors import UsageError

        what = f"unknown field '{visible(unknown[0])}'" if unknown else "no field named"
        raise UsageError(f"--fields: {what}; valid fields are {', '.join(valid)}")
    return list(dict.fromkeys(fields))


def emit(
    query: Callable[[], list[dict]],
    view: Any,
    fmt: Format,
    empty: str,
    saves: Saves | None = None,
    pager: bool = True,
    *,
    fields: list[str] | None = None,
    limit: int | None = None,
    bom: bool = False,
    header: Callable[[], list[str]] | None = None,
    title: str | None = None,
) -> None:
    """Run a query and print its rows (at most ``limit``, only ``fields``); when nothing is found,
    print `[]` for JSON (the CSV header, given a ``header``) and exit 1."""
    if bom and fmt is not Format.csv:
        from .errors import UsageError

        raise UsageError("--bom marks CSV: use it with --format csv")
    try:
        rows = query()
        if not rows:
            raise NotFound(empty)
    except NotFound:
        if fmt is Format.json:
            from .render import write_json

            write_json([])
        elif fmt is Format.csv and header is not None and (columns := header()):
            from .render import write_csv

            write_csv([], columns, bom=bom)
        raise
    if limit is not None:
        rows = rows[:limit]
    if fields:
        rows = [{f: row.get(f) for f in fields} for row in rows]
    _render(rows, view, fmt, saves, pager, fields, bom, title)


def _render(
    rows: list[dict],
    view: Any,
    fmt: Format,
    saves: Saves | None,
    pager: bool,
    fields: list[str] | None = None,
    bom: bool = False,
    title: str | None = None,
) -> None:
    from . import render

    if fmt is Format.json:
        return render.write_json(rows)
    if fmt is Format.jsonl:
        return render.write_jsonl(rows)
    if fmt is Format.csv:
        return render.write_csv(rows, bom=bom)
    from .views import VIEWS, record_view

    if isinstance(view, render.View):
        spec = view
    elif view == "record":
        spec = record_view(rows[0]) if not fields else render.View(title or "Record", [], record=True)
    else:
        spec = VIEWS[view]
    if fields:  # the chosen fields, as columns named by the field
        spec = render.View(spec.title, [(f, f) for f in fields], record=spec.record)
    if fmt is Format.md:
        return render.write_md(rows, spec)
    from .render_table import make_console, write_table

    record = bool(saves and saves.targets)
    console = write_table(rows, spec, make_console(record=record), pager=pager)
    if saves and record:
        saves.save(console)


def _completion_base(ctx: typer.Context) -> Any:
    """Load the base a command line being completed names (its --data, the group's, $IRANAZ_DATA), or None."""
    data = None
    while ctx is not None and data is None:
        data = ctx.params.get("data")
        ctx = ctx.parent  # type: ignore[assignment]
    try:
        return _load(data)
    except IranazError:
        return None


def _complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    base = _completion_base(ctx)
    if base is None:
        return []
    from . import core

    return [i for i in core.record_ids(base) if i.startswith(incomplete)]


def _people_named(ctx: typer.Context, kind: str | None = None, field: str | None = None) -> list[Any]:
    """Return the people of the base being completed (only those the ``field`` of ``kind`` names)."""
    base = _completion_base(ctx)
    if base is None:
        return []
    if kind is None or field is None:
        return list(base.people)
    named = {getattr(r, field) for r in getattr(base, kind)}
    return [p for p in base.people if p.id in named]


def _word_completions(candidates: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """Complete ``incomplete`` to each (word, help) it starts, ignoring case, as typed: `rouh` -> `rouhani`.

    Typer keeps only values that start with what was typed, so the typed part is kept as typed."""
    from .text import visible

    prefix, seen, out = incomplete.casefold(), set(), []
    for word, help in candidates:
        value = incomplete + word[len(incomplete) :]
        if visible(word) != word or "\n" in word or "\t" in word:
            continue  # the shell would show it raw: no control sequence from a base reaches the terminal
        if word.casefold().startswith(prefix) and value not in seen:
            seen.add(value)
            out.append((value, visible(help, lines=False)))  # zsh and fish read one candidate a line
    return out


def _complete_name(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete `who`'s NAME... with the full names it starts, else with the words of names it starts
    (`Rouh` -> `Rouhani`); several words are fine, `who` joins them."""
    people = _people_named(ctx)
    full = _word_completions([(p.name, p.name) for p in people], incomplete)
    words = [(w, p.name) for p in people for w in _words(p.name)[1:]]
    return [value for value, _ in full or _word_completions(words, incomplete)]


def _complete_person(ctx: typer.Context, incomplete: str, kind: str, field: str) -> list[tuple[str, str]]:
    """Complete an option's NAME with one word (bash inserts a completion unquoted): a person's id or a
    word of their name, which the option accepts like any spelling; zsh and fish show the full name beside it."""
    people = _people_named(ctx, kind, field)
    return _word_completions([(w, p.name) for p in people for w in (p.id, *_words(p.name))], incomplete)


def _words(name: str) -> list[str]:
    """Return a name's words as typed, split at spaces only: a control character keeps its word, not offered."""
    return [w for w in name.split(" ") if w]


def _complete_president(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _complete_person(ctx, incomplete, "visits", "president")


def _complete_speaker(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _complete_person(ctx, incomplete, "quotes", "speaker")
