"""Shell completion of ids and names from the base a command line names; only safe words are offered."""

from typing import Any

import typer
import typer.core

from ..errors import IranazError
from ..text import visible
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

    return [i for i in records.record_ids(base) if i.startswith(incomplete)]


def _people_named(ctx: typer.Context, kind: str | None = None, field: str | None = None) -> list[Any]:
    """Return the people of the base being completed (only those the ``field`` of ``kind`` names)."""
    base = _completion_base(ctx)
    if base is None:
        return []
    if kind is None or field is None:
        return list(base.people)
    named = {getattr(r, field) for r in getattr(base, kind)}
    return [p for p in base.people if p.id in named]


def _word_completions(candidates: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """Complete ``incomplete`` to each (word, help) it starts, ignoring case, as typed: `rouh` -> `rouhani`.

    Typer keeps only values that start with what was typed, so the typed part is kept as typed."""

    prefix, seen, out = incomplete.casefold(), set(), []
    for word, help in candidates:
        value = incomplete + word[len(incomplete) :]
        if visible(word) != word or "\n" in word or "\t" in word:
            continue  # the shell would show it raw: no control sequence from a base reaches the terminal
        if word.casefold().startswith(prefix) and value not in seen:
            seen.add(value)
            out.append((value, visible(help, lines=False)))  # zsh and fish read one candidate a line
    return out


def complete_name(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete `who`'s NAME... with the full names it starts, else with the words of names it starts
    (`Rouh` -> `Rouhani`); several words are fine, `who` joins them."""
    people = _people_named(ctx)
    full = _word_completions([(p.name, p.name) for p in people], incomplete)
    words = [(w, p.name) for p in people for w in _words(p.name)[1:]]
    return [value for value, _ in full or _word_completions(words, incomplete)]


def _complete_person(ctx: typer.Context, incomplete: str, kind: str, field: str) -> list[tuple[str, str]]:
    """Complete an option's NAME with one word (bash inserts a completion unquoted): a person's id or a
    word of their name, which the option accepts like any spelling; zsh and fish show the full name beside it."""
    people = _people_named(ctx, kind, field)
    return _word_completions([(w, p.name) for p in people for w in (p.id, *_words(p.name))], incomplete)


def _words(name: str) -> list[str]:
    """Return a name's words as typed, split at spaces only: a control character keeps its word, not offered."""
    return [w for w in name.split(" ") if w]


def complete_president(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _complete_person(ctx, incomplete, "visits", "president")


def complete_speaker(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _complete_person(ctx, incomplete, "quotes", "speaker")
