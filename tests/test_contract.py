"""The JSON Schemas state what the loader enforces: ids, dates, one of quote and note."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from iranaz_cli.show.contract import ROWS, json_schema


@pytest.mark.parametrize("command", ROWS)
def test_every_schema_is_a_valid_2020_12_schema(command):
    jsonschema.Draft202012Validator.check_schema(json_schema(command))


def _valid(schema: dict, rows: list) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(rows)


@pytest.fixture(scope="module")
def quotes(base):
    import iranaz_cli as api

    return json.loads(json.dumps(api.quotes(base)))


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", ""), ("id", "Not_A_Slug"), ("speaker_id", "x y"), ("date", "2025-4"), ("date", "April 2025")],
)
def test_schema_refuses_what_the_loader_refuses(quotes, field, value):
    schema = json_schema("quotes")
    row = dict(quotes[0])
    assert _valid(schema, [row])
    row[field] = value
    assert not _valid(schema, [row])


def test_a_citation_has_exactly_one_of_quote_and_note(quotes):
    schema = json_schema("quotes")
    row = copy.deepcopy(quotes[0])
    cite = row["sources"][0]
    assert "quote" in cite and "note" not in cite and _valid(schema, [row])
    cite["note"] = "both"
    assert not _valid(schema, [row])
    del cite["quote"]
    assert _valid(schema, [row])
    del cite["note"]
    assert not _valid(schema, [row])


def test_dates_in_the_schema_match_what_the_loader_reads(base):
    import re

    from iranaz_cli import edtf

    pattern = json_schema("visits")["$defs"]["VisitRow"]["properties"]["date"]["pattern"]
    for text in ("1993", "2025-04", "2025-04-28", "2024-05?", "2004~", "2004%", "04", "2004-1", "2004/2005"):
        assert bool(re.fullmatch(pattern.strip("^$"), text)) == (edtf.check(text) is None), text
