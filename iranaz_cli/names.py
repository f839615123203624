"""Find people by name as readers type them: folded by transliteration rules, ranked by rapidfuzz.

Persian and Azerbaijani names reach English in many spellings. ``fold`` maps each spelling to one
key by rule (gh/q, zh/j, kh/x, ou/u/o, ei/ey/ai/ie, ee/i, doubled letters, -ian/-yan, Azerbaijani
letters, Persian letter forms and the zero-width non-joiner), so most variants meet exactly; what
is left (typos, e/i, a/e) is scored with ``rapidfuzz.fuzz.ratio`` against a cut-off.

Names are taken as people write them: honorifics and titles (``TITLES``) are dropped when the
query matches better without them, two query words that together are one word of a name are
joined (Ahmadi Nejad, احمدی نژاد), extra given names are forgiven, and invisible format characters
(soft hyphens, zero-width spaces) are ignored.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# A key scoring at least this (0-100) is a match; one at least SUGGEST is offered as "did you mean".
CUTOFF = 75.0
SUGGEST = 55.0
# People scoring within this of the best are returned with it, as matching about equally well.
TIE = 5.0
# What each extra word (a given name the base does not record) costs a match.
EXTRA_NAME = 1.0

_STOPWORDS = frozenset({"of", "the", "and", "to", "for", "in", "a", "an"})

_LETTERS = str.maketrans(
    {
        # Azerbaijani Latin letters, folded as English transliteration writes them
        "ə": "a", "ä": "a", "ı": "i", "ş": "sh", "ç": "ch", "ğ": "gh", "ö": "o", "ü": "u",
        # Persian and Arabic forms of the same letters, and the zero-width non-joiner
        "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "\u200c": "", "\u200d": "", "\u0640": "",
        # apostrophes and hamza signs inside transliterated names (Khamene'i)
        "'": "", "’": "", "ʼ": "", "ʻ": "", "`": "",
    }
)  # fmt: skip
_NON_WORD = re.compile(r"[^\w]+")
_DIGRAPHS = (("gh", "q"), ("zh", "j"), ("kh", "x"))
_OW = re.compile(r"ow(?![aeiouy])")
_YAN = re.compile(r"(?<=[^aeiouy])yan$")
_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLE = re.compile(r"(.)\1+")
_LONG_VOWELS = {"ou": "o", "oo": "o", "uo": "o", "uu": "o", "ee": "i", "ii": "i", "iy": "i",
                "yi": "i", "aa": "a"}  # fmt: skip
_SHORT_VOWELS = {"u": "o", "y": "i"}


def _vowel_run(m: re.Match[str]) -> str:
    run = m.group(0)
    if len(run) == 1:
        return _SHORT_VOWELS.get(run, run)
    return _LONG_VOWELS.get(run, "e")


@functools.lru_cache(maxsize=1 << 16)  # search folds every word of every record; words repeat
def _fold_word(word: str) -> str:
    if not word.isascii():
        return word  # Persian script: letter forms are already unified
    for a, b in _DIGRAPHS:
        word = word.replace(a, b)
    word = _OW.sub("ou", word)
    word = _YAN.sub("ian", word)
    head, rest = (word[:1], word[1:]) if word[:1] == "y" else ("", word)
    return _DOUBLE.sub(r"\1", head + _VOWELS.sub(_vowel_run, rest))


def plain(text: str) -> str:
    """Lower-case ``text`` and strip accents, marks and invisible format characters (soft hyphens,
    zero-width spaces, direction marks): İlham -> ilham, Əliyev -> aliyev."""
    text = text.casefold().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed if decomposed.isascii() else decomposed.translate(_UNMARKED)


class _Unmarked(dict):
    """A str.translate table that drops combining marks and format characters (Unicode category Cf),
    deciding each character once, when first seen."""

    def __missing__(self, code: int) -> int | None:
        c = chr(code)
        kept = None if unicodedata.combining(c) or unicodedata.category(c) == "Cf" else code
        self[code] = kept
        return kept


_UNMARKED = _Unmarked()


def fold(text: str) -> str:
    """Return the matching key of a name: accents, script forms and spelling variants folded."""
    words = _NON_WORD.sub(" ", plain(text)).split()
    return " ".join(_fold_word(w) for w in words)


def _keys(person: Any) -> Iterable[tuple[str, bool]]:
    """Yield (key, is_name) for a person: full names and their parts, then role titles and words."""
    for name in (person.name, *person.aliases):
        key = fold(name)
        yield key, True
        for part in key.split():
            if part not in _STOPWORDS:
                yield part, True
    for role in person.roles:
        key = fold(role.title)
        yield key, False
        for part in key.split():
            if part not in _STOPWORDS:
                yield part, False


def build_index(people: list[Any]) -> dict[str, list[int]]:
    """Map each folded key to the people it names: a name key as ``i``, a role key as ``~i``."""
    index: dict[str, list[int]] = {}
    for i, person in enumerate(people):
        for key, is_name in _keys(person):
            entry = index.setdefault(key, [])
            code = i if is_name else ~i
            if code not in entry:
                entry.append(code)
    return index


def _query_words(index: dict[str, list[int]], query: str) -> list[str]:
    """Fold a query into words, joining two words that together are one word of a name, so a
    compound name matches written joined or split by a space, hyphen or ZWNJ (Ahmadi Nejad)."""
    raw = _NON_WORD.sub(" ", plain(query)).split()
    words: list[str] = []
    i = 0
    while i < len(raw):
        joined = _fold_word(raw[i] + raw[i + 1]) if i + 1 < len(raw) else None
        if joined is not None and joined in index:
            words.append(joined)
            i += 2
        else:
            words.append(_fold_word(raw[i]))
            i += 1
    return words


def strip_titles(key: str) -> str:
    """Drop honorifics and titles (Seyed, Dr, Ayatollah, President, ...) from a folded key."""
    return " ".join(w for w in key.split() if w not in TITLES)


def rank(index: dict[str, list[int]], query: str) -> tuple[list[tuple[int, float]], list[int]]:
    """Return the people matching ``query`` as (index, score), best first, and near misses.

    A query equal to a folded name, alias or role title scores 100. Otherwise each word of the
    query is scored against every one-word key (name parts, role words) with rapidfuzz, and a
    person scores the *worst* of their words' best scores: "president of france" must not match
    the presidents of Iran on the strength of "president" alone. Extra given names are forgiven
    (see ``_scores``); honorifics are dropped when the query matches better without them.
    """
    best, names_only = scores(index, query)
    matches = sorted(((p, s) for p, s in best.items() if s >= CUTOFF), key=lambda ps: (-ps[1], ps[0]))
    if matches:
        top = matches[0][1]
        return [(p, s) for p, s in matches if s >= top - TIE], []
    near = [p for p in sorted(names_only, key=lambda p: (-names_only[p], p)) if names_only[p] >= SUGGEST]
    return [], near[:3]


def candidates(index: dict[str, list[int]], query: str, n: int = 5) -> list[tuple[int, float]]:
    """Return up to ``n`` people ``query`` may name, as (index, score), best first (SUGGEST and above)."""
    best, _ = scores(index, query)
    return sorted(((p, s) for p, s in best.items() if s >= SUGGEST), key=lambda ps: (-ps[1], ps[0]))[:n]


def scores(index: dict[str, list[int]], query: str) -> tuple[dict[int, float], dict[int, float]]:
    """Score the people ``query`` may name: (person -> score over names and roles, over names only).

    Titles are dropped ("Dr Raisi", "President Aliyev") when the query without them matches someone
    better than with them, so "president of iran" stays a question about a role.
    """
    words = _query_words(index, query)
    found = _scores(index, words)
    rest = [w for w in words if w not in TITLES]
    if rest and len(rest) < len(words):
        without = _scores(index, rest)
        if max(without[0].values(), default=0.0) >= max(CUTOFF, max(found[0].values(), default=0.0) + 0.5):
            return without
    return found


def _scores(index: dict[str, list[int]], words: list[str]) -> tuple[dict[int, float], dict[int, float]]:
    best: dict[int, float] = {}
    names_only: dict[int, float] = {}
    if not words:
        return best, names_only
    exact = index.get(" ".join(words))
    if exact:
        for code in exact:
            best[code if code >= 0 else ~code] = 100.0
            if code >= 0:
                names_only[code] = 100.0
        return best, names_only
    content = [w for w in words if w not in _STOPWORDS] or words
    per_word = [_word_scores(index, w) for w in content]
    for person in set().union(*(s for s, _ in per_word)):
        best[person] = min(s.get(person, 0.0) for s, _ in per_word)
        names = [n.get(person, 0.0) for _, n in per_word]
        names_only[person] = min(names)
        # Extra given names ("Ali Akbar Hashemi Rafsanjani"): the last word and at least one other
        # match the person's names; each word that does not costs EXTRA_NAME points.
        matched = [x for x in names if x >= CUTOFF]
        if best[person] < CUTOFF and names[-1] >= CUTOFF and len(matched) >= 2:
            best[person] = names_only[person] = min(matched) - EXTRA_NAME * (len(names) - len(matched))
    return best, names_only


# Per index (one base): its one-word keys, and each word's scores already computed (`resolve` meets
# the same given names and surnames again and again).
# (Kept with the index itself, not its id: an id can be reused once an index is gone.)
_MEMO: tuple[dict[str, list[int]], list[str], dict[str, tuple[dict[int, float], dict[int, float]]]] = ({}, [], {})


def _word_scores(index: dict[str, list[int]], word: str) -> tuple[dict[int, float], dict[int, float]]:
    """Score one query word against every one-word key: best per person, and over name keys only."""
    global _MEMO
    if _MEMO[0] is not index:
        _MEMO = (index, [k for k in index if " " not in k], {})
    _, keys, done = _MEMO
    if word not in done:
        done[word] = _score_word(index, keys, word)
    return done[word]


def _score_word(index: dict[str, list[int]], keys: list[str], word: str) -> tuple[dict[int, float], dict[int, float]]:
    from rapidfuzz import fuzz, process

    scores: dict[int, float] = {}
    names: dict[int, float] = {}
    for key, score, _ in process.extract_iter(word, keys, scorer=fuzz.ratio, score_cutoff=SUGGEST):
        for code in index[key]:
            person = code if code >= 0 else ~code
            scores[person] = max(scores.get(person, 0.0), score)
            if code >= 0:
                names[person] = max(names.get(person, 0.0), score)
    return scores, names


# Honorifics and titles that are not part of a name, folded (Latin and Persian script).
TITLES = frozenset(
    fold(t)
    for t in ("Seyed", "Seyyed", "Sayyid", "Sayed", "Seyyid", "Hojatoleslam", "Hojjatoleslam", "Hojatolislam",
              "Ayatollah", "Ayatullah", "Grand", "Dr", "Mr", "Mrs", "Ms", "Mx", "President", "Sheikh", "Shaikh",
              "Haj", "Hajj", "Haji", "Agha", "Aqa", "Mirza", "Sir",
              "سید", "دکتر", "آیت‌الله", "حجت‌الاسلام", "شیخ", "حاج", "حاجی", "آقا", "رئیس‌جمهور")
)  # fmt: skip
