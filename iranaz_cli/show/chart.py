"""`iranaz timeline --chart`: records per year and kind, drawn with Rich text (one row per kind).

Each year is one glyph whose height shows its count (``·`` none, ``▁`` to ``█`` the most), so the
counts of adjacent years never read as one number; each row ends with its total, and the exact
counts are the JSON rows (`iranaz timeline --format json`).
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

LABEL = 10  # width of the kind labels on the left
BARS = "▁▂▃▄▅▆▇█"


def bar(n: int, peak: int) -> str:
    """Return the glyph of a count: '·' for none, '▁' for one, up to '█' for the peak."""
    if n <= 0:
        return "·"
    return BARS[0 if peak <= 1 else round((n - 1) / (peak - 1) * (len(BARS) - 1))]


class YearChart:
    """A Rich renderable: one row per kind, one column per year (or span of years) that fits."""

    def __init__(self, rows: list[dict]):
        self.rows = [r for r in rows if r["year"] is not None]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.rows:
            return
        first = min(r["year"] for r in self.rows)
        last = max(r["year"] for r in self.rows)
        totals = Counter(r["kind"] for r in self.rows)
        total_width = len(str(max(totals.values()))) + 1
        room = max(options.max_width - LABEL - 1 - total_width, 1)
        span = 1
        while (last - first) // span + 1 > room:
            span += 1
        columns = (last - first) // span + 1
        counts: Counter[tuple[str, int]] = Counter((r["kind"], (r["year"] - first) // span) for r in self.rows)
        peak = max(counts.values())
        per = "year" if span == 1 else f"{span} years"
        yield Text(f"Records per {per}, {first}–{last}", style="bold")
        for kind in dict.fromkeys(r["kind"] for r in self.rows):
            line = Text(f"{kind:<{LABEL}} ", style="bold")
            for c in range(columns):
                n = counts.get((kind, c), 0)
                line.append(bar(n, peak), style="" if n == 0 else "cyan")
            line.append(f"{totals[kind]:>{total_width}}")
            yield line
        axis = [" "] * columns
        for c in range(columns):
            year = first + c * span
            label = str(year)
            if (
                (year % 10 == 0 or c == 0)
                and c + len(label) <= columns
                and all(a == " " for a in axis[max(c - 1, 0) : c + len(label)])
            ):
                axis[c : c + len(label)] = list(label)
        yield Text(" " * (LABEL + 1) + "".join(axis), style="dim")
        legend = f"· none, {BARS[0]} 1 to {BARS[-1]} {peak} records per {per}; totals at the right"
        indent = " " * (LABEL + 1) if LABEL + 1 + len(legend) <= options.max_width else ""
        yield Text(indent + legend, style="dim")
