"""Output formats as a user reads them: CSV that spreadsheets cannot run and scripts can split back,
numbers as recorded, and `sql` results that are whole, bounded and named without collisions."""

from __future__ import annotations

import csv
import io
import json

import pytest


def _csv(result) -> list[list[str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


# --- CSV for spreadsheets: formulas neutralised (OWASP) -------------------------------------------------


def test_csv_formula_from_stdin_is_neutralised(cli):
    formula = '=HYPERLINK("http://evil/","x")'
    rows = _csv(cli("resolve", "--format", "csv", input=formula + "\n"))
    assert rows[1][0] == "'" + formula


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])  # (a CR is shown as the escape \\r)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(cli, start):
    code = ord(start)
    rows = _csv(cli("sql", f"SELECT char({code}) || 'cmd|x' AS \"{start}cmd\"", "--format", "csv"))
    assert rows == [["'" + start + "cmd"], ["'" + start + "cmd|x"]]


def test_raw_csv_keeps_cells_as_they_are(cli):
    formula = '=HYPERLINK("http://evil/","x")'
    rows = _csv(cli("resolve", "--format", "csv", "--raw-csv", input=formula + "\n"))
    assert rows[1][0] == formula
    assert cli("visits", "--raw-csv").exit_code == 2  # raw values are a CSV matter


def test_numbers_in_csv_are_not_neutralised(cli):
    rows = _csv(cli("sql", "SELECT -5 AS a, -1.5 AS b, '-7' AS c, '-1+2' AS d", "--format", "csv"))
    assert rows[1] == ["-5", "-1.5", "-7", "'-1+2"]


# --- sql -------------------------------------------------------------------------------------------------


def _sql_json(cli, *args: str):
    result = cli("sql", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_sql_renamed_duplicate_columns_never_collide_with_real_names(cli):
    assert _sql_json(cli, "SELECT 1 AS id, 2 AS id_2, 3 AS id") == [{"id": 1, "id_2": 2, "id_3": 3}]
    assert _sql_json(cli, "SELECT 1 AS a, 2 AS a, 3 AS a_2, 4 AS a") == [{"a": 1, "a_3": 2, "a_2": 3, "a_4": 4}]


COUNT = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n{stop}) "


def test_sql_values_are_capped_in_size(cli):
    result = cli("sql", "SELECT zeroblob(999999999) AS a, zeroblob(999999999) AS b")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: sql: ") and "too large" in result.stderr and result.stderr.count("\n") == 1


def test_sql_fetches_only_up_to_the_limit(cli):
    endless = COUNT.format(stop="") + "SELECT i FROM n"
    result = cli("sql", endless, "--format", "csv", "--limit", "3")
    assert (result.exit_code, result.stdout) == (0, "i\n1\n2\n3\n")


def test_sql_result_too_large_is_a_usage_error(base, monkeypatch):
    from iranaz_cli.ask import sql as sqlquery
    from iranaz_cli.errors import UsageError

    monkeypatch.setattr(sqlquery, "SQL_MAX_ROWS", 100)
    with pytest.raises(UsageError, match="result too large"):
        sqlquery.run_sql(base, COUNT.format(stop=" WHERE i < 1000") + "SELECT i FROM n")
    assert len(sqlquery.run_sql(base, COUNT.format(stop=" WHERE i < 1000") + "SELECT i FROM n", limit=100)[1]) == 100
    monkeypatch.setattr(sqlquery, "SQL_MAX_ROWS", 10**6)
    monkeypatch.setattr(sqlquery, "SQL_MAX_BYTES", 50_000)  # rows of nothing still cost memory
    with pytest.raises(UsageError, match="result too large"):
        sqlquery.run_sql(base, COUNT.format(stop=" WHERE i < 2000") + "SELECT NULL AS a, '' AS b FROM n")


def test_sql_memory_is_bounded(base, monkeypatch):
    from iranaz_cli.ask import sql as sqlquery
    from iranaz_cli.errors import UsageError

    monkeypatch.setattr(sqlquery, "SQL_MEMORY", 32 << 20)
    sorted_blobs = "SELECT length(b) FROM (SELECT i, randomblob(100000) AS b FROM n ORDER BY random()) LIMIT 1"
    with pytest.raises(UsageError, match="too large"):
        sqlquery.run_sql(base, COUNT.format(stop=" WHERE i < 2000") + sorted_blobs)
    assert sqlquery.run_sql(base, "SELECT 1 AS one") == (["one"], [{"one": 1}])  # the next query runs


def test_sql_a_trailing_comment_is_complete_and_an_empty_query_says_so(cli):
    assert _sql_json(cli, "SELECT 1 AS one -- the first") == [{"one": 1}]
    assert _sql_json(cli, "SELECT 1 AS one; -- the first") == [{"one": 1}]
    for empty in ("", "  \n", ";"):
        result = cli("sql", empty)
        assert result.exit_code == 2 and "empty" in result.stderr and "only SELECT" not in result.stderr


def test_sql_reads_json_lists_with_table_valued_functions(cli):
    visits = _sql_json(cli, "SELECT id, agenda FROM visits WHERE agenda != '[]' ORDER BY id LIMIT 1")
    items = _sql_json(
        cli, f"SELECT j.value FROM visits, json_each(visits.agenda) AS j WHERE visits.id = '{visits[0]['id']}'"
    )
    assert [row["value"] for row in items] == json.loads(visits[0]["agenda"]) != []
    tree = _sql_json(cli, """SELECT key FROM json_tree('{"a": [1]}') WHERE type = 'integer'""")
    assert tree == [{"key": 0}]
    refused = cli("sql", "SELECT * FROM pragma_table_info('visits')")  # a table-valued pragma is still refused
    assert refused.exit_code == 2


def test_sql_tables_lists_what_a_query_reads_and_hides_full_text_shadow_tables(cli):
    tables = [row["table"] for row in _sql_json(cli, "--tables")]
    assert {"visits", "records", "records_fts", "quotes_fts"} <= set(tables)
    assert not [t for t in tables if t.endswith(("_data", "_idx", "_docsize", "_config", "_content"))]


def test_sql_booleans_are_1_and_0_as_sqlite_stores_them(cli):
    # (true and false by declared type also converted the other arms of a UNION: a count of 8 read true)
    rows = _sql_json(cli, "SELECT direct FROM quotes ORDER BY direct")
    assert {json.dumps(row["direct"]) for row in rows} == {"0", "1"}
    assert json.dumps(_sql_json(cli, "SELECT acting FROM roles WHERE acting")[0]) == '{"acting": 1}'
    assert _sql_json(cli, "SELECT count(*) AS n FROM quotes WHERE direct")[0]["n"] >= 1
    csv_out = cli("sql", "SELECT direct FROM quotes ORDER BY direct LIMIT 1", "--format", "csv")
    assert csv_out.stdout == "direct\n0\n"


@pytest.mark.parametrize("command", [("sql", "SELECT 1 AS one"), ("resolve",)])
def test_sql_and_resolve_take_no_pager_as_every_listing_does(cli, command):
    result = cli(*command, "--no-pager", "--format", "table", input="Rouhani\n")
    assert result.exit_code == 0, result.stderr


# --- numbers as recorded ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "table", "md"])
def test_numbers_are_printed_as_recorded(cli, fmt):
    result = cli("sql", "SELECT 1234567.5 AS a, 0.1 AS b, 55.0 AS c, 123456789012 AS d", "--format", fmt)
    assert result.exit_code == 0
    for text in ("1234567.5", "0.1", "55", "123456789012"):
        assert text in result.stdout
    assert "e+" not in result.stdout


def test_a_recorded_volume_keeps_its_digits_and_a_conversion_its_approximation(cli, base_dir):
    gas = base_dir / "gas.yaml"
    gas.write_text(gas.read_text().replace("volume_bcm_per_year: 55\n", "volume_bcm_per_year: 55.1234567\n", 1))
    data = ("--data", str(base_dir))
    rows = list(csv.DictReader(io.StringIO(cli("gas", "--format", "csv", *data).stdout)))
    assert (rows[0]["volume_bcm_per_year"], rows[0]["volume_value"]) == ("55.1234567", "55.1234567")
    table = cli("gas", "--format", "md", *data).stdout
    assert "55.1234567 bcm/y" in table and "≈55" not in table
    shown = json.loads(cli("show", "russia-iran-gas-via-azerbaijan", "--json", *data).stdout)
    assert "55.1234567 bcm/y" in shown["summary"]
    converted = cli("gas", "--unit", "mcm/d", "--format", "md", *data).stdout
    assert "≈151 mcm/d" in converted


# --- sentences in linear time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "article",
    ["x" + "." * 40_000 + " y", "x" + "." * 40_000 + "x", "A. " * 200_000, ". " * 200_000 + "a", "x?" * 100_000],
    ids=["dots-then-lowercase", "dots-then-letter", "initials", "dot-space", "questions"],
)
def test_sentence_splitting_of_hostile_text_is_linear(article):
    import time

    from iranaz_cli.store.anchors import split_sentences

    started = time.monotonic()
    split_sentences(article)
    small = time.monotonic() - started
    started = time.monotonic()
    split_sentences(article * 4)
    assert time.monotonic() - started < max(1.0, 10 * small)  # 4x the text: about 4x the time, not 16x


def test_sentence_splitting_keeps_its_rules():
    from iranaz_cli.store.anchors import split_sentences

    text = "Mr. Aliyev met Gen. Bagheri... Then they left?! “It is over.” He said so. e.g. this one. A. B. Smith came."
    assert [s.text for s in split_sentences(text)] == [
        "Mr. Aliyev met Gen. Bagheri...",
        "Then they left?!",
        "“It is over.”",
        "He said so. e.g. this one.",
        "A. B. Smith came.",
    ]


# --- CSV that scripts can split back ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [["visits"], ["corridor"], ["quotes"], ["who", "sanaei"], ["gas"]], ids=str)
def test_csv_list_cells_are_json_text_that_round_trips(cli, command):
    records = json.loads(cli(*command, "--json").stdout)
    rows = list(csv.DictReader(io.StringIO(cli(*command, "--format", "csv").stdout)))
    assert len(rows) == len(records)
    lists = 0
    for record, row in zip(records, rows, strict=True):
        for field, value in record.items():
            if isinstance(value, list):
                assert json.loads(row[field]) == value, (field, row[field])
                lists += 1
    assert lists


def test_notes_are_one_json_array_in_every_table_of_the_export(cli):
    visits = _sql_json(cli, "SELECT v.notes AS kind_table, r.notes AS records FROM visits v JOIN records r USING (id)")
    assert all(row["kind_table"] == row["records"] for row in visits)
    assert any(json.loads(row["records"]) for row in visits)
