"""Append records to a kind file's text so that no existing record changes: checked, not assumed.

Records are added as text after the file's last byte (before a closing ``...``), so every existing
byte, comment and blank line stays. YAML can give that text to the last existing value (a ``|+``
block keeps the line breaks that follow it; a block scalar without a final line break gains one),
or refuse it (a flow or indented list): each way of joining is read back, and is used only if every
existing record reads back identical and the new ones read back as given; otherwise nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import FactBaseError, UsageError
from ..store.yamlread import parse_yaml

# One line `[]` (as `init` writes it), with an optional comment, in any line breaks.
_EMPTY_LIST = re.compile(r"^[ \t]*\[[ \t]*\][ \t]*(#[^\r\n]*)?(\r?\n|\Z)", re.M)
# A document end marker and nothing after it but blank and comment lines.
_DOCUMENT_END = re.compile(r"^\.\.\.[ \t]*(?:#[^\r\n]*)?(?:\r?\n[ \t]*(?:#[^\r\n]*)?)*\Z", re.M)
LAYOUT = "its list must be block items starting '- ' at column 0, as `iranaz init` writes it"


# What YAML cannot hold raw in a double-quoted scalar (besides what text.visible escapes): newlines and
# tabs (kept as \\n and \\t, on one line) and the characters outside YAML's printable set.
_YAML_UNPRINTABLE = re.compile("[^\\x20-\\x7e\\x85\\xa0-\\ud7ff\\ue000-\\ufffd\\U00010000-\\U0010ffff]")


def _yaml_escape(char: str) -> str:
    code = ord(char)
    return {"\n": "\\n", "\t": "\\t"}.get(char) or (
        f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    )


def dump(records: list[dict[str, Any]]) -> str:
    """Return ``records`` as block YAML in the base's style (lists indented, one blank line between).

    A value holding a character that could hide or reorder text (text.visible's rule: a bidi override,
    a zero-width space, a soft hyphen...) is written double-quoted with that character as an escape:
    the same value, read back, and nothing hidden on a terminal or in a diff.
    """
    import yaml

    from ..text import escaped, visible

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            return super().increase_indent(flow, False)

        def analyze_scalar(self, scalar: str) -> Any:
            analysis = super().analyze_scalar(scalar)
            if visible(scalar) != scalar:
                analysis.allow_flow_plain = analysis.allow_block_plain = False
                analysis.allow_single_quoted = analysis.allow_block = False
            return analysis

        def write_double_quoted(self, text: str, split: bool = True) -> None:
            if visible(text) == text:
                return super().write_double_quoted(text, split)
            self.write_indicator('"', True)
            body = escaped(text.replace("\\", "\\\\").replace('"', '\\"'), _yaml_escape)
            body = _YAML_UNPRINTABLE.sub(lambda m: _yaml_escape(m.group(0)), body)
            self.column += len(body)
            self.stream.write(body)
            self.write_indicator('"', False)

    parts = [
        yaml.dump([r], Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1 << 30, default_flow_style=False)
        for r in records
    ]
    return "\n".join(parts)


def joined(existing: str, addition: str, records: list[dict[str, Any]], display: str) -> tuple[str, int]:
    """Return the file's text with ``addition`` (``records`` as YAML) added, and how many lines precede it.

    A file holding only an empty list (``[]``) loses that line; its comments stay. Raise FactBaseError
    (naming the file) when no way of appending keeps every existing record as it reads now.
    """
    value, lines, problems, _ = parse_yaml(existing, display) if existing.strip() else ([], {}, [], set())
    if problems:
        raise FactBaseError(problems)
    if not isinstance(value, list):
        raise FactBaseError([f"{display}:1: expected a list of records; {LAYOUT}"])
    newline = "\r\n" if "\r\n" in existing.split("\n", 1)[0] + "\n" else "\n"
    if newline != "\n":
        addition = addition.replace("\n", newline)
    head, tail = existing, ""
    end = _DOCUMENT_END.search(existing)
    if end is not None:
        head, tail = existing[: end.start()], existing[end.start() :]
    if value == []:
        head = _without_empty_list(head, display)
    if head and not head.endswith(("\n", "\r")):
        head += newline
    # A blank line between records, as the base is written; none where it would join a `|+` block.
    ways = [head + newline, head] if value and not head.endswith(newline * 2) else [head]
    failure = ""
    for way in ways:
        text = way + addition + tail
        try:
            again, _, problems, _ = parse_yaml(text, display)
        except FactBaseError as e:
            again, problems = None, e.problems
        if not problems and isinstance(again, list) and again == [*value, *records]:
            return text, way.count("\n")
        failure = failure or _why(value, again, problems, lines, display)
    raise FactBaseError([failure])


def _without_empty_list(text: str, display: str) -> str:
    found = list(_EMPTY_LIST.finditer(text))
    if len(found) != 1:
        if text.strip():
            raise UsageError(f"{display}: cannot append to an empty list not written as one line `[]`")
        return ""
    m = found[0]
    text = text[: m.start()] + (m.group(1) + m.group(2) if m.group(1) else "") + text[m.end() :]
    return text if text.strip() else ""


def _why(value: list[Any], again: Any, problems: list[str], lines: dict[Any, int], display: str) -> str:
    """Say why appending fails: which existing record would change, or that the layout takes no items."""
    if not problems and isinstance(again, list) and len(again) >= len(value):
        changed = next((i for i, (old, new) in enumerate(zip(value, again, strict=False)) if old != new), None)
        if changed is not None:
            return (
                f"{display}:{lines.get((changed,), 1)}: appending after this file's end would change this record "
                "(a `|+` or `>+` block keeps the line breaks that follow it; a block scalar without a final line "
                "break gains one); end the file with a line break, with `|-` for a value that must not end in one"
            )
    return f"{display}:{lines.get((), 1)}: records cannot be appended to this file as it is written; {LAYOUT}"
