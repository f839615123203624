"""The loader reports every problem of a broken or hostile fact base as file:line, and caches."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from iranaz_cli.errors import FactBaseError
from iranaz_cli.store import cache as cache_module
from iranaz_cli.store import loader, yamlread

from conftest import ARTICLE, ROOT


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
    assert loader.count_records(base) == 66


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
        ("sources.yaml", "sha256: 98d7", "sha256: 00d7", "sha256: 00d7", "does not match its recorded sha256"),
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

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from scale import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    shipped = loader.load_fact_base(ROOT / "data", cache=False)
    sources, people = len(shipped.sources), len(shipped.people)
    assert generate(tmp_path, 3) == sources + 3 * (loader.count_records(shipped) - sources)  # (sources once)
    base, _ = loader.validate(tmp_path / "data")
    assert len(base.people) == 3 * people and len({p.name for p in base.people}) == 3 * people
    assert {v.president for v in base.visits if v.id.endswith("-k2")} <= {p.id for p in base.people}


def test_cache_hashes_just_changed_files_until_they_settle(base_dir, monkeypatch):
    import msgspec

    def digests() -> list[str]:
        [cache] = _cache_files()
        payload = cache.read_bytes()[len(cache_module._MAGIC) + cache_module._DIGEST_SIZE :]
        return [dep[-1] for dep in msgspec.msgpack.decode(payload, type=cache_module._BaseEntry).deps]

    gas = base_dir / "gas.yaml"
    gas.write_bytes(gas.read_bytes())  # changed just now: its content is hashed as well as stamped
    loader.load_fact_base(base_dir)
    assert [d for d in digests() if d] == [hashlib.sha256(gas.read_bytes()).hexdigest()]
    [cache] = _cache_files()
    written = cache.stat().st_mtime_ns
    monkeypatch.setattr(cache_module, "_RACY_NS", 10**18)  # still within the window: no rewrite
    loader.load_fact_base(base_dir)
    assert cache.stat().st_mtime_ns == written
    monkeypatch.setattr(cache_module, "_RACY_NS", 0)  # settled: rewritten once with plain stamps
    loader.load_fact_base(base_dir)
    assert not any(digests())


# --- a base reads nothing outside itself --------------------------------------------------------------

SEED_PATH = "path: seeds/000_553f010ad6d6be2c.txt"


def _source_path(base_dir: Path, path: str) -> int:
    """Point the article's `path` at ``path`` (YAML double-quoted); return the line of `path:`."""
    _edit(base_dir / "sources.yaml", SEED_PATH, f"path: {json.dumps(path)}")
    return _line_of(base_dir / "sources.yaml", "  path: ")


def _one_problem(base_dir: Path) -> str:
    problems = _problems(base_dir)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../../../../../../../../etc/passwd", "is not in the base's seeds/ folder"),
        ("/etc/passwd", "is absolute"),
        ("/proc/self/environ", "is absolute"),
        ("seeds/../../outside.txt", "is not in the base's seeds/ folder"),
        ("seeds/../seeds/000_553f010ad6d6be2c.txt", "is not in the base's seeds/ folder"),  # no `..` at all
        ("data/sources.yaml", "is not in the base's seeds/ folder"),
        ("seeds/a\0b.txt", "contains a NUL byte"),
        ("seeds", "is not in the base's seeds/ folder"),
        ("seeds/.", "is not in the base's seeds/ folder"),
        ("seeds/missing.txt", "cannot be read (No such file or directory)"),
    ],
    ids=[
        "dotdot-passwd",
        "absolute",
        "proc",
        "dotdot-sibling",
        "dotdot-back",
        "data",
        "nul",
        "seeds",
        "seeds-dot",
        "missing",
    ],
)
def test_a_source_path_that_cannot_be_read_is_one_error_and_never_opened(base_dir, monkeypatch, path, why):
    (base_dir.parent.parent / "outside.txt").write_text("secret\n")
    line = _source_path(base_dir, path)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(os.fsdecode(p)) or real_open(p, *a, **k))
    problem = _one_problem(base_dir)
    assert problem.startswith(f"{_display(base_dir, 'sources.yaml')}:{line}: source file ")
    assert why in problem, problem
    assert not [p for p in opened if not p.endswith(".yaml")], opened  # only the base's YAML files


def test_a_symlink_leading_out_of_the_base_is_refused(base_dir, tmp_path):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("Iran’s President Pezeshkian Visits Azerbaijan Amid Efforts to Revive Ties\nsecret\n")
    (base_dir.parent / "seeds" / "link.txt").symlink_to(secret)
    line = _source_path(base_dir, "seeds/link.txt")
    assert _one_problem(base_dir) == (
        f"{_display(base_dir, 'sources.yaml')}:{line}: source file seeds/link.txt"
        " leads outside the base's seeds/ folder"
    )


def test_a_file_beside_data_is_never_looked_at(tmp_path, monkeypatch):
    """A base in the home folder makes it the folder that holds the data folder: only seeds/ is read."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    pin = home / ".ssh" / "pin"
    pin.write_text("1234\n")
    shutil.copytree(ARTICLE / "data", home / "somebase")
    shutil.copytree(ARTICLE / "seeds", home / "seeds")
    records = "".join(
        f"- id: guess-{guess}\n  title: x\n  kind: article\n  path: .ssh/pin\n"
        f"  sha256: {hashlib.sha256((guess + chr(10)).encode()).hexdigest()}\n"
        for guess in ("1233", "1234")
    )
    with open(home / "somebase" / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(records)
    touched: list[str] = []
    for name in ("stat", "lstat", "open"):
        real = getattr(os, name)
        monkeypatch.setattr(
            os, name, lambda p, *a, _real=real, **k: touched.append(os.fsdecode(p)) or _real(p, *a, **k)
        )
    problems = _problems(home / "somebase")
    monkeypatch.undo()
    rule = "is not in the base's seeds/ folder (a source's file is seeds/NAME, in the folder beside data/)"
    lines = [
        n + 1
        for n, text in enumerate((home / "somebase" / "sources.yaml").read_text().splitlines())
        if text == "  path: .ssh/pin"
    ]
    assert problems == [f"{home}/somebase/sources.yaml:{line}: source file .ssh/pin {rule}" for line in lines]
    assert not [p for p in touched if ".ssh" in p], touched  # neither the right guess nor the wrong one


def test_a_symlink_within_the_base_is_followed(base_dir):
    (base_dir.parent / "seeds" / "link.txt").symlink_to("000_553f010ad6d6be2c.txt")
    _source_path(base_dir, "seeds/link.txt")
    base, _ = loader.validate(base_dir)
    assert base.sources[0].path == "seeds/link.txt"


@pytest.mark.installed
def test_a_fifo_source_is_refused_without_hanging(base_dir):
    import subprocess
    import sys

    os.mkfifo(base_dir.parent / "seeds" / "fifo")
    line = _source_path(base_dir, "seeds/fifo")
    iranaz = Path(sys.executable).parent / "iranaz"
    result = subprocess.run([iranaz, "validate", str(base_dir)], capture_output=True, text=True, timeout=20)
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == (
        f"Error: {base_dir}/sources.yaml:{line}: source file seeds/fifo is not a regular file"
        " (a device, FIFO or socket is never read)\n"
    )


def test_devices_and_proc_files_are_never_read(tmp_path):
    from iranaz_cli.store.paths import Unreadable, read_regular

    for device in ("/dev/zero", "/dev/null", "/dev/stdin"):
        with pytest.raises(Unreadable, match="not a regular file"):
            read_regular(Path(device), 1024)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "zero").symlink_to("/dev/zero")
    (tmp_path / "seeds" / "environ").symlink_to("/proc/self/environ")
    from iranaz_cli.store.paths import source_file

    for name in ("zero", "environ"):
        with pytest.raises(Unreadable, match="leads outside the base's seeds/ folder"):
            source_file(tmp_path / "data", f"seeds/{name}")


def test_a_source_over_the_size_cap_is_refused_before_reading(base_dir, monkeypatch):
    cap = max(p.stat().st_size for p in base_dir.glob("*.yaml")) + 1  # above every YAML file of the base
    monkeypatch.setattr(yamlread, "MAX_ARTICLE_BYTES", cap)  # (an article has a cap of its own)
    seed = base_dir.parent / "seeds" / "000_553f010ad6d6be2c.txt"
    with open(seed, "a") as f:
        f.write("x" * cap)
    problem = _one_problem(base_dir)
    size = seed.stat().st_size
    assert problem.endswith(f"source file seeds/000_553f010ad6d6be2c.txt {size} bytes is over the {cap} bytes limit")


def test_a_source_whose_bytes_differ_from_its_sha256_reveals_nothing_more(base_dir):
    seed = base_dir.parent / "seeds" / "000_553f010ad6d6be2c.txt"
    seed.write_text("A different first line\nsecret=hunter2\n")
    line = _line_of(base_dir / "sources.yaml", "sha256: ")
    problem = _one_problem(base_dir)
    assert problem == (
        f"{_display(base_dir, 'sources.yaml')}:{line}: source file seeds/000_553f010ad6d6be2c.txt does not match"
        " its recorded sha256 (no quote is checked against it)"
    )
    import hashlib

    assert hashlib.sha256(seed.read_bytes()).hexdigest() not in problem


# --- one cause, one error ----------------------------------------------------------------------------


def _break_seed(base_dir: Path, how: str) -> None:
    seed = base_dir.parent / "seeds" / "000_553f010ad6d6be2c.txt"
    if how == "missing":
        seed.unlink()
    elif how == "directory":
        seed.unlink()
        seed.mkdir()


@pytest.mark.parametrize(
    ("how", "why"), [("missing", "cannot be read (No such file or directory)"), ("directory", "is a folder")]
)
def test_a_seed_that_fails_is_one_error(base_dir, how, why):
    _break_seed(base_dir, how)
    problem = _one_problem(base_dir)
    assert f"source file seeds/000_553f010ad6d6be2c.txt {why}" in problem


def test_an_unreadable_seed_is_one_error(base_dir, monkeypatch):
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if os.fsdecode(path).endswith(".txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)  # as root, chmod 000 would not stop a read
    assert _one_problem(base_dir).endswith("cannot be read (Permission denied)")


def test_a_kind_typo_in_sources_is_one_error(base_dir):
    _edit(base_dir / "sources.yaml", "kind: article", "kind: artcle")
    line = _line_of(base_dir / "sources.yaml", "kind: artcle")
    assert _one_problem(base_dir).startswith(f"{_display(base_dir, 'sources.yaml')}:{line}: ")


@pytest.mark.parametrize("file", ["sources.yaml", "people.yaml"])
def test_a_syntax_error_in_sources_or_people_is_one_error(base_dir, file):
    _edit(base_dir / file, "- id: ", "- id: [unclosed\n- id: ")
    problem = _one_problem(base_dir)
    assert problem.startswith(f"{_display(base_dir, file)}:")


def test_a_person_that_fails_conversion_is_not_reported_again(base_dir):
    _edit(base_dir / "people.yaml", "id: rouhani\n", "id: rouhani\n  born: 1948\n")
    assert "unknown field 'born'" in _one_problem(base_dir)


def test_independent_problems_are_all_reported(base_dir):
    _break_seed(base_dir, "missing")
    _edit(base_dir / "visits.yaml", "president: khatami", "president: khatamy")
    _edit(base_dir / "gas.yaml", "announced_by: paknejad", "announced_by: paknejat")
    assert len(_problems(base_dir)) == 3


def _many_problems(base_dir: Path, count: int) -> None:
    """Add ``count`` visits that each name an unknown president: one problem each."""
    records = "".join(
        f'\n- id: extra-{i}\n  president: nobody-{i}\n  to: Azerbaijan\n  date: "2020"\n  occasion: x\n'
        "  sources:\n    - source: wikipedia-presidents-of-iran\n      note: x\n"
        for i in range(count)
    )
    with open(base_dir / "visits.yaml", "a", encoding="utf-8") as f:
        f.write(records)


def test_commands_show_ten_problems_and_validate_shows_all(base_dir, cli):
    _many_problems(base_dir, 25)
    result = cli("--data", str(base_dir), "visits")
    lines = result.stderr.splitlines()
    assert result.exit_code == 3
    assert len(lines) == 11 and all("names 'nobody-" in line for line in lines[:10])
    assert lines[10] == f"Error: 15 more: run iranaz validate {base_dir}"
    full = cli("validate", str(base_dir))
    assert full.exit_code == 3 and len(full.stderr.splitlines()) == 25
    with pytest.raises(FactBaseError) as e:
        loader.load_fact_base(base_dir)
    assert len(e.value.problems) == 25 and len(str(e.value).splitlines()) == 11


def test_ten_problems_or_fewer_are_all_shown(base_dir, cli):
    _many_problems(base_dir, 10)
    result = cli("--data", str(base_dir), "visits")
    assert len(result.stderr.splitlines()) == 10 and "more:" not in result.stderr


# --- refuse what the schema forbids ------------------------------------------------------------------


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "1.0e+400"])
def test_non_finite_numbers_are_refused(base_dir, value):
    _edit(base_dir / "gas.yaml", "volume_bcm_per_year: 55", f"volume_bcm_per_year: {value}")
    line = _line_of(base_dir / "gas.yaml", "volume_bcm_per_year")
    assert _one_problem(base_dir) == (
        f"{_display(base_dir, 'gas.yaml')}:{line}: '{value}' is not a finite number (infinity and NaN are refused)"
    )


@pytest.mark.parametrize("value", ["2020-00-00", "2021-02-30", "2020-00", "0000"])
def test_days_that_do_not_exist_are_refused(base_dir, value):
    _edit(base_dir / "visits.yaml", 'date: "2004"', f'date: "{value}"')
    line = _line_of(base_dir / "visits.yaml", value)
    assert _one_problem(base_dir).startswith(f"{_display(base_dir, 'visits.yaml')}:{line}: bad date '{value}'")


def test_a_source_published_date_is_checked(base_dir):
    _edit(
        base_dir / "sources.yaml", "  publisher: Wikipedia\n", '  publisher: Wikipedia\n  published: "2021-02-30"\n', 1
    )
    assert "bad date '2021-02-30'" in _one_problem(base_dir)


# --- a folder name that is not UTF-8 -----------------------------------------------------------------


@pytest.fixture
def latin1_base(tmp_path) -> Path:
    """Return a copy of the shipped base in a folder named b'caf\\xe9' (Latin-1, not UTF-8)."""
    import shutil

    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))
    shutil.copytree(ARTICLE / "data", folder / "data")
    shutil.copytree(ARTICLE / "seeds", folder / "seeds")
    return folder / "data"


@pytest.mark.installed
@pytest.mark.parametrize(
    "args",
    [("visits", "--json"), ("show", "khatami-2004", "--json"), ("who", "Sanaei"), ("timeline",), ("sources",)],
    ids=" ".join,
)
def test_a_base_in_a_folder_named_in_latin1_answers_every_query(latin1_base, args):
    from test_installed import run

    result = run("--data", str(latin1_base), *args)
    assert (result.returncode, result.stderr) == (0, "")
    again = run(*args, env={"IRANAZ_DATA": str(latin1_base)})  # now from the cache
    assert (again.returncode, again.stdout) == (0, result.stdout)


@pytest.mark.installed
def test_a_folder_named_in_latin1_validates_and_names_itself_escaped(latin1_base):
    from test_installed import run

    assert run("validate", str(latin1_base)).stdout == run("validate").stdout
    _edit(latin1_base / "visits.yaml", "president: khatami", "president: khatamy")
    for args in (("validate", str(latin1_base)), ("--data", str(latin1_base), "visits")):
        result = run(*args)
        display = os.fsdecode(os.fsencode(latin1_base)[: -len(b"/caf\xe9/data")])
        assert result.returncode == 3
        assert result.stderr.startswith(f"Error: {display}/caf\\udce9/data/visits.yaml:"), result.stderr


@pytest.mark.installed
def test_completion_works_for_a_base_in_a_folder_named_in_latin1(latin1_base):
    from test_installed import run

    env = {"_IRANAZ_COMPLETE": "complete_bash", "COMP_WORDS": "iranaz show khatami", "COMP_CWORD": "2"}
    result = run(env={**env, "IRANAZ_DATA": str(latin1_base)})
    assert (result.returncode, result.stderr) == (0, "")
    assert "khatami-2004" in result.stdout.split()


def test_file_names_and_values_in_problems_are_one_line_of_visible_text(base_dir, cli):
    _write(base_dir, "x\x1b]0;owned\x07.yaml", "[]\n")
    _edit(base_dir / "visits.yaml", "president: khatami", 'president: "khatami\\nError: everything is fine\\u202e"')
    result = cli("validate", str(base_dir))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"Error: {base_dir}/") for line in lines)
    assert "x\\x1b]0;owned\\x07.yaml: unexpected file" in lines[0]
    assert "'khatami\\nError: everything is fine\\u202e'" in lines[1]
    assert not any(c in result.stderr for c in "\x1b\x07\u202e")


def test_quotes_fold_every_kind_of_whitespace_as_one_space():
    import random
    import re

    from iranaz_cli.text import fold_quote

    def by_regex(text: str) -> str:  # the definition: quotes and dashes folded, `\s+` runs as one space
        return re.sub(r"\s+", " ", text.translate(str.maketrans("‘’‛“”—–", "'''\"\"--"))).strip()

    alphabet = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2009\u200b\u2028\u202f\u3000\ufeffab’‘“”—–'\"-"
    rng = random.Random(0)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert fold_quote(text) == by_regex(text), repr(text)
