"""The fact-base model: one msgspec Struct per kind of record.

msgspec validates types and refuses unknown fields when the YAML is converted, and emits the JSON
Schema of the same types; the checks no type can express (dates, ids, references, quotes) live in
``loader.py``.
"""

from __future__ import annotations

from typing import Literal

import msgspec


class _Record(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True, gc=False):
    """Base of every record: a Struct that refuses unknown fields."""


class Citation(_Record):
    """Where a record comes from: a quote from an article, or a note for a background fact."""

    source: str
    quote: str | None = None
    note: str | None = None


class Source(_Record):
    """A document the base cites: an article kept in the base (``path``), or a reference a reader can look up."""

    id: str
    title: str
    kind: Literal["article", "reference", "background"]
    path: str | None = None
    sha256: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None


class Role(_Record):
    """A title a person held: a term of an ``office`` (``start`` in office, ``end`` not), or one ``as_of`` a date.

    A term (a role with an ``office``) cites its own ``sources``; ``acting`` terms may overlap others.
    """

    title: str
    office: str | None = None
    start: str | None = None
    end: str | None = None
    acting: bool = False
    end_reason: str | None = None
    as_of: str | None = None
    sources: list[Citation] = []


class Person(_Record):
    """A person (or an organisation that speaks, such as a news agency)."""

    id: str
    name: str
    country: str
    sources: list[Citation]
    type: Literal["person", "organization"] = "person"
    aliases: list[str] = []
    roles: list[Role] = []
    notes: list[str] = []


class Visit(_Record):
    """A visit to Azerbaijan by an Iranian president."""

    id: str
    president: str
    date: str
    occasion: str
    sources: list[Citation]
    place: str | None = None
    agenda: list[str] = []
    notes: list[str] = []


class Gas(_Record):
    """A gas supply deal."""

    id: str
    supplier: str
    buyer: str
    transit: list[str]
    volume_bcm_per_year: float
    delivery_point: str
    announced_by: str
    announced_in: str
    status: str
    sources: list[Citation]
    date: str | None = None
    notes: list[str] = []


class Event(_Record):
    """A corridor milestone or another event; ``date`` is None when the source gives none."""

    id: str
    summary: str
    sources: list[Citation]
    date: str | None = None
    end: str | None = None
    place: str | None = None
    actors: list[str] = []
    people: list[str] = []
    notes: list[str] = []


class Quote(_Record):
    """Words the source quotes (``direct``) or reports."""

    id: str
    speaker: str
    text: str
    direct: bool
    context: str
    sources: list[Citation]
    date: str | None = None
    notes: list[str] = []


class FactBase(msgspec.Struct, kw_only=True):
    """The whole validated base, one list per file."""

    sources: list[Source] = []
    people: list[Person] = []
    visits: list[Visit] = []
    gas: list[Gas] = []
    corridor: list[Event] = []
    events: list[Event] = []
    quotes: list[Quote] = []
    # Derived when loaded and cached with the base; not part of any file:
    # folded name keys -> people (names.build_index), and person id -> [kind, index] of every
    # record that names the person (mentions_index below).
    name_index: dict[str, list[int]] = {}
    mentions: dict[str, list[tuple[str, int]]] = {}


def people_named(kind: str, record: _Record) -> list[str]:
    """Return the ids of the people a record names (its president, speaker, announcer, people)."""
    field = PERSON_REFERENCES.get(kind)
    if field is None:
        return []
    value = getattr(record, field)
    return [value] if isinstance(value, str) else list(value)


def mentions_index(base: FactBase) -> dict[str, list[tuple[str, int]]]:
    """Map each person id to the (kind, index) of every record that names them."""
    index: dict[str, list[tuple[str, int]]] = {}
    for kind in PERSON_REFERENCES:
        for i, record in enumerate(getattr(base, kind)):
            for person in dict.fromkeys(people_named(kind, record)):
                index.setdefault(person, []).append((kind, i))
    return index


# File stem -> record type; the order is the order files are read and reported in.
KINDS: dict[str, type[_Record]] = {
    "sources": Source,
    "people": Person,
    "visits": Visit,
    "gas": Gas,
    "corridor": Event,
    "events": Event,
    "quotes": Quote,
}

# Fields holding EDTF dates, wherever they appear; the loader keeps their YAML text as written.
DATE_FIELDS = frozenset({"date", "end", "start", "as_of", "published"})

# Fields that name a person by id, by kind of record; a list field names several.
PERSON_REFERENCES: dict[str, str] = {
    "visits": "president",
    "gas": "announced_by",
    "quotes": "speaker",
    "corridor": "people",
    "events": "people",
}

# The office a visit's president held on the visit's date, and the office of its host.
VISITOR_OFFICE = "president-of-iran"
HOST_OFFICE = "president-of-azerbaijan"
