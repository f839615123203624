"""Shells: completion from the base the command line names, the shell named, examples that paste into zsh."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest

from conftest import ROOT
from test_installed import IRANAZ

installed = pytest.mark.installed


def complete(words: str, env: dict[str, str] | None = None) -> set[str]:
    """Return what bash completion offers for the last of ``words`` (an empty last word completes anew)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    full = dict(os.environ)  # (IRANAZ_DATA: the article base, as conftest sets it)
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
    assert complete(words.format(d=renamed), env) == {"Zed\\ Sanaei"}  # one word to bash
    assert complete("iranaz who Ze") == set()  # the shipped base has no Zed


@installed
def test_show_completes_ids_from_the_base_named(renamed):
    assert complete(f"iranaz --data {renamed} show zed-") == {"zed-2019"}
    assert complete("iranaz show zed-", {"IRANAZ_DATA": str(renamed)}) == {"zed-2019"}


@installed
def test_president_and_speaker_complete_the_people_who_are_ones():
    # each person once: the full name, else the word of it typed (bash inserts a completion as given)
    assert complete("iranaz visits --president R") == {"Rafsanjani", "Rouhani"}
    assert complete("iranaz visits --president rou") == {"rouhani"}
    assert complete("iranaz quotes --speaker M") == {"Mehdi\\ Sanaei", "Masoud\\ Pezeshkian", "Mohsen\\ Paknejad"}
    assert complete("iranaz visits -p Mehdi") == set()  # Sanaei visited no one as president
    env = {"_IRANAZ_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "iranaz visits --president Rouh"}
    out = subprocess.run([str(IRANAZ)], capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert '"Rouhani":"Hassan Rouhani"' in out.stdout  # zsh shows the full name beside the word


@installed
def test_who_completes_a_surname_to_the_full_name():
    assert complete("iranaz who Rouh") == {"Rouhani"}
    assert complete("iranaz who mohs") == {"mohsen\\ Paknejad"}  # the typed part kept as typed


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
    assert complete_speaker(ctx, "sana") == []  # a name that would not mean itself to a shell: not offered
    assert complete(f"iranaz --data {base_dir} who Mohs") == {"Mohsen\\ Paknejad"}


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


# --- completion never runs shell code: real interactive shells (through tmux) ---------------------------

TMUX = shutil.which("tmux")
SHELLS = {
    "bash": (["bash", "--norc", "--noprofile", "-i"], "source <(iranaz --show-completion bash)"),
    "zsh": (["zsh", "-f", "-i"], "autoload -Uz compinit && compinit -u && source <(iranaz --show-completion zsh)"),
    "fish": (["fish", "--no-config", "-i"], "iranaz --show-completion fish | source"),
}


_SOCKETS = itertools.count()


def _typed(shell: str, keys: list[str], cwd, data) -> str:
    """Type ``keys`` (a list of literal text and tmux key names) into an interactive ``shell`` with
    iranaz's completion sourced; return the screen once what was typed has run."""
    argv, setup = SHELLS[shell]
    tmux = [str(TMUX), "-S", str(cwd / f"tmux{next(_SOCKETS)}.sock")]  # a server of its own each time
    env = {"HOME": str(cwd), "TERM": "xterm", "PATH": f"{IRANAZ.parent}{os.pathsep}{os.environ['PATH']}",
           "IRANAZ_DATA": str(data), "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}  # fmt: skip
    start = [*tmux, "new-session", "-d", "-x", "220", "-y", "60", "env", "-i", *(f"{k}={v}" for k, v in env.items())]
    subprocess.run([*start, *argv], cwd=cwd, check=True, timeout=60)

    def screen() -> str:
        return subprocess.run([*tmux, "capture-pane", "-p", "-S", "-500"], capture_output=True, text=True).stdout

    def until(shown: Callable[[str], bool], what: str, seconds: float = 30) -> str:
        for _ in range(int(seconds * 10)):
            now = screen()
            if shown(now):
                return now
            time.sleep(0.1)
        raise AssertionError(f"{shell}: no {what} on screen:\n{now}")

    def done(mark: str) -> str:  # type a command that prints ``mark``, and wait for it
        subprocess.run([*tmux, "send-keys", "-l", f"echo {mark[:3]}''{mark[3:]}\n"], check=True, timeout=60)
        return until(lambda s: re.search(rf"^{mark}\s*$", s, re.M) is not None, mark)

    try:
        subprocess.run([*tmux, "send-keys", "-l", setup + "\n"], check=True, timeout=60)
        done("READY")
        for key in keys:
            before = screen()
            literal = key not in ("Tab", "Enter")
            subprocess.run([*tmux, "send-keys", *(["-l"] if literal else []), key], check=True, timeout=60)
            if key == "Tab":  # completing runs iranaz (~0.3 s): wait until the line changes, or 4 s when
                with contextlib.suppress(AssertionError):  # nothing is offered (the hostile name is not)
                    until(lambda s, before=before: s != before, "completion", seconds=4)
        subprocess.run([*tmux, "send-keys", "Enter"], check=True, timeout=60)
        return done("ENDMARK")
    finally:
        subprocess.run([*tmux, "kill-server"], timeout=60)


# In bash a base's name reached the command line raw; in zsh a backslash defeated Typer's escaping of
# the description beside a candidate, which _arguments evaluates.
HOSTILE_NAME = "Mehdi Sanaei$(:>PWNED)\\$(:>PWNED)"


@installed
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
@pytest.mark.parametrize("shell", list(SHELLS))
def test_completing_a_hostile_name_in_an_interactive_shell_runs_nothing(base_dir, tmp_path, shell):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    people = base_dir / "people.yaml"
    hostile = "'" + HOSTILE_NAME + "'"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Mehdi Sanaei", f"name: {hostile}"))
    work = tmp_path / "work"
    work.mkdir()
    screen = _typed(shell, ["iranaz who Sana", "Tab", "Enter", "iranaz quotes --speaker sana", "Tab"], work, base_dir)
    assert not (work / "PWNED").exists(), screen
    # and completion works in that shell: a president by full name, once, inserted as one word
    screen = _typed(shell, ["iranaz visits --president Hass", "Tab", " --json"], work, base_dir)
    assert re.search(r"--president Hassan\\ Rouhani +--json", screen), screen  # (the shell adds a space)
    assert '"president_id": "rouhani"' in screen, screen


@installed
def test_the_bash_script_inserts_each_candidate_as_printed_without_globbing(tmp_path):
    script = subprocess.run([str(IRANAZ), "--show-completion", "bash"], capture_output=True, text=True).stdout
    stub = tmp_path / "bin" / "iranaz"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\nprintf '%s\\n' 'a*' 'b?c' '[ab]'\n")
    stub.chmod(0o755)
    for name in ("a1", "a2", "bxc", "a", "b"):
        (tmp_path / name).write_text("")
    call = "COMP_WORDS=(iranaz who x); COMP_CWORD=2; _iranaz_completion iranaz; printf '%s|' \"${COMPREPLY[@]}\""
    program = f"{script}\n{call}"
    env = {**os.environ, "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.stdout == "a*|b?c|[ab]|", out.stderr


@installed
def test_president_completion_offers_each_person_once_by_name():
    offered = complete("iranaz visits --president ")
    assert offered == {"Masoud\\ Pezeshkian", "Akbar\\ Hashemi\\ Rafsanjani", "Mohammad\\ Khatami",
                       "Mahmoud\\ Ahmadinejad", "Hassan\\ Rouhani"}  # fmt: skip
    assert complete("iranaz visits --president rou") == {"rouhani"}  # a surname, kept as typed
    assert complete("iranaz quotes --speaker Me") == {"Mehdi\\ Sanaei"}


def test_validate_warns_about_a_name_completion_will_not_offer(base_dir, cli):
    people = base_dir / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Mehdi Sanaei", "name: 'Mehdi Sanaei$(x)*'"))
    result = cli("validate", str(base_dir))
    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "Sanaei" in line]
    assert len(warned) == 1 and "people.yaml:53:" in warned[0], result.stderr
    said = "'sanaei': name 'Mehdi Sanaei$(x)*' holds characters a shell acts on ($ ( ) *); Tab completion does not"
    assert said in warned[0]


@installed
def test_a_path_argument_offers_nothing_of_its_own_so_bash_completes_file_names():
    # Round J: a path argument offered what was typed, and where nothing was offered the script read the
    # empty line as one empty candidate: bash never fell back to its own file-name completion
    # (`complete -o default`), so `--data <Tab>`, `add people FILE<Tab>` and `resolve FILE<Tab>` completed nothing.
    for words in ("iranaz validate --data ", "iranaz resolve ./ar", "iranaz add people ./ar", "iranaz who zzzzqq"):
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)
        env = {**os.environ, "_IRANAZ_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        out = subprocess.run([str(IRANAZ)], capture_output=True, text=True, env=env, timeout=60)
        assert (out.returncode, out.stdout.strip()) == (0, ""), words


@installed
@pytest.mark.skipif(TMUX is None or shutil.which("bash") is None, reason="tmux or bash is not installed")
def test_bash_completes_a_file_name_for_a_path_argument(base_dir, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "names in a list.txt").write_text("Sanaei\n", encoding="utf-8")
    screen = _typed("bash", ["iranaz resolve ./names", "Tab", " --json"], work, base_dir)
    assert re.search(r"iranaz resolve \./names\\ in\\ a\\ list\.txt +--json", screen), screen  # (bash adds a space)
    assert '"name": "Sanaei"' in screen or '"Sanaei"' in screen, screen
