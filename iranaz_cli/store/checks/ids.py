"""Ids and references: each id a unique slug, each reference naming a record that exists."""

from __future__ import annotations

import re
from typing import Any

from ...model import (
    ATTRIBUTING_WORDS,
    PERSON_REFERENCES,
    SOURCE_OR_PERSON,
    people_named,
)
from .citations import CitationChecks, attributing_quote


class IdChecks(CitationChecks):
    """Check ids and the people and sources records refer to."""

    def _check_references(self, kind, record, display, where, people, sources) -> None:
        """Check that each reference field names a person id (or, for ``according_to``, a source id)."""
        fields = PERSON_REFERENCES.get(kind, {})
        position: dict[str, int] = {}
        for field, ref in people_named(kind, record):
            j = position[field] = position.get(field, -1) + 1
            if ref in people or (field in SOURCE_OR_PERSON and ref in sources):
                continue
            if self._unknown_reported("people", ref):
                continue  # its cause is reported already
            if field in SOURCE_OR_PERSON and self._unknown_reported("sources", ref):
                continue
            if field in fields:
                one = isinstance(getattr(record, field), str)  # else a list of ids, each at its own line
                at = (*where, field) if one else (*where, field, j)
            else:  # a note's according_to
                at = (*where, "notes")
            what = (
                "a person id in people.yaml or a source id"
                if field in SOURCE_OR_PERSON
                else "a person id in people.yaml"
            )
            known = [*people, *(sources if field in SOURCE_OR_PERSON else ())]
            self.at(display, at, f"'{field}' names '{ref}', which is not {what}" + self._close(ref, known))
        attributed = [ref for field, ref in people_named(kind, record) if field == "according_to" and ref in people]
        if attributed and not any(_attributes(c) for c in record.sources):
            self.at(
                display,
                (*where, "sources"),
                f"attributed to '{attributed[0]}' but no quote or note it cites holds the attributing words"
                f" ({', '.join(ATTRIBUTING_WORDS)}; a note of a report may also say {', '.join(REPORTING_WORDS)})",
            )
        if getattr(record, "kind", None) == "assessment" and not record.according_to:
            self.at(display, (*where, "kind"), "an assessment needs 'according_to' (the source whose analysis it is)")

    # --- disputes (issue 20) ----------------------------------------------------------------------

    def _check_dispute(self, dispute, display, where) -> None:
        """Check a dispute's sides: at least two, each with a claim and citations (checked as a record's)."""
        if not dispute.about:
            self.at(display, (*where, "about"), "'about' must name at least one record id")
        if len(dispute.sides) < 2:
            self.at(display, (*where, "sides"), "a dispute needs at least two sides")
        for i, side in enumerate(dispute.sides):
            at = (*where, "sides", i)
            if not side.claim.strip():
                self.at(display, (*at, "claim"), "a side's 'claim' must say what it holds")
            self._check_citations(side, display, at, anchored=False)

    def _check_disputed(self, pending) -> None:
        """Check that each dispute is about records of the base (ids of any kind, once all are read)."""
        for kind, display, dispute, where in pending:
            if kind != "disputes":
                continue
            for j, ref in enumerate(dispute.about):
                if ref in self.ids or ref == dispute.id:
                    if ref == dispute.id:
                        self.at(display, (*where, "about", j), "a dispute cannot be about itself")
                    continue
                if self.unread or self.nameless or any(ref in failed for failed in self.failed.values()):
                    continue  # it may be a record whose failure is reported already
                close = self._close(ref, self.ids)
                self.at(
                    display, (*where, "about", j), f"'about' names '{ref}', which is not a record id in the base{close}"
                )


# Words by which a note (a report's content in the base's own words) says who holds what it reports.
REPORTING_WORDS = ("told", "says", "announced", "wrote", "writes", "quoted", "claimed", "argued", "warned", "estimated")


def _attributes(citation: Any) -> bool:
    """Whether a citation attributes what the record says: a quote holding the article's attributing
    words, or a note (of a report or reference) saying who said, reported or announced it."""
    if citation.quote is not None:
        return attributing_quote(citation.quote)
    if citation.note is None:
        return False
    folded = citation.note.casefold()
    return attributing_quote(citation.note) or any(re.search(rf"\b{w}\b", folded) for w in REPORTING_WORDS)
