# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native page facts and block labels of text pages (:mod:`dedupe.boilerplate`)."""
cimport cython
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM
from cpython.unicode cimport Py_UNICODE_ISALPHA, Py_UNICODE_ISSPACE, Py_UNICODE_ISUPPER

from .chars cimport _same_text
from .gates cimport CueSet
from .prose cimport ProseRules
from .segment cimport Segment

cdef extern from "Python.h":
    object PyType_GenericAlloc(type cls, Py_ssize_t nitems)  # a new reference (NULL raises)
    void PyObject_GC_UnTrack(void *op)

# what _label_blocks asks of a block's index: its bits in a per-page byte array
cdef enum:
    INLINE = 1
    TEASER = 2
    REPEAT = 4
    TEASER_LIST = 8
    ECHO = 16


@cython.final
cdef class Labeller(CueSet):
    """The block-by-block phases of :func:`dedupe.boilerplate.classify`: ``_page_facts``
    after the scores, with ``_repeated_headlines`` and ``_teaser_lists`` (any page: they
    have no HTML terms), and ``_label_blocks``; the cue functions of
    :mod:`dedupe.cues` are called as they are there, and only where the Python code calls them."""

    cdef ProseRules prose_rules
    cdef object block_cls, hint_caption, hint_kind, main
    cdef Py_ssize_t window

    def __init__(self, ProseRules prose_rules, cues, *, block_cls, hint_caption, hint_kind, main, window):
        CueSet.__init__(self, cues)
        self.prose_rules = prose_rules
        self.block_cls, self.hint_caption, self.hint_kind, self.main = block_cls, hint_caption, hint_kind, main
        self.window = window

    cdef object kind_cue(self, seg, long w, bint after_body, bint comment_date):
        """``_kind_cue``: each cue is asked only past its gate."""
        if self.g_advert.opens(seg) and self.advert(seg, w):
            return "advertisement", "advertisement label"
        if self.caption.holds(seg):
            return "caption", "caption/credit cue"
        if w <= 60 and self.credit_end.holds(seg):
            return "caption", "caption ending in a credit"
        if comment_date:
            return "comments", "comment date/author line"
        if self.g_comment_cue.opens(seg) and self.comment_cue.holds(seg):
            return "comments", "comment cue (reply form, comment count)"
        if w <= 40 and self.newsletter.holds(seg):
            return "newsletter", "subscribe/newsletter cue"
        if w <= 60 and self.footer.holds(seg):
            return "footer", "copyright/legal cue"
        if w <= 8 and self.social.holds(seg):
            return "navigation", "social/share cue"
        if after_body and self.author.holds(seg):
            return "author", "author bio cue"
        if after_body and self.disclaimer.holds(seg):
            return "footer", "disclaimer"
        return None

    cdef bint title_case(self, str t) noexcept:
        """``_title_case``: two or more tokens that start with a letter, six in ten capitalised."""
        cdef Py_ssize_t n = len(t), i = 0, alpha = 0, upper = 0
        cdef Py_UCS4 c
        cdef bint at_start = True
        for i in range(n):
            c = t[i]
            if Py_UNICODE_ISSPACE(c):
                at_start = True
            elif at_start:
                at_start = False
                if Py_UNICODE_ISALPHA(c):
                    alpha += 1
                    if Py_UNICODE_ISUPPER(c):
                        upper += 1
        return alpha >= 2 and upper / <double>alpha >= 0.6

    cdef tuple kind_of(self, seg, long w, bint after_body, section, comment_date):
        """``_kind_of``."""
        if comment_date or self.kind_gate(seg):
            cue = self.kind_cue(seg, w, after_body, comment_date)
            if cue is not None:
                return cue
        if section:
            return section, f"inside {section} section"
        hints = (<Segment?>seg).hints
        kind = self.hint_kind(hints) if hints else None
        if kind:
            return kind, f"DOM hint ({kind})"
        if after_body:
            return ("related", "prose after the article end") if w >= 12 else ("boilerplate", "after the article end")
        return "navigation", "before the article start"

    def facts(self, list segs, list words, list digits, list prose, list scores, list is_template):
        """``_page_facts`` from its end cues on (any page): returns end cues, comment
        dates, strong boundaries, folded texts, repeated headlines and teaser lists, and
        lowers ``scores`` in place."""
        cdef Py_ssize_t n = len(segs), i
        cdef list end_cues = [False] * n, comment_dates = [False] * n, strong = [False] * n, folded = [None] * n
        cdef long w
        cdef double score
        cdef bint glued, st
        cdef Segment s
        for i in range(n):
            s = <Segment?>segs[i]
            w = words[i]
            end_cues[i] = self.end_cue.holds(s)
            comment_dates[i] = <long>digits[i] > 0 and self.comment_date.holds(s)
            glued = not prose[i] and 13 <= w <= 60 and self.glued_cue.holds(s)
            st = (w <= 12 and end_cues[i]) or glued
            strong[i] = True if st else False
            if st or (w <= 12 and comment_dates[i]):
                scores[i] = min(<double>scores[i], -10.0)
            folded[i] = s.low
        repeats = self.repeated_headlines(segs, words, folded)
        for i in repeats:
            scores[i] = min(<double>scores[i], -5.0)
        teaser_list = self.teaser_lists(segs, words, prose)
        for i in teaser_list:
            scores[i] = min(<double>scores[i], -3.0)
        for i in range(n):
            if is_template[i]:
                scores[i] = min(<double>scores[i], -5.0)
        for i in range(n):
            w, score = words[i], scores[i]
            if w <= 120 and score > 0 and (self.footer.holds(segs[i]) or self.disclaimer.holds(segs[i])):
                scores[i] = -0.5 * score
        return end_cues, comment_dates, strong, folded, repeats, teaser_list

    def repeated_headlines(self, list segs, list words, list folded):
        """``_repeated_headlines``."""
        cdef set out = set()
        cdef Py_ssize_t i, j, n = len(segs), last
        cdef str key
        embed_credit = self.embed_credit
        for i in range(n):  # (the window is short: compared in place, without hashing the page)
            if not 5 <= words[i] <= 25:
                continue
            key, last = folded[i], min(n - 1, i + self.window)
            if _first_equal(folded, key, i + 1, last + 1) < 0 or embed_credit(segs[i]):
                continue
            for j in range(i + 1, last + 1):
                if _same_text(folded[j], key):
                    out.add(i)
                    out.add(j)
        return out

    def teaser_lists(self, list segs, list words, list prose):
        """``_teaser_lists``."""
        cdef set out = set()
        cdef list run = []
        cdef Py_ssize_t k = 0, n = len(segs), pairs = 0, titled = 0
        cdef long w
        cdef bint tc
        cdef str head
        while k < n - 1:
            w = words[k]
            if (3 <= w <= 20 and not prose[k] and words[k + 1] <= 60 and prose[k + 1]
                    and self.prose_rules.sentence_ends((<Segment?>segs[k + 1]).text) <= 2):
                head = (<Segment?>segs[k]).text
                tc = self.title_case(head)
                if tc or (w >= 4 and not self.prose_rules.ends_prose(head)):
                    run.append(k)
                    run.append(k + 1)
                    pairs += 1
                    titled += tc
                    k += 2
                    continue
            if run and w <= 3 and not prose[k]:
                run.append(k)
                k += 1
                continue
            _close_teasers(out, run, prose, pairs, titled)
            run, pairs, titled = [], 0, 0
            k += 1
        _close_teasers(out, run, prose, pairs, titled)
        return out

    def label(self, list segs, list words, list prose, list scores, list strong, list comment_dates, set repeats,
              set teaser_list, list is_template, list folded, Py_ssize_t start, Py_ssize_t end, title, cut_reason,
              set inline_widget, set teaser, deadline, bint html):
        """``_label_blocks``: every block's label and reason, and the main text."""
        cdef Py_ssize_t n = len(segs), k
        cdef list blocks = [None] * n, main_parts = []  # (blocks sized at once)
        cdef long w
        cdef bint after
        cdef Segment s
        cdef str t, label, reason
        # the sets of block indices, as bits per block
        cdef bytearray marks = bytearray(n)
        cdef unsigned char *mark = marks
        _set_bits(mark, n, inline_widget, INLINE)
        _set_bits(mark, n, teaser, TEASER)
        _set_bits(mark, n, repeats, REPEAT)
        _set_bits(mark, n, teaser_list, TEASER_LIST)
        advert, section_kind = self.advert, self.section_kind
        hint_caption, main, block_cls = self.hint_caption, self.main, self.block_cls
        _mark_echoes(mark, folded, start, end)
        section = None
        for k in range(n):
            if not k & 0xFFF:
                deadline.check()
            s = <Segment?>segs[k]
            t = s.text
            w = words[k]
            if start <= k < end:
                label, reason = main, "inside the article region"
                if mark[k] & INLINE:
                    label, reason = "related", "box inside the article (the article resumes after it)"
                elif w <= 12 and not prose[k] and self.byline_bit.holds(s):
                    label, reason = "author", "byline or dateline"
                elif self.g_advert.opens(s) and advert(s, w):
                    label, reason = "advertisement", "advertisement label"
                elif w <= 40 and self.machinery.holds(s):
                    label, reason = "boilerplate", "page machinery (shortcode, script notice)"
                elif w <= 25 and self.newsletter.holds(s):
                    label, reason = "newsletter", "subscribe/newsletter cue"
                elif s.tag == "figcaption" or (s.hints and hint_caption(s.hints)):
                    label, reason = "caption", "figure caption (DOM)"
                elif w <= 60 and self.credit_end.holds(s):
                    label, reason = "caption", "caption ending in a credit"
                elif not html and w <= 50 and k + 1 < n and words[k + 1] <= 5 and self.photo_credit.holds(segs[k + 1]):
                    label, reason = "caption", "caption: the line before a photo credit"
                elif not prose[k] and w <= 40 and self.caption.holds(s):
                    label, reason = "caption", "caption/credit cue"
                elif not prose[k] and w <= 40 and html and scores[k] < -4 and s.link_chars > 0.5 * len(t):
                    label, reason = "navigation", "link block inside the article"
                elif is_template[k]:
                    label, reason = "boilerplate", "site template (seen across stories)"
                elif mark[k] & ECHO and 6 <= w <= 60:
                    label, reason = "boilerplate", "repeats the block just before (a caption or headline shown twice)"
            else:
                after = k >= end
                if after and strong[k]:
                    section = section_kind(s)
                if after and (comment_dates[k] or (self.g_comment_cue.opens(s) and self.comment_cue.holds(s))):
                    section = "comments"
                if after and k + 1 < n and comment_dates[k + 1] and w <= 6:
                    section = "comments"
                if mark[k] & TEASER or (after and mark[k] & REPEAT):
                    label, reason = "related", "teaser card (repeated headline / keep-reading cue)"
                elif mark[k] & TEASER_LIST:
                    label, reason = "related", "teaser list (headline and dek pairs)"
                elif title is not None and k == title:
                    label, reason = "title", "headline before the article"
                elif is_template[k]:
                    label, reason = "boilerplate", "site template (seen across stories)"
                elif not after and prose[k]:
                    label, reason = "boilerplate", "prose before the article (standfirst or teaser)"
                elif comment_dates[k] or (after and section) or s.hints or self.kind_gate(s):
                    label, reason = self.kind_of(s, w, after, section if after else None, comment_dates[k])
                elif after:
                    label, reason = ("related", "prose after the article end") if w >= 12 else \
                        ("boilerplate", "after the article end")
                else:
                    label, reason = "navigation", "before the article start"
                if k == end and cut_reason is not None:
                    reason = f"end-of-article boundary: {cut_reason[:40]!r}"
            blocks[k] = _new_tuple5(block_cls, t, label, reason, s.tag, s.para)
            if label == main:
                main_parts.append(t)
        return blocks, "\n\n".join(main_parts)


cdef int _set_bits(unsigned char *mark, Py_ssize_t n, set indices, unsigned char bit) except -1:
    cdef Py_ssize_t i
    for i in indices:
        if 0 <= i < n:
            mark[i] |= bit
    return 0


cdef Py_ssize_t _first_equal(list keys, str key, Py_ssize_t lo, Py_ssize_t hi) except -2:
    """The first index in [lo, hi) whose key is ``key``, or -1."""
    cdef Py_ssize_t j
    for j in range(lo, hi):
        if _same_text(keys[j], key):
            return j
    return -1


cdef int _mark_echoes(unsigned char *mark, list folded, Py_ssize_t start, Py_ssize_t end) except -1:
    """ECHO on the second of two blocks in [start, end) with one text, at most 4 apart. The
    Python lists the indices of every text; here a block's text is looked for in the 4
    before it (lengths first), which settles most blocks, and the texts of the range are
    counted only once one is found there (then it is an echo if the text occurs twice)."""
    cdef Py_ssize_t k
    cdef dict counts = None
    cdef str key
    for k in range(start, end):
        key = folded[k]
        if _first_equal(folded, key, max(start, k - 4), k) < 0:
            continue
        if counts is None:
            counts = {}
            for key2 in folded[start:end]:
                counts[key2] = counts.get(key2, 0) + 1
        if counts[key] == 2:
            mark[k] |= ECHO
    return 0


cdef object _new_tuple5(type cls, str a, str b, str c, str d, int e):
    """``cls(a, b, c, d, e)`` for a named tuple ``cls``, made as ``tuple.__new__`` makes it,
    and left out of the garbage collector's lists (it holds only strings and a number,
    so it is in no cycle: the collector would untrack it at its first pass)."""
    obj = PyType_GenericAlloc(cls, 5)
    number = e
    _set_item(obj, 0, a)
    _set_item(obj, 1, b)
    _set_item(obj, 2, c)
    _set_item(obj, 3, d)
    _set_item(obj, 4, number)
    PyObject_GC_UnTrack(<void *>obj)
    return obj


cdef inline void _set_item(object tup, Py_ssize_t i, object x):
    Py_INCREF(x)  # PyTuple_SET_ITEM takes this reference over
    PyTuple_SET_ITEM(tup, i, x)


cdef void _close_teasers(set out, list run, list prose, Py_ssize_t pairs, Py_ssize_t titled):
    cdef Py_ssize_t last = -1
    if pairs >= 4 or (pairs >= 3 and titled == pairs):
        for i in run:
            if prose[i] and i > last:
                last = i
        for i in run:
            if i <= last:
                out.add(i)
