"""Shared fixtures: every test gets its own cache folder and a clean environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_553f010ad6d6be2c.txt"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """Point the cache at a temp folder; drop variables that would change what the CLI prints."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    for name in ("IRANAZ_DATA", "IRANAZ_NO_CACHE", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "TERM"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def base_dir(tmp_path) -> Path:
    """Return a copy of the shipped fact base (data/ beside seeds/) that a test may edit."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path / "data"


@pytest.fixture(scope="session")
def base():
    from iranaz_cli import load_fact_base

    return load_fact_base(ROOT / "data", cache=False)


@pytest.fixture
def cli():
    """Invoke the app in-process; result.stdout and result.stderr are kept apart."""
    from iranaz_cli.cli.main import app

    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        return runner.invoke(app, list(args), env=env, prog_name="iranaz", input=input)

    return invoke
