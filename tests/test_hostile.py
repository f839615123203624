"""Each hostile or broken input of the robustness issue, through the installed `iranaz`.

Every case: the exit code, one `Error: file:line: ...` line per problem on stderr, no traceback,
and nothing on stdout (or `[]` where JSON was asked for and nothing was found).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from test_installed import IRANAZ, run

pytestmark = pytest.mark.installed

ALIAS_BOMB = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
)


def _replace(old: str, new: str):
    def mutate(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def _content(content: str | bytes):
    def mutate(path: Path) -> None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return mutate


# case: (file, mutation, expected stderr, as a regex after "Error: <dir>/")
CASES = {
    "python-tag-top": ("visits.yaml", _content("!!python/object/apply:os.system ['touch {marker}']\n"),
                       r"visits\.yaml:1: tag '!!python/object/apply:os\.system' is not allowed"),
    "python-tag-inside": ("visits.yaml", _replace("president: khatami", "president: !!python/object/apply:os.system "
                                                  "['touch {marker}']"), r"visits\.yaml:\d+: tag .* is not allowed"),
    "alias-bomb": ("events.yaml", _content(ALIAS_BOMB), r"events\.yaml:\d+: YAML anchors and aliases are not allowed"),
    "duplicate-key": ("gas.yaml", _replace("  buyer: Iran\n", "  buyer: Iran\n  buyer: Iraq\n"),
                      r"gas\.yaml:5: duplicate key 'buyer' \(first at line 4\)"),
    "unknown-field": ("people.yaml", _replace("  name: Mehdi Sanaei\n", "  nmae: Mehdi Sanaei\n  name: Mehdi Sanaei\n"),
                      r"people\.yaml:\d+: unknown field 'nmae'"),
    "wrong-type": ("gas.yaml", _replace("volume_bcm_per_year: 55", "volume_bcm_per_year: lots"),
                   r"gas\.yaml:6: 'volume_bcm_per_year': expected 'float', got 'str'"),
    "missing-field": ("gas.yaml", _replace("  delivery_point: Astara\n", ""),
                      r"gas\.yaml:2: missing required field 'delivery_point'"),
    "bad-date": ("visits.yaml", _replace('date: "1993"', 'date: "19x3"'), r"visits\.yaml:5: bad date '19x3' "
                 r"\(expected YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~, \? or %\)"),
    "duplicate-id": ("quotes.yaml", _replace("id: sanaei-new-beginning", "id: sanaei-compressed-trip"),
                     r"quotes\.yaml:\d+: duplicate id 'sanaei-compressed-trip' \(first at .*quotes\.yaml:\d+\)"),
    "dangling-reference": ("quotes.yaml", _replace("speaker: baghaei", "speaker: baghai"),
                           r"quotes\.yaml:\d+: 'speaker' names 'baghai', which is not a person id in people\.yaml; "
                           r"did you mean baghaei\?"),
    "tab-indent": ("gas.yaml", _content("- id: x\n\tsupplier: Russia\n"),
                   r"gas\.yaml:2:1: found a tab character that violates indentation"),
    "syntax-error": ("gas.yaml", _content("- id: [unclosed\n"), r"gas\.yaml:2:1: .*"),
    "not-utf8": ("corridor.yaml", _content("- id: caf\xe9\n".encode("latin-1")),
                 r"corridor\.yaml:1: not UTF-8 text \(byte 0xe9 at offset 9\)"),
    "empty-file": ("events.yaml", _content(""), r"events\.yaml: the file is empty \(expected a list of records\)"),
    "two-documents": ("gas.yaml", _content("[]\n---\n[]\n"), r"gas\.yaml:2: more than one YAML document"),
    "complex-key": ("gas.yaml", _content("- ? [a, b]\n  : c\n"), r"gas\.yaml:1: a key must be a plain text name"),
    "deep-nesting": ("events.yaml", _content("- " + "[" * 40 + "]" * 40 + "\n"),
                     r"events\.yaml:1: nested deeper than 16 levels"),
    "very-deep-nesting": ("events.yaml", _content("- " * 3000 + "x\n"),
                          r"events\.yaml:1: nested deeper than 16 levels"),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_broken_base_gives_one_clear_line(base_dir, tmp_path, case):
    file, mutate, expected = CASES[case]
    marker = tmp_path / "pwned"
    path = base_dir / file
    mutate(path) if "{marker}" not in path.read_text(encoding="utf-8") else None
    text = path.read_bytes().replace(b"{marker}", str(marker).encode())
    path.write_bytes(text)
    started = time.perf_counter()
    result = run("visits", "--json", env={"IRANAZ_DATA": str(base_dir)})
    assert time.perf_counter() - started < 10
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert re.fullmatch(rf"Error: {re.escape(str(base_dir))}/{expected}", lines[0]), lines[0]
    assert not marker.exists()


def test_empty_folder_says_what_is_missing(tmp_path):
    result = run("visits", env={"IRANAZ_DATA": str(tmp_path)})
    assert result.returncode == 3
    assert (
        result.stderr == f"Error: {tmp_path}: missing sources.yaml, people.yaml, visits.yaml, gas.yaml, "
        "corridor.yaml, events.yaml, quotes.yaml, disputes.yaml (a fact base has one file per kind)\n"
    )


def test_file_over_the_size_cap(base_dir):
    content = b"#" * (16 * 1024 * 1024 + 1) + b"\n[]\n"
    (base_dir / "events.yaml").write_bytes(content)
    result = run("visits", env={"IRANAZ_DATA": str(base_dir)})
    assert result.returncode == 3
    assert result.stderr == f"Error: {base_dir}/events.yaml: {len(content)} bytes is over the 16 MiB limit\n"


@pytest.mark.parametrize(("data", "message"), [("/nonexistent", "no such folder"), ("/etc/hostname", "not a folder")])
def test_data_pointing_at_nothing_or_a_file(data, message):
    for args in (("visits", "--data", data), ("visits",)):
        result = run(*args, env={"IRANAZ_DATA": data})
        assert result.returncode == 3 and result.stderr == f"Error: {data}: {message}" + (
            " (fact base)\n" if message == "no such folder" else "; the fact base is a folder of YAML files\n"
        )


def test_markup_emoji_and_escapes_in_data_are_inert(base_dir):
    evil = r'"[bold red]x[/] [/] :smile: \e[2J\e]8;;http://x\e\\link\e]8;;\e\\ \x9b31m \u202eevil"'
    _replace("occasion: Visit\n", f"occasion: {evil}\n")(base_dir / "visits.yaml")
    env = {"IRANAZ_DATA": str(base_dir), "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200"}
    table = run("visits", "-p", "Khatami", env=env)
    assert table.returncode == 0, table.stderr
    shown = re.sub(r"\x1b\[[0-9;]*m", "", table.stdout)  # iranaz's own colours, when forced
    assert "[bold red]x[/] [/] :smile:" in shown and "😄" not in shown
    assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown
    assert "\\x1b[2J" in shown and "\\u202e" in shown
    data = json.loads(run("visits", "-p", "Khatami", "--json", env=env).stdout)
    assert data[0]["occasion"].startswith("[bold red]x[/] [/] :smile: \x1b[2J")


@pytest.mark.parametrize(
    ("args", "accepted"),
    [(("visits", "--since", "abc"), "expected YYYY, YYYY-MM or YYYY-MM-DD"),
     (("gas", "--unit", "furlongs"), "'bcm/y', 'mcm/d'"),
     (("frobnicate",), "No such command"), (("timeline", "--kind", "war"),
                                                                           "'visit', 'event', 'assessment'")],
)  # fmt: skip
def test_bad_options_are_usage_errors_saying_what_is_accepted(args, accepted):
    result = run(*args)
    assert result.returncode == 2 and accepted in result.stderr and result.stdout == ""


@pytest.mark.parametrize("text", [".*", "[a-z]+", "\\d", "^$", "a|b", "x{2}"])
def test_search_text_is_literal(text):
    result = run("search", text, "--json")
    assert result.returncode == 1 and result.stdout.strip() == "[]"
    assert result.stderr == f"Error: nothing contains '{text}'\n"


@pytest.mark.parametrize("args", [("who", "Sanaei"), ("show", "sanaei")], ids=["who", "show"])
def test_a_newline_in_a_name_cannot_forge_a_line_of_the_heading(base_dir, args):
    _replace("  name: Mehdi Sanaei\n", '  name: "Mehdi Sanaei\\nError: forged\\tline"\n')(base_dir / "people.yaml")
    for columns in ("200", "40"):
        result = run(*args, env={"IRANAZ_DATA": str(base_dir), "COLUMNS": columns})
        assert result.returncode == 0, result.stderr
        assert not [line for line in result.stdout.splitlines() if line.startswith("Error")], result.stdout
        heading = "Person: Mehdi Sanaei\\nError: forged\\tline"  # escaped, on one line (wrapped at spaces)
        assert heading in " ".join(result.stdout.split()), result.stdout


@pytest.mark.parametrize("date", ["۲۰۰۴", "٢٠٠٤", "２００４-０６", "2004-۰۶-۰۱", "𝟐𝟎𝟎𝟒"])
def test_a_date_in_other_digits_than_0_to_9_is_refused(base_dir, date):
    _replace('date: "1993"', f'date: "{date}"')(base_dir / "visits.yaml")
    result = run("visits", "--json", env={"IRANAZ_DATA": str(base_dir)})
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == (
        f"Error: {base_dir}/visits.yaml:5: bad date '{date}' (expected YYYY, YYYY-MM or YYYY-MM-DD,"
        " optionally ending in ~, ? or %)\n"
    )
    at = run("who", "Pezeshkian", "--at", date)
    assert at.returncode == 2 and "Traceback" not in at.stderr, at.stderr


@pytest.mark.parametrize(
    ("volume", "why"),
    [
        ("067", "'067' is not a plain decimal number"),  # YAML 1.1: octal 55
        ("0x37", "'0x37' is not a plain decimal number"),
        ("1:30", "'1:30' is not a plain decimal number"),  # YAML 1.1: base 60, 90
        ("1_000", "'1_000' is not a plain decimal number"),
        ("0o67", "'0o67' is not a plain decimal number"),  # YAML 1.2's octal
        ("+55", "'+55' is not a plain decimal number"),
        ("99999999999999999999999999999", "'99999999999999999999999999999' is too large a number (at most 2**53)"),
        ("-55", "'volume_bcm_per_year': expected 'float' > 0.0"),
        ("0", "'volume_bcm_per_year': expected 'float' > 0.0"),
        ("-0.5", "'volume_bcm_per_year': expected 'float' > 0.0"),
    ],
)
def test_a_number_in_another_form_than_plain_decimal_is_refused(base_dir, volume, why):
    _replace("volume_bcm_per_year: 55", f"volume_bcm_per_year: {volume}")(base_dir / "gas.yaml")
    result = run("gas", "--json", env={"IRANAZ_DATA": str(base_dir)})
    assert (result.returncode, result.stdout, result.stderr) == (3, "", f"Error: {base_dir}/gas.yaml:6: {why}\n")


@pytest.mark.parametrize(("volume", "value"), [("55", 55), ("55.0", 55.0), ("55.", 55.0), ("55.0e0", 55.0),
                                               ("5.5e+1", 55.0), ("1e3", 1000.0), ("0.5", 0.5)])  # fmt: skip
def test_a_plain_decimal_number_is_read_as_written(base_dir, volume, value):
    _replace("volume_bcm_per_year: 55", f"volume_bcm_per_year: {volume}")(base_dir / "gas.yaml")
    result = run("gas", "--json", env={"IRANAZ_DATA": str(base_dir)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["volume_bcm_per_year"] == value


@pytest.mark.parametrize(
    ("file", "mutate", "expected"),
    [
        ("sources.yaml", _replace("- id: baku-visit-article\n", "- id: x\n  id: baku-visit-article\n"),
         [r"sources\.yaml:3: duplicate key 'id' \(first at line 2\)"]),
        ("people.yaml", _replace("- id: sanaei\n", "- idd: sanaei\n"),
         [r"people\.yaml:\d+: unknown field 'idd'; did you mean 'id'\?"]),
        ("sources.yaml", _content("- 5\n"), [r"sources\.yaml:1: expected a record \(a mapping of fields\)"]),
        ("people.yaml", _content("- 5\n"), [r"people\.yaml:1: expected a record \(a mapping of fields\)"]),
    ],
    ids=["duplicate-id-key", "idd-typo", "sources-not-records", "people-not-records"],
)  # fmt: skip
def test_a_record_that_fails_without_its_id_is_reported_once(base_dir, file, mutate, expected):
    mutate(base_dir / file)
    result = run("validate", str(base_dir))
    assert (result.returncode, result.stdout) == (3, "")
    lines = result.stderr.splitlines()
    assert len(lines) == len(expected), lines
    for line, pattern in zip(lines, expected, strict=True):
        assert re.fullmatch(rf"Error: {re.escape(str(base_dir))}/{pattern}", line), line


# --- writers read the base as every reader does ---------------------------------------------------------

QUOTE = '{"id": "x-1", "speaker": "sanaei", "quote": "said so", "sources": [{"source": "nope", "quote": "q"}]}'
OUTSIDE_MARK = "outside-secret-7c1"


def _kind_file_as(how: str, target: Path, elsewhere: Path) -> None:
    """Make a kind file of the base something a writer must not read as one (``elsewhere``: a folder
    outside the base, which is the folder that holds data/)."""
    target.unlink()
    if how == "symlink-outside":
        outside = elsewhere / "outside.yaml"
        outside.write_text(f"- id: {OUTSIDE_MARK}\n  quote: {OUTSIDE_MARK}\n", encoding="utf-8")
        target.symlink_to(outside)
    elif how == "fifo":
        os.mkfifo(target)
    elif how == "dev-zero":
        target.symlink_to("/dev/zero")
    else:  # a 1 GiB sparse file
        with open(target, "wb") as f:
            f.truncate(2**30)


WHYS = {"symlink-outside": "leads outside the base", "fifo": "is not a regular file",
        "dev-zero": "leads outside the base", "sparse": "1073741824 bytes is over the 16 MiB limit"}  # fmt: skip


@pytest.mark.parametrize("how", list(WHYS))
@pytest.mark.parametrize("command", ["add", "source add"])
@pytest.mark.parametrize("kind", ["quotes", "sources"])
def test_a_writer_refuses_a_kind_file_that_is_no_regular_file_of_the_base_at_once(base_dir, tmp_path_factory, how,
                                                                                 command, kind):  # fmt: skip
    from iranaz_cli.write import safewrite

    tmp_path = tmp_path_factory.mktemp("elsewhere")
    _kind_file_as(how, base_dir / f"{kind}.yaml", tmp_path)
    article = tmp_path / "article.txt"
    article.write_text("A title\n\nThe text of an article.\n", encoding="utf-8")
    args = ["add", "quotes", "-"] if command == "add" else ["source", "add", str(article), "--id", "an-article"]
    with safewrite.locked(base_dir):  # another writer holds the lock: the bad file is told at once, not after 30 s
        started = time.monotonic()
        result = subprocess.run([str(IRANAZ), *args, "--data", str(base_dir), "--wait", "20"], input=QUOTE,
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    assert time.monotonic() - started < 15, result.stderr
    assert result.returncode == 3, result.stderr
    assert result.stderr.count("Error:") == 1 and f"{kind}.yaml: {WHYS[how]}" in result.stderr, result.stderr
    assert OUTSIDE_MARK not in result.stderr + result.stdout and "Traceback" not in result.stderr
