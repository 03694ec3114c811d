"""Near-duplicate detection as a linear list of named phases:

1. fingerprint: normalised main text -> exact hash, word n-gram set, MinHash;
2. exact: a document whose exact hash matches a kept document is its duplicate;
3. candidates: LSH bands tuned below the decision threshold;
4. verify: true Jaccard and containment on the shingle sets;
5. cluster: a document joins a cluster only when it is similar to that
   cluster's *kept* document (no transitive chaining);
6. keep: the kept copy follows the ``keep`` policy (first, longest, earliest).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from .config import DEFAULTS, Config
from .document import Document
from .index import band_keys, open_index
from .shingle import shingle_hashes, text_hash, tokens
from .signature import Signer

__all__ = ["Deduplicator", "similarity", "Fingerprint"]


@dataclass
class Fingerprint:
    shingles: np.ndarray
    signature: np.ndarray | None
    text_hash: int
    n_tokens: int


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(Jaccard, share of ``a`` in ``b``, share of ``b`` in ``a``) of two sorted shingle sets."""
    if not len(a) or not len(b):
        return 0.0, 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / len(a), inter / len(b)


class Deduplicator:
    """A streaming near-duplicate detector: documents in, annotated documents out.

    >>> dd = Deduplicator()
    >>> for doc in dd.process(docs):       # doctest: +SKIP
    ...     print(doc.id, doc.duplicate_of, doc.similarity)

    With ``keep="first"`` documents are yielded as they are decided. The other
    policies need to see every candidate first, so they buffer the input.
    ``index`` is a spec for :func:`dedupe.index.open_index` (memory by default,
    or a SQLite path for a persistent, incremental index).
    """

    def __init__(self, config: Config = DEFAULTS, index: str | None = None):
        self.config = config
        self.bands, self.rows = config.band_rows
        self.signer = Signer(config.num_perm, config.seed)
        self.index = open_index(index, self.bands, self.rows, config.num_perm, config.seed,
                                config.shingle_size)
        self.counts = {"in": 0, "kept": 0, "duplicates": 0, "rejected": 0, "exact": 0,
                       "near_duplicate": 0, "contained_in": 0, "contains": 0, "candidates": 0}

    # phase 1
    def fingerprint(self, docs: list[Document]) -> list[Fingerprint | None]:
        n = self.config.shingle_size
        fps: list[Fingerprint | None] = []
        for d in docs:
            if not d.ok:
                fps.append(None)
                continue
            toks = tokens(d.text or "")
            fps.append(Fingerprint(shingle_hashes(toks, n), None, text_hash(d.text or ""), len(toks)))
        live = [f for f in fps if f is not None]
        sigs = self.signer.sign_many([f.shingles for f in live])
        for f, s in zip(live, sigs):
            f.signature = s
        return fps

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Annotate each document with ``cluster``, ``duplicate_of``, ``similarity``,
        ``containment`` and ``relation``; yield them in input order."""
        if self.config.keep == "first":
            batch: list[Document] = []
            for d in docs:
                batch.append(d)
                if len(batch) >= self.config.batch_size:
                    yield from self._decide_batch(batch, range(len(batch)))
                    batch = []
            if batch:
                yield from self._decide_batch(batch, range(len(batch)))
            return
        all_docs = list(docs)
        order = sorted(range(len(all_docs)), key=lambda i: self._priority(all_docs[i], i))
        for _ in self._decide_batch(all_docs, order):
            pass
        yield from all_docs

    def _priority(self, d: Document, i: int):
        if not d.ok:
            return (1, 0, i)
        if self.config.keep == "longest":
            return (0, -len(tokens(d.text or "")), i)
        date = d.date or d.meta.get(self.config.date_field)
        return (0, 0 if date else 1, str(date or ""), i)

    def _decide_batch(self, docs: list[Document], order) -> Iterator[Document]:
        fps = self.fingerprint(docs)
        sigs = [f.signature for f in fps if f is not None]
        keys_all = band_keys(np.array(sigs), self.bands, self.rows) if sigs else None
        keys_of, j = {}, 0
        for i, f in enumerate(fps):
            if f is not None:
                keys_of[i] = keys_all[j]
                j += 1
        for i in order:
            d = docs[i]
            self.counts["in"] += 1
            if fps[i] is None:
                self.counts["rejected"] += 1
            else:
                self._decide(d, fps[i], keys_of[i])
            yield d

    # phases 2-5 for one document
    def _decide(self, d: Document, fp: Fingerprint, keys: np.ndarray) -> None:
        cfg = self.config
        d.cluster, d.duplicate_of, d.similarity, d.containment, d.relation = d.id, None, None, None, None
        if fp.n_tokens == 0:
            self._keep(d, fp, keys, index=False)
            return
        hit = self.index.find_exact(fp.text_hash)
        if hit is not None:
            kept_id, _ = self.index.get(hit)
            self._mark(d, kept_id, 1.0, 1.0, "exact")
            return
        if len(fp.shingles) >= cfg.min_shingles:
            best = None
            for key in self.index.query(keys):
                self.counts["candidates"] += 1
                kept_id, kept_sh = self.index.get(key)
                if len(kept_sh) < cfg.min_shingles:
                    continue
                j, a_in_b, b_in_a = similarity(fp.shingles, kept_sh)
                if j >= cfg.jaccard_threshold:
                    rel, score = "near_duplicate", (2, j)
                elif a_in_b >= cfg.containment_threshold:
                    rel, score = "contained_in", (1, a_in_b)
                elif b_in_a >= cfg.containment_threshold:
                    rel, score = "contains", (1, b_in_a)
                else:
                    continue
                if best is None or score > best[0]:
                    best = (score, kept_id, j, max(a_in_b, b_in_a), rel)
            if best is not None:
                _, kept_id, j, c, rel = best
                self._mark(d, kept_id, j, c, rel)
                return
        self._keep(d, fp, keys, index=len(fp.shingles) >= cfg.min_shingles)

    def _mark(self, d: Document, kept_id: str, j: float, c: float, rel: str) -> None:
        d.cluster, d.duplicate_of = kept_id, kept_id
        d.similarity, d.containment, d.relation = round(j, 4), round(c, 4), rel
        self.counts["duplicates"] += 1
        self.counts[rel] += 1

    def _keep(self, d: Document, fp: Fingerprint, keys: np.ndarray, index: bool) -> None:
        self.counts["kept"] += 1
        if index:
            self.index.add(keys, d.id, fp.shingles, fp.text_hash)
        elif fp.n_tokens:
            # too short for shingles: only exact duplicates can find it
            self.index.add(keys[:0], d.id, fp.shingles[:0], fp.text_hash)

    def close(self) -> None:
        self.index.close()
