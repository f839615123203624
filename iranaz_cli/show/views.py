"""What each command shows in a table or Markdown: its title and columns (JSON shows every field)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .render import View, cell


def _date(row: dict) -> str:
    date = row.get("date")
    if not date:
        return "undated"
    return f"{date} to {row['end']}" if row.get("end") else date


def _lines(values: list) -> str:
    return "\n".join(cell(v) for v in values)


# How `who` groups the records that name a person, by the role the record gives them.
MENTION_GROUPS = {
    "Took part in": ("president", "participant"),
    "Hosted": ("host",),
    "Said": ("speaker", "announced_by", "according_to"),
    "Attributed notes": ("attributed",),  # (a note of the record is theirs, not the record: the note is shown)
    "Mentioned in": ("mentioned",),
}


def _mentions(roles: tuple[str, ...]) -> Callable[[dict], str]:
    def column(row: dict) -> str:
        return "\n".join(
            f"{_date(m)} · {m['kind']} · {cell(text)} [{m['id']}]{_possibly(m)}"
            for m in row["mentions"]
            if m.get("role", "mentioned") in roles
            for text in m.get("notes") or [m["summary"]]
        )

    return column


def _possibly(mention: dict) -> str:
    return " (possibly: the date does not decide the host)" if mention.get("host_certain") is False else ""


def _approximate(row: dict) -> str:
    """Say how close a match is when it is not exact (empty, and so not shown, when it is)."""
    return f"approximate match: {row['score']:.0f} of 100" if row["score"] < 100 else ""


def _quote(row: dict) -> str:
    words = f"“{row['text']}”" if row["direct"] else f"{row['text']} (reported)"
    return f"{words}\n— {row['context']} [{row['id']}]"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _visits_caption(rows: list[dict]) -> str:
    from ..ask.visits import visit_summary

    s = visit_summary(rows)
    years = s["first_year"] if s["first_year"] == s["last_year"] else f"{s['first_year']}–{s['last_year']}"
    articles = s["articles"]
    lists = "the article lists" if articles == 1 else f"{articles} articles list" if articles else "no article lists"
    known = f"{_plural(s['visits'], 'visit')} known; {lists} {s['in_article'] if articles else 'any'}"
    text = f"{known}; by {_plural(s['presidents'], 'president')}, {years}"
    gap = s["longest_gap"]
    if gap:
        text += f"; longest gap between known visits: {_plural(gap['years'], 'year')} ({gap['from']}–{gap['to']})"
    return text


def _term(role: dict) -> str:
    """Return a role as a line: its title and term ("from 2024-07-28, in office"), or its as_of date."""
    text = cell(role["title"])
    if role.get("start"):
        text += f", {_span(role)}"
        if role.get("acting") and "acting" not in role["title"].casefold():
            text += " (acting)"
    elif role.get("as_of"):
        text += f" (as of {role['as_of']})"
    return text


def _in_office(term: dict) -> str:
    """Return how current an open term is: "in office, last confirmed DATE (PUBLISHER)", and any caveat."""
    confirmed = term.get("last_confirmed")
    if confirmed:
        by = f" ({cell(confirmed['publisher'])})" if confirmed.get("publisher") else f" ({cell(confirmed['source'])})"
        text = f"in office, last confirmed {confirmed['date']}{by}"
    else:
        text = "in office (no confirmation date)"
    caveat = term.get("caveat")
    return text + (f"; {caveat}" if caveat and caveat != "no confirmation date" else "")


def _span(term: dict) -> str:
    if not term.get("end"):
        return f"from {term['start']}, {_in_office(term)}"
    reason = f" ({cell(term['end_reason'])})" if term.get("end_reason") else ""
    return f"{term['start']} to {term['end']}{reason}"


def _host(row: dict) -> str:
    """Return the visit's host; when the date cannot decide, every possible host and why."""
    host = row["host"]
    names = " or ".join(cell(n) for n in host["names"])
    if not names:
        return "none recorded"
    if host["certain"]:
        return names
    date = row["date"]
    if len(host["names"]) > 1:
        both = "both" if len(host["names"]) == 2 else f"all {len(host['names'])}"
        if len(date.rstrip("~?%")) == len("YYYY-MM-DD"):  # one day, and an acting holder beside the president
            return f"{names} ({both} held the office on {date})"
        return f"{names} (the date, {date}, spans {both})"
    if date[-1] in "~?%":
        return f"{names} (the date, {date}, is {'approximate' if date[-1] == '~' else 'uncertain'})"
    return f"{names} (no holder is recorded for part of {date})"


def _offices_caption(rows: list[dict]) -> str:
    offices = len({r["office"] for r in rows})
    people = len({r["holder_id"] for r in rows})
    holders = f"{people} {'person' if people == 1 else 'people'}"
    terms = f"{_plural(len(rows), 'term')} of {_plural(offices, 'office')}"
    return f"{terms} by {holders}; a handover day is in both terms"


def _end(row: dict) -> str:
    if not row["end"]:
        return _in_office(row)
    return row["end"] + (f"\n({cell(row['end_reason'])})" if row["end_reason"] else "")


def _title_url(row: dict) -> str:
    title = f"{cell(row['title'])} [{row['id']}]"
    return f"{title}\n{cell(row['url'])}" if row.get("url") else title


UNCITED_SHOWN = 50  # uncited sentences a coverage table lists (an uncited 2 MiB article has ~25,000)


def _uncited(row: dict) -> str:
    """List an article's uncited sentences, the first UNCITED_SHOWN, then how many more JSON gives."""
    uncited = row["uncited"]
    lines = [f"line {u['line']}: {cell(u['text'])}" for u in uncited[:UNCITED_SHOWN]]
    if len(uncited) > UNCITED_SHOWN:
        lines.append(f"… and {len(uncited) - UNCITED_SHOWN} more (--json lists them all)")
    return "\n".join(lines)


def _published(row: dict) -> str:
    """Return who published a source and when, and the day it was last checked."""
    lines = [cell(row["publisher"]) or "publisher unknown", row["published"] or "undated"]
    if row.get("language"):
        lines[-1] += f", in {cell(row['language'])}"
    if row.get("checked"):
        lines.append(f"checked {cell(row['checked'])}")
    return "\n".join(lines)


def _summary(row: dict) -> str:
    return f"{row['summary']} [{row['id']}]" + _differ(row)


def _differ(row: dict) -> str:
    """Return a line for each dispute about a row's record: its sources differ (empty if none)."""
    return "".join(f"\nsources differ (iranaz disputes {d})" for d in row.get("disputes") or ())


def _confirmed(row: dict) -> str:
    """Return when a fact was last confirmed, by whom and how long ago, or that it never was."""
    confirmed = row["last_confirmed"]
    if confirmed is None:
        return "never confirmed"
    by = cell(confirmed.get("publisher") or confirmed["source"])
    return f"{confirmed['date']} ({by}), {_plural(row['age_days'], 'day')} ago"


def _sides(row: dict) -> str:
    """Return each side of a dispute: its claim, then each source that holds it (publisher, date)."""
    lines = []
    for side in row["sides"]:
        lines.append(f"• {cell(side['claim'])}")
        lines += [f"  {cell(c)}" for c in side["sources"]]
    return "\n".join(lines)


_BRIEF: list[tuple[str, str | Callable[[dict], Any]]] = [("Date", _date), ("Kind", "kind"), ("Summary [id]", _summary)]

VIEWS: dict[str, View] = {
    "visits": View(
        "Visits between the presidents of Iran and Azerbaijan",
        [
            ("Date", _date),
            ("President", "president"),
            ("To", "to"),
            ("Host", _host),
            ("Occasion", lambda r: (f"{r['occasion']}, in {r['place']}" if r["place"] else r["occasion"]) + _differ(r)),
            ("ID", "id"),
        ],
        caption=_visits_caption,
    ),
    "who": View(
        "Person",
        [
            ("Name", "name"),
            ("Match", _approximate),
            ("Country", "country"),
            ("Roles", lambda r: "\n".join(_term(role) for role in r["roles"])),
            ("Aliases", lambda r: _lines(r["aliases"])),
            ("Notes", lambda r: _lines(r["notes"])),
            *((header, _mentions(roles)) for header, roles in MENTION_GROUPS.items()),
            ("ID", "id"),
        ],
        record=True,
    ),
    "gas": View(
        "Gas deal",
        [
            ("Date", _date),
            ("Supplier", "supplier"),
            ("Buyer", "buyer"),
            ("Transit", "transit"),
            ("Volume", "volume"),
            ("Delivery point", "delivery_point"),
            ("Stated by", lambda r: f"{r['announced_by']}, in {r['announced_in']}"),  # (the field: announced_by)
            ("According to", lambda r: " and ".join(r["according_to"])),
            ("Status", lambda r: cell(r["status"]) + _differ(r)),
            ("Notes", lambda r: _lines(r["notes"])),
            ("ID", "id"),
        ],
        record=True,
    ),
    "corridor": View("The corridor to Nakhchivan", [("Date", _date), ("Summary [id]", _summary)]),
    "timeline": View("Timeline", _BRIEF),
    "timeline-chart": View("Timeline", _BRIEF, chart=True),
    "search": View("Search results", _BRIEF),
    "quotes": View(
        "Quotes and reported statements",
        [("Date", _date), ("Speaker", "speaker"), ("Words — context [id]", lambda r: _quote(r) + _differ(r))],
    ),
    "stale": View(
        "Facts about the present to re-check",
        [
            ("Kind", "kind"),
            ("What [id]", lambda r: f"{cell(r['what'])} [{r['id']}]"),
            ("Last confirmed", _confirmed),
        ],
        caption=lambda rows: f"{_plural(len(rows), 'fact')} to re-check",
    ),
    "disputes": View(
        "Where sources differ",
        [
            ("Subject [id]", lambda r: f"{cell(r['subject'])} [{r['id']}]"),
            ("About", lambda r: "\n".join(r["about"])),
            ("Sides and their sources", _sides),
        ],
    ),
    "resolve": View(
        "Names resolved",
        [("Query", "query"), ("Name", "name"), ("Score", "score"), ("Match", "match"), ("ID", "id")],
    ),
    "sources": View(
        "Sources",
        [
            ("Kind", "source_kind"),
            ("Publisher, date", _published),
            ("Records", "records"),
            ("Title [id] and URL", _title_url),
        ],
    ),
    "coverage": View(
        "Coverage",
        [
            ("Sentences", "sentences"),
            ("Cited", lambda r: f"{r['cited']} ({r['percent']:g}% of the factual ones)"),
            ("Not factual", "not_factual"),
            ("Uncited", _uncited),
            ("Marked", lambda r: "\n".join(f"“{cell(m['quote'])}”: {cell(m['reason'])}" for m in r["marks"])),
        ],
        record=True,
    ),
    "offices": View(
        "Offices and their holders",
        [
            ("Office", lambda r: r["office"].replace("-", " ")),  # (words wrap; a key would be cut)
            ("Holder [id]", lambda r: f"{r['holder']} [{r['id']}]" + _differ(r)),
            ("Start", "start"),
            ("End", _end),
            ("Acting", lambda r: "acting" if r["acting"] else ""),
        ],
        caption=_offices_caption,
    ),
}


def record_view(row: dict) -> View:
    """Return the field/value view of one record of any kind, as `show` prints it."""
    shown: dict[str, Callable[[dict], Any]] = {"host": _sourced_host}
    columns: list[tuple[str, str | Callable[[dict], Any]]] = [
        (name, shown.get(name, name)) for name in row if name not in ("provenance", "sources", "disputes")
    ]
    if row.get("disputes"):
        columns.append(("disputes", lambda r: _differ(r).lstrip("\n")))
    columns.append(("Provenance", lambda r: "\n".join(_citation(c) for c in r["provenance"])))
    return View(row["kind"].capitalize(), columns, record=True, marked=frozenset({"Provenance"}))


def _sourced_host(row: dict) -> str:
    """Return a visit's host, then each source it comes from (a term's reference, the visit's own words)."""
    return "\n".join([_host(row), *(f"source: {cell(c)}" for c in row["host"]["sources"])])


def _citation(c: dict) -> str:
    """One citation: where it is, then the sentence that holds the quote, the quoted words in «...»;
    one that only dates the record says so ("dated by: ...")."""
    return ("dated by: " if c.get("dating") else "") + _cited(c)


def _cited(c: dict) -> str:
    about = ", ".join(cell(v) for v in (c.get("publisher"), c.get("published")) if v)
    label = f"{c['source']} ({c['source_kind']}" + (f"; {about})" if about else ")")
    if "quote" not in c:
        where = f", {c['url']}" if c.get("url") else ""
        return f"{label}{where}: {c['note']}"
    context = c.get("context")
    if "line" not in c or context is None:
        return f"{label}: “{c['quote']}”"
    text, a, b = context["text"], context["quote_start"], context["quote_end"]
    where = f"{label}, line {c['line']}, characters {c['start']}–{c['end']}:"
    return f"{where}\n{cell(text[:a])}«{cell(text[a:b])}»{cell(text[b:])}"
