"""The one record type that flows through every pipeline step."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["Block", "Document", "MAIN", "OUTPUT_FIELDS"]

MAIN = "main"
#: The fields dedupe writes into an output record; input fields of these names are replaced.
OUTPUT_FIELDS = frozenset(("id", "url", "source", "error", "title", "published", "text", "cluster", "duplicate_of",
                           "similarity", "containment", "relation", "blocks"))


class Block(NamedTuple):
    """A unit of a document's text with its label and the reason for that label.

    ``label`` is ``"main"`` or a boilerplate kind (``navigation``, ``related``,
    ``comments``, ``newsletter``, ``caption``, ``author``, ``footer``, ``title``,
    ``boilerplate``). ``reason`` says which signal decided it.

    Immutable, and a tuple: a tuple of strings and numbers drops out of the garbage
    collector's scans, which matters when many documents' blocks are held in memory.
    """

    text: str
    label: str = MAIN
    reason: str = ""
    tag: str = ""  # HTML tag or "line"/"para" for text input
    para: int = 0  # index of the paragraph (blank-line separated group) in text input

    def to_dict(self) -> dict:
        return {"text": self.text, "label": self.label, "reason": self.reason}


@dataclass
class Document:
    """A scraped article on its way through dedupe.

    ``raw`` holds the input as read (text or HTML) and ``format`` says which.
    ``text`` and ``blocks`` are filled by cleaning; ``cluster``, ``duplicate_of``,
    ``similarity`` and ``relation`` by near-duplicate detection. A document
    that could not be processed carries ``error`` and goes to the rejected output.
    """

    id: str
    raw: str | None = None
    format: str = "text"
    url: str | None = None
    source: str | None = None
    title: str | None = None
    text: str | None = None
    blocks: list[Block] = field(default_factory=list)
    cluster: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    containment: float | None = None
    relation: str | None = None
    error: str | None = None
    date: str | None = None  # when the input says (WARC-Date)
    published: str | None = None  # the publication date an HTML page declares (ISO 8601)
    meta: dict[str, Any] = field(default_factory=dict)
    # an HTML page's blocks as segmented (dedupe.segment.page_to_json), kept by cleaning
    # with ``keep_segments`` for the template pass to classify again; never written
    segmented: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_record(self, *, include_blocks: bool = True, dedup: bool = True) -> dict:
        """The JSON-serialisable output record (pass-through ``meta`` fields first). An input
        field named like an output field never passes through, even where dedupe writes no
        value of its own (a kept record's ``error``, a rejected record's ``cluster``): it would
        be taken for dedupe's."""
        rec: dict[str, Any] = {k: v for k, v in self.meta.items() if k not in OUTPUT_FIELDS}
        rec["id"] = self.id
        if self.url is not None:
            rec["url"] = self.url
        if self.source is not None:
            rec["source"] = self.source
        if self.error is not None:
            rec["error"] = self.error
            return rec
        rec["title"] = self.title
        if self.published is not None:
            rec["published"] = self.published
        rec["text"] = self.text
        if dedup:
            rec["cluster"] = self.cluster
            rec["duplicate_of"] = self.duplicate_of
            rec["similarity"] = self.similarity
            rec["containment"] = self.containment
            rec["relation"] = self.relation
        if include_blocks:
            rec["blocks"] = [b.to_dict() for b in self.blocks]
        return rec
