# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native cue gates: :func:`dedupe.cues.mark` (case folding, first words, literal phrases)
and the gates in front of the cue functions that the native phases ask."""
cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, PyUnicode_Substring, Py_UNICODE_ISDECIMAL

from .chars cimport WORD, Py_UCS1, Py_UCS2, PyUnicode_IS_ASCII, PyUnicode_New, __builtin_ctzll, _ascii_lower, _ascii_lower_char, _flags_of, _in, uchar
from .segment cimport Segment

from libc.string cimport memchr, memcpy

cdef extern from "Python.h":
    Py_UCS4 Py_UNICODE_TOLOWER(Py_UCS4 ch)

cdef enum:
    SINGLE = 1  # special[c]: a phrase of this one character
    CLOCK_CHAR = 2  # ':' or '.': a time between two digits
    WIDE_SECOND = 4  # a phrase whose second character is not ASCII starts with this one
    PAIR_PHRASE = 8  # a phrase of two ASCII characters starts with this one
    WIDE_THIRD = 16  # a phrase whose first two characters are ASCII and third is not starts with this one

cdef enum:
    TRIGRAM_BITS = 32768  # the filter of the phrases' first three characters (ASCII), hashed
    TRIGRAM_WORDS = 512  # TRIGRAM_BITS / 64

cdef enum:
    MAX_LITERALS = 64
    MAX_LITERAL_CHARS = 1024
    MAX_FOLDS = 16
    SMALL_FOLD = 512  # texts up to this long are folded on the stack


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
    cdef unsigned long long ascii_third[128]  # an ASCII third character -> its phrases
    cdef unsigned long long other_third  # the phrases whose first two characters are ASCII and third is not
    cdef unsigned long long two_chars  # the phrases of two ASCII characters
    cdef unsigned long long single[128]  # the phrases of one (ASCII) character
    cdef unsigned long long trigrams[TRIGRAM_WORDS]  # bit _trigram(c1, c2, c3): a phrase may start so
    cdef unsigned char special[128]  # SINGLE, CLOCK_CHAR, WIDE_SECOND, PAIR_PHRASE, WIDE_THIRD
    cdef int clock_bit  # set where a digit, ':' or '.' and a digit follow each other
    cdef unsigned long long group_of[MAX_LITERALS]  # a phrase -> the phrases of its group
    cdef Py_ssize_t other[MAX_LITERALS]  # the phrases whose first character is not ASCII
    cdef Py_ssize_t other_count
    cdef object table_owner  # keeps ``table`` alive
    cdef const unsigned char *table
    cdef object fold_case
    cdef Folds folds

    def __init__(self, groups, const unsigned char[:] table, fold_case, case_fold, fold_by_python, *,
                 int clock_bit=0):
        cdef Py_ssize_t i, j, used = 0
        cdef unsigned int a, b, h
        self.fold_case = fold_case
        self.folds = Folds(case_fold, fold_by_python)
        phrases = [(lit, bit) for bit, lits in groups for lit in lits]
        if len(phrases) > MAX_LITERALS or sum(len(p) for p, _ in phrases) > MAX_LITERAL_CHARS:
            raise ValueError(f"too many literal phrases for the native gates: {len(phrases)}")
        for i in range(128):
            self.ascii_first[i] = self.ascii_second[i] = self.ascii_third[i] = self.single[i] = 0
            self.special[i] = 0
        for i in range(TRIGRAM_WORDS):
            self.trigrams[i] = 0
        self.other_second = self.other_third = self.two_chars = 0
        self.clock_bit = clock_bit
        if clock_bit:
            self.special[ord(":")] |= CLOCK_CHAR
            self.special[ord(".")] |= CLOCK_CHAR
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
            a = ord(lit[0])
            if a >= 128:
                self.other[self.other_count] = i
                self.other_count += 1
            elif len(lit) == 1:
                self.single[a] |= 1ULL << i
                self.special[a] |= SINGLE
            else:
                self.ascii_first[a] |= 1ULL << i
                b = ord(lit[1])
                if b >= 128:
                    self.other_second |= 1ULL << i
                    self.special[a] |= WIDE_SECOND
                else:
                    self.ascii_second[b] |= 1ULL << i
                    if len(lit) == 2:
                        self.two_chars |= 1ULL << i
                        self.special[a] |= PAIR_PHRASE
                    elif ord(lit[2]) >= 128:
                        self.other_third |= 1ULL << i
                        self.special[a] |= WIDE_THIRD
                    else:
                        self.ascii_third[ord(lit[2])] |= 1ULL << i
                        h = _trigram(a, b, ord(lit[2]))
                        self.trigrams[h >> 6] |= 1ULL << (h & 63)
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
        cdef list lows = [None] * len(segs)  # (sized at once: one allocation, not a growing one)
        cdef Segment seg
        for k in range(len(segs)):
            low = self.folds.fold((<Segment?>segs[k]).text, self.fold_case)
            if low is None:
                return False
            lows[k] = low
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
            seg = <Segment?>segs[k]
            seg.low = low
            seg._first, seg.first_a, seg.first_b = None, i, j  # (the string is made if Python asks)
            seg.first_hash = _fnv(low, i, j)  # (hashed once: every gate's word table looks it up)
            seg.flags = self.flags_of(low)
        return True


cdef int _literal_flags(LiteralGates g, const uchar *data, Py_ssize_t n) noexcept:
    """:meth:`LiteralGates.flags_of` over one kind of string data. Most characters are
    passed over after one look at a filter of the ASCII triples that start a phrase (a
    hashed bit table: one position in forty passes it, so the branch is well predicted);
    the rarer shapes of phrase start at characters marked ``special``."""
    cdef Py_ssize_t i, j, idx
    cdef unsigned long long cand, done = 0  # the phrases of the groups found
    cdef int found = 0
    cdef unsigned char sp
    cdef unsigned int c, c2, c3, h  # (not Py_UCS4: Cython would make one a str in arithmetic)
    for i in range(n):
        c = data[i]
        if c >= 128:
            for j in range(g.other_count):
                idx = g.other[j]
                if g.chars[g.start[idx]] == c and not found & g.bit[idx] and _literal_at(g, data, n, i, idx):
                    found |= g.bit[idx]
            continue
        sp = g.special[c]
        if sp:
            if sp & SINGLE:
                cand = g.single[c] & ~done
                while cand:
                    idx = __builtin_ctzll(cand)
                    cand &= cand - 1
                    found |= g.bit[idx]
                    done |= g.group_of[idx]
            if sp & CLOCK_CHAR and not found & g.clock_bit and 0 < i < n - 1 \
                    and _decimal(data[i - 1]) and _decimal(data[i + 1]):
                found |= g.clock_bit
            if sp & WIDE_SECOND and i + 1 < n and data[i + 1] >= 128:
                found = _verify(g, data, n, i, g.ascii_first[c] & g.other_second & ~done, found, &done)
            if sp & PAIR_PHRASE and i + 1 < n and data[i + 1] < 128:
                found = _verify(g, data, n, i, g.ascii_first[c] & g.ascii_second[data[i + 1]] & g.two_chars & ~done,
                                found, &done)
            if sp & WIDE_THIRD and i + 2 < n and data[i + 1] < 128 and data[i + 2] >= 128:
                found = _verify(g, data, n, i, g.ascii_first[c] & g.ascii_second[data[i + 1]] & g.other_third & ~done,
                                found, &done)
        if i + 2 < n:
            c2, c3 = data[i + 1], data[i + 2]
            if (c2 | c3) < 128:
                h = _trigram(c, c2, c3)
                if (g.trigrams[h >> 6] >> (h & 63)) & 1:
                    cand = g.ascii_first[c] & g.ascii_second[c2] & g.ascii_third[c3] & ~done
                    if cand:
                        found = _verify(g, data, n, i, cand, found, &done)
    return found


cdef inline unsigned int _trigram(unsigned int c1, unsigned int c2, unsigned int c3) noexcept:
    """A bit of ``LiteralGates.trigrams`` for three ASCII characters."""
    return (c1 * 1031 + c2 * 37 + c3) & (TRIGRAM_BITS - 1)


cdef inline bint _decimal(Py_UCS4 c) noexcept:
    """``\\d`` (a decimal digit of any script)."""
    return 48 <= c <= 57 if c < 128 else Py_UNICODE_ISDECIMAL(c)


cdef inline int _verify(LiteralGates g, const uchar *data, Py_ssize_t n, Py_ssize_t i, unsigned long long cand,
                        int found, unsigned long long *done) noexcept:
    """``found`` with the groups of the phrases of ``cand`` that start at ``i``."""
    cdef Py_ssize_t idx
    while cand:
        idx = __builtin_ctzll(cand)
        cand &= cand - 1
        if not found & g.bit[idx] and _literal_at(g, data, n, i, idx):
            found |= g.bit[idx]
            done[0] |= g.group_of[idx]
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
        cdef Py_ssize_t n = len(t)
        cdef unsigned int kind = PyUnicode_KIND(t)
        cdef void *data = PyUnicode_DATA(t)
        if PyUnicode_IS_ASCII(t):  # most blocks: lowered here, byte by byte
            if memchr(data, 10, n) != NULL:
                return None
            return _ascii_lower(t)
        if kind == 1:
            return _fold_wide(self, <const Py_UCS1 *>data, n, t, fold_case)
        if kind == 2:
            return _fold_wide(self, <const Py_UCS2 *>data, n, t, fold_case)
        return _fold_wide(self, <const Py_UCS4 *>data, n, t, fold_case)


cdef str _fold_wide(Folds f, const uchar *data, Py_ssize_t n, str t, fold_case):
    """:meth:`Folds.fold` of a text that is not ASCII, over one kind of str data: folded
    into a buffer (on the stack when short), whose widest character gives the kind of
    the str made from it (a str must be made at its narrowest kind to compare equal)."""
    cdef Py_UCS4 small[SMALL_FOLD]
    cdef Py_UCS4 *buf = small
    cdef Py_UCS4 top = 0
    cdef unsigned int c, newline = 0  # (not Py_UCS4: Cython would make one a str in arithmetic)
    cdef Py_ssize_t i, j
    cdef str out
    cdef void *dst
    if n > SMALL_FOLD:
        buf = <Py_UCS4 *>PyMem_Malloc(n * sizeof(Py_UCS4))
        if buf == NULL:
            raise MemoryError()
    try:
        for i in range(n):
            c = data[i]
            if c < 128:  # (without branches: case and line breaks are too frequent to predict)
                newline |= c == 10
                c = _ascii_lower_char(c)
            elif _in(c, f.by_python):  # folded by fold_case, unless there is a line break
                for j in range(i + 1, n):
                    newline |= data[j] == 10
                return None if newline else fold_case(t)
            else:
                c = Py_UNICODE_TOLOWER(c)
                for j in range(f.count):
                    if f.src[j] == c:
                        c = f.dst[j]
                        break
            buf[i] = c
            if c > top:
                top = c
        if newline:
            return None
        out = PyUnicode_New(n, top)
        dst = PyUnicode_DATA(out)
        if top < 256:
            for i in range(n):
                (<Py_UCS1 *>dst)[i] = <Py_UCS1>buf[i]
        elif top < 65536:
            for i in range(n):
                (<Py_UCS2 *>dst)[i] = <Py_UCS2>buf[i]
        else:
            memcpy(dst, buf, n * sizeof(Py_UCS4))
        return out
    finally:
        if buf != small:
            PyMem_Free(buf)




cdef class CueGate:
    """One entry of ``cues.CUE_GATES``: a necessary condition of a cue."""

    def __init__(self, frozenset words, long long bits, long long count_bits):
        self.words, self.bits, self.count_bits = words, bits, count_bits
        self.table = WordTable(words)

    cdef bint opens(self, seg) except -1:
        """``cues._opens``."""
        cdef Segment s = <Segment?>seg
        cdef Py_ssize_t a = s.first_a, b = s.first_b
        cdef str f
        if (s.flags & self.bits) != 0:
            return True
        if a >= 0:  # the first word in place, in the folded text
            return self.table.holds(s.low, a, b, s.first_hash) or ((s.flags & self.count_bits) != 0 and b > a
                                                     and Py_UNICODE_ISDECIMAL(s.low[a]))
        f = s._first
        if f is None:
            return True
        return f in self.words or ((s.flags & self.count_bits) != 0 and len(f) > 0 and Py_UNICODE_ISDECIMAL(f[0]))


cdef class WordTable:
    """A set of words asked with a slice of a string, without making the slice (open
    addressing over FNV-1a hashes of the code points; an empty slot's length is -1)."""

    def __cinit__(self, words):
        cdef Py_ssize_t size = 8, used = 0, i, total = sum(len(w) for w in words)
        cdef str w
        while size < 2 * len(words):
            size *= 2
        self.mask = size - 1
        self.chars = <Py_UCS4 *>PyMem_Malloc((total + 1) * sizeof(Py_UCS4))
        self.start = <Py_ssize_t *>PyMem_Malloc(size * sizeof(Py_ssize_t))
        self.length = <Py_ssize_t *>PyMem_Malloc(size * sizeof(Py_ssize_t))
        self.hashes = <unsigned long long *>PyMem_Malloc(size * sizeof(unsigned long long))
        if not (self.chars and self.start and self.length and self.hashes):
            raise MemoryError()
        for i in range(size):
            self.length[i] = -1
        for w in words:
            h = _fnv(w, 0, len(w))
            i = h & self.mask
            while self.length[i] >= 0:
                i = (i + 1) & self.mask
            self.start[i], self.length[i], self.hashes[i] = used, len(w), h
            for c in w:
                self.chars[used] = c
                used += 1

    def __dealloc__(self):
        PyMem_Free(self.chars)
        PyMem_Free(self.start)
        PyMem_Free(self.length)
        PyMem_Free(self.hashes)

    cdef bint holds(self, str text, Py_ssize_t a, Py_ssize_t b, unsigned long long h) except -1:
        """``text[a:b]`` is one of the words (``h``: its hash, ``_fnv(text, a, b)``)."""
        cdef Py_ssize_t i = h & self.mask, j, n = b - a
        cdef unsigned int kind = PyUnicode_KIND(text)
        cdef void *data = PyUnicode_DATA(text)
        while self.length[i] >= 0:
            if self.hashes[i] == h and self.length[i] == n:
                for j in range(n):
                    if <Py_UCS4>PyUnicode_READ(kind, data, a + j) != self.chars[self.start[i] + j]:
                        break
                else:
                    return True
            i = (i + 1) & self.mask
        return False


cdef unsigned long long _fnv(str text, Py_ssize_t a, Py_ssize_t b) noexcept:
    """FNV-1a of the code points of ``text[a:b]``."""
    cdef unsigned long long h = 14695981039346656037ULL
    cdef unsigned int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t i
    for i in range(a, b):
        h = (h ^ <unsigned long long>PyUnicode_READ(kind, data, i)) * 1099511628211ULL
    return h


@cython.final
cdef class PatternCue:
    """A cue of ``cues.CUE_PATTERNS`` (one or two alternatives of a gate and a pattern),
    asked here: the pattern's method is called with the block's text or folded text,
    without a call of the cue function."""

    def __init__(self, alternatives):
        if not 1 <= len(alternatives) <= 2:
            raise ValueError("a pattern cue has one or two alternatives")
        (gate, field, self.method0), *rest = alternatives
        self.gate0, self.low0 = CueGate(*gate), _is_low(field)
        if rest:
            gate, field, self.method1 = rest[0]
            self.gate1, self.low1 = CueGate(*gate), _is_low(field)

    cdef bint holds(self, seg) except -1:
        cdef Segment s = <Segment?>seg
        if self.gate0.opens(s) and self.method0(s.low if self.low0 else s.text) is not None:
            return True
        return self.method1 is not None and self.gate1.opens(s) \
            and self.method1(s.low if self.low1 else s.text) is not None


cdef bint _is_low(str field) except -1:
    if field not in ("low", "text"):
        raise ValueError(f"a pattern cue reads 'low' or 'text', not {field!r}")
    return field == "low"


cdef class CueSet:
    """The cues of :mod:`dedupe.cues` that the native phases ask: the gates and patterns of
    ``cues.CUE_PATTERNS``, the other cue functions behind their gates (``cues.CUE_GATES``),
    and the gate of ``names_a_kind``."""

    def __init__(self, cues):
        self.advert = cues.advert
        self.embed_credit = cues.embed_credit
        p = {name: PatternCue(alternatives) for name, alternatives in cues.CUE_PATTERNS.items()}
        self.end_cue, self.comment_date, self.glued_cue = p["end_cue"], p["comment_date"], p["glued_cue"]
        self.caption, self.credit_end = p["caption"], p["credit_end"]
        self.comment_cue, self.author = p["comment_cue"], p["author"]
        self.social, self.footer, self.newsletter = p["social"], p["footer"], p["newsletter"]
        self.machinery, self.byline_bit, self.photo_credit = p["machinery"], p["byline_bit"], p["photo_credit"]
        self.teaser_cue, self.about_cue, self.disclaimer = p["teaser_cue"], p["about_cue"], p["disclaimer"]
        self.section_kind = cues.section_kind
        g = {name: CueGate(*gate) for name, gate in cues.CUE_GATES.items()}
        # (caption, credit_end and author gate themselves: their CUE_PATTERNS entries hold their gates;
        # comment_cue's entry gates on REPLY_WORD, and its word gate is asked before it as well)
        self.g_advert, self.g_comment_cue = g["advert"], g["comment_cue"]
        self.g_kind = CueGate(*cues.KIND_GATE)

    cdef bint kind_gate(self, seg) except -1:
        """``cues.names_a_kind``."""
        return self.g_kind.opens(seg)
