"""The name index of a base: each spelling of a name folded to one key, by transliteration rules.

Persian and Azerbaijani names reach English in many spellings. ``fold`` maps each spelling to one
key by rule (gh/q, zh/j, kh/x, ou/u/o, ei/ey/ai/ie, ee/i, doubled letters, -ian/-yan, Azerbaijani
letters, Persian letter forms and the zero-width non-joiner), so most variants meet exactly. The
index is built when a base is loaded and cached with it; ``ask.names`` ranks queries against it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

STOPWORDS = frozenset({"of", "the", "and", "to", "for", "in", "a", "an"})

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
NON_WORD = re.compile(r"[^\w]+")
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
def fold_word(word: str) -> str:
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
    words = NON_WORD.sub(" ", plain(text)).split()
    return " ".join(fold_word(w) for w in words)


def _keys(person: Any) -> Iterable[tuple[str, bool]]:
    """Yield (key, is_name) for a person: full names and their parts, then role titles and words."""
    for name in (person.name, *person.aliases):
        key = fold(name)
        yield key, True
        for part in key.split():
            if part not in STOPWORDS:
                yield part, True
    for role in person.roles:
        key = fold(role.title)
        yield key, False
        for part in key.split():
            if part not in STOPWORDS:
                yield part, False


def build_index(people: list[Any]) -> dict[str, list[int]]:
    """Map each folded key to the people it names: a name key as ``i``, a role key as ``~i``."""
    index: dict[str, list[int]] = {}
    seen: set[tuple[str, int]] = set()  # (a list scan per key was quadratic in the people sharing a key)
    for i, person in enumerate(people):
        for key, is_name in _keys(person):
            code = i if is_name else ~i
            if (key, code) not in seen:
                seen.add((key, code))
                index.setdefault(key, []).append(code)
    return index
