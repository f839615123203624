"""Replace an added article's text (`source update`): the new text, its sha256 and every quote checked
together with the whole base before anything is written.

A curator fixing a typo expects the words they fixed to change and nothing else: the article's
bytes, its ``sha256`` (and its ``title`` when the title was the first line and that line changed).
Every quote the base takes from the article is anchored again in the new text (anchors are computed
from the text as it is read, so there is no position to store); a quote that the new text no longer
holds refuses the update, each at its record's file and line, with nothing changed. The records
are never rewritten: a quote that must change with the text is fixed in its YAML, and the update is
run again (it checks the base as it will be, so the order does not matter).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from ..errors import FactBaseError, IoError, NotFound, UsageError
from ..store.yamlread import MAX_ARTICLE_BYTES, MAX_FILE_BYTES, decode, parse_yaml, read_file
from ..text import fold_quote, visible
from . import safewrite
from .edit import _ATTEMPTS, _writing, check_source_file, writable_data_dir

_NOT_FOUND = re.compile(r"quote not found in source '([^']+)'")
_MORE = "nothing was changed; fix the quotes (or the new text) and run `iranaz source update` again"


def update_source(data_dir: str | os.PathLike[str] | None, source_id: str, file: str, wait: float = 30.0) -> dict:
    """Replace the text of the added article ``source_id`` with ``file``'s; return what was done:
    ``id``, ``path``, ``sha256``, ``changed`` (False when the base held this text already) and
    ``quotes`` (how many quotes cite the article, each found in the new text)."""
    from ..store.paths import base_root
    from ..store.validate import _display_dir, validate

    path = writable_data_dir(data_dir)
    raw, text = check_source_file(file)
    target = path / "sources.yaml"
    display = f"{_display_dir(path)}/sources.yaml"
    digest = hashlib.sha256(raw).hexdigest()
    with _writing(path, wait) as lock:
        for _ in range(_ATTEMPTS):
            listed, stamp = read_file(target, display, base_root(path))
            old_yaml = decode(listed, display)
            at, record, lines, records = _find(old_yaml, display, source_id)
            seed, old_raw = _old_seed(path, record["path"])
            _not_shared(path, seed, record, records)
            done = {"id": record["id"], "path": record["path"], "sha256": digest}
            new_yaml = _with_new_hash(old_yaml, display, at, record, lines, digest)
            new_yaml = _with_new_title(new_yaml, display, at, record, lines, old_raw, text)
            if old_raw == raw and new_yaml == old_yaml:
                return {**done, "changed": False, "quotes": None}
            try:
                base, _ = validate(path, overrides={"sources.yaml": new_yaml}, articles={record["path"]: raw})
            except FactBaseError as e:
                problems = _near(e.problems, text)
                shown = problems[:10] + ([f"{len(problems) - 10} more problems"] if len(problems) > 10 else [])
                raise FactBaseError([*shown, _MORE]) from None
            real = Path(os.fsdecode(stamp[0]))

            def compare(real: Path = real, stamp: Any = stamp) -> None:
                lock.check()
                safewrite.unchanged(real, stamp, MAX_FILE_BYTES)

            recorded: list[bool] = []

            def record_hash(
                real: Path = real,
                data: bytes = new_yaml.encode("utf-8"),
                compare: Any = compare,
                marks: list = recorded,
            ) -> None:
                lock.check()
                safewrite.write_bytes(str(real), data, force=True, before_commit=compare)
                marks.append(True)

            # The new text is written in full (the larger file: a full disk stops here, nothing changed), then the
            # record with its new sha256 replaces sources.yaml, then the text is renamed into place: only a crash
            # between the two renames leaves the base failing, and running the same update again mends it.
            try:
                safewrite.write_bytes(str(seed), raw, force=True, before_commit=record_hash)
            except safewrite.Changed:
                continue
            except IoError as e:
                if not recorded:
                    raise
                why = str(e).rpartition(": ")[2]
                raise IoError(
                    f"recorded the new sha256 but cannot write {visible(record['path'])} ({why}); "
                    "run the same `iranaz source update` again"
                ) from None
            quotes = sum(1 for _, rec in _records(base) for c in getattr(rec, "sources", []) if _cites(c, source_id))
            return {**done, "changed": True, "quotes": quotes}
    raise IoError(f"{display} kept changing while being written (a writer ignoring the lock?); nothing was changed")


def _old_seed(data_dir: Path, relative: str) -> tuple[Path, bytes | None]:
    """Return where a source's text is written and its bytes now (None when there is no file), read as
    readers read it (inside seeds/, regular, size-capped); raise FactBaseError for a file that must not be
    replaced: a link (its target may be another source's article), a folder, a FIFO, a file over the cap."""
    from ..store.paths import Unreadable, link_on_path, read_regular, source_file

    shown = visible(relative)
    try:
        source_file(data_dir, relative)  # (a path outside seeds/ is refused from its text alone)
    except Unreadable as e:
        raise FactBaseError([f"source file {shown} {e}"]) from None
    link = link_on_path(data_dir, relative)
    if link is not None:
        raise FactBaseError(
            [
                f"{visible(link)} is a link; `iranaz source update` never writes through a link (the file it leads "
                "to may be another source's article): put a copy of the file in its place and run this again"
            ]
        )
    seed = data_dir.parent.joinpath(*[part for part in relative.split("/") if part not in ("", ".")])
    if not os.path.lexists(seed):
        return seed, None
    try:
        return seed, read_regular(seed, MAX_ARTICLE_BYTES)[0]
    except Unreadable as e:
        raise FactBaseError(
            [f"source file {shown} {e}; it cannot be an article: remove it and run this again to write the new text"]
        ) from None


def _not_shared(data_dir: Path, seed: Path, record: dict, records: list) -> None:
    """Raise FactBaseError if another source reads the file ``seed`` (through a link of its own): its
    text would change with this one's, and its sha256 would no longer match."""
    from ..store.paths import Unreadable, source_file

    for other in records:
        if not isinstance(other, dict) or other is record or not isinstance(other.get("path"), str):
            continue
        try:
            same = source_file(data_dir, other["path"]) == seed
        except Unreadable:
            continue
        if same:
            raise FactBaseError(
                [
                    f"{visible(record['path'])} is also the text of source '{visible(str(other.get('id')))}' "
                    f"({visible(other['path'])}); `iranaz source update` would change both: give that source a "
                    "file of its own (a copy) and run this again"
                ]
            )


def _records(base: Any) -> Any:
    from ..model import KINDS

    return ((kind, rec) for kind in KINDS for rec in getattr(base, kind))


def _cites(citation: Any, source_id: str) -> bool:
    return citation.source == source_id and citation.quote is not None


def _find(text: str, display: str, source_id: str) -> tuple[int, dict, dict, list]:
    """Return the index, record and line map of the added article ``source_id`` in sources.yaml, and its records."""
    records, lines, problems, _ = parse_yaml(text, display, all_lines=True)
    if problems:
        raise FactBaseError(problems)
    records = records if isinstance(records, list) else []
    for i, record in enumerate(records):
        if isinstance(record, dict) and record.get("id") == source_id:
            if not isinstance(record.get("path"), str):
                raise UsageError(
                    f"source '{visible(source_id)}' is a {visible(str(record.get('kind', 'source')))} with no text "
                    "in the base; only an added article (`iranaz source add`) has a text to update"
                )
            return i, record, lines, records
    import difflib

    ids = [str(r.get("id")) for r in records if isinstance(r, dict) and isinstance(r.get("path"), str)]
    close = difflib.get_close_matches(source_id, ids, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else f"the added articles are {', '.join(ids) or 'none'}"
    raise NotFound(f"no added article has the id '{visible(source_id)}'; {hint}")


def _line(text: str, lines: dict, where: tuple) -> tuple[int, str]:
    """Return the index and text of the line a record's field starts on."""
    number = lines.get(where)
    if number is None:
        return -1, ""
    return number - 1, text.split("\n")[number - 1]


def _with_new_hash(text: str, display: str, at: int, record: dict, lines: dict, digest: str) -> str:
    """Return sources.yaml with the article's sha256 replaced on its own line (nothing else changes)."""
    old = record.get("sha256")
    index, line = _line(text, lines, (at, "sha256"))
    if not isinstance(old, str) or old not in line:
        raise UsageError(
            f"{display}: the sha256 of '{visible(record['id'])}' is not on a line of its own; "
            "write it as `sha256: HEX` and run this again"
        )
    rows = text.split("\n")
    rows[index] = line.replace(old, digest, 1)
    return "\n".join(rows)


def _with_new_title(text: str, display: str, at: int, record: dict, lines: dict, old: bytes | None, new: str) -> str:
    """Return sources.yaml with the title following the article's first line, when it was that line."""
    import yaml

    title = record.get("title")
    first = new.split("\n", 1)[0].strip()
    if old is None or not isinstance(title, str) or fold_quote(first) == fold_quote(title):
        return text
    try:
        was = old.decode("utf-8-sig").split("\n", 1)[0].strip()
    except UnicodeDecodeError:
        return text
    if fold_quote(was) != fold_quote(title):  # a title of its own: the curator's, kept
        return text
    index, line = _line(text, lines, (at, "title"))
    key = re.match(r"(\s*(?:-\s+)?)title:\s", line)
    try:
        same = key is not None and yaml.safe_load(line[key.end(1) :]) == {"title": title}
    except yaml.YAMLError:
        same = False
    if not same or key is None:
        return text  # a title over several lines: validation names it, to fix by hand
    dumped = yaml.safe_dump({"title": first}, allow_unicode=True, width=1 << 30).rstrip("\n")
    rows = text.split("\n")
    rows[index] = key.group(1) + dumped
    return "\n".join(rows)


def _near(problems: list[str], text: str) -> list[str]:
    """Add the new text's closest sentence to each quote it no longer holds."""
    import ast

    from .locate import closest

    out = []
    for problem in problems:
        match = _NOT_FOUND.search(problem)
        near = None
        if match:
            try:
                quote = ast.literal_eval(problem[match.end() :].lstrip(": "))
            except (ValueError, SyntaxError):  # not the repr it looks like: no suggestion rather than a crash
                quote = None
            near = closest({match.group(1): text}, quote) if isinstance(quote, str) else None
        out.append(problem + (f"; the new text there reads {near[1]!r}" if near else ""))
    return out
