"""One record with its full provenance, the sources and what cites them, and the overview."""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..model import FactBase, Source
from .rows import KIND, TIMELINE_FILES, Lookup, kind_of, record_fields, records_of, summary, year_of
from .visits import visits


def record(base: FactBase, record_id: str) -> dict:
    """Return one record by id (case ignored), with every field, its kind and its full provenance."""
    kind, rec = _find_record(base, record_id)
    lookup = Lookup(base)
    titles = {s.id: s for s in base.sources}
    out = {"id": rec.id, "kind": kind_of(kind, rec), "summary": summary(kind, rec, lookup)}
    out.update(record_fields(kind, rec, lookup))
    if kind == "visits":  # the host, a sourced fact, beside the president
        from .hosts import host_of, host_terms

        fields = [(k, v) for k, v in out.items() if k not in ("host", "host_id")]  # (the record's own: in host)
        keys = [k for k, _ in fields]
        at = keys.index("to" if "to" in keys else "president_id") + 1  # after the country visited
        out = dict([*fields[:at], ("host", host_of(rec, host_terms(base), lookup)), *fields[at:]])
    out["summary"] = summary(kind, rec, lookup)  # (an event's own summary, attributed)
    if hasattr(rec, "date"):
        out["year"] = year_of(rec.date)
    out["disputes"] = lookup.disputes(rec.id)
    anchors = base.anchors.get(rec.id, [])
    out["provenance"] = [
        _provenance(base, titles[c.source], c, anchors[i] if i < len(anchors) else None)
        for i, c in enumerate(getattr(rec, "sources", []))
    ] + [  # the citations of a person's terms of office or of a dispute's sides, which are not anchored
        _provenance(base, titles[c.source], c, None) for c in _unanchored(rec)
    ]
    return out


def _find_record(base: FactBase, record_id: str) -> tuple[str, Any]:
    if "@" in record_id:  # a term of office (`offices`, `timeline`, `stale`): its holder
        return _holder_of_term(base, record_id)
    folded = record_id.casefold()
    same_but_case = None
    for kind, rec in records_of(base):
        if rec.id == record_id:
            return kind, rec
        if same_but_case is None and rec.id.casefold() == folded:
            same_but_case = kind, rec
    if same_but_case:
        return same_but_case
    import difflib

    close = difflib.get_close_matches(folded, [i.casefold() for i in record_ids(base)], n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "try: iranaz search TEXT"
    raise NotFound(f"no record has the id '{record_id}'; {hint}")


def _holder_of_term(base: FactBase, term: str) -> tuple[str, Any]:
    """Return the person whose term ``PERSON@term-N`` (or ``PERSON@term-N/end``) names."""
    from ..text import visible
    from .people import term_id

    holder, _, which = term.partition("@")
    kind, person = _find_record(base, holder)
    if kind != "people":
        raise NotFound(f"'{visible(holder)}' is not a person, so '{visible(term)}' names no term of office")
    ids = [term_id(person, r) for r in person.roles if r.office and r.start]
    wanted = f"{person.id}@{which.casefold().removesuffix('/end')}"
    if wanted not in ids:
        held = f"{len(ids)} term{'' if len(ids) == 1 else 's'}: {', '.join(ids)}" if ids else "no terms of office"
        raise NotFound(f"no record has the id '{visible(term)}'; {person.id} has {held}")
    return kind, person


def _unanchored(record: Any) -> list[Any]:
    """Return the citations a record holds outside its own ``sources``: its terms' and its sides'."""
    return [
        *(c for role in getattr(record, "roles", []) for c in role.sources),
        *(c for side in getattr(record, "sides", []) for c in side.sources),
    ]


def _citations(record: Any) -> list[Any]:
    """Return a record's citations, with those of its terms of office (a person's roles cite their own)."""
    return [*getattr(record, "sources", []), *_unanchored(record)]


def _provenance(base: FactBase, source: Source, cite: Any, anchor: Any) -> dict:
    """Return one citation as `show` gives it: the source, the quote or note, and where the quote is."""
    out: dict[str, Any] = {"source": cite.source, "title": source.title, "source_kind": source.kind}
    out |= {"publisher": source.publisher, "published": source.published}
    if source.url:
        out["url"] = source.url
    if cite.dating:
        out["dating"] = True
    if cite.quote is None:
        return out | {"note": cite.note}
    out["quote"] = cite.quote
    if cite.occurrence is not None:
        out["occurrence"] = cite.occurrence
    if anchor is not None:
        out |= {"start": anchor.start, "end": anchor.end, "line": anchor.line}
        out |= {"exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix}
        around = [s for s in base.sentences.get(cite.source, []) if s.start < anchor.end and anchor.start < s.end]
        if around:
            first, last = around[0].start, around[-1].end
            text = " ".join(s.text for s in around)
            # The quote's place within the sentences' text (joined by one space, as they are read).
            start = _joined_offset(around, anchor.start)
            end = _joined_offset(around, anchor.end)
            out["context"] = {"start": first, "end": last, "text": text, "quote_start": start, "quote_end": end}
    return out


def _joined_offset(sentences: list[Any], position: int) -> int:
    """Map a raw offset into the text of ``sentences`` joined by single spaces."""
    done = 0
    for s in sentences:
        if position <= s.end:
            return done + max(0, position - s.start)
        done += len(s.text) + 1
    return done - 1


def record_ids(base: FactBase) -> list[str]:
    """Return every record id, for shell completion."""
    return [rec.id for _, rec in records_of(base)]


def sources(base: FactBase) -> list[dict]:
    """Return the sources, each with how many records cite it."""
    counts: dict[str, int] = {s.id: 0 for s in base.sources}
    for _, rec in records_of(base):
        for cited in {c.source for c in _citations(rec)}:
            counts[cited] = counts.get(cited, 0) + 1
    return [
        {
            "id": s.id,
            "title": s.title,
            "source_kind": s.kind,
            "publisher": s.publisher,
            "published": s.published,
            "url": s.url,
            "language": s.language,
            "checked": s.checked,
            "path": s.path,
            "sha256": s.sha256,
            "records": counts[s.id],
        }
        for s in base.sources
    ]


def _counts(base: FactBase) -> dict[str, int]:
    """Count the records of each kind, an event apart from an assessment (the source's own analysis)."""
    counts: dict[str, int] = {}
    for file in KIND:
        if file in ("events", "corridor"):
            for record in getattr(base, file):
                kind = "assessments" if kind_of(file, record) == "assessment" else file
                counts[kind] = counts.get(kind, 0) + 1
            counts.setdefault(file, 0)
        else:
            counts[file] = len(getattr(base, file))
    return counts


def overview(base: FactBase) -> dict:
    """Return how many records of each kind, the years covered, and the latest visit."""
    years = [year for _, r in records_of(base, TIMELINE_FILES) if (year := year_of(r.date)) is not None]
    latest = visits(base)[-1] if base.visits else None
    checked = [s.checked for s in base.sources if s.checked]
    kinds: dict[str, int] = {}
    for source in base.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + 1
    return {
        "checked_through": max(checked) if checked else None,  # (YYYY-MM-DD sorts as text)
        "records": _counts(base),
        "sources": {kind: kinds[kind] for kind in ("article", "report", "reference") if kind in kinds},
        "first_year": min(years) if years else None,
        "last_year": max(years) if years else None,
        "latest_visit": latest,
    }
