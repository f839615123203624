"""Shared fixtures: every test gets its own cache folder and a clean environment."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_553f010ad6d6be2c.txt"
# The base most tests ask: the shipped base as it was before it grew beyond the article, fixed so that
# what they assert does not change as curators add facts (see article_base/README.md).
ARTICLE = ROOT / "tests" / "article_base"
os.environ["IRANAZ_DATA"] = str(ARTICLE / "data")  # (for fixtures of any scope, and installed runs)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """Point the cache at a temp folder and the CLI at the article base; drop variables that would
    change what the CLI prints."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    for name in ("IRANAZ_NO_CACHE", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IRANAZ_DATA", str(ARTICLE / "data"))


@pytest.fixture
def base_dir(tmp_path) -> Path:
    """Return a copy of the article base (data/ beside seeds/) that a test may edit."""
    shutil.copytree(ARTICLE / "data", tmp_path / "data")
    shutil.copytree(ARTICLE / "seeds", tmp_path / "seeds")
    return tmp_path / "data"


@pytest.fixture(scope="session")
def base():
    from iranaz_cli import load_fact_base

    return load_fact_base(ARTICLE / "data", cache=False)


@pytest.fixture
def cli():
    """Invoke the app in-process; result.stdout and result.stderr are kept apart."""
    from iranaz_cli.cli.main import app

    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        return runner.invoke(app, list(args), env=env, prog_name="iranaz", input=input)

    return invoke


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """The article base exported to SQLite (export --sqlite), open read-only for a test's queries."""
    import sqlite3

    from iranaz_cli.cli.main import app

    path = tmp_path_factory.mktemp("export") / "base.db"
    result = CliRunner().invoke(app, ["export", "--sqlite", str(path)])
    assert result.exit_code == 0, result.stderr
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield db
    db.close()
