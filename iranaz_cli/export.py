"""`iranaz export --sqlite`: the whole base as a SQLite database that Datasette can browse."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

from .core import KIND, _Lookup, kind_of, record_columns, record_fields, summary
from .datasette import enrich
from .errors import IoError
from .model import KINDS, FactBase
from .text import visible


def _column_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool | int) for v in present):
        return "INTEGER"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "REAL"
    return "TEXT"


def _sql_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return msgspec.json.encode(value).decode()  # JSON text, as json.dumps(ensure_ascii=False) writes it
    return value


def export_sqlite(base: FactBase, path: str, force: bool = False, protect: Iterable[Path] = ()) -> dict[str, int]:
    """Write the base to a new SQLite file (atomically, through safewrite); return each table's rows."""
    from .safewrite import write_bytes  # (not for `sql`, which writes nothing: ~3 ms)

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
    with db:
        return build(db, base)


def build(db: sqlite3.Connection, base: FactBase) -> dict[str, int]:
    """Create the base's tables in ``db`` (a file or ``:memory:``) and fill them; return each table's rows.

    One table per kind with the fields every command shows (a reference to a person as ``X_id``, a
    foreign key, and ``X``, the name), ``records`` of every id and ``citations``. `export --sqlite`
    and `sql` both build their database here.
    """
    lookup = _Lookup(base)
    counts: dict[str, int] = {}
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, date TEXT, summary TEXT NOT NULL)")
    for file in KINDS:  # people before the tables that refer to them
        records = getattr(base, file)
        rows = [record_fields(file, r, lookup) for r in records]
        names = [(name, how) for name, _, how in record_columns(file) if name not in ("id", "sources")]
        columns = ["id TEXT PRIMARY KEY REFERENCES records(id)"]
        for name, how in names:
            column = f'"{name}" {_column_type([r[name] for r in rows])}'
            if how == "id":  # one person: a key; lists (participant_ids, ...) are JSON arrays, like every list
                column += " REFERENCES people(id)"
            columns.append(column)
        db.execute(f'CREATE TABLE "{file}" ({", ".join(columns)})')
        db.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?)",
            [(r.id, kind_of(file, r), getattr(r, "date", None), summary(file, r, lookup)) for r in records],
        )
        db.executemany(
            f'INSERT INTO "{file}" VALUES ({", ".join("?" * (len(names) + 1))})',
            [[row["id"], *(_sql_value(row[n]) for n, _ in names)] for row in rows],
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
    counts.update(enrich(db, base))
    return counts
