"""Renderers for scripts and documents: JSON, JSON Lines, CSV and Markdown (no Rich here).

Each command's rows come from ``core`` as plain dicts; a ``View`` says which columns a human
format (table, CSV, Markdown) shows. JSON carries every field, encoded by msgspec as UTF-8.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..text import json_visible, number, visible


class View:
    """How a command's rows look in a table: a title, and (header, field or function) columns.

    ``record`` views show each row as field/value pairs (one record at a time, as `show` does);
    ``chart`` views draw the rows per year in a terminal (and as a table in Markdown).
    """

    __slots__ = ("title", "columns", "record", "chart", "caption", "marked")

    def __init__(
        self,
        title: str,
        columns: list[tuple[str, str | Callable[[dict], Any]]],
        record: bool = False,
        chart: bool = False,
        caption: Callable[[list[dict]], str] | None = None,
        marked: frozenset[str] = frozenset(),
    ):
        self.title = title
        self.columns = columns
        self.record = record
        self.chart = chart
        self.caption = caption
        self.marked = marked  # columns whose «...» a terminal shows highlighted instead


def record_title(view: View, row: dict) -> str:
    """Return the heading of one record: its own type (person, organization) or the view's title, and its name."""
    kind = row["type"].capitalize() if isinstance(row.get("type"), str) else view.title
    name = column_value(row, lambda r: r.get("name") or r.get("id", ""))
    return visible(f"{kind}: {name}", lines=False)  # a heading is one line: a newline in a name is shown as \n


def _dict_note(value: dict) -> str:
    names = " and ".join(value.get("according_to") or [])  # (the names; according_to_ids holds the ids)
    return cell(f"according to {names}: {value['text']}")


def cell(value: Any) -> str:
    """Return the text of one value as tables and Markdown show it; lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return _dict_cell(value)
    return _shown_text(str(value))


# A table or Markdown cell shows at most this many characters of a value, then says how many more
# there are: a `sql` value of 15 million characters took 14-38 s to draw (Markdown: 24 s and 2.5 GB),
# and no one reads it there. The value is cut before its hidden characters are escaped, so the count
# is of its own characters and no escape is split. JSON and CSV, for scripts, give every value whole.
CELL_MAX = 100_000
# ... and at most this many lines: a line break is a table line, so 40 `sql` values of 100,000 line
# breaks took 18 s to draw (4 million lines), where as many letters take well under a second.
CELL_LINES = 100


def _shown_text(text: str) -> str:
    cut = CELL_MAX
    if text.count("\n", 0, CELL_MAX) >= CELL_LINES:
        cut = -1
        for _ in range(CELL_LINES):  # (cut before the 100th line break)
            cut = text.find("\n", cut + 1)
    if len(text) <= cut:
        return visible(text)
    more = len(text) - cut
    characters = "characters" if more > 1 else "character"
    return f"{visible(text[:cut])} … ({more:,} more {characters}: --format json or csv shows them all)"


def source_label(value: dict) -> str:
    """Return how a citation names its source: its id, then its publisher and date where known."""
    about = ", ".join(v for v in (value.get("publisher"), value.get("published")) if v)
    return f"{value['source']} ({about})" if about else value["source"]


def _dict_cell(value: dict) -> str:
    if "source" in value and "date" not in value:  # a citation (a last confirmation has a date)
        words = value.get("quote")
        label = source_label(value)
        return cell(f"{label}: “{words}”" if words is not None else f"{label}: {value.get('note')}")
    if "unit" in value:  # a volume
        basis = f" ({cell(value['basis'])})" if value.get("basis") else ""
        about = "≈" if value.get("approximate") else ""
        return f"{about}{cell(value['value'])} {value['unit']}{basis}"
    if "text" in value and "according_to" in value:  # an attributed note
        return _dict_note(value)
    if "title" in value and "as_of" in value:  # a role
        dates = [f"{k.replace('_', ' ')} {value[k]}" for k in ("start", "end", "as_of") if value.get(k)]
        return cell(value["title"]) + (f" ({', '.join(dates)})" if dates else "")
    if "id" in value:  # a mention of another record
        return cell(value["id"])
    return "; ".join(f"{k}: {cell(v)}" for k, v in value.items() if v is not None)


def column_value(row: dict, key: str | Callable[[dict], Any]) -> str:
    """Return the text of one column of a row."""
    return cell(key(row) if callable(key) else row.get(key))


def _encoded_json(data: Any) -> bytes:
    import msgspec

    return msgspec.json.format(msgspec.json.encode(data), indent=2)


def write_json(data: Any, out: IO[str] | None = None) -> None:
    """Write ``data`` as indented UTF-8 JSON and a newline, whatever the terminal.

    A list is written an item at a time, as indented as it would be whole: a result of huge values
    (NULs, each six bytes as `\\u0000`) was held three times over, 1.5 GB for 120 MB of values."""
    if not isinstance(data, list) or not data:
        return _write_bytes(json_visible(_encoded_json(data)), out, end=b"\n")
    _write_batches(
        (b"  " + json_visible(_encoded_json(item)).replace(b"\n", b"\n  ") for item in data),
        out,
        b",\n",
        b"[\n",
        b"\n]\n",
    )


# Characters that JSON leaves raw but line splitters (Python's str.splitlines, some JSON Lines
# readers) take as line ends: escaped in JSON Lines, so that one record stays one line (NEL, a C1
# control, json_visible escapes already).
_LINE_ENDS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def write_jsonl(rows: list[dict], out: IO[str] | None = None) -> None:
    """Write one compact JSON object per line."""
    import msgspec

    def lines() -> Iterator[bytes]:
        for row in rows:
            line = json_visible(msgspec.json.encode(row))
            for raw, escaped in _LINE_ENDS:
                line = line.replace(raw, escaped)
            yield line

    if rows:
        _write_batches(lines(), out, b"\n", b"", b"\n")


def _write_batches(parts: Iterator[bytes], out: IO[str] | None, between: bytes, start: bytes, end: bytes) -> None:
    """Write ``start``, the parts with ``between`` them, and ``end``, about a megabyte at a time (a result
    of huge rows is never held whole twice)."""
    batch: list[bytes] = [start]
    size = 0
    for i, part in enumerate(parts):
        batch += [between, part] if i else [part]
        size += len(part)
        if size > 1 << 20:
            _write_bytes(b"".join(batch), out)
            batch, size = [], 0
    _write_bytes(b"".join(batch), out, end=end)


def _write_bytes(data: bytes, out: IO[str] | None, end: bytes = b"") -> None:
    out = out or sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data)
        buffer.write(end)
        buffer.flush()
    else:  # a text-only stream (tests, StringIO)
        out.write(data.decode("utf-8") + end.decode("utf-8"))


def flat_columns(rows: list[dict]) -> list[str]:
    """Return every top-level field of the rows, in first-seen order (the CSV header)."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def flat_row(row: dict) -> dict:
    """Return a row with each object field spread into one column per key: volume -> volume_value, volume_unit."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def csv_cell(value: Any) -> str:
    """Return one CSV cell: booleans as true/false, as JSON writes them; a list (or an object inside an
    object) as JSON text, which splits back whatever its items hold (as Datasette and sqlite-utils
    write lists); the rest as tables show them (a control or invisible character as an escape: CSV
    has no escape of its own, and a CSV piped to `cat` reaches a terminal; JSON keeps the exact value)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        import msgspec

        return json_visible(msgspec.json.encode(value)).decode("utf-8")
    if isinstance(value, str):
        return visible(value)  # (whole: only tables and Markdown cut a value at CELL_MAX)
    return cell(value)


# A cell a spreadsheet would run as a formula (OWASP, CSV injection): one starting with = + - @, a tab
# or a CR. Unless --raw-csv, it is written after a single quote, which spreadsheets take as "text";
# a plain number (-5, +1.5e3) is data, not a formula, and stays as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@functools.cache
def _plain_number() -> re.Pattern[str]:
    return re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)  # (a spreadsheet reads ASCII digits)


def neutralised(text: str) -> str:
    """Return a CSV cell's text that no spreadsheet runs as a formula: ``'=1+2`` for ``=1+2``."""
    if text.startswith(_FORMULA_START) and not _plain_number().fullmatch(text):
        return "'" + text
    return text


def write_csv(
    rows: list[dict], header: list[str] | None = None, out: IO[str] | None = None, bom: bool = False, raw: bool = False
) -> None:
    """Write a header row of every field, then one row per record; a list as JSON text, an object
    (a volume) as one column per key. With no rows, ``header`` names the fields. A cell that a
    spreadsheet would run as a formula starts with ``'`` unless ``raw``."""
    out = out or sys.stdout
    flat = [flat_row(r) for r in rows]
    columns = flat_columns(flat) if flat else list(header or [])
    safe = (lambda text: text) if raw else neutralised
    if bom:
        out.write("\ufeff")
    _csv_row(out, [safe(csv_cell(c)) for c in columns])  # (`sql` names its columns: shown, not obeyed)
    for row in flat:
        _csv_row(out, [safe(csv_cell(row.get(c))) for c in columns])


def _csv_row(out: IO[str], fields: list[str]) -> None:
    """Write one CSV line (RFC 4180 quoting): a field holding a comma, a quote, a CR or a newline is
    quoted (the csv module quotes only its line terminator's characters, so a lone CR went bare)."""
    if fields == [""]:
        out.write('""\n')  # (a row of one empty field, not an empty line)
        return
    special = _csv_special()
    out.write(",".join(f'"{f.replace(chr(34), chr(34) * 2)}"' if special.search(f) else f for f in fields) + "\n")


@functools.cache
def _csv_special() -> re.Pattern[str]:
    return re.compile('[,"\r\n]')


# What Markdown or HTML would interpret in a table cell: backslash-escaped, or an HTML entity (`$` too:
# GitHub shows $x$ as mathematics).
_MD_ESCAPES = str.maketrans(
    {c: "\\" + c for c in "\\*_[]|`~$"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "<br>"}
)


# What GitHub turns into a live link or picture after Markdown is parsed, so that no backslash or HTML
# entity stops it: @user (a mention that notifies them), #123, GH-123 and owner/repo#123 (links to
# issues), user/repo@SHA and a 40-digit SHA (links to commits) and :name: (an emoji). An empty HTML
# comment inside the word does (the usual escape: `@<!-- -->user`), and shows nothing. A mention or a
# bare reference starts a word: an @ or # after a letter or digit (raisi@term-1, a@b.org, C#1) links
# nothing. A web address is left whole (GitHub links it as it is; a comment inside would cut the link).
@functools.cache
def _github_live() -> re.Pattern[str]:
    """(Compiled on first use: a Markdown table needs it, no other output does.)"""
    return re.compile(
        r"((?<![A-Za-z0-9])(?:https?://|www\.)[A-Za-z0-9][^\s<]*)"  # a web address (a host first): kept whole
        r"|(?<![A-Za-z0-9])(?:@|#(?=[0-9])|GH(?=-[0-9]))|/[A-Za-z0-9_.-]+#(?=[0-9])|:(?=(?:[a-z0-9+-]|\\?_)+:)"
        r"|@(?=[0-9a-f]{7,40}\b)|(?<![A-Za-z0-9])[0-9a-f]{7}(?=[0-9a-f]{33}\b)",  # user/repo@sha, a bare SHA
        re.I,
    )


def _md(text: str) -> str:
    """Return a cell's text as Markdown that shows it literally (a newline as <br>), with no live
    @mention, issue reference or :emoji: on GitHub."""
    text = text.translate(_MD_ESCAPES)
    if "@" in text or "#" in text or ":" in text or "-" in text:
        text = _github_live().sub(lambda m: m.group(0) if m.group(1) else m.group(0) + "<!-- -->", text)
    return text


def write_md(rows: list[dict], view: View, out: IO[str] | None = None) -> None:
    """Write a GitHub Markdown table (a field/value table per record for record views)."""
    out = out or sys.stdout
    blocks = []
    if view.record:
        for row in rows:
            lines = ["| Field | Value |", "| --- | --- |"]
            lines += [f"| {_md(h)} | {_md(column_value(row, k))} |" for h, k in view.columns]
            blocks.append("\n".join(lines))
    else:
        lines = ["| " + " | ".join(_md(h) for h, _ in view.columns) + " |"]
        lines.append("| " + " | ".join("---" for _ in view.columns) + " |")
        lines += ["| " + " | ".join(_md(column_value(r, k)) for _, k in view.columns) + " |" for r in rows]
        blocks.append("\n".join(lines))
    if view.caption:
        blocks.append(_md(view.caption(rows)))
    out.write("\n\n".join(blocks) + "\n")
