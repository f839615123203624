"""Property-based tests: whatever the fact base or the query, iranaz answers with its own errors.

Random mutations of the shipped base and random YAML documents, loaded through the real loader,
either load or raise FactBaseError; random query strings to every command never crash.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zlib
from pathlib import Path

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from iranaz_cli import load_fact_base
from iranaz_cli.cli.main import app
from iranaz_cli.errors import FactBaseError
from iranaz_cli.model import DATE_FIELDS, KINDS
from iranaz_cli.store import loader

from conftest import ROOT

FILES = [f"{kind}.yaml" for kind in KINDS]
ORIGINAL = {name: (ROOT / "data" / name).read_bytes() for name in FILES}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _scratch() -> Path:
    """Return a fresh copy of the shipped base (data/ beside seeds/) in a temp folder."""
    root = Path(tempfile.mkdtemp(prefix="iranaz-prop-"))
    (root / "data").mkdir()
    shutil.copytree(ROOT / "seeds", root / "seeds")
    for name, content in ORIGINAL.items():
        (root / "data" / name).write_bytes(content)
    return root


def _loads_or_reports(root: Path) -> None:
    try:
        loader.validate(root / "data")
    except FactBaseError as e:
        assert e.problems and all(isinstance(p, str) and p for p in e.problems)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@st.composite
def mutations(draw):
    name = draw(st.sampled_from(FILES))
    lines = ORIGINAL[name].split(b"\n")
    op = draw(st.sampled_from(["delete", "swap", "bytes", "key", "duplicate", "value"]))
    i = draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[i]
    elif op == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "bytes":
        blob = draw(st.binary(min_size=1, max_size=12))
        at = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:at] + blob + lines[i][at:]
    elif op == "key":
        key = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=10))
        lines.insert(i, f"  {key}: x".encode())
    elif op == "duplicate":
        lines.insert(i, lines[i])
    else:
        line = lines[i]
        if b": " in line:
            head = line.split(b": ", 1)[0]
            value = draw(st.sampled_from([b"", b"~", b"123", b"[]", b"{}", b"- x", b"'2020-13-40'", b"&a x", b"*a"]))
            lines[i] = head + b": " + value
    return name, b"\n".join(lines)


@SETTINGS
@given(mutations())
def test_mutated_shipped_base_loads_or_reports(mutation):
    name, content = mutation
    root = _scratch()
    (root / "data" / name).write_bytes(content)
    _loads_or_reports(root)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(st.sampled_from(FILES), documents)
def test_random_yaml_documents_load_or_report(name, document):
    root = _scratch()
    (root / "data" / name).write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    _loads_or_reports(root)


@SETTINGS
@given(st.sampled_from(FILES), st.text(max_size=200))
def test_random_text_loads_or_reports(name, text):
    root = _scratch()
    (root / "data" / name).write_text(text, encoding="utf-8")
    _loads_or_reports(root)


COMMANDS = [
    lambda q: ["who", q],
    lambda q: ["who", q, "--json"],
    lambda q: ["search", q, "--json"],
    lambda q: ["search", q],
    lambda q: ["visits", "--president", q],
    lambda q: ["quotes", "--speaker", q, "-f", "csv"],
    lambda q: ["show", q],
    lambda q: ["timeline", "--kind", q],
    lambda q: ["gas", "--unit", q],
    lambda q: ["who", "--at", q, "president of iran"],
    lambda q: ["offices", q],
    lambda q: ["offices", "--at", q, "--json"],
    lambda q: [q],
]


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(COMMANDS), st.text(max_size=30))
def test_random_queries_never_crash(command, query):
    result = CliRunner().invoke(app, command(query), prog_name="iranaz")
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr


# --- Output is text: hostile characters in every string of a base and every argument -------------

# C0 (newline and tab included), DEL, C1 and bidirectional overrides.
HOSTILE_CHARS = [
    chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
]
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # Rich's own colours on a forced terminal
KEEP = {"kind", "type", "to", "sha256", "path", *DATE_FIELDS}  # fields whose values the queries parse
SHIPPED = {k: v for k, v in msgspec.to_builtins(load_fact_base(ROOT / "data", cache=False)).items() if k in KINDS}
hostile_text = st.text(st.sampled_from(HOSTILE_CHARS) | st.characters(codec="utf-8"), min_size=1, max_size=6).filter(
    lambda s: RAW_CONTROL.search(s) is not None
)


def _hostile_base(noise: list[str]) -> dict:
    """Return the shipped base's records with noise in every string (the same string, the same noise)."""

    def spoil(value, key=""):
        if isinstance(value, dict):
            return {k: spoil(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [spoil(v, key) for v in value]
        if isinstance(value, str) and key not in KEEP:
            at = zlib.crc32(value.encode()) % (len(value) + 1)
            return value[:at] + noise[zlib.crc32(value.encode()) % len(noise)] + value[at:]
        return value

    return spoil(SHIPPED)


def _assert_text_only(result, terminal: bool, codes=(0, 1, 2)) -> None:
    for stream in (result.stdout, result.stderr):
        shown = SGR.sub("", stream) if terminal else stream
        assert not RAW_CONTROL.search(shown), repr(shown[max(RAW_CONTROL.search(shown).start() - 40, 0) :][:80])
    assert result.exit_code in codes, (result.exit_code, result.stderr, result.exception)


OUTPUT_COMMANDS = {
    "overview": lambda arg, rid: [],
    "visits": lambda arg, rid: ["visits", "--president", arg] if arg.isalpha() else ["visits"],
    "who": lambda arg, rid: ["who", arg],
    "gas": lambda arg, rid: ["gas"],
    "corridor": lambda arg, rid: ["corridor"],
    "timeline": lambda arg, rid: ["timeline"],
    "chart": lambda arg, rid: ["timeline", "--chart"],
    "search": lambda arg, rid: ["search", arg],
    "quotes": lambda arg, rid: ["quotes", "--speaker", arg],
    "show": lambda arg, rid: ["show", rid],
    "sources": lambda arg, rid: ["sources"],
    "coverage": lambda arg, rid: ["coverage"],
}
FORMATS = ["table", "terminal", "narrow", "json", "jsonl", "csv", "md"]
TERMINALS = {"terminal": "100", "narrow": "40"}  # COLUMNS of a forced terminal (narrow: one block per record)


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
@settings(max_examples=12, deadline=None)
@given(noise=st.lists(hostile_text, min_size=1, max_size=4), fmt=st.sampled_from(FORMATS), data=st.data())
def test_hostile_characters_in_a_base_are_shown_as_text(command, noise, fmt, data):
    from iranaz_cli.ask.names import build_index
    from iranaz_cli.cli import listing as cli_common
    from iranaz_cli.cli import main as cli
    from iranaz_cli.model import FactBase, mentions_index

    records = _hostile_base(noise)
    base = msgspec.convert(records, FactBase)
    base.name_index = build_index(base.people)
    base.mentions = mentions_index(base)
    people = [p["name"] for p in records["people"]]
    ids = [r["id"] for kind in KINDS for r in records[kind]]
    arg = data.draw(st.sampled_from(people) | hostile_text | st.sampled_from(noise))
    rid = data.draw(st.sampled_from(ids))
    args = OUTPUT_COMMANDS[command](arg, rid)
    if args and fmt not in ("table", *TERMINALS):
        args += ["--format", fmt]
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": TERMINALS[fmt]} if fmt in TERMINALS else None
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli_common, "load_base", lambda *a: base)
        mp.setattr(cli, "load_base", lambda *a: base)
        result = CliRunner().invoke(app, args, env=env, prog_name="iranaz")
    _assert_text_only(result, fmt in TERMINALS)


@settings(max_examples=15, deadline=None)
@given(noise=st.lists(hostile_text, min_size=1, max_size=3), command=st.sampled_from(["validate", "visits", "who"]))
def test_hostile_characters_in_base_files_are_shown_as_text(noise, command):
    root = _scratch()
    try:
        for kind, records in _hostile_base(noise).items():
            (root / "data" / f"{kind}.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
        args = ["--data", str(root / "data"), command] + (["x\x1b"] if command == "who" else [])
        _assert_text_only(CliRunner().invoke(app, args, prog_name="iranaz"), False, (0, 1, 3))
    finally:
        shutil.rmtree(root, ignore_errors=True)


ARGUMENT_COMMANDS = [
    lambda q: ["who", q],
    lambda q: ["search", q, "-f", "md"],
    lambda q: ["visits", "--president", q],
    lambda q: ["quotes", "--speaker", q, "-f", "csv"],
    lambda q: ["show", q],
    lambda q: ["timeline", "--kind", q],
    lambda q: ["timeline", "--since", q],
    lambda q: ["gas", "--unit", q],
    lambda q: ["schema", q],
    lambda q: ["validate", q],
    lambda q: ["export", "--sqlite", "/nonexistent-iranaz/" + q.replace("/", "_")],
    lambda q: ["visits", "--save-svg", q, "-f", "csv"],
    lambda q: ["--data", q, "visits"],
    lambda q: [q],
    lambda q: ["visits", q],
]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ARGUMENT_COMMANDS), st.text(st.sampled_from([*HOSTILE_CHARS, "\udce9"]) | st.characters()))
def test_hostile_arguments_are_echoed_as_text(command, query):
    _assert_text_only(CliRunner().invoke(app, command(query), prog_name="iranaz"), False, (0, 1, 2, 3, 74))
