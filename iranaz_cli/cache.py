"""Cache a validated fact base as msgpack, reused until a file it was read from changes."""

from __future__ import annotations

import os
import stat
import time
import zlib
from pathlib import Path

import msgspec

from . import __version__
from .model import FactBase

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
