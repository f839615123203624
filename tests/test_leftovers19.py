"""What the attacks on issue 19 found and first left alone, closed as a user meets them: an empty
name filter, `init -`, a search that folds to almost nothing, printf past the length cap."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    "args", [["visits", "--president", ""], ["quotes", "--speaker", " "], ["who", ""], ["who", "   "]]
)
def test_an_empty_name_is_a_usage_error_not_every_record(cli, args):
    # `--president ""` printed every visit, as if no filter had been given
    result = cli(*args, "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "Error: the name is empty\n")


@pytest.mark.parametrize("folder", ["-", ""])
def test_init_refuses_a_folder_named_dash_or_nothing(cli, tmp_path, monkeypatch, folder):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "--", folder)
    assert result.exit_code == 2
    assert result.stderr == f"Error: '{folder}' is not a folder name: name the folder to make the base in\n"
    assert list(tmp_path.iterdir()) == []


def test_a_search_folded_to_almost_nothing_matches_literally_only(cli):
    # 'aaaa' folds (as names are folded) to 'e', which every record holds: it found every record
    result = cli("search", "aaaa", "--json")
    assert (result.exit_code, result.stdout) == (1, "[]\n")
    spelled = json.loads(cli("search", "Rajai", "--json").stdout)  # (the base spells the port Rajaee)
    assert "shahid-rajaee-port-explosion-2025" in [r["id"] for r in spelled]
