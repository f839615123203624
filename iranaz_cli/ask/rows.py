"""How a record becomes a row: its kind, its fields as every output names them, its one-line summary.

Every row carries its ``sources``; dated rows carry ``date`` (EDTF text) and ``year`` (int or None).
Dated results are sorted by edtf.sort_key (by the interval's last day, then its first), undated last,
each kind in file order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from ..errors import UsageError
from ..model import (
    KINDS,
    PERSON_REFERENCES,
    Citation,
    Dispute,
    Event,
    FactBase,
    Gas,
    Note,
    Person,
    Quote,
    Source,
    Visit,
)

if TYPE_CHECKING:
    from ..edtf import Interval

T = TypeVar("T")


KIND = {
    "visits": "visit",
    "events": "event",
    "corridor": "corridor",
    "quotes": "quote",
    "gas": "gas",
    "people": "person",
    "sources": "source",
    "disputes": "dispute",
}
TIMELINE_KINDS = ("visit", "event", "assessment", "corridor", "quote", "gas", "term")
TIMELINE_FILES = ["visits", "events", "corridor", "quotes", "gas"]


def kind_of(file: str, record: Any) -> str:
    """Return the kind a record's rows carry: its file's, or ``assessment`` for the source's own analysis."""
    return "assessment" if getattr(record, "kind", None) == "assessment" else KIND[file]


# 1 bcm = 35.3147 bcf; a year is 365 days.
UNITS = {
    "bcm/y": 1.0,
    "mcm/d": 1000 / 365,
    "bcf/d": 35.3147 / 365,
    "tcf/y": 35.3147 / 1000,
}


def year_of(date: str | None) -> int | None:
    """Return the year of an EDTF date, or None for an undated record."""
    return int(date[:4]) if date else None


def chronological(row: dict) -> tuple[int, Any, Any]:
    """Sort key of a dated row: edtf.sort_key of its date (the one order of every dated list)."""
    from ..edtf import sort_key

    return sort_key(row["date"])


def as_data(value: Any) -> Any:
    return msgspec.to_builtins(value)


def _full(value: Any) -> Any:
    """Return a value as plain data with every field, defaults included (a role's null ``end``); a
    citation keeps only the one of quote and note it has."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, list):
        return [_full(v) for v in value]
    if isinstance(value, msgspec.Struct) and not isinstance(value, Citation):
        return {f: _full(getattr(value, f)) for f in value.__struct_fields__}
    return as_data(value)


class _ById(Mapping[str, T]):
    """Records of one kind by id, each read only when asked for (a cached base decodes records lazily)."""

    def __init__(self, records: Sequence[T], index: dict[str, int]):
        self.records = records
        self.index = index or {r.id: i for i, r in enumerate(records)}  # type: ignore[attr-defined]

    def __getitem__(self, record_id: str) -> T:
        return self.records[self.index[record_id]]

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


class Lookup:
    """People by id, built once per query."""

    def __init__(self, base: FactBase):
        self.people: _ById[Person] = _ById(base.people, base.person_index)
        self.sources: _ById[Source] = _ById(base.sources, base.source_index)
        self._base = base
        self._disputed: dict[str, list[str]] | None = None

    def confirmation(self, confirmed: Any) -> dict | None:
        """Return a ``last_confirmed`` as outputs give it: its day, its source and the source's publisher."""
        if confirmed is None:
            return None
        source = self.sources.get(confirmed.source)
        publisher = source.publisher if source else None
        return {"date": confirmed.date, "source": confirmed.source, "publisher": publisher}

    def disputes(self, record_id: str) -> list[str]:
        """Return the ids of the disputes about a record (where its sources differ)."""
        if self._disputed is None:
            self._disputed = {}
            for d in self._base.disputes:
                for about in dict.fromkeys(d.about):
                    self._disputed.setdefault(about, []).append(d.id)
        return list(self._disputed.get(record_id, ()))

    def name(self, person_id: str) -> str:
        return self.people[person_id].name

    def cite(self, citations: list[Citation]) -> list[dict]:
        """Return citations as every output gives them: each with its source's publisher and date."""
        out = []
        for c in citations:
            source = self.sources.get(c.source)
            cite = as_data(c)
            cite["publisher"] = source.publisher if source else None
            cite["published"] = source.published if source else None
            out.append(cite)
        return out

    def attributed(self, ids: list[str]) -> list[str]:
        """Return the names of whom something is attributed to: people, or a source's title in quotes."""
        return [self.people[i].name if i in self.people else f"“{self.sources[i].title}”" for i in ids]

    def according(self, ids: list[str], text: str) -> str:
        """Return ``text`` prefixed with whom it is attributed to, if anyone."""
        return f"according to {' and '.join(self.attributed(ids))}: {text}" if ids else text

    def notes(self, notes: list[str | Note]) -> list[str | dict]:
        """Return notes as JSON gives them: text, or an attributed note with its names and ids."""
        return [
            n
            if isinstance(n, str)
            else {"text": n.text, "according_to": self.attributed(n.according_to), "according_to_ids": n.according_to}
            for n in notes
        ]


# --- one meaning per field -------------------------------------------------------------------------
# A reference to people is two fields everywhere (lists, show, CSV, SQLite): ``X`` holds the name(s)
# and ``X_id`` (or ``X_ids``) the id(s): president/president_id, participants/participant_ids,
# according_to/according_to_ids. A source's own kind (article, reference) is ``source_kind``: ``kind``
# is always the kind of record (visit, event, assessment, ..., source).


def id_field(field: str, many: bool) -> str:
    """Return the name of the field that holds a reference's id(s): president_id, participant_ids."""
    return f"{field.removesuffix('s')}_ids" if many else f"{field}_id"


@functools.cache
def record_columns(kind: str) -> list[tuple[str, str, str]]:
    """Return a kind's output fields as (name, model field, how): how is value, notes, id(s) or name(s)."""
    references = PERSON_REFERENCES.get(kind, {})
    struct = KINDS[kind]
    columns: list[tuple[str, str, str]] = []
    for name in struct.__struct_fields__:
        if name in references:
            # (the annotation's text, not msgspec.structs.fields: that evaluates every annotation, ~0.4 ms)
            many = str(struct.__annotations__[name]).startswith("list")
            columns.append((name, name, "names" if many else "name"))
            columns.append((id_field(name, many), name, "ids" if many else "id"))
        elif kind == "sources" and name == "kind":
            columns.append(("source_kind", name, "value"))
        elif name == "kind":  # an event's kind (event, assessment) is the record's kind (kind_of)
            continue
        else:
            columns.append((name, name, "notes" if name == "notes" else "value"))
    return columns


def record_fields(kind: str, record: Any, lookup: Lookup) -> dict:
    """Return every field of a record (defaults included), references to people as name and id fields."""
    out: dict[str, Any] = {}
    for name, field, how in record_columns(kind):
        value = getattr(record, field)
        if how == "name":
            out[name] = None if value is None else lookup.name(value)
        elif how == "names":
            out[name] = lookup.attributed(value)  # (according_to may name a source: its title)
        elif how == "ids":
            out[name] = list(value)
        elif how == "id":
            out[name] = value
        elif how == "notes":
            out[name] = lookup.notes(value)
        else:
            out[name] = _full(value)
    return out


DateSpan = tuple["Interval | None", "Interval | None"]


def date_span(since: int | str | None, until: int | str | None) -> DateSpan:
    """Return the dates ``--since`` and ``--until`` name (a year, month or day, as ``--at`` takes);
    a usage error naming the option if one is not a date, or if they are out of order."""
    first = parse_date(str(since), "--since") if since is not None else None
    last = parse_date(str(until), "--until") if until is not None else None
    if first is not None and last is not None and first.first > last.last:
        raise UsageError(f"--since {since} is after --until {until}")
    return first, last


def in_span(date: str | None, span: DateSpan) -> bool:
    """Whether a record's date may fall between ``--since`` and ``--until``, both included: a record
    known only to its year (``2019``) may be in any month of it, so ``--since 2019-05`` keeps it (as
    ``--at`` finds the terms that may include a date). Undated records are in no span."""
    first, last = span
    if first is None and last is None:
        return True
    if not date:
        return False
    from ..edtf import parse

    try:
        days = parse(date)
    except ValueError:
        return False
    return (first is None or days.last >= first.first) and (last is None or days.first <= last.last)


def parse_date(text: str, option: str = "--at") -> Interval:
    """Return the interval a date given on the command line denotes; a usage error if it is not one."""
    from ..edtf import EXPECTED, is_interval, parse

    if is_interval(text):  # one date: an interval is for records' dates only
        raise UsageError(f"{option}: bad date {text!r} ({EXPECTED})")
    try:
        return parse(text)
    except ValueError as e:
        raise UsageError(f"{option}: {e}") from None


def records_of(base: FactBase, kinds: Iterable[str] = KIND) -> Iterator[tuple[str, Any]]:
    for kind in kinds:
        for record in getattr(base, kind):
            yield kind, record


def summary(kind: str, record: Any, lookup: Lookup) -> str:
    """Return a one-line description of any record."""
    if isinstance(record, Visit):
        where = f" in {record.place}" if record.place else ""
        return lookup.according(record.according_to, f"{lookup.name(record.president)}: {record.occasion}{where}")
    if isinstance(record, Event):
        return lookup.according(record.according_to, record.summary)
    if isinstance(record, Quote):
        speaker = lookup.name(record.speaker)
        return f"{speaker}: “{record.text}”" if record.direct else f"{speaker} (reported): {record.text}"
    if isinstance(record, Gas):
        transit = f", expanded to allow land transit through {', '.join(record.transit)}" if record.transit else ""
        return lookup.according(
            record.according_to,
            f"{record.supplier} → {record.buyer} gas memorandum: "
            f"{_number(record.volume_bcm_per_year)} bcm/y ({record.volume_basis}){transit}; "
            f"delivered at {record.delivery_point}",
        )
    if isinstance(record, Person):
        return f"{record.name} ({record.roles[0].title})" if record.roles else record.name
    if isinstance(record, Source):
        return record.title
    if isinstance(record, Dispute):
        return f"Sources differ: {record.subject}"
    raise TypeError(kind)


def _number(value: float) -> str:
    from ..text import number

    return number(value)


def brief(kind: str, record: Any, lookup: Lookup) -> dict:
    date = getattr(record, "date", None)
    return {
        "id": record.id,
        "kind": kind_of(kind, record),
        "date": date,
        "year": year_of(date),
        "summary": summary(kind, record, lookup),
        "sources": lookup.cite(getattr(record, "sources", [])),
    }
