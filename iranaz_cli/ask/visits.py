"""Visits: each with its host (``hosts``), and a summary of the list."""

from __future__ import annotations

from ..model import VISIT_OFFICES, FactBase
from .hosts import host_of, host_terms
from .people import resolve_person
from .rows import Lookup, chronological, date_span, in_span, year_of


def visits(
    base: FactBase,
    president: str | None = None,
    since: int | str | None = None,
    until: int | str | None = None,
    to: str | None = None,
) -> list[dict]:
    """Return the visits, oldest first, filtered by president (any spelling), dates (a year, month or
    day: ``--since 2019-05``) and country visited."""
    span = date_span(since, until)
    country = _country(to) if to is not None else None
    wanted = set(resolve_person(base, president)) if president is not None else None
    lookup = Lookup(base)
    hosts = host_terms(base)
    rows = [
        {
            "id": v.id,
            "president": lookup.name(v.president),
            "president_id": v.president,
            "to": v.to,
            "host": host_of(v, hosts, lookup),
            "date": v.date,
            "year": year_of(v.date),
            "occasion": v.occasion,
            "place": v.place,
            "agenda": v.agenda,
            "according_to": lookup.attributed(v.according_to),
            "according_to_ids": v.according_to,
            "notes": lookup.notes(v.notes),
            "disputes": lookup.disputes(v.id),
            "sources": lookup.cite(v.sources),
        }
        for v in base.visits
        if (wanted is None or v.president in wanted) and in_span(v.date, span) and (country is None or v.to == country)
    ]
    rows.sort(key=chronological)
    return rows


def _country(to: str) -> str:
    """Return the country a visit is to, as the records write it, from any case; a usage error otherwise."""
    for country in VISIT_OFFICES:
        if to.casefold() == country.casefold():
            return country
    from ..errors import UsageError
    from ..text import visible

    raise UsageError(f"--to: unknown country '{visible(to)}'; one of: {', '.join(c.lower() for c in VISIT_OFFICES)}")


def visit_summary(rows: list[dict]) -> dict:
    """Return how many visits by how many presidents, the years spanned and the longest gap."""
    years = sorted(r["year"] for r in rows if r["year"] is not None)
    gap = None
    for a, b in zip(years, years[1:], strict=False):
        if gap is None or b - a > gap["years"]:
            gap = {"years": b - a, "from": a, "to": b}
    return {
        "visits": len(rows),
        # the visits an article itself lists (a quote is always an article's words)
        "in_article": sum(1 for r in rows if any("quote" in c for c in r["sources"])),
        "articles": len({c["source"] for r in rows for c in r["sources"] if "quote" in c}),
        "presidents": len({r["president_id"] for r in rows}),
        "first_year": years[0] if years else None,
        "last_year": years[-1] if years else None,
        "longest_gap": gap,
    }
