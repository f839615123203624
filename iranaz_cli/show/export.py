"""`iranaz export --sqlite`: the whole base as a SQLite database file that Datasette can browse."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ..ask.tables import build
from ..errors import IoError
from ..model import FactBase
from ..text import visible


def export_sqlite(base: FactBase, path: str, force: bool = False, protect: Iterable[Path] = ()) -> dict[str, int]:
    """Write the base to a new SQLite file (atomically, through safewrite); return each table's rows."""
    from ..write.safewrite import write_bytes  # (not for `sql`, which writes nothing: ~3 ms)

    counts: dict[str, int] = {}
    try:
        write_bytes(path, lambda tmp: counts.update(_write(base, tmp)), force=force, protect=protect, save=True)
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
