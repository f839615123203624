"""The host of each visit, as a sourced fact: the host its own record names, or else the holders of
the host's office at its date, with the sources of the terms it came from (and the visit's citations
that name the host)."""

from __future__ import annotations

from typing import Any

from ..model import VISIT_OFFICES, Citation, FactBase, Person, Role, Visit
from .rows import Lookup, as_data

# (holder, term, the [first, stop) days the term may cover)
HostTerm = tuple[Person, Role, tuple[Any, Any]]


def host_terms(base: FactBase) -> dict[str, list[HostTerm]]:
    """Return, by country visited, every term of its host's office, oldest first, with the days it may cover."""
    from ..edtf import possible_days
    from .people import terms

    return {
        country: [(p, r, possible_days(r.start or "", r.end)) for p, r in terms(base, host_office)]
        for country, (_, host_office) in VISIT_OFFICES.items()
    }


def host_of(visit: Visit, hosts: dict[str, list[HostTerm]], lookup: Lookup) -> dict:
    """Return a visit's host: ``ids``, ``names``, ``certain`` and the ``sources`` it comes from.

    A host the visit's own record names (a ``host`` field) wins over the terms of office. Otherwise
    the host is who held the office of president of the country visited at the visit's date: certain
    only if one person held it throughout (a year can span a handover, and on a handover day both held it).
    """
    own = getattr(visit, "host", None)
    if isinstance(own, str) and own in lookup.people:
        person = lookup.people[own]
        naming = _naming(visit, [person]) or list(visit.sources)
        return {"ids": [own], "names": [person.name], "certain": True, "sources": as_data(naming)}
    from .. import edtf

    when = edtf.parse(visit.date)
    held = [(p, r) for p, r, days in hosts[visit.to] if when.overlaps(*days)]
    people = {p.id: p for p, _ in held}
    certain = (
        len(people) == 1
        and not (when.approximate or when.uncertain)
        and edtf.covered(when, [(r.start or "", r.end) for _, r in held])
    )
    cited = [c for _, r in held for c in r.sources] + _naming(visit, list(people.values()))
    return {
        "ids": list(people),
        "names": [p.name for p in people.values()],
        "certain": certain,
        "sources": as_data(list({_key(c): c for c in cited}.values())),
    }


def _naming(visit: Visit, people: list[Person]) -> list[Citation]:
    """Return the visit's own citations whose words name one of ``people`` (by name or alias)."""
    names = [n.casefold() for p in people for n in (p.name, *p.aliases)]
    return [c for c in visit.sources if c.quote and any(n in c.quote.casefold() for n in names)]


def _key(c: Citation) -> tuple[str, str | None, str | None]:
    return (c.source, c.quote, c.note)


def hosted(base: FactBase, person: Person) -> list[tuple[int, bool]]:
    """Return (index, certain) of each visit ``person`` hosted or may have hosted, in file order."""
    own = [i for i, v in enumerate(base.visits) if getattr(v, "host", None) == person.id]
    offices = {host_office for _, host_office in VISIT_OFFICES.values()}
    if not own and not any(r.office in offices for r in person.roles):
        return []  # (the common case: no visit to compute a host for)
    hosts = host_terms(base)
    lookup = Lookup(base)
    found = []
    for i, visit in enumerate(base.visits):
        host = host_of(visit, hosts, lookup)
        if person.id in host["ids"]:
            found.append((i, host["certain"]))
    return found
