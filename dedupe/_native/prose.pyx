# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native prose test and block scores of text pages (:mod:`dedupe.boilerplate`)."""
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, Py_UNICODE_ISLOWER, Py_UNICODE_ISSPACE

from libc.math cimport fabs

from .chars cimport _charset, _in_set
from .segment cimport Segment


cdef class ProseRules:
    """The prose test and block score of :mod:`dedupe.boilerplate` for text pages
    (``_is_prose``, ``_is_fragment`` and ``_score`` without the HTML terms)."""

    def __init__(self, *, prose_end, closers, sentence_end, fragment_start):
        cdef int i
        self.prose_end, self.closers, self.sentence_end = _charset(prose_end), _charset(closers), _charset(sentence_end)
        self.fragment_start = fragment_start
        for i in range(256):
            self.fragment_latin[i] = fragment_start.match(chr(i)) is not None

    cdef bint ends_prose(self, str t) noexcept:
        """``_ends_prose``: after white space and closing quotes or brackets, a sentence or clause mark."""
        cdef Py_ssize_t i = len(t) - 1
        cdef unsigned int kind = PyUnicode_KIND(t)
        cdef void *data = PyUnicode_DATA(t)
        while i >= 0 and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            i -= 1
        while i >= 0 and _in_set(&self.closers, PyUnicode_READ(kind, data, i)):
            i -= 1
        return i >= 0 and _in_set(&self.prose_end, PyUnicode_READ(kind, data, i))

    cdef Py_ssize_t sentence_ends(self, str t) noexcept:
        """``len(_SENT_END.findall(t))``: a sentence mark, closers, then white space or the end."""
        cdef Py_ssize_t n = len(t), i = 0, j, count = 0
        cdef unsigned int kind = PyUnicode_KIND(t)
        cdef void *data = PyUnicode_DATA(t)
        while i < n:
            if _in_set(&self.sentence_end, PyUnicode_READ(kind, data, i)):
                j = i + 1
                while j < n and _in_set(&self.closers, PyUnicode_READ(kind, data, j)):
                    j += 1
                if j == n or Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)):
                    count += 1
                i = j
            else:
                i += 1
        return count

    cdef bint is_prose(self, str t, long w, long caps, long tokens) except -1:
        cdef Py_ssize_t ends
        if w < 7:
            return False
        if not self.ends_prose(t):
            ends = self.sentence_ends(t)
            if not (ends >= 2 or (ends >= 1 and w >= 20)):
                return False
        if w >= 30:
            return True
        return caps / <double>(tokens if tokens > 1 else 1) < 0.6

    cdef bint is_fragment(self, str t, long w, long caps, long tokens) except -1:
        if not t:
            return False
        cdef Py_UCS4 first = t[0], last = t[len(t) - 1]
        if (self.fragment_latin[first] if first < 256 else self.fragment_start.match(t) is not None):
            return w >= 2
        if w < 6 or not (last == u',' or Py_UNICODE_ISLOWER(last)):
            return False
        return caps / <double>tokens < 0.4

    cdef double score(self, str t, long w, bint prose, bint in_list, long caps, long tokens, bint html) except? -1.0:
        """``_score`` before its HTML terms (link density, class/id words)."""
        if prose:
            return <double>w if w >= 20 else 0.6 * w
        if w >= 25 and not in_list:
            return 0.3 * w
        if not html and self.is_fragment(t, w, caps, tokens):
            return 0.1  # neutral: neither body nor a gap in it
        return -(2.0 + 0.3 * (w if w < 20 else 20))

    def prose_flags(self, list segs, list words, list caps, list tokens):
        """Each block's ``_is_prose`` (a text or an HTML page)."""
        cdef Py_ssize_t n = len(segs), k
        cdef list prose = [False] * n
        for k in range(n):
            if self.is_prose((<Segment?>segs[k]).text, words[k], caps[k], tokens[k]):
                prose[k] = True
        return prose

    def html_scores(self, list segs, list words, list prose, list caps, list tokens, hint_facts):
        """``_hints_informative`` and each block's ``_score`` on an HTML page (link density
        and the class/id words' ``hint_facts`` weigh in); returns both."""
        cdef Py_ssize_t n = len(segs), k
        cdef list scores = [0.0] * n
        cdef long w, total = 0, flagged = 0
        cdef bint p, trust_bad
        cdef double s, link
        cdef Py_ssize_t size
        cdef Segment seg
        for k in range(n):  # _hints_informative
            if prose[k]:
                w = words[k]
                total += w
                hints = (<Segment?>segs[k]).hints
                if hints and hint_facts(hints).bad:
                    flagged += w
        trust_bad = not total or flagged < 0.8 * total
        for k in range(n):
            seg = <Segment?>segs[k]
            w, p = words[k], prose[k]
            s = self.score(seg.text, w, p, seg.in_list, caps[k], tokens[k], True)
            size = len(seg.text)
            link = seg.link_chars / <double>(size if size > 1 else 1)
            if link > 0.5 and not (p and w >= 20 and link <= 0.75):
                s = -fabs(s) - 2
            elif link > 0.5:
                s *= 0.3
            elif link > 0.25:
                s *= 0.5 if s > 0 else 1.5
            hints = seg.hints
            if hints:
                facts = hint_facts(hints)
                if facts.strong:
                    s = -fabs(s) - 2
                elif facts.bad and s > 0 and trust_bad:
                    s *= 0.4
            scores[k] = s
        return trust_bad, scores

    def text_scores(self, list segs, list words, list caps, list tokens):
        """Each block's prose flag and score, as ``_page_facts`` makes them for a text page."""
        cdef list prose = self.prose_flags(segs, words, caps, tokens)
        cdef Py_ssize_t n = len(segs), k
        cdef list scores = [0.0] * n
        cdef Segment seg
        for k in range(n):
            seg = <Segment?>segs[k]
            scores[k] = self.score(seg.text, words[k], prose[k], seg.in_list, caps[k], tokens[k], False)
        return prose, scores
