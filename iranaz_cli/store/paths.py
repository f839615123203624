"""Where a fact base is, and how its files are read: only regular files, only inside the base.

Every byte of a fact base is hostile, file names included: the folder is resolved once (symlinks
and all) before anything is read, a path a file gives (a source's ``path``) must stay inside the
``seeds/`` folder beside ``data/``, and a file is read only if it is a regular file of bounded size, so
a FIFO, a device, a folder or ``/proc`` can neither hang a run nor leak what is outside the base.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import FactBaseError

DATA_ENV = "IRANAZ_DATA"

# (file as bytes, size, mtime_ns, ctime_ns, inode, sha256 of the bytes read or ""): what a file
# was when it was read, so a cache can tell whether it is still the same file.
Stamp = tuple[bytes, int, int, int, int, str]


class Unreadable(Exception):
    """A file of the base may not or cannot be read; the message says why, without its content."""


def shipped_data_dir() -> Path:
    """Return the fact base shipped with iranaz (inside the installed package, or the checkout)."""
    here = Path(__file__).resolve().parent.parent  # the package folder
    installed = here / "data"
    return installed if installed.is_dir() else here.parent / "data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder to read, resolved: the argument, else $IRANAZ_DATA, else the shipped base.

    The folder is resolved once, here: a symlink, `.` or a relative path then names the same
    base (and the same cache entry) as its real path, and paths inside it are joined to it.
    """
    if data_dir is not None and not os.fspath(data_dir):  # (an empty --data named the working folder)
        from ..errors import UsageError

        raise UsageError("--data is empty: name a fact-base folder (or leave the option out)")
    chosen = data_dir if data_dir is not None else os.environ.get(DATA_ENV) or None
    if chosen is None:
        return shipped_data_dir()
    given = Path(chosen)
    try:
        path = Path(os.path.realpath(given))  # OSError from a working folder that is gone: exit 74 (cli_common)
    except ValueError:  # a NUL byte, or text no file name can hold (a lone surrogate)
        raise FactBaseError([f"{given}: no such folder (fact base)"]) from None
    if not path.exists():
        raise FactBaseError([f"{given}: no such folder (fact base)"])
    if not path.is_dir():
        raise FactBaseError([f"{given}: not a folder; the fact base is a folder of YAML files"])
    if not os.access(path, os.R_OK | os.X_OK):
        raise FactBaseError([f"{given}: folder cannot be read (permission denied)"])
    return path


SEEDS = "seeds"  # the folder beside data/ that holds a base's articles
SEEDS_RULE = "a source's file is seeds/NAME, in the folder beside data/"


def base_root(data_dir: Path) -> Path:
    """Return the folder a base may read from: the one that holds ``data/``."""
    return data_dir.parent


def source_file(data_dir: Path, relative: str) -> Path:
    """Return where a source's ``path`` points, resolved; raise Unreadable unless it is in seeds/.

    The path is relative to the folder that holds ``data/`` and names a file in its ``seeds/``
    folder (where ``init`` and ``source add`` put articles), and must resolve, symlinks included,
    inside it. Anything else (an absolute path, any `..`, a file beside ``data/``, a NUL byte) is
    refused from the text alone, before any file is looked at, so a base cannot ask whether a file
    outside it exists; a symlink that leads out of ``seeds/`` is refused once resolved.
    """
    if "\0" in relative:
        raise Unreadable("contains a NUL byte")
    if os.path.isabs(relative):
        raise Unreadable(f"is absolute ({SEEDS_RULE})")
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if len(parts) < 2 or parts[0] != SEEDS or ".." in parts:
        raise Unreadable(f"is not in the base's seeds/ folder ({SEEDS_RULE})")
    seeds = base_root(data_dir) / SEEDS
    return contained(seeds, seeds.joinpath(*parts[1:]), "the base's seeds/ folder")


def link_on_path(data_dir: Path, relative: str) -> str | None:
    """Return the first part of a source's ``path`` (``seeds``, ``seeds/a.txt``) that is a symbolic link,
    or None: a writer never writes through one (it would change the file the link leads to)."""
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    at = base_root(data_dir)
    for i, part in enumerate(parts):
        at = at / part
        if os.path.islink(at):
            return "/".join(parts[: i + 1])
    return None


def contained(root: Path, path: Path, what: str = "the base (the folder that holds data/)") -> Path:
    """Return ``path`` resolved; raise Unreadable unless it is inside ``root`` (already resolved)."""
    try:
        real = os.path.realpath(path)
    except ValueError:  # text no file name can hold (a lone surrogate from a YAML escape)
        raise Unreadable("is not a file name") from None
    inside = real == str(root) or real.startswith(str(root).rstrip(os.sep) + os.sep)
    if not inside or real.startswith(("/proc/", "/sys/")):
        raise Unreadable(f"leads outside {what}")
    return Path(real)


def read_regular(path: Path, cap: int) -> tuple[bytes, Stamp]:
    """Return a regular file's bytes (at most ``cap``) and its stamp, taken before reading.

    The file is checked before it is opened (a FIFO is never opened, which could block), opened
    without blocking, and checked again once open (it may have been swapped for another), so
    only a regular file is ever read, and never more than ``cap`` bytes of it.
    """
    try:
        before = os.stat(path)
        _check_regular(before, cap)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise Unreadable(f"cannot be read ({e.strerror})") from None
    try:
        st = os.fstat(fd)
        _check_regular(st, cap)
        if (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
            raise Unreadable("was replaced while being opened")
        chunks = []
        left = cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        raw = b"".join(chunks)
    except OSError as e:
        raise Unreadable(f"cannot be read ({e.strerror})") from None
    finally:
        os.close(fd)
    if len(raw) > cap:
        raise Unreadable(f"is over the {_mib(cap)} limit")
    return raw, (os.fsencode(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest(raw))


def _check_regular(st: os.stat_result, cap: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise Unreadable("is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("is not a regular file (a device, FIFO or socket is never read)")
    if st.st_size > cap:
        raise Unreadable(f"{st.st_size} bytes is over the {_mib(cap)} limit")


def _mib(size: int) -> str:
    return f"{size // 2**20} MiB" if size >= 2**20 else f"{size} bytes"


def digest(raw: bytes) -> str:
    """Return the content digest iranaz keys files and cache entries by (SHA-256, hex)."""
    import hashlib

    return hashlib.sha256(raw).hexdigest()


def stamp_of(path: Path | bytes) -> Stamp:
    """Return a file's stamp now, without reading it (the digest is left empty)."""
    st = os.stat(path)
    return (os.fsencode(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, "")
