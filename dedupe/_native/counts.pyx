# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native :func:`dedupe.textstats.block_counts` and the Unicode part of its flag table."""
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND

from .segment cimport Segment
from .chars cimport CAP, CJK, DIGIT, SPACE, WORD, Py_UCS1, Py_UCS2, _flags_of, _unicode_flags, uchar

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


def count_segments(list segs, const unsigned char[:] table):
    """:func:`count_blocks` of the segments' texts (read here: no list of them is made)."""
    return _count_all(segs, True, &table[0])


def count_blocks(list texts, const unsigned char[:] table):
    """:func:`dedupe.textstats.block_counts` of blocks without line breaks: words, tokens,
    capitalised tokens and digits per block (``table``: textstats' flags per BMP code point)."""
    return _count_all(texts, False, &table[0])


cdef tuple _count_all(list items, bint segments, const unsigned char *tab):
    cdef Py_ssize_t n = len(items), k
    cdef list words = [0] * n, tokens = [0] * n, caps = [0] * n, digits = [0] * n
    cdef str t
    cdef long counts[4]
    cdef unsigned int kind
    for k in range(n):
        t = (<Segment?>items[k]).text if segments else items[k]
        kind = PyUnicode_KIND(t)
        if kind == 1:
            _count(<const Py_UCS1 *>PyUnicode_DATA(t), len(t), tab, counts)
        elif kind == 2:
            _count(<const Py_UCS2 *>PyUnicode_DATA(t), len(t), tab, counts)
        else:
            _count(<const Py_UCS4 *>PyUnicode_DATA(t), len(t), tab, counts)
        words[k], tokens[k], caps[k], digits[k] = counts[0], counts[1], counts[2], counts[3]
    return words, tokens, caps, digits


cdef enum:
    FIELD = 12  # bits of each count packed in a step: a block is counted in chunks of CHUNK characters
    CHUNK = 4095

# _STEPS[state << 5 | flags]: what one character adds to the packed counts (words, tokens,
# capitalised tokens, CJK characters, digits; FIELD bits each), ``state`` being the previous
# character's WORD and SPACE bits (which are 1 and 2: the next state is ``flags & 3``)
cdef unsigned long long _STEPS[128]


cdef void _make_steps() except *:
    cdef unsigned int state, f, word, space, start
    if WORD != 1 or SPACE != 2:
        raise ImportError("the count steps take the WORD and SPACE flags to be bits 1 and 2")
    for state in range(4):
        for f in range(32):
            word, space = (f & WORD) != 0, (f & SPACE) != 0
            start = (state & SPACE) != 0 and not space
            _STEPS[state << 5 | f] = ((<unsigned long long>(word and not state & WORD))
                                      | (<unsigned long long>start << FIELD)
                                      | (<unsigned long long>(start and (f & CAP) != 0) << 2 * FIELD)
                                      | (<unsigned long long>((f & CJK) != 0) << 3 * FIELD)
                                      | (<unsigned long long>((f & DIGIT) != 0) << 4 * FIELD))


_make_steps()


cdef void _count(const uchar *data, Py_ssize_t n, const unsigned char *tab, long *out) noexcept:
    """One block's words, tokens, capitalised tokens and digits (one kind of str data):
    a table step per character, without branches (word and token starts are too frequent
    to predict), the counts packed in one integer over chunks short enough not to overflow."""
    cdef Py_ssize_t i = 0, stop
    cdef unsigned int f, state = SPACE  # each block follows a newline
    cdef unsigned long long acc
    cdef long w = 0, tk = 0, cp = 0, cj = 0, dg = 0
    while i < n:
        stop = min(n, i + CHUNK)
        acc = 0
        while i < stop:
            f = _flags_of(data[i], tab) & 31
            acc += _STEPS[state << 5 | f]
            state = f & 3
            i += 1
        w += acc & CHUNK
        tk += (acc >> FIELD) & CHUNK
        cp += (acc >> 2 * FIELD) & CHUNK
        cj += (acc >> 3 * FIELD) & CHUNK
        dg += (acc >> 4 * FIELD) & CHUNK
    if cj and <long>(cj / 1.7) > w:
        w = <long>(cj / 1.7)
    out[0], out[1], out[2], out[3] = w, tk, cp, dg
