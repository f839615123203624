"""What iranaz prints is text: data, file names and arguments never reach a terminal as control."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from test_installed import IRANAZ

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_argument_echoed_in_an_error_is_escaped(cli):
    result = cli("who", "\x1b]0;T\x07")
    assert result.exit_code == 1
    assert result.stderr == "Error: no one matches '\\x1b]0;T\\x07'\n"


def test_a_newline_in_an_argument_cannot_forge_an_error_line(cli):
    result = cli("search", "x\nError: everything is fine")
    assert result.stderr == "Error: nothing contains 'x\\nError: everything is fine'\n"


def test_a_newline_in_a_reference_cannot_forge_an_error_line(cli, base_dir):
    _edit(base_dir / "visits.yaml", "president: khatami", 'president: "x\\nError: everything is fine"')
    result = cli("visits", "--data", str(base_dir))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines and all(not line.startswith("Error: everything") for line in lines)
    assert "x\\nError: everything is fine" in result.stderr
    assert not RAW_CONTROL.search(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["gas", "--unit", "x\x1b[31m\nError: fine"],
        ["visitz\x1b[31m\u202e"],
        ["visits", "--bogus\x1b"],
        ["--bogus\x1b\u202e"],
        ["visits", "--since", "1\x1b\n"],
    ],
)
def test_usage_errors_echo_arguments_as_text(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert not RAW_CONTROL.search(result.stderr), result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] != []
    assert not any(line.startswith("Error: fine") for line in result.stderr.splitlines())


def test_the_overview_shows_data_as_text(cli, base_dir):
    _edit(base_dir / "visits.yaml", "place: Baku", 'place: "Baku\\e[2J\\u202e\\nTry: rm -rf"')
    result = cli("--data", str(base_dir))
    assert result.exit_code == 0, result.stderr
    assert "Baku\\x1b[2J\\u202e\\nTry: rm -rf" in result.stdout
    assert not RAW_CONTROL.search(result.stdout)


def test_json_escapes_c1_and_bidi_characters_losslessly(cli, base_dir):
    _edit(base_dir / "visits.yaml", "place: Baku", 'place: "Ba\\u202eku\\x85\\x7f"')
    result = cli("visits", "--json", "--data", str(base_dir))
    assert result.exit_code == 0, result.stderr
    assert not RAW_CONTROL.search(result.stdout)
    assert json.loads(result.stdout)[-1]["place"] == "Ba\u202eku\x85\x7f"
    lines = cli("visits", "-f", "jsonl", "--data", str(base_dir)).stdout
    assert not RAW_CONTROL.search(lines) and json.loads(lines.splitlines()[-1])["place"] == "Ba\u202eku\x85\x7f"


def test_markdown_shows_data_literally(cli, base_dir):
    _edit(base_dir / "visits.yaml", "place: Baku", "place: '<script>*x*</script> [a](b) `c` _d_ a|b ~~e~~ \\ &amp;'")
    result = cli("visits", "-f", "md", "--data", str(base_dir))
    assert result.exit_code == 0, result.stderr
    assert (
        "&lt;script&gt;\\*x\\*&lt;/script&gt; \\[a\\](b) \\`c\\` \\_d\\_ a\\|b \\~\\~e\\~\\~ \\\\ &amp;amp;"
        in result.stdout
    )
    assert "| ID |" in result.stdout.splitlines()[0]  # the header stays a header


def test_a_file_name_that_is_not_utf8_is_shown_as_an_escape(tmp_path):
    folder = os.fsencode(tmp_path) + b"/caf\xe9"
    for command in (["visits"], ["validate"], []):
        result = subprocess.run([IRANAZ, "--data", folder, *command], capture_output=True, timeout=60)
        assert result.returncode == 3, result.stderr
        assert b"Traceback" not in result.stderr and b"caf\\udce9" in result.stderr.replace(b"\\xe9", b"\\udce9")


# --- Writing a file loses nothing ---------------------------------------------------------------


def test_save_refuses_an_existing_file_without_force(cli, tmp_path):
    svg = tmp_path / "visits.svg"
    svg.write_text("old")
    refused = cli("visits", "--save-svg", str(svg))
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == f"Error: {svg} exists; add --force to replace it\n" and svg.read_text() == "old"
    replaced = cli("visits", "--save-svg", str(svg), "--force")
    assert replaced.exit_code == 0 and svg.read_text().startswith("<svg")


def test_save_never_writes_onto_the_base_being_read(cli, base_dir):
    before = (base_dir / "visits.yaml").read_bytes()
    for option in ("--save-svg", "--save-html"):
        result = cli("visits", "--data", str(base_dir), option, str(base_dir / "visits.yaml"), "--force")
        assert result.exit_code == 2 and "file of the fact base" in result.stderr
    source = base_dir.parent / "seeds" / "000_553f010ad6d6be2c.txt"
    assert cli("visits", "--data", str(base_dir), "--save-html", str(source), "--force").exit_code == 2
    assert (base_dir / "visits.yaml").read_bytes() == before


def test_save_never_adds_a_file_to_the_data_folder_being_read(cli, base_dir):
    for option, name in (("--save-svg", "x.yaml"), ("--save-html", "x.html")):
        result = cli("visits", "--data", str(base_dir), option, str(base_dir / name))
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"Error: {base_dir / name} is in the data folder of the fact base being read; choose another folder\n"
        )
        assert not (base_dir / name).exists()
    export = cli("export", "--sqlite", str(base_dir / "x.sqlite"), "--data", str(base_dir))
    assert export.exit_code == 2 and "data folder" in export.stderr and not (base_dir / "x.sqlite").exists()
    assert cli("validate", str(base_dir)).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--save-svg", ""], "the file name is empty"),
        (["--save-svg", "{t}/same", "--save-html", "{t}/same"], "both name"),
        (["--save-html", "{t}/fifo"], "not a regular file"),
        (["--save-svg", "{t}/"], "names a folder"),
    ],
)
def test_save_refuses_bad_targets_before_printing(cli, tmp_path, args, message):
    os.mkfifo(tmp_path / "fifo")
    result = cli("visits", *[a.format(t=tmp_path) for a in args], "--force")
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_save_on_a_full_disk_keeps_the_old_file(cli, tmp_path, monkeypatch):
    svg = tmp_path / "visits.svg"
    svg.write_text("old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = cli("visits", "--save-svg", str(svg), "--force")
    assert result.exit_code == 74 and svg.read_text() == "old"
    assert result.stderr == f"Error: cannot write {svg}: No space left on device\n"
    assert [p.name for p in tmp_path.iterdir()] == ["visits.svg"]


def test_export_on_a_full_disk_keeps_the_old_file(cli, tmp_path, monkeypatch):
    db = tmp_path / "facts.db"
    db.write_text("old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = cli("export", "--sqlite", str(db), "--force")
    assert (result.exit_code, result.stderr) == (74, f"Error: cannot write {db}: No space left on device\n")
    assert db.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["facts.db"]


def test_export_refuses_links_and_keeps_stale_temporary_names(cli, tmp_path):
    (tmp_path / "out").symlink_to("/dev/stdout")
    result = cli("export", "--sqlite", str(tmp_path / "out"), "--force")
    assert result.exit_code == 2 and "symbolic link" in result.stderr and (tmp_path / "out").is_symlink()
    (tmp_path / ".facts.db.tmp").mkdir()
    long_name = tmp_path / ("f" * 249 + ".db")
    for target in (tmp_path / "facts.db", long_name):
        done = cli("export", "--sqlite", str(target))
        assert done.exit_code == 0, done.stderr
        assert target.read_bytes().startswith(b"SQLite format 3")
    assert (tmp_path / ".facts.db.tmp").is_dir()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".iranaz-")]


EXPORT_SLOWLY = """
import sys, time
import iranaz_cli.show.export as export
from iranaz_cli.cli.main import main

fill = export._fill
def slow(db, base):
    counts = fill(db, base)
    print("filled", file=sys.stderr, flush=True)
    time.sleep(30)
    return counts

export._fill = slow
sys.argv = ["iranaz", "export", "--sqlite", sys.argv[1]]
main()
"""


def test_sigterm_during_export_leaves_no_temporary_file(tmp_path):
    import signal
    import sys

    proc = subprocess.Popen([sys.executable, "-c", EXPORT_SLOWLY, str(tmp_path / "facts.db")], stderr=subprocess.PIPE)
    assert proc.stderr.readline() == b"filled\n"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    assert proc.returncode == -signal.SIGTERM and list(tmp_path.iterdir()) == []


# --- Ordinary failures are not internal errors ---------------------------------------------------


def _installed(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "IRANAZ_DATA")}
    return subprocess.run([str(IRANAZ), *args], text=True, env=env, timeout=60, **kwargs)


@pytest.mark.installed
@pytest.mark.parametrize(
    "args", [["who", "Sanaei", "--json"], ["visits"], ["visits", "-f", "csv"], [], ["--version"], ["--help"]]
)
def test_a_full_disk_or_a_closed_stdout_is_exit_74(args):
    with open("/dev/full", "w") as full:
        result = _installed(args, stdout=full, stderr=subprocess.PIPE)
    assert (result.returncode, result.stderr) == (74, "Error: cannot write the output: No space left on device\n")
    closed = subprocess.run(
        ["sh", "-c", '"$0" "$@" >&-', str(IRANAZ), *args], capture_output=True, text=True, timeout=60
    )
    assert (closed.returncode, closed.stderr) == (74, "Error: cannot write the output: stdout is closed\n")


@pytest.mark.installed
def test_a_deleted_working_folder_is_exit_74(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    result = subprocess.run(
        ["sh", "-c", 'cd "$1" && rmdir "$1" && "$0" validate .', str(IRANAZ), str(gone)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 74
    assert result.stderr == (
        "Error: the working folder cannot be read (No such file or directory); run iranaz from another folder\n"
    )


def test_an_unreadable_working_folder_is_exit_74(cli, monkeypatch):
    def unreadable():
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "getcwd", unreadable)
    result = cli("visits", "--data", "data")
    assert result.exit_code == 74, result.stderr
    assert result.stderr.startswith("Error: the working folder cannot be read (Permission denied)")


def test_exit_74_is_documented(cli):
    assert "74 input/output error" in cli("--help").stdout


# --- Any width; the chart; the pager -------------------------------------------------------------

SGR = re.compile("\x1b\\[[0-9;]*m")
LISTINGS = [
    ["visits"], ["who", "Pezeshkian"], ["who", "Sanaei"], ["gas"], ["corridor"], ["timeline"], ["timeline", "--chart"],
    ["search", "Nakhchivan"], ["quotes"], ["show", "iran-recognizes-azerbaijan-independence"], ["sources"],
    ["coverage"], ["show", "sanaei-new-beginning"],
]  # fmt: skip


def _ids(value) -> set[str]:
    if isinstance(value, dict):
        own = {value["id"]} if isinstance(value.get("id"), str) else set()
        return own | {i for v in value.values() for i in _ids(v)}
    if isinstance(value, list):
        return {i for v in value for i in _ids(v)}
    return set()


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_every_listing_fits_any_width_with_every_id_whole(cli, args, columns):
    from rich.cells import cell_len

    ids = set() if "--chart" in args else _ids(json.loads(cli(*args, "--json").stdout))
    env = {"COLUMNS": str(columns), "LINES": "10000", "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    for extra in ({}, {"FORCE_COLOR": "", "TTY_COMPATIBLE": "0"}):  # a terminal, then a pipe
        result = cli(*args, "--no-pager", env={**env, **extra})
        assert result.exit_code == 0, result.stderr
        lines = SGR.sub("", result.stdout).splitlines()
        assert max(cell_len(line) for line in lines) <= columns, "\n".join(lines)
        shown = {i for i in ids if any(i in line for line in lines)}
        assert shown == ids, sorted(ids - shown)


def test_the_chart_shows_one_glyph_per_year_and_the_totals(cli):
    result = cli("timeline", "--chart", "--kind", "event", env={"COLUMNS": "80"})
    line = next(line for line in result.stdout.splitlines() if line.startswith("event"))
    assert line.endswith("▅█ 8")  # 3 in 2024, 5 in 2025: never "35"
    assert "· none, ▁ 1 to █ 5 records per year" in result.stdout


PAGER = """#!/bin/sh
{{ echo "LESS=$LESS"; cat; }} > {out}
"""


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    import pty

    primary, secondary = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "IRANAZ_PAGER", "LESS", "COLUMNS")}
    full_env.update(LINES="24", COLUMNS="100", TERM="xterm", **env)
    proc = subprocess.Popen([str(IRANAZ), *args], stdout=secondary, stderr=secondary, stdin=secondary, env=full_env)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    return proc.wait(timeout=60), shown.decode("utf-8", "replace")


@pytest.mark.installed
def test_a_tall_table_on_a_terminal_goes_to_the_pager(tmp_path):
    out = tmp_path / "paged"
    pager = tmp_path / "pager.sh"
    pager.write_text(PAGER.format(out=out))
    pager.chmod(0o755)
    code, shown = _on_a_terminal(["timeline"], {"IRANAZ_PAGER": str(pager)})
    assert code == 0 and shown == ""
    paged = out.read_text()
    assert paged.startswith("LESS=FRX\n") and "zangezur-railway-severed-1988" in paged
    out.unlink()
    code, shown = _on_a_terminal(["timeline"], {"PAGER": str(pager), "LESS": "R"})
    assert out.read_text().startswith("LESS=R\n")
    out.unlink()
    for args, env in ((["timeline", "--no-pager"], {"PAGER": str(pager)}), (["timeline"], {"IRANAZ_PAGER": ""}),
                      (["visits"], {"PAGER": str(pager)}),  # shorter than the screen
                      (["timeline"], {"IRANAZ_PAGER": str(tmp_path / "no-such-pager")})):  # fmt: skip
        code, shown = _on_a_terminal(args, env)
        assert code == 0 and ("Timeline" in shown or "Visits" in shown)
        assert not out.exists()
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "IRANAZ_PAGER")}
    piped = subprocess.run([str(IRANAZ), "timeline"], env={**env, "PAGER": str(pager)}, capture_output=True, text=True)
    assert piped.returncode == 0 and "Timeline" in piped.stdout and not out.exists()


@pytest.mark.installed
def test_a_full_stderr_still_gives_the_exit_code():
    with open("/dev/full", "w") as full:
        assert _installed(["who", "nobody-at-all"], stdout=subprocess.DEVNULL, stderr=full).returncode == 1
        assert _installed(["who", "Sanaei", "--json"], stdout=full, stderr=full).returncode == 74


def test_wrap_keeps_words_whole_and_folds_only_what_cannot_fit():
    from iranaz_cli.show.lines import wrap

    assert wrap("a b rafsanjani-1993 c", 16, "  ") == ["a b", "rafsanjani-1993", "  c"]
    assert wrap("Mentioned in: [iran-recognizes-azerbaijan]", 28, "  ") == [
        "Mentioned in:",
        "[iran-recognizes-azerbaijan]",
    ]
    assert wrap("x" * 10, 4) == ["xxxx", "xxxx", "xx"]
    assert wrap("one\ntwo", 10, "  ") == ["one", "  two"]
    assert wrap("مسعود پزشکیان 中文字", 7) == ["مسعود", "پزشکیان", "中文字"]  # 中文字 takes 6 cells
    assert wrap("中文字 a", 8) == ["中文字 a"] and wrap("中文字 ab", 8) == ["中文字", "ab"]


def test_line_and_paragraph_separators_cannot_forge_a_line(base_dir):
    from test_installed import run

    people = base_dir / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace(
            "name: Masoud Pezeshkian", 'name: "Masoud Pezeshkian\\u2028Error: the base is fine\\u2029Error: x"', 1
        ),
        encoding="utf-8",
    )
    for command in (("who", "Pezeshkian"), ("show", "pezeshkian")):
        result = run("--data", str(base_dir), *command, env={"COLUMNS": "200"})
        assert result.returncode == 0
        assert not any(line.startswith("Error:") for line in result.stdout.splitlines())
        assert "\u2028" not in result.stdout and "\\u2028Error: the base is fine" in result.stdout
