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
    """The fact base is missing or invalid; carries every problem found, one per line."""

    exit_code = 3

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class IoError(IranazError):
    """Reading or writing a file or stream failed for an ordinary reason (full disk, closed pipe)."""

    exit_code = 74
