"""Every dated record in one order, and search across every record's own text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import NotFound, UsageError
from ..model import FactBase
from ..text import fold_quote
from .people import term_id, terms
from .rows import (
    TIMELINE_FILES,
    TIMELINE_KINDS,
    Lookup,
    brief,
    chronological,
    date_span,
    in_span,
    kind_of,
    record_columns,
    record_fields,
    records_of,
    year_of,
)


def timeline(
    base: FactBase,
    since: int | str | None = None,
    until: int | str | None = None,
    kinds: Iterable[str] | None = None,
) -> list[dict]:
    """Return every dated record of the chosen kinds, oldest first; kinds asked for by name also list
    their undated records, last (unless a year range is asked for: undated records are in none)."""
    span = date_span(since, until)
    chosen = set(kinds) if kinds else set(TIMELINE_KINDS)
    unknown = chosen - set(TIMELINE_KINDS)
    if unknown:
        raise UsageError(f"unknown kind '{sorted(unknown)[0]}' (use one of {', '.join(TIMELINE_KINDS)})")
    lookup = Lookup(base)
    rows = [
        brief(kind, record, lookup)
        for kind, record in records_of(base, TIMELINE_FILES)
        if record.date and kind_of(kind, record) in chosen and in_span(record.date, span)
    ]
    if "term" in chosen:
        rows += [r for r in _term_rows(base, lookup) if in_span(r["date"], span)]
    rows.sort(key=chronological)
    if kinds:
        undated = [
            brief(kind, record, lookup)
            for kind, record in records_of(base, TIMELINE_FILES)
            if not record.date and kind_of(kind, record) in chosen
        ]
        if since is None and until is None:
            rows += undated
        elif not rows and undated:
            counts = Counter(r["kind"] for r in undated)
            listed = ", ".join(f"{n} {k} record{'' if n == 1 else 's'}" for k, n in counts.items())
            raise NotFound(
                f"no dated records match; {listed} {'is' if len(undated) == 1 else 'are'} undated"
                " (without --since and --until, --kind lists them)"
            )
    return rows


def _term_rows(base: FactBase, lookup: Lookup) -> list[dict]:
    """Return a row for each start and end of a term of office (ids ``PERSON@term-N`` and
    ``PERSON@term-N/end``); on one day, an end before a start."""
    from ..edtf import sort_key

    found = []
    for p, r in terms(base):
        acting = " (acting)" if r.acting and "acting" not in r.title.casefold() else ""
        found.append((r.start, 1, term_id(p, r), f"{p.name} took office as {r.title}{acting}", r))
        if r.end:
            reason = f": {r.end_reason}" if r.end_reason else ""
            found.append((r.end, 0, f"{term_id(p, r)}/end", f"{p.name}'s term as {r.title} ended{reason}", r))
    found.sort(key=lambda f: (sort_key(f[0]), f[1]))
    return [
        {
            "id": pid,
            "kind": "term",
            "date": day,
            "year": year_of(day),
            "summary": text,
            "sources": lookup.cite(r.sources),
        }
        for day, _, pid, text, r in found
    ]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


_WORDS_ONLY = re.compile(r"[\w\s'’\u00ad\u200b-\u200d-]+")


def _searched_text(kind: str, record: Any, lookup: Lookup) -> list[str]:
    """Return the texts search looks in: a record's own fields, and the quotes and notes of its citations
    (not those cited only to date it, nor the ids of the sources it cites, which every record of an
    article shares)."""
    fields = record_fields(kind, record, lookup)
    for name, _, how in record_columns(kind):
        if how in ("id", "ids"):  # the names are searched; the ids may be a source's (according_to)
            del fields[name]
    if "notes" in fields:  # an attributed note: its text and names
        fields["notes"] = [n if isinstance(n, str) else [n["text"], n["according_to"]] for n in fields["notes"]]
    cited = fields.pop("sources", [])
    return [*_strings(fields), *(c.get("quote") or c.get("note") or "" for c in cited if not c.get("dating"))]


def search(base: FactBase, text: str) -> list[dict]:
    """Return every record containing ``text``: literally (case, accents and quotes folded), or with
    spelling folded as names are (Rajaei finds Rajaee) and spaces and hyphens ignored."""
    from .names import fold, plain, strip_titles

    literal = plain(fold_quote(text))
    if not literal:
        raise UsageError("the search text is empty" if not text.strip() else "the search text has no letter or digit")
    # Words (with spaces, hyphens, apostrophes) are also matched with spelling folded; text with other
    # punctuation, such as "(COP29)", only literally.
    spelled = strip_titles(fold(text)).replace(" ", "") if _WORDS_ONLY.fullmatch(text) else ""
    if len(spelled) < 3:  # folded that short ('aaaa' is 'e'), a spelling would match almost every record
        spelled = ""
    lookup = Lookup(base)
    rows = []
    for kind, record in records_of(base):
        texts = _searched_text(kind, record, lookup)
        if literal in plain(fold_quote("\n".join(texts))) or (
            spelled and spelled in "|".join(fold(t).replace(" ", "") for t in texts)
        ):
            rows.append(brief(kind, record, lookup))
    rows.sort(key=chronological)
    return rows
