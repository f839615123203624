"""Dates and terms of office: each date in iranaz's EDTF subset, terms that do not overlap, visits in office."""

from __future__ import annotations

import re
from typing import Any

from ... import edtf
from ...model import (
    DATE_FIELDS,
    ID_PATTERN,
    INTERVAL_FIELDS,
    VISIT_OFFICES,
)
from ..yamlread import Path_
from .citations import CitationChecks

_ID = re.compile(ID_PATTERN)


def check_date(value: str) -> str | None:
    """Return why ``value`` is not a date in iranaz's EDTF subset, or None if it is one."""
    return edtf.check(value)


class TermChecks(CitationChecks):
    """Check dates, each role, and the terms of each office across people."""

    def _check_dates(self, record, display, where) -> None:
        for name in DATE_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                why = check_date(value)
                if why is None and name not in INTERVAL_FIELDS and edtf.is_interval(value):
                    why = f"'{name}' is one date, not an interval ({value!r})"
                if why is None and name == "checked" and edtf.parse(value).precision != "day":
                    why = f"'checked' is the day a fact was verified: YYYY-MM-DD, not {value!r}"
                if why:
                    self.at(display, (*where, name), why)
        confirmed = getattr(record, "last_confirmed", None)
        if confirmed is not None:
            self._check_confirmation(confirmed, display, (*where, "last_confirmed"))

    def _check_confirmation(self, confirmed, display, at) -> None:
        """Check a ``last_confirmed``: a full day (no interval, no mark) and a source of the base."""
        why = check_date(confirmed.date)
        if why is None:
            day = edtf.parse(confirmed.date)
            if day.precision != "day" or edtf.is_interval(confirmed.date) or day.approximate or day.uncertain:
                why = f"'last_confirmed.date' is a full day (YYYY-MM-DD), not {confirmed.date!r}"
        if why:
            self.at(display, (*at, "date"), why)
        if not self._checkable(confirmed.source) and not self._unknown_reported("sources", confirmed.source):
            close = self._close(confirmed.source, self.source_kinds)
            self.at(display, (*at, "source"), f"'{confirmed.source}' is not a source id in sources.yaml{close}")

    # --- terms of office (issue 12) ---------------------------------------------------------------

    def _check_roles(self, person, display, where) -> None:
        """Check each role's dates and citations; a term (a role with an ``office``) needs a start and a source."""
        for i, role in enumerate(getattr(person, "roles", ())):
            at = (*where, "roles", i)
            self._check_dates(role, display, at)
            self._check_citations(role, display, at, required=role.office is not None, anchored=False)
            if role.office is None:
                if role.acting or role.end_reason:
                    self.at(display, at, "'acting' and 'end_reason' belong to a term: give its 'office'")
                if role.last_confirmed:
                    self.at(display, at, "'last_confirmed' belongs to a term: give its 'office'")
                continue
            if not _ID.fullmatch(role.office):
                self.at(display, (*at, "office"), f"office '{role.office}' is not a lowercase slug (a-z, 0-9, -)")
            if role.start is None:
                self.at(display, at, f"a term of office '{role.office}' needs a 'start'")
            if role.end_reason is not None and role.end is None:
                self.at(display, (*at, "end_reason"), "'end_reason' needs an 'end'")
            confirmed = role.last_confirmed
            if (
                confirmed is not None
                and role.start
                and not check_date(role.start)
                and not check_date(confirmed.date)
                and edtf.parse(confirmed.date).last < edtf.parse(role.start).first
            ):
                message = f"confirmed ({confirmed.date}) before the term starts"
                self.at(display, (*at, "last_confirmed", "date"), message)

    def _check_offices(self, pending) -> None:
        """Check terms across people: each ends after it starts, no two terms of an office share a day
        (acting terms aside), and each visit's president held the office of president of Iran then."""
        terms: dict[str, list[tuple[str, Any, str, Path_]]] = {}  # office -> (person id, role, file, path)
        checked = set()  # people whose every term could be read: a visit by anyone else is not judged
        for kind, display, person, where in pending:
            if kind != "people":
                continue
            checked.add(person.id)
            for i, role in enumerate(person.roles):
                if not role.office:
                    continue
                if not role.start or any(edtf.check(d) for d in (role.start, role.end) if d):
                    checked.discard(person.id)
                    continue  # reported already
                at = (*where, "roles", i)
                if role.end is not None and not edtf.ends_after_start(role.start, role.end):
                    self.at(display, (*at, "end"), f"the term ends ({role.end}) before it starts ({role.start})")
                    checked.discard(person.id)
                    continue
                terms.setdefault(role.office, []).append((person.id, role, display, at))
        for office, held in terms.items():
            formal = sorted((t for t in held if not t[1].acting), key=lambda t: edtf.certain_days(t[1].start, None))
            # Sorted by start, a term that overlaps any earlier term overlaps the one that ends last.
            latest: tuple[str, Any] | None = None
            for person, role, display, at in formal:
                if latest is not None:
                    other, earlier = latest
                    if edtf.terms_overlap((earlier.start, earlier.end), (role.start, role.end)):
                        span = f"{earlier.start} to {earlier.end or 'in office'}"
                        self.at(display, (*at, "start"), f"this term of '{office}' overlaps {other}'s ({span})")
                    if earlier.end is None or (
                        role.end and edtf.parse(role.end).first <= edtf.parse(earlier.end).first
                    ):
                        continue
                latest = (person, role)
        held_by: dict[tuple[str, str], list[Any]] = {}  # (office, person id) -> that person's terms of it
        for office, held in terms.items():
            for person, role, _, _ in held:
                held_by.setdefault((office, person), []).append(role)
        for kind, display, visit, where in pending:
            if kind != "visits" or edtf.check(visit.date) or visit.president not in checked:
                continue  # a bad date, or a president whose record or terms are reported already
            office = VISIT_OFFICES[visit.to][0]
            presidents = terms.get(office)
            if not presidents:
                continue  # a base that records no terms of the office cannot check its visits against them
            when = edtf.parse(visit.date)
            mine = held_by.get((office, visit.president), [])
            if not any(edtf.in_term(when, r.start, r.end) for r in mine):
                holding = dict.fromkeys(p for p, r, _, _ in presidents if edtf.in_term(when, r.start, r.end))
                holders = ", ".join(holding) or "no one recorded"
                self.at(
                    display,
                    (*where, "date"),
                    f"'{visit.president}' did not hold the office '{office}' on {visit.date} "
                    f"(its holders then: {holders})",
                )
