"""Text as iranaz compares and shows it: quotes folded for matching, control characters made visible."""

from __future__ import annotations

import functools
import re

_FOLDS = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def fold_quote(text: str) -> str:
    """Fold typographic quotes, dashes and runs of whitespace, as quote checks compare them."""
    if not text.isascii():  # ASCII has nothing to fold but whitespace (a fast path for validation)
        text = text.translate(_FOLDS)
    return " ".join(text.split())  # the same whitespace as `\s+` (str.isspace), several times faster


def number(value: float) -> str:
    """Return a number as recorded: the shortest text that reads back as the same float (1234567.5, not
    %g's 1.23457e+06), without a trailing '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


# Control characters (C0, DEL, C1), the line and paragraph separators (U+2028, U+2029: a terminal
# or Rich may break the line there) and bidirectional overrides could move the cursor, recolour or
# hide text in a terminal, and lone surrogates (bytes of a file name that are not UTF-8, as
# os.fsdecode gives them) cannot be encoded: all are shown as escapes instead. A text that keeps
# its layout keeps newline and tab; a one-line message escapes them too, so a value cannot forge
# a line of its own (`Error: ...`).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"


@functools.cache
def _unsafe(lines: bool) -> re.Pattern[str]:
    """The characters to escape (compiled on first use: ~1 ms that a JSON answer never needs)."""
    return re.compile(f"[{_UNSAFE}]" if lines else f"[{_UNSAFE}\t\n]")


def _escape(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape", "backslashreplace").decode("ascii")


def visible(text: str, *, lines: bool = True) -> str:
    """Return ``text`` with control characters made visible (ESC as '\\x1b', U+202E as '\\u202e').

    With ``lines=False`` newlines and tabs are escaped too ('\\n'): the text stays on one line.
    """
    return _unsafe(lines).sub(_escape, text)


# The UTF-8 bytes of DEL, C1 controls and bidirectional overrides, which JSON may carry raw:
# JSON output escapes them as \\u00XX (the same string to any JSON reader), as C0 already is.
_JSON_UNSAFE = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def _json_escape(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group(0).decode("utf-8"))


def json_visible(data: bytes) -> bytes:
    """Return UTF-8 JSON with every control or bidi character inside its strings as a \\u escape."""
    return _JSON_UNSAFE.sub(_json_escape, data)


# What a word may hold to mean itself to bash, zsh and fish (once its spaces are escaped): letters,
# marks, digits and a few characters no shell treats specially anywhere in a word.
_SHELL_INERT = frozenset("-_.,+@/ ")


def shell_safe(word: str) -> bool:
    """Say whether ``word`` means itself on a shell's command line: no quote, `$`, glob, `;` or the like."""
    import unicodedata

    return all(c in _SHELL_INERT or unicodedata.category(c)[0] in "LMN" for c in word)
