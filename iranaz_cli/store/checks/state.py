"""What every check shares: the problems found so far, the lines of each file, and what failed already."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...model import FactBase
from ..yamlread import Path_

_SUGGESTIONS = 20  # unknown ids that get a "did you mean" in one validation


class Checks:
    """The state of one validation, which each concern's checks (a mixin of this class) read and add to."""

    data_dir: Path
    root: Path
    problems: list[str | tuple[str, Path_, str]]
    lines: dict[str, dict[Path_, int]]  # display name -> path -> line
    ids: dict[str, str]  # id -> "file:line" of its first record
    source_text: dict[str, str | None]  # source id -> folded text (None: a report or reference)
    source_kinds: dict[str, str]  # source id -> its kind (article, report, reference)
    articles: dict[str, Any]  # source id -> anchors.FoldedText, to anchor quotes in
    base: FactBase
    failed: dict[str, set[str]]  # ids reported already, by kind
    unread: set[str]  # kinds whose file gave no records: references to them go unchecked
    nameless: set[str]  # kinds with a record that failed without an id: likewise
    stamps: list[Any]  # every file read, as it was before it was read
    replaced: dict[str, bytes]  # a source's path -> bytes read instead of its file's (`source update`)
    article_bytes: int  # the bytes of the articles read so far (their total is capped)

    def at(self, display: str, path: Path_, message: str) -> None:
        self.problems.append((display, path, message))

    def _close(self, ref: str, known: Iterable[str]) -> str:
        """Return "; did you mean X?" for an unknown id close to known ones (empty if none is).

        Only the first few unknown ids get one: a base of many bad references stays linear."""
        suggested = getattr(self, "_suggested", 0)
        if suggested >= _SUGGESTIONS or not isinstance(ref, str):
            return ""
        self._suggested = suggested + 1
        import difflib

        close = difflib.get_close_matches(ref, list(known), n=3, cutoff=0.6)
        return f"; did you mean {', '.join(close)}?" if close else ""

    def _unknown_reported(self, kind: str, ref: str) -> bool:
        """Whether an unknown id of ``kind`` may be a record whose failure is reported already."""
        return kind in self.unread or kind in self.nameless or ref in self.failed[kind]

    def _checkable(self, source: str) -> bool:
        """Whether citations of a source can be checked (not when its record or file failed)."""
        return source in self.source_text
