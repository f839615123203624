"""Scripts and analysts, through the installed command: sql, --fields/--limit, resolve, forgiving names
and search, one meaning per field, CSV that spreadsheets read, and a forgiving `show`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess

import pytest

from test_installed import IRANAZ, run

pytestmark = pytest.mark.installed


def _json(*args: str) -> object:
    result = run(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _resolve(text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(IRANAZ), "resolve", *args], input=text, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


# --- 1. sql ---------------------------------------------------------------------------------------------


def test_sql_answers_any_select_in_every_format():
    rows = _json("sql", "SELECT date, president, president_id FROM visits WHERE date >= '2016' ORDER BY date")
    assert rows == [
        {"date": "2016", "president": "Hassan Rouhani", "president_id": "rouhani"},
        {"date": "2019", "president": "Hassan Rouhani", "president_id": "rouhani"},
        {"date": "2025", "president": "Masoud Pezeshkian", "president_id": "pezeshkian"},
    ]
    query = "SELECT p.name, count(*) AS quotes FROM quotes q JOIN people p ON p.id = q.speaker_id GROUP BY p.name"
    csv_out = run("sql", query, "--format", "csv", "--fields", "quotes,name").stdout
    assert csv_out.splitlines()[0] == "quotes,name" and "2,Mehdi Sanaei" in csv_out.splitlines()
    table = run("sql", "SELECT id FROM visits ORDER BY date LIMIT 1")
    assert table.returncode == 0 and "rafsanjani-1993" in table.stdout
    jsonl = run("sql", "SELECT id FROM visits", "-f", "jsonl", "--limit", "2").stdout.splitlines()
    assert len(jsonl) == 2 and json.loads(jsonl[0]).keys() == {"id"}


def test_sql_has_the_schema_of_export(tmp_path):
    assert run("export", "--sqlite", str(tmp_path / "x.db")).returncode == 0
    db = sqlite3.connect(tmp_path / "x.db")
    shadow = {t for (t,) in db.execute("SELECT name FROM pragma_table_list WHERE type = 'shadow'")}
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") if t not in shadow]
    exported = {t: [c[1] for c in db.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    listed = {row["table"]: row["columns"] for row in _json("sql", "--tables")}
    assert listed == exported and {"visits", "people", "records", "citations"} <= set(listed)
    count = _json("sql", "SELECT count(*) AS n FROM records")
    assert count == [{"n": db.execute("SELECT count(*) FROM records").fetchone()[0]}]


@pytest.mark.parametrize(
    "statement",
    ["DELETE FROM visits", "DROP TABLE visits", "INSERT INTO records VALUES ('a', 'b', NULL, 'c')",
     "UPDATE people SET name = 'x'", "ATTACH DATABASE 'evil.db' AS evil", "PRAGMA query_only = OFF",
     "CREATE TABLE t (a)", "SELECT 1; DELETE FROM visits", "SELEC id FROM visits", "SELECT nothing FROM nowhere",
     "VACUUM INTO 'copy.db'"],
)  # fmt: skip
def test_sql_refuses_writes_and_errors_in_one_line(statement, tmp_path):
    result = run("sql", statement, cwd=str(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: sql: ") and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_sql_no_rows_is_exit_1_and_empty_json_or_header():
    empty = run("sql", "SELECT id, date FROM visits WHERE 0", "--json")
    assert (empty.returncode, empty.stdout) == (1, "[]\n")
    header = run("sql", "SELECT id, date FROM visits WHERE 0", "--format", "csv")
    assert (header.returncode, header.stdout) == (1, "id,date\n")


def test_sql_with_neither_query_nor_tables_is_a_usage_error():
    assert run("sql").returncode == 2


# --- 2. --fields and --limit ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "md", "table"])
def test_fields_keep_their_order_in_every_format(fmt):
    result = run("visits", "--fields", "id,date,president", "--format", fmt, "--limit", "2")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    if fmt == "json":
        assert [list(r) for r in json.loads(out)] == [["id", "date", "president"]] * 2
    elif fmt == "jsonl":
        assert [list(json.loads(line)) for line in out.splitlines()] == [["id", "date", "president"]] * 2
    elif fmt == "csv":
        assert out.splitlines() == [
            "id,date,president",
            "rafsanjani-1993,1993,Akbar Hashemi Rafsanjani",
            "khatami-2004,2004,Mohammad Khatami",
        ]
    else:
        assert any(re.search(r"\bid\b.*\bdate\b.*\bpresident\b", line) for line in out.splitlines())
        assert "rafsanjani-1993" in out and "khatami-2004" in out and "ahmadinejad-2007" not in out
        assert "occasion" not in out.lower()


@pytest.mark.parametrize(
    "args",
    [("visits",), ("who", "president of iran"), ("gas",), ("corridor",), ("timeline",), ("search", "Baku"),
     ("quotes",), ("sources",)],
)  # fmt: skip
def test_every_listing_command_takes_fields_and_limit(args):
    rows = _json(*args, "--fields", "id", "--limit", "1")
    assert len(rows) == 1 and list(rows[0]) == ["id"]


def test_unknown_field_lists_the_valid_ones_from_the_schema():
    result = run("visits", "--fields", "id,presidnet")
    assert result.returncode == 2 and result.stdout == ""
    schema = json.loads(run("schema", "visits").stdout)
    assert "unknown field 'presidnet'" in result.stderr
    listed = result.stderr.split("valid fields are ")[1].strip().split(", ")
    host_columns = {"host_ids", "host_names", "host_certain", "host_sources"}  # the CSV columns of `host`
    assert set(listed) == set(schema["$defs"]["VisitRow"]["properties"]) | host_columns


def test_who_limit_is_the_shared_limit():
    assert len(_json("who", "president", "of", "iran", "--limit", "2")) == 2
    assert run("who", "Sanaei", "--limit", "0").returncode == 2


def test_show_takes_fields():
    assert _json("show", "rouhani-2019", "--fields", "president_id,president") == {
        "president_id": "rouhani",
        "president": "Hassan Rouhani",
    }
    assert run("show", "rouhani-2019", "--fields", "speaker").returncode == 2


# --- 3. resolve -------------------------------------------------------------------------------------------


def test_resolve_writes_one_line_per_input_line_in_order():
    result = _resolve("Rowhani\n\nDr Raisi\nbanana\npresident of iran\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["Rowhani", "", "Dr Raisi", "banana", "president of iran"]
    assert lines[0] == {
        "query": "Rowhani",
        "id": "rouhani",
        "name": "Hassan Rouhani",
        "score": 100.0,
        "match": True,
        "candidates": [{"id": "rouhani", "name": "Hassan Rouhani", "score": 100.0}],
    }
    assert lines[1] == {"query": "", "id": None, "name": None, "score": None, "match": False, "candidates": []}
    assert lines[2]["id"] == "raisi" and lines[2]["match"] is True
    assert lines[3]["id"] is None and lines[3]["match"] is False
    ambiguous = lines[4]  # five presidents match equally: a candidate, but no match
    assert ambiguous["match"] is False and len(ambiguous["candidates"]) >= 2


def test_resolve_reads_a_file_and_writes_csv_one_row_per_line(tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("Ahmadi-Nejad\r\n\r\nPezeshkyan\r\n", encoding="utf-8")
    result = run("resolve", str(names), "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["query"], r["id"], r["match"]) for r in rows] == [
        ("Ahmadi-Nejad", "ahmadinejad", "true"),
        ("", "", "false"),
        ("Pezeshkyan", "pezeshkian", "true"),
    ]


def test_resolve_bad_input_is_one_error_line(tmp_path):
    missing = run("resolve", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and missing.stderr.startswith("Error: cannot read ")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"Rouhani\n\xff\xfe\n")
    bad = run("resolve", str(binary))
    assert bad.returncode == 2 and "not UTF-8" in bad.stderr and bad.stderr.count("\n") == 1


def test_resolve_lines_align_with_input_lines_even_with_unicode_separators():
    text = "Rouhani\u2028Khatami\nAliyev\x85\n\n"
    lines = _resolve(text).stdout.splitlines()  # U+2028 and NEL are escaped: any line splitter will do
    assert len(lines) == 3 and json.loads(lines[0])["query"] == "Rouhani\u2028Khatami"
    assert json.loads(lines[1])["query"] == "Aliyev\x85" and json.loads(lines[1])["id"] == "aliyev"


# --- 4 and 5. names and search as people write them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "person"),
    [("Seyed Ebrahim Raisi", "raisi"), ("Ali Akbar Hashemi Rafsanjani", "rafsanjani"), ("Ahmadi Nejad", "ahmadinejad"),
     ("احمدی نژاد", "ahmadinejad"), ("Pezesh\u200bkian", "pezeshkian"), ("President Aliyev", "aliyev")],
)  # fmt: skip
def test_who_and_visits_find_names_as_written(query, person):
    assert _json("who", query)[0]["id"] == person  # (President Aliyev: Heydar Aliyev as well, after Ilham)


def test_visits_president_ignores_titles_and_splits():
    assert [v["id"] for v in _json("visits", "--president", "Dr Ahmadi-Nejad")] == [
        "ahmadinejad-2007",
        "ahmadinejad-2010",
    ]


def test_president_of_iran_is_still_a_role_query():
    assert len(_json("who", "president of iran")) >= 4


def test_search_folds_spelling_and_hyphens_but_not_cited_source_ids():
    assert "shahid-rajaee-port-explosion-2025" in {r["id"] for r in _json("search", "Shahid Rajaei")}
    assert {r["id"] for r in _json("search", "Ahmadi-Nejad")} >= {"ahmadinejad-2007", "ahmadinejad-2010"}
    baku = _json("search", "Baku")
    assert 0 < len(baku) < 30  # every record cites `baku-visit-article`; not every record is about Baku
    assert run("search", "baku-visit-article", "--json").stdout.count('"id"') <= 1  # only the source itself


# --- 6. one meaning per field ------------------------------------------------------------------------------


def test_a_person_reference_is_an_id_and_a_name_everywhere(tmp_path):
    listed = _json("visits", "--president", "Rouhani")[-1]
    shown = _json("show", "rouhani-2019")
    assert (listed["president_id"], listed["president"]) == (shown["president_id"], shown["president"])
    assert shown["president"] == "Hassan Rouhani" and shown["president_id"] == "rouhani"
    quote = _json("show", "sanaei-new-beginning")
    assert (quote["speaker_id"], quote["speaker"]) == ("sanaei", "Mehdi Sanaei")
    gas = _json("show", "russia-iran-gas-via-azerbaijan")
    assert (gas["announced_by_id"], gas["announced_by"]) == ("paknejad", "Mohsen Paknejad")
    event = _json("show", "zagulba-welcome-2025")
    assert "aliyev" in event["participant_ids"] and "Ilham Aliyev" in event["participants"]
    deal = _json("gas")[0]
    assert (deal["according_to_ids"], deal["according_to"]) == (["paknejad"], ["Mohsen Paknejad"])
    note = next(n for n in _json("show", "shahid-rajaee-port-explosion-2025")["notes"] if isinstance(n, dict))
    assert (note["according_to_ids"], note["according_to"]) == (["sanaei"], ["Mehdi Sanaei"])
    header = run("visits", "--format", "csv").stdout.splitlines()[0].split(",")
    assert {"president", "president_id"} <= set(header)
    assert run("export", "--sqlite", str(tmp_path / "x.db")).returncode == 0
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("SELECT president, president_id FROM visits WHERE id = 'rouhani-2019'").fetchone() == (
        "Hassan Rouhani",
        "rouhani",
    )


def test_kind_is_one_word_and_type_is_not_lost():
    article = _json("show", "baku-visit-article")
    found = next(r for r in _json("search", "Revive Ties") if r["id"] == "baku-visit-article")
    assert article["kind"] == found["kind"] == "source" and article["source_kind"] == "article"
    assert {s["source_kind"] for s in _json("sources")} == {"article", "reference"}
    assert _json("sql", "SELECT DISTINCT type FROM people ORDER BY type") == [
        {"type": "organization"},
        {"type": "person"},
    ]
    assert _json("show", "sanaei")["type"] == "person"


# --- 7. CSV ----------------------------------------------------------------------------------------------


def test_csv_empty_result_still_prints_the_header():
    result = run("visits", "--since", "2030", "--format", "csv")
    assert result.returncode == 1 and result.stdout == (
        "id,president,president_id,to,host_ids,host_names,host_certain,host_sources,date,year,occasion,place,agenda,"
        "according_to,according_to_ids,notes,disputes,sources\n"
    )
    fields = run("visits", "--since", "2030", "--format", "csv", "--fields", "date,id")
    assert (fields.returncode, fields.stdout) == (1, "date,id\n")


def test_csv_booleans_and_volume_columns():
    quotes = list(csv.DictReader(io.StringIO(run("quotes", "--format", "csv").stdout)))
    assert {q["direct"] for q in quotes} == {"true", "false"}
    gas = list(csv.DictReader(io.StringIO(run("gas", "--unit", "mcm/d", "--format", "csv").stdout)))
    assert (gas[0]["volume_value"], gas[0]["volume_unit"]) == ("151", "mcm/d") and "volume" not in gas[0]


def test_csv_bom_only_when_asked():
    with_bom = subprocess.run([str(IRANAZ), "visits", "-f", "csv", "--bom"], capture_output=True).stdout
    without = subprocess.run([str(IRANAZ), "visits", "-f", "csv"], capture_output=True).stdout
    assert with_bom == b"\xef\xbb\xbf" + without and not without.startswith(b"\xef\xbb\xbf")
    assert run("visits", "--bom").returncode == 2  # a byte-order mark is for CSV


# --- 8. show forgives ---------------------------------------------------------------------------------------


def test_show_ignores_case_and_suggests_close_ids():
    assert _json("show", "Rouhani-2019")["id"] == "rouhani-2019"
    missing = run("show", "rouhani-2018")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: no record has the id 'rouhani-2018'; did you mean ")
    assert "rouhani-2019" in missing.stderr and "rouhani-2016" in missing.stderr


@pytest.mark.parametrize("fmt", ["table", "md", "csv"])
def test_sql_column_names_and_errors_reach_the_terminal_as_text(fmt):
    shown = run("sql", 'SELECT 1 AS "\x1b[31mred"', "--format", fmt)
    assert shown.returncode == 0 and "\x1b" not in shown.stdout and "x1b" in shown.stdout  # (Markdown: \\x1b\\[)
    error = run("sql", 'SELECT * FROM "\x1b[31m"', "--format", fmt)
    assert error.returncode == 2 and error.stderr == "Error: sql: no such table: \\x1b[31m\n"


def test_sql_that_never_ends_is_stopped(base, monkeypatch):
    from iranaz_cli.ask import sql as sqlquery
    from iranaz_cli.errors import UsageError

    monkeypatch.setattr(sqlquery, "SQL_TIME_LIMIT", 0.2)
    forever = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with pytest.raises(UsageError, match="ran longer than 0.2 s"):
        sqlquery.run_sql(base, forever)


def test_sql_searches_the_full_text_indexes():
    search = "SELECT rowid FROM records_fts WHERE records_fts MATCH 'Zagulba'"
    found = run("sql", f"SELECT id FROM records WHERE rowid IN ({search}) ORDER BY id", "--format", "csv")
    assert (found.returncode, found.stdout) == (0, "id\npezeshkian-2025\nzagulba-welcome-2025\n")
    assert run("sql", "INSERT INTO records_fts(records_fts) VALUES('delete-all')").returncode == 2


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_sql_full_text_answers_alike_with_a_cold_and_a_warm_cache(tmp_path, cache):
    # a first run builds the database; a later one reads its cached image: both must answer
    search = "SELECT id FROM records WHERE rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH 'Zagulba')"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    if cache == "warm":
        assert run("sql", "SELECT 1", env=env).returncode == 0
    found = run("sql", search + " ORDER BY id", "--format", "csv", env=env)
    assert (found.returncode, found.stdout, found.stderr) == (0, "id\npezeshkian-2025\nzagulba-welcome-2025\n", "")


def test_sql_database_is_cached_with_the_base_and_follows_it(base_dir):
    from pathlib import Path

    query = ("sql", "SELECT occasion FROM visits WHERE id = 'khatami-2004'", "--format", "csv", "--data", str(base_dir))
    assert run(*query).stdout == "occasion\nVisit\n"
    assert run(*query).stdout == "occasion\nVisit\n"  # the second run keeps the database's image
    [image] = (Path(os.environ["XDG_CACHE_HOME"]) / "iranaz").glob("sql-*.msgpack")
    visits = base_dir / "visits.yaml"
    visits.write_text(visits.read_text().replace("  occasion: Visit\n", "  occasion: A visit\n", 1))
    assert run(*query).stdout == "occasion\nA visit\n"  # a changed base is a new database
    image.write_bytes(image.read_bytes()[:-7] + b"garbage")  # a damaged image is rebuilt, never believed
    assert run(*query).stdout == "occasion\nA visit\n"


def test_sql_of_few_huge_steps_is_stopped_too():
    # (in a process of its own, as a query runs: SQLite's heap limit counts every connection of the process)
    import subprocess
    import sys
    import time

    program = (
        "import sys; from iranaz_cli.ask import sql; sql.SQL_TIME_LIMIT = 0.5\n"
        "from iranaz_cli.cli.main import main; sys.argv = ['iranaz', 'sql', sys.argv[1]]; main()"
    )
    huge = (  # each step builds a 15 MB string (the cap is 16): the progress handler would hardly ever run
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400)"
        " SELECT sum(length(replace(printf('%.*c', 15000000 + x, 'a'), 'a', 'b'))) FROM c"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", program, huge], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (2, "Error: sql: the query ran longer than 0.5 s and was stopped\n")
    assert time.monotonic() - started < 8
