"""Long work shows a status on stderr, on a terminal only, and never touches stdout."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# resolve made slow (0.6 s) and the status due at once: what a user sees resolving a large batch
SLOW_RESOLVE = """
import sys, time
import iranaz_cli.cli.progress as progress
import iranaz_cli.ask.people as people
progress.SHOW_AFTER = float(sys.argv[1])
real = people.resolve
def slow(*args):
    time.sleep(0.6)
    return real(*args)
people.resolve = slow
from iranaz_cli.cli.main import main
sys.argv = ["iranaz", "resolve"]
main()
"""


def _run(show_after: float, stderr_on_terminal: bool) -> tuple[int, bytes, bytes]:
    """Run the slow resolve with stdout piped and stderr on a pseudo-terminal (or a pipe)."""
    if stderr_on_terminal:
        parent, child = os.openpty()
        stderr = child
    else:
        stderr = subprocess.PIPE
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_RESOLVE, str(show_after)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env,
    )  # fmt: skip
    out, err = proc.communicate(b"Sanaei\n", timeout=60)
    if stderr_on_terminal:
        os.close(child)
        err = b""
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            err += chunk
        os.close(parent)
    return proc.returncode, out, err


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_long_work_shows_a_status_on_a_terminal_and_leaves_stdout_clean():
    code, out, err = _run(0.1, stderr_on_terminal=True)
    assert code == 0
    assert b"resolving 1 name\xe2\x80\xa6" in err
    assert b'"id":"sanaei"' in out.replace(b" ", b"") and b"\x1b" not in out


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_quick_work_shows_nothing_even_on_a_terminal():
    code, _, err = _run(30, stderr_on_terminal=True)
    assert code == 0 and b"resolving" not in err


def test_no_status_when_stderr_is_not_a_terminal():
    code, out, err = _run(0.0, stderr_on_terminal=False)
    assert code == 0 and err == b"" and b"sanaei" in out
