"""Growing a base with the tool: init, source add, locate, add, validate --strict, and safe writes."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT

ARTICLE = (
    "Pezeshkian Meets Aliyev at the Border\n"
    "\n"
    "Iran’s President Masoud Pezeshkian met Azerbaijani President Ilham Aliyev at Astara on 12 May 2025.\n"
    "“Our border is a bridge, not a wall,” Pezeshkian said — a line the two leaders repeated.\n"
    "The meeting followed his official visit to Baku in April 2025.\n"
)

PERSON = """\
id: pezeshkian
name: Masoud Pezeshkian
country: Iran
roles:
  - title: President of Iran
sources:
  - source: border-meeting
    quote: Iran’s President Masoud Pezeshkian
"""

VISIT = """\
- id: pezeshkian-astara-2025
  president: pezeshkian
  date: "2025-05-12"
  occasion: Meeting with Ilham Aliyev at the border
  place: Astara
  sources:
    - source: border-meeting
      quote: met Azerbaijani President Ilham Aliyev at Astara on 12 May 2025
  to: Azerbaijan
"""


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    from iranaz_cli.cli.main import app

    return CliRunner().invoke(app, list(args), input=input, env=env, prog_name="iranaz")


@pytest.fixture
def new_base(tmp_path) -> Path:
    """Return the data folder of a new base holding the test article as source `border-meeting`."""
    assert invoke("init", str(tmp_path / "base")).exit_code == 0
    data = tmp_path / "base" / "data"
    article = tmp_path / "border.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = invoke("source", "add", str(article), "--id", "border-meeting", "--data", str(data))
    assert result.exit_code == 0, result.output
    return data


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- init -----------------------------------------------------------------------------------------


def test_init_makes_an_empty_valid_base_and_prints_how_to_use_it(tmp_path):
    from iranaz_cli.model import KINDS

    result = invoke("init", str(tmp_path / "b"))
    assert result.exit_code == 0
    assert result.stdout == f"export IRANAZ_DATA={tmp_path / 'b' / 'data'}\n"
    assert "made a fact base" in result.stderr
    data = tmp_path / "b" / "data"
    assert sorted(p.name for p in data.iterdir()) == sorted(f"{k}.yaml" for k in KINDS)
    assert (tmp_path / "b" / "seeds").is_dir()
    for kind in KINDS:
        lines = (data / f"{kind}.yaml").read_text().splitlines()
        assert lines[0].startswith("# ") and "--template" in lines[0] and lines[1:] == ["[]"]
    assert invoke("validate", str(data)).stdout == f"ok: 0 records in {len(KINDS)} files\n"


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    result = invoke("init", str(tmp_path / "b"))
    assert result.exit_code == 2
    assert (
        result.stderr == f"Error: {tmp_path / 'b'} is the working folder or exists and is not empty; name a new one\n"
    )
    assert os.listdir(tmp_path / "b") == ["keep.txt"]
    (tmp_path / "empty").mkdir()
    assert invoke("init", str(tmp_path / "empty")).exit_code == 0


def test_init_from_shipped_copies_the_shipped_base(tmp_path):
    assert invoke("init", str(tmp_path / "b"), "--from-shipped").exit_code == 0
    shipped = invoke("validate", str(ROOT / "data")).stdout
    assert shipped.startswith("ok: ") and invoke("validate", str(tmp_path / "b" / "data")).stdout == shipped
    assert (tmp_path / "b" / "data" / "visits.yaml").read_bytes() == (ROOT / "data" / "visits.yaml").read_bytes()


# --- source add -----------------------------------------------------------------------------------


def test_source_add_copies_the_bytes_and_records_hash_and_title(new_base):
    import hashlib

    seed = new_base.parent / "seeds" / "border.txt"
    assert seed.read_bytes() == ARTICLE.encode()
    text = (new_base / "sources.yaml").read_text()
    assert "title: Pezeshkian Meets Aliyev at the Border\n" in text
    assert f"sha256: {hashlib.sha256(ARTICLE.encode()).hexdigest()}\n" in text
    assert "kind: article\n" in text and "path: seeds/border.txt\n" in text
    assert invoke("validate", str(new_base)).exit_code == 0


def test_source_add_never_overwrites_a_different_file_of_the_same_name(new_base, tmp_path):
    other = tmp_path / "elsewhere" / "border.txt"
    other.parent.mkdir()
    other.write_text("Another Article\n\nOther words.\n")
    before = snapshot(new_base.parent)
    result = invoke("source", "add", str(other), "--id", "other", "--data", str(new_base))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: seeds/border.txt exists and is a different file")
    assert snapshot(new_base.parent) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"Title\n\x00\x01binary", "a binary file"),
        (b"Caf\xe9 Title\n", "not UTF-8 text (byte 0xe9 at offset 3)"),
    ],
)
def test_source_add_refuses_what_cannot_be_an_article(new_base, tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    before = snapshot(new_base.parent)
    result = invoke("source", "add", str(bad), "--id", "bad", "--data", str(new_base))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert message in result.stderr and result.stderr.startswith("Error: ")
    assert snapshot(new_base.parent) == before


def test_source_add_refuses_a_file_over_the_cap(new_base, tmp_path, monkeypatch):
    from iranaz_cli.write import edit

    monkeypatch.setattr(edit, "MAX_SOURCE_BYTES", 100)
    big = tmp_path / "big.txt"
    big.write_text("Big\n" + "word " * 50)
    result = invoke("source", "add", str(big), "--id", "big", "--data", str(new_base))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {big}: 254 bytes is over the 100-byte limit for a source\n"


def test_source_add_with_a_bad_option_writes_nothing(new_base, tmp_path):
    article = tmp_path / "second.txt"
    article.write_text("Second Article\n\nWords.\n")
    before = snapshot(new_base.parent)
    result = invoke("source", "add", str(article), "--id", "bad id", "--data", str(new_base))
    assert result.exit_code == 2  # an argument: a usage error (issue 22)
    assert result.stderr == "Error: --id: id 'bad id' is not a lowercase slug (a-z, 0-9, -)\n"
    result = invoke("source", "add", str(article), "--id", "second", "--published", "2025-13", "--data", str(new_base))
    assert result.exit_code == 3
    assert "Error: --published:" in result.stderr
    assert snapshot(new_base.parent) == before  # the seed copied for the check is gone again


# --- locate ---------------------------------------------------------------------------------------


def test_locate_tolerates_quotes_dashes_case_and_spacing(new_base):
    result = invoke(
        "locate", '"our border is a bridge,   NOT a wall," pezeshkian said - a line', "--data", str(new_base)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "border-meeting:4:1: “Our border is a bridge, not a wall,” Pezeshkian said — a line\n"
        "  in: “Our border is a bridge, not a wall,” Pezeshkian said — a line the two leaders repeated.\n"
    )


def test_locate_json_gives_character_offsets_into_the_source(new_base):
    result = invoke("locate", "bridge", "--json", "--data", str(new_base))
    [hit] = json.loads(result.stdout)
    text = ARTICLE
    assert text[hit["start"] : hit["end"]] == hit["quote"] == "bridge"
    assert text[hit["sentence_start"] : hit["sentence_end"]] == hit["sentence"]
    assert (hit["source"], hit["line"], hit["column"]) == ("border-meeting", 4, 18)


def test_locate_without_a_match_exits_1_with_the_closest_sentence(new_base):
    result = invoke("locate", "a bridge and not a wall", "--data", str(new_base))
    assert result.exit_code == 1 and result.stdout == ""
    assert "did you mean (border-meeting): '“Our border is a bridge, not a wall,” Pezeshkian said" in result.stderr
    assert invoke("locate", "x", "--source", "nope", "--data", str(new_base)).exit_code == 1


def test_sentences_split_at_sentence_ends_not_abbreviations():
    from iranaz_cli.write.locate import sentences

    text = "Title line\nMr. Aliyev met the U.S. envoy. “Good,” he said. Then: 2025.\n"
    assert [text[s:e] for s, e in sentences(text)] == [
        "Title line",
        "Mr. Aliyev met the U.S. envoy.",
        "“Good,” he said.",
        "Then: 2025.",
    ]


# --- add ------------------------------------------------------------------------------------------


def test_add_appends_after_the_last_byte_and_prints_the_ids(new_base, tmp_path):
    people = new_base / "people.yaml"
    assert invoke("add", "people", "-", "--data", str(new_base), input=PERSON).stdout == "pezeshkian\n"
    before = people.read_bytes()
    assert before.startswith(b"# people: ") and b"[]" not in before  # the `[]` line went, the comment stayed
    visit = tmp_path / "visit.yaml"
    visit.write_text(VISIT)
    result = invoke("add", "visits", str(visit), "--data", str(new_base))
    assert (result.exit_code, result.stdout) == (0, "pezeshkian-astara-2025\n")
    assert people.read_bytes() == before
    shown = invoke("visits", "--json", "--data", str(new_base))
    assert json.loads(shown.stdout)[0]["sources"] == [
        {
            "source": "border-meeting",
            "quote": "met Azerbaijani President Ilham Aliyev at Astara on 12 May 2025",
            "publisher": None,
            "published": None,
        }
    ]


def test_add_keeps_every_existing_byte_of_a_hand_written_file(base_dir):
    visits = base_dir / "visits.yaml"
    before = visits.read_bytes() + b"# a trailing comment, no newline"
    visits.write_bytes(before)
    record = VISIT.replace("pezeshkian-astara-2025", "khatami-again").replace("pezeshkian", "khatami")
    record = (
        record.replace("border-meeting", "baku-visit-article")
        .replace("met Azerbaijani President Ilham Aliyev at Astara on 12 May 2025", "Mohammad Khatami visited in 2004")
        .replace('"2025-05-12"', '"2004"')
    )
    result = invoke("add", "visits", "-", "--data", str(base_dir), input=record)
    assert result.exit_code == 0, result.output
    after = visits.read_bytes()
    assert after.startswith(before + b"\n")
    assert after.endswith(b"      quote: Mohammad Khatami visited in 2004\n  to: Azerbaijan\n")


def test_add_dry_run_prints_the_addition_and_writes_nothing(new_base):
    before = snapshot(new_base.parent)
    result = invoke("add", "people", "--dry-run", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 0
    assert result.stdout.startswith("- id: pezeshkian\n  name: Masoud Pezeshkian\n")
    assert "    - title: President of Iran\n" in result.stdout
    assert snapshot(new_base.parent) == before


def test_add_template_is_commented_yaml_of_every_field(new_base):
    from iranaz_cli.model import KINDS

    for kind, cls in KINDS.items():
        result = invoke("add", kind, "--template")
        assert result.exit_code == 0 and result.stdout.startswith("# ")
        for field in cls.__struct_fields__:
            assert f"{field}:" in result.stdout
    import yaml

    [visit] = yaml.safe_load(invoke("add", "visits", "--template").stdout)
    assert visit["sources"] == [{"source": "", "quote": "", "note": "", "occurrence": None, "dating": False}]
    assert invoke("add", "nonsense", "--template").stderr.startswith("Error: unknown kind 'nonsense'; one of: sources")


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (("12 May 2025", "12 June 2025"), "<stdin>:8: quote not found in source 'border-meeting'"),
        (("president: pezeshkian", "president: nobody"), "<stdin>:2: 'president' names 'nobody', which is not"),
        (("border-meeting", "no-such-source"), "<stdin>:7: cites 'no-such-source', which is not a source id"),
        (('"2025-05-12"', '"2025-02-30"'), "<stdin>:3: "),
        (("  place: Astara", "  place: Astara\n  place: Baku"), "<stdin>:6: duplicate key 'place' (first at line 5)"),
        (("  occasion:", "\toccasion:"), "<stdin>:4:1: "),
        (("  place: Astara", '  place: "Astara'), "<stdin>:"),
        (("  occasion:", "  ocasion:"), "<stdin>:4: unknown field 'ocasion'"),
    ],
)
def test_add_reports_problems_at_the_input_line_and_writes_nothing(new_base, edit, error):
    invoke("add", "people", "--data", str(new_base), input=PERSON)
    before = snapshot(new_base.parent)
    result = invoke("add", "visits", "--data", str(new_base), input=VISIT.replace(*edit))
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"Error: {error}") and result.stdout == ""
    assert "Traceback" not in result.stderr
    assert snapshot(new_base.parent) == before


def test_add_refuses_a_duplicate_id_naming_the_first(new_base, tmp_path):
    invoke("add", "people", "--data", str(new_base), input=PERSON)
    before = snapshot(new_base.parent)
    twice = tmp_path / "twice.yaml"
    twice.write_text("- " + PERSON.replace("\n", "\n  ").rstrip() + "\n")
    result = invoke("add", "people", str(twice), "--data", str(new_base))
    assert result.exit_code == 3
    shown = os.path.relpath(new_base, Path.cwd()) if str(new_base).startswith(str(Path.cwd())) else str(new_base)
    assert result.stderr == f"Error: {twice}:1: duplicate id 'pezeshkian' (first at {shown}/people.yaml:2)\n"
    assert snapshot(new_base.parent) == before


def test_add_refuses_what_is_not_a_record(new_base):
    for text, message in [("", "the file is empty"), ("- 1\n- 2\n", "expected a people record"), ("[]\n", "expected")]:
        result = invoke("add", "people", "--data", str(new_base), input=text)
        assert result.exit_code == 3 and message in result.stderr, (text, result.stderr)


def test_add_waits_for_the_lock_then_gives_up_with_one_line(new_base):
    from iranaz_cli.write.safewrite import locked

    before = snapshot(new_base.parent)
    with locked(new_base):
        result = invoke("add", "people", "--wait", "0.2", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 74
    assert result.stderr == (
        f"Error: {new_base} is locked by another writer (waited 0.2 s); try again"
        " (do not delete .iranaz.lock: it is not a stale lock, only a running writer holds it)\n"
    )
    assert snapshot(new_base.parent) == before


def test_a_full_disk_is_one_error_line_and_changes_nothing(new_base, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    before = snapshot(new_base.parent)
    monkeypatch.setattr(os, "fsync", full)
    result = invoke("add", "people", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 74
    assert result.stderr == f"Error: cannot write {new_base / 'people.yaml'}: No space left on device\n"
    assert snapshot(new_base.parent) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_base_is_one_error_line(new_base):
    before = snapshot(new_base.parent)
    new_base.chmod(0o555)
    try:
        result = invoke("add", "people", "--data", str(new_base), input=PERSON)
    finally:
        new_base.chmod(0o755)
    assert result.exit_code == 74 and result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert snapshot(new_base.parent) == before


def test_a_read_only_file_system_is_one_error_line(new_base, monkeypatch):
    import tempfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    before = snapshot(new_base.parent)
    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = invoke("add", "people", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 74
    assert result.stderr == f"Error: cannot write {new_base / 'people.yaml'}: Read-only file system\n"
    assert snapshot(new_base.parent) == before


def test_the_shipped_base_is_read_only(monkeypatch):
    from iranaz_cli.store.paths import shipped_data_dir

    monkeypatch.delenv("IRANAZ_DATA")  # no --data, no $IRANAZ_DATA: the shipped base
    before = snapshot(shipped_data_dir())
    message = "Error: the shipped base is read-only; make your own with `iranaz init DIR --from-shipped`\n"
    for args in (["add", "people"], ["source", "add", str(ROOT / "README.md"), "--id", "x"]):
        result = invoke(*args, input=PERSON)
        assert (result.exit_code, result.stderr) == (2, message)
    assert snapshot(shipped_data_dir()) == before


# --- validate --strict ----------------------------------------------------------------------------


def test_validate_warns_what_an_editor_would_query(new_base):
    result = invoke("validate", str(new_base))
    assert result.exit_code == 0
    assert "source 'border-meeting' is cited by no record" in result.stderr
    invoke("add", "people", "--data", str(new_base), input=PERSON.replace("Iran’s President Masoud", "Masoud"))
    invoke("add", "events", "--data", str(new_base), input="""\
- id: bridge-line
  summary: Pezeshkian called the border a bridge
  date: "2025-05-12"
  participants: [pezeshkian]
  sources:
    - source: border-meeting
      quote: Pezeshkian said — a line the two leaders repeated. The meeting followed
- id: border
  summary: Border
  sources:
    - source: border-meeting
      quote: a bridge
""")  # fmt: skip
    result = invoke("validate", str(new_base), "--strict")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert result.exit_code == 3, result.output
    assert [w.split(": ", 2)[2] for w in warnings] == [
        "'pezeshkian': quote 'Masoud Pezeshkian' is shorter than three words",
        "'bridge-line': quote 'Pezeshkian said — a line the two leaders'... runs over more than one sentence",
        "'bridge-line': date '2025-05-12' is more precise than its quotes, which give no date",
        "'border': quote 'a bridge' is shorter than three words",
    ]
    assert warnings[0].startswith("Warning: ") and "/people.yaml:2: " in warnings[0]
    assert "/events.yaml:2: " in warnings[1] and "/events.yaml:11: " in warnings[3]
    assert result.stderr.endswith("Error: 4 warning(s), and --strict makes them errors\n")


def test_validate_warns_of_unnamed_people_and_records_citing_only_references(new_base):
    sources = new_base / "sources.yaml"
    sources.write_text(
        sources.read_text() + "\n- id: wiki\n  title: Wiki\n  kind: reference\n  url: https://example.org\n"
    )
    invoke("add", "people", "--data", str(new_base), input="""\
id: someone
name: Some One
country: Iran
sources:
  - source: wiki
    note: Some One is a person.
""")  # fmt: skip
    result = invoke("validate", str(new_base))
    assert result.exit_code == 0
    assert "'someone' cites only references; does an article in the base say it?" in result.stderr
    assert "person 'someone' is named by no record (visits, quotes, events, ...)" in result.stderr
    assert "source 'border-meeting' is cited by no record" in result.stderr


def test_day_precise_date_whose_quote_gives_a_year_is_queried():
    from iranaz_cli.store.lint import _given

    assert [_given(q) for q in ("in 2004", "in April 2025", "on 28 April 2025", "on April 28", "today")] == [
        1,
        2,
        3,
        3,
        0,
    ]


def test_the_shipped_base_copy_validates_with_warnings_but_no_errors(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    result = invoke("validate", str(tmp_path / "data"))
    assert result.exit_code == 0 and result.stdout == invoke("validate", str(ROOT / "data")).stdout


def test_add_keeps_the_file_permissions(new_base):
    people = new_base / "people.yaml"
    people.chmod(0o640)
    assert invoke("add", "people", "--data", str(new_base), input=PERSON).exit_code == 0
    assert people.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ("# c\n[]\n", "# c\n- id: x\n"),
        ("# c\n[]  # none yet\n# d\n", "# c\n# none yet\n# d\n- id: x\n"),
        ("[]", "- id: x\n"),
        ("- id: a\n", "- id: a\n\n- id: x\n"),
        ("- id: a\n# end", "- id: a\n# end\n\n- id: x\n"),
    ],
)
def test_appending_keeps_comments_and_replaces_only_an_empty_list_line(existing, expected):
    from iranaz_cli.write.append import joined

    assert joined(existing, "- id: x\n", [{"id": "x"}], "f.yaml")[0] == expected


def test_two_new_records_with_one_id_are_named_at_their_input_lines(new_base):
    twice = "- " + PERSON.replace("\n", "\n  ").rstrip() + "\n"
    result = invoke("add", "people", "--data", str(new_base), input=twice + twice)
    assert result.exit_code == 3
    assert result.stderr == "Error: <stdin>:9: duplicate id 'pezeshkian' (first at <stdin>:1)\n"


def test_locate_needs_words(new_base):
    result = invoke("locate", "  ", "--data", str(new_base))
    assert (result.exit_code, result.stderr) == (2, "Error: give the words to find\n")


def test_hostile_source_files_are_refused_without_reading_them(new_base, tmp_path):
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    result = invoke("source", "add", str(fifo), "--id", "fifo", "--data", str(new_base))
    assert (result.exit_code, result.stderr) == (2, f"Error: {fifo}: not a regular file\n")
    odd = tmp_path / "odd\x1b[31m.txt"
    odd.write_text("Title\n")
    result = invoke("source", "add", str(odd), "--id", "odd", "--data", str(new_base))
    assert result.exit_code == 2 and "\x1b" not in result.stderr and "\\x1b" in result.stderr


# --- new (interactive) ----------------------------------------------------------------------------


def scripted(answers: list[str], rejected: list[str]):
    """An `ask` that answers from a list and records every answer the check refused, with why."""

    def ask(question, check, choices):
        while True:
            answer = answers.pop(0)
            why = check(answer)
            if why is None:
                return answer
            rejected.append(f"{question}: {answer!r}: {why}")

    return ask


def test_new_asks_field_by_field_and_checks_each_answer(new_base):
    from iranaz_cli import load_fact_base
    from iranaz_cli.cli.interview import interview
    from iranaz_cli.write.edit import add_parsed
    from iranaz_cli.write.locate import source_texts

    invoke("add", "people", "--data", str(new_base), input=PERSON)
    base = load_fact_base(new_base)
    rejected: list[str] = []
    answers = [
        "pezeshkian",  # id: taken
        "Bad Id",
        "pezeshkian-astara-2025",
        "nobody",  # president: unknown
        "pezeshkian",
        "Azerbaijan",  # to
        "12 May 2025",  # date: not EDTF
        "2025-05-12",
        "Meeting at the border",  # occasion
        "",  # source: at least one
        "border-meeting",
        "aliyev at astara on 12 may",  # quote: found, case aside
        "",  # no more sources
        "",  # host
        "Astara",  # place
        "Talks",  # agenda
        "",
        "",  # according_to
        "",  # notes
    ]
    record = interview("visits", base, source_texts(base, new_base), scripted(answers, rejected))
    assert answers == []
    assert [r.split(": ", 2)[2] for r in rejected] == [
        "'pezeshkian' is taken",
        "a lowercase slug (a-z, 0-9, single -)",
        "no one matches 'nobody' (an id, or a name as `iranaz who` takes it; add people with `iranaz add people`)",
        rejected[3].split(": ", 2)[2],
        "cite at least one source",
    ]
    assert rejected[3].startswith("date: '12 May 2025': ")
    assert record == {
        "id": "pezeshkian-astara-2025",
        "president": "pezeshkian",
        "to": "Azerbaijan",
        "date": "2025-05-12",
        "occasion": "Meeting at the border",
        "sources": [{"source": "border-meeting", "quote": "Aliyev at Astara on 12 May"}],
        "place": "Astara",
        "agenda": ["Talks"],
    }
    assert add_parsed(new_base, "visits", [record], lambda p: "the new record")[0] == ["pezeshkian-astara-2025"]
    assert invoke("validate", str(new_base)).exit_code == 0


def test_new_suggests_the_closest_sentence_for_a_quote_not_found(new_base):
    from iranaz_cli import load_fact_base
    from iranaz_cli.cli.interview import interview
    from iranaz_cli.write.locate import source_texts

    base = load_fact_base(new_base)
    rejected: list[str] = []
    answers = ["pezeshkian", "Masoud Pezeshkian", "Iran", "border-meeting", "a bridge and not a wall"]
    answers += ["Our border is a bridge", "", "", "", "President of Iran"] + [""] * 12
    record = interview("people", base, source_texts(base, new_base), scripted(answers, rejected))
    assert rejected == [
        "quote (the article's words): 'a bridge and not a wall': not in border-meeting; did you mean "
        "'“Our border is a bridge, not a wall,” Pezeshkian said — a line the two leaders repeated.'?"
    ]
    assert record["roles"] == [{"title": "President of Iran"}]


def test_new_needs_a_terminal(new_base):
    result = invoke("new", "visits", "--data", str(new_base))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: `iranaz new` asks its questions on a terminal; elsewhere use `iranaz add visits FILE`\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens read-only files for writing")
def test_a_read_only_file_is_replaced_and_stays_read_only(new_base):
    people = new_base / "people.yaml"
    people.chmod(0o444)
    result = invoke("add", "people", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 0, result.stderr
    assert people.stat().st_mode & 0o777 == 0o444


def test_init_refuses_a_folder_name_with_control_characters(tmp_path):
    result = invoke("init", str(tmp_path / "b\x1b[31m"))
    assert result.exit_code == 2 and "\x1b" not in result.output
    assert result.stderr.endswith("b\\x1b[31m: a folder name with control characters; choose another\n")
    assert not list(tmp_path.iterdir())


def test_messages_show_control_characters_in_paths_as_escapes(new_base, tmp_path):
    odd = tmp_path / "odd\x1b[31m"
    shutil.move(new_base.parent, odd)
    result = invoke("add", "people", "--data", str(odd / "data"), input=PERSON)
    assert result.exit_code == 0 and "\x1b" not in result.output
    assert result.stderr == f"added 1 record(s) to {tmp_path}/odd\\x1b[31m/data/people.yaml\n"


def test_fold_key_is_fold_without_offsets():
    from hypothesis import given
    from hypothesis import strategies as st

    from iranaz_cli.write.locate import fold, fold_key

    alphabet = st.sampled_from(list("aZΣς İ-–—‘’“”\"' \t\n\u00a0\x1c.x"))

    @given(st.text(alphabet))
    def check(text):
        folded, where = fold(text)
        assert fold_key(text) == folded and len(where) == len(folded)

    check()


def test_source_add_on_a_full_disk_leaves_no_copy_behind(new_base, tmp_path, monkeypatch):
    from iranaz_cli.write import safewrite

    article = tmp_path / "second.txt"
    article.write_text("Second Article\n\nWords enough to quote.\n")
    before = snapshot(new_base.parent)
    real = safewrite.write_bytes

    def full_on_sources(path, data, **kwargs):
        if path.endswith("sources.yaml"):
            raise safewrite.IoError(f"cannot write {path}: No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(safewrite, "write_bytes", full_on_sources)
    result = invoke("source", "add", str(article), "--id", "second", "--data", str(new_base))
    assert result.exit_code == 74 and result.stderr.endswith("sources.yaml: No space left on device\n")
    assert snapshot(new_base.parent) == before  # the article copied into seeds/ was removed again


def test_a_quote_not_found_suggests_the_closest_sentence_and_nothing_unrelated(new_base):
    invoke("add", "people", "--data", str(new_base), input=PERSON)
    result = invoke("add", "visits", "--data", str(new_base), input=VISIT.replace("12 May 2025", "12 June 2025"))
    assert result.stderr == (
        "Error: <stdin>:8: quote not found in source 'border-meeting': 'met Azerbaijani President Ilham Aliyev at "
        "Astara on 12 June 2025'; did you mean 'Iran’s President Masoud Pezeshkian met Azerbaijani President Ilham "
        "Aliyev at Astara on 12 May 2025.'?\n"
    )
    unrelated = invoke("locate", "banana split", "--data", str(new_base))
    assert unrelated.stderr == "Error: 'banana split' is not in any source\n"


def test_locate_names_the_occurrence_of_words_found_more_than_once(new_base):
    result = invoke("locate", "pezeshkian", "--data", str(new_base))
    assert result.exit_code == 0
    blocks = result.stdout.split("border-meeting:")[1:]
    assert len(blocks) == 3
    assert "found 3 times: cite it with occurrence: 3\n" in blocks[2]
    hits = json.loads(invoke("locate", "Pezeshkian said", "--json", "--data", str(new_base)).stdout)
    assert [(h["occurrence"], h["occurrences"]) for h in hits] == [(1, 1)]


def test_new_asks_which_place_when_the_words_are_found_more_than_once(new_base):
    from iranaz_cli import load_fact_base
    from iranaz_cli.cli.interview import interview
    from iranaz_cli.write.locate import source_texts

    base = load_fact_base(new_base)
    rejected: list[str] = []
    answers = ["pezeshkian", "Masoud Pezeshkian", "Iran", "border-meeting", "pezeshkian", "9", "2", ""]
    answers += ["", "", "", ""]
    record = interview("people", base, source_texts(base, new_base), scripted(answers, rejected))
    assert record["sources"] == [{"source": "border-meeting", "quote": "Pezeshkian", "occurrence": 2}]
    assert rejected[0].startswith("found 3 times (1: line 1, 'Pezeshkian Meets Aliyev at the Border'; 2: line 3,")
    assert rejected[0].endswith(": '9': a number")


def test_locate_shows_control_characters_of_a_source_as_escapes(new_base, tmp_path):
    article = tmp_path / "odd.txt"
    article.write_text("Odd Title\nThe minister said \x1b[31mred\x1b[0m words today.\n", encoding="utf-8")
    assert invoke("source", "add", str(article), "--id", "odd", "--data", str(new_base)).exit_code == 0
    result = invoke("locate", "minister said", "--data", str(new_base))
    assert result.exit_code == 0 and "\x1b" not in result.stdout
    assert "  in: The minister said \\x1b[31mred\\x1b[0m words today.\n" in result.stdout


def test_new_sends_sources_to_source_add(new_base):
    from iranaz_cli import load_fact_base
    from iranaz_cli.cli.interview import interview
    from iranaz_cli.errors import UsageError

    with pytest.raises(UsageError, match="iranaz source add FILE --id ID"):
        interview("sources", load_fact_base(new_base), {}, scripted([], []))


def test_new_asks_a_term_of_office_for_its_own_sources(new_base):
    from iranaz_cli import load_fact_base
    from iranaz_cli.cli.interview import interview
    from iranaz_cli.write.locate import source_texts

    sources = new_base / "sources.yaml"
    sources.write_text(
        sources.read_text() + "\n- id: wiki\n  title: Wiki\n  kind: reference\n  url: https://example.org\n"
    )
    base = load_fact_base(new_base)
    answers = ["pezeshkian", "Masoud Pezeshkian", "Iran", "border-meeting", "President Masoud Pezeshkian", ""]
    answers += ["", ""]  # type, aliases
    answers += ["President of Iran", "president-of-iran", "2024-07-28", "", "", "", "", ""]  # title ... last_confirmed
    answers += ["wiki", "He took office on 2024-07-28.", ""]  # the term's sources
    answers += ["", ""]  # no more roles, notes
    record = interview("people", base, source_texts(base, new_base), scripted(answers, []))
    assert answers == []
    assert record["roles"] == [
        {
            "title": "President of Iran",
            "office": "president-of-iran",
            "start": "2024-07-28",
            "sources": [{"source": "wiki", "note": "He took office on 2024-07-28."}],
        }
    ]
