"""Text normalisation and word n-gram hashing, vectorised with numpy over many texts.

The normal form is Unicode NFKC + case folding, and a token is a run of ``\\w``
characters. A whole batch of texts is worked on at once: each text is brought to
NFKC (skipped for ASCII, told in O(1) by ``str.isascii``) and encoded as UTF-32;
the code points of all texts go into one array, where numpy case-folds them and
finds the word characters with lookup tables (Python's ``casefold`` is used only
for the rare text holding a character that folds to several), hashes each word
once, and combines neighbouring word hashes into n-gram hashes. No token or
n-gram string is built.

The shingle hashes are those of the plain per-word code (:func:`word_hash`,
:func:`shingle_hash`), bit for bit:

- word: xxh3_64 of its UTF-8 bytes. Words of 1-16 ASCII bytes (nearly all) are
  hashed by a numpy transcription of xxh3's short-input paths; the others by
  the xxhash package, one by one.
- n-gram of words ``w1..wk``: ``fmix64(((h1 * M + h2) * M + h3) ...)`` modulo
  2**64 (``fmix64`` is MurmurHash3's finaliser).
- exact text hash: xxh3_64 of the sequence of word hashes (little-endian uint64).

So a signature can be reproduced with ``datasketch.MinHash(hashfunc=lambda g:
shingle_hash(g) & 0xFFFFFFFF)`` (its default ``affine32`` scheme) over word n-gram tuples.
"""
from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from typing import NamedTuple, Sequence

import numpy as np
import xxhash

__all__ = ["normalize", "tokens", "shingle_hashes", "text_hash", "word_hash", "shingle_hash",
           "shingle_batch", "shingle_utf8", "utf8_blob", "ShingleBatch"]

_WORD = re.compile(r"\w+")
_U = np.uint64
_MIX = _U(0x9E3779B97F4A7C15)
_M1 = _U(0xFF51AFD7ED558CCD)
_M2 = _U(0xC4CEB9FE1A85EC53)
_S33 = _U(33)
_M32 = _U(0xFFFFFFFF)
#: bumped whenever word, shingle or exact-text hashes change; persistent indexes record it
HASH_VERSION = 3
_EMPTY = np.empty(0, dtype=np.uint64)
_MASK64 = (1 << 64) - 1
_SEP = " ".encode("utf-32-le")
_XXH = xxhash.xxh3_64_intdigest

# -- xxh3_64 (seed 0, default secret) for inputs of 1 to 16 bytes, vectorised
_SECRET = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c")


def _le(o: int, n: int) -> int:
    return int.from_bytes(_SECRET[o:o + n], "little")


_BF1 = _U(_le(0, 4) ^ _le(4, 4))  # 1-3 bytes
_BF4 = _U(_le(8, 8) ^ _le(16, 8))  # 4-8 bytes
_BF9A, _BF9B = _U(_le(24, 8) ^ _le(32, 8)), _U(_le(40, 8) ^ _le(48, 8))  # 9-16 bytes
_P64_2, _P64_3 = _U(0xC2B2AE3D27D4EB4F), _U(0x165667B19E3779F9)
_MX1, _MX2 = _U(0x165667919E3779F9), _U(0x9FB21C651E98DF25)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << _U(r)) | (x >> _U(64 - r))


def _mul128_fold64(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Low 64 bits xor high 64 bits of the 128-bit products, from 32-bit halves."""
    al, ah, bl, bh = a & _M32, a >> _U(32), b & _M32, b >> _U(32)
    ll, lh, hl, hh = al * bl, al * bh, ah * bl, ah * bh
    cross = (ll >> _U(32)) + (lh & _M32) + (hl & _M32)
    lo = (cross << _U(32)) | (ll & _M32)
    hi = hh + (lh >> _U(32)) + (hl >> _U(32)) + (cross >> _U(32))
    return lo ^ hi


def _xxh3_short(buf: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """xxh3_64 of the byte spans ``buf[s:s+l]`` with 1 <= l <= 16 (``buf`` has 8 spare
    bytes at the end). Up to 8 bytes, everything comes from one 8-byte read at ``s``."""
    v64 = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    v = np.take(v64, starts)
    ln = lens.astype(np.uint64)
    with np.errstate(over="ignore"):
        # 4-8 bytes (most words), computed for all and replaced for the others:
        # first 4 bytes << 32 | last 4 bytes
        h = np.minimum(np.maximum(ln, _U(4)), _U(8))
        h -= _U(4)
        h <<= _U(3)
        h = (v >> h) & _M32
        h += (v & _M32) << _U(32)
        h ^= _BF4
        h ^= _rotl(h, 49) ^ _rotl(h, 24)
        h *= _MX2
        h ^= (h >> _U(35)) + ln
        h *= _MX2
        h ^= h >> _U(28)
        idx = np.flatnonzero(lens <= 3)
        if len(idx):
            x, n = np.take(v, idx), np.take(ln, idx)
            c = (x & _U(0xFF)) << _U(16)  # first byte
            c |= ((x >> ((n >> _U(1)) << _U(3))) & _U(0xFF)) << _U(24)  # middle byte
            c |= (x >> ((n - _U(1)) << _U(3))) & _U(0xFF)  # last byte
            c |= n << _U(8)
            c ^= _BF1
            c ^= c >> _U(33)
            c *= _P64_2
            c ^= c >> _U(29)
            c *= _P64_3
            c ^= c >> _U(32)
            h[idx] = c
        idx = np.flatnonzero(lens >= 9)
        if len(idx):
            n = np.take(ln, idx)
            lo = np.take(v, idx) ^ _BF9A
            hi = np.take(v64, np.take(starts, idx) + np.take(lens, idx) - 8) ^ _BF9B
            acc = n + lo.byteswap() + hi + _mul128_fold64(lo, hi)
            acc ^= acc >> _U(37)
            acc *= _MX1
            acc ^= acc >> _U(32)
            h[idx] = acc
    return h


# -- normalisation tables
_WORDCH, _MULTI = 1, 2


def _isword(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # exactly re's \w for str patterns


@lru_cache(maxsize=1)
def _luts() -> tuple[np.ndarray, np.ndarray]:
    """Per code point of the BMP: its case folding (itself when that takes several
    characters), and flags: a word character (``\\w``, of the folded character),
    folds to several characters."""
    fold = np.arange(0x10000, dtype=np.uint32)
    flags = np.zeros(0x10000, dtype=np.uint8)
    for c in range(0x10000):
        ch = chr(c)
        f = ch.casefold()
        if len(f) == 1:
            fold[c] = ord(f)
            ch = f  # the regex sees the folded character
        else:
            flags[c] |= _MULTI
        if _isword(ch):
            flags[c] |= _WORDCH
    return fold, flags


_SEPARATOR, _LETTER = 1, 2


@lru_cache(maxsize=1)
def _safe() -> np.ndarray:
    """Per code point of the BMP, what the byte path may do with it (0: nothing, the
    text goes the code point way). ``_SEPARATOR``: a character that can stand for a
    space: not a word character, nor becomes one by NFKC or case folding. ``_LETTER``:
    a word character that NFKC and case folding leave as it is (``é``, not ``É``).
    Either kind cannot combine in NFKC with what is around it: a starter that is not
    the second of any canonical composition pair (so are the characters of its NFKC
    form). Typographic punctuation (dashes, curly quotes, ellipses, no-break spaces)
    and lower-case accented letters are such characters."""
    second = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T jamo
    for c in range(0x110000):
        d = unicodedata.decomposition(chr(c))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2:
                second.add(int(parts[1], 16))
    safe = np.zeros(0x10000, dtype=np.uint8)
    for c in range(0x80, 0x10000):
        if 0xD800 <= c < 0xE000 or c in second:
            continue
        ch = chr(c)
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cn", "Co"):
            continue
        if _isword(ch):
            if unicodedata.normalize("NFKC", ch) == ch and ch.casefold() == ch:
                safe[c] = _LETTER
            continue
        nf = unicodedata.normalize("NFKC", ch)
        folded = nf.casefold()
        if all(not _isword(x) and not unicodedata.combining(x) and ord(x) not in second
               for x in nf + folded):
            safe[c] = _SEPARATOR
    return safe


def normalize(text: str) -> str:
    """Unicode NFKC + case folding: the form that shingles and exact hashes see."""
    if text.isascii():  # NFKC leaves ASCII unchanged; casefold is lower there
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """Word tokens (``\\w+``) of the normalised text."""
    return _WORD.findall(normalize(text))


def _fmix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S33)
    x *= _M1
    x ^= x >> _S33
    x *= _M2
    x ^= x >> _S33
    return x


def _fmix64_int(x: int) -> int:
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & _MASK64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & _MASK64
    return x ^ (x >> 33)


def word_hash(word: str) -> int:
    """64-bit hash of one normalised word (xxh3_64 of its UTF-8 bytes)."""
    return _XXH(word.encode("utf-8", "surrogatepass"))


def shingle_hash(words: Sequence[str]) -> int:
    """64-bit hash of one word n-gram (a sequence of normalised words)."""
    acc = 0
    for i, w in enumerate(words):
        acc = word_hash(w) if i == 0 else (acc * int(_MIX) + word_hash(w)) & _MASK64
    return _fmix64_int(acc)


class ShingleBatch(NamedTuple):
    """Word n-gram hashes of many texts: text ``i`` has ``hashes[starts[i]:starts[i+1]]``
    (in text order, not unique), ``n_tokens[i]`` words and exact hash ``text_hashes[i]``."""

    hashes: np.ndarray
    starts: np.ndarray
    n_tokens: np.ndarray
    text_hashes: list


class _Words(NamedTuple):
    cp: np.ndarray  # folded code points of all texts, separated by spaces
    isw: np.ndarray  # word-character flags
    bounds: np.ndarray  # text i is cp[bounds[i]:bounds[i+1]-1]
    starts: np.ndarray  # word starts (into cp)
    lens: np.ndarray  # word lengths (code points)
    n_words: np.ndarray  # words per text


def _encode(texts: Sequence[str], casefold: frozenset = frozenset()) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the NFKC texts joined by spaces, with a space before the first
    and after the last: text i is ``cp[bounds[i]:bounds[i+1]-1]``."""
    parts = [b""]
    for i, t in enumerate(texts):
        if t.isascii():  # NFKC leaves ASCII as it is
            parts.append(t.encode("utf-32-le"))
        else:
            t = unicodedata.normalize("NFKC", t)
            if i in casefold:
                t = t.casefold()
            parts.append(t.encode("utf-32-le", "surrogatepass"))
    parts.append(b"")
    cp = np.frombuffer(_SEP.join(parts), dtype=np.uint32)
    sizes = np.fromiter((len(p) // 4 + 1 for p in parts[1:-1]), dtype=np.int64, count=len(texts))
    bounds = np.empty(len(texts) + 1, dtype=np.int64)
    bounds[0] = 1
    np.cumsum(sizes, out=bounds[1:])
    bounds[1:] += 1
    return cp, bounds


def _words(texts: Sequence[str]) -> _Words:
    """The normalised texts as one array of code points, and their words."""
    fold, flags = _luts()
    cp, bounds = _encode(texts)
    top = int(cp.max()) if len(cp) else 0
    low = (np.where(cp > 0xFFFF, 0, cp) if top > 0xFFFF else cp).astype(np.intp)
    fl = np.take(flags, low)
    if top >= 0x80 and (fl & _MULTI).any():
        # a character folds to several (e.g. "ß" -> "ss"): fold those texts in Python
        bad = np.searchsorted(bounds, np.flatnonzero(fl & _MULTI), side="right") - 1
        cp, bounds = _encode(texts, frozenset(bad.tolist()))
        low = (np.where(cp > 0xFFFF, 0, cp) if top > 0xFFFF else cp).astype(np.intp)
        fl = np.take(flags, low)
    isw = (fl & _WORDCH).view(bool)
    out = np.take(fold, low)
    if top > 0xFFFF:  # rare: beyond the BMP, one by one
        isw = isw.copy()
        for i in np.flatnonzero(cp > 0xFFFF).tolist():
            ch = chr(int(cp[i]))
            f = ch.casefold()
            if len(f) == 1:
                out[i], ch = ord(f), f
            isw[i] = ch.isalnum() or ch == "_"
    edges = np.flatnonzero(isw[1:] != isw[:-1]) + 1
    starts = edges[0::2]
    lens = edges[1::2] - starts
    n_words = np.diff(np.searchsorted(starts, bounds))
    return _Words(out, isw, bounds, starts, lens, n_words)


def _word_hashes(w: _Words) -> np.ndarray:
    """xxh3_64 of each word's UTF-8 bytes."""
    cp, starts, lens = w.cp, w.starts, w.lens
    buf = np.empty(len(cp) + 8, dtype=np.uint8)
    buf[:len(cp)] = cp  # exact for ASCII code points, which are their UTF-8 bytes
    buf[len(cp):] = 0
    h = _xxh3_short(buf, starts, lens)
    # words with a non-ASCII character or longer than 16 bytes: one by one
    slow = np.flatnonzero(lens > 16)
    if len(cp) and int(cp.max()) >= 0x80:
        pos = np.flatnonzero((cp >= 0x80) & w.isw)
        if len(pos):
            slow = np.union1d(slow, np.searchsorted(starts, pos, side="right") - 1)
    for i, s, n in zip(slow.tolist(), starts[slow].tolist(), lens[slow].tolist()):
        word = cp[s:s + n].tobytes().decode("utf-32-le", "surrogatepass")
        h[i] = _XXH(word.encode("utf-8", "surrogatepass"))
    return h


def _text_hashes(wh: np.ndarray, n_words: np.ndarray) -> list[int]:
    """xxh3_64 of each text's word-hash sequence (little-endian uint64): equal exactly
    when the texts have the same tokens in the same order."""
    data = wh.astype("<u8", copy=False).tobytes()
    b = np.zeros(len(n_words) + 1, dtype=np.int64)
    np.cumsum(n_words, out=b[1:])
    b = (b * 8).tolist()
    return [_XXH(data[x:y]) for x, y in zip(b[:-1], b[1:])]


def utf8_blob(texts: Sequence[str]) -> tuple[bytes, list[int]]:
    """The input of :func:`shingle_utf8`: the texts in UTF-8 joined by single spaces,
    with a space before the first and after the last, and their byte lengths."""
    enc = [t.encode("utf-8", "surrogatepass") for t in texts]
    return b" ".join([b""] + enc + [b""]), [len(e) for e in enc]


def shingle_batch(texts: Sequence[str], n: int = 3) -> ShingleBatch:
    """Word ``n``-gram hashes, token counts and exact hashes of many texts at once.

    A text shorter than ``n`` words (but not empty) gives one shingle of all its words.
    """
    blob, lens = utf8_blob(texts)
    return shingle_utf8(blob, lens, n)


def shingle_utf8(blob: bytes, lens: Sequence[int], n: int = 3) -> ShingleBatch:
    """:func:`shingle_batch` of texts given as :func:`utf8_blob` makes them."""
    wh, nw = _utf8_word_hashes(blob, lens)
    return _ngrams(wh, nw, n, _text_hashes(wh, nw))


def _utf8_word_hashes(blob: bytes, lens: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Word hashes (all texts, in order) and words per text.

    Texts whose characters are all ASCII or safe separators (see :func:`_safe`) are
    handled on their bytes; the others go through :func:`_words` (NFKC, case folding
    tables, code points), and the two are merged in text order.
    """
    nt = len(lens)
    bounds = np.empty(nt + 1, dtype=np.int64)  # text i is blob[bounds[i]:bounds[i+1]-1]
    bounds[0] = 1
    np.cumsum(np.asarray(lens, dtype=np.int64) + 1, out=bounds[1:])
    bounds[1:] += 1
    u8 = np.frombuffer(blob, dtype=np.uint8)
    hi = np.flatnonzero(u8 >= 0x80)
    bad: list[int] = []
    letters = None
    buf = u8
    if len(hi):
        buf = u8.copy()
        lead = hi[u8[hi] >= 0xC0]
        pad = np.zeros(len(u8) + 3, dtype=np.uint8)
        pad[:len(u8)] = u8
        b0 = pad[lead].astype(np.int64)
        b1 = pad[lead + 1].astype(np.int64) & 0x3F
        b2 = pad[lead + 2].astype(np.int64) & 0x3F
        cp = np.where(b0 < 0xE0, ((b0 & 0x1F) << 6) | b1, ((b0 & 0x0F) << 12) | (b1 << 6) | b2)
        kind = np.where(b0 < 0xF0, _safe()[np.minimum(cp, 0xFFFF)], 0)
        nb = np.where(b0 < 0xE0, 2, 3)
        sep = kind == _SEPARATOR
        for k in range(3):  # a separator's bytes become spaces
            m = sep & (k < nb)
            buf[lead[m] + k] = 0x20
        let = kind == _LETTER
        if let.any():
            letters = np.concatenate([lead[let & (k < nb)] + k for k in range(3)])
        if not (kind > 0).all():
            bad = np.unique(np.searchsorted(bounds, lead[kind == 0], side="right") - 1).tolist()
            for d in bad:  # those texts make no words here
                buf[bounds[d]:bounds[d + 1] - 1] = 0x20
    # ASCII: fold case, find word bytes; kept non-ASCII letters are word bytes as they are
    up = (buf - np.uint8(65)) < 26
    low = buf | (up.view(np.uint8) << 5)
    isw = (low - np.uint8(97)) < 26
    isw |= (buf - np.uint8(48)) < 10
    isw |= buf == 95
    if letters is not None:
        isw[letters] = True
        if bad:  # letters of the texts that go the other way
            for d in bad:
                isw[bounds[d]:bounds[d + 1] - 1] = False
    edges = np.flatnonzero(isw[1:] != isw[:-1]) + 1
    starts = edges[0::2]
    wl = edges[1::2] - starts
    nw = np.diff(np.searchsorted(starts, bounds))
    padded = np.empty(len(low) + 8, dtype=np.uint8)
    padded[:len(low)] = low
    padded[len(low):] = 0
    wh = _xxh3_short(padded, starts, wl)
    for i in np.flatnonzero(wl > 16).tolist():
        s0 = int(starts[i])
        wh[i] = _XXH(padded[s0:s0 + int(wl[i])].tobytes())
    if not bad:
        return wh, nw
    # the other texts, through the code point path; then merge in text order
    texts = [blob[bounds[d]:bounds[d + 1] - 1].decode("utf-8", "surrogatepass") for d in bad]
    w = _words(texts)
    uh = _word_hashes(w)
    nw = nw.copy()
    nw[bad] = w.n_words
    extra = np.zeros(nt, dtype=np.int64)
    extra[bad] = w.n_words
    out = np.empty(int(nw.sum()), dtype=np.uint64)
    first = np.zeros(nt + 1, dtype=np.int64)
    np.cumsum(nw, out=first[1:])
    shift = np.repeat(np.cumsum(extra) - extra, nw - extra)  # unicode words placed before
    out[np.arange(len(wh)) + shift] = wh
    ustart = np.repeat(first[:-1][bad], w.n_words)
    ubase = np.repeat(np.cumsum(w.n_words) - w.n_words, w.n_words)
    out[ustart + np.arange(len(uh)) - ubase] = uh
    return out, nw


def _ngrams(wh: np.ndarray, nw: np.ndarray, n: int, text_hashes: list) -> ShingleBatch:
    nb = len(nw)
    wbound = np.zeros(nb + 1, dtype=np.int64)
    np.cumsum(nw, out=wbound[1:])
    cnt = np.where(nw >= n, nw - n + 1, np.minimum(nw, 1))
    starts = np.zeros(nb + 1, dtype=np.int64)
    np.cumsum(cnt, out=starts[1:])
    W = len(wh)
    with np.errstate(over="ignore"):
        if W >= n:
            m = W - n + 1
            acc = wh[:m].copy()
            for j in range(1, n):
                acc *= _MIX
                acc += wh[j:j + m]
            # the n-gram at word i is valid when it ends inside its own text
            doc_end = np.repeat(wbound[1:], nw)[:m]
            acc = acc[np.arange(n, m + n, dtype=np.int64) <= doc_end]
        else:
            acc = _EMPTY
        short = np.flatnonzero((nw > 0) & (nw < n))
        if len(short):  # rare: texts of 1..n-1 words make one shingle each
            out = np.empty(int(starts[-1]), dtype=np.uint64)
            is_short = np.zeros(nb, dtype=bool)
            is_short[short] = True
            out[~np.repeat(is_short, cnt)] = acc
            for d in short.tolist():
                x = wh[wbound[d]]
                for j in range(wbound[d] + 1, wbound[d + 1]):
                    x = x * _MIX + wh[j]
                out[starts[d]] = x
            acc = out
        hashes = _fmix64(acc) if len(acc) else _EMPTY
    return ShingleBatch(hashes, starts, nw, text_hashes)


def shingle_hashes(text_or_tokens, n: int = 3, *, unique: bool = True) -> np.ndarray:
    """64-bit hashes of the word ``n``-grams of a text (or of a list of normalised tokens).

    A text shorter than ``n`` words gives one shingle of all its words. With
    ``unique`` the result is the sorted set, ready for exact Jaccard.
    """
    if isinstance(text_or_tokens, str):
        out = shingle_batch([text_or_tokens], n).hashes
    else:
        words = list(text_or_tokens)
        if not words:
            return _EMPTY
        wh = np.fromiter((word_hash(t) for t in words), dtype=np.uint64, count=len(words))
        out = _ngrams(wh, np.array([len(words)], dtype=np.int64), n, [0]).hashes
    return np.unique(out) if unique else out


def text_hash(text: str) -> int:
    """Hash of the normalised token sequence: equal for exact duplicates up to spacing and case."""
    return shingle_batch([text], 1).text_hashes[0]
