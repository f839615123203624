"""Tables and record blocks as lines of styled text, laid out by iranaz itself (no Rich measuring).

A list table is sized once from its cells' widths, in the look of Rich's ``SIMPLE_HEAD`` box, and
each cell is wrapped at spaces, so a word (an id) is never split while the column can hold it; a
table of 50,000 rows renders in a fraction of the time Rich takes. Below the width a table needs,
every record is printed as a compact block of ``Field: value`` lines instead, its id first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..text import _JOINERS, visible
from .render import View, column_value, record_title

# A styled line: (text, style) pieces; style '' is plain.
Line = list[tuple[str, str]]

# Colours for columns a reader scans (shown only on a terminal, never under NO_COLOR).
STYLES = {"ID": "cyan", "Date": "green", "Kind": "magenta"}
# Columns never wrapped (a cell is wrapped only at spaces, so a word is whole in any column).
KEEP_WHOLE = frozenset({"Kind", "ID"})
# A wrapped column keeps at least this many cells (or its longest word, if longer).
MIN_CELLS = 12
INDENT = "  "


def width_of(text: str) -> int:
    """Return how many terminal cells ``text`` takes."""
    return len(text) if text.isascii() else _cells_of(text)


_JOINED = re.compile(f"[{_JOINERS}]")
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")


@lru_cache(maxsize=4096)
def _cells_of(text: str) -> int:
    from rich.cells import cell_len

    if _JOINED.search(text):  # (Rich 15 measures ZWJ-linked letters as one cluster, 'ب\u200dب\u200dب' as 1 cell;
        # a joiner is kept only between letters of a joining script, which a terminal draws a cell each)
        return sum(map(cell_len, _JOINED.split(text)))
    return cell_len(text)


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap ``text`` at spaces to ``width`` cells, each line after the first indented by ``indent``.

    Its own newlines are kept. A word never splits while it fits a line: one too long for an
    indented line starts a line of its own without the indent; only a word wider than ``width``
    is folded.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if width_of(paragraph) <= width - (len(indent) if lines else 0):
            lines.append((indent if lines else "") + paragraph)
            continue
        current, size = "", 0
        lead = indent if lines else ""
        for word in paragraph.split(" "):
            w = width_of(word)
            if current and size + 1 + w <= width:
                current, size = f"{current} {word}", size + 1 + w
                continue
            if current:
                lines.append(current)
                lead = indent
            if len(lead) + w <= width:
                current, size = lead + word, len(lead) + w
            elif w <= width:
                current, size = word, w
            else:  # wider than a line: fold it
                chunks = _fold(word, width)
                lines.extend(chunks[:-1])
                current, size = chunks[-1], width_of(chunks[-1])
        lines.append(current)
    return lines


# An escape ``visible`` wrote ('\\x1b', '\\u200c', '\\U000e0001', '\\t'): a fold never cuts one in two.
_ESCAPE = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[tnr])")


def _units(word: str) -> list[str]:
    """Return the pieces of a shown word that a fold may not cut: an escape, a character (or a flag's
    two) with the zero-width ones after it (its marks, its kept selector), and a kept joiner on its own."""
    from rich.cells import get_character_cell_size

    units: list[str] = []
    at, end = 0, len(word)
    while at < end:
        char = word[at]
        if char == "\\" and (escape := _ESCAPE.match(word, at)):
            units.append(escape.group())
            at = escape.end()
            continue
        # (a flag is two regional indicators, paired from the first as a terminal pairs them: cut apart,
        # the rest would pair anew, Azerbaijan's flags drawn as South Africa's)
        stop = at + 2 if _FLAG.match(word, at) else at + 1
        if char not in _JOINERS:
            while (
                stop < end
                and word[stop] not in _JOINERS
                and word[stop] != "\\"
                and not get_character_cell_size(word[stop])
            ):
                stop += 1
        units.append(word[at:stop])
        at = stop
    return units


def _fold(word: str, width: int) -> list[str]:
    """Cut a word wider than ``width`` into lines, never inside a unit (see _units) and never beside a
    kept joiner while the line holds another place to cut. A joiner the cut must still separate from
    its letters begins the next line as its escape, which is what the rule shows a lone one as."""
    chunks: list[str] = []
    line: list[str] = []
    size = 0
    for unit in _units(word):
        while line and size + width_of(unit) > width:
            at = next((n for n in range(len(line), 0, -1) if not _joined(line, n, unit)), None)
            if at is None:  # joined throughout: cut before the joiner that ends it, or before the unit
                at = len(line) - 1 if line[-1] in _JOINERS and len(line) > 1 else len(line)
            chunks.append("".join(line[:at]))
            line = line[at:]
            if line and line[0] in _JOINERS:
                line[0] = visible(line[0])
            size = sum(map(width_of, line))
        if not line and unit in _JOINERS:
            unit = visible(unit)
        line.append(unit)
        size += width_of(unit)
    return [*chunks, "".join(line)]


def _joined(line: list[str], at: int, after: str) -> bool:
    """Whether a cut before ``line[at]`` (or before ``after``, at the end) would part a joiner from a letter."""
    return line[at - 1] in _JOINERS or (line[at] if at < len(line) else after) in _JOINERS


def _longest_word(text: str) -> int:
    return max((width_of(w) for w in text.split()), default=0)


def table_widths(view: View, cells: list[list[str]], width: int) -> list[int] | None:
    """Return each column's width for a table ``width`` cells wide, or None if it cannot fit."""
    headers = [h for h, _ in view.columns]
    natural, least = [], []
    for i, header in enumerate(headers):
        column = [values[i] for values in cells]
        widest = max((max(map(width_of, v.split("\n"))) for v in column if v), default=0)
        natural.append(max(width_of(header), widest))
        if header in KEEP_WHOLE:
            least.append(natural[-1])
        else:
            longest = max((_longest_word(v) for v in column), default=0)
            least.append(max(_longest_word(header), longest, min(MIN_CELLS, natural[-1])))
    room = width - (3 * len(headers) + 1)  # the edges, the padding and the dividers
    if sum(least) > room:
        return None
    widths = natural[:]
    while sum(widths) > room:
        i = max(range(len(widths)), key=lambda c: (widths[c] > least[c], widths[c]))
        widths[i] -= 1
    return widths


def table_lines(rows: list[dict], view: View, cells: list[list[str]], widths: list[int], width: int) -> Iterator[Line]:
    """Yield the lines of a list table ``width`` cells wide at most: title, header, rule, rows, caption."""
    headers = [h for h, _ in view.columns]
    styles = [STYLES.get(h, "") for h in headers]
    yield from ([(line, "bold")] for line in wrap(view.title, width))
    yield []
    yield _row([[h] for h in headers], widths, ["bold"] * len(headers))[0]
    yield [(" " + "─" * (sum(widths) + 3 * len(widths) - 1), "")]
    for values in cells:
        yield from _row([wrap(v, w) for v, w in zip(values, widths, strict=True)], widths, styles)
    if view.caption:
        yield []
        yield from ([(line, "")] for line in wrap(view.caption(rows), width))


def _row(wrapped: list[list[str]], widths: list[int], styles: list[str]) -> list[Line]:
    lines = []
    for n in range(max(len(c) for c in wrapped)):
        line: Line = [(" ", "")]
        for i, (column, width) in enumerate(zip(wrapped, widths, strict=True)):
            text = column[n] if n < len(column) else ""
            line.append((" " if i == 0 else "   ", ""))
            line.append((text, styles[i]))
            line.append((" " * (width - width_of(text)), ""))
        lines.append(line)
    return lines


def block_lines(rows: list[dict], view: View, cells: list[list[str]], width: int) -> Iterator[Line]:
    """Yield one compact block per record: its id (or name) alone, then a `Field: value` line each."""
    if not view.record:
        yield from ([(line, "bold")] for line in wrap(view.title, width))
    for n, (row, values) in enumerate(zip(rows, cells, strict=True)):
        if n or not view.record:
            yield []
        rid = column_value(row, "id")
        if view.record:
            head, style = record_title(view, row), "bold"
        else:
            head, style = rid, "bold cyan"
        yield from ([(line, style)] for line in wrap(head, width))
        for (header, _), value in zip(view.columns, values, strict=True):
            if not value or (header == "ID" and not view.record):
                continue
            value = value.removesuffix(f" [{rid}]")  # the id heads the block
            header = header.removesuffix(" [id]")
            lines = wrap(f"{header}: {value}", width, INDENT)
            yield [(lines[0][: len(header) + 1], "bold"), (lines[0][len(header) + 1 :], "")]
            yield from ([(line, "")] for line in lines[1:])
    if view.caption:
        yield []
        yield from ([(line, "")] for line in wrap(view.caption(rows), width))
