"""What every check shares: the problems found so far, the lines of each file, and what failed already."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...model import FactBase
from ..yamlread import Path_


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

    def at(self, display: str, path: Path_, message: str) -> None:
        self.problems.append((display, path, message))

    def _unknown_reported(self, kind: str, ref: str) -> bool:
        """Whether an unknown id of ``kind`` may be a record whose failure is reported already."""
        return kind in self.unread or kind in self.nameless or ref in self.failed[kind]

    def _checkable(self, source: str) -> bool:
        """Whether citations of a source can be checked (not when its record or file failed)."""
        return source in self.source_text
