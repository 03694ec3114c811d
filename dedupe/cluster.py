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

import math
from collections import deque
from typing import Callable, Iterable, Iterator, NamedTuple

import numpy as np

from .config import DEFAULTS, Config
from .document import Document
from .fingerprint import Fingerprint, FingerprintPool, fingerprint_texts, unpack
from .index import open_index
from .shingle import tokens
from .spill import Spill, handed_on

__all__ = ["Deduplicator", "similarity", "match", "min_agree", "priority"]

_CHUNK = 1024  # documents decided per vectorised candidate lookup
Reuse = Callable[[Document], "Fingerprint | None"]  # a document's known fingerprint, if any
Record = Callable[[Document, Fingerprint], None]  # told each document's fingerprint


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(Jaccard, share of ``a`` in ``b``, share of ``b`` in ``a``) of two sorted shingle sets."""
    if not len(a) or not len(b):
        return 0.0, 0.0, 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    pos = np.searchsorted(big, small)
    pos[pos == len(big)] = 0
    inter = int(np.count_nonzero(big[pos] == small))
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
        self.index = open_index(index, self.bands, self.rows, config.num_perm, config.seed,
                                config.shingle_size)
        if config.num_perm >= 64:
            # skip chance band collisions: sketches agreeing on too few values (Config.sketch_agreement)
            self.index.min_agree = min_agree(config.num_perm, config.sketch_agreement)
        self.counts = {"in": 0, "kept": 0, "duplicates": 0, "rejected": 0, "exact": 0,
                       "near_duplicate": 0, "contained_in": 0, "contains": 0, "candidates": 0}

    # phase 1
    def _fp_args(self) -> tuple:
        c = self.config
        return c.shingle_size, c.num_perm, c.seed, self.bands, self.rows

    def fingerprint(self, docs: list[Document]) -> list[Fingerprint | None]:
        """Fingerprints of a batch of documents (``None`` for a rejected one), in this process."""
        texts = [d.text or "" for d in docs if d.ok]
        return unpack(docs, fingerprint_texts(texts, *self._fp_args()))

    def _reusing(self, docs: list[Document], reuse: Reuse) -> list[Fingerprint | None]:
        """:meth:`fingerprint`, taking those that ``reuse`` has."""
        fps = [reuse(d) if d.ok else None for d in docs]
        missing = [i for i, (d, f) in enumerate(zip(docs, fps)) if f is None and d.ok]
        if missing:
            for i, f in zip(missing, self.fingerprint([docs[i] for i in missing])):
                fps[i] = f
        return fps

    def _fingerprinted(self, batches: Iterable[list[Document]], reuse: Reuse | None = None,
                       record: Record | None = None) -> Iterator[tuple[list[Document], list]]:
        """(batch, fingerprints) in input order; with ``workers`` > 1 the fingerprints
        are computed by that many processes, a few batches ahead of the decisions.
        A batch's fingerprints may live in a shared block that is reused once the
        next batch is asked for. ``reuse`` and ``record``: see :meth:`process` (one
        process only)."""
        workers = self.config.workers
        if workers <= 1:
            for b in batches:
                fps = self.fingerprint(b) if reuse is None else self._reusing(b, reuse)
                if record is not None:
                    for d, f in zip(b, fps):
                        if f is not None:
                            record(d, f)
                yield b, fps
            return
        pool = FingerprintPool(workers, self._fp_args())
        try:
            inflight: deque = deque()
            ahead = 2 * workers
            batches = iter(batches)
            while True:
                while len(inflight) <= ahead:
                    b = next(batches, None)
                    if b is None:
                        break
                    inflight.append((b, pool.submit([d.text or "" for d in b if d.ok])))
                if not inflight:
                    break
                b0, ticket = inflight.popleft()
                yield b0, unpack(b0, pool.result(ticket))
                pool.release(ticket)  # the caller is done with that batch
            pool.close()
        finally:
            pool.terminate()

    def process(self, docs: Iterable[Document], *, reuse: Reuse | None = None,
                record: Record | None = None) -> Iterator[Document]:
        """Annotate each document with ``cluster``, ``duplicate_of``, ``similarity``,
        ``containment`` and ``relation``; yield them in input order.

        In one process (``workers`` <= 1), ``record(doc, fingerprint)`` is called with
        each document's fingerprint, and a fingerprint that ``reuse(doc)`` returns is
        taken instead of computed (``None``: compute it). The template pass of
        :func:`dedupe.pipeline.dedupe_documents` records its first pass's, to reuse
        them for the documents whose text did not change."""
        if self.config.keep == "first":
            batches = _batches(docs, self.config.batch_size)
            for batch, fps in self._fingerprinted(batches, reuse=reuse, record=record):
                yield from self._decide_batch(batch, range(len(batch)), fps)
            return
        # every document is seen before the first is decided: each waits with its fingerprint,
        # raw input and cleaned parts in a temporary file, and only its sort key in memory
        with Spill() as spill:
            held: list[Document] = []
            keys: list[tuple] = []
            for batch, fps in self._fingerprinted(_batches(docs, self.config.batch_size), reuse=reuse,
                                                  record=record):
                for d, fp in zip(batch, fps):
                    keys.append(priority(d, len(held), self.config, fp.n_tokens if fp is not None else None))
                    if fp is not None:
                        spill.put_fingerprint(d, fp)
                    held.append(spill.put_raw(spill.put_cleaned(d)))
            order = sorted(range(len(held)), key=keys.__getitem__)
            del keys
            for _ in self._decide_batch(held, order, _SpilledFingerprints(held, spill)):
                pass
            for d in handed_on(held):
                yield spill.get_raw(spill.get_cleaned(d), release=True)

    def _decide_batch(self, docs: list[Document], order, fingerprints) -> Iterator[Document]:
        """Decide ``docs`` in ``order``; ``fingerprints[i]`` is document ``i``'s (a list,
        or :class:`_SpilledFingerprints`: each is asked for once)."""
        order = list(order)
        batched = getattr(self.index, "batched", False)
        min_sh = self.config.min_shingles
        for c in range(0, len(order), _CHUNK):
            chunk = order[c:c + _CHUNK]
            fps = {i: fingerprints[i] for i in chunk}
            looked_up = None
            if batched:
                rows = [i for i in chunk if fps[i] is not None and fps[i].n_tokens
                        and len(fps[i].shingles) >= min_sh]
                keys = np.stack([fps[i].keys for i in rows]) if rows else None
                found = self.index.query_many(keys, np.stack([fps[i].sketch for i in rows])) if rows else []
                looked_up = _ChunkCandidates(dict(zip(rows, found)), _shared_runs(rows, keys) if rows else {})
            for i in chunk:
                d = docs[i]
                self.counts["in"] += 1
                fp = fps[i]
                if fp is None:
                    self.counts["rejected"] += 1
                else:
                    self._decide(d, fp, fp.keys, looked_up and looked_up.at(i))
                yield d

    def _query(self, fp: Fingerprint, keys: np.ndarray, row: "_Row | None") -> list[int]:
        """Candidate kept documents (sorted index keys) for one document."""
        if row is None:
            return self.index.query(keys, fp.sketch)
        pre = row.chunk.pre.get(row.i, [])
        earlier = row.chunk.kept_with(row.i)
        if not earlier:
            return pre
        cand = np.array(sorted(earlier), dtype=np.int64)
        cand = cand[self.index.agree(cand, np.broadcast_to(fp.sketch, (len(cand), len(fp.sketch))))]
        return sorted(set(pre).union(cand.tolist())) if len(cand) else pre

    # phases 2-5 for one document
    def _decide(self, d: Document, fp: Fingerprint, keys: np.ndarray, row: "_Row | None" = None) -> None:
        """``row``: the document's place in a chunk looked up together (None: query the index)."""
        cfg = self.config
        d.cluster, d.duplicate_of, d.similarity, d.containment, d.relation = d.id, None, None, None, None
        if fp.n_tokens == 0:
            self._keep(d, fp, keys, index=False, row=row)
            return
        hit = self.index.find_exact(fp.text_hash)
        if hit is not None:
            kept_id, _ = self.index.get(hit)
            self._mark(d, kept_id, 1.0, 1.0, "exact")
            return
        if len(fp.shingles) >= cfg.min_shingles:
            best = None
            for key in self._query(fp, keys, row):
                self.counts["candidates"] += 1
                kept_id, kept_sh = self.index.get(key)
                if len(kept_sh) < cfg.min_shingles:
                    continue
                j, a_in_b, b_in_a = similarity(fp.shingles, kept_sh)
                m = match(j, a_in_b, b_in_a, len(fp.shingles), len(kept_sh), cfg)
                if m is None:
                    continue
                score, rel = m
                if best is None or score > best[0]:
                    best = (score, kept_id, j, max(a_in_b, b_in_a), rel)
            if best is not None:
                _, kept_id, j, c, rel = best
                self._mark(d, kept_id, j, c, rel)
                return
        self._keep(d, fp, keys, index=len(fp.shingles) >= cfg.min_shingles, row=row)

    def _mark(self, d: Document, kept_id: str, j: float, c: float, rel: str) -> None:
        d.cluster, d.duplicate_of = kept_id, kept_id
        d.similarity, d.containment, d.relation = round(j, 4), round(c, 4), rel
        self.counts["duplicates"] += 1
        self.counts[rel] += 1

    def _keep(self, d: Document, fp: Fingerprint, keys: np.ndarray, index: bool, row: "_Row | None") -> None:
        self.counts["kept"] += 1
        if index:
            key = self.index.add(keys, d.id, fp.shingles, fp.text_hash, fp.sketch)
            if row is not None:  # later documents of the chunk sharing a key find it
                row.chunk.kept(row.i, key)
        elif fp.n_tokens:
            # too short for shingles: only exact duplicates can find it
            self.index.add(keys[:0], d.id, fp.shingles[:0], fp.text_hash, fp.sketch)

    def close(self) -> None:
        """Close the index; a persistent one keeps this run's kept documents."""
        self.index.close()

    def abort(self) -> None:
        """Close the index; a persistent index (SQLite, Redis) drops this run's additions."""
        getattr(self.index, "abort", self.index.close)()


def match(j: float, a_in_b: float, b_in_a: float, na: int, nb: int, cfg: Config):
    """(score, relation) of a verified pair of shingle sets of sizes ``na`` and ``nb``,
    or ``None`` when it is no match; the higher score wins among a document's candidates.
    An excerpt (at most 80 % of the other's size) is reported as such even when its
    Jaccard also passes; similar sizes are near-duplicates."""
    if a_in_b >= cfg.containment_threshold and (na <= 0.8 * nb or j < cfg.jaccard_threshold):
        return (1 + (j >= cfg.jaccard_threshold), a_in_b), "contained_in"
    if b_in_a >= cfg.containment_threshold and (nb <= 0.8 * na or j < cfg.jaccard_threshold):
        return (1 + (j >= cfg.jaccard_threshold), b_in_a), "contains"
    if j >= cfg.jaccard_threshold:
        return (2, j), "near_duplicate"
    return None


def priority(d: Document, i: int, config: Config, n_tokens: int | None = None) -> tuple:
    """Sort key of the ``i``-th input document under the keep policy: the first
    document of a cluster in this order is its kept copy. ``n_tokens``: the length
    of its main text in words, when known (its fingerprint counts them)."""
    if not d.ok:
        return (1, 0, "", i)
    if config.keep == "longest":
        return (0, -(len(tokens(d.text or "")) if n_tokens is None else n_tokens), "", i)
    if config.keep == "earliest":
        # the input's own date field, else the date the page declares, else the crawl date (WARC)
        date = d.meta.get(config.date_field) or d.published or d.date
        return (0, 0 if date else 1, str(date or ""), i)
    return (0, 0, "", i)


def min_agree(num_perm: int, share: float = DEFAULTS.sketch_agreement) -> int:
    """Sketch values a candidate must share with the document (``share`` of them,
    ``Config.sketch_agreement``): fewer means a chance band collision."""
    return math.ceil(share * num_perm)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _SpilledFingerprints:
    """The fingerprints of held documents, by position, taken from the spill file (once each)."""

    def __init__(self, held: list[Document], spill: Spill):
        self.held, self.spill = held, spill

    def __getitem__(self, i: int) -> Fingerprint | None:
        return self.spill.take_fingerprint(self.held[i])


class _ChunkCandidates:
    """Candidates for a chunk of documents looked up together: among earlier chunks
    (row -> index keys, one vectorised query), and among the chunk's own documents,
    which the index does not hold yet: the band keys they share (row -> run ids)
    and the documents kept so far under each run."""

    __slots__ = ("pre", "runs", "run_kept")

    def __init__(self, pre: dict[int, list[int]], runs: dict[int, list[int]]):
        self.pre = pre
        self.runs = runs
        self.run_kept: dict[int, list[int]] = {}

    def at(self, i: int) -> "_Row":
        return _Row(self, i)

    def kept_with(self, i: int) -> set[int]:
        """Index keys of the chunk's documents kept so far that share a band key with row ``i``."""
        earlier: set[int] = set()
        for r in self.runs.get(i, ()):
            earlier.update(self.run_kept.get(r, ()))
        return earlier

    def kept(self, i: int, key: int) -> None:
        for r in self.runs.get(i, ()):
            self.run_kept.setdefault(r, []).append(key)


class _Row(NamedTuple):
    chunk: _ChunkCandidates
    i: int


def _shared_runs(rows: list[int], keys: np.ndarray) -> dict[int, list[int]]:
    """Band keys that several of ``rows`` share: row -> ids of its shared keys."""
    flat = keys.ravel()
    o = np.argsort(flat, kind="stable")
    fs = flat[o]
    same = fs[1:] == fs[:-1]
    if not same.any():
        return {}
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    ends = np.append(starts[1:], len(fs))
    multi = np.flatnonzero(ends - starts >= 2)
    who = o // keys.shape[1]
    out: dict[int, list[int]] = {}
    for run, a, b in zip(multi.tolist(), starts[multi].tolist(), ends[multi].tolist()):
        for m in who[a:b].tolist():
            out.setdefault(rows[m], []).append(run)
    return out
