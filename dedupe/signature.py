"""MinHash signatures compatible with datasketch's ``affine64`` scheme.

The permutation parameters are taken from :class:`datasketch.MinHash` itself, and
the hash values are computed the way datasketch computes them (MurmurHash3
finaliser, then ``a*h + b`` modulo 2^64), vectorised over many shingles. A
signature therefore loads as ``datasketch.LeanMinHash(seed=seed,
hashvalues=sig, scheme="affine64")`` and matches what ``MinHash(scheme="affine64",
hashfunc=...)`` would give for the same shingle hashes.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

__all__ = ["Signer", "optimal_bands", "candidate_probability", "to_datasketch"]

SCHEME = "affine64"
_MAX = np.iinfo(np.uint64).max
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)


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


class Signer:
    """Computes MinHash signatures for shingle-hash arrays, many documents at once."""

    def __init__(self, num_perm: int = 128, seed: int = 1):
        self.num_perm = num_perm
        self.seed = seed
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
        self._a = np.ascontiguousarray(a, dtype=np.uint64)
        self._b = np.ascontiguousarray(b, dtype=np.uint64)

    def sign(self, shingles: np.ndarray) -> np.ndarray:
        """Signature of one shingle-hash array (all-max for an empty set, like datasketch)."""
        return self.sign_many([shingles])[0]

    def sign_many(self, shingle_arrays: list[np.ndarray], chunk: int = 1 << 15) -> np.ndarray:
        """Signatures (``len(arrays) x num_perm`` uint64) of many shingle-hash arrays."""
        out = np.full((len(shingle_arrays), self.num_perm), _MAX, dtype=np.uint64)
        if not shingle_arrays:
            return out
        lens = np.fromiter((len(s) for s in shingle_arrays), dtype=np.int64, count=len(shingle_arrays))
        nonempty = np.flatnonzero(lens)
        if not len(nonempty):
            return out
        allh = np.concatenate([shingle_arrays[i] for i in nonempty]).astype(np.uint64, copy=False)
        with np.errstate(over="ignore"):
            x = allh ^ (allh >> _S33)
            x = x * _M1
            x = x ^ (x >> _S33)
            x = x * _M2
            hv = x ^ (x >> _S33)
        starts = np.concatenate(([0], np.cumsum(lens[nonempty])[:-1]))
        # one pass per permutation keeps the working set small (cache friendly)
        tmp = np.empty_like(hv)
        res = np.empty((len(nonempty), self.num_perm), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for p in range(self.num_perm):
                np.multiply(hv, self._a[p], out=tmp)
                np.add(tmp, self._b[p], out=tmp)
                res[:, p] = np.minimum.reduceat(tmp, starts)
        out[nonempty] = res
        return out


def to_datasketch(signature: np.ndarray, seed: int = 1) -> LeanMinHash:
    """Wrap a signature as a :class:`datasketch.LeanMinHash` (affine64 scheme)."""
    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
