# cython: language_level=3
cimport cython


@cython.final
cdef class CueGate:
    cdef frozenset words
    cdef long long bits, count_bits

    cdef bint opens(self, seg) except -1


cdef class CueSet:
    cdef object advert, caption, credit_end, comment_cue, newsletter, footer, social, author, disclaimer
    cdef object about_cue, teaser_cue, end_cue, comment_date, glued_cue, embed_credit, byline_bit, machinery
    cdef object photo_credit, section_kind
    cdef CueGate g_advert, g_caption, g_credit_end, g_comment_cue, g_newsletter, g_footer, g_social, g_author
    cdef CueGate g_disclaimer, g_about, g_teaser, g_comment_date, g_end, g_kind, g_machinery, g_byline_bit
    cdef CueGate g_photo_credit

    cdef bint end_gate(self, seg) except -1
    cdef bint kind_gate(self, seg) except -1
