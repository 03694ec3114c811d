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
import mmap
import multiprocessing as mp
import os
from collections import deque
from dataclasses import dataclass
from typing import Iterable, Iterator, NamedTuple

import numpy as np

from .config import DEFAULTS, Config
from .document import Document
from .index import band_keys, open_index
from .shingle import shingle_utf8, tokens, utf8_blob
from .signature import Signer

__all__ = ["Deduplicator", "similarity", "Fingerprint", "FingerprintBatch", "fingerprint_texts",
           "fingerprint_utf8"]


@dataclass
class Fingerprint:
    """What the decisions need of one document. ``shingles`` is the sorted set of
    its n-gram hashes (their low 32 bits: two distinct n-grams of a 600-word pair
    share them with probability ~1e-4, which moves Jaccard by ~0.002 at most);
    ``keys`` its LSH band keys; ``sketch`` the low 8 bits of each MinHash value.
    (``signature`` is left out, ``None``, when fingerprints come from worker processes.)"""

    shingles: np.ndarray
    signature: np.ndarray | None
    text_hash: int
    n_tokens: int
    keys: np.ndarray | None = None
    sketch: np.ndarray | None = None


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(Jaccard, share of ``a`` in ``b``, share of ``b`` in ``a``) of two sorted shingle sets."""
    if not len(a) or not len(b):
        return 0.0, 0.0, 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    pos = np.searchsorted(big, small)
    pos[pos == len(big)] = 0
    inter = int(np.count_nonzero(big[pos] == small))
    return inter / (len(a) + len(b) - inter), inter / len(a), inter / len(b)


# -- phase 1, fingerprints: the parallel part (pure function of the texts)

_U32 = np.uint64(0xFFFFFFFF)
_SIGNERS: dict[tuple[int, int], Signer] = {}
_CHUNK = 1024  # documents decided per vectorised candidate lookup


class FingerprintBatch(NamedTuple):
    """Fingerprints of a batch of texts, as compact arrays: text ``i`` has the set
    ``sets[set_starts[i]:set_starts[i+1]]`` (sorted uint32)."""

    sets: np.ndarray
    set_starts: np.ndarray
    signatures: np.ndarray | None
    sketches: np.ndarray
    keys: np.ndarray
    text_hashes: list
    n_tokens: np.ndarray


def _signer(num_perm: int, seed: int) -> Signer:
    signer = _SIGNERS.get((num_perm, seed))
    if signer is None:
        signer = _SIGNERS[(num_perm, seed)] = Signer(num_perm, seed)
    return signer


def fingerprint_texts(texts: list[str], shingle_size: int, num_perm: int, seed: int,
                      bands: int, rows: int, signatures: bool = True) -> FingerprintBatch:
    """Tokenise, shingle-hash and sign many texts at once (run in worker processes).
    Without ``signatures`` only their sketches travel back (1/8 of the bytes)."""
    blob, lens = utf8_blob(texts)
    return fingerprint_utf8(blob, lens, shingle_size, num_perm, seed, bands, rows, signatures)


def fingerprint_utf8(blob: bytes, lens: list[int], shingle_size: int, num_perm: int, seed: int,
                     bands: int, rows: int, signatures: bool = True) -> FingerprintBatch:
    """:func:`fingerprint_texts` of texts given as :func:`dedupe.shingle.utf8_blob` makes them."""
    sb = shingle_utf8(blob, lens, shingle_size)
    sigs = _signer(num_perm, seed).sign_segments(sb.hashes, sb.starts)
    keys = band_keys(sigs, bands, rows)
    # sorted unique sets per text (low 32 bits); small per-text sorts beat one big one
    v = (sb.hashes & _U32).astype(np.uint32)
    st = sb.starts.tolist()
    for a, b in zip(st[:-1], st[1:]):
        if b - a > 1:
            v[a:b].sort()
    keep = np.ones(len(v), dtype=bool)
    if len(v):
        np.not_equal(v[1:], v[:-1], out=keep[1:])
        keep[sb.starts[:-1][np.diff(sb.starts) > 0]] = True  # each text's first value
    sets = v[keep]
    cum = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(keep, out=cum[1:])
    set_starts = cum[sb.starts]
    sketches = sigs.astype(np.uint8)  # b-bit MinHash: the low 8 bits
    return FingerprintBatch(sets, set_starts, sigs if signatures else None, sketches, keys,
                            sb.text_hashes, sb.n_tokens)


def _unpack(docs: list[Document], fb: FingerprintBatch) -> list[Fingerprint | None]:
    sketches, sigs = fb.sketches, fb.signatures
    ss = fb.set_starts.tolist()
    nt = fb.n_tokens.tolist()
    out: list[Fingerprint | None] = []
    j = 0
    for d in docs:
        if not d.ok:
            out.append(None)
            continue
        out.append(Fingerprint(fb.sets[ss[j]:ss[j + 1]], None if sigs is None else sigs[j],
                               fb.text_hashes[j], nt[j], fb.keys[j], sketches[j]))
        j += 1
    return out


_ALIGN = 64


def _layout(arrays: list[np.ndarray]) -> tuple[list[tuple[int, str, tuple]], int]:
    """Offsets (aligned), dtypes and shapes of arrays packed one after another."""
    out, off = [], 0
    for a in arrays:
        out.append((off, a.dtype.str, a.shape))
        off += -(-a.nbytes // _ALIGN) * _ALIGN
    return out, off


def _tune_malloc() -> None:
    """Keep freed memory of up to 32 MB blocks in the heap (glibc): fingerprinting
    makes dozens of megabyte-sized temporary arrays per batch, and getting each from
    fresh mmap'ed pages (the default beyond a threshold that glibc adapts slowly)
    costs page faults that took ~30% of a worker's time."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 64 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc
        pass


def _fp_worker(conn, blocks: list, args: tuple) -> None:
    """A fingerprint worker: texts in, :class:`FingerprintBatch` out, in order. With
    shared blocks the texts arrive there (UTF-8, lengths in the message) and the
    arrays go back there, overwriting them."""
    import traceback

    _tune_malloc()

    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        try:
            if msg[0] == "texts":
                conn.send(("batch", fingerprint_texts(msg[1], *args, False)))
                continue
            _, blk, size, lens = msg
            mm = blocks[blk]
            fb = fingerprint_utf8(mm[:size], lens, *args, False)
            arrays = [fb.sets, fb.set_starts, fb.sketches, fb.keys,
                      np.array(fb.text_hashes, dtype=np.uint64), fb.n_tokens]
            layout, size = _layout(arrays)
            if size > len(mm):
                conn.send(("batch", fb))
                continue
            for (o, _, _), a in zip(layout, arrays):
                np.frombuffer(mm, dtype=a.dtype, count=a.size, offset=o)[:] = a.ravel()
            conn.send(("shm", blk, layout))
        except BaseException:  # report, keep serving
            conn.send(("error", traceback.format_exc()))


class _FingerprintPool:
    """``workers`` processes computing fingerprints, batch by batch, in order.

    Where processes are forked, each batch's texts and arrays pass through a
    shared memory block (an anonymous mmap made before the fork), so only a few
    hundred bytes go through the pipes; elsewhere (spawn) they are pickled.
    """

    BLOCK = 16 << 20

    def __init__(self, workers: int, args: tuple):
        method = mp.get_start_method(allow_none=True)
        self.shared = method in (None, "fork") and hasattr(os, "fork")
        ctx = mp.get_context("fork" if self.shared else "spawn")
        if self.shared:  # build the lookup tables and permutations once, before forking
            from .shingle import _luts, _safe

            _luts()
            _safe()
            _signer(args[1], args[2])
        nblocks = 2 * workers + 2 if self.shared else 0
        self.blocks = [mmap.mmap(-1, self.BLOCK) for _ in range(nblocks)]
        self.free = list(range(nblocks))
        self.conns, self.procs = [], []
        for _ in range(workers):
            here, there = ctx.Pipe()
            p = ctx.Process(target=_fp_worker, args=(there, self.blocks, args), daemon=True)
            p.start()
            there.close()
            self.conns.append(here)
            self.procs.append(p)
        self.turn = 0

    def submit(self, texts: list[str]) -> tuple[int, int | None]:
        w = self.turn % len(self.conns)
        self.turn += 1
        if self.free:
            data, lens = utf8_blob(texts)
            if len(data) <= self.BLOCK:
                blk = self.free.pop()
                self.blocks[blk][:len(data)] = data
                self.conns[w].send(("shm", blk, len(data), lens))
                return w, blk
        self.conns[w].send(("texts", texts))
        return w, None

    def result(self, ticket: tuple[int, int | None]) -> FingerprintBatch:
        w, blk = ticket
        msg = self.conns[w].recv()
        if msg[0] == "error":
            raise RuntimeError(f"fingerprint worker failed:\n{msg[1]}")
        if msg[0] == "batch":
            return msg[1]
        mm = self.blocks[msg[1]]
        a = [np.frombuffer(mm, dtype=dt, count=int(np.prod(shape)), offset=o).reshape(shape)
             for o, dt, shape in msg[2]]
        return FingerprintBatch(a[0], a[1], None, a[2], a[3], a[4].tolist(), a[5])

    def release(self, ticket: tuple[int, int | None]) -> None:
        if ticket[1] is not None:
            self.free.append(ticket[1])

    def close(self) -> None:
        for c in self.conns:
            c.send(None)
        for p in self.procs:
            p.join()

    def terminate(self) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
            p.join()
        for c in self.conns:
            c.close()


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
        # chunk state: candidates among earlier chunks (row -> index keys), band keys
        # shared within the chunk (row -> key ids) and the documents kept under each
        self._pre: dict[int, list[int]] | None = None
        self._runs: dict[int, list[int]] = {}
        self._run_kept: dict[int, list[int]] = {}
        self._cur = -1
        if getattr(self.index, "batched", False) and config.num_perm >= 64:
            # skip chance band collisions: sketches agreeing on < 3.5% of the values
            self.index.min_agree = math.ceil(0.035 * config.num_perm)
        self.counts = {"in": 0, "kept": 0, "duplicates": 0, "rejected": 0, "exact": 0,
                       "near_duplicate": 0, "contained_in": 0, "contains": 0, "candidates": 0}

    # phase 1
    def _fp_args(self) -> tuple:
        c = self.config
        return c.shingle_size, c.num_perm, c.seed, self.bands, self.rows

    def fingerprint(self, docs: list[Document]) -> list[Fingerprint | None]:
        """Fingerprints of a batch of documents (``None`` for a rejected one), in this process."""
        texts = [d.text or "" for d in docs if d.ok]
        return _unpack(docs, fingerprint_texts(texts, *self._fp_args()))

    def _fingerprinted(self, batches: Iterable[list[Document]], keep: bool = False
                       ) -> Iterator[tuple[list[Document], list]]:
        """(batch, fingerprints) in input order; with ``workers`` > 1 the fingerprints
        are computed by that many processes, a few batches ahead of the decisions.
        A batch's fingerprints may live in a shared block that is reused once the
        next batch is asked for, unless ``keep``."""
        workers = self.config.workers
        if workers <= 1:
            for b in batches:
                yield b, self.fingerprint(b)
            return
        pool = _FingerprintPool(workers, self._fp_args())
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
                fb = pool.result(ticket)
                if keep:
                    fb = FingerprintBatch(*(np.array(x) if isinstance(x, np.ndarray) else x for x in fb))
                yield b0, _unpack(b0, fb)
                pool.release(ticket)  # the caller is done with that batch
            pool.close()
        finally:
            pool.terminate()

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Annotate each document with ``cluster``, ``duplicate_of``, ``similarity``,
        ``containment`` and ``relation``; yield them in input order."""
        if self.config.keep == "first":
            for batch, fps in self._fingerprinted(_batches(docs, self.config.batch_size)):
                yield from self._decide_batch(batch, range(len(batch)), fps)
            return
        all_docs = list(docs)
        order = sorted(range(len(all_docs)), key=lambda i: self._priority(all_docs[i], i))
        fps: list[Fingerprint | None] = []
        for _, f in self._fingerprinted(_batches(all_docs, self.config.batch_size), keep=True):
            fps.extend(f)
        for _ in self._decide_batch(all_docs, order, fps):
            pass
        yield from all_docs

    def _priority(self, d: Document, i: int):
        if not d.ok:
            return (1, 0, i)
        if self.config.keep == "longest":
            return (0, -len(tokens(d.text or "")), i)
        date = d.date or d.meta.get(self.config.date_field)
        return (0, 0 if date else 1, str(date or ""), i)

    def _decide_batch(self, docs: list[Document], order, fps: list | None = None) -> Iterator[Document]:
        if fps is None:
            fps = self.fingerprint(docs)
        order = list(order)
        batched = getattr(self.index, "batched", False)
        min_sh = self.config.min_shingles
        for c in range(0, len(order), _CHUNK):
            chunk = order[c:c + _CHUNK]
            if batched:
                # candidates among earlier documents: one vectorised lookup for the chunk;
                # among the chunk's own documents: shared band keys, checked as they are kept
                rows = [i for i in chunk if fps[i] is not None and fps[i].n_tokens
                        and len(fps[i].shingles) >= min_sh]
                keys = np.stack([fps[i].keys for i in rows]) if rows else None
                found = self.index.query_many(keys, np.stack([fps[i].sketch for i in rows])) if rows else []
                self._pre = dict(zip(rows, found))
                self._runs = _shared_runs(rows, keys) if rows else {}
                self._run_kept = {}
            for i in chunk:
                d = docs[i]
                self.counts["in"] += 1
                fp = fps[i]
                if fp is None:
                    self.counts["rejected"] += 1
                else:
                    self._cur = i
                    self._decide(d, fp, fp.keys)
                yield d
        self._pre = None

    def _query(self, fp: Fingerprint, keys: np.ndarray) -> list[int]:
        """Candidate kept documents (sorted index keys) for one document."""
        if self._pre is None:
            return self.index.query(keys)
        pre = self._pre.get(self._cur, [])
        runs = self._runs.get(self._cur)
        if not runs:
            return pre
        earlier = set()
        for r in runs:
            earlier.update(self._run_kept.get(r, ()))
        if not earlier:
            return pre
        cand = np.array(sorted(earlier), dtype=np.int64)
        cand = cand[self.index.agree(cand, np.broadcast_to(fp.sketch, (len(cand), len(fp.sketch))))]
        return sorted(set(pre).union(cand.tolist())) if len(cand) else pre

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
            for key in self._query(fp, keys):
                self.counts["candidates"] += 1
                kept_id, kept_sh = self.index.get(key)
                if len(kept_sh) < cfg.min_shingles:
                    continue
                j, a_in_b, b_in_a = similarity(fp.shingles, kept_sh)
                # an excerpt (at most 80 % of the other's size) is reported as such even when
                # its Jaccard also passes; similar sizes are near-duplicates
                na, nb = len(fp.shingles), len(kept_sh)
                if a_in_b >= cfg.containment_threshold and (na <= 0.8 * nb or j < cfg.jaccard_threshold):
                    rel, score = "contained_in", (1 + (j >= cfg.jaccard_threshold), a_in_b)
                elif b_in_a >= cfg.containment_threshold and (nb <= 0.8 * na or j < cfg.jaccard_threshold):
                    rel, score = "contains", (1 + (j >= cfg.jaccard_threshold), b_in_a)
                elif j >= cfg.jaccard_threshold:
                    rel, score = "near_duplicate", (2, j)
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
        extra = {"sketch": fp.sketch} if getattr(self.index, "batched", False) else {}
        if index:
            key = self.index.add(keys, d.id, fp.shingles, fp.text_hash, **extra)
            if self._pre is not None:  # later documents of the chunk sharing a key find it
                for r in self._runs.get(self._cur, ()):
                    self._run_kept.setdefault(r, []).append(key)
        elif fp.n_tokens:
            # too short for shingles: only exact duplicates can find it
            self.index.add(keys[:0], d.id, fp.shingles[:0], fp.text_hash, **extra)

    def close(self) -> None:
        self.index.close()


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
