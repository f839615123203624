"""A commented YAML template of one record of a kind (``iranaz add KIND --template``), from the model."""

from __future__ import annotations

from typing import Any

from ..model import KINDS
from .edit import check_kind

_HINTS = {
    "id": "a lowercase slug (a-z, 0-9, -), unique in the base",
    "source": "a source id (sources.yaml; `iranaz sources`)",
    "quote": "the source's exact words (`iranaz locate TEXT` finds them)",
    "note": "for a report or reference: the fact, in your own words",
    "sha256": "`sha256sum FILE` (`iranaz source add` fills it in)",
    "path": "seeds/FILE, relative to the folder that holds data/",
    "occurrence": "which one (1: the first) when the quote is found more than once in the article",
    "url": "https://... (required for a report)",
    "publisher": "the outlet, agency or government that published it",
    "language": "ISO 639-1 code: en, fa, az, ru, tr, ...",
    "checked": 'the day you verified the fact against it: "2026-12-05"',
    "host": "optional person id of the host, where a source names him (people.yaml)",
    "last_confirmed": "for what is true today (an open term, a status): the latest full day a source shows it",
    "about": "ids of the records the sources disagree about",
    "claim": "what this side holds, in your own words",
    "sides": "at least two: each claim with the sources that hold it",
    "status": "for something ongoing: its status as last reported",
    "dating": "true when the citation only dates the record (search leaves its words out)",
}


def template(kind: str) -> str:
    """Return a commented YAML template of one record of ``kind``, derived from the model."""
    import msgspec

    from ..model import DATE_FIELDS, PERSON_REFERENCES, SOURCE_OR_PERSON

    check_kind(kind)
    out = [
        f"# A record for data/{kind}.yaml. Fill in the values, delete the optional lines you do not",
        f"# need, then: iranaz add {kind} FILE (or pipe it: ... | iranaz add {kind} -)",
    ]

    def fields(cls: Any, indent: str, first_prefix: str) -> None:
        info = msgspec.inspect.type_info(cls)
        prefix = first_prefix
        for field in info.fields:  # type: ignore[attr-defined]
            hint = _HINTS.get(field.name, "")
            if field.name in DATE_FIELDS and field.name != "checked":
                hint = 'a date as text: "2025", "2025-04" or "2025-04-28" (only as precise as the source)'
                if field.name == "date" and kind == "visits":
                    hint += ', or days "2004-08-05/2004-08-06"'
            if field.name in PERSON_REFERENCES.get(kind, {}) and not indent:
                hint = "person id" + ("s" if isinstance(field.type, msgspec.inspect.ListType) else "")
                hint += " (people.yaml; `iranaz who NAME`)"
                if field.name in SOURCE_OR_PERSON:
                    hint += ", or a source id for the source's own analysis"
            value, nested = _example(field.type)
            if isinstance(field.type, msgspec.inspect.LiteralType):
                hint = f"one of: {', '.join(map(str, field.type.values))}"
                if isinstance(field.default, str):
                    value = field.default
            need = "required" if field.required else "optional"
            comment = f"  # {need}" + (f": {hint}" if hint else "")
            if nested is not None:
                out.append(f"{indent}{prefix}{field.name}:{comment}")
                fields(nested, indent + "    ", "- ")
            else:
                out.append(f"{indent}{prefix}{field.name}: {value}{comment}")
            prefix = "  "

    fields(KINDS[kind], "", "- ")
    return "\n".join(out) + "\n"


def _example(t: Any) -> tuple[str, Any]:
    """Return a placeholder for a field of type ``t``, or the record type of a nested list."""
    import msgspec

    mi = msgspec.inspect
    if isinstance(t, mi.UnionType):
        kinds = [x for x in t.types if not isinstance(x, mi.NoneType)]
        if kinds and isinstance(kinds[0], mi.StructType):  # a small mapping (last_confirmed), on one line
            return "{" + ", ".join(f'{f.name}: ""' for f in kinds[0].fields) + "}", None
        if not kinds or not isinstance(kinds[0], mi.StrType):
            return "null", None
        return '""', None
    if isinstance(t, mi.ListType):
        if isinstance(t.item_type, mi.StructType):
            return "", t.item_type.cls
        return "[]", None
    if isinstance(t, mi.LiteralType):
        return str(t.values[0]), None
    if isinstance(t, mi.BoolType):
        return "false", None
    if isinstance(t, mi.IntType | mi.FloatType):
        return "0", None
    return '""', None


def without_blanks(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """Return a record with the optional lines of a template left blank taken out: an optional field
    whose value is empty (``""``, ``null``, ``[]``, ``{date: "", source: ""}``, a list of blank
    records) is absent. Required fields stay, so that a blank one is reported; no list item is
    removed, so every problem keeps its line."""
    return _clean(record, KINDS[kind])


def _blank(value: Any) -> bool:
    """Whether a value is a template's placeholder: empty text, null, an empty list or mapping, or
    a mapping (or list of them) of placeholders only (``false`` counts, as a template's default)."""
    if value is None or value == "" or value is False:
        return True
    if isinstance(value, dict | list):
        return all(_blank(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


def _clean(record: dict[str, Any], struct: Any) -> dict[str, Any]:
    import typing

    import msgspec

    fields = {f.name: f for f in msgspec.structs.fields(struct)}
    out = {}
    for key, value in record.items():
        field = fields.get(key) if isinstance(key, str) else None
        if field is not None and not field.required and _blank(value) and (value is not False or not field.default):
            continue  # (false is dropped only where it is the default)
        if field is not None and isinstance(value, list) and typing.get_origin(field.type) is list:
            (item,) = typing.get_args(field.type)
            if isinstance(item, type) and issubclass(item, msgspec.Struct):
                value = [_clean(v, item) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out
