"""Issue 20: the SQLite export carries the sources' new columns, the disputes and each side, and
the country each visit went to."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_schema20 import DISPUTE, REPORT, VISIT_TO_IRAN, _append


@pytest.fixture
def db(base_dir, cli, tmp_path):
    _append(base_dir / "sources.yaml", REPORT)
    _append(base_dir / "visits.yaml", VISIT_TO_IRAN)
    (base_dir / "disputes.yaml").write_text(DISPUTE, encoding="utf-8")
    target = tmp_path / "facts.db"
    result = cli("--data", str(base_dir), "export", "--sqlite", str(target), "--metadata", str(tmp_path / "m.json"))
    assert result.exit_code == 0, result.stderr
    return sqlite3.connect(target), json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))


def test_sources_and_visits_gain_their_columns(db):
    conn, _ = db
    columns = [r[1] for r in conn.execute("PRAGMA table_info(sources)")]
    assert {"source_kind", "publisher", "published", "url", "language", "checked"} <= set(columns)
    assert conn.execute(
        "SELECT \"to\", host, host_ids, host_certain FROM visits WHERE id = 'aliyev-2004-tehran'"
    ).fetchone() == ("Iran", "Mohammad Khatami", '["khatami"]', 1)


def test_disputes_and_their_sides(db):
    conn, meta = db
    assert conn.execute("SELECT subject FROM disputes").fetchall() == [
        ("How many times Hassan Rouhani visited Azerbaijan as president",)
    ]
    sides = conn.execute(
        "SELECT dispute_id, position, claim, source_ids FROM dispute_sides ORDER BY position"
    ).fetchall()
    assert sides == [
        ("rouhani-visit-count", 1, "Twice, in 2016 and 2019", '["baku-visit-article"]'),
        ("rouhani-visit-count", 2, "Three times", '["presidentaz-2018-rouhani"]'),
    ]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = meta["databases"]["facts"]["tables"]
    assert tables["dispute_sides"]["description"] and tables["disputes"]["description"]
