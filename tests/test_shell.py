"""Shells: completion from the base the command line names, the shell named, examples that paste into zsh."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import Any

import pytest

from conftest import ROOT
from test_installed import IRANAZ

installed = pytest.mark.installed


def complete(words: str, env: dict[str, str] | None = None) -> set[str]:
    """Return what bash completion offers for the last of ``words`` (an empty last word completes anew)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    full = {k: v for k, v in os.environ.items() if k != "IRANAZ_DATA"}
    full.update({"_IRANAZ_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}, **(env or {}))
    out = subprocess.run([str(IRANAZ)], capture_output=True, text=True, env=full, timeout=60).stdout
    return set(out.split("\n")) - {""}


@pytest.fixture
def renamed(base_dir):
    """A base in which Sanaei is called Zed Sanaei and his 2019 visit id is zed-2019."""
    people = base_dir / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Mehdi Sanaei", "name: Zed Sanaei"))
    visits = base_dir / "visits.yaml"
    visits.write_text(visits.read_text(encoding="utf-8").replace("id: rouhani-2019", "id: zed-2019"))
    return base_dir


@installed
@pytest.mark.parametrize(
    "words",
    ["iranaz --data {d} who Ze", "iranaz who --data {d} Ze", "iranaz who Ze"],
    ids=["global --data", "command --data", "IRANAZ_DATA"],
)
def test_who_completes_names_from_the_base_named(renamed, words):
    env = {"IRANAZ_DATA": str(renamed)} if "{d}" not in words else None
    assert complete(words.format(d=renamed), env) == {"Zed Sanaei"}
    assert complete("iranaz who Ze") == set()  # the shipped base has no Zed


@installed
def test_show_completes_ids_from_the_base_named(renamed):
    assert complete(f"iranaz --data {renamed} show zed-") == {"zed-2019"}
    assert complete("iranaz show zed-", {"IRANAZ_DATA": str(renamed)}) == {"zed-2019"}


@installed
def test_president_and_speaker_complete_the_people_who_are_ones():
    # one word each (bash inserts it unquoted), which the options accept like any spelling
    assert complete("iranaz visits --president R") == {"Rafsanjani", "Rouhani"}
    assert complete("iranaz visits --president rou") == {"rouhani"}
    assert complete("iranaz quotes --speaker M") == {"Mehdi", "Masoud", "Mohsen"}
    assert complete("iranaz visits -p Mehdi") == set()  # Sanaei visited no one as president
    env = {"_IRANAZ_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "iranaz visits --president Rouh"}
    out = subprocess.run([str(IRANAZ)], capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert '"Rouhani":"Hassan Rouhani"' in out.stdout  # zsh shows the full name beside the word


@installed
def test_who_completes_a_surname_to_the_full_name():
    assert complete("iranaz who Rouh") == {"Rouhani"}
    assert complete("iranaz who mohs") == {"mohsen Paknejad"}  # the typed part kept as typed


@installed
def test_completion_of_a_broken_base_offers_nothing(tmp_path):
    (tmp_path / "people.yaml").write_text("- [unclosed\n")
    assert complete(f"iranaz --data {tmp_path} who M") == set()


@installed
def test_completion_never_prints_control_characters_from_the_base(base_dir):
    people = base_dir / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Mehdi Sanaei", 'name: "Mehdi \\e[2JSanaei"'))
    from types import SimpleNamespace

    from iranaz_cli.cli.complete import complete_name, complete_speaker

    # (called directly: through a pipe Click strips escape sequences, on a terminal it would not)
    ctx: Any = SimpleNamespace(params={"data": str(base_dir)}, parent=None)
    assert complete_name(ctx, "Meh") == [] and complete_name(ctx, "San") == []
    assert complete_speaker(ctx, "sana") == [("sanaei", "Mehdi \\x1b[2JSanaei")]  # the id, help made visible
    assert complete(f"iranaz --data {base_dir} who Mohs") == {"Mohsen Paknejad"}


@installed
@pytest.mark.parametrize("form", [["--show-completion", "zsh"], ["--show-completion=zsh"]])
def test_show_completion_prints_the_script_of_the_shell_named(form):
    env = {**os.environ, "SHELL": "/bin/bash"}
    out = subprocess.run([str(IRANAZ), *form], capture_output=True, text=True, env=env, timeout=60).stdout
    assert out.startswith("#compdef iranaz") and "COMPREPLY" not in out
    fish = subprocess.run([str(IRANAZ), "--show-completion", "fish"], capture_output=True, text=True, timeout=60)
    assert "complete --command iranaz" in fish.stdout


@installed
def test_install_completion_installs_for_the_shell_named(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    result = subprocess.run(
        [str(IRANAZ), "--install-completion", "zsh"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "zsh completion installed" in result.stdout
    assert not (tmp_path / ".bashrc").exists()
    assert "compinit" in (tmp_path / ".zshrc").read_text()


@installed
def test_an_unknown_shell_is_a_usage_error():
    result = subprocess.run([str(IRANAZ), "--show-completion", "tcsh"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "tcsh" in result.stderr and result.stdout == ""


# --- examples that paste into zsh -------------------------------------------------------------------------

# zsh expands an unquoted `.[0]` as a glob (and stops at "no matches found"): a jq program with any
# character a shell treats specially must be quoted; `.` or `.id` may stand bare.
JQ = re.compile(r"\|\s*jq((?:\s+-[a-zA-Z]+)*)\s+(\S+)")
BARE = re.compile(r"[A-Za-z0-9._-]+")


def _jq_filters(text: str) -> list[str]:
    return [m.group(2) for m in JQ.finditer(text)]


def _help_texts() -> str:
    from typer.main import get_command

    from iranaz_cli.cli.main import app

    group = get_command(app)
    return "\n".join([group.help or "", *(c.help or "" for c in group.commands.values())])  # type: ignore[attr-defined]


@pytest.mark.parametrize("where", ["README.md", "docs/commands.md", "--help"])
def test_every_jq_filter_is_quoted(where):
    text = (ROOT / where).read_text(encoding="utf-8") if where != "--help" else _help_texts()
    filters = _jq_filters(text)
    assert filters, f"no jq examples found in {where}"
    unquoted = [f for f in filters if not (f.startswith("'") or BARE.fullmatch(f))]
    assert unquoted == []


@installed
@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_help_examples_paste_into_zsh(tmp_path):
    examples = [line.strip() for line in _help_texts().splitlines() if line.strip().startswith("iranaz ")]
    assert len(examples) > 10
    env = {**os.environ, "PATH": f"{IRANAZ.parent}{os.pathsep}{os.environ['PATH']}", "IRANAZ_DATA": str(ROOT / "data")}
    for example in examples:
        result = subprocess.run(
            ["zsh", "-c", example], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
        )
        assert "no matches found" not in result.stderr and "parse error" not in result.stderr, example


HOSTILE_NAME = 'name: "Mehdi \\e[31mSanaei\\a\\x9b\\u202eX\\bY\\rZ\\nW\\tV"'


@installed
@pytest.mark.parametrize("shell", ["complete_bash", "complete_zsh", "complete_fish"])
def test_no_completion_prints_a_control_character_or_splits_a_line(base_dir, shell):
    people = base_dir / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Mehdi Sanaei", HOSTILE_NAME))
    for words in ("iranaz who ", "iranaz who M", "iranaz quotes --speaker ", "iranaz quotes --speaker sana"):
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)
        env = {**os.environ, "IRANAZ_DATA": str(base_dir), "_IRANAZ_COMPLETE": shell, "COMP_WORDS": words,
               "COMP_CWORD": str(cword), "_TYPER_COMPLETE_ARGS": words}  # fmt: skip
        out = subprocess.run([str(IRANAZ)], capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0 and out.stderr == "", out.stderr
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out.stdout), (words, out.stdout)
        assert not [line for line in out.stdout.splitlines() if line.startswith(("W", "V", "Z"))], (words, out.stdout)
