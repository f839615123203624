"""Who: people by name as readers type them, roles by title, and the succession of each office."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import NotFound, UsageError
from ..model import FactBase, Note, Person, Role, mentions_index

if TYPE_CHECKING:
    from ..edtf import Interval
from .rows import Lookup, brief, chronological, parse_date

# --- people ------------------------------------------------------------------------------------


def _check_name(query: str) -> None:
    """Refuse a name with no letter: empty, an --president or --speaker would be no filter at all, and
    digits matched the '111' of a role's title (Article 111)."""
    if not query.strip():
        raise UsageError("the name is empty")
    if not _has_letter(query):
        from ..store.nameindex import STOPWORDS

        why = "it has no letter"
        if any(c.isalpha() for c in query):  # ('A', 'of the'): the letters are all in words names skip
            why = f"names are not matched by the words {', '.join(sorted(STOPWORDS))}"
        raise UsageError(f"'{query.strip()}' is not a name: {why}")


def _has_letter(query: str) -> bool:
    """Say whether a word of ``query`` that names are matched by holds a letter, once folded as names
    are (a tatweel is dropped, ª is the stop word 'a': 'ـ1' and 'ª 1' are only the digit)."""
    from ..store.nameindex import NON_WORD, STOPWORDS, plain

    return any(c.isalpha() for word in NON_WORD.split(plain(query)) if word not in STOPWORDS for c in word)


def _match_people(base: FactBase, query: str) -> tuple[list[tuple[Person, float]], list[Person]]:
    from . import names

    _check_name(query)
    index = base.name_index or names.build_index(base.people)
    matches, near = names.rank(index, query)
    return _spelling_first([(base.people[i], s) for i, s in matches], query), [base.people[i] for i in near]


def _spelling_first(scored: list[tuple[Person, float]], query: str) -> list[tuple[Person, float]]:
    """Return (person, score) pairs best first; of equal scores, a person spelt as asked comes first
    (stable: the index's order otherwise)."""
    return sorted(scored, key=lambda ps: (-ps[1], not _spelt_as(ps[0], query)))


def _spelt_as(person: Person, query: str) -> bool:
    """Say whether ``query`` is the person's name or an alias as written (case and spacing aside):
    names that fold alike (Hasan and Hassan) score alike, and the one spelt as asked comes first."""
    asked = " ".join(query.casefold().split())
    return any(" ".join(n.casefold().split()) == asked for n in (person.name, *person.aliases))


def resolve_person(base: FactBase, query: str) -> list[str]:
    """Return the ids of the people ``query`` names (best match and equally good ones)."""
    matches, near = _match_people(base, query)
    if not matches:
        raise NotFound(_no_match(query, near))
    _refuse_a_given_name(query, [p for p, _ in matches])
    spelt = [p.id for p, s in matches if s == matches[0][1] and _spelt_as(p, query)]
    return spelt or [p.id for p, _ in matches]  # (a name spelt as asked names that person alone)


GIVEN_NAME_LISTED = 10  # people a refused given name lists to choose from


def _refuse_a_given_name(query: str, matches: list[Person]) -> None:
    """Refuse a query that names people only by a given name (many share it): list them to choose from."""
    from .names import given_name_only

    if all(given_name_only([p.name, *p.aliases], query) for p in matches):
        listed = ", ".join(f"{p.name} [{p.id}]" for p in matches[:GIVEN_NAME_LISTED])
        if len(matches) > GIVEN_NAME_LISTED:  # (116,000 namesakes made one line of 4.9 MB)
            listed += f" and {len(matches) - GIVEN_NAME_LISTED:,} more"
        raise NotFound(
            f"no one matches '{query}' for certain: it is only a given name, which many people share;"
            f" in the base: {listed} (ask by full name or surname)"
        )


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
            found = names.candidates(index, key, n=50) if _has_letter(key) else []  # (5 best once spelling ties)
            scored = [(base.people[i], round(s, 1)) for i, s in found]
            scored = _spelling_first(scored, key)[:5]
            best = scored[0] if scored and scored[0][1] >= names.CUTOFF else None
            spelt = [p for p, s in scored if best is not None and s == best[1] and _spelt_as(p, key)]
            clear = best is not None and (len(scored) == 1 or best[1] - scored[1][1] >= names.TIE or len(spelt) == 1)
            clear = clear and best is not None and not names.given_name_only([best[0].name, *best[0].aliases], key)
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
    _check_name(query)
    when = parse_date(at) if at is not None else None
    holders = _role_holders(base, query)
    if holders is not None:
        found = [(p, roles, score) for p, roles, score in holders if when is None or _held_any(roles, when)]
        if not found:
            raise NotFound(_no_holder(f"'{query}'", [r for _, roles, _ in holders for r in roles], at))
        if when is not None:  # at a date, in the order they held the role then (a handover day: outgoing first)
            found.sort(key=lambda f: min(_started(r) for r in f[1] if _held_at(r, when)))
    else:
        matches, near = _match_people(base, query)
        if not matches:
            raise NotFound(_no_match(query, near))
        _refuse_a_given_name(query, [p for p, _ in matches])
        found = [(p, p.roles, score) for p, score in matches]
    if limit is not None:
        found = found[:limit]
    lookup = Lookup(base)
    index = base.mentions or mentions_index(base)
    rows = []
    for p, roles, score in found:
        mentions = [_mention(kind, getattr(base, kind)[i], role, p.id, lookup) for kind, i, role in index.get(p.id, ())]
        mentions += _hosted(base, p, lookup, {m["id"] for m in mentions if m["role"] == "host"})
        held = roles if when is None else [r for r in roles if _held_at(r, when)]
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "type": p.type,
                "aliases": p.aliases,
                "country": p.country,
                "roles": [_role(r, lookup, when) for r in held],
                "notes": lookup.notes(p.notes),
                "score": round(score, 1),
                "mentions": sorted(mentions, key=chronological),
                "sources": lookup.cite(p.sources),
            }
        )
    return rows


def _mention(kind: str, record: Any, role: str, person_id: str, lookup: Lookup) -> dict:
    """Return a record that names a person, with its role; a record only a note of which is theirs gives the note."""
    if role != "according_to" or person_id in getattr(record, "according_to", ()):
        return brief(kind, record, lookup) | {"role": role}
    notes: list[str | Note] = [n for n in record.notes if isinstance(n, Note) and person_id in n.according_to]
    return brief(kind, record, lookup) | {"role": "attributed", "notes": lookup.notes(notes)}


def _hosted(base: FactBase, person: Person, lookup: Lookup, listed: set[str]) -> list[dict]:
    """Return the visits ``person`` hosted (``host_certain`` false where the date does not decide)."""
    from .hosts import hosted

    return [
        brief("visits", base.visits[i], lookup) | {"role": "host", "host_certain": certain}
        for i, certain in hosted(base, person)
        if base.visits[i].id not in listed
    ]


def _role(r: Role, lookup: Lookup, when: Interval | None = None) -> dict:

    return {
        "title": r.title,
        "office": r.office,
        "start": r.start,
        "end": r.end,
        "acting": r.acting,
        "end_reason": r.end_reason,
        "as_of": r.as_of,
        "last_confirmed": lookup.confirmation(r.last_confirmed),
        "caveat": caveat(r, when),
        "sources": lookup.cite(r.sources),
    }


def caveat(r: Role, when: Interval | None) -> str | None:
    """Return what an answer about an open term at ``when`` must add: that no source shows the holder
    in office after the term's last confirmation (or that none gives a day at all); None otherwise."""
    if when is None or r.office is None or r.end is not None:
        return None
    if r.last_confirmed is None:
        return "no confirmation date"
    from ..edtf import parse

    try:
        confirmed = parse(r.last_confirmed.date).last
    except ValueError:
        return "no confirmation date"
    return f"no source after {r.last_confirmed.date}" if when.last > confirmed else None


class _Title:
    """A role title dressed as a person, so that ``names`` can index and rank titles alone."""

    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()

    def __init__(self, title: str):
        self.name = title


def _role_holders(base: FactBase, query: str) -> list[tuple[Person, list[Role], float]] | None:
    """Return who holds or held the role ``query`` names, current first; None if it names a person.

    A query names a person when it matches a name or alias. Otherwise it names the role titles that
    have every word of it (``titles``), which stand for their offices: every term of such an office
    counts, acting ones included. A query like a title no one holds is an error offering the nearest.
    """
    from . import names, titles

    index = base.name_index or names.build_index(base.people)
    exact = index.get(names.fold(query), [])
    if any(code >= 0 for code in exact):
        return None  # (the common case, decided without ranking)
    near: list[int] = []
    if not exact:
        by_name = {key: kept for key, codes in index.items() if (kept := [c for c in codes if c >= 0])}
        named, near = names.rank(by_name, query)
        if named:
            return None
    pairs = [(p, r) for p in base.people for r in p.roles]
    matched = titles.titles_with_words(pairs, query)
    if not matched:
        error = titles.no_title(pairs, query)
        if error is not None and not near:  # (a near name is the likelier meaning: "did you mean" it)
            raise error
        return None
    offices = {pairs[i][1].office for i in matched if pairs[i][1].office and not pairs[i][1].acting}
    found: dict[str, tuple[Person, list[Role], float]] = {}
    for i, (p, r) in enumerate(pairs):
        if i in matched or (r.office and r.office in offices):
            _, roles, _ = found.get(p.id, (p, [], 100.0))
            found[p.id] = (p, [*roles, r], 100.0)
    return sorted(found.values(), key=lambda f: max(_recency(r) for r in f[1]), reverse=True)


def _recency(r: Role) -> tuple[bool, Any]:
    """Sort key of a role, latest last: roles held now, then by their start (or as_of) date."""
    from datetime import date

    from ..edtf import parse

    day = r.start or r.as_of
    return (r.start is not None and r.end is None, parse(day).first if day else date.min)


def _started(r: Role) -> Any:
    """Return the first day a role may have been held (its start, or its as_of date)."""
    from datetime import date

    from ..edtf import parse

    day = r.start or r.as_of
    return parse(day).first if day else date.min


def _held_at(r: Role, when: Interval) -> bool:
    """Whether a role may have been held on some day of ``when`` (a title only on its ``as_of`` date)."""
    from .. import edtf

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
    from ..edtf import parse, sort_key

    message = f"no recorded holder of {what} at {at}"
    starts = sorted((d for r in roles if (d := r.start or r.as_of)), key=sort_key)
    if starts and at is not None and parse(at).last < parse(starts[0]).first:
        message += f" (the records begin {starts[0]})"
    return message


def terms(base: FactBase, office: str | None = None) -> list[tuple[Person, Role]]:
    """Return every term of office (of one office if given) as (holder, role), oldest first by office."""
    from ..edtf import parse

    found = [(p, r) for p in base.people for r in p.roles if r.office and r.start and office in (None, r.office)]
    return sorted(found, key=lambda t: (t[1].office, parse(t[1].start or "").first))


def term_id(person: Person, role: Role) -> str:
    """Return a term's id: its holder's id, ``@term-`` and its place among the holder's terms, from 1
    (``heydar-aliyev@term-2``); `show` shows the holder. (``@``: a shell takes it literally, and no
    record id holds one.)"""
    held = [r for r in person.roles if r.office and r.start]
    return f"{person.id}@term-{next(i for i, r in enumerate(held, 1) if r is role)}"


def offices(base: FactBase, office: str | None = None, at: str | None = None) -> list[dict]:
    """Return the succession of each office's holders, oldest first; with ``at``, those who held it then."""
    from .. import edtf

    when = parse_date(at) if at is not None else None
    held = terms(base, _office_key(base, office) if office is not None else None)
    lookup = Lookup(base)
    rows = [
        {
            "id": term_id(p, r),
            "office": r.office,
            "title": r.title,
            "holder": p.name,
            "holder_id": p.id,
            "start": r.start,
            "end": r.end,
            "acting": r.acting,
            "end_reason": r.end_reason,
            "last_confirmed": lookup.confirmation(r.last_confirmed),
            "caveat": caveat(r, when),
            "disputes": lookup.disputes(p.id),
            "sources": lookup.cite(r.sources),
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
