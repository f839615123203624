"""The errors iranaz reports to its users, each with the exit code the CLI gives it."""

from __future__ import annotations


class IranazError(Exception):
    """Base of every error iranaz reports as one `Error: ...` line."""

    exit_code = 1


class NotFound(IranazError):
    """A query matched nothing."""

    exit_code = 1


class UsageError(IranazError):
    """An argument is not one iranaz accepts."""

    exit_code = 2


class FactBaseError(IranazError):
    """The fact base is missing or invalid; carries every problem found, one line each.

    Each problem is made one line of visible text (a value or file name cannot forge a line or
    send a control sequence). ``str()`` shows the first ``limit`` problems (all when None) and
    then how many more ``iranaz validate`` would list.
    """

    exit_code = 3

    def __init__(self, problems: list[str], limit: int | None = None, more: str = "run iranaz validate"):
        from .text import visible

        self.problems = [visible(p, lines=False) for p in problems]
        self.limit = limit
        self.more = more
        super().__init__(*self.problems[:1])

    def lines(self) -> list[str]:
        """Return the lines to show: the first ``limit`` problems and how many more there are."""
        if self.limit is None or len(self.problems) <= self.limit:
            return self.problems
        return [*self.problems[: self.limit], f"{len(self.problems) - self.limit} more: {self.more}"]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class IoError(IranazError):
    """Reading or writing a file or stream failed for an ordinary reason (full disk, closed pipe)."""

    exit_code = 74
