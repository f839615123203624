"""The terminal renderer: Rich tables, with every data value passed as literal ``Text``.

Imported only when a table is printed, so JSON and the other formats never load Rich.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from .render import View, column_value

# Colours for columns a reader scans (shown only on a terminal, never under NO_COLOR).
_STYLES = {"ID": "cyan", "Date": "green", "Kind": "magenta"}
# Columns never wrapped: short values that read badly broken.
_KEEP_WHOLE = frozenset({"Date", "Kind", "ID"})
# Below this many cells per column Rich would squeeze columns out of the table altogether.
_MIN_CELLS = 12


def _closed_pipe() -> None:
    raise BrokenPipeError  # the CLI ends quietly; Rich's own handler would exit 1


def make_console(file: IO[str] | None = None, record: bool = False) -> Console:
    """Return a console for stdout: colour only on a terminal, and never under NO_COLOR."""
    console = Console(
        file=file or sys.stdout,
        highlight=False,
        markup=False,
        emoji=False,
        no_color=bool(os.environ.get("NO_COLOR")) or None,
        record=record,
        soft_wrap=False,
    )
    console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
    return console


def _text(value: str, style: str = "") -> Text:
    return Text(value, style=style)


def _cells(rows: list[dict], view: View) -> list[list[str]]:
    """Return the text of every cell, row by row, in the view's column order."""
    return [[column_value(row, key) for _, key in view.columns] for row in rows]


def _marked(value: str) -> Text:
    """Return text whose «...» spans are shown highlighted (the marks themselves dropped)."""
    import re

    text = Text()
    for i, part in enumerate(re.split(r"«(.*?)»", value, flags=re.S)):
        text.append(part, style="bold reverse" if i % 2 else "")
    return text


def build_table(rows: list[dict], view: View, cells: list[list[str]], highlight: bool = False) -> Any:
    """Return the Rich renderable of a view: one table, a field/value table per record, or a chart.

    ``cells`` is ``_cells(rows, view)`` (unused by a chart); with ``highlight``, the view's marked
    columns show their «...» spans highlighted (on a terminal)."""
    if view.chart:
        from .render_chart import YearChart

        return YearChart(rows)
    if view.record:
        tables = []
        for row, values in zip(rows, cells, strict=True):
            table = Table(
                title=_text(_record_title(view, row), "bold"),
                show_header=False,
                box=box.ROUNDED,
                title_justify="left",
            )
            table.add_column(style="bold", overflow="fold", no_wrap=False)
            table.add_column(overflow="fold")
            for (header, _), value in zip(view.columns, values, strict=True):
                if value:
                    shown = _marked(value) if highlight and header in view.marked else _text(value)
                    table.add_row(_text(header), shown)
            tables.append(table)
        return Group(*tables)
    table = Table(title=_text(view.title, "bold"), box=box.SIMPLE_HEAD, title_justify="left")
    for header, _ in view.columns:
        table.add_column(_text(header), overflow="fold", no_wrap=header in _KEEP_WHOLE, style=_STYLES.get(header, ""))
    for values in cells:
        table.add_row(*(_text(value) for value in values))
    if view.caption:
        table.caption = _text(view.caption(rows))
        table.caption_justify = "left"
    return table


def _record_title(view: View, row: dict) -> str:
    label = row.get("name") or row.get("id", "")
    return f"{view.title}: {column_value(row, lambda r: label)}"


def write_table(rows: list[dict], view: View, console: Console | None = None) -> Console:
    """Print rows as a Rich table and return the console (to save it as SVG or HTML)."""
    console = console or make_console()
    # Too narrow for every column, Rich drops columns: widen instead, so that no value is lost
    # (a terminal wraps the long lines; a pipe gets them whole).
    cells = [] if view.chart else _cells(rows, view)
    console.width = max(console.width, _min_width(view, cells))
    renderable = build_table(rows, view, cells, highlight=console.is_terminal or console.record)
    if console.is_terminal or console.record:  # (capturing would empty the record saved as SVG)
        console.print(renderable)
        return console
    with console.capture() as captured:  # a pipe or file gets no padding after the last word
        console.print(renderable)
    text = captured.get()
    console.file.write("".join(line.rstrip() + "\n" for line in text.splitlines()))
    console.file.flush()
    return console


def _min_width(view: View, cells: list[list[str]]) -> int:
    """Return the narrowest width at which every column keeps at least a few cells."""
    if view.chart:
        return 40
    if view.record:
        labels = max((len(header) for header, _ in view.columns), default=0)
        return labels + _MIN_CELLS + 7  # two columns, their padding and the box
    widths = []
    for i, (header, _) in enumerate(view.columns):
        longest = max((len(values[i]) for values in cells), default=0)
        widths.append(max(len(header), longest if header in _KEEP_WHOLE else min(longest, _MIN_CELLS)) + 2)
    return sum(widths) + 2
