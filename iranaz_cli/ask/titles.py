"""Role titles by their words: a query names a title when every word of it is a word of the title,
never by likeness across different titles ("foreign minister" is not the Foreign Ministry's
spokesperson); near titles are offered as suggestions, not as answers."""

from __future__ import annotations

from ..errors import NotFound
from ..model import Person, Role

# How many near titles a miss suggests.
NEAREST = 3


def _words(text: str) -> list[str]:
    from .names import STOPWORDS, fold

    return [w for w in fold(text).split() if w not in STOPWORDS]


def titles_with_words(pairs: list[tuple[Person, Role]], query: str) -> list[int]:
    """Return the indexes of the roles whose title has every word of ``query``, fewest other words first
    kept only ("president of iran" is the President of Iran, not the President's political advisor)."""
    wanted = set(_words(query))
    if not wanted:
        return []
    hits = {i: len(set(_words(r.title)) - wanted) for i, (_, r) in enumerate(pairs) if wanted <= set(_words(r.title))}
    fewest = min(hits.values(), default=0)
    return [i for i, extra in hits.items() if extra == fewest]


def no_title(pairs: list[tuple[Person, Role]], query: str) -> NotFound | None:
    """Return the error of a query that reads as a title no one holds, with the nearest titles; None
    when no word of it is like a word of any title (then it is a name)."""
    from rapidfuzz import fuzz

    from .names import CUTOFF

    wanted = _words(query)
    near: dict[str, tuple[int, list[str]]] = {}
    for person, role in pairs:
        words = _words(role.title)
        alike = sum(1 for w in wanted if any(fuzz.ratio(w, t) >= CUTOFF for t in words))
        if alike:
            _, holders = near.setdefault(role.title, (alike, []))
            if person.name not in holders:
                holders.append(person.name)
    if not near:
        return None
    ranked = sorted(near.items(), key=lambda t: (-t[1][0], t[0]))[:NEAREST]
    listed = ", ".join(f"{title} ({_holders(holders)})" for title, (_, holders) in ranked)
    return NotFound(f"no one matches '{query}': no title in the base has these words; nearest titles: {listed}")


def _holders(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= 2 else f"{names[0]}, {names[1]} and {len(names) - 2} more"
