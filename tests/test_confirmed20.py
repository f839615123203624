"""Issue 20: an open term says when a source last showed its holder in office; an answer about a
date after that says no source covers it."""

from __future__ import annotations

import json

import pytest
from test_schema20 import REPORT, _append

WIDE = {"COLUMNS": "250"}
PUBLISHER = "Official website of the President of Azerbaijan"


@pytest.fixture
def grown(base_dir):
    """The shipped base, a report, and a holder of a test office confirmed on 2026-06-18; another unconfirmed."""
    _append(base_dir / "sources.yaml", REPORT)
    _append(
        base_dir / "people.yaml",
        """
- id: test-holder
  name: Test Holder
  country: Iran
  roles:
    - office: test-office
      title: Holder of the test office
      start: "2020-01-01"
      last_confirmed: {date: "2026-06-18", source: presidentaz-2018-rouhani}
      sources:
        - source: presidentaz-2018-rouhani
          note: The test holder took office on 2020-01-01.
  sources:
    - source: presidentaz-2018-rouhani
      note: A person for the tests.

- id: other-holder
  name: Other Holder
  country: Iran
  roles:
    - office: other-office
      title: Holder of the other office
      start: "2021-01-01"
      sources:
        - source: presidentaz-2018-rouhani
          note: The other holder took office on 2021-01-01.
  sources:
    - source: presidentaz-2018-rouhani
      note: Another person for the tests.
""",
    )
    return base_dir


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_offices_say_when_an_open_term_was_last_confirmed(grown, cli):
    out = _flat(cli("--data", str(grown), "offices", env=WIDE).stdout)
    assert f"in office, last confirmed 2026-06-18 ({PUBLISHER})" in out
    assert "in office (no confirmation date)" in out
    assert " in office " not in out.replace("in office,", "").replace("in office (", "")


def test_who_says_when_an_open_term_was_last_confirmed(grown, cli):
    out = _flat(cli("--data", str(grown), "who", "Test Holder", env=WIDE).stdout)
    assert f"from 2020-01-01, in office, last confirmed 2026-06-18 ({PUBLISHER})" in out
    other = _flat(cli("--data", str(grown), "who", "Other Holder", env=WIDE).stdout)
    assert "from 2021-01-01, in office (no confirmation date)" in other


def test_a_date_after_the_last_confirmation_is_answered_with_a_caveat(grown, cli):
    out = _flat(cli("--data", str(grown), "offices", "test office", "--at", "2026-12-01", env=WIDE).stdout)
    assert "no source after 2026-06-18" in out
    [row] = json.loads(cli("--data", str(grown), "offices", "test office", "--at", "2026-12-01", "--json").stdout)
    assert row["caveat"] == "no source after 2026-06-18"
    assert row["last_confirmed"] == {"date": "2026-06-18", "source": "presidentaz-2018-rouhani", "publisher": PUBLISHER}
    before = json.loads(cli("--data", str(grown), "offices", "test office", "--at", "2026-06-18", "--json").stdout)
    assert before[0]["caveat"] is None
    who = _flat(cli("--data", str(grown), "who", "holder of the test office", "--at", "2027", env=WIDE).stdout)
    assert "no source after 2026-06-18" in who
    [person] = json.loads(cli("--data", str(grown), "who", "Test Holder", "--at", "2027", "--json").stdout)
    assert person["roles"][0]["caveat"] == "no source after 2026-06-18"


def test_an_unconfirmed_open_term_at_a_date_says_so(grown, cli):
    [row] = json.loads(cli("--data", str(grown), "offices", "other office", "--at", "2026", "--json").stdout)
    assert row["caveat"] == "no confirmation date" and row["last_confirmed"] is None
