# cython: language_level=3
cimport cython


@cython.final
cdef class WordTable:
    cdef Py_UCS4 *chars
    cdef Py_ssize_t *start
    cdef Py_ssize_t *length
    cdef unsigned long long *hashes
    cdef Py_ssize_t mask

    cdef bint holds(self, str text, Py_ssize_t a, Py_ssize_t b, unsigned long long h) except -1


@cython.final
cdef class CueGate:
    cdef frozenset words
    cdef long long bits, count_bits
    cdef WordTable table

    cdef bint opens(self, seg) except -1


@cython.final
cdef class PatternCue:
    cdef CueGate gate0, gate1
    cdef bint low0, low1
    cdef object method0, method1

    cdef bint holds(self, seg) except -1


cdef class CueSet:
    cdef object advert, embed_credit, section_kind
    cdef PatternCue caption, credit_end, comment_cue, author, end_cue, comment_date, glued_cue, social, footer, newsletter, machinery, byline_bit
    cdef PatternCue photo_credit, teaser_cue, about_cue, disclaimer
    cdef CueGate g_advert, g_comment_cue, g_kind

    cdef bint kind_gate(self, seg) except -1
