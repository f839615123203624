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


def line_column(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column (in characters) of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def sentence_around(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Return the span of the sentences that hold ``start``..``end``."""
    inside = [s for s in spans if s[0] < end and s[1] > start] or [(start, end)]
    return min(start, inside[0][0]), max(end, inside[-1][1])


def hits_in(source_id: str, text: str, needle: str, spans: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """Return every hit of ``needle`` in one source's text (split into ``spans``), as a plain dict each."""
    from ..store.anchors import FoldedText

    spans = sentences(text) if spans is None else spans
    exact = FoldedText(text)  # as the validator anchors quotes: which occurrence a span is
    hits = []
    for start, end in find(text, needle):
        same = exact.find_all(text[start:end])
        line, column = line_column(text, start)
        s_start, s_end = sentence_around(spans, start, end)
        hits.append(
            {
                "source": source_id,
                "line": line,
                "column": column,
                "start": start,
                "end": end,
                "quote": text[start:end],
                "sentence": text[s_start:s_end],
                "sentence_start": s_start,
                "sentence_end": s_end,
                "occurrence": next((k for k, (a, _) in enumerate(same, 1) if a == start), 1),
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
