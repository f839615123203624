"""Issue 11: who said it, what the gas figure is, corrections, references, anchored quotes, coverage."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml

import iranaz_cli as api
from iranaz_cli.ask.rows import records_of
from iranaz_cli.errors import FactBaseError, NotFound
from iranaz_cli.model import ATTRIBUTING_WORDS
from iranaz_cli.store import loader
from iranaz_cli.store.anchors import FoldedText, split_sentences
from iranaz_cli.text import fold_quote

from conftest import ARTICLE as ARTICLE_BASE
from conftest import ROOT, SEED

KIND_FILES = ["people", "visits", "gas", "corridor", "events", "quotes"]
ARTICLE = SEED.read_text(encoding="utf-8")


def _yaml(kind: str, root: Path = ARTICLE_BASE) -> list[dict]:
    """The records of a kind: of the article base (what the article attributes), or of another base."""
    return yaml.safe_load((root / "data" / f"{kind}.yaml").read_text(encoding="utf-8"))


def _names(root: Path = ARTICLE_BASE) -> dict[str, str]:
    return {p["id"]: p["name"] for p in _yaml("people", root)}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(FactBaseError) as e:
        loader.validate(data_dir)
    return e.value.problems


# --- 1. attribution ------------------------------------------------------------------------------------


def _attributed(root: Path = ARTICLE_BASE) -> list[tuple[str, dict, list[str]]]:
    """Every (kind, record, ids) where the record or one of its notes is attributed to people."""
    people = _names(root)
    found = []
    for kind in KIND_FILES:
        for record in _yaml(kind, root):
            ids = [i for i in record.get("according_to", []) if i in people]
            ids += [i for n in record.get("notes", []) if isinstance(n, dict) for i in n["according_to"] if i in people]
            if ids:
                found.append((kind, record, ids))
    return found


def test_the_base_attributes_what_the_article_attributes():
    ids = {record["id"]: set(who) for _, record, who in _attributed()}
    assert ids["shahid-rajaee-port-explosion-2025"] == {"sanaei"}
    assert ids["pezeshkian-2025"] == {"sanaei"}
    assert ids["russia-iran-gas-via-azerbaijan"] == {"paknejad"}


@pytest.mark.parametrize(("kind", "record", "ids"), _attributed(), ids=lambda v: v["id"] if isinstance(v, dict) else "")
def test_every_attributed_record_cites_the_attributing_words(kind, record, ids):
    names = _names()
    quotes = [fold_quote(c["quote"]).casefold() for c in record["sources"] if "quote" in c]
    for person in ids:
        surname = names[person].split()[-1].casefold()
        assert any(surname in q and any(w in q for w in ATTRIBUTING_WORDS) for q in quotes), (record["id"], person)


SHIPPED_ATTRIBUTED = _attributed(ROOT)


@pytest.mark.parametrize(
    ("kind", "record", "ids"), SHIPPED_ATTRIBUTED, ids=lambda v: v["id"] if isinstance(v, dict) else ""
)
def test_every_attributed_record_of_the_shipped_base_says_who_said_it(kind, record, ids):
    # an article's quote holds the attributing words and the person's name; a report's note (the base's
    # own words) names the person (or organisation) and says that they said, told, announced... it
    from iranaz_cli.store.checks.ids import REPORTING_WORDS

    people = {p["id"]: p for p in _yaml("people", ROOT)}
    words = (*ATTRIBUTING_WORDS, *REPORTING_WORDS)
    cited = [fold_quote(c.get("quote") or c.get("note") or "").casefold() for c in record["sources"]]
    for person in ids:
        names = [people[person]["name"], *people[person].get("aliases", [])]
        keys = {n.casefold() for n in names} | {n.split()[-1].casefold() for n in names if n.split()}
        assert any(any(k in c for k in keys) and any(w in c for w in words) for c in cited), (record["id"], person)


def test_the_shipped_base_has_attributed_records_beyond_the_article():
    assert len(SHIPPED_ATTRIBUTED) > len(_attributed())


def test_records_attributed_to_the_article_cite_it_and_are_assessments():
    sources = {s["id"] for s in _yaml("sources")}
    own = [(k, r) for k in KIND_FILES for r in _yaml(k) if set(r.get("according_to", [])) & sources]
    assert {r["id"] for _, r in own} == set(ASSESSMENTS)
    for _, record in own:
        assert record["kind"] == "assessment"
        assert {c["source"] for c in record["sources"]} >= set(record["according_to"])


def test_a_not_factual_mark_must_be_in_the_article(base_dir):
    _edit(base_dir / "sources.yaml", "  published: null\n",
          "  published: null\n  not_factual:\n    - quote: no such words\n      reason: x\n")  # fmt: skip
    assert any("sources.yaml" in p and "not found in the article: 'no such words'" in p for p in _problems(base_dir))


def test_sanaei_s_quote_cites_according_to_mehdi_sanaei():
    [quote] = [q for q in _yaml("quotes") if q["id"] == "sanaei-compressed-trip"]
    assert quote["sources"][0]["quote"].startswith("According to Mehdi Sanaei")


def test_the_explosion_does_not_state_sanaei_s_account_as_fact(cli):
    record = api.record(loader.load_fact_base(ARTICLE_BASE / "data", cache=False), "shahid-rajaee-port-explosion-2025")
    assert "overseeing" not in record["summary"]
    [note] = record["notes"]
    assert note["according_to_ids"] == ["sanaei"] and note["according_to"] == ["Mehdi Sanaei"]
    out = cli("show", "shahid-rajaee-port-explosion-2025").stdout
    assert "according to Mehdi Sanaei: Pezeshkian remains" in " ".join(out.split())


def test_an_attributed_record_without_the_attributing_words_is_refused(base_dir):
    _edit(
        base_dir / "events.yaml",
        "      quote: According to Mehdi Sanaei, the Iranian president’s political advisor, the visit",
        "      quote: the visit",
    )
    assert any(
        "attributed to 'sanaei' but no quote or note it cites holds the attributing words" in p
        for p in _problems(base_dir)
    )


def test_according_to_names_a_person_or_a_source(base_dir):
    _edit(base_dir / "gas.yaml", "according_to: [paknejad]", "according_to: [paknejaad]")
    assert any("'according_to' names 'paknejaad'" in p for p in _problems(base_dir))


def test_json_carries_according_to_ids_and_names(cli):
    [deal] = json.loads(cli("gas", "--json").stdout)
    assert (deal["according_to_ids"], deal["according_to"]) == (["paknejad"], ["Mohsen Paknejad"])
    [visit] = json.loads(cli("visits", "-p", "Pezeshkian", "--json").stdout)
    attributed = [n for n in visit["notes"] if isinstance(n, dict)]
    assert attributed[0]["according_to"] == ["Mehdi Sanaei"]
    assert "compressed one-day trip" in attributed[0]["text"]


def test_pezeshkian_took_no_part_in_cop29_he_is_only_mentioned(cli):
    [person] = json.loads(cli("who", "Pezeshkian", "--json").stdout)
    roles = {m["id"]: m["role"] for m in person["mentions"]}
    assert roles["cop29-baku-2024"] == "mentioned" and roles["zagulba-welcome-2025"] == "participant"
    table = cli("who", "Pezeshkian").stdout
    took_part, _, mentioned = table.partition("Mentioned in")
    assert "cop29-baku-2024" not in took_part and "cop29-baku-2024" in mentioned
    [cop] = [e for e in _yaml("events") if e["id"] == "cop29-baku-2024"]
    assert (cop["participants"], cop["mentioned"]) == (["ansari"], ["pezeshkian"])


def test_baghaei_keeps_his_words_and_the_framing_goes_to_the_context():
    [q] = [q for q in _yaml("quotes") if q["id"] == "baghaei-preparations"]
    assert q["text"] == "preparations for this visit had been underway for a long time"
    assert "despite recent tensions" in q["context"]


ASSESSMENTS = {
    "relations-fragile-over-israel": "fragile",
    "economic-cooperation-central-focus": "central focus",
    "geography-and-border-dynamics-loom-large": "loom large",
    "visit-continues-tradition-of-contacts": "tradition of high-level contacts",
    "visit-amid-opportunity-and-tension": "opportunity and tension",
    "energy-geopolitics-security-at-forefront": "geopolitical balancing",
    "visit-amid-efforts-to-revive-ties": "revive",
}


@pytest.mark.parametrize("record_id", ASSESSMENTS)
def test_the_article_s_analysis_is_an_assessment_a_search_finds(cli, record_id):
    found = {r["id"]: r for r in json.loads(cli("search", ASSESSMENTS[record_id], "--json").stdout)}
    assert found[record_id]["kind"] == "assessment"
    shown = json.loads(cli("show", record_id, "--json").stdout)
    assert shown["according_to_ids"] == ["baku-visit-article"] and shown["kind"] == "assessment"
    assert "according to “Iran’s President" in shown["summary"]


def test_an_assessment_needs_according_to(base_dir):
    _edit(
        base_dir / "events.yaml", "  kind: assessment\n  according_to: [baku-visit-article]\n", "  kind: assessment\n"
    )
    assert any("an assessment needs 'according_to'" in p for p in _problems(base_dir))


def test_dated_assessments_are_in_the_timeline_and_the_export(base_dir, cli, tmp_path):
    _edit(base_dir / "events.yaml", "  kind: assessment\n", '  kind: assessment\n  date: "2025"\n')
    rows = json.loads(cli("timeline", "--kind", "assessment", "--json", "--data", str(base_dir)).stdout)
    assert [r["id"] for r in rows if r["date"]] == ["relations-fragile-over-israel"]  # (the undated follow)
    db = tmp_path / "x.db"
    assert cli("export", "--sqlite", str(db), "--data", str(base_dir)).exit_code == 0
    kinds = dict(sqlite3.connect(db).execute("SELECT id, kind FROM records"))
    assert kinds["economic-cooperation-central-focus"] == "assessment"


# --- 2. the gas figure ------------------------------------------------------------------------------


def test_the_gas_figure_says_what_it_is(cli):
    basis = "annual import volume under the memorandum"
    assert json.loads(cli("gas", "--json").stdout)[0]["volume_basis"] == basis
    assert json.loads(cli("gas", "--unit", "mcm/d", "--json").stdout)[0]["volume"]["basis"] == basis
    assert f"≈151 mcm/d ({basis})" in cli("gas", "--unit", "mcm/d").stdout


def test_paknejad_announced_the_expansion_not_the_agreement(base):
    event = api.record(base, "russia-gas-agreement-announced")
    assert "paknejad" not in event.get("participants", []) + event.get("mentioned", [])
    assert api.gas(base)[0]["announced_by_id"] == "paknejad"


# --- 3. corrections ------------------------------------------------------------------------------------


def test_where_did_raisi_s_helicopter_crash(cli):
    found = json.loads(cli("search", "Varzaqan", "--json").stdout)
    assert "raisi-death-2024" in {r["id"] for r in found}
    crash = json.loads(cli("show", "raisi-death-2024", "--json").stdout)
    assert crash["place"] == "near Varzaqan (village of Uzi), East Azerbaijan province, Iran"
    assert "Tabriz" in " ".join(crash["notes"])


def test_the_border_ceremony_is_the_giz_galasi_inauguration(base):
    ceremony = api.record(base, "raisi-aliyev-border-ceremony-2024")
    assert ceremony["date"] == "2024-05-19" and "Giz Galasi (Qiz Qalasi)" in ceremony["summary"]
    assert "Aras" in ceremony["place"] and ceremony["participant_ids"] == ["raisi", "aliyev"]


def test_cop29_closed_on_the_24th_and_the_port_is_near_bandar_abbas(base):
    cop = api.record(base, "cop29-baku-2024")
    assert (cop["date"], cop["end"]) == ("2024-11-11", "2024-11-24")
    assert any("22 November" in n for n in cop["notes"])
    port = api.record(base, "shahid-rajaee-port-explosion-2025")
    assert port["date"] == "2025-04-26" and "near Bandar Abbas" in port["summary"] and "Hormozgan" in port["place"]


def test_the_visits_caption_says_how_many_the_article_lists(cli):
    assert "visits known; the article lists 7;" in " ".join(cli("visits").stdout.split())


# --- 4. references -------------------------------------------------------------------------------------


def test_sources_show_each_reference_with_its_url_and_count(cli):
    out = cli("sources").stdout
    assert "https://en.wikipedia.org/wiki/2024_Varzaqan_helicopter_crash" in out.replace("\n", "").replace(" ", "")
    rows = {r["id"]: r for r in json.loads(cli("sources", "--json").stdout)}
    assert rows["wikipedia-varzaqan-crash"]["records"] == 2
    assert rows["baku-visit-article"]["publisher"] is None and rows["baku-visit-article"]["published"] is None


def test_the_background_kind_is_gone(base_dir):
    _edit(base_dir / "sources.yaml", "  kind: reference\n", "  kind: background\n")
    assert any("sources.yaml" in p and "'kind'" in p for p in _problems(base_dir))


# --- 5. anchors ----------------------------------------------------------------------------------------


def test_folded_offsets_map_back_to_the_raw_text():
    raw = "  He said:\n\n “Go   now” — she’s  here.  "
    text = FoldedText(raw)
    assert text.folded == fold_quote(raw)
    [(start, end)] = text.find_all('"Go now" - she\'s')
    assert raw[start:end] == "“Go   now” — she’s"


def test_every_quote_is_anchored_at_its_place_in_the_article(base):
    for _, record in records_of(base):
        for cite, anchor in zip(getattr(record, "sources", []), base.anchors.get(record.id, []), strict=False):
            if cite.quote is None:
                assert anchor is None
                continue
            assert fold_quote(ARTICLE[anchor.start : anchor.end]) == fold_quote(cite.quote)
            assert ARTICLE[: anchor.start].count("\n") + 1 == anchor.line
            assert ARTICLE[anchor.start - len(anchor.prefix) : anchor.start] == anchor.prefix
            assert ARTICLE[anchor.end : anchor.end + len(anchor.suffix)] == anchor.suffix


def test_show_json_gives_the_anchor(cli):
    [cite] = json.loads(cli("show", "khatami-2004", "--json").stdout)["provenance"]
    assert ARTICLE[cite["start"] : cite["end"]] == "Mohammad Khatami visited in 2004"
    assert cite["line"] == 19 and len(cite["prefix"]) == len(cite["suffix"]) == 32


def test_show_prints_the_sentence_with_the_quote_marked_when_piped(cli):
    out = " ".join(cli("show", "khatami-2004").stdout.split())
    assert "line 19" in out and "«Mohammad Khatami visited in 2004», Mahmoud Ahmadinejad" in out.replace("│ ", "")


def test_show_highlights_the_quote_on_a_terminal():
    import io

    from iranaz_cli.show.table import make_console, write_table
    from iranaz_cli.show.views import record_view

    base = loader.load_fact_base(ROOT / "data", cache=False)
    row = api.record(base, "khatami-2004")
    from rich.console import ColorSystem

    console = make_console(io.StringIO())
    console._force_terminal = True  # as on a terminal
    console._color_system = ColorSystem.STANDARD
    write_table([row], record_view(row), console)
    out = console.file.getvalue()
    assert "«" not in out and "\x1b[1;7mMohammad Khatami visited in 2004" in out


def test_a_quote_found_twice_needs_occurrence(base_dir):
    _edit(base_dir / "visits.yaml", "quote: Mohammad Khatami visited in 2004", "quote: Azerbaijan")
    assert any("quote found" in p and "'occurrence: N'" in p for p in _problems(base_dir))
    _edit(base_dir / "visits.yaml", "quote: Azerbaijan", "quote: Azerbaijan\n      occurrence: 3")
    base = loader.load_fact_base(base_dir, cache=False)
    anchor = base.anchors["khatami-2004"][0]
    assert anchor.exact == "Azerbaijan" and [m.start() for m in re.finditer("Azerbaijan", ARTICLE)][2] == anchor.start


def test_the_export_s_citations_carry_the_anchors(cli, tmp_path):
    db = tmp_path / "x.db"
    assert cli("export", "--sqlite", str(db)).exit_code == 0
    start, end, line = (
        sqlite3.connect(db)
        .execute('SELECT start, "end", line FROM citations WHERE record_id = ?', ("khatami-2004",))
        .fetchone()
    )
    assert (ARTICLE[start:end], line) == ("Mohammad Khatami visited in 2004", 19)


# --- 6. coverage ---------------------------------------------------------------------------------------


def test_the_splitter_on_the_article_s_hard_cases():
    sentences = [s.text for s in split_sentences(ARTICLE)]
    # a sentence that ends inside quotation marks, and the one after it
    assert any(s.endswith("must be further strengthened.”") for s in sentences)
    assert any(s.startswith("Relations between Iran and Azerbaijan") for s in sentences)
    # hyphenated names and dashes do not split
    assert any("Nagorno-Karabakh conflict in 1988." in s and s.startswith("However") for s in sentences)
    assert any(s.startswith("Mohammad Khatami") and s.endswith("in 2019.") for s in sentences)
    assert len(sentences) == 28
    assert [s.text for s in split_sentences("U.S. officials met Dr. Smith. Then they left.")] == [
        "U.S. officials met Dr. Smith.",
        "Then they left.",
    ]


def test_the_shipped_base_covers_every_sentence_of_the_article(cli):
    [row] = json.loads(cli("coverage", "--json").stdout)
    assert (row["sentences"], row["cited"], row["percent"], row["uncited"]) == (28, 28, 100.0, [])


def test_coverage_lists_uncited_sentences_and_not_factual_marks(base_dir, cli):
    _edit(
        base_dir / "events.yaml",
        "      quote: During the visit, economic cooperation remained a central focus.",
        "      quote: economic cooperation remained a central focus",
    )  # still covers its sentence
    since_then = "      quote: Since then, Azerbaijan has relied on Iran and Turkey for access to Nakhchivan."
    _edit(base_dir / "corridor.yaml", since_then, "      quote: that route was severed")
    _edit(base_dir / "sources.yaml", "  published: null\n",
          "  published: null\n  not_factual:\n    - quote: Since then\n      reason: a test mark\n")  # fmt: skip
    [row] = json.loads(cli("coverage", "baku-visit-article", "--json", "--data", str(base_dir)).stdout)
    assert (row["cited"], row["not_factual"], row["uncited"]) == (27, 1, [])
    assert row["marks"] == [{"quote": "Since then", "reason": "a test mark", "lines": [17]}]
    _edit(base_dir / "sources.yaml", "    - quote: Since then\n", "    - quote: Historically\n")
    [row] = json.loads(cli("coverage", "--json", "--data", str(base_dir)).stdout)
    [uncited] = row["uncited"]
    assert uncited["line"] == 17 and ARTICLE[uncited["start"] : uncited["end"]].startswith("Since then")
    assert row["percent"] == round(100 * 27 / 28, 1)
    assert "line 17: Since then" in cli("coverage", "--data", str(base_dir)).stdout


def test_coverage_of_an_unknown_source(base):
    with pytest.raises(NotFound):
        api.coverage(base, "no-such-article")
