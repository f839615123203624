"""`iranaz sql`: read-only questions in SQL over the base, in an in-memory database with the tables of
`export --sqlite`.

Building that database takes ~10 ms (tables, junctions, full-text indexes); a base read from the cache
keeps the database's image beside it, so a later query only loads the image.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import UsageError
from ..model import FactBase


def _database(base: FactBase) -> sqlite3.Connection:
    """Return the base in a new in-memory database: from the cached image, else built (and cached)."""
    from ..store import cache

    db = sqlite3.connect(":memory:")
    image = cache.read_image(base)
    if image is not None:
        db.deserialize(image)
        return db
    from .tables import build

    with db:
        build(db, base)
    cache.write_image(base, db.serialize())
    return db


# What a query may do: read tables, call functions, recurse (WITH RECURSIVE). Everything else (writes,
# ATTACH, PRAGMA, schema changes) is refused by the authorizer, and query_only refuses writes besides.
_ALLOWED = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE})


def _authorize(action: int, name: Any, *_: Any) -> int:
    if action in _ALLOWED or (action == sqlite3.SQLITE_PRAGMA and name == "data_version"):  # FTS5 reads it
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


# A query still running after this many seconds is stopped (WITH RECURSIVE can loop for ever).
SQL_TIME_LIMIT = 10.0


def memory_db(base: FactBase) -> sqlite3.Connection:
    """Return the base as a read-only in-memory SQLite database with the schema of `export --sqlite`."""
    db = _database(base)
    # Full-text tables are virtual: each is connected on first use, which reads and writes its shadow
    # tables (a query's authorizer would refuse that), so they are connected before it is set.
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'").fetchall():
        db.execute(f'SELECT * FROM "{table}" WHERE 0').fetchall()
    db.execute("PRAGMA query_only = ON")
    db.set_authorizer(_authorize)
    return db


def _watchdog(db: sqlite3.Connection, seconds: float) -> Any:
    """Interrupt ``db`` after ``seconds``, or at once on Ctrl-C; return the function that ends the watch.

    A progress handler would miss a query of few, huge steps (a string of 100 MB at a time), and
    Python sees Ctrl-C only between its own steps: a thread waits on the signal wake-up fd instead.
    """
    import os
    import select
    import signal
    import threading

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    try:
        previous = signal.set_wakeup_fd(wake_w)
    except ValueError:  # not the main thread: the time limit alone
        previous = None
    done = threading.Event()

    def watch() -> None:
        select.select([wake_r], [], [], seconds)
        if not done.is_set():
            db.interrupt()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()

    def stop() -> None:
        done.set()
        os.write(wake_w, b"\0")
        thread.join()
        if previous is not None:
            signal.set_wakeup_fd(previous)
        os.close(wake_r)
        os.close(wake_w)

    return stop


def run_sql(base: FactBase, query: str) -> tuple[list[str], list[dict]]:
    """Run one read-only SQL statement over the base; return its column names and its rows."""
    db = memory_db(base)
    try:
        if not sqlite3.complete_statement(query.rstrip().rstrip(";") + ";"):
            raise UsageError("sql: the statement is incomplete")
        stop = _watchdog(db, SQL_TIME_LIMIT)
        try:
            cursor = db.execute(query)
            if cursor.description is None:
                raise UsageError("sql: only SELECT statements are allowed")
            columns = _unique([d[0] for d in cursor.description])
            rows = cursor.fetchall()
        finally:
            stop()
        return columns, [dict(zip(columns, row, strict=True)) for row in rows]
    except sqlite3.Error as e:
        raise UsageError(f"sql: {_reason(e)}") from None
    finally:
        db.close()


def _reason(error: sqlite3.Error) -> str:
    from ..text import visible

    text = visible(str(error))  # it may quote the query, control characters and all
    if text in ("not authorized", "authorization denied") or "readonly database" in text:
        return "only SELECT statements are allowed (the database is read-only)"
    if text == "interrupted":
        return f"the query ran longer than {SQL_TIME_LIMIT:g} s and was stopped"
    if "one statement at a time" in text:
        return "one statement at a time"
    return text


def _unique(names: list[str]) -> list[str]:
    """Return column names made unique, so no value is lost in a row: a second `id` becomes `id_2`, or
    `id_3` if the query names a column `id_2` itself (a renamed column never takes a real name)."""
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        if name in seen:
            n = 2
            while f"{name}_{n}" in taken:
                n += 1
            name = f"{name}_{n}"
            taken.add(name)
        seen.add(name)
        out.append(name)
    return out


def sql_tables(base: FactBase) -> list[dict]:
    """Return each table of the `sql` database with its columns, in the order they were created."""
    db = _database(base)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
        return [{"table": t, "columns": [c[1] for c in db.execute(f'PRAGMA table_info("{t}")')]} for t in tables]
    finally:
        db.close()
