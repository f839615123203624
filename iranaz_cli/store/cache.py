"""Cache validated fact bases as msgpack: one entry per base, and one per YAML file of a base.

The base entry answers a query without reading the YAML at all, as long as every file it was
built from keeps its stamp. A file entry holds one file's converted records and line map, keyed
by the digest of the file's bytes: after an edit only the changed file is parsed again, and the
checks across files run on the cached records of the others.

A cache can never answer for another base, nor for an older version of this one: an entry is
named by a cryptographic hash (BLAKE2b) of the resolved path it belongs to, holds that path and
every file it was read from and is checked against them, and carries a BLAKE2b digest of its own
bytes, so a corrupt, truncated or tampered entry is rebuilt, never believed. Any failure of the
cache only costs speed.
"""

import functools
import gc
import os
import stat
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import msgspec

from .. import __version__
from ..model import KINDS, FactBase
from .paths import Stamp, Unreadable, read_regular, stamp_of

_MAGIC = b"iranaz cache 3\n"  # 3: issue 20 (reports, visits both ways, disputes, last_confirmed)
_DIGEST_SIZE = 32  # BLAKE2b of the payload, after the magic line
# A file changed less than this long before the cache was written may change again within the
# file system's timestamp granularity without its stamp changing, so its content is checked too.
_RACY_NS = 2_000_000_000
# No entry is larger: a base's files are capped (16 MiB each, its articles 16 MiB together), and its
# entry holds about three times what they do. A larger file is not read (an 8 GB one took 8 GB and 60 s).
MAX_ENTRY = 512 << 20

T = TypeVar("T")

try:  # CPython's own BLAKE2b: importing hashlib would load OpenSSL (~3-18 ms) on every query
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover  (another Python)
    from hashlib import blake2b as _blake2b


# Past this size SHA-256 (hardware-accelerated through OpenSSL) checks an entry ~3x faster than
# BLAKE2b, which pays for importing hashlib; below it, BLAKE2b spares every small query that import.
_LARGE = 8 * 2**20


def _hash(data: bytes | memoryview) -> bytes:
    """Return the digest (32 bytes) that names and checks cache entries: BLAKE2b, or SHA-256 for a large one."""
    if len(data) > _LARGE:
        import hashlib

        return hashlib.sha256(data).digest()
    return _blake2b(data, digest_size=_DIGEST_SIZE).digest()


class _BaseEntry(msgspec.Struct, array_like=True):
    code: str  # the iranaz code that wrote it (see _code)
    folder: bytes  # the resolved data folder it belongs to
    deps: list[Stamp]  # every file read, as it was before it was read; digest only while racy
    base: FactBase


class _BaseHeader(msgspec.Struct, array_like=True):
    """A base entry with the base left undecoded: checked before the base is decoded."""

    code: str
    folder: bytes
    deps: list[Stamp]
    base: msgspec.Raw


class _FileEntry(msgspec.Struct, Generic[T], array_like=True):
    code: str
    file: bytes  # the resolved YAML file it belongs to
    digest: str  # of the bytes its records were converted from
    size: int  # how many bytes
    appendable: bool  # whether items appended after its last byte can only add to its list
    lines: list[int]  # the line of the file's list, then of each record
    records: list[T]
    name_index: dict[str, list[int]] | None = None  # people.yaml only: names.build_index of its records


def cache_folder() -> Path | None:
    """Return iranaz's cache folder, or None when there is no usable absolute one (run uncached).

    A relative $XDG_CACHE_HOME is ignored, as the XDG spec says; so is an empty or relative
    $HOME, which would otherwise put the cache in `/` or in the working folder.
    """
    xdg = os.environ.get("XDG_CACHE_HOME") or ""
    if os.path.isabs(xdg):
        return Path(xdg) / "iranaz"
    home = os.environ.get("HOME")
    if home is None:
        home = os.path.expanduser("~")  # from the password database
    if not os.path.isabs(home) or not os.path.isdir(home):
        return None  # (a missing home, such as /nonexistent for a service, is not made)
    return Path(home) / ".cache" / "iranaz"


@functools.cache
def _code() -> str:
    """Return a key of the code that reads and writes entries: its version and its files' stamps.

    A changed model (a field added in a checkout, a different install) makes every entry stale
    rather than decoded with the wrong shape.
    """
    parts = [__version__]
    here = Path(__file__).parent
    # the model and dates, the storage layer, its checks, and the tables of the sql image (ask/tables.py)
    for folder in (here.parent, here, here / "checks", here.parent / "ask"):
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    parts.append(f"{folder.name}/{entry.name} {st.st_size} {st.st_mtime_ns}")
    return _hash("\n".join(parts).encode()).hex()


def _entry_file(folder: Path, prefix: str, path: Path) -> Path:
    return folder / f"{prefix}-{_hash(os.fsencode(path)).hex()}.msgpack"


def _read_entry(file: Path, check: bool = True) -> tuple[memoryview, bytes] | None:
    """Return an entry's payload and the digest it carries, if it is a file of ours (and intact).

    With ``check`` false the digest is left to the caller, who may reject the entry for a cheaper
    reason first (a stale stamp) and must check the digest before believing anything in it.
    """
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_size > MAX_ENTRY:
            os.close(fd)
            return None  # only a regular file this user wrote (not a folder, a FIFO, another's file, 8 GB)
        with open(fd, "rb") as f:
            data = f.read()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST_SIZE
    if len(data) < head or not data.startswith(_MAGIC):
        return None
    payload, digest = memoryview(data)[head:], data[len(_MAGIC) : head]
    if check and _hash(payload) != digest:
        return None  # corrupt, truncated or tampered with
    return payload, digest


def _write_entry(file: Path, payload: bytes) -> bytes | None:
    """Write an entry atomically (a temporary file renamed over it); return its digest, or None if it
    could not be written (a failure only costs speed)."""
    import tempfile

    if len(payload) + len(_MAGIC) + _DIGEST_SIZE > MAX_ENTRY:
        return None  # (it would never be read)
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_abandoned(file.parent)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".entry-", suffix=".tmp")
        digest = _hash(payload)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC)
                f.write(digest)
                f.write(payload)
            os.replace(tmp, file)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return None  # a read-only or full cache folder only costs speed
    return digest


def _remove_abandoned(folder: Path) -> None:
    """Remove the temporary files of writers that were killed (SIGTERM, kill -9) an hour ago or more:
    no writer takes that long, and nothing else would ever remove them."""
    import time

    old = time.time() - 3600
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".entry-") and entry.name.endswith(".tmp"):
                    st = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and st.st_mtime < old:
                        os.unlink(entry.path)
    except OSError:
        pass  # (only tidiness is lost)


def decode(payload: bytes | memoryview | msgspec.Raw, type_: Any) -> Any:
    gc.disable()  # decoding makes many objects and no cycles: collecting would only cost time
    try:
        return msgspec.msgpack.decode(payload, type=type_)
    except Exception:  # any way an entry fails to decode (bad UTF-8, a bad integer...): it is rebuilt
        return None
    finally:
        gc.enable()


def _damaged() -> Exception:
    """Say that a cache entry whose digest held does not decode (edited with its digest recomputed):
    every entry is removed, so the next run rebuilds them."""
    import shutil

    from ..errors import IoError

    folder = cache_folder()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    return IoError("iranaz's cache was damaged (edited with its digest recomputed) and has been removed; run again")


class _Records(Sequence[Any]):
    """A kind's records as the cache holds them, each decoded when first asked for.

    A query over a large base reads a few records (the people a name matches, the records that
    mention them): decoding all of them would cost most of its time (~0.3 s at 1000x the shipped base).
    """

    __slots__ = ("raws", "record_type", "decoded")

    def __init__(self, raws: list[msgspec.Raw], record_type: Any):
        self.raws = raws
        self.record_type = record_type  # its decoder is made when a record is first read
        self.decoded: list[Any] = [None] * len(raws)

    def __len__(self) -> int:
        return len(self.raws)

    @overload
    def __getitem__(self, i: int) -> Any: ...

    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self.raws)))]
        record = self.decoded[i]
        if record is None:
            try:
                record = self.decoded[i] = _decoder(self.record_type).decode(self.raws[i])
            except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
                raise _damaged() from None
        return record

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self.raws)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # a list is not hashable either


class _LazyMap(Mapping[str, Any]):
    """A derived mapping (anchors, sentences) decoded on first use: most queries never need it."""

    __slots__ = ("raw", "type_", "value")

    def __init__(self, raw: msgspec.Raw, type_: Any):
        self.raw, self.type_ = raw, type_
        self.value: dict[str, Any] | None = None

    def _value(self) -> dict[str, Any]:
        if self.value is None:
            try:
                self.value = msgspec.msgpack.decode(self.raw, type=self.type_)
            except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
                raise _damaged() from None
        return self.value

    def __getitem__(self, key: str) -> Any:
        return self._value()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())


@functools.cache
def _lazy_type() -> Any:
    """Return FactBase's shape with each kind's records, the anchors and the sentences left undecoded."""
    import typing

    hints = typing.get_type_hints(FactBase)
    fields: list[Any] = [(kind, list[msgspec.Raw], []) for kind in KINDS]
    fields += [(name, msgspec.Raw, msgspec.Raw(b"\x80")) for name in ("anchors", "sentences")]
    fields += [(name, hints[name], {}) for name in ("name_index", "mentions", "person_index", "source_index")]
    return msgspec.defstruct("_LazyBase", fields, kw_only=True), hints


def _lazy_base(raw: msgspec.Raw) -> FactBase | None:
    """Return a cached base whose records decode when first read; None if the entry does not decode."""
    lazy_type, hints = _lazy_type()
    try:
        lazy: Any = msgspec.msgpack.decode(raw, type=lazy_type)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        return None
    base = FactBase(
        name_index=lazy.name_index,
        mentions=lazy.mentions,
        person_index=lazy.person_index,
        source_index=lazy.source_index,
        anchors=_LazyMap(lazy.anchors, hints["anchors"]),  # type: ignore[arg-type]
        sentences=_LazyMap(lazy.sentences, hints["sentences"]),  # type: ignore[arg-type]
    )
    for kind, record_type in KINDS.items():
        setattr(base, kind, _Records(getattr(lazy, kind), record_type))
    return base


@functools.cache
def _decoder(record_type: Any) -> Any:
    return msgspec.msgpack.Decoder(record_type)


def read_base(folder: Path, data_dir: Path) -> FactBase | None:
    """Return the cached base of ``data_dir`` (resolved) if no file it was read from has changed.

    The stamps are compared first, so a stale entry costs neither the digest nor decoding the base;
    nothing of an entry is believed before its digest is checked.
    """
    cache = _entry_file(folder, "base", data_dir)
    read = _read_entry(cache, check=False)
    entry = decode(read[0], _BaseHeader) if read is not None else None
    if read is None or entry is None or entry.code != _code() or entry.folder != os.fsencode(data_dir):
        return None
    if not {os.fsencode(data_dir / f"{kind}.yaml") for kind in KINDS} <= {dep[0] for dep in entry.deps}:
        return None  # not an entry of this base's files
    if not _unchanged(entry.deps):
        return None
    if _hash(read[0]) != read[1]:
        return None  # corrupt, truncated or tampered with
    base = _lazy_base(entry.base)
    if base is not None:
        _READ[id(base)] = (data_dir, read[1])
    if base is not None and any(dep[-1] for dep in entry.deps) and _settled(entry.deps):
        entry.deps = [(*dep[:5], "") for dep in entry.deps]  # plain stamps spare later runs the hashing
        digest = _write_entry(cache, msgspec.msgpack.encode(entry))
        if digest is not None:
            _READ[id(base)] = (data_dir, digest)
    return base


def _unchanged(deps: list[Stamp]) -> bool:
    """Whether every file has its stamp, and a file changed just before it was cached its content."""
    try:
        for dep in deps:
            if stamp_of(dep[0])[:5] != dep[:5]:
                return False
            if dep[-1] and read_regular(Path(os.fsdecode(dep[0])), dep[1])[1][-1] != dep[-1]:
                return False
    except (OSError, ValueError, Unreadable):  # ValueError: a NUL byte in a path of a damaged entry
        return False
    return True


def _settled(deps: list[Stamp]) -> bool:
    """Whether every file last changed long enough ago that its stamp alone tells a change."""
    now = time.time_ns()
    return all(now - dep[2] >= _RACY_NS for dep in deps)


def write_base(folder: Path, data_dir: Path, stamps: list[Stamp], base: FactBase) -> None:
    """Cache a validated base with the stamps its files had before they were read."""
    now = time.time_ns()
    deps: list[Stamp] = [(*s[:5], s[5] if now - s[2] < _RACY_NS else "") for s in stamps]
    entry = _BaseEntry(_code(), os.fsencode(data_dir), deps, base)
    digest = _write_entry(_entry_file(folder, "base", data_dir), msgspec.msgpack.encode(entry))
    if digest is not None:
        _READ[id(base)] = (data_dir, digest)


# The bases this process read from or wrote to the cache: id -> (data folder, the digest of the entry
# holding it), so that what is derived from a base (the `sql` database) is cached under that digest.
_READ: dict[int, tuple[Path, bytes]] = {}


class _ImageEntry(msgspec.Struct, array_like=True):
    code: str
    folder: bytes  # the resolved data folder
    base: bytes  # the digest of the encoded base the image was built from
    image: bytes  # the SQLite database (Connection.serialize)


def _image_key(base: FactBase) -> tuple[Path, Path, bytes] | None:
    folder = cache_folder()
    known = _READ.get(id(base))
    if folder is None or known is None or os.environ.get("IRANAZ_NO_CACHE"):
        return None
    return folder, known[0], known[1]


def read_image(base: FactBase) -> bytes | None:
    """Return the cached SQLite image of a base read from the cache, if it was built from the same base."""
    key = _image_key(base)
    read = _read_entry(_entry_file(key[0], "sql", key[1])) if key is not None else None
    entry = decode(read[0], _ImageEntry) if read is not None else None
    if key is None or entry is None or (entry.code, entry.folder, entry.base) != (_code(), os.fsencode(key[1]), key[2]):
        return None
    return entry.image


def write_image(base: FactBase, image: bytes) -> None:
    """Cache the SQLite image built from a base (a failure only costs speed)."""
    key = _image_key(base)
    if key is not None:
        entry = _ImageEntry(_code(), os.fsencode(key[1]), key[2], image)
        _write_entry(_entry_file(key[0], "sql", key[1]), msgspec.msgpack.encode(entry))


def _line_map(lines: list[int]) -> dict[tuple[Any, ...], int]:
    """Return a file entry's lines as the validator keeps them: the list's, then each record's."""
    mapped: dict[tuple[Any, ...], int] = {(i,): line for i, line in enumerate(lines[1:])}
    mapped[()] = lines[0]
    return mapped


class FileCache:
    """The file entries of one base: read as validation asks for them, written when it is done."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.entries: dict[str, _FileEntry[Any]] = {}
        self.changed: dict[str, _FileEntry[Any]] = {}

    def get(self, kind: str, file: Path, digest: str) -> tuple[list[Any], dict[tuple[Any, ...], int]] | None:
        """Return the records and line map of a file whose bytes have ``digest``, if cached."""
        entry = self._entry(kind, file)
        if entry is None or entry.digest != digest:
            return None
        self.entries[kind] = entry
        return entry.records, _line_map(entry.lines)

    def before_append(self, kind: str, file: Path) -> tuple[int, str, list[Any], dict[tuple[Any, ...], int]] | None:
        """Return the size, digest, records and line map the file had, if items appended to it
        can only add to its list (the caller checks that the file begins with those bytes)."""
        entry = self._entry(kind, file)
        if entry is None or not entry.appendable:
            return None
        return entry.size, entry.digest, entry.records, _line_map(entry.lines)

    def _entry(self, kind: str, file: Path) -> _FileEntry[Any] | None:
        read = _read_entry(_entry_file(self.folder, "file", file))
        record_type: Any = KINDS[kind]  # a type chosen at run time
        entry = decode(read[0], _FileEntry[record_type]) if read is not None else None
        if entry is None or (entry.code, entry.file) != (_code(), os.fsencode(file)):
            return None
        return entry if len(entry.lines) == len(entry.records) + 1 else None

    def put(
        self,
        kind: str,
        file: Path,
        digest: str,
        records: list[Any],
        lines: dict[tuple[Any, ...], int],
        size: int = 0,
        appendable: bool = False,
    ) -> None:
        """Keep a file's converted records (all valid on their own) to write once validation is done."""
        order = [lines.get((), 1), *(lines[(i,)] for i in range(len(records)))]
        entry = _FileEntry(_code(), os.fsencode(file), digest, size, appendable, order, records)
        self.entries[kind] = self.changed[kind] = entry

    def name_index(self) -> dict[str, list[int]] | None:
        """Return the name index cached with people.yaml's records, if they came from the cache."""
        entry = self.entries.get("people")
        return entry.name_index if entry is not None else None

    def keep_name_index(self, index: dict[str, list[int]]) -> None:
        entry = self.entries.get("people")
        if entry is not None and entry.name_index is None:
            entry.name_index = index
            self.changed["people"] = entry

    def write(self) -> None:
        for entry in self.changed.values():
            _write_entry(_entry_file(self.folder, "file", Path(os.fsdecode(entry.file))), msgspec.msgpack.encode(entry))
        self.changed.clear()
