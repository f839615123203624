"""The fact-checker's findings: each record says what the article (or its reference) says, and shows it."""

from __future__ import annotations

import json
import re

import pytest
import yaml

import iranaz_cli as api
from iranaz_cli import edtf

from conftest import ROOT, SEED


@pytest.fixture(autouse=True)
def _shipped(monkeypatch):
    """This file checks the shipped base itself: every command here reads it, not the article base."""
    monkeypatch.setenv("IRANAZ_DATA", str(ROOT / "data"))


ARTICLE = SEED.read_text(encoding="utf-8")
DATING = (
    "Pezeshkian’s visit comes just weeks before the anniversary of the death of former President "
    "Ebrahim Raisi, who perished in a helicopter crash in May 2024"
)


def _record(kind: str, record_id: str) -> dict:
    records = yaml.safe_load((ROOT / "data" / f"{kind}.yaml").read_text(encoding="utf-8"))
    [found] = [r for r in records if r["id"] == record_id]
    return found


def _quotes(record: dict) -> list[str]:
    return [c["quote"] for c in record["sources"] if "quote" in c]


def _flat(text: str) -> str:
    """Return the words of an output, table borders and line breaks aside."""
    return " ".join(text.replace("│", " ").split())


# --- 2. Raisi died in office ---------------------------------------------------------------------------


def test_raisi_died_as_president_not_as_former_president():
    death = _record("events", "raisi-death-2024")
    assert death["summary"] == (
        "Ebrahim Raisi, President of Iran, died in a helicopter crash near Varzaqan, East Azerbaijan province, Iran"
    )
    assert {
        "source": "wikipedia-presidents-of-iran",
        "note": "Ebrahim Raisi was President of Iran from 2021-08-03 until he died in office on 2024-05-19.",
    } in death["sources"]
    assert death["place"].startswith("near Varzaqan") and death["notes"]


def test_no_summary_or_note_calls_raisi_former_president():
    for kind in ("visits", "events", "corridor", "quotes", "gas", "people"):
        for record in yaml.safe_load((ROOT / "data" / f"{kind}.yaml").read_text(encoding="utf-8")):
            texts = [record.get("summary", ""), record.get("context", "")]
            texts += [n if isinstance(n, str) else n["text"] for n in record.get("notes", [])]
            assert not any("ormer President" in t for t in texts), record["id"]


# --- 4. notes attributed to a person are not things he said ----------------------------------------------


def test_who_lists_attributed_notes_apart_from_what_he_said(cli):
    out = _flat(cli("who", "Sanaei").stdout)
    said, attributed = out.split("Said", 1)[1].split("Attributed notes", 1)
    assert "pezeshkian-2025" not in said and "shahid-rajaee-port-explosion-2025" not in said
    assert "sanaei-compressed-trip" in said
    assert (
        "2025-04-28 · visit · according to Mehdi Sanaei: Scheduled as a compressed one-day trip because Pezeshkian "
        "remains closely involved in overseeing the aftermath of the Shahid Rajaee Port explosion. [pezeshkian-2025]"
    ) in attributed
    assert "2025-04-26 · event · according to Mehdi Sanaei: Pezeshkian remains" in attributed


def test_who_json_gives_the_attributed_note(cli):
    [sanaei] = json.loads(cli("who", "Sanaei", "--json").stdout)
    roles = {m["id"]: m for m in sanaei["mentions"]}
    visit = roles["pezeshkian-2025"]
    assert visit["role"] == "attributed"
    assert visit["notes"][0]["according_to_ids"] == ["sanaei"] and visit["notes"][0]["text"].startswith("Scheduled")
    assert roles["sanaei-compressed-trip"]["role"] == "speaker"


def test_a_record_s_own_according_to_stays_under_said(cli):
    out = _flat(cli("who", "Paknejad").stdout)
    assert "russia-iran-gas-via-azerbaijan" in out.split("Said", 1)[1]
    [paknejad] = json.loads(cli("who", "Paknejad", "--json").stdout)
    assert {m["id"]: m["role"] for m in paknejad["mentions"]}["russia-iran-gas-via-azerbaijan"] == "announced_by"


# --- 5. show prints the claim --------------------------------------------------------------------------


def test_show_prints_the_summary(cli):
    out = _flat(cli("show", "raisi-death-2024").stdout)
    assert "summary: Ebrahim Raisi, President of Iran, died in a helicopter crash" in out


def test_show_prints_whom_a_summary_is_attributed_to(cli):
    out = _flat(cli("show", "russia-iran-gas-via-azerbaijan").stdout)
    assert "summary according to Mohsen Paknejad: Russia → Iran gas memorandum" in out


# --- 6, 7, 11, 13, 14, 15, 20, 22: wording the article supports ---------------------------------------------


def test_the_border_ceremony_note_says_what_the_article_does():
    assert _record("events", "raisi-aliyev-border-ceremony-2024")["notes"] == [
        "The article places the ceremony on the Iran–Azerbaijan border and does not list it among "
        "presidential visits to Azerbaijan."
    ]


def test_the_gas_agreement_was_announced_by_iran_unnamed():
    event = _record("events", "russia-gas-agreement-announced")
    assert (
        event["summary"] == "Recently, Iran announced a new agreement with Russia to import natural gas via Azerbaijan"
    )
    assert event["notes"] == [
        "The article attributes the announcement to Iran without naming who made it; Oil Minister Mohsen Paknejad "
        "stated the expansion of the existing memorandum (see russia-iran-gas-via-azerbaijan)."
    ]


def test_the_corridor_opposition_keeps_the_article_s_viewing():
    assert _record("corridor", "iran-opposes-new-corridor")["summary"] == (
        "Tehran opposes any new corridor that would cut off its border with Armenia, viewing such a move as a "
        "threat to regional balance and to its own strategic interests"
    )


@pytest.mark.parametrize(
    ("kind", "record_id", "quote"),
    [
        (
            "quotes",
            "irna-restore-ties",
            "a sentiment echoed by Iran’s state news agency IRNA, which called the visit part of the ongoing "
            "process to restore ties",
        ),
        (
            "people",
            "raisi",
            "former President Ebrahim Raisi, who perished in a helicopter crash in May 2024 after attending a "
            "joint ceremony with President Aliyev on the Iran-Azerbaijan border",
        ),
        (
            "quotes",
            "pezeshkian-friend-of-azerbaijan",
            "Iranian state television broadcast parts of Pezeshkian’s remarks during the meeting, where he "
            "referred to Iran as a “friend of Azerbaijan”",
        ),
        ("events", "visit-amid-efforts-to-revive-ties", "Amid Efforts to Revive Ties"),
    ],
)
def test_the_cited_words_cover_what_the_record_says(kind, record_id, quote):
    assert quote in _quotes(_record(kind, record_id))
    assert ARTICLE.count(quote) == 1


def test_raisi_s_note_is_the_cited_sentence():
    assert _record("people", "raisi")["notes"] == [
        "Died in a helicopter crash in May 2024, after attending a joint ceremony with President Aliyev on the "
        "Iran–Azerbaijan border."
    ]


def test_the_2010_visit_was_participation_in_the_summit():
    assert _record("visits", "ahmadinejad-2010")["occasion"] == "Participation in the Caspian Sea Summit"


def test_the_headline_s_revival_of_ties_is_an_assessment(cli):
    record = _record("events", "visit-amid-efforts-to-revive-ties")
    assert record["kind"] == "assessment" and record["according_to"] == ["baku-visit-article"]
    assert record["summary"] == "The visit comes amid efforts to revive Iran–Azerbaijan ties"
    found = json.loads(cli("search", "revive", "--json").stdout)
    assert "visit-amid-efforts-to-revive-ties" in {r["id"] for r in found}


# --- 16. the visit's quotes are dated as the visit is -------------------------------------------------------


@pytest.mark.parametrize(
    "quote_id",
    [
        "pezeshkian-ties-rooted",
        "sanaei-compressed-trip",
        "sanaei-new-beginning",
        "irna-restore-ties",
        "baghaei-preparations",
    ],
)
def test_the_visit_s_quotes_are_dated_2025_citing_the_dating_sentence(quote_id):
    quote = _record("quotes", quote_id)
    assert quote["date"] == "2025" and DATING in _quotes(quote)


@pytest.mark.parametrize("quote_id", ["paknejad-memorandum-expanded", "paknejad-delivery-at-astara"])
def test_paknejad_s_last_week_stays_undated(quote_id):
    assert "date" not in _record("quotes", quote_id)


# --- 8, 9, 10: the gas deal as shown ---------------------------------------------------------------------


def test_the_gas_table_says_stated_by(cli):
    out = _flat(cli("gas").stdout)
    assert "Stated by Mohsen Paknejad, in Moscow" in out and "Announced by" not in out


def test_the_gas_summary_is_the_memorandum_not_the_transit(cli):
    out = _flat(cli("who", "Paknejad").stdout)
    assert (
        "Russia → Iran gas memorandum: 55 bcm/y (annual import volume under the memorandum), expanded to allow "
        "land transit through Azerbaijan; delivered at Astara"
    ) in out
    assert "gas via Azerbaijan" not in out


@pytest.mark.parametrize(
    ("unit", "shown", "value"),
    [
        ("bcm/y", "55 bcm/y", 55),
        ("mcm/d", "≈151 mcm/d", 151),
        ("bcf/d", "≈5.32 bcf/d", 5.32),
        ("tcf/y", "≈1.94 tcf/y", 1.94),
    ],
)
def test_a_converted_volume_keeps_three_significant_figures(cli, unit, shown, value):
    assert f"{shown} (annual import volume" in _flat(cli("gas", "--unit", unit).stdout)
    assert f"| {shown} (annual import volume" in cli("gas", "--unit", unit, "--format", "md").stdout
    rows = {r["id"]: r for r in json.loads(cli("gas", "--unit", unit, "--json").stdout)}
    assert rows["russia-iran-gas-via-azerbaijan"]["volume"]["value"] == value


# --- 17. sorting by the interval's last day ----------------------------------------------------------------


def test_a_year_sorts_after_the_days_it_contains():
    dates = ["2025", "2025-04-26", "1993", "1993-10-10", None, "2024-11", "2024-11-24"]
    assert sorted(dates, key=edtf.sort_key) == [
        "1993-10-10",
        "1993",
        "2024-11-24",
        "2024-11",
        "2025-04-26",
        "2025",
        None,
    ]


def test_the_visit_comes_after_the_explosion_in_the_timeline(cli):
    ids = [r["id"] for r in json.loads(cli("timeline", "--since", "2025", "--json").stdout)]
    assert ids.index("shahid-rajaee-port-explosion-2025") < ids.index("pezeshkian-2025")


def test_core_sorts_every_list_with_the_edtf_key(base):
    for rows in (
        api.timeline(base),
        api.search(base, "a"),
        api.quotes(base),
        api.visits(base),
        api.corridor(base),
    ):
        keys = [edtf.sort_key(r["date"]) for r in rows]
        assert keys == sorted(keys)
    [sanaei] = api.people(base, "Sanaei")
    keys = [edtf.sort_key(m["date"]) for m in sanaei["mentions"]]
    assert keys == sorted(keys)


# --- 18, 19 ------------------------------------------------------------------------------------------------


def test_the_visits_caption_says_the_gap_is_between_known_visits(cli):
    assert re.search(r"longest gap between known visits: \d+ years \(\d{4}–\d{4}\)", _flat(cli("visits").stdout))


@pytest.mark.parametrize("command", [("who", "IRNA"), ("show", "irna")])
def test_an_organization_is_titled_as_one(cli, command):
    out = cli(*command).stdout
    assert "Organization: IRNA" in out and "Person: IRNA" not in out
