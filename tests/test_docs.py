"""The documentation stays true: docs/reference.md is every `--help` text as the code prints it, every
command and option has its place in docs/commands.md, and the README is a page a newcomer reads.

(The examples of README.md and docs/*.md are run by test_readme.py.)
Regenerate the reference after changing a command's help: `python tests/test_docs.py`.
"""

from __future__ import annotations

import re
import sys

import pytest

from conftest import ROOT

REFERENCE = ROOT / "docs" / "reference.md"


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from iranaz_cli.cli.main import app

    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def _commands() -> list[list[str]]:
    """Every command, a group's subcommands included, as the words that run it."""
    from typer.main import get_command

    from iranaz_cli.cli.main import app

    group = get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append([name])
        found += [[name, sub] for sub in getattr(command, "commands", {})]
    return found


def reference() -> str:
    """Render docs/reference.md: the top-level help, then each command's, as the code prints them."""
    parts = [
        "# Reference: every `--help`\n\n",
        "Generated from the code by `python tests/test_docs.py`; a test fails when it falls out of step.\n",
        "[commands.md](commands.md) explains each command with examples.\n\n",
        "## `iranaz`\n\n```text\n" + _help([]) + "```\n",
    ]
    for words in _commands():
        parts.append(f"\n## `iranaz {' '.join(words)}`\n\n```text\n" + _help(words) + "```\n")
    return "".join(parts)


def test_the_reference_is_every_help_text_as_the_code_prints_it():
    assert REFERENCE.read_text(encoding="utf-8") == reference(), "run: python tests/test_docs.py"


@pytest.mark.parametrize("words", _commands(), ids=" ".join)
def test_every_option_of_every_command_is_in_the_commands_page(words):
    page = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", _help(words))) - {"--help"}
    missing = sorted(o for o in options if f"`{o}" not in page and f"{o} " not in page)
    assert missing == [], f"docs/commands.md does not explain {missing} of iranaz {' '.join(words)}"


def test_the_readme_fits_a_newcomer_and_links_every_docs_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 400
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, f"the README does not point to docs/{page.name}"
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / target).exists(), target
    assert readme.index("## Two commands") < readme.index("## Ten everyday questions") < readme.index("## Where next")


def test_links_between_docs_pages_resolve():
    for page in (ROOT / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([\w./-]+\.md)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to {target}"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    REFERENCE.write_text(reference(), encoding="utf-8")
    print(f"wrote {REFERENCE}")
