"""Dates as the intervals they denote: the subset of EDTF (levels 0 and 1) that iranaz reads.

``1993`` is all of 1993, ``2025-04`` all of April 2025, ``2025-04-28`` that day. A trailing ``~``
marks the date approximate, ``?`` uncertain and ``%`` both (EDTF level 1); the interval is the same,
the mark travels with it. Every date in a fact base and on the command line goes through ``parse``,
so what counts as a date is decided here once.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal, NamedTuple

_FORM = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)")  # not \d: '۲۰۰۴' is no year here
EXPECTED = "expected YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~, ? or %"

Precision = Literal["year", "month", "day"]


class Interval(NamedTuple):
    """The days an EDTF date denotes: ``first`` to ``last``, both included."""

    text: str
    first: date
    last: date
    precision: Precision
    approximate: bool
    uncertain: bool

    @property
    def year(self) -> int:
        return self.first.year

    def overlaps(self, start: date | None, end: date | None) -> bool:
        """Whether any day of this interval is in [start, end): start included, end excluded."""
        return (start is None or self.last >= start) and (end is None or self.first < end)

    def within(self, start: date | None, end: date | None) -> bool:
        """Whether every day of this interval is in [start, end)."""
        return (start is None or self.first >= start) and (end is None or self.last < end)


def parse(text: str) -> Interval:
    """Return the interval an EDTF date denotes; raise ValueError saying why it is not one."""
    m = _FORM.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"bad date {text!r} ({EXPECTED})")
    y, mo, d, mark = m.groups()
    year = int(y)
    try:
        if year < 1:
            raise ValueError
        if mo is None:
            first, last, precision = date(year, 1, 1), date(year, 12, 31), "year"
        elif d is None:
            month = int(mo)
            first = date(year, month, 1)
            # the day before the next month's first (the calendar module costs ~8 ms of start-up)
            last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
            precision = "month"
        else:
            first = last = date(year, int(mo), int(d))
            precision = "day"
    except ValueError:
        raise ValueError(f"bad date {text!r} (no such day, month or year)") from None
    return Interval(text, first, last, precision, mark in ("~", "%"), mark in ("?", "%"))  # type: ignore[arg-type]


def check(text: str) -> str | None:
    """Return why ``text`` is not a date iranaz reads, or None if it is one."""
    try:
        parse(text)
        return None
    except ValueError as e:
        return str(e)


def day_after(day: date) -> date:
    """Return the next day (a closed interval's last day as an exclusive end)."""
    return day + timedelta(days=1)


def sort_key(text: str | None) -> tuple[int, date, date]:
    """Sort dated values by their interval's last day, then its first (undated last).

    A less precise date sorts after the more precise dates it contains: ``2025-04-26`` before
    ``2025``, since what is known only to be in 2025 may be after that day and cannot be before 2025.
    """
    if not text:
        return (1, date.max, date.max)
    try:
        i = parse(text)
    except ValueError:
        return (1, date.max, date.max)
    return (0, i.last, i.first)


# --- terms of office -------------------------------------------------------------------------------
# A term runs from its ``start`` to its ``end``, both days in office: ``end`` is the last day in
# office, so on a handover day (one term's end, the next one's start) both held the office. ``end``
# is None while in office. Each bound is an EDTF date and keeps its precision: a term starting in
# ``1993`` may have begun on any day of 1993, so it *possibly* covers all of 1993 but *certainly*
# covers only the days from 1993-12-31. Spans below are [first, stop): ``stop`` is the day after the
# last day, None while in office.


def possible_days(start: str, end: str | None) -> tuple[date, date | None]:
    """Return the widest [first, stop) a term may cover: from its start's first day to its end's last day."""
    return parse(start).first, day_after(parse(end).last) if end else None


def certain_days(start: str, end: str | None) -> tuple[date, date | None]:
    """Return the [first, stop) a term certainly covers: from its start's last day to its end's first day."""
    return parse(start).last, day_after(parse(end).first) if end else None


def in_term(at: Interval, start: str, end: str | None) -> bool:
    """Whether the term may include some day of ``at`` (the holder possibly held office then)."""
    return at.overlaps(*possible_days(start, end))


def throughout_term(at: Interval, start: str, end: str | None) -> bool:
    """Whether the term certainly includes every day of ``at``."""
    return at.within(*certain_days(start, end))


def terms_overlap(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    """Whether two terms (start, end) certainly share a day other than a handover day (the day one
    ends and the other starts, which both hold)."""
    (a_first, a_stop), (b_first, b_stop) = certain_days(*a), certain_days(*b)
    first = max(a_first, b_first)
    stops = [s for s in (a_stop, b_stop) if s is not None]
    stop = min(stops) if stops else None
    if stop is not None and first >= stop:
        return False  # no day shared
    if stop is None or day_after(first) != stop:
        return True  # more than one day
    handover = (a_stop == stop and b_first == first) or (b_stop == stop and a_first == first)
    return not handover


def ends_after_start(start: str, end: str) -> bool:
    """Whether a term's end can be on or after its start (its end is its last day: a one-day term ends as it starts)."""
    return parse(end).last >= parse(start).first


def covered(at: Interval, terms: list[tuple[str, str | None]]) -> bool:
    """Whether the terms (start, end) together certainly include every day of ``at``."""
    spans = sorted((certain_days(*t) for t in terms), key=lambda span: span[0])
    if not spans or spans[0][0] > at.first:
        return False
    reach: date | None = spans[0][1]
    for first, stop in spans[1:]:
        if reach is None or first > reach:
            break
        reach = None if stop is None else max(reach, stop)
    return reach is None or at.last < reach
