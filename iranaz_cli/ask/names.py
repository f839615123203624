"""Find people by name as readers type them: queries folded as the index is (``store.nameindex``),
then ranked by rapidfuzz.

What folding leaves (typos, e/i, a/e) is scored with ``rapidfuzz.fuzz.ratio`` against a cut-off.
Names are taken as people write them: honorifics and titles (``TITLES``) are dropped when the
query matches better without them, two query words that together are one word of a name are
joined (Ahmadi Nejad, احمدی نژاد), extra given names are forgiven, and invisible format characters
(soft hyphens, zero-width spaces) are ignored.
"""

from __future__ import annotations

from ..store.nameindex import NON_WORD, STOPWORDS, build_index, fold, fold_word, plain

__all__ = ["build_index", "fold", "plain", "rank", "candidates", "scores", "strip_titles", "given_name_only", "TITLES"]

# A key scoring at least this (0-100) is a match; one at least SUGGEST is offered as "did you mean"
# (below 70, ratio finds likeness in unrelated names: Araghchi and Raisi score 57). A query word of
# three letters or more that begins a name ("Rafs") is suggested too, at SUGGEST.
CUTOFF = 75.0
SUGGEST = 70.0
PREFIX = 3
# People scoring within this of the best are returned with it, as matching about equally well.
TIE = 5.0
# What each extra word (a given name the base does not record) costs a match.
EXTRA_NAME = 1.0


def _query_words(index: dict[str, list[int]], query: str) -> list[str]:
    """Fold a query into words, joining two words that together are one word of a name, so a
    compound name matches written joined or split by a space, hyphen or ZWNJ (Ahmadi Nejad)."""
    raw = NON_WORD.sub(" ", plain(query)).split()
    words: list[str] = []
    i = 0
    while i < len(raw):
        joined = fold_word(raw[i] + raw[i + 1]) if i + 1 < len(raw) else None
        if joined is not None and joined in index:
            words.append(joined)
            i += 2
        else:
            words.append(fold_word(raw[i]))
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
    content = [w for w in words if w not in STOPWORDS] or words
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
    if len(word) >= PREFIX:
        for key in keys:
            if key.startswith(word):
                for code in index[key]:
                    if code >= 0:
                        scores[code] = max(scores.get(code, 0.0), SUGGEST)
                        names[code] = max(names.get(code, 0.0), SUGGEST)
    return scores, names


def given_name_only(names: list[str], query: str) -> bool:
    """Whether ``query`` names a person only by a given name: one word, matching the first word of one
    of their ``names`` (name and aliases: "Ali" of Ali Khamenei, a name many people share) and never
    their surname (the last word), a whole one-word name, or a full name."""
    words = strip_titles(fold(query)).split() or fold(query).split()
    if len(words) != 1:
        return False
    word = words[0]
    split = [parts for name in names if (parts := [w for w in fold(name).split() if w not in STOPWORDS])]
    if any(len(parts) == 1 or parts[-1] == word for parts in split):
        return False
    if any(parts[0] == word for parts in split):
        return True  # (decided without rapidfuzz: an exact query costs no import)
    from rapidfuzz import fuzz

    if any(fuzz.ratio(word, parts[-1]) >= CUTOFF for parts in split):
        return False
    return any(fuzz.ratio(word, parts[0]) >= CUTOFF for parts in split)


# Honorifics and titles that are not part of a name, folded (Latin and Persian script).
TITLES = frozenset(
    fold(t)
    for t in ("Seyed", "Seyyed", "Sayyid", "Sayed", "Seyyid", "Hojatoleslam", "Hojjatoleslam", "Hojatolislam",
              "Ayatollah", "Ayatullah", "Grand", "Dr", "Mr", "Mrs", "Ms", "Mx", "President", "Sheikh", "Shaikh",
              "Haj", "Hajj", "Haji", "Agha", "Aqa", "Mirza", "Sir",
              "سید", "دکتر", "آیت‌الله", "حجت‌الاسلام", "شیخ", "حاج", "حاجی", "آقا", "رئیس‌جمهور")
)  # fmt: skip
