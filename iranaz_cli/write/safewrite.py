"""Write files so that nothing is lost: a temporary file in the same folder, fsync, then a rename.

As git writes its index (``index.lock``: create exclusively, write, fsync, rename), every file iranaz
writes is first written in full to a uniquely named temporary file beside its target, then renamed
over it. A crash, a full disk or a signal at any moment leaves the target either as it was or as it
should be; the temporary file is removed on any failure, SIGTERM included. An existing target is
replaced only when the caller says so (``--force``), and never when it is a link, a folder, a device
or a FIFO, or one of the files being read (``protect``). Writers of one folder queue on a lock.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import IoError, UsageError
from ..text import visible

LOCK_NAME = ".iranaz.lock"


def _shown(path: str | os.PathLike[str]) -> str:
    return visible(os.fsdecode(path))


def check_target(path: str, *, force: bool, protect: Iterable[Path] = ()) -> Path:
    """Return the target as a Path, or raise UsageError if it must not be written."""
    protect = list(protect)
    if not path:
        raise UsageError("the file name is empty")
    if "\0" in path:
        raise UsageError(f"{_shown(path)}: a file name cannot hold a NUL byte")
    try:
        os.fsencode(path)
    except UnicodeError:  # a lone surrogate no command line can hold (only an in-process caller)
        raise UsageError(f"{_shown(path)}: not a file name this system can hold") from None
    if path.endswith(("/", os.sep)) or os.path.basename(path) in (".", ".."):
        raise UsageError(f"{_shown(path)} names a folder; name a file")
    target = Path(path)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise IoError(f"{_shown(path)}: {e.strerror}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise UsageError(f"{_shown(path)} is a symbolic link; name the file itself")
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{_shown(path)} is a folder")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{_shown(path)} is not a regular file (a device, FIFO or socket)")
        for other in protect:
            try:
                if os.path.samefile(target, other):
                    raise UsageError(f"{_shown(path)} is a file of the fact base being read; choose another name")
            except OSError:
                continue
        if not force:
            raise UsageError(f"{_shown(path)} exists; add --force to replace it")
    for other in protect:
        if other.is_dir() and _same(target.parent, other):  # a new file there is an unexpected file of the base
            raise UsageError(f"{_shown(path)} is in the data folder of the fact base being read; choose another folder")
    if not target.parent.is_dir():
        raise IoError(f"{_shown(path)}: no such folder {_shown(target.parent)}")
    return target


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """Turn SIGTERM (and SIGHUP) into an exception while writing, so the temporary file is removed;
    once it is, the signal is raised again as it came, so the process ends as the sender meant."""
    received: list[int] = []

    def stop(signum: int, frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    saved = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            saved[sig] = signal.signal(sig, stop)
    except ValueError:  # not the main thread: signals stay as they are
        pass
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        if received:
            os.kill(os.getpid(), received[0])


@contextlib.contextmanager
def atomic_path(path: str, *, force: bool = False, protect: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to fill; on success it replaces ``path`` atomically.

    Without ``force`` an existing file is refused, also one that appears while writing (the
    temporary file is linked into place, which fails if the name is taken). The old file's
    permissions are kept; a new file gets the usual ones (0666 less the umask).
    """
    target = check_target(path, force=force, protect=protect)
    with _signals_unwind():
        tmp: Path | None = None
        try:
            fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".iranaz-", suffix=".tmp")
            tmp = Path(tmp_name)
            os.close(fd)
            yield tmp
            _commit(tmp, target, force)
        except OSError as e:
            raise IoError(f"cannot write {_shown(path)}: {e.strerror or e}") from None
        finally:
            if tmp is not None:
                _remove(tmp)


def _remove(tmp: Path) -> None:
    """Remove a temporary file; a signal arriving meanwhile waits until it is gone."""
    signals = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        with contextlib.suppress(OSError):
            tmp.unlink()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _commit(tmp: Path, target: Path, force: bool) -> None:
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with open(tmp, "rb") as f:  # before the chmod: a read-only mode must not stop the fsync
        os.fsync(f.fileno())
    os.chmod(tmp, mode)
    if force:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target)  # atomic and never replaces: fails if the name was taken meanwhile
        except FileExistsError:
            raise UsageError(f"{_shown(target)} exists; add --force to replace it") from None
        except OSError:  # a file system without hard links: a rename after one more check
            if target.exists():
                raise UsageError(f"{_shown(target)} exists; add --force to replace it") from None
            os.replace(tmp, target)
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes(path: str, data: bytes | Callable[[Path], None], *, force: bool = False,
                protect: Iterable[Path] = ()) -> None:  # fmt: skip
    """Write ``data`` (bytes, or a function that fills a path) to ``path`` atomically."""
    with atomic_path(path, force=force, protect=protect) as tmp:
        if callable(data):
            data(tmp)
        else:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()


@contextlib.contextmanager
def locked(folder: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold the writers' lock of ``folder`` (``fcntl.flock`` on its lock file); wait up to ``timeout`` s."""
    import fcntl

    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as e:
        raise IoError(f"cannot lock {_shown(folder)}: {e.strerror}") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IoError(
                        f"{_shown(folder)} is locked by another writer (waited {timeout:g} s); try again"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing releases the lock
