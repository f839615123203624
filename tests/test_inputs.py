"""What users hand the writers and `resolve`: capped, any line breaks, clear names for what is wrong."""

from __future__ import annotations

import json

import pytest
from test_edit import invoke


def test_resolve_caps_its_input_as_add_does(monkeypatch, tmp_path):
    """`resolve /dev/zero` was exit 70 (MemoryError); now it stops at the cap with one usage line."""
    import iranaz_cli.write.edit as edit

    monkeypatch.setattr(edit, "MAX_FILE_BYTES", 1000)
    names = tmp_path / "names.txt"
    names.write_text("Rowhani\n" * 200, encoding="utf-8")
    result = invoke("resolve", str(names))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {names}: over the 1000-byte limit\n"


def test_resolve_of_an_endless_device_stops_at_the_cap(monkeypatch):
    import iranaz_cli.write.edit as edit

    monkeypatch.setattr(edit, "MAX_FILE_BYTES", 1000)
    result = invoke("resolve", "/dev/zero")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: /dev/zero: over the ")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_resolve_reads_lines_ended_by_cr_lf_or_crlf(newline):
    result = invoke("resolve", "--json", input=newline.join(["Rowhani", "", "banana"]) + newline)
    assert result.exit_code in (0, 1), result.stderr
    assert [row["query"] for row in json.loads(result.stdout)] == ["Rowhani", "", "banana"]
