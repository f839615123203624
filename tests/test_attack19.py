"""Issue 19's remaining classes, as a user meets them: sql functions allowed by name, characters that
reorder or hide text made visible, saves that never break a base, Markdown that GitHub cannot ping
through, and errors that name the file and line a user can open."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import test_edit

from conftest import ARTICLE

new_base = test_edit.new_base  # the fixture: a new base holding the test article

# --- 19.3: sql allows functions by name --------------------------------------------------------------

# A call of each function a query may use (the allow-list in ask/sql.py), with the value it gives.
FUNCTION_CALLS = {
    # core scalar functions
    "abs": ("abs(-2)", 2), "char": ("char(65)", "A"), "coalesce": ("coalesce(NULL, 1)", 1),
    "format": ("format('%d', 3)", "3"), "glob": ("'ab' GLOB 'a*'", 1), "hex": ("hex('A')", "41"),
    "ifnull": ("ifnull(NULL, 2)", 2), "iif": ("iif(1, 'y', 'n')", "y"), "instr": ("instr('abc', 'c')", 3),
    "length": ("length('abc')", 3), "like": ("'ab' LIKE 'A%'", 1), "likelihood": ("likelihood(1, 0.5)", 1),
    "likely": ("likely(1)", 1), "lower": ("lower('A')", "a"), "ltrim": ("ltrim('  a')", "a"),
    "max": ("max(1, 2)", 2), "min": ("min(1, 2)", 1), "nullif": ("nullif(1, 1)", None),
    "printf": ("printf('%s', 'x')", "x"), "quote": ("quote('a')", "'a'"), "random": ("typeof(random())", "integer"),
    "randomblob": ("length(randomblob(4))", 4), "replace": ("replace('aa', 'a', 'b')", "bb"),
    "round": ("round(1.26, 1)", 1.3), "rtrim": ("rtrim('a  ')", "a"), "sign": ("sign(-3)", -1),
    "soundex": ("soundex('Robert')", "R163"), "substr": ("substr('abc', 2)", "bc"),
    "substring": ("substring('abc', 2, 1)", "b"), "trim": ("trim(' a ')", "a"), "typeof": ("typeof(1)", "integer"),
    "unicode": ("unicode('A')", 65), "unlikely": ("unlikely(0)", 0), "upper": ("upper('a')", "A"),
    "zeroblob": ("length(zeroblob(8))", 8),
    "concat": ("concat('a', 'b')", "ab"), "concat_ws": ("concat_ws('-', 'a', 'b')", "a-b"),
    "octet_length": ("octet_length('ab')", 2), "unhex": ("unhex('41')", b"A"), "unistr": ("unistr('\\0041')", "A"),
    # math
    "acos": ("acos(1)", 0.0), "acosh": ("acosh(1)", 0.0), "asin": ("asin(0)", 0.0), "asinh": ("asinh(0)", 0.0),
    "atan": ("atan(0)", 0.0), "atan2": ("atan2(0, 1)", 0.0), "atanh": ("atanh(0)", 0.0), "ceil": ("ceil(1.2)", 2),
    "ceiling": ("ceiling(1.2)", 2), "cos": ("cos(0)", 1.0), "cosh": ("cosh(0)", 1.0), "degrees": ("degrees(0)", 0.0),
    "exp": ("exp(0)", 1.0), "floor": ("floor(1.8)", 1), "ln": ("ln(1)", 0.0), "log": ("log(100)", 2.0),
    "log10": ("log10(100)", 2.0), "log2": ("log2(8)", 3.0), "mod": ("mod(7, 3)", 1.0), "pi": ("pi() > 3", 1),
    "pow": ("pow(2, 3)", 8.0), "power": ("power(2, 3)", 8.0), "radians": ("radians(0)", 0.0), "sin": ("sin(0)", 0.0),
    "sinh": ("sinh(0)", 0.0), "sqrt": ("sqrt(9)", 3.0), "tan": ("tan(0)", 0.0), "tanh": ("tanh(0)", 0.0),
    "trunc": ("trunc(1.8)", 1),
    # dates and times
    "date": ("date('2020-01-02')", "2020-01-02"), "time": ("time('12:00')", "12:00:00"),
    "datetime": ("datetime('2020-01-02')", "2020-01-02 00:00:00"), "julianday": ("julianday('2000-01-01') > 0", 1),
    "strftime": ("strftime('%Y', '2020-01-02')", "2020"), "unixepoch": ("unixepoch('1970-01-02')", 86400),
    "timediff": ("timediff('2020-01-02', '2020-01-01')", "+0000-00-01 00:00:00.000"),
    "current_date": ("length(current_date)", 10), "current_time": ("length(current_time)", 8),
    "current_timestamp": ("length(current_timestamp)", 19),
    # aggregates (over one row)
    "avg": ("avg(2)", 2.0), "count": ("count(*)", 1), "group_concat": ("group_concat('a')", "a"),
    "string_agg": ("string_agg('a', ',')", "a"), "sum": ("sum(2)", 2), "total": ("total(2)", 2.0),
    "median": ("median(2)", 2.0),
    # JSON
    "json": ("json(' [1] ')", "[1]"), "json_array": ("json_array(1)", "[1]"),
    "json_array_length": ("json_array_length('[1]')", 1), "json_extract": ("json_extract('[5]', '$[0]')", 5),
    "json_insert": ("json_insert('{}', '$.a', 1)", '{"a":1}'), "json_object": ("json_object('a', 1)", '{"a":1}'),
    "json_patch": ("json_patch('{}', '{\"a\":1}')", '{"a":1}'), "json_quote": ("json_quote('a')", '"a"'),
    "json_remove": ("json_remove('[1]', '$[0]')", "[]"), "json_replace": ("json_replace('{\"a\":1}', '$.a', 2)",
                                                                       '{"a":2}'),
    "json_set": ("json_set('{}', '$.a', 1)", '{"a":1}'), "json_type": ("json_type('[]')", "array"),
    "json_valid": ("json_valid('[]')", 1), "json_group_array": ("json_group_array(1)", "[1]"),
    "json_group_object": ("json_group_object('a', 1)", '{"a":1}'), "->": ("'[7]' -> '$[0]'", "7"),
    "->>": ("'[7]' ->> '$[0]'", 7), "json_pretty": ("json_pretty('[]')", "[]"),
    "json_error_position": ("json_error_position('[]')", 0),
}  # fmt: skip

# Window functions, over a numbered set of three rows.
WINDOW_CALLS = {
    "row_number": "row_number() OVER (ORDER BY i)", "rank": "rank() OVER (ORDER BY i)",
    "dense_rank": "dense_rank() OVER (ORDER BY i)", "percent_rank": "percent_rank() OVER (ORDER BY i)",
    "cume_dist": "cume_dist() OVER (ORDER BY i)", "ntile": "ntile(2) OVER (ORDER BY i)",
    "lag": "lag(i) OVER (ORDER BY i)", "lead": "lead(i) OVER (ORDER BY i)",
    "first_value": "first_value(i) OVER (ORDER BY i)", "last_value": "last_value(i) OVER (ORDER BY i)",
    "nth_value": "nth_value(i, 2) OVER (ORDER BY i)",
}  # fmt: skip

# Full-text auxiliaries, and MATCH itself, over the records' index.
FTS_CALLS = {
    "match": "SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH 'gas'",
    "bm25": "SELECT bm25(records_fts) AS n FROM records_fts WHERE records_fts MATCH 'gas' ORDER BY rank",
    "highlight": "SELECT highlight(records_fts, 0, '[', ']') AS n FROM records_fts WHERE records_fts MATCH 'gas'",
    "snippet": "SELECT snippet(records_fts, -1, '[', ']', '…', 8) AS n FROM records_fts WHERE records_fts MATCH 'gas'",
}


def _run(base, query: str):
    from iranaz_cli.ask.sql import run_sql

    return run_sql(base, query)


def test_sql_allow_list_is_exactly_the_tested_functions():
    from iranaz_cli.ask.sql import ALLOWED_FUNCTIONS

    assert set(ALLOWED_FUNCTIONS) == set(FUNCTION_CALLS) | set(WINDOW_CALLS) | set(FTS_CALLS)


@pytest.mark.parametrize("name", FUNCTION_CALLS)
def test_sql_every_allowed_function_works(base, name):
    from iranaz_cli.errors import UsageError

    call, expected = FUNCTION_CALLS[name]
    try:
        columns, rows = _run(base, f"SELECT {call} AS v")
    except UsageError as e:
        if "no such function" in str(e) or 'near "' in str(e):  # newer than this SQLite
            pytest.skip(f"{name} is not in SQLite's version here")
        raise
    assert rows == [{"v": expected}]


@pytest.mark.parametrize("name", WINDOW_CALLS)
def test_sql_every_window_function_works(base, name):
    counted = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) "
    columns, rows = _run(base, counted + f"SELECT {WINDOW_CALLS[name]} AS v FROM n")
    assert len(rows) == 3


@pytest.mark.parametrize("name", FTS_CALLS)
def test_sql_full_text_functions_work(base, name):
    columns, rows = _run(base, FTS_CALLS[name])
    assert rows and rows[0]["n"] not in (None, 0)


@pytest.mark.parametrize(
    "query",
    ["SELECT fts3_tokenizer('simple')", "SELECT hex(fts3_tokenizer('simple'))",
     "SELECT fts3_tokenizer('simple', x'0000000000000000')", "SELECT load_extension('/tmp/evil.so')",
     "SELECT readfile('/etc/passwd')", "SELECT writefile('/tmp/x', 'x')", "SELECT edit('x')",
     "SELECT sqlite_compileoption_get(0)", "SELECT sqlite_compileoption_used('FTS5')", "SELECT sqlite_log(1, 'x')",
     "SELECT fts5(NULL)", "SELECT fts5_source_id()", "SELECT rtreenode(2, x'00')", "SELECT rtreecheck('t')",
     "SELECT matchinfo(records_fts) FROM records_fts", "SELECT optimize(records_fts) FROM records_fts",
     "SELECT subtype(1)", "SELECT no_such_thing(1)", "SELECT * FROM visits WHERE no_such_thing(id)",
     "SELECT upper(fts3_tokenizer('simple'))", "WITH t AS (SELECT fts3_tokenizer('simple') AS p) SELECT * FROM t",
     "SELECT count(*) FROM visits GROUP BY fts3_tokenizer('simple')"],
)  # fmt: skip
def test_sql_refuses_functions_not_allowed_by_name(cli, query):
    result = cli("sql", query)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: sql: ") and result.stderr.count("\n") == 1
    assert "function" in result.stderr and "Traceback" not in result.stderr


def test_sql_names_the_function_it_refuses(cli):
    result = cli("sql", "SELECT FTS3_Tokenizer('simple')")
    assert result.stderr == "Error: sql: the function fts3_tokenizer is not allowed (see iranaz sql --help)\n"
    unknown = cli("sql", "SELECT no_such_thing(1)")
    assert "no_such_thing" in unknown.stderr and unknown.exit_code == 2


def test_sql_zeroblob_beyond_the_cap_is_refused(cli):
    result = cli("sql", "SELECT length(zeroblob(20000000)) AS n")
    assert result.exit_code == 2 and "too large" in result.stderr and result.stderr.count("\n") == 1


def test_sql_full_text_works_without_the_cache_too(cli):
    # (temp_store, set after the full-text tables were connected, reset them: 'vtable constructor failed')
    query = "SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH 'gas'"
    result = cli("sql", query, "--json", env={"IRANAZ_NO_CACHE": "1"})
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["n"] > 0


# --- 19.4: characters that reorder or hide text ------------------------------------------------------

# Each is invisible or moves text around in a terminal; each must be shown as an escape.
HIDDEN = {
    "zwsp": "\u200b", "lrm": "\u200e", "rlm": "\u200f", "alm": "\u061c", "bom": "\ufeff", "soft-hyphen": "\u00ad",
    "lre": "\u202a", "rlo": "\u202e", "lri": "\u2066", "pdi": "\u2069", "word-joiner": "\u2060",
    "invisible-times": "\u2062", "mongolian-vs": "\u180e", "cgj": "\u034f", "hangul-filler": "\u3164",
    "halfwidth-filler": "\uffa0", "choseong-filler": "\u115f", "khmer-aq": "\u17b4", "tag-a": "\U000e0041",
    "variation-selector": "\ufe0f", "arabic-number-sign": "\u0600", "interlinear": "\ufff9", "nel": "\x85",
    "line-separator": "\u2028", "paragraph-separator": "\u2029", "esc": "\x1b", "del": "\x7f", "nul": "\x00",
    "zwnj-between-latin": "\u200c", "zwj-between-latin": "\u200d",
}  # fmt: skip

PERSIAN = "علی خامنه\u200cای"  # ZWNJ joins خامنه and ای: a letter of the name, not a hidden character


@pytest.mark.parametrize("name", HIDDEN)
def test_visible_escapes_every_character_that_reorders_or_hides_text(name):
    from iranaz_cli.text import visible

    char = HIDDEN[name]
    shown = visible(f"rouhani{char}-2019x{char}y")
    assert char not in shown and shown.isascii() and shown.count("\\") == 2
    assert shown.startswith("rouhani\\") and shown.endswith("y")


def test_zwnj_and_zwj_stay_between_letters_of_a_joining_script_only():
    from iranaz_cli.text import json_visible, visible

    assert visible(PERSIAN) == PERSIAN
    assert visible("محمود احمدی\u200dنژاد") == "محمود احمدی\u200dنژاد"
    for hidden in ("rouhani\u200c-2019", "\u200cخامنه", "خامنه\u200c", "خامنه\u200c\u200cای", "خامنه\u200c ای",
                   "a\u200cb", "خامنه\u200c1"):  # fmt: skip
        assert "\u200c" not in visible(hidden), hidden
    assert visible("rouhani\u200c-2019") == "rouhani\\u200c-2019"
    assert json_visible(json.dumps(PERSIAN, ensure_ascii=False).encode()).decode() == f'"{PERSIAN}"'


def test_every_character_of_the_rule_is_escaped_beside_persian_and_no_other_is():
    # (text beyond ASCII with no such character is scanned with a far smaller pattern: the two must agree)
    import re

    from iranaz_cli.text import _CONTEXTUAL, _HIDDEN, json_visible, visible

    rule = re.compile(f"[{_HIDDEN}{_CONTEXTUAL}]")
    edges = [ord(c) for c in re.findall(r".(?=-)|(?<=-).", _HIDDEN + _CONTEXTUAL)]  # each range's ends
    singles = [ord(c) for c in _HIDDEN + _CONTEXTUAL if c != "-"]
    codes = {c + d for c in edges + singles for d in range(-2, 3)} | set(range(0x80, 0x110000, 97))
    for code in sorted(codes):
        if not 0x80 <= code < 0x110000 or 0xD800 <= code <= 0xDFFF:
            continue  # (a lone surrogate has no UTF-8: tested through file names elsewhere)
        char = chr(code)
        text = f"ی{char} "
        assert (visible(text) != text) == bool(rule.match(char)), hex(code)
    assert json_visible("صنایی Sanaei é ✓".encode()) == "صنایی Sanaei é ✓".encode()


@pytest.mark.parametrize("name", HIDDEN)
def test_json_escapes_them_and_reads_back_the_same(name):
    import msgspec

    from iranaz_cli.text import json_visible

    value = {"place": f"Ba{HIDDEN[name]}ku", "alias": PERSIAN}
    data = json_visible(msgspec.json.encode(value))
    assert HIDDEN[name].encode() not in data.split(b'"alias"')[0]
    assert json.loads(data) == value


def test_show_an_id_with_a_hidden_character_names_it_visibly(cli):
    result = cli("show", "rouhani\u200b-2019")
    assert result.exit_code == 1
    assert "no record has the id 'rouhani\\u200b-2019'" in result.stderr and "\u200b" not in result.stderr


def test_persian_aliases_keep_their_zwnj_in_tables_and_markdown(cli):
    for args in (["show", "khamenei"], ["show", "khamenei", "-f", "md"], ["who", "Khamenei"]):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert "خامنه\u200cای" in result.stdout, args


@pytest.mark.parametrize("fmt", ["table", "md", "csv", "json", "jsonl"])
def test_every_format_shows_hidden_characters_of_data_as_escapes(cli, base_dir, fmt):
    path = base_dir / "visits.yaml"
    hidden = "Ba\\u200bku\\u200f\\u00ad\\ufeff\\u061c"
    path.write_text(path.read_text().replace("occasion: Visit,", f'occasion: "{hidden}" #', 1))
    result = cli("visits", "-f", fmt, "--data", str(base_dir), env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.stderr
    for char in "\u200b\u200f\u00ad\ufeff\u061c":
        assert char not in result.stdout, (fmt, char)
    if fmt == "json":
        assert json.loads(result.stdout)[0]["occasion"].startswith("Ba\u200bku\u200f\u00ad\ufeff\u061c")
    elif fmt == "jsonl":
        assert json.loads(result.stdout.splitlines()[0])["occasion"].startswith("Ba\u200bku\u200f\u00ad\ufeff\u061c")
    else:  # (Markdown doubles a backslash, so that it shows one)
        shown = "Ba\\u200bku\\u200f\\xad\\ufeff\\u061c"
        assert (shown.replace("\\", "\\\\") if fmt == "md" else shown) in result.stdout


RECORD_WITH_BIDI = """\
- id: pezeshkian
  name: "Masoud \\u202ePezeshkian\\u200f"
  country: Iran
  aliases: ["مسعود پزشکیان", "خامنه\\u200cای", "x\\u200by"]
  roles:
    - title: President of Iran
  sources:
    - source: border-meeting
      quote: Iran’s President Masoud Pezeshkian
"""


def test_add_dry_run_shows_hidden_characters_as_yaml_escapes_of_the_same_value(new_base):
    import yaml
    from test_edit import invoke  # noqa: I001

    result = invoke("add", "people", "-", "--dry-run", "--data", str(new_base), input=RECORD_WITH_BIDI)
    assert result.exit_code == 0, result.stderr
    for char in "\u202e\u200f\u200b":
        assert char not in result.stdout
    assert "خامنه\u200cای" in result.stdout  # a Persian name stays readable
    assert yaml.safe_load(result.stdout) == yaml.safe_load(RECORD_WITH_BIDI)  # the same data
    added = invoke("add", "people", "-", "--data", str(new_base), input=RECORD_WITH_BIDI)
    assert added.exit_code == 0, added.stderr
    text = (new_base / "people.yaml").read_text(encoding="utf-8")
    assert "\u202e" not in text and "\\u202e" in text
    shown = invoke("show", "pezeshkian", "--data", str(new_base), "--json")
    assert json.loads(shown.stdout)["name"] == "Masoud \u202ePezeshkian\u200f"


def test_new_shows_the_record_and_its_questions_without_hidden_characters(new_base, monkeypatch):
    import builtins

    from test_edit import invoke  # noqa: I001

    from iranaz_cli.cli import edit as cli_edit

    monkeypatch.setattr(cli_edit, "_on_terminal", lambda: True)
    prompts: list[str] = []
    answers = {"id": "evil", "name": "Evil \u202eName\u200b", "country": "Iran", "type": "", "aliases": ""}

    def answer(prompt=""):
        prompts.append(prompt)
        for key, value in answers.items():
            if prompt.startswith(key):
                answers[key] = ""  # a list question ends at an empty answer
                return value
        if prompt.startswith("add this record"):
            return "n"
        if "role title" in prompt or "note" in prompt or "(Enter" in prompt:
            return ""
        if prompt.startswith("source"):
            return "border-meeting"
        if prompt.startswith("quote"):
            return "Iran’s President Masoud Pezeshkian"
        return ""

    monkeypatch.setattr(builtins, "input", answer)
    result = invoke("new", "people", "--data", str(new_base))
    assert result.exit_code == 130, result.output
    assert "Evil \\u202eName\\u200b" in result.stderr
    for char in "\u202e\u200b":
        assert char not in result.stderr and not any(char in p for p in prompts)


# --- Saves: never a file named '-', never into a base, never onto the database, never another's temp -----


@pytest.mark.parametrize(
    "args",
    [["visits", "--save-svg", "-"], ["visits", "--save-html", "-"], ["export", "--sqlite", "-"],
     ["export", "--sqlite", "x.db", "--metadata", "-"]],
)  # fmt: skip
def test_a_save_to_dash_is_refused_and_creates_no_file(cli, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1 and "'-'" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def other_base(tmp_path) -> Path:
    """Return the data folder of a second, new base (not the one being read)."""
    from test_edit import invoke  # noqa: I001

    assert invoke("init", str(tmp_path / "other")).exit_code == 0
    return tmp_path / "other" / "data"


@pytest.mark.parametrize(
    "args",
    [["visits", "--save-svg", "{d}/x.yaml"], ["visits", "--save-html", "{d}/people.yaml", "--force"],
     ["export", "--sqlite", "{d}/x.db"], ["export", "--sqlite", "{t}/x.db", "--metadata", "{d}/x.yaml"]],
)  # fmt: skip
def test_a_save_into_any_base_data_folder_is_refused(cli, tmp_path, other_base, args):
    before = {p.name: p.read_bytes() for p in other_base.iterdir()}
    result = cli(*[a.format(d=other_base, t=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "fact base" in result.stderr and "sources.yaml" in result.stderr and result.stderr.count("\n") == 1
    assert {p.name: p.read_bytes() for p in other_base.iterdir()} == before
    link = tmp_path / "link"  # the same folder through a link
    link.symlink_to(other_base)
    result = cli(*[a.format(d=link, t=tmp_path) for a in args])
    assert result.exit_code == 2 and "sources.yaml" in result.stderr
    assert {p.name: p.read_bytes() for p in other_base.iterdir()} == before


@pytest.mark.parametrize("args", [["visits", "--save-svg", "{s}", "--force"], ["export", "--sqlite", "{s}", "--force"]])
def test_a_save_over_another_base_s_article_is_refused_even_with_force(cli, tmp_path, args):
    other = tmp_path / "other"
    shutil.copytree(ARTICLE / "data", other / "data")
    shutil.copytree(ARTICLE / "seeds", other / "seeds")
    [seed] = (other / "seeds").iterdir()
    before = seed.read_bytes()
    result = cli(*[a.format(s=seed) for a in args])
    assert result.exit_code == 2 and "articles folder of a fact base" in result.stderr, result.output
    assert seed.read_bytes() == before and cli("--data", str(other / "data"), "validate").exit_code == 0


def test_export_metadata_is_never_the_database_being_written(cli, tmp_path):
    import sqlite3

    (tmp_path / "dir").mkdir()
    (tmp_path / "link").symlink_to("dir")
    database = tmp_path / "dir" / "x.db"
    for metadata in (tmp_path / "link" / "x.db", tmp_path / "dir" / ".." / "link" / "x.db"):
        for force in ([], ["--force"]):
            result = cli("export", "--sqlite", str(database), "--metadata", str(metadata), *force)
            assert result.exit_code == 2 and "same file" in result.stderr, result.output
    assert cli("export", "--sqlite", str(database)).exit_code == 0
    os.link(database, tmp_path / "hard.db")  # another name of the same file
    result = cli("export", "--sqlite", str(tmp_path / "hard.db"), "--metadata", str(database), "--force")
    assert result.exit_code == 2 and "same file" in result.stderr
    assert sqlite3.connect(database).execute("SELECT count(*) FROM visits").fetchone()[0] > 0


def test_a_writer_never_deletes_another_writers_temporary_file(new_base):
    import fcntl

    from test_edit import PERSON, invoke  # noqa: I001

    running = new_base / ".iranaz-running.tmp"  # a writer (or a save) that is still writing it
    running.write_text("half")
    held = os.open(running, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    left = new_base / ".iranaz-killed.tmp"  # what a writer killed with -9 left behind
    left.write_text("stale")
    try:
        result = invoke("add", "people", "-", "--data", str(new_base), input=PERSON)
        assert result.exit_code == 0, result.output
        assert running.read_text() == "half"
        assert not left.exists()
    finally:
        os.close(held)


def test_a_temporary_file_is_locked_by_its_writer_while_it_is_filled(tmp_path):
    import fcntl

    from iranaz_cli.write import safewrite

    seen = []

    def fill(path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(path.name)
        finally:
            os.close(fd)
        path.write_text("data")

    safewrite.write_bytes(str(tmp_path / "out.txt"), fill)
    assert seen and (tmp_path / "out.txt").read_text() == "data"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# --- Markdown: no live @mention or :emoji: on GitHub ----------------------------------------------------
# GitHub links @user and renders :name: after Markdown is parsed, so a backslash or an HTML entity does
# not stop them; an empty HTML comment inside the word does (`@<!-- -->user`, as openjdk/skara does).


def test_markdown_neutralises_mentions_and_emoji_shortcodes(cli, base_dir):
    path = base_dir / "visits.yaml"
    hostile = "cc @octocat @github/security :rocket: :+1: 12:30 a@b.org"
    path.write_text(path.read_text().replace("occasion: Visit,", f'occasion: "{hostile}" #', 1))
    result = cli("visits", "-f", "md", "--data", str(base_dir))
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "octocat" in line)
    assert "cc @<!-- -->octocat @<!-- -->github/security :<!-- -->rocket: :<!-- -->+1: 12:30 a@b.org" in row
    import re

    # no @ that starts a word is left live (one after a letter, as in an address, mentions no one)
    assert not re.search(r"(?<![A-Za-z0-9])@[A-Za-z0-9]", result.stdout)
    assert not re.search(r":[a-z0-9_+-]+:", result.stdout)


def test_markdown_record_views_and_headers_are_neutralised_too(cli):
    result = cli("sql", "SELECT '@someone :tada: :white_check_mark:' AS \"@col :x:\"", "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "| @<!-- -->col :<!-- -->x: |"
    assert "| @<!-- -->someone :<!-- -->tada: :<!-- -->white\\_check\\_mark: |" in result.stdout


def test_markdown_neutralises_issue_references(cli):
    # GitHub links #123 to issue 123 of the repository the table is pasted in; C#1 or x#2 links nothing
    result = cli("sql", "SELECT 'see #123, (#7) and C#1 or #x' AS \"#1\"", "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "| #<!-- -->1 |"
    assert "| see #<!-- -->123, (#<!-- -->7) and C#1 or #x |" in result.stdout


# --- validate B, where B is a base's root ---------------------------------------------------------------


@pytest.mark.parametrize("args", [["validate", "{b}"], ["validate", "{b}/"], ["--data", "{b}", "visits"]])
def test_a_base_root_given_for_its_data_folder_says_did_you_mean(cli, new_base, args):
    root = str(new_base.parent)
    result = cli(*[a.format(b=root) for a in args])
    assert result.exit_code == 3 and result.stdout == ""
    expected = f"Error: {root}: the base's files are in its data folder; did you mean {root}/data?\n"
    assert result.stderr == expected


# --- add names the kind file's own line for its layout ---------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "line"),
    [("# people\n\n  - id: x\n    name: X\n", 3), ("# people\n[{id: x, name: X},\n {id: y, name: Y}]\n", 2),
     ("# people\n[a,\n b]\n...\n", 2)],
    ids=["indented", "flow", "flow-and-end"],
)  # fmt: skip
def test_add_names_the_kind_file_and_line_whose_layout_takes_no_record(new_base, layout, line):
    from test_edit import PERSON, invoke  # noqa: I001

    (new_base / "people.yaml").write_text(layout)
    result = invoke("add", "people", "-", "--data", str(new_base), input=PERSON)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"Error: {new_base}/people.yaml:{line}: records cannot be appended")
    assert "<stdin>" not in result.stderr and result.stderr.count("\n") == 1
    assert (new_base / "people.yaml").read_text() == layout


# --- A raw control character in YAML is reported at its file, line and column ---------------------------


@pytest.mark.parametrize("char", ["\x01", "\x7f", "\x1b", "\ufffe", "\x00"])
def test_a_raw_control_character_in_yaml_is_named_at_its_line_and_column(cli, base_dir, char):
    path = base_dir / "visits.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("place: Baku") + len("place: Ba")
    path.write_text(text[:at] + char + text[at:], encoding="utf-8")
    line = text.count("\n", 0, at) + 1
    column = at - text.rindex("\n", 0, at)
    result = cli("validate", str(base_dir))
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr == (
        f"Error: {path}:{line}:{column}: character U+{ord(char):04X} is not allowed in YAML text "
        "(a control character: write it as an escape in a double-quoted value)\n"
    )


def test_a_raw_control_character_in_added_records_is_named_at_its_input_line(new_base):
    from test_edit import invoke  # noqa: I001

    result = invoke("add", "people", "-", "--data", str(new_base), input="# new\n- id: x\n  name: A\x01\n")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: <stdin>:3:10: character U+0001 is not allowed in YAML text")
    assert "position" not in result.stderr


# --- Found in the attack: `iranaz --data O CMD` with IRANAZ_DATA set answered from IRANAZ_DATA --------


@pytest.mark.parametrize(
    "command", [["visits", "--json"], ["sql", "SELECT count(*) AS n FROM visits", "--json"], ["export", "--sqlite"]]
)
def test_data_before_the_command_wins_over_the_environment(cli, tmp_path, new_base, command):
    from conftest import ROOT

    args = [*command, str(tmp_path / "x.db")] if command[0] == "export" else command
    env = {"IRANAZ_DATA": str(ROOT / "data")}
    result = cli("--data", str(new_base), *args, env=env)
    if command[0] == "visits":
        assert (result.exit_code, result.stdout) == (1, "[]\n"), result.output  # the new base has no visits
    elif command[0] == "sql":
        assert json.loads(result.stdout) == [{"n": 0}]
    else:
        import sqlite3

        assert sqlite3.connect(tmp_path / "x.db").execute("SELECT count(*) FROM visits").fetchone()[0] == 0


def test_an_escaped_argument_is_quoted_once_not_repr_d_again(cli):
    result = cli("visits", "--to", "\u202eiran")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --to: unknown country '\\u202eiran';")  # one backslash, as typed
    assert cli("add", "no\u200bkind", "-", input="[]").stderr.startswith("Error: unknown kind 'no\\u200bkind';")


def test_a_folder_holding_an_incomplete_data_folder_gets_the_hint_too(cli, tmp_path):
    (tmp_path / "r" / "data").mkdir(parents=True)
    result = cli("validate", str(tmp_path / "r"))
    assert result.exit_code == 3 and f"did you mean {tmp_path}/r/data?" in result.stderr


def test_a_folder_named_sources_yaml_does_not_make_a_base(cli, tmp_path):
    (tmp_path / "sources.yaml").mkdir()
    result = cli("visits", "--save-svg", str(tmp_path / "x.svg"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "x.svg").read_text().startswith("<svg")


@pytest.mark.parametrize("table", ["dbstat", "sqlite_stmt"])
def test_sql_internal_virtual_tables_are_refused_by_name(cli, table):
    result = cli("sql", f"SELECT * FROM {table}")
    assert result.exit_code == 2
    expected = f"Error: sql: the table {table} is not available (iranaz sql --tables lists those that are)\n"
    assert result.stderr == expected


def test_an_article_over_the_article_cap_is_refused_when_added_and_when_read(cli, base_dir, tmp_path):
    # an article's sentences and anchors take ~50 times its size in memory: articles are capped at 2 MiB
    big = tmp_path / "big.txt"
    big.write_bytes(b"Title\n" + b"A. " * (2**21 // 3 + 1))
    added = cli("--data", str(base_dir), "source", "add", str(big), "--id", "big")
    assert added.exit_code == 2 and "over the 2 MiB limit for a source" in added.stderr, added.output
    [seed] = (base_dir.parent / "seeds").iterdir()
    seed.write_bytes(seed.read_bytes() + b" " * 2**21)  # the article of the base, grown past the cap
    result = cli("--data", str(base_dir), "validate")
    assert result.exit_code == 3 and "is over the 2 MiB limit" in result.stderr, result.output


# --- CSV: escapes as tables do (documented), JSON exact; quoting by RFC 4180 ------------------------------


def test_csv_shows_hidden_characters_as_escapes_in_quoted_fields_and_json_keeps_them():
    import csv
    import io
    import subprocess

    from test_installed import IRANAZ

    query = "SELECT 'a'||char(8238)||'b' AS r, 'q\"uote, x' AS q"
    out = subprocess.run([str(IRANAZ), "sql", query, "--format", "csv"], capture_output=True, timeout=60).stdout
    [row] = list(csv.DictReader(io.StringIO(out.decode("utf-8"), newline="")))
    assert row == {"r": "a\\u202eb", "q": 'q"uote, x'}
    exact = subprocess.run([str(IRANAZ), "sql", query, "--json"], capture_output=True, timeout=60).stdout
    assert json.loads(exact) == [{"r": "a\u202eb", "q": 'q"uote, x'}]


def test_a_csv_field_holding_a_carriage_return_is_quoted():
    import io

    from iranaz_cli.show.render import _csv_row

    out = io.StringIO()
    _csv_row(out, ["cr\rx", "plain", ""])
    assert out.getvalue() == '"cr\rx",plain,\n'


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "md"])
def test_sql_blobs_and_infinities_read_alike_in_every_format(fmt):
    from test_installed import run

    result = run("sql", "SELECT 1e308*10 AS d, -1e308*10 AS e, x'00ff' AS b, 0.5 AS h", "--format", fmt)
    assert result.returncode == 0, result.stderr
    for shown in ("Infinity", "-Infinity", "X'00FF'", "0.5"):
        assert shown in result.stdout, (fmt, result.stdout)
    assert "null" not in result.stdout and "b'" not in result.stdout and "inf," not in result.stdout


@pytest.mark.parametrize("args", [["--data", "", "visits"], ["visits", "--data", ""], ["validate", ""]])
def test_an_empty_data_folder_is_a_usage_error_not_the_working_folder(args, tmp_path):
    from test_installed import run

    result = run(*args, cwd=str(tmp_path))
    assert result.returncode == 2 and result.stderr.count("Error:") == 1 and "empty" in result.stderr, result.stderr


def test_a_sql_function_call_that_an_interrupt_cannot_reach_still_ends_in_time():
    # instr over two 10 MB strings is one SQLite step: the interrupt waits for it, the grace period not
    import subprocess
    import sys
    import time

    program = (
        "import sys; from iranaz_cli.ask import sql; sql.SQL_TIME_LIMIT = 0.5; sql.SQL_GRACE = 0.5\n"
        "from iranaz_cli.cli.main import main; sys.argv = ['iranaz', 'sql', sys.argv[1]]; main()"
    )
    query = "SELECT instr(printf('%.*c', 15000000, 'a'), printf('%.*c', 7000000, 'a') || 'b') AS m"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", program, query], capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 20
    assert (result.returncode, result.stderr) == (
        2,
        "Error: sql: ran longer than 0.5 s and could not be stopped sooner\n",
    )


@pytest.mark.parametrize("args", [["resolve"], ["add", "people"], ["add", "people", "-"], ["new", "people"]])
def test_a_closed_stdin_is_empty_input_not_a_crash(args, base_dir):
    import subprocess

    from test_installed import IRANAZ

    command = " ".join([f"'{IRANAZ}'", *args, "--data", f"'{base_dir}'"])
    result = subprocess.run(f"{command} <&-", shell=True, capture_output=True, text=True, timeout=60)
    assert result.returncode in (1, 2, 3) and result.stderr.count("Error:") == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_base_whose_articles_pass_the_total_cap_names_the_article_that_passes_it(base_dir, monkeypatch):
    from iranaz_cli.errors import FactBaseError
    from iranaz_cli.store import loader, yamlread

    monkeypatch.setattr(yamlread, "MAX_ARTICLES_BYTES", 1000)  # (16 MiB: some hundred news articles)
    with pytest.raises(FactBaseError) as e:
        loader.validate(base_dir)
    [problem] = e.value.problems
    assert problem.endswith("source file seeds/000_553f010ad6d6be2c.txt: the base's articles pass 1000 bytes in all")


def test_a_table_of_cards_stops_at_fifty_and_says_how_many_more(base_dir, cli):
    # 60,000 people sharing a surname took 33 s to draw as cards; scripts still get them all in JSON
    people = base_dir / "people.yaml"
    extra = "".join(
        f"\n- id: zed-{i}\n  name: Person{i} Zedson\n  country: Iran\n  sources:\n    - source: baku-visit-article\n"
        f"      quote: Azerbaijani President Ilham Aliyev\n"
        for i in range(60)
    )
    people.write_text(people.read_text(encoding="utf-8") + extra, encoding="utf-8")
    table = cli("--data", str(base_dir), "who", "Zedson", env={"COLUMNS": "100"})
    assert table.exit_code == 0, table.stderr
    assert table.stderr == "60 match; the first 50 are shown (--limit N for more, or --format json)\n"
    assert table.stdout.count("Person: Person") == 50
    assert len(json.loads(cli("--data", str(base_dir), "who", "Zedson", "--json").stdout)) == 60
    limited = cli("--data", str(base_dir), "who", "Zedson", "--limit", "55", env={"COLUMNS": "100"})
    assert limited.stderr == "" and limited.stdout.count("Person: Person") == 55
