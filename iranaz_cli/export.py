"""`iranaz export --sqlite`: the whole base as a SQLite database that Datasette can browse."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

from .core import KIND, _Lookup, kind_of, summary
from .errors import IoError
from .model import KINDS, PERSON_REFERENCES, FactBase
from .safewrite import write_bytes
from .text import visible

# Columns that name one person become foreign keys to people(id): the single-valued reference
# fields of the model's table; the lists (participants, mentioned, according_to) are stored, like
# every list, as JSON arrays.
_PERSON_COLUMNS = {
    kind: {f.name for f in msgspec.structs.fields(KINDS[kind]) if f.name in fields and f.type is str}
    for kind, fields in PERSON_REFERENCES.items()
}


def _column_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool | int) for v in present):
        return "INTEGER"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "REAL"
    return "TEXT"


def _sql_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def export_sqlite(base: FactBase, path: str, force: bool = False, protect: Iterable[Path] = ()) -> dict[str, int]:
    """Write the base to a new SQLite file (atomically, through safewrite); return each table's rows."""
    counts: dict[str, int] = {}
    try:
        write_bytes(path, lambda tmp: counts.update(_write(base, tmp)), force=force, protect=protect)
    except sqlite3.Error as e:
        raise IoError(f"cannot write {visible(path)}: {e}") from None
    return counts


def _write(base: FactBase, path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = OFF")  # a new file, renamed into place when complete
    try:
        return _fill(db, base)
    finally:
        db.close()


def _fill(db: sqlite3.Connection, base: FactBase) -> dict[str, int]:
    lookup = _Lookup(base)
    counts: dict[str, int] = {}
    with db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, date TEXT, summary TEXT NOT NULL)")
        for file, record_type in KINDS.items():  # people before the tables that refer to them
            records = getattr(base, file)
            rows = [msgspec.to_builtins(r) for r in records]
            names = [f.name for f in msgspec.structs.fields(record_type) if f.name not in ("id", "sources")]
            columns = ["id TEXT PRIMARY KEY REFERENCES records(id)"]
            for name in names:
                column = f'"{name}" {_column_type([r.get(name) for r in rows])}'
                if name in _PERSON_COLUMNS.get(file, ()):
                    column += " REFERENCES people(id)"
                columns.append(column)
            db.execute(f'CREATE TABLE "{file}" ({", ".join(columns)})')
            for record, row in zip(records, rows, strict=True):
                db.execute(
                    "INSERT INTO records VALUES (?, ?, ?, ?)",
                    (record.id, kind_of(file, record), getattr(record, "date", None), summary(file, record, lookup)),
                )
                db.execute(
                    f'INSERT INTO "{file}" VALUES ({", ".join("?" * (len(names) + 1))})',
                    [record.id, *(_sql_value(row.get(n)) for n in names)],
                )
            counts[file] = len(records)
        # Each quote's anchor in its article (W3C Web Annotation: TextPositionSelector start/end,
        # TextQuoteSelector prefix/suffix), and the line it starts on.
        db.execute(
            "CREATE TABLE citations (record_id TEXT NOT NULL REFERENCES records(id),"
            " source_id TEXT NOT NULL REFERENCES sources(id), quote TEXT, note TEXT, occurrence INTEGER,"
            ' start INTEGER, "end" INTEGER, line INTEGER, prefix TEXT, suffix TEXT)'
        )
        cited = []
        for file in KIND:
            for record in getattr(base, file):
                anchors = base.anchors.get(record.id, [])
                for i, c in enumerate(getattr(record, "sources", [])):
                    a = anchors[i] if i < len(anchors) else None
                    where = (a.start, a.end, a.line, a.prefix, a.suffix) if a else (None,) * 5
                    cited.append((record.id, c.source, c.quote, c.note, c.occurrence, *where))
        db.executemany("INSERT INTO citations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cited)
        counts["citations"] = len(cited)
        counts["records"] = sum(counts[f] for f in KIND)
    return counts
