"""Read one YAML file safely into plain values, recording the line of each value.

Reading is safe by construction: ``_Reader`` builds plain Python values from libyaml's event stream
itself (no object is ever constructed from a tag), refusing non-standard tags, anchors and aliases,
duplicate keys, non-text keys and deep nesting, and records where values are so that each problem
names ``file:line``.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import Any

from ..errors import FactBaseError
from ..model import DATE_FIELDS
from ..text import NotUtf8, utf8_text
from .paths import Stamp, Unreadable, contained, read_regular

MAX_FILE_BYTES = 16 * 1024 * 1024
# An article (a source's text in seeds/): a long news article is ~100 KB. Its sentences and anchors take
# ~50 times its size in memory, so 16 MiB texts took ~0.9 GB each; 2 MiB keeps a base of several within reach.
MAX_ARTICLE_BYTES = 2 * 1024 * 1024
# All of a base's articles together (some hundred news articles): the memory they take stays bounded.
MAX_ARTICLES_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 16

Path_ = tuple[Any, ...]


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STANDARD + t for t in ("str", "int", "float", "bool", "null")}
_SKIP = object()  # the key of a value that is read but not kept (after a duplicate key)
# The key under which a record with a repeated `id:` keeps the repeated values (not text: no field).
DUPLICATE_IDS = object()


class _Refused(Exception):
    """Raised inside the reader to abandon a file whose problem is already recorded."""


class _Frame:
    """A list or mapping being read: its value, path, and (for a mapping) the pending key."""

    __slots__ = ("value", "path", "is_map", "key", "key_line", "first_lines", "kept", "duplicate")

    def __init__(self, path: Path_, is_map: bool, kept: bool):
        self.value: Any = {} if is_map else []
        self.path = path
        self.is_map = is_map
        self.key: Any = None
        self.key_line = 0
        self.first_lines: dict[str, int] = {}
        self.kept = kept
        self.duplicate: Any = None  # the key repeated, while its value is read (and not kept)


class _Reader:
    """Build plain values straight from libyaml's event stream, recording where each value is.

    No node tree is built (a 3 MB file costs ~0.3 s, not ~1.4 s, and no memory for nodes), no
    object is constructed from a tag, and an anchor or alias stops the file before anything can
    expand it. Lines are kept for records only, unless ``all_lines`` is set (to report a problem).
    """

    def __init__(self, display: str, all_lines: bool = False):
        self.display = display
        self.all_lines = all_lines
        self.lines: dict[Path_, int] = {}
        self.problems: list[str] = []
        self.bad_records: set[Any] = set()  # top-level items with a problem: not validated further
        # Whether text appended after this file's last byte, starting with "- " at column 0, can only
        # add items to its list: a block list at column 0, no document markers (see validate).
        self.appendable = True

    def problem(self, path: Path_, line: int, message: str) -> None:
        self.problems.append(f"{self.display}:{line}: {message}")
        self.bad_records.add(path[0] if path else None)

    def read(self, text: str) -> Any:
        from yaml import events

        loader = _yaml_loader()(text)
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        try:
            while loader.check_event():
                event = loader.get_event()
                cls = type(event)
                if cls is events.DocumentStartEvent or cls is events.DocumentEndEvent:
                    self.appendable = self.appendable and not event.explicit
                if cls is events.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        self.problem((), event.start_mark.line + 1, "more than one YAML document")
                        raise _Refused
                    continue
                if cls in (events.SequenceEndEvent, events.MappingEndEvent):
                    frame = stack.pop()
                    value = frame.value if frame.kept else None
                    if stack:
                        self._add(stack[-1], value)
                    else:
                        root = value
                    continue
                if cls not in (events.ScalarEvent, events.SequenceStartEvent, events.MappingStartEvent):
                    if cls is events.AliasEvent:
                        self.problem((), event.start_mark.line + 1, "YAML anchors and aliases are not allowed")
                        raise _Refused
                    continue  # stream and document boundaries
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    self.problem((), line, "YAML anchors and aliases are not allowed")
                    raise _Refused
                top = stack[-1] if stack else None
                if top is not None and top.is_map and top.key is None:
                    self._key(top, event, cls is events.ScalarEvent, line)
                    continue
                path = self._path(top)
                if self.all_lines or len(path) <= 1:
                    self.lines[path] = top.key_line if top is not None and top.is_map else line
                kept = top is None or top.kept
                if cls is events.ScalarEvent:
                    raw_text = top is not None and top.is_map and top.key in DATE_FIELDS
                    value = self._scalar(event, path, line, raw_text) if kept else None
                    if top is not None:
                        self._add(top, value)
                    else:
                        root = value
                    continue
                expected = _STANDARD + ("seq" if cls is events.SequenceStartEvent else "map")
                if event.tag not in (None, "!", expected):
                    self.problem(path, line, f"tag '{_short(event.tag)}' is not allowed")
                    kept = False
                if len(stack) >= MAX_DEPTH:
                    self.problem((), line, f"nested deeper than {MAX_DEPTH} levels")
                    raise _Refused
                if not stack and (cls is not events.SequenceStartEvent or event.flow_style or event.start_mark.column):
                    self.appendable = False
                stack.append(_Frame(path, cls is events.MappingStartEvent, kept))
        finally:
            loader.dispose()
        return root

    def _key(self, frame: _Frame, event: Any, is_scalar: bool, line: int) -> None:
        if not is_scalar or event.tag not in (None, "!", _STANDARD + "str"):
            self.problem(frame.path, line, "a key must be a plain text name")
            raise _Refused
        key = event.value
        if key in frame.first_lines:
            self.problem(frame.path, line, f"duplicate key '{key}' (first at line {frame.first_lines[key]})")
            frame.key = _SKIP
            frame.duplicate = key
        else:
            frame.first_lines[key] = line
            frame.key = key
        frame.key_line = line

    @staticmethod
    def _path(top: _Frame | None) -> Path_:
        if top is None:
            return ()
        return (*top.path, top.key if top.is_map else len(top.value))

    @staticmethod
    def _add(parent: _Frame, value: Any) -> None:
        """Put a finished value in its list or mapping (not at all after a duplicate key)."""
        if not parent.is_map:
            parent.value.append(value)
        else:
            if parent.key is not _SKIP:
                parent.value[parent.key] = value
            elif parent.duplicate == "id" and isinstance(value, str):  # the record failed: what names it is known
                parent.value.setdefault(DUPLICATE_IDS, []).append(value)
            parent.key = None

    def _scalar(self, event: Any, path: Path_, line: int, raw_text: bool) -> Any:
        import yaml

        value = event.value
        tag = event.tag
        if tag in (None, "!"):
            if not event.implicit[0]:
                return value  # quoted: always text
            tag = _resolve(value)
        elif tag not in _SCALAR_TAGS:
            self.problem(path, line, f"tag '{_short(tag)}' is not allowed")
            return None
        if raw_text and tag != _STANDARD + "null":
            return value
        if tag in (_STANDARD + "int", _STANDARD + "float") or (tag == _STANDARD + "str" and event.implicit[0]):
            number = _number(value, tag)
            if number is not _NOT_A_NUMBER:
                if isinstance(number, str):
                    self.problem(path, line, number)
                    return None
                return number
        if tag in (_STANDARD + "str", _STANDARD + "timestamp"):
            return value
        constructor = _constructor()
        try:
            result = constructor.yaml_constructors[tag](constructor, yaml.ScalarNode(tag, value))
        except (ValueError, KeyError, yaml.YAMLError):
            self.problem(path, line, f"'{value}' is not a valid {_short(tag)}")
            return None
        if isinstance(result, float) and not math.isfinite(result):
            self.problem(path, line, f"'{value}' is not a finite number (infinity and NaN are refused)")
            return None
        return result


# A number is read only as plain decimal: YAML 1.1 would read `067` as octal 55, `0x37` as 55, `1:30`
# as 90 (base 60) and `1_000` as 1000, and YAML 1.2 `0o67` as 55; all are refused, as is an integer
# no float holds exactly. An exponent needs no dot (`1e3`, `55.0e0`: YAML 1.1 would read them as text).
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?")
_NUMBER_LIKE = re.compile(r"[-+]?(?:0o[0-7]+|[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+)")
_NOT_A_NUMBER = object()
_MAX_EXACT = 2**53


def _number(value: str, tag: str) -> Any:
    """Return a plain scalar's number, a problem (text) if it is a number in another form, or
    _NOT_A_NUMBER if it is not a number at all (text, or infinity and NaN, reported by the caller)."""
    if tag == _STANDARD + "str" and not _NUMBER_LIKE.fullmatch(value):
        return _NOT_A_NUMBER
    if tag == _STANDARD + "float" and value.lstrip("+-").lower() in (".inf", ".nan"):
        return _NOT_A_NUMBER
    m = _DECIMAL.fullmatch(value)
    if m is None:
        return f"'{value}' is not a plain decimal number"
    if m.group(1) is None and m.group(2) is None:
        number = int(value)
        return number if abs(number) <= _MAX_EXACT else f"'{value}' is too large a number (at most 2**53)"
    real = float(value)
    return real if math.isfinite(real) else f"'{value}' is not a finite number (infinity and NaN are refused)"


def _short(tag: str) -> str:
    return "!!" + tag[len(_STANDARD) :] if tag.startswith(_STANDARD) else tag


def _resolve(value: str) -> str:
    """Return the tag YAML 1.1 gives a plain scalar (as PyYAML's resolver does, without its cost)."""
    from yaml.resolver import Resolver

    for tag, regexp in Resolver.yaml_implicit_resolvers.get(value[:1], []):  # value[:1] is "" for ""
        if regexp.match(value):
            return tag if tag != _STANDARD + "value" and tag != _STANDARD + "merge" else _STANDARD + "str"
    return _STANDARD + "str"


@functools.cache
def _constructor() -> Any:
    """Return PyYAML's safe constructor, used only for numbers, booleans and nulls."""
    import yaml.constructor

    return yaml.constructor.SafeConstructor()


def decode(raw: bytes, display: str) -> str:
    try:
        return utf8_text(raw)
    except NotUtf8 as e:
        raise FactBaseError([f"{display}:{e.line}: {e}"]) from None


def read_file(path: Path, display: str, root: Path | None = None) -> tuple[bytes, Stamp]:
    """Return a file's bytes and stamp: a regular file within the size cap (and inside ``root``)."""
    try:
        return read_regular(contained(root, path) if root is not None else path, MAX_FILE_BYTES)
    except Unreadable as e:
        raise FactBaseError([f"{display}: {e}"]) from None


def read_yaml(
    path: Path, display: str, all_lines: bool = False, root: Path | None = None
) -> tuple[Any, dict[Path_, int], list[str], set[Any]]:
    """Read one YAML file into plain values, a path -> line map (records only, unless
    ``all_lines``), the problems found, and which top-level items they were in (None: outside any)."""
    raw, _ = read_file(path, display, root)
    return parse_yaml(decode(raw, display), display, all_lines)


def parse_yaml(text: str, display: str, all_lines: bool = False) -> tuple[Any, dict[Path_, int], list[str], set[Any]]:
    """Read YAML text as ``read_yaml`` reads a file."""
    value, lines, problems, bad, _ = parse_list(text, display, all_lines)
    return value, lines, problems, bad


def parse_list(
    text: str, display: str, all_lines: bool = False
) -> tuple[Any, dict[Path_, int], list[str], set[Any], bool]:
    """Read YAML text as ``parse_yaml`` does; also say whether appended items only add to its list."""
    import yaml

    reader = _Reader(display, all_lines)
    try:
        value = reader.read(text)
    except _Refused:  # the file was abandoned: nothing of it is validated further
        return None, reader.lines, reader.problems, {None}, False
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        raise FactBaseError([f"{where}: {e.problem or e.context}"]) from None
    except yaml.reader.ReaderError as e:  # a character YAML text cannot hold: say where, not its offset
        raise FactBaseError([_unacceptable(text, display, e)]) from None
    except yaml.YAMLError as e:
        raise FactBaseError([f"{display}: {e}"]) from None
    if value is None and not reader.problems:
        return None, reader.lines, [f"{display}: the file is empty (expected a list of records)"], {None}, False
    return value, reader.lines, reader.problems, reader.bad_records, reader.appendable and isinstance(value, list)


def _unacceptable(text: str, display: str, error: Any) -> str:
    """Return the problem of a character that YAML refuses, at its file:line:column."""
    code = error.character if isinstance(error.character, int) else ord(error.character[:1] or "\0")
    at = text.find(chr(code))
    if at < 0:
        at = max(0, min(error.position, len(text)))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return (
        f"{display}:{line}:{column}: character U+{code:04X} is not allowed in YAML text"
        " (a control character: write it as an escape in a double-quoted value)"
    )
