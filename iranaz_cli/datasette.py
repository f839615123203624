"""What makes the SQLite export pleasant in Datasette: dates as intervals, junction tables, labels,
full-text search, and the metadata file (`iranaz export --metadata FILE`).

``enrich`` runs on a connection in which ``export`` has built its tables (one per kind, ``records``
and ``citations``); it only adds columns, tables and indexes, so the tables keep their own shape.
``metadata`` describes whatever tables a database file holds.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

from . import edtf
from .core import KIND, _Lookup, summary
from .model import KINDS, PERSON_REFERENCES, SOURCE_OR_PERSON, FactBase

# The field holding each kind's date, where it is not `date`; kinds without one are undated.
_DATE_FIELD = {"sources": "published", "people": None}
ROLES = ("participant", "mentioned")
LABEL_LENGTH = 80
# Tables whose label Datasette finds by itself (a `name` or `title` column).
_OWN_LABEL = {"people": "name", "sources": "title"}
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


class _Unattributed(_Lookup):
    """A lookup whose summaries leave out whom a record is according to (its label puts it at the end)."""

    def according(self, ids: list[str], text: str) -> str:
        return text


def _label(kind: str, record: Any, year: int | None, plain: _Unattributed, sources: set[str]) -> str:
    """Return a row's label: its summary, shortened, then whom it is according to and its year, kept whole.

    `according to` stays in every label of an attributed record: a claim is shown as its author's."""
    text = summary(kind, record, plain)
    by = [ref if ref in sources else plain.name(ref) for ref in getattr(record, "according_to", None) or []]
    tail = (f" (according to {' and '.join(by)})" if by else "") + (
        f" ({year})" if year is not None and kind not in _OWN_LABEL else ""
    )
    return _shorten(text, max(LABEL_LENGTH - len(tail), 20)) + tail


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def enrich(db: sqlite3.Connection, base: FactBase) -> dict[str, int]:
    """Add dates, labels, junction tables and full-text indexes; return the rows of each new table."""
    lookup = _Lookup(base)
    for table in ("records", "citations", *KINDS):
        if "label" not in _columns(db, table) and table not in _OWN_LABEL:
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN label TEXT')
    for column, kind_of_column in (("year", "INTEGER"), ("date_start", "TEXT"), ("date_end", "TEXT")):
        for table in ("records", *(k for k in KINDS if _DATE_FIELD.get(k, "date"))):
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN {column} {kind_of_column}')
    db.execute("ALTER TABLE records ADD COLUMN notes TEXT")

    plain, sources = _Unattributed(base), {s.id for s in base.sources}
    labels: dict[str, str] = {}
    for kind in KINDS:
        for record in getattr(base, kind):
            year, first, last = _dates(record, kind)
            label = _label(kind, record, year, plain, sources)
            labels[record.id] = label
            notes = "\n".join(n if isinstance(n, str) else n.text for n in getattr(record, "notes", []))
            db.execute(
                "UPDATE records SET label = ?, year = ?, date_start = ?, date_end = ?, notes = ? WHERE id = ?",
                (label, year, first, last, notes or None, record.id),
            )
            sets = [] if kind in _OWN_LABEL else ["label = :label"]
            if _DATE_FIELD.get(kind, "date"):
                sets += ["year = :year", "date_start = :first", "date_end = :last"]
            if sets:
                db.execute(
                    f'UPDATE "{kind}" SET {", ".join(sets)} WHERE id = :id',
                    {"label": label, "year": year, "first": first, "last": last, "id": record.id},
                )
    db.execute("UPDATE citations SET label = record_id || ' cites ' || source_id")

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

    counts["according_to"] = _according_to(db, base, plain)
    counts["roles"] = _roles(db, base)
    db.execute("CREATE INDEX citations_record ON citations (record_id)")
    db.execute("CREATE INDEX citations_source ON citations (source_id)")
    for table, columns in FTS.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        # content=[table]: the form Datasette looks for to offer a search box on the table
        db.execute(f'CREATE VIRTUAL TABLE "{table}_fts" USING fts5({listed}, content=[{table}], tokenize="{TOKENIZE}")')
        db.execute(f'INSERT INTO "{table}_fts" (rowid, {listed}) SELECT rowid, {listed} FROM "{table}"')
    return counts


def _according_to(db: sqlite3.Connection, base: FactBase, plain: _Unattributed) -> int:
    """Add `according_to`: who or what each record (or one of its notes) is according to, one row each.

    Such a reference names a person or a source (model.SOURCE_OR_PERSON), so the row keys one of
    `person_id` and `source_id`, each a foreign key, and the record's id."""
    sources = {s.id for s in base.sources}
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
                who = ref if ref in sources else plain.name(ref)
                person, source = (None, ref) if ref in sources else (ref, None)
                label = _shorten(f"{who}: {note_text or summary(kind, record, plain)}")
                rows.append((record.id, person, source, note_text, label))
    db.executemany("INSERT INTO according_to VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX according_to_record ON according_to (record_id)")
    return len(rows)


def _roles(db: sqlite3.Connection, base: FactBase) -> int:
    """Add `roles`: every title a person held (a term of office, or a title as of a date), one row each,
    with its dates as an interval: from the start's first day to the end's last, or the as_of date's."""
    db.execute(
        "CREATE TABLE roles (id INTEGER PRIMARY KEY, person_id TEXT NOT NULL REFERENCES people(id),"
        ' title TEXT NOT NULL, office TEXT, start TEXT, "end" TEXT, as_of TEXT, acting INTEGER, end_reason TEXT,'
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


# --- metadata ------------------------------------------------------------------------------------------

TITLE = "iranaz: facts about Iran–Azerbaijan relations"
DESCRIPTION = (
    "A hand-curated fact base about Iran–Azerbaijan relations: presidential visits, the officials involved, "
    "the Russia–Iran gas deal routed through Azerbaijan, the corridor to Nakhchivan, and what was said. "
    "Every record cites its source (the citations table): the article's exact words, or a note naming "
    "where a fact from outside the article comes from."
)
LICENSE_NOTE = (
    "iranaz and its fact base are under the MIT licence. Quotes are short excerpts of the cited articles, "
    "whose copyright stays with their publishers; references are cited, not copied."
)
TABLES = {
    "records": "Every record of every kind, one row each, with a one-line summary: the table citations refer to.",
    "sources": "The documents the base cites: the article kept in the base, references a reader can look up, "
    "and background facts the project's issues give.",
    "people": "People and organisations (such as a news agency) that the records name.",
    "visits": "Visits to Azerbaijan by Iranian presidents.",
    "gas": "Gas supply deals.",
    "corridor": "Milestones of the corridor to Nakhchivan.",
    "events": "Other events.",
    "quotes": "Words the sources quote (direct) or report, with the speaker.",
    "citations": "Which source supports which record: the source's exact words (quote) or a note.",
    "roles": "Every title a person held: a term of office (start, end) or a title as of a date, one row each.",
    "according_to": "Who or what a record, or one of its notes, is according to: a person or a source, one row "
    "each (a claim the source attributes to someone is that someone's claim).",
}
COLUMNS = {
    "id": "The record's id (unique across the whole base; `iranaz show ID`).",
    "kind": "The kind of record (visit, event, corridor, quote, gas, person, source).",
    "label": "A short human label of the row.",
    "summary": "A one-line description.",
    "notes": "Remarks recorded with the record.",
    "date": "The date as the source gives it, in EDTF (YYYY, YYYY-MM or YYYY-MM-DD; ~ approximate, ? uncertain).",
    "end": "The last day of an event that spans days (EDTF).",
    "year": "The year of the date (facet on this, not on date).",
    "date_start": "The first day of the interval the date denotes (ISO 8601; sortable).",
    "date_end": "The last day of the interval the date (or the end date) denotes (ISO 8601; sortable).",
    "title": "The title.",
    "path": "The article's file in the base.",
    "sha256": "The SHA-256 of the article's file.",
    "url": "Where to read the document.",
    "publisher": "Who published the document.",
    "published": "When the document was published (EDTF).",
    "name": "The name as usually written in English.",
    "country": "The country.",
    "type": "person or organization.",
    "aliases": "Other spellings and scripts (JSON array).",
    "roles": "Titles held, with start, end or as_of dates (JSON array).",
    "president": "The president who visited (the name).",
    "president_id": "The president who visited (people.id).",
    "occasion": "What the visit was.",
    "place": "Where it took place.",
    "agenda": "What was on the agenda (JSON array).",
    "supplier": "The supplying country.",
    "buyer": "The buying country.",
    "transit": "The countries the gas crosses (JSON array).",
    "volume_bcm_per_year": "The volume in billion cubic metres a year.",
    "delivery_point": "Where the gas is delivered.",
    "announced_by": "Who stated the deal (the name).",
    "announced_by_id": "Who stated the deal (people.id).",
    "announced_in": "Where the deal was announced.",
    "status": "The deal's status as the source gives it.",
    "actors": "Countries and organisations involved, as text (JSON array).",
    "people": "Ids of the people involved (JSON array; the junction table lists them one per row).",
    "participants": "Names of the people who took part (JSON array).",
    "participant_ids": "Ids of the people who took part (JSON array; the junction table lists them one per row).",
    "mentioned": "Names of the people the record mentions (JSON array).",
    "mentioned_ids": "Ids of the people the record mentions (JSON array; the junction table lists them one per row).",
    "speaker": "Who spoke (the name).",
    "speaker_id": "Who spoke (people.id).",
    "text": "The words, as the source gives them.",
    "direct": "1 if the source quotes the words directly, 0 if it reports them.",
    "context": "When, where and on what the words were said.",
    "record_id": "The record cited for (records.id).",
    "source_id": "The source cited (sources.id).",
    "quote": "The source's exact words that support the record.",
    "note": "The fact in the base's own words, for a source not kept in the base (in according_to: the note "
    "attributed, or empty when the whole record is).",
    "person_id": "The person (people.id).",
    "not_factual": "Sentences of the article that state no fact, each with why (JSON array).",
    "according_to": "Names of the people or sources the record is according to (JSON array).",
    "according_to_ids": "Ids of the people or sources the record is according to (JSON array; the according_to "
    "table lists them one per row).",
    "source_kind": "article (kept in the base) or reference (a document a reader can look up).",
    "volume_basis": "What the volume figure is, as the source gives it.",
    "occurrence": "Which occurrence of the quote in its article it is (1 for the first), when found more than once.",
    "line": "The line of the article the quote starts on.",
    "prefix": "The article's words just before the quote (W3C TextQuoteSelector).",
    "suffix": "The article's words just after the quote (W3C TextQuoteSelector).",
    "event_id": "The event (events.id).",
    "office": "The office a term is of (a key such as president-of-iran); empty for a title held as of a date.",
    "start": "The first day in office (EDTF).",
    "as_of": "A date on which the title was held, when no term is known (EDTF).",
    "acting": "1 for an acting term (it may overlap another).",
    "end_reason": "Why the term ended, as the source gives it.",
    "sources": "The citations of this term (JSON array: source and quote or note).",
    "corridor_id": "The corridor record (corridor.id).",
    "role": "participant (took part) or mentioned (named only).",
}
_WEB = re.compile(r"https?://", re.I)  # only web links become links (no `javascript:` from a hostile base)
_SORT = {
    "roles": "date_start",
    "people": "name",
    "sources": "title",
    "citations": "record_id",
    "according_to": "record_id",
}


# Where a column means something else in one table.
_COLUMNS_OF = {
    ("roles", "end"): "The last day in office (EDTF); empty when the base gives no end.",
    ("roles", "date_end"): "The last day of the term (ISO 8601); empty when the base gives no end.",
    ("roles", "year"): "The year the term starts, or of the as_of date.",
    ("citations", "start"): "Where the quote starts in the article (character offset; W3C TextPositionSelector).",
    ("citations", "end"): "Where the quote ends in the article (character offset; W3C TextPositionSelector).",
    ("events", "kind"): "event, or assessment (the source's own analysis, according to the source itself).",
    ("corridor", "kind"): "event, or assessment (the source's own analysis, according to the source itself).",
    ("sources", "kind"): "article (kept in the base) or reference (a document a reader can look up).",
}


def _column_description(table: str, column: str) -> str:
    if (table, column) in _COLUMNS_OF:
        return _COLUMNS_OF[table, column]
    if column in COLUMNS:
        return COLUMNS[column]
    if column.endswith("_id"):  # a reference: `event_id` in event_people
        return f"The {column[:-3]} ({column[:-3]} id)."
    return f"The `{column}` field of {table} (see data/README.md)."


def _licence_of(source: Any) -> str:
    if source.kind == "article":
        return "quoted in short excerpts; copyright stays with the publisher"
    if source.kind == "reference":
        return "cited, not copied: the base states the fact in its own words"
    return "the base's own words"


def metadata(db: sqlite3.Connection, base: FactBase, database: str) -> dict[str, Any]:
    """Return Datasette metadata for the tables ``db`` holds, as database ``database`` (its file's stem)."""
    listed = "".join(
        f"<li>{_html(s.title)}" + (f" ({_html(s.publisher)})" if s.publisher else "")
        + (f': <a href="{_html(s.url)}">{_html(s.url)}</a>' if s.url and _WEB.match(s.url) else "")
        + f" — {_licence_of(s)}</li>"
        for s in base.sources
    )  # fmt: skip
    tables: dict[str, Any] = {}
    fts_tables = {f"{t}_fts" for t in FTS}
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"):
        if any(table.startswith(f"{f}_") for f in fts_tables):
            continue  # FTS5's own shadow tables: Datasette hides them
        if table in fts_tables:
            tables[table] = {"description": f"Full-text index of {table[:-4]}.", "hidden": True}
            continue
        columns = _columns(db, table)
        entry: dict[str, Any] = {
            "description": TABLES.get(table) or _junction_description(table),
            "label_column": _OWN_LABEL.get(table, "label"),
            "columns": {c: _column_description(table, c) for c in columns},
        }
        sort = "date_start" if "date_start" in columns else _SORT.get(table, "label")
        entry["sort"] = sort
        if table in FTS:
            entry["fts_table"] = f"{table}_fts"
            entry["fts_pk"] = "rowid"
        tables[table] = entry
    return {
        "title": TITLE,
        "description_html": f"<p>{_html(DESCRIPTION)}</p><p>Sources:</p><ul>{listed}</ul>",
        "license": "MIT",
        "license_url": "https://opensource.org/license/mit",
        "source": "Sources listed in the sources table; " + LICENSE_NOTE,
        "databases": {database: {"description": DESCRIPTION, "tables": tables}},
    }


def _junction_description(table: str) -> str:
    kind = table.removesuffix("_people")
    return f"The people each {kind} names, one row per person, with their role (participant or mentioned)."


def write_metadata(base: FactBase, sqlite: str, path: str, force: bool = False, protect: Iterable[Path] = ()) -> None:
    """Write the Datasette metadata of the database file ``sqlite`` (written from ``base``) to ``path``."""
    from .safewrite import write_bytes

    db = sqlite3.connect(f"{Path(sqlite).resolve().as_uri()}?mode=ro", uri=True)
    try:
        data = metadata(db, base, Path(sqlite).stem)
    finally:
        db.close()
    write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode(), force=force, protect=protect)


def _html(text: str) -> str:
    import html

    return html.escape(text, quote=True)
