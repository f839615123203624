"""Issue 20's data schema: reports, languages and checked days, visits both ways, intervals,
disputes, and the last confirmation of what is true today."""

from __future__ import annotations

from pathlib import Path

import pytest

from iranaz_cli import edtf
from iranaz_cli.errors import FactBaseError
from iranaz_cli.store import loader

REPORT = """
- id: presidentaz-2018-rouhani
  title: Hassan Rouhani visited Baku
  kind: report
  publisher: Official website of the President of Azerbaijan
  published: "2018-03-01"
  url: https://president.az/en/articles/view/27000
  language: en
  checked: "2026-12-05"
"""

VISIT_TO_IRAN = """
- id: aliyev-2004-tehran
  president: aliyev
  to: Iran
  host: khatami
  date: "2004-08-05/2004-08-06"
  place: Tehran
  occasion: Official visit
  sources:
    - source: presidentaz-2018-rouhani
      note: Ilham Aliyev was on an official visit to Iran on 5-6 August 2004.
"""

DISPUTE = """
- id: rouhani-visit-count
  subject: How many times Hassan Rouhani visited Azerbaijan as president
  about: [rouhani-2016, rouhani-2019]
  sides:
    - claim: Twice, in 2016 and 2019
      sources:
        - source: baku-visit-article
          quote: Hassan Rouhani visited twice
    - claim: Three times
      sources:
        - source: presidentaz-2018-rouhani
          note: The presidency lists a visit in 2018 too.
"""


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def _problems(base_dir: Path) -> list[str]:
    with pytest.raises(FactBaseError) as e:
        loader.validate(base_dir)
    return e.value.problems


@pytest.fixture
def grown(base_dir: Path) -> Path:
    """The shipped base with a report, a visit to Iran and a dispute."""
    _append(base_dir / "sources.yaml", REPORT)
    _append(base_dir / "visits.yaml", VISIT_TO_IRAN)
    (base_dir / "disputes.yaml").write_text(DISPUTE, encoding="utf-8")
    return base_dir


def test_the_schema_of_issue_20_loads(grown):
    base, _ = loader.validate(grown)
    report = next(s for s in base.sources if s.id == "presidentaz-2018-rouhani")
    assert (report.kind, report.language, report.checked) == ("report", "en", "2026-12-05")
    visit = next(v for v in base.visits if v.id == "aliyev-2004-tehran")
    assert (visit.to, visit.host, visit.date) == ("Iran", "khatami", "2004-08-05/2004-08-06")
    assert [d.id for d in base.disputes] == ["rouhani-visit-count"]
    assert all(v.to == "Azerbaijan" for v in base.visits if v.id != "aliyev-2004-tehran")


def test_a_visit_to_iran_is_checked_against_the_presidents_of_azerbaijan(grown):
    text = (grown / "visits.yaml").read_text(encoding="utf-8")
    (grown / "visits.yaml").write_text(text.replace('date: "2004-08-05/2004-08-06"', 'date: "2001"'), "utf-8")
    assert any("'aliyev' did not hold the office 'president-of-azerbaijan' on 2001" in p for p in _problems(grown))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('  published: "2018-03-01"\n', "", "a report needs 'published'"),
        ("url: https://president.az/en/articles/view/27000", "url: http://president.az/x", "needs an https 'url'"),
        ("language: en", "language: English", "not an ISO 639-1 code"),
        ('checked: "2026-12-05"', 'checked: "2026-12"', "'checked' is the day"),
        ("kind: report", "kind: blog", "'kind'"),
    ],
)
def test_a_report_needs_its_date_an_https_url_and_codes(grown, old, new, message):
    path = grown / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert any(message in p for p in _problems(grown)), _problems(grown)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  to: Iran\n", "", "missing required field 'to'"),
        ("to: Iran", "to: Turkey", "'to'"),
        ("host: khatami", "host: nobody", "'host' names 'nobody'"),
        ('"2004-08-05/2004-08-06"', '"2004-08-06/2004-08-05"', "ends (2004-08-05) before it starts"),
        ('"2004-08-05/2004-08-06"', '"2004-08-05/2004-08-32"', "bad interval"),
    ],
)
def test_a_visit_needs_its_country_a_known_host_and_an_ordered_interval(grown, old, new, message):
    path = grown / "visits.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert any(message in p for p in _problems(grown)), _problems(grown)


def test_intervals_are_inclusive_at_both_ends():
    i = edtf.parse("2004-08-05/2004-08-06")
    assert (i.first.isoformat(), i.last.isoformat(), i.precision) == ("2004-08-05", "2004-08-06", "day")
    assert edtf.parse("2004/2005-03").last.isoformat() == "2005-03-31"
    assert edtf.check("2004-08-05/2004-08-05") is None
    assert "before it starts" in (edtf.check("2005/2004") or "")


def test_an_interval_is_only_for_a_records_date(grown):
    path = grown / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"2018-03-01"', '"2018-03-01/2018-03-02"'), "utf-8")
    assert any("'published' is one date, not an interval" in p for p in _problems(grown))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("about: [rouhani-2016, rouhani-2019]", "about: [rouhani-2017]", "'about' names 'rouhani-2017'"),
        ("about: [rouhani-2016, rouhani-2019]", "about: []", "at least one record id"),
        ("source: presidentaz-2018-rouhani", "source: nowhere", "cites 'nowhere'"),
        ("quote: Hassan Rouhani visited twice", "quote: Rouhani visited thrice", "quote not found"),
        ("  subject:", "  subjectt:", "unknown field 'subjectt'"),
    ],
)
def test_a_dispute_is_about_records_and_each_side_is_sourced(grown, old, new, message):
    path = grown / "disputes.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert any(message in p for p in _problems(grown)), _problems(grown)


def test_a_dispute_needs_two_sides(grown):
    path = grown / "disputes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("    - claim: Three times")], encoding="utf-8")
    assert any("at least two sides" in p for p in _problems(grown))


def _confirm(base_dir: Path, confirmation: str) -> None:
    """Add a person of our own with an open term confirmed as given (the shipped people may change)."""
    _append(
        base_dir / "people.yaml",
        f"""
- id: test-holder
  name: Test Holder
  country: Iran
  roles:
    - office: test-office
      title: Holder of the test office
      start: "2020-01-01"
      last_confirmed: {confirmation}
      sources:
        - source: presidentaz-2018-rouhani
          note: The test holder took office on 2020-01-01.
  sources:
    - source: presidentaz-2018-rouhani
      note: A person for the tests.
""",
    )


def test_an_open_term_carries_its_last_confirmation(grown):
    _confirm(grown, '{date: "2026-06-18", source: presidentaz-2018-rouhani}')
    base, _ = loader.validate(grown)
    role = next(r for p in base.people if p.id == "test-holder" for r in p.roles)
    assert role.last_confirmed is not None and role.last_confirmed.date == "2026-06-18"


@pytest.mark.parametrize(
    ("confirmation", "message"),
    [
        ('{date: "2026-06", source: presidentaz-2018-rouhani}', "a full day"),
        ('{date: "2026-06-18~", source: presidentaz-2018-rouhani}', "a full day"),
        ('{date: "2026-06-18", source: nowhere}', "'nowhere' is not a source id"),
        ('{date: "2019-12-31", source: presidentaz-2018-rouhani}', "before the term starts"),
        ('{date: "2026-06-18"}', "missing required field 'source'"),
    ],
)
def test_a_last_confirmation_is_a_day_a_source_gives(grown, confirmation, message):
    _confirm(grown, confirmation)
    assert any(message in p for p in _problems(grown)), _problems(grown)


def test_events_may_carry_a_status_and_its_last_confirmation(grown):
    _append(
        grown / "corridor.yaml",
        """
- id: test-bridge-status
  summary: A bridge on the Aras is being built
  status: Under construction
  last_confirmed: {date: "2025-10-01", source: presidentaz-2018-rouhani}
  sources:
    - source: presidentaz-2018-rouhani
      note: The bridge was under construction.
""",
    )
    base, _ = loader.validate(grown)
    record = next(e for e in base.corridor if e.id == "test-bridge-status")
    assert record.status == "Under construction" and record.last_confirmed.source == "presidentaz-2018-rouhani"


def test_the_template_and_schema_know_the_new_fields(cli):
    visits = cli("add", "visits", "--template").stdout
    assert "to: Azerbaijan" in visits and "host:" in visits
    sources = cli("add", "sources", "--template").stdout
    assert "language:" in sources and "checked:" in sources and "report" in sources
    disputes = cli("add", "disputes", "--template").stdout
    assert "about:" in disputes and "claim:" in disputes
    schema = cli("schema", "sources").stdout
    assert '"report"' in schema and '"language"' in schema
