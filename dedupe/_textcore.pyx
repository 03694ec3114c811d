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
from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM

cdef extern from "Python.h":
    PyObject *PyType_GenericAlloc(type cls, Py_ssize_t nitems)
    void PyObject_GC_UnTrack(void *op)

from cpython.unicode cimport (PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, PyUnicode_Substring, Py_UNICODE_ISALNUM,
                               Py_UNICODE_ISALPHA, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISLINEBREAK, Py_UNICODE_ISLOWER,
                               Py_UNICODE_ISSPACE, Py_UNICODE_ISUPPER)

cdef extern from *:
    int __builtin_ctzll(unsigned long long)

# --------------------------------------------------------------------------- segmentation

cdef bint _in(Py_UCS4 c, str chars) noexcept:
    cdef Py_UCS4 x
    for x in chars:
        if x == c:
            return True
    return False


DEF MAX_OTHER = 24

ctypedef struct CharSet:
    unsigned long long ascii[2]  # bit c of the ASCII characters in the set
    Py_UCS4 other[MAX_OTHER]  # and the others
    int n_other


cdef CharSet _charset(str chars) except *:
    cdef CharSet cs
    cdef Py_UCS4 c
    cdef unsigned int u
    cs.ascii[0] = cs.ascii[1] = 0
    cs.n_other = 0
    for c in chars:
        u = c
        if u < 128:
            cs.ascii[u >> 6] |= 1ULL << (u & 63)
        elif not _in_set(&cs, c):
            if cs.n_other == MAX_OTHER:
                raise ValueError(f"at most {MAX_OTHER} non-ASCII characters in a character set")
            cs.other[cs.n_other] = c
            cs.n_other += 1
    return cs


cdef inline bint _in_set(const CharSet *cs, Py_UCS4 c) noexcept:
    cdef int i
    cdef unsigned int u = c
    if u < 128:
        return (cs.ascii[u >> 6] >> (u & 63)) & 1
    for i in range(cs.n_other):
        if cs.other[i] == c:
            return True
    return False


cdef inline bint _line_break(Py_UCS4 c) noexcept:
    """What ``str.splitlines`` splits at."""
    if c < 128:
        return c == 10 or c == 13 or c == 11 or c == 12 or 28 <= c <= 30
    return Py_UNICODE_ISLINEBREAK(c)


cdef Py_ssize_t _line_end(unsigned int kind, void *data, Py_ssize_t a, Py_ssize_t size, bint *squashed) noexcept:
    """Where the line that starts at ``a`` ends, and whether it is already as
    ``" ".join(line.split())`` makes it (single spaces between words, none around)."""
    cdef Py_ssize_t b = a
    cdef Py_UCS4 c
    cdef bint prev_space = True, ok = True
    while b < size:
        c = PyUnicode_READ(kind, data, b)
        if c == 32:
            if prev_space:
                ok = False
            prev_space = True
        elif c < 128 and c > 32:
            prev_space = False
        elif _line_break(c):
            break
        elif Py_UNICODE_ISSPACE(c):
            ok, prev_space = False, True
        else:
            prev_space = False
        b += 1
    squashed[0] = ok and not (prev_space and b > a)
    return b


@cython.final
cdef class SegmentRules:
    """The rules of :func:`dedupe.segment.segment_text`, as the Python module defines them."""

    cdef CharSet terminal, opens, joins_left, joins_right
    cdef object standalone, lower_start, without_site_name
    cdef Py_ssize_t standalone_max
    cdef bint lower_first_latin[256]  # the characters that start a continuation, below U+0100
    cdef str lower_first_other  # and the others

    def __init__(self, *, terminal, opens, joins_left, joins_right, standalone, standalone_max, lower_start,
                 lower_first, without_site_name):
        self.terminal, self.opens = _charset(terminal), _charset(opens)
        self.joins_left, self.joins_right = _charset(joins_left), _charset(joins_right)
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
        if _in_set(&self.opens, p):
            return True
        if _in_set(&self.terminal, p) or (len(prev) <= self.standalone_max and self.standalone.match(prev) is not None):
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
        return _in_set(&self.joins_right, b[0]) or _in_set(&self.joins_left, a[len(a) - 1])

    def segment(self, str raw, segment_cls, deadline):
        """:func:`dedupe.segment.segment_text`."""
        cdef list segs = []
        cdef list parts = []  # the open segment's lines and the spaces between them (one list: fewer for the GC)
        cdef Py_ssize_t para = 0, text_para = 0, n = 0
        cdef bint prev_blank = True, started = False
        cdef str s, last = "", title = "", headline = ""
        cdef Py_ssize_t size = len(raw), a = 0, b = 0
        cdef unsigned int kind = PyUnicode_KIND(raw)
        cdef void *data = PyUnicode_DATA(raw)
        cdef bint squashed
        while a < size:  # the lines of raw.splitlines(), one by one
            b = _line_end(kind, data, a, size, &squashed)
            if squashed:
                s = PyUnicode_Substring(raw, a, b)
            else:
                s = " ".join(PyUnicode_Substring(raw, a, b).split())
            a = b + 1
            if b + 1 < size and PyUnicode_READ(kind, data, b) == 13 and PyUnicode_READ(kind, data, b + 1) == 10:
                a += 1  # \r\n is one break
            if not n & 0xFFF:
                deadline.check(len(segs))
            n += 1
            if not s:
                prev_blank = True
                if parts:
                    segs.append(segment_cls("".join(parts), text_para))
                    del parts[:]
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
                del parts[:]
            parts.append(s)
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


#: the flag bits of textstats, which checks that they agree
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


cdef inline unsigned char _unicode_flags(Py_UCS4 c) noexcept:
    """``textstats._flags``: as ``re`` classes the character (no capital or CJK ranges)."""
    return ((WORD if (Py_UNICODE_ISALNUM(c) or c == u'_') else 0) | (SPACE if Py_UNICODE_ISSPACE(c) else 0)
            | (DIGIT if Py_UNICODE_ISDECIMAL(c) else 0))


cdef inline unsigned char _flags_of(Py_UCS4 c, const unsigned char *table) noexcept:
    if c < 0x10000:
        return table[c]
    return _unicode_flags(c)  # outside the BMP: no capital or CJK range there


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

cdef extern from "Python.h":
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2

ctypedef fused uchar:  # the three kinds of str data
    Py_UCS1
    Py_UCS2
    Py_UCS4

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
    cdef unsigned long long ascii_second[128]  # an ASCII second character -> its phrases
    cdef unsigned long long other_second  # the phrases whose second character is not ASCII
    cdef unsigned long long single[128]  # the phrases of one (ASCII) character
    cdef unsigned long long group_of[MAX_LITERALS]  # a phrase -> the phrases of its group
    cdef Py_ssize_t other[MAX_LITERALS]  # the phrases whose first character is not ASCII
    cdef Py_ssize_t other_count
    cdef object table_owner  # keeps ``table`` alive
    cdef const unsigned char *table
    cdef object fold_case
    cdef Folds folds

    def __init__(self, groups, const unsigned char[:] table, fold_case, case_fold, fold_by_python):
        cdef Py_ssize_t i, j, used = 0
        self.fold_case = fold_case
        self.folds = Folds(case_fold, fold_by_python)
        phrases = [(lit, bit) for bit, lits in groups for lit in lits]
        if len(phrases) > MAX_LITERALS or sum(len(p) for p, _ in phrases) > MAX_LITERAL_CHARS:
            raise ValueError(f"too many literal phrases for the native gates: {len(phrases)}")
        for i in range(128):
            self.ascii_first[i] = self.ascii_second[i] = self.single[i] = 0
        self.other_second = 0
        self.count = len(phrases)
        for i, (lit, bit) in enumerate(phrases):
            if not lit:
                raise ValueError("an empty literal phrase")
            self.start[i], self.length[i], self.bit[i] = used, len(lit), bit
            for c in lit:
                self.chars[used] = ord(c)
                used += 1
            self.group_of[i] = 0
            for j, (_, other_bit) in enumerate(phrases):
                if other_bit == bit:
                    self.group_of[i] |= 1ULL << j
            if ord(lit[0]) < 128 and len(lit) == 1:
                self.single[ord(lit[0])] |= 1ULL << i
            elif ord(lit[0]) < 128:
                self.ascii_first[ord(lit[0])] |= 1ULL << i
                if ord(lit[1]) < 128:
                    self.ascii_second[ord(lit[1])] |= 1ULL << i
                else:
                    self.other_second |= 1ULL << i
            else:
                self.other[self.other_count] = i
                self.other_count += 1
        self.table_owner = table
        self.table = &table[0]

    cdef int flags_of(self, str low) noexcept:
        """The groups whose phrases ``low`` holds."""
        cdef unsigned int kind = PyUnicode_KIND(low)
        cdef void *data = PyUnicode_DATA(low)
        if kind == 1:
            return _literal_flags(self, <const Py_UCS1 *>data, len(low))
        if kind == 2:
            return _literal_flags(self, <const Py_UCS2 *>data, len(low))
        return _literal_flags(self, <const Py_UCS4 *>data, len(low))

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
cdef int _literal_flags(LiteralGates g, const uchar *data, Py_ssize_t n) noexcept:
    """:meth:`LiteralGates.flags_of` over one kind of string data."""
    cdef Py_ssize_t i, j, idx
    cdef unsigned long long cand, done = 0  # the phrases of the groups found
    cdef int found = 0
    cdef Py_UCS4 c, c2
    for i in range(n):
        c = data[i]
        if c < 128:
            cand = g.single[c] & ~done
            while cand:
                idx = __builtin_ctzll(cand)
                cand &= cand - 1
                found |= g.bit[idx]
                done |= g.group_of[idx]
            cand = g.ascii_first[c] & ~done
            if not cand or i + 1 >= n:
                continue
            c2 = data[i + 1]  # a first filter: the first two characters
            cand &= g.ascii_second[c2] if c2 < 128 else g.other_second
            while cand:
                idx = __builtin_ctzll(cand)
                cand &= cand - 1
                if not found & g.bit[idx] and _literal_at(g, data, n, i, idx):
                    found |= g.bit[idx]
                    done |= g.group_of[idx]
        else:
            for j in range(g.other_count):
                idx = g.other[j]
                if g.chars[g.start[idx]] == c and not found & g.bit[idx] and _literal_at(g, data, n, i, idx):
                    found |= g.bit[idx]
    return found


cdef inline bint _literal_at(LiteralGates g, const uchar *data, Py_ssize_t n, Py_ssize_t i,
                             Py_ssize_t idx) noexcept:
    """Phrase ``idx`` starts at ``i`` (its first character is known to)."""
    cdef Py_ssize_t m = g.length[idx], j, s0 = g.start[idx]
    if i + m > n:
        return False
    for j in range(1, m):
        if data[i + j] != g.chars[s0 + j]:
            return False
    return True


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

    cdef CharSet prose_end, closers, sentence_end
    cdef object fragment_start
    cdef bint fragment_latin[256]  # fragment_start's answer for the characters below U+0100

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


# --------------------------------------------------------------------------- text page facts and labels

# what _label_blocks asks of a block's index: its bits in a per-page byte array
DEF INLINE = 1
DEF TEASER = 2
DEF REPEAT = 4
DEF TEASER_LIST = 8
DEF ECHO = 16

@cython.final
cdef class TextPage:
    """The block-by-block phases of :func:`dedupe.boilerplate.classify` for text pages
    (``_page_facts`` after the scores, ``_repeated_headlines``, ``_teaser_lists`` and
    ``_label_blocks``), with the cue functions of :mod:`dedupe.cues` called as they are
    there, in the same order, and only where the Python code calls them."""

    cdef ProseRules prose_rules
    cdef object cues  # a namespace of the cue functions
    cdef object block_cls, hint_caption, hint_kind, main
    cdef Py_ssize_t window
    cdef frozenset end_first, kind_first
    cdef int kind_flags
    cdef dict gates  # cue name -> (first words, flag bits, digits), cues.CUE_GATES
    # the kind cues in _kind_cue's order, each with its gate
    cdef object advert, caption, credit_end, comment_cue, newsletter, footer, social, author, disclaimer
    cdef CueGate g_advert, g_caption, g_credit_end, g_comment_cue, g_newsletter, g_footer, g_social, g_author, \
        g_disclaimer, g_about, g_teaser
    cdef object about_cue, teaser_cue, end_cue
    cdef double weak_region

    def __init__(self, ProseRules prose_rules, cues, *, block_cls, hint_caption, hint_kind, main, window,
                 weak_region):
        self.prose_rules, self.cues = prose_rules, cues
        self.block_cls, self.hint_caption, self.hint_kind, self.main = block_cls, hint_caption, hint_kind, main
        self.window = window
        # the gates of cues.end_cues_of and cues.names_a_kind
        self.end_first, self.kind_first, self.kind_flags = cues._END_OR_ABOUT_FIRST, cues._KIND_FIRST, cues._KIND_FLAGS
        self.advert, self.caption, self.credit_end = cues.advert, cues.caption, cues.credit_end
        self.comment_cue, self.newsletter, self.footer = cues.comment_cue, cues.newsletter, cues.footer
        self.social, self.author, self.disclaimer = cues.social, cues.author, cues.disclaimer
        g = {name: CueGate(*gate) for name, gate in cues.CUE_GATES.items()}
        self.g_advert, self.g_caption, self.g_credit_end = g["advert"], g["caption"], g["credit_end"]
        self.g_comment_cue, self.g_newsletter, self.g_footer = g["comment_cue"], g["newsletter"], g["footer"]
        self.g_social, self.g_author, self.g_disclaimer = g["social"], g["author"], g["disclaimer"]
        self.g_about, self.g_teaser = g["about_cue"], g["teaser_cue"]
        self.about_cue, self.teaser_cue, self.end_cue = cues.about_cue, cues.teaser_cue, cues.end_cue
        self.weak_region = weak_region

    cdef object kind_cue(self, seg, long w, bint after_body, bint comment_date):
        """``_kind_cue``: each cue is asked only past its gate."""
        if self.g_advert.opens(seg) and self.advert(seg, w):
            return "advertisement", "advertisement label"
        if self.g_caption.opens(seg) and self.caption(seg):
            return "caption", "caption/credit cue"
        if w <= 60 and self.g_credit_end.opens(seg) and self.credit_end(seg):
            return "caption", "caption ending in a credit"
        if comment_date:
            return "comments", "comment date/author line"
        if self.g_comment_cue.opens(seg) and self.comment_cue(seg):
            return "comments", "comment cue (reply form, comment count)"
        if w <= 40 and self.g_newsletter.opens(seg) and self.newsletter(seg):
            return "newsletter", "subscribe/newsletter cue"
        if w <= 60 and self.g_footer.opens(seg) and self.footer(seg):
            return "footer", "copyright/legal cue"
        if w <= 8 and self.g_social.opens(seg) and self.social(seg):
            return "navigation", "social/share cue"
        if after_body and self.g_author.opens(seg) and self.author(seg):
            return "author", "author bio cue"
        if after_body and self.g_disclaimer.opens(seg) and self.disclaimer(seg):
            return "footer", "disclaimer"
        return None

    cdef bint _first_gate(self, seg, frozenset words) except -1:
        """The block's first word is unknown, one of ``words``, or starts with a digit."""
        first = seg.first
        if first is None:
            return True
        cdef str f = first
        return f in words or (len(f) > 0 and Py_UNICODE_ISDECIMAL(f[0]))

    cdef bint end_gate(self, seg) except -1:
        return self._first_gate(seg, self.end_first)

    cdef bint kind_gate(self, seg) except -1:
        """``cues.names_a_kind``."""
        return self._first_gate(seg, self.kind_first) or (seg.flags & self.kind_flags) != 0

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
        hints = seg.hints
        kind = self.hint_kind(hints) if hints else None
        if kind:
            return kind, f"DOM hint ({kind})"
        if after_body:
            return ("related", "prose after the article end") if w >= 12 else ("boilerplate", "after the article end")
        return "navigation", "before the article start"

    def facts(self, list segs, list words, list digits, list prose, list scores, list is_template):
        """``_page_facts`` of a text page from its end cues on: returns end cues, comment
        dates, strong boundaries, folded texts, repeated headlines and teaser lists, and
        lowers ``scores`` in place."""
        cdef Py_ssize_t n = len(segs), i
        cdef list end_cues = [False] * n, comment_dates = [False] * n, strong = [False] * n, folded = [None] * n
        cdef long w
        cdef bint glued, st
        cues = self.cues
        end_cue, comment_date, glued_cue = cues.end_cue, cues.comment_date, cues.glued_cue
        for i in range(n):
            s = segs[i]
            w = words[i]
            end_cues[i] = self.end_gate(s) and end_cue(s)
            comment_dates[i] = digits[i] > 0 and comment_date(s)
            glued = not prose[i] and 13 <= w <= 60 and glued_cue(s)
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
            s = segs[i]
            if words[i] <= 120 and scores[i] > 0 and ((self.g_footer.opens(s) and self.footer(s))
                                                      or (self.g_disclaimer.opens(s) and self.disclaimer(s))):
                scores[i] = -0.5 * <double>scores[i]
        return end_cues, comment_dates, strong, folded, repeats, teaser_list

    def repeated_headlines(self, list segs, list words, list folded):
        """``_repeated_headlines``."""
        cdef set out = set()
        cdef dict where = _repeated(folded, 0, len(segs))
        cdef Py_ssize_t i, j, n = len(segs)
        embed_credit = self.cues.embed_credit
        for i in range(n):
            if not 5 <= words[i] <= 25:
                continue
            same = where.get(folded[i])
            if same is not None and not embed_credit(segs[i]):
                for j in same:
                    if i < j <= i + self.window:
                        out.add(i)
                        out.add(j)
        return out

    def teaser_lists(self, list segs, list words, list prose):
        """``_teaser_lists``."""
        cdef set out = set()
        cdef list run = []
        cdef Py_ssize_t k = 0, n = len(segs), pairs = 0, titled = 0
        cdef bint tc
        cdef str head, dek
        while k < n - 1:
            head, dek = segs[k].text, segs[k + 1].text
            if (not prose[k] and 3 <= words[k] <= 20 and prose[k + 1] and words[k + 1] <= 60
                    and self.prose_rules.sentence_ends(dek) <= 2):
                tc = self.title_case(head)
                if tc or (words[k] >= 4 and not self.prose_rules.ends_prose(head)):
                    run.append(k)
                    run.append(k + 1)
                    pairs += 1
                    titled += tc
                    k += 2
                    continue
            if run and words[k] <= 3 and not prose[k]:
                run.append(k)
                k += 1
                continue
            _close_teasers(out, run, prose, pairs, titled)
            run, pairs, titled = [], 0, 0
            k += 1
        _close_teasers(out, run, prose, pairs, titled)
        return out

    # -- the region phases of classify (text pages: no DOM container, no HTML weights)

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
                        list comment_dates, set repeats, list folded, Py_ssize_t start, Py_ssize_t end):
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
                if self.g_about.opens(segs[k]) and self.about_cue(segs[k]):
                    resume = -1
                else:
                    resume = _resumes_after_widget(words, prose, scores, end_cues, comment_dates, k, end, acc)
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
                    and not (self.g_caption.opens(seg) and self.caption(seg))
                    and not (self.g_credit_end.opens(seg) and self.credit_end(seg))
                    and not (self.end_gate(seg) and self.end_cue(seg))):
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
            if words[k] <= 6 and self.g_teaser.opens(segs[k]) and self.teaser_cue(segs[k]):
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
        while start < end and (scores[start] < 1 or (self.g_caption.opens(segs[start]) and self.caption(segs[start]))):
            start += 1
        top = start
        start = _skip_gallery(segs, scores, start, end)
        gallery = start > top
        while end > start:
            seg = segs[end - 1]
            if not (scores[end - 1] < 1 or (self.g_author.opens(seg) and self.author(seg))
                    or (self.g_caption.opens(seg) and self.caption(seg))
                    or (self.g_disclaimer.opens(seg) and self.disclaimer(seg))):
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
            if strong[k] or (self.g_social.opens(seg) and self.social(seg)) \
                    or (self.g_advert.opens(seg) and self.advert(seg, w)) \
                    or (self.g_footer.opens(seg) and self.footer(seg)) \
                    or (self.g_newsletter.opens(seg) and self.newsletter(seg)):
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

    def label(self, list segs, list words, list prose, list scores, list strong, list comment_dates, set repeats,
              set teaser_list, list is_template, list folded, Py_ssize_t start, Py_ssize_t end, title, cut_reason,
              set inline_widget, set teaser, deadline):
        """``_label_blocks`` of a text page: every block's label and reason, and the main text."""
        cdef Py_ssize_t n = len(segs), k
        cdef dict where
        cdef list blocks = [], main_parts = []
        cdef long w
        cdef bint after
        cdef str t, label, reason
        # the sets of block indices, as bits per block
        cdef bytearray marks = bytearray(n)
        cdef unsigned char *mark = marks
        _set_bits(mark, n, inline_widget, INLINE)
        _set_bits(mark, n, teaser, TEASER)
        _set_bits(mark, n, repeats, REPEAT)
        _set_bits(mark, n, teaser_list, TEASER_LIST)
        cues = self.cues
        byline_bit, advert, machinery, newsletter = cues.byline_bit, cues.advert, cues.machinery, cues.newsletter
        credit_end, photo_credit, caption = cues.credit_end, cues.photo_credit, cues.caption
        section_kind, comment_cue = cues.section_kind, cues.comment_cue
        hint_caption, main, block_cls = self.hint_caption, self.main, self.block_cls
        where = _repeated(folded, start, end)
        _set_bits(mark, n, {ks[1] for ks in where.values() if len(ks) == 2 and ks[1] - ks[0] <= 4}, ECHO)
        section = None
        for k in range(n):
            if not k & 0xFFF:
                deadline.check()
            s = segs[k]
            t = s.text
            w = words[k]
            if start <= k < end:
                label, reason = main, "inside the article region"
                if mark[k] & INLINE:
                    label, reason = "related", "box inside the article (the article resumes after it)"
                elif w <= 12 and not prose[k] and byline_bit(s):
                    label, reason = "author", "byline or dateline"
                elif self.g_advert.opens(s) and advert(s, w):
                    label, reason = "advertisement", "advertisement label"
                elif w <= 40 and machinery(s):
                    label, reason = "boilerplate", "page machinery (shortcode, script notice)"
                elif w <= 25 and self.g_newsletter.opens(s) and newsletter(s):
                    label, reason = "newsletter", "subscribe/newsletter cue"
                elif s.tag == "figcaption" or (s.hints and hint_caption(s.hints)):
                    label, reason = "caption", "figure caption (DOM)"
                elif w <= 60 and self.g_credit_end.opens(s) and credit_end(s):
                    label, reason = "caption", "caption ending in a credit"
                elif w <= 50 and k + 1 < n and words[k + 1] <= 5 and photo_credit(segs[k + 1]):
                    label, reason = "caption", "caption: the line before a photo credit"
                elif not prose[k] and w <= 40 and self.g_caption.opens(s) and caption(s):
                    label, reason = "caption", "caption/credit cue"
                elif is_template[k]:
                    label, reason = "boilerplate", "site template (seen across stories)"
                elif mark[k] & ECHO and 6 <= w <= 60:
                    label, reason = "boilerplate", "repeats the block just before (a caption or headline shown twice)"
            else:
                after = k >= end
                if after and strong[k]:
                    section = section_kind(t)
                if after and (comment_dates[k] or (self.g_comment_cue.opens(s) and comment_cue(s))):
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
            blocks.append(_new_tuple5(block_cls, t, label, reason, s.tag, s.para))
            if label == main:
                main_parts.append(t)
        return blocks, "\n\n".join(main_parts)


@cython.final
cdef class CueGate:
    """One entry of ``cues.CUE_GATES``: a necessary condition of a cue."""

    cdef frozenset words
    cdef int bits
    cdef bint digits

    def __init__(self, frozenset words, int bits, bint digits):
        self.words, self.bits, self.digits = words, bits, digits

    cdef bint opens(self, seg) except -1:
        first = seg.first
        if first is None or (seg.flags & self.bits) != 0:
            return True
        cdef str f = first
        return f in self.words or (self.digits and len(f) > 0 and Py_UNICODE_ISDECIMAL(f[0]))


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
                                      Py_ssize_t cue, Py_ssize_t end, double before) except -2:
    """``boilerplate._resumes_after_widget`` of a text page; -1 for None."""
    cdef Py_ssize_t j, k
    cdef double after, x
    for j in range(cue + 1, min(end, cue + 9)):
        if prose[j] and words[j] >= 20:
            after = 0.0
            for k in range(j, end):
                if words[k] <= 12 and (end_cue[k] or comment_date[k]):
                    break
                x = scores[k]
                if x > 0:
                    after += x
            return j if after >= 0.5 * before else -1
    return -1


cdef Py_ssize_t _skip_gallery(list segs, list scores, Py_ssize_t start, Py_ssize_t end) except -1:
    """``boilerplate._skip_gallery``."""
    cdef Py_ssize_t k = start
    cdef double total
    while k < end and (_shown_twice(segs, k) or scores[k] < 1):
        k += 1
    total = _mass(scores, start, end)
    return k if k < end and _mass(scores, k, end) >= 0.3 * total else start


cdef bint _shown_twice(list segs, Py_ssize_t k) except -1:
    """Another block of the page has the text of block ``k``."""
    cdef str t = segs[k].text
    cdef Py_ssize_t i
    for i in range(len(segs)):
        if i != k and segs[i].text == t:
            return True
    return False


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


cdef int _set_bits(unsigned char *mark, Py_ssize_t n, set indices, unsigned char bit) except -1:
    cdef Py_ssize_t i
    for i in indices:
        if 0 <= i < n:
            mark[i] |= bit
    return 0


cdef dict _repeated(list keys, Py_ssize_t start, Py_ssize_t end):
    """The indices in [start, end) of each key that occurs there more than once (a list
    only for those: fewer objects for the garbage collector than a list per block)."""
    cdef dict first = {}, where = {}
    cdef Py_ssize_t k
    for k in range(start, end):
        key = keys[k]
        j = first.setdefault(key, k)
        if j != k:
            same = where.get(key)
            if same is None:
                where[key] = [j, k]
            else:
                (<list>same).append(k)
    return where


cdef object _new_tuple5(type cls, str a, str b, str c, str d, int e):
    """``cls(a, b, c, d, e)`` for a named tuple ``cls``, made as ``tuple.__new__`` makes it,
    and left out of the garbage collector's lists (it holds only strings and a number,
    so it is in no cycle: the collector would untrack it at its first pass)."""
    cdef PyObject *obj = PyType_GenericAlloc(cls, 5)
    if obj == NULL:
        raise MemoryError()
    for i, x in enumerate((a, b, c, d, e)):
        Py_INCREF(x)
        PyTuple_SET_ITEM(<object>obj, i, x)
    PyObject_GC_UnTrack(obj)
    return <object>obj


cdef void _close_teasers(set out, list run, list prose, Py_ssize_t pairs, Py_ssize_t titled):
    cdef Py_ssize_t last = -1
    if pairs >= 4 or (pairs >= 3 and titled == pairs):
        for i in run:
            if prose[i] and i > last:
                last = i
        for i in run:
            if i <= last:
                out.add(i)
