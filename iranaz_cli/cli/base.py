"""The commands about the fact base itself: validate, schema, export."""

from typing import Annotated

import typer

from .app import app, chosen_data, load_base, tell_made
from .options import DataOpt, SchemaKind


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
    words, a date more precise than its quotes, a record citing only references none of which is
    dated and online, a source with neither date nor URL, a change of office-holder with fewer than
    two independent sources, a disputed record citing one source, a person or a source nothing
    refers to) print as `Warning: file:line: ...`; with --strict they exit 3.

    \b
    Example:
      iranaz validate data/ --strict
    """
    from ..store import loader
    from .progress import working

    with working("validating the fact base…"):
        base, _ = loader.validate(directory if directory is not None else ctx.obj)
    from ..model import KINDS
    from ..store.lint import report_warnings

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
    from ..show.contract import json_schema
    from ..show.render import write_json

    write_json(json_schema(kind.value))


@app.command()
def export(
    ctx: typer.Context,
    sqlite: Annotated[str, typer.Option("--sqlite", metavar="FILE", help="Write the whole base as a SQLite database.")],
    metadata: Annotated[
        str | None,
        typer.Option("--metadata", metavar="FILE", help="Also write Datasette metadata (JSON) for the database."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    data: DataOpt = None,
) -> None:
    """Export the whole base as a SQLite database (browse it with `datasette FILE`).

    \b
    Examples:
      iranaz export --sqlite iranaz.db && datasette iranaz.db
      iranaz export --sqlite facts.db --metadata metadata.json && datasette facts.db --metadata metadata.json
    """
    from ..show.export import export_sqlite
    from .listing import base_files

    chosen = chosen_data(data, ctx)
    base = load_base(chosen)
    protect = base_files(base, chosen)
    import os

    from ..errors import UsageError
    from ..text import visible
    from ..write.safewrite import check_target

    if metadata is not None:

        def real(path: str) -> str:  # the folder as it is, through any link, and the name in it
            return os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))

        if real(metadata) == real(sqlite) or (os.path.exists(metadata) and os.path.exists(sqlite)
                                             and os.path.samefile(metadata, sqlite)):  # fmt: skip
            raise UsageError("--metadata and --sqlite name the same file")
        check_target(metadata, force=force, protect=protect, save=True)  # refuse before writing anything
    check_target(sqlite, force=force, protect=protect, save=True)
    from .progress import working

    with working("exporting the fact base…"):
        counts = export_sqlite(base, sqlite, force=force, protect=protect)
    tell_made(f"wrote {sum(counts.values())} rows in {len(counts)} tables to {visible(sqlite, lines=False)}")
    if metadata is not None:
        from ..show.datasette import write_metadata

        write_metadata(base, sqlite, metadata, force=force, protect=protect)
        tell_made(f"wrote Datasette metadata to {visible(metadata, lines=False)}")
