"""What first-time users tripped on (issue 22): every CSV column is a field, ids unique within a
listing, dates in --since/--until as in --at, `source update`, templates that validate, `new` by
name, `source add` from stdin, and the small words of the summaries."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import ARTICLE as ARTICLE_BASE

DATA = str(ARTICLE_BASE / "data")

LISTINGS = [
    ("visits",),
    ("who", "president of iran"),
    ("offices",),
    ("gas",),
    ("corridor",),
    ("timeline",),
    ("search", "Baku"),
    ("quotes",),
    ("sources",),
    ("coverage",),
    ("disputes",),
    ("stale",),
    ("show", "rouhani-2019"),
    ("show", "sanaei"),
]


def _csv(cli, *args: str) -> str:
    """Return the CSV a command prints (only its header when nothing is found: exit 1)."""
    result = cli("--data", DATA, *args, "--format", "csv")
    assert result.exit_code in (0, 1) and result.stdout, result.output
    return result.stdout


# --- 1. every column a CSV prints is a field ---------------------------------------------------------------


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_every_csv_column_is_accepted_by_fields(cli, args):
    whole = _csv(cli, *args)
    header = next(csv.reader(io.StringIO(whole)))
    # every column passed back gives the same CSV
    assert _csv(cli, *args, "--fields", ",".join(header)) == whole
    for name in header:
        one = _csv(cli, *args, "--fields", name)
        assert next(csv.reader(io.StringIO(one))) == [name]


def test_resolve_columns_are_fields(cli):
    whole = cli("resolve", "--data", DATA, "--format", "csv", input="Rowhani\n")
    header = next(csv.reader(io.StringIO(whole.stdout)))
    again = cli("resolve", "--data", DATA, "--format", "csv", "--fields", ",".join(header), input="Rowhani\n")
    assert again.exit_code == 0 and again.stdout == whole.stdout


def test_a_column_of_an_object_field_is_its_value_in_json_and_tables(cli):
    whole = json.loads(cli("--data", DATA, "visits", "--json").stdout)
    rows = json.loads(cli("--data", DATA, "visits", "--json", "--fields", "id,host_names,host_certain").stdout)
    assert rows == [
        {"id": r["id"], "host_names": r["host"]["names"], "host_certain": r["host"]["certain"]} for r in whole
    ]
    gas = json.loads(cli("--data", DATA, "gas", "--json", "--fields", "volume_value,volume_unit", "--limit=1").stdout)
    assert gas == [{"volume_value": 55, "volume_unit": "bcm/y"}]
    table = cli("--data", DATA, "visits", "--fields", "id,host_names", "--limit", "1", env={"COLUMNS": "120"})
    assert "host_names" in table.stdout and "Heydar Aliyev" in table.stdout
    shown = json.loads(cli("--data", DATA, "show", "rouhani-2019", "--json", "--fields", "host_ids").stdout)
    assert shown == {"host_ids": ["aliyev"]}


def test_an_unknown_field_lists_the_csv_columns_too(cli):
    result = cli("--data", DATA, "visits", "--fields", "host_namez")
    assert result.exit_code == 2
    assert "host_names" in result.stderr and "host_ids" in result.stderr


# --- 2. ids are unique within a listing ------------------------------------------------------------------


@pytest.mark.parametrize("args", [a for a in LISTINGS if a[0] != "show"], ids=" ".join)
def test_ids_are_unique_within_a_listing(cli, args):
    result = cli("--data", DATA, *args, "--json")
    ids = [row["id"] for row in json.loads(result.stdout)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_a_term_row_names_its_term_and_show_resolves_it(cli):
    rows = json.loads(cli("--data", DATA, "timeline", "--kind", "term", "--json").stdout)
    heydar = [r["id"] for r in rows if r["id"].startswith("heydar-aliyev")]
    assert heydar == [
        "heydar-aliyev@term-1",
        "heydar-aliyev@term-1/end",
        "heydar-aliyev@term-2",
        "heydar-aliyev@term-2/end",
    ]
    offices = json.loads(cli("--data", DATA, "offices", "--json").stdout)
    assert [r["id"] for r in offices if r["holder_id"] == "heydar-aliyev"] == [
        "heydar-aliyev@term-1",
        "heydar-aliyev@term-2",
    ]
    for term in heydar:
        shown = cli("--data", DATA, "show", term, "--json")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["id"] == "heydar-aliyev"
    table = cli("--data", DATA, "offices", "president-of-azerbaijan", env={"COLUMNS": "100"}).stdout
    assert "[heydar-aliyev@term-2]" in table and "4 terms of 1 office by 3 people" in table  # holders, not terms
    missing = cli("--data", DATA, "show", "heydar-aliyev@term-3")
    assert missing.exit_code == 1
    assert "heydar-aliyev has 2 terms" in missing.stderr and "heydar-aliyev@term-2" in missing.stderr


@pytest.mark.parametrize("command", ["offices", "timeline", "stale"])
def test_term_ids_match_the_published_schema(cli, command):
    import jsonschema

    schema = json.loads(cli("schema", command).stdout)
    rows = json.loads(cli("--data", DATA, command, "--json", env={"IRANAZ_TODAY": "2026-12-05"}).stdout)
    assert any("@term-" in r["id"] for r in rows)
    jsonschema.Draft202012Validator(schema).validate(rows)
    assert not jsonschema.Draft202012Validator(schema).is_valid([{**rows[0], "id": "x@term-0"}])


# --- 3. --since and --until take the dates --at takes ------------------------------------------------------


def _dates(cli, *args: str) -> list[str]:
    result = cli("--data", DATA, *args, "--json")
    assert result.exit_code == 0, result.output
    return [r["date"] for r in json.loads(result.stdout)]


def test_since_and_until_take_a_month_or_a_day(cli):
    may = _dates(cli, "timeline", "--since", "2024-05", "--until", "2024-05")
    assert may == ["2024-05-19"] * 4
    days = _dates(cli, "timeline", "--kind", "term", "--since", "2024-05-20", "--until", "2024-07-28")
    assert days == ["2024-07-28", "2024-07-28"]
    # a record known only to its year may be in any month of it: kept
    assert "2025" in _dates(cli, "timeline", "--since", "2025-06")
    assert "2025-04-26" not in _dates(cli, "timeline", "--since", "2025-06")
    assert _dates(cli, "visits", "--since", "2016-01-01", "--until", "2019-12") == ["2016", "2019"]


def test_a_year_still_means_the_whole_year(cli):
    assert _dates(cli, "visits", "--since", "2004", "--until", "2010") == ["2004", "2007", "2010"]


@pytest.mark.parametrize("command", ["visits", "timeline"])
@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("value", ["2019-13", "May 2019", "2019/2020", "abc"])
def test_a_bad_date_is_a_usage_error_naming_the_option(cli, command, option, value):
    result = cli("--data", DATA, command, option, value)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {option}: bad date {value!r}"), result.stderr


def test_since_after_until_is_a_usage_error(cli):
    result = cli("--data", DATA, "visits", "--since", "2019-06", "--until", "2019-05-31")
    assert result.exit_code == 2 and "--since 2019-06 is after --until 2019-05-31" in result.stderr


# --- 4. source update ----------------------------------------------------------------------------------

ARTICLE = (
    "Example: Pezeshkian Meets Aliyev at the Border\n"
    "Iran’s President Masoud Pezeshkian met Azerbaijani President Ilham Aliyev at Astara on 12 May 2025.\n"
    "“Our border is a bridge, not a wall,” Pezeshkian said at the meeting, whcih lasted two hours.\n"
)
QUOTE_RECORD = """\
id: pezeshkian-bridge
speaker: pezeshkian
text: Our border is a bridge, not a wall
direct: true
context: At the meeting
sources:
  - source: border-meeting
    quote: "“Our border is a bridge, not a wall,” Pezeshkian said"
"""
PERSON_RECORD = """\
id: pezeshkian
name: Masoud Pezeshkian
country: Iran
roles:
  - title: President of Iran
sources:
  - source: border-meeting
    quote: Iran’s President Masoud Pezeshkian
"""


@pytest.fixture
def news(tmp_path, cli):
    """A base of one added article, cited by a person and a quote; return its data folder."""
    assert cli("init", str(tmp_path / "news")).exit_code == 0
    data = tmp_path / "news" / "data"
    (tmp_path / "border.txt").write_text(ARTICLE, encoding="utf-8")
    added = cli("--data", str(data), "source", "add", str(tmp_path / "border.txt"), "--id", "border-meeting")
    assert added.exit_code == 0, added.output
    for kind, record in (("people", PERSON_RECORD), ("quotes", QUOTE_RECORD)):
        result = cli("--data", str(data), "add", kind, "-", input=record)
        assert result.exit_code == 0, result.output
    return data


def _files(data) -> dict[str, bytes]:
    return {str(p.relative_to(data.parent)): p.read_bytes() for p in sorted(data.parent.rglob("*")) if p.is_file()}


def test_source_update_fixes_a_typo_and_records_the_new_hash(news, cli, tmp_path):
    import hashlib

    fixed = tmp_path / "fixed.txt"
    fixed.write_text(ARTICLE.replace("whcih", "which"), encoding="utf-8")
    before = (news / "sources.yaml").read_text(encoding="utf-8")
    result = cli("--data", str(news), "source", "update", "border-meeting", str(fixed))
    assert result.exit_code == 0, result.output
    assert result.stdout == "border-meeting\n"
    assert "updated source border-meeting (seeds/border.txt): 2 quotes found in the new text" in result.stderr
    assert (news.parent / "seeds" / "border.txt").read_bytes() == fixed.read_bytes()
    after = (news / "sources.yaml").read_text(encoding="utf-8")
    new_hash = hashlib.sha256(fixed.read_bytes()).hexdigest()
    old_hash = hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    assert after == before.replace(old_hash, new_hash)  # only the hash changed
    assert cli("--data", str(news), "validate").exit_code == 0
    shown = json.loads(cli("--data", str(news), "show", "pezeshkian-bridge", "--json").stdout)
    assert "which lasted" in shown["provenance"][0]["context"]["text"]  # anchored in the new text
    again = cli("--data", str(news), "source", "update", "border-meeting", str(fixed))
    assert again.exit_code == 0 and "already" in again.stderr


def test_source_update_refuses_to_break_a_quote_and_names_its_record(news, cli, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(ARTICLE.replace("a bridge, not a wall", "a bridge and not a wall"), encoding="utf-8")
    before = _files(news)
    result = cli("--data", str(news), "source", "update", "border-meeting", str(broken))
    assert result.exit_code == 3 and result.stdout == ""
    written = (news / "quotes.yaml").read_text(encoding="utf-8").splitlines()
    quoted_at = next(i for i, line in enumerate(written) if "quote:" in line and "Pezeshkian said" in line)
    assert any(
        line.startswith("Error: ")
        and f"quotes.yaml:{quoted_at + 1}: quote not found in source 'border-meeting'" in line
        and "the new text there reads '“Our border is a bridge and not a wall,”" in line
        for line in result.stderr.splitlines()
    ), result.stderr
    assert "nothing was changed" in result.stderr
    assert _files(news) == before


def test_source_update_mends_a_base_whose_article_was_edited_by_hand(news, cli):
    seed = news.parent / "seeds" / "border.txt"
    seed.write_text(ARTICLE.replace("whcih", "which"), encoding="utf-8")
    assert cli("--data", str(news), "validate").exit_code == 3  # does not match its recorded sha256
    result = cli("--data", str(news), "source", "update", "border-meeting", str(seed))
    assert result.exit_code == 0, result.output
    assert cli("--data", str(news), "validate").exit_code == 0


def test_source_update_follows_a_fixed_title_line(news, cli, tmp_path):
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(ARTICLE.replace("Meets Aliyev", "Meets Ilham Aliyev"), encoding="utf-8")
    result = cli("--data", str(news), "source", "update", "border-meeting", str(fixed))
    assert result.exit_code == 0, result.output
    [row] = json.loads(cli("--data", str(news), "sources", "--json").stdout)
    assert row["title"] == "Example: Pezeshkian Meets Ilham Aliyev at the Border"
    assert cli("--data", str(news), "validate").exit_code == 0


def test_source_update_of_an_unknown_or_unkept_source(news, cli, tmp_path):
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(ARTICLE, encoding="utf-8")
    unknown = cli("--data", str(news), "source", "update", "border-meeting2", str(fixed))
    assert unknown.exit_code == 1 and "did you mean border-meeting?" in unknown.stderr
    missing = cli("--data", str(news), "source", "update", "border-meeting", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "cannot be read" in missing.stderr


@pytest.mark.parametrize("command", ["offices", "gas", "stale"])
def test_an_object_field_that_may_be_null_is_chosen_by_its_columns_too(command):
    # last_confirmed is an object or null: its CSV columns are fields too, whether or not a row has one
    from iranaz_cli.show.contract import choosable, csv_header

    columns = csv_header(command, ["last_confirmed"])
    assert columns == ["last_confirmed_date", "last_confirmed_source", "last_confirmed_publisher"]
    assert set(columns) <= set(choosable(command))


# --- 5. add --template ---------------------------------------------------------------------------------

FILLED = {  # kind: the required placeholders of its template, filled; every optional line is left in
    "visits": {
        '- id: ""': "- id: rouhani-2019-again",
        '  president: ""': "  president: rouhani",
        '  date: ""  # required': '  date: "2019"  # required',
        '  occasion: ""': "  occasion: Official visit",
        '    - source: ""': "    - source: baku-visit-article",
        '      quote: ""': "      quote: Hassan Rouhani visited twice, once in 2016 and again in 2019",
    },
    "quotes": {
        '- id: ""': "- id: rouhani-twice",
        '  speaker: ""': "  speaker: rouhani",
        '  text: ""': "  text: visited twice",
        '  context: ""': "  context: A test",
        '    - source: ""': "    - source: baku-visit-article",
        '      quote: ""': "      quote: Hassan Rouhani visited twice, once in 2016 and again in 2019",
    },
    "people": {
        '- id: ""': "- id: someone-new",
        '  name: ""': "  name: Someone New",
        '  country: ""': "  country: Iran",
        '    - source: ""  # required: a source id': "    - source: baku-visit-article  # required: a source id",
        '      quote: ""': "      quote: Hassan Rouhani visited twice, once in 2016 and again in 2019",
    },
}


@pytest.mark.parametrize("kind", FILLED)
def test_a_filled_template_validates_with_its_optional_lines_left_in(base_dir, cli, kind):
    text = cli("add", kind, "--template").stdout
    for placeholder, value in FILLED[kind].items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value, 1)
    result = cli("--data", str(base_dir), "add", kind, "-", "--dry-run", input=text)
    assert result.exit_code == 0, result.output
    assert '""' not in result.stdout and "null" not in result.stdout  # what is appended holds no blanks


def test_a_blank_required_field_is_still_an_error(base_dir, cli):
    text = cli("add", "visits", "--template").stdout
    result = cli("--data", str(base_dir), "add", "visits", "-", "--dry-run", input=text)
    assert result.exit_code == 3 and "id '' is not a lowercase slug" in result.stderr


def test_every_problem_of_a_record_comes_in_one_round(base_dir, cli):
    record = """\
id: test-visit
president: rouhani
to: Iran
date: "2019"
occasion: [1]
place: 5
placee: Baku
sources:
  - source: baku-visit-article
    quote: Hassan Rouhani visited twice
    note: also a note
  - source: baku-visit-article
    qoute: typo
"""
    result = cli("--data", str(base_dir), "add", "visits", "-", "--dry-run", input=record)
    assert result.exit_code == 3
    errors = result.stderr
    assert "<stdin>:5: 'occasion': expected 'str', got 'array'" in errors
    assert "<stdin>:6: 'place': expected 'str | null', got 'int'" in errors
    assert "<stdin>:7: unknown field 'placee'" in errors
    assert "<stdin>:13: unknown field 'qoute'" in errors  # in the second citation


def test_an_unknown_id_gets_did_you_mean(base_dir, cli):
    record = """\
id: test-visit
president: rouhanni
to: Azerbaijan
date: "2019"
occasion: Visit
sources:
  - source: baku-visit-articel
    quote: Hassan Rouhani visited twice, once in 2016 and again in 2019
"""
    result = cli("--data", str(base_dir), "add", "visits", "-", "--dry-run", input=record)
    assert result.exit_code == 3
    assert "'president' names 'rouhanni', which is not a person id in people.yaml; did you mean rouhani?" in (
        result.stderr
    )
    assert "cites 'baku-visit-articel', which is not a source id in sources.yaml; did you mean baku-visit-article?" in (
        result.stderr
    )


# --- 8. the visits summary's words -----------------------------------------------------------------------


def _visit(vid: str, source: str, quote: str, date: str) -> str:
    return (
        f"id: {vid}\npresident: pezeshkian\nto: Azerbaijan\ndate: '{date}'\noccasion: Meeting\n"
        f"sources:\n  - source: {source}\n    quote: {quote}\n"
    )


def test_the_visits_summary_counts_articles_and_years(news, cli, tmp_path):
    second = tmp_path / "second.txt"
    second.write_text("Second Example\nPezeshkian came back to Baku in 2026.\n", encoding="utf-8")
    assert cli("--data", str(news), "source", "add", str(second), "--id", "second").exit_code == 0
    first_visit = _visit("p-2025", "border-meeting", "met Azerbaijani President Ilham Aliyev at Astara", "2025")
    for record in (first_visit, _visit("p-2026", "second", "Pezeshkian came back to Baku in 2026", "2026")):
        added = cli("--data", str(news), "add", "visits", "-", input=record)
        assert added.exit_code == 0, added.output
    text = " ".join(cli("--data", str(news), "visits", env={"COLUMNS": "200"}).stdout.split())
    assert "2 visits known; 2 articles list 2;" in text and "the article" not in text
    assert "longest gap between known visits: 1 year (2025–2026)" in text


# --- 7. source add --title and stdin ---------------------------------------------------------------------


def test_source_add_takes_any_title(news, cli, tmp_path):
    article = tmp_path / "other.txt"
    article.write_text("HEADLINE IN CAPITALS\nPezeshkian spoke in Baku.\n", encoding="utf-8")
    result = cli("--data", str(news), "source", "add", str(article), "--id", "other", "--title", "Pezeshkian in Baku")
    assert result.exit_code == 0, result.output
    titles = {r["id"]: r["title"] for r in json.loads(cli("--data", str(news), "sources", "--json").stdout)}
    assert titles["other"] == "Pezeshkian in Baku"
    assert cli("--data", str(news), "validate").exit_code == 0


def test_source_add_reads_stdin_and_keeps_it_under_its_id(news, cli):
    text = "From the Clipboard\nPezeshkian spoke in Baku.\n"
    result = cli("--data", str(news), "source", "add", "-", "--id", "clip", input=text)
    assert result.exit_code == 0, result.output
    assert "added source clip (seeds/clip.txt)" in result.stderr
    assert (news.parent / "seeds" / "clip.txt").read_text(encoding="utf-8") == text
    titles = {r["id"]: r["title"] for r in json.loads(cli("--data", str(news), "sources", "--json").stdout)}
    assert titles["clip"] == "From the Clipboard"
    no_id = cli("--data", str(news), "source", "add", "-", input=text)
    assert no_id.exit_code == 2 and "--id" in no_id.stderr
    blank = cli("--data", str(news), "source", "add", "-", "--id", "blank", input="\nBody only.\n")
    assert blank.exit_code == 2 and "<stdin>: the first line is empty; give the title with --title" in blank.stderr
    titled = cli("--data", str(news), "source", "add", "-", "--id", "blank", "--title", "T", input="\nBody only.\n")
    assert titled.exit_code == 0, titled.output


# --- 6. new: a person by name -----------------------------------------------------------------------------


def test_new_takes_a_persons_name_and_asks_again_when_it_is_ambiguous(base):
    from test_edit import scripted

    from iranaz_cli.cli.interview import interview
    from iranaz_cli.write.locate import source_texts

    rejected: list[str] = []
    answers = [
        "rouhani-2019-again",  # id
        "Rowhani",  # president: a name, as `who` takes it
        "Azerbaijan",
        "2019",
        "Official visit",
        "baku-visit-article",
        "Hassan Rouhani visited twice",
        "",  # no more sources
        "Aliyev",  # host: two people are called Aliyev
        "Ilham Aliyev",
        "",  # place
        "",  # agenda
        "Sanaei, Dr Raisi",  # according_to: names, comma-separated
        "",  # notes
    ]
    record = interview("visits", base, source_texts(base, str(ARTICLE_BASE / "data")), scripted(answers, rejected))
    assert answers == []
    assert record["president"] == "rouhani" and record["host"] == "aliyev"
    assert record["according_to"] == ["sanaei", "raisi"]
    [ambiguous] = rejected
    assert ambiguous.startswith("host (id or name) (optional, Enter to skip): 'Aliyev': 'Aliyev' names 2 people: ")
    assert "Heydar Aliyev [heydar-aliyev]" in ambiguous and "Ilham Aliyev [aliyev]" in ambiguous


def test_new_offers_whole_hyphenated_ids_to_complete(base):
    from iranaz_cli.cli.edit import _completer

    complete = _completer(["heydar-aliyev", "aliyev", "baku-visit-article"])
    assert [complete("heydar-", i) for i in range(2)] == ["heydar-aliyev", None]
    # a readline that splits at hyphens anyway (libedit) passes only what follows the last one:
    # the completion is of the whole id typed, and replaces that part
    split = _completer(["heydar-aliyev", "aliyev"], lambda: "heydar-al")
    assert [split("al", i) for i in range(2)] == ["aliyev", None]
