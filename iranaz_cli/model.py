"""The fact-base model: one msgspec Struct per kind of record.

msgspec validates types and refuses unknown fields when the YAML is converted, and emits the JSON
Schema of the same types; the checks no type can express (dates, ids, references, quotes) live in
``loader.py``.
"""

from typing import Annotated, Literal

import msgspec


class _Record(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True, gc=False):
    """Base of every record: a Struct that refuses unknown fields."""


class Citation(_Record):
    """Where a record comes from: a quote from an article, or a note for a fact from a reference.

    ``occurrence`` (1 for the first) says which one a quote found more than once in its article is;
    ``dating`` marks a citation that only dates the record (its words are not what the record says:
    search leaves them out, and `show` labels them "dated by").
    """

    source: str
    quote: str | None = None
    note: str | None = None
    occurrence: int | None = None
    dating: bool = False


class Note(_Record):
    """A note whose content the source attributes to someone: ``according_to`` names them (ids)."""

    text: str
    according_to: list[str]


class NotFactual(_Record):
    """A sentence of an article that states no fact: ``quote`` (words of it) and why it holds none."""

    quote: str
    reason: str


class Source(_Record):
    """A document the base cites: an article kept in the base (``path``), a report (a published web
    page: ``published`` and an https ``url`` required) or a reference a reader can look up.

    ``language`` is its ISO 639-1 code; ``checked`` the day a curator last verified facts against it.
    """

    id: str
    title: str
    kind: Literal["article", "report", "reference"]
    path: str | None = None
    sha256: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    checked: str | None = None
    not_factual: list[NotFactual] = []


class Confirmation(_Record):
    """The latest day (``date``, a full day) a ``source`` shows a fact about the present still true."""

    date: str
    source: str


class Role(_Record):
    """A title a person held: a term of an ``office`` (``start`` to ``end``, both in office), or one ``as_of`` a date.

    A term (a role with an ``office``) cites its own ``sources``; ``acting`` terms may overlap others.
    """

    title: str
    office: str | None = None
    start: str | None = None
    end: str | None = None
    acting: bool = False
    end_reason: str | None = None
    as_of: str | None = None
    last_confirmed: Confirmation | None = None
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
    notes: list[str | Note] = []


class Visit(_Record):
    """A visit by a president of one country to the other: ``president`` visits, ``to`` is the country
    visited, ``host`` (optional) the host a source names; ``date`` may be an interval (``A/B``)."""

    id: str
    president: str
    to: Literal["Azerbaijan", "Iran"]
    date: str
    occasion: str
    sources: list[Citation]
    host: str | None = None
    place: str | None = None
    agenda: list[str] = []
    according_to: list[str] = []
    notes: list[str | Note] = []


# A volume is a quantity of gas: more than nothing (0 and negatives are refused at file:line).
BcmPerYear = Annotated[float, msgspec.Meta(gt=0)]


class Gas(_Record):
    """A gas supply deal."""

    id: str
    supplier: str
    buyer: str
    transit: list[str]
    volume_bcm_per_year: BcmPerYear
    volume_basis: str
    delivery_point: str
    announced_by: str
    announced_in: str
    status: str
    sources: list[Citation]
    date: str | None = None
    last_confirmed: Confirmation | None = None
    according_to: list[str] = []
    notes: list[str | Note] = []


class Event(_Record):
    """A corridor milestone or another event; ``date`` is None when the source gives none.

    ``participants`` took part; people only ``mentioned`` did not. An ``assessment`` is the
    source's own analysis, not an event: its ``according_to`` names the source itself.
    """

    id: str
    summary: str
    sources: list[Citation]
    kind: Literal["event", "assessment"] = "event"
    date: str | None = None
    end: str | None = None
    place: str | None = None
    actors: list[str] = []
    participants: list[str] = []
    mentioned: list[str] = []
    according_to: list[str] = []
    status: str | None = None
    last_confirmed: Confirmation | None = None
    notes: list[str | Note] = []


class Quote(_Record):
    """Words the source quotes (``direct``) or reports."""

    id: str
    speaker: str
    text: str
    direct: bool
    context: str
    sources: list[Citation]
    date: str | None = None
    notes: list[str | Note] = []


class Side(_Record):
    """One side of a dispute: what it holds (``claim``) and the sources that hold it."""

    claim: str
    sources: list[Citation]


class Dispute(_Record):
    """Where sources disagree: the ``subject``, the records it is ``about`` (ids), and each side with its sources."""

    id: str
    subject: str
    about: list[str]
    sides: list[Side]


class Anchor(msgspec.Struct, kw_only=True, gc=False):
    """Where a quote is in its article (W3C Web Annotation: TextPositionSelector + TextQuoteSelector).

    ``start``/``end`` are character offsets into the article's text, ``line`` is 1-based; ``prefix``
    and ``suffix`` are the characters just before and after it.
    """

    start: int
    end: int
    line: int
    exact: str
    prefix: str
    suffix: str


class Sentence(msgspec.Struct, kw_only=True, gc=False):
    """One sentence of an article: its offsets, 1-based line and text."""

    start: int
    end: int
    line: int
    text: str


class FactBase(msgspec.Struct, kw_only=True):
    """The whole validated base, one list per file."""

    sources: list[Source] = []
    people: list[Person] = []
    visits: list[Visit] = []
    gas: list[Gas] = []
    corridor: list[Event] = []
    events: list[Event] = []
    quotes: list[Quote] = []
    disputes: list[Dispute] = []
    # Derived when loaded and cached with the base; not part of any file:
    # folded name keys -> people (names.build_index); person id -> [kind, index, role] of every
    # record that names the person (mentions_index below); record id -> the anchor of each of its
    # citations (None for a reference's note); article source id -> its sentences; person id -> its
    # index in people, source id -> its index in sources (so that a query finds a person or a source
    # without reading every record of the kind).
    name_index: dict[str, list[int]] = {}
    mentions: dict[str, list[tuple[str, int, str]]] = {}
    anchors: dict[str, list[Anchor | None]] = {}
    sentences: dict[str, list[Sentence]] = {}
    person_index: dict[str, int] = {}
    source_index: dict[str, int] = {}


def people_named(kind: str, record: _Record) -> list[tuple[str, str]]:
    """Return (field, id) for every id a record names in a reference field (notes' ``according_to`` too)."""
    named: list[tuple[str, str]] = []
    for field in PERSON_REFERENCES.get(kind, {}):
        value = getattr(record, field)
        if value is None:  # an optional reference left out (a visit's host)
            continue
        named += [(field, value)] if isinstance(value, str) else [(field, v) for v in value]
    for note in getattr(record, "notes", ()):
        if isinstance(note, Note):
            named += [("according_to", v) for v in note.according_to]
    return named


def mentions_index(base: FactBase) -> dict[str, list[tuple[str, int, str]]]:
    """Map each person id to the (kind, index, role) of every record that names them, one role per record.

    A record that names a person in several fields gives the first role of its kind's fields."""
    people = {p.id for p in base.people}
    index: dict[str, list[tuple[str, int, str]]] = {}
    for kind, fields in PERSON_REFERENCES.items():
        for i, record in enumerate(getattr(base, kind)):
            seen: set[str] = set()
            for field, person in people_named(kind, record):
                if person in people and person not in seen:
                    seen.add(person)
                    index.setdefault(person, []).append((kind, i, fields.get(field, ROLES[field])))
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
    "disputes": Dispute,
}

# What an id is: a lowercase slug (a-z, 0-9, single '-' between parts); unique across the base.
ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"

# Fields holding EDTF dates, wherever they appear; the loader keeps their YAML text as written.
DATE_FIELDS = frozenset({"date", "end", "start", "as_of", "published", "checked"})
# The only date fields that may hold an interval (``START/END``): a record's own ``date``.
INTERVAL_FIELDS = frozenset({"date"})

# The role a reference field gives the person it names (`who` shows and groups mentions by it).
ROLES: dict[str, str] = {
    "president": "president",
    "host": "host",
    "announced_by": "announced_by",
    "speaker": "speaker",
    "participants": "participant",
    "mentioned": "mentioned",
    "according_to": "according_to",
}

# The office a visit's president held on the visit's date, and the office of its host, for visits
# to Azerbaijan (the default of the base's first years); VISIT_OFFICES gives both by country visited.
VISITOR_OFFICE = "president-of-iran"
HOST_OFFICE = "president-of-azerbaijan"
VISIT_OFFICES: dict[str, tuple[str, str]] = {
    "Azerbaijan": (VISITOR_OFFICE, HOST_OFFICE),
    "Iran": (HOST_OFFICE, VISITOR_OFFICE),
}
_ACCORDING_TO = {"according_to": ROLES["according_to"]}

# The one table of fields that name people by id, by kind of record, with the role each gives;
# a list field names several. ``according_to`` may also name a source (the article's own analysis).
# The validator, the mentions index and the export all derive from it.
PERSON_REFERENCES: dict[str, dict[str, str]] = {
    "visits": {"president": ROLES["president"], "host": ROLES["host"], **_ACCORDING_TO},
    "gas": {"announced_by": ROLES["announced_by"], **_ACCORDING_TO},
    "quotes": {"speaker": ROLES["speaker"]},
    "corridor": {"participants": ROLES["participants"], "mentioned": ROLES["mentioned"], **_ACCORDING_TO},
    "events": {"participants": ROLES["participants"], "mentioned": ROLES["mentioned"], **_ACCORDING_TO},
}
# Reference fields that may name a source instead of a person.
SOURCE_OR_PERSON = frozenset({"according_to"})
# Words by which an article attributes what follows to someone.
ATTRIBUTING_WORDS = ("according to", "stated", "stating", "said", "reported", "suggested", "called", "described")
