"""The loader reports every problem of a broken or hostile fact base as file:line, and caches."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from iranaz_cli import cache as cache_module
from iranaz_cli import loader, yamlread
from iranaz_cli.errors import FactBaseError


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    """Return the line of the last occurrence of ``needle`` (an edit's, when the text repeats)."""
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return lines[-1]


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(FactBaseError) as e:
        loader.validate(data_dir)
    return e.value.problems


def _display(data_dir: Path, name: str) -> str:
    return f"{data_dir}/{name}"


def test_shipped_base_is_valid(base):
    assert loader.count_records(base) == 65


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "message"),
    [
        ("visits.yaml", "  occasion: Visit\n", "  occasion: Visit\n  nmae: x\n", "nmae", "unknown field 'nmae'"),
        ("visits.yaml", 'date: "2004"', "date: [2004]", "date: [2004]", "'date': expected 'str'"),
        ("visits.yaml", "  occasion: Visit\n", "", "id: khatami-2004", "missing required field 'occasion'"),
        ("visits.yaml", 'date: "2004"', 'date: "19x3"', "19x3", "bad date '19x3'"),
        ("visits.yaml", 'date: "2004"', 'date: "2004-13"', "2004-13", "bad date '2004-13'"),
        ("visits.yaml", "id: khatami-2004", "id: rafsanjani-1993", "id: rafsanjani-1993",
         "duplicate id 'rafsanjani-1993'"),
        ("visits.yaml", "president: khatami", "president: khatamy", "khatamy", "'president' names 'khatamy'"),
        ("visits.yaml", "quote: Mohammad Khatami visited in 2004", "quote: Khatami visited Baku in 2004",
         "Khatami visited Baku", "quote not found in source"),
        ("events.yaml", "participants: [raisi, aliyev]", "participants: [raisi, aliev]", "aliev]",
         "'participants' names 'aliev'"),
        ("quotes.yaml", "text: a new beginning", "text: a fresh beginning", "fresh beginning", "text is not found"),
        ("visits.yaml", "id: khatami-2004", "id: Khatami_2004", "Khatami_2004", "not a lowercase slug"),
        ("visits.yaml", "  occasion: Visit\n", "  occasion: Visit\n  occasion: Trip\n", "occasion: Trip",
         "duplicate key 'occasion'"),
        ("visits.yaml", "    - source: baku-visit-article\n      quote: Mohammad Khatami visited in 2004",
         "    - source: wikipedia-cop29  # here\n      quote: Mohammad Khatami visited in 2004", "# here",
         "needs a 'note'"),
        ("sources.yaml", "sha256: 98d7", "sha256: 00d7", "sha256: 00d7", "not the one recorded"),
    ],
    ids=["unknown-field", "bad-type", "missing-field", "bad-date", "bad-month", "duplicate-id", "dangling-ref",
         "quote-not-in-source", "dangling-list-ref", "quote-text", "bad-id", "duplicate-key", "quote-for-reference",
         "seed-hash"],
)  # fmt: skip
def test_each_validation_failure_names_file_and_line(base_dir, file, old, new, needle, message):
    path = base_dir / file
    _edit(path, old, new)
    line = _line_of(path, needle)
    problems = _problems(base_dir)
    expected = f"{_display(base_dir, file)}:{line}: "
    assert any(p.startswith(expected) and message in p for p in problems), problems


def test_all_problems_are_reported_at_once(base_dir):
    _edit(base_dir / "visits.yaml", 'date: "2004"', 'date: "20O4"')
    _edit(base_dir / "quotes.yaml", "speaker: baghaei", "speaker: bagaei")
    _edit(base_dir / "people.yaml", "country: Azerbaijan", "country: Azerbaijan\n  born: 1961")
    problems = _problems(base_dir)
    assert len(problems) == 3
    assert {p.split(":")[0].rsplit("/", 1)[1] for p in problems} == {"visits.yaml", "quotes.yaml", "people.yaml"}


# --- hostile and broken files --------------------------------------------------------------------


def _write(base_dir: Path, name: str, text: str | bytes) -> Path:
    path = base_dir / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['touch {marker}']\n",
        "- id: x\n  president: !!python/object/apply:os.system ['touch {marker}']\n",
        "- !!python/object/new:os.system ['touch {marker}']\n",
        "- id: x\n  notes: !!binary aGVsbG8=\n",
    ],
)
def test_python_and_other_tags_are_refused_and_nothing_runs(base_dir, tmp_path, text):
    marker = tmp_path / "pwned"
    _write(base_dir, "visits.yaml", text.format(marker=marker))
    problems = _problems(base_dir)
    assert any("visits.yaml:" in p and "is not allowed" in p for p in problems), problems
    assert not marker.exists()


def test_alias_bomb_is_refused_fast(base_dir):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    _write(base_dir, "visits.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    problems = _problems(base_dir)
    assert time.perf_counter() - started < 1.0
    assert any("aliases are not allowed" in p for p in problems)


def test_any_alias_is_refused(base_dir):
    _write(base_dir, "visits.yaml", (base_dir / "visits.yaml").read_text() + "- &v {id: v}\n- *v\n")
    assert any("aliases are not allowed" in p for p in _problems(base_dir))


def test_tabs_and_syntax_errors_give_line_and_column(base_dir):
    _write(base_dir, "gas.yaml", "- id: x\n\tsupplier: Russia\n")
    [problem] = _problems(base_dir)
    assert problem.startswith(f"{_display(base_dir, 'gas.yaml')}:2:1: ")
    _write(base_dir, "gas.yaml", "- id: [x\n")
    [problem] = _problems(base_dir)
    assert problem.startswith(f"{_display(base_dir, 'gas.yaml')}:2:")


def test_non_utf8_is_refused_with_its_name(base_dir):
    _write(base_dir, "gas.yaml", "- id: caf\xe9\n".encode("latin-1"))
    [problem] = _problems(base_dir)
    assert problem.startswith(f"{_display(base_dir, 'gas.yaml')}:1: not UTF-8")


def test_utf8_byte_order_mark_is_fine(base_dir):
    path = base_dir / "gas.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    base, _ = loader.validate(base_dir)
    assert len(base.gas) == 1


def test_empty_file_empty_folder_and_missing_files(base_dir, tmp_path):
    _write(base_dir, "gas.yaml", "")
    assert _problems(base_dir) == [f"{_display(base_dir, 'gas.yaml')}: the file is empty (expected a list of records)"]
    empty = tmp_path / "empty"
    empty.mkdir()
    [problem] = _problems(empty)
    assert "missing sources.yaml, people.yaml" in problem


def test_unexpected_yaml_file_is_reported(base_dir):
    _write(base_dir, "visit.yaml", "[]\n")
    assert any("visit.yaml: unexpected file" in p for p in _problems(base_dir))


def test_file_over_the_size_cap_is_refused_before_parsing(base_dir, monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_FILE_BYTES", 1024)
    _write(base_dir, "events.yaml", "# " + "x" * 2000 + "\n[]\n")
    assert any("over the" in p and "events.yaml" in p for p in _problems(base_dir))


def test_deep_nesting_is_refused(base_dir):
    _write(base_dir, "gas.yaml", "- " + "[" * 100 + "]" * 100 + "\n")
    assert any("nested deeper" in p for p in _problems(base_dir))
    _write(base_dir, "gas.yaml", "- " * 5000 + "x\n")  # past libyaml's own limit
    assert any("gas.yaml:1:" in p for p in _problems(base_dir))


@pytest.mark.parametrize(
    ("target", "message"),
    [("missing", "no such folder"), ("file", "not a folder"), ("unreadable", "permission denied")],
)
def test_data_option_pointing_at_nothing_a_file_or_an_unreadable_folder(tmp_path, monkeypatch, target, message):
    path = tmp_path / target
    if target == "file":
        path.write_text("x")
    elif target == "unreadable":
        path.mkdir(mode=0o000)
        monkeypatch.setattr(os, "access", lambda *a: False)  # as root, every folder is readable
    with pytest.raises(FactBaseError) as e:
        loader.load_fact_base(path)
    assert str(e.value).startswith(f"{path}: ") and message in str(e.value)


# --- the cache -------------------------------------------------------------------------------------


def _cache_files() -> list[Path]:
    return list((Path(os.environ["XDG_CACHE_HOME"]) / "iranaz").glob("base-*.msgpack"))


def test_cache_is_written_and_used(base_dir, monkeypatch):
    first = loader.load_fact_base(base_dir)
    assert len(_cache_files()) == 1
    monkeypatch.setattr(loader, "validate", lambda *a: pytest.fail("validated again despite a fresh cache"))
    assert loader.load_fact_base(base_dir) == first


def test_cache_is_rebuilt_after_a_change_within_the_same_second(base_dir):
    path = base_dir / "gas.yaml"
    assert loader.load_fact_base(base_dir).gas[0].delivery_point == "Astara"
    stat = path.stat()
    _edit(path, "delivery_point: Astara", "delivery_point: Astora")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same modification time
    assert path.stat().st_size == stat.st_size
    assert loader.load_fact_base(base_dir).gas[0].delivery_point == "Astora"


def test_corrupt_cache_is_ignored_and_rebuilt(base_dir):
    loader.load_fact_base(base_dir)
    [cache] = _cache_files()
    cache.write_bytes(b"\x93not msgpack at all")
    assert len(loader.load_fact_base(base_dir).visits) == 7
    assert cache.read_bytes() != b"\x93not msgpack at all"


def test_read_only_cache_folder_is_harmless(base_dir, tmp_path, monkeypatch):
    cache_home = tmp_path / "ro-cache"
    cache_home.mkdir(mode=0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    assert len(loader.load_fact_base(base_dir).visits) == 7
    assert len(loader.load_fact_base(base_dir).visits) == 7


def test_a_broken_base_is_never_served_from_an_old_cache(base_dir):
    loader.load_fact_base(base_dir)
    _edit(base_dir / "visits.yaml", "president: khatami", "president: nobody")
    with pytest.raises(FactBaseError):
        loader.load_fact_base(base_dir)


def test_scaled_base_for_the_benchmark_is_valid(tmp_path):
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from scale import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert generate(tmp_path, 3) == 9 + 3 * 56
    base, _ = loader.validate(tmp_path / "data")
    assert len(base.people) == 3 * 16 and len({p.name for p in base.people}) == 3 * 16
    assert {v.president for v in base.visits if v.id.endswith("-k2")} <= {p.id for p in base.people}


def test_cache_hashes_just_changed_files_until_they_settle(base_dir, monkeypatch):
    import msgspec

    def digests() -> list[str]:
        [cache] = _cache_files()
        return [dep[-1] for dep in msgspec.msgpack.decode(cache.read_bytes(), type=cache_module._Cache).deps]

    gas = base_dir / "gas.yaml"
    gas.write_bytes(gas.read_bytes())  # changed just now: its content is hashed as well as stamped
    loader.load_fact_base(base_dir)
    assert [d for d in digests() if d] == [cache_module._digest(str(gas))]
    [cache] = _cache_files()
    written = cache.stat().st_mtime_ns
    monkeypatch.setattr(cache_module, "_RACY_NS", 10**18)  # still within the window: no rewrite
    loader.load_fact_base(base_dir)
    assert cache.stat().st_mtime_ns == written
    monkeypatch.setattr(cache_module, "_RACY_NS", 0)  # settled: rewritten once with plain stamps
    loader.load_fact_base(base_dir)
    assert not any(digests())
