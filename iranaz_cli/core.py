"""Questions over the fact base: plain data in, plain data out (lists of dicts, ready for JSON).

Every row carries its ``sources``; dated rows carry ``date`` (EDTF text) and ``year`` (int or None).
Dated results are sorted oldest first, undated last, each kind in file order.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from .errors import NotFound, UsageError
from .model import (
    KINDS,
    PERSON_REFERENCES,
    Citation,
    Event,
    FactBase,
    Gas,
    Person,
    Quote,
    Source,
    Visit,
    mentions_index,
)
from .text import fold_quote

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
TIMELINE_KINDS = ("visit", "event", "corridor", "quote", "gas")
TIMELINE_FILES = [f for f, k in KIND.items() if k in TIMELINE_KINDS]

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


def _chronological(date: str | None) -> tuple[int, str]:
    return (0, date.rstrip("~?")) if date else (1, "")


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


class _Lookup:
    """People by id, built once per query."""

    def __init__(self, base: FactBase):
        self.people = {p.id: p for p in base.people}

    def name(self, person_id: str) -> str:
        return self.people[person_id].name


# --- one meaning per field -------------------------------------------------------------------------
# A reference to people is two fields everywhere (lists, show, CSV, SQLite): ``X_id`` (or ``X_ids``) holds
# the id(s) and ``X`` the name(s). A source's own kind (article, reference, background) is ``source_kind``:
# ``kind`` is always the kind of record (visit, event, ..., source).


@functools.cache
def record_columns(kind: str) -> list[tuple[str, str, str]]:
    """Return a kind's output fields as (name, model field, how): how is value, id(s) or name(s)."""
    reference = PERSON_REFERENCES.get(kind)
    struct = KINDS[kind]
    columns: list[tuple[str, str, str]] = []
    for name in struct.__struct_fields__:
        if name == reference:
            # (the annotation's text, not msgspec.structs.fields: that evaluates every annotation, ~0.4 ms)
            many = str(struct.__annotations__[name]).startswith("list")
            columns.append((name, name, "names" if many else "name"))
            columns.append((f"{name}_ids" if many else f"{name}_id", name, "ids" if many else "id"))
        elif kind == "sources" and name == "kind":
            columns.append(("source_kind", name, "value"))
        else:
            columns.append((name, name, "value"))
    return columns


def record_fields(kind: str, record: Any, lookup: _Lookup) -> dict:
    """Return every field of a record (defaults included), references to people as name and id fields."""
    out: dict[str, Any] = {}
    for name, field, how in record_columns(kind):
        value = getattr(record, field)
        if how == "name":
            out[name] = lookup.name(value)
        elif how == "names":
            out[name] = [lookup.name(v) for v in value]
        elif how == "ids":
            out[name] = list(value)
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


def people(base: FactBase, query: str, limit: int | None = None) -> list[dict]:
    """Return the profiles of the people matching ``query``, best match first."""
    matches, near = _match_people(base, query)
    if not matches:
        raise NotFound(_no_match(query, near))
    if limit is not None:
        matches = matches[:limit]
    lookup = _Lookup(base)
    index = base.mentions or mentions_index(base)
    mentions: dict[str, list[dict]] = {}
    for person, _ in matches:
        rows = [_brief(kind, getattr(base, kind)[i], lookup) for kind, i in index.get(person.id, ())]
        mentions[person.id] = sorted(rows, key=lambda r: _chronological(r["date"]))
    return [
        {
            "id": p.id,
            "name": p.name,
            "type": p.type,
            "aliases": p.aliases,
            "country": p.country,
            "roles": _full(p.roles),
            "notes": p.notes,
            "score": round(score, 1),
            "mentions": mentions[p.id],
            "sources": _builtins(p.sources),
        }
        for p, score in matches
    ]


# --- records of every kind -----------------------------------------------------------------------


def _records(base: FactBase, kinds: Iterable[str] = KIND) -> Iterator[tuple[str, Any]]:
    for kind in kinds:
        for record in getattr(base, kind):
            yield kind, record


def summary(kind: str, record: Any, lookup: _Lookup) -> str:
    """Return a one-line description of any record."""
    if isinstance(record, Visit):
        where = f" in {record.place}" if record.place else ""
        return f"{lookup.name(record.president)}: {record.occasion}{where}"
    if isinstance(record, Event):
        return record.summary
    if isinstance(record, Quote):
        speaker = lookup.name(record.speaker)
        return f"{speaker}: “{record.text}”" if record.direct else f"{speaker} (reported): {record.text}"
    if isinstance(record, Gas):
        return (
            f"{record.supplier} → {record.buyer} gas via {', '.join(record.transit)}: "
            f"{_number(record.volume_bcm_per_year)} bcm/y, delivered at {record.delivery_point}"
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
        "kind": KIND[kind],
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
    rows = [
        {
            "id": v.id,
            "president": lookup.name(v.president),
            "president_id": v.president,
            "date": v.date,
            "year": year_of(v.date),
            "occasion": v.occasion,
            "place": v.place,
            "agenda": v.agenda,
            "notes": v.notes,
            "sources": _builtins(v.sources),
        }
        for v in base.visits
        if (wanted is None or v.president in wanted) and _in_years(year_of(v.date), since, until)
    ]
    rows.sort(key=lambda r: _chronological(r["date"]))
    return rows


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
            "volume": {"value": round(g.volume_bcm_per_year * UNITS[unit], 4), "unit": unit},
            "delivery_point": g.delivery_point,
            "announced_by": lookup.name(g.announced_by),
            "announced_by_id": g.announced_by,
            "announced_in": g.announced_in,
            "status": g.status,
            "date": g.date,
            "year": year_of(g.date),
            "notes": g.notes,
            "sources": _builtins(g.sources),
        }
        for g in base.gas
    ]
    rows.sort(key=lambda r: _chronological(r["date"]))
    return rows


def corridor(base: FactBase) -> list[dict]:
    """Return the corridor's history, oldest first, undated records last."""
    lookup = _Lookup(base)
    rows = [
        {
            "id": e.id,
            "date": e.date,
            "end": e.end,
            "year": year_of(e.date),
            "summary": e.summary,
            "place": e.place,
            "actors": e.actors,
            "people": [lookup.name(p) for p in e.people],
            "people_ids": e.people,
            "notes": e.notes,
            "sources": _builtins(e.sources),
        }
        for e in base.corridor
    ]
    rows.sort(key=lambda r: _chronological(r["date"]))
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
    files = [f for f, k in KIND.items() if k in chosen]
    rows = [
        _brief(kind, record, lookup)
        for kind, record in _records(base, files)
        if record.date and _in_years(year_of(record.date), since, until)
    ]
    rows.sort(key=lambda r: _chronological(r["date"]))
    return rows


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
    rows.sort(key=lambda r: _chronological(r["date"]))
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
            "sources": _builtins(q.sources),
        }
        for q in base.quotes
        if wanted is None or q.speaker in wanted
    ]
    rows.sort(key=lambda r: _chronological(r["date"]))
    return rows


def record(base: FactBase, record_id: str) -> dict:
    """Return one record by id (case ignored), with every field, its kind and its full provenance."""
    found = _find_record(base, record_id)
    kind, rec = found
    lookup = _Lookup(base)
    titles = {s.id: s for s in base.sources}
    out = {"id": rec.id, "kind": KIND[kind], "summary": summary(kind, rec, lookup)}
    out.update(record_fields(kind, rec, lookup))
    if hasattr(rec, "date"):
        out["year"] = year_of(rec.date)
    out["provenance"] = [
        {"source": c.source, "title": titles[c.source].title, "source_kind": titles[c.source].kind}
        | ({"quote": c.quote} if c.quote is not None else {"note": c.note})
        for c in getattr(rec, "sources", [])
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


def record_ids(base: FactBase) -> list[str]:
    """Return every record id, for shell completion."""
    return [rec.id for _, rec in _records(base)]


def sources(base: FactBase) -> list[dict]:
    """Return the sources, each with how many records cite it."""
    counts: dict[str, int] = {s.id: 0 for s in base.sources}
    for _, rec in _records(base):
        for cited in {c.source for c in getattr(rec, "sources", [])}:
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
