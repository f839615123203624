"""Issue 20: every output that names a source shows its publisher and date, not only its id."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_schema20 import DISPUTE, REPORT, VISIT_TO_IRAN, _append

PUBLISHER = "Official website of the President of Azerbaijan"


@pytest.fixture
def grown(base_dir):
    _append(base_dir / "sources.yaml", REPORT)
    _append(base_dir / "visits.yaml", VISIT_TO_IRAN)
    (base_dir / "disputes.yaml").write_text(DISPUTE, encoding="utf-8")
    return base_dir


def test_show_names_each_sources_publisher_and_date(grown, cli):
    result = cli("--data", str(grown), "show", "aliyev-2004-tehran", env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.stderr
    assert f"presidentaz-2018-rouhani (report; {PUBLISHER}, 2018-03-01)" in " ".join(result.stdout.split())
    shown = json.loads(cli("--data", str(grown), "show", "aliyev-2004-tehran", "--json").stdout)
    [cite] = shown["provenance"]
    assert (cite["publisher"], cite["published"], cite["source_kind"]) == (PUBLISHER, "2018-03-01", "report")


def test_sources_lists_publisher_date_language_and_checked_day(grown, cli):
    table = cli("--data", str(grown), "sources", env={"COLUMNS": "300"}).stdout
    assert PUBLISHER in table and "2018-03-01" in table
    [report] = [
        s for s in json.loads(cli("--data", str(grown), "sources", "--json").stdout) if s["id"].startswith("pres")
    ]
    assert {k: report[k] for k in ("source_kind", "publisher", "published", "language", "checked")} == {
        "source_kind": "report",
        "publisher": PUBLISHER,
        "published": "2018-03-01",
        "language": "en",
        "checked": "2026-12-05",
    }
    assert report["url"].startswith("https://president.az/")


def test_citations_in_listings_name_publisher_and_date(grown, cli):
    import csv
    import io

    table = csv.DictReader(io.StringIO(cli("--data", str(grown), "visits", "--format", "csv").stdout))
    [cell] = [json.loads(r["sources"]) for r in table if r["id"] == "aliyev-2004-tehran"]
    assert (cell[0]["source"], cell[0]["publisher"], cell[0]["published"]) == (
        "presidentaz-2018-rouhani",
        PUBLISHER,
        "2018-03-01",
    )
    rows = json.loads(cli("--data", str(grown), "visits", "--json").stdout)
    [cite] = next(r for r in rows if r["id"] == "aliyev-2004-tehran")["sources"]
    assert (cite["publisher"], cite["published"]) == (PUBLISHER, "2018-03-01")
    briefs = json.loads(cli("--data", str(grown), "timeline", "--json").stdout)
    cite = next(b for b in briefs if b["id"] == "aliyev-2004-tehran")["sources"][0]
    assert cite["publisher"] == PUBLISHER


def test_export_names_publisher_and_date_of_each_citation(grown, cli, tmp_path):
    db_file = tmp_path / "x.db"
    assert cli("--data", str(grown), "export", "--sqlite", str(db_file)).exit_code == 0
    db = sqlite3.connect(db_file)
    row = db.execute(
        "SELECT publisher, published, language, checked FROM sources WHERE id = 'presidentaz-2018-rouhani'"
    ).fetchone()
    assert row == (PUBLISHER, "2018-03-01", "en", "2026-12-05")
    [label] = db.execute("SELECT label FROM citations WHERE record_id = 'aliyev-2004-tehran'").fetchone()
    assert label == f"aliyev-2004-tehran cites presidentaz-2018-rouhani ({PUBLISHER}, 2018-03-01)"
