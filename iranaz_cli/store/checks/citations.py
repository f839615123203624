"""Citations and quotes: each article read safely and verified, each quote found and anchored in it."""

from __future__ import annotations

import hashlib
import os
import re

from ...errors import FactBaseError
from ...model import (
    ATTRIBUTING_WORDS,
)
from ...text import fold_quote, visible
from .. import yamlread
from ..paths import Unreadable, read_regular, source_file, stamp_of
from ..yamlread import decode
from .state import Checks

SHA256 = re.compile(r"[0-9a-f]{64}")
LANGUAGE = re.compile(r"[a-z]{2}")  # ISO 639-1
WEB_ADDRESS = re.compile(r"https?://\S+")  # (and nothing visible() would escape: see _check_source)


def attributing_quote(quote: str) -> bool:
    """Whether a quote holds words by which the article attributes what it says to someone."""
    folded = fold_quote(quote).casefold()
    return any(word in folded for word in ATTRIBUTING_WORDS)


def _web_address(url: str) -> bool:
    """Whether ``url`` is http(s):// and then ASCII without spaces, or letters, marks and digits beyond
    ASCII (an address in Persian), none of them hidden: no blank (U+2800), no private-use character."""
    import unicodedata

    if WEB_ADDRESS.fullmatch(url) is None or visible(url, lines=False) != url:
        return False
    return all(c <= "~" or unicodedata.category(c)[0] in "LMN" for c in url)


class CitationChecks(Checks):
    """Check sources, citations and quotes, and anchor each quote in its article."""

    def _check_source(self, source, display, where) -> None:
        self.source_kinds[source.id] = source.kind
        if source.language is not None and not LANGUAGE.fullmatch(source.language):
            message = f"language {source.language!r} is not an ISO 639-1 code (en, fa, az)"
            self.at(display, (*where, "language"), message)
        url = source.url
        web = url is None or _web_address(url)
        if not web:
            message = f"source '{source.id}': the url is not a web address (http:// or https://, one line, no spaces)"
            self.at(display, (*where, "url"), message)
        if source.kind == "report":
            if source.published is None:
                self.at(display, where, f"source '{source.id}': a report needs 'published' (the page's own date)")
            if web and (url is None or not url.startswith("https://")):  # (a url that is no address is said once)
                self.at(
                    display, (*where, "url") if url else where, f"source '{source.id}': a report needs an https 'url'"
                )
        if source.kind != "article":
            self.source_text[source.id] = None
            if source.not_factual:
                self.at(display, (*where, "not_factual"), "only an article has sentences to mark 'not_factual'")
            return
        text = self._read_article(source, display, where)
        if text is None:
            self.failed["sources"].add(source.id)  # reported: its citations are neither checked nor reported
            return
        self.source_text[source.id] = fold_quote(text)
        self._index_article(source, text, display, where)

    def _read_article(self, source, display, where) -> str | None:
        """Return an article's text, or None after reporting why it cannot be read or trusted.

        The file is read only if its path stays inside the base and it is a regular file; its
        bytes must match the recorded sha256 before anything is checked against them, and a
        mismatch says no more than that (not the digest, not which quotes would be found).
        """
        if not (source.path and source.sha256):
            self.at(display, where, f"source '{source.id}': an article needs 'path' and 'sha256'")
            return None
        if not SHA256.fullmatch(source.sha256):
            self.at(display, (*where, "sha256"), "sha256 must be 64 lowercase hex digits")
            return None
        if source.path in self.replaced:  # a new text checked before it is written (never cached)
            raw = self.replaced[source.path]
            stamp = (os.fsencode(source.path), len(raw), 0, 0, 0, hashlib.sha256(raw).hexdigest())
            self.stamps.append(stamp)
            return self._checked_text(source, raw, stamp, display, where)
        try:
            raw, stamp = read_regular(source_file(self.data_dir, source.path), yamlread.MAX_ARTICLE_BYTES)
        except Unreadable as e:
            self.at(display, (*where, "path"), f"source file {source.path} {e}")
            return None
        self.stamps.append(stamp)
        self.article_bytes += len(raw)
        if self.article_bytes > yamlread.MAX_ARTICLES_BYTES:
            cap = yamlread.MAX_ARTICLES_BYTES
            limit = f"{cap >> 20} MiB" if cap % 2**20 == 0 else f"{cap} bytes"
            self.at(display, (*where, "path"), f"source file {source.path}: the base's articles pass {limit} in all")
            return None
        written = self.root / source.path
        if os.fsencode(written) != stamp[0]:  # through a symlink: retargeting it changes what this stats
            try:
                self.stamps.append(stamp_of(written))
            except OSError:  # gone since: a stamp no file has, so the base is not cached
                self.stamps.append((os.fsencode(written), -1, 0, 0, 0, ""))
        return self._checked_text(source, raw, stamp, display, where)

    def _checked_text(self, source, raw: bytes, stamp, display, where) -> str | None:
        """Return an article's text if its bytes match its recorded sha256 and are UTF-8."""
        if stamp[-1] != source.sha256:
            message = f"source file {source.path} does not match its recorded sha256 (no quote is checked against it)"
            self.at(display, (*where, "sha256"), message)
            return None
        try:
            return decode(raw, source.path)
        except FactBaseError as e:
            self.at(display, (*where, "path"), f"source file {e.problems[0]}")
            return None

    def _check_citations(self, record, display, where, required: bool = True, anchored: bool = True) -> None:
        """Check a record's citations (or a role's: not anchored, as anchors are kept per record)."""
        if required and not record.sources:
            self.at(display, (*where, "sources"), "'sources' must cite at least one source")
        for i, cite in enumerate(record.sources):
            at = (*where, "sources", i)
            if not self._checkable(cite.source):
                if not self._unknown_reported("sources", cite.source):
                    close = self._close(cite.source, self.source_kinds)
                    self.at(display, at, f"cites '{cite.source}', which is not a source id in sources.yaml{close}")
                continue
            text = self.source_text[cite.source]
            if text is None:
                if cite.note is None or cite.quote is not None:
                    what = self.source_kinds.get(cite.source, "reference")
                    self.at(display, at, f"a citation of {what} '{cite.source}' needs a 'note' and no 'quote'")
            elif cite.quote is None or cite.note is not None:
                self.at(display, at, f"a citation of article '{cite.source}' needs a 'quote' and no 'note'")
            elif not cite.quote.strip() or not self._found(cite, text, record.id if anchored else None, i, display, at):
                self.at(display, (*at, "quote"), f"quote not found in source '{cite.source}': {cite.quote!r}")

    def _found(self, cite, text: str, record_id: str | None, i: int, display, at) -> bool:
        """Whether a citation's quote is in its article (folded ``text``), anchoring it for ``record_id``:
        the anchoring search answers it, so a 2 MiB article is not scanned once more for each quote."""
        if record_id is not None:
            anchors = self.base.anchors.setdefault(record_id, [])
            anchors.extend([None] * (i + 1 - len(anchors)))
            if cite.source in self.articles:
                return self._anchor(anchors, i, cite, display, at)
        return fold_quote(cite.quote) in text

    def _index_article(self, source, text: str, display, where) -> None:
        """Keep an article's text for anchoring quotes, split it into sentences, and anchor its marks."""
        from ..anchors import FoldedText, split_sentences

        article = self.articles[source.id] = FoldedText(text)
        sentences = self.base.sentences[source.id] = split_sentences(text)
        folded = [fold_quote(s.text) for s in sentences] if source.not_factual else []
        for i, mark in enumerate(source.not_factual):
            at = (*where, "not_factual", i, "quote")
            count = article.count_and_span(mark.quote, 1)[0]
            if not count:
                self.at(display, at, f"not found in the article: {mark.quote!r}")
            elif count > 1:  # ('ab' marked 182 sentences of 211, inside their words)
                self.at(display, at, f"found {count} times in the article: {mark.quote!r}; a mark names one sentence")
            elif not any(fold_quote(mark.quote) in sentence for sentence in folded):  # (as coverage marks them)
                self.at(display, at, f"not inside one sentence of the article: {mark.quote!r}; mark each sentence")

    def _anchor(self, anchors: list, i: int, cite, display, at) -> bool:
        """Anchor a citation's quote in its article as ``anchors[i]`` (a quote found more than once needs
        ``occurrence``); return whether the article holds it."""
        article = self.articles[cite.source]
        count, span = article.count_and_span(cite.quote, 1 if cite.occurrence is None else cite.occurrence)
        if not count:
            return False
        if cite.occurrence is None and count > 1:
            self.at(
                display,
                (*at, "quote"),
                f"quote found {count} times in source '{cite.source}': say which with 'occurrence: N' (1 to {count})",
            )
        elif span is not None:
            anchors[i] = article.anchor(*span)
        elif cite.occurrence is not None:
            self.at(display, (*at, "occurrence"), f"occurrence {cite.occurrence}: the quote is found {count} time(s)")
        return True
