"""The JSON output contract: the shape of each command's records, and their JSON Schema.

``core`` builds these rows as plain dicts; the tests validate every command's real output against
the schema generated here, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from ..model import BcmPerYear
from .shapes import AttributedNote, Citation, Confirmation, Host, Notes, Role, SourceKind


class Brief(TypedDict):
    """A record of any kind, as timeline and search list it."""

    id: str  # a term of office's: HOLDER@term-N, its end HOLDER@term-N/end
    kind: Literal["visit", "event", "assessment", "corridor", "quote", "gas", "term", "person", "source", "dispute"]
    date: str | None
    year: int | None
    summary: str
    sources: list[Citation]


class Mention(Brief):
    """A record that names a person, and the role it gives them.

    ``attributed``: only a note of the record is attributed to them; ``notes`` gives those notes."""

    role: Literal[
        "president", "host", "participant", "mentioned", "speaker", "announced_by", "according_to", "attributed"
    ]
    notes: NotRequired[list[AttributedNote]]
    host_certain: NotRequired[bool]  # a visit they hosted (role host): false when the date does not decide


class VisitRow(TypedDict):
    id: str
    president: str
    president_id: str
    to: Literal["Azerbaijan", "Iran"]
    host: Host
    date: str
    year: int | None
    occasion: str
    place: str | None
    agenda: list[str]
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes
    disputes: list[str]  # ids of the disputes about it: its sources differ
    sources: list[Citation]


class PersonRow(TypedDict):
    id: str
    name: str
    type: Literal["person", "organization"]
    aliases: list[str]
    country: str
    roles: list[Role]
    notes: Notes
    score: float
    mentions: list[Mention]
    sources: list[Citation]


class Volume(TypedDict):
    value: float
    unit: Literal["bcm/y", "mcm/d", "bcf/d", "tcf/y"]
    basis: str
    approximate: bool  # a conversion, rounded to 3 significant figures


class GasRow(TypedDict):
    id: str
    supplier: str
    buyer: str
    transit: list[str]
    volume_bcm_per_year: BcmPerYear
    volume_basis: str
    volume: Volume
    delivery_point: str
    announced_by: str
    announced_by_id: str
    announced_in: str
    according_to: list[str]
    according_to_ids: list[str]
    status: str
    date: str | None
    year: int | None
    last_confirmed: Confirmation | None
    notes: Notes
    disputes: list[str]
    sources: list[Citation]


class CorridorRow(TypedDict):
    id: str
    kind: Literal["corridor", "assessment"]
    date: str | None
    end: str | None
    year: int | None
    summary: str
    place: str | None
    actors: list[str]
    participants: list[str]
    participant_ids: list[str]
    mentioned: list[str]
    mentioned_ids: list[str]
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes
    disputes: list[str]
    sources: list[Citation]


class QuoteRow(TypedDict):
    id: str
    speaker: str
    speaker_id: str
    text: str
    direct: bool
    date: str | None
    year: int | None
    context: str
    notes: Notes
    disputes: list[str]
    sources: list[Citation]


class SourceRow(TypedDict):
    id: str
    title: str
    source_kind: SourceKind
    publisher: str | None
    published: str | None
    url: str | None
    language: str | None
    checked: str | None
    path: str | None
    sha256: str | None
    records: int


class Candidate(TypedDict):
    id: str
    name: str
    score: float


class ResolveRow(TypedDict):
    """One input line of `resolve`, resolved (OpenRefine's reconciliation model)."""

    query: str
    id: str | None
    name: str | None
    score: float | None
    match: bool
    candidates: list[Candidate]


class OfficeRow(TypedDict):
    """One term of office: ``end`` is its last day in office (a handover day is in both terms), null while in office."""

    id: str  # the term's, HOLDER@term-N (`show ID` shows the holder)
    office: str
    title: str
    holder: str
    holder_id: str
    start: str
    end: str | None
    acting: bool
    end_reason: str | None
    last_confirmed: Confirmation | None
    caveat: str | None  # with --at a date after the last confirmation: "no source after DATE"
    disputes: list[str]
    sources: list[Citation]


class UncitedSentence(TypedDict):
    line: int
    start: int
    end: int
    text: str


class NotFactualMark(TypedDict):
    quote: str
    reason: str
    lines: list[int]


class CoverageRow(TypedDict):
    id: str
    title: str
    sentences: int
    cited: int
    not_factual: int
    percent: float
    uncited: list[UncitedSentence]
    marks: list[NotFactualMark]


class Side(TypedDict):
    """One side of a dispute: what it holds and the sources that hold it."""

    claim: str
    sources: list[Citation]


class DisputeRow(TypedDict):
    """Where sources disagree: the subject, the records concerned (ids), and every side with its sources."""

    id: str
    subject: str
    about: list[str]
    sides: list[Side]


class StaleRow(TypedDict):
    """A fact about the present (an open term, a status) not confirmed within the days asked."""

    id: str  # a term's (HOLDER@term-N), else the record's
    kind: Literal["term", "gas", "corridor", "event", "assessment"]
    what: str
    last_confirmed: Confirmation | None  # None: never confirmed
    age_days: int | None  # days from the last confirmation to today


ROWS = {
    "visits": VisitRow,
    "who": PersonRow,
    "gas": GasRow,
    "corridor": CorridorRow,
    "timeline": Brief,
    "search": Brief,
    "quotes": QuoteRow,
    "sources": SourceRow,
    "offices": OfficeRow,
    "coverage": CoverageRow,
    "resolve": ResolveRow,
    "disputes": DisputeRow,
    "stale": StaleRow,
}


# What the loader enforces, stated in the schema by property name: ids are lowercase slugs, dates
# are EDTF text, and a citation has exactly one of a quote (an article's) and a note (a reference's).
# JSON numbers are finite by definition, as the loader requires (it refuses .inf and .nan).
_ID_PROPERTIES = frozenset(
    {
        "id",
        "source",
        "president_id",
        "speaker_id",
        "announced_by_id",
        "participant_ids",
        "mentioned_ids",
        "according_to_ids",
        "holder_id",
        "host_id",
        "about",
    }
)


# The rows whose id may name a term of office rather than a record.
_TERM_ROWS = frozenset({"Brief", "OfficeRow", "StaleRow"})


def _constrain(schema: dict) -> dict:
    """Add the id and date patterns and the citation's one-of to a schema msgspec generated."""
    from ..edtf import INTERVAL_PATTERN, ONE
    from ..model import DATE_FIELDS, ID_PATTERN, INTERVAL_FIELDS

    patterns = {name: f"^{ID_PATTERN}$" for name in _ID_PROPERTIES}
    patterns.update({name: f"^{INTERVAL_PATTERN if name in INTERVAL_FIELDS else ONE}$" for name in DATE_FIELDS})

    def strings(node: dict) -> list[dict]:
        """The string schemas a property allows: itself, its array items, its anyOf branches."""
        if node.get("type") == "string":
            return [node]
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            return strings(node["items"])
        return [s for branch in node.get("anyOf", []) for s in strings(branch)]

    for row, definition in schema.get("$defs", {}).items():
        for name, node in definition.get("properties", {}).items():
            if name in patterns:
                for string in strings(node):
                    string["pattern"] = patterns[name]
        if row in _TERM_ROWS:  # a row about a term of office: HOLDER@term-N (its end in the timeline: /end)
            definition["properties"]["id"]["pattern"] = f"^{ID_PATTERN}(?:@term-[1-9][0-9]*(?:/end)?)?$"
    citation = schema.get("$defs", {}).get("Citation")
    if citation is not None:
        citation["oneOf"] = [{"required": ["quote"]}, {"required": ["note"]}]
    return schema


def fields_of(command: str) -> list[str]:
    """Return the fields of a listing command's rows, in order (none for a command whose rows are not
    described here yet)."""
    return list(ROWS[command].__annotations__) if command in ROWS else []


def choosable(command: str) -> list[str]:
    """Return what `--fields` accepts for a command: each field, and after an object field the CSV
    columns it spreads into (``host``, ``host_ids``, ``host_names``, ...)."""
    fields = fields_of(command)
    return list(dict.fromkeys(name for f in fields for name in (f, *csv_header(command, [f]))))


def csv_header(command: str, fields: list[str]) -> list[str]:
    """Return the CSV columns of these fields of a command: an object field (or an object that may be
    null, as ``last_confirmed``) as one column per key."""
    import types
    from typing import Union, get_args, get_origin, get_type_hints, is_typeddict

    def keys(hint: Any) -> list[str] | None:
        union = get_origin(hint) in (Union, types.UnionType)  # (X | None; a list of objects stays one column)
        shapes = [h for h in (hint, *(get_args(hint) if union else ())) if is_typeddict(h)]
        return list(shapes[0].__annotations__) if shapes else None

    hints = get_type_hints(ROWS[command])
    return [column for f in fields for column in ([f"{f}_{k}" for k in keys(hints.get(f)) or []] or [f])]


def json_schema(command: str) -> dict:
    """Return the JSON Schema (2020-12) of a command's JSON output: an array of rows (`show`: one
    record, of one of the kinds)."""
    import msgspec

    if command == "show":
        from .shown import SHOWN

        kinds, defs = msgspec.json.schema_components(SHOWN, ref_template="#/$defs/{name}")
        schema = _constrain({"oneOf": list(kinds), "$defs": defs})
    else:
        rows: Any = list[ROWS[command]]  # type: ignore[valid-type]  # a type chosen at run time
        schema = _constrain(msgspec.json.schema(rows))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"iranaz {command} --json"
    return schema
