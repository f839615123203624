"""Find words in a source as an editor types them, and the sentence around them.

``locate`` is tolerant where typing differs from print: straight against typographic quotes and
apostrophes, hyphens against en and em dashes (and the spaces around them), case and runs of
whitespace. Every hit is returned as offsets into the text as stored, so the span it names is the
source's own words, ready to paste as a ``quote``.
"""

from __future__ import annotations

import re
from typing import Any

_FOLD = {
    "‘": "'",
    "’": "'",
    "‛": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "″": '"',
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "İ": "I",  # (Azerbaijani and Turkish capital dotted I: lower() makes it i and a combining dot, which no i matches)
}


def sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of each sentence of ``text`` (``anchors.split_sentences``, one splitter)."""
    from ..store.anchors import split_sentences

    return [(s.start, s.end) for s in split_sentences(text)]


def fold(text: str) -> tuple[str, list[int]]:
    """Return ``text`` folded for matching and, for each folded character, its offset in ``text``.

    Quotes and dashes are made plain, case is folded, a run of whitespace becomes one space and
    whitespace beside a dash is dropped (``a — b`` matches ``a-b``).
    """
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        char = _FOLD.get(char, char)
        if char.isspace():
            if not out or out[-1] in " -":
                continue
            char = " "
        elif char == "-" and out and out[-1] == " ":
            out.pop()
            where.pop()
        for folded in char.lower():
            out.append(folded)
            where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


_FOLD_TABLE = str.maketrans(_FOLD)
_SPACES = re.compile(r"\s+")
_SPACED_DASH = re.compile(r" ?- ?")


def fold_key(text: str) -> str:
    """Return ``fold(text)[0]`` without the offsets, faster (for what is looked for, not looked in)."""
    folded = _SPACES.sub(" ", text.translate(_FOLD_TABLE)).strip()
    return "".join(map(str.lower, _SPACED_DASH.sub("-", folded)))


def find(text: str, needle: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets in ``text`` of every place ``needle`` is found, folded as ``fold``."""
    folded, where = fold(text)
    key = fold_key(needle)
    if not key:
        return []
    hits = []
    at = folded.find(key)
    while at != -1:
        hits.append((where[at], where[at + len(key) - 1] + 1))
        at = folded.find(key, at + 1)
    return hits


# Characters of its sentence a hit shows on each side of it, at most: a sentence may be a whole article
# (2 MiB with no full stop), and 500,000 hits each holding a copy of it ran out of memory.
AROUND = 300


def hits_in(source_id: str, text: str, needle: str, spans: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """Return every hit of ``needle`` in one source's text (split into ``spans``), as a plain dict each.

    One pass over the hits, in order: each hit's line, sentence and occurrence number are found from
    the one before or looked up, not searched for from the start (a 50 KB article of 9,800 hits took 29 s)."""
    from bisect import bisect_left, bisect_right

    from ..store.anchors import FoldedText

    spans = sentences(text) if spans is None else spans
    starts, ends = [a for a, _ in spans], [b for _, b in spans]
    exact = FoldedText(text)  # as the validator anchors quotes: which occurrence a span is
    numbered: dict[str, dict[int, int]] = {}  # a quote's text: where each of its occurrences starts, and its number
    hits = []
    line, counted, line_start = 1, 0, 0
    for start, end in find(text, needle):  # (in order of start)
        quote = text[start:end]
        if quote not in numbered:
            numbered[quote] = {a: k for k, (a, _) in enumerate(exact.find_all(quote), 1)}
        same = numbered[quote]
        line += text.count("\n", counted, start)
        line_start = max(line_start, text.rfind("\n", counted, start) + 1)
        counted = start
        first, last = bisect_right(ends, start), bisect_left(starts, end) - 1  # the sentences it overlaps
        s_start, s_end = (min(start, starts[first]), max(end, ends[last])) if first <= last else (start, end)
        s_start, s_end = max(s_start, start - AROUND), min(s_end, end + AROUND)
        hits.append(
            {
                "source": source_id,
                "line": line,
                "column": start - line_start + 1,
                "start": start,
                "end": end,
                "quote": quote,
                "sentence": text[s_start:s_end],
                "sentence_start": s_start,
                "sentence_end": s_end,
                "occurrence": same.get(start, 1),
                "occurrences": len(same),
            }
        )
    return hits


def closest(texts: dict[str, str], needle: str) -> tuple[str, str] | None:
    """Return (source id, sentence) of the sentence nearest ``needle`` over all ``texts``, or None."""
    from rapidfuzz import fuzz

    key = fold_key(needle)
    best: tuple[float, str, str] | None = None
    for source_id, text in texts.items():
        for start, end in sentences(text):
            sentence = text[start:end]
            folded = fold_key(sentence)
            # partial: the words are a slightly wrong part of the sentence; token set: its words reordered
            score = max(fuzz.partial_ratio(key, folded), fuzz.token_set_ratio(key, folded))
            if best is None or score > best[0]:
                best = (score, source_id, sentence)
    if best is None or best[0] < 70:  # below, a "suggestion" is noise (measured: unrelated words score 50-67)
        return None
    return best[1], best[2]


def source_texts(base: Any, data_dir: Any, source_id: str | None = None) -> dict[str, str]:
    """Return the text of each article of a loaded base (or of the one named), by source id."""
    from ..errors import NotFound
    from ..store.paths import resolve_data_dir, source_file
    from ..store.yamlread import decode, read_file

    folder = resolve_data_dir(data_dir)
    articles = [s for s in base.sources if s.path and (source_id is None or s.id == source_id)]
    if source_id is not None and not articles:
        known = ", ".join(s.id for s in base.sources if s.path) or "none"
        raise NotFound(f"no article with id {source_id!r} (articles: {known})")
    # read as the loader reads them: a regular file in seeds/, within the size cap
    return {s.id: decode(read_file(source_file(folder, s.path), s.path)[0], s.path) for s in articles}


def find_in_base(base: Any, data_dir: Any, needle: str, source_id: str | None = None) -> tuple[list[dict], str]:
    """Return every hit of ``needle`` in the base's articles, and a "did you mean" when there is none."""
    texts = source_texts(base, data_dir, source_id)
    spans = {sid: [(s.start, s.end) for s in base.sentences.get(sid, [])] or None for sid in texts}
    hits = [hit for sid, text in texts.items() for hit in hits_in(sid, text, needle, spans[sid])]
    if hits:
        return hits, ""
    near = closest(texts, needle)
    return [], (f"; did you mean ({near[0]}): {near[1]!r}?" if near else "")
