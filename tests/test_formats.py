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
