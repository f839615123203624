"""Answers that cannot mislead (issue 21): sourced hosts, honest matches, focused search, every
record's date and kind, and names on the records that concern them."""

from __future__ import annotations

import json
import sqlite3

import pytest


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from typer.testing import CliRunner

    from iranaz_cli.cli.main import app

    path = tmp_path_factory.mktemp("export") / "base.db"
    result = CliRunner().invoke(app, ["export", "--sqlite", str(path)])
    assert result.exit_code == 0, result.stderr
    db = sqlite3.connect(path)
    yield db
    db.close()


# --- 2. the host is a sourced fact ---------------------------------------------------------------------

ALIYEV_TERM = "Ilham Aliyev took office as President of Azerbaijan on 2003-10-31."
WELCOMED = "formally welcomed by Azerbaijani President Ilham Aliyev at the Zagulba Palace"


def _visit(cli, visit_id: str) -> dict:
    return next(v for v in json.loads(cli("visits", "--json").stdout) if v["id"] == visit_id)


def test_a_host_carries_the_sources_of_the_terms_it_came_from(cli):
    host = _visit(cli, "rouhani-2016")["host"]
    assert host["sources"] == [{"source": "wikipedia-president-of-azerbaijan", "note": ALIYEV_TERM}]
    host = _visit(cli, "rafsanjani-1993")["host"]  # two possible hosts: the three terms of 1993
    assert [c["note"].split(" was ")[0].split(" exercised")[0] for c in host["sources"]] == [
        "Abulfaz Elchibey",
        "As chairman of the Supreme Soviet, Heydar Aliyev",
        "Heydar Aliyev",
    ]


def test_a_host_the_visit_s_own_source_names_cites_it_too(cli):
    host = _visit(cli, "pezeshkian-2025")["host"]
    assert host["sources"] == [
        {"source": "wikipedia-president-of-azerbaijan", "note": ALIYEV_TERM},
        {"source": "baku-visit-article", "quote": WELCOMED},
    ]


def test_show_prints_the_host_with_its_sources(cli):
    out = cli("show", "pezeshkian-2025", env={"COLUMNS": "200"}).stdout
    host_block = out[out.index("│ host") : out.index("│ date")]
    assert "Ilham Aliyev" in host_block
    assert "wikipedia-president-of-azerbaijan" in host_block and ALIYEV_TERM in host_block
    shown = json.loads(cli("show", "rafsanjani-1993", "--json").stdout)
    assert shown["host"]["ids"] == ["elchibey", "heydar-aliyev"] and shown["host"]["certain"] is False
    assert len(shown["host"]["sources"]) == 3
    out = cli("show", "rafsanjani-1993", env={"COLUMNS": "200"}).stdout
    assert "Abulfaz Elchibey or Heydar Aliyev (the date, 1993, spans both)" in out


def test_the_export_s_visits_have_their_host(exported):
    rows = exported.execute("SELECT id, host, host_ids, host_certain FROM visits ORDER BY id").fetchall()
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["rouhani-2016"] == ("Ilham Aliyev", '["aliyev"]', 1)
    assert by_id["rafsanjani-1993"] == ("Abulfaz Elchibey or Heydar Aliyev", '["elchibey","heydar-aliyev"]', 0)
    hosted = exported.execute(
        "SELECT v.id FROM visits v JOIN visit_hosts h ON h.visit_id = v.id WHERE h.person_id = 'aliyev'"
        " AND h.certain ORDER BY v.date_start"
    ).fetchall()
    assert [r[0] for r in hosted] == [
        "khatami-2004", "ahmadinejad-2007", "ahmadinejad-2010", "rouhani-2016", "rouhani-2019", "pezeshkian-2025"
    ]  # fmt: skip
    assert exported.execute("SELECT count(*) FROM visit_hosts WHERE NOT certain").fetchone() == (2,)


def test_who_lists_the_visits_a_person_hosted(cli):
    [aliyev] = json.loads(cli("who", "Ilham Aliyev", "--json").stdout)
    hosted = [m["id"] for m in aliyev["mentions"] if m["role"] == "host"]
    assert hosted == [
        "khatami-2004", "ahmadinejad-2007", "ahmadinejad-2010", "rouhani-2016", "rouhani-2019", "pezeshkian-2025"
    ]  # fmt: skip
    out = cli("who", "Ilham Aliyev", env={"COLUMNS": "200"}).stdout
    assert "Hosted" in out and "[rouhani-2016]" in out
    [elchibey] = json.loads(cli("who", "Elchibey", "--json").stdout)
    [possible] = [m for m in elchibey["mentions"] if m["role"] == "host"]
    assert (possible["id"], possible["host_certain"]) == ("rafsanjani-1993", False)
    out = cli("who", "Elchibey", env={"COLUMNS": "200"}).stdout
    assert "[rafsanjani-1993] (possibly: the date does not decide the host)" in out
