"""`iranaz timeline --chart`: records per year and kind, drawn with Rich text (one row per kind)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

LABEL = 10  # width of the kind labels on the left


class YearChart:
    """A Rich renderable: one row per kind, one column per year (or span of years) that fits."""

    def __init__(self, rows: list[dict]):
        self.rows = [r for r in rows if r["year"] is not None]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.rows:
            return
        first = min(r["year"] for r in self.rows)
        last = max(r["year"] for r in self.rows)
        room = max(options.max_width - LABEL - 1, 1)
        span = 1
        while (last - first) // span + 1 > room:
            span += 1
        columns = (last - first) // span + 1
        counts: Counter[tuple[str, int]] = Counter((r["kind"], (r["year"] - first) // span) for r in self.rows)
        yield Text(f"Records per {'year' if span == 1 else f'{span} years'}, {first}–{last}", style="bold")
        for kind in dict.fromkeys(r["kind"] for r in self.rows):
            line = Text(f"{kind:<{LABEL}} ", style="bold")
            for c in range(columns):
                n = counts.get((kind, c), 0)
                line.append("·" if n == 0 else str(n) if n < 10 else "+", style="" if n == 0 else "cyan")
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
        yield Text(f"{'':<{LABEL}} · none, digit: how many records, +: ten or more", style="dim")
