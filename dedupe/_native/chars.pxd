# cython: language_level=3
"""Character helpers shared by the native kernels: kinds of str data, character sets
and the per-character flags of :mod:`dedupe.textstats`."""
from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISSPACE

from cpython.unicode cimport PyUnicode_DATA

cdef extern from "Python.h":
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    bint PyUnicode_IS_ASCII(object o)

cdef extern from *:
    int __builtin_ctzll(unsigned long long)

ctypedef fused uchar:  # the three kinds of str data
    Py_UCS1
    Py_UCS2
    Py_UCS4

# textstats' flag bits (textstats checks that they agree: counts.FLAG_BITS)
cdef enum:
    WORD = 1
    SPACE = 2
    CAP = 4
    CJK = 8
    DIGIT = 16

cdef enum:
    MAX_OTHER = 24  # non-ASCII characters of a CharSet

ctypedef struct CharSet:
    unsigned long long ascii[2]  # bit c of the ASCII characters in the set
    Py_UCS4 other[MAX_OTHER]  # and the others
    int n_other


cdef inline bint _in(Py_UCS4 c, str chars) noexcept:
    cdef Py_UCS4 x
    for x in chars:
        if x == c:
            return True
    return False


cdef inline bint _in_set(const CharSet *cs, Py_UCS4 c) noexcept:
    cdef int i
    cdef unsigned int u = c
    if u < 128:
        return (cs.ascii[u >> 6] >> (u & 63)) & 1
    for i in range(cs.n_other):
        if cs.other[i] == c:
            return True
    return False


cdef inline CharSet _charset(str chars) except *:
    cdef CharSet cs
    cdef Py_UCS4 c
    cdef unsigned int u
    cs.ascii[0] = cs.ascii[1] = 0
    cs.n_other = 0
    for c in chars:
        u = c
        if u < 128:
            cs.ascii[u >> 6] |= 1ULL << (u & 63)
        elif not _in_set(&cs, c):
            if cs.n_other == MAX_OTHER:
                raise ValueError(f"at most {MAX_OTHER} non-ASCII characters in a character set")
            cs.other[cs.n_other] = c
            cs.n_other += 1
    return cs


cdef inline unsigned char _unicode_flags(Py_UCS4 c) noexcept:
    """``textstats._flags``: as ``re`` classes the character (no capital or CJK ranges)."""
    return ((WORD if (Py_UNICODE_ISALNUM(c) or c == u'_') else 0) | (SPACE if Py_UNICODE_ISSPACE(c) else 0)
            | (DIGIT if Py_UNICODE_ISDECIMAL(c) else 0))


cdef inline unsigned char _flags_of(Py_UCS4 c, const unsigned char *table) noexcept:
    """A character's flags: ``table`` (textstats.flag_table) in the BMP, the Unicode database beyond."""
    if c < 0x10000:
        return table[c]
    return _unicode_flags(c)  # outside the BMP: no capital or CJK range there


cdef inline bint _same_text(str a, str b) except -1:
    """``a == b``, lengths first (for texts that are rarely equal)."""
    return a is b or (a is not None and b is not None and len(a) == len(b) and a == b)


cdef inline unsigned int _ascii_lower_char(unsigned int c) noexcept:
    """An ASCII character in lower case (without a branch)."""
    return c | ((c - 65 < 26) << 5)


cdef inline str _ascii_lower(str text):
    """``str.lower`` of ASCII text, byte by byte."""
    cdef Py_ssize_t i, n = len(text)
    cdef const unsigned char *src = <const unsigned char *>PyUnicode_DATA(text)
    cdef str out = PyUnicode_New(n, 127)
    cdef unsigned char *dst = <unsigned char *>PyUnicode_DATA(out)
    for i in range(n):
        dst[i] = <unsigned char>_ascii_lower_char(src[i])
    return out
