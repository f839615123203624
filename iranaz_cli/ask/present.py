"""Where sources disagree (disputes) and how current the base's facts about the present are."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import NotFound, UsageError
from ..model import FactBase
from .rows import Lookup, kind_of, summary


def disputes(base: FactBase, about: str | None = None) -> list[dict]:
    """Return every dispute (those about one record with ``about``), in file order, each side with its sources."""
    lookup = Lookup(base)
    rows = [
        {
            "id": d.id,
            "subject": d.subject,
            "about": list(d.about),
            "sides": [{"claim": s.claim, "sources": lookup.cite(s.sources)} for s in d.sides],
        }
        for d in base.disputes
        if about is None or about in d.about
    ]
    if not rows and about is not None and base.disputes:
        raise NotFound(f"no dispute is about '{about}'")
    return rows


def today(value: str | None) -> date:
    """Return "today": the day ``value`` (IRANAZ_TODAY, YYYY-MM-DD) names, or the system's date."""
    if value is None:
        return date.today()
    from ..edtf import parse

    try:
        day = parse(value)
    except ValueError:
        day = None
    if day is None or day.precision != "day" or value != day.first.isoformat():
        from ..text import visible

        raise UsageError(f"IRANAZ_TODAY='{visible(value, lines=False)}' is not a day (YYYY-MM-DD)")
    return day.first


def stale(base: FactBase, days: int, now: date) -> list[dict]:
    """Return every fact about the present (open terms, records with a status) not confirmed within
    ``days`` of ``now``: never confirmed first, then the oldest confirmation first."""
    from ..edtf import parse
    from .people import term_id

    lookup = Lookup(base)
    found: list[dict] = []

    def add(record_id: str, kind: str, what: str, confirmed: Any) -> None:
        age = None
        if confirmed is not None:
            try:
                age = (now - parse(confirmed.date).last).days
            except ValueError:
                age = None
        if age is None or age > days:
            found.append(
                {
                    "id": record_id,
                    "kind": kind,
                    "what": what,
                    "last_confirmed": lookup.confirmation(confirmed),
                    "age_days": age,
                }
            )

    for person in base.people:
        for role in person.roles:
            if role.office and role.start and role.end is None:
                what = f"{person.name}: {role.title}, in office since {role.start}"
                add(term_id(person, role), "term", what, role.last_confirmed)
    for kind in ("gas", "corridor", "events"):
        for record in getattr(base, kind):
            status = getattr(record, "status", None)
            if status is None and record.last_confirmed is None:
                continue
            what = summary(kind, record, lookup) + (f" (status: {status})" if status else "")
            add(record.id, kind_of(kind, record), what, record.last_confirmed)
    found.sort(key=lambda r: (r["age_days"] is not None, -(r["age_days"] or 0)))
    return found
