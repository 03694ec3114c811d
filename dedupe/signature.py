"""MinHash signatures compatible with datasketch's default ``affine32`` scheme.

The permutation parameters are drawn as :class:`datasketch.MinHash` draws them, and
the hash values are computed the way datasketch computes them (the low 32 bits of
each shingle hash, MurmurHash3's 32-bit finaliser, then ``a*h + b`` modulo 2^32),
vectorised over many shingles. A signature therefore loads as
``datasketch.LeanMinHash(seed=seed, hashvalues=sig, scheme="affine32")`` and
matches what ``MinHash(hashfunc=lambda h: h & 0xFFFFFFFF)`` would give for the same
shingle hashes. 32-bit arithmetic is twice as fast as 64-bit in numpy; the exact
verification runs on the shingle sets, not on the signatures.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

__all__ = ["Signer", "optimal_bands", "candidate_probability", "to_datasketch"]

SCHEME = "affine32"
_MAX = np.iinfo(np.uint32).max
# MurmurHash3's 32-bit finaliser, as datasketch applies it to its input hashes
_M1 = np.uint32(0x85EBCA6B)
_M2 = np.uint32(0xC2B2AE35)
_S16, _S13 = np.uint32(16), np.uint32(13)


def candidate_probability(j: float, bands: int, rows: int) -> float:
    """Probability that a pair with Jaccard ``j`` shares at least one LSH band."""
    return 1.0 - (1.0 - j ** rows) ** bands


@lru_cache(maxsize=64)
def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that catch pairs at ``threshold`` with >= 95 % probability
    while admitting as few pairs far below it as possible.

    Unlike datasketch's default weighting this puts recall first: candidates are
    verified afterwards, so a false candidate costs one exact check, a missed
    one costs a duplicate.
    """
    best = None
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        p = candidate_probability(threshold, bands, rows)
        if p < 0.95:
            continue
        # fewest false candidates at half the threshold
        fp = candidate_probability(threshold / 2, bands, rows)
        key = (fp, -rows)
        if best is None or key < best[0]:
            best = (key, (bands, rows))
    return best[1] if best else (num_perm, 1)


def affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of ``datasketch.MinHash(num_perm, seed=seed, scheme="affine32").permutations``,
    drawn as datasketch 2 draws them (odd ``a``). Not taken from datasketch itself: importing it
    loads SciPy, 0.6 s on every run of the command; a test pins the two equal."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.ascontiguousarray(a), np.ascontiguousarray(b)


class Signer:
    """Computes MinHash signatures for shingle-hash arrays, many documents at once."""

    def __init__(self, num_perm: int = 128, seed: int = 1):
        self.num_perm = num_perm
        self.seed = seed
        self._a, self._b = affine32_permutations(num_perm, seed)

    def sign(self, shingles: np.ndarray) -> np.ndarray:
        """Signature of one shingle-hash array (all-max for an empty set, like datasketch)."""
        return self.sign_many([shingles])[0]

    def sign_many(self, shingle_arrays: list[np.ndarray]) -> np.ndarray:
        """Signatures (``len(arrays) x num_perm`` uint32) of many shingle-hash arrays."""
        lens = np.fromiter((len(s) for s in shingle_arrays), dtype=np.int64, count=len(shingle_arrays))
        starts = np.zeros(len(shingle_arrays) + 1, dtype=np.int64)
        np.cumsum(lens, out=starts[1:])
        allh = (np.concatenate(shingle_arrays).astype(np.uint64, copy=False) if len(shingle_arrays)
                else np.empty(0, dtype=np.uint64))
        return self.sign_segments(allh, starts)

    def sign_segments(self, hashes: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Signatures of the segments ``hashes[starts[i]:starts[i+1]]`` (``len(starts) - 1``
        documents; an empty segment gets the all-max signature, like datasketch)."""
        nd = len(starts) - 1
        out = np.full((nd, self.num_perm), _MAX, dtype=np.uint32)
        lens = np.diff(starts)
        nonempty = np.flatnonzero(lens)
        if not len(nonempty):
            return out
        if len(nonempty) < nd:
            seg = starts[:-1][nonempty]
        else:
            seg = starts[:-1]
        x = hashes[starts[0]:starts[-1]].astype(np.uint32)  # the low 32 bits
        seg = seg - starts[0]
        with np.errstate(over="ignore"):
            # datasketch's pre-mix of the input hash (MurmurHash3 finaliser)
            x ^= x >> _S16
            x *= _M1
            x ^= x >> _S13
            x *= _M2
            x ^= x >> _S16
            tmp = np.empty_like(x)
            # one pass per permutation: a*x + b (mod 2**32), then the minimum per document;
            # filling the transposed result keeps each reduceat's output contiguous
            res = np.empty((self.num_perm, len(seg)), dtype=np.uint32)
            mul, add, mn = np.multiply, np.add, np.minimum.reduceat
            for p, (a, b) in enumerate(zip(self._a, self._b)):
                mul(x, a, out=tmp)
                add(tmp, b, out=tmp)
                mn(tmp, seg, out=res[p])
        out[nonempty] = res.T
        return out


def to_datasketch(signature: np.ndarray, seed: int = 1) -> LeanMinHash:
    """Wrap a signature as a :class:`datasketch.LeanMinHash` (affine32 scheme)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
