"""Run statistics, counted one document (or output record) at a time, and the
compact summary table printed on stderr at the end of a run.

Memory grows with the number of clusters that have duplicates, and by 8 bytes per kept
document (a hash of its id, to tell when ids repeat).
"""
from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import xxhash

from ..document import Document

__all__ = ["RunStats", "SIZE_BUCKETS", "format_summary"]

SIZE_BUCKETS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 9), (10, 99), (100, None))


def _bucket_label(lo: int, hi: int | None) -> str:
    return f"{lo}+" if hi is None else str(lo) if lo == hi else f"{lo}-{hi}"


@dataclass
class RunStats:
    """Counts for a run: documents in = kept + duplicates + rejected."""

    docs_in: int = 0
    kept: int = 0
    duplicates: int = 0
    rejected: int = 0
    relations: Counter = field(default_factory=Counter)
    label_chars: Counter = field(default_factory=Counter)  # text characters per block label
    text_chars: int = 0  # characters of the main text, for documents without blocks too
    no_text: int = 0  # documents read whose main text is empty: no article found
    dup_of: Counter = field(default_factory=Counter)  # kept id -> number of its duplicates
    errors: Counter = field(default_factory=Counter)
    kept_ids: array = field(default_factory=lambda: array("Q"))  # hashes of the kept documents' ids

    def observe(self, *, error: str | None, duplicate_of: str | None, relation: str | None,
                blocks: Iterable[tuple[str, str]], text: str | None, id: str | None = None) -> None:
        """Count one document by its fields (``blocks`` as (text, label) pairs)."""
        self.docs_in += 1
        if error is not None:
            self.rejected += 1
            self.errors[error.split(":", 1)[0][:60]] += 1
            return
        for btext, label in blocks:
            self.label_chars[label] += len(btext)
        self.text_chars += len(text or "")
        if not (text or "").strip():
            self.no_text += 1
        if duplicate_of is None:
            self.kept += 1
            if id is not None:
                self.kept_ids.append(xxhash.xxh3_64_intdigest(str(id).encode("utf-8", "surrogatepass")))
        else:
            self.duplicates += 1
            self.relations[relation or "near_duplicate"] += 1
            self.dup_of[duplicate_of] += 1

    def add_doc(self, doc: Document) -> None:
        """Count a document on its way to the output."""
        self.observe(error=doc.error, duplicate_of=doc.duplicate_of, relation=doc.relation,
                     blocks=((b.text, b.label) for b in doc.blocks), text=doc.text, id=doc.id)

    def add_record(self, rec: dict) -> None:
        """Count an output record (a line of ``dedupe run`` output)."""
        blocks = rec.get("blocks") or ()
        self.observe(error=rec.get("error"), duplicate_of=rec.get("duplicate_of"), relation=rec.get("relation"),
                     blocks=((b.get("text") or "", b.get("label") or "") for b in blocks), text=rec.get("text"),
                     id=rec.get("id"))

    @property
    def repeated_ids(self) -> int:
        """Kept documents whose id another kept document has too."""
        _, counts = np.unique(np.frombuffer(self.kept_ids, dtype=np.uint64), return_counts=True)
        return int(counts[counts > 1].sum())

    @property
    def balanced(self) -> bool:
        return self.docs_in == self.kept + self.duplicates + self.rejected

    @property
    def boilerplate_share(self) -> float | None:
        """Share of the input's text characters (all blocks) that are not main text;
        ``None`` when no document had blocks."""
        total = sum(self.label_chars.values())
        return (total - self.label_chars.get("main", 0)) / total if total else None

    def cluster_sizes(self) -> list[tuple[str, int]]:
        """(size bucket, number of clusters) for every bucket; a kept document
        without duplicates is a cluster of one."""
        sizes = Counter({1: max(self.kept - len(self.dup_of), 0)})
        for n in self.dup_of.values():
            sizes[n + 1] += 1
        out = []
        for lo, hi in SIZE_BUCKETS:
            out.append((_bucket_label(lo, hi), sum(c for s, c in sizes.items() if s >= lo and (hi is None or s <= hi))))
        return out

    @property
    def largest_cluster(self) -> int:
        return max(self.dup_of.values(), default=0) + 1 if self.kept or self.dup_of else 0


def format_summary(stats: RunStats, seconds: float, *, command: str = "run", dedup: bool = True) -> str:
    """The end-of-run summary: a headline with the accounting identity, then a
    compact table (duplicates, clusters by size, boilerplate share, rejections, time)."""
    s = stats
    check = "" if s.balanced else "  ACCOUNTING MISMATCH"
    if dedup:
        head = (f"{s.docs_in:,} documents in, {s.kept:,} kept, {s.duplicates:,} duplicates, {s.rejected:,} rejected "
                f"(in = kept + duplicates + rejected: {s.docs_in:,} = {s.kept:,} + {s.duplicates:,} + "
                f"{s.rejected:,}){check}")
    else:
        head = (f"{s.docs_in:,} documents in, {s.kept:,} cleaned, {s.rejected:,} rejected "
                f"(in = cleaned + rejected: {s.docs_in:,} = {s.kept:,} + {s.rejected:,}){check}")
    rows = []
    if dedup:
        if s.duplicates:
            rows.append(("duplicates", ", ".join(f"{k} {v:,}" for k, v in sorted(s.relations.items()))))
        buckets = ", ".join(f"{n:,} of {label}" for label, n in s.cluster_sizes() if n)
        rows.append(("clusters", f"{buckets or 'none'} (largest {s.largest_cluster})"))
    share = s.boilerplate_share
    rows.append(("boilerplate", "n/a" if share is None else f"{share:.1%} of text characters removed"))
    if s.no_text:
        rows.append(("no main text", f"{s.no_text:,} documents: no article found, their text is empty"))
    repeated = s.repeated_ids
    if repeated:
        what = "cluster and duplicate_of name ids" if dedup else "ids name documents"
        rows.append(("repeated ids", f"{repeated:,} kept documents share their id with another: {what}, "
                                     "so give each document its own (e.g. --id-field)"))
    if s.rejected:
        rows.append(("rejected", ", ".join(f"{k} ({v:,})" for k, v in s.errors.most_common(3))))
    rate = s.docs_in / seconds if seconds > 0 else 0.0
    rows.append(("time", f"{seconds:.2f} s, {rate:,.0f} docs/s"))
    width = max(len(k) for k, _ in rows)
    return "\n".join([f"dedupe {command}: {head}"] + [f"  {k:<{width}}  {v}" for k, v in rows])
