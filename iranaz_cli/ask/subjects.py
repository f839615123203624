"""The subject listings: the gas deals, the corridor's history and the quotes."""

from __future__ import annotations

from ..errors import UsageError
from ..model import FactBase, Gas
from .people import resolve_person
from .rows import UNITS, Lookup, chronological, kind_of, year_of


def gas(base: FactBase, unit: str = "bcm/y") -> list[dict]:
    """Return the gas deals, with the volume also given in ``unit``."""
    if unit not in UNITS:
        raise UsageError(f"unknown unit '{unit}' (use one of {', '.join(UNITS)})")
    lookup = Lookup(base)
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
            "last_confirmed": lookup.confirmation(g.last_confirmed),
            "notes": lookup.notes(g.notes),
            "disputes": lookup.disputes(g.id),
            "sources": lookup.cite(g.sources),
        }
        for g in base.gas
    ]
    rows.sort(key=chronological)
    return rows


def _volume(g: Gas, unit: str) -> dict:
    """Return the volume in ``unit``: as recorded in bcm/y, else converted to 3 significant figures (approximate)."""
    if unit == "bcm/y":
        return {"value": g.volume_bcm_per_year, "unit": unit, "basis": g.volume_basis, "approximate": False}
    value = float(f"{g.volume_bcm_per_year * UNITS[unit]:.3g}")  # (the article's figure is a round 55)
    return {"value": value, "unit": unit, "basis": g.volume_basis, "approximate": True}


def corridor(base: FactBase) -> list[dict]:
    """Return the corridor's history, oldest first, undated records last."""
    lookup = Lookup(base)
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
            "disputes": lookup.disputes(e.id),
            "sources": lookup.cite(e.sources),
        }
        for e in base.corridor
    ]
    rows.sort(key=chronological)
    return rows


def quotes(base: FactBase, speaker: str | None = None) -> list[dict]:
    """Return the quotes and reported statements, oldest first, optionally by one speaker."""
    wanted = set(resolve_person(base, speaker)) if speaker is not None else None
    lookup = Lookup(base)
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
            "disputes": lookup.disputes(q.id),
            "sources": lookup.cite(q.sources),
        }
        for q in base.quotes
        if wanted is None or q.speaker in wanted
    ]
    rows.sort(key=chronological)
    return rows
