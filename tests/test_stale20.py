"""Issue 20: how current the base is: the overview's checked-through day, and `iranaz stale`."""

from __future__ import annotations

import json

import pytest
from test_confirmed20 import grown  # noqa: F401  (the fixture: a confirmed and an unconfirmed holder)

WIDE = {"COLUMNS": "250"}


def test_the_overview_says_checked_through_the_latest_checked_day(grown, cli):  # noqa: F811
    out = cli("--data", str(grown)).stdout
    assert "Checked through 2026-12-05." in out


def test_the_overview_of_a_base_with_no_checked_day_says_so(cli):
    assert "Checked through: no source records the day it was checked." in cli().stdout


def test_stale_lists_open_terms_not_confirmed_within_the_days(grown, cli):  # noqa: F811
    env = {"IRANAZ_TODAY": "2026-12-05", **WIDE}
    rows = json.loads(cli("--data", str(grown), "stale", "--json", env=env).stdout)
    ids = [r["id"] for r in rows]  # a term's id: its holder's, and which of their terms
    assert "test-holder@term-1" in ids and "other-holder@term-1" in ids and "aliyev@term-1" in ids
    test = next(r for r in rows if r["id"] == "test-holder@term-1")
    assert test["age_days"] == 170 and test["last_confirmed"]["date"] == "2026-06-18"
    assert next(r for r in rows if r["id"] == "other-holder@term-1")["last_confirmed"] is None
    # confirmed 170 days before today: not stale within 200 days, stale within 90
    fresh = json.loads(cli("--data", str(grown), "stale", "--days", "200", "--json", env=env).stdout)
    assert "test-holder@term-1" not in [r["id"] for r in fresh] and "other-holder@term-1" in [r["id"] for r in fresh]
    table = " ".join(cli("--data", str(grown), "stale", env=env).stdout.split())
    assert "never confirmed" in table and "2026-06-18" in table


def test_stale_lists_statuses_too(base_dir, cli):
    rows = json.loads(cli("--data", str(base_dir), "stale", "--json", env={"IRANAZ_TODAY": "2026-12-05"}).stdout)
    assert "russia-iran-gas-via-azerbaijan" in [r["id"] for r in rows]


@pytest.mark.parametrize("today", ["2026-13-01", "2026-12", "yesterday", "2026-12-05/2026-12-06"])
def test_a_bad_iranaz_today_is_one_error_line(cli, today):
    result = cli("stale", env={"IRANAZ_TODAY": today})
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: IRANAZ_TODAY") and len(result.stderr.splitlines()) == 1


def test_stale_takes_every_listing_option(grown, cli):  # noqa: F811
    env = {"IRANAZ_TODAY": "2026-12-05"}
    csv = cli("--data", str(grown), "stale", "--format", "csv", env=env).stdout
    assert csv.startswith("id,kind,") and "test-holder" in csv
    assert cli("--data", str(grown), "stale", "--format", "md", env=env).stdout.startswith("| ")
    one = json.loads(cli("--data", str(grown), "stale", "--json", "--limit", "1", "--fields", "id", env=env).stdout)
    assert len(one) == 1 and list(one[0]) == ["id"]
