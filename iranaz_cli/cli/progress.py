"""A status line on stderr for work that takes a while: shown only on a terminal, only after a second.

A query that answers at once prints nothing extra, a script (stderr not a terminal) never sees it, and
stdout is never touched. Rich is imported only when the status is about to be shown.
"""

import contextlib
import os
import sys
from collections.abc import Iterator

SHOW_AFTER = 1.0  # seconds of work before the status appears


def _stderr_is_terminal() -> bool:
    try:
        return os.isatty(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # replaced, closed or without a descriptor
        return False


@contextlib.contextmanager
def working(message: str) -> Iterator[None]:
    """Show `message` with a spinner on stderr while the block runs, once it has run for SHOW_AFTER seconds."""
    if not _stderr_is_terminal():
        yield
        return
    import threading  # (only here: a query on a pipe never needs it)

    done = threading.Event()

    def show() -> None:
        if done.wait(SHOW_AFTER):
            return
        from rich.console import Console

        from ..text import visible

        with Console(stderr=True).status(visible(message, lines=False), spinner="dots"):
            done.wait()

    shower = threading.Thread(target=show, name="iranaz-progress", daemon=True)
    shower.start()
    try:
        yield
    finally:
        done.set()
        shower.join()
