"""A commented YAML template of one record of a kind (``iranaz add KIND --template``), from the model."""

from __future__ import annotations

from typing import Any

from ..model import KINDS
from .edit import check_kind

_HINTS = {
    "id": "a lowercase slug (a-z, 0-9, -), unique in the base",
    "source": "a source id (sources.yaml; `iranaz sources`)",
    "quote": "the source's exact words (`iranaz locate TEXT` finds them)",
    "note": "for a reference: the fact, in words",
    "sha256": "`sha256sum FILE` (`iranaz source add` fills it in)",
    "path": "seeds/FILE, relative to the folder that holds data/",
    "occurrence": "which one (1: the first) when the quote is found more than once in the article",
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
            if field.name in DATE_FIELDS:
                hint = 'a date as text: "2025", "2025-04" or "2025-04-28" (only as precise as the source)'
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
