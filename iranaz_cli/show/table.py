"""The terminal renderer: Rich tables, with every data value passed as literal ``Text``.

Imported only when a table is printed, so JSON and the other formats never load Rich.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console
from rich.style import Style
from rich.text import Text

from .lines import MIN_CELLS, Line, block_lines, table_lines, table_widths, width_of
from .render import View, column_value, record_title

_MONOSPACE = '"Fira Code", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace'


@functools.cache
def svg_format() -> str:
    """Return Rich's SVG template without what it fetches from the network: pass it as ``code_format``
    wherever a console is saved as SVG.

    Rich's template loads Fira Code from a CDN (`@font-face ... url("https://...")`); a saved table
    must render offline, so the font comes from the viewer's own monospace fonts. Derived from the
    installed Rich's template, so its placeholders always match the Rich that fills them."""
    from rich._export_format import CONSOLE_SVG_FORMAT

    template = re.sub(r"\s*@font-face \{\{.*?\}\}", "", CONSOLE_SVG_FORMAT, flags=re.S)
    template = re.sub(r"\s*<!-- Generated with Rich.*?-->", "", template)
    return template.replace("font-family: Fira Code, monospace", f"font-family: {_MONOSPACE}")


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
    """Return the text of every cell, row by row, in the view's column order; a tab as '\\t' (a terminal
    moves it to the next multiple of 8 cells, which no column laid out in cells can hold)."""
    return [[column_value(row, key).replace("\t", "\\t") for _, key in view.columns] for row in rows]


def _marked(value: str) -> Text:
    """Return text whose «...» spans are shown highlighted (the marks themselves dropped)."""
    import re

    text = Text()
    for i, part in enumerate(re.split(r"«(.*?)»", value, flags=re.S)):
        text.append(part, style="bold reverse" if i % 2 else "")
    return text


def build_table(rows: list[dict], view: View, cells: list[list[str]], highlight: bool = False) -> Any:
    """Return the Rich renderable of a record view (a field/value table per record) or of a chart.

    ``cells`` is ``_cells(rows, view)`` (unused by a chart); with ``highlight``, the view's marked
    columns show their «...» spans highlighted (on a terminal)."""
    if view.chart:
        from .chart import YearChart

        return YearChart(rows)
    if view.record:
        from rich import box
        from rich.console import Group
        from rich.table import Table

        tables = []
        for row, values in zip(rows, cells, strict=True):
            table = Table(
                title=_text(record_title(view, row), "bold"),
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
    raise ValueError("list tables are laid out by render_lines")


def write_table(rows: list[dict], view: View, console: Console | None = None, pager: bool = True) -> Console:
    """Print rows as a table (or one block per record where a table would not fit); return the console.

    A list table is laid out by ``render_lines``; a record view is a Rich table per record where
    it fits; the chart is Rich's. On a terminal, output taller than the screen goes to a pager.
    """
    console = console or make_console()
    width = console.width
    cells = [] if view.chart else _cells(rows, view)
    lines: Iterable[Line] | None = None
    if not view.chart:
        if not view.record and (widths := table_widths(view, cells, width)) is not None:
            lines = table_lines(rows, view, cells, widths, width)
        elif not view.record or width < _record_min_width(view, cells) or _rich_mismeasures(cells):
            lines = block_lines(rows, view, cells, width)
    if console.record:  # saved as SVG or HTML: printed through Rich, which records it
        if lines is None:
            console.print(build_table(rows, view, cells, highlight=True))
        for line in lines or ():
            console.print(Text.assemble(*line), no_wrap=True, crop=False, overflow="ignore")
        return console
    if lines is not None:
        text = _styled(lines, console)
    else:
        with console.capture() as captured:
            console.print(build_table(rows, view, cells, highlight=console.is_terminal))
        text = "".join(line.rstrip() + "\n" for line in captured.get().splitlines())
    _deliver(text, console, pager)
    return console


def _record_min_width(view: View, cells: list[list[str]]) -> int:
    """Return the narrowest width at which a record's field/value table keeps every word whole."""
    labels = max((width_of(header) for header, _ in view.columns), default=0)
    words = max((max(width_of(w) for w in value.split()) for values in cells for value in values if value.split()),
                default=0)  # fmt: skip
    return labels + max(words, MIN_CELLS) + 7  # two columns, their padding and the box


def _rich_mismeasures(cells: list[list[str]]) -> bool:
    """Whether a value holds a kept ZWJ, whose letters Rich 15 measures as one cell (a terminal draws
    each in its own): its box would run past the terminal, so the record is laid out as a block."""
    return any("\u200d" in value for values in cells for value in values)


def _styled(lines: Iterable[Line], console: Console) -> str:
    """Return the lines as text, styled with the terminal's escape codes only on a terminal."""
    colour = console.is_terminal and console.color_system is not None
    styles: dict[str, Any] = {}

    def render(text: str, style: str) -> str:
        if not (colour and style and text):
            return text
        if style not in styles:
            parsed = Style.parse(style)
            styles[style] = parsed.without_color if console.no_color else parsed
        return styles[style].render(text, color_system=console._color_system)

    return "".join("".join(render(t, s) for t, s in line).rstrip() + "\n" for line in lines)


def _deliver(text: str, console: Console, pager: bool) -> None:
    """Write the text, through a pager when stdout is a terminal and the text is taller than it."""
    command = _pager_command() if pager and text.count("\n") > console.height and _is_tty(console) else None
    if command is None:
        console.file.write(text)
        console.file.flush()
        return
    import signal
    import subprocess

    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX"), "LV": os.environ.get("LV", "-c")}
    console.file.flush()
    proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    saved = signal.signal(signal.SIGINT, signal.SIG_IGN)  # ^C is the pager's, as git lets it be
    try:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # the reader quit the pager before the end
            proc.stdin.write(text.encode(getattr(console.file, "encoding", None) or "utf-8", "backslashreplace"))
            proc.stdin.close()
        proc.wait()
    finally:
        signal.signal(signal.SIGINT, saved)
    if proc.returncode == 127:  # the shell found no such pager (and said so): print the table
        console.file.write(text)
        console.file.flush()


def _pager_command() -> str | None:
    """Return the pager to run, as git chooses it: $IRANAZ_PAGER, else $PAGER, else `less -R`."""
    command = os.environ.get("IRANAZ_PAGER", os.environ.get("PAGER", "less -R")).strip()
    return command if command and command != "cat" else None


def _is_tty(console: Console) -> bool:
    try:
        return os.isatty(console.file.fileno())
    except (AttributeError, OSError, ValueError):
        return False
