"""Where sources disagree (disputes) and how current the base's facts about the present are."""

from __future__ import annotations

from ..errors import NotFound
from ..model import FactBase
from .rows import Lookup


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
