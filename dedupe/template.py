"""Corpus evidence for site templates, counted in distinct stories, per site.

A block seen in many documents is template only if those documents carry
*different* stories: counting raw documents would let a wire story syndicated to
several sites delete itself. Stories are the near-duplicate clusters of a first
pass, so copies of one article count once.

A template is one site's: a block is counted per site (the host of the document's
URL), so that a paragraph quoted word for word by different outlets' own stories
(an official statement, a wire paragraph kept in a rewrite) is not taken for
template. Documents without a URL count as one site.
"""
from __future__ import annotations

from array import array
from urllib.parse import urlsplit

import numpy as np
import xxhash

from .document import Document

__all__ = ["TemplateEvidence", "block_key", "site_of", "evidence_keys", "own_template", "template_keys"]


def _folded(text: str) -> bytes:
    return text.casefold().encode("utf-8", "surrogatepass")


def block_key(text: str) -> int:
    """The identity of a block on a page (case-insensitive): what :func:`own_template`
    gives :func:`dedupe.boilerplate.classify`."""
    return xxhash.xxh3_64_intdigest(_folded(text))


def site_of(url: str | None) -> str:
    """The site a document comes from: its URL's host, without ``www.``; ``""`` when unknown."""
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed URL (e.g. a bad IPv6 literal)
        return ""
    return host[4:] if host.startswith("www.") else host


def _site_seed(site: str) -> int:
    # seed 0 for an unknown site, so that its evidence keys are the blocks' keys
    return xxhash.xxh3_64_intdigest(site.encode("utf-8", "surrogatepass")) if site else 0


def evidence_keys(doc: Document) -> list[int]:
    """The keys under which a cleaned document's blocks count as evidence: each
    block's text, scoped to the document's site."""
    seed = _site_seed(site_of(doc.url))
    return [xxhash.xxh3_64_intdigest(_folded(b.text), seed) for b in doc.blocks]


def own_template(doc: Document, template: frozenset[int]) -> frozenset[int]:
    """The :func:`block_key` of the document's blocks that ``template`` (evidence keys)
    names for its site. Empty for most documents; the others are cleaned again, with it."""
    if not template or not doc.ok:
        return frozenset()
    seed = _site_seed(site_of(doc.url))
    own = set()
    for b in doc.blocks:  # each block folded once, for both keys
        folded = _folded(b.text)
        if xxhash.xxh3_64_intdigest(folded, seed) in template:
            own.add(xxhash.xxh3_64_intdigest(folded))
    return frozenset(own)


def template_keys(rows: np.ndarray, min_stories: int) -> np.ndarray:
    """The block keys of ``rows`` (block key, story) seen in ``min_stories`` distinct
    stories or more."""
    rows = _distinct_rows(rows, min_stories)
    if not len(rows):
        return np.empty(0, np.uint64)
    keys, counts = np.unique(rows[:, 0], return_counts=True)
    return keys[counts >= min_stories]


def _distinct_rows(rows: np.ndarray, cap: int) -> np.ndarray:
    """Distinct (key, story) rows, sorted, at most ``cap`` per key (more stories than
    the threshold tell nothing more)."""
    if not len(rows):
        return rows.reshape(0, 2)
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    rows = rows[new]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:, 0] != rows[:-1, 0]
    starts = np.flatnonzero(first)
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.append(starts, len(rows))))
    return rows[rank < cap]


class TemplateEvidence:
    """Counts, per block, the distinct stories it appears in; blocks seen in at
    least ``min_stories`` stories are template.

    The evidence is kept as (block key, story hash) rows of two 64-bit numbers,
    compacted now and then to distinct rows, at most ``min_stories`` per key: a
    page adds a hundred or so keys, nearly all seen once, so a dict of sets
    (~300 bytes a key) would dominate the memory of a large run."""

    _COMPACT = 1 << 18  # rows gathered before a compaction

    def __init__(self, min_stories: int = 3):
        self.min_stories = min_stories
        self._rows = np.empty((0, 2), np.uint64)
        self._keys = array("Q")  # rows not yet compacted
        self._stories = array("Q")

    def add(self, doc: Document) -> None:
        story = xxhash.xxh3_64_intdigest((doc.cluster or doc.id).encode("utf-8", "surrogatepass"))
        keys = set(evidence_keys(doc))
        self._keys.extend(keys)
        self._stories.extend([story] * len(keys))
        if len(self._keys) >= self._COMPACT:
            self._compact()

    def _compact(self) -> None:
        fresh = np.column_stack([np.frombuffer(self._keys, np.uint64), np.frombuffer(self._stories, np.uint64)])
        self._rows = _distinct_rows(np.concatenate([self._rows, fresh]), self.min_stories)
        self._keys, self._stories = array("Q"), array("Q")

    def template(self) -> frozenset[int]:
        """Evidence keys of the blocks that are template (see :func:`own_template`)."""
        self._compact()
        return frozenset(template_keys(self._rows, self.min_stories).tolist())
