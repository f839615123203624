"""Questions over the fact base: plain data in, plain data out (lists of dicts, ready for JSON).

Every row carries its ``sources``; dated rows carry ``date`` (EDTF text) and ``year`` (int or None).
Dated results are sorted by edtf.sort_key (by the interval's last day, then its first), undated last,
each kind in file order.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from .errors import NotFound, UsageError
from .model import (
    HOST_OFFICE,
    KINDS,
    PERSON_REFERENCES,
    Citation,
    Event,
    FactBase,
    Gas,
    Note,
    Person,
    Quote,
    Role,
    Source,
    Visit,
    mentions_index,
)
from .text import fold_quote

if TYPE_CHECKING:
    from .edtf import Interval

# File name -> the singular ``kind`` rows carry; also the order of kinds in search results.
KIND = {
    "visits": "visit",
    "events": "event",
    "corridor": "corridor",
    "quotes": "quote",
    "gas": "gas",
    "people": "person",
    "sources": "source",
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


def _chronological(row: dict) -> tuple[int, Any, Any]:
    """Sort key of a dated row: edtf.sort_key of its date (the one order of every dated list)."""
    from .edtf import sort_key

    return sort_key(row["date"])


def _builtins(value: Any) -> Any:
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
    return _builtins(value)


class _PeopleById(Mapping[str, Person]):
    """The base's people by id, each read only when asked for (a cached base decodes records lazily)."""

    def __init__(self, base: FactBase):
        self.people = base.people
        self.index = base.person_index or {p.id: i for i, p in enumerate(base.people)}

    def __getitem__(self, person_id: str) -> Person:
        return self.people[self.index[person_id]]

    def __contains__(self, person_id: object) -> bool:
        return person_id in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


class _Lookup:
    """People by id, built once per query."""

    def __init__(self, base: FactBase):
        self.people = _PeopleById(base)
        self.sources = {s.id: s for s in base.sources}

    def name(self, person_id: str) -> str:
        return self.people[person_id].name

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


def record_fields(kind: str, record: Any, lookup: _Lookup) -> dict:
    """Return every field of a record (defaults included), references to people as name and id fields."""
    out: dict[str, Any] = {}
    for name, field, how in record_columns(kind):
        value = getattr(record, field)
        if how == "name":
            out[name] = lookup.name(value)
        elif how == "names":
            out[name] = lookup.attributed(value)  # (according_to may name a source: its title)
        elif how == "ids":
            out[name] = list(value)
        elif how == "notes":
            out[name] = lookup.notes(value)
        else:
            out[name] = _full(value)
    return out


def _in_years(year: int | None, since: int | None, until: int | None) -> bool:
    if since is None and until is None:
        return True
    if year is None:
        return False
    return (since is None or year >= since) and (until is None or year <= until)


def _check_years(since: int | None, until: int | None) -> None:
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since} is after --until {until}")


# --- people ------------------------------------------------------------------------------------


def _match_people(base: FactBase, query: str) -> tuple[list[tuple[Person, float]], list[Person]]:
    from . import names

    index = base.name_index or names.build_index(base.people)
    matches, near = names.rank(index, query)
    return [(base.people[i], s) for i, s in matches], [base.people[i] for i in near]


def resolve_person(base: FactBase, query: str) -> list[str]:
    """Return the ids of the people ``query`` names (best match and equally good ones)."""
    matches, near = _match_people(base, query)
    if not matches:
        raise NotFound(_no_match(query, near))
    return [p.id for p, _ in matches]


def resolve(base: FactBase, queries: Iterable[str]) -> list[dict]:
    """Resolve each name to a person, in order, as OpenRefine's reconciliation API does: the best
    candidate's ``id``, ``name`` and ``score`` (null below the cut-off), ``match`` true only when it
    is unambiguous (clearly ahead of the next), and up to five ``candidates``."""
    from . import names

    index = base.name_index or names.build_index(base.people)
    done: dict[str, dict] = {}
    rows = []
    for query in queries:
        key = query.strip()
        if key not in done:
            found = names.candidates(index, key) if key else []
            scored = [(base.people[i], round(s, 1)) for i, s in found]
            best = scored[0] if scored and scored[0][1] >= names.CUTOFF else None
            clear = best is not None and (len(scored) == 1 or best[1] - scored[1][1] >= names.TIE)
            done[key] = {
                "id": best[0].id if best else None,
                "name": best[0].name if best else None,
                "score": best[1] if best else None,
                "match": clear,
                "candidates": [{"id": p.id, "name": p.name, "score": s} for p, s in scored],
            }
        rows.append({"query": query, **done[key]})
    return rows


def _no_match(query: str, near: list[Person]) -> str:
    message = f"no one matches '{query}'"
    if near:
        message += "; did you mean " + ", ".join(p.name for p in near) + "?"
    return message


def people(base: FactBase, query: str, limit: int | None = None, at: str | None = None) -> list[dict]:
    """Return the people ``query`` names, best match first, with their roles (those held at ``at``).

    A query naming a role rather than a person ("president of iran") answers with the holders of
    that role, the current one first; with ``at``, only those who held it then.
    """
    when = parse_date(at) if at is not None else None
    holders = _role_holders(base, query)
    if holders is not None:
        found = [(p, roles, score) for p, roles, score in holders if when is None or _held_any(roles, when)]
        if not found:
            raise NotFound(_no_holder(f"'{query}'", [r for _, roles, _ in holders for r in roles], at))
    else:
        matches, near = _match_people(base, query)
        if not matches:
            raise NotFound(_no_match(query, near))
        found = [(p, p.roles, score) for p, score in matches]
    if limit is not None:
        found = found[:limit]
    lookup = _Lookup(base)
    index = base.mentions or mentions_index(base)
    rows = []
    for p, roles, score in found:
        mentions = [_mention(kind, getattr(base, kind)[i], role, p.id, lookup) for kind, i, role in index.get(p.id, ())]
        held = roles if when is None else [r for r in roles if _held_at(r, when)]
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "type": p.type,
                "aliases": p.aliases,
                "country": p.country,
                "roles": [_role(r) for r in held],
                "notes": lookup.notes(p.notes),
                "score": round(score, 1),
                "mentions": sorted(mentions, key=_chronological),
                "sources": _builtins(p.sources),
            }
        )
    return rows


def _mention(kind: str, record: Any, role: str, person_id: str, lookup: _Lookup) -> dict:
    """Return a record that names a person, with its role; a record only a note of which is theirs gives the note."""
    if role != "according_to" or person_id in getattr(record, "according_to", ()):
        return _brief(kind, record, lookup) | {"role": role}
    notes: list[str | Note] = [n for n in record.notes if isinstance(n, Note) and person_id in n.according_to]
    return _brief(kind, record, lookup) | {"role": "attributed", "notes": lookup.notes(notes)}


def _role(r: Role) -> dict:
    return {
        "title": r.title,
        "office": r.office,
        "start": r.start,
        "end": r.end,
        "acting": r.acting,
        "end_reason": r.end_reason,
        "as_of": r.as_of,
        "sources": _builtins(r.sources),
    }


class _Title:
    """A role title dressed as a person, so that ``names`` can index and rank titles alone."""

    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()

    def __init__(self, title: str):
        self.name = title


def _role_holders(base: FactBase, query: str) -> list[tuple[Person, list[Role], float]] | None:
    """Return who holds or held the role ``query`` names, current first; None if it names a person.

    A query names a person when it matches a name or alias. Otherwise the role titles it matches
    stand for their offices: every term of such an office counts, acting ones included.
    """
    from . import names

    index = base.name_index or names.build_index(base.people)
    exact = index.get(names.fold(query), [])
    if any(code >= 0 for code in exact):
        return None  # (the common case, decided without ranking)
    if not exact:
        by_name = {key: kept for key, codes in index.items() if (kept := [c for c in codes if c >= 0])}
        if names.rank(by_name, query)[0]:
            return None
    pairs = [(p, r) for p in base.people for r in p.roles]
    matched = dict(names.rank(names.build_index([_Title(r.title) for _, r in pairs]), query)[0])
    if not matched:
        return None
    offices: dict[str, float] = {}
    for i, score in matched.items():
        role = pairs[i][1]
        if role.office and not role.acting:
            offices[role.office] = max(offices.get(role.office, 0.0), score)
    found: dict[str, tuple[Person, list[Role], float]] = {}
    for i, (p, r) in enumerate(pairs):
        score = matched.get(i, offices.get(r.office or "", -1.0))
        if score >= 0:
            _, roles, best = found.get(p.id, (p, [], 0.0))
            found[p.id] = (p, [*roles, r], max(best, score))
    return sorted(found.values(), key=lambda f: max(_recency(r) for r in f[1]), reverse=True)


def _recency(r: Role) -> tuple[bool, Any]:
    """Sort key of a role, latest last: roles held now, then by their start (or as_of) date."""
    from datetime import date

    from .edtf import parse

    day = r.start or r.as_of
    return (r.start is not None and r.end is None, parse(day).first if day else date.min)


def _held_at(r: Role, when: Interval) -> bool:
    """Whether a role may have been held on some day of ``when`` (a title only on its ``as_of`` date)."""
    from . import edtf

    if r.start:
        return edtf.in_term(when, r.start, r.end)
    if r.as_of:
        as_of = edtf.parse(r.as_of)
        return when.overlaps(as_of.first, edtf.day_after(as_of.last))
    return False


def _held_any(roles: list[Role], when: Interval) -> bool:
    return any(_held_at(r, when) for r in roles)


def _no_holder(what: str, roles: list[Role], at: str | None) -> str:
    """Say that no one held a role at a date, and where the records begin if the date is before them."""
    from .edtf import parse, sort_key

    message = f"no recorded holder of {what} at {at}"
    starts = sorted((d for r in roles if (d := r.start or r.as_of)), key=sort_key)
    if starts and at is not None and parse(at).last < parse(starts[0]).first:
        message += f" (the records begin {starts[0]})"
    return message


def parse_date(text: str, option: str = "--at") -> Interval:
    """Return the interval a date given on the command line denotes; a usage error if it is not one."""
    from .edtf import parse

    try:
        return parse(text)
    except ValueError as e:
        raise UsageError(f"{option}: {e}") from None


# --- records of every kind -----------------------------------------------------------------------


def _records(base: FactBase, kinds: Iterable[str] = KIND) -> Iterator[tuple[str, Any]]:
    for kind in kinds:
        for record in getattr(base, kind):
            yield kind, record


def summary(kind: str, record: Any, lookup: _Lookup) -> str:
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
    raise TypeError(kind)


def _number(value: float) -> str:
    return f"{value:g}"


def _brief(kind: str, record: Any, lookup: _Lookup) -> dict:
    date = getattr(record, "date", None)
    return {
        "id": record.id,
        "kind": kind_of(kind, record),
        "date": date,
        "year": year_of(date),
        "summary": summary(kind, record, lookup),
        "sources": _builtins(getattr(record, "sources", [])),
    }


# --- the commands' queries -------------------------------------------------------------------------


def visits(
    base: FactBase, president: str | None = None, since: int | None = None, until: int | None = None
) -> list[dict]:
    """Return the visits, oldest first, filtered by president (any spelling) and year range."""
    _check_years(since, until)
    wanted = set(resolve_person(base, president)) if president else None
    lookup = _Lookup(base)
    from .edtf import possible_days

    hosts = [(p, r, possible_days(r.start or "", r.end)) for p, r in terms(base, HOST_OFFICE)]
    rows = [
        {
            "id": v.id,
            "president": lookup.name(v.president),
            "president_id": v.president,
            "host": _host(hosts, v.date),
            "date": v.date,
            "year": year_of(v.date),
            "occasion": v.occasion,
            "place": v.place,
            "agenda": v.agenda,
            "according_to": lookup.attributed(v.according_to),
            "according_to_ids": v.according_to,
            "notes": lookup.notes(v.notes),
            "sources": _builtins(v.sources),
        }
        for v in base.visits
        if (wanted is None or v.president in wanted) and _in_years(year_of(v.date), since, until)
    ]
    rows.sort(key=_chronological)
    return rows


def _host(hosts: list[tuple[Person, Role, tuple[Any, Any]]], date: str) -> dict:
    """Return who held the host's office at ``date``: certain only if one person held it throughout."""
    from . import edtf

    when = edtf.parse(date)
    held = [(p, r) for p, r, days in hosts if when.overlaps(*days)]
    people = {p.id: p for p, _ in held}
    certain = (
        len(people) == 1
        and not (when.approximate or when.uncertain)
        and edtf.covered(when, [(r.start or "", r.end) for _, r in held])
    )
    return {"ids": list(people), "names": [p.name for p in people.values()], "certain": certain}


def terms(base: FactBase, office: str | None = None) -> list[tuple[Person, Role]]:
    """Return every term of office (of one office if given) as (holder, role), oldest first by office."""
    from .edtf import parse

    found = [(p, r) for p in base.people for r in p.roles if r.office and r.start and office in (None, r.office)]
    return sorted(found, key=lambda t: (t[1].office, parse(t[1].start or "").first))


def offices(base: FactBase, office: str | None = None, at: str | None = None) -> list[dict]:
    """Return the succession of each office's holders, oldest first; with ``at``, those who held it then."""
    from . import edtf

    when = parse_date(at) if at is not None else None
    held = terms(base, _office_key(base, office) if office is not None else None)
    rows = [
        {
            "id": p.id,
            "office": r.office,
            "title": r.title,
            "holder": p.name,
            "holder_id": p.id,
            "start": r.start,
            "end": r.end,
            "acting": r.acting,
            "end_reason": r.end_reason,
            "sources": _builtins(r.sources),
        }
        for p, r in held
        if when is None or edtf.in_term(when, r.start or "", r.end)
    ]
    if not rows and held and at is not None:
        raise NotFound(_no_holder(office or "any office", [r for _, r in held], at))
    return rows


def _office_key(base: FactBase, text: str) -> str:
    """Return the office ``text`` names: its key, or its key or a title of it in words ("President of Iran")."""
    from .names import fold

    keys: dict[str, str] = {}
    for _, r in terms(base):
        office = r.office or ""
        keys.setdefault(office, office)
        keys.setdefault(fold(office.replace("-", " ")), office)
        keys.setdefault(fold(r.title), office)
    found = keys.get(text) or keys.get(fold(text))
    if found is None:
        known = ", ".join(sorted(set(keys.values()))) or "none in this base"
        raise UsageError(f"unknown office '{text}' (offices: {known})")
    return found


def visit_summary(rows: list[dict]) -> dict:
    """Return how many visits by how many presidents, the years spanned and the longest gap."""
    years = sorted(r["year"] for r in rows if r["year"] is not None)
    gap = None
    for a, b in zip(years, years[1:], strict=False):
        if gap is None or b - a > gap["years"]:
            gap = {"years": b - a, "from": a, "to": b}
    return {
        "visits": len(rows),
        "presidents": len({r["president_id"] for r in rows}),
        "first_year": years[0] if years else None,
        "last_year": years[-1] if years else None,
        "longest_gap": gap,
    }


def gas(base: FactBase, unit: str = "bcm/y") -> list[dict]:
    """Return the gas deals, with the volume also given in ``unit``."""
    if unit not in UNITS:
        raise UsageError(f"unknown unit '{unit}' (use one of {', '.join(UNITS)})")
    lookup = _Lookup(base)
    rows = [
        {
            "id": g.id,
            "supplier": g.supplier,
            "buyer": g.buyer,
            "transit": g.transit,
            "volume_bcm_per_year": g.volume_bcm_per_year,
            "volume_basis": g.volume_basis,
            "volume": _volume(g, unit),
            "delivery_point": g.delivery_point,
            "announced_by": lookup.name(g.announced_by),
            "announced_by_id": g.announced_by,
            "announced_in": g.announced_in,
            "according_to": lookup.attributed(g.according_to),
            "according_to_ids": g.according_to,
            "status": g.status,
            "date": g.date,
            "year": year_of(g.date),
            "notes": lookup.notes(g.notes),
            "sources": _builtins(g.sources),
        }
        for g in base.gas
    ]
    rows.sort(key=_chronological)
    return rows


def _volume(g: Gas, unit: str) -> dict:
    """Return the volume in ``unit``: as recorded in bcm/y, else converted to 3 significant figures (approximate)."""
    if unit == "bcm/y":
        return {"value": g.volume_bcm_per_year, "unit": unit, "basis": g.volume_basis, "approximate": False}
    value = float(f"{g.volume_bcm_per_year * UNITS[unit]:.3g}")  # (the article's figure is a round 55)
    return {"value": value, "unit": unit, "basis": g.volume_basis, "approximate": True}


def corridor(base: FactBase) -> list[dict]:
    """Return the corridor's history, oldest first, undated records last."""
    lookup = _Lookup(base)
    rows = [
        {
            "id": e.id,
            "kind": kind_of("corridor", e),
            "date": e.date,
            "end": e.end,
            "year": year_of(e.date),
            "summary": lookup.according(e.according_to, e.summary),
            "place": e.place,
            "actors": e.actors,
            "participants": [lookup.name(i) for i in e.participants],
            "participant_ids": e.participants,
            "mentioned": [lookup.name(i) for i in e.mentioned],
            "mentioned_ids": e.mentioned,
            "according_to": lookup.attributed(e.according_to),
            "according_to_ids": e.according_to,
            "notes": lookup.notes(e.notes),
            "sources": _builtins(e.sources),
        }
        for e in base.corridor
    ]
    rows.sort(key=_chronological)
    return rows


def timeline(
    base: FactBase,
    since: int | None = None,
    until: int | None = None,
    kinds: Iterable[str] | None = None,
) -> list[dict]:
    """Return every dated record of the chosen kinds, oldest first."""
    _check_years(since, until)
    chosen = set(kinds) if kinds else set(TIMELINE_KINDS)
    unknown = chosen - set(TIMELINE_KINDS)
    if unknown:
        raise UsageError(f"unknown kind '{sorted(unknown)[0]}' (use one of {', '.join(TIMELINE_KINDS)})")
    lookup = _Lookup(base)
    rows = [
        _brief(kind, record, lookup)
        for kind, record in _records(base, TIMELINE_FILES)
        if record.date and kind_of(kind, record) in chosen and _in_years(year_of(record.date), since, until)
    ]
    if "term" in chosen:
        rows += [r for r in _term_rows(base) if _in_years(r["year"], since, until)]
    rows.sort(key=_chronological)
    return rows


def _term_rows(base: FactBase) -> list[dict]:
    """Return a row for each start and end of a term of office; on one day, an end before a start."""
    from .edtf import sort_key

    found = []
    for p, r in terms(base):
        acting = " (acting)" if r.acting and "acting" not in r.title.casefold() else ""
        found.append((r.start, 1, p.id, f"{p.name} took office as {r.title}{acting}", r))
        if r.end:
            reason = f": {r.end_reason}" if r.end_reason else ""
            found.append((r.end, 0, p.id, f"{p.name}'s term as {r.title} ended{reason}", r))
    found.sort(key=lambda f: (sort_key(f[0]), f[1]))
    return [
        {"id": pid, "kind": "term", "date": day, "year": year_of(day), "summary": text, "sources": _builtins(r.sources)}
        for day, _, pid, text, r in found
    ]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


_WORDS_ONLY = re.compile(r"[\w\s'’\u00ad\u200b-\u200d-]+")


def _searched_text(kind: str, record: Any, lookup: _Lookup) -> list[str]:
    """Return the texts search looks in: a record's own fields, and the quotes and notes of its citations
    (not the ids of the sources it cites, which every record of an article shares)."""
    fields = record_fields(kind, record, lookup)
    for name, _, how in record_columns(kind):
        if how in ("id", "ids"):  # the names are searched; the ids may be a source's (according_to)
            del fields[name]
    if "notes" in fields:  # an attributed note: its text and names
        fields["notes"] = [n if isinstance(n, str) else [n["text"], n["according_to"]] for n in fields["notes"]]
    cited = fields.pop("sources", [])
    return [*_strings(fields), *(c.get("quote") or c.get("note") or "" for c in cited)]


def search(base: FactBase, text: str) -> list[dict]:
    """Return every record containing ``text``: literally (case, accents and quotes folded), or with
    spelling folded as names are (Rajaei finds Rajaee) and spaces and hyphens ignored."""
    from .names import fold, plain, strip_titles

    literal = plain(fold_quote(text))
    if not literal:
        raise UsageError("the search text is empty")
    # Words (with spaces, hyphens, apostrophes) are also matched with spelling folded; text with other
    # punctuation, such as "(COP29)", only literally.
    spelled = strip_titles(fold(text)).replace(" ", "") if _WORDS_ONLY.fullmatch(text) else ""
    lookup = _Lookup(base)
    rows = []
    for kind, record in _records(base):
        texts = _searched_text(kind, record, lookup)
        if literal in plain(fold_quote("\n".join(texts))) or (
            spelled and spelled in "|".join(fold(t).replace(" ", "") for t in texts)
        ):
            rows.append(_brief(kind, record, lookup))
    rows.sort(key=_chronological)
    return rows


def quotes(base: FactBase, speaker: str | None = None) -> list[dict]:
    """Return the quotes and reported statements, oldest first, optionally by one speaker."""
    wanted = set(resolve_person(base, speaker)) if speaker else None
    lookup = _Lookup(base)
    rows = [
        {
            "id": q.id,
            "speaker": lookup.name(q.speaker),
            "speaker_id": q.speaker,
            "text": q.text,
            "direct": q.direct,
            "date": q.date,
            "year": year_of(q.date),
            "context": q.context,
            "notes": lookup.notes(q.notes),
            "sources": _builtins(q.sources),
        }
        for q in base.quotes
        if wanted is None or q.speaker in wanted
    ]
    rows.sort(key=_chronological)
    return rows


def record(base: FactBase, record_id: str) -> dict:
    """Return one record by id (case ignored), with every field, its kind and its full provenance."""
    kind, rec = _find_record(base, record_id)
    lookup = _Lookup(base)
    titles = {s.id: s for s in base.sources}
    out = {"id": rec.id, "kind": kind_of(kind, rec), "summary": summary(kind, rec, lookup)}
    out.update(record_fields(kind, rec, lookup))
    out["summary"] = summary(kind, rec, lookup)  # (an event's own summary, attributed)
    if hasattr(rec, "date"):
        out["year"] = year_of(rec.date)
    anchors = base.anchors.get(rec.id, [])
    out["provenance"] = [
        _provenance(base, titles[c.source], c, anchors[i] if i < len(anchors) else None)
        for i, c in enumerate(getattr(rec, "sources", []))
    ] + [  # the citations of a person's terms of office, which are not anchored
        _provenance(base, titles[c.source], c, None) for role in getattr(rec, "roles", []) for c in role.sources
    ]
    return out


def _find_record(base: FactBase, record_id: str) -> tuple[str, Any]:
    folded = record_id.casefold()
    same_but_case = None
    for kind, rec in _records(base):
        if rec.id == record_id:
            return kind, rec
        if same_but_case is None and rec.id.casefold() == folded:
            same_but_case = kind, rec
    if same_but_case:
        return same_but_case
    import difflib

    close = difflib.get_close_matches(folded, [i.casefold() for i in record_ids(base)], n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "try: iranaz search TEXT"
    raise NotFound(f"no record has the id '{record_id}'; {hint}")


def _citations(record: Any) -> list[Any]:
    """Return a record's citations, with those of its terms of office (a person's roles cite their own)."""
    return [*getattr(record, "sources", []), *(c for role in getattr(record, "roles", []) for c in role.sources)]


def _provenance(base: FactBase, source: Source, cite: Any, anchor: Any) -> dict:
    """Return one citation as `show` gives it: the source, the quote or note, and where the quote is."""
    out: dict[str, Any] = {"source": cite.source, "title": source.title, "source_kind": source.kind}
    if source.url:
        out["url"] = source.url
    if cite.quote is None:
        return out | {"note": cite.note}
    out["quote"] = cite.quote
    if cite.occurrence is not None:
        out["occurrence"] = cite.occurrence
    if anchor is not None:
        out |= {"start": anchor.start, "end": anchor.end, "line": anchor.line}
        out |= {"exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix}
        around = [s for s in base.sentences.get(cite.source, []) if s.start < anchor.end and anchor.start < s.end]
        if around:
            first, last = around[0].start, around[-1].end
            text = " ".join(s.text for s in around)
            # The quote's place within the sentences' text (joined by one space, as they are read).
            start = _joined_offset(around, anchor.start)
            end = _joined_offset(around, anchor.end)
            out["context"] = {"start": first, "end": last, "text": text, "quote_start": start, "quote_end": end}
    return out


def _joined_offset(sentences: list[Any], position: int) -> int:
    """Map a raw offset into the text of ``sentences`` joined by single spaces."""
    done = 0
    for s in sentences:
        if position <= s.end:
            return done + max(0, position - s.start)
        done += len(s.text) + 1
    return done - 1


def record_ids(base: FactBase) -> list[str]:
    """Return every record id, for shell completion."""
    return [rec.id for _, rec in _records(base)]


def sources(base: FactBase) -> list[dict]:
    """Return the sources, each with how many records cite it."""
    counts: dict[str, int] = {s.id: 0 for s in base.sources}
    for _, rec in _records(base):
        for cited in {c.source for c in _citations(rec)}:
            counts[cited] = counts.get(cited, 0) + 1
    return [
        {
            "id": s.id,
            "title": s.title,
            "source_kind": s.kind,
            "publisher": s.publisher,
            "published": s.published,
            "url": s.url,
            "path": s.path,
            "sha256": s.sha256,
            "records": counts[s.id],
        }
        for s in base.sources
    ]


def overview(base: FactBase) -> dict:
    """Return how many records of each kind, the years covered, and the latest visit."""
    years = [year for _, r in _records(base, TIMELINE_FILES) if (year := year_of(r.date)) is not None]
    latest = visits(base)[-1] if base.visits else None
    return {
        "records": {kind: len(getattr(base, kind)) for kind in KIND},
        "first_year": min(years) if years else None,
        "last_year": max(years) if years else None,
        "latest_visit": latest,
    }


def coverage(base: FactBase, source_id: str | None = None) -> list[dict]:
    """Return, per article, how many of its sentences a citation overlaps, and the uncited ones."""
    articles = [s for s in base.sources if s.kind == "article" and (source_id is None or s.id == source_id)]
    if source_id is not None and not articles:
        known = ", ".join(s.id for s in base.sources if s.kind == "article")
        raise NotFound(f"no article has the id '{source_id}' (articles: {known})")
    cited: dict[str, list[tuple[int, int]]] = {}
    for _, rec in _records(base):
        for cite, anchor in zip(getattr(rec, "sources", []), base.anchors.get(rec.id, []), strict=False):
            if anchor is not None:
                cited.setdefault(cite.source, []).append((anchor.start, anchor.end))
    rows = []
    for source in articles:
        sentences = base.sentences.get(source.id, [])
        spans = cited.get(source.id, [])
        marks = []
        marked: set[int] = set()
        for mark in source.not_factual:
            hit = [i for i, s in enumerate(sentences) if fold_quote(mark.quote) in fold_quote(s.text)]
            marked.update(hit)
            marks.append({"quote": mark.quote, "reason": mark.reason, "lines": [sentences[i].line for i in hit]})
        covered = {i for i, s in enumerate(sentences) if any(a < s.end and s.start < b for a, b in spans)}
        uncited = [
            {"line": s.line, "start": s.start, "end": s.end, "text": s.text}
            for i, s in enumerate(sentences)
            if i not in covered and i not in marked
        ]
        factual = len(sentences) - len(marked - covered)
        rows.append(
            {
                "id": source.id,
                "title": source.title,
                "sentences": len(sentences),
                "cited": len(covered),
                "not_factual": len(marked - covered),
                "percent": round(100 * len(covered) / factual, 1) if factual else 100.0,
                "uncited": uncited,
                "marks": marks,
            }
        )
    return rows
