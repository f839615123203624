"""Issue 20: validate's warnings name what is weak, not a published report."""

from __future__ import annotations

import pytest
from test_schema20 import DISPUTE, REPORT, VISIT_TO_IRAN, _append

SOURCES = """
- id: dated-reference
  title: A dated reference
  kind: reference
  publisher: Some Encyclopedia
  published: "2025-01-01"
  url: https://example.org/dated

- id: undated-list
  title: A list with neither date nor address
  kind: reference
  publisher: Somebody
"""

PEOPLE = """
- id: test-leader
  name: Test Leader
  country: Iran
  roles:
    - office: test-office
      title: Holder of the test office
      start: "2000-01-01"
      end: "2010-01-01"
      end_reason: died
      sources:
        - source: undated-list
          note: The test leader held the office from 2000 until his death on 2010-01-01.
    - office: test-office
      title: Acting holder of the test office
      start: "2010-01-01"
      end: "2010-02-01"
      acting: true
      sources:
        - source: dated-reference
          note: The test leader's deputy acted for a month.
  sources:
    - source: dated-reference
      note: A person for the tests.
"""


def _warnings(cli, base_dir) -> list[str]:
    result = cli("validate", str(base_dir))
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("Warning:")]


@pytest.fixture
def grown(base_dir):
    _append(base_dir / "sources.yaml", REPORT + SOURCES)
    _append(base_dir / "visits.yaml", VISIT_TO_IRAN.replace("presidentaz-2018-rouhani", "dated-reference"))
    _append(base_dir / "people.yaml", PEOPLE)
    return base_dir


def test_a_record_citing_a_dated_published_reference_is_not_weak(grown, cli):
    assert not [w for w in _warnings(cli, grown) if "aliyev-2004-tehran" in w]


def test_a_source_with_neither_date_nor_url_is_weak(grown, cli):
    warnings = _warnings(cli, grown)
    assert any("source 'undated-list' has neither a date nor a URL" in w for w in warnings)
    assert not any("source 'dated-reference' has" in w for w in warnings)


def test_a_change_of_holder_needs_two_independent_sources(grown, cli):
    mine = [w for w in _warnings(cli, grown) if "'test-leader'" in w]
    assert any("the end of a term of 'test-office' (2010-01-01)" in w and "two independent sources" in w for w in mine)
    assert any("an acting term of 'test-office' (2010-01-01)" in w for w in mine)
    # a second publisher on each term quiets them
    people = grown / "people.yaml"
    text = people.read_text(encoding="utf-8")
    for note in ("until his death on 2010-01-01.", "acted for a month."):
        at = text.index(note) + len(note)
        text = text[:at] + "\n        - source: presidentaz-2018-rouhani\n          note: It says so too." + text[at:]
    people.write_text(text, encoding="utf-8")
    assert not [w for w in _warnings(cli, grown) if "'test-leader'" in w and "two independent" in w]


def test_a_contested_fact_with_one_source_is_weak(grown, cli):
    dispute = DISPUTE.replace("about: [rouhani-2016, rouhani-2019]", "about: [aliyev-2004-tehran]")
    (grown / "disputes.yaml").write_text(dispute, encoding="utf-8")
    warnings = _warnings(cli, grown)
    assert any("'aliyev-2004-tehran' is disputed (rouhani-visit-count) but cites one source" in w for w in warnings)
