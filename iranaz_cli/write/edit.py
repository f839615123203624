"""Grow a fact base: make one, add a source, add records; every change checked before it is written.

Every change is validated together with the whole base (the changed file read from memory, see
``validate(overrides=...)``) while the base's writers' lock is held, then written through
``safewrite`` (a temporary file beside the target, fsync, rename): a crash, a full disk or a second
writer leaves each file as it was or as it should be. Records are appended as text after the last
byte of their file, so every existing byte, comment and blank line stays as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import FactBaseError, IoError, UsageError
from ..model import KINDS
from ..store.paths import resolve_data_dir, shipped_data_dir
from ..store.yamlread import MAX_ARTICLE_BYTES, MAX_FILE_BYTES, Path_, decode, parse_yaml, read_file
from ..text import NotUtf8, unlike_a_line, utf8_text, visible
from . import safewrite
from .append import dump, joined

MAX_SOURCE_BYTES = MAX_ARTICLE_BYTES
SHIPPED_READ_ONLY = "the shipped base is read-only; make your own with `iranaz init DIR --from-shipped`"
SCHEMA_HINT = "# {kind}: a list of records; `iranaz add {kind} --template` describes the fields."
_SEED_NAME = re.compile(r"\w[\w.+-]*")


def _shown(path: str | os.PathLike[str]) -> str:
    return visible(os.fsdecode(path))


def writable_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """Return the data folder to change, refusing the base shipped inside the package and a base with
    a kind file that no reader would read (checked before the lock is taken, so one never waits for it)."""
    path = resolve_data_dir(data_dir)
    try:
        shipped = path.samefile(shipped_data_dir())
    except OSError:
        shipped = False
    if shipped:
        raise UsageError(SHIPPED_READ_ONLY)
    from ..store.validate import _display_dir, check_is_base

    check_is_base(path, _display_dir(path))  # (a folder that is no base gets no lock file, no seeds/)
    _check_readable(path)
    return path


def _check_readable(data_dir: Path) -> None:
    """Read each kind file as ``validate`` does (inside the base, regular, size-capped); raise FactBaseError
    naming each that is not (a link out of the base, a FIFO, a device, a file over the cap)."""
    from ..store.paths import base_root
    from ..store.validate import _display_dir

    display, problems = _display_dir(data_dir), []
    for kind in KINDS:
        target = data_dir / f"{kind}.yaml"
        if not os.path.lexists(target):
            continue  # validate names every missing file at once
        try:
            read_file(target, f"{display}/{target.name}", base_root(data_dir))
        except FactBaseError as e:
            problems.extend(e.problems)
    if problems:
        raise FactBaseError(problems)


def check_kind(kind: str) -> str:
    """Return ``kind`` if it names a file of the base (``visits``), else raise UsageError."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{visible(kind)}'; one of: {', '.join(KINDS)}")
    return kind


# --- init ----------------------------------------------------------------------------------------


def init_base(directory: str, from_shipped: bool = False) -> Path:
    """Make a new base in ``directory`` (absent or empty): data/ with one file per kind, and seeds/.

    The base is made in a temporary folder beside ``directory`` and renamed into place, so a full disk
    or a signal leaves no half-made base (which a retry would refuse). Return its data folder, absolute.
    """
    import shutil
    import tempfile

    name = os.path.basename(directory.rstrip("/")) or directory
    if directory in ("", "-") or not name.strip():  # ('-': stdin or stdout to every other command; '': here)
        raise UsageError(f"'{_shown(directory)}' is not a folder name: name the folder to make the base in")
    if name != name.strip() or directory != directory.strip():  # (a name no one can tell from another when typed)
        raise UsageError(
            f"'{_shown(directory)}' begins or ends with a space: name the folder to make the base in without it"
        )
    root = Path(os.path.abspath(directory))
    if visible(directory, lines=False) != directory:  # it is printed in the `export` line, which must stay plain
        raise UsageError(f"{_shown(directory)}: a folder name with control characters; choose another")
    try:
        if root.is_symlink() or root == Path.cwd() or (root.exists() and (not root.is_dir() or any(root.iterdir()))):
            raise UsageError(f"{_shown(directory)} is the working folder or exists and is not empty; name a new one")
        mode = stat.S_IMODE(root.stat().st_mode) if root.exists() else 0o777 & ~_umask()
        root.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=root.parent, prefix=".iranaz-init-"))
    except OSError as e:
        raise IoError(f"cannot make {_shown(directory)}: {e.strerror}") from None
    try:
        _fill_base(building, from_shipped)
        os.chmod(building, mode)
        os.rename(building, root)  # replaces an empty folder; fails if one with files appeared meanwhile
    except OSError as e:
        raise IoError(f"cannot make {_shown(directory)}: {e.strerror}") from None
    except IoError as e:  # a file could not be written: name the base, not the temporary folder
        raise IoError(f"cannot make {_shown(directory)}: {str(e).rpartition(': ')[2]}") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return root / "data"


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _fill_base(root: Path, from_shipped: bool) -> None:
    (root / "data").mkdir()
    (root / "seeds").mkdir()
    shipped = shipped_data_dir()
    for kind in KINDS:
        target = root / "data" / f"{kind}.yaml"
        if from_shipped:
            content = (shipped / target.name).read_bytes()
        else:
            content = (SCHEMA_HINT.format(kind=kind) + "\n[]\n").encode()
        safewrite.write_bytes(str(target), content)
    if from_shipped:
        for name in ("README.md",):
            if (shipped / name).is_file():
                safewrite.write_bytes(str(root / "data" / name), (shipped / name).read_bytes())
        for seed in sorted((shipped.parent / "seeds").iterdir()):
            if seed.is_file() and not seed.name.startswith("."):
                safewrite.write_bytes(str(root / "seeds" / seed.name), seed.read_bytes())


# --- writing under the lock -----------------------------------------------------------------------


@contextmanager
def _writing(data_dir: Path, wait: float) -> Iterator[safewrite.Lock]:
    """Hold the base's writers' lock; remove temporary files that a killed writer left behind."""
    with safewrite.locked(data_dir, timeout=wait) as lock:
        for folder in (data_dir, data_dir.parent / "seeds"):
            if not os.path.islink(folder):  # (a seeds/ that is a link: never clean where it leads)
                safewrite.remove_left_temporary_files(folder)  # (a save may write in seeds/ without the lock)
        yield lock


def _line_of(lines: dict[Path_, int], path: Path_) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _paths_by_line(lines: dict[Path_, int]) -> dict[int, Path_]:
    """Invert a path -> line map: each line names the deepest path that starts on it."""
    out: dict[int, Path_] = {}
    for path, line in lines.items():
        if len(path) >= len(out.get(line, ())):
            out[line] = path
    return out


def _remap(problems: list[str], display: str, offset: int, addition: str, where: Callable[[Path_], str]) -> list[str]:
    """Name each problem in the appended part by where it came from (the input's file and line).

    Only the place a problem starts with (``FILE:LINE:``) and a closing ``(first at FILE:LINE)`` are
    places; the rest of a message is the user's text (a quote may hold ``people.yaml:99``) and is kept.
    """
    from bisect import bisect_right

    _, added_lines, _, _ = parse_yaml(addition, display, all_lines=True)
    by_line = _paths_by_line(added_lines)
    starts = sorted(by_line)  # looked up by bisection: linear in the problems, not their product with the lines
    place = re.compile(re.escape(display) + r":(\d+)(?::\d+)?(?=: )")
    first = re.compile(r"\(first at " + re.escape(display) + r":(\d+)\)\Z")

    def name(text: str, line: int) -> str:
        at = bisect_right(starts, line - offset) if line > offset else 0
        return where(by_line[starts[at - 1]]) if at else text

    out = []
    for problem in problems:
        m = place.match(problem)
        if m:
            problem = name(m.group(0), int(m.group(1))) + problem[m.end() :]
        m = first.search(problem)
        if m:
            problem = problem[: m.start()] + f"(first at {name(m.group(0)[10:-1], int(m.group(1)))})"
        out.append(problem)
    return out


_ATTEMPTS = 3  # reads of a file that changed under the writer before it gives up (nothing changed)


def _append(
    data_dir: Path,
    kind: str,
    records: list[dict[str, Any]],
    where: Callable[[Path_], str],
    lock: safewrite.Lock,
    dry_run: bool = False,
) -> str:
    """Validate ``records`` with the whole base and append them to ``data/KIND.yaml``; return the text appended.

    Call with the writers' ``lock`` held. The file is replaced only if it is still the file that was
    read and the lock file is still the one held (compare-and-swap, as ``git update-ref`` moves a
    ref only from the value it read): a writer that ignored the lock, or came in after the lock file
    was deleted, makes this one read the file again and re-apply its records, never lose theirs.
    """
    from ..store.paths import base_root
    from ..store.validate import _display_dir

    target = data_dir / f"{kind}.yaml"
    display = f"{_display_dir(data_dir)}/{target.name}"
    addition = dump(records)
    again, _, _, _ = parse_yaml(addition, display)
    if again != records:  # the YAML written must read back as the records given
        raise UsageError("these records cannot be written back as the same YAML; simplify their values")
    for _ in range(_ATTEMPTS):
        raw, stamp = read_file(target, display, base_root(data_dir))  # contained, regular, size-capped
        text, offset = joined(decode(raw, display), addition, records, display)
        _check_with_base(data_dir, target.name, text, display, offset, addition, where)
        if dry_run:
            return addition
        real = Path(os.fsdecode(stamp[0]))  # the file itself (a kind file may be a link inside the base)

        def compare(real: Path = real, stamp: Any = stamp) -> None:
            lock.check()
            safewrite.unchanged(real, stamp, MAX_FILE_BYTES)

        try:
            safewrite.write_bytes(str(real), text.encode("utf-8"), force=True, before_commit=compare)
        except safewrite.Changed:
            continue  # read it again: the other writer's records stay, this one's are re-applied
        return addition
    raise IoError(f"{display} kept changing while being written (a writer ignoring the lock?); nothing was changed")


_MORE = "fix these and try again (`iranaz add --dry-run` checks without writing)"


def _check_with_base(
    data_dir: Path, name: str, text: str, display: str, offset: int, addition: str, where: Callable[[Path_], str]
) -> None:
    """Validate the base with ``name`` read as ``text``; name each problem where the user gave it."""
    from ..store.validate import validate

    try:
        validate(data_dir, overrides={name: text})
    except FactBaseError as e:
        from ..store.loader import SHOWN_PROBLEMS

        problems = _remap(e.problems, display, offset, addition, where)
        shown = [_suggest(p, data_dir, overrides={name: text}) for p in problems[:SHOWN_PROBLEMS]]  # a suggestion costs
        raise FactBaseError([*shown, *problems[SHOWN_PROBLEMS:]], limit=SHOWN_PROBLEMS, more=_MORE) from None


_NOT_FOUND = re.compile(r"quote not found in source '([^']+)': ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")$")


def _suggest(problem: str, data_dir: Path, overrides: dict[str, str]) -> str:
    """Add the closest sentence of its source to a "quote not found" problem ("did you mean ...")."""
    import ast

    match = _NOT_FOUND.search(problem)
    if not match:
        return problem
    from ..store.paths import Unreadable, base_root, read_regular, source_file
    from ..store.yamlread import decode
    from .locate import closest

    try:
        text = overrides.get("sources.yaml") or decode(
            read_file(data_dir / "sources.yaml", "sources.yaml", base_root(data_dir))[0], "sources.yaml"
        )
        sources, _, _, _ = parse_yaml(text, "sources.yaml")
        [path] = [s["path"] for s in sources if isinstance(s, dict) and s.get("id") == match.group(1)]
        article = decode(read_regular(source_file(data_dir, path), MAX_SOURCE_BYTES)[0], path)
    except (OSError, ValueError, TypeError, KeyError, FactBaseError, Unreadable):
        return problem
    try:
        quoted = ast.literal_eval(match.group(2))
    except (ValueError, SyntaxError):  # not the repr it looks like: no suggestion rather than a crash
        return problem
    near = closest({match.group(1): article}, quoted) if isinstance(quoted, str) else None
    return problem + (f"; did you mean {near[1]!r}?" if near else "")


# --- add ------------------------------------------------------------------------------------------


def read_records(text: str, display: str, kind: str) -> tuple[list[dict[str, Any]], Callable[[Path_], str]]:
    """Read one record or a list of records from YAML ``text``; return them and a namer of input lines."""
    value, lines, problems, _ = parse_yaml(text, display, all_lines=True)
    if problems:
        raise FactBaseError(problems)
    single = isinstance(value, dict)
    records = [value] if single else value
    if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
        raise FactBaseError([f"{display}:1: expected a {kind} record (a mapping of fields) or a list of them"])

    def where(path: Path_) -> str:
        return f"{display}:{_line_of(lines, path[1:] if single else path)}"

    from .template import without_blanks  # (a template's optional lines, left blank, are absent)

    return [without_blanks(kind, r) for r in records], where


def add_records(
    data_dir: str | os.PathLike[str] | None,
    kind: str,
    text: str,
    display: str,
    *,
    dry_run: bool = False,
    wait: float = 30.0,
) -> tuple[list[str], str, Path]:
    """Add the records in YAML ``text`` to ``data/KIND.yaml``; return their ids, the text appended and the file."""
    check_kind(kind)
    writable_data_dir(data_dir)
    records, where = read_records(text, display, kind)
    return add_parsed(data_dir, kind, records, where, dry_run=dry_run, wait=wait)


def add_parsed(
    data_dir: str | os.PathLike[str] | None,
    kind: str,
    records: list[dict[str, Any]],
    where: Callable[[Path_], str],
    *,
    dry_run: bool = False,
    wait: float = 30.0,
) -> tuple[list[str], str, Path]:
    """Add records given as plain values; ``where`` names a problem's place in what the user gave."""
    from ..store.validate import _display_dir

    path = writable_data_dir(data_dir)
    with _writing(path, wait) as lock:
        addition = _append(path, kind, records, where, lock, dry_run)
    return [str(r.get("id")) for r in records], addition, Path(_display_dir(path)) / f"{kind}.yaml"


def read_input(file: str | None) -> tuple[str, str]:
    """Return the text of ``file`` (``-`` or None: stdin) and the name to show it by."""
    import sys

    display = "<stdin>" if file in (None, "-") else _shown(file or "")
    try:
        if file in (None, "-"):
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with open(file or "", "rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise UsageError(f"{display}: cannot be read ({e.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(f"{display}: over the {limit_text(MAX_FILE_BYTES)} limit")
    try:
        return utf8_text(raw), display
    except NotUtf8 as e:
        raise UsageError(f"{display}:{e.line}: {e}") from None


def limit_text(size: int) -> str:
    """Name a size limit as people read it: `16 MiB`, or `1000-byte`."""
    return f"{size // 2**20} MiB" if size % 2**20 == 0 else f"{size}-byte"


# --- source add -----------------------------------------------------------------------------------


def check_source_file(file: str) -> tuple[bytes, str]:
    """Return the bytes and text of an article to add, refusing what cannot be one (one clear line)."""
    shown = "<stdin>" if file == "-" else _shown(file)
    try:
        if file == "-":  # (read up to the cap, so that /dev/zero is refused, not read until memory runs out)
            import sys

            raw = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
            if len(raw) > MAX_SOURCE_BYTES:
                raise UsageError(f"{shown}: over the {limit_text(MAX_SOURCE_BYTES)} limit for a source")
        else:
            size = os.stat(file).st_size
            if not Path(file).is_file():
                raise UsageError(f"{shown}: not a regular file")
            if size > MAX_SOURCE_BYTES:
                raise UsageError(f"{shown}: {size} bytes is over the {limit_text(MAX_SOURCE_BYTES)} limit for a source")
            raw = Path(file).read_bytes()
    except OSError as e:
        raise UsageError(f"{shown}: cannot be read ({e.strerror})") from None
    if not raw.strip():
        raise UsageError(f"{shown}: the file is empty; a source is the text of an article")
    if b"\0" in raw:
        raise UsageError(f"{shown}: a binary file (it holds NUL bytes); a source must be UTF-8 text")
    try:
        text = utf8_text(raw)
    except NotUtf8 as e:
        raise UsageError(f"{shown}:{e.line}: {e}; convert it to UTF-8") from None
    return raw, text


def _seed_bytes(seed: Path) -> bytes | None:
    """Return the bytes of a file in seeds/ as readers read it (regular, size-capped), or None."""
    from ..store.paths import Unreadable, read_regular

    try:
        return read_regular(seed, MAX_SOURCE_BYTES)[0]
    except Unreadable:
        return None


def add_source(
    data_dir: str | os.PathLike[str] | None,
    file: str,
    source_id: str,
    *,
    title: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    published: str | None = None,
    wait: float = 30.0,
) -> dict[str, Any]:
    """Copy an article into the base's seeds/ and describe it in sources.yaml; return the record."""
    from ..model import ID_PATTERN

    if not re.fullmatch(ID_PATTERN, source_id):  # an argument: a usage error, before anything is read
        raise UsageError(f"--id: id '{visible(source_id)}' is not a lowercase slug (a-z, 0-9, -)")
    for option, value in (("--title", title), ("--publisher", publisher), ("--url", url), ("--published", published)):
        if value is not None and (problem := unlike_a_line(value)):
            raise UsageError(f"{option}: {problem}")
    path = writable_data_dir(data_dir)
    raw, text = check_source_file(file)
    name = f"{source_id}.txt" if file == "-" else os.path.basename(file)  # (stdin: named after its id)
    if not _SEED_NAME.fullmatch(name):
        raise UsageError(
            f"{_shown(file)}: rename it with letters, digits, '.', '-', '+' or '_' only (it becomes seeds/NAME)"
        )
    first = text.split("\n", 1)[0].strip()
    if title is None and not first:
        shown = "<stdin>" if file == "-" else _shown(file)
        raise UsageError(f"{shown}: the first line is empty; give the title with --title, or put it on the first line")
    record: dict[str, Any] = {
        "id": source_id,
        "title": title if title is not None else first,
        "kind": "article",
        "path": f"seeds/{name}",
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    for field, value in (("url", url), ("publisher", publisher), ("published", published)):
        if value is not None:
            record[field] = value
    options = {"id": "--id", "title": "--title", "url": "--url", "publisher": "--publisher", "published": "--published"}

    def where(p: Path_) -> str:
        field = p[1] if len(p) > 1 else "id"
        return options.get(field, _shown(file)) if isinstance(field, str) else "--id"

    seeds = path.parent / "seeds"
    seed = seeds / name
    if os.path.islink(seeds):  # (a file written there would be written where the link leads, outside the base)
        raise FactBaseError(["seeds is a link; a base keeps its articles in a folder of its own: make seeds/ one"])
    with _writing(path, wait) as lock:
        created = False
        try:
            if os.path.lexists(seed):
                if seed.is_symlink() or _seed_bytes(seed) != raw:
                    fix = "give another --id" if file == "-" else f"rename {_shown(file)}"
                    raise UsageError(f"seeds/{_shown(name)} exists and is a different file; {fix}")
            else:
                seeds.mkdir(exist_ok=True)
                safewrite.write_bytes(str(seed), raw)
                created = True
        except OSError as e:
            raise IoError(f"cannot write seeds/{_shown(name)}: {e.strerror}") from None
        try:
            _append(path, "sources", [record], where, lock)
        except BaseException:
            if created:
                seed.unlink(missing_ok=True)
            raise
    return record
