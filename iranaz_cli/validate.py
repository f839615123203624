"""Validate a fact base: convert each file's records to model types and check what types cannot express
(ids, dates, references, citations and quotes), reporting every problem as ``file:line``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Protocol

import msgspec

from . import edtf, yamlread
from .errors import FactBaseError
from .model import (
    ATTRIBUTING_WORDS,
    DATE_FIELDS,
    ID_PATTERN,
    KINDS,
    PERSON_REFERENCES,
    SOURCE_OR_PERSON,
    VISITOR_OFFICE,
    FactBase,
    people_named,
)
from .paths import Stamp, Unreadable, base_root, read_regular, resolve_data_dir, source_file, stamp_of
from .paths import digest as paths_digest
from .text import fold_quote
from .yamlread import Path_, _decode, parse_list, parse_yaml, read_file, read_yaml

_ID = re.compile(ID_PATTERN)
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Text appended to a list file that can only add items to it: empty lines (as `iranaz add` writes
# one), then "- " at column 0. Anything else may belong to the old last value: after `quote: >` an
# indented `# ...` line or a line of spaces is the scalar's text. A block scalar that keeps its
# trailing newlines (`|+`) would take in the empty lines, so a file holding one is never read as a
# prefix; nor is a file without a final line break (a `|` scalar there would gain one).
_APPENDED_ITEMS = re.compile(rb"(?:\r?\n)*- ")
_KEEP_CHOMPING = re.compile(rb"[|>][1-9]?\+")


_MSGSPEC_PATH = re.compile(r"\.([^.\[]+)|\[([0-9]+)\]")


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


def _ids_of(raw: Any) -> list[str]:
    """Return every id a record that failed conversion gives itself (a repeated `id:` key included)."""
    if not isinstance(raw, dict):
        return []
    given = [raw.get("id"), *raw.get(yamlread.DUPLICATE_IDS, ())]
    return [i for i in given if isinstance(i, str)]


def check_date(value: str) -> str | None:
    """Return why ``value`` is not a date in iranaz's EDTF subset, or None if it is one."""
    return edtf.check(value)


class FileCache(Protocol):
    """Where a file's converted records and line map are kept, by the digest of its bytes."""

    def get(self, kind: str, file: Path, digest: str) -> tuple[list[Any], dict[Path_, int]] | None: ...

    def before_append(self, kind: str, file: Path) -> tuple[int, str, list[Any], dict[Path_, int]] | None: ...

    def put(
        self,
        kind: str,
        file: Path,
        digest: str,
        records: list[Any],
        lines: dict[Path_, int],
        size: int = 0,
        appendable: bool = False,
    ) -> None: ...


class _Validator:
    """Convert each file's records to model types and check what types cannot express.

    Problems are kept with the path of the value they concern and given a line at the end: the
    first read records lines for records only, and a file with a problem deeper than that is read
    again with every line recorded, so a valid base never pays for a line map of every value.

    One cause gives one problem: a record that failed conversion, a source whose file failed, or
    a file that could not be read is reported once, and what refers to it is not reported again.
    With a ``cache``, a file whose bytes were converted before is not parsed again; the checks
    across records always run.
    """

    def __init__(
        self, data_dir: Path, display_dir: str, cache: FileCache | None = None, overrides: dict[str, str] | None = None
    ):
        self.data_dir = data_dir
        self.root = base_root(data_dir)
        self.display_dir = display_dir
        self.cache = cache
        self.overrides = overrides or {}  # file name -> text to read instead of the file's (never cached)
        self.problems: list[str | tuple[str, Path_, str]] = []
        self.files: dict[str, Path] = {}  # display name -> file
        self.lines: dict[str, dict[Path_, int]] = {}  # display name -> path -> line
        self.ids: dict[str, str] = {}  # id -> "file:line" of its first record
        self.source_text: dict[str, str | None] = {}  # source id -> folded text (None: a reference)
        self.articles: dict[str, Any] = {}  # source id -> anchors.FoldedText, to anchor quotes in
        self.base = FactBase()
        self.failed: dict[str, set[str]] = {"sources": set(), "people": set()}  # ids reported already
        self.unread: set[str] = set()  # kinds whose file gave no records: references to them go unchecked
        self.nameless: set[str] = set()  # kinds with a record that failed without an id: likewise
        self.stamps: list[Stamp] = []  # every file read, as it was before it was read

    def at(self, display: str, path: Path_, message: str) -> None:
        self.problems.append((display, path, message))

    def run(self) -> FactBase:
        self.stamps.append(stamp_of(self.data_dir))  # a file added to or removed from the folder
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
        pending: list[tuple[str, str, Any, Path_]] = []
        for kind in KINDS:
            path = self.data_dir / f"{kind}.yaml"
            display = f"{self.display_dir}/{path.name}"
            self.files[display] = path
            records = self._records(kind, path, display)
            if records is None:
                self.unread.add(kind)
                continue
            for i, record in enumerate(records):
                if record is not None:
                    getattr(base, kind).append(record)
                    pending.append((kind, display, record, (i,)))
        for kind, display, record, where in pending:
            if kind == "sources":
                self._check_source(record, display, where)
        people = {p.id for p in base.people}
        sources = {s.id for s in base.sources}
        for kind, display, record, where in pending:
            self._check_record(kind, record, display, where, people, sources)
        self._check_offices(pending)
        if self.problems:
            raise FactBaseError([self._format(p) for p in self.problems])
        return base

    def _records(self, kind: str, path: Path, display: str) -> list[Any] | None:
        """Return a file's records, converted (None where one failed), or None if it gave none."""
        try:
            if path.name in self.overrides:  # a change checked before it is written
                raw = self.overrides[path.name].encode("utf-8")
                stamp = (os.fsencode(path), len(raw), 0, 0, 0, "")  # not on disk: never cached
            else:
                raw, stamp = read_file(path, display, self.root)
            self.stamps.append(stamp)
            cached = self.cache.get(kind, path, stamp[-1]) if self.cache is not None else None
            if cached is not None:
                records, self.lines[display] = cached
                return records
            appended = self._appended(kind, path, raw)
            if appended is not None:
                records, self.lines[display] = appended
                appendable = not _KEEP_CHOMPING.search(raw)
                self.cache.put(kind, path, stamp[-1], records, appended[1], len(raw), appendable)  # type: ignore[union-attr]
                return records
            value, lines, problems, bad, appendable = parse_list(_decode(raw, display), display)
        except FactBaseError as e:
            self.problems.extend(e.problems)
            return None
        self.lines[display] = lines
        self.problems.extend(problems)
        if None in bad:  # the problem is in the file's structure, not one record
            return None
        if not isinstance(value, list):
            self.at(display, (), "expected a list of records (each starting with '- id:')")
            return None
        before = len(self.problems)
        records = [
            None if i in bad else self._convert(kind, raw_record, (i,), display) for i, raw_record in enumerate(value)
        ]
        for raw_record, record in zip(value, records, strict=True):
            if record is None and kind in self.failed:  # reported: what names it is not an error too
                ids = _ids_of(raw_record)
                self.failed[kind].update(ids)
                if not ids:  # a record that failed without an id: any unknown id may be its
                    self.nameless.add(kind)
        if self.cache is not None and not problems and len(self.problems) == before:
            appendable = appendable and not _KEEP_CHOMPING.search(raw)
            self.cache.put(kind, path, stamp[-1], records, lines, len(raw), appendable)
        return records

    def _appended(self, kind: str, path: Path, raw: bytes) -> tuple[list[Any], dict[Path_, int]] | None:
        """Return the records of a file that is a cached file with items appended (as `iranaz add`
        writes them), parsing only what was appended; None when that is not so or anything is amiss
        (the whole file is then read as any other, to report its problems)."""
        before = self.cache.before_append(kind, path) if self.cache is not None else None
        if before is None:
            return None
        size, digest, records, lines = before
        if not (size < len(raw) and raw[size - 1 : size] == b"\n" and _APPENDED_ITEMS.match(raw, size)):
            return None
        if paths_digest(raw[:size]) != digest:
            return None
        try:
            value, added, problems, bad, appendable = parse_list(raw[size:].decode("utf-8"), "")
            new = [msgspec.convert(item, KINDS[kind]) for item in value]
        except (UnicodeDecodeError, FactBaseError, msgspec.ValidationError, TypeError):
            return None
        if problems or bad or not appendable or not new:
            return None
        offset = raw.count(b"\n", 0, size)
        merged = dict(lines)
        merged.update({(len(records) + at[0],): line + offset for at, line in added.items() if len(at) == 1})
        return [*records, *new], merged

    def _format(self, problem: str | tuple[str, Path_, str]) -> str:
        if isinstance(problem, str):
            return problem
        display, path, message = problem
        lines = self.lines.get(display, {})
        if len(path) > 1 and path not in lines:
            try:
                path_ = self.files[display]
                if path_.name in self.overrides:
                    _, lines, _, _ = parse_yaml(self.overrides[path_.name], display, all_lines=True)
                else:
                    _, lines, _, _ = read_yaml(path_, display, all_lines=True, root=self.root)
                self.lines[display] = lines
            except FactBaseError:
                pass  # changed since: the record's line will do
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
        if source.kind == "reference":
            self.source_text[source.id] = None
            if source.not_factual:
                self.at(display, (*where, "not_factual"), "only an article has sentences to mark 'not_factual'")
            return
        text = self._read_article(source, display, where)
        if text is None:
            self.failed["sources"].add(source.id)  # reported: its citations are neither checked nor reported
            return
        if fold_quote(text.split("\n", 1)[0]) != fold_quote(source.title):
            self.at(display, (*where, "title"), "title is not the article's first line")
        self.source_text[source.id] = fold_quote(text)
        self._index_article(source, text, display, where)

    def _read_article(self, source, display, where) -> str | None:
        """Return an article's text, or None after reporting why it cannot be read or trusted.

        The file is read only if its path stays inside the base and it is a regular file; its
        bytes must match the recorded sha256 before anything is checked against them, and a
        mismatch says no more than that (not the digest, not which quotes would be found).
        """
        if not (source.path and source.sha256):
            self.at(display, where, f"source '{source.id}': an article needs 'path' and 'sha256'")
            return None
        if not _SHA256.fullmatch(source.sha256):
            self.at(display, (*where, "sha256"), "sha256 must be 64 lowercase hex digits")
            return None
        try:
            raw, stamp = read_regular(source_file(self.data_dir, source.path), yamlread.MAX_FILE_BYTES)
        except Unreadable as e:
            self.at(display, (*where, "path"), f"source file {source.path} {e}")
            return None
        self.stamps.append(stamp)
        written = self.root / source.path
        if os.fsencode(written) != stamp[0]:  # through a symlink: retargeting it changes what this stats
            try:
                self.stamps.append(stamp_of(written))
            except OSError:  # gone since: a stamp no file has, so the base is not cached
                self.stamps.append((os.fsencode(written), -1, 0, 0, 0, ""))
        if stamp[-1] != source.sha256:
            message = f"source file {source.path} does not match its recorded sha256 (no quote is checked against it)"
            self.at(display, (*where, "sha256"), message)
            return None
        try:
            return _decode(raw, source.path)
        except FactBaseError as e:
            self.at(display, (*where, "path"), f"source file {e.problems[0]}")
            return None

    def _check_record(self, kind, record, display, where, people, sources) -> None:
        here = f"{display}:{self.lines[display][where]}"
        if not _ID.fullmatch(record.id):
            self.at(display, (*where, "id"), f"id '{record.id}' is not a lowercase slug (a-z, 0-9, -)")
        first = self.ids.setdefault(record.id, here)
        if first != here:
            self.at(display, (*where, "id"), f"duplicate id '{record.id}' (first at {first})")
        self._check_dates(record, display, where)
        if kind == "sources":
            if record.kind != "article" and record.sha256 is not None and not _SHA256.fullmatch(record.sha256):
                self.at(display, (*where, "sha256"), "sha256 must be 64 lowercase hex digits")
            return
        self._check_roles(record, display, where)
        self._check_references(kind, record, display, where, people, sources)
        self._check_citations(record, display, where)
        if kind == "quotes" and all(self._checkable(c.source) for c in record.sources):
            texts = [self.source_text[c.source] for c in record.sources]
            if not any(t is not None and fold_quote(record.text) in t for t in texts):
                self.at(display, (*where, "text"), "the quote's text is not found in any article it cites")

    def _unknown_reported(self, kind: str, ref: str) -> bool:
        """Whether an unknown id of ``kind`` may be a record whose failure is reported already."""
        return kind in self.unread or kind in self.nameless or ref in self.failed[kind]

    def _checkable(self, source: str) -> bool:
        """Whether citations of a source can be checked (not when its record or file failed)."""
        return source in self.source_text

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
            if not self._checkable(cite.source):
                if not self._unknown_reported("sources", cite.source):
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
            if self._unknown_reported("people", ref):
                continue  # its cause is reported already
            if field in SOURCE_OR_PERSON and self._unknown_reported("sources", ref):
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
    data_dir: str | os.PathLike[str] | None = None,
    *,
    cache: FileCache | None = None,
    overrides: dict[str, str] | None = None,
) -> tuple[FactBase, list[Stamp]]:
    """Read and check every file of a fact base; raise FactBaseError listing every problem.

    Return the base and the stamp of every file read (taken before it was read). With a
    ``cache``, files whose bytes were converted before are taken from it. ``overrides`` maps file
    names (``visits.yaml``) to text read instead of the file's, so that a change is checked with
    the whole base before it is written (no cache is used then).
    """
    path = resolve_data_dir(data_dir)
    validator = _Validator(path, _display_dir(path), None if overrides else cache, overrides)
    return validator.run(), validator.stamps


def _display_dir(path: Path) -> str:
    """Name a data folder as short as is unambiguous: relative to the working folder if inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def count_records(base: FactBase) -> int:
    """Return how many records the base holds, sources included."""
    return sum(len(getattr(base, kind)) for kind in KINDS)
