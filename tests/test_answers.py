"""Answers that cannot mislead (issue 21): sourced hosts, honest matches, focused search, every
record's date and kind, and names on the records that concern them."""

from __future__ import annotations

import json

import pytest

# --- 2. the host is a sourced fact ---------------------------------------------------------------------

ALIYEV_TERM = "Ilham Aliyev took office as President of Azerbaijan on 2003-10-31."
WELCOMED = "formally welcomed by Azerbaijani President Ilham Aliyev at the Zagulba Palace"


def _visit(cli, visit_id: str) -> dict:
    return next(v for v in json.loads(cli("visits", "--json").stdout) if v["id"] == visit_id)


def test_a_host_carries_the_sources_of_the_terms_it_came_from(cli):
    host = _visit(cli, "rouhani-2016")["host"]
    assert host["sources"] == [{"source": "wikipedia-president-of-azerbaijan", "note": ALIYEV_TERM}]
    host = _visit(cli, "rafsanjani-1993")["host"]  # two possible hosts: the three terms of 1993
    assert [c["note"].split(" was ")[0].split(" exercised")[0] for c in host["sources"]] == [
        "Abulfaz Elchibey",
        "As chairman of the Supreme Soviet, Heydar Aliyev",
        "Heydar Aliyev",
    ]


def test_a_host_the_visit_s_own_source_names_cites_it_too(cli):
    host = _visit(cli, "pezeshkian-2025")["host"]
    assert host["sources"] == [
        {"source": "wikipedia-president-of-azerbaijan", "note": ALIYEV_TERM},
        {"source": "baku-visit-article", "quote": WELCOMED},
    ]


def test_show_prints_the_host_with_its_sources(cli):
    out = cli("show", "pezeshkian-2025", env={"COLUMNS": "200"}).stdout
    host_block = out[out.index("│ host") : out.index("│ date")]
    assert "Ilham Aliyev" in host_block
    assert "wikipedia-president-of-azerbaijan" in host_block and ALIYEV_TERM in host_block
    shown = json.loads(cli("show", "rafsanjani-1993", "--json").stdout)
    assert shown["host"]["ids"] == ["elchibey", "heydar-aliyev"] and shown["host"]["certain"] is False
    assert len(shown["host"]["sources"]) == 3
    out = cli("show", "rafsanjani-1993", env={"COLUMNS": "200"}).stdout
    assert "Abulfaz Elchibey or Heydar Aliyev (the date, 1993, spans both)" in out


def test_the_export_s_visits_have_their_host(exported):
    rows = exported.execute("SELECT id, host, host_ids, host_certain FROM visits ORDER BY id").fetchall()
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["rouhani-2016"] == ("Ilham Aliyev", '["aliyev"]', 1)
    assert by_id["rafsanjani-1993"] == ("Abulfaz Elchibey or Heydar Aliyev", '["elchibey","heydar-aliyev"]', 0)
    hosted = exported.execute(
        "SELECT v.id FROM visits v JOIN visit_hosts h ON h.visit_id = v.id WHERE h.person_id = 'aliyev'"
        " AND h.certain ORDER BY v.date_start"
    ).fetchall()
    assert [r[0] for r in hosted] == [
        "khatami-2004", "ahmadinejad-2007", "ahmadinejad-2010", "rouhani-2016", "rouhani-2019", "pezeshkian-2025"
    ]  # fmt: skip
    assert exported.execute("SELECT count(*) FROM visit_hosts WHERE NOT certain").fetchone() == (2,)


def test_who_lists_the_visits_a_person_hosted(cli):
    [aliyev] = json.loads(cli("who", "Ilham Aliyev", "--json").stdout)
    hosted = [m["id"] for m in aliyev["mentions"] if m["role"] == "host"]
    assert hosted == [
        "khatami-2004", "ahmadinejad-2007", "ahmadinejad-2010", "rouhani-2016", "rouhani-2019", "pezeshkian-2025"
    ]  # fmt: skip
    out = cli("who", "Ilham Aliyev", env={"COLUMNS": "200"}).stdout
    assert "Hosted" in out and "[rouhani-2016]" in out
    [elchibey] = json.loads(cli("who", "Elchibey", "--json").stdout)
    [possible] = [m for m in elchibey["mentions"] if m["role"] == "host"]
    assert (possible["id"], possible["host_certain"]) == ("rafsanjani-1993", False)
    out = cli("who", "Elchibey", env={"COLUMNS": "200"}).stdout
    assert "[rafsanjani-1993] (possibly: the date does not decide the host)" in out


# --- 3. matches never overstate ---------------------------------------------------------------------


def test_a_role_query_matches_titles_by_their_words(cli):
    result = cli("who", "foreign minister", "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (1, [])
    assert result.stderr == (
        "Error: no one matches 'foreign minister': no title in the base has these words; "
        "nearest titles: Foreign Ministry spokesperson (Esmail Baghaei), Oil Minister of Iran (Mohsen Paknejad)\n"
    )
    table = cli("who", "foreign minister")
    assert (table.exit_code, table.stdout) == (1, "")
    [paknejad] = json.loads(cli("who", "oil minister", "--json").stdout)
    assert paknejad["id"] == "paknejad"
    [baghaei] = json.loads(cli("who", "foreign ministry spokesperson", "--json").stdout)
    assert baghaei["id"] == "baghaei"
    presidents = [r["id"] for r in json.loads(cli("who", "president of iran", "--json").stdout)]
    assert "sanaei" not in presidents and presidents[0] == "pezeshkian"  # not the president's advisor


@pytest.mark.parametrize(
    ("query", "person"),
    [("Ali", "khamenei"), ("Hassan", "rouhani"), ("Mahmoud", "ahmadinejad"), ("İlham", "aliyev")],
)
def test_a_bare_given_name_is_ambiguous(cli, query, person):
    [row] = json.loads(cli("resolve", "--json", input=query + "\n").stdout)
    assert row["match"] is False
    assert [c["id"] for c in row["candidates"]] == [person]
    result = cli("who", query)
    assert (result.exit_code, result.stdout) == (1, "")
    name = json.loads(cli("show", person, "--json").stdout)["name"]
    assert result.stderr == (
        f"Error: no one matches '{query}' for certain: it is only a given name, which many people share;"
        f" in the base: {name} [{person}] (ask by full name or surname)\n"
    )


def test_a_surname_or_full_name_still_matches(cli):
    [row] = json.loads(cli("resolve", "--json", input="Rouhani" + "\n").stdout)
    assert (row["match"], row["id"]) == (True, "rouhani")
    [row] = json.loads(cli("resolve", "--json", input="Hassan Rouhani" + "\n").stdout)
    assert (row["match"], row["id"]) == (True, "rouhani")
    [row] = json.loads(cli("resolve", "--json", input="Aliyev" + "\n").stdout)  # a shared surname: both, no match
    assert row["match"] is False and [c["id"] for c in row["candidates"]] == ["aliyev", "heydar-aliyev"]
    out = cli("who", "Aliyev", env={"COLUMNS": "200"}).stdout
    assert "Person: Ilham Aliyev" in out and "Person: Heydar Aliyev" in out


@pytest.mark.parametrize("query", ["Araghchi", "Erdogan", "Putin", "Khomeini"])
def test_a_suggestion_needs_real_similarity(cli, query):
    result = cli("who", query)
    assert (result.exit_code, result.stderr) == (1, f"Error: no one matches '{query}'\n")
    [row] = json.loads(cli("resolve", "--json", input=query + "\n").stdout)
    assert row["candidates"] == []


def test_a_near_miss_is_still_suggested(cli):
    assert "did you mean Akbar Hashemi Rafsanjani?" in cli("who", "Rafs").stderr


def test_a_table_says_when_a_match_is_approximate(cli):
    out = cli("who", "Mokber", env={"COLUMNS": "200"}).stdout
    assert "approximate match: 83 of 100" in out
    assert "approximate" not in cli("who", "Mokhber", env={"COLUMNS": "200"}).stdout
    md = cli("who", "Paknejat", "--format", "md").stdout
    assert "| Match | approximate match: 88 of 100 |" in md


# --- 4. search finds what records say ---------------------------------------------------------------


def test_search_matches_a_record_s_own_text_not_a_sentence_cited_only_to_date_it(cli):
    found = {r["id"] for r in json.loads(cli("search", "helicopter", "--json").stdout)}
    assert found == {
        "raisi-aliyev-border-ceremony-2024", "raisi-death-2024", "pezeshkian-2025", "raisi", "wikipedia-varzaqan-crash"
    }  # fmt: skip
    assert "zagulba-welcome-2025" in {r["id"] for r in json.loads(cli("search", "Zagulba", "--json").stdout)}


def test_show_labels_a_citation_that_only_dates_the_record(cli):
    shown = json.loads(cli("show", "zagulba-welcome-2025", "--json").stdout)
    assert [c.get("dating", False) for c in shown["provenance"]] == [False, True]
    out = cli("show", "zagulba-welcome-2025", env={"COLUMNS": "200"}).stdout
    assert "dated by: baku-visit-article (article), line" in out
    assert out.count("dated by:") == 1


# --- 5. every record has its date and kind -------------------------------------------------------------


def test_the_gas_deal_is_dated_from_what_the_article_says(cli):
    [deal] = json.loads(cli("gas", "--json").stdout)
    assert deal["date"] == "2025"
    rows = json.loads(cli("timeline", "--since", "2024", "--json").stdout)
    assert "russia-iran-gas-via-azerbaijan" in {r["id"] for r in rows}
    assert any("last week" in n for n in deal["notes"] if isinstance(n, str))


@pytest.mark.parametrize("kind", ["visit", "event", "assessment", "corridor", "quote", "gas", "term"])
def test_timeline_lists_every_kind(cli, kind):
    result = cli("timeline", "--kind", kind, "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and {r["kind"] for r in rows} == {kind}


def test_timeline_lists_undated_records_of_a_kind_asked_for_last(cli):
    rows = json.loads(cli("timeline", "--kind", "assessment", "--json").stdout)
    assert len(rows) == 7 and all(r["date"] is None for r in rows)
    result = cli("timeline", "--kind", "assessment", "--since", "2024")
    assert result.exit_code == 1
    assert "7 assessment records are undated" in result.stderr
    bad = cli("timeline", "--kind", "opinion")
    assert bad.exit_code == 2
    assert "'opinion' is not one of 'visit', 'event', 'assessment', 'corridor', 'quote', 'gas', 'term'" in bad.stderr


def test_counts_and_the_export_tell_events_from_assessments(cli, exported):
    assert "11 events, 7 assessments," in cli().stdout
    kinds = dict(exported.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall())
    assert kinds == {"event": 11, "assessment": 7}
    assert exported.execute("SELECT DISTINCT kind FROM corridor").fetchall() == [("corridor",)]


# --- 6. names on every record that concerns them --------------------------------------------------------


def test_the_corridor_dispute_records_name_the_corridor(cli):
    found = {r["id"] for r in json.loads(cli("search", "Zangezur", "--json").stdout)}
    assert found >= {
        "zangezur-railway", "zangezur-railway-severed-1988", "azerbaijan-seeks-nakhchivan-corridor",
        "iran-opposes-new-corridor", "second-karabakh-war",
    }  # fmt: skip


def test_a_given_name_many_share_lists_ten_of_them_and_how_many_more(base_dir, cli):
    # Round M: 116,124 people named "Person ..." made the refusal one line of 4.9 MB naming them all.
    extra = "".join(
        f"\n- id: person-{n}\n  name: Person Number{n} Testov\n  country: Iran\n"
        f"  sources: [{{source: wikipedia-presidents-of-iran, note: a test person}}]\n"
        for n in range(25)
    )
    people = base_dir / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = cli("--data", str(base_dir), "who", "Person")
    assert result.exit_code == 1, result.output
    assert result.stderr.count("[person-") == 10 and "and 15 more (ask by full name or surname)\n" in result.stderr
