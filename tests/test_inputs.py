"""What users hand the writers and `resolve`: capped, any line breaks, clear names for what is wrong."""

from __future__ import annotations

import json

import pytest
import test_edit
from test_edit import invoke

new_base = test_edit.new_base  # the fixture: a new base holding the test article


def test_resolve_caps_its_input_as_add_does(monkeypatch, tmp_path):
    """`resolve /dev/zero` was exit 70 (MemoryError); now it stops at the cap with one usage line."""
    import iranaz_cli.write.edit as edit

    monkeypatch.setattr(edit, "MAX_FILE_BYTES", 1000)
    names = tmp_path / "names.txt"
    names.write_text("Rowhani\n" * 200, encoding="utf-8")
    result = invoke("resolve", str(names))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {names}: over the 1000-byte limit\n"


def test_resolve_of_an_endless_device_stops_at_the_cap(monkeypatch):
    import iranaz_cli.write.edit as edit

    monkeypatch.setattr(edit, "MAX_FILE_BYTES", 1000)
    result = invoke("resolve", "/dev/zero")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: /dev/zero: over the ")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_resolve_reads_lines_ended_by_cr_lf_or_crlf(newline):
    result = invoke("resolve", "--json", input=newline.join(["Rowhani", "", "banana"]) + newline)
    assert result.exit_code in (0, 1), result.stderr
    assert [row["query"] for row in json.loads(result.stdout)] == ["Rowhani", "", "banana"]


def test_a_kind_file_linked_inside_the_base_is_appended_to_through_its_link(new_base):
    """`validate` accepts a kind file that is a symlink inside the base; `add` writes the file it names."""
    from test_edit import PERSON

    shared = new_base.parent / "shared"
    shared.mkdir()
    (new_base / "people.yaml").rename(shared / "people.yaml")
    (new_base / "people.yaml").symlink_to("../shared/people.yaml")
    assert invoke("validate", str(new_base)).exit_code == 0
    result = invoke("add", "people", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 0, result.stderr
    assert (new_base / "people.yaml").is_symlink()
    assert "- id: pezeshkian" in (shared / "people.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("wait", ["nan", "-5", "inf"])
def test_wait_takes_a_finite_number_of_seconds_not_below_zero(new_base, wait):
    from test_edit import PERSON

    result = invoke("add", "people", "--wait", wait, "--data", str(new_base), input=PERSON)
    assert result.exit_code == 2, result.stderr
    assert "--wait" in result.stderr


def test_source_add_with_a_bad_id_is_a_usage_error(new_base, tmp_path):
    article = tmp_path / "second.txt"
    article.write_text("A Second Article\n\nWords.\n", encoding="utf-8")
    result = invoke("source", "add", str(article), "--id", "Bad_Id", "--data", str(new_base))
    assert result.exit_code == 2, result.stderr
    assert "--id" in result.stderr and "Bad_Id" in result.stderr
    assert not (new_base.parent / "seeds" / "second.txt").exists()


@pytest.mark.installed
@pytest.mark.parametrize("command", ["init", "source add", "add"])
def test_a_change_made_is_reported_as_made_when_stdout_fails(tmp_path, command):
    """74 means nothing changed: a writer whose change landed exits 0 even if its ids cannot be printed."""
    import os
    import subprocess

    from test_edit import ARTICLE

    from test_installed import IRANAZ

    env = {k: v for k, v in os.environ.items() if k != "IRANAZ_DATA"}
    data = tmp_path / "b" / "data"
    if command != "init":
        assert subprocess.run([str(IRANAZ), "init", str(tmp_path / "b")], capture_output=True).returncode == 0
    (tmp_path / "border.txt").write_text(ARTICLE, encoding="utf-8")
    args = {
        "init": ["init", str(tmp_path / "b")],
        "source add": ["source", "add", str(tmp_path / "border.txt"), "--id", "border-meeting", "--data", str(data)],
        "add": ["add", "sources", "-", "--data", str(data)],
    }[command]
    stdin = "id: a-ref\ntitle: A reference\nkind: reference\n" if command == "add" else ""
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(IRANAZ), *args], input=stdin, stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60
        )
    assert result.returncode == 0, result.stderr
    assert "cannot print" in result.stderr and "Error" not in result.stderr
    assert subprocess.run([str(IRANAZ), "validate", str(data)], capture_output=True).returncode == 0


def test_init_on_a_full_disk_leaves_nothing_and_a_retry_works(tmp_path, monkeypatch):
    import errno
    import os

    real_fsync = os.fsync
    calls = [0]

    def fsync(fd):
        import stat

        calls[0] += stat.S_ISREG(os.fstat(fd).st_mode)
        if calls[0] == 3:  # the third file: the disk fills part way through
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = invoke("init", str(tmp_path / "b"))
    assert result.exit_code == 74, result.stderr
    assert result.stderr == f"Error: cannot make {tmp_path / 'b'}: No space left on device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no half-made base, no temporary folder
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert invoke("init", str(tmp_path / "b")).exit_code == 0
    assert invoke("validate", str(tmp_path / "b" / "data")).exit_code == 0


def test_init_into_an_empty_folder_keeps_it_and_its_permissions(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir(mode=0o750)
    folder.chmod(0o750)
    assert invoke("init", str(folder)).exit_code == 0
    assert (folder / "data" / "people.yaml").is_file()
    assert folder.stat().st_mode & 0o777 == 0o750


def test_init_prints_an_absolute_export_line_and_points_only_at_files_that_exist(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "news")
    assert result.exit_code == 0
    assert result.stdout == f"export IRANAZ_DATA={tmp_path / 'news' / 'data'}\n"
    assert "README" not in (tmp_path / "news" / "data" / "people.yaml").read_text(encoding="utf-8")
    assert invoke("init", "shipped", "--from-shipped").exit_code == 0
    assert (tmp_path / "shipped" / "data" / "README.md").is_file()


@pytest.mark.parametrize("bad", ["nan", "inf", "-5", "0", "1e20", "x"])
def test_new_checks_a_number_as_it_is_typed(bad):
    """A volume of nan, inf, -5, 0 or 1e20 is refused at its question, not at the end of the interview."""
    import msgspec

    from iranaz_cli.cli.interview import _Interview
    from iranaz_cli.model import KINDS

    [field] = [f for f in msgspec.inspect.type_info(KINDS["gas"]).fields if f.name == "volume_bcm_per_year"]
    asked: list[str] = []

    def ask(question, check, choices):
        why = check(bad)
        asked.append(why)
        assert check("55.1234567") is None
        return "55.1234567"

    interview = _Interview.__new__(_Interview)
    interview.ask = ask
    assert interview.value("volume_bcm_per_year", field) == 55.1234567
    assert asked[0] is not None, bad


@pytest.mark.parametrize("stop", [EOFError, KeyboardInterrupt], ids=["ctrl-d", "ctrl-c"])
def test_new_cancelled_at_a_question_is_a_clean_cancel(new_base, monkeypatch, stop):
    import builtins

    from iranaz_cli.cli import edit as cli_edit

    monkeypatch.setattr(cli_edit, "_on_terminal", lambda: True)

    def interrupted(prompt=""):
        raise stop

    monkeypatch.setattr(builtins, "input", interrupted)
    before = test_edit.snapshot(new_base.parent)
    result = invoke("new", "people", "--data", str(new_base))
    assert result.exit_code == 130, result.output
    assert result.stderr.endswith("cancelled; nothing was added\n")
    assert "Aborted" not in result.output
    assert test_edit.snapshot(new_base.parent) == before
