"""Label each segment ``main`` or a boilerplate kind.

The article body is found as one contiguous region of prose (a maximum-sum run
of block scores, where prose scores by its length and chrome costs), then cut at
the first strong end-of-article boundary (a "related" header, a comment form, a
teaser card with a repeated headline, a comment thread's date lines). The
signals are language-independent (length, punctuation, sentence shape,
position, link density, DOM hints); cue phrases only name the kind of what was
already found to be outside the body, or mark boundaries.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .budget import NO_DEADLINE, Deadline
from . import cues
from .cues import (about_cue, advert, author, byline_bit, caption, comment_cue, comment_date, credit_end,
                   disclaimer, embed_credit, end_cue, end_cues_of, footer, glued_cue, machinery, mark,
                   names_a_kind, newsletter, photo_credit, section_kind, social, teaser_cue)
from .document import MAIN, Block
from .headline import find_title
from .native import kernels
from .pagemeta import folded_dateline_date
from .segment import Segment
from .template import block_key
from .textstats import segment_counts

__all__ = ["KINDS", "classify", "Classification"]

KINDS = ("main", "title", "navigation", "related", "comments", "newsletter", "caption",
         "author", "footer", "advertisement", "boilerplate")

_SENTENCE_MARKS = ".!?。！？…"
_PROSE_END = _SENTENCE_MARKS + ":;"
_CLOSERS = "\"”’')]"
# a sentence's end: its mark, closing quotes or brackets, then white space or the block's end
_SENT_END = re.compile(f"[{re.escape(_SENTENCE_MARKS)}](?:[{re.escape(_CLOSERS)}]*)(?=\\s|$)")

# Class/id words. A block's hints are its containers' words, lower case a-z, one space
# apart (see segment_html), so a word is a token of ``hints.split()``.
_HINT_BAD = frozenset("""related share sharing social comment comments newsletter promo footer
    sidebar widget nav navigation menu breadcrumb subscribe signup advert ad ads
    sponsor recommend trending popular outbrain taboola teaser byline author bio
    caption credit tag tags meta masthead header modal popup cookie banner
    aside form figure figcaption hidden""".split())
# words of the nearest containers that never hold the article body
# (layout words such as "sidebar" or "footer" name wrappers of whole pages too)
_HINT_STRONG = frozenset("comment comments commentlist disqus related outbrain taboola".split())
_HINT_GOOD = frozenset("article content story body post entry main text prose paragraph".split())
_HINT_CAPTION = frozenset(("figcaption", "caption"))


@dataclass
class Classification:
    """Labelled blocks, the main text, the title and the dateline's date found."""

    blocks: list[Block]
    text: str
    title: str | None
    published: str | None = None  # the date in the article's dateline (YYYY-MM-DD)


def _ends_prose(t: str) -> bool:
    """Ends with a sentence or clause mark, then closing quotes or brackets."""
    end = t.rstrip().rstrip(_CLOSERS)
    return bool(end) and end[-1] in _PROSE_END


def _is_prose(seg: Segment, w: int, caps: int, tokens: int) -> bool:
    t = seg.text
    if w < 7:
        return False
    if not _ends_prose(t):
        ends = len(_SENT_END.findall(t))
        if not (ends >= 2 or (ends >= 1 and w >= 20)):
            return False
    if w >= 30:
        return True
    return caps / max(1, tokens) < 0.6


_FRAGMENT_START = re.compile(r"^[a-zà-ÿа-я,;:)\]’”]")


def _is_fragment(t: str, w: int, caps: int, tokens: int) -> bool:
    """A piece of a sentence that a scrape broke at an inline element: it starts
    in lower case, or it runs on (ends with a comma or a lower-case word) with
    few capitalised words."""
    if _FRAGMENT_START.match(t):
        return w >= 2
    if w < 6 or not (t[-1:] == "," or t[-1:].islower()):
        return False
    return caps / tokens < 0.4


def _score(seg: Segment, w: int, prose: bool, html: bool, trust_bad: bool = True, caps: int = 0,
           tokens: int = 1) -> float:
    if prose:
        s = float(w) if w >= 20 else 0.6 * w
    elif w >= 25 and not seg.in_list:
        s = 0.3 * w
    elif not html and _is_fragment(seg.text, w, caps, tokens):
        s = 0.1  # neutral: neither body nor a gap in it
    else:
        s = -(2.0 + 0.3 * min(w, 20))
    if html:
        link = seg.link_chars / max(1, len(seg.text))
        if link > 0.5 and not (prose and w >= 20 and link <= 0.75):
            s = -abs(s) - 2
        elif link > 0.5:  # a long sentence that is mostly links: a list item of the article, or a teaser
            s *= 0.3
        elif link > 0.25:
            s *= 0.5 if s > 0 else 1.5
        if seg.hints:
            facts = _hint_facts(seg.hints)
            if facts.strong:
                s = -abs(s) - 2
            elif facts.bad and s > 0 and trust_bad:
                s *= 0.4
    return s


def _mass(scores: list[float], start: int, end: int) -> float:
    """The positive scores of [start, end) added up, left to right (``sum`` would add
    them in another way from Python 3.12 on, and the compiled phases add them so)."""
    total = 0.0
    for x in scores[start:end]:
        if x > 0:
            total += x
    return total


def _max_run(scores: list[float]) -> tuple[int, int]:
    """The contiguous run with the largest score sum (Kadane), as [start, end)."""
    best, best_i, best_j = float("-inf"), 0, 0
    cur, cur_i = 0.0, 0
    for j, s in enumerate(scores):
        if cur <= 0:
            cur, cur_i = s, j
        else:
            cur += s
        if cur > best:
            best, best_i, best_j = cur, cur_i, j + 1
    return best_i, best_j


def _dominant_island(scores: list[float], start: int, end: int, gap: int = 3) -> tuple[int, int]:
    """Split [start, end) at runs of ``gap`` or more non-positive blocks and keep the
    strongest island, with neighbours at least a quarter as strong (a body split by an
    embedded widget stays whole; a teaser after a chrome gap does not join it)."""
    spans: list[tuple[int, int]] = []  # [first, end) of each island
    run = 0
    cur_start = start
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
    islands = [(a, b, _mass(scores, a, b)) for a, b in spans if b > a]
    if len(islands) <= 1:
        return start, end
    best = max(range(len(islands)), key=lambda m: islands[m][2])
    lo = hi = best
    while lo > 0 and islands[lo - 1][2] >= 0.25 * islands[best][2]:
        lo -= 1
    while hi < len(islands) - 1 and islands[hi + 1][2] >= 0.25 * islands[best][2]:
        hi += 1
    return islands[lo][0], islands[hi][1]


def _article_container(segs, words, prose, scores, end_cue, start: int, end: int,
                       neutral: set[int] | None = None, trust_bad: bool = True) -> tuple[int, int]:
    """HTML: widen the region to the DOM container of the article.

    Like readability, each prose block credits its parent element fully and its
    grandparent by half; the best element, with its siblings that score at least
    a fifth as much, is the article. Its blocks form one contiguous range.
    Inside it, short blocks (list items, subheads, table cells) are part of the
    article unless they are link lists or carry boilerplate class/id hints, so
    they are neutral rather than a cost; the best run there widens the region.
    """
    credit: dict[int, float] = {}
    parent_of: dict[int, int | None] = {}  # of the credited elements (a path starts at the outermost)
    for k, seg in enumerate(segs):
        p = seg.path
        if not prose[k] or words[k] < 8 or len(p) < 2:
            continue
        if seg.link_chars > 0.3 * len(seg.text) or (trust_bad and _bad_hints(seg.hints)):
            continue
        value = 1.0 + seg.text.count(",") + min(words[k] / 20.0, 3.0)
        credit[p[-2]] = credit.get(p[-2], 0.0) + value
        parent_of[p[-2]] = p[-3] if len(p) >= 3 else None
        if len(p) >= 3:
            credit[p[-3]] = credit.get(p[-3], 0.0) + value / 2
            parent_of[p[-3]] = p[-4] if len(p) >= 4 else None
    if not credit:
        return start, end
    top = max(credit, key=credit.__getitem__)
    chosen = {top}
    par = parent_of.get(top)
    if par is not None:
        chosen |= {c for c, v in credit.items() if parent_of.get(c) == par and v >= 0.2 * credit[top]}
    inside = [k for k, seg in enumerate(segs) if not chosen.isdisjoint(seg.path)]
    cs, ce = inside[0], inside[-1] + 1
    # the Kadane region must agree: most of its prose lies in the container
    region_words = sum(words[k] for k in range(start, end) if prose[k])
    shared = sum(words[k] for k in range(max(start, cs), min(end, ce)) if prose[k])
    if region_words and shared < 0.5 * region_words:
        return start, end
    soft = []
    for k in range(cs, ce):
        sc = scores[k]
        seg = segs[k]
        if chosen.isdisjoint(seg.path):
            sc = min(sc, -3.0)
        elif sc < 0 and (seg.link_chars < 0.5 * len(seg.text) or _BARE_URL.match(seg.text)) \
                and not (trust_bad and _bad_hints(seg.hints)) and not end_cue[k] and sc > -9:
            sc = 0.1  # neutral: kept when the article goes on, or ends, around it
            if neutral is not None:
                neutral.add(k)
        soft.append(sc)
    a, b = _max_run(soft)
    return (min(start, cs + a), max(end, cs + b)) if b > a else (start, end)


_BARE_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$")  # a link shown as its address: content, not a menu


def _hints_informative(segs, words, prose) -> bool:
    """Whether boilerplate class/id words tell blocks apart on this page. When nearly
    all of its prose sits under them (a page builder that calls every element a
    "widget"), they carry no information and only the strong hints are kept."""
    total = flagged = 0
    for s, w, p in zip(segs, words, prose):
        if p:
            total += w
            if s.hints and _hint_facts(s.hints).bad:
                flagged += w
    return not total or flagged < 0.8 * total


def _bad_hints(hints: str) -> bool:
    return bool(hints) and _hint_facts(hints).bad


class _HintFacts(NamedTuple):
    bad: bool  # more boilerplate words than content words among the containers
    strong: bool  # a nearest container that never holds the body (comments, related)


# the kind named by a part of a word ("commentlist", "related-posts"), first match wins
_HINT_KINDS = (("comments", ("comment",)), ("related", ("related", "recommend", "teaser", "promo")),
               ("newsletter", ("newsletter", "subscribe", "signup")), ("footer", ("footer",)),
               ("navigation", ("nav", "menu", "breadcrumb", "share", "social")),
               ("caption", ("caption", "figcaption", "figure", "credit")), ("author", ("author", "byline", "bio")))


# Memoised by the hints string: the blocks of one container share it, and pages of one
# site repeat it. Each fact is computed only where it is needed.

@lru_cache(maxsize=16384)
def _hint_facts(hints: str) -> _HintFacts:
    """Whether the class/id words of a block's containers are boilerplate."""
    words = hints.split()
    nearest = words if len(hints) <= 150 else hints[-150:].split()
    return _HintFacts(
        bad=sum(map(_HINT_BAD.__contains__, words)) > sum(map(_HINT_GOOD.__contains__, words)),
        strong=not _HINT_STRONG.isdisjoint(nearest),
    )


@lru_cache(maxsize=16384)
def _hint_caption(hints: str) -> bool:
    return not _HINT_CAPTION.isdisjoint(hints[-80:].split())


@lru_cache(maxsize=16384)
def _hint_kind(hints: str) -> str | None:
    """The boilerplate kind the class/id words name, if any."""
    for kind, parts in _HINT_KINDS:
        for part in parts:
            if part in hints:
                return kind
    return None


def _skip_gallery(segs, scores, start: int, end: int) -> int:
    """A gallery at the top of the article shows its captions twice (and its controls,
    "1 / 8", "Caption", "Close", score nothing); skip such blocks, unless that would
    leave less than a third of the article."""
    counts = Counter(s.text for s in segs)
    k = start
    while k < end and (counts[segs[k].text] > 1 or scores[k] < 1):
        k += 1
    total = _mass(scores, start, end)
    return k if k < end and _mass(scores, k, end) >= 0.3 * total else start


def _skip_standfirst(segs, scores, prose, start: int, end: int, html: bool = False) -> int:
    """Drop a headline/standfirst island at the top: at most two short blocks set
    apart from the body by a non-prose line (a kicker, a byline, a date)."""
    total = _mass(scores, start, end) or 1.0
    k = start
    lead = 0.0
    while k < end and k - start < 2 and scores[k] > 0:
        lead += scores[k]
        k += 1
    if k < end and scores[k] <= 0 and lead <= 30 and lead < 0.12 * total:
        j = k
        while j < end and scores[j] <= 0:
            j += 1
        # HTML: a lead paragraph that shares its parent element with the body is the
        # article's first paragraph (a subhead follows it), not a standfirst
        first_paragraph = (html and not segs[start].heading and segs[start].path
                           and segs[start].path[:-1] == segs[j].path[:-1])
        if j < end and not first_paragraph:
            return j
    return start


def _resumes_after_widget(words, prose, scores, end_cue, comment_date, cue: int, end: int,
                          before: float, html: bool) -> int | None:
    """Where the article resumes after a box that starts at ``cue``: a long
    paragraph within a few blocks, followed by prose weighing at least half of
    the article before the box (in HTML, a third; after a box of one or two
    blocks, a sixth-and-a-bit: 0.15). ``None`` when the article ends at the cue.

    In HTML, where teaser links already score low, the box may be longer and
    further boxes may follow; in text the prose after it stops at the next cue."""
    for j in range(cue + 1, min(end, cue + (17 if html else 9))):
        if prose[j] and words[j] >= 20:
            after = 0.0
            for k in range(j, end):
                if words[k] <= 12 and ((not html and end_cue[k]) or comment_date[k]):
                    break
                after += max(0.0, scores[k])
            # HTML: a box of a link or two is inline even before a short closing paragraph
            need = (0.15 if j - cue <= 2 else 0.3) if html else 0.5
            return j if after >= need * before else None
    return None


def _card_series(segs, words, prose, folded, cue: int, end: int, span: int = 60) -> bool:
    """After a cue: the same short line (a share bar, a "read more") three times or
    more between the prose that follows: teaser cards, each with its own bar.
    ``folded`` holds the blocks' lower-cased texts (Segment.low)."""
    seen: dict[str, int] = {}
    for j in range(cue + 1, min(end, cue + span)):
        seg = segs[j]
        # labels that repeat inside articles too: adverts, photo credits, the cues of inline boxes
        if (not prose[j] and words[j] <= 12 and not advert(seg, words[j]) and not caption(seg)
                and not credit_end(seg) and not end_cue(seg)):
            key = folded[j]
            seen[key] = seen.get(key, 0) + 1
            if seen[key] >= 3:
                return True
    return False


def _closing_list(segs, words, prose, in_container: set[int], end: int, least: int = 5) -> bool:
    """HTML: the blocks before ``end`` are at least ``least`` list-like lines of the
    article's own container (no links, no boilerplate hints): part of the article."""
    k = end - 1
    while k >= 0 and k in in_container and not prose[k] and 2 <= words[k] <= 30 \
            and not (author(segs[k]) or caption(segs[k])):
        k -= 1
    return end - 1 - k >= least


_DATELINE_BEFORE, _DATELINE_AFTER = 15, 3  # blocks searched for the dateline around the body's start
_WEAK_REGION = 60  # a region weighing less holds no real prose article (a table or list page)


def _content_like(seg: Segment, w: int, prose: bool, strong: bool, html: bool, number: bool) -> bool:
    """A block that could belong to a table or list body: not chrome. HTML: few
    links and no boilerplate container; text (no links to tell): prose, or a short
    line holding a figure (``number``: a score, a date, a position)."""
    t = seg.text
    if strong or social(seg) or advert(seg, w) or footer(seg) or newsletter(seg):
        return False
    if html:
        if seg.link_chars > 0.3 * len(t):
            return False
        facts = _hint_facts(seg.hints) if seg.hints else None
        return not (facts and (facts.bad or facts.strong))
    return prose or (w <= 30 and number)


def _structured_body(segs, words, prose, strong, digits, html: bool, start: int, end: int) -> tuple[int, int]:
    """When the prose region is weak, the body may be a table or a list (standings, a
    calendar, a product list): the longest run of content-like blocks, at least six
    of them, when it holds more words than the region. A single short block between
    two content-like ones (a name cell between figures) does not break the run."""
    best, best_words = (start, end), sum(words[start:end])
    n = len(segs)
    ok = [_content_like(segs[k], words[k], prose[k], strong[k], html, digits[k] > 0) for k in range(n)]
    k = 0
    while k < n:
        if not ok[k]:
            k += 1
            continue
        j, total = k, 0
        while j < n and (ok[j] or (j + 1 < n and ok[j + 1] and not strong[j] and words[j] <= 3)):
            total += words[j]
            j += 1
        if j - k >= 6 and total > best_words:
            best, best_words = (k, j), total
        k = j
    return best


def _title_case(t: str) -> bool:
    ws = [x for x in t.split() if x[:1].isalpha()]
    return len(ws) >= 2 and sum(1 for x in ws if x[:1].isupper()) / len(ws) >= 0.6


def _teaser_lists(segs, words, prose) -> set[int]:
    """Headline/dek pairs in a row (a headline, then a one- or two-sentence dek): a
    list of teasers, not an article. Three pairs with Title Case headlines make a
    list, four otherwise; short section labels between pairs ("Autos") belong to it."""
    out: set[int] = set()
    run: list[int] = []
    pairs = titled = 0
    k = 0
    n = len(segs)

    def close():
        if pairs >= 4 or (pairs >= 3 and titled == pairs):
            last = max(i for i in run if prose[i])  # the last dek; trailing labels stay out
            out.update(i for i in run if i <= last)

    while k < n - 1:
        head, dek = segs[k].text, segs[k + 1].text
        if (not prose[k] and 3 <= words[k] <= 20 and prose[k + 1] and words[k + 1] <= 60
                and len(_SENT_END.findall(dek)) <= 2):
            tc = _title_case(head)
            if tc or (words[k] >= 4 and not _ends_prose(head)):
                run += [k, k + 1]
                pairs += 1
                titled += tc
                k += 2
                continue
        if run and words[k] <= 3 and not prose[k]:  # a section label between cards
            run.append(k)
            k += 1
            continue
        close()
        run, pairs, titled = [], 0, 0
        k += 1
    close()
    return out


_REPEAT_WINDOW = 8  # blocks within which a repeated short line is a teaser headline


def _repeated_headlines(segs: list[Segment], words: list[int], folded: list[str],
                        window: int = _REPEAT_WINDOW) -> set[int]:
    """Indices of short lines that repeat within a few lines (teaser-card headlines);
    ``folded`` holds the blocks' lower-cased texts. Attribution lines of embedded
    posts ("— Name (@handle) date") repeat too, inside articles, and are left out."""
    out: set[int] = set()
    where: dict[str, list[int]] = {}
    for j, key in enumerate(folded):
        where.setdefault(key, []).append(j)
    for i, s in enumerate(segs):
        if not 5 <= words[i] <= 25:
            continue
        later = [j for j in where[folded[i]] if i < j <= i + window]
        if later and not embed_credit(s):  # (the pattern last: most lines repeat nowhere near)
            out.add(i)
            out.update(later)
    return out


def _kind_of(seg: Segment, w: int, after_body: bool, section: str | None, comment_date: bool) -> tuple[str, str]:
    if comment_date or names_a_kind(seg):
        cue = _kind_cue(seg, w, after_body, comment_date)
        if cue is not None:
            return cue
    if section:
        return section, f"inside {section} section"
    kind = _hint_kind(seg.hints) if seg.hints else None
    if kind:
        return kind, f"DOM hint ({kind})"
    if after_body:
        return ("related", "prose after the article end") if w >= 12 else ("boilerplate", "after the article end")
    return "navigation", "before the article start"


def _kind_cue(seg: Segment, w: int, after_body: bool, comment_date: bool) -> tuple[str, str] | None:
    """The kind a cue phrase names, if one does."""
    if advert(seg, w):
        return "advertisement", "advertisement label"
    if caption(seg):
        return "caption", "caption/credit cue"
    if w <= 60 and credit_end(seg):
        return "caption", "caption ending in a credit"
    if comment_date:
        return "comments", "comment date/author line"
    if comment_cue(seg):
        return "comments", "comment cue (reply form, comment count)"
    if w <= 40 and newsletter(seg):
        return "newsletter", "subscribe/newsletter cue"
    if w <= 60 and footer(seg):
        return "footer", "copyright/legal cue"
    if w <= 8 and social(seg):
        return "navigation", "social/share cue"
    if after_body and author(seg):
        return "author", "author bio cue"
    if after_body and disclaimer(seg):
        return "footer", "disclaimer"
    return None


def classify(segs: list[Segment], *, html: bool = False, page_title: str | None = None,
             template: frozenset[int] | None = None, deadline: Deadline = NO_DEADLINE) -> Classification:
    """Label segments and assemble the main text.

    ``template`` holds the :func:`dedupe.template.block_key` of blocks known
    from corpus evidence to be a site's template; they can never be main.
    The phases run in order, each linear in the segments; ``deadline`` is
    checked between them and during the labelling.
    """
    if not segs:
        return Classification([], "", None)
    page = _page_facts(segs, html, template, deadline)
    deadline.check()
    start, end = _body_region(page)
    in_container: set[int] = set()  # HTML: short blocks of the article's own container
    if html:
        start, end = _article_container(segs, page.words, page.prose, page.scores, page.end_cues, start, end,
                                        in_container, page.trust_bad)
    end, cut_reason, inline_widget = _cut_at_boundary(page, start, end)
    end, teaser = _teaser_cards(page, start, end)
    start, end, lead = _trim_edges(page, start, end, in_container)
    deadline.check()
    title, title_text = find_title(segs, page.words, page.prose, page.end_cues, start, end, page_title)
    blocks, text = _label_blocks(page, start, end, title, cut_reason, inline_widget, teaser, deadline)
    return Classification(blocks, text, title_text, _dateline(page, lead, start))


@dataclass
class _Page:
    """What the phases of :func:`classify` know of a page: per block, in block order."""

    segs: list[Segment]
    html: bool
    trust_bad: bool  # boilerplate class/id words tell blocks apart on this page (see _hints_informative)
    words: list[int]
    digits: list[int]
    prose: list[bool]
    scores: list[float]  # a block's weight as body: positive for prose, negative for chrome
    end_cues: list[bool]  # lines that open what follows an article ("Related", "Leave a reply")
    comment_dates: list[bool]  # comment headers (a name and a date)
    strong: list[bool]  # boundary lines: short end cues, or cues glued to a teaser
    folded: list[str]  # texts in lower case (Segment.low), to compare blocks
    repeats: set[int]  # teaser-card headlines, repeated within a few lines
    teaser_list: set[int]  # headline/dek pairs in a row
    is_template: list[bool]  # site template by corpus evidence


def _page_facts(segs: list[Segment], html: bool, template: frozenset[int] | None, deadline: Deadline) -> _Page:
    """Phase 1: each block's counts, prose shape, cues and score, with what marks it as chrome
    (boundaries, comment headers, repeated headlines, teaser lists, site template) costing."""
    n = len(segs)
    mark(segs)
    words, tokens, caps, digits = segment_counts(segs)
    is_template = [block_key(s.text) in template for s in segs] if template else [False] * n
    if _native is not None:
        return _native_facts(segs, html, words, tokens, caps, digits, is_template, deadline)
    prose = [_is_prose(s, w, c, t) for s, w, c, t in zip(segs, words, caps, tokens)]
    deadline.check()
    trust_bad = not html or _hints_informative(segs, words, prose)
    scores = [_score(s, w, p, html, trust_bad, c, t) for s, w, p, c, t in zip(segs, words, prose, caps, tokens)]
    # cue lines, matched once: end-of-article cues and comment headers
    end_cues = end_cues_of(segs)
    comment_dates = [d > 0 and comment_date(s) for s, d in zip(segs, digits)]  # a header holds a number
    glued = [not prose[i] and 13 <= words[i] <= 60 and glued_cue(s) for i, s in enumerate(segs)]
    strong = [(words[i] <= 12 and end_cues[i]) or glued[i] for i in range(n)]  # a boundary line
    deadline.check()
    for i in range(n):
        if strong[i] or (words[i] <= 12 and comment_dates[i]):
            scores[i] = min(scores[i], -10.0)
    folded = [s.low for s in segs]  # (set by mark)
    repeats = _repeated_headlines(segs, words, folded)
    for i in repeats:
        scores[i] = min(scores[i], -5.0)
    teaser_list = _teaser_lists(segs, words, prose)
    for i in teaser_list:
        scores[i] = min(scores[i], -3.0)
    for i, tp in enumerate(is_template):
        if tp:
            scores[i] = min(scores[i], -5.0)
    for i, s in enumerate(segs):
        if words[i] <= 120 and scores[i] > 0 and (footer(s) or disclaimer(s)):
            scores[i] = -0.5 * scores[i]
    return _Page(segs, html, trust_bad, words, digits, prose, scores, end_cues, comment_dates, strong, folded,
                 repeats, teaser_list, is_template)


def _native_facts(segs, html, words, tokens, caps, digits, is_template, deadline) -> _Page:
    """:func:`_page_facts` by the compiled kernels: the same facts."""
    if html:
        prose = _native_prose().prose_flags(segs, words, caps, tokens)
        trust_bad, scores = _native_prose().html_scores(segs, words, prose, caps, tokens, _hint_facts)
    else:
        prose, scores = _native_prose().text_scores(segs, words, caps, tokens)
        trust_bad = True
    deadline.check()
    end_cues, comment_dates, strong, folded, repeats, teaser_list = _native_labeller().facts(
        segs, words, digits, prose, scores, is_template)
    return _Page(segs, html, trust_bad, words, digits, prose, scores, end_cues, comment_dates, strong, folded,
                 repeats, teaser_list, is_template)


# The compiled kernels of text pages (dedupe.native), made once with this module's rules.
_native = kernels()


@lru_cache(maxsize=1)
def _native_prose():
    """``_is_prose`` and ``_score`` of text pages."""
    return _native.ProseRules(prose_end=_PROSE_END, closers=_CLOSERS, sentence_end=_SENTENCE_MARKS,
                              fragment_start=_FRAGMENT_START)


@lru_cache(maxsize=1)
def _native_labeller():
    """The tail of ``_page_facts`` and ``_label_blocks``."""
    return _native.Labeller(_native_prose(), cues, block_cls=Block, hint_caption=_hint_caption, hint_kind=_hint_kind,
                            main=MAIN, window=_REPEAT_WINDOW)


@lru_cache(maxsize=1)
def _native_regions():
    """The region phases (``_trim_edges`` of text pages only)."""
    return _native.Regions(cues, weak_region=_WEAK_REGION)


def _body_region(page: _Page) -> tuple[int, int]:
    """Phase 2: the article as one contiguous region, [start, end): the best-scoring run,
    before a comment thread, its dominant island, and before a strong boundary that
    only teasers follow."""
    if _native is not None:
        return _native_regions().body_region(page.scores, page.words, page.comment_dates, page.strong)
    scores, words, comment_dates, strong = page.scores, page.words, page.comment_dates, page.strong
    n = len(scores)
    start, end = _max_run(scores)
    # Comment threads come after the article: prefer the best run before the
    # first comment line when it holds a real article.
    dates = [k for k in range(n) if words[k] <= 12 and comment_dates[k]]
    thread = next((a for a, b in zip(dates, dates[1:]) if b - a <= 40), None)
    if thread is not None and thread < end:
        a, b = _max_run(scores[:thread])
        if b > a and _mass(scores, a, b) >= 30:
            start, end = a, b
    if end <= start:
        start, end = 0, 0
    start, end = _dominant_island(scores, start, end)
    # What follows a strong end-of-article boundary is boilerplate even when it is prose:
    # a run of teaser paragraphs after "Related" does not outweigh the article before it.
    mass = _mass(scores, start, end)
    for c in (k for k in range(start) if strong[k]):
        a, b = _max_run(scores[:c])
        before = _mass(scores, a, b)
        if b > a and before >= 30 and before >= 0.5 * mass:
            return _dominant_island(scores, a, b)
    return start, end


def _cut_at_boundary(page: _Page, start: int, end: int) -> tuple[int, str | None, set[int]]:
    """Phase 3: cut at the first strong end-of-article boundary once the body is under way.
    A "Related" box set inside the article is skipped when long prose resumes right after
    it. Returns the new end, the boundary's text (None: no cut) and the skipped boxes."""
    if _native is not None:
        return _native_regions().cut_at_boundary(page.segs, page.words, page.prose, page.scores, page.strong,
                                                 page.end_cues, page.comment_dates, page.repeats, page.folded,
                                                 start, end, page.html)
    segs, words, prose, scores, strong = page.segs, page.words, page.prose, page.scores, page.strong
    total = _mass(scores, start, end) or 1.0
    acc = 0.0
    inline_widget: set[int] = set()
    k = start
    while k < end:
        if k > start and strong[k] and acc >= 30 and acc < 0.35 * total \
                and _card_series(segs, words, prose, page.folded, k, end):
            return k, segs[k].text, inline_widget  # early, but a series of cards follows, not the article
        if k > start and acc >= 0.35 * total and (strong[k] or words[k] <= 12 and (
                k in page.repeats or page.comment_dates[k])):
            # an "About <name>" heading opens the closing bio or company blurb: nothing resumes after it
            resume = None if about_cue(segs[k]) else _resumes_after_widget(
                words, prose, scores, page.end_cues, page.comment_dates, k, end, acc, page.html)
            if resume is None:
                return k, segs[k].text, inline_widget
            inline_widget.update(range(k, resume))
            k = resume
            continue
        acc += max(0.0, scores[k])
        k += 1
    return end, None, inline_widget


def _teaser_cards(page: _Page, start: int, end: int) -> tuple[int, set[int]]:
    """Phase 4: teaser cards, the prose just before a "keep reading" cue back to the card's
    headline (cards come in series); the body ends before the first of them."""
    if _native is not None:
        return _native_regions().teaser_cards(page.segs, page.words, page.prose, start, end)
    segs, words, prose = page.segs, page.words, page.prose
    teaser: set[int] = set()
    cues = [k for k in range(start, len(segs)) if words[k] <= 6 and teaser_cue(segs[k])]
    for k in cues if len(cues) >= 2 else ():
        j, mass = k - 1, 0
        while j >= start and prose[j] and k - j <= 3:
            mass += words[j]
            j -= 1
        if mass > 150 or (j >= start and prose[j]):
            continue  # a long run of prose: a "read more" link inside the article, not a card
        teaser.update(range(j + 1, k))
        if k <= end + 1 and j > start:
            end = min(end, j + 1)
    return end, teaser


def _trim_edges(page: _Page, start: int, end: int, in_container: set[int]) -> tuple[int, int, int]:
    """Phase 5: the body starts and ends on prose, not on a bio, a caption or a disclaimer;
    a photo gallery at its top and a standfirst island are dropped; a region too weak for
    prose gives way to a table or list body. Returns the new [start, end) and where the
    body started before a gallery was skipped (the dateline may sit above the gallery)."""
    if not page.html and not in_container and _native is not None:
        return _native_regions().trim_edges(page.segs, page.scores, page.words, page.prose, page.strong,
                                            page.digits, start, end)
    segs, scores, html = page.segs, page.scores, page.html
    while start < end and (scores[start] < 1 or caption(segs[start])):
        start += 1
    top = start
    start = _skip_gallery(segs, scores, start, end)
    gallery = start > top
    while end > start and (scores[end - 1] < 1 or author(segs[end - 1]) or caption(segs[end - 1])
                           or disclaimer(segs[end - 1])):
        if _closing_list(segs, page.words, page.prose, in_container, end):
            break  # the article ends on a list of its own (tour dates, a schedule), not on a bio
        end -= 1
    start = _skip_standfirst(segs, scores, page.prose, start, end, html)
    if _mass(scores, start, end) < _WEAK_REGION:
        start, end = _structured_body(segs, page.words, page.prose, page.strong, page.digits, html, start, end)
    return start, end, (min(top, start) if gallery else start)


def _label_blocks(page: _Page, start: int, end: int, title: int | None, cut_reason: str | None,
                  inline_widget: set[int], teaser: set[int], deadline: Deadline) -> tuple[list[Block], str]:
    """Phase 6: every block's label and reason (inside the region: main, unless a cue says
    what it is; outside: the kind its cues, section or position name), and the main text."""
    if _native is not None:
        return _native_labeller().label(page.segs, page.words, page.prose, page.scores, page.strong,
                                        page.comment_dates, page.repeats, page.teaser_list, page.is_template,
                                        page.folded, start, end, title, cut_reason, inline_widget, teaser, deadline,
                                        page.html)
    segs, words, prose, scores, html = page.segs, page.words, page.prose, page.scores, page.html
    strong, comment_dates, repeats, is_template = page.strong, page.comment_dates, page.repeats, page.is_template
    n = len(segs)
    # a block shown twice in a row (a caption with a "more/less" toggle, a repeated
    # headline) counts once; text that recurs more often is the page's own structure
    where: dict[str, list[int]] = {}
    for k in range(start, end):
        where.setdefault(page.folded[k], []).append(k)
    echo = {ks[1] for ks in where.values() if len(ks) == 2 and ks[1] - ks[0] <= 4}
    blocks: list[Block] = []
    section: str | None = None
    main_parts: list[str] = []
    for k, s in enumerate(segs):
        if not k & 0xFFF:
            deadline.check()
        t = s.text
        if start <= k < end:
            label, reason = MAIN, "inside the article region"
            if k in inline_widget:
                label, reason = "related", "box inside the article (the article resumes after it)"
            elif words[k] <= 12 and not prose[k] and byline_bit(s):
                label, reason = "author", "byline or dateline"
            elif advert(s, words[k]):
                label, reason = "advertisement", "advertisement label"
            elif words[k] <= 40 and machinery(s):
                label, reason = "boilerplate", "page machinery (shortcode, script notice)"
            elif words[k] <= 25 and newsletter(s):
                label, reason = "newsletter", "subscribe/newsletter cue"
            elif s.tag == "figcaption" or (s.hints and _hint_caption(s.hints)):
                label, reason = "caption", "figure caption (DOM)"
            elif words[k] <= 60 and credit_end(s):
                label, reason = "caption", "caption ending in a credit"
            elif not html and words[k] <= 50 and k + 1 < n and words[k + 1] <= 5 \
                    and photo_credit(segs[k + 1]):
                label, reason = "caption", "caption: the line before a photo credit"
            elif not prose[k] and words[k] <= 40 and caption(s):
                label, reason = "caption", "caption/credit cue"
            elif not prose[k] and words[k] <= 40 and html and scores[k] < -4 and s.link_chars > 0.5 * len(t):
                label, reason = "navigation", "link block inside the article"
            elif is_template[k]:
                label, reason = "boilerplate", "site template (seen across stories)"
            elif k in echo and 6 <= words[k] <= 60:
                label, reason = "boilerplate", "repeats the block just before (a caption or headline shown twice)"
        else:
            after = k >= end
            if after and strong[k]:
                section = section_kind(s)
            if after and (comment_dates[k] or comment_cue(s)):
                section = "comments"
            if after and k + 1 < n and comment_dates[k + 1] and words[k] <= 6:
                section = "comments"
            if k in teaser or (after and k in repeats):
                label, reason = "related", "teaser card (repeated headline / keep-reading cue)"
            elif k in page.teaser_list:
                label, reason = "related", "teaser list (headline and dek pairs)"
            elif k == title:
                label, reason = "title", "headline before the article"
            elif is_template[k]:
                label, reason = "boilerplate", "site template (seen across stories)"
            elif not after and prose[k]:
                label, reason = "boilerplate", "prose before the article (standfirst or teaser)"
            else:
                label, reason = _kind_of(s, words[k], after, section if after else None, comment_dates[k])
            if k == end and cut_reason is not None:
                reason = f"end-of-article boundary: {cut_reason[:40]!r}"
        blocks.append(Block(t, label, reason, s.tag, s.para))
        if label == MAIN:
            main_parts.append(t)
    return blocks, "\n\n".join(main_parts)


def _dateline(page: _Page, lead: int, start: int) -> str | None:
    """The date in the dateline: a short line holding a year, among the few before the
    body (``lead``: its start before a gallery was skipped) or at its top."""
    words, digits = page.words, page.digits
    lo, hi = max(0, lead - _DATELINE_BEFORE), min(len(words), start + _DATELINE_AFTER)
    folded = page.folded
    return folded_dateline_date([folded[k] for k in range(lo, hi) if words[k] <= 14 and digits[k] >= 4])
