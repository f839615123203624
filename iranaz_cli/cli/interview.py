"""Ask for a record field by field (``iranaz new KIND``), checking each answer as it is typed.

The questions follow the model, so every kind (and any kind added later) is covered: ids must be
new slugs, dates EDTF, people and sources ids of the base (offered for completion), and a quote
must be found in its article; the quote kept is the article's own span, as ``locate`` finds it.
``ask`` is given by the caller (a terminal prompt in the CLI, a list of answers in tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from ..errors import UsageError

# ask(question, check, choices) -> the answer, once ``check`` returns None for it.
Ask = Callable[[str, Callable[[str], str | None], list[str]], str]
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def interview(kind: str, base: Any, texts: dict[str, str], ask: Ask) -> dict[str, Any]:
    """Return a record of ``kind`` built from the answers to one question per field."""
    from ..model import KINDS
    from ..write.edit import check_kind

    check_kind(kind)
    if kind == "sources":
        raise UsageError("add a source with `iranaz source add FILE --id ID`")
    return _Interview(kind, base, texts, ask).record(KINDS[kind], "")


class _Interview:
    def __init__(self, kind: str, base: Any, texts: dict[str, str], ask: Ask):
        from ..model import KINDS

        self.kind = kind
        self.base = base
        self.ask = ask
        self.texts = texts
        self.ids = {r.id for k in KINDS for r in getattr(base, k)}
        self.people = sorted(p.id for p in base.people)
        self.sources = {s.id: s.kind for s in base.sources}

    def record(self, cls: Any, prefix: str) -> dict[str, Any]:
        import msgspec

        from ..model import PERSON_REFERENCES

        out: dict[str, Any] = {}
        for field in msgspec.inspect.type_info(cls).fields:  # type: ignore[attr-defined]
            name = prefix + field.name
            if field.name == "sources" and not prefix:
                out["sources"] = self.citations()
            elif field.name == "roles":
                roles = self.roles(field.type.item_type.cls)
                if roles:
                    out["roles"] = roles
            elif field.name == "last_confirmed":
                confirmed = self.confirmation(name)
                if confirmed:
                    out[field.name] = confirmed
            elif field.name in PERSON_REFERENCES.get(self.kind, {}) and not prefix:
                ids = self.people_ids(name, field)
                if ids:
                    out[field.name] = ids
            else:
                value = self.value(name, field)
                if value is not None:
                    out[field.name] = value
        return out

    def confirmation(self, name: str) -> dict[str, str] | None:
        """Ask for a ``last_confirmed`` (a full day, then a source id), or nothing."""
        from .. import edtf

        def day(answer: str) -> str | None:
            if not answer:
                return None
            why = edtf.check(answer)
            return why or (None if len(answer) == 10 and "/" not in answer else "a full day: YYYY-MM-DD")

        date = self.ask(f"{name}.date (the latest day a source shows it; optional, Enter to skip)", day, [])
        if not date:
            return None
        known = list(self.sources)
        source = self.ask(f"{name}.source", lambda a: None if a in known else "a source id", known)
        return {"date": date, "source": source}

    def value(self, name: str, field: Any) -> Any:
        import msgspec

        from .. import edtf
        from ..model import DATE_FIELDS

        mi = msgspec.inspect
        t = field.type
        optional = not field.required
        if isinstance(t, mi.UnionType):
            t = next(x for x in t.types if not isinstance(x, mi.NoneType))
        question = name + ("" if field.required else " (optional, Enter to skip)")
        if isinstance(t, mi.ListType):
            items: list[str] = []
            while True:
                item = self.ask(f"{name} (one at a time, Enter to end)", lambda a: None, [])
                if not item:
                    return items or None
                items.append(item)
        if isinstance(t, mi.BoolType):
            yes_no = ("y", "n", "") if optional else ("y", "n")
            answer = self.ask(f"{question} [y/n]", lambda a: None if a in yes_no else "answer y or n", ["y", "n"])
            return (answer == "y") if answer else None
        if isinstance(t, mi.LiteralType):
            choices = [str(v) for v in t.values]
            answer = self.ask(
                f"{question} ({'/'.join(choices)})",
                lambda a: None if a in choices or (optional and not a) else f"one of: {', '.join(choices)}",
                choices,
            )
            return answer or None
        if isinstance(t, mi.IntType | mi.FloatType):
            answer = self.ask(question, lambda a: None if optional and not a else _number_problem(a, field.type), [])
            return _number(answer)

        def check(answer: str) -> str | None:
            if not answer:
                return None if optional else "required"
            if field.name == "id":
                if not _ID.fullmatch(answer):
                    return "a lowercase slug (a-z, 0-9, single -)"
                if answer in self.ids:
                    return f"'{answer}' is taken"
            if field.name in DATE_FIELDS:
                return edtf.check(answer)
            return None

        return self.ask(question, check, []) or None

    def people_ids(self, name: str, field: Any) -> Any:
        import msgspec

        from ..model import SOURCE_OR_PERSON

        many = isinstance(field.type, msgspec.inspect.ListType)
        known = self.people + (list(self.sources) if field.name in SOURCE_OR_PERSON else [])
        meant: dict[str, str] = {}  # a name typed -> the id it resolved to

        def check(answer: str) -> str | None:
            if not answer:
                return "required" if field.required else None
            for given in _split(answer) if many else [answer]:
                if given in known:
                    continue
                why = self.person_named(given, meant)
                if why:
                    return why
            return None

        question = name + (" (ids or names, comma-separated)" if many else " (id or name)")
        answer = self.ask(question + ("" if field.required else " (optional, Enter to skip)"), check, known)
        ids = [meant.get(given, given) for given in (_split(answer) if many else [answer])]
        return ids if many else ids[0]

    def person_named(self, name: str, meant: dict[str, str]) -> str | None:
        """Resolve a name as `who` does, into ``meant``; return why it names no one person (None if it does)."""
        from ..ask.people import resolve_person
        from ..errors import NotFound

        try:
            found = resolve_person(self.base, name)
        except NotFound as e:
            return f"{e} (an id, or a name as `iranaz who` takes it; add people with `iranaz add people`)"
        if len(found) > 1:
            named = {p.id: p.name for p in self.base.people}
            listed = ", ".join(f"{named[i]} [{i}]" for i in found)
            return f"'{name}' names {len(found)} people: {listed}; type one id or full name"
        meant[name] = found[0]
        return None

    def citations(self, required: bool = True) -> list[dict[str, Any]]:
        from ..write.locate import closest, find, hits_in

        ids = list(self.sources)
        cites: list[dict[str, Any]] = []
        while True:

            def check_source(answer: str) -> str | None:
                if not answer:
                    return None if cites or not required else "cite at least one source"
                return None if answer in self.sources else f"not a source id; one of: {', '.join(ids)}"

            source = self.ask("source" + (" (Enter to end)" if cites or not required else ""), check_source, ids)
            if not source:
                return cites
            text = self.texts.get(source)
            if text is None:
                note = self.ask("note (the fact, in words)", lambda a: None if a.strip() else "required", [])
                cites.append({"source": source, "note": note})
                continue

            def check_quote(answer: str, text: str = text, source: str = source) -> str | None:
                if not answer.strip():
                    return "required"
                if find(text, answer):
                    return None
                near = closest({source: text}, answer)
                return f"not in {source}" + (f"; did you mean {near[1]!r}?" if near else "")

            quote = self.ask("quote (the article's words)", check_quote, [])
            hits = hits_in(source, text, quote)
            hit = hits[0]
            if len(hits) > 1:  # the same words elsewhere: which place is meant
                places = "; ".join(f"{k}: line {h['line']}, {h['sentence'][:60]!r}" for k, h in enumerate(hits, 1))
                numbers = [str(k) for k in range(1, len(hits) + 1)]
                question = f"found {len(hits)} times ({places}); which"
                pick = self.ask(question, partial(_one_of, numbers), numbers)
                hit = hits[int(pick) - 1]
            cite = {"source": source, "quote": hit["quote"]}
            if hit["occurrences"] > 1:
                cite["occurrence"] = hit["occurrence"]
            cites.append(cite)

    def roles(self, cls: Any) -> list[dict[str, Any]]:
        import msgspec

        roles: list[dict[str, Any]] = []
        while True:
            title = self.ask("role title (Enter to end)", lambda a: None, [])
            if not title:
                return roles
            role: dict[str, Any] = {"title": title}
            for field in msgspec.inspect.type_info(cls).fields:  # type: ignore[attr-defined]
                if field.name == "sources":  # a term of office cites its own sources
                    cites = self.citations(required=False)
                    if cites:
                        role["sources"] = cites
                elif field.name != "title":
                    value = self.value(f"role {field.name}", field)
                    if value is not None:
                        role[field.name] = value
            roles.append(role)


def _one_of(choices: list[str], answer: str) -> str | None:
    return None if answer in choices else "a number"


def _split(answer: str) -> list[str]:
    return [part.strip() for part in answer.split(",") if part.strip()]


def _number_problem(answer: str, kind: Any) -> str | None:
    """Say what is wrong with a number as the base would refuse it (finite, exact, in range), or None."""
    import math

    import msgspec

    value = _number(answer)
    if value is None:
        return "a number"
    if not math.isfinite(value):
        return "a finite number"
    if isinstance(value, int) and abs(value) > 2**53:
        return "too large a number (at most 2**53)"
    try:
        msgspec.convert(value, _annotation(kind))
    except msgspec.ValidationError as e:
        return (
            str(e)
            .split(" - at ", 1)[0]
            .replace("Expected `float`", "a number")
            .replace("Expected `int`", "a whole number")
        )
    return None


def _annotation(kind: Any) -> Any:
    """Return the Python type (constraints included) that an inspected msgspec type describes."""
    import msgspec

    mi = msgspec.inspect
    if isinstance(kind, mi.UnionType):
        kind = next(x for x in kind.types if not isinstance(x, mi.NoneType))
    meta = {k: getattr(kind, k) for k in ("gt", "ge", "lt", "le") if getattr(kind, k, None) is not None}
    base = int if isinstance(kind, mi.IntType) else float
    from typing import Annotated

    return Annotated[base, msgspec.Meta(**meta)] if meta else base


def _number(answer: str) -> float | int | None:
    try:
        value = float(answer)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value
