"""The commands through Typer's CliRunner: output per format, exit codes, help and README."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import ROOT

LISTINGS = {
    # command line: a text every format must show
    ("visits",): "pezeshkian-2025",
    ("who", "Sanaei"): "Mehdi Sanaei",
    ("gas",): "Astara",
    ("corridor",): "zangezur-railway-severed-1988",
    ("timeline",): "raisi-death-2024",
    ("search", "Nakhchivan"): "nakhchivan-exclave",
    ("quotes",): "a new beginning",
    ("sources",): "baku-visit-article",
    ("offices",): "heydar-aliyev",
}
COMMANDS = ["visits", "who", "gas", "corridor", "timeline", "search", "quotes", "show", "sources", "validate",
            "schema", "export", "coverage", "offices", "sql", "resolve", "init", "locate", "add", "new",
            "disputes", "stale"]  # fmt: skip


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_table(cli, args):
    result = cli(*args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.stderr
    assert LISTINGS[args] in result.stdout
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout and "…" not in result.stdout


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_json_is_an_array_of_objects_citing_sources(cli, args):
    result = cli(*args, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)
    assert LISTINGS[args] in result.stdout
    if args[0] != "sources":
        cited = ({"source", "quote", "publisher", "published"}, {"source", "note", "publisher", "published"})
        # (and `dating`, on a citation that only dates the record)
        assert all(r["sources"] and all(set(c) - {"dating"} in cited for c in r["sources"]) for r in rows)
    assert cli(*args, "--format", "json").stdout == result.stdout


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_jsonl_csv_and_markdown(cli, args):
    rows = json.loads(cli(*args, "--json").stdout)
    jsonl = cli(*args, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == rows
    table = list(csv.reader(io.StringIO(cli(*args, "--format", "csv").stdout)))
    assert table[0][0] == "id" and len(table) == len(rows) + 1
    md = cli(*args, "-f", "md").stdout
    assert md.startswith("| ") and "| --- |" in md.replace("---|", "--- |")
    assert LISTINGS[args] in md


def test_json_fields_scripts_rely_on(cli):
    visit = json.loads(cli("visits", "--json").stdout)[-1]
    assert {"id", "president", "president_id", "date", "year", "occasion", "place", "notes", "sources"} <= set(visit)
    assert (visit["year"], visit["date"], visit["president_id"]) == (2025, "2025", "pezeshkian")
    [gas] = json.loads(cli("gas", "--unit", "bcf/d", "--json").stdout)
    assert gas["volume"] == {
        "value": 5.32,  # 55 * 35.3147 / 365 = 5.3214..., to 3 significant figures
        "unit": "bcf/d",
        "basis": "annual import volume under the memorandum",
        "approximate": True,
    }
    assert gas["volume_bcm_per_year"] == 55
    assert all(q["year"] is None or isinstance(q["year"], int) for q in json.loads(cli("quotes", "--json").stdout))


def test_json_keeps_non_ascii_as_utf8(cli):
    out = cli("who", "Pezeshkian", "--json").stdout
    assert "مسعود پزشکیان" in out and "\\u" not in out


def test_csv_writes_a_list_as_json_text(cli):
    rows = list(csv.DictReader(io.StringIO(cli("visits", "--president", "Pezeshkian", "-f", "csv").stdout)))
    assert json.loads(rows[0]["agenda"])[0] == "Meetings with senior Azerbaijani officials"


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_tables_fit_80_columns(cli, args):
    out = cli(*args).stdout
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_wide_tables_show_every_id_whole(cli, args):
    out = cli(*args, env={"COLUMNS": "250"}).stdout
    assert all(re.search(rf"\b{re.escape(r['id'])}\b", out) for r in json.loads(cli(*args, "--json").stdout))


def test_visits_table_ends_with_a_summary_line(cli):
    out = " ".join(cli("visits").stdout.split())
    caption = (
        "7 visits known; the article lists 7; by 5 presidents, 1993–2025; longest gap between known visits: 11 years"
    )
    assert caption in out
    rouhani = " ".join(cli("visits", "-p", "Rouhani").stdout.split())
    assert "2 visits known; the article lists 2; by 1 president, 2016–2019" in rouhani


def test_since_and_until_are_inclusive(cli):
    years = [v["year"] for v in json.loads(cli("visits", "--since", "2004", "--until", "2016", "--json").stdout)]
    assert years == [2004, 2007, 2010, 2016]
    years = {r["year"] for r in json.loads(cli("timeline", "--since", "2024", "--until", "2024", "--json").stdout)}
    assert years == {2024}


def test_timeline_kind_filter(cli):
    rows = json.loads(cli("timeline", "--kind", "visit", "--kind", "corridor", "--json").stdout)
    assert {r["kind"] for r in rows} == {"visit", "corridor"}


def test_show_prints_one_object_with_provenance(cli):
    record = json.loads(cli("show", "sanaei-new-beginning", "--json").stdout)
    assert (
        record["speaker_id"] == "sanaei"
        and record["speaker"] == "Mehdi Sanaei"
        and record["provenance"][0]["title"].startswith("Iran’s President")
    )
    table = cli("show", "sanaei-new-beginning").stdout
    assert "Sanaei described the trip as" in table


def test_sources_count_records(cli):
    rows = {r["id"]: r for r in json.loads(cli("sources", "--json").stdout)}
    assert rows["baku-visit-article"]["records"] == 54
    assert rows["baku-visit-article"]["sha256"].startswith("98d720be")


# --- exit codes and messages ------------------------------------------------------------------------


def test_nothing_found_exits_1_with_empty_json_and_a_message(cli):
    result = cli("who", "banana", "--json")
    assert (result.exit_code, result.stdout.strip()) == (1, "[]")
    assert result.stderr == "Error: no one matches 'banana'\n"
    result = cli("search", "no such words anywhere")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: nothing contains")
    assert cli("show", "no-such-id").exit_code == 1


@pytest.mark.parametrize(
    "args",
    [("visits", "--since", "abc"), ("gas", "--unit", "furlongs"), ("visits", "--format", "yaml"), ("frobnicate",),
     ("timeline", "--kind", "battle"), ("schema", "nothing"), ("who",),
     ("visits", "--since", "2020", "--until", "2010")],
    ids=" ".join,
)  # fmt: skip
def test_usage_errors_exit_2_and_say_what_is_accepted(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error" in result.stderr


def test_unknown_unit_lists_the_units(cli):
    assert "'bcm/y', 'mcm/d', 'bcf/d', 'tcf/y'" in cli("gas", "--unit", "furlongs").stderr


def test_broken_base_exits_3_naming_file_and_line(cli, base_dir):
    path = base_dir / "visits.yaml"
    path.write_text(path.read_text().replace("  occasion: Visit\n", "  occasion: Visit\n  presdent: x\n", 1))
    for args in (("visits", "--data", str(base_dir)), ("--data", str(base_dir), "visits"), ("validate", str(base_dir))):
        result = cli(*args)
        assert result.exit_code == 3
        assert re.fullmatch(r"Error: .*/visits\.yaml:\d+: unknown field 'presdent'\n", result.stderr), result.stderr
        assert result.stdout == ""
    assert cli("visits", env={"IRANAZ_DATA": str(base_dir)}).exit_code == 3


def test_validate_the_shipped_base(cli):
    result = cli("validate")
    assert (result.exit_code, result.stdout) == (0, "ok: 66 records in 8 files\n")


# --- what data cannot do to a terminal ------------------------------------------------------------------


def test_markup_and_escapes_in_data_are_shown_literally(cli, base_dir):
    path = base_dir / "visits.yaml"
    evil = r'"[bold red]x[/] :smile: \e[31mred\e]0;title\a [/]"'
    path.write_text(path.read_text().replace("occasion: Visit\n", f"occasion: {evil}\n", 1))
    result = cli("visits", "--data", str(base_dir), "-p", "Khatami")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "[bold red]x[/]" in out and ":smile:" in out and "😄" not in out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mred" in out
    data = json.loads(cli("visits", "--data", str(base_dir), "-p", "Khatami", "--json").stdout)
    assert data[0]["occasion"] == "[bold red]x[/] :smile: \x1b[31mred\x1b]0;title\x07 [/]"
    assert "\x1b" not in cli("visits", "--data", str(base_dir), "-p", "Khatami", "-f", "md").stdout


# --- help, version, README --------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_an_example_and_a_docs_section(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"iranaz {command}" in result.stdout
    commands = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert re.search(rf"^### `iranaz {command}\b", commands, re.M), f"docs/commands.md has no section for {command}"


def test_every_registered_command_is_tested_here():
    from iranaz_cli.cli.main import app

    assert sorted(c.name or c.callback.__name__ for c in app.registered_commands) == sorted(COMMANDS)


def test_top_level_help_documents_exit_codes(cli):
    out = cli("--help").stdout
    for line in ("0  results printed", "1  nothing found", "2  usage error", "3  fact base missing or invalid"):
        assert line in out


def test_top_level_help_lists_questions_first_then_scripts_then_curating(cli):
    out = cli("--help").stdout
    sections = [line for line in out.splitlines() if line in ("Ask questions:", "For scripts:", "Curate a base:")]
    assert sections == ["Ask questions:", "For scripts:", "Curate a base:"]
    body = out.split("Ask questions:")[1]
    questions, rest = body.split("For scripts:")
    scripts, curating = rest.split("Curate a base:")
    assert "  who " in questions and "  visits " in questions and "  validate " not in questions
    assert "  sql " in scripts and "  resolve " in scripts
    for command in ("validate", "schema", "export", "init", "add", "new", "source"):
        assert f"  {command} " in curating


def test_a_missing_choice_lists_the_choices_on_one_line(cli):
    result = cli("schema")
    assert result.exit_code == 2
    assert "Choose from: visits, who, gas," in result.stderr
    assert "\\n" not in result.stderr and "\\t" not in result.stderr


def test_version(cli):
    from iranaz_cli import __version__

    assert cli("--version").stdout == f"iranaz {__version__}\n"


def test_schema_is_json_schema_of_the_command_output(cli):
    schema = json.loads(cli("schema", "visits").stdout)
    assert schema["type"] == "array"
    assert "president_id" in json.dumps(schema)


def test_a_bug_is_one_line_with_exit_70_not_a_traceback(cli, monkeypatch):
    from iranaz_cli.ask import subjects

    monkeypatch.setattr(subjects, "corridor", lambda base: 1 / 0)
    result = cli("corridor")
    assert result.exit_code == 70
    assert result.stderr == "Error: internal error (ZeroDivisionError: division by zero); please report it\n"
    monkeypatch.setenv("IRANAZ_DEBUG", "1")
    assert isinstance(cli("corridor").exception, ZeroDivisionError)


def test_the_cli_choices_are_the_core_s():
    from iranaz_cli.ask import rows as core
    from iranaz_cli.cli.main import Kind, SchemaKind, Unit
    from iranaz_cli.show.contract import ROWS

    # The CLI declares its choices itself so that --help need not import the core; they must agree.
    assert [u.value for u in Unit] == list(core.UNITS)
    assert [k.value for k in Kind] == list(core.TIMELINE_KINDS)
    assert [k.value for k in SchemaKind] == [*ROWS, "show"]


def test_each_command_is_found_in_the_module_a_run_imports_for_it():
    from iranaz_cli.cli import main as cli

    app = cli.app  # every command registered
    commands = {c.name or c.callback.__name__: c.callback.__module__ for c in app.registered_commands}
    groups = {g.name: g.typer_instance.registered_commands[0].callback.__module__ for g in app.registered_groups}
    defined = commands | groups
    assert set(defined) == set(cli.COMMAND_MODULES)
    assert {name: module.rpartition(".")[2] for name, module in defined.items()} == cli.COMMAND_MODULES


def test_a_query_imports_only_the_module_of_its_command(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; sys.argv = ['iranaz', 'gas', '--json']\n"
        "from iranaz_cli.cli import main as cli\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('iranaz_cli.cli.')), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    imported = result.stderr.strip().splitlines()[-1]
    assert imported == str(
        [f"iranaz_cli.cli.{m}" for m in ("app", "complete", "listing", "main", "options", "progress", "query")]
    )
