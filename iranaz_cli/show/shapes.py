"""Shapes shared by the JSON contract of listings and of `show`: citations, notes, roles."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class Citation(TypedDict):
    """A citation: the source's id, its quote or note; listings add the source's publisher and date."""

    source: str
    quote: NotRequired[str]
    note: NotRequired[str]
    occurrence: NotRequired[int]
    dating: NotRequired[bool]  # cited only to date the record
    publisher: NotRequired[str | None]
    published: NotRequired[str | None]


class AttributedNote(TypedDict):
    """A note the source attributes to someone (the names of people or the source's title, and their ids)."""

    text: str
    according_to: list[str]
    according_to_ids: list[str]


Notes = list[str | AttributedNote]
SourceKind = Literal["article", "report", "reference"]


class Confirmation(TypedDict):
    """The latest day (a full day) a source shows a fact about the present still true."""

    date: str
    source: str
    publisher: NotRequired[str | None]  # the source's (listings add it)


class Role(TypedDict):
    """A title a person held: a term of an office (``start`` and ``end`` both days in office: on a handover
    day both holders held it), or a title as of a date."""

    title: str
    office: str | None
    start: str | None
    end: str | None
    acting: bool
    end_reason: str | None
    as_of: str | None
    last_confirmed: Confirmation | None
    caveat: NotRequired[str | None]  # with --at after the last confirmation: "no source after DATE"
    sources: list[Citation]


class Host(TypedDict):
    """The host of a visit: the one a source names (certain), else who held the office of president
    of the country visited at the visit's date: ``certain`` only if one person held it throughout
    that date (a year can span a handover; then ``names`` lists each)."""

    ids: list[str]
    names: list[str]
    certain: bool
    sources: list[Citation]  # the citations of the terms it came from, and the visit's own that name it
