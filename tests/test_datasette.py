"""The SQLite export as Datasette shows it: dates as intervals, junction tables, labels, full-text search, metadata."""

from __future__ import annotations

import json
import sqlite3

import pytest


@pytest.fixture
def exported(cli, tmp_path):
    """Export the shipped base with its metadata; return (connection, metadata)."""
    db_path, meta_path = tmp_path / "facts.db", tmp_path / "metadata.json"
    result = cli("export", "--sqlite", str(db_path), "--metadata", str(meta_path))
    assert result.exit_code == 0, result.stderr
    assert "wrote Datasette metadata to" in result.stderr
    db = sqlite3.connect(db_path)
    yield db, json.loads(meta_path.read_text(encoding="utf-8"))
    db.close()


def test_full_text_search_finds_summaries_quotes_and_notes(exported):
    db, _ = exported
    found = db.execute(
        "SELECT id FROM records WHERE rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH 'Zagulba')"
    ).fetchall()
    assert found == [("pezeshkian-2025",), ("zagulba-welcome-2025",)]  # a note of the visit, a summary
    quoted = db.execute(
        "SELECT record_id FROM citations WHERE rowid IN"
        " (SELECT rowid FROM citations_fts WHERE citations_fts MATCH '\"visited twice\"')"
    ).fetchall()
    assert ("rouhani-2019",) in quoted and ("rouhani-2016",) in quoted
    said = db.execute(
        "SELECT speaker_id FROM quotes WHERE rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH 'beginning')"
    ).fetchall()
    assert said == [("sanaei",)]
    count = "SELECT count(*) FROM records_fts WHERE records_fts MATCH ?"
    accented, plain = (db.execute(count, (word,)).fetchone()[0] for word in ("NAKHCHIVÂN", "nakhchivan"))
    assert accented == plain == 7  # case and accents ignored, as `iranaz search` does


def test_facet_by_year_counts_every_dated_record(exported, base):
    db, _ = exported
    years = dict(db.execute("SELECT year, count(*) FROM records WHERE year IS NOT NULL GROUP BY year"))
    assert years[1993] == 1 and years[2025] >= 7 and min(years) == 1988
    assert all(isinstance(y, int) for y in years)
    visits = db.execute("SELECT year, count(*) FROM visits GROUP BY year ORDER BY year").fetchall()
    assert visits == [(1993, 1), (2004, 1), (2007, 1), (2010, 1), (2016, 1), (2019, 1), (2025, 1)]


def test_dates_are_the_intervals_they_denote(exported):
    db, _ = exported
    rows = db.execute("SELECT id, date, year, date_start, date_end FROM visits ORDER BY date_start").fetchall()
    assert rows[0] == ("rafsanjani-1993", "1993", 1993, "1993-01-01", "1993-12-31")  # EDTF text kept in date
    days = db.execute("SELECT date, date_start, date_end FROM events WHERE length(date) = 10 AND end IS NULL")
    assert all(start == last == date for date, start, last in days)  # a day is a one-day interval
    cop = db.execute("SELECT date, end, date_start, date_end FROM events WHERE end IS NOT NULL").fetchall()
    assert cop and all(start == date and last == end for date, end, start, last in cop)  # `end` ends it
    undated = db.execute("SELECT count(*) FROM corridor WHERE date IS NULL AND year IS NULL").fetchone()[0]
    assert undated > 0
    dated, started = db.execute("SELECT count(date), count(date_start) FROM records").fetchone()
    assert dated == started > 0


def test_a_persons_events_through_the_junction_table(exported, base):
    db, _ = exported
    events = db.execute(
        "SELECT DISTINCT e.id FROM people p JOIN event_people j ON j.person_id = p.id"
        " JOIN events e ON e.id = j.event_id WHERE p.name = 'Masoud Pezeshkian' ORDER BY e.id"
    ).fetchall()
    named = sorted(e.id for e in base.events if "pezeshkian" in e.participants + e.mentioned)
    assert [e for (e,) in events] == named and len(named) >= 6
    took_part = db.execute(
        "SELECT count(*) FROM event_people WHERE person_id = 'pezeshkian' AND role = 'participant'"
    ).fetchone()[0]
    assert took_part == sum("pezeshkian" in e.participants for e in base.events)
    roles = {r[0] for r in db.execute("SELECT DISTINCT role FROM event_people")}
    assert roles and roles <= {"participant", "mentioned"}
    corridor = db.execute("SELECT count(*) FROM corridor_people").fetchone()[0]
    listed = db.execute(
        "SELECT coalesce(sum(json_array_length(participants) + json_array_length(mentioned)), 0) FROM corridor"
    ).fetchone()[0]
    assert corridor == listed
    for table, target in (("event_people", "events"), ("corridor_people", "corridor")):
        fks = {(row[2], row[3]) for row in db.execute(f"PRAGMA foreign_key_list({table})")}
        assert fks == {(target, f"{table.split('_')[0]}_id"), ("people", "person_id")}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_every_table_has_a_label_column(exported):
    db, meta = exported
    tables = meta["databases"]["facts"]["tables"]
    for name, entry in tables.items():
        if entry.get("hidden"):
            continue
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
        assert entry["label_column"] in columns, name
        empty = db.execute(f"SELECT count(*) FROM {name} WHERE {entry['label_column']} IS NULL").fetchone()[0]
        assert empty == 0, name
    attributed = db.execute(
        "SELECT r.label FROM records r WHERE r.id IN (SELECT record_id FROM according_to WHERE note IS NULL)"
    ).fetchall()
    assert attributed and all(" (according to " in label for (label,) in attributed)  # a claim stays its author's
    labels = [label for (label,) in db.execute("SELECT label FROM records")]
    assert len(set(labels)) == len(labels) and max(map(len, labels)) <= 80
    assert db.execute("SELECT label FROM records WHERE id = 'rouhani-2019'").fetchone() == (
        "Hassan Rouhani: Visit, the second of two (2019)",
    )


def test_labels_name_a_source_by_publisher_or_title_never_by_id(exported):
    db, _ = exported
    labels = [label for (label,) in db.execute("SELECT label FROM records UNION ALL SELECT label FROM according_to")]
    by_source = [label for label in labels if "according to Iran’s President Pezeshkian" in label]
    assert by_source  # the article's own analysis, named by its title (it has no publisher on record)
    assert not [label for label in labels if "baku-visit-article" in label]


def test_datasette_lists_dated_rows_before_undated_ones(exported):
    db, meta = exported
    for name, entry in meta["databases"]["facts"]["tables"].items():
        if entry.get("hidden") or "sort_desc" not in entry:
            continue
        column = entry["sort_desc"]
        rows = [r[0] for r in db.execute(f'SELECT "{column}" FROM "{name}" ORDER BY "{column}" DESC')]
        dated = [r is not None for r in rows]
        assert dated == sorted(dated, reverse=True), name  # no undated row before a dated one


def test_metadata_describes_every_table_and_column(exported):
    db, meta = exported
    assert meta["title"] and meta["license"] == "MIT"
    assert "Iran’s President Pezeshkian Visits Azerbaijan" in meta["description_html"]
    tables = meta["databases"]["facts"]["tables"]
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    shadow = {n for n in names if any(n.startswith(f"{t}_") and n != t for t in tables if t.endswith("_fts"))}
    assert set(tables) == names - shadow
    for name, entry in tables.items():
        assert entry["description"], name
        if entry.get("hidden"):
            continue
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
        assert set(entry["columns"]) == set(columns) and all(entry["columns"].values()), name
        assert (entry["sort_desc"] if "date_start" in columns else entry["sort"]) in columns
    assert tables["records"]["fts_table"] == "records_fts"
    generic = [(t, c) for t, e in tables.items() for c, d in e.get("columns", {}).items() if "data/README.md" in d]
    assert generic == []  # every column of today's schema is described in its own words


def test_according_to_keys_each_attribution_to_a_person_or_a_source(exported, base):
    db, _ = exported
    rows = db.execute("SELECT record_id, person_id, source_id, note FROM according_to").fetchall()
    assert all((p is None) != (s is None) for _, p, s, _ in rows)
    expected = sum(len(getattr(r, "according_to", [])) for k in ("visits", "gas", "corridor", "events")
                   for r in getattr(base, k))  # fmt: skip
    notes = sum(len(n.according_to) for k in ("people", "visits", "gas", "corridor", "events", "quotes")
                for r in getattr(base, k) for n in r.notes if not isinstance(n, str))  # fmt: skip
    assert len(rows) == expected + notes and expected and notes
    fks = {row[2] for row in db.execute("PRAGMA foreign_key_list(according_to)")}
    assert fks == {"records", "people", "sources"}


def test_metadata_refuses_to_overwrite_without_force(cli, tmp_path):
    db_path, meta = tmp_path / "facts.db", tmp_path / "metadata.json"
    meta.write_text("precious")
    result = cli("export", "--sqlite", str(db_path), "--metadata", str(meta))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert meta.read_text() == "precious" and not db_path.exists()
    assert cli("export", "--sqlite", str(db_path), "--metadata", str(meta), "--force").exit_code == 0
    assert json.loads(meta.read_text())["databases"]["facts"]


def test_metadata_links_only_web_addresses(cli, base_dir, tmp_path, base):
    import msgspec

    from iranaz_cli.show import datasette

    sources = base_dir / "sources.yaml"
    wikipedia = "url: https://en.wikipedia.org/wiki/List_of_presidents_of_Iran"
    sources.write_text(sources.read_text(encoding="utf-8").replace(wikipedia, "url: javascript:alert(1)"))
    meta = tmp_path / "m.json"
    result = cli("export", "--data", str(base_dir), "--sqlite", str(tmp_path / "f.db"), "--metadata", str(meta))
    assert result.exit_code == 3 and "the url is not a web address" in result.stderr  # (refused in the base)
    assert not meta.exists()
    # and were one to reach the metadata, it would be no link
    hostile = msgspec.structs.replace(
        base, sources=[msgspec.structs.replace(s, url="javascript:alert(1)") for s in base.sources]
    )
    text = datasette.metadata(sqlite3.connect(":memory:"), hostile, "f")["description_html"]
    assert "javascript" not in text and "href=" not in text and "Supreme Leader of Iran (Wikipedia)" in text


def test_junction_roles_follow_the_models_table_of_person_references(monkeypatch):
    from iranaz_cli.ask import tables as datasette

    # according_to may name a source: it gets a table of its own, not a junction to people
    assert datasette._person_list_fields("events") == [("participants", "participant"), ("mentioned", "mentioned")]
    assert datasette._person_list_fields("visits") == []  # one person: a foreign key, not a junction
    monkeypatch.setattr(datasette, "PERSON_REFERENCES", {"events": {"mentioned": "mentioned"}})
    assert datasette._person_list_fields("events") == [("mentioned", "mentioned")]


def test_roles_are_a_dated_table_of_their_own(exported, base):
    db, meta = exported
    assert db.execute("SELECT count(*) FROM roles").fetchone()[0] == sum(len(p.roles) for p in base.people)
    raisi = db.execute(
        "SELECT title, year, date_start, date_end FROM roles WHERE person_id = 'raisi' AND office IS NOT NULL"
    ).fetchall()
    assert raisi == [("President of Iran", 2021, "2021-08-03", "2024-05-19")]
    held_in_2010 = db.execute(
        "SELECT p.name FROM roles r JOIN people p ON p.id = r.person_id WHERE r.office = 'president-of-azerbaijan'"
        " AND r.date_start <= '2010-12-31' AND (r.date_end IS NULL OR r.date_end >= '2010-01-01')"
    ).fetchall()
    assert held_in_2010 == [("Ilham Aliyev",)]
    assert meta["databases"]["facts"]["tables"]["roles"]["label_column"] == "label"
