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
        folded = [fold_quote(s.text) for s in sentences] if source.not_factual else []
        for mark in source.not_factual:
            quote = fold_quote(mark.quote)
            hit = [i for i, text in enumerate(folded) if quote in text]
            marked.update(hit)
            marks.append({"quote": mark.quote, "reason": mark.reason, "lines": [sentences[i].line for i in hit]})
        covered = _overlapped(sentences, spans)
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


def _overlapped(sentences: list, spans: list[tuple[int, int]]) -> set[int]:
    """The indexes of the sentences (in order, as the splitter gives them) that a span overlaps: each
    span marks where its run of sentences begins and ends, and one pass adds them up (testing every
    sentence against every span took minutes for 88,000 quotes in 2 MiB articles)."""
    from bisect import bisect_left, bisect_right
    from itertools import accumulate

    starts, ends = [s.start for s in sentences], [s.end for s in sentences]
    edges = [0] * (len(sentences) + 1)
    for a, b in spans:
        first, last = bisect_right(ends, a), bisect_left(starts, b)  # (the sentences with end > a and start < b)
        if first < last:
            edges[first] += 1
            edges[last] -= 1
    return {i for i, depth in enumerate(accumulate(edges[:-1])) if depth}
