"""The README's and docs/' examples are real: each `$ iranaz ...` in their code blocks prints what it shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT
from test_installed import IRANAZ

pytestmark = pytest.mark.installed


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks(tag: str | None) -> list[str]:
    """Return the pages' code blocks marked ``tag`` (None: every block but the walk-throughs)."""
    blocks = [
        block
        for page in PAGES
        for block in re.findall(r"^```([a-z]*)\n(.*?)^```$", page.read_text(encoding="utf-8"), re.M | re.S)
    ]
    return [text for mark, text in blocks if (mark == tag if tag else mark != WALK_THROUGH)]


def _commands(block: str) -> list[tuple[str, str]]:
    """Return (command, expected output) for every `$ ` line of a block; `> ` lines continue a command."""
    examples: list[tuple[str, str]] = []
    command, output = None, []
    for line in block.splitlines():
        if line.startswith("$ "):
            if command:
                examples.append((command, "\n".join(output)))
            command, output = line[2:], []
        elif command and not output and (line.startswith("> ") or line == ">"):
            command += "\n" + line[2:]
        elif command:
            output.append(line)
    if command:
        examples.append((command, "\n".join(output)))
    return examples


# A ```console block is a walk-through: its commands run in order in one new folder, and an
# `export NAME=VALUE` command holds for the commands after it.
WALK_THROUGH = "console"
EXAMPLES = [example for block in _blocks(None) for example in _commands(block)]


def test_the_readme_has_examples_of_every_command():
    commands = {command.split()[1] for command, _ in EXAMPLES}
    assert {"visits", "who", "gas", "corridor", "timeline", "search", "quotes", "show", "sources", "validate",
            "schema", "coverage"} <= commands  # fmt: skip


@pytest.mark.parametrize("shell", ["bash", "zsh"])  # pasted into zsh too: an unquoted `.[0]` is a glob there
@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_prints_what_it_shows(tmp_path, command, expected, shell):
    if "jq" in command and not shutil.which("jq"):
        pytest.skip("jq is not installed")
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed")
    if "my-base" in command:  # the README's broken copy of the base
        shutil.copytree(ROOT / "data", tmp_path / "my-base" / "data")
        shutil.copytree(ROOT / "seeds", tmp_path / "my-base" / "seeds")
        visits = tmp_path / "my-base" / "data" / "visits.yaml"
        visits.write_text(
            visits.read_text().replace("  occasion: Visit\n", "  occasion: Visit\n  presdent: khatami\n", 1)
        )
        quotes = tmp_path / "my-base" / "data" / "quotes.yaml"
        quotes.write_text(quotes.read_text().replace("text: a new beginning", "text: a fresh beginning"))
    _check(command, expected, _env(), tmp_path, shell)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "IRANAZ_DATA")}
    env.update(COLUMNS="80", PATH=f"{IRANAZ.parent}{os.pathsep}{env.get('PATH', '')}")
    return env


def _check(command: str, expected: str, env: dict[str, str], cwd, shell: str = "bash") -> None:
    result = subprocess.run(
        [shell, "-c", command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd
    )
    shown = "\n".join(line.rstrip() for line in result.stdout.splitlines())
    assert shown == expected.rstrip("\n"), command


@pytest.mark.parametrize("block", _blocks(WALK_THROUGH), ids=lambda b: b.split("\n", 1)[0])
def test_readme_walk_through_runs_in_order(tmp_path, block):
    env = _env()
    for command, expected in _commands(block):
        exported = re.fullmatch(r"export (\w+)=(\S+)", command)
        if exported:
            env[exported.group(1)] = exported.group(2)
            continue
        _check(command, expected, env, tmp_path)


def test_the_readme_has_a_walk_through():
    assert _blocks(WALK_THROUGH)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_first_command_leaves_iranaz_on_the_path(tmp_path, shell):
    """The README's install-and-run command, as a reader pastes it, leaves an `iranaz` to type next."""
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"^```sh\n(.*?)\n```", readme, re.M | re.S).group(1)
    assert first.startswith("python3 -m venv .venv") and first.endswith("iranaz visits")
    # the install itself is the slow part and is tested elsewhere: stand in for it with an `iranaz`
    # that the install would have put in .venv/bin
    command = first.replace(
        "pip install .", "printf '#!/bin/sh\\necho ran\\n' > .venv/bin/iranaz && chmod +x .venv/bin/iranaz"
    )
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    result = subprocess.run(
        [shell, "-c", f"{command} && command -v iranaz"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["ran", str(tmp_path / ".venv" / "bin" / "iranaz")]
