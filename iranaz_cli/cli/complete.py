"""Shell completion of ids and names from the base a command line names; only safe words are offered."""

from typing import Any

import typer
import typer.core

from ..errors import IranazError
from ..text import shell_safe
from .app import load_base


def _completion_base(ctx: typer.Context) -> Any:
    """Load the base a command line being completed names (its --data, the group's, $IRANAZ_DATA), or None."""
    data = None
    while ctx is not None and data is None:
        data = ctx.params.get("data")
        ctx = ctx.parent  # type: ignore[assignment]
    try:
        return load_base(data)
    except IranazError:
        return None


def complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    base = _completion_base(ctx)
    if base is None:
        return []
    from ..ask import records

    return [i for i in records.record_ids(base) if i.startswith(incomplete) and shell_safe(i)]


def _people_named(ctx: typer.Context, kind: str | None = None, field: str | None = None) -> list[Any]:
    """Return the people of the base being completed (only those the ``field`` of ``kind`` names)."""
    base = _completion_base(ctx)
    if base is None:
        return []
    if kind is None or field is None:
        return list(base.people)
    named = {getattr(r, field) for r in getattr(base, kind)}
    return [p for p in base.people if p.id in named]


def _by_name(people: list[Any], incomplete: str) -> list[tuple[str, str]]:
    """Offer each person once, by the name people type: their full name if ``incomplete`` starts it
    (ignoring case), else the first later word of it that ``incomplete`` starts (`rouh` -> `rouhani`).

    Typer keeps only values that start with what was typed, so the typed part is kept as typed; a name
    that would not mean itself to a shell is never offered (`validate` warns about it)."""
    prefix, seen, out = incomplete.casefold(), set(), []
    for person in people:
        name = person.name
        if not shell_safe(name):
            continue
        words = _words(name)
        for word in (" ".join(words), *words[1:]):
            if word.casefold().startswith(prefix):
                value = incomplete + word[len(incomplete) :]
                if value not in seen:
                    seen.add(value)
                    out.append((value, name))
                break
    return out


def complete_name(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete `who`'s NAME... with the names it starts, each person once."""
    return [value for value, _ in _by_name(_people_named(ctx), incomplete)]


def _words(name: str) -> list[str]:
    """Return a name's words as typed, split at spaces."""
    return [w for w in name.split(" ") if w]


def complete_president(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _by_name(_people_named(ctx, "visits", "president"), incomplete)


def complete_speaker(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _by_name(_people_named(ctx, "quotes", "speaker"), incomplete)


# --- what each shell is given --------------------------------------------------------------------------
# Every completion, ours or Click's, leaves through these classes: a value that would not mean itself
# to a shell is dropped (a base's `$(...)` never reaches a command line), spaces are escaped for the
# shell at hand, and a description keeps only characters no shell's evaluation of it can act on (zsh's
# `_arguments` evaluates descriptions, and Typer's escaping of them misses the backslash).

# Typer's bash script expands the candidates unquoted (`COMPREPLY=( $(...) )`), so a `*` in one was a
# glob of the working folder; this one reads each line as it is, and where nothing is offered (an empty
# line) leaves the completion to bash's own, of file names.
BASH_SCRIPT = """
%(complete_func)s() {
    local IFS=$'\\n'
    mapfile -t COMPREPLY < <(env COMP_WORDS="${COMP_WORDS[*]}" \\
                   COMP_CWORD=$COMP_CWORD \\
                   %(autocomplete_var)s=complete_bash $1)
    [[ ${#COMPREPLY[@]} == 1 && -z ${COMPREPLY[0]} ]] && COMPREPLY=()  # (nothing offered: bash's own file names)
    return 0
}

complete -o default -F %(complete_func)s %(prog_name)s
"""

_DESCRIBED = frozenset(" -_.,+@/():;!?=<>[]#&*%")


def _description(help: str | None) -> str | None:
    """Keep of a description only letters, digits, marks and punctuation that no shell evaluates."""
    import unicodedata

    if help is None:
        return None
    return "".join(c for c in help if c in _DESCRIBED or unicodedata.category(c)[0] in "LMN")


def use_safe_shells() -> None:
    """Have Typer complete through iranaz's shell classes and print iranaz's bash script."""
    from typer import _completion_classes as classes
    from typer import _completion_shared
    from typer._click.shell_completion import CompletionItem, add_completion_class

    class Safe:
        def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
            items = super().get_completions(args, incomplete)  # type: ignore[misc]
            for item in items:
                item.help = _description(item.help)
            return [item for item in items if shell_safe(item.value)]

    class Bash(Safe, classes.BashComplete):
        source_template = BASH_SCRIPT

        def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
            # (a path argument: Click offers what was typed, which would stop bash completing file names)
            return [item for item in super().get_completions(args, incomplete) if item.type not in ("file", "dir")]

        def format_completion(self, item: CompletionItem) -> str:
            return str(item.value).replace(" ", "\\ ")  # bash inserts a completion as it is given

    class Zsh(Safe, classes.ZshComplete):
        pass

    class Fish(Safe, classes.FishComplete):
        pass

    class PowerShell(Safe, classes.PowerShellComplete):
        def format_completion(self, item: CompletionItem) -> str:
            if " " in item.value:
                item.value = f"'{item.value}'"  # no quote in a safe value
            return super().format_completion(item)

    for shell in (Bash, Zsh, Fish, PowerShell):
        add_completion_class(shell, shell.name)
    add_completion_class(PowerShell, "pwsh")
    _completion_shared._completion_scripts["bash"] = BASH_SCRIPT
