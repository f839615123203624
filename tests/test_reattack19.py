"""What the fifth attack on issue 19 found in the writers, closed as a user meets it."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest

ONE = "The envoy met officials in Baku on Monday.\n"


def _files(root) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): (os.readlink(p).encode() if p.is_symlink() else p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


@pytest.fixture
def article(tmp_path, cli):
    """A base of one added article, art-one (seeds/one.txt); return its data folder."""
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    data = tmp_path / "B" / "data"
    (tmp_path / "one.txt").write_text(ONE, encoding="utf-8")
    added = cli(
        "--data", str(data), "source", "add", str(tmp_path / "one.txt"), "--id", "art-one", "--title", "One",
        "--url", "https://e.org/1", "--published", "2025-01-01",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    return data


@pytest.fixture
def linked(article, tmp_path, cli):
    """The base of `article` and art-two, whose path is a link to art-one's file; return data/."""
    data = article
    os.symlink("one.txt", tmp_path / "B" / "seeds" / "two.txt")
    with open(data / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(
            "\n- id: art-two\n  title: Two\n  kind: article\n  url: https://e.org/2\n"
            f'  published: "2025-01-01"\n  path: seeds/two.txt\n  sha256: {hashlib.sha256(ONE.encode()).hexdigest()}\n'
        )
    assert cli("--data", str(data), "validate").exit_code == 0
    return data


# --- 1. a writer never writes through a link in seeds/ -----------------------------------------------


def test_source_update_refuses_a_seed_that_is_a_link_and_changes_nothing(linked, cli, tmp_path):
    # it wrote the link's target: art-one's article was replaced, "updated", exit 0, and the base invalid
    new = tmp_path / "new.txt"
    new.write_text("Something else entirely.\n", encoding="utf-8")
    before = _files(linked.parent)
    result = cli("--data", str(linked), "source", "update", "art-two", str(new))
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("Error: ") == 1 and "seeds/two.txt is a link" in result.stderr, result.stderr
    assert _files(linked.parent) == before
    assert (linked.parent / "seeds" / "one.txt").read_text(encoding="utf-8") == ONE
    assert cli("--data", str(linked), "validate").exit_code == 0


def test_source_update_refuses_a_file_another_source_reads_through_a_link(linked, cli, tmp_path):
    # art-two's file is art-one's through a link: replacing art-one's text changed art-two's too
    new = tmp_path / "new.txt"
    new.write_text(ONE + "One more line.\n", encoding="utf-8")
    before = _files(linked.parent)
    result = cli("--data", str(linked), "source", "update", "art-one", str(new))
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("Error: ") == 1
    assert "seeds/one.txt is also the text of source 'art-two' (seeds/two.txt)" in result.stderr, result.stderr
    assert _files(linked.parent) == before


def test_validate_says_a_source_path_is_a_link(linked, cli):
    result = cli("--data", str(linked), "validate")
    assert result.exit_code == 0
    assert "source 'art-two': seeds/two.txt is a link" in result.stderr, result.stderr


def test_source_add_refuses_a_seeds_folder_that_is_a_link(tmp_path, cli):
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    (tmp_path / "B" / "seeds").rmdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "B" / "seeds")
    (tmp_path / "one.txt").write_text(ONE, encoding="utf-8")
    data = tmp_path / "B" / "data"
    before = _files(tmp_path / "B")
    result = cli("--data", str(data), "source", "add", str(tmp_path / "one.txt"), "--id", "art-one", "--title", "T")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("Error: ") == 1 and "seeds is a link" in result.stderr, result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert _files(tmp_path / "B") == before


# --- 2. a writer reads an existing seed as readers do: regular, size-capped ---------------------------


def test_source_update_refuses_a_huge_sparse_seed_at_once(article, cli, tmp_path):
    seed = article.parent / "seeds" / "one.txt"
    os.truncate(seed, 8 * 2**30)  # a sparse file: no disk used
    new = tmp_path / "new.txt"
    new.write_text(ONE + "One more line.\n", encoding="utf-8")
    started = time.monotonic()
    result = cli("--data", str(article), "source", "update", "art-one", str(new))
    assert time.monotonic() - started < 5
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("Error: ") == 1
    assert "seeds/one.txt" in result.stderr and "over the 2 MiB limit" in result.stderr, result.stderr
    assert seed.stat().st_size == 8 * 2**30


def test_source_add_compares_a_huge_sparse_seed_without_reading_it(tmp_path, cli):
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    data = tmp_path / "B" / "data"
    orphan = tmp_path / "B" / "seeds" / "article.txt"
    orphan.touch()
    os.truncate(orphan, 8 * 2**30)
    (tmp_path / "article.txt").write_text(ONE, encoding="utf-8")
    started = time.monotonic()
    result = cli("--data", str(data), "source", "add", str(tmp_path / "article.txt"), "--id", "x", "--title", "T")
    assert time.monotonic() - started < 5
    assert (result.exit_code, result.stdout) == (2, "")
    assert "seeds/article.txt exists and is a different file" in result.stderr


# --- 3. source update on a full disk leaves a valid base, or says how to mend it ---------------------


def _fail_for(monkeypatch, name: str, where: str):
    """Make safewrite fail with ENOSPC for the file called ``name``: ``where`` is 'write' (its temporary
    file) or 'commit' (its rename into place, after every other file was written)."""
    import errno

    from iranaz_cli.write import safewrite

    real_write, real_commit = safewrite.write_bytes, safewrite._commit

    def write_bytes(path, data, **kwargs):
        if where == "write" and os.path.basename(path) == name:
            raise safewrite.IoError(f"cannot write {path}: No space left on device")
        return real_write(path, data, **kwargs)

    def commit(tmp, target, force):
        if where == "commit" and target.name == name:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_commit(tmp, target, force)

    monkeypatch.setattr(safewrite, "write_bytes", write_bytes)
    monkeypatch.setattr(safewrite, "_commit", commit)


def test_source_update_that_cannot_write_the_article_changes_nothing(article, cli, tmp_path, monkeypatch):
    # the new sha256 was recorded first, then the article's write failed: every query then exited 3
    new = tmp_path / "new.txt"
    new.write_text(ONE + "One more line.\n", encoding="utf-8")
    before = _files(article.parent)
    _fail_for(monkeypatch, "one.txt", "write")
    result = cli("--data", str(article), "source", "update", "art-one", str(new))
    assert (result.exit_code, result.stdout) == (74, "")
    assert result.stderr.count("Error: ") == 1
    assert "seeds/one.txt: No space left on device" in result.stderr, result.stderr
    monkeypatch.undo()
    assert _files(article.parent) == before
    assert cli("--data", str(article), "validate").exit_code == 0


def test_source_update_whose_article_cannot_be_renamed_says_to_run_it_again(article, cli, tmp_path, monkeypatch):
    # the hint existed but was dead code: the write raises IoError, the code caught OSError
    new = tmp_path / "new.txt"
    new.write_text(ONE + "One more line.\n", encoding="utf-8")
    _fail_for(monkeypatch, "one.txt", "commit")
    result = cli("--data", str(article), "source", "update", "art-one", str(new))
    assert (result.exit_code, result.stdout) == (74, "")
    assert result.stderr.count("Error: ") == 1
    assert "recorded the new sha256 but cannot write seeds/one.txt (No space left on device)" in result.stderr
    assert "run the same `iranaz source update` again" in result.stderr
    monkeypatch.undo()
    assert not [p for p in (article.parent / "seeds").iterdir() if p.name.startswith(".iranaz-")]
    again = cli("--data", str(article), "source", "update", "art-one", str(new))
    assert again.exit_code == 0, again.output
    assert cli("--data", str(article), "validate").exit_code == 0


# --- 4. a change made is exit 0, even when stderr cannot be written ----------------------------------


@pytest.mark.parametrize("command", ["init", "add", "source add", "source update", "--install-completion"])
def test_a_writer_whose_stderr_is_full_reports_the_change_by_its_exit_code(tmp_path, command):
    # the change was made, then "added ..." failed on stderr: exit 74, which says nothing changed
    import subprocess
    import sys

    iranaz = [sys.executable, "-m", "iranaz_cli"]
    env = {**{k: v for k, v in os.environ.items() if k != "IRANAZ_DATA"}, "HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()
    data = tmp_path / "b" / "data"
    if command != "init":
        assert subprocess.run([*iranaz, "init", str(tmp_path / "b")], capture_output=True, env=env).returncode == 0
    (tmp_path / "one.txt").write_text(ONE, encoding="utf-8")
    if command == "source update":
        added = [*iranaz, "--data", str(data), "source", "add", str(tmp_path / "one.txt"), "--id", "art-one"]
        assert subprocess.run(added, capture_output=True, env=env).returncode == 0
        (tmp_path / "one.txt").write_text(ONE + "One more line.\n", encoding="utf-8")
    args = {
        "init": ["init", str(tmp_path / "b")],
        "add": ["--data", str(data), "add", "sources", "-"],
        "source add": ["--data", str(data), "source", "add", str(tmp_path / "one.txt"), "--id", "art-one"],
        "source update": ["--data", str(data), "source", "update", "art-one", str(tmp_path / "one.txt")],
        "--install-completion": ["--install-completion", "bash"],
    }[command]
    stdin = "id: a-ref\ntitle: A reference\nkind: reference\n" if command == "add" else ""
    with open("/dev/full", "w") as full:  # (--install-completion: its stdout full too, as the attack tried)
        stdout = full if command == "--install-completion" else subprocess.PIPE
        result = subprocess.run(
            [*iranaz, *args], input=stdin, stdout=stdout, stderr=full, text=True, env=env, timeout=60
        )
    assert result.returncode == 0
    if command == "--install-completion":
        assert "iranaz" in (tmp_path / "home" / ".bashrc").read_text(encoding="utf-8")
    else:
        validated = subprocess.run([*iranaz, "validate", str(data)], capture_output=True, text=True, env=env)
        assert validated.returncode == 0, validated.stderr
        listed = subprocess.run([*iranaz, "--data", str(data), "sources", "--json"], capture_output=True, env=env)
        assert (b"a-ref" if command == "add" else b"art-one") in listed.stdout or command == "init"


# --- 5. a writer pointed at a folder that is not a base makes nothing there --------------------------


@pytest.mark.parametrize("command", ["source add", "add", "source update"])
@pytest.mark.parametrize("folder", ["P/d", "P"])
def test_a_writer_pointed_at_a_folder_that_is_no_base_makes_nothing(tmp_path, cli, command, folder):
    # it took the lock (.iranaz.lock) and made seeds/ beside the folder, then said exit 3
    (tmp_path / "P" / "d").mkdir(parents=True)
    (tmp_path / "x.txt").write_text(ONE, encoding="utf-8")
    args = {
        "source add": ["source", "add", str(tmp_path / "x.txt"), "--id", "e1", "--title", "T"],
        "add": ["add", "sources", "-"],
        "source update": ["source", "update", "e1", str(tmp_path / "x.txt")],
    }[command]
    result = cli("--data", str(tmp_path / folder), *args, input="id: a-ref\ntitle: A reference\nkind: reference\n")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("Error: ") == 1
    assert "people.yaml, " in result.stderr and "(a fact base has one file per kind)" in result.stderr
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["P", "P/d", "x.txt"]


@pytest.mark.parametrize(
    ("how", "why"), [("fifo", "is not a regular file"), ("folder", "is a folder, not a file")]
)  # fmt: skip
def test_a_kind_file_that_is_no_regular_file_is_named_for_what_it_is(base_dir, cli, how, why):
    # readers said "missing people.yaml" for a FIFO or a folder where writers said what it was
    (base_dir / "people.yaml").unlink()
    (os.mkfifo if how == "fifo" else os.mkdir)(base_dir / "people.yaml")
    result = cli("--data", str(base_dir), "who", "Aliyev")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("Error: ") == 1 and f"people.yaml: {why}" in result.stderr, result.stderr


# --- 6. init refuses a folder name that is blank or begins or ends with a space -----------------------


@pytest.mark.parametrize(
    ("folder", "why"),
    [
        (" ", "is not a folder name"),
        ("  ", "is not a folder name"),
        ("\u00a0", "is not a folder name"),
        ("a/ ", "is not a folder name"),
        (" x", "begins or ends with a space"),
        ("x ", "begins or ends with a space"),
        ("x /", "begins or ends with a space"),
    ],
)
def test_init_refuses_a_blank_folder_name_or_one_with_a_space_at_an_end(cli, tmp_path, monkeypatch, folder, why):
    # `init " "` made a folder named with a space, and printed "made a fact base in  ;"
    monkeypatch.chdir(tmp_path)
    result = cli("init", "--", folder)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: '{folder}' {why}: name the folder to make the base in" + (
        " without it\n" if "space" in why else "\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_init_still_makes_a_folder_with_a_space_inside_its_name(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("init", "my base").exit_code == 0
    assert (tmp_path / "my base" / "data" / "people.yaml").is_file()


# --- 7. --install-completion refuses an empty or relative HOME ----------------------------------------


@pytest.mark.parametrize("home", ["", "rel/home", "."])
@pytest.mark.parametrize("shell", [["bash"], ["zsh"], []])
def test_install_completion_refuses_a_home_that_is_empty_or_relative(tmp_path, home, shell):
    # HOME= wrote /.bash_completions/iranaz.sh and /.bashrc; a relative HOME wrote under the working folder
    import subprocess
    import sys

    env = {**os.environ, "HOME": home, "SHELL": "/bin/bash"}
    result = subprocess.run(
        [sys.executable, "-m", "iranaz_cli", "--install-completion", *shell],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: --install-completion: HOME is ")
    assert list(tmp_path.iterdir()) == []


# --- 8. smaller findings --------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["link", "folder"])
def test_a_lock_file_that_is_a_link_or_a_folder_is_named(base_dir, cli, tmp_path, how):
    # "cannot lock B/data: Too many levels of symbolic links" named the folder, not the file at fault
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    lock = base_dir / ".iranaz.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim) if how == "link" else lock.mkdir()
    result = cli("--data", str(base_dir), "add", "sources", "-", input="id: a-ref\ntitle: A ref\nkind: reference\n")
    assert (result.exit_code, result.stdout) == (74, "")
    what = "a symbolic link" if how == "link" else "a folder"
    assert result.stderr.count("Error: ") == 1
    assert f"/.iranaz.lock is {what}, not the writers' lock file; remove it and try again" in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep\n"
    assert b"a-ref" not in (base_dir / "sources.yaml").read_bytes()


@pytest.mark.parametrize("path", ["../../x.txt", "/etc/hostname"])
def test_source_update_of_a_path_outside_seeds_is_an_invalid_base(article, cli, tmp_path, path):
    # it said exit 74 where every reader says 3 for the same path
    text = (article / "sources.yaml").read_text(encoding="utf-8")
    (article / "sources.yaml").write_text(text.replace("path: seeds/one.txt", f"path: {path}"), encoding="utf-8")
    result = cli("--data", str(article), "source", "update", "art-one", str(tmp_path / "one.txt"))
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("Error: ") == 1 and f"source file {path} " in result.stderr, result.stderr


def _renamed(base_dir, name: str):
    people = base_dir / "people.yaml"
    text = people.read_text(encoding="utf-8").replace("name: Mehdi Sanaei", f'name: "{name}"')
    people.write_text(text, encoding="utf-8")


def test_a_persian_name_with_a_zwnj_between_letters_is_no_shell_warning_and_is_completed(base_dir, cli):
    # validate said ZWNJ "holds characters a shell acts on", and completion never offered such a name
    from iranaz_cli.text import shell_safe

    _renamed(base_dir, "Mohammad\u200creza Sanaei")
    result = cli("validate", str(base_dir))
    assert result.exit_code == 0 and "Sanaei" not in result.stderr, result.stderr
    assert shell_safe("Mohammad\u200creza Sanaei") and shell_safe("محمد\u200cرضا")
    assert not shell_safe("\u200cMohammad") and not shell_safe("Mohammad\u200c") and not shell_safe("a\u200c b")
    import subprocess
    import sys

    env = {**os.environ, "IRANAZ_DATA": str(base_dir), "_IRANAZ_COMPLETE": "complete_bash"}
    env.update({"COMP_WORDS": "iranaz who Mohammad", "COMP_CWORD": "2"})
    out = subprocess.run([sys.executable, "-m", "iranaz_cli"], capture_output=True, text=True, env=env, timeout=60)
    assert "Mohammad\u200creza\\ Sanaei" in out.stdout.split("\n"), out.stdout


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Mehdi\u00adSanaei", "holds invisible characters (U+00AD); Tab completion does not offer it"),
        ("Mehdi Sanaei\u200c", "holds invisible characters (U+200C); Tab completion does not offer it"),
        ("Mehdi $anaei\u200b", "holds characters a shell acts on ($) and invisible characters (U+200B);"),
    ],
)
def test_validate_names_invisible_characters_for_what_they_are(base_dir, cli, name, said):
    _renamed(base_dir, name)
    result = cli("validate", str(base_dir))
    warned = [line for line in result.stderr.splitlines() if "'sanaei': name" in line]
    assert len(warned) == 1 and said in warned[0], result.stderr


def test_a_writer_never_cleans_up_where_a_seeds_link_leads(tmp_path, cli):
    # a writer removes temporary files killed writers left in data/ and seeds/: not in a folder seeds/ leads to
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    (tmp_path / "B" / "seeds").rmdir()
    (tmp_path / "elsewhere").mkdir()
    left = tmp_path / "elsewhere" / ".iranaz-abcdefgh.tmp"
    left.write_text("someone's\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", tmp_path / "B" / "seeds")
    data = tmp_path / "B" / "data"
    result = cli("--data", str(data), "add", "sources", "-", input="id: a-ref\ntitle: A ref\nkind: reference\n")
    assert result.exit_code == 0, result.output
    assert left.read_text(encoding="utf-8") == "someone's\n"


@pytest.fixture
def new_base(tmp_path):
    import test_edit

    return test_edit.new_base.__wrapped__(tmp_path)  # (a new base holding the test article)


def test_new_whose_record_fails_the_final_check_says_where_the_answers_are(new_base, monkeypatch):
    # a direct quote's text is checked against its article only once the record is whole: the
    # interview ended on the error alone, and the user thought every answer lost
    from test_edit import invoke  # noqa: I001

    from iranaz_cli.cli import edit as cli_edit
    from iranaz_cli.cli import interview as cli_interview

    quote = {
        "id": "nq-two",
        "speaker": "pezeshkian",
        "text": "Words nobody said anywhere",
        "direct": True,
        "context": "ctx",
        "sources": [{"source": "border-meeting", "quote": "Our border is a bridge"}],
    }
    monkeypatch.setattr(cli_edit, "_on_terminal", lambda: True)
    monkeypatch.setattr(cli_interview, "interview", lambda *a: dict(quote))
    monkeypatch.setattr(cli_edit, "_ask_on_terminal", lambda *a: "y")
    before = (new_base / "quotes.yaml").read_bytes()
    result = invoke("new", "quotes", "--data", str(new_base))
    assert result.exit_code == 3
    assert "Words nobody said anywhere" in result.stderr  # the record, shown before the question
    assert result.stderr.endswith(
        "nothing was added; the record above holds your answers: put it in a file, correct it and"
        " run `iranaz add quotes FILE`\n"
    )
    assert (new_base / "quotes.yaml").read_bytes() == before


def test_init_of_the_working_folder_is_refused(cli, tmp_path, monkeypatch):
    # `init .` in an empty folder renamed a new folder over it: the shell was left in a deleted one
    monkeypatch.chdir(tmp_path)
    result = cli("init", ".")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: . is the working folder or exists and is not empty; name a new one\n"
    assert list(tmp_path.iterdir()) == [] and os.path.samefile(os.getcwd(), tmp_path)


def test_a_bad_byte_after_a_byte_order_mark_is_named_where_it_is(cli, tmp_path, base_dir):
    # Round I: "\ufeff" then 0xff was "byte 0xef at offset 0", the mark, valid UTF-8 (utf-8-sig counts
    # its offsets past the mark); every reader names the byte that is wrong, at its offset in the file.
    bad = b"\xef\xbb\xbfTitle\nbody \xff\n"
    expected = "not UTF-8 text (byte 0xff at offset 14)"
    (tmp_path / "art.txt").write_bytes(bad)
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    added = cli("--data", str(tmp_path / "B" / "data"), "source", "add", str(tmp_path / "art.txt"), "--id", "a")
    assert added.exit_code == 2 and f"art.txt:2: {expected}; convert it to UTF-8" in added.stderr
    resolved = cli("resolve", str(tmp_path / "art.txt"))
    assert resolved.exit_code == 2 and f"art.txt:2: {expected}" in resolved.stderr
    (base_dir / "visits.yaml").write_bytes(b"\xef\xbb\xbf# visits\n- id: x \xff\n")
    validated = cli("validate", str(base_dir))
    assert (
        validated.exit_code == 3
        and validated.stderr.count("visits.yaml:2: not UTF-8 text (byte 0xff at offset 20)") == 1
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://x.y/\n- id: inj", "https://x.y/ a", "ftp://x.y/", "https://", "x"]
)
def test_a_source_url_must_be_a_web_address_on_one_line(cli, tmp_path, url):
    # Round I: `source add --url` took any text; a newline in it made `show` print a line like a record.
    (tmp_path / "art.txt").write_text("Title\nbody\n", encoding="utf-8")
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    data = tmp_path / "B" / "data"
    before = (data / "sources.yaml").read_bytes()
    result = cli("--data", str(data), "source", "add", str(tmp_path / "art.txt"), "--id", "a", "--url", url)
    assert result.exit_code != 0 and result.stderr.startswith("Error: --url: ")
    assert ("web address" in result.stderr or "a line break" in result.stderr) and result.stderr.count("\n") == 1
    assert (data / "sources.yaml").read_bytes() == before and not (tmp_path / "B" / "seeds" / "art.txt").exists()
    ok = cli("--data", str(data), "source", "add", str(tmp_path / "art.txt"), "--id", "a", "--url", "http://x.y/a?b=1")
    assert ok.exit_code == 0, ok.output
    persian = "https://fa.wikipedia.org/wiki/مهدی_سنایی"  # (letters beyond ASCII are an address's own)
    ok = cli("--data", str(data), "source", "add", str(tmp_path / "art.txt"), "--id", "b", "--url", persian)
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--url", "http://x\udced\udca0\udc80", "not UTF-8 text"),
        ("--title", "T\udced\udca0\udc80", "not UTF-8 text"),
        ("--publisher", "P\udcff", "not UTF-8 text"),
        ("--title", "Title\nkind: reference\x1b[31m", "a line break or a hidden character"),
        ("--publisher", "Pub\r\nX", "a line break or a hidden character"),
        ("--url", "http://x\u2800", "not a web address"),
        ("--url", "http://x\U000f0000", "not a web address"),
    ],
)
def test_source_add_options_are_one_line_of_utf8_text_each_named_when_not(cli, tmp_path, option, value, said):
    # Round J: bytes that are not UTF-8 in an option were blamed on sources.yaml at a line that is a
    # comment (the YAML made of the option failed to read back); a title or publisher took line breaks,
    # printed by `show` as lines of their own; a url took U+2800 (a blank) and private-use characters.
    (tmp_path / "art.txt").write_text("Title\nbody\n", encoding="utf-8")
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    data = tmp_path / "B" / "data"
    before = (data / "sources.yaml").read_bytes()
    result = cli("--data", str(data), "source", "add", str(tmp_path / "art.txt"), "--id", "a", option, value)
    assert result.exit_code in (2, 3) and result.stderr.startswith(f"Error: {option}: "), result.stderr
    assert said in result.stderr and result.stderr.count("\n") == 1 and "sources.yaml" not in result.stderr
    assert (data / "sources.yaml").read_bytes() == before and not (tmp_path / "B" / "seeds" / "art.txt").exists()


def _hits_as_before(text, needle):
    """locate's hits as they were found before round K, each from the start of the article."""
    from iranaz_cli.store.anchors import FoldedText
    from iranaz_cli.write.locate import find, sentences

    spans, exact, hits = sentences(text), FoldedText(text), []
    for start, end in find(text, needle):
        same = exact.find_all(text[start:end])
        inside = [s for s in spans if s[0] < end and s[1] > start] or [(start, end)]
        s_start, s_end = min(start, inside[0][0]), max(end, inside[-1][1])
        s_start, s_end = max(s_start, start - 300), min(s_end, end + 300)  # (round L: at most 300 each side)
        hits.append({
            "line": text.count("\n", 0, start) + 1, "column": start - (text.rfind("\n", 0, start) + 1) + 1,
            "start": start, "end": end, "quote": text[start:end], "sentence": text[s_start:s_end],
            "sentence_start": s_start, "sentence_end": s_end,
            "occurrence": next((k for k, (a, _) in enumerate(same, 1) if a == start), 1), "occurrences": len(same),
        })  # fmt: skip
    return hits


def test_locate_finds_each_hit_from_the_one_before_as_it_found_them_from_the_start(monkeypatch):
    # Round K: every hit searched the whole article again (its occurrences, its line, its sentence):
    # a 50 KB article of 9,800 hits took 29 s, and the 2 MiB an article may be, hours.
    import random

    from iranaz_cli.store import anchors
    from iranaz_cli.write.locate import hits_in

    rng = random.Random(11)
    words = ["Baku", "BAKU", "baku.", "Tehran", "“Baku”", "Dr. Baku", "\n", "\n\n", "  ", "Aliyev said:", "A.B."]
    for _ in range(300):
        text = " ".join(rng.choices(words, k=rng.randrange(0, 60)))
        needle = rng.choice(["baku", "Baku Baku", "tehran", "said", "b", "“Baku", "a.b"])
        got = [{k: v for k, v in hit.items() if k != "source"} for hit in hits_in("s", text, needle)]
        assert got == _hits_as_before(text, needle), (text, needle)
    calls = []
    real = anchors.FoldedText.find_all
    monkeypatch.setattr(anchors.FoldedText, "find_all", lambda self, q: calls.append(q) or real(self, q))
    assert len(hits_in("s", "Baku. " * 5000 + "BAKU baku", "baku")) == 5002
    assert sorted(calls) == ["BAKU", "Baku", "baku"]  # once for each text a hit has, not once a hit
    # Round L: a sentence may be a whole article; each hit shows at most 300 characters each side of it
    hits = hits_in("s", "gas " * 20_000, "gas")
    assert len(hits) == 20_000 and max(len(hit["sentence"]) for hit in hits) == 603
    assert all(hit["sentence"] == ("gas " * 20_000)[hit["sentence_start"] : hit["sentence_end"]] for hit in hits)


def test_a_quote_found_many_times_is_searched_for_once_however_many_records_cite_it():
    # Round L: 200 quotes of "gas gas" in a 2 MiB article of "gas " (524,287 hits) took 29 s to anchor,
    # in `add` and in every `validate` after: each found every hit again to pick its occurrence.
    from iranaz_cli.store.anchors import FoldedText

    article = FoldedText("gas " * 5000 + "gas\n  gas, “gas” gas.")
    every = article.find_all("gas gas")
    assert len(every) == 5001 and every[-1] == (20000, 20009)  # (folded: the line break and spaces are one)
    starts = article._starts("gas gas")
    for n in (0, 1, 2, 4999, 5001, 5002):
        count, span = article.count_and_span("gas \t gas", n)
        assert (count, span) == (5001, every[n - 1] if 1 <= n <= 5001 else None)
    assert article._starts("gas gas") is starts  # (kept: not searched for again)
    assert article.count_and_span("oil", 1) == (0, None) and article.count_and_span("  ", 1) == (0, None)


def test_an_anchor_line_is_looked_up_among_the_line_breaks_found_once():
    # Round M: each anchor counted the line breaks before it: 0.3 ms a quote in a 2 MiB article.
    import random

    from iranaz_cli.store.anchors import FoldedText

    rng = random.Random(3)
    for _ in range(500):
        raw = "".join(rng.choices(["a", "\n", "b ", " ", "\r\n"], k=rng.randrange(1, 50)))
        article = FoldedText(raw)
        assert [article.anchor(at, at).line for at in range(len(raw) + 1)] == [
            raw.count("\n", 0, at) + 1 for at in range(len(raw) + 1)
        ]
    assert article._lines is not None and list(article._lines) == [i for i, c in enumerate(raw) if c == "\n"]


def _folded_as_before(raw):
    """The folded text and its origins as FoldedText made them a character at a time, before round M."""
    from iranaz_cli.text import _FOLDS

    chars, origin, space = [], [], True
    for i, ch in enumerate(raw):
        if ch.isspace():
            if not space:
                chars.append(" ")
                origin.append(i)
                space = True
            continue
        chars.append(ch.translate(_FOLDS))
        origin.append(i)
        space = False
    if chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def test_an_article_is_folded_a_word_at_a_time_and_searched_through_its_words_as_it_was_without(monkeypatch):
    # Round M: a base of 16 MiB of articles and 88,000 quotes took 55 s to validate: each article was
    # folded a character at a time, and each quote searched the whole article (0.4 ms in 2 MiB).
    import random

    from iranaz_cli.store import anchors

    rng = random.Random(5)
    pieces = ["gas", "Gas", " ", "  ", "\n", "\u2003", "\x1c", "“", "—", "Baku said", "said ", "a.", "gas gas "]
    needles = ["gas", "gas gas", "said gas", "gas gas gas gas", " said", "Baku said gas", "a. gas", '"gas', "-"]
    for _ in range(400):
        raw = "".join(rng.choices(pieces, k=rng.randrange(0, 80)))
        article = anchors.FoldedText(raw)
        assert (article.folded, list(article.origin)) == _folded_as_before(raw), repr(raw)
        for needle in needles:
            plain = [at for at in range(len(article.folded)) if article.folded.startswith(needle, at)]
            monkeypatch.setattr(anchors, "KEYS", rng.choice([(1,), (3, 1), (5, 3, 2)]))
            indexed = article._indexed(needle)
            article._index = {}
            assert indexed is None or list(indexed) == plain, (raw, needle)
    article = anchors.FoldedText("Iran met Azerbaijan. " * 3000)
    monkeypatch.setattr(anchors, "KEYS", (12, 8, 4))
    article._asked = anchors.INDEX_AFTER
    every = anchors.FoldedText("Iran met Azerbaijan. " * 3000).find_all("met Azerbaijan. Iran met")
    assert article.count_and_span("met Azerbaijan. Iran met", 2999) == (2999, every[2998])
    assert article._index  # (indexed after INDEX_AFTER look-ups)


def test_coverage_finds_the_sentences_a_citation_overlaps_in_one_pass_as_it_did_testing_each():
    # Round M: coverage tested every sentence against every citation: over 120 s for 88,000 quotes.
    import random

    from iranaz_cli.ask.coverage import _overlapped
    from iranaz_cli.store.anchors import split_sentences

    rng = random.Random(8)
    for _ in range(300):
        text = "".join(rng.choices(["Iran met Baku. ", "Dr. Aliyev said so!\n", "gas ", "“Yes.” ", "\n\n"], k=40))
        sentences = split_sentences(text)
        spans = [tuple(sorted(rng.sample(range(len(text) + 1), 2))) for _ in range(rng.randrange(0, 6))]
        every = {i for i, s in enumerate(sentences) if any(a < s.end and s.start < b for a, b in spans)}
        assert _overlapped(sentences, spans) == every, (text, spans)


def test_phrases_found_often_are_kept_by_their_size_not_sixteen_of_them():
    # Round N: sixteen kept, the oldest dropped first: seventeen phrases cited in turn were each found
    # again every time (80 ms a quote in a 2 MiB article; 340 quotes took 29 s).
    from iranaz_cli.store.anchors import FoldedText

    article = FoldedText("gas " * 3000)
    phrases = [" ".join(["gas"] * k) for k in range(2, 19)]  # (17, each found over 1,000 times)
    for _ in range(3):
        for n, phrase in enumerate(phrases):
            assert article.count_and_span(phrase, n + 1)[0] == 3001 - len(phrase.split())
    assert article._asked == 17  # (each searched for once)


def test_locate_matches_the_azerbaijani_capital_dotted_i_in_lower_case(cli, tmp_path):
    # Round N: "İ".lower() is "i" and a combining dot, so `locate "iran islam"` missed "İran İslam".
    (tmp_path / "az.txt").write_text("Title\nAzərbaycan Respublikası İran İslam Respublikası ilə.\n", encoding="utf-8")
    assert cli("init", str(tmp_path / "B")).exit_code == 0
    data = str(tmp_path / "B" / "data")
    assert cli("--data", data, "source", "add", str(tmp_path / "az.txt"), "--id", "az").exit_code == 0
    for words in ("iran islam", "İRAN İSLAM", "Iran Islam"):
        result = cli("--data", data, "locate", words, "--json")
        assert result.exit_code == 0, (words, result.stderr)
        assert [hit["quote"] for hit in json.loads(result.stdout)] == ["İran İslam"]


def test_a_quote_is_looked_up_by_its_rarest_inner_word_short_ones_too_or_searched_for():
    # Round N: only the first four inner words were tried, so quotes whose fifth word was the rare one
    # checked ~490,000 places each (36 ms); a quote with no inner word of 12 characters searched the
    # whole article (40,000 of them: 33 s). The rarest of all is used, by 12 or 4 characters; where even
    # that is everywhere, a search is quicker.
    from iranaz_cli.store import anchors

    text = "gas " * 5000 + "m7x gas. Item 0-12: the envoy met. Item 0-13: met."
    article = anchors.FoldedText(text)
    assert list(article._indexed("gas gas gas gas gas m7x gas")) == [text.index("gas gas gas gas gas m7x gas")]
    assert list(article._indexed("Item 0-12:")) == [text.index("Item 0-12:")]
    assert article._indexed("gas gas gas gas") is None  # (5,000 places: searched instead)
    assert sorted(article._index) == [4, 8, 12]


@pytest.mark.parametrize("occurrence", [0, -1, 40])
def test_an_occurrence_out_of_range_is_refused_zero_too(cli, base_dir, occurrence):
    # Round O: `occurrence: 0` was taken for 1 (count_and_span(quote, occurrence or 1)) and published
    # as occurrence 0 with the anchor of the first; it is refused, as it was before round L.
    record = (
        '- {"id": "oq-0", "speaker": "pezeshkian", "text": "x", "context": "c", "direct": false, "date": "2025",'
        f' "sources": [{{"source": "baku-visit-article", "quote": "the", "occurrence": {occurrence}}}]}}\n'
    )
    quotes = base_dir / "quotes.yaml"
    quotes.write_text(quotes.read_text(encoding="utf-8") + record, encoding="utf-8")
    result = cli("validate", str(base_dir))
    assert result.exit_code == 3 and f"occurrence {occurrence}: the quote is found 39 time(s)" in result.stderr


def test_a_not_factual_mark_across_two_sentences_is_refused_as_coverage_could_not_mark_it(cli, base_dir):
    # Round O: validate found the mark in the whole article, coverage looked in each sentence alone:
    # "in 1988. Since then" passed and then marked nothing (lines: []).
    sources = base_dir / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    anchor = "  sha256: 98d720bee306ce7075eafc1d9b712ee16fff32d844a5e81cb163e4bc1e688e0f\n"
    assert anchor in text
    mark = '  not_factual:\n    - quote: "in 1988. Since then"\n      reason: spans two sentences\n'
    sources.write_text(text.replace(anchor, anchor + mark, 1), encoding="utf-8")
    result = cli("validate", str(base_dir))
    assert result.exit_code == 3
    assert "not inside one sentence of the article: 'in 1988. Since then'; mark each sentence" in result.stderr


def test_a_not_factual_mark_found_more_than_once_is_refused(cli, base_dir):
    # Round P: a mark 'ab' was found inside the words of 182 sentences and marked them all not factual.
    sources = base_dir / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    anchor = "  sha256: 98d720bee306ce7075eafc1d9b712ee16fff32d844a5e81cb163e4bc1e688e0f\n"
    mark = "  not_factual:\n    - quote: the\n      reason: a word\n"
    sources.write_text(text.replace(anchor, anchor + mark, 1), encoding="utf-8")
    result = cli("validate", str(base_dir))
    assert result.exit_code == 3 and "found 39 times in the article: 'the'; a mark names one sentence" in result.stderr
