# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Native :func:`dedupe.segment.segment_text`: lines read and joined in one pass over the page,
and the :class:`dedupe.segment.Segment` record that it makes and the other kernels read."""
cimport cython
from cpython.unicode cimport (PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, PyUnicode_Substring, Py_UNICODE_ISALPHA,
                               Py_UNICODE_ISDECIMAL, Py_UNICODE_ISLINEBREAK, Py_UNICODE_ISLOWER, Py_UNICODE_ISSPACE,
                               Py_UNICODE_ISUPPER)

from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.ref cimport Py_INCREF
from libc.string cimport memcpy

from .chars cimport CharSet, Py_UCS1, Py_UCS2, PyUnicode_IS_ASCII, PyUnicode_New, _ascii_lower, _charset, _in, _in_set, uchar


cdef extern from "Python.h":
    void Py_SET_SIZE(object o, Py_ssize_t size)

cdef enum:
    UNSET = -1  # segment.ALL_FLAGS: the flag bits of a segment that cues.mark has not seen


@cython.final
@cython.no_gc  # its fields are strings, numbers and a tuple of ids: it can hold no cycle worth collecting
@cython.freelist(1024)
cdef class Segment:
    """A block before classification, with the structural facts the classifier uses:
    :class:`dedupe.segment.PythonSegment` as a C type (the same fields, defaults,
    ``repr`` and ``==``), which the kernels read as C fields and make without a call
    into Python."""

    def __init__(self, str text, Py_ssize_t para=0, str tag="line", Py_ssize_t link_chars=0, str hints="",
                 heading=False, in_list=False, tuple path=()):
        self.text, self.para, self.tag, self.link_chars, self.hints = text, para, tag, link_chars, hints
        self.heading, self.in_list, self.path = heading, in_list, path
        self.flags, self.first_a = UNSET, -1

    @property
    def first(self):
        """The first word of ``low`` (``cues.mark`` sets where it is; the string is made when
        Python asks for it: the kernels' gates read it in place)."""
        if self._first is None and self.first_a >= 0 and self.low is not None:
            self._first = self.low[self.first_a:self.first_b]
        return self._first

    @first.setter
    def first(self, str value):
        self._first, self.first_a = value, -1

    def __repr__(self):
        return (f"Segment(text={self.text!r}, para={self.para!r}, tag={self.tag!r}, link_chars={self.link_chars!r}, "
                f"hints={self.hints!r}, heading={self.heading!r}, in_list={self.in_list!r}, path={self.path!r})")

    def _fields(self):
        return (self.text, self.para, self.tag, self.link_chars, self.hints, self.heading, self.in_list, self.path)

    def __eq__(self, other):
        if type(other) is not Segment:
            return NotImplemented
        return self._fields() == (<Segment>other)._fields()

    __hash__ = None  # mutable, compared by value (as the dataclass)

    def __reduce__(self):
        return _rebuilt, (self._fields(), (self.low, self.first, self.flags))


def _rebuilt(fields, marks):
    """A pickled :class:`Segment`."""
    cdef Segment seg = Segment(*fields)
    seg.low, seg.first, seg.flags = marks
    return seg


cdef Segment new_segment(str text, Py_ssize_t para):
    """``Segment(text, para)``, without the call."""
    cdef Segment seg = Segment.__new__(Segment)
    seg.text, seg.para, seg.tag, seg.hints, seg.path = text, para, "line", "", ()
    seg.link_chars, seg.heading, seg.in_list, seg.flags, seg.first_a = 0, False, False, UNSET, -1
    return seg


cdef inline bint _line_break(Py_UCS4 c) noexcept:
    """What ``str.splitlines`` splits at."""
    if c < 128:
        return c == 10 or c == 13 or c == 11 or c == 12 or 28 <= c <= 30
    return Py_UNICODE_ISLINEBREAK(c)


cdef Py_ssize_t _line_end(unsigned int kind, void *data, Py_ssize_t a, Py_ssize_t size, bint *squashed,
                          unsigned int *top) noexcept:
    """Where the line that starts at ``a`` ends, whether it is already as
    ``" ".join(line.split())`` makes it (single spaces between words, none around), and
    ``top``: its characters or-ed together (below 128, 256 or 65536 when they all are)."""
    if kind == 1:
        return _scan_line(<const Py_UCS1 *>data, a, size, squashed, top)
    if kind == 2:
        return _scan_line(<const Py_UCS2 *>data, a, size, squashed, top)
    return _scan_line(<const Py_UCS4 *>data, a, size, squashed, top)


cdef str _line_text(str raw, unsigned int kind, void *data, Py_ssize_t a, Py_ssize_t b, unsigned int top):
    """``raw[a:b]``, made at the narrowest kind of str its characters allow (known from
    ``top``: no second look at them, as a slice of wide text takes)."""
    cdef Py_ssize_t i, n = b - a
    cdef str out
    cdef void *dst
    if n == 0 or kind == 1 or kind == 4:  # (UCS-4 pages are rare)
        return PyUnicode_Substring(raw, a, b)
    out = PyUnicode_New(n, 127 if top < 128 else 255 if top < 256 else 65535)
    dst = PyUnicode_DATA(out)
    if top < 256:
        for i in range(n):
            (<Py_UCS1 *>dst)[i] = <Py_UCS1>(<const Py_UCS2 *>data)[a + i]
    else:
        memcpy(dst, <const Py_UCS2 *>data + a, n * sizeof(Py_UCS2))
    return out


cdef enum:
    BLANK = 1  # _ASCII_CLASS: " "
    OTHER_SPACE = 2  # white space that is not " " nor a line break
    BREAK = 4  # a line break

cdef unsigned char _ASCII_CLASS[128]


cdef void _make_classes() noexcept:
    cdef unsigned int c
    for c in range(128):
        _ASCII_CLASS[c] = (BREAK if _line_break(c) else BLANK if c == 32
                           else OTHER_SPACE if Py_UNICODE_ISSPACE(c) else 0)


_make_classes()


cdef Py_ssize_t _scan_line(const uchar *data, Py_ssize_t a, Py_ssize_t size, bint *squashed,
                           unsigned int *top) noexcept:
    """:func:`_line_end` over one kind of str data (ASCII without branches on spaces,
    which are too frequent to predict)."""
    cdef Py_ssize_t b = a
    cdef unsigned int c, k, space, prev_space = 1, bad = 0, all_bits = 0
    while b < size:
        c = data[b]
        if c < 128:
            k = _ASCII_CLASS[c]
            if k & BREAK:
                break
            space = (k & (BLANK | OTHER_SPACE)) != 0
            bad |= (k >> 1) | (space & prev_space)  # (OTHER_SPACE is bit 1)
            prev_space = space
        elif _line_break(c):
            break
        elif Py_UNICODE_ISSPACE(c):
            bad, prev_space = 1, 1
        else:
            prev_space = 0
        all_bits |= c  # (not the line break: the line's own characters)
        b += 1
    squashed[0] = not bad and not (prev_space and b > a)
    top[0] = all_bits
    return b


@cython.final
cdef class SegmentRules:
    """The rules of :func:`dedupe.segment.segment_text`, as the Python module defines them."""

    cdef CharSet terminal, opens, joins_left, joins_right
    cdef frozenset standalone
    cdef object fold_case, lower_start, without_site_name
    cdef Py_ssize_t standalone_max
    cdef bint lower_first_latin[256]  # the characters that start a continuation, below U+0100
    cdef str lower_first_other  # and the others

    def __init__(self, *, terminal, opens, joins_left, joins_right, standalone, standalone_max, fold_case, lower_start,
                 lower_first, without_site_name):
        self.terminal, self.opens = _charset(terminal), _charset(opens)
        self.joins_left, self.joins_right = _charset(joins_left), _charset(joins_right)
        self.standalone, self.standalone_max, self.lower_start = standalone, standalone_max, lower_start
        self.fold_case = fold_case
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
        if _in_set(&self.terminal, p) or (len(prev) <= self.standalone_max and self.is_standalone(prev)):
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

    cdef bint is_standalone(self, str line) except -1:
        """``fold_case(line)`` is one of the labels that stand alone."""
        return (_ascii_lower(line) if PyUnicode_IS_ASCII(line) else self.fold_case(line)) in self.standalone

    cdef bint tight(self, str a, str b) noexcept:
        """``segment._join`` adds no space between ``a`` and ``b``."""
        return _in_set(&self.joins_right, b[0]) or _in_set(&self.joins_left, a[len(a) - 1])

    def segment(self, str raw, deadline):
        """:func:`dedupe.segment.segment_text`."""
        cdef Py_ssize_t room = min(4096, len(raw) // 32 + 16), count = 0  # (pages run about 50 characters a block)
        cdef list segs = PyList_New(room)
        cdef list parts = []  # the open segment's lines and the spaces between them (one list: fewer for the GC)
        cdef Py_ssize_t para = 0, text_para = 0, n = 0
        cdef bint prev_blank = True, started = False
        cdef str s, last = "", title = "", headline = ""
        cdef Py_ssize_t size = len(raw), a = 0, b = 0
        cdef unsigned int kind = PyUnicode_KIND(raw)
        cdef void *data = PyUnicode_DATA(raw)
        cdef bint squashed
        cdef unsigned int top
        try:
            while a < size:  # the lines of raw.splitlines(), one by one
                b = _line_end(kind, data, a, size, &squashed, &top)
                if squashed:
                    s = _line_text(raw, kind, data, a, b, top)
                else:
                    s = " ".join(PyUnicode_Substring(raw, a, b).split())
                a = b + 1
                if b + 1 < size and PyUnicode_READ(kind, data, b) == 13 and PyUnicode_READ(kind, data, b + 1) == 10:
                    a += 1  # \r\n is one break
                if not n & 0xFFF:
                    deadline.check(count)
                n += 1
                if not s:
                    prev_blank = True
                    if parts:
                        count = _put(segs, count, room, new_segment("".join(parts), text_para))
                        parts.clear()
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
                    count = _put(segs, count, room, new_segment("".join(parts), text_para))
                    parts.clear()
                parts.append(s)
                last, text_para, started = s, para, True
            if parts:
                count = _put(segs, count, room, new_segment("".join(parts), text_para))
        finally:  # (also when the deadline stops it: the list holds only what was stored)
            if count < room:
                Py_SET_SIZE(segs, count)  # (the slots past it stay as spare room)
        return segs


cdef inline Py_ssize_t _put(list segs, Py_ssize_t count, Py_ssize_t room, Segment seg) except -1:
    """Store ``seg`` as item ``count`` of ``segs``, made by ``PyList_New(room)`` (empty slots
    until :meth:`SegmentRules.segment` sets the list's size), or append it once the room is
    used up; the new count. (A list grown by appending is reallocated a dozen times a page.)"""
    if count < room:
        Py_INCREF(seg)  # (PyList_SET_ITEM takes this reference over)
        PyList_SET_ITEM(segs, count, seg)
    else:
        segs.append(seg)
    return count + 1

