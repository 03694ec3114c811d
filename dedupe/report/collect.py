"""What a report shows, gathered from a run's results in two streaming passes:
the first counts everything, the second keeps only the records the page
shows (the largest clusters with all their members, a few singletons and
rejected records), so memory stays bounded for any size of results."""
from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator

from ..errors import DedupeError, require
from ..io.streams import open_input
from .stats import RunStats

__all__ = ["ReportData", "collect", "iter_records"]

_SHOWN = ("id", "title", "url", "source", "cluster", "duplicate_of", "similarity", "containment",
          "relation", "error")


def iter_records(path: str | os.PathLike) -> Iterator[dict]:
    """The records of a results file: JSON Lines (``.gz`` too) or Parquet."""
    with open(path, "rb") as fh:
        parquet = fh.read(4) == b"PAR1"
    if parquet:
        pq = require("pyarrow.parquet", "parquet")
        pf = pq.ParquetFile(path)
        try:
            for batch in pf.iter_batches(batch_size=1024):
                yield from batch.to_pylist()
        finally:
            pf.close()
        return
    with open_input(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise DedupeError(f"{path}:{lineno}: not JSON ({exc}); is this the output of dedupe run?") from None
            if not isinstance(rec, dict):
                raise DedupeError(f"{path}:{lineno}: not a JSON object; is this the output of dedupe run?")
            yield rec


def _slim(rec: dict) -> dict:
    """The fields the page needs; blocks as [text, label, reason] triples."""
    out = {k: rec.get(k) for k in _SHOWN}
    blocks = rec.get("blocks")
    if blocks:
        out["blocks"] = [[b.get("text") or "", b.get("label") or "", b.get("reason") or ""] for b in blocks]
    else:
        out["text"] = rec.get("text")
    return out


@dataclass
class ReportData:
    """Counts for the whole results file and the records the page shows."""

    path: str
    stats: RunStats
    docs: list[dict] = field(default_factory=list)
    clusters: list[dict] = field(default_factory=list)  # kept_id, kept (doc index or None), members
    singletons: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)

    def add(self, rec: dict) -> int:
        self.docs.append(_slim(rec))
        return len(self.docs) - 1


def collect(path: str | os.PathLike, *, max_clusters: int = 100, max_docs: int = 50) -> ReportData:
    """Count every record, then keep the ``max_clusters`` largest clusters (ties:
    first seen) and up to ``max_docs`` singletons and rejected records."""
    stats = RunStats()
    for rec in iter_records(path):
        stats.add_record(rec)
    data = ReportData(str(path), stats)
    ranked = sorted(stats.dup_of.items(), key=lambda kv: -kv[1])[:max_clusters]
    chosen = {k for k, _ in ranked}
    kept: dict[str, int] = {}
    members: dict[str, list[int]] = defaultdict(list)
    for rec in iter_records(path):
        if rec.get("error") is not None:
            if len(data.rejected) < max_docs:
                data.rejected.append(data.add(rec))
            continue
        dup, rid = rec.get("duplicate_of"), str(rec.get("id"))
        if dup is not None:
            if dup in chosen:
                members[dup].append(data.add(rec))
        elif rid in chosen:
            kept.setdefault(rid, data.add(rec))
        elif rid not in stats.dup_of and len(data.singletons) < max_docs:
            data.singletons.append(data.add(rec))
    data.clusters = [{"kept_id": k, "kept": kept.get(k), "members": members[k]} for k, _ in ranked]
    return data
