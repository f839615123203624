"""The query core answers every question the article can answer, as plain data."""

from __future__ import annotations

import pytest

import iranaz_cli as api
from iranaz_cli import edtf
from iranaz_cli.ask.rows import records_of
from iranaz_cli.errors import NotFound, UsageError

SEVEN_VISITS = [
    ("rafsanjani-1993", "Akbar Hashemi Rafsanjani", "1993"),
    ("khatami-2004", "Mohammad Khatami", "2004"),
    ("ahmadinejad-2007", "Mahmoud Ahmadinejad", "2007"),
    ("ahmadinejad-2010", "Mahmoud Ahmadinejad", "2010"),
    ("rouhani-2016", "Hassan Rouhani", "2016"),
    ("rouhani-2019", "Hassan Rouhani", "2019"),
    ("pezeshkian-2025", "Masoud Pezeshkian", "2025"),
]


def test_the_seven_visits_oldest_first(base):
    assert [(v["id"], v["president"], v["date"]) for v in api.visits(base)] == SEVEN_VISITS


def test_visits_filter_by_year_inclusive_and_by_president_in_any_spelling(base):
    assert [v["year"] for v in api.visits(base, since=2007, until=2016)] == [2007, 2010, 2016]
    assert [v["id"] for v in api.visits(base, president="Rowhani")] == ["rouhani-2016", "rouhani-2019"]
    with pytest.raises(UsageError):
        api.visits(base, since=2020, until=2010)


def test_visit_summary_counts_presidents_and_the_longest_gap(base):
    s = api.visit_summary(api.visits(base))
    assert s == {
        "visits": 7,
        "in_article": 7,
        "articles": 1,
        "presidents": 5,
        "first_year": 1993,
        "last_year": 2025,
        "longest_gap": {"years": 11, "from": 1993, "to": 2004},
    }


def test_the_gas_figure_and_its_conversions(base):
    [deal] = api.gas(base)
    assert deal["volume_bcm_per_year"] == 55
    assert (deal["supplier"], deal["buyer"], deal["transit"]) == ("Russia", "Iran", ["Azerbaijan"])
    assert (deal["delivery_point"], deal["announced_by"], deal["announced_in"]) == (
        "Astara",
        "Mohsen Paknejad",
        "Moscow",
    )
    assert api.gas(base, "mcm/d")[0]["volume"] == {
        "value": 151,  # 55,000 / 365 = 150.68..., to 3 significant figures
        "unit": "mcm/d",
        "basis": "annual import volume under the memorandum",
        "approximate": True,
    }
    assert api.gas(base, "bcf/d")[0]["volume"]["value"] == 5.32  # 5.3214...
    assert api.gas(base, "tcf/y")[0]["volume"]["value"] == 1.94  # 1.9423...
    assert api.gas(base)[0]["volume"] == {
        "value": 55,
        "unit": "bcm/y",
        "basis": "annual import volume under the memorandum",
        "approximate": False,
    }
    with pytest.raises(UsageError):
        api.gas(base, "furlongs")


def test_corridor_chronology_dated_first_then_undated_in_file_order(base):
    rows = api.corridor(base)
    assert [r["id"] for r in rows] == [
        "zangezur-railway-severed-1988",
        "nakhchivan-access-via-iran-turkey",
        "second-karabakh-war",
        "zangezur-railway",
        "nakhchivan-exclave",
        "azerbaijan-seeks-nakhchivan-corridor",
        "iran-opposes-new-corridor",
    ]
    assert [r["year"] for r in rows[:3]] == [1988, 1988, 2020]


def test_timeline_is_every_dated_record_oldest_first(base):
    rows = api.timeline(base)
    assert all(r["date"] for r in rows)
    dates = [r["date"] for r in rows]  # by the interval's last day: "1993-06-24" before "1993"
    assert dates == sorted(dates, key=edtf.sort_key)
    assert dates.index("1993-06-24") < dates.index("1993")
    assert [r["id"] for r in rows if r["year"] == 2024][:2] == ["raisi-aliyev-border-ceremony-2024", "raisi-death-2024"]
    assert rows[0]["id"] == "zangezur-railway-severed-1988"
    assert {r["kind"] for r in rows} == {"visit", "event", "corridor", "quote", "gas", "term"}
    assert {r["kind"] for r in api.timeline(base, kinds=["visit"])} == {"visit"}
    records = ["visit", "event", "corridor", "quote", "gas"]
    assert [r["year"] for r in api.timeline(base, since=2024, until=2024, kinds=records)] == [2024, 2024, 2024]
    with pytest.raises(UsageError):
        api.timeline(base, kinds=["battle"])


def test_search_is_literal_and_folds_case_accents_and_typography(base):
    assert {r["id"] for r in api.search(base, "ZAGULBA")} >= {"zagulba-welcome-2025", "pezeshkian-2025"}
    assert api.search(base, "Iran's President")  # the article writes Iran’s
    assert api.search(base, "İlham")  # dotted capital I, as Azerbaijani writes it
    assert api.search(base, ".*") == []
    assert {r["id"] for r in api.search(base, "(COP29)")} == {"cop29-baku-2024"}  # a literal parenthesis


def test_quotes_by_speaker(base):
    assert [q["id"] for q in api.quotes(base, "Sanaei")] == ["sanaei-compressed-trip", "sanaei-new-beginning"]
    assert {q["direct"] for q in api.quotes(base)} == {True, False}


def test_record_has_full_provenance(base):
    record = api.record(base, "rouhani-2019")
    assert record["kind"] == "visit" and record["year"] == 2019
    assert record["provenance"] == [
        {
            "source": "baku-visit-article",
            "title": "Iran’s President Pezeshkian Visits Azerbaijan Amid Efforts to Revive Ties",
            "source_kind": "article",
            "publisher": None,
            "published": None,
            "quote": "Hassan Rouhani visited twice, once in 2016 and again in 2019",
            "start": 4200,
            "end": 4260,
            "line": 19,
            "exact": "Hassan Rouhani visited twice, once in 2016 and again in 2019",
            "prefix": "aspian Sea Summit in 2010 — and ",
            "suffix": ".\n\nPezeshkian’s trip thus contin",
            "context": {
                "start": 4045,
                "end": 4261,
                "text": "Mohammad Khatami visited in 2004, Mahmoud Ahmadinejad made two trips — an official visit in"
                " 2007 and participation in the Caspian Sea Summit in 2010 — and Hassan Rouhani visited twice,"
                " once in 2016 and again in 2019.",
                "quote_start": 155,
                "quote_end": 215,
            },
        }
    ]
    with pytest.raises(NotFound):
        api.record(base, "no-such-id")


def test_sources_count_the_records_citing_them(base):
    counts = {s["id"]: s["records"] for s in api.sources(base)}
    cited = sum(1 for _, r in records_of(base) if any(c.source == "wikipedia-cop29" for c in getattr(r, "sources", [])))
    assert counts["wikipedia-cop29"] == cited == 1
    assert counts["wikipedia-name-spellings"] == 15
    assert counts["wikipedia-presidents-of-iran"] == 8  # a term's own citation counts for its person
    assert counts["baku-visit-article"] == 54


def _event(base, record_id):
    return api.record(base, record_id)


# Every item of the fact-base issue's coverage list, each answered through the core.
COVERAGE = {
    "arrived in Baku on an official visit": lambda b: (
        api.visits(b, "Pezeshkian")[0]["place"] == "Baku"
        and api.visits(b, "Pezeshkian")[0]["occasion"] == "Official visit"
    ),
    "welcomed by Aliyev at the Zagulba Palace": lambda b: (
        "aliyev" in _event(b, "zagulba-welcome-2025")["participant_ids"]
        and "Zagulba Palace" in _event(b, "zagulba-welcome-2025")["place"]
    ),
    "talks began right after the welcoming ceremony": lambda b: (
        "bilateral-talks-2025" in {r["id"] for r in api.search(b, "began immediately")}
    ),
    "state TV broadcast 'friend of Azerbaijan'": lambda b: any(
        q["text"] == "friend of Azerbaijan" and q["direct"] and "state television" in q["context"]
        for q in api.quotes(b, "Pezeshkian")
    ),
    "conveyed Khamenei's greetings to Aliyev": lambda b: (
        "aliyev" in _event(b, "khamenei-greetings-to-aliyev-2025")["participant_ids"]
        and "khamenei" in _event(b, "khamenei-greetings-to-aliyev-2025")["mentioned_ids"]
    ),
    "first trip in nearly six years": lambda b: (
        "pezeshkian-2025" in {r["id"] for r in api.search(b, "nearly six years")}
    ),
    "the agenda": lambda b: (
        len(api.visits(b, "Pezeshkian")[0]["agenda"]) == 5
        and any("border governors" in a for a in api.visits(b, "Pezeshkian")[0]["agenda"])
    ),
    "statement before leaving Tehran": lambda b: any(
        q["text"].startswith("Our relationship with Azerbaijan is rooted") and "Tehran" in q["context"]
        for q in api.quotes(b, "Pezeshkian")
    ),
    "relations fragile over ties with Israel": lambda b: (
        "relations-fragile-over-israel" in {r["id"] for r in api.search(b, "Israel")}
    ),
    "Sanaei: compressed one-day trip": lambda b: (
        "compressed one-day trip" in {q["text"] for q in api.quotes(b, "Sanaei")}
    ),
    "the Shahid Rajaee Port explosion": lambda b: (
        _event(b, "shahid-rajaee-port-explosion-2025")["date"] == "2025-04-26"
    ),
    "Sanaei: a new beginning": lambda b: "a new beginning" in {q["text"] for q in api.quotes(b, "Sanaei")},
    "IRNA: part of restoring ties": lambda b: any(not q["direct"] for q in api.quotes(b, "IRNA")),
    "Baghaei: long preparations": lambda b: "underway for a long time" in api.quotes(b, "Baghaei")[0]["text"],
    "weeks before the anniversary of Raisi's death": lambda b: (
        "pezeshkian-2025" in {r["id"] for r in api.search(b, "anniversary")}
    ),
    "Raisi died in a helicopter crash": lambda b: _event(b, "raisi-death-2024")["date"] == "2024-05-19",
    "the border ceremony is an event, not a visit": lambda b: (
        _event(b, "raisi-aliyev-border-ceremony-2024")["kind"] == "event"
        and not any(v["president_id"] == "raisi" for v in api.visits(b))
    ),
    "COP29 in Baku, Iran represented by Ansari": lambda b: (
        "ansari" in _event(b, "cop29-baku-2024")["participant_ids"]
        and _event(b, "cop29-baku-2024")["end"] == "2024-11-24"
    ),
    "past energy cooperation": lambda b: (
        "iran-azerbaijan-energy-cooperation" in {r["id"] for r in api.search(b, "energy sector")}
    ),
    "new agreement with Russia via Azerbaijan": lambda b: api.gas(b)[0]["transit"] == ["Azerbaijan"],
    "Paknejad announced it in Moscow": lambda b: api.gas(b)[0]["announced_by_id"] == "paknejad",
    "55 bcm a year": lambda b: api.gas(b)[0]["volume_bcm_per_year"] == 55,
    "delivered at Astara": lambda b: api.gas(b)[0]["delivery_point"] == "Astara",
    "logistics with Russia and Azerbaijan": lambda b: "Russia and Azerbaijan" in api.gas(b)[0]["status"],
    "territories reclaimed in the Second Karabakh War": lambda b: (
        _event(b, "second-karabakh-war")["date"] == "2020-09-27"
    ),
    "Azerbaijan seeks a corridor to Nakhchivan": lambda b: (
        "azerbaijan-seeks-nakhchivan-corridor" in {r["id"] for r in api.corridor(b)}
    ),
    "Nakhchivan borders Turkey and Iran, cut off by Armenia": lambda b: (
        "strip of Armenian territory" in _event(b, "nakhchivan-exclave")["summary"]
    ),
    "railway through Zangezur before the Soviet collapse": lambda b: (
        "Zangezur" in _event(b, "zangezur-railway")["summary"]
    ),
    "severed in 1988": lambda b: _event(b, "zangezur-railway-severed-1988")["year"] == 1988,
    "reliance on Iran and Turkey since": lambda b: (
        "Iran and Turkey" in _event(b, "nakhchivan-access-via-iran-turkey")["summary"]
    ),
    "Tehran opposes a new corridor": lambda b: "regional balance" in _event(b, "iran-opposes-new-corridor")["summary"],
    "Iran among the first to recognize independence": lambda b: _event(b, "iran-recognizes-azerbaijan-independence"),
    "seven visits": lambda b: len(api.visits(b)) == 7,
}

PEOPLE_ROLES = {
    "Pezeshkian": "President of Iran",
    "Ilham Aliyev": "President of Azerbaijan",
    "Khamenei": "Supreme Leader of Iran",
    "Sanaei": "Political advisor to the President of Iran",
    "Baghaei": "Foreign Ministry spokesperson",
    "Raisi": "President of Iran",
    "Ansari": "Head of the Department of Environment",
    "Paknejad": "Oil Minister of Iran",
    "Rafsanjani": "President of Iran",
    "Khatami": "President of Iran",
    "Ahmadinejad": "President of Iran",
    "Rouhani": "President of Iran",
}


@pytest.mark.parametrize("item", COVERAGE)
def test_coverage(base, item):
    assert COVERAGE[item](base)


@pytest.mark.parametrize("name", PEOPLE_ROLES)
def test_people_and_their_roles(base, name):
    [person] = api.people(base, name)
    assert PEOPLE_ROLES[name] in [r["title"] for r in person["roles"]]


def test_who_lists_every_record_that_mentions_the_person(base):
    [aliyev] = api.people(base, "Ilham Aliyev")
    assert {m["id"] for m in aliyev["mentions"] if m["role"] != "host"} == {
        "raisi-aliyev-border-ceremony-2024",
        "zagulba-welcome-2025",
        "bilateral-talks-2025",
        "khamenei-greetings-to-aliyev-2025",
    }
    assert len([m for m in aliyev["mentions"] if m["role"] == "host"]) == 6  # and the visits he hosted


def test_the_package_is_a_library_whose_core_imports_neither_typer_nor_rich():
    import subprocess
    import sys

    import iranaz_cli

    assert all(getattr(iranaz_cli, name) is not None for name in iranaz_cli.__all__)
    code = (
        "import sys, iranaz_cli\n"
        "base = iranaz_cli.load_fact_base()\n"
        "assert len(iranaz_cli.visits(base)) == 7 and iranaz_cli.people(base, 'Sanaei')\n"
        "assert not {'typer', 'rich'} & set(sys.modules), sorted({'typer', 'rich'} & set(sys.modules))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_json_output_never_loads_rich():
    import subprocess
    import sys

    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: sys.__stderr__.write('rich loaded' if 'rich' in sys.modules else ''))\n"
        "sys.argv = ['iranaz', 'who', 'Sanaei', '--json']\n"
        "from iranaz_cli.cli.main import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and '"Mehdi Sanaei"' in result.stdout
    assert "rich loaded" not in result.stderr
