# cython: language_level=3
cimport cython

from .chars cimport CharSet


@cython.final
cdef class ProseRules:
    cdef CharSet prose_end, closers, sentence_end
    cdef object fragment_start
    cdef bint fragment_latin[256]  # fragment_start's answer for the characters below U+0100

    cdef bint ends_prose(self, str t) noexcept
    cdef Py_ssize_t sentence_ends(self, str t) noexcept
    cdef bint is_prose(self, str t, long w, long caps, long tokens) except -1
    cdef bint is_fragment(self, str t, long w, long caps, long tokens) except -1
    cdef double score(self, str t, long w, bint prose, bint in_list, long caps, long tokens, bint html) except? -1.0
