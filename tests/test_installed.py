"""The installed `iranaz` as a subprocess: pipes, terminal width, colour, encodings, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.installed

IRANAZ = Path(sys.executable).parent / "iranaz"
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;|4[0-9])[0-9;]*m")


def run(*args: str, env: dict[str, str] | None = None, cwd: str | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    full_env.update(env or {})  # (IRANAZ_DATA is the article base, as conftest sets it, unless env says otherwise)
    return subprocess.run(
        [str(IRANAZ), *args], capture_output=True, text=True, encoding="utf-8", env=full_env, cwd=cwd, timeout=60
    )


@pytest.fixture(scope="module", autouse=True)
def _installed():
    if not IRANAZ.exists():
        pytest.fail(f"no installed iranaz beside {sys.executable}: run `pip install .` first")


def test_json_is_valid_at_any_terminal_width(tmp_path):
    for columns in ("20", "500"):
        result = run("gas", "--json", env={"COLUMNS": columns}, cwd=str(tmp_path))
        assert result.returncode == 0
        assert json.loads(result.stdout)[0]["delivery_point"] == "Astara"


def test_shipped_data_is_found_from_any_folder(tmp_path):
    result = run("validate", cwd=str(tmp_path), env={"IRANAZ_DATA": ""})
    shipped = run("validate", str(Path(__file__).resolve().parent.parent / "data"))
    assert (result.returncode, result.stdout) == (0, shipped.stdout) and shipped.stdout.startswith("ok: ")


@pytest.mark.parametrize("where", ["--data before the command", "--data after it"])
def test_data_given_on_the_command_line_wins_over_the_environment(base_dir, tmp_path, where):
    # a base whose only visit is one of its own, and $IRANAZ_DATA naming the shipped base
    text = (base_dir / "visits.yaml").read_text(encoding="utf-8")
    (base_dir / "visits.yaml").write_text(text.replace("occasion: Official visit", "occasion: Our own visit"))
    args = ["--data", str(base_dir), "visits"] if where.endswith("command") else ["visits", "--data", str(base_dir)]
    env = {"IRANAZ_DATA": str(tmp_path / "no-such-base")}
    result = run(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert "Our own visit" in {v["occasion"] for v in json.loads(result.stdout)}
    assert run("visits", env=env).returncode == 3  # (and without --data, the environment names the base)


def test_piped_table_has_no_escape_codes_and_no_cut_cells():
    result = run("visits", env={"COLUMNS": "20"})
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "…" not in result.stdout
    assert "pezeshkian" in result.stdout.replace("\n", "")
    assert all(line == line.rstrip() for line in result.stdout.splitlines())  # no padding to strip


def test_forced_colour_and_no_color():
    forced = run("visits", env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert "\x1b[" in forced.stdout
    plain = run("visits", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "xterm-256color"})
    assert plain.returncode == 0 and not COLOUR.search(plain.stdout)


def test_closed_pipe_ends_quietly():
    proc = subprocess.Popen([str(IRANAZ), "timeline"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first write, as with `| head -0`
    _, err = proc.communicate(timeout=60)
    assert err == b"" and proc.returncode == 0
    shell = subprocess.run(f"'{IRANAZ}' timeline | head -1", shell=True, capture_output=True, text=True)
    assert shell.stderr == "" and shell.stdout.count("\n") == 1


def test_stdout_that_cannot_encode_a_name_does_not_crash():
    env = {"PYTHONIOENCODING": "ascii"}
    table = run("who", "Pezeshkian", env=env)
    assert table.returncode == 0 and "Traceback" not in table.stderr
    data = subprocess.run([str(IRANAZ), "who", "Pezeshkian", "--json"], capture_output=True, env={**os.environ, **env})
    assert data.returncode == 0 and "مسعود پزشکیان" in json.loads(data.stdout.decode("utf-8"))[0]["aliases"]


def test_exit_codes():
    assert run("visits").returncode == 0
    missing = run("who", "banana", "--json")
    assert (missing.returncode, missing.stdout.strip()) == (1, "[]")
    assert run("visits", "--since", "abc").returncode == 2
    assert run("frobnicate").returncode == 2
    nothing = run("visits", env={"IRANAZ_DATA": "/nonexistent/iranaz"})
    assert nothing.returncode == 3 and nothing.stderr == "Error: /nonexistent/iranaz: no such folder (fact base)\n"


def test_broken_base_is_one_line_naming_file_and_line(base_dir):
    path = base_dir / "people.yaml"
    path.write_text(path.read_text().replace("- id: sanaei\n", "- id: sanaei\n  id: sanaei\n", 1))
    result = run("who", "Sanaei", env={"IRANAZ_DATA": str(base_dir)})
    assert result.returncode == 3
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert re.fullmatch(r"Error: \S+/people\.yaml:\d+: duplicate key 'id' \(first at line \d+\)\n", result.stderr)


def test_hostile_yaml_runs_nothing(base_dir, tmp_path):
    marker = tmp_path / "pwned"
    (base_dir / "gas.yaml").write_text(f"- !!python/object/apply:os.system ['touch {marker}']\n")
    result = run("gas", "--json", env={"IRANAZ_DATA": str(base_dir)})
    assert result.returncode == 3 and "is not allowed" in result.stderr
    assert result.stdout == "" and not marker.exists()


def test_python_dash_m_works_like_the_command():
    result = subprocess.run([sys.executable, "-m", "iranaz_cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("iranaz ")
    assert run("--version").stdout == result.stdout


COMPLETE_SHOW = {"_IRANAZ_COMPLETE": "complete_bash", "COMP_WORDS": "iranaz show ", "COMP_CWORD": "2"}


def test_completion_to_a_full_or_closed_stdout_is_one_error_line():
    env = {**os.environ, **COMPLETE_SHOW}
    with open("/dev/full", "w") as full:
        result = subprocess.run([str(IRANAZ)], stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    assert (result.returncode, result.stderr) == (74, "Error: cannot write the output: No space left on device\n")
    closed = subprocess.run(f"'{IRANAZ}' >&-", shell=True, capture_output=True, text=True, env=env, timeout=60)
    assert (closed.returncode, closed.stderr) == (74, "Error: cannot write the output: stdout is closed\n")


def test_the_completion_script_to_a_full_stdout_is_one_error_line(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([str(IRANAZ), "--show-completion", "bash"], stdout=full, stderr=subprocess.PIPE,
                                text=True, env={**os.environ, "HOME": str(tmp_path)}, timeout=60)  # fmt: skip
    assert (result.returncode, result.stderr) == (74, "Error: cannot write the output: No space left on device\n")


def test_install_completion_to_a_full_stdout_says_the_change_was_made(tmp_path):
    # it edits ~/.bashrc before it reports on stdout: exit 74 ("nothing changed") would be untrue
    with open("/dev/full", "w") as full:
        result = subprocess.run([str(IRANAZ), "--install-completion", "bash"], stdout=full, stderr=subprocess.PIPE,
                                text=True, env={**os.environ, "HOME": str(tmp_path)}, timeout=60)  # fmt: skip
    assert "iranaz.sh" in (tmp_path / ".bashrc").read_text()
    assert (result.returncode, result.stderr) == (
        0,
        "Warning: the change was made, but cannot print its output (No space left on device)\n",
    )


def test_a_usage_error_with_stderr_full_or_closed_still_exits_as_one():
    full = subprocess.run(f"'{IRANAZ}' nosuch 2>/dev/full", shell=True, capture_output=True, text=True, timeout=60)
    assert (full.returncode, full.stdout) == (2, "")
    closed = subprocess.run(f"'{IRANAZ}' nosuch 2>&-", shell=True, capture_output=True, text=True, timeout=60)
    assert (closed.returncode, closed.stdout) == (2, "")
