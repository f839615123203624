"""Text as iranaz compares and shows it: quotes folded for matching, control characters made visible."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

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


# One rule for every character that could move the cursor, recolour, reorder or hide text in a
# terminal: control characters (Cc: C0, DEL, C1), format characters (Cf: bidirectional marks,
# embeddings, overrides and isolates, zero-width space, word joiner, BOM, soft hyphen, Arabic and
# Egyptian format marks, tags), the line and paragraph separators (a terminal or Rich may break the
# line there), the other default-ignorable characters (combining grapheme joiner, Hangul fillers,
# Khmer inherent vowels, Mongolian variation selectors) and lone surrogates (bytes of a file name
# that are not UTF-8, as os.fsdecode gives them). All are shown as escapes ('\u200b'). A text that
# keeps its layout keeps newline and tab; a one-line message escapes them too, so a value cannot
# forge a line of its own (`Error: ...`).
_HIDDEN = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff\ufeff\uffa0"
    "\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e00ff\U000e01f0-\U000e0fff"
)
# Joiners and variation selectors are letters' business where they belong: ZWNJ and ZWJ between two
# letters of a script that joins (خامنه‌ای: the ZWNJ keeps ه from joining ا, as Persian spelling asks),
# a variation selector after a symbol or an ideograph (an emoji's presentation). Anywhere else they
# only hide, and are escaped like the rest.
_CONTEXTUAL = "\u200c\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef"


@functools.cache
def _unsafe(lines: bool, plain: bool) -> re.Pattern[str]:
    """The characters to escape (compiled on first use: ~0.7 ms); in text whose only characters beyond
    ASCII are plain (see _plain_beyond_ascii), C0 and DEL (a far smaller class, faster to scan)."""
    chars = "\x00-\x08\x0b-\x1f\x7f" if plain else _HIDDEN + _CONTEXTUAL
    return re.compile(f"[{chars}]" if lines else f"[{chars}\t\n]")


def _joins(char: str) -> bool:
    """Say whether ``char`` is a letter or mark of a script whose letters join (Arabic, Syriac, Thaana,
    N'Ko, the Indic scripts, Mongolian), where ZWNJ and ZWJ change how letters are written."""
    import unicodedata

    code = ord(char)
    joining = (
        0x0600 <= code <= 0x0DFF or 0x1800 <= code <= 0x18AF or 0xFB50 <= code <= 0xFEFC or 0xA8E0 <= code <= 0xA8FF
    )
    return joining and unicodedata.category(char)[0] in "LM"


def _kept(text: str, at: int) -> bool:
    """Say whether the joiner or variation selector at ``text[at]`` is in a place where it belongs."""
    import unicodedata

    before = text[at - 1] if at else ""
    if text[at] in "\u200c\u200d":
        return bool(before) and at + 1 < len(text) and _joins(before) and _joins(text[at + 1])
    return bool(before) and (unicodedata.category(before)[0] == "S" or 0x2E80 <= ord(before) <= 0x3FFFF)


@functools.cache
def _ranges() -> tuple[list[int], list[int]]:
    """The first and last code points of each range of _HIDDEN and _CONTEXTUAL, sorted by first."""
    chars = _HIDDEN + _CONTEXTUAL
    spans, at = [], 0
    while at < len(chars):
        if at + 2 < len(chars) and chars[at + 1] == "-":
            spans.append((ord(chars[at]), ord(chars[at + 2])))
            at += 3
        else:
            spans.append((ord(chars[at]), ord(chars[at])))
            at += 1
    spans.sort()
    return [first for first, _ in spans], [last for _, last in spans]


@functools.cache
def _special(char: str) -> bool:
    """Say whether a non-ASCII character is one _unsafe matches (or a joiner it may keep)."""
    import bisect

    firsts, lasts = _ranges()
    at = bisect.bisect_right(firsts, ord(char)) - 1
    return at >= 0 and ord(char) <= lasts[at]


def _plain_beyond_ascii(text: str) -> bool:
    """Say whether ``text``'s characters beyond ASCII are all letters, marks and symbols shown as they
    are: then only its C0 controls and DEL need looking for, with a pattern compiled in 0.02 ms rather
    than 0.7 ms (most answers hold Persian or accented names, and no hidden character)."""
    return not any(_special(char) for char in set(text) if char >= "\x80")


class _Shown(dict):
    """A str.translate table of what a text shows: each character ``visible`` escapes as
    ``escape(char)``, every other as itself; each decided once, when first seen."""

    def __init__(self, lines: bool, escape: Callable[[str], str]):
        super().__init__()
        self.lines, self.escape = lines, escape

    def __missing__(self, code: int) -> str | int:
        char = chr(code)
        if code < 0x80:
            hidden = (code < 0x20 and (char not in "\t\n" or not self.lines)) or code == 0x7F
        else:
            hidden = _special(char)  # (joiners and selectors too: the few that belong are put back)
        self[code] = shown = self.escape(char) if hidden else code
        return shown


@functools.cache
def _table(lines: bool, escape: Callable[[str], str]) -> _Shown:
    return _Shown(lines, escape)


@functools.cache
def _may_belong() -> re.Pattern[str]:
    """Joiners after a letter of a script that joins, selectors after a character beyond ASCII: the
    only ones _kept may keep (each is checked; every other is escaped at C speed)."""
    return re.compile(
        "(?<=[\u0600-\u0dff\u1800-\u18af\ufb50-\ufefc\ua8e0-\ua8ff])[\u200c\u200d]"
        "|(?<=[^\x00-\x7f])[\ufe00-\ufe0f\U000e0100-\U000e01ef]"
    )


def _hidden(text: str, lines: bool, escape: Callable[[str], str]) -> str:
    """Return ``text`` with each character to escape replaced by ``escape(char)``, by str.translate:
    a callback a character (or a run) took 20-25 s for a value of millions of them, also alternating
    with letters."""
    if _unsafe(lines, text.isascii() or _plain_beyond_ascii(text)).search(text) is None:
        return text
    table = _table(lines, escape)
    kept = [m.start() for m in _may_belong().finditer(text) if _kept(text, m.start())] if not text.isascii() else []
    if not kept:
        return text.translate(table)
    parts, at = [], 0
    for k in kept:  # (a joiner between two Persian letters, a selector after an emoji: as they are)
        parts += [text[at:k].translate(table), text[k]]
        at = k + 1
    parts.append(text[at:].translate(table))
    return "".join(parts)


def _escape(char: str) -> str:
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def visible(text: str, *, lines: bool = True) -> str:
    """Return ``text`` with every character that could hide or reorder text made visible (ESC as
    '\\x1b', U+202E as '\\u202e'); see _HIDDEN.

    With ``lines=False`` newlines and tabs are escaped too ('\\n'): the text stays on one line.
    """
    return _hidden(text, lines, _escape)


def escaped(text: str, escape: Callable[[str], str]) -> str:
    """Return ``text`` with each character that ``visible`` would escape replaced by ``escape(char)``
    (a YAML or JSON escape, which keeps the value as it is); newlines and tabs stay."""
    return _hidden(text, True, escape)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # a surrogate pair, as JSON writes a character beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_visible(data: bytes) -> bytes:
    """Return UTF-8 JSON with every character ``visible`` escapes inside its strings as a \\u escape
    (the same string to any JSON reader). JSON's syntax is ASCII, so only strings hold them."""
    if data.isascii() and b"\x7f" not in data:  # (DEL is ASCII, and JSON leaves it raw)
        return data
    return escaped(data.decode("utf-8"), _json_escape).encode("utf-8")


# What a word may hold to mean itself to bash, zsh and fish (once its spaces are escaped): letters,
# marks, digits and a few characters no shell treats specially anywhere in a word.
_SHELL_INERT = frozenset("-_.,+@/ ")


# The zero-width non-joiner and joiner that Persian (and Indic) names hold between two letters
# (`محمد‌رضا`): no shell acts on them, and between letters they are part of the word as written.
_JOINERS = frozenset("\u200c\u200d")


def shell_safe(word: str) -> bool:
    """Say whether ``word`` means itself on a shell's command line: no quote, `$`, glob, `;` or the like,
    and nothing invisible but a joiner between two letters."""
    return not shell_unsafe(word)


def shell_unsafe(word: str) -> list[str]:
    """Return the characters that keep ``word`` from meaning itself to a shell, each once, in order."""
    import unicodedata

    def letter(i: int) -> bool:
        return 0 <= i < len(word) and unicodedata.category(word[i])[0] in "LM"

    unsafe = (
        c
        for i, c in enumerate(word)
        if c not in _SHELL_INERT
        and unicodedata.category(c)[0] not in "LMN"
        and not (c in _JOINERS and letter(i - 1) and letter(i + 1))
    )
    return list(dict.fromkeys(unsafe))
