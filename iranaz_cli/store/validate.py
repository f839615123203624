"""Validate a fact base: convert each file's records to model types and check what types cannot express
(ids, dates, references, citations and quotes), reporting every problem as ``file:line``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Protocol

import msgspec

from ..errors import FactBaseError
from ..model import (
    ID_PATTERN,
    KINDS,
    FactBase,
)
from ..text import fold_quote
from . import yamlread
from .checks.citations import SHA256
from .checks.ids import IdChecks
from .checks.terms import TermChecks, check_date
from .paths import Stamp, base_root, resolve_data_dir, stamp_of
from .paths import digest as paths_digest
from .yamlread import Path_, decode, parse_list, parse_yaml, read_file, read_yaml

__all__ = ["FileCache", "check_date", "count_records", "validate"]

_ID = re.compile(ID_PATTERN)
# Text appended to a list file that can only add items to it: empty lines (as `iranaz add` writes
# one), then "- " at column 0. Anything else may belong to the old last value: after `quote: >` an
# indented `# ...` line or a line of spaces is the scalar's text. A block scalar that keeps its
# trailing newlines (`|+`) would take in the empty lines, so a file holding one is never read as a
# prefix; nor is a file without a final line break (a `|` scalar there would gain one).
_APPENDED_ITEMS = re.compile(rb"(?:\r?\n)*- ")
_KEEP_CHOMPING = re.compile(rb"[|>][1-9]?\+")


_MSGSPEC_PATH = re.compile(r"\.([^.\[]+)|\[([0-9]+)\]")


def _msgspec_problem(message: str) -> tuple[Path_, str]:
    """Turn a msgspec ValidationError message into (path within the record, readable message)."""
    text, _, where = message.partition(" - at `$")
    path = tuple(name if name else int(index) for name, index in _MSGSPEC_PATH.findall(where.rstrip("`")))
    unknown = re.fullmatch(r"Object contains unknown field `([^`]+)`", text)
    readable = re.sub(r"^Object (contains |missing required )", lambda m: m.group(1).replace("contains ", ""), text)
    readable = re.sub(r"`([^`]*)`", r"'\1'", readable)
    readable = readable[0].lower() + readable[1:]
    if unknown:  # msgspec names the mapping; the line is that of the unknown key
        return (*path, unknown.group(1)), readable
    return path, f"'{_dotted(path)}': {readable}" if path else readable


def _every_problem(raw: Any, struct: Any, at: Path_ = ()) -> list[tuple[Path_, str]]:
    """Return every problem of a record that failed conversion, not only the first msgspec meets:
    each unknown field, each missing one, and each field's own (in every item of a list of records).
    Empty when the fields are each fine (the record's own checks failed: msgspec's one message)."""
    if not isinstance(raw, dict):
        return []
    fields = {f.name: f for f in msgspec.structs.fields(struct)}
    found: list[tuple[Path_, str]] = []
    import difflib

    meant = set()  # missing fields an unknown one is a typo of: named there, not again as missing
    for key in raw:
        if isinstance(key, str) and key not in fields:
            close = difflib.get_close_matches(key, [f for f in fields if f not in raw], n=1, cutoff=0.6)
            meant.update(close)
            found.append(((*at, key), f"unknown field '{key}'" + (f"; did you mean '{close[0]}'?" if close else "")))
    for name, field in fields.items():
        if name not in raw:
            if field.required and name not in meant:
                found.append(((*at,) if at else (), f"{_where(at)}missing required field '{name}'"))
            continue
        value, item = raw[name], _record_type(field.type)
        if item is not None and isinstance(value, list):
            for i, element in enumerate(value):
                try:
                    msgspec.convert(element, item)
                except msgspec.ValidationError as e:
                    found += _every_problem(element, item, (*at, name, i)) or [_at(at + (name, i), str(e))]
            continue
        try:
            msgspec.convert(value, field.type)
        except msgspec.ValidationError as e:
            found.append(_at((*at, name), str(e)))
    return found


def _where(at: Path_) -> str:
    return f"'{_dotted(at)}': " if at else ""


def _at(at: Path_, message: str) -> tuple[Path_, str]:
    """Return a problem msgspec found in a value at ``at`` within the record."""
    path, readable = _msgspec_problem(message)
    full = (*at, *path)
    if readable.startswith("'") or readable.startswith("unknown field"):  # named already, or by its line
        readable = readable.split(": ", 1)[1] if path and readable.startswith("'") else readable
    return full, f"'{_dotted(full)}': {readable}" if not readable.startswith("unknown field") else readable


def _record_type(annotation: Any) -> Any:
    """Return the record type of a list of records (``list[Citation]``), else None."""
    import typing

    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (None,)
        if isinstance(item, type) and issubclass(item, msgspec.Struct):
            return item
    return None


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _ids_of(raw: Any) -> list[str]:
    """Return every id a record that failed conversion gives itself (a repeated `id:` key included)."""
    if not isinstance(raw, dict):
        return []
    given = [raw.get("id"), *raw.get(yamlread.DUPLICATE_IDS, ())]
    return [i for i in given if isinstance(i, str)]


class FileCache(Protocol):
    """Where a file's converted records and line map are kept, by the digest of its bytes."""

    def get(self, kind: str, file: Path, digest: str) -> tuple[list[Any], dict[Path_, int]] | None: ...

    def before_append(self, kind: str, file: Path) -> tuple[int, str, list[Any], dict[Path_, int]] | None: ...

    def put(
        self,
        kind: str,
        file: Path,
        digest: str,
        records: list[Any],
        lines: dict[Path_, int],
        size: int = 0,
        appendable: bool = False,
    ) -> None: ...


class _Validator(IdChecks, TermChecks):
    """Convert each file's records to model types and check what types cannot express.

    Problems are kept with the path of the value they concern and given a line at the end: the
    first read records lines for records only, and a file with a problem deeper than that is read
    again with every line recorded, so a valid base never pays for a line map of every value.

    One cause gives one problem: a record that failed conversion, a source whose file failed, or
    a file that could not be read is reported once, and what refers to it is not reported again.
    With a ``cache``, a file whose bytes were converted before is not parsed again; the checks
    across records always run.
    """

    def __init__(
        self,
        data_dir: Path,
        display_dir: str,
        cache: FileCache | None = None,
        overrides: dict[str, str] | None = None,
        articles: dict[str, bytes] | None = None,
    ):
        self.data_dir = data_dir
        self.root = base_root(data_dir)
        self.display_dir = display_dir
        self.cache = cache
        self.overrides = overrides or {}  # file name -> text to read instead of the file's (never cached)
        self.replaced = articles or {}  # a source's path -> bytes to read instead of its file's
        self.article_bytes = 0  # read so far, against MAX_ARTICLES_BYTES
        self.problems: list[str | tuple[str, Path_, str]] = []
        self.files: dict[str, Path] = {}  # display name -> file
        self.lines: dict[str, dict[Path_, int]] = {}  # display name -> path -> line
        self.ids: dict[str, str] = {}  # id -> "file:line" of its first record
        self.source_text: dict[str, str | None] = {}  # source id -> folded text (None: a report or reference)
        self.source_kinds: dict[str, str] = {}  # source id -> its kind
        self.articles: dict[str, Any] = {}  # source id -> anchors.FoldedText, to anchor quotes in
        self.base = FactBase()
        self.failed: dict[str, set[str]] = {"sources": set(), "people": set()}  # ids reported already
        self.unread: set[str] = set()  # kinds whose file gave no records: references to them go unchecked
        self.nameless: set[str] = set()  # kinds with a record that failed without an id: likewise
        self.stamps: list[Stamp] = []  # every file read, as it was before it was read

    def run(self) -> FactBase:
        self.stamps.append(stamp_of(self.data_dir))  # a file added to or removed from the folder
        check_is_base(self.data_dir, self.display_dir, self.overrides)
        for extra in sorted(self.data_dir.glob("*.y*ml")):
            if extra.stem not in KINDS or extra.suffix != ".yaml":
                expected = ", ".join(f"{k}.yaml" for k in KINDS)
                self.problems.append(f"{self.display_dir}/{extra.name}: unexpected file (expected {expected})")
        base = self.base
        pending: list[tuple[str, str, Any, Path_]] = []
        for kind in KINDS:
            path = self.data_dir / f"{kind}.yaml"
            display = f"{self.display_dir}/{path.name}"
            self.files[display] = path
            records = self.records_of(kind, path, display)
            if records is None:
                self.unread.add(kind)
                continue
            for i, record in enumerate(records):
                if record is not None:
                    getattr(base, kind).append(record)
                    pending.append((kind, display, record, (i,)))
        for kind, display, record, where in pending:
            if kind == "sources":
                self._check_source(record, display, where)
        people = {p.id for p in base.people}
        sources = {s.id for s in base.sources}
        for kind, display, record, where in pending:
            self._check_record(kind, record, display, where, people, sources)
        self._check_offices(pending)
        self._check_disputed(pending)
        if self.problems:
            raise FactBaseError([self._format(p) for p in self.problems])
        return base

    def records_of(self, kind: str, path: Path, display: str) -> list[Any] | None:
        """Return a file's records, converted (None where one failed), or None if it gave none."""
        try:
            if path.name in self.overrides:  # a change checked before it is written
                raw = self.overrides[path.name].encode("utf-8")
                stamp = (os.fsencode(path), len(raw), 0, 0, 0, "")  # not on disk: never cached
            else:
                raw, stamp = read_file(path, display, self.root)
            self.stamps.append(stamp)
            cached = self.cache.get(kind, path, stamp[-1]) if self.cache is not None else None
            if cached is not None:
                records, self.lines[display] = cached
                return records
            appended = self._appended(kind, path, raw)
            if appended is not None:
                records, self.lines[display] = appended
                appendable = not _KEEP_CHOMPING.search(raw)
                self.cache.put(kind, path, stamp[-1], records, appended[1], len(raw), appendable)  # type: ignore[union-attr]
                return records
            value, lines, problems, bad, appendable = parse_list(decode(raw, display), display)
        except FactBaseError as e:
            self.problems.extend(e.problems)
            return None
        self.lines[display] = lines
        self.problems.extend(problems)
        if None in bad:  # the problem is in the file's structure, not one record
            return None
        if not isinstance(value, list):
            self.at(display, (), "expected a list of records (each starting with '- id:')")
            return None
        before = len(self.problems)
        records = [
            None if i in bad else self._convert(kind, raw_record, (i,), display) for i, raw_record in enumerate(value)
        ]
        for raw_record, record in zip(value, records, strict=True):
            if record is None and kind in self.failed:  # reported: what names it is not an error too
                ids = _ids_of(raw_record)
                self.failed[kind].update(ids)
                if not ids:  # a record that failed without an id: any unknown id may be its
                    self.nameless.add(kind)
        if self.cache is not None and not problems and len(self.problems) == before:
            appendable = appendable and not _KEEP_CHOMPING.search(raw)
            self.cache.put(kind, path, stamp[-1], records, lines, len(raw), appendable)
        return records

    def _appended(self, kind: str, path: Path, raw: bytes) -> tuple[list[Any], dict[Path_, int]] | None:
        """Return the records of a file that is a cached file with items appended (as `iranaz add`
        writes them), parsing only what was appended; None when that is not so or anything is amiss
        (the whole file is then read as any other, to report its problems)."""
        before = self.cache.before_append(kind, path) if self.cache is not None else None
        if before is None:
            return None
        size, digest, records, lines = before
        if not (size < len(raw) and raw[size - 1 : size] == b"\n" and _APPENDED_ITEMS.match(raw, size)):
            return None
        if paths_digest(raw[:size]) != digest:
            return None
        try:
            value, added, problems, bad, appendable = parse_list(raw[size:].decode("utf-8"), "")
            new = [msgspec.convert(item, KINDS[kind]) for item in value]
        except (UnicodeDecodeError, FactBaseError, msgspec.ValidationError, TypeError):
            return None
        if problems or bad or not appendable or not new:
            return None
        offset = raw.count(b"\n", 0, size)
        merged = dict(lines)
        merged.update({(len(records) + at[0],): line + offset for at, line in added.items() if len(at) == 1})
        return [*records, *new], merged

    def _format(self, problem: str | tuple[str, Path_, str]) -> str:
        if isinstance(problem, str):
            return problem
        display, path, message = problem
        lines = self.lines.get(display, {})
        if len(path) > 1 and path not in lines:
            try:
                path_ = self.files[display]
                if path_.name in self.overrides:
                    _, lines, _, _ = parse_yaml(self.overrides[path_.name], display, all_lines=True)
                else:
                    _, lines, _, _ = read_yaml(path_, display, all_lines=True, root=self.root)
                self.lines[display] = lines
            except FactBaseError:
                pass  # changed since: the record's line will do
        while path and path not in lines:
            path = path[:-1]
        return f"{display}:{lines.get(path, 1)}: {message}"

    def _convert(self, kind: str, raw: Any, where: Path_, display: str):
        if not isinstance(raw, dict):
            self.at(display, where, "expected a record (a mapping of fields)")
            return None
        try:
            return msgspec.convert(raw, KINDS[kind])
        except msgspec.ValidationError as e:
            for path, message in _every_problem(raw, KINDS[kind]) or [_msgspec_problem(str(e))]:
                self.at(display, (*where, *path), message)
            return None

    def _check_record(self, kind, record, display, where, people, sources) -> None:
        here = f"{display}:{self.lines[display][where]}"
        if not _ID.fullmatch(record.id):
            self.at(display, (*where, "id"), f"id '{record.id}' is not a lowercase slug (a-z, 0-9, -)")
        first = self.ids.setdefault(record.id, here)
        if first != here:
            self.at(display, (*where, "id"), f"duplicate id '{record.id}' (first at {first})")
        if kind == "disputes":
            self._check_dispute(record, display, where)
            return
        self._check_dates(record, display, where)
        if kind == "sources":
            if record.kind != "article" and record.sha256 is not None and not SHA256.fullmatch(record.sha256):
                self.at(display, (*where, "sha256"), "sha256 must be 64 lowercase hex digits")
            return
        self._check_roles(record, display, where)
        self._check_references(kind, record, display, where, people, sources)
        self._check_citations(record, display, where)
        if kind == "quotes" and all(self._checkable(c.source) for c in record.sources):
            texts = [self.source_text[c.source] for c in record.sources]
            if not any(t is not None and fold_quote(record.text) in t for t in texts):
                self.at(display, (*where, "text"), "the quote's text is not found in any article it cites")


def validate(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    cache: FileCache | None = None,
    overrides: dict[str, str] | None = None,
    articles: dict[str, bytes] | None = None,
) -> tuple[FactBase, list[Stamp]]:
    """Read and check every file of a fact base; raise FactBaseError listing every problem.

    Return the base and the stamp of every file read (taken before it was read). With a
    ``cache``, files whose bytes were converted before are taken from it. ``overrides`` maps file
    names (``visits.yaml``) to text read instead of the file's, so that a change is checked with
    the whole base before it is written (no cache is used then); ``articles`` maps a source's
    ``path`` (``seeds/a.txt``) to the bytes read instead of its file's (`source update`).
    """
    path = resolve_data_dir(data_dir)
    fresh = overrides or articles
    validator = _Validator(path, _display_dir(path), None if fresh else cache, overrides, articles)
    return validator.run(), validator.stamps


def check_is_base(data_dir: Path, display_dir: str, overrides: Any = ()) -> None:
    """Raise FactBaseError unless ``data_dir`` holds a file per kind (those in ``overrides`` aside):
    a writer checks it before it takes the lock or makes anything, a reader before it reads."""
    missing = [
        f"{kind}.yaml"
        for kind in KINDS
        if f"{kind}.yaml" not in overrides and not os.path.lexists(data_dir / f"{kind}.yaml")
    ]
    if missing and (data_dir / "data").is_dir():  # the base's root (holding data/), not its data/
        inner = os.path.join(display_dir, "data")
        raise FactBaseError([f"{display_dir}: the base's files are in its data folder; did you mean {inner}?"])
    if missing:
        raise FactBaseError([f"{display_dir}: missing {', '.join(missing)} (a fact base has one file per kind)"])


def _display_dir(path: Path) -> str:
    """Name a data folder as short as is unambiguous: relative to the working folder if inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def count_records(base: FactBase) -> int:
    """Return how many records the base holds, sources included."""
    return sum(len(getattr(base, kind)) for kind in KINDS)
