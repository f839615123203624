"""The cache answers for its own base only, and only for the files as they are now."""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

import msgspec
import pytest

from iranaz_cli.errors import FactBaseError
from iranaz_cli.store import cache as cache_module
from iranaz_cli.store import loader
from iranaz_cli.store import validate as validate_module

from conftest import ARTICLE


def _copy_base(folder: Path) -> Path:
    import shutil

    shutil.copytree(ARTICLE / "data", folder / "data")
    shutil.copytree(ARTICLE / "seeds", folder / "seeds")
    return folder / "data"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _cache_home() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "iranaz"


def _base_entries() -> list[Path]:
    return sorted(_cache_home().glob("base-*.msgpack"))


def _ok() -> str:
    """Return what `iranaz validate` prints for the shipped base."""
    return f"ok: {loader.count_records(loader.load_fact_base(ARTICLE / 'data', cache=False))} records in 8 files\n"


def _crc32_twins(parent: Path) -> tuple[Path, Path]:
    """Return two folders in ``parent`` whose data folders' paths have the same CRC-32 (a birthday search)."""
    import hashlib

    prefix = zlib.crc32(os.fsencode(parent) + b"/")
    seen: dict[int, str] = {}
    for i in range(2_000_000):  # about 100k names are needed: CRC-32 has 2**32 values
        name = hashlib.sha256(str(i).encode()).hexdigest()[:12]  # varied bytes: CRC-32 is linear
        crc = zlib.crc32(name.encode() + b"/data", prefix)
        if crc in seen:
            return parent / seen[crc], parent / name
        seen[crc] = name
    raise AssertionError("no CRC-32 collision found")


def test_folders_whose_paths_collide_in_crc32_each_answer_with_their_own_facts(tmp_path, cli):
    first, second = _crc32_twins(tmp_path.resolve())
    assert zlib.crc32(os.fsencode(first / "data")) == zlib.crc32(os.fsencode(second / "data"))
    a, b = _copy_base(first), _copy_base(second)
    _edit(b / "visits.yaml", "occasion: Visit\n", "occasion: Visit of the second base\n")

    assert loader.load_fact_base(a).visits[1].occasion == "Visit"
    assert loader.load_fact_base(b).visits[1].occasion == "Visit of the second base"
    assert loader.load_fact_base(a).visits[1].occasion == "Visit"
    for data, occasion in ((a, "Visit"), (b, "Visit of the second base"), (a, "Visit")):
        result = cli("--data", str(data), "show", "khatami-2004", "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["occasion"] == occasion
    assert len(_base_entries()) == 2


def _entry_parts(entry: Path) -> tuple[bytes, bytes, bytes]:
    data = entry.read_bytes()
    head = len(cache_module._MAGIC)
    return data[:head], data[head : head + cache_module._DIGEST_SIZE], data[head + cache_module._DIGEST_SIZE :]


def test_a_tampered_entry_is_rebuilt_not_believed(base_dir, cli):
    loader.load_fact_base(base_dir)
    [entry] = _base_entries()
    magic, digest, payload = _entry_parts(entry)
    decoded = msgspec.msgpack.decode(payload, type=cache_module._BaseEntry)
    decoded.base.visits[1].occasion = "Tampered"
    decoded.base.name_index = {"khatami": [999]}  # well-formed, and would point past the people
    entry.write_bytes(magic + digest + msgspec.msgpack.encode(decoded))
    assert loader.load_fact_base(base_dir).visits[1].occasion == "Visit"
    entry.write_bytes(magic + digest + msgspec.msgpack.encode(decoded))
    result = cli("--data", str(base_dir), "who", "khatami", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["id"] == "khatami"


def test_a_truncated_or_corrupted_entry_is_rebuilt(base_dir):
    loader.load_fact_base(base_dir)
    [entry] = _base_entries()
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    assert loader.load_fact_base(base_dir).visits[1].occasion == "Visit"
    assert entry.read_bytes() == whole or len(entry.read_bytes()) == len(whole)  # rewritten whole
    assert b"Astara" in whole
    entry.write_bytes(whole.replace(b"Astara", b"Astora"))  # a byte of a fact: still well-formed msgpack
    assert loader.load_fact_base(base_dir).gas[0].delivery_point == "Astara"
    people = len(loader.load_fact_base(base_dir, cache=False).people)
    for position in range(0, len(whole), max(1, len(whole) // 25)):
        corrupt = bytearray(whole)
        corrupt[position] ^= 0x01
        entry.write_bytes(bytes(corrupt))
        base = loader.load_fact_base(base_dir)
        assert (base.visits[1].occasion, len(base.people)) == ("Visit", people), position


def test_an_entry_of_another_folder_is_not_believed(tmp_path):
    a, b = _copy_base(tmp_path / "a"), _copy_base(tmp_path / "b")
    _edit(b / "visits.yaml", "occasion: Visit\n", "occasion: Visit of b\n")
    loader.load_fact_base(a)
    [entry_a] = _base_entries()
    entry_b = cache_module._entry_file(_cache_home(), "base", b)
    entry_b.write_bytes(entry_a.read_bytes())  # a's entry under b's name
    assert loader.load_fact_base(b).visits[1].occasion == "Visit of b"


def test_an_edit_during_validation_is_seen_by_the_next_run(base_dir, monkeypatch):
    gas = base_dir / "gas.yaml"
    # The hook runs after validation and before caching: the edit is made in that window.
    monkeypatch.setattr(
        loader, "_before_caching", lambda: _edit(gas, "delivery_point: Astara", "delivery_point: Astora")
    )
    assert loader.load_fact_base(base_dir).gas[0].delivery_point == "Astara"  # read before the edit
    monkeypatch.setattr(loader, "_before_caching", lambda: None)
    assert loader.load_fact_base(base_dir).gas[0].delivery_point == "Astora"
    assert loader.load_fact_base(base_dir).gas[0].delivery_point == "Astora"


def test_a_symlink_or_a_relative_folder_answers_as_the_real_path(base_dir, tmp_path, cli, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = elsewhere / "data"
    link.symlink_to(base_dir, target_is_directory=True)
    real = cli("--data", str(base_dir), "visits", "--json")
    assert real.exit_code == 0, real.stderr
    via_link = cli("--data", str(link), "visits", "--json")
    assert (via_link.exit_code, via_link.stdout) == (0, real.stdout), via_link.stderr
    ok = _ok()
    assert cli("validate", str(link)).stdout == ok
    assert len(_base_entries()) == 1  # one base, one entry
    monkeypatch.chdir(base_dir)
    result = cli("validate", ".")
    assert (result.exit_code, result.stdout) == (0, ok) and "Error" not in result.stderr  # warnings may show
    assert cli("--data", ".", "visits", "--json").stdout == real.stdout
    monkeypatch.chdir(link)
    assert cli("validate", ".").stdout == ok


@pytest.mark.parametrize(
    "env",
    [
        {"HOME": "", "XDG_CACHE_HOME": ""},
        {"HOME": "", "XDG_CACHE_HOME": "cache"},
        {"HOME": "home", "XDG_CACHE_HOME": "."},
    ],
    ids=["empty-home", "relative-xdg-empty-home", "relative-both"],
)
def test_no_cache_in_the_root_or_the_working_folder(base_dir, tmp_path, monkeypatch, env):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache_module.cache_folder() is None
    assert len(loader.load_fact_base(base_dir).visits) == 7
    assert list(work.iterdir()) == []


def test_a_relative_xdg_cache_home_is_ignored_for_home(base_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    assert cache_module.cache_folder() == tmp_path / "home" / ".cache" / "iranaz"
    loader.load_fact_base(base_dir)
    assert list((tmp_path / "home" / ".cache" / "iranaz").glob("base-*"))


# --- the edit loop: one file changed, one file parsed ------------------------------------------------

NEW_VISIT = """
- id: pezeshkian-2026
  president: {president}
  to: Azerbaijan
  date: "2025"
  occasion: A visit added by a test
  sources:
    - source: baku-visit-article
      quote: Iran’s President Pezeshkian Visits Azerbaijan
"""


def _parsed(monkeypatch) -> list[tuple[str, int]]:
    """Record (file, characters) of every YAML text the validator parses."""
    parsed: list[tuple[str, int]] = []
    real = validate_module.parse_list

    def counting(text, display, *args, **kwargs):
        parsed.append((Path(display).name, len(text)))
        return real(text, display, *args, **kwargs)

    monkeypatch.setattr(validate_module, "parse_list", counting)
    return parsed


def test_after_an_edit_only_the_changed_file_is_parsed_again(base_dir, monkeypatch):
    loader.load_fact_base(base_dir)
    parsed = _parsed(monkeypatch)
    _edit(base_dir / "visits.yaml", "occasion: Visit\n", "occasion: Visit, edited\n")
    base = loader.load_fact_base(base_dir)
    assert [name for name, _ in parsed] == ["visits.yaml"]
    assert base.visits[1].occasion == "Visit, edited"
    assert base == loader.load_fact_base(base_dir, cache=False)


@pytest.mark.parametrize(
    "appended",
    [
        NEW_VISIT.format(president="pezeshkian"),
        NEW_VISIT.format(president="pezeshkian").lstrip("\n"),
        NEW_VISIT.format(president="pezeshkian").lstrip("\n").replace("\n", "\r\n"),
    ],
    ids=["blank-line", "item-first", "crlf"],
)
def test_after_an_append_only_the_appended_text_is_parsed(base_dir, monkeypatch, appended):
    loader.load_fact_base(base_dir)
    parsed = _parsed(monkeypatch)
    with open(base_dir / "visits.yaml", "a", encoding="utf-8", newline="") as f:
        f.write(appended)
    base = loader.load_fact_base(base_dir)
    assert parsed == [("", len(appended))]  # the appended text alone
    assert base.visits[-1].id == "pezeshkian-2026"
    assert any(tuple(m[:2]) == ("visits", len(base.visits) - 1) for m in base.mentions["pezeshkian"])
    assert base == loader.load_fact_base(base_dir, cache=False)  # the same records, lines and indexes
    with open(base_dir / "visits.yaml", "a", encoding="utf-8") as f:
        f.write(NEW_VISIT.format(president="nobody").replace("pezeshkian-2026", "second-append"))
    with pytest.raises(FactBaseError) as e:
        loader.load_fact_base(base_dir)
    line = (base_dir / "visits.yaml").read_text(encoding="utf-8").splitlines().index("  president: nobody") + 1
    assert e.value.problems == [
        f"{base_dir}/visits.yaml:{line}: 'president' names 'nobody', which is not a person id in people.yaml"
    ]


def _flow_list(visits: Path) -> str:
    records = msgspec.to_builtins(loader.load_fact_base(visits.parent, cache=False).visits)
    return json.dumps(records, ensure_ascii=False) + "\n"  # JSON is a YAML flow list


# A record whose last value is a folded block scalar: an indented line appended after it is its text.
FOLDED = NEW_VISIT.replace("pezeshkian-2026", "folded").replace(
    "quote: Iran’s President Pezeshkian Visits Azerbaijan",
    "quote: >\n        Iran’s President\n        Pezeshkian Visits Azerbaijan",
)
KEPT = NEW_VISIT.format(president="pezeshkian").replace("occasion:", "notes:\n    - |+\n      kept\n  occasion:")


@pytest.mark.parametrize(
    ("before", "appended"),
    [
        (_flow_list, NEW_VISIT),  # an item after a flow list is an error
        (lambda v: v.read_text(encoding="utf-8") + "...\n", NEW_VISIT),  # after a document end: a new document
        (lambda v: v.read_text(encoding="utf-8"), "---\n" + NEW_VISIT),  # a second document
        (lambda v: v.read_text(encoding="utf-8"), "    - indented\n"),  # continues the last item
        (lambda v: v.read_text(encoding="utf-8") + KEPT.split("  sources:")[0].replace("id: pezeshkian-2026", "id: k")
         + "  sources:" + KEPT.split("  sources:")[1], "\n\n" + NEW_VISIT),  # `|+` takes in blank lines
        (lambda v: v.read_text(encoding="utf-8") + FOLDED.format(president="pezeshkian"),
         "        # and later denied it all\n" + NEW_VISIT),  # text of the scalar, not a comment
        (lambda v: v.read_text(encoding="utf-8") + FOLDED.format(president="pezeshkian"),
         "        \n" + NEW_VISIT),  # a line of spaces, more indented than the scalar: its text too
        (lambda v: v.read_text(encoding="utf-8"), "# a comment first\n" + NEW_VISIT),
        (lambda v: (v.read_text(encoding="utf-8") + FOLDED.replace(">", "|").format(president="pezeshkian")).rstrip(),
         NEW_VISIT),  # a `|` scalar at the end of the file without a line break: 'x' becomes 'x\n'
    ],
    ids=["flow-list", "document-end", "second-document", "indented", "keep-chomping", "comment-in-scalar",
         "spaces-in-scalar", "comment", "no-final-newline"],
)  # fmt: skip
def test_an_append_that_could_change_what_came_before_is_read_whole(base_dir, monkeypatch, before, appended):
    visits = base_dir / "visits.yaml"
    visits.write_text(before(visits), encoding="utf-8")
    loader.load_fact_base(base_dir)  # valid: each file is cached
    with open(visits, "a", encoding="utf-8") as f:
        f.write(appended.format(president="pezeshkian"))
    parsed = _parsed(monkeypatch)

    def outcome(**options):
        try:
            return loader.load_fact_base(base_dir, **options)
        except FactBaseError as e:
            return e.problems

    assert outcome() == outcome(cache=False)
    assert [name for name, _ in parsed][:1] == ["visits.yaml"]  # the whole file, not the appended text alone


def test_checks_across_files_still_run_on_cached_records(base_dir, monkeypatch):
    loader.load_fact_base(base_dir)
    with open(base_dir / "visits.yaml", "a", encoding="utf-8") as f:
        f.write(NEW_VISIT.format(president="nobody"))
    with pytest.raises(FactBaseError) as e:
        loader.load_fact_base(base_dir)
    assert [p.split(": ", 1)[1] for p in e.value.problems] == [
        "'president' names 'nobody', which is not a person id in people.yaml"
    ]
    _edit(base_dir / "people.yaml", "id: rouhani", "id: rowhani")  # the cached visits now name no one
    with pytest.raises(FactBaseError) as e:
        loader.load_fact_base(base_dir)
    assert sum("names 'rouhani'" in p for p in e.value.problems) == 2
    with pytest.raises(FactBaseError) as uncached:
        loader.validate(base_dir)
    assert e.value.problems == uncached.value.problems


def test_a_person_added_is_found_by_name(base_dir):
    import iranaz_cli as api

    loader.load_fact_base(base_dir)
    with open(base_dir / "people.yaml", "a", encoding="utf-8") as f:
        f.write(
            "\n- id: new-person\n  name: Zyxwv Qwerty\n  country: Iran\n  sources:\n"
            "    - source: wikipedia-presidents-of-iran\n      note: added by a test\n"
        )
    base = loader.load_fact_base(base_dir)
    assert [p["id"] for p in api.people(base, "Qwerty")] == ["new-person"]


def test_a_retargeted_symlink_in_a_source_path_is_seen(base_dir):
    """seeds/current -> v1, then `ln -sfn v2 seeds/current`: the cache must not answer for v1."""
    seeds = base_dir.parent / "seeds"
    for version in ("v1", "v2"):
        (seeds / version).mkdir()
        (seeds / version / "article.txt").write_bytes((seeds / "000_553f010ad6d6be2c.txt").read_bytes())
    with open(seeds / "v2" / "article.txt", "a", encoding="utf-8") as f:
        f.write("A sentence added in the second version.\n")
    (seeds / "current").symlink_to("v1")
    _edit(base_dir / "sources.yaml", "path: seeds/000_553f010ad6d6be2c.txt", "path: seeds/current/article.txt")
    loader.load_fact_base(base_dir)  # cached
    (seeds / "next").symlink_to("v2")
    os.replace(seeds / "next", seeds / "current")  # what `ln -sfn v2 seeds/current` does
    with pytest.raises(FactBaseError) as uncached:
        loader.load_fact_base(base_dir, cache=False)
    with pytest.raises(FactBaseError) as cached:
        loader.load_fact_base(base_dir)
    assert cached.value.problems == uncached.value.problems
    assert "does not match its recorded sha256" in cached.value.problems[0]


def test_any_byte_flipped_in_an_entry_is_rebuilt_silently(base_dir, cli):
    """Header bytes are decoded before the digest is checked: a flip there is no internal error."""
    loader.load_fact_base(base_dir)
    [entry] = _base_entries()
    whole = entry.read_bytes()
    magic, digest, payload = _entry_parts(entry)
    header = len(whole) - len(msgspec.msgpack.decode(payload, type=cache_module._BaseHeader).base)
    expected = cli("--data", str(base_dir), "who", "Sanaei", "--json").stdout
    start = len(magic) + len(digest)
    positions = sorted(
        {*range(start, header, max(1, (header - start) // 150)), *range(header, len(whole), len(whole) // 50)}
    )
    for position in positions:  # about 200 positions, three in four of them in the header
        for flip in (0x80,) if position < header else (0x01,):
            corrupt = bytearray(whole)
            corrupt[position] ^= flip
            entry.write_bytes(bytes(corrupt))
            result = cli("--data", str(base_dir), "who", "Sanaei", "--json")
            assert (result.exit_code, result.stderr, result.stdout) == (0, "", expected), (position, flip)


def test_an_entry_edited_with_its_digest_recomputed_is_an_error_then_rebuilt(base_dir):
    from test_installed import run

    args = ("--data", str(base_dir), "who", "Pezeshkian", "--json")
    assert run(*args).returncode == 0
    [entry] = _base_entries()
    magic, _, payload = _entry_parts(entry)
    header = msgspec.msgpack.decode(payload, type=cache_module._BaseHeader)
    lazy = msgspec.msgpack.decode(header.base, type=cache_module._lazy_type()[0])
    lazy.people = [msgspec.Raw(msgspec.msgpack.encode([1, 2, 3]))] * len(lazy.people)  # records of the wrong shape
    header.base = msgspec.Raw(msgspec.msgpack.encode(lazy))
    forged = msgspec.msgpack.encode(header)
    entry.write_bytes(magic + cache_module._hash(forged) + forged)
    damaged = run(*args)
    assert (damaged.returncode, damaged.stdout) == (74, "")
    assert damaged.stderr.startswith("Error: iranaz's cache was damaged") and "internal error" not in damaged.stderr
    again = run(*args)
    assert again.returncode == 0 and json.loads(again.stdout)[0]["id"] == "pezeshkian"


@pytest.mark.parametrize("prefix", ["base", "sql"])
def test_a_folder_where_an_entry_should_be_only_costs_speed(base_dir, prefix):
    from test_installed import run

    name = f"{prefix}-{cache_module._hash(os.fsencode(base_dir.resolve())).hex()}.msgpack"
    (_cache_home() / name).mkdir(parents=True)
    for _ in range(2):
        result = run("--data", str(base_dir), "sql", "SELECT count(*) AS n FROM visits", "--format", "csv")
        assert (result.returncode, result.stdout, result.stderr) == (0, "n\n7\n", "")
