"""Offices in time: terms of office, who held an office at a date, and who hosted each visit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iranaz_cli import edtf
from iranaz_cli.errors import FactBaseError
from iranaz_cli.store import loader

IRAN, AZERBAIJAN, LEADER = "president of iran", "president of azerbaijan", "supreme leader of iran"

# (office as a reader names it, a date, the ids of everyone who held the office at some day of that
# date, the current or latest first) -- or None: no recorded holder, exit 1.
DATE_QUESTIONS = [
    # exact days on both sides of each handover: a term's end is its last day in office, so on a
    # handover day both held the office, the outgoing holder first
    (AZERBAIJAN, "2003-10-30", ["heydar-aliyev"]),
    (AZERBAIJAN, "2003-10-31", ["heydar-aliyev", "aliyev"]),
    (AZERBAIJAN, "2003-11-01", ["aliyev"]),
    (AZERBAIJAN, "1993-10-09", ["heydar-aliyev"]),
    (AZERBAIJAN, "1993-10-10", ["heydar-aliyev"]),
    (AZERBAIJAN, "1993-08-31", ["elchibey", "heydar-aliyev"]),  # acting terms may overlap
    (AZERBAIJAN, "1993-09-01", ["elchibey", "heydar-aliyev"]),
    (AZERBAIJAN, "1993-09-02", ["heydar-aliyev"]),
    (AZERBAIJAN, "1993-06-23", ["elchibey"]),
    (AZERBAIJAN, "1993-06-24", ["elchibey", "heydar-aliyev"]),
    (IRAN, "2024-05-18", ["raisi"]),
    (IRAN, "2024-05-19", ["raisi", "mokhber"]),
    (IRAN, "2024-05-20", ["mokhber"]),
    (IRAN, "2024-07-27", ["mokhber"]),
    (IRAN, "2024-07-28", ["mokhber", "pezeshkian"]),
    (IRAN, "2024-07-29", ["pezeshkian"]),
    (IRAN, "2005-08-02", ["khatami"]),
    (IRAN, "2005-08-03", ["khatami", "ahmadinejad"]),
    (IRAN, "2005-08-04", ["ahmadinejad"]),
    (IRAN, "1997-08-03", ["rafsanjani", "khatami"]),
    (IRAN, "1989-08-03", ["rafsanjani"]),
    (LEADER, "1989-06-04", ["khamenei"]),
    # years and months that span a handover name every holder, in the order they held the office
    (AZERBAIJAN, "1993", ["elchibey", "heydar-aliyev"]),
    (AZERBAIJAN, "2003-10", ["heydar-aliyev", "aliyev"]),
    (AZERBAIJAN, "2003", ["heydar-aliyev", "aliyev"]),
    (IRAN, "2024-05", ["raisi", "mokhber"]),
    (IRAN, "2024-07", ["mokhber", "pezeshkian"]),
    (IRAN, "2024", ["raisi", "mokhber", "pezeshkian"]),
    (IRAN, "1997", ["rafsanjani", "khatami"]),
    # years and months inside one term
    (IRAN, "2000", ["khatami"]),
    (IRAN, "2024-06", ["mokhber"]),
    (AZERBAIJAN, "1992", ["elchibey"]),  # from 1992-06-16; before that no holder is recorded
    (LEADER, "2024-05", ["khamenei"]),
    # approximate (~) and uncertain (?) dates denote the same days, marked
    (IRAN, "2005-08-03~", ["khatami", "ahmadinejad"]),
    (IRAN, "2004~", ["khatami"]),
    (IRAN, "2013?", ["ahmadinejad", "rouhani"]),
    (AZERBAIJAN, "1993-06%", ["elchibey", "heydar-aliyev"]),
    # after the last recorded handover: the holder in office
    (IRAN, "2026", ["pezeshkian"]),
    (AZERBAIJAN, "2025-04-28", ["aliyev"]),
    # before the first recorded term: nobody, said plainly
    (IRAN, "1989-08-02", None),
    (IRAN, "1980", None),
    (AZERBAIJAN, "1992-06-15", None),
    (AZERBAIJAN, "1991-12", None),
    (LEADER, "1989-06-03", None),
]


@pytest.mark.parametrize(("office", "date", "holders"), DATE_QUESTIONS, ids=[f"{o}@{d}" for o, d, _ in DATE_QUESTIONS])
def test_who_held_an_office_at_a_date(cli, office, date, holders):
    result = cli("who", "--at", date, office, "--json")
    if holders is None:
        assert (result.exit_code, json.loads(result.stdout)) == (1, [])
        assert result.stderr.startswith(f"Error: no recorded holder of '{office}' at {date} (the records begin ")
        table = cli("who", "--at", date, office)
        assert (table.exit_code, table.stdout) == (1, "")  # a message, not an empty table
        return
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == holders
    when = edtf.parse(date)
    for row in rows:  # each shows the roles held then, and only those
        assert row["roles"] and all(edtf.in_term(when, r["start"], r["end"]) for r in row["roles"])


@pytest.mark.parametrize(("office", "date", "holders"), DATE_QUESTIONS, ids=[f"{o}@{d}" for o, d, _ in DATE_QUESTIONS])
def test_offices_at_a_date_agrees_with_who(cli, office, date, holders):
    key = office.replace(" ", "-")
    result = cli("offices", key, "--at", date, "--json")
    if holders is None:
        assert result.exit_code == 1 and result.stderr.startswith(f"Error: no recorded holder of {key} at {date}")
        return
    assert list(dict.fromkeys(r["holder_id"] for r in json.loads(result.stdout))) == holders


@pytest.mark.parametrize(("office", "date", "holders"), DATE_QUESTIONS, ids=[f"{o}@{d}" for o, d, _ in DATE_QUESTIONS])
def test_the_export_answers_a_date_question_as_the_cli_does(exported, office, date, holders):
    """`between date_start and date_end` on the roles table gives the holders `who --at` gives."""
    when = edtf.parse(date)
    rows = exported.execute(
        "SELECT DISTINCT person_id FROM roles WHERE office = ? AND date_start <= ? AND date_end >= ?"
        " ORDER BY date_start",
        (office.replace(" ", "-"), when.last.isoformat(), when.first.isoformat()),
    ).fetchall()
    open_ended = exported.execute(
        "SELECT DISTINCT person_id FROM roles WHERE office = ? AND date_start <= ? AND date_end IS NULL",
        (office.replace(" ", "-"), when.last.isoformat()),
    ).fetchall()
    assert [r[0] for r in rows + open_ended] == (holders or [])


def test_a_handover_day_is_a_day_of_both_terms_in_the_export(exported):
    """The question `between` asks of one day: roles and records use the same inclusive convention."""
    held = exported.execute(
        "SELECT person_id FROM roles WHERE office = 'president-of-iran'"
        " AND '2024-05-19' BETWEEN date_start AND date_end ORDER BY date_start"
    ).fetchall()
    assert [r[0] for r in held] == ["raisi", "mokhber"]
    [(start, end)] = exported.execute(
        "SELECT date_start, date_end FROM records WHERE id = 'raisi-death-2024'"
    ).fetchall()
    assert start == end == "2024-05-19"


def test_who_and_offices_name_both_holders_of_a_handover_day(cli):
    out = cli("offices", "president-of-iran", "--at", "2024-05-19", env={"COLUMNS": "200"}).stdout
    assert out.index("Ebrahim Raisi") < out.index("Mohammad Mokhber")
    assert "a handover day is in both terms" in out
    who = cli("who", "--at", "2024-05-19", "president of iran", env={"COLUMNS": "200"}).stdout
    assert who.index("Person: Ebrahim Raisi") < who.index("Person: Mohammad Mokhber")
    assert "President of Iran, 2021-08-03 to 2024-05-19 (died in office)" in who


def test_the_role_query_answers_with_the_holder_and_only_them(cli):
    result = cli("who", "--at", "2000", "president of iran")
    assert result.exit_code == 0
    assert "Person: Mohammad Khatami" in result.stdout and result.stdout.count("Person:") == 1
    assert "President of Iran, 1997-08-03 to 2005-08-03" in result.stdout


def test_a_role_without_a_date_lists_every_holder_current_first(cli):
    rows = json.loads(cli("who", "president of iran", "--json").stdout)
    assert [r["id"] for r in rows] == [
        "pezeshkian", "mokhber", "raisi", "rouhani", "ahmadinejad", "khatami", "rafsanjani"
    ]  # fmt: skip
    assert [(r["start"], r["end"]) for r in rows[2]["roles"]] == [("2021-08-03", "2024-05-19")]
    assert rows[1]["roles"][0]["acting"] is True
    out = cli("who", "president of azerbaijan").stdout
    assert out.index("Ilham Aliyev") < out.index("Heydar Aliyev") < out.index("Abulfaz Elchibey")
    assert "President of Azerbaijan, from 2003-10-31, in office" in out


def test_a_name_query_at_a_date_shows_the_roles_held_then(cli):
    [heydar] = json.loads(cli("who", "--at", "1993", "Heydar Aliyev", "--json").stdout)
    assert [r["acting"] for r in heydar["roles"]] == [True, False]
    [heydar] = json.loads(cli("who", "--at", "1995", "Heydar Aliyev", "--json").stdout)
    assert [r["title"] for r in heydar["roles"]] == ["President of Azerbaijan"]
    [khatami] = json.loads(cli("who", "--at", "1980", "Khatami", "--json").stdout)
    assert khatami["roles"] == []  # the person, who held no recorded role then
    [sanaei] = json.loads(cli("who", "--at", "2025", "Sanaei", "--json").stdout)
    assert sanaei["roles"][0]["as_of"] == "2025"
    assert json.loads(cli("who", "--at", "2020", "Sanaei", "--json").stdout)[0]["roles"] == []


@pytest.mark.parametrize("date", ["93", "2020-13", "2021-02-30", "1993/1994", "", "2024-05-19~~", "yesterday"])
@pytest.mark.parametrize("command", [("who", "--at", "{}", "president of iran"), ("offices", "--at", "{}")])
def test_a_malformed_date_is_a_usage_error(cli, command, date):
    result = cli(*(a.format(date) for a in command))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: --at: bad date {date!r}")


def test_offices_lists_each_succession_oldest_first(cli):
    rows = json.loads(cli("offices", "--json").stdout)
    assert [r["office"] for r in rows] == ["president-of-azerbaijan"] * 4 + ["president-of-iran"] * 7 + [
        "supreme-leader-of-iran"
    ]
    iran = [(r["holder_id"], r["start"], r["end"], r["acting"]) for r in rows if r["office"] == "president-of-iran"]
    assert iran == [
        ("rafsanjani", "1989-08-03", "1997-08-03", False),
        ("khatami", "1997-08-03", "2005-08-03", False),
        ("ahmadinejad", "2005-08-03", "2013-08-03", False),
        ("rouhani", "2013-08-03", "2021-08-03", False),
        ("raisi", "2021-08-03", "2024-05-19", False),
        ("mokhber", "2024-05-19", "2024-07-28", True),
        ("pezeshkian", "2024-07-28", None, False),
    ]
    assert next(r for r in rows if r["holder_id"] == "raisi")["end_reason"] == "died in office"
    assert all(c["source"].startswith("wikipedia-") and c["note"] for r in rows for c in r["sources"])


def test_offices_names_one_office_by_key_or_words(cli):
    by_key = cli("offices", "president-of-iran", "--json").stdout
    assert cli("offices", "President of Iran", "--json").stdout == by_key
    assert len(json.loads(by_key)) == 7
    result = cli("offices", "king of france")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: unknown office 'king of france' "
        "(offices: president-of-azerbaijan, president-of-iran, supreme-leader-of-iran)\n"
    )


def test_offices_at_a_date_leaves_out_offices_without_a_recorded_holder(cli):
    rows = json.loads(cli("offices", "--at", "1990", "--json").stdout)
    assert [(r["office"], r["holder_id"]) for r in rows] == [
        ("president-of-iran", "rafsanjani"),
        ("supreme-leader-of-iran", "khamenei"),
    ]
    result = cli("offices", "--at", "1980")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: no recorded holder of any office at 1980 (the records begin 1989-06-04)\n"


# --- the host of each visit --------------------------------------------------------------------------

HOSTS = {
    "rafsanjani-1993": (["elchibey", "heydar-aliyev"], False),
    "khatami-2004": (["aliyev"], True),
    "ahmadinejad-2007": (["aliyev"], True),
    "ahmadinejad-2010": (["aliyev"], True),
    "rouhani-2016": (["aliyev"], True),
    "rouhani-2019": (["aliyev"], True),
    "pezeshkian-2025": (["aliyev"], True),
}


@pytest.mark.parametrize("visit", HOSTS)
def test_the_host_of_each_visit(cli, visit):
    [row] = [v for v in json.loads(cli("visits", "--json").stdout) if v["id"] == visit]
    ids, certain = HOSTS[visit]
    assert (row["host"]["ids"], row["host"]["certain"]) == (ids, certain)
    assert row["host"]["names"] == [json.loads(cli("show", i, "--json").stdout)["name"] for i in ids]


def test_the_visits_table_says_when_the_date_cannot_decide_the_host(cli):
    out = cli("visits", env={"COLUMNS": "200"}).stdout
    assert "Abulfaz Elchibey or Heydar Aliyev (the date, 1993, spans both)" in out
    line = next(line for line in out.splitlines() if "khatami-2004" in line)
    assert re.search(r"Mohammad Khatami\s+Azerbaijan\s+Ilham Aliyev\s+Visit", line)


@pytest.mark.parametrize(
    ("visit", "date", "shown", "certain"),
    [
        ("2004", "2004~", "Ilham Aliyev (the date, 2004~, is approximate)", False),
        ("2004", "2004?", "Ilham Aliyev (the date, 2004?, is uncertain)", False),
        ("1993", "1993-07-01", "Abulfaz Elchibey or Heydar Aliyev (both held the office on 1993-07-01)", False),
        ("1993", "1993-11", "Heydar Aliyev", True),
        ("1993", "1993-10", "Heydar Aliyev", True),  # acting, then president: one person throughout
        ("2004", "2003-10-31", "Heydar Aliyev or Ilham Aliyev (both held the office on 2003-10-31)", False),
        ("2004", "2003-11-01", "Ilham Aliyev", True),
        ("1993", "1992", "Abulfaz Elchibey (no holder is recorded for part of 1992)", False),
        ("1993", "1991", "none recorded", False),
    ],
)
def test_the_host_of_other_dates(cli, base_dir, visit, date, shown, certain):
    visits = base_dir / "visits.yaml"
    _edit(visits, f'date: "{visit}"', f'date: "{date}"')
    args = ("visits", "--data", str(base_dir), "--since", date[:4], "--until", date[:4])
    result = cli(*args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.stderr
    assert shown in result.stdout
    assert json.loads(cli(*args, "--json").stdout)[0]["host"]["certain"] is certain


# --- terms in the timeline ---------------------------------------------------------------------------


def test_the_timeline_shows_the_start_and_end_of_terms_in_order(cli):
    rows = json.loads(cli("timeline", "--since", "2024", "--json").stdout)
    may = [(r["kind"], r["id"], r["summary"]) for r in rows if r["date"].startswith(("2024-05", "2024-07"))]
    assert may == [
        ("event", "raisi-aliyev-border-ceremony-2024", may[0][2]),
        ("event", "raisi-death-2024", may[1][2]),
        ("term", "raisi@term-1/end", "Ebrahim Raisi's term as President of Iran ended: died in office"),
        ("term", "mokhber@term-1", "Mohammad Mokhber took office as Acting President of Iran"),
        ("term", "mokhber@term-1/end", "Mohammad Mokhber's term as Acting President of Iran ended"),
        ("term", "pezeshkian@term-1", "Masoud Pezeshkian took office as President of Iran"),
    ]
    terms = json.loads(cli("timeline", "--kind", "term", "--json").stdout)
    assert len(terms) == 12 + 9  # every start, and every end but those of the three terms still running
    assert terms[0]["summary"] == "Ali Khamenei took office as Supreme Leader of Iran"
    assert all(t["sources"] for t in terms)


# --- validation ------------------------------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line_of(path: Path, needle: str, after: str = "") -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines[start:], start + 1) if needle in line)


def _problems(base_dir: Path) -> list[str]:
    with pytest.raises(FactBaseError) as e:
        loader.validate(base_dir)
    return e.value.problems


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "after", "message"),
    [
        ("visits.yaml", 'date: "2004"', 'date: "1994"', '"1994"', "",
         "'khatami' did not hold the office 'president-of-iran' on 1994 (its holders then: rafsanjani)"),
        ("visits.yaml", 'date: "2025"  #', 'date: "2024-06"  #', '"2024-06"', "",
         "'pezeshkian' did not hold the office 'president-of-iran' on 2024-06 (its holders then: mokhber)"),
        ("people.yaml", 'start: "1997-08-03"', 'start: "1997-08-02"', '"1997-08-02"', "",
         "this term of 'president-of-iran' overlaps rafsanjani's (1989-08-03 to 1997-08-03)"),
        ("people.yaml", 'start: "1992-06-16"\n      end: "1993-09-01"', 'start: "1992-06-16"\n      end: "1993-10-11"',
         'start: "1993-10-10"', "id: heydar-aliyev",
         "this term of 'president-of-azerbaijan' overlaps elchibey's (1992-06-16 to 1993-10-11)"),
        ("people.yaml", 'start: "2013-08-03"\n      end: "2021-08-03"', 'start: "2013-08-03"\n      end: "2013-08-02"',
         'end: "2013-08-02"', "id: rouhani", "the term ends (2013-08-02) before it starts (2013-08-03)"),
        ("people.yaml", 'start: "1989-06-04"\n', 'start: "1989-06-04"\n      end_reason: retired\n', "end_reason",
         "", "'end_reason' needs an 'end'"),
        ("people.yaml", "    - office: supreme-leader-of-iran\n", "    - office: Supreme Leader\n", "office: Supreme",
         "", "office 'Supreme Leader' is not a lowercase slug"),
        ("people.yaml", '      start: "1989-06-04"\n', "", "office: supreme-leader-of-iran", "",
         "a term of office 'supreme-leader-of-iran' needs a 'start'"),
        ("people.yaml", "          note: Ali Khamenei has been", "          quote: Ali Khamenei has been",
         "source: wikipedia-supreme-leader-of-iran", "",
         "a citation of reference 'wikipedia-supreme-leader-of-iran' needs a 'note' and no 'quote'"),
        ("people.yaml", "        - source: wikipedia-supreme-leader-of-iran", "        - source: wikipedia-nowhere",
         "wikipedia-nowhere", "", "cites 'wikipedia-nowhere', which is not a source id"),
        ("people.yaml", "    - title: Oil Minister of Iran\n",
         "    - title: Oil Minister of Iran\n      acting: true\n", "title: Oil Minister", "",
         "'acting' and 'end_reason' belong to a term"),
    ],
    ids=["visit-wrong-year", "visit-in-acting-term", "overlap", "overlap-with-acting-aside", "end-not-after-start",
         "end-reason-without-end", "office-not-a-slug", "term-without-start", "reference-with-quote",
         "unknown-reference", "acting-without-office"],
)  # fmt: skip
def test_each_term_problem_names_file_and_line(base_dir, file, old, new, needle, after, message):
    path = base_dir / file
    _edit(path, old, new)
    expected = f"{base_dir}/{file}:{_line_of(path, needle, after)}: {message}"
    assert any(p.startswith(expected) for p in _problems(base_dir)), _problems(base_dir)


def test_a_term_must_cite_its_source(base_dir):
    path = base_dir / "people.yaml"
    _edit(
        path,
        "      sources:\n        - source: wikipedia-supreme-leader-of-iran\n"
        "          note: Ali Khamenei has been Supreme Leader of Iran since 1989-06-04.\n",
        "",
    )
    line = _line_of(path, "office: supreme-leader-of-iran")
    assert _problems(base_dir) == [f"{base_dir}/people.yaml:{line}: 'sources' must cite at least one source"]


def test_the_wrong_year_is_reported_through_the_cli(cli, base_dir):
    _edit(base_dir / "visits.yaml", 'date: "2016"', 'date: "2012"')
    result = cli("validate", str(base_dir))
    line = _line_of(base_dir / "visits.yaml", '"2012"')
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {base_dir}/visits.yaml:{line}: 'rouhani' did not hold the office 'president-of-iran' on 2012 "
        "(its holders then: ahmadinejad)\n"
    )


def test_a_base_without_terms_does_not_check_its_visits_against_them(base_dir):
    path = base_dir / "people.yaml"
    text = re.sub(r"    - office: president-of-iran\n(?:      .*\n|        .*\n)*", "    - title: President of Iran\n",
                  path.read_text(encoding="utf-8"))  # fmt: skip
    path.write_text(text, encoding="utf-8")
    base, _ = loader.validate(base_dir)
    assert not [r for p in base.people for r in p.roles if r.office == "president-of-iran"]


# --- the people and the intervals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "person", "alias"),
    [("Heydər Əliyev", "heydar-aliyev", "Heydər Əliyev"), ("Elçibəy", "elchibey", "Əbülfəz Elçibəy"),
     ("مخبر", "mokhber", "محمد مخبر"), ("Mokhber", "mokhber", "محمد مخبر")],
)  # fmt: skip
def test_the_new_people_are_found_by_their_native_script_names(cli, query, person, alias):
    [row] = json.loads(cli("who", query, "--json").stdout)
    assert row["id"] == person and alias in row["aliases"]
    assert any(c["source"] == "wikipedia-name-spellings" and alias in c["note"] for c in row["sources"])


def test_raisi_holds_his_term_not_a_former_title(cli):
    [raisi] = json.loads(cli("who", "Raisi", "--json").stdout)
    assert [(r["title"], r["end"], r["end_reason"]) for r in raisi["roles"]] == [
        ("President of Iran", "2024-05-19", "died in office")
    ]
    assert "President of Iran, 2021-08-03 to 2024-05-19 (died in office)" in cli("who", "Raisi").stdout


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (("1989-08-03", "1997-08-03"), ("1997-08-03", None), False),  # a handover day
        (("1989-08-03", "1997-08-03"), ("1997-08-04", None), False),  # the next day
        (("2000-01-01", "2000-01-10"), ("2000-01-05", "2000-01-05"), True),  # one day, but no handover
        (("2000-01-01", "2000-01-10"), ("2000-01-10", "2000-01-10"), False),  # a one-day term on the handover day
        (("1989-08-03", "1997-08-04"), ("1997-08-03", None), True),
        (("1993", "1995"), ("1994", None), True),  # certainly shares 1994-12-31
        (("1993", "1994"), ("1993-06", "1993-09"), False),  # may not: the first may begin in December
        (("2000", None), ("2010", None), True),
    ],
)
def test_terms_overlap_only_when_they_certainly_share_a_day(a, b, overlap):
    assert edtf.terms_overlap(a, b) is overlap and edtf.terms_overlap(b, a) is overlap


def test_covered_merges_consecutive_terms():
    terms = [("1993-06-24", "1993-10-10"), ("1993-10-10", "2003-10-31")]
    assert edtf.covered(edtf.parse("1993-10"), terms)
    assert not edtf.covered(edtf.parse("1993"), terms)
    assert not edtf.covered(edtf.parse("1993-10"), terms[:1])
    assert edtf.covered(edtf.parse("2030"), [("2003-10-31", None)])


# --- hostile values and the installed command ---------------------------------------------------------


def test_a_hostile_title_and_end_reason_are_shown_literally(cli, base_dir):
    path = base_dir / "people.yaml"
    _edit(path, "      title: Supreme Leader of Iran\n", '      title: "[bold]Leader\\e[2J"\n')
    _edit(path, "      end_reason: died in office\n", '      end_reason: "[red]x\\e]0;t\\a"\n')
    for args in (("offices",), ("who", "Khamenei"), ("timeline", "--kind", "term"), ("who", "--at", "2021", "Raisi")):
        out = cli(*args, "--data", str(base_dir), env={"COLUMNS": "200"}).stdout
        assert "\x1b" not in out and "\x07" not in out
        assert "[bold]Leader\\x1b[2J" in out or "[red]x\\x1b]0;t\\x07" in out


@pytest.mark.installed
def test_the_installed_command_answers_at_a_date():
    from test_installed import run

    result = run("offices", "--at", "1980")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "Error: no recorded holder of any office at 1980 (the records begin 1989-06-04)\n"
    result = run("who", "--at", "2024-05-19", "president of iran", "--format", "csv")
    assert result.returncode == 0 and result.stdout.splitlines()[1].startswith("raisi,Ebrahim Raisi,")
    assert result.stdout.splitlines()[2].startswith("mokhber,Mohammad Mokhber,")
    assert run("who", "--at", "2024-00", "x").returncode == 2


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('start: "1997-08-03"', 'start: "1997-08-3"', "bad date '1997-08-3'"),
        ('start: "1997-08-03"\n      end: "2005-08-03"', 'start: "1997-08-03"\n      end: "1997-08-02"',
         "the term ends (1997-08-02) before it starts (1997-08-03)"),
        ("  country: Iran\n  roles:\n    - office: president-of-iran\n      title: President of Iran\n"
         '      start: "1997-08-03"', "  country: Iran\n  born: 1943\n  roles:\n    - office: president-of-iran\n"
         '      title: President of Iran\n      start: "1997-08-03"', "unknown field 'born'"),
    ],
    ids=["bad-start", "end-at-start", "unreadable-person"],
)  # fmt: skip
def test_a_broken_term_is_reported_once_not_again_for_the_visit(base_dir, old, new, message):
    _edit(base_dir / "people.yaml", old, new)
    [problem] = _problems(base_dir)
    assert message in problem and "people.yaml" in problem


def test_an_offices_row_names_its_holder_as_every_reference_is_named(cli):
    rows = json.loads(cli("offices", "president-of-iran", "--json").stdout)
    assert all(r["id"].startswith(f"{r['holder_id']}@term-") for r in rows)  # a term's id names its holder
    assert {r["holder_id"]: r["holder"] for r in rows}["mokhber"] == "Mohammad Mokhber"
