"""The JSON output contract: the shape of each command's records, and their JSON Schema.

``core`` builds these rows as plain dicts; the tests validate every command's real output against
the schema generated here, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from ..model import BcmPerYear


class Citation(TypedDict):
    source: str
    quote: NotRequired[str]
    note: NotRequired[str]
    occurrence: NotRequired[int]


class AttributedNote(TypedDict):
    """A note the source attributes to someone (the names of people or the source's title, and their ids)."""

    text: str
    according_to: list[str]
    according_to_ids: list[str]


Notes = list[str | AttributedNote]


class Role(TypedDict):
    """A title a person held: a term of an office (``start`` and ``end`` both days in office: on a handover
    day both holders held it), or a title as of a date."""

    title: str
    office: str | None
    start: str | None
    end: str | None
    acting: bool
    end_reason: str | None
    as_of: str | None
    sources: list[Citation]


class Brief(TypedDict):
    """A record of any kind, as timeline and search list it."""

    id: str
    kind: Literal["visit", "event", "assessment", "corridor", "quote", "gas", "term", "person", "source"]
    date: str | None
    year: int | None
    summary: str
    sources: list[Citation]


class Host(TypedDict):
    """Who held the office of president of Azerbaijan at a visit's date: ``certain`` only if one
    person held it throughout that date (a year can span a handover; then ``names`` lists each)."""

    ids: list[str]
    names: list[str]
    certain: bool


class Mention(Brief):
    """A record that names a person, and the role it gives them.

    ``attributed``: only a note of the record is attributed to them; ``notes`` gives those notes."""

    role: Literal["president", "participant", "mentioned", "speaker", "announced_by", "according_to", "attributed"]
    notes: NotRequired[list[AttributedNote]]


class VisitRow(TypedDict):
    id: str
    president: str
    president_id: str
    host: Host
    date: str
    year: int | None
    occasion: str
    place: str | None
    agenda: list[str]
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes
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
    notes: Notes
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
    sources: list[Citation]


class SourceRow(TypedDict):
    id: str
    title: str
    source_kind: Literal["article", "reference"]
    publisher: str | None
    published: str | None
    url: str | None
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


# --- `show --json`: one record of any kind, every field, with its provenance ---------------------------


class QuoteContext(TypedDict):
    """The sentences around a quote: their offsets and text, and the quote's place in that text."""

    start: int
    end: int
    text: str
    quote_start: int
    quote_end: int


class Provenance(TypedDict):
    source: str
    title: str
    source_kind: Literal["article", "reference"]
    url: NotRequired[str]
    quote: NotRequired[str]
    note: NotRequired[str]
    occurrence: NotRequired[int]
    start: NotRequired[int]
    end: NotRequired[int]
    line: NotRequired[int]
    exact: NotRequired[str]
    prefix: NotRequired[str]
    suffix: NotRequired[str]
    context: NotRequired[QuoteContext]


class NotFactual(TypedDict):
    quote: str
    reason: str


class ShownSource(TypedDict):
    id: str
    kind: Literal["source"]
    summary: str
    title: str
    source_kind: Literal["article", "reference"]
    path: str | None
    sha256: str | None
    url: str | None
    publisher: str | None
    published: str | None
    not_factual: list[NotFactual]
    provenance: list[Provenance]


class _Shown(TypedDict):
    id: str
    summary: str
    sources: list[Citation]
    provenance: list[Provenance]


class ShownPerson(_Shown):
    kind: Literal["person"]
    name: str
    country: str
    type: Literal["person", "organization"]
    aliases: list[str]
    roles: list[Role]
    notes: Notes


class ShownVisit(_Shown):
    kind: Literal["visit"]
    president: str
    president_id: str
    date: str
    year: int | None
    occasion: str
    place: str | None
    agenda: list[str]
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes


class ShownGas(_Shown):
    kind: Literal["gas"]
    supplier: str
    buyer: str
    transit: list[str]
    volume_bcm_per_year: BcmPerYear
    volume_basis: str
    delivery_point: str
    announced_by: str
    announced_by_id: str
    announced_in: str
    status: str
    date: str | None
    year: int | None
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes


class ShownEvent(_Shown):
    kind: Literal["event", "assessment", "corridor"]
    date: str | None
    end: str | None
    year: int | None
    place: str | None
    actors: list[str]
    participants: list[str]
    participant_ids: list[str]
    mentioned: list[str]
    mentioned_ids: list[str]
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes


class ShownQuote(_Shown):
    kind: Literal["quote"]
    speaker: str
    speaker_id: str
    text: str
    direct: bool
    context: str
    date: str | None
    year: int | None
    notes: Notes


SHOWN = (ShownSource, ShownPerson, ShownVisit, ShownGas, ShownEvent, ShownQuote)


class OfficeRow(TypedDict):
    """One term of office: ``end`` is its last day in office (a handover day is in both terms), null while in office."""

    id: str  # the holder's (so that `show ID` works on a row)
    office: str
    title: str
    holder: str
    holder_id: str
    start: str
    end: str | None
    acting: bool
    end_reason: str | None
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
    }
)


def _constrain(schema: dict) -> dict:
    """Add the id and date patterns and the citation's one-of to a schema msgspec generated."""
    from ..edtf import _FORM
    from ..model import DATE_FIELDS, ID_PATTERN

    patterns = {name: f"^{ID_PATTERN}$" for name in _ID_PROPERTIES}
    patterns.update({name: f"^{_FORM.pattern}$" for name in DATE_FIELDS})

    def strings(node: dict) -> list[dict]:
        """The string schemas a property allows: itself, its array items, its anyOf branches."""
        if node.get("type") == "string":
            return [node]
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            return strings(node["items"])
        return [s for branch in node.get("anyOf", []) for s in strings(branch)]

    for definition in schema.get("$defs", {}).values():
        for name, node in definition.get("properties", {}).items():
            if name in patterns:
                for string in strings(node):
                    string["pattern"] = patterns[name]
    citation = schema.get("$defs", {}).get("Citation")
    if citation is not None:
        citation["oneOf"] = [{"required": ["quote"]}, {"required": ["note"]}]
    return schema


def fields_of(command: str) -> list[str]:
    """Return the fields of a listing command's rows, in order: what `--fields` accepts (none for a
    command whose rows are not described here yet)."""
    return list(ROWS[command].__annotations__) if command in ROWS else []


def csv_header(command: str, fields: list[str]) -> list[str]:
    """Return the CSV columns of these fields of a command: an object field as one column per key."""
    from typing import get_type_hints, is_typeddict

    hints = get_type_hints(ROWS[command])
    return [
        column
        for f in fields
        for column in ([f"{f}_{k}" for k in hints[f].__annotations__] if is_typeddict(hints[f]) else [f])
    ]


def json_schema(command: str) -> dict:
    """Return the JSON Schema (2020-12) of a command's JSON output: an array of rows (`show`: one
    record, of one of the kinds)."""
    import msgspec

    if command == "show":
        kinds, defs = msgspec.json.schema_components(SHOWN, ref_template="#/$defs/{name}")
        schema = _constrain({"oneOf": list(kinds), "$defs": defs})
    else:
        rows: Any = list[ROWS[command]]  # type: ignore[valid-type]  # a type chosen at run time
        schema = _constrain(msgspec.json.schema(rows))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"iranaz {command} --json"
    return schema
