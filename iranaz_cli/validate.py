"""Validate a fact base: convert each file's records to model types and check what types cannot express
(ids, dates, references, citations and quotes), reporting every problem as ``file:line``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import msgspec

from . import edtf
from .errors import FactBaseError
from .model import (
    ATTRIBUTING_WORDS,
    DATE_FIELDS,
    KINDS,
    PERSON_REFERENCES,
    SOURCE_OR_PERSON,
    VISITOR_OFFICE,
    FactBase,
    people_named,
)
from .paths import resolve_data_dir, source_file
from .text import fold_quote
from .yamlread import Path_, _decode, parse_yaml, read_yaml

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


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
    return edtf.check(value)


class _Validator:
    """Convert each file's records to model types and check what types cannot express.

    Problems are kept with the path of the value they concern and given a line at the end: the
    first read records lines for records only, and a file with a problem deeper than that is read
    again with every line recorded, so a valid base never pays for a line map of every value.
    """

    def __init__(self, data_dir: Path, display_dir: str, overrides: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.display_dir = display_dir
        self.overrides = overrides or {}  # file name -> text to read instead of the file's
        self.problems: list[str | tuple[str, Path_, str]] = []
        self.files: dict[str, Path] = {}  # display name -> file
        self.lines: dict[str, dict[Path_, int]] = {}  # display name -> path -> line
        self.ids: dict[str, str] = {}  # id -> "file:line" of its first record
        self.source_text: dict[str, str | None] = {}  # source id -> folded text (None: a reference)
        self.articles: dict[str, Any] = {}  # source id -> anchors.FoldedText, to anchor quotes in
        self.base = FactBase()
        self.deps: list[Path] = []

    def at(self, display: str, path: Path_, message: str) -> None:
        self.problems.append((display, path, message))

    def run(self) -> FactBase:
        missing = [
            f"{kind}.yaml"
            for kind in KINDS
            if f"{kind}.yaml" not in self.overrides and not (self.data_dir / f"{kind}.yaml").is_file()
        ]
        if missing:
            raise FactBaseError(
                [f"{self.display_dir}: missing {', '.join(missing)} (a fact base has one file per kind)"]
            )
        for extra in sorted(self.data_dir.glob("*.y*ml")):
            if extra.stem not in KINDS or extra.suffix != ".yaml":
                expected = ", ".join(f"{k}.yaml" for k in KINDS)
                self.problems.append(f"{self.display_dir}/{extra.name}: unexpected file (expected {expected})")
        base = self.base
        unconverted_people: set[str] = set()  # reported already: references to them are not errors too
        pending: list[tuple[str, str, Any, Path_]] = []
        for kind in KINDS:
            path = self.data_dir / f"{kind}.yaml"
            display = f"{self.display_dir}/{path.name}"
            self.files[display] = path
            self.deps.append(path)
            try:
                value, lines, problems, bad = self._read(display)
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
        sources = {s.id for s in base.sources}
        for kind, display, record, where in pending:
            self._check_record(kind, record, display, where, people, sources)
        self._check_offices(pending)
        if self.problems:
            raise FactBaseError([self._format(p) for p in self.problems])
        return base

    def _format(self, problem: str | tuple[str, Path_, str]) -> str:
        if isinstance(problem, str):
            return problem
        display, path, message = problem
        lines = self.lines.get(display, {})
        if len(path) > 1 and path not in lines:
            _, lines, _, _ = self._read(display, all_lines=True)
            self.lines[display] = lines
        while path and path not in lines:
            path = path[:-1]
        return f"{display}:{lines.get(path, 1)}: {message}"

    def _read(self, display: str, all_lines: bool = False) -> tuple[Any, dict[Path_, int], list[str], set[Any]]:
        path = self.files[display]
        if path.name in self.overrides:
            return parse_yaml(self.overrides[path.name], display, all_lines)
        return read_yaml(path, display, all_lines)

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
        if source.kind == "reference":
            self.source_text[source.id] = None
            if source.not_factual:
                self.at(display, (*where, "not_factual"), "only an article has sentences to mark 'not_factual'")
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
        self._index_article(source, text, display, where)

    def _check_record(self, kind, record, display, where, people, sources) -> None:
        here = f"{display}:{self.lines[display][where]}"
        if not _ID.fullmatch(record.id):
            self.at(display, (*where, "id"), f"id '{record.id}' is not a lowercase slug (a-z, 0-9, -)")
        first = self.ids.setdefault(record.id, here)
        if first != here:
            self.at(display, (*where, "id"), f"duplicate id '{record.id}' (first at {first})")
        if kind == "sources":
            self._check_dates(record, display, where)
            if record.sha256 is not None and not _SHA256.fullmatch(record.sha256):
                self.at(display, (*where, "sha256"), "sha256 must be 64 lowercase hex digits")
            return
        self._check_dates(record, display, where)
        self._check_roles(record, display, where)
        self._check_references(kind, record, display, where, people, sources)
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

    def _check_citations(self, record, display, where, required: bool = True, anchored: bool = True) -> None:
        """Check a record's citations (or a role's: not anchored, as anchors are kept per record)."""
        if required and not record.sources:
            self.at(display, (*where, "sources"), "'sources' must cite at least one source")
        for i, cite in enumerate(record.sources):
            at = (*where, "sources", i)
            if cite.source not in self.source_text:
                self.at(display, at, f"cites '{cite.source}', which is not a source id in sources.yaml")
                continue
            text = self.source_text[cite.source]
            if text is None:
                if cite.note is None or cite.quote is not None:
                    self.at(display, at, f"a citation of reference '{cite.source}' needs a 'note' and no 'quote'")
            elif cite.quote is None or cite.note is not None:
                self.at(display, at, f"a citation of article '{cite.source}' needs a 'quote' and no 'note'")
            elif not cite.quote.strip() or fold_quote(cite.quote) not in text:
                self.at(display, (*at, "quote"), f"quote not found in source '{cite.source}': {cite.quote!r}")
            elif anchored:
                self._anchor(record.id, i, cite, display, at)

    # --- terms of office (issue 12) ---------------------------------------------------------------

    def _check_roles(self, person, display, where) -> None:
        """Check each role's dates and citations; a term (a role with an ``office``) needs a start and a source."""
        for i, role in enumerate(getattr(person, "roles", ())):
            at = (*where, "roles", i)
            self._check_dates(role, display, at)
            self._check_citations(role, display, at, required=role.office is not None, anchored=False)
            if role.office is None:
                if role.acting or role.end_reason:
                    self.at(display, at, "'acting' and 'end_reason' belong to a term: give its 'office'")
                continue
            if not _ID.fullmatch(role.office):
                self.at(display, (*at, "office"), f"office '{role.office}' is not a lowercase slug (a-z, 0-9, -)")
            if role.start is None:
                self.at(display, at, f"a term of office '{role.office}' needs a 'start'")
            if role.end_reason is not None and role.end is None:
                self.at(display, (*at, "end_reason"), "'end_reason' needs an 'end'")

    def _check_offices(self, pending) -> None:
        """Check terms across people: each ends after it starts, no two terms of an office share a day
        (acting terms aside), and each visit's president held the office of president of Iran then."""
        terms: dict[str, list[tuple[str, Any, str, Path_]]] = {}  # office -> (person id, role, file, path)
        checked = set()  # people whose every term could be read: a visit by anyone else is not judged
        for kind, display, person, where in pending:
            if kind != "people":
                continue
            checked.add(person.id)
            for i, role in enumerate(person.roles):
                if not role.office:
                    continue
                if not role.start or any(edtf.check(d) for d in (role.start, role.end) if d):
                    checked.discard(person.id)
                    continue  # reported already
                at = (*where, "roles", i)
                if role.end is not None and not edtf.ends_after_start(role.start, role.end):
                    self.at(display, (*at, "end"), f"the term ends ({role.end}) before it starts ({role.start})")
                    checked.discard(person.id)
                    continue
                terms.setdefault(role.office, []).append((person.id, role, display, at))
        for office, held in terms.items():
            formal = sorted((t for t in held if not t[1].acting), key=lambda t: edtf.certain_days(t[1].start, None))
            # Sorted by start, a term that overlaps any earlier term overlaps the one that ends last.
            latest: tuple[str, Any] | None = None
            for person, role, display, at in formal:
                if latest is not None:
                    other, earlier = latest
                    if edtf.terms_overlap((earlier.start, earlier.end), (role.start, role.end)):
                        span = f"{earlier.start} to {earlier.end or 'in office'}"
                        self.at(display, (*at, "start"), f"this term of '{office}' overlaps {other}'s ({span})")
                    if earlier.end is None or (
                        role.end and edtf.parse(role.end).first <= edtf.parse(earlier.end).first
                    ):
                        continue
                latest = (person, role)
        presidents = terms.get(VISITOR_OFFICE)
        if not presidents:
            return  # a base that records no terms of the office cannot check its visits against them
        by_person: dict[str, list[Any]] = {}
        for person, role, _, _ in presidents:
            by_person.setdefault(person, []).append(role)
        for kind, display, visit, where in pending:
            if kind != "visits" or edtf.check(visit.date) or visit.president not in checked:
                continue  # a bad date, or a president whose record or terms are reported already
            when = edtf.parse(visit.date)
            if not any(edtf.in_term(when, r.start, r.end) for r in by_person.get(visit.president, ())):
                holding = dict.fromkeys(p for p, r, _, _ in presidents if edtf.in_term(when, r.start, r.end))
                holders = ", ".join(holding) or "no one recorded"
                self.at(
                    display,
                    (*where, "date"),
                    f"'{visit.president}' did not hold the office '{VISITOR_OFFICE}' on {visit.date} "
                    f"(its holders then: {holders})",
                )

    # --- attribution, anchors and sentences (issue 11) ---------------------------------------------

    def _check_references(self, kind, record, display, where, people, sources) -> None:
        """Check that each reference field names a person id (or, for ``according_to``, a source id)."""
        fields = PERSON_REFERENCES.get(kind, {})
        position: dict[str, int] = {}
        for field, ref in people_named(kind, record):
            j = position[field] = position.get(field, -1) + 1
            if ref in people or (field in SOURCE_OR_PERSON and ref in sources):
                continue
            if field in fields:
                one = isinstance(getattr(record, field), str)  # else a list of ids, each at its own line
                at = (*where, field) if one else (*where, field, j)
            else:  # a note's according_to
                at = (*where, "notes")
            what = (
                "a person id in people.yaml or a source id"
                if field in SOURCE_OR_PERSON
                else "a person id in people.yaml"
            )
            self.at(display, at, f"'{field}' names '{ref}', which is not {what}")
        attributed = [ref for field, ref in people_named(kind, record) if field == "according_to" and ref in people]
        quotes = [c.quote for c in record.sources if c.quote is not None]
        if attributed and not any(attributing_quote(q) for q in quotes):
            self.at(
                display,
                (*where, "sources"),
                f"attributed to '{attributed[0]}' but no quote it cites holds the attributing words"
                f" ({', '.join(ATTRIBUTING_WORDS)})",
            )
        if getattr(record, "kind", None) == "assessment" and not record.according_to:
            self.at(display, (*where, "kind"), "an assessment needs 'according_to' (the source whose analysis it is)")

    def _index_article(self, source, text: str, display, where) -> None:
        """Keep an article's text for anchoring quotes, split it into sentences, and anchor its marks."""
        from .anchors import FoldedText, split_sentences

        article = self.articles[source.id] = FoldedText(text)
        self.base.sentences[source.id] = split_sentences(text)
        for i, mark in enumerate(source.not_factual):
            if not article.find_all(mark.quote):
                self.at(display, (*where, "not_factual", i, "quote"), f"not found in the article: {mark.quote!r}")

    def _anchor(self, record_id: str, i: int, cite, display, at) -> None:
        """Anchor a citation's quote in its article; a quote found more than once needs ``occurrence``."""
        article = self.articles.get(cite.source)
        anchors = self.base.anchors.setdefault(record_id, [])
        anchors.extend([None] * (i + 1 - len(anchors)))
        if article is None:
            return
        found = article.find_all(cite.quote)
        if cite.occurrence is None and len(found) > 1:
            self.at(
                display,
                (*at, "quote"),
                f"quote found {len(found)} times in source '{cite.source}':"
                f" say which with 'occurrence: N' (1 to {len(found)})",
            )
        elif cite.occurrence is not None and not 1 <= cite.occurrence <= len(found):
            self.at(
                display, (*at, "occurrence"), f"occurrence {cite.occurrence}: the quote is found {len(found)} time(s)"
            )
        else:
            anchors[i] = article.anchor(*found[(cite.occurrence or 1) - 1])


def attributing_quote(quote: str) -> bool:
    """Whether a quote holds words by which the article attributes what it says to someone."""
    folded = fold_quote(quote).casefold()
    return any(word in folded for word in ATTRIBUTING_WORDS)


def validate(
    data_dir: str | os.PathLike[str] | None = None, overrides: dict[str, str] | None = None
) -> tuple[FactBase, list[Path]]:
    """Read and check every file of a fact base; raise FactBaseError listing every problem.

    ``overrides`` maps file names (``visits.yaml``) to text read instead of the file's: a change
    is checked with the whole base before it is written."""
    path = resolve_data_dir(data_dir)
    validator = _Validator(path, _display_dir(path), overrides)
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
