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
