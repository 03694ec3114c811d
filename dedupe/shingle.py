"""Text normalisation and word n-gram hashing, vectorised with numpy.

Each word is hashed once (xxh3_64); neighbouring word hashes are then combined
into n-gram hashes with array operations, so no n-gram string is ever built.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

__all__ = ["normalize", "tokens", "shingle_hashes", "text_hash"]

_WORD = re.compile(r"\w+")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_EMPTY = np.empty(0, dtype=np.uint64)


def normalize(text: str) -> str:
    """Unicode NFKC + case folding: the form that shingles and exact hashes see."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """Word tokens (``\\w+``) of the normalised text."""
    return _WORD.findall(normalize(text))


def _word_hashes(words: list[str]) -> np.ndarray:
    h = xxhash.xxh3_64_intdigest
    return np.fromiter((h(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))


def _fmix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S33)
    x = x * _M1
    x = x ^ (x >> _S33)
    x = x * _M2
    return x ^ (x >> _S33)


def shingle_hashes(text_or_tokens, n: int = 3, *, unique: bool = True) -> np.ndarray:
    """64-bit hashes of the word ``n``-grams of a text (or of a token list).

    A text shorter than ``n`` words gives one shingle of all its words. With
    ``unique`` the result is the sorted set, ready for exact Jaccard.
    """
    words = tokens(text_or_tokens) if isinstance(text_or_tokens, str) else text_or_tokens
    if not words:
        return _EMPTY
    with np.errstate(over="ignore"):
        wh = _word_hashes(words)
        k = min(n, len(wh))
        m = len(wh) - k + 1
        acc = wh[:m].copy()
        for i in range(1, k):
            acc = acc * _MIX + wh[i:i + m]
        out = _fmix64(acc)
    return np.unique(out) if unique else out


def text_hash(text: str) -> int:
    """Hash of the normalised token sequence: equal for exact duplicates up to spacing and case."""
    return xxhash.xxh3_64_intdigest(" ".join(tokens(text)).encode("utf-8"))
