"""Quotes anchored in their article, and the article split into sentences.

A quote is matched on folded text (``text.fold_quote``: typographic quotes, dashes and runs of
whitespace aside), and its place is given in the article's own characters, as the W3C Web Annotation
model's TextPositionSelector (``start``, ``end``) and TextQuoteSelector (``exact``, ``prefix``,
``suffix``) do. Sentences come from a rule-based splitter, enough for news prose.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence

from ..model import Anchor, Sentence
from ..text import fold_quote

CONTEXT = 32  # characters of prefix and suffix, as Hypothesis keeps
INDEX_AFTER = 64  # quotes looked for in an article before its words are indexed (a few ms for 2 MiB) ...
KEYS = (12, 8, 4)  # ... by the first 12 characters of each (or 8 or 4, for a quote whose inner words are shorter) ...
CHECKED_MAX = 4_000  # ... unless the rarest holds more places to check than a search of 2 MiB costs
KEPT_MAX = 32_000_000  # starts of often-found phrases an article keeps (4 bytes each: 128 MB at most)


class FoldedText:
    """An article's text, its folded form, and where each folded character came from."""

    __slots__ = ("raw", "folded", "origin", "_kept", "_held", "_lines", "_asked", "_index")

    def __init__(self, raw: str):
        # (folded as fold_quote folds, and mapped back a word at a time, not a character at a time:
        # 16 MiB of articles took ~5 s)
        origin = array("l")  # folded index -> raw index
        end = -1
        for word in re.finditer(r"\S+", raw):  # (\s is str.isspace, as str.split() uses)
            if end >= 0:
                origin.append(end)  # the space a run of whitespace folds to: the run's first character
            start, end = word.span()
            origin.extend(range(start, end))
        self.raw = raw
        self.folded = fold_quote(raw)
        self.origin = origin
        self._kept: dict[str, Sequence[int]] = {}  # (phrases found over 1,000 times: where, in order of use)
        self._held = 0  # (how many starts _kept holds)
        self._lines: Sequence[int] | None = None
        self._asked = 0
        self._index: dict[int, dict[str, list[int]]] = {}  # (key length: word starts by their first characters)

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Return the raw (start, end) of every occurrence of ``quote`` (folded), overlapping ones too."""
        needle = fold_quote(quote)
        return [self._span(at, needle) for at in self._starts(needle)] if needle else []

    def count_and_span(self, quote: str, n: int) -> tuple[int, tuple[int, int] | None]:
        """Return how many times ``quote`` (folded) is in the text, and the raw span of its occurrence
        ``n`` (from 1), or None if there is none: the whole list of spans is never made, and the
        starts of a quote found many times are kept (200 quotes of one phrase with 500,000 hits
        took 29 s to anchor, each finding them all again)."""
        needle = fold_quote(quote)
        starts = self._starts(needle) if needle else ()
        return len(starts), (self._span(starts[n - 1], needle) if 1 <= n <= len(starts) else None)

    def _starts(self, needle: str) -> Sequence[int]:
        """Where in the folded text each occurrence of ``needle`` starts; those of a phrase found over 1,000
        times are kept, up to KEPT_MAX starts in all (sixteen kept by count were found again and again
        when seventeen phrases were cited in turn: 80 ms a quote)."""
        starts = self._kept.get(needle)
        if starts is None:
            self._asked += 1
            starts = self._indexed(needle) if self._asked > INDEX_AFTER else None
            if starts is None:
                starts = array("I")
                at = self.folded.find(needle)
                while at != -1:
                    starts.append(at)
                    at = self.folded.find(needle, at + 1)
            if len(starts) > 1000:
                self._kept[needle] = starts
                self._held += len(starts)
                while self._held > KEPT_MAX and len(self._kept) > 1:  # (the least recently used go first)
                    self._held -= len(self._kept.pop(next(iter(self._kept))))
        else:
            self._kept[needle] = self._kept.pop(needle)  # (now the most recently used)
        return starts

    def _indexed(self, needle: str) -> Sequence[int] | None:
        """Where ``needle`` starts, found through the words of the text (None if it holds no word to look
        up, or only words the text begins too often to be quicker than a search): every occurrence of it
        has each of its inner words where a word of the text begins, so the places where the rarest of
        them begins, checked, are all of them. Searching the whole article for each quote took 0.4 ms a
        quote in a 2 MiB article (35 s for a base of 88,000 quotes)."""
        best: tuple[int, list[int]] | None = None
        for j in range(1, len(needle)):
            if needle[j - 1] != " ":
                continue
            key = next((k for k in KEYS if j + k <= len(needle)), 0)
            if key:
                places = self._words(key).get(needle[j : j + key], [])
                if best is None or len(places) < len(best[1]):
                    best = (j, places)
        if best is None or len(best[1]) > CHECKED_MAX:
            return None
        j, places = best
        folded = self.folded
        return array("I", (c - j for c in places if folded.startswith(needle, c - j)))

    def _words(self, key: int) -> dict[str, list[int]]:
        """Where each word of the folded text (but the first) begins, by its first ``key`` characters."""
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = {}
            folded = self.folded
            for space in re.finditer(" ", folded):
                at = space.end()
                index.setdefault(folded[at : at + key], []).append(at)
        return index

    def _span(self, at: int, needle: str) -> tuple[int, int]:
        return self.origin[at], self.origin[at + len(needle) - 1] + 1

    def _breaks(self) -> Sequence[int]:
        """Where the raw text's line breaks are, found once (counting them for each anchor took 0.3 ms
        a quote in a 2 MiB article: 26 s of a base's 88,000 quotes)."""
        if self._lines is None:
            self._lines = array("l", (m.start() for m in re.finditer("\n", self.raw)))
        return self._lines

    def anchor(self, start: int, end: int) -> Anchor:
        """Return the anchor of raw characters ``start`` to ``end``."""
        raw = self.raw
        return Anchor(
            start=start,
            end=end,
            line=bisect_left(self._breaks(), start) + 1,
            exact=raw[start:end],
            prefix=raw[max(0, start - CONTEXT) : start],
            suffix=raw[end : end + CONTEXT],
        )


# A sentence ends at . ! or ? (and any closing quotes or brackets after it) followed by whitespace
# and then something other than a lowercase letter; a line break always ends one. The pattern is
# linear on any text: a match starts only where a run of . ! ? starts (the look-behind), and the
# possessive quantifiers never give back what they took, so no run is scanned twice.
_END = re.compile(r"(?<![.!?])[.!?]++[”’\"')\]]*+(?=\s++(?![a-z])|$)")
# Words whose final period is not a sentence's end.
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "col", "no", "vs", "etc", "e.g", "i.e"})
_INITIALS = re.compile(r"(?:[A-Za-z]\.)?[A-Za-z]")  # an initial, or two (U.S): at most 3 characters
# How far back an abbreviation is looked for: longer than any abbreviation, so the look-back is bounded.
_LOOK_BACK = 16


def _abbreviation(paragraph: str, period: int) -> bool:
    """Whether the period at ``period`` closes an abbreviation (``U.S.``, ``Dr.``, an initial)."""
    before = paragraph[max(0, period - _LOOK_BACK) : period]
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip("“\"‘'(")
    if word.casefold() in _ABBREVIATIONS:
        return True
    return len(word) <= 3 and word[:1].isupper() and bool(_INITIALS.fullmatch(word))


def split_sentences(raw: str) -> list[Sentence]:
    """Split a text into sentences: each line is a paragraph, and a paragraph splits at sentence ends."""
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(raw.split("\n"), start=1):
        start = 0
        for m in _END.finditer(line):
            if m.group(0)[0] == "." and _abbreviation(line, m.start()):
                continue
            _add(sentences, line, start, m.end(), offset, number)
            start = m.end()
        _add(sentences, line, start, len(line), offset, number)
        offset += len(line) + 1
    return sentences


def _add(sentences: list[Sentence], line: str, start: int, end: int, offset: int, number: int) -> None:
    text = line[start:end]
    stripped = text.strip()
    if stripped:
        lead = len(text) - len(text.lstrip())
        first = offset + start + lead
        sentences.append(Sentence(start=first, end=first + len(stripped), line=number, text=stripped))
