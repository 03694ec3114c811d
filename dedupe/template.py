"""Corpus evidence for site templates, counted in distinct stories.

A block seen in many documents is template only if those documents carry
*different* stories: counting raw documents would let a wire story syndicated to
several sites delete itself. Stories are the near-duplicate clusters of a first
pass, so copies of one article count once.
"""
from __future__ import annotations

from typing import Iterable

import xxhash

from .document import Document

__all__ = ["TemplateEvidence", "block_key"]


def block_key(text: str) -> int:
    """The identity of a block for template counting (case-insensitive)."""
    return xxhash.xxh3_64_intdigest(text.casefold().encode("utf-8"))


class TemplateEvidence:
    """Counts, per block, the distinct stories it appears in; blocks seen in at
    least ``min_stories`` stories are template."""

    def __init__(self, min_stories: int = 3):
        self.min_stories = min_stories
        self._stories: dict[int, set[str]] = {}

    def add(self, doc: Document) -> None:
        story = doc.cluster or doc.id
        for b in doc.blocks:
            s = self._stories.setdefault(block_key(b.text), set())
            if len(s) < self.min_stories:
                s.add(story)

    def update(self, docs: Iterable[Document]) -> "TemplateEvidence":
        for d in docs:
            if d.ok:
                self.add(d)
        return self

    def template(self) -> frozenset[int]:
        """Keys of the blocks that are template."""
        return frozenset(k for k, s in self._stories.items() if len(s) >= self.min_stories)
