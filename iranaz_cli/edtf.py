"""Dates as the intervals they denote: the subset of EDTF (levels 0 and 1) that iranaz reads.

``1993`` is all of 1993, ``2025-04`` all of April 2025, ``2025-04-28`` that day. A trailing ``~``
marks the date approximate, ``?`` uncertain and ``%`` both (EDTF level 1); the interval is the same,
the mark travels with it. Every date in a fact base and on the command line goes through ``parse``,
so what counts as a date is decided here once.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Literal, NamedTuple

_FORM = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%]?)")
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
            last = date(year, month, calendar.monthrange(year, month)[1])
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
    """Sort dated values oldest first by their interval (undated last)."""
    if not text:
        return (1, date.max, date.max)
    try:
        i = parse(text)
    except ValueError:
        return (1, date.max, date.max)
    return (0, i.first, i.last)
