# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native kernels of the per-line and per-character work of cleaning a page.

Each function here does exactly what a pure-Python function of the package does
(named in its docstring), character by character in C instead of one ``str`` or
``re`` call per line or block. The Python functions stay the reference: they run
where this module was not compiled, and tests check that both give the same
results. Regular expressions and tables are passed in from the Python modules,
which keep the only copy of each rule.
"""
cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND
    Py_UCS4 Py_UNICODE_TOLOWER(Py_UCS4 ch)

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc

from cpython.unicode cimport (PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, PyUnicode_Substring, Py_UNICODE_ISALNUM,
                               Py_UNICODE_ISALPHA, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISLOWER, Py_UNICODE_ISSPACE,
                               Py_UNICODE_ISUPPER)

cdef extern from *:
    int __builtin_ctzll(unsigned long long)

# --------------------------------------------------------------------------- segmentation

cdef bint _in(Py_UCS4 c, str chars) noexcept:
    cdef Py_UCS4 x
    for x in chars:
        if x == c:
            return True
    return False


cdef str _squash(str line):
    """``" ".join(line.split())``, without building anything for a line that is already so."""
    cdef Py_ssize_t n = len(line), i
    cdef Py_UCS4 c
    cdef bint prev_space = True
    if n == 0:
        return line
    for i in range(n):
        c = line[i]
        if Py_UNICODE_ISSPACE(c):
            if c != 32 or prev_space:
                return " ".join(line.split())
            prev_space = True
        else:
            prev_space = False
    if prev_space:
        return " ".join(line.split())
    return line


@cython.final
cdef class SegmentRules:
    """The rules of :func:`dedupe.segment.segment_text`, as the Python module defines them."""

    cdef str terminal, opens, joins_left, joins_right
    cdef object standalone, lower_start, without_site_name
    cdef Py_ssize_t standalone_max
    cdef bint lower_first_latin[256]  # the characters that start a continuation, below U+0100
    cdef str lower_first_other  # and the others

    def __init__(self, *, terminal, opens, joins_left, joins_right, standalone, standalone_max, lower_start,
                 lower_first, without_site_name):
        self.terminal, self.opens, self.joins_left, self.joins_right = terminal, opens, joins_left, joins_right
        self.standalone, self.standalone_max, self.lower_start = standalone, standalone_max, lower_start
        self.without_site_name = without_site_name
        cdef int i
        for i in range(256):
            self.lower_first_latin[i] = chr(i) in lower_first
        self.lower_first_other = "".join(sorted(c for c in lower_first if ord(c) >= 256))

    cdef bint continues(self, str prev, str nxt):
        """``segment._continues``: lines come squashed (single spaces, no others)."""
        cdef Py_UCS4 p = prev[len(prev) - 1]
        cdef Py_UCS4 c = nxt[0]
        cdef Py_UCS4 ch
        cdef Py_ssize_t ntok = 0, caps = 0
        cdef bint at_start = True
        if _in(p, self.opens):
            return True
        if _in(p, self.terminal) or (len(prev) <= self.standalone_max and self.standalone.match(prev) is not None):
            return False
        if (c < 256 and self.lower_first_latin[c]) or (c >= 256 and _in(c, self.lower_first_other)):
            return True
        if (c == u'"' or Py_UNICODE_ISDECIMAL(c) or Py_UNICODE_ISSPACE(c)) and self.lower_start.match(nxt) is not None:
            return True
        if not (Py_UNICODE_ISALPHA(p) and Py_UNICODE_ISLOWER(p)) and p != u',':
            return False
        for ch in prev:
            if ch == u' ':
                at_start = True
            elif at_start:
                at_start = False
                ntok += 1
                if Py_UNICODE_ISUPPER(ch):
                    caps += 1
        if ntok <= 2:
            return True
        return ntok >= 6 and 2 * caps < ntok

    cdef bint tight(self, str a, str b) noexcept:
        """``segment._join`` adds no space between ``a`` and ``b``."""
        return _in(b[0], self.joins_right) or _in(a[len(a) - 1], self.joins_left)

    def segment(self, str raw, segment_cls, deadline):
        """:func:`dedupe.segment.segment_text`."""
        cdef list segs = []
        cdef list parts = []  # the open segment's lines and the spaces between them
        cdef Py_ssize_t para = 0, text_para = 0, n = 0
        cdef bint prev_blank = True, started = False
        cdef str line, s, last = "", title = "", headline = ""
        for line in raw.splitlines():
            if not n & 0xFFF:
                deadline.check(len(segs))
            n += 1
            s = _squash(line)
            if not s:
                prev_blank = True
                if parts:
                    segs.append(segment_cls("".join(parts), text_para))
                    parts = []
                continue
            if prev_blank and started:
                para += 1
            prev_blank = False
            if not started:
                title = s
                headline = self.without_site_name(s)
            if parts and self.continues(last, s) and not (s == title or s == headline or last == title
                                                          or last == headline):
                if not self.tight(last, s):
                    parts.append(" ")
                parts.append(s)
                last = s
                continue
            if parts:
                segs.append(segment_cls("".join(parts), text_para))
            parts = [s]
            last, text_para, started = s, para, True
        if parts:
            segs.append(segment_cls("".join(parts), text_para))
        return segs


# --------------------------------------------------------------------------- per-block counts

DEF WORD = 1
DEF SPACE = 2
DEF CAP = 4
DEF CJK = 8
DEF DIGIT = 16


cdef inline unsigned char _flags_of(Py_UCS4 c, const unsigned char *table) noexcept:
    if c < 0x10000:
        return table[c]
    # outside the BMP: no capital or CJK range there (textstats._flags)
    return ((WORD if (Py_UNICODE_ISALNUM(c) or c == u'_') else 0) | (SPACE if Py_UNICODE_ISSPACE(c) else 0)
            | (DIGIT if Py_UNICODE_ISDECIMAL(c) else 0))


def count_blocks(list texts, const unsigned char[:] table):
    """:func:`dedupe.textstats.block_counts` of blocks without line breaks: words, tokens,
    capitalised tokens and digits per block (``table``: textstats' flags per BMP code point)."""
    cdef Py_ssize_t n = len(texts), k
    cdef list words = [0] * n, tokens = [0] * n, caps = [0] * n, digits = [0] * n
    cdef str t
    cdef Py_UCS4 c
    cdef unsigned char f
    cdef bint prev_word, prev_space
    cdef long w, tk, cp, cj, dg
    cdef const unsigned char *tab = &table[0]
    for k in range(n):
        t = texts[k]
        w = tk = cp = cj = dg = 0
        prev_word, prev_space = False, True  # each block follows a newline
        for c in t:
            f = _flags_of(c, tab)
            if f & WORD:
                if not prev_word:
                    w += 1
                prev_word = True
            else:
                prev_word = False
            if f & SPACE:
                prev_space = True
            else:
                if prev_space:
                    tk += 1
                    if f & CAP:
                        cp += 1
                prev_space = False
            if f & CJK:
                cj += 1
            if f & DIGIT:
                dg += 1
        if cj and <long>(cj / 1.7) > w:
            w = <long>(cj / 1.7)
        words[k], tokens[k], caps[k], digits[k] = w, tk, cp, dg
    return words, tokens, caps, digits


# --------------------------------------------------------------------------- cue gates

DEF MAX_LITERALS = 64
DEF MAX_LITERAL_CHARS = 1024


@cython.final
cdef class LiteralGates:
    """The literal phrases of :mod:`dedupe.cues`' gates (one flag bit per group) and the
    first-word scan: :func:`dedupe.cues.mark`, given the blocks' folded texts."""

    cdef Py_ssize_t count
    cdef Py_UCS4 chars[MAX_LITERAL_CHARS]  # the phrases, one after another
    cdef Py_ssize_t start[MAX_LITERALS]
    cdef Py_ssize_t length[MAX_LITERALS]
    cdef int bit[MAX_LITERALS]
    cdef unsigned long long ascii_first[128]  # an ASCII first character -> its phrases (bit i: phrase i)
    cdef Py_ssize_t other[MAX_LITERALS]  # the phrases whose first character is not ASCII
    cdef Py_ssize_t other_count
    cdef object table_owner  # keeps ``table`` alive
    cdef const unsigned char *table
    cdef object fold_case
    cdef Folds folds

    def __init__(self, groups, const unsigned char[:] table, fold_case, case_fold, fold_by_python):
        cdef Py_ssize_t i, used = 0
        self.fold_case = fold_case
        self.folds = Folds(case_fold, fold_by_python)
        phrases = [(lit, bit) for bit, lits in groups for lit in lits]
        if len(phrases) > MAX_LITERALS or sum(len(p) for p, _ in phrases) > MAX_LITERAL_CHARS:
            raise ValueError(f"too many literal phrases for the native gates: {len(phrases)}")
        for i in range(128):
            self.ascii_first[i] = 0
        self.count = len(phrases)
        for i, (lit, bit) in enumerate(phrases):
            if not lit:
                raise ValueError("an empty literal phrase")
            self.start[i], self.length[i], self.bit[i] = used, len(lit), bit
            for c in lit:
                self.chars[used] = ord(c)
                used += 1
            if ord(lit[0]) < 128:
                self.ascii_first[ord(lit[0])] |= 1ULL << i
            else:
                self.other[self.other_count] = i
                self.other_count += 1
        self.table_owner = table
        self.table = &table[0]

    cdef int flags_of(self, str low) noexcept:
        """The groups whose phrases ``low`` holds."""
        cdef Py_ssize_t n = len(low), i, j, idx
        cdef unsigned int kind = PyUnicode_KIND(low)
        cdef void *data = PyUnicode_DATA(low)
        cdef unsigned long long cand
        cdef int found = 0
        cdef Py_UCS4 c
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if c < 128:
                cand = self.ascii_first[c]
                while cand:
                    idx = __builtin_ctzll(cand)
                    cand &= cand - 1
                    if not found & self.bit[idx] and self._at(kind, data, n, i, idx):
                        found |= self.bit[idx]
            else:
                for j in range(self.other_count):
                    idx = self.other[j]
                    if self.chars[self.start[idx]] == c and not found & self.bit[idx] \
                            and self._at(kind, data, n, i, idx):
                        found |= self.bit[idx]
        return found

    cdef inline bint _at(self, unsigned int kind, void *data, Py_ssize_t n, Py_ssize_t i, Py_ssize_t idx) noexcept:
        cdef Py_ssize_t m = self.length[idx], j, s0 = self.start[idx]
        if i + m > n:
            return False
        for j in range(1, m):
            if PyUnicode_READ(kind, data, i + j) != self.chars[s0 + j]:
                return False
        return True

    def mark(self, list segs):
        """Set each segment's ``low`` (its text folded as ``fold_case`` does), ``first``
        (the first run of word characters there) and ``flags``. Returns False, and sets
        nothing, when a segment's text holds a line break."""
        cdef Py_ssize_t k, i, j, n
        cdef str low
        cdef unsigned int kind
        cdef void *data
        cdef list lows = []
        for seg in segs:
            low = self.folds.fold(seg.text, self.fold_case)
            if low is None:
                return False
            lows.append(low)
        for k in range(len(segs)):
            low = lows[k]
            n = len(low)
            kind, data = PyUnicode_KIND(low), PyUnicode_DATA(low)
            i = 0
            while i < n and not (_flags_of(PyUnicode_READ(kind, data, i), self.table) & WORD):
                i += 1
            j = i
            while j < n and _flags_of(PyUnicode_READ(kind, data, j), self.table) & WORD:
                j += 1
            seg = segs[k]
            seg.low = low
            seg.first = PyUnicode_Substring(low, i, j)
            seg.flags = self.flags_of(low)
        return True


DEF MAX_FOLDS = 16


@cython.final
cdef class Folds:
    """What :func:`dedupe.segment.fold_case` adds to ``str.lower``: ``case_fold``, a
    ``str.maketrans`` table applied after it, and ``fold_by_python``, characters whose
    folding is left to fold_case itself (lower case that depends on context or is
    longer than one character, as final sigma and dotted capital I, and characters
    fold_case treats with their neighbours)."""

    cdef Py_ssize_t count
    cdef Py_UCS4 src[MAX_FOLDS]
    cdef Py_UCS4 dst[MAX_FOLDS]
    cdef str by_python

    def __init__(self, case_fold, str fold_by_python):
        if len(case_fold) > MAX_FOLDS:
            raise ValueError(f"at most {MAX_FOLDS} case folds")
        for a, b in sorted(case_fold.items()):
            if isinstance(b, str) and len(b) == 1:
                b = ord(b)
            if not isinstance(b, int):
                raise ValueError("a case fold maps a character to one character")
            self.src[self.count], self.dst[self.count] = a, b
            self.count += 1
        self.by_python = fold_by_python

    cdef str fold(self, str t, fold_case):
        """``fold_case(t)``, or None when ``t`` holds a line break."""
        cdef Py_ssize_t n = len(t), i, j
        cdef unsigned int kind = PyUnicode_KIND(t)
        cdef void *data = PyUnicode_DATA(t)
        cdef Py_UCS4 c, maxchar = 0
        cdef bint special = False
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if c == 10:
                return None
            if c > maxchar:
                maxchar = c
            if c >= 128 and _in(c, self.by_python):
                special = True
        if special:
            return fold_case(t)
        if maxchar < 128:
            return t.lower()
        # folded into a UCS-4 buffer: the result's widest character is known only then,
        # and a str must be made at its narrowest kind to compare equal to others
        cdef Py_UCS4 *buf = <Py_UCS4 *>PyMem_Malloc(n * sizeof(Py_UCS4))
        if buf == NULL:
            raise MemoryError()
        try:
            for i in range(n):
                c = PyUnicode_READ(kind, data, i)
                if c < 128:
                    if 65 <= c <= 90:
                        c = <Py_UCS4>(<unsigned int>c | 0x20)
                else:
                    c = Py_UNICODE_TOLOWER(c)
                    for j in range(self.count):
                        if self.src[j] == c:
                            c = self.dst[j]
                            break
                buf[i] = c
            return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n)
        finally:
            PyMem_Free(buf)


# --------------------------------------------------------------------------- prose and scores (text)

@cython.final
cdef class ProseRules:
    """The prose test and block score of :mod:`dedupe.boilerplate` for text pages
    (``_is_prose``, ``_is_fragment`` and ``_score`` without the HTML terms)."""

    cdef str prose_end, closers, sentence_end, fragment_other
    cdef bint fragment_latin[256]  # the characters that start a fragment, below U+0100

    def __init__(self, *, prose_end, closers, sentence_end, fragment_first):
        cdef int i
        self.prose_end, self.closers, self.sentence_end = prose_end, closers, sentence_end
        for i in range(256):
            self.fragment_latin[i] = chr(i) in fragment_first
        self.fragment_other = "".join(sorted(c for c in fragment_first if ord(c) >= 256))

    cdef bint ends_prose(self, str t) noexcept:
        """``_ends_prose``: after white space and closing quotes or brackets, a sentence or clause mark."""
        cdef Py_ssize_t i = len(t) - 1
        while i >= 0 and Py_UNICODE_ISSPACE(t[i]):
            i -= 1
        while i >= 0 and _in(t[i], self.closers):
            i -= 1
        return i >= 0 and _in(t[i], self.prose_end)

    cdef Py_ssize_t sentence_ends(self, str t) noexcept:
        """``len(_SENT_END.findall(t))``: a sentence mark, closers, then white space or the end."""
        cdef Py_ssize_t n = len(t), i = 0, j, count = 0
        while i < n:
            if _in(t[i], self.sentence_end):
                j = i + 1
                while j < n and _in(t[j], self.closers):
                    j += 1
                if j == n or Py_UNICODE_ISSPACE(t[j]):
                    count += 1
                i = j
            else:
                i += 1
        return count

    cdef bint is_prose(self, str t, long w, long caps, long tokens) noexcept:
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

    cdef bint is_fragment(self, str t, long w, long caps, long tokens) noexcept:
        if not t:
            return False
        cdef Py_UCS4 first = t[0], last = t[len(t) - 1]
        if (first < 256 and self.fragment_latin[first]) or (first >= 256 and _in(first, self.fragment_other)):
            return w >= 2
        if w < 6 or not (last == u',' or Py_UNICODE_ISLOWER(last)):
            return False
        return caps / <double>tokens < 0.4

    def text_scores(self, list segs, list words, list caps, list tokens):
        """Each block's prose flag and score, as ``_page_facts`` makes them for a text page."""
        cdef Py_ssize_t n = len(segs), k
        cdef list prose = [False] * n, scores = [0.0] * n
        cdef long w, c, tk
        cdef bint p
        cdef double s
        cdef str t
        for k in range(n):
            t = segs[k].text
            w, c, tk = words[k], caps[k], tokens[k]
            p = self.is_prose(t, w, c, tk)
            if p:
                s = <double>w if w >= 20 else 0.6 * w
            elif w >= 25 and not segs[k].in_list:
                s = 0.3 * w
            elif self.is_fragment(t, w, c, tk):
                s = 0.1
            else:
                s = -(2.0 + 0.3 * (w if w < 20 else 20))
            prose[k], scores[k] = p, s
        return prose, scores
