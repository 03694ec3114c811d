"""The article's headline, found among the blocks before its body.

In order of preference:

1. a short line before the body that the page title holds (HTML: ``og:title``
   or ``<title>``; a naive scrape: its first line, which is where the page
   ``<title>`` lands), up to :data:`WINDOW` blocks back: share bars, a photo and
   its caption, bylines and datelines often sit between a headline and its body;
   a heading first, then the longest;
2. an ``<h1>``-``<h6>`` just before the body (:data:`NEAR` blocks) that is about
   the body (at least half of its longer words occur in it);
3. the page title itself, without a site name ("Headline | Site"), when it
   shares a longer word with the body;
4. another line just before the body that is about the body, the longest;
5. none (HTML: the page title, without a site name).

Datelines, bylines, share and caption cues and lines of markup are never the
headline, and a line that is not about the article (a menu run, "Show more
sharing options") only by being in the page title.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import cues
from .cues import byline_bit, caption, social
from .native import kernels
from .pagemeta import without_site_name
from .segment import Segment
from .textstats import CJK_CHAR

__all__ = ["find_title"]

WINDOW = 40
NEAR = 12
_WORD = re.compile(r"\w+")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")  # "9:28 AM": a dateline, not a headline
_BYLINE = re.compile(r"^\W*(by|written by|von|por|par|di)\s", re.I)
_QUESTION = re.compile(r"[?!]\W*$")


def _same_words(folded: str, words: set[str]) -> float:
    """Word-set F1 of a line (``folded``: case-folded) against ``words`` (a headline written
    a little differently)."""
    mine = set(_WORD.findall(folded))
    shared = len(mine & words)
    return 2 * shared / (len(mine) + len(words)) if shared else 0.0


def _titled(text: str, w: int, title: str, title_words: set[str]) -> bool:
    """The page title (``title``, case-folded) holds the line, or its words nearly
    (:func:`_same_words` at least 0.8).

    Two cheap bounds skip the word sets for most lines: F1 0.8 needs at least two
    fifths of the title's words in the line (each shared word is a substring of it),
    and at least two thirds as many words in the line as in the title (a line's
    distinct words are at most its ``w`` word runs, in ASCII, which case folding
    leaves as they are)."""
    folded = text.casefold()
    if folded in title:
        return True
    if 3 * w < 2 * len(title_words) and text.isascii():
        return False
    if 5 * sum(map(folded.__contains__, title_words)) < 2 * len(title_words):
        return False
    return _same_words(folded, title_words) >= 0.8


def _key_words(low: str) -> set[str]:
    """The words that say what a line is about: words of four or more characters, and
    in scripts written without spaces (CJK), a run's character pairs instead (the
    whole run, a phrase or a sentence, would never recur in the body verbatim)."""
    out = set()
    for w in _WORD.findall(low):
        if CJK_CHAR.search(w):
            out.update(w[i:i + 2] for i in range(len(w) - 1))
        elif len(w) >= 4:
            out.add(w)
    return out


def _about(low: str, body: str) -> bool:
    """Two or more, and at least half, of the line's key words occur in the body
    (``low`` and ``body`` in lower case)."""
    ws = _key_words(low)
    need = max(2, (len(ws) + 1) // 2)  # (each search is over the whole body: stop once the answer is known)
    shared = missing = 0
    for w in ws:
        if w in body:
            shared += 1
            if shared >= need:
                return True
        else:
            missing += 1
            if len(ws) - missing < need:
                return False
    return False


def _never_a_headline(seg: Segment) -> bool:
    t = seg.text
    return (t[:1] == "<" or bool(_CLOCK.search(t)) or bool(_BYLINE.match(t)) or byline_bit(seg)
            or caption(seg) or social(seg))


def find_title(segs: list[Segment], words: list[int], prose: list[bool], end_cues: list[bool],
               start: int, end: int, page_title: str | None) -> tuple[int | None, str | None]:
    """The headline's block (``None`` when it is not a block of the page) and its text."""
    if _native is not None:
        return _native_headline().find(segs, words, prose, end_cues, start, end, page_title)
    text_input = page_title is None
    title_line = page_title if page_title is not None else (segs[0].text if segs and start > 0 else "")
    pt = title_line.casefold()
    site_free = without_site_name(title_line)
    title_words = set(_WORD.findall(site_free.casefold()))
    candidates = []
    for k in range(max(0, start - WINDOW), start):
        if 4 <= words[k] <= 30 and not end_cues[k] and (not prose[k] or _QUESTION.search(segs[k].text)):
            candidates.append(k)
    # 1. held by the page title: the heading, else the longest, else the nearest
    titled = [k for k in candidates if k > 0 and len(segs[k].text) >= 12 and _titled(segs[k].text, words[k], pt,
                                                                                     title_words)]
    for k in sorted(titled, key=lambda k: (segs[k].heading, words[k], k), reverse=True):
        if not _never_a_headline(segs[k]):
            return k, segs[k].text
    # the others must be about the body (its lower-cased text, for substring tests)
    body = " ".join([segs[k].low for k in range(start, end)])
    near = sorted((k for k in candidates if start - k <= NEAR and k not in titled),
                  key=lambda k: (segs[k].heading, words[k]), reverse=True)  # ties: the earlier
    near_k = next((k for k in near if _about(segs[k].low, body) and not _never_a_headline(segs[k])), None)
    if near_k is not None and segs[near_k].heading:  # 2. an <h1>-<h6> about the body
        return near_k, segs[near_k].text
    if site_free and any(w in body for w in _key_words(site_free.lower())) \
            and not (text_input and _never_a_headline(segs[0])):
        return (0 if text_input else None), site_free  # 3. the page title
    if near_k is not None:
        return near_k, segs[near_k].text
    return None, site_free if page_title else None  # (HTML: the page title is the title line)


_native = kernels()


@lru_cache(maxsize=1)
def _native_headline():
    """:func:`find_title` compiled (dedupe._native), with this module's rules."""
    return _native.Headline(cues, word=_WORD, question=_QUESTION, clock=_CLOCK, byline=_BYLINE,
                            without_site_name=without_site_name, about=_about, key_words=_key_words,
                            window=WINDOW, near=NEAR)
