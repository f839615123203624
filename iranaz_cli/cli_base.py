"""The commands about the fact base itself: validate, schema, export."""

from typing import Annotated

import typer

from .cli_common import DataOpt, SchemaKind, _load, app


@app.command()
def validate(
    ctx: typer.Context,
    directory: Annotated[
        str | None,
        typer.Argument(metavar="[DIR]", help="Fact-base folder (default: --data, $IRANAZ_DATA or the shipped base)."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 3 on warnings too.")] = False,
) -> None:
    """Check a fact base: print `ok: N records in M files`, or every problem as file:line (exit 3).

    Warnings (what a careful editor would query: a quote of several sentences or under three
    words, a date more precise than its quotes, a record citing only references, a person or a
    source nothing refers to) print as `Warning: file:line: ...`; with --strict they exit 3.

    \b
    Example:
      iranaz validate data/ --strict
    """
    from . import loader

    base, _ = loader.validate(directory if directory is not None else ctx.obj)
    from .lint import report_warnings
    from .model import KINDS

    report_warnings(base, directory if directory is not None else ctx.obj, strict)
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
    from .cli_common import base_files
    from .export import export_sqlite

    chosen = data if data is not None else ctx.obj
    base = _load(chosen)
    counts = export_sqlite(base, sqlite, force=force, protect=base_files(base, chosen))
    from .text import visible

    typer.echo(f"wrote {sum(counts.values())} rows in {len(counts)} tables to {visible(sqlite, lines=False)}", err=True)
