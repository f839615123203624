"""Write files so that nothing is lost: a temporary file in the same folder, fsync, then a rename.

As git writes its index (``index.lock``: create exclusively, write, fsync, rename), every file iranaz
writes is first written in full to a uniquely named temporary file beside its target, then renamed
over it. A crash, a full disk or a signal at any moment leaves the target either as it was or as it
should be; the temporary file is removed on any failure, SIGTERM included. An existing target is
replaced only when the caller says so (``--force``), and never when it is a link, a folder, a device
or a FIFO, or one of the files being read (``protect``). Writers of one folder queue on a lock (the
lock file and the folder itself), and replace a file only if it is still the file they read
(compare-and-swap, ``unchanged``), so no interleaving of writers loses a record.
"""

from __future__ import annotations

import contextlib
import errno
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


def check_target(path: str, *, force: bool, protect: Iterable[Path] = (), save: bool = False) -> Path:
    """Return the target as a Path, or raise UsageError if it must not be written.

    ``save``: a file the user asks for (--save-svg, export), which never goes into the data folder of
    any fact base (a folder holding a ``sources.yaml``): a file added there breaks that base.
    """
    protect = list(protect)
    if not path:
        raise UsageError("the file name is empty")
    if path == "-":  # stdin/stdout to a user, never a file named '-'
        raise UsageError("'-' would be a file named '-': iranaz saves only to files; name one (./- if you mean it)")
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
    if save and os.path.isfile(target.parent / "sources.yaml"):
        raise UsageError(
            f"{_shown(path)} is in the data folder of a fact base (its folder holds sources.yaml);"
            " choose another folder"
        )
    folder = Path(os.path.realpath(target.parent))  # (through links, and from inside the folder)
    if save and folder.name == "seeds" and os.path.isfile(folder.parent / "data" / "sources.yaml"):
        raise UsageError(
            f"{_shown(path)} is in the articles folder of a fact base (seeds/ beside data/sources.yaml);"
            " choose another folder"
        )
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


# A temporary file is named .iranaz-XXXXXXXX.tmp (unique: mkstemp) and locked (flock) by its writer
# for as long as it exists: a writer that cleans up after a killed one removes only files no living
# process holds (remove_left_temporary_files), never the file another writer or a save is filling.
TEMP_PREFIX, TEMP_SUFFIX = ".iranaz-", ".tmp"


def _locked_temporary(folder: Path) -> tuple[int, Path]:
    """Create a unique temporary file in ``folder`` and lock it; return its descriptor and path."""
    import fcntl

    for _ in range(5):
        fd, name = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:  # (a cleaner that came between mkstemp and flock removed it: again)
            return fd, Path(name)
        os.close(fd)
    raise OSError(errno.EAGAIN, "cannot keep a temporary file")


def remove_left_temporary_files(folder: Path) -> None:
    """Remove the temporary files that writers killed while writing left in ``folder``: those that no
    living process holds locked (a running writer's, or a save's, stays)."""
    import fcntl

    for left in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        try:
            fd = os.open(left, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if stat.S_ISREG(os.fstat(fd).st_mode) and os.path.samestat(os.fstat(fd), os.lstat(left)):
                left.unlink()  # (while locked: its writer is gone, and no new one can take this name)
        except OSError:
            pass  # locked: a writer is filling it
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(
    path: str,
    *,
    force: bool = False,
    protect: Iterable[Path] = (),
    before_commit: Callable[[], None] | None = None,
    save: bool = False,
) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to fill; on success it replaces ``path`` atomically.

    ``before_commit`` runs once the temporary file is filled, right before it replaces ``path``: it
    raises to leave ``path`` as it is (compare-and-swap: ``unchanged`` and ``Lock.check``).

    Without ``force`` an existing file is refused, also one that appears while writing (the
    temporary file is linked into place, which fails if the name is taken). The old file's
    permissions are kept; a new file gets the usual ones (0666 less the umask).
    """
    target = check_target(path, force=force, protect=protect, save=save)
    with _signals_unwind():
        tmp: Path | None = None
        fd = -1
        try:
            fd, tmp = _locked_temporary(target.parent)
            yield tmp
            if before_commit is not None:
                before_commit()
            _commit(tmp, target, force)
        except OSError as e:
            raise IoError(f"cannot write {_shown(path)}: {e.strerror or e}") from None
        finally:
            if tmp is not None:
                _remove(tmp, fd)
            if fd >= 0:
                os.close(fd)  # (after the removal: the lock kept cleaners away until then)


def _remove(tmp: Path, fd: int) -> None:
    """Remove this writer's temporary file (if the name still is it: not a file another made since
    it was renamed into place); a signal arriving meanwhile waits until it is gone."""
    signals = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(fd), os.lstat(tmp)):
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
                protect: Iterable[Path] = (), before_commit: Callable[[], None] | None = None,
                save: bool = False) -> None:  # fmt: skip
    """Write ``data`` (bytes, or a function that fills a path) to ``path`` atomically (``save``: see
    check_target)."""
    with atomic_path(path, force=force, protect=protect, before_commit=before_commit, save=save) as tmp:
        if callable(data):
            data(tmp)
        else:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()


LOCK_HINT = f"do not delete {LOCK_NAME}: it is not a stale lock, only a running writer holds it"


class Changed(IoError):
    """The file to replace changed since it was read (a writer that ignored the lock): read it again."""


class Lock:
    """The writers' lock of a folder, held: ``fcntl.flock`` on its lock file and on the folder itself.

    The lock file is what users see (and may delete: ``rm``, ``git clean -fdx``); the folder cannot be
    deleted while it holds the base, so a second writer waits on it even when the lock file is gone.
    ``check`` tells whether the lock is still this writer's (compare-and-swap).
    """

    def __init__(self, folder: Path, fd: int, folder_locked: bool):
        self.folder = folder
        self.fd = fd
        self.folder_locked = folder_locked

    def check(self) -> None:
        """Raise IoError (nothing changed) unless this writer still holds the lock: the folder's, or
        (where a folder cannot be locked) the lock file that is at the path now."""
        if self.folder_locked:  # no other writer can hold it, whatever became of the lock file
            return
        held = os.fstat(self.fd)
        try:
            now = os.lstat(self.folder / LOCK_NAME)
            same = (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)
        except OSError:
            same = False
        if not same:
            raise IoError(
                f"{_shown(self.folder / LOCK_NAME)} was deleted or replaced while this writer held it; "
                f"nothing was changed; try again ({LOCK_HINT})"
            )


def unchanged(path: Path, stamp: tuple[bytes, int, int, int, int, str], cap: int) -> None:
    """Raise Changed unless ``path`` is the file ``stamp`` describes: size, mtime_ns, inode and content."""
    from ..store.paths import Unreadable, read_regular

    try:
        st = os.stat(path)
        same = (st.st_size, st.st_mtime_ns, st.st_ino) == (stamp[1], stamp[2], stamp[4])
        same = same and read_regular(path, cap)[1][5] == stamp[5]
    except (OSError, Unreadable):
        same = False
    if not same:
        raise Changed(f"{_shown(path)} changed while it was being written (another writer?); nothing was changed")


def _flock(fd: int, deadline: float, folder: Path, timeout: float) -> None:
    import fcntl

    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise IoError(
                    f"{_shown(folder)} is locked by another writer (waited {timeout:g} s); try again ({LOCK_HINT})"
                ) from None
            time.sleep(0.02)


@contextlib.contextmanager
def locked(folder: Path, timeout: float = 30.0) -> Iterator[Lock]:
    """Hold the writers' lock of ``folder`` (its lock file and the folder); wait up to ``timeout`` s."""
    fds: list[int] = []
    try:
        try:
            fds.append(os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666))
        except OSError as e:
            what = {errno.ELOOP: "a symbolic link", errno.EISDIR: "a folder"}.get(e.errno or 0)
            if what is None and os.path.lexists(folder / LOCK_NAME) and not os.path.isfile(folder / LOCK_NAME):
                what = "a FIFO, device or socket"
            if what:  # (writers make it a plain file: something else is in its place)
                raise IoError(
                    f"{_shown(folder / LOCK_NAME)} is {what}, not the writers' lock file; remove it and try again"
                ) from None
            raise IoError(f"cannot lock {_shown(folder)}: {e.strerror}") from None
        deadline = time.monotonic() + timeout
        _flock(fds[0], deadline, folder, timeout)
        try:
            fds.append(os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        except OSError as e:
            raise IoError(f"cannot lock {_shown(folder)}: {e.strerror}") from None
        try:
            _flock(fds[1], deadline, folder, timeout)
            folder_locked = True
        except OSError:  # a file system that cannot lock a folder: the lock file and the checks remain
            folder_locked = False
        yield Lock(folder, fds[0], folder_locked)
    finally:
        for fd in reversed(fds):
            os.close(fd)  # closing releases the lock
