# cython: language_level=3
cimport cython


@cython.final
@cython.no_gc
cdef class Segment:
    cdef public str text
    cdef public Py_ssize_t para
    cdef public str tag
    cdef public Py_ssize_t link_chars
    cdef public str hints
    cdef public bint heading
    cdef public bint in_list
    cdef public tuple path
    cdef public str low
    cdef str _first
    cdef Py_ssize_t first_a, first_b  # the first word as low[first_a:first_b], made when read (first_a < 0: _first)
    cdef unsigned long long first_hash  # and its FNV-1a hash (gates.WordTable's), set with first_a
    cdef public long long flags


cdef Segment new_segment(str text, Py_ssize_t para)
