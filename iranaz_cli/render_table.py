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


def make_console(file: IO[str] | None = None, record: bool = False) -> Console:
    """Return a console for stdout: colour only on a terminal, and never under NO_COLOR."""
    return Console(
        file=file or sys.stdout,
        highlight=False,
        markup=False,
        emoji=False,
        no_color=bool(os.environ.get("NO_COLOR")) or None,
        record=record,
        soft_wrap=False,
    )


def _text(value: str, style: str = "") -> Text:
    return Text(value, style=style)


def build_table(rows: list[dict], view: View) -> Any:
    """Return the Rich renderable of a view: one table, a field/value table per record, or a chart."""
    if view.chart:
        from .render_chart import YearChart

        return YearChart(rows)
    if view.record:
        tables = []
        for row in rows:
            table = Table(
                title=_text(_record_title(view, row)),
                show_header=False,
                box=box.ROUNDED,
                title_justify="left",
            )
            table.add_column(style="bold", overflow="fold", no_wrap=False)
            table.add_column(overflow="fold")
            for header, key in view.columns:
                value = column_value(row, key)
                if value:
                    table.add_row(_text(header), _text(value))
            tables.append(table)
        return Group(*tables)
    table = Table(title=_text(view.title), box=box.SIMPLE_HEAD, title_justify="left")
    for header, _ in view.columns:
        table.add_column(_text(header), overflow="fold")
    for row in rows:
        table.add_row(*(_text(column_value(row, key)) for _, key in view.columns))
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
    console.print(build_table(rows, view))
    return console
