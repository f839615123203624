"""`iranaz sql`: read-only questions in SQL over the base, in an in-memory database with the tables of
`export --sqlite`.

Building that database takes ~10 ms (tables, junctions, full-text indexes); a base read from the cache
keeps the database's image beside it, so a later query only loads the image.
"""

from __future__ import annotations

import functools
import itertools
import sqlite3
import sys
from typing import Any

from ..errors import UsageError
from ..model import FactBase


def _database(base: FactBase) -> sqlite3.Connection:
    """Return the base in a new in-memory database: from the cached image, else built (and cached)."""
    from ..store import cache

    # A column declared BOOLEAN holds 1 and 0 and comes out so, as SQLite stores it: a conversion by
    # declared type also converted the other arms of a UNION (a count of 8 came out as true).
    image = cache.read_image(base)
    if image is None:
        from .tables import build

        with sqlite3.connect(":memory:") as built:
            build(built, base)
        image = built.serialize()
        built.close()
        cache.write_image(base, image)
    # A query always runs over a fresh copy of the image: a database built in this connection would
    # finish creating its full-text tables on first use (an UPDATE of sqlite_master, which the
    # authorizer refuses), so a first run and a cached run would answer differently.
    db = sqlite3.connect(":memory:")
    db.deserialize(image)
    return db


# What a query may do: read tables, recurse (WITH RECURSIVE) and call the functions allowed by name
# below. Everything else (writes, ATTACH, PRAGMA, schema changes, any other function) is refused by the
# authorizer, and query_only refuses writes besides.
_ALLOWED = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})

# The functions a query may call, by name (SQLite gives the authorizer the name in lower case), never
# by category: SQLite also has functions that hand out or take memory addresses (fts3_tokenizer, fts5),
# load code (load_extension), report how it was built or write its log. Names a newer SQLite adds are
# listed where they are as harmless as their neighbours; an older SQLite says "no such function".
ALLOWED_FUNCTIONS = frozenset(
    {
        # core scalar functions (zeroblob and randomblob are capped by SQL_MAX_VALUE)
        *"abs char coalesce concat concat_ws format glob hex ifnull iif instr length like likelihood likely"
        " lower ltrim max min nullif octet_length printf quote random randomblob replace round rtrim sign"
        " soundex substr substring trim typeof unhex unicode unistr unlikely upper zeroblob".split(),
        # math
        *"acos acosh asin asinh atan atan2 atanh ceil ceiling cos cosh degrees exp floor ln log log10 log2 mod"
        " pi pow power radians sin sinh sqrt tan tanh trunc".split(),
        # dates and times
        *"date time datetime julianday strftime unixepoch timediff current_date current_time current_timestamp".split(),
        # aggregates
        *"avg count group_concat string_agg sum total median".split(),
        # window functions
        *"row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value".split(),
        # JSON (json_each and json_tree are table-valued: connected in memory_db)
        *"json json_array json_array_length json_extract json_insert json_object json_patch json_quote json_remove"
        " json_replace json_set json_type json_valid json_group_array json_group_object json_pretty"
        " json_error_position -> ->>".split(),
        # full text: MATCH and FTS5's auxiliary functions
        *"match bm25 highlight snippet".split(),
    }
)


def _authorizer(refused: list[str]) -> Any:
    """Return the authorizer of one connection; it adds each function it refuses to ``refused``."""

    def authorize(action: int, arg1: Any, arg2: Any, *_: Any) -> int:
        # SQLITE_FUNCTION's arguments are (NULL, function name); SQLITE_PRAGMA's are (pragma, its argument).
        if action == sqlite3.SQLITE_FUNCTION:
            if arg2 in ALLOWED_FUNCTIONS:
                return sqlite3.SQLITE_OK
            refused.append(arg2)
            return sqlite3.SQLITE_DENY
        if action in _ALLOWED or (action == sqlite3.SQLITE_PRAGMA and arg1 == "data_version"):  # FTS5 reads it
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize


# Table-valued functions a query may use: they only read the JSON text they are given.
TABLE_FUNCTIONS = ("json_each", "json_tree")

# A query still running after this many seconds is stopped (WITH RECURSIVE can loop for ever); one
# that a stop cannot reach within SQL_GRACE seconds more ends the process.
SQL_TIME_LIMIT = 10.0
SQL_GRACE = 3.0


def memory_db(base: FactBase, refused: list[str] | None = None, failed: list[str] | None = None) -> sqlite3.Connection:
    """Return the base as a read-only in-memory SQLite database with the schema of `export --sqlite`;
    each function a query is refused is added to ``refused``, and why a call of printf or format
    failed (its result too large, or not text) to ``failed``."""
    db = _database(base)
    # Bound first: a change of temp_store resets the schema, and the tables connected below with it.
    _bound(db)
    _printf_that_says_why(db, failed if failed is not None else [])
    # Full-text tables are virtual: each is connected on first use, which reads and writes its shadow
    # tables (a query's authorizer would refuse that), so they are connected before it is set.
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'").fetchall():
        db.execute(f'SELECT * FROM "{table}" WHERE 0').fetchall()
    # The read-only table-valued functions (json_each over a list column) are connected the same way.
    for function in TABLE_FUNCTIONS:
        db.execute(f"SELECT * FROM {function}('[]') WHERE 0").fetchall()
    db.execute("PRAGMA query_only = ON")
    db.set_authorizer(_authorizer(refused if refused is not None else []))
    return db


def _watchdog(db: sqlite3.Connection, seconds: float, cancelled: list[bool]) -> Any:
    """Interrupt ``db`` after ``seconds``, or at once on Ctrl-C (appending True to ``cancelled``: the
    query then fails as interrupted, or as a function of iranaz's that Ctrl-C reached); return the
    function that ends the watch.

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

    def woken(timeout: float) -> bool | None:
        """Wait at most ``timeout`` s: True on a signal (Ctrl-C: its number is written), None when the
        watch is ended (stop writes a zero), False when the time is up."""
        if not select.select([wake_r], [], [], timeout)[0]:
            return False
        if any(os.read(wake_r, 512)):
            cancelled.append(True)  # (before anything else: the query may end at once, as cancelled)
            return True
        return None

    def watch() -> None:
        by_user = woken(seconds)
        if by_user is None or done.is_set():
            return
        db.interrupt()
        # SQLite sees an interrupt only between its steps: one function call over huge values (instr
        # of two 10 MB strings) runs on. The query holds no lock and writes nothing, so past a grace
        # period the process ends, saying why (the step releases the GIL: this runs). Ctrl-C, before
        # or during the grace, ends it as cancelled (130), as the interruptible query would.
        again = woken(0.5 if by_user else SQL_GRACE)
        if again is None or done.is_set():
            return
        if not (by_user or again):
            os.write(2, f"Error: sql: ran longer than {seconds:g} s and could not be stopped sooner\n".encode())
        os._exit(130 if by_user or again else 2)

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


# What one query may use, so that no query can exhaust the machine: a value (string or blob) of at
# most SQL_MAX_VALUE bytes, SQLite memory of at most SQL_MEMORY bytes beyond the database itself, and
# a result of at most SQL_MAX_ROWS rows and SQL_MAX_BYTES bytes as Python holds them (each row and
# each cell costs its overhead too, so a million rows of NULL are counted). Past them: "result too large".
SQL_MAX_VALUE = 16 << 20
SQL_MEMORY = 512 << 20
SQL_MAX_ROWS = 500_000
SQL_MAX_BYTES = 128 << 20
_ROW_COST = 120  # a tuple and a dict of the row, roughly
_CELL_COST = 40  # an int, a float or an empty str


def _cost(row: tuple) -> int:
    """What a row costs as Python holds it: a str 1, 2 or 4 bytes a character (an emoji 4: counting
    characters let 60 rows of 15 MB of emoji through), a blob its bytes and the hex text it is shown as."""
    cost = _ROW_COST
    for v in row:
        if isinstance(v, str):
            cost += sys.getsizeof(v)
        elif isinstance(v, bytes):
            cost += _CELL_COST + 3 * len(v)
        else:
            cost += _CELL_COST
    return cost


def _bound(db: sqlite3.Connection) -> None:
    """Cap the size of a value and the memory SQLite may use (sorting spills to memory, never to disk)."""
    db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQL_MAX_VALUE)
    pages = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute(f"PRAGMA hard_heap_limit = {2 * pages + SQL_MEMORY}")  # (for the process: reset after the query)


CANCELLED = "cancelled"  # (what `failed` holds when Ctrl-C stopped printf)


def _printf_that_says_why(db: sqlite3.Connection, failed: list[str]) -> None:
    """Make printf and format fail, as every other function does, when their result would pass
    SQL_MAX_VALUE: SQLite's own give NULL then, a wrong answer that looks like "no value".

    Each call is SQLite's own printf, run in a second connection with the same cap, over the format
    with one letter before it: a NULL then can only mean the cap was passed (an empty format's NULL
    is SQLite's answer, and stays so). Why a call failed is added to ``failed``: SQLite only reports
    "user-defined function raised exception".
    """

    def checked(name: str) -> Any:
        def call(*args: Any) -> Any:
            try:
                return printf(name, args)
            except KeyboardInterrupt:  # (SQLite would only say the function raised an exception)
                failed.append(CANCELLED)
                raise ValueError(name) from None

        return call

    def printf(name: str, args: tuple) -> Any:
        marks = ", ".join("?" * len(args))
        if not args or args[0] in (None, "", b""):  # (no format: SQLite's answer, NULL, cannot be too large)
            return _plain_sqlite().execute(f"SELECT {name}({marks})", args).fetchone()[0]
        value = _plain_sqlite().execute(f"SELECT {name}('x' || {marks})", args).fetchone()[0]
        if value is None:
            failed.append(f"a value is too large (more than {SQL_MAX_VALUE >> 20} MB): {name}'s result")
            raise ValueError(name)
        try:
            return value[1:].decode("utf-8")
        except UnicodeDecodeError:
            failed.append(f"{name}'s result is not UTF-8 text (a blob holds other bytes: hex() shows them)")
            raise ValueError(name) from None

    for name in ("printf", "format"):
        db.create_function(name, -1, checked(name), deterministic=True)


@functools.cache
def _plain_sqlite() -> sqlite3.Connection:
    """A connection with no function of iranaz's and the value cap (one byte more, for the letter
    before each format), opened on first use: a query that calls no printf never opens it."""
    plain = sqlite3.connect(":memory:")
    plain.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQL_MAX_VALUE + 1)
    plain.text_factory = bytes
    return plain


def _fetch(cursor: sqlite3.Cursor, limit: int | None) -> list[tuple]:
    """Return the rows of a query, fetched one at a time: at most ``limit``, else the whole result if it
    is within SQL_MAX_ROWS and SQL_MAX_BYTES (checked at each row: a batch of rows of 15 MB values
    held 3 GB before a check per batch saw it)."""
    rows: list[tuple] = []
    size = 0
    wanted = min(limit, sys.maxsize) if limit is not None else SQL_MAX_ROWS + 1  # (islice takes at most maxsize)
    for row in itertools.islice(cursor, wanted):  # (no row past it is stepped)
        rows.append(row)
        size += _cost(row)
        if size > SQL_MAX_BYTES or (limit is None and len(rows) > SQL_MAX_ROWS):
            most, advice = f"{SQL_MAX_BYTES >> 20} MB", "lower --limit"
            if limit is None:
                most, advice = f"{SQL_MAX_ROWS:,} rows or {most}", "use --limit"
            raise UsageError(f"sql: result too large (more than {most}); narrow the query or {advice}")
    return rows


def run_sql(base: FactBase, query: str, limit: int | None = None) -> tuple[list[str], list[dict]]:
    """Run one read-only SQL statement over the base; return its column names and its rows (at most
    ``limit``: the rest are never fetched)."""
    if not query.strip().strip(";").strip():
        raise UsageError("sql: the query is empty; give one SELECT statement")
    if _first_word(query) == "explain" and _first_word(query, 2) != "query":
        raise UsageError("sql: EXPLAIN is not allowed (its programs show memory addresses); EXPLAIN QUERY PLAN is")
    refused: list[str] = []
    failed: list[str] = []
    cancelled: list[bool] = []
    db = memory_db(base, refused, failed)
    try:
        if not sqlite3.complete_statement(query.rstrip().rstrip(";") + "\n;"):  # (a trailing -- comment)
            raise UsageError("sql: the statement is incomplete")
        stop = _watchdog(db, SQL_TIME_LIMIT, cancelled)
        try:
            cursor = db.execute(query)
            if cursor.description is None:
                raise UsageError("sql: only SELECT statements are allowed")
            columns = _unique([d[0] for d in cursor.description])
            rows = _fetch(cursor, limit)
        finally:
            stop()
        return columns, [dict(zip(columns, map(_portable, row), strict=True)) for row in rows]
    except sqlite3.Error as e:
        if cancelled or CANCELLED in failed:  # Ctrl-C: the interrupt it sent, or in a function of iranaz's
            raise KeyboardInterrupt from None
        if refused:
            from ..text import visible

            name = visible(refused[0], lines=False)
            raise UsageError(f"sql: the function {name} is not allowed (see iranaz sql --help)") from None
        if failed:
            raise UsageError(f"sql: {failed[0]}") from None
        raise UsageError(f"sql: {_reason(e)}") from None
    except MemoryError:  # SQLite's heap limit (SQLITE_NOMEM)
        raise UsageError(f"sql: result too large (the query needs more than {SQL_MEMORY >> 20} MB)") from None
    finally:
        db.close()
        sqlite3.connect(":memory:").execute("PRAGMA hard_heap_limit = 0").connection.close()


def _first_word(query: str, nth: int = 1) -> str:
    """Return the ``nth`` word of a statement, lower-cased, past blanks and comments ("" if none)."""
    import re

    words = re.findall(r"\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$)|(\w+)|.", query, flags=re.DOTALL)
    words = [w for w in words if w]
    return words[nth - 1].lower() if len(words) >= nth else ""


def _reason(error: sqlite3.Error) -> str:
    from ..text import visible

    text = visible(str(error))  # it may quote the query, control characters and all
    if text in ("not authorized", "authorization denied") or "readonly database" in text:
        return "only SELECT statements are allowed (the database is read-only)"
    if text == "interrupted":
        return f"the query ran longer than {SQL_TIME_LIMIT:g} s and was stopped"
    if text == "string or blob too big":
        return f"a value is too large (more than {SQL_MAX_VALUE >> 20} MB)"
    if text.startswith("vtable constructor failed: "):  # an eponymous virtual table (dbstat, sqlite_stmt)
        return f"the table {text.split(': ', 1)[1]} is not available (iranaz sql --tables lists those that are)"
    if text == "user-defined function raised exception":  # (printf and format are the only ones, and
        # said why they failed: this is Python's sqlite3 failing to read an argument of theirs)
        return "printf or format was given text that is not UTF-8 (hex() shows its bytes)"
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
    """Return each table of the `sql` database with its columns, in the order they were created: the
    full-text tables too, not the shadow tables that hold their index."""
    db = _database(base)
    try:
        shadow = {t for (t,) in db.execute("SELECT name FROM pragma_table_list WHERE type = 'shadow'")}
        listed = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
        tables = [t for (t,) in listed if t not in shadow]
        return [{"table": t, "columns": [c[1] for c in db.execute(f'PRAGMA table_info("{t}")')]} for t in tables]
    finally:
        db.close()


def _portable(value: Any) -> Any:
    """Return a value every output writes alike: a blob as its SQL hex literal (X'00FF'), an infinite
    or NaN float as the text JSON libraries use for it (Infinity, -Infinity, NaN); JSON has neither,
    so JSON gave null (silently) and base64 where CSV and tables gave Python's b'...' and inf."""
    if isinstance(value, bytes):
        return f"X'{value.hex().upper()}'"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    return value
