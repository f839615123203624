"""How much of each article the base cites, sentence by sentence."""

from __future__ import annotations

from ..errors import NotFound
from ..model import FactBase
from ..text import fold_quote
from .rows import records_of


def coverage(base: FactBase, source_id: str | None = None) -> list[dict]:
    """Return, per article, how many of its sentences a citation overlaps, and the uncited ones."""
    articles = [s for s in base.sources if s.kind == "article" and (source_id is None or s.id == source_id)]
    if source_id is not None and not articles:
        known = ", ".join(s.id for s in base.sources if s.kind == "article")
        raise NotFound(f"no article has the id '{source_id}' (articles: {known})")
    cited: dict[str, list[tuple[int, int]]] = {}
    for _, rec in records_of(base):
        for cite, anchor in zip(getattr(rec, "sources", []), base.anchors.get(rec.id, []), strict=False):
            if anchor is not None:
                cited.setdefault(cite.source, []).append((anchor.start, anchor.end))
    rows = []
    for source in articles:
        sentences = base.sentences.get(source.id, [])
        spans = cited.get(source.id, [])
        marks = []
        marked: set[int] = set()
        for mark in source.not_factual:
            hit = [i for i, s in enumerate(sentences) if fold_quote(mark.quote) in fold_quote(s.text)]
            marked.update(hit)
            marks.append({"quote": mark.quote, "reason": mark.reason, "lines": [sentences[i].line for i in hit]})
        covered = {i for i, s in enumerate(sentences) if any(a < s.end and s.start < b for a, b in spans)}
        uncited = [
            {"line": s.line, "start": s.start, "end": s.end, "text": s.text}
            for i, s in enumerate(sentences)
            if i not in covered and i not in marked
        ]
        factual = len(sentences) - len(marked - covered)
        rows.append(
            {
                "id": source.id,
                "title": source.title,
                "sentences": len(sentences),
                "cited": len(covered),
                "not_factual": len(marked - covered),
                "percent": round(100 * len(covered) / factual, 1) if factual else 100.0,
                "uncited": uncited,
                "marks": marks,
            }
        )
    return rows
