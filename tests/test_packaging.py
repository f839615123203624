"""Packaging: the licence, the sdist holding everything its tests need, the dependency floors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tomllib

import pytest

from conftest import ROOT

# Tracked files a user of the sdist does not need: CI's own script and git's ignore list.
NOT_SHIPPED = (".ci/", ".gitignore")


def _tracked() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (the sdist itself, say): nothing to compare the sdist with")
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [f for f in out.splitlines() if not f.startswith(NOT_SHIPPED) and (ROOT / f).exists()]


def test_the_licence_is_the_mit_licence_the_metadata_names():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 iranaz developers" in text


def test_the_sdist_holds_every_file_its_tests_need(tmp_path):
    tracked = _tracked()
    pytest.importorskip("hatchling", reason="the build backend (in the test extras)")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
        cwd=ROOT, capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    (sdist,) = tmp_path.glob("iranaz-*.tar.gz")
    with tarfile.open(sdist) as tar:
        shipped = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    missing = sorted(set(tracked) - shipped)
    assert missing == [], f"the sdist lacks {missing}"
    assert {"LICENSE", "docs/visits.svg", "tests/conftest.py", "seeds/000_553f010ad6d6be2c.txt"} <= shipped


def test_rich_floor_is_what_typer_needs():
    """Typer 0.28 requires rich>=13.8.0; a lower floor would let pip pick a rich Typer refuses."""
    from importlib.metadata import requires

    typer_rich = next(r for r in requires("typer") or [] if re.match(r"rich\b", r))
    ours = next(d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
                if re.match(r"rich\b", d))  # fmt: skip
    floor = re.search(r">=\s*([\d.]+)", typer_rich)
    assert floor and ours == f"rich>={floor.group(1)}"


def test_readme_install_names_the_tools_and_why_typer_is_pinned():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme[readme.index("### Install") :].split("\n## ", 1)[0]
    assert "pipx install ." in install and "uv tool install ." in install
    assert "0.29" in install and re.search(r"\d+(–\d+)? ms", install)  # the reason, measured
    pin = next(d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
               if d.startswith("typer"))  # fmt: skip
    assert pin.endswith("<0.29")
