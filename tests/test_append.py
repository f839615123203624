"""Writers lose nothing and change nothing they did not mean to: the lock, compare-and-swap, appending."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_edit import ARTICLE, PERSON, invoke, snapshot


@pytest.fixture
def new_base(tmp_path) -> Path:
    """Return the data folder of a new base holding the test article as source `border-meeting`."""
    assert invoke("init", str(tmp_path / "base")).exit_code == 0
    data = tmp_path / "base" / "data"
    (tmp_path / "border.txt").write_text(ARTICLE, encoding="utf-8")
    assert (
        invoke("source", "add", str(tmp_path / "border.txt"), "--id", "border-meeting", "--data", str(data)).exit_code
        == 0
    )
    return data


def person(i: int) -> str:
    named = PERSON.replace("name: Masoud Pezeshkian\n", f"name: Person {i}\n")
    return named.replace("id: pezeshkian", f"id: person-{i}")


def ids_in(data: Path, kind: str = "people") -> list[str]:
    from iranaz_cli.store.yamlread import parse_yaml

    value, _, problems, _ = parse_yaml((data / f"{kind}.yaml").read_text(encoding="utf-8"), kind)
    assert not problems
    return [r["id"] for r in value or []]


# --- 19.6: no interleaving of writers loses a record, whatever happens to the lock file ---------------


def test_deleting_the_held_lock_file_does_not_let_a_second_writer_in(new_base):
    from iranaz_cli.write.safewrite import LOCK_NAME, locked

    before = snapshot(new_base.parent)
    with locked(new_base):
        (new_base / LOCK_NAME).unlink()  # `rm data/.iranaz.lock`, or `git clean -fdx`, under a running writer
        result = invoke("add", "people", "--wait", "0.2", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 74, result.stderr
    assert "locked by another writer" in result.stderr
    assert {k: v for k, v in snapshot(new_base.parent).items() if not k.endswith(LOCK_NAME)} == {
        k: v for k, v in before.items() if not k.endswith(LOCK_NAME)
    }


def test_the_locked_message_says_the_lock_file_must_not_be_deleted(new_base):
    from iranaz_cli.write.safewrite import locked

    with locked(new_base):
        result = invoke("add", "people", "--wait", "0.1", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 74
    assert "do not delete" in result.stderr and ".iranaz.lock" in result.stderr


def _during_validation(monkeypatch, action):
    """Run ``action`` once, between the writer's read of its file and its replacing it."""
    import iranaz_cli.store.validate as validate_module

    real = validate_module.validate
    done: list[bool] = []

    def validate(*args, **kwargs):
        result = real(*args, **kwargs)
        if kwargs.get("overrides") and not done:
            done.append(True)
            action()
        return result

    monkeypatch.setattr(validate_module, "validate", validate)


def test_a_file_changed_after_it_was_read_is_read_again_and_both_records_land(new_base, monkeypatch):
    """A writer that ignores the lock (or came in after the lock file was deleted) adds a record meanwhile."""

    def other_writer():
        text = (new_base / "people.yaml").read_text(encoding="utf-8").replace("[]\n", "")
        tmp = new_base / "other.tmp"
        tmp.write_text(text + "- " + person(1).replace("\n", "\n  ").rstrip() + "\n", encoding="utf-8")
        os.replace(tmp, new_base / "people.yaml")

    _during_validation(monkeypatch, other_writer)
    result = invoke("add", "people", "--data", str(new_base), input=person(2))
    assert result.exit_code == 0, result.stderr
    assert ids_in(new_base) == ["person-1", "person-2"]
    assert invoke("validate", str(new_base)).exit_code == 0


def test_a_file_rewritten_in_place_with_the_same_size_is_noticed(new_base, monkeypatch):
    """Same size, same inode, mtime restored: only the content hash tells."""
    target = new_base / "people.yaml"

    def rewrite_in_place():
        st = os.stat(target)
        raw = target.read_bytes()
        target.write_bytes(raw.replace(b"# people", b"# PEOPLE"))
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))

    _during_validation(monkeypatch, rewrite_in_place)
    result = invoke("add", "people", "--data", str(new_base), input=person(2))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("# PEOPLE")
    assert ids_in(new_base) == ["person-2"]


def test_a_lock_file_replaced_under_the_writer_is_harmless_while_it_holds_the_folder(new_base, monkeypatch):
    from iranaz_cli.write.safewrite import LOCK_NAME

    def replace_lock():
        (new_base / LOCK_NAME).unlink()
        (new_base / LOCK_NAME).write_bytes(b"")

    _during_validation(monkeypatch, replace_lock)
    result = invoke("add", "people", "--data", str(new_base), input=person(2))
    assert result.exit_code == 0, result.stderr
    assert ids_in(new_base) == ["person-2"]


def test_where_a_folder_cannot_be_locked_a_replaced_lock_file_stops_the_writer(new_base, monkeypatch):
    """On a file system without folder locks, the lock file at the path must still be the one held."""
    import fcntl

    from iranaz_cli.write.safewrite import LOCK_NAME

    real_flock = fcntl.flock

    def flock(fd, operation):
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(95, "Operation not supported")
        return real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)

    def replace_lock():
        (new_base / LOCK_NAME).unlink()
        (new_base / LOCK_NAME).write_bytes(b"")

    before = (new_base / "people.yaml").read_bytes()
    _during_validation(monkeypatch, replace_lock)
    result = invoke("add", "people", "--data", str(new_base), input=person(2))
    assert result.exit_code == 74, result.stderr
    assert "nothing was changed" in result.stderr and "do not delete" in result.stderr
    assert (new_base / "people.yaml").read_bytes() == before


def test_a_file_that_keeps_changing_is_refused_with_nothing_changed(new_base, monkeypatch):
    import iranaz_cli.store.validate as validate_module

    real = validate_module.validate
    target = new_base / "people.yaml"
    count = [0]

    def validate(*args, **kwargs):
        result = real(*args, **kwargs)
        if kwargs.get("overrides"):
            count[0] += 1
            target.write_text(target.read_text(encoding="utf-8") + f"# change {count[0]}\n", encoding="utf-8")
        return result

    monkeypatch.setattr(validate_module, "validate", validate)
    result = invoke("add", "people", "--data", str(new_base), input=person(2))
    assert result.exit_code == 74, result.stderr
    assert "nothing was changed" in result.stderr
    assert ids_in(new_base) == []


@pytest.mark.parametrize("kind_of_source", ["add", "source add"])
def test_every_writer_compares_before_it_swaps(new_base, monkeypatch, tmp_path, kind_of_source):
    """`source add` appends to sources.yaml through the same path as `add`."""
    target = new_base / "sources.yaml"

    def touch_comment():
        target.write_text(target.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8")

    _during_validation(monkeypatch, touch_comment)
    if kind_of_source == "add":
        result = invoke(
            "add",
            "sources",
            "--data",
            str(new_base),
            input="id: other-ref\ntitle: A reference\nkind: reference\n",
        )
    else:
        article = tmp_path / "second.txt"
        article.write_text("A Second Article\n\nWords.\n", encoding="utf-8")
        result = invoke("source", "add", str(article), "--id", "second", "--data", str(new_base))
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert "# edited meanwhile" in text
    assert ids_in(new_base, "sources")[-1] in ("other-ref", "second")


# --- 19.7: appending never changes an existing record ------------------------------------------------

REFERENCE = "id: new-ref\ntitle: A new reference\nkind: reference\n"


def _sources_ending_with(data: Path, tail: str, crlf: bool = False) -> bytes:
    text = (data / "sources.yaml").read_text(encoding="utf-8") + tail
    raw = (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    (data / "sources.yaml").write_bytes(raw)
    return raw


def _sources(data: Path) -> list[dict]:
    from iranaz_cli.store.yamlread import parse_yaml

    value, _, problems, _ = parse_yaml((data / "sources.yaml").read_text(encoding="utf-8"), "sources.yaml")
    assert not problems
    return value


@pytest.mark.parametrize(
    "tail",
    [
        "\n- id: old-ref\n  kind: reference\n  title: |+\n    Kept line breaks\n",  # `|+`: keeps what follows
        "\n- id: old-ref\n  kind: reference\n  title: >+\n    Kept line breaks\n",
        "\n- id: old-ref\n  kind: reference\n  title: |+\n    Kept line breaks\n\n\n",
        "\n- id: old-ref\n  kind: reference\n  title: |-\n    Stripped",  # no final line break: stays stripped
        "\n- id: old-ref\n  kind: reference\n  title: Plain, no final line break",
        "\n- id: old-ref\n  kind: reference\n  title: |+\n    Kept\n  # a comment\n",
        "\n- id: old-ref\n  kind: reference\n  title: Before the end marker\n...\n",  # `...`: the document ends
        "\n- id: old-ref\n  kind: reference\n  title: |+\n    Kept\n...\n# after the end\n",
    ],
    ids=[
        "keep-literal",
        "keep-folded",
        "keep-three",
        "strip-no-newline",
        "plain-no-newline",
        "keep-comment",
        "doc-end",
        "keep-doc-end",
    ],  # fmt: skip
)
@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_appending_reads_every_existing_record_back_identical(new_base, tail, crlf):
    raw = _sources_ending_with(new_base, tail, crlf)
    before = _sources(new_base)
    result = invoke("add", "sources", "--data", str(new_base), input=REFERENCE)
    assert result.exit_code == 0, result.stderr
    after = _sources(new_base)
    assert after[:-1] == before
    assert after[-1] == {"id": "new-ref", "title": "A new reference", "kind": "reference"}
    text = (new_base / "sources.yaml").read_bytes()
    if not tail.endswith(("...\n", "# after the end\n")):
        assert text.startswith(raw)  # appended after the last byte: every existing byte stays
    if crlf:
        assert b"\n" not in text.replace(b"\r\n", b"")  # the addition has the file's line breaks
    assert invoke("validate", str(new_base)).exit_code == 0


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_a_block_scalar_without_a_final_line_break_is_refused_naming_its_line(new_base, crlf):
    """`|` at the end of a file without a line break holds no line break; appending would add one."""
    raw = _sources_ending_with(new_base, "\n- id: old-ref\n  kind: reference\n  title: |\n    No line break", crlf)
    line = raw.count(b"\n") - 2
    result = invoke("add", "sources", "--data", str(new_base), input=REFERENCE)
    assert result.exit_code == 3, result.stderr
    assert f"sources.yaml:{line}: appending" in result.stderr and "<stdin>" not in result.stderr
    assert "would change" in result.stderr
    assert (new_base / "sources.yaml").read_bytes() == raw


@pytest.mark.parametrize(
    "content",
    ["# hint\r\n[]\r\n", "# hint\r\n[] # nothing yet\r\n", "[]", "# hint\n[]\n"],
    ids=["crlf", "crlf-comment", "no-newline", "lf"],
)
def test_an_empty_list_in_any_line_breaks_can_be_appended_to(new_base, content):
    (new_base / "people.yaml").write_bytes(content.encode())
    result = invoke("add", "people", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 0, result.stderr
    assert ids_in(new_base) == ["pezeshkian"]
    text = (new_base / "people.yaml").read_bytes()
    assert text.startswith(b"# hint" if content.startswith("#") else b"- id")
    if "nothing yet" in content:
        assert text.startswith(b"# hint\r\n # nothing yet\r\n") or b"# nothing yet\r\n" in text


@pytest.mark.parametrize(
    "layout",
    [
        "  - id: old-ref\n    kind: reference\n    title: Indented list\n",
        "[{id: old-ref, kind: reference, title: A flow list}]\n",
    ],
    ids=["indented", "flow"],
)
def test_a_kind_file_whose_layout_takes_no_appending_is_named_not_the_input(new_base, layout):
    text = (new_base / "sources.yaml").read_text(encoding="utf-8")
    first = text.split("\n- id: border-meeting", 1)[0]
    (new_base / "sources.yaml").write_text(first + "\n" + layout, encoding="utf-8")
    assert invoke("validate", str(new_base)).exit_code in (0, 3)
    before = (new_base / "sources.yaml").read_bytes()
    result = invoke("add", "sources", "--data", str(new_base), input=REFERENCE)
    assert result.exit_code == 3, result.stderr
    assert "<stdin>" not in result.stderr
    assert "sources.yaml" in result.stderr and "column 0" in result.stderr
    assert (new_base / "sources.yaml").read_bytes() == before


# --- 19.12: many bad records: linear time, the first ten problems and how many more ---------------------


def _bad_people(n: int) -> str:
    return "".join(
        f"- id: p-{i}\n  name: P {i}\n  country: Nowhere\n  sources:\n    - source: nope\n      quote: x\n\n"
        for i in range(n)
    )


def test_many_bad_records_show_the_first_ten_problems_and_how_many_more(new_base):
    before = snapshot(new_base.parent)
    result = invoke("add", "people", "--data", str(new_base), input=_bad_people(200))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 11, lines
    assert lines[0] == "Error: <stdin>:5: cites 'nope', which is not a source id in sources.yaml"
    assert lines[-1].startswith("Error: 190 more")
    assert snapshot(new_base.parent) == before


def test_naming_problems_at_input_lines_is_linear():
    """20,000 problems in 20,000 records: mapped in well under a second each thousand (was quadratic)."""
    import time

    from iranaz_cli.write.edit import _remap

    n = 20_000
    addition = _bad_people(n)
    offset = 100
    problems = [f"d/people.yaml:{offset + 1 + 7 * i + 4}: cites 'nope'" for i in range(n)]
    started = time.monotonic()
    named = _remap(problems, "d/people.yaml", offset, addition, lambda p: f"<stdin>:{p}")
    assert time.monotonic() - started < 5
    assert named[0] == "<stdin>:(0, 'sources', 0, 'source'): cites 'nope'"
    assert named[-1] == f"<stdin>:({n - 1}, 'sources', 0, 'source'): cites 'nope'"


# --- 19.14: an error message names input lines without rewriting the message's text --------------------


def _quoting(person_quote: str) -> str:
    import json as json_module

    return PERSON.replace("quote: Iran’s President Masoud Pezeshkian", f"quote: {json_module.dumps(person_quote)}")


@pytest.mark.parametrize("folder", ["plain", "back\\slash"])
@pytest.mark.parametrize("input_name", ["-", "in\\xq.yaml"])
def test_a_quote_shaped_like_file_and_line_is_quoted_as_given(tmp_path, folder, input_name, monkeypatch):
    data = tmp_path / folder / "data"
    assert invoke("init", str(tmp_path / folder)).exit_code == 0
    (tmp_path / "border.txt").write_text(ARTICLE, encoding="utf-8")
    assert (
        invoke("source", "add", str(tmp_path / "border.txt"), "--id", "border-meeting", "--data", str(data)).exit_code
        == 0
    )
    quote = f"said at {data}/people.yaml:99999 and {data}/people.yaml:3:1"
    monkeypatch.chdir(tmp_path)
    if input_name != "-":
        (tmp_path / input_name).write_text(_quoting(quote), encoding="utf-8")
    result = invoke("add", "people", input_name, "--data", str(data), input=_quoting(quote))
    assert result.exit_code == 3, result.stderr
    [line] = result.stderr.splitlines()
    shown = "<stdin>" if input_name == "-" else input_name
    assert line.startswith(f"Error: {shown}:8: quote not found in source 'border-meeting': ")
    assert quote.replace("\\", "\\\\") in line  # the user's words, as given (in Python's quoting)
