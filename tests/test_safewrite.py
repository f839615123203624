"""safewrite: a file is replaced whole or not at all, and only when the caller says so."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iranaz_cli.errors import IoError, UsageError
from iranaz_cli.write import safewrite


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".iranaz-")]


def test_writes_a_new_file_with_the_usual_permissions(tmp_path):
    target = tmp_path / "out.svg"
    safewrite.write_bytes(str(target), b"new")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_bytes() == b"new" and (target.stat().st_mode & 0o777) == 0o666 & ~umask
    assert _temps(tmp_path) == []


def test_refuses_an_existing_file_without_force_and_keeps_its_mode_with_it(tmp_path):
    target = tmp_path / "out.svg"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with pytest.raises(UsageError, match="exists; add --force"):
        safewrite.write_bytes(str(target), b"new")
    assert target.read_bytes() == b"old"
    safewrite.write_bytes(str(target), b"new", force=True)
    assert target.read_bytes() == b"new" and (target.stat().st_mode & 0o777) == 0o640


@pytest.mark.parametrize("name", ["", "dir/", ".", ".."])
def test_refuses_an_empty_name_or_a_folder(tmp_path, name):
    (tmp_path / "dir").mkdir()
    with pytest.raises(UsageError):
        safewrite.check_target(str(tmp_path / name) if name else "", force=True)


def test_refuses_links_fifos_and_devices_even_with_force(tmp_path):
    (tmp_path / "real").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    os.mkfifo(tmp_path / "fifo")
    for path, message in ((tmp_path / "link", "symbolic link"), (tmp_path / "fifo", "not a regular file"),
                          (Path("/dev/null"), "not a regular file"), (tmp_path, "folder")):  # fmt: skip
        with pytest.raises(UsageError, match=message):
            safewrite.write_bytes(str(path), b"new", force=True)
    assert (tmp_path / "real").read_bytes() == b"x" and (tmp_path / "link").is_symlink()


def test_never_writes_onto_a_protected_file(tmp_path):
    data = tmp_path / "visits.yaml"
    data.write_text("- id: x\n")
    (tmp_path / "hard").hardlink_to(data)
    for name in ("visits.yaml", "hard"):
        with pytest.raises(UsageError, match="file of the fact base"):
            safewrite.write_bytes(str(tmp_path / name), b"", force=True, protect=[data])
    assert data.read_text() == "- id: x\n"


def test_a_full_disk_keeps_the_old_file_and_says_so(tmp_path, monkeypatch):
    target = tmp_path / "out.svg"
    target.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(IoError) as caught:
        safewrite.write_bytes(str(target), b"new" * 1000, force=True)
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert target.read_bytes() == b"old" and _temps(tmp_path) == []


def test_a_failure_while_filling_removes_the_temporary_file(tmp_path):
    def fail(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        safewrite.write_bytes(str(tmp_path / "out.db"), fail)
    assert list(tmp_path.iterdir()) == []


def test_a_long_name_and_a_stale_temporary_name_do_not_matter(tmp_path):
    target = tmp_path / ("x" * 252)
    (tmp_path / f".{target.name[:200]}.tmp").mkdir()  # what an older export would have used
    safewrite.write_bytes(str(target), b"new")
    assert target.read_bytes() == b"new" and (tmp_path / f".{target.name[:200]}.tmp").is_dir()


def test_a_file_created_meanwhile_is_not_replaced_without_force(tmp_path):
    target = tmp_path / "out.svg"

    def race(path: Path) -> None:
        path.write_bytes(b"mine")
        target.write_bytes(b"theirs")

    with pytest.raises(UsageError, match="exists"):
        safewrite.write_bytes(str(target), race)
    assert target.read_bytes() == b"theirs" and _temps(tmp_path) == []


SLOW_WRITER = """
import sys, time
from pathlib import Path
from iranaz_cli.write import safewrite

def slow(path: Path) -> None:
    path.write_bytes(b"partial")
    print("writing", flush=True)
    time.sleep(30)

safewrite.write_bytes(sys.argv[1], slow)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path, sig):
    target = tmp_path / "out.db"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout.readline() == b"writing\n"
    assert len(_temps(tmp_path)) == 1
    proc.send_signal(sig)
    proc.wait(timeout=20)
    time.sleep(0.05)
    assert list(tmp_path.iterdir()) == []
    assert proc.returncode == -sig  # the process still ends by the signal it was sent
