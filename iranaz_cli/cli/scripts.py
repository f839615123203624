"""The commands for scripts: `sql` (any question, in SQL) and `resolve` (many names at once)."""

from typing import Annotated

import typer

from .app import app, load_base
from .listing import emit, pick_fields
from .options import BomOpt, DataOpt, FieldsOpt, Format, FormatOpt, JsonOpt, LimitOpt, PagerOpt, RawCsvOpt


@app.command()
def sql(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(metavar="[QUERY]", help="One read-only SQL statement (SELECT or WITH).")
    ] = None,
    tables: Annotated[bool, typer.Option("--tables", help="List the tables and their columns instead.")] = False,
    fmt: FormatOpt = Format.table,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    limit: LimitOpt = None,
    bom: BomOpt = False,
    raw_csv: RawCsvOpt = False,
    pager: PagerOpt = True,
    data: DataOpt = None,
) -> None:
    """Run a read-only SQL query over the base (the tables of `export --sqlite`, in memory).

    A query may call SQLite's core, math, date and time, aggregate, window and JSON functions
    (json_each and json_tree too), MATCH and the full-text functions bm25, highlight and snippet;
    any other function is refused.

    \b
    Examples:
      iranaz sql "SELECT date, president FROM visits WHERE date >= '2000'" --json
      iranaz sql --tables
    """
    from ..ask import sql as sqlquery
    from ..errors import UsageError
    from ..show.render import View
    from ..text import visible

    if tables == (query is not None):
        raise UsageError("give one SQL query, or --tables")
    base = load_base(data, ctx)
    if query is None:
        columns, rows = ["table", "columns"], sqlquery.sql_tables(base)
    else:
        columns, rows = sqlquery.run_sql(base, query, limit)
    chosen = pick_fields(fields, columns)
    emit(
        lambda: rows,
        View("Tables" if tables else "Rows", [(visible(c), c) for c in columns]),  # a column is named by the query
        Format.json if as_json else fmt,
        "the query returned no rows",
        fields=chosen,
        limit=limit,
        bom=bom,
        raw_csv=raw_csv,
        pager=pager,
        header=lambda: chosen or columns,
    )


@app.command()
def resolve(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="[FILE]", help="Names, one per line ('-' or none: stdin).")] = "-",
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)] = Format.jsonl,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    bom: BomOpt = False,
    raw_csv: RawCsvOpt = False,
    pager: PagerOpt = True,
    data: DataOpt = None,
) -> None:
    """Resolve many names to people at once: one JSON line per input line, in input order.

    Each line is {"query", "id", "name", "score", "match", "candidates"}; `match` is true only when
    the best candidate is clearly ahead of the next; a blank line resolves to nothing.

    \b
    Examples:
      printf 'Rowhani\\nDr Raisi\\n' | iranaz resolve
      iranaz resolve names.txt --format csv
    """
    from ..ask import people
    from ..show.contract import choosable, csv_header, fields_of

    chosen = pick_fields(fields, choosable("resolve"))
    queries = _read_lines(file)
    base = load_base(data, ctx)
    from .progress import working

    def resolved() -> list[dict]:
        with working(f"resolving {len(queries):,} name{'' if len(queries) == 1 else 's'}…"):
            return people.resolve(base, queries)

    emit(
        resolved,
        "resolve",
        Format.json if as_json else fmt,
        "no names to resolve",
        fields=chosen,
        bom=bom,
        raw_csv=raw_csv,
        pager=pager,
        header=lambda: csv_header("resolve", chosen or fields_of("resolve")),
    )


MAX_NAMES = 200_000  # (lines `resolve` takes at once: ~9 s and ~210 MB at most, ~50 µs a distinct name)


def _read_lines(file: str) -> list[str]:
    """Return the lines of FILE (or stdin) as text, without their line endings (LF, CRLF or CR)."""
    import re
    import sys

    from ..errors import UsageError
    from ..text import NotUtf8, utf8_text, visible
    from ..write import edit

    if file == "-" and sys.stdin.isatty():  # not a hang: the user is being asked for names
        typer.echo("reading names from the terminal, one per line; end with Ctrl-D", err=True)
    cap = edit.MAX_FILE_BYTES  # as `add` caps its input: /dev/zero is refused, not read until memory runs out
    try:
        if file == "-":
            data = sys.stdin.buffer.read(cap + 1)
        else:
            with open(file, "rb") as f:
                data = f.read(cap + 1)
    except OSError as e:
        raise UsageError(f"cannot read {visible(file)}: {e.strerror}") from None
    if len(data) > cap:
        raise UsageError(f"{'stdin' if file == '-' else visible(file)}: over the {edit.limit_text(cap)} limit")
    try:
        text = utf8_text(data)
    except NotUtf8 as e:
        raise UsageError(f"{'stdin' if file == '-' else visible(file)}:{e.line}: {e}") from None
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    if breaks + (not text.endswith(("\n", "\r"))) > MAX_NAMES:  # (counted before the lines are made: a
        # resolved line holds ~300 bytes, and 16 million blank lines ran a machine out of memory)
        shown = "stdin" if file == "-" else visible(file)
        raise UsageError(
            f"{shown}: more than {MAX_NAMES:,} lines; resolve at most that many at a time (split the file)"
        )
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()
    return lines
