"""Beyond the terminal: SQLite export, SVG/HTML tables, the chart, the overview, JSON Schema."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import ROOT
from test_installed import IRANAZ

SCHEMA_COMMANDS = {
    "visits": ("visits",),
    "who": ("who", "president"),
    "gas": ("gas", "--unit", "tcf/y"),
    "corridor": ("corridor",),
    "timeline": ("timeline",),
    "search": ("search", "Baku"),
    "quotes": ("quotes",),
    "sources": ("sources",),
    "coverage": ("coverage",),
    "offices": ("offices",),
}


@pytest.mark.parametrize("command", SCHEMA_COMMANDS)
def test_real_json_output_validates_against_its_schema(cli, command):
    schema = json.loads(cli("schema", command).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    output = json.loads(cli(*SCHEMA_COMMANDS[command], "--json").stdout)
    jsonschema.validate(output, schema, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError):  # the schema does constrain: a row without its id fails
        jsonschema.validate([{k: v for k, v in output[0].items() if k != "id"}], schema)


def test_resolve_output_validates_against_its_schema(cli):
    schema = json.loads(cli("schema", "resolve").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    output = json.loads(cli("resolve", "--json", input="Rowhani\n\nbanana\npresident of iran\n").stdout)
    jsonschema.validate(output, schema, cls=jsonschema.Draft202012Validator)


def test_every_record_shown_validates_against_the_show_schema(cli, base):
    import iranaz_cli as api

    schema = json.loads(cli("schema", "show").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)  # (validate() checks the schema again each call)
    for record_id in api.record_ids(base):
        shown = json.loads(cli("show", record_id, "--json").stdout)
        validator.validate(shown)
        with pytest.raises(jsonschema.ValidationError):  # a record without its kind fails
            validator.validate({k: v for k, v in shown.items() if k != "kind"})


# --- SQLite -----------------------------------------------------------------------------------------------


def test_export_sqlite_is_queryable_with_keys(cli, tmp_path, base):
    db_path = tmp_path / "iranaz.db"
    result = cli("export", "--sqlite", str(db_path))
    assert result.exit_code == 0, result.stderr
    db = sqlite3.connect(db_path)
    visits = db.execute(
        "SELECT v.date, p.name FROM visits v JOIN people p ON p.id = v.president_id ORDER BY v.date"
    ).fetchall()
    assert visits[0] == ("1993", "Akbar Hashemi Rafsanjani") and len(visits) == 7
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM records").fetchone()[0] == 66
    quotes = db.execute(
        "SELECT c.quote FROM citations c JOIN sources s ON s.id = c.source_id "
        "WHERE c.record_id = 'rouhani-2019' AND s.source_kind = 'article'"
    ).fetchall()
    assert quotes == [("Hassan Rouhani visited twice, once in 2016 and again in 2019",)]
    assert db.execute("SELECT volume_bcm_per_year FROM gas").fetchone() == (55.0,)
    fks = {row[2] for row in db.execute("PRAGMA foreign_key_list(visits)")}
    assert fks == {"records", "people"}
    pk = [row[1] for row in db.execute("PRAGMA table_info(people)") if row[5]]
    assert pk == ["id"]
    cited = sum(len(getattr(r, "sources", [])) for kind in ("people", "visits", "gas", "corridor", "events", "quotes")
                for r in getattr(base, kind))  # fmt: skip
    assert db.execute("SELECT count(*) FROM citations").fetchone()[0] == cited


def test_export_refuses_to_overwrite_without_force(cli, tmp_path):
    db_path = tmp_path / "iranaz.db"
    db_path.write_text("precious")
    result = cli("export", "--sqlite", str(db_path))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert db_path.read_text() == "precious"
    assert cli("export", "--sqlite", str(db_path), "--force").exit_code == 0
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM visits").fetchone() == (7,)


# --- SVG and HTML --------------------------------------------------------------------------------------------


def test_save_svg_and_html_keep_the_table_as_shown(cli, tmp_path):
    svg, html = tmp_path / "visits.svg", tmp_path / "visits.html"
    result = cli("visits", "--save-svg", str(svg), "--save-html", str(html))
    assert result.exit_code == 0
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = "".join(root.itertext()).replace("\xa0", " ")
    assert "Rafsanjani" in text and "the article lists 7" in text
    page = html.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "pezeshkian-2025" in page
    assert "Rafsanjani" in result.stdout  # and the table is still printed


def _fetches(svg: str) -> list[str]:
    """Return what an SVG would fetch from the network: any URL but its XML namespace."""
    return re.findall(r"https?://\S+|url\((?!#)|@import", svg.replace('xmlns="http://www.w3.org/2000/svg"', ""))


def test_a_saved_svg_renders_offline(cli, tmp_path):
    svg = tmp_path / "visits.svg"
    assert cli("visits", "--save-svg", str(svg)).exit_code == 0
    text = svg.read_text(encoding="utf-8")
    assert _fetches(text) == [] and "monospace" in text
    ET.fromstring(text)


@pytest.mark.parametrize("svg", sorted((ROOT / "docs").glob("*.svg")), ids=lambda p: p.name)
def test_committed_svgs_render_offline(svg):
    assert _fetches(svg.read_text(encoding="utf-8")) == []


def test_save_needs_the_table_format(cli, tmp_path):
    result = cli("visits", "--json", "--save-svg", str(tmp_path / "x.svg"))
    assert result.exit_code == 2 and not (tmp_path / "x.svg").exists()


def test_committed_docs_svg_is_the_visits_table():
    root = ET.parse(ROOT / "docs" / "visits.svg").getroot()
    assert "the article lists 7" in "".join(root.itertext()).replace("\xa0", " ")


# --- the chart and the overview --------------------------------------------------------------------------


def test_chart_fits_80_columns_and_counts_each_year(cli):
    out = cli("timeline", "--chart").stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "Records per year, 1988–2025"
    visit_row = next(line for line in lines if line.startswith("visit "))
    marks = visit_row.split()[1]
    assert len(marks) == 2025 - 1988 + 1
    assert [1988 + i for i, c in enumerate(marks) if c != "·"] == [1993, 2004, 2007, 2010, 2016, 2019, 2025]
    assert "\x1b" not in out


def test_chart_narrow_terminal_buckets_years(cli):
    out = cli("timeline", "--chart", env={"COLUMNS": "30"}).stdout
    assert "Records per 2 years" in out or "Records per 3 years" in out
    assert max(len(line) for line in out.splitlines()) <= 40


@pytest.mark.installed
def test_chart_piped_is_plain():
    out = subprocess.run([str(IRANAZ), "timeline", "--chart"], capture_output=True, text=True).stdout
    assert "\x1b" not in out and "visit" in out


def test_overview_counts_equal_the_base(cli, base):
    out = cli().stdout
    assessments = len([e for e in base.events if e.kind == "assessment"])
    counts = ", ".join(f"{n} {kind}" for n, kind in (
        (len(base.visits), "visits"), (len(base.events) - assessments, "events"), (assessments, "assessments"),
        (len(base.corridor), "corridor"), (len(base.quotes), "quotes"), (len(base.gas), "gas"),
        (len(base.people), "people"), (len(base.sources), "sources"), (len(base.disputes), "disputes")))  # fmt: skip
    assert f"Records: {counts}." in out
    articles = len([s for s in base.sources if s.kind == "article"])
    assert f"Sources: {articles} article, {len(base.sources) - articles} references." in out  # (what they are)
    assert "Years covered: 1988–2025." in out
    assert "Latest visit: Masoud Pezeshkian, 2025, Baku (pezeshkian-2025)." in out
    assert out.count("  iranaz ") == 3


# --- completion --------------------------------------------------------------------------------------------


@pytest.mark.installed
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("iranaz show rouhani-20", {"rouhani-2016", "rouhani-2019"}),
        ("iranaz who Moh", {"Mohsen\\ Paknejad", "Mohammad\\ Khatami", "Mohammad\\ Mokhber"}),  # one word to bash
    ],
)
def test_completion_of_ids_and_names(words, expected):
    env = {**os.environ, "_IRANAZ_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "2"}
    out = subprocess.run([str(IRANAZ)], capture_output=True, text=True, env=env).stdout
    assert set(out.split("\n")) - {""} == expected
