"""The base as SQL tables: one per kind, ``records`` of every id, ``citations`` with their anchors, and
what makes them pleasant to query (dates as intervals, junction tables, labels, full-text search).

``build`` fills a connection (a file for `export --sqlite`, ``:memory:`` for `sql`); ``enrich`` only
adds columns, tables and indexes to what ``build`` made, so each table keeps its own shape.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import msgspec

from .. import edtf
from ..model import KINDS, PERSON_REFERENCES, SOURCE_OR_PERSON, FactBase
from .rows import KIND, Lookup, kind_of, record_columns, record_fields, summary


def _column_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "BOOLEAN"  # stored as 1 and 0, and `sql` gives them so (ask/sql.py)
    if present and all(isinstance(v, bool | int) for v in present):
        return "INTEGER"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "REAL"
    return "TEXT"


def _sql_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return msgspec.json.encode(value).decode()  # JSON text, as json.dumps(ensure_ascii=False) writes it
    return value


def build(db: sqlite3.Connection, base: FactBase) -> dict[str, int]:
    """Create the base's tables in ``db`` (a file or ``:memory:``) and fill them; return each table's rows.

    One table per kind with the fields every command shows (a reference to a person as ``X_id``, a
    foreign key, and ``X``, the name), ``records`` of every id and ``citations``. `export --sqlite`
    and `sql` both build their database here.
    """
    lookup = Lookup(base)
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


# The field holding each kind's date, where it is not `date`; kinds without one are undated.
_DATE_FIELD = {"sources": "published", "people": None}
ROLES = ("participant", "mentioned")
LABEL_LENGTH = 80
# Tables whose label Datasette finds by itself (a `name` or `title` column).
OWN_LABEL = {"people": "name", "sources": "title"}
# Full-text indexes: table -> the columns searched.
FTS = {"records": ("label", "summary", "notes"), "quotes": ("text", "context"), "citations": ("quote", "note")}
TOKENIZE = "unicode61 remove_diacritics 2"  # case and accents ignored, as `iranaz search` does


def _shorten(text: str, length: int = LABEL_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _person_list_fields(kind: str) -> list[tuple[str, str]]:
    """Return (field, role) for each field of ``kind`` that lists people by id, with the role the
    model gives it (model.PERSON_REFERENCES). Fields that may name a source instead of a person
    (model.SOURCE_OR_PERSON) cannot be keyed to people: they get a table of their own (according_to)."""
    types = {f.name: f.type for f in msgspec.structs.fields(KINDS[kind])}
    return [
        (field, role)
        for field, role in PERSON_REFERENCES.get(kind, {}).items()
        if getattr(types.get(field), "__origin__", None) is list and field not in SOURCE_OR_PERSON and role in ROLES
    ]


def junction_table(kind: str) -> str:
    """Return the name of the table linking records of ``kind`` to people: `event_people`, `corridor_people`."""
    return f"{KIND[kind]}_people"


def _dates(record: Any, kind: str) -> tuple[int | None, str | None, str | None]:
    """Return (year, first day, last day) of a record's date; an `end` date ends the interval."""
    field = _DATE_FIELD.get(kind, "date")
    text = getattr(record, field, None) if field else None
    if not text:
        return None, None, None
    interval = edtf.parse(text)
    end = getattr(record, "end", None)
    last = edtf.parse(end).last if end else interval.last
    return interval.year, interval.first.isoformat(), last.isoformat()


class _Unattributed(Lookup):
    """A lookup whose summaries leave out whom a record is according to (its label puts it at the end)."""

    def according(self, ids: list[str], text: str) -> str:
        return text


def source_names(base: FactBase) -> dict[str, str]:
    """Return how a label names each source: its publisher, else the start of its title (never its bare id)."""
    return {s.id: s.publisher or _shorten(s.title, 30) for s in base.sources}


def _label(kind: str, record: Any, year: int | None, plain: _Unattributed, sources: dict[str, str]) -> str:
    """Return a row's label: its summary, shortened, then whom it is according to and its year, kept whole.

    `according to` stays in every label of an attributed record: a claim is shown as its author's."""
    text = summary(kind, record, plain)
    by = [sources[ref] if ref in sources else plain.name(ref) for ref in getattr(record, "according_to", None) or []]
    tail = (f" (according to {' and '.join(by)})" if by else "") + (
        f" ({year})" if year is not None and kind not in OWN_LABEL else ""
    )
    return _shorten(text, max(LABEL_LENGTH - len(tail), 20)) + tail


def _source_label(source: Any) -> str:
    about = ", ".join(v for v in (source.publisher, source.published) if v)
    return f"{source.id} ({about})" if about else source.id


def table_columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def enrich(db: sqlite3.Connection, base: FactBase) -> dict[str, int]:
    """Add dates, labels, junction tables and full-text indexes; return the rows of each new table."""
    lookup = Lookup(base)
    for table in ("records", "citations", *KINDS):
        if "label" not in table_columns(db, table) and table not in OWN_LABEL:
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN label TEXT')
    for column, kind_of_column in (("year", "INTEGER"), ("date_start", "TEXT"), ("date_end", "TEXT")):
        for table in ("records", *(k for k in KINDS if _DATE_FIELD.get(k, "date"))):
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN {column} {kind_of_column}')
    db.execute("ALTER TABLE records ADD COLUMN notes TEXT")

    plain, sources = _Unattributed(base), source_names(base)
    labels: dict[str, str] = {}
    for kind in KINDS:
        for record in getattr(base, kind):
            year, first, last = _dates(record, kind)
            label = _label(kind, record, year, plain, sources)
            labels[record.id] = label
            db.execute(
                "UPDATE records SET label = ?, year = ?, date_start = ?, date_end = ? WHERE id = ?",
                (label, year, first, last, record.id),
            )
            sets = [] if kind in OWN_LABEL else ["label = :label"]
            if _DATE_FIELD.get(kind, "date"):
                sets += ["year = :year", "date_start = :first", "date_end = :last"]
            if sets:
                db.execute(
                    f'UPDATE "{kind}" SET {", ".join(sets)} WHERE id = :id',
                    {"label": label, "year": year, "first": first, "last": last, "id": record.id},
                )
    db.executemany(  # a citation names its source as every output does: with its publisher and date
        "UPDATE citations SET label = record_id || ' cites ' || ? WHERE source_id = ?",
        [(_source_label(s), s.id) for s in base.sources],
    )
    for kind in ("events", "corridor"):  # an event or the source's own analysis (assessment), as in records
        if "kind" not in table_columns(db, kind):
            db.execute(f'ALTER TABLE "{kind}" ADD COLUMN kind TEXT')
        db.executemany(
            f'UPDATE "{kind}" SET kind = ? WHERE id = ?', [(kind_of(kind, r), r.id) for r in getattr(base, kind)]
        )
    # A record's notes as its own table holds them (one JSON array), so notes read alike in every table.
    for kind in KINDS:
        if kind in KIND and "notes" in table_columns(db, kind):
            db.execute(f'UPDATE records SET notes = (SELECT k.notes FROM "{kind}" AS k WHERE k.id = records.id)'
                       f' WHERE id IN (SELECT id FROM "{kind}")')  # fmt: skip

    counts = {}
    for kind in KINDS:
        fields = _person_list_fields(kind)
        if not fields:
            continue
        table, key = junction_table(kind), f"{KIND[kind]}_id"
        db.execute(
            f'CREATE TABLE "{table}" ("{key}" TEXT NOT NULL REFERENCES "{kind}"(id),'
            " person_id TEXT NOT NULL REFERENCES people(id),"
            f" role TEXT NOT NULL CHECK (role IN {ROLES!r}), label TEXT,"
            f' PRIMARY KEY ("{key}", person_id, role))'
        )
        rows = [
            (record.id, person, role, _shorten(f"{lookup.name(person)} ({role}): {labels[record.id]}"))
            for record in getattr(base, kind)
            for field, role in fields
            for person in dict.fromkeys(getattr(record, field))
        ]
        db.executemany(f'INSERT INTO "{table}" VALUES (?, ?, ?, ?)', rows)
        db.execute(f'CREATE INDEX "{table}_person" ON "{table}" (person_id)')
        counts[table] = len(rows)

    counts["visit_hosts"] = _hosts(db, base, lookup, labels)
    counts["according_to"] = _according_to(db, base, plain)
    counts["roles"] = _roles(db, base)
    counts["dispute_sides"] = _dispute_sides(db, base)
    db.execute("CREATE INDEX citations_record ON citations (record_id)")
    db.execute("CREATE INDEX citations_source ON citations (source_id)")
    for table, columns in FTS.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        # content=[table]: the form Datasette looks for to offer a search box on the table
        db.execute(f'CREATE VIRTUAL TABLE "{table}_fts" USING fts5({listed}, content=[{table}], tokenize="{TOKENIZE}")')
        db.execute(f'INSERT INTO "{table}_fts" (rowid, {listed}) SELECT rowid, {listed} FROM "{table}"')
    return counts


def _hosts(db: sqlite3.Connection, base: FactBase, lookup: Lookup, labels: dict[str, str]) -> int:
    """Add each visit's host to `visits` (host, host_ids, host_certain) and `visit_hosts`: each possible
    host, one row each, certain or not (a year can span a handover; on a handover day both held the office)."""
    from .hosts import host_of, host_terms

    present = set(table_columns(db, "visits"))
    if "host_id" in present:  # a visit's own `host` field: host_ids and visit_hosts hold it, with the rest
        db.execute('ALTER TABLE visits DROP COLUMN "host_id"')
    for column, kind in (("host", "TEXT"), ("host_ids", "TEXT"), ("host_certain", "INTEGER")):
        if column not in present:  # (a visit's own `host` field may have made the column already)
            db.execute(f'ALTER TABLE visits ADD COLUMN "{column}" {kind}')
    db.execute(
        "CREATE TABLE visit_hosts (visit_id TEXT NOT NULL REFERENCES visits(id),"
        " person_id TEXT NOT NULL REFERENCES people(id), certain INTEGER NOT NULL, sources TEXT, label TEXT,"
        " PRIMARY KEY (visit_id, person_id))"
    )
    hosts = host_terms(base)
    rows = []
    for visit in base.visits:
        host = host_of(visit, hosts, lookup)
        db.execute(
            "UPDATE visits SET host = ?, host_ids = ?, host_certain = ? WHERE id = ?",
            (" or ".join(host["names"]) or None, _sql_value(host["ids"]), int(host["certain"]), visit.id),
        )
        for person, name in zip(host["ids"], host["names"], strict=True):
            how = "host" if host["certain"] else "possible host"
            label = _shorten(f"{name} ({how}): {labels[visit.id]}")
            rows.append((visit.id, person, int(host["certain"]), _sql_value(host["sources"]), label))
    db.executemany("INSERT INTO visit_hosts VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX visit_hosts_person ON visit_hosts (person_id)")
    return len(rows)


def _according_to(db: sqlite3.Connection, base: FactBase, plain: _Unattributed) -> int:
    """Add `according_to`: who or what each record (or one of its notes) is according to, one row each.

    Such a reference names a person or a source (model.SOURCE_OR_PERSON), so the row keys one of
    `person_id` and `source_id`, each a foreign key, and the record's id."""
    sources = source_names(base)
    db.execute(
        "CREATE TABLE according_to (record_id TEXT NOT NULL REFERENCES records(id),"
        " person_id TEXT REFERENCES people(id), source_id TEXT REFERENCES sources(id), note TEXT, label TEXT,"
        " CHECK ((person_id IS NULL) != (source_id IS NULL)))"
    )
    rows = []
    for kind in KINDS:
        fields = [f for f in PERSON_REFERENCES.get(kind, {}) if f in SOURCE_OR_PERSON]
        for record in getattr(base, kind):
            refs = [(ref, None) for field in fields for ref in getattr(record, field)]
            for note in getattr(record, "notes", ()):
                refs += [(ref, note.text) for ref in getattr(note, "according_to", ())]
            for ref, note_text in refs:
                who = sources[ref] if ref in sources else plain.name(ref)
                person, source = (None, ref) if ref in sources else (ref, None)
                label = _shorten(f"{who}: {note_text or summary(kind, record, plain)}")
                rows.append((record.id, person, source, note_text, label))
    db.executemany("INSERT INTO according_to VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX according_to_record ON according_to (record_id)")
    return len(rows)


def _dispute_sides(db: sqlite3.Connection, base: FactBase) -> int:
    """Add `dispute_sides`: each side of each dispute, in order, with its claim and its citations."""
    db.execute(
        "CREATE TABLE dispute_sides (id INTEGER PRIMARY KEY, dispute_id TEXT NOT NULL REFERENCES disputes(id),"
        " position INTEGER NOT NULL, claim TEXT NOT NULL, source_ids TEXT, sources TEXT, label TEXT)"
    )
    rows = [
        (
            d.id,
            i,
            side.claim,
            json.dumps(list(dict.fromkeys(c.source for c in side.sources))),
            json.dumps(msgspec.to_builtins(side.sources), ensure_ascii=False),
            _shorten(f"{d.subject}: {side.claim}"),
        )
        for d in base.disputes
        for i, side in enumerate(d.sides, 1)
    ]
    db.executemany("INSERT INTO dispute_sides VALUES (NULL, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX dispute_sides_dispute ON dispute_sides (dispute_id)")
    return len(rows)


def _roles(db: sqlite3.Connection, base: FactBase) -> int:
    """Add `roles`: every title a person held (a term of office, or a title as of a date), one row each,
    with its dates as an interval: from the start's first day to the end's last, or the as_of date's."""
    db.execute(
        "CREATE TABLE roles (id INTEGER PRIMARY KEY, person_id TEXT NOT NULL REFERENCES people(id),"
        ' title TEXT NOT NULL, office TEXT, start TEXT, "end" TEXT, as_of TEXT, acting BOOLEAN, end_reason TEXT,'
        " sources TEXT, year INTEGER, date_start TEXT, date_end TEXT, label TEXT)"
    )
    rows = []
    for person in base.people:
        for role in person.roles:
            start_text = role.start or role.as_of
            start = edtf.parse(start_text).first if start_text else None
            end_text = role.end or (None if role.start else role.as_of)
            end = edtf.parse(end_text).last if end_text else None
            span = f"{role.start or '?'}–{role.end or ''}" if role.start or role.end else f"as of {role.as_of or '?'}"
            rows.append(
                (
                    person.id,
                    role.title,
                    getattr(role, "office", None),
                    role.start,
                    role.end,
                    role.as_of,
                    int(bool(getattr(role, "acting", False))),
                    getattr(role, "end_reason", None),
                    json.dumps(msgspec.to_builtins(getattr(role, "sources", [])), ensure_ascii=False),
                    start.year if start else None,
                    start.isoformat() if start else None,
                    end.isoformat() if end else None,
                    _shorten(f"{person.name}: {role.title} ({span})"),
                )
            )
    db.executemany(f"INSERT INTO roles VALUES (NULL, {', '.join('?' * 13)})", rows)
    db.execute("CREATE INDEX roles_person ON roles (person_id)")
    return len(rows)
