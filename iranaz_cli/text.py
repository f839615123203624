"""Text as iranaz compares and shows it: quotes folded for matching, control characters made visible."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator

_FOLDS = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def fold_quote(text: str) -> str:
    """Fold typographic quotes, dashes and runs of whitespace, as quote checks compare them."""
    if not text.isascii():  # ASCII has nothing to fold but whitespace (a fast path for validation)
        text = text.translate(_FOLDS)
    return " ".join(text.split())  # the same whitespace as `\s+` (str.isspace), several times faster


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text; ``line`` is where the first wrong byte is (from 1)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def utf8_text(raw: bytes) -> str:
    """Return ``raw`` as UTF-8 text, a leading byte-order mark dropped, or raise NotUtf8 naming the
    first wrong byte at its offset in ``raw`` ('not UTF-8 text (byte 0xff at offset 14)')."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        at = e.start + len(raw) - len(e.object)  # (utf-8-sig counts its offsets past the mark)
        raise NotUtf8(f"not UTF-8 text (byte 0x{raw[at]:02x} at offset {at})", raw[:at].count(b"\n") + 1) from None


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
_JOINERS = "\u200c\u200d"
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_CONTEXTUAL = _JOINERS + _SELECTORS


@functools.cache
def _unsafe(lines: bool, plain: bool, joiners: bool = True) -> re.Pattern[str]:
    """The characters to escape (compiled on first use: ~0.7 ms), with the joiners and selectors unless
    not ``joiners``; in text whose only characters beyond ASCII are plain (see _plain_beyond_ascii), C0
    and DEL (a far smaller class, faster to scan)."""
    chars = "\x00-\x08\x0b-\x1f\x7f" if plain else _HIDDEN + _CONTEXTUAL if joiners else _HIDDEN
    return re.compile(f"[{chars}]" if lines else f"[{chars}\t\n]")


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
    ``escape(char)``, every other as itself; each decided once, when first seen. With ``joiners``, the
    joiners and selectors are shown as themselves (those that do not belong are escaped apart)."""

    def __init__(self, lines: bool, escape: Callable[[str], str], joiners: bool):
        super().__init__()
        self.lines, self.escape, self.joiners = lines, escape, joiners

    def __missing__(self, code: int) -> str | int:
        char = chr(code)
        if code < 0x80:
            hidden = (code < 0x20 and (char not in "\t\n" or not self.lines)) or code == 0x7F
        else:
            hidden = _special(char) and not (self.joiners and _contextual().match(char))
        self[code] = shown = self.escape(char) if hidden else code
        return shown


@functools.cache
def _table(lines: bool, escape: Callable[[str], str], joiners: bool = False) -> _Shown:
    return _Shown(lines, escape, joiners)


@functools.cache
def _contextual() -> re.Pattern[str]:
    return re.compile(f"[{_CONTEXTUAL}]")


@functools.cache
def _selector() -> re.Pattern[str]:
    return re.compile(f"[{_SELECTORS}]")


# Where a joiner belongs: between two letters or marks of a script whose letters join (Arabic, Syriac,
# Thaana, N'Ko, the Indic scripts, Mongolian, the Arabic presentation forms). Where a selector belongs:
# after a symbol beyond ASCII (an emoji, an arrow) or an ideograph. Neither class holds a character
# that is hidden or contextual itself, so no selector counts after another, or after a BOM.
_JOINING = ((0x0600, 0x0DFF), (0x1800, 0x18AF), (0xA8E0, 0xA8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))
# The Arabic letters and marks Persian names are written with, a part of the joining class that is
# quick to compile (0.2 ms, not 3 ms): when every joiner in a text sits between two of them (as in
# علی خامنه‌ای), every one belongs, and the whole class is not needed.
_ARABIC = "\u0620-\u065f\u066e-\u06d3\u06d5\u0750-\u077f"


def _class(spans: tuple[tuple[int, int], ...], categories: str) -> str:
    """The body of a regex class of the characters in ``spans`` whose category starts with one of
    ``categories`` and that are neither hidden nor contextual, as ranges (C-level scans: ~15 ms for
    the 130,000 code points below the ideographic planes)."""
    import unicodedata

    firsts: list[int] = []
    lasts: list[int] = []
    for first, last in spans:
        codes = range(first, last + 1)
        wanted = map(str.startswith, map(unicodedata.category, map(chr, codes)), itertools.repeat(tuple(categories)))
        for code in itertools.compress(codes, wanted):
            if _special(chr(code)):
                continue
            if lasts and lasts[-1] == code - 1:
                lasts[-1] = code
            else:
                firsts.append(code)
                lasts.append(code)
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in zip(firsts, lasts, strict=True))


def _placed(join: str, after: str | None, kept: bool) -> re.Pattern[str]:
    """The joiners and selectors where they belong (``kept``) or where they do not: a joiner belongs
    between two characters of ``join``, a selector where the assertion ``after`` holds (nowhere if None).
    Each is a match in one capturing group (for re.split); a match starts with the class of them all,
    which lets the regex engine skip quickly to the next candidate."""
    joiner = f"(?<=[{join}].)(?=[{join}])" if kept else f"(?:(?<![{join}].)|(?![{join}]))"
    selector = (after if kept else f"(?!{after})") if after else "(?!)" if kept else ""
    return re.compile(f"([{_CONTEXTUAL}](?:(?<=[{_JOINERS}]){joiner}|(?<![{_JOINERS}]){selector}))", re.DOTALL)


@functools.cache
def _unkept_in_arabic() -> re.Pattern[str]:
    """The joiners not between two letters of _ARABIC, and every selector."""
    return _placed(_ARABIC, None, kept=False)


@functools.cache
def _placement(selectors: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The joiners and selectors where they do not belong and where they do (see _placed); with not
    ``selectors`` (for text that holds none), any selector counts as out of place. Compiled on first
    use: ~3 ms, and ~45 ms with the selectors (the symbols are looked up among 130,000 code points)."""
    join = _class(_JOINING, "LM")  # (letters and marks beyond ASCII: nothing a class must escape)
    after = None
    if selectors:  # (a class's characters beyond U+FFFF are tried one range after another, so they are
        # a class of their own, tried only after such a character: 2-3 times faster)
        plane0 = _class(((0xA0, 0xFFFF),), "S") + "\u3400-\u4dbf\u4e00-\u9fff" + _class(((0xF900, 0xFAFF),), "L")
        beyond = _class(((0x10000, 0x1FFFF),), "S") + "\U00020000-\U0003ffff"  # (and the ideographs' planes)
        after = f"(?:(?<=[{plane0}].)|(?<=[\U00010000-\U0010ffff].)(?<=[{beyond}].))"
    return _placed(join, after, kept=False), _placed(join, after, kept=True)


@functools.cache
def _plain_char() -> re.Pattern[str]:
    """A character shown as itself whatever its neighbours and whether lines are kept or not."""
    return re.compile(f"[^\t\n{_HIDDEN}{_CONTEXTUAL}]")


_PIECE = 1 << 16  # (characters a piece of a long text is shown at a time; see _hidden)
_FEW = 64  # (out-of-place joiners or selectors a piece may hold and still be cut at each one)


def _pieces(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` in pieces of about _PIECE characters, each cut before a plain character (_plain_char)
    and, but the last, reaching one character past its cut (what a joiner or selector shows depends on
    its neighbours): with whether it does. That character, shown as itself, is left off its shown
    form; the next piece starts with it."""
    at = 0
    while len(text) - at > _PIECE and (cut := _plain_char().search(text, at + _PIECE)) is not None:
        yield text[at : cut.end()], True
        at = cut.start()
    yield text[at:], False


def _shown_piece(
    piece: str, placement: tuple[re.Pattern[str], re.Pattern[str]], table: _Shown, keeping: _Shown | None
) -> str:
    """Return ``piece`` as _hidden shows it: cut (in C) at the joiners and selectors that do not belong,
    which are escaped, or, where there are many of them, at those that do belong, which are kept. Where
    both are many (a text made to be slow), at each one that does not belong: only then a step for each."""
    if not _contextual().search(piece):
        return piece.translate(table)
    if _unkept_in_arabic().search(piece) is None:  # (every joiner belongs, and there is no selector)
        return piece.translate(keeping) if keeping is not None else piece
    unkept, kept = placement
    parts = unkept.split(piece, _FEW)
    if len(parts) <= 2 * _FEW:  # [text, out of place, text, ...]: each of these is escaped
        between, cut = keeping, table
    elif len(parts := kept.split(piece, _FEW)) <= 2 * _FEW:  # [text, in place, text, ...]: these stay
        between, cut = table, None
    else:
        parts, between, cut = unkept.split(piece), keeping, table
    if between is not None:
        parts[::2] = map(str.translate, parts[::2], itertools.repeat(between))
    if cut is not None:
        parts[1::2] = map(str.translate, parts[1::2], itertools.repeat(cut))
    return "".join(parts)


def _hidden(text: str, lines: bool, escape: Callable[[str], str]) -> str:
    """Return ``text`` with each character to escape replaced by ``escape(char)``, by str.translate:
    a callback a character (or a run) took 20-25 s for a value of millions of them, also alternating
    with letters. A joiner or selector is shown as itself where it belongs (see _placed): a text that
    holds some is cut (by regular expressions, in C) at them, a piece of 65,536 characters at a time;
    nothing is decided a character at a time in Python (a check for each one kept took 40 s for 24
    million Persian letters and ZWNJs)."""
    plain = text.isascii() or (len(text) < 50_000 and _plain_beyond_ascii(text))  # (set() of a long text
    if _unsafe(lines, plain).search(text) is None:  # takes longer than the full class's scan)
        return text
    table = _table(lines, escape)
    if text.isascii() or not _contextual().search(text):
        return text.translate(table)
    others = _unsafe(lines, False, joiners=False).search(text) is not None  # (hidden characters besides)
    keeping = _table(lines, escape, True) if others else None
    if _unkept_in_arabic().search(text) is None:  # (every joiner belongs, and there is no selector)
        return text.translate(keeping) if keeping is not None else text
    placement = _placement(_selector().search(text) is not None)
    parts = []
    for piece, past in _pieces(text):
        part = _shown_piece(piece, placement, table, keeping)
        parts.append(part[:-1] if past else part)
    return "".join(parts)


def _escape(char: str) -> str:
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def visible(text: str, *, lines: bool = True) -> str:
    """Return ``text`` with every character that could hide or reorder text made visible (ESC as
    '\\x1b', U+202E as '\\u202e'); see _HIDDEN.

    With ``lines=False`` newlines and tabs are escaped too ('\\n'): the text stays on one line.
    """
    return _hidden(text, lines, _escape)


def unlike_a_line(value: str) -> str | None:
    """Say what keeps ``value`` (an argument) from being one line of text, or None: bytes that are not
    UTF-8 (lone surrogates, as Python decodes them from argv), a line break or a hidden character."""
    shown = visible(value, lines=False)
    if shown == value:
        return None
    if re.search("[\ud800-\udfff]", value):
        return f"not UTF-8 text ('{shown}')"
    return f"a line break or a hidden character ('{shown}'); give one line of text"


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
        and not (c in _JOINERS and letter(i - 1) and letter(i + 1))  # (a joiner between letters: `محمد‌رضا`)
    )
    return list(dict.fromkeys(unsafe))
