# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native :func:`dedupe.headline.find_title`: the same steps, without a Python frame per
candidate line (the patterns, the cue functions and the site-name rule are passed in)."""
cimport cython

from .gates cimport CueSet
from .segment cimport Segment


@cython.final
cdef class Headline(CueSet):
    """``find_title`` with the rules of :mod:`dedupe.headline`."""

    cdef object word_findall, question_search, clock_search, byline_match, without_site_name, about, key_words
    cdef Py_ssize_t window, near

    def __init__(self, cues, *, word, question, clock, byline, without_site_name, about, key_words,
                 Py_ssize_t window, Py_ssize_t near):
        CueSet.__init__(self, cues)
        self.word_findall, self.question_search = word.findall, question.search
        self.clock_search, self.byline_match = clock.search, byline.match
        self.without_site_name, self.window, self.near = without_site_name, window, near
        self.about, self.key_words = about, key_words  # (asked for a few lines a page: the Python's own)

    def find(self, list segs, list words, list prose, list end_cues, Py_ssize_t start, Py_ssize_t end, page_title):
        """``find_title``: the headline's block (``None`` when it is not a block of the page) and its text."""
        cdef bint text_input = page_title is None
        cdef str title_line, pt, site_free, body
        cdef set title_words, titled_set
        cdef list candidates = [], titled = [], near = []
        cdef Py_ssize_t k, n_title
        cdef Segment s
        if page_title is not None:
            title_line = page_title
        else:
            title_line = (<Segment?>segs[0]).text if segs and start > 0 else ""
        pt = title_line.casefold()
        site_free = self.without_site_name(title_line)
        title_words = set(self.word_findall(site_free.casefold()))
        n_title = len(title_words)
        for k in range(max(0, start - self.window), start):
            if 4 <= <long>words[k] <= 30 and not end_cues[k] \
                    and (not prose[k] or self.question_search((<Segment?>segs[k]).text) is not None):
                candidates.append(k)
        # 1. held by the page title: the heading, else the longest, else the nearest
        for k in candidates:
            s = <Segment?>segs[k]
            if k > 0 and len(s.text) >= 12 and self.titled(s.text, words[k], pt, title_words, n_title):
                titled.append((s.heading, words[k], k))
        titled.sort(reverse=True)
        for _, _, k in titled:
            if not self.never_a_headline(segs[k]):
                return k, (<Segment>segs[k]).text
        # the others must be about the body (its lower-cased text, for substring tests)
        body = " ".join([(<Segment?>segs[k]).low for k in range(start, end)])
        titled_set = {t[2] for t in titled}
        for k in candidates:
            if start - k <= self.near and k not in titled_set:
                s = <Segment>segs[k]
                near.append((s.heading, words[k], -k))  # (ties: the earlier)
        near.sort(reverse=True)
        near_k = None
        for _, _, minus_k in near:
            s = <Segment>segs[-minus_k]
            if self.about(s.low, body) and not self.never_a_headline(s):
                near_k = -minus_k
                break
        if near_k is not None and (<Segment>segs[near_k]).heading:  # 2. an <h1>-<h6> about the body
            return near_k, (<Segment>segs[near_k]).text
        if site_free and any(w in body for w in self.key_words(site_free.lower())) \
                and not (text_input and self.never_a_headline(segs[0])):
            return (0 if text_input else None), site_free  # 3. the page title
        if near_k is not None:
            return near_k, (<Segment>segs[near_k]).text
        return None, site_free if page_title else None  # (HTML: the page title is the title line)

    cdef bint titled(self, str text, long w, str title, set title_words, Py_ssize_t n_title) except -1:
        """``headline._titled``."""
        cdef str folded = text.casefold()
        cdef Py_ssize_t shared = 0
        if folded in title:
            return True
        if 3 * w < 2 * n_title and text.isascii():
            return False
        for x in title_words:
            if x in folded:
                shared += 1
        if 5 * shared < 2 * n_title:
            return False
        mine = set(self.word_findall(folded))
        shared = len(mine & title_words)
        return shared > 0 and 2 * shared / <double>(len(mine) + n_title) >= 0.8

    cdef bint never_a_headline(self, seg) except -1:
        """``headline._never_a_headline``."""
        cdef str t = (<Segment?>seg).text
        return (t[:1] == "<" or self.clock_search(t) is not None or self.byline_match(t) is not None
                or self.byline_bit.holds(seg) or self.caption.holds(seg) or self.social.holds(seg))
