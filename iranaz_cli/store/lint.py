"""What a careful editor would query in a valid base: warnings, not errors.

A quote longer than one sentence or shorter than three words, a date more precise than its
citations, a record citing only references none of which is dated and online, a source with neither
a date nor a URL, a change of office-holder (a term's end, an acting term) without two independent
sources (publishers), a disputed record citing one source, a person no record names, a source no
record cites.
Quotes are placed by the anchors and sentences the validator keeps with the base (``anchors.py``).
Each warning is ``file:line: message``; ``iranaz validate`` prints them, ``--strict`` fails on them.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from ..model import KINDS, FactBase, mentions_index
from ..text import shell_safe, shell_unsafe
from .yamlread import read_yaml

_MONTH = (
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
_DAY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.I)
_MONTH_RE = re.compile(rf"{_MONTH}|\b\d{{4}}-\d{{2}}\b", re.I)
_YEAR = re.compile(r"\b\d{4}\b")
PRECISION = ("no date", "a year", "a month", "a day")


def _given(quote: str) -> int:
    """Return how precise a date the words give: 0 none, 1 a year, 2 a month, 3 a day."""
    if _DAY.search(quote):
        return 3
    if _MONTH_RE.search(quote):
        return 2
    return 1 if _YEAR.search(quote) else 0


def _precision(date: str) -> int:
    from ..edtf import parse

    return ("year", "month", "day").index(parse(date).precision) + 1


def _within_one_sentence(anchor: Any, starts: list[int], sentences: list[Any]) -> bool:
    """Say whether an anchored quote lies inside one sentence of its article."""
    i = bisect.bisect_right(starts, anchor.start) - 1  # the last sentence starting at or before the quote
    return i >= 0 and anchor.end <= sentences[i].end


def warnings(base: FactBase, data_dir: Path, display_dir: str) -> list[str]:
    """Return every warning about a validated base, as ``file:line: message``."""
    kinds: dict[str, str] = {s.id: s.kind for s in base.sources}
    # a source a reader can date and find: a record citing one is not weak, even if it is a reference
    found_online = {s.id for s in base.sources if s.published and s.url}
    publishers = {s.id: s.publisher or s.id for s in base.sources}  # (no publisher: the source is its own)
    disputed: dict[str, list[str]] = {}
    for d in base.disputes:
        for about in dict.fromkeys(d.about):
            disputed.setdefault(about, []).append(d.id)
    starts = {sid: [s.start for s in sentences] for sid, sentences in base.sentences.items()}
    mentioned = mentions_index(base)
    cited: set[str] = set()
    out: list[str] = []
    for kind in KINDS:
        if kind == "sources":
            continue
        display = f"{display_dir}/{kind}.yaml"
        lines: dict[Any, int] | None = None
        for i, record in enumerate(getattr(base, kind)):
            if kind == "disputes":  # each side cites its own sources
                cited.update(c.source for side in record.sides for c in side.sources)
                continue
            found = _record_warnings(record, kinds, base, starts, found_online)
            found += _change_warnings(record, publishers)
            if record.id in disputed and len({c.source for c in record.sources}) < 2:
                ids = ", ".join(disputed[record.id])
                found.append(f"'{record.id}' is disputed ({ids}) but cites one source: cite each side's")
            cited.update(c.source for c in record.sources)
            for role in getattr(record, "roles", ()):  # a term of office cites its own sources
                cited.update(c.source for c in role.sources)
            terms = any(role.office for role in getattr(record, "roles", ()))  # `offices` names its holders
            if kind == "people" and record.id not in mentioned and not terms:
                found.append(f"person '{record.id}' is named by no record (visits, quotes, events, ...)")
            if kind == "people" and not shell_safe(record.name):
                found.append(_shell_warning(record))
            if found:
                if lines is None:
                    lines = read_yaml(data_dir / f"{kind}.yaml", display)[1]
                out.extend(f"{display}:{lines.get((i,), 1)}: {message}" for message in found)
    display = f"{display_dir}/sources.yaml"
    problems = [(i, f"source '{s.id}' is cited by no record") for i, s in enumerate(base.sources) if s.id not in cited]
    problems += [
        (i, f"source '{s.id}' has neither a date nor a URL: a reader can neither date nor find it")
        for i, s in enumerate(base.sources)
        if s.kind != "article" and not s.published and not s.url
    ]
    problems += [
        (i, _link_warning(s.id, link)) for i, s in enumerate(base.sources) if (link := _link(data_dir, s.path))
    ]
    if problems:
        lines = read_yaml(data_dir / "sources.yaml", display)[1]
        out.extend(f"{display}:{lines.get((i,), 1)}: {message}" for i, message in sorted(problems))
    return out


def _link(data_dir: Path, path: str | None) -> str | None:
    from .paths import link_on_path

    return link_on_path(data_dir, path) if path else None


def _link_warning(source_id: str, link: str) -> str:
    return (
        f"source '{source_id}': {link} is a link; `iranaz source update` will not write through it"
        " (put a copy of the file in its place)"
    )


def _shell_warning(person: Any) -> str:
    """Say which characters of a person's name a shell would act on, and which are invisible (a soft
    hyphen, a zero-width space, a joiner not between two letters): completion does not offer it."""
    import unicodedata

    odd = shell_unsafe(person.name)
    invisible = [c for c in odd if unicodedata.category(c) == "Cf"]
    acting = [c for c in odd if c not in invisible]
    said = []
    if acting:
        said.append("characters a shell acts on (" + " ".join("space" if c.isspace() else c for c in acting) + ")")
    if invisible:
        said.append("invisible characters (" + " ".join(f"U+{ord(c):04X}" for c in invisible) + ")")
    return f"'{person.id}': name {person.name!r} holds {' and '.join(said)}; Tab completion does not offer it"


def _change_warnings(record: Any, publishers: dict[str, str]) -> list[str]:
    """Warn of each change of office-holder (a term's end, an acting term) that fewer than two
    independent sources (distinct publishers) support: a death or a handover needs two."""
    found = []
    for role in getattr(record, "roles", ()):
        if not role.office or not (role.end or role.acting):
            continue
        independent = {publishers.get(c.source, c.source) for c in role.sources}
        if len(independent) < 2:
            what = (
                f"an acting term of '{role.office}' ({role.start})"
                if role.acting
                else (f"the end of a term of '{role.office}' ({role.end})")
            )
            found.append(f"'{record.id}': {what} cites fewer than two independent sources (distinct publishers)")
    return found


def _record_warnings(
    record: Any, kinds: dict[str, str], base: FactBase, starts: dict[str, list[int]], found_online: set[str]
) -> list[str]:
    found = []
    quotes = [c for c in record.sources if c.quote is not None]
    anchors = base.anchors.get(record.id, [])
    for i, cite in enumerate(record.sources):
        if cite.quote is None:
            continue
        anchor = anchors[i] if i < len(anchors) else None
        if len(cite.quote.split()) < 3:
            found.append(f"'{record.id}': quote {cite.quote!r} is shorter than three words")
        elif anchor is not None and not _within_one_sentence(anchor, starts[cite.source], base.sentences[cite.source]):
            found.append(f"'{record.id}': quote {cite.quote[:40]!r}... runs over more than one sentence")
    if (
        record.sources
        and all(kinds.get(c.source) == "reference" for c in record.sources)
        and not any(c.source in found_online for c in record.sources)
    ):
        found.append(f"'{record.id}' cites only references; does an article in the base say it?")
    notes = any(c.note is not None for c in record.sources)
    for field in ("date", "end"):
        date = getattr(record, field, None)
        if date is None or notes or not quotes:
            continue
        given = max(_given(c.quote) for c in quotes)
        if _precision(date) > given:
            found.append(
                f"'{record.id}': {field} '{date}' is more precise than its quotes, which give {PRECISION[given]}"
            )
    return found


def report_warnings(base: FactBase, data_dir: Any, strict: bool) -> None:
    """Print each warning on stderr as `Warning: ...`; with ``strict``, raise FactBaseError if any."""
    import sys

    from ..errors import FactBaseError
    from ..text import visible
    from .paths import resolve_data_dir
    from .validate import _display_dir

    path = resolve_data_dir(data_dir)
    found = warnings(base, path, _display_dir(path))
    for line in found:
        print(f"Warning: {visible(line)}", file=sys.stderr)
    if strict and found:
        raise FactBaseError([f"{len(found)} warning(s), and --strict makes them errors"])
