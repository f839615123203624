"""Issue 20: `iranaz disputes` lists where sources disagree, every side with its source; the records
concerned say so."""

from __future__ import annotations

import json

import pytest
from test_schema20 import DISPUTE, REPORT, _append

WIDE = {"COLUMNS": "250"}
PUBLISHER = "Official website of the President of Azerbaijan"


@pytest.fixture
def grown(base_dir):
    _append(base_dir / "sources.yaml", REPORT)
    (base_dir / "disputes.yaml").write_text(DISPUTE, encoding="utf-8")
    return base_dir


def test_disputes_lists_each_side_with_its_source(grown, cli):
    result = cli("--data", str(grown), "disputes", env=WIDE)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "How many times Hassan Rouhani visited Azerbaijan as president" in text
    assert "Twice, in 2016 and 2019" in text and "Three times" in text
    assert f"presidentaz-2018-rouhani ({PUBLISHER}, 2018-03-01)" in text
    assert "baku-visit-article" in text and "rouhani-visit-count" in text


def test_disputes_json_csv_md_fields_and_limit(grown, cli):
    [row] = json.loads(cli("--data", str(grown), "disputes", "--json").stdout)
    assert row["id"] == "rouhani-visit-count" and row["about"] == ["rouhani-2016", "rouhani-2019"]
    assert [s["claim"] for s in row["sides"]] == ["Twice, in 2016 and 2019", "Three times"]
    assert row["sides"][1]["sources"][0]["publisher"] == PUBLISHER
    csv = cli("--data", str(grown), "disputes", "--format", "csv").stdout
    assert csv.startswith("id,subject,about,sides") and "Three times" in csv
    md = cli("--data", str(grown), "disputes", "--format", "md").stdout
    assert md.startswith("| ") and "Three times" in md
    only = json.loads(cli("--data", str(grown), "disputes", "--json", "--fields", "id,subject").stdout)
    assert only == [{"id": "rouhani-visit-count", "subject": row["subject"]}]
    assert len(json.loads(cli("--data", str(grown), "disputes", "--json", "--limit", "1").stdout)) == 1
    about = cli("--data", str(grown), "disputes", "--about", "rouhani-2019", "--json")
    assert [r["id"] for r in json.loads(about.stdout)] == ["rouhani-visit-count"]


def test_no_disputes_is_exit_1_and_an_empty_json_list(cli):
    result = cli("disputes", "--json")
    assert (result.exit_code, result.stdout) == (1, "[]\n")


def test_records_concerned_say_sources_differ(grown, cli):
    visits = " ".join(cli("--data", str(grown), "visits", env=WIDE).stdout.split())
    assert "sources differ (iranaz disputes rouhani-visit-count)" in visits
    shown = " ".join(cli("--data", str(grown), "show", "rouhani-2016", env=WIDE).stdout.split())
    assert "sources differ (iranaz disputes rouhani-visit-count)" in shown
    rows = json.loads(cli("--data", str(grown), "visits", "--json").stdout)
    assert next(r for r in rows if r["id"] == "rouhani-2016")["disputes"] == ["rouhani-visit-count"]
    assert next(r for r in rows if r["id"] == "khatami-2004")["disputes"] == []


def test_show_a_dispute(grown, cli):
    shown = json.loads(cli("--data", str(grown), "show", "rouhani-visit-count", "--json").stdout)
    assert shown["kind"] == "dispute" and len(shown["provenance"]) == 2
    assert shown["provenance"][1]["publisher"] == PUBLISHER


def test_the_schema_of_disputes(cli, grown):
    import jsonschema

    schema = json.loads(cli("schema", "disputes").stdout)
    rows = json.loads(cli("--data", str(grown), "disputes", "--json").stdout)
    jsonschema.Draft202012Validator(schema).validate(rows)
