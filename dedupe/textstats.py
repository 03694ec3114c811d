"""Per-block character counts for a whole page at once, with numpy.

The classifier needs, for every block, its number of word tokens (runs of
``\\w`` characters, as ``re`` defines them), of whitespace-separated tokens, of
capitalised tokens and of CJK characters. Counted block by block in Python,
that is a few regular-expression calls per block; here the page's blocks are
joined by newlines, decoded to code points once, and every count comes out of
a lookup table and a cumulative sum.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .native import kernels

__all__ = ["BlockCounts", "block_counts", "segment_counts", "flag_table", "CJK_CHAR"]

_WORD, _SPACE, _CAP, _CJK, _DIGIT = 1, 2, 4, 8, 16
# capital letters that open a capitalised token: Latin, Latin-1, Cyrillic, Greek
_CAP_RANGES = ((0x41, 0x5A), (0xC0, 0xDE), (0x410, 0x42F), (0x391, 0x3A9))
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF))
#: A character of those ranges (kana, Han, Hangul): scripts written without spaces between words.
CJK_CHAR = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES) + "]")


class BlockCounts(NamedTuple):
    """Counts per block, in block order."""

    words: list[int]  # word tokens (CJK text: characters / 1.7 when that is more)
    tokens: list[int]  # whitespace-separated tokens (``len(text.split())``)
    caps: list[int]  # tokens that start with a capital letter
    digits: list[int]  # decimal digits (``\d``)


def _flags(ch: str) -> int:
    """The flags of one character, as ``re`` classes it (outside the capital and CJK ranges)."""
    return ((_WORD if (ch.isalnum() or ch == "_") else 0) | (_SPACE if ch.isspace() else 0)
            | (_DIGIT if ch.isdecimal() else 0))


def _python_flags() -> np.ndarray:
    """:func:`_flags` of every code point of the BMP."""
    return np.fromiter((_flags(ch) for ch in map(chr, range(0x10000))), dtype=np.uint8, count=0x10000)


@lru_cache(maxsize=1)
def flag_table() -> np.ndarray:
    """Flags of every code point of the BMP: word character (``\\w``), white space,
    capital, CJK, decimal digit. Built once per process (the compiled kernels ask the
    Unicode database in microseconds; Python in ten milliseconds)."""
    if _native is not None:
        if _native.FLAG_BITS != (_WORD, _SPACE, _CAP, _CJK, _DIGIT):
            raise RuntimeError("dedupe._native was built with other flag bits: reinstall dedupe")
        table = np.frombuffer(_native.char_flags(0x10000), dtype=np.uint8).copy()
    else:
        table = _python_flags()
    for lo, hi in _CAP_RANGES:
        table[lo:hi + 1] |= _CAP
    for lo, hi in _CJK_RANGES:
        table[lo:hi + 1] |= _CJK
    return table


def block_counts(texts: list[str]) -> BlockCounts:
    """The counts of every text."""
    if _native is not None:
        return BlockCounts(*_native.count_blocks(texts, flag_table()))
    return _counts_numpy(texts)


def segment_counts(segs) -> BlockCounts:
    """:func:`block_counts` of the segments' texts."""
    if _native is not None:
        return BlockCounts(*_native.count_segments(segs, flag_table()))
    return _counts_numpy([s.text for s in segs])


def _counts_numpy(texts: list[str]) -> BlockCounts:
    """:func:`block_counts` with numpy (the compiled one counts the same, character by character)."""
    page = "\n".join(texts)
    lengths = list(map(len, texts))
    if page.count("\n") != len(texts) - 1 or 0 in lengths:
        return _one_by_one(texts)  # the joined page cannot be split back into its blocks
    # UTF-16 is a copy of most pages' internal form; a page with characters outside the
    # BMP (surrogate pairs there) is decoded to UTF-32
    units = np.frombuffer(page.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) == len(page):
        flags = flag_table().take(units)
    else:
        cp = np.frombuffer(page.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        flags = flag_table().take(cp, mode="clip")
        astral = np.flatnonzero(cp > 0xFFFF)
        flags[astral] = [_flags(chr(c)) for c in cp[astral].tolist()]
    # a token starts where its kind of character follows another kind (or the page starts);
    # the newline between blocks is white space, so nothing runs across blocks
    word = flags & _WORD
    space = flags & _SPACE
    prev_space = np.empty_like(space)
    prev_space[0] = _SPACE
    prev_space[1:] = space[:-1]
    word_start = np.empty(len(flags), dtype=np.uint8)
    word_start[0] = word[0]
    np.greater(word[1:], word[:-1], out=word_start[1:])
    token_start = prev_space > space
    cap_start = ((flags & _CAP) != 0) & (prev_space != 0)
    starts = np.zeros(len(texts), dtype=np.intp)
    np.cumsum(np.array(lengths[:-1], dtype=np.intp) + 1, out=starts[1:])
    per_block = (np.add.reduceat(word_start, starts, dtype=np.int64),
                 np.add.reduceat(token_start, starts, dtype=np.int64),
                 np.add.reduceat(cap_start, starts, dtype=np.int64),
                 np.add.reduceat((flags & _CJK) != 0, starts, dtype=np.int64),
                 np.add.reduceat((flags & _DIGIT) != 0, starts, dtype=np.int64))
    words, tokens, caps, cjk, digits = per_block
    if cjk.any():
        words = np.where(cjk > 0, np.maximum(words, (cjk / 1.7).astype(np.int64)), words)
    return BlockCounts(words.tolist(), tokens.tolist(), caps.tolist(), digits.tolist())


_native = kernels()
_WORD_RUN = re.compile(r"\w+")
_CAP_TOKEN = re.compile(r"(?<!\S)[A-ZÀ-ÞА-ЯΑ-Ω]")
_DIGIT_CHAR = re.compile(r"\d")


def _one_by_one(texts: list[str]) -> BlockCounts:
    """The same counts, block by block, for blocks that hold line breaks or are empty."""
    words = []
    for t in texts:
        n = len(_WORD_RUN.findall(t))
        cjk = len(CJK_CHAR.findall(t))
        words.append(max(n, int(cjk / 1.7)) if cjk else n)
    return BlockCounts(words, [len(t.split()) for t in texts], [len(_CAP_TOKEN.findall(t)) for t in texts],
                       [len(_DIGIT_CHAR.findall(t)) for t in texts])
