"""Split a document into blocks: lines and fragments for text, block elements for HTML.

Naive scrapes break one sentence over several lines wherever the page had an
inline element (a link, bold text). :func:`segment_text` joins such fragments
back into one block, so that a block is a paragraph, a heading or a menu run.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .budget import NO_DEADLINE, Deadline
from .casefold import fold_case
from .native import kernels
from .pagemeta import declared_title, published_date, without_site_name

ALL_FLAGS = -1  # every flag bit set: a segment whose cue phrases are not known

__all__ = ["Segment", "HtmlPage", "segment_text", "segment_html", "looks_like_html", "fold_case", "page_to_json",
           "page_from_json"]

_TERMINAL = ".!?。！？…:;\"”»’')]"  # a line ending in one of these ends its sentence
_OPENS = "([“‘«„"  # a line ending in one of these goes on in the next
_TIGHT_BEFORE, _TIGHT_AFTER = "([“‘«", ",.;:!?)]%’”»"  # joined lines: no space after / before these
_SENTENCE_END = re.compile(r"[.!?。！？…][\"”’')\]]?$")
_LOWER_START = re.compile(r"^[\s]*[”’\"»]?([a-zà-ÿ,.;:!?)\]%’”»–-]|\d+[,.]?\d*\s*[a-z])")
# labels that stand on their own line: never the start of the next sentence (a line that,
# case-folded as cue patterns see it, is one of these)
_STANDALONE = frozenset(("advertisement", "advertising", "anzeige", "publicidade", "sponsored", "facebook", "twitter",
                         "email", "e-mail", "share", "print", "whatsapp", "linkedin", "pinterest", "reddit",
                         "getty images")) \
    | frozenset(w + credit + colon for w in ("photo", "image", "video") for credit in ("", " credit") for colon in ("", ":"))
_STANDALONE_MAX = max(map(len, _STANDALONE))  # longer lines are none of them
# the characters that _LOWER_START accepts first without looking further
_LOWER_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz,.;:!?)]%’”»–-") | frozenset(map(chr, range(0xE0, 0x100)))
_HTML_SNIFF = re.compile(r"<(!doctype\s+html|html|head|body|div|p|article|meta|title)\b", re.I)


@dataclass(slots=True)
class Segment:
    """A block before classification, with the structural facts the classifier uses.

    Slots, and no list per segment: a page makes hundreds of segments, and fewer
    objects mean fewer and cheaper garbage collections. Where the native kernels
    were built, :data:`Segment` is their C type of the same record (``PythonSegment``
    stays the reference): made and read without a call into Python."""

    text: str
    para: int = 0  # blank-line separated paragraph index (text) or container id (HTML)
    tag: str = "line"
    link_chars: int = 0
    hints: str = ""  # class/id words of the block and its ancestors (HTML)
    heading: bool = False
    in_list: bool = False
    path: tuple = ()  # ids of the enclosing block elements, outermost first (HTML)
    # The text in lower case (and _CASE_FOLD: see fold_case), for cue patterns written in
    # lower case (scanning an alternation of literals without IGNORECASE is several times
    # faster). cues.mark sets it for a whole page at once.
    low: str | None = field(init=False, default=None, repr=False, compare=False)
    # set for a whole page by cues.mark: the first word of ``low`` and which literal cue
    # phrases the block holds (the cheap gates of the cue patterns; unknown: all open)
    first: str | None = field(init=False, default=None, repr=False, compare=False)
    flags: int = field(init=False, default=ALL_FLAGS, repr=False, compare=False)


PythonSegment = Segment
_native = kernels()
if _native is not None:
    Segment = _native.Segment


def looks_like_html(raw: str) -> bool:
    """True when the input is markup rather than text."""
    return bool(_HTML_SNIFF.search(raw[:4096]))


def segment_text(raw: str, deadline: Deadline = NO_DEADLINE) -> list[Segment]:
    """Lines grouped into segments; inline fragments of one sentence are joined.

    A naive scrape's first line is the page's ``<title>``; a line that repeats it (or
    its headline without the site name) is the headline, and stands alone: joined to
    its neighbours it would take in a section label before it ("News") or a byline
    after it."""
    if _NATIVE_SEGMENTER is not None:
        return _NATIVE_SEGMENTER.segment(raw, deadline)
    return _segment_text(raw, deadline)


def _segment_text(raw: str, deadline: Deadline = NO_DEADLINE) -> list[Segment]:
    """:func:`segment_text` in Python (the compiled one does the same)."""
    segs: list[Segment] = []
    para = 0
    prev_blank = True
    started = False
    text: str | None = None  # the open segment's text
    last = ""  # and its last line
    text_para = 0
    title = headline = ""  # the first line, and it without a site name
    for n, line in enumerate(raw.splitlines()):
        if not n & 0xFFF:
            deadline.check(len(segs))
        s = " ".join(line.split())
        if not s:
            prev_blank = True
            if text is not None:
                segs.append(Segment(text, text_para))
                text = None
            continue
        if prev_blank and started:
            para += 1
        prev_blank = False
        if not started:
            title = s
            headline = without_site_name(s)
        if text is not None and _continues(last, s) and not (s == title or s == headline or last == title
                                                             or last == headline):
            text, last = _join(text, s), s
            continue
        if text is not None:
            segs.append(Segment(text, text_para))
        text, last, text_para, started = s, s, para, True
    if text is not None:
        segs.append(Segment(text, text_para))
    return segs


def _continues(prev: str, nxt: str) -> bool:
    """Does ``nxt`` continue the sentence of ``prev`` (same paragraph, inline break)?"""
    if prev[-1:] in _OPENS:
        return True  # a quotation or parenthesis opened: the sentence goes on
    if prev[-1:] in _TERMINAL or (len(prev) <= _STANDALONE_MAX and fold_case(prev) in _STANDALONE):
        return False  # (lines come without trailing spaces)
    c = nxt[:1]
    if c in _LOWER_FIRST or ((c == '"' or c.isdecimal() or c.isspace()) and _LOWER_START.match(nxt)):
        return True
    if not (prev[-1:].isalpha() and prev[-1:].islower()) and prev[-1:] != ",":
        return False
    # a lone word or two inside running text ("When", "President"), or a sentence
    # cut before a link ("... cited by Taiwanese publication" + "DigiTimes. A preview")
    pw = prev.split()
    if len(pw) <= 2:
        return True
    caps = sum(1 for x in pw if x[:1].isupper())
    return len(pw) >= 6 and caps / len(pw) < 0.5


def _join(a: str, b: str) -> str:
    if b[:1] in _TIGHT_AFTER or a[-1:] in _TIGHT_BEFORE:
        return a + b
    return a + " " + b


_NATIVE_SEGMENTER = _native.SegmentRules(
    terminal=_TERMINAL, opens=_OPENS, joins_left=_TIGHT_BEFORE, joins_right=_TIGHT_AFTER, standalone=_STANDALONE,
    standalone_max=_STANDALONE_MAX, fold_case=fold_case, lower_start=_LOWER_START, lower_first=_LOWER_FIRST,
    without_site_name=without_site_name) if _native is not None else None


# ---------------------------------------------------------------------------
# HTML

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main "
    "menu nav ol p pre section summary table tbody td tfoot th thead tr ul br caption".split()
)
_SKIP_TAGS = frozenset(
    "script style noscript template svg iframe head button select option textarea input "
    "object embed canvas map video audio picture source".split()
)
_STRIPPED_TAGS = tuple(sorted(_SKIP_TAGS - {"head"}))
_HINT_WORD = re.compile(r"[a-z]+")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_HINT_TAGS = frozenset(("nav", "footer", "aside", "header", "form", "figure", "figcaption"))  # tag is a hint
_TAXONOMY = ("tag-", "category-")
# one of these is in every class list that _HIDDEN_CLASS matches (a quick test first)
_HIDDEN_WORD = re.compile(r"sr-only|visually-hidden|screen-reader-text|tooltip|popover|hovercard|rollover-")
_HIDDEN_CLASS = re.compile(r"(^|\s)(sr-only|visually-hidden|screen-reader-text|tooltip|popover|hovercard|"
                           r"rollover-[\w-]*block)(\s|$)")
_CELL_TAGS = frozenset(("td", "th", "dd", "dt"))
_NOT_CLASS_HINTS = frozenset(("id", "role", "hidden", "style"))  # attributes that hint besides class
# characters lxml refuses in a str (it would reject the whole page): NUL and C0 controls
# (in UTF-8 they are single bytes, so one bytes.translate replaces them with spaces)
_NOT_XML = bytes.maketrans(bytes([*range(0, 9), 11, 12, *range(14, 32)]), b" " * 29)


@lru_cache(maxsize=1)
def _html_parser():
    from lxml import etree

    # fed UTF-8 bytes (parsing them is ~30% faster than parsing a str); meta charsets are moot.
    # huge_tree: elements nest up to 2,048 deep instead of 256 (pages of unclosed tags nest
    # that deep, and libxml2 drops all text below the limit); size is the budgets' to limit
    return etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8",
                            collect_ids=False, huge_tree=True)


class HtmlPage(NamedTuple):
    """What :func:`segment_html` finds in a page."""

    segments: list[Segment]
    title: str | None  # the headline the page declares (og:title, else <title>)
    published: str | None  # the publication date it declares, ISO 8601


def page_to_json(page: HtmlPage) -> bytes:
    """A segmented page as compact JSON, for :func:`page_from_json` (the template pass
    classifies most HTML pages twice; this spares it parsing them again)."""
    return json.dumps([page.title, page.published, [[s.text, s.para, s.tag, s.link_chars, s.hints, s.heading,
                                                     s.in_list, s.path] for s in page.segments]],
                      separators=(",", ":")).encode("utf-8", "surrogatepass")


def page_from_json(data: bytes) -> HtmlPage:
    """The page :func:`page_to_json` encoded, with segments equal to the originals."""
    title, published, segs = json.loads(data.decode("utf-8", "surrogatepass"))
    return HtmlPage([Segment(t, para, tag, link, hints, heading, in_list, tuple(path))
                     for t, para, tag, link, hints, heading, in_list, path in segs], title, published)


def segment_html(raw: str | bytes, deadline: Deadline = NO_DEADLINE) -> HtmlPage:
    """Blocks of an HTML page in document order, with the headline and publication
    date the page declares (:mod:`dedupe.pagemeta`).

    lxml caps nesting depth (deeper elements are dropped, not recursed into), and
    the tree is walked iteratively (lxml's iterwalk), so deep pages cannot exhaust the stack."""
    from lxml import etree

    if isinstance(raw, str):
        raw = raw.encode("utf-8", "replace").translate(_NOT_XML)
    # a page of millions of tags would fill memory with its tree before any loop could stop
    # it: the tag count (every "<", an upper bound) is checked against the block budget first
    deadline.check_tags(raw)
    try:
        # plain etree elements: lxml.html's element classes cost a lookup per node
        root = etree.fromstring(raw, _html_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return HtmlPage([], None, None)
    if root is None:
        return HtmlPage([], None, None)
    # the headline the page declares for sharing (no site name, as a rule), else its <title>
    title, published = declared_title(root), published_date(root)
    body = root.find("body")
    if body is None:
        body = root
    # scripts, styles, forms' controls, media: gone with their subtrees in one C-level pass
    # (their tails stay), not walked element by element
    etree.strip_elements(body, *_STRIPPED_TAGS, with_tail=False)
    segs: list[Segment] = []
    buf: list[str] = []  # text of the current block
    link = 0  # characters of it inside links
    # the block context that text currently belongs to: tag, hints, heading, in a list, path
    ctx: tuple = ("div", "", False, False, ())

    def flush():
        nonlocal link
        text = " ".join((buf[0] if len(buf) == 1 else "".join(buf)).split())
        if text:
            path = ctx[4]
            # positional (text, para, tag, link_chars, hints, heading, in_list, path): faster
            segs.append(Segment(text, path[-1] if path else 0, ctx[0], min(link, len(text)),
                                ctx[1], ctx[2], ctx[3], path))
        buf.clear()
        link = 0

    # lxml walks the tree in C; per open element: (skipped?, hints and in-anchor for its
    # children, in-anchor of its parent (its tail's context), saved block context)
    open_: list[tuple] = [(False, "", False, False, None)]
    skipped_el = (True, "", False, False, None)
    cid = steps = 0
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        if event == "end":
            skipped, _, _, in_a, saved = open_.pop()
            if skipped:
                continue
            if saved is not None:  # leaving a block element: back to the parent's context
                if buf:
                    flush()
                ctx = saved
            tail = el.tail
            if tail and (buf or not tail.isspace()):  # leading white space: nothing to keep
                buf.append(tail)
                if in_a:
                    link += len(tail.strip())
            continue
        steps += 1
        if not steps & 0x7FF:  # the per-document time and block budgets
            deadline.check(len(segs))
        tag = el.tag  # lower case: libxml2's HTML parser lowers tag names
        if not isinstance(tag, str):
            tag = ""
        attrs = el.keys()  # one call; most elements have none, or no attribute but class that counts
        if not attrs:
            own = ""
        elif _NOT_CLASS_HINTS.isdisjoint(attrs):
            cls = el.get("class")
            own = _class_hints(cls) if cls else ""  # the common case: a one-key memo
        else:
            get = el.get
            own = _own_hints(get("class"), get("id"), get("role"), get("hidden") is not None, get("style"))
        # hidden elements, those shown only on hover or to screen readers, a stray <head>
        # (scripts and the like are stripped above): keep only the tail
        if not tag or tag in _SKIP_TAGS or own is None:
            tail = el.tail
            if tail and (buf or not tail.isspace()):
                buf.append(tail)
            walker.skip_subtree()
            open_.append(skipped_el)
            continue
        _, hints, in_a, _, _ = open_[-1]
        if tag in _HINT_TAGS:
            own = (own + " " + tag).strip()
        hints2 = (hints + " " + own).strip() if own else hints
        if len(hints2) > 200:
            hints2 = hints2[-200:]
        saved = None
        if tag in _BLOCK_TAGS:
            if buf:
                flush()
            saved = ctx
            cid += 1
            ctx = (tag, hints2, ctx[2] or tag in _HEADINGS, ctx[3] or tag == "li", ctx[4] + (cid,))
        a2 = in_a or tag == "a"
        text = el.text
        if text and (buf or not text.isspace()):
            buf.append(text)
            if a2:
                link += len(text.strip())
        if buf and tag in _CELL_TAGS:
            buf.append(" ")
        open_.append((False, hints2, a2, in_a, saved))
    if buf:
        flush()
    return HtmlPage(segs, title, published)


@lru_cache(maxsize=16384)
def _class_hints(cls: str) -> str | None:
    return _own_hints(cls, None, None, False, None)


@lru_cache(maxsize=16384)
def _own_hints(cls: str | None, id_: str | None, role: str | None, hidden: bool, style: str | None) -> str | None:
    """An element's class/id/role words, lower case; ``None`` when it is not shown
    (``hidden``, ``display:none``, a hover or screen-reader class). Memoised: pages
    repeat a few attribute sets many times."""
    if hidden or (style and "display:none" in style.replace(" ", "")):
        return None
    cls = cls or ""
    if cls and _HIDDEN_WORD.search(cls) and _HIDDEN_CLASS.search(cls):
        return None
    if "tag-" in cls or "category-" in cls:  # taxonomy classes (WordPress "tag-foo") name terms, not roles
        cls = " ".join(c for c in cls.split() if not c.startswith(_TAXONOMY))
    attrs = cls + " " + (id_ or "") + " " + (role or "")
    return " ".join(_HINT_WORD.findall(attrs.lower())) if attrs != "  " else ""
