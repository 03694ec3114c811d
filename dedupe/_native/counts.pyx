# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native :func:`dedupe.textstats.block_counts` and the Unicode part of its flag table."""
from .chars cimport CAP, CJK, DIGIT, SPACE, WORD, _flags_of, _unicode_flags

#: the flag bits, which textstats checks against its own
FLAG_BITS = (WORD, SPACE, CAP, CJK, DIGIT)


def char_flags(Py_ssize_t n):
    """``textstats._flags`` of the code points below ``n`` (word character, white space,
    decimal digit), as bytes: the part of the flag table that asks the Unicode database."""
    cdef bytearray out = bytearray(n)
    cdef unsigned char *p = out
    cdef Py_ssize_t c
    for c in range(n):
        p[c] = _unicode_flags(<Py_UCS4>c)
    return bytes(out)


def count_blocks(list texts, const unsigned char[:] table):
    """:func:`dedupe.textstats.block_counts` of blocks without line breaks: words, tokens,
    capitalised tokens and digits per block (``table``: textstats' flags per BMP code point)."""
    cdef Py_ssize_t n = len(texts), k
    cdef list words = [0] * n, tokens = [0] * n, caps = [0] * n, digits = [0] * n
    cdef str t
    cdef Py_UCS4 c
    cdef unsigned char f
    cdef bint prev_word, prev_space
    cdef long w, tk, cp, cj, dg
    cdef const unsigned char *tab = &table[0]
    for k in range(n):
        t = texts[k]
        w = tk = cp = cj = dg = 0
        prev_word, prev_space = False, True  # each block follows a newline
        for c in t:
            f = _flags_of(c, tab)
            if f & WORD:
                if not prev_word:
                    w += 1
                prev_word = True
            else:
                prev_word = False
            if f & SPACE:
                prev_space = True
            else:
                if prev_space:
                    tk += 1
                    if f & CAP:
                        cp += 1
                prev_space = False
            if f & CJK:
                cj += 1
            if f & DIGIT:
                dg += 1
        if cj and <long>(cj / 1.7) > w:
            w = <long>(cj / 1.7)
        words[k], tokens[k], caps[k], digits[k] = w, tk, cp, dg
    return words, tokens, caps, digits
