"""The listing decorator: a query becomes a command with every output option, and its rows are printed."""

import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
import typer.core

from ..errors import NotFound
from ..text import visible
from .app import chosen_data, load_base
from .options import (
    BomOpt,
    DataOpt,
    FieldsOpt,
    ForceOpt,
    Format,
    FormatOpt,
    HtmlOpt,
    JsonOpt,
    LimitOpt,
    PagerOpt,
    RawCsvOpt,
    SvgOpt,
)

OUTPUT_OPTIONS = (
    ("fmt", FormatOpt, Format.table),
    ("as_json", JsonOpt, False),
    ("fields", FieldsOpt, None),
    ("limit", LimitOpt, None),
    ("bom", BomOpt, False),
    ("raw_csv", RawCsvOpt, False),
    ("data", DataOpt, None),
    ("save_svg", SvgOpt, None),
    ("save_html", HtmlOpt, None),
    ("force", ForceOpt, False),
    ("pager", PagerOpt, True),
)


# The parameters every listing command adds to its query's own: made once, not once per command
_SHARED_PARAMETERS = (
    inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
    [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=t) for n, t, d in OUTPUT_OPTIONS],
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
        context, shared = _SHARED_PARAMETERS

        def command(ctx: typer.Context, **options: Any) -> None:
            out = {name: options.pop(name) for name, _, _ in OUTPUT_OPTIONS}
            # (contract.py is imported only for --fields or an empty CSV: ~2 ms of every run otherwise;
            # one record's fields depend on its kind, and are checked once it is found)
            fields = None if single or out["fields"] is None else pick_fields(out["fields"], _fields_of(query))
            data = chosen_data(out["data"], ctx)
            base = load_base(data)
            fmt = Format.json if out["as_json"] else out["fmt"]
            saves = Saves(out["save_svg"], out["save_html"], out["force"], fmt, lambda: base_files(base, data))
            if single:
                row = query(base, **options)
                fields = pick_fields(out["fields"], choosable_in(row))
                if fmt is Format.json:
                    from ..show.render import write_json

                    return write_json({f: field_value(row, f) for f in fields} if fields else row)
                kind = str(row.get("kind", "")).capitalize()
                return emit(
                    lambda: [row],
                    view,
                    fmt,
                    "",
                    saves,
                    out["pager"],
                    fields=fields,
                    bom=out["bom"],
                    raw_csv=out["raw_csv"],
                    title=kind,
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
                raw_csv=out["raw_csv"],
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
    from ..store.paths import resolve_data_dir, source_file

    folder = resolve_data_dir(data)
    files = [p for p in folder.iterdir()] if folder.is_dir() else []
    return [folder, *files, *(source_file(folder, s.path) for s in base.sources if s.path)]


class Saves:
    """Where --save-svg and --save-html write the table, checked before anything is printed."""

    def __init__(self, svg: str | None, html: str | None, force: bool, fmt: Format, protect: Callable[[], list[Path]]):
        from ..errors import UsageError

        self.targets = [(kind, path) for kind, path in (("svg", svg), ("html", html)) if path is not None]
        self.force = force
        if not self.targets:
            return
        if fmt is not Format.table:
            raise UsageError("--save-svg and --save-html save the table: use them with --format table")
        if svg is not None and html is not None and svg and os.path.abspath(svg) == os.path.abspath(html):
            raise UsageError(f"--save-svg and --save-html both name {svg}: give each its own file")
        from ..write.safewrite import check_target

        self.protect = protect()
        for _, path in self.targets:
            check_target(path, force=force, protect=self.protect, save=True)

    def save(self, console: Any) -> None:
        """Render the recorded table as SVG or HTML, then write each file atomically."""
        from ..write.safewrite import write_bytes

        for kind, path in self.targets:
            if kind == "svg":
                from ..show.table import svg_format

                text = console.export_svg(title="iranaz", clear=False, code_format=svg_format())
            else:
                text = console.export_html(clear=False)
            write_bytes(path, text.encode("utf-8"), force=self.force, protect=self.protect, save=True)


def _fields_of(query: Callable[..., Any]) -> list[str]:
    from ..show.contract import choosable

    return choosable(query.__name__)


def choosable_in(row: dict) -> list[str]:
    """Return the fields of one row, each object field followed by the CSV columns it spreads into."""
    return [
        name
        for key, value in row.items()
        for name in (key, *([f"{key}_{k}" for k in value] if isinstance(value, dict) else []))
    ]


def field_value(row: dict, name: str) -> Any:
    """Return a row's field, or the key of an object field that a CSV column names (``host_ids``)."""
    if name in row:
        return row[name]
    for key, value in row.items():
        if isinstance(value, dict) and name.startswith(f"{key}_") and name[len(key) + 1 :] in value:
            return value[name[len(key) + 1 :]]
    return None


def _csv_header(query: Callable[..., Any], fields: list[str] | None) -> list[str]:
    from ..show.contract import csv_header, fields_of

    valid = fields_of(query.__name__)
    return csv_header(query.__name__, fields or valid) if valid else []


def pick_fields(text: str | None, valid: list[str]) -> list[str] | None:
    """Return the fields ``--fields`` names, in its order; an unknown one is a usage error listing the valid ones."""
    if text is None:
        return None
    fields = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in fields if f not in valid]
    if unknown or not fields:
        from ..errors import UsageError

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
    raw_csv: bool = False,
    header: Callable[[], list[str]] | None = None,
    title: str | None = None,
) -> None:
    """Run a query and print its rows (at most ``limit``, only ``fields``); when nothing is found,
    print `[]` for JSON (the CSV header, given a ``header``) and exit 1."""
    if (bom or raw_csv) and fmt is not Format.csv:
        from ..errors import UsageError

        raise UsageError(f"{'--bom' if bom else '--raw-csv'} is about CSV: use it with --format csv")
    try:
        rows = query()
        if not rows:
            raise NotFound(empty)
    except NotFound:
        if fmt is Format.json:
            from ..show.render import write_json

            write_json([])
        elif fmt is Format.csv and header is not None and (columns := header()):
            from ..show.render import write_csv

            write_csv([], columns, bom=bom, raw=raw_csv)
        raise
    if limit is not None:
        rows = rows[:limit]
    elif fmt is Format.table and len(rows) > RECORDS_SHOWN and _cards(view):
        # a card per record is for reading: past a screenful of them (60,000 people sharing a surname
        # took 33 s to draw), the first ones and how many more; scripts take JSON or CSV, whole
        typer.echo(
            f"{len(rows)} match; the first {RECORDS_SHOWN} are shown (--limit N for more, or --format json)", err=True
        )
        rows = rows[:RECORDS_SHOWN]
    if fields:
        rows = [{f: field_value(row, f) for f in fields} for row in rows]
    _render(rows, view, fmt, saves, pager, fields, bom, raw_csv, title)


RECORDS_SHOWN = 50  # cards a table prints at most without --limit


def _cards(view: Any) -> bool:
    """Whether a view prints a card (field/value pairs) per record, as `who` does."""
    from ..show.views import VIEWS

    spec = view if not isinstance(view, str) else VIEWS.get(view)
    return bool(getattr(spec, "record", False))


def _render(
    rows: list[dict],
    view: Any,
    fmt: Format,
    saves: Saves | None,
    pager: bool,
    fields: list[str] | None = None,
    bom: bool = False,
    raw_csv: bool = False,
    title: str | None = None,
) -> None:
    from ..show import render

    if fmt is Format.json:
        return render.write_json(rows)
    if fmt is Format.jsonl:
        return render.write_jsonl(rows)
    if fmt is Format.csv:
        return render.write_csv(rows, bom=bom, raw=raw_csv)
    from ..show.views import VIEWS, record_view

    if isinstance(view, render.View):
        spec = view
    elif view == "record":
        spec = record_view(rows[0]) if not fields else render.View(title or "Record", [], record=True)
    else:
        spec = VIEWS[view]
    if fields:  # the chosen fields, as columns named by the field
        spec = render.View(spec.title, [(visible(f, lines=False), f) for f in fields], record=spec.record)
    if fmt is Format.md:
        return render.write_md(rows, spec)
    from ..show.table import make_console, write_table

    record = bool(saves and saves.targets)
    console = write_table(rows, spec, make_console(record=record), pager=pager)
    if saves and record:
        saves.save(console)
