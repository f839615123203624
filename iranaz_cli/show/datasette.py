"""The Datasette metadata file (`iranaz export --metadata FILE`): titles, descriptions, sort orders and
full-text search of the tables ``ask.tables`` builds."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..ask.tables import FTS, OWN_LABEL, table_columns
from ..model import FactBase

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
    "visits": "Visits by the president of one country to the other (`to` is the country visited).",
    "gas": "Gas supply deals.",
    "corridor": "Milestones of the corridor to Nakhchivan.",
    "events": "Other events.",
    "quotes": "Words the sources quote (direct) or report, with the speaker.",
    "disputes": "Where sources disagree: the subject, the records concerned, and every side with its sources.",
    "dispute_sides": "Each side of each dispute, in order: its claim and the sources that hold it, one row each.",
    "citations": "Which source supports which record: the source's exact words (quote) or a note.",
    "roles": "Every title a person held: a term of office (start, end) or a title as of a date, one row each.",
    "visit_hosts": "Who hosted each visit: each possible host, one row each, certain or not, with the sources of "
    "the terms of office (and the visit's own words) the host comes from.",
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
    "language": "The document's language (ISO 639-1: en, fa, az, ...).",
    "checked": "The day a curator last verified facts against the document (YYYY-MM-DD).",
    "to": "The country visited: Azerbaijan or Iran.",
    "last_confirmed": "The latest day a source shows the fact about the present still true, and that source "
    "(JSON object: date, source).",
    "subject": "What the sources disagree about.",
    "about": "Ids of the records the disagreement concerns (JSON array).",
    "sides": "Each side: its claim and the sources that hold it (JSON array).",
    "name": "The name as usually written in English.",
    "country": "The country.",
    "type": "person or organization.",
    "aliases": "Other spellings and scripts (JSON array).",
    "roles": "Titles held, with start, end or as_of dates (JSON array).",
    "president": "The president who visited (the name): of Iran on a visit to Azerbaijan, and the reverse.",
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
    "status": "The status (of a deal or an ongoing project) as the source gives it.",
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
    "source_kind": "article (kept in the base), report (a published web page) or reference (a document a "
    "reader can look up).",
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
    "visit_id": "The visit (visits.id).",
    "host": "Who hosted the visit (names; 'A or B' when the date does not decide).",
    "host_ids": "Ids of the possible hosts (JSON array; the visit_hosts table lists them one per row).",
    "host_certain": "1 if one person held the host's office throughout the visit's date, 0 if the date does not "
    "decide (a year that spans a handover, or a handover day itself).",
    "certain": "1 if this person certainly hosted the visit, 0 if only possibly (the date does not decide).",
    "role": "participant (took part) or mentioned (named only).",
}
_WEB = re.compile(r"https?://", re.I)  # only web links become links (no `javascript:` from a hostile base)
_SORT = {
    "roles": "date_start",
    "people": "name",
    "sources": "title",
    "citations": "record_id",
    "according_to": "record_id",
    "dispute_sides": "dispute_id",
}


# Where a column means something else in one table.
_COLUMNS_OF = {
    ("dispute_sides", "sources"): "The citations of this side (JSON array: source and quote or note).",
    ("dispute_sides", "source_ids"): "The ids of the sources this side cites (JSON array of sources.id).",
    ("dispute_sides", "position"): "The side's place in the dispute (1 for the first).",
    ("dispute_sides", "claim"): "What this side holds.",
    ("roles", "end"): "The last day in office (EDTF); empty when the base gives no end.",
    ("roles", "date_end"): "The last day of the term, in office (ISO 8601), as in records: a day is in a term when it"
    " is BETWEEN date_start AND date_end; empty when the base gives no end.",
    ("roles", "year"): "The year the term starts, or of the as_of date.",
    ("citations", "start"): "Where the quote starts in the article (character offset; W3C TextPositionSelector).",
    ("citations", "end"): "Where the quote ends in the article (character offset; W3C TextPositionSelector).",
    ("events", "kind"): "event, or assessment (the source's own analysis, according to the source itself).",
    ("corridor", "kind"): "corridor, or assessment (the source's own analysis, according to the source itself).",
    ("sources", "kind"): "article (kept in the base), report (a published web page) or reference.",
    ("visit_hosts", "sources"): "The citations the host comes from (JSON array: source and quote or note).",
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
        columns = table_columns(db, table)
        entry: dict[str, Any] = {
            "description": TABLES.get(table) or _junction_description(table),
            "label_column": OWN_LABEL.get(table, "label"),
            "columns": {c: _column_description(table, c) for c in columns},
        }
        if "date_start" in columns:  # newest first: SQLite sorts NULL first, so ascending leads with undated rows
            entry["sort_desc"] = "date_start"
        else:
            entry["sort"] = _SORT.get(table, "label")
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
    from ..write.safewrite import write_bytes

    db = sqlite3.connect(f"{Path(sqlite).resolve().as_uri()}?mode=ro", uri=True)
    try:
        data = metadata(db, base, Path(sqlite).stem)
    finally:
        db.close()
    text = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
    write_bytes(path, text, force=force, protect=[*protect, Path(sqlite)], save=True)  # (never the database)


def _html(text: str) -> str:
    import html

    return html.escape(text, quote=True)
