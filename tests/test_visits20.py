"""Issue 20: visits in both directions, the country visited, the host, and honest counts."""

from __future__ import annotations

import json

import pytest
from test_schema20 import REPORT, VISIT_TO_IRAN, _append

WIDE = {"COLUMNS": "250"}


@pytest.fixture
def grown(base_dir):
    _append(base_dir / "sources.yaml", REPORT)
    _append(base_dir / "visits.yaml", VISIT_TO_IRAN)
    return base_dir


def test_visits_lists_both_directions_with_the_country_visited(grown, cli):
    result = cli("--data", str(grown), "visits", env=WIDE)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    tehran = next(line for line in lines if "aliyev-2004-tehran" in line)
    assert "Ilham Aliyev" in tehran and "Iran" in tehran and "Mohammad Khatami" in tehran
    khatami = next(line for line in lines if "khatami-2004 " in line or line.rstrip().endswith("khatami-2004"))
    assert "Azerbaijan" in khatami
    assert "To" in lines[2]  # the header names the country visited


def test_the_summary_says_how_many_are_known_and_how_many_the_article_lists(grown, cli):
    text = " ".join(cli("--data", str(grown), "visits", env=WIDE).stdout.split())
    assert "8 visits known; the article lists 7" in text
    assert "listed in the article" not in text


@pytest.mark.parametrize(("to", "expected"), [("iran", ["aliyev-2004-tehran"]), ("IRAN", ["aliyev-2004-tehran"])])
def test_to_filters_by_the_country_visited(grown, cli, to, expected):
    rows = json.loads(cli("--data", str(grown), "visits", "--to", to, "--json").stdout)
    assert [r["id"] for r in rows] == expected
    host = rows[0]["host"]
    assert rows[0]["to"] == "Iran" and (host["ids"], host["names"], host["certain"]) == (
        ["khatami"],
        ["Mohammad Khatami"],
        True,
    )
    assert host["sources"], "the host comes with the sources it is taken from"


def test_to_azerbaijan_and_a_bad_country(grown, cli):
    rows = json.loads(cli("--data", str(grown), "visits", "--to", "Azerbaijan", "--json").stdout)
    assert len(rows) == 7 and {r["to"] for r in rows} == {"Azerbaijan"}
    bad = cli("--data", str(grown), "visits", "--to", "turkey")
    assert bad.exit_code == 2 and bad.stdout == ""


def test_csv_rows_carry_to_and_the_host(grown, cli):
    csv = cli("--data", str(grown), "visits", "--format", "csv").stdout.splitlines()
    header = csv[0].split(",")
    assert "to" in header and "host_names" in header
    assert any(line.startswith("aliyev-2004-tehran,Ilham Aliyev,aliyev,Iran,") for line in csv)
