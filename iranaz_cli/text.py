"""Text as iranaz compares and shows it: quotes folded for matching, control characters made visible."""

from __future__ import annotations

import re

_FOLDS = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "—": "-", "–": "-"})
_SPACE = re.compile(r"\s+")


def fold_quote(text: str) -> str:
    """Fold typographic quotes, dashes and runs of whitespace, as quote checks compare them."""
    return _SPACE.sub(" ", text.translate(_FOLDS)).strip()


# Control characters (but newline and tab) and bidirectional overrides could move the cursor,
# recolour or hide text in a terminal: they are shown as escapes instead.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Return ``text`` with control characters made visible (ESC as '\\x1b')."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
