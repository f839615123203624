"""The options commands share, declared once: formats, units, kinds and the annotated option types."""

from enum import StrEnum
from typing import Annotated

import typer
import typer.core


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


class Unit(StrEnum):
    bcm_y = "bcm/y"
    mcm_d = "mcm/d"
    bcf_d = "bcf/d"
    tcf_y = "tcf/y"


class Kind(StrEnum):
    visit = "visit"
    event = "event"
    assessment = "assessment"
    corridor = "corridor"
    quote = "quote"
    gas = "gas"
    term = "term"


class SchemaKind(StrEnum):
    visits = "visits"
    who = "who"
    gas = "gas"
    corridor = "corridor"
    timeline = "timeline"
    search = "search"
    quotes = "quotes"
    sources = "sources"
    offices = "offices"
    coverage = "coverage"
    resolve = "resolve"
    disputes = "disputes"
    stale = "stale"
    show = "show"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Short for --format json.")]
DataOpt = Annotated[
    str | None,
    typer.Option(  # (no envvar: $IRANAZ_DATA is read after both --data options, so that either wins over it)
        "--data",
        metavar="DIR",
        show_default=False,
        help="Fact-base folder to read (default: $IRANAZ_DATA, else the shipped base).",
    ),
]
SinceOpt = Annotated[
    str | None, typer.Option(metavar="DATE", help="First date to include: YYYY, YYYY-MM or YYYY-MM-DD (as --at).")
]
UntilOpt = Annotated[
    str | None, typer.Option(metavar="DATE", help="Last date to include: YYYY, YYYY-MM or YYYY-MM-DD (as --at).")
]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="DATE",
        help="Only the offices and roles held at this date: YYYY, YYYY-MM or YYYY-MM-DD, maybe with ~ or ? (EDTF).",
    ),
]
SvgOpt = Annotated[str | None, typer.Option("--save-svg", metavar="FILE", help="Also save the table as SVG.")]
HtmlOpt = Annotated[str | None, typer.Option("--save-html", metavar="FILE", help="Also save the table as HTML.")]
FieldsOpt = Annotated[
    str | None,
    typer.Option("--fields", metavar="A,B,...", help="Only these fields, in this order (every format)."),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, metavar="N", help="At most N results.")]
BomOpt = Annotated[bool, typer.Option("--bom", help="Start CSV with a UTF-8 byte-order mark (for spreadsheets).")]
RawCsvOpt = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        help="Keep CSV cells that start with = + - @ as they are (by default such a formula gets a leading ').",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --save-svg/--save-html file.")]
PagerOpt = Annotated[
    bool,
    typer.Option(
        "--pager/--no-pager",
        show_default=False,
        help="Page a table taller than the terminal ($PAGER, else less; IRANAZ_PAGER= turns it off).",
    ),
]
