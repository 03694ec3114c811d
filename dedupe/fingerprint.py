"""Phase 1 of near-duplicate detection, fingerprints: a pure function of the texts,
so it runs on worker processes.

A fingerprint is what the decisions need of one document: its exact-text hash,
the sorted set of its word n-gram hashes, its MinHash LSH band keys and a short
sketch of its signature. :class:`FingerprintPool` computes them for batches of
documents on ``workers`` processes, in order, passing data through shared memory
where processes are forked.
"""
from __future__ import annotations

import mmap
import multiprocessing as mp
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .document import Document
from .index import band_keys
from .shingle import shingle_utf8, utf8_blob
from .signature import Signer

__all__ = ["Fingerprint", "FingerprintBatch", "FingerprintPool", "fingerprint_texts", "fingerprint_utf8",
           "unpack"]

_U32 = np.uint64(0xFFFFFFFF)


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


@lru_cache(maxsize=8)
def signer(num_perm: int, seed: int) -> Signer:
    """One signer (permutation arrays) per parameter set and process."""
    return Signer(num_perm, seed)


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
    sigs = signer(num_perm, seed).sign_segments(sb.hashes, sb.starts)
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


def unpack(docs: list[Document], fb: FingerprintBatch) -> list[Fingerprint | None]:
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


@lru_cache(maxsize=1)
def tune_malloc() -> None:
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
    import signal
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops us)
    tune_malloc()

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


class FingerprintPool:
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
            signer(args[1], args[2])
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
