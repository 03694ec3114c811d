# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native region phases of text pages (:mod:`dedupe.boilerplate`): the body region, its cut
at a boundary, teaser cards and trimmed edges."""
cimport cython

from .chars cimport _same_text
from .gates cimport CueSet
from .segment cimport Segment


@cython.final
cdef class Regions(CueSet):
    """``_body_region``, ``_cut_at_boundary`` and ``_teaser_cards`` of any page, and
    ``_trim_edges`` of a text page (no DOM container, no HTML weights)."""

    cdef double weak_region

    def __init__(self, cues, *, weak_region):
        CueSet.__init__(self, cues)
        self.weak_region = weak_region

    def body_region(self, list scores, list words, list comment_dates, list strong):
        """``_body_region``."""
        cdef Py_ssize_t n = len(scores), start, end, a, b, k, prev = -1, thread = -1
        cdef double mass, before
        start, end = _max_run(scores, n)
        for k in range(n):  # the first of two comment lines at most 40 blocks apart
            if words[k] <= 12 and comment_dates[k]:
                if prev >= 0 and k - prev <= 40:
                    thread = prev
                    break
                prev = k
        if thread >= 0 and thread < end:
            a, b = _max_run(scores, thread)
            if b > a and _mass(scores, a, b) >= 30:
                start, end = a, b
        if end <= start:
            start, end = 0, 0
        start, end = _dominant_island(scores, start, end)
        mass = _mass(scores, start, end)
        for k in range(start):
            if strong[k]:
                a, b = _max_run(scores, k)
                before = _mass(scores, a, b)
                if b > a and before >= 30 and before >= 0.5 * mass:
                    return _dominant_island(scores, a, b)
        return start, end

    def cut_at_boundary(self, list segs, list words, list prose, list scores, list strong, list end_cues,
                        list comment_dates, set repeats, list folded, Py_ssize_t start, Py_ssize_t end, bint html):
        """``_cut_at_boundary``."""
        cdef double total = _mass(scores, start, end), acc = 0.0, x
        cdef set inline_widget = set()
        cdef Py_ssize_t k = start, resume
        if total == 0.0:
            total = 1.0
        while k < end:
            if k > start and strong[k] and acc >= 30 and acc < 0.35 * total \
                    and self.card_series(segs, words, prose, folded, k, end):
                return k, segs[k].text, inline_widget
            if k > start and acc >= 0.35 * total and (strong[k] or words[k] <= 12 and (
                    k in repeats or comment_dates[k])):
                if self.about_cue.holds(segs[k]):
                    resume = -1
                else:
                    resume = _resumes_after_widget(words, prose, scores, end_cues, comment_dates, k, end, acc, html)
                if resume < 0:
                    return k, segs[k].text, inline_widget
                inline_widget.update(range(k, resume))
                k = resume
                continue
            x = scores[k]
            if x > 0:
                acc += x
            k += 1
        return end, None, inline_widget

    cdef bint card_series(self, list segs, list words, list prose, list folded, Py_ssize_t cue,
                          Py_ssize_t end) except -1:
        """``_card_series``."""
        cdef dict seen = {}
        cdef Py_ssize_t j, w
        for j in range(cue + 1, min(end, cue + 60)):
            seg = segs[j]
            w = words[j]
            if (not prose[j] and w <= 12 and not (self.g_advert.opens(seg) and self.advert(seg, w))
                    and not self.caption.holds(seg)
                    and not self.credit_end.holds(seg)
                    and not self.end_cue.holds(seg)):
                key = folded[j]
                seen[key] = seen.get(key, 0) + 1
                if seen[key] >= 3:
                    return True
        return False

    def teaser_cards(self, list segs, list words, list prose, Py_ssize_t start, Py_ssize_t end):
        """``_teaser_cards``."""
        cdef set teaser = set()
        cdef list cues = []
        cdef Py_ssize_t k, j, mass, n = len(segs)
        for k in range(start, n):
            if words[k] <= 6 and self.teaser_cue.holds(segs[k]):
                cues.append(k)
        if len(cues) < 2:
            return end, teaser
        for k in cues:
            j, mass = k - 1, 0
            while j >= start and prose[j] and k - j <= 3:
                mass += words[j]
                j -= 1
            if mass > 150 or (j >= start and prose[j]):
                continue
            teaser.update(range(j + 1, k))
            if k <= end + 1 and j > start:
                end = min(end, j + 1)
        return end, teaser

    def trim_edges(self, list segs, list scores, list words, list prose, list strong, list digits,
                   Py_ssize_t start, Py_ssize_t end):
        """``_trim_edges`` of a text page (no container of the article's own short blocks)."""
        cdef Py_ssize_t top
        cdef bint gallery
        while start < end and (scores[start] < 1 or self.caption.holds(segs[start])):
            start += 1
        top = start
        start = _skip_gallery(segs, scores, start, end)
        gallery = start > top
        while end > start:
            seg = segs[end - 1]
            if not (scores[end - 1] < 1 or self.author.holds(seg) or self.caption.holds(seg)
                    or self.disclaimer.holds(seg)):
                break
            end -= 1
        start = _skip_standfirst(scores, start, end)
        if _mass(scores, start, end) < self.weak_region:
            start, end = self.structured_body(segs, words, prose, strong, digits, start, end)
        return start, end, (min(top, start) if gallery else start)

    cdef tuple structured_body(self, list segs, list words, list prose, list strong, list digits, Py_ssize_t start,
                               Py_ssize_t end):
        """``_structured_body`` of a text page."""
        cdef Py_ssize_t n = len(segs), k, j, total, best_words = 0, best_a = start, best_b = end
        cdef list ok = [False] * n
        cdef long w
        for k in range(start, end):
            best_words += <long>words[k]
        for k in range(n):
            seg, w = segs[k], words[k]
            if strong[k] or self.social.holds(seg) \
                    or (self.g_advert.opens(seg) and self.advert(seg, w)) \
                    or self.footer.holds(seg) or self.newsletter.holds(seg):
                ok[k] = False
            else:
                ok[k] = True if (prose[k] or (w <= 30 and digits[k] > 0)) else False
        k = 0
        while k < n:
            if not ok[k]:
                k += 1
                continue
            j, total = k, 0
            while j < n and (ok[j] or (j + 1 < n and ok[j + 1] and not strong[j] and words[j] <= 3)):
                total += <long>words[j]
                j += 1
            if j - k >= 6 and total > best_words:
                best_a, best_b, best_words = k, j, total
            k = j
        return best_a, best_b


cdef double _mass(list scores, Py_ssize_t start, Py_ssize_t end) except? -1.0:
    """``boilerplate._mass``: the positive scores of [start, end), added left to right."""
    cdef double total = 0.0, x
    cdef Py_ssize_t k
    for k in range(start, end):
        x = scores[k]
        if x > 0:
            total += x
    return total


cdef (Py_ssize_t, Py_ssize_t) _max_run(list scores, Py_ssize_t n) except *:
    """``boilerplate._max_run`` of ``scores[:n]``."""
    cdef double best = float("-inf"), cur = 0.0, s
    cdef Py_ssize_t best_i = 0, best_j = 0, cur_i = 0, j
    for j in range(n):
        s = scores[j]
        if cur <= 0:
            cur, cur_i = s, j
        else:
            cur += s
        if cur > best:
            best, best_i, best_j = cur, cur_i, j + 1
    return best_i, best_j


cdef tuple _dominant_island(list scores, Py_ssize_t start, Py_ssize_t end, Py_ssize_t gap=3):
    """``boilerplate._dominant_island``."""
    cdef list spans = []
    cdef Py_ssize_t run = 0, cur_start = start, k, m, lo, hi, best = 0
    cdef list islands = []
    for k in range(start, end):
        if scores[k] <= 0:
            run += 1
            if run == gap:
                spans.append((cur_start, k - gap + 1))
        else:
            if run >= gap:
                cur_start = k
            run = 0
    spans.append((cur_start, end))
    for a, b in spans:
        if b > a:
            islands.append((a, b, _mass(scores, a, b)))
    if len(islands) <= 1:
        return start, end
    for m in range(1, len(islands)):
        if islands[m][2] > islands[best][2]:
            best = m
    lo = hi = best
    while lo > 0 and islands[lo - 1][2] >= 0.25 * islands[best][2]:
        lo -= 1
    while hi < len(islands) - 1 and islands[hi + 1][2] >= 0.25 * islands[best][2]:
        hi += 1
    return islands[lo][0], islands[hi][1]


cdef Py_ssize_t _resumes_after_widget(list words, list prose, list scores, list end_cue, list comment_date,
                                      Py_ssize_t cue, Py_ssize_t end, double before, bint html) except -2:
    """``boilerplate._resumes_after_widget``; -1 for None."""
    cdef Py_ssize_t j, k
    cdef double after, x, need
    for j in range(cue + 1, min(end, cue + (17 if html else 9))):
        if prose[j] and words[j] >= 20:
            after = 0.0
            for k in range(j, end):
                if words[k] <= 12 and ((not html and end_cue[k]) or comment_date[k]):
                    break
                x = scores[k]
                if x > 0:
                    after += x
            need = (0.15 if j - cue <= 2 else 0.3) if html else 0.5
            return j if after >= need * before else -1
    return -1


cdef Py_ssize_t _skip_gallery(list segs, list scores, Py_ssize_t start, Py_ssize_t end) except -1:
    """``boilerplate._skip_gallery``. The Python counts every text of the page first; here the
    first block that scores is looked for elsewhere (lengths first), which settles most
    pages, and the texts are counted only when it is found (a gallery: the counts then
    answer for the blocks after it, as a look at every block each would take quadratic time)."""
    cdef Py_ssize_t k = start
    cdef dict counts = None
    cdef double total
    while k < end:
        if scores[k] >= 1:
            if counts is None:
                if not _elsewhere(segs, k):
                    break
                counts = _text_counts(segs)
            elif counts[(<Segment?>segs[k]).text] <= 1:
                break
        k += 1
    total = _mass(scores, start, end)
    return k if k < end and _mass(scores, k, end) >= 0.3 * total else start


cdef bint _elsewhere(list segs, Py_ssize_t k) except -1:
    """Another block has the text of block ``k``."""
    cdef str t = (<Segment?>segs[k]).text
    cdef Py_ssize_t j
    for j in range(len(segs)):
        if j != k and _same_text((<Segment?>segs[j]).text, t):
            return True
    return False


cdef dict _text_counts(list segs):
    """How many blocks have each text."""
    cdef dict counts = {}
    for seg in segs:
        t = (<Segment?>seg).text
        counts[t] = counts.get(t, 0) + 1
    return counts


cdef Py_ssize_t _skip_standfirst(list scores, Py_ssize_t start, Py_ssize_t end) except -1:
    """``boilerplate._skip_standfirst`` of a text page."""
    cdef double total = _mass(scores, start, end), lead = 0.0
    cdef Py_ssize_t k = start, j
    if total == 0.0:
        total = 1.0
    while k < end and k - start < 2 and scores[k] > 0:
        lead += <double>scores[k]
        k += 1
    if k < end and scores[k] <= 0 and lead <= 30 and lead < 0.12 * total:
        j = k
        while j < end and scores[j] <= 0:
            j += 1
        if j < end:
            return j
    return start

