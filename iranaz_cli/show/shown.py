"""The JSON contract of `show --json`: one record of any kind, every field, with its provenance."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from ..model import BcmPerYear
from .shapes import Citation, Confirmation, Host, Notes, Role, SourceKind


class QuoteContext(TypedDict):
    """The sentences around a quote: their offsets and text, and the quote's place in that text."""

    start: int
    end: int
    text: str
    quote_start: int
    quote_end: int


class Provenance(TypedDict):
    source: str
    title: str
    source_kind: SourceKind
    publisher: str | None
    published: str | None
    url: NotRequired[str]
    quote: NotRequired[str]
    note: NotRequired[str]
    occurrence: NotRequired[int]
    dating: NotRequired[bool]  # cited only to date the record ("dated by")
    start: NotRequired[int]
    end: NotRequired[int]
    line: NotRequired[int]
    exact: NotRequired[str]
    prefix: NotRequired[str]
    suffix: NotRequired[str]
    context: NotRequired[QuoteContext]


class NotFactual(TypedDict):
    quote: str
    reason: str


class ShownSource(TypedDict):
    id: str
    kind: Literal["source"]
    summary: str
    title: str
    source_kind: SourceKind
    path: str | None
    sha256: str | None
    url: str | None
    publisher: str | None
    published: str | None
    language: str | None
    checked: str | None
    not_factual: list[NotFactual]
    disputes: list[str]
    provenance: list[Provenance]


class _Shown(TypedDict):
    id: str
    summary: str
    sources: list[Citation]
    disputes: list[str]  # ids of the disputes about it: its sources differ
    provenance: list[Provenance]


class ShownPerson(_Shown):
    kind: Literal["person"]
    name: str
    country: str
    type: Literal["person", "organization"]
    aliases: list[str]
    roles: list[Role]
    notes: Notes


class ShownVisit(_Shown):
    kind: Literal["visit"]
    president: str
    president_id: str
    to: Literal["Azerbaijan", "Iran"]
    host: Host
    date: str
    year: int | None
    occasion: str
    place: str | None
    agenda: list[str]
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes


class ShownGas(_Shown):
    kind: Literal["gas"]
    supplier: str
    buyer: str
    transit: list[str]
    volume_bcm_per_year: BcmPerYear
    volume_basis: str
    delivery_point: str
    announced_by: str
    announced_by_id: str
    announced_in: str
    status: str
    date: str | None
    year: int | None
    last_confirmed: Confirmation | None
    according_to: list[str]
    according_to_ids: list[str]
    notes: Notes


class ShownEvent(_Shown):
    kind: Literal["event", "assessment", "corridor"]
    date: str | None
    end: str | None
    year: int | None
    place: str | None
    actors: list[str]
    participants: list[str]
    participant_ids: list[str]
    mentioned: list[str]
    mentioned_ids: list[str]
    according_to: list[str]
    according_to_ids: list[str]
    status: str | None
    last_confirmed: Confirmation | None
    notes: Notes


class ShownQuote(_Shown):
    kind: Literal["quote"]
    speaker: str
    speaker_id: str
    text: str
    direct: bool
    context: str
    date: str | None
    year: int | None
    notes: Notes


class Side(TypedDict):
    """One side of a dispute: what it holds and the sources that hold it."""

    claim: str
    sources: list[Citation]


class ShownDispute(TypedDict):
    id: str
    kind: Literal["dispute"]
    summary: str
    subject: str
    about: list[str]
    sides: list[Side]
    disputes: list[str]
    provenance: list[Provenance]


SHOWN = (ShownSource, ShownPerson, ShownVisit, ShownGas, ShownEvent, ShownQuote, ShownDispute)
