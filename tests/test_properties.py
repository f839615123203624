"""Property-based tests: whatever the fact base or the query, iranaz answers with its own errors.

Random mutations of the shipped base and random YAML documents, loaded through the real loader,
either load or raise FactBaseError; random query strings to every command never crash.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from iranaz_cli import loader
from iranaz_cli.cli import app
from iranaz_cli.errors import FactBaseError
from iranaz_cli.model import KINDS

from conftest import ROOT

FILES = [f"{kind}.yaml" for kind in KINDS]
ORIGINAL = {name: (ROOT / "data" / name).read_bytes() for name in FILES}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


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


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(COMMANDS), st.text(max_size=30))
def test_random_queries_never_crash(command, query):
    result = CliRunner().invoke(app, command(query), prog_name="iranaz")
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
