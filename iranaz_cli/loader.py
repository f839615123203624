"""Find, read, validate and cache the YAML fact base.

Reading is safe by construction: ``_Reader`` builds plain Python values from libyaml's event stream
itself (no object is ever constructed from a tag), refusing non-standard tags, anchors and aliases,
duplicate keys, non-text keys and deep nesting, and records where values are so that each problem
names ``file:line``. Validation converts records with msgspec and checks what types cannot express;
the validated base is cached as msgpack and reused until a file it was read from changes.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import time
import zlib
from datetime import date as _date
from pathlib import Path
from typing import Any

import msgspec

from . import __version__
from .errors import FactBaseError
from .model import DATE_FIELDS, KINDS, PERSON_REFERENCES, FactBase, mentions_index, people_named

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 16
DATA_ENV = "IRANAZ_DATA"

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EDTF = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?[~?]?")
_SHA256 = re.compile(r"[0-9a-f]{64}")

Path_ = tuple[Any, ...]


# --- where the base is -------------------------------------------------------------------------


def shipped_data_dir() -> Path:
    """Return the fact base shipped with iranaz (inside the installed package, or the checkout)."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent / "data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder to read: the argument, else $IRANAZ_DATA, else the shipped base."""
    chosen = data_dir if data_dir is not None else os.environ.get(DATA_ENV) or None
    if chosen is None:
        return shipped_data_dir()
    path = Path(chosen)
    if not path.exists():
        raise FactBaseError([f"{path}: no such folder (fact base)"])
    if not path.is_dir():
        raise FactBaseError([f"{path}: not a folder; the fact base is a folder of YAML files"])
    if not os.access(path, os.R_OK | os.X_OK):
        raise FactBaseError([f"{path}: folder cannot be read (permission denied)"])
    return path


def source_file(data_dir: Path, relative: str) -> Path:
    """Return where a source's ``path`` points: relative to the folder that holds ``data/``."""
    return data_dir.parent / relative


# --- reading YAML ------------------------------------------------------------------------------


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STANDARD + t for t in ("str", "int", "float", "bool", "null")}
_SKIP = object()  # the key of a value that is read but not kept (after a duplicate key)


class _Refused(Exception):
    """Raised inside the reader to abandon a file whose problem is already recorded."""


class _Frame:
    """A list or mapping being read: its value, path, and (for a mapping) the pending key."""

    __slots__ = ("value", "path", "is_map", "key", "key_line", "first_lines", "kept")

    def __init__(self, path: Path_, is_map: bool, kept: bool):
        self.value: Any = {} if is_map else []
        self.path = path
        self.is_map = is_map
        self.key: Any = None
        self.key_line = 0
        self.first_lines: dict[str, int] = {}
        self.kept = kept


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
        if tag in (_STANDARD + "str", _STANDARD + "timestamp") or (raw_text and tag != _STANDARD + "null"):
            return value
        constructor = _constructor()
        try:
            return constructor.yaml_constructors[tag](constructor, yaml.ScalarNode(tag, value))
        except (ValueError, KeyError, yaml.YAMLError):
            self.problem(path, line, f"'{value}' is not a valid {_short(tag)}")
            return None


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


def _decode(raw: bytes, display: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise FactBaseError(
            [f"{display}:{line}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})"]
        ) from None


def read_yaml(path: Path, display: str, all_lines: bool = False) -> tuple[Any, dict[Path_, int], list[str], set[Any]]:
    """Read one YAML file into plain values, a path -> line map (records only, unless
    ``all_lines``), the problems found, and which top-level items they were in (None: outside any)."""
    import yaml

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FactBaseError([f"{display}: {size} bytes is over the {MAX_FILE_BYTES // 2**20} MiB limit"])
        raw = path.read_bytes()
    except OSError as e:
        raise FactBaseError([f"{display}: cannot be read ({e.strerror})"]) from None
    text = _decode(raw, display)
    reader = _Reader(display, all_lines)
    try:
        value = reader.read(text)
    except _Refused:  # the file was abandoned: nothing of it is validated further
        return None, reader.lines, reader.problems, {None}
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        raise FactBaseError([f"{where}: {e.problem or e.context}"]) from None
    except yaml.YAMLError as e:
        raise FactBaseError([f"{display}: {e}"]) from None
    if value is None and not reader.problems:
        return None, reader.lines, [f"{display}: the file is empty (expected a list of records)"], {None}
    return value, reader.lines, reader.problems, reader.bad_records


# --- validating --------------------------------------------------------------------------------

_MSGSPEC_PATH = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


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


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def check_date(value: str) -> str | None:
    """Return why ``value`` is not a date in iranaz's EDTF subset, or None if it is one."""
    m = _EDTF.fullmatch(value)
    if m:
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            _date(year or 1, month or 1, day or 1)
            return None
        except ValueError:
            pass
    return f"bad date '{value}' (expected YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ or ?)"


_FOLDS = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "—": "-", "–": "-"})
_SPACE = re.compile(r"\s+")


def fold_quote(text: str) -> str:
    """Fold typographic quotes, dashes and runs of whitespace, as quote checks compare them."""
    return _SPACE.sub(" ", text.translate(_FOLDS)).strip()


class _Validator:
    """Convert each file's records to model types and check what types cannot express.

    Problems are kept with the path of the value they concern and given a line at the end: the
    first read records lines for records only, and a file with a problem deeper than that is read
    again with every line recorded, so a valid base never pays for a line map of every value.
    """

    def __init__(self, data_dir: Path, display_dir: str):
        self.data_dir = data_dir
        self.display_dir = display_dir
        self.problems: list[str | tuple[str, Path_, str]] = []
        self.files: dict[str, Path] = {}  # display name -> file
        self.lines: dict[str, dict[Path_, int]] = {}  # display name -> path -> line
        self.ids: dict[str, str] = {}  # id -> "file:line" of its first record
        self.source_text: dict[str, str | None] = {}  # source id -> folded text (None: background)
        self.deps: list[Path] = []

    def at(self, display: str, path: Path_, message: str) -> None:
        self.problems.append((display, path, message))

    def run(self) -> FactBase:
        missing = [f"{kind}.yaml" for kind in KINDS if not (self.data_dir / f"{kind}.yaml").is_file()]
        if missing:
            raise FactBaseError(
                [f"{self.display_dir}: missing {', '.join(missing)} (a fact base has one file per kind)"]
            )
        for extra in sorted(self.data_dir.glob("*.y*ml")):
            if extra.stem not in KINDS or extra.suffix != ".yaml":
                expected = ", ".join(f"{k}.yaml" for k in KINDS)
                self.problems.append(f"{self.display_dir}/{extra.name}: unexpected file (expected {expected})")
        base = FactBase()
        unconverted_people: set[str] = set()  # reported already: references to them are not errors too
        pending: list[tuple[str, str, Any, Path_]] = []
        for kind in KINDS:
            path = self.data_dir / f"{kind}.yaml"
            display = f"{self.display_dir}/{path.name}"
            self.files[display] = path
            self.deps.append(path)
            try:
                value, lines, problems, bad = read_yaml(path, display)
            except FactBaseError as e:
                self.problems.extend(e.problems)
                continue
            self.lines[display] = lines
            self.problems.extend(problems)
            if None in bad:  # the problem is in the file's structure, not one record
                continue
            if not isinstance(value, list):
                self.at(display, (), "expected a list of records (each starting with '- id:')")
                continue
            records = getattr(base, kind)
            for i, raw in enumerate(value):
                record = None if i in bad else self._convert(kind, raw, (i,), display)
                if record is not None:
                    records.append(record)
                    pending.append((kind, display, record, (i,)))
                elif kind == "people" and isinstance(raw, dict) and isinstance(raw.get("id"), str):
                    unconverted_people.add(raw["id"])
        for kind, display, record, where in pending:
            if kind == "sources":
                self._check_source(record, display, where)
        people = {p.id for p in base.people} | unconverted_people
        for kind, display, record, where in pending:
            self._check_record(kind, record, display, where, people)
        if self.problems:
            raise FactBaseError([self._format(p) for p in self.problems])
        return base

    def _format(self, problem: str | tuple[str, Path_, str]) -> str:
        if isinstance(problem, str):
            return problem
        display, path, message = problem
        lines = self.lines.get(display, {})
        if len(path) > 1 and path not in lines:
            _, lines, _, _ = read_yaml(self.files[display], display, all_lines=True)
            self.lines[display] = lines
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
            path, message = _msgspec_problem(str(e))
            self.at(display, (*where, *path), message)
            return None

    def _check_source(self, source, display, where) -> None:
        if source.kind == "background":
            self.source_text[source.id] = None
            return
        if not (source.path and source.sha256):
            self.at(display, where, f"source '{source.id}': an article needs 'path' and 'sha256'")
            return
        path = source_file(self.data_dir, source.path)
        self.deps.append(path)
        try:
            raw = path.read_bytes()
        except OSError as e:
            self.at(display, (*where, "path"), f"source file {source.path}: {e.strerror}")
            return
        import hashlib

        digest = hashlib.sha256(raw).hexdigest()
        if digest != source.sha256:
            self.at(display, (*where, "sha256"), f"source file {source.path} has sha256 {digest}, not the one recorded")
        text = _decode(raw, str(path))
        if fold_quote(text.split("\n", 1)[0]) != fold_quote(source.title):
            self.at(display, (*where, "title"), "title is not the article's first line")
        self.source_text[source.id] = fold_quote(text)

    def _check_record(self, kind, record, display, where, people) -> None:
        here = f"{display}:{self.lines[display][where]}"
        if not _ID.fullmatch(record.id):
            self.at(display, (*where, "id"), f"id '{record.id}' is not a lowercase slug (a-z, 0-9, -)")
        first = self.ids.setdefault(record.id, here)
        if first != here:
            self.at(display, (*where, "id"), f"duplicate id '{record.id}' (first at {first})")
        if kind == "sources":
            if record.sha256 is not None and not _SHA256.fullmatch(record.sha256):
                self.at(display, (*where, "sha256"), "sha256 must be 64 lowercase hex digits")
            return
        self._check_dates(record, display, where)
        for i, role in enumerate(getattr(record, "roles", ())):
            self._check_dates(role, display, (*where, "roles", i))
        field = PERSON_REFERENCES.get(kind)
        if field is not None:
            one = isinstance(getattr(record, field), str)  # else a list of ids, each at its own line
            for j, ref in enumerate(people_named(kind, record)):
                if ref not in people:
                    at = (*where, field) if one else (*where, field, j)
                    self.at(display, at, f"'{field}' names '{ref}', which is not a person id in people.yaml")
        self._check_citations(record, display, where)
        if kind == "quotes":
            texts = [self.source_text.get(c.source) for c in record.sources]
            if not any(t is not None and fold_quote(record.text) in t for t in texts):
                self.at(display, (*where, "text"), "the quote's text is not found in any article it cites")

    def _check_dates(self, record, display, where) -> None:
        for name in DATE_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                why = check_date(value)
                if why:
                    self.at(display, (*where, name), why)

    def _check_citations(self, record, display, where) -> None:
        if not record.sources:
            self.at(display, (*where, "sources"), "'sources' must cite at least one source")
        for i, cite in enumerate(record.sources):
            at = (*where, "sources", i)
            if cite.source not in self.source_text:
                self.at(display, at, f"cites '{cite.source}', which is not a source id in sources.yaml")
                continue
            text = self.source_text[cite.source]
            if text is None:
                if cite.note is None or cite.quote is not None:
                    self.at(
                        display, at, f"a citation of background source '{cite.source}' needs a 'note' and no 'quote'"
                    )
            elif cite.quote is None or cite.note is not None:
                self.at(display, at, f"a citation of article '{cite.source}' needs a 'quote' and no 'note'")
            elif not cite.quote.strip() or fold_quote(cite.quote) not in text:
                self.at(display, (*at, "quote"), f"quote not found in source '{cite.source}': {cite.quote!r}")


def validate(data_dir: str | os.PathLike[str] | None = None) -> tuple[FactBase, list[Path]]:
    """Read and check every file of a fact base; raise FactBaseError listing every problem."""
    path = resolve_data_dir(data_dir)
    validator = _Validator(path, _display_dir(path))
    return validator.run(), validator.deps


def _display_dir(path: Path) -> str:
    """Name a data folder as short as is unambiguous: relative to the working folder if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def count_records(base: FactBase) -> int:
    """Return how many records the base holds, sources included."""
    return sum(len(getattr(base, kind)) for kind in KINDS)


# --- the cache ---------------------------------------------------------------------------------

# (path, size, mtime_ns, ctime_ns, inode, content digest or "")
_Dep = tuple[str, int, int, int, int, str]
# A file changed less than this long before the cache was written may change again within the
# file system's timestamp granularity without its stamp changing, so its content is hashed too.
_RACY_NS = 2_000_000_000


class _Cache(msgspec.Struct, array_like=True):
    version: str
    deps: list[_Dep]
    base: FactBase


def _digest(path: str) -> str:
    import hashlib

    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def _stamp(path: Path | str, now_ns: int | None = None) -> _Dep:
    st = os.stat(path)
    racy = now_ns is not None and now_ns - st.st_mtime_ns < _RACY_NS and not stat.S_ISDIR(st.st_mode)
    digest = _digest(str(path)) if racy else ""
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest)


def _cache_file(data_dir: Path) -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = f"{zlib.crc32(os.fsencode(data_dir.resolve())):08x}"  # one cache file per data folder
    return Path(root) / "iranaz" / f"base-{name}.msgpack"


def _read_cache(cache: Path) -> FactBase | None:
    import gc

    try:
        gc.disable()  # decoding makes many objects and no cycles: collecting would only cost time
        try:
            entry = msgspec.msgpack.decode(cache.read_bytes(), type=_Cache)
        finally:
            gc.enable()
        if entry.version != __version__:
            return None
        hashed = still_racy = False
        now = time.time_ns()
        for path, *stamp, digest in entry.deps:
            st = os.stat(path)
            if [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino] != stamp:
                return None
            if digest:
                if _digest(path) != digest:
                    return None
                hashed = True
                still_racy = still_racy or now - st.st_mtime_ns < _RACY_NS
        if hashed and not still_racy:  # the files have settled: plain stamps spare later runs the hashing
            _write_cache(cache, [Path(d[0]) for d in entry.deps], entry.base)
        return entry.base
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        return None  # missing, stale or corrupt: rebuild


def _write_cache(cache: Path, deps: list[Path], base: FactBase) -> None:
    import tempfile

    try:
        now = time.time_ns()
        entry = _Cache(__version__, [_stamp(p, now) for p in deps], base)
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".base-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(msgspec.msgpack.encode(entry))
            os.replace(tmp, cache)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only or full cache folder only costs speed


def load_fact_base(data_dir: str | os.PathLike[str] | None = None, *, cache: bool = True) -> FactBase:
    """Return the validated fact base, from the cache when no file has changed since."""
    path = resolve_data_dir(data_dir)
    use_cache = cache and not os.environ.get("IRANAZ_NO_CACHE")
    cache_path = _cache_file(path) if use_cache else None
    if cache_path is not None:
        base = _read_cache(cache_path)
        if base is not None:
            return base
    from .names import build_index

    base, deps = validate(path)
    base.name_index = build_index(base.people)
    base.mentions = mentions_index(base)
    if cache_path is not None:
        _write_cache(cache_path, [path, *deps], base)
    return base
