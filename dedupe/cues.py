"""Cue phrases: the short lines and words that name boilerplate or mark the article's end.

Each cue is a regular expression over one block. Most blocks match none, and
matching an alternation of phrases is the costly part of labelling a page, so
every cue has a cheap gate, a necessary condition of its pattern, tested first:

- a pattern anchored at the start of the block (``^\\W*(related|more from|...)``)
  can only match when the block's first word is one its alternatives begin
  with: a set lookup on :attr:`Segment.first`;
- a pattern that searches anywhere in the block needs one of its literal
  phrases there: :func:`mark` finds every phrase once in the whole page (the
  blocks' lower-cased texts joined by newlines; ``str.find`` is much faster than
  trying an alternation at every character) and sets the block's flag bits;
- a comment header holds a time ("7:26") or an "ago": a flag bit too;
- a pattern that admits a count first ("12 comments") needs a comment word.

A segment that :func:`mark` has not seen (``first`` is ``None``, all flags set)
passes every gate, so the patterns alone decide.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from .native import kernels
from .casefold import _CASE_FOLD, FOLD_BY_PYTHON, fold_case
from .segment import Segment
from .textstats import flag_table

__all__ = ["mark", "names_a_kind", "end_cue", "end_cues_of", "about_cue", "glued_cue", "teaser_cue", "comment_date", "comment_cue",
           "advert", "caption", "credit_end", "photo_credit", "byline_bit", "embed_credit", "author",
           "disclaimer", "footer", "newsletter", "social", "machinery", "section_kind"]

# Patterns written in lower case, without IGNORECASE, are matched against a block's
# lower-cased text (Segment.low): an alternation of literals scans several times faster.

# Boundary cues: short lines that open the part of a page that follows the article.
_END_CUE_LOW = re.compile(
    r"^\W*(related( (articles?|stories|posts|content|news|coverage|topics|reading|links))?|"
    r"(you )?(may|might) (also )?(like|enjoy|be interested)|more (from|on|in|stories|news|articles)\b.*|"
    r"more( [\w'-]+){0,3} (stories|articles|news|videos|reads|coverage)|"
    r"most (popular|read|viewed|shared|commented)( in [\w ]{1,30})?|(top|trending|popular) (stories|headlines|videos)|"
    r"você (também )?pode gostar|te puede interesar|potrebbe interessarti|das könnte sie auch interessieren|"
    r"vous aimerez aussi|вам (также )?может понравиться|"
    r"read next|recommended( for you| stories| articles)?|most (popular|read|viewed)|"
    r"trending( now| stories)?|popular (stories|posts|articles|now)|latest( news| stories| articles)?|"
    r"(leave|post|add|write) a (reply|comment)|\d*\s*comments?( \(\d+\))?|show comments|"
    r"join the (conversation|discussion)|what do you think\??|discussion|responses?|"
    r"share (this|the) (article|story|post)|about the author|tags?|topics?|filed under|"
    r"written by|keep reading|show less|continue reading|more like this|in case you missed it|"
    r"lees ook|mehr zum thema|weitere artikel|leia (também|mais)|veja também|читайте также|"
    r"похожие (статьи|новости)|関連記事|관련 ?기사|baca juga|artikel terkait|leggi anche|"
    r"ver también|lire aussi|à lire aussi|"
    r"kommentare|commentaires|commenti|comentários|comentarios|комментарии|отзывы|reacties|komentarze|"
    r"добавить (отзыв|комментарий)|deixe (seu|um) comentário|lascia un commento|laisser un commentaire|"
    r"kommentar schreiben|deja un comentario|самые (популярные|читаемые)( [\w ]{1,30})?|más (populares|leídas)|"
    r"mais (populares|lidas)|les plus (lus|populaires)|meistgelesen|più letti)\W*$"
)
# "About <Name>" (a closing bio or company blurb): the name is capitalised
_END_CUE_ABOUT = re.compile(r"^\W*(about|über|à propos de|sobre|acerca de) (?-i:[A-ZÀ-Þ][\w.&'-]*)"
                            r"( (?-i:[A-ZÀ-Þ&][\w.&'-]*)){0,3}\W*$", re.I)
# an end-of-article cue glued by the scrape to the teaser headlines that follow it
# ("Related Tags Transportation Travel ...", "Recommended Stories Yep, There's a ...")
_GLUED_CUE = re.compile(r"^\W*(?i:related( (articles?|stories|posts|tags|topics|content|coverage|videos))?|"
                        r"(you )?(may|might) also like|recommended( (for you|stories|articles|videos))?|"
                        r"read (more|next)|more (from|in|on|about) [\w ]{1,30}?|trending( now| stories)?|"
                        r"most (popular|read|viewed))\s*:?\s+[A-Z0-9\"“‘']")
# pieces of a byline block: "By", a handle, an e-mail address, a dateline of date and time
_BYLINE_BIT = re.compile(r"^\W*(by:?|@\w{2,30}|[\w.+-]+@[\w-]+\.[\w.-]+|"
                         r"(updated:? |published:? |posted:? )?([A-Z][a-z]{2,8},? )?[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4},? "
                         r"(at )?\d{1,2}[:.]\d{2} ?([ap]\.?m\.?)?( [A-Z]{2,4})?)\W*$", re.I)
_ABOUT_CUE = re.compile(r"^\W*(about|über|à propos de|sobre|acerca de) (?-i:[A-ZÀ-Þ])", re.I)
_EMBED_CREDIT = re.compile(r"^\W*[—–-]\s|\(@\w+\)")
_TEASER_CUE = re.compile(r"(keep reading|show less|read more|continue reading|read full (story|article))\W*$", re.I)
_DATE = r"(\w+ \d{1,2},? \d{4}|\d{1,2}\.? \w+ \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
_TIME = r"\d{1,2}[:.]\d{2}( ?[ap]\.?m\.?)?"
# a comment header: "[Name] [on] January 10, 2022 at 7:26 pm [said:]", or "3 days ago"
_COMMENT_DATE = re.compile(
    r"^\W*([\w().'@-]+ ){0,4}?(on )?" + _DATE + r",? (at )?" + _TIME + r"\W*((said|says|wrote|writes)\W*)?$"
    r"|^\W*\d+ (minutes?|hours?|days?|weeks?|months?|years?) ago( at " + _TIME + r")?\W*$",
    re.I,
)
_COMMENT_CUE = re.compile(r"^\W*(\d+\s*)?(comments?|reply|replies|leave a (reply|comment)|"
                          r"your email address will not be published.*|log in to (reply|comment).*)\W*$", re.I)
_NEWSLETTER = re.compile(r"newsletter|subscribe|sign up|signup|inbox|e-?mail address|abonn|inscreva|подпис")
# a caption or credit: a label at the start ("Photo:", "In this file photo"), or a credit anywhere
_CAPTION_START = re.compile(r"\W*(?:(image|photo|picture|foto|credit|source|illustration|file photo|"
                            r"top photo|video)( credit)?s?\s*[:|]|"
                            r"in this ([\w.]+ \d{1,2}, \d{4},? |undated )?(file )?(photo|image)\b)")
# (every alternative starts with a character, so that the search skips ahead to those:
# "a(?<!\wa)" is "\ba", a word boundary before the "a")
_CAPTION_ANY = re.compile(r"\((?:photo|image|credit|foto)\b|getty images|shutterstock|a(?<!\wa)p photo\b|"
                          r"p(?<!\wp)hoto(?:graph)?:|/ ?(?:reuters|afp|ap|getty|epa)\)?\s*$")
# a line that is only a photo credit ("Natalie Naccache | Bloomberg | Getty Images", "(Image: GETTY)");
# in a scrape the line before it is the photo's caption
_PHOTO_CREDIT = re.compile(r"^\W*(\((image|photo|picture|foto)s?\s*:[^()]{1,40}\)|"
                           r"[^.!?]{0,60}\b(getty images|shutterstock|ap photo|afp|reuters|epa|istock)\b[^.!?]{0,30})\W*$",
                           re.I)
_AUTHOR = re.compile(r"^\W*(written by|about the author|by\s+[A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3}\s*$)|"
                     r"^[\w.@()' -]{3,60}\bis (a |an |the )?[\w\s,-]{0,60}(writer|reporter|editor|correspondent|fellow|"
                     r"professor|columnist|journalist|author|contributor|director|dean|analyst|researcher)\b",
                     re.I)
_DISCLAIMER = re.compile(r"^\W*(the )?(views|opinions) expressed|^\W*this (article|story) (was|is|has been) "
                         r"(originally )?(published|produced|written|updated)", re.I)
_FOOTER = re.compile(r"©|\(c\) ?\d{4}|copyright|all rights reserved|privacy policy|terms (of|and) "
                     r"(use|service|conditions)|cookie")
_SOCIAL = re.compile(r"^\W*(follow us|share( on| this)?|tweet|facebook|twitter|linkedin|whatsapp|"
                     r"pinterest|reddit|email|print|connect with us|copy link)\b", re.I)
_ADVERT = re.compile(r"^\W*(advertisement|advertising|advert|sponsored|ad|anzeige|publicidade|publicité|"
                     r"pubblicità|publicidad|реклама|(continue reading|story continues|article continues) below)\W*$",
                     re.I)
# page machinery left in the text: an unrendered shortcode ("[button link=...]"), a script notice
_MACHINERY = re.compile(r"^\s*\[/?(?-i:[a-z_]+)(\s[^\]=]+=[^\]]*)?\]\s*$|\brequires javascript\b|"
                        r"\b(please )?enable javascript\b", re.I)
# a caption ends with its credit: "... Credit: ESA", "... (Photo: C-SPAN)"
_CREDIT_END = re.compile(r"\b(credit|photo|image|foto|source)s?\s*:\s*[^.!?]{1,60}\W*$")

# -- gates of the patterns that search anywhere and are tried on most blocks: literal
# phrases, one flag bit per pattern (found in the lower-cased text; a pattern that
# reads Segment.text is case-insensitive)
FOOTER, NEWSLETTER, CREDIT_WORD, TEASER, PHOTO_WORD, CLOCK, REPLY_WORD, JOB_WORD, MACHINE_MARK, AT_SIGN, \
    DISCLAIMER_WORD = (1 << i for i in range(11))
_LITERALS = (
    (FOOTER, ("©", "(c)", "copyright", "all rights reserved", "privacy policy", "terms ", "cookie")),
    (NEWSLETTER, ("newsletter", "subscribe", "sign up", "signup", "inbox", "mail address", "abonn",
                  "inscreva", "подпис")),
    (CREDIT_WORD, ("credit", "photo", "image", "foto", "source")),
    (TEASER, ("keep reading", "show less", "read more", "continue reading", "read full")),
    # what a caption's credit ("(Photo: X)", "/ Reuters") or a photo credit line holds
    (PHOTO_WORD, ("photo", "image", "picture", "foto", "getty", "shutterstock", "afp", "reuters", "epa", "istock",
                  "/ap", "/ ap")),
    # comment headers: "3 days ago" (or a time, below); comment lines: "12 comments", "Reply", "Log in to reply"
    (CLOCK, ("ago",)),
    (REPLY_WORD, ("comment", "repl", "published", "log in")),
    # an author bio's job ("Jane Doe is a reporter ..."); a shortcode or script notice; a handle or e-mail
    (JOB_WORD, ("writer", "reporter", "editor", "correspondent", "fellow", "professor", "columnist", "journalist",
                "author", "contributor", "director", "dean", "analyst", "researcher")),
    (MACHINE_MARK, ("[", "javascript")),
    (AT_SIGN, ("@",)),
    (DISCLAIMER_WORD, ("expressed", "this article", "this story")),
)
# CLOCK is also set where a digit, ":" or "." and a digit follow each other (a time, "7:26")
_CLOCK_MARK = re.compile(r"\d[:.]\d")
# the first word of each line: after the line's leading non-word characters
# (a pattern that starts with a literal is searched for with a fast scan)
_FIRST_WORDS = re.compile(r"\n[^\w\n]*(\w*)")

# -- gates of the anchored patterns: the words their alternatives begin with
_END_CUE_FIRST = frozenset("""related you may might more most top trending popular você te potrebbe das
    vous вам read recommended latest leave post add write comment comments show join what discussion
    response responses share about tag tags topic topics filed written keep continue in lees mehr
    weitere leia veja читайте похожие 関連記事 관련 관련기사 baca artikel leggi ver lire à kommentare
    commentaires commenti comentários comentarios комментарии отзывы reacties komentarze добавить deixe
    lascia laisser kommentar deja самые más mais les meistgelesen più""".split())
_ABOUT_FIRST = frozenset("about über à sobre acerca".split())
_GLUED_FIRST = frozenset("related you may might recommended read more trending most".split())
_ADVERT_FIRST = frozenset("""advertisement advertising advert sponsored ad anzeige publicidade publicité
    pubblicità publicidad реклама continue story article""".split())
_SOCIAL_FIRST = frozenset("""follow share tweet facebook twitter linkedin whatsapp pinterest reddit email
    print connect copy""".split())
_CAPTION_FIRST = frozenset(w + s for w in ("image", "photo", "picture", "foto", "credit", "source",
                                           "illustration", "video") for s in ("", "s")) | {"file", "top", "in"}
_COMMENT_FIRST = frozenset("comment comments reply replies leave your log".split())
_AUTHOR_FIRST = frozenset("written about by".split())


def mark(segs: list[Segment]) -> None:
    """Set each segment's lower-case text, first word and flag bits, for the whole page at once."""
    if _native is not None and _native_gates().mark(segs):
        return
    page = "\n".join([s.text for s in segs])
    if page.count("\n") != len(segs) - 1:  # a block holding a line break: leave the gates open
        for s in segs:
            s.low = fold_case(s.text)
        return
    _mark_folded(segs, fold_case(page))


def _mark_folded(segs: list[Segment], page: str) -> None:
    """:func:`mark` in Python, given the page's folded text (the compiled one does the same)."""
    lows = page.split("\n")
    firsts = _FIRST_WORDS.findall("\n" + page)
    starts = []
    pos = 0
    for s, low in zip(segs, lows):
        starts.append(pos)
        pos += len(low) + 1
    flags = [0] * len(segs)
    n = len(segs)
    find = page.find
    for bit, literals in _LITERALS:
        for lit in literals:
            i = find(lit)
            while i >= 0:
                k = bisect_right(starts, i) - 1
                flags[k] |= bit
                if k + 1 >= n:
                    break
                i = find(lit, starts[k + 1])  # the next block: one hit is enough
    m = _CLOCK_MARK.search(page)
    while m is not None:
        k = bisect_right(starts, m.start()) - 1
        flags[k] |= CLOCK
        m = _CLOCK_MARK.search(page, starts[k + 1]) if k + 1 < n else None
    for s, low, first, f in zip(segs, lows, firsts, flags):
        s.low = low
        s.first = first
        s.flags = f


_native = kernels()


@lru_cache(maxsize=1)
def _native_gates():
    return _native.LiteralGates(_LITERALS, flag_table(), fold_case, _CASE_FOLD, FOLD_BY_PYTHON, clock_bit=CLOCK)


#: The gates of the cues that name a block's kind (and others), as data, for the compiled labeller
#: (dedupe._native): ``(words, bits, count_bits)``: a cue can match only a block whose first word
#: is unknown or one of ``words``, whose flags share ``bits``, or whose first word starts with a
#: digit and whose flags share ``count_bits`` ("12 comments").
#: Each is a necessary condition of its cue (tests check it); the cue functions test
#: their own gates, and more, again.
CUE_GATES = {
    "advert": (_ADVERT_FIRST, 0, 0),
    "caption": (_CAPTION_FIRST, CREDIT_WORD | PHOTO_WORD, 0),
    "photo_credit": (frozenset(), PHOTO_WORD, 0),
    "credit_end": (frozenset(), CREDIT_WORD, 0),
    "comment_cue": (_COMMENT_FIRST, 0, REPLY_WORD),
    "newsletter": (frozenset(), NEWSLETTER, 0),
    "footer": (frozenset(), FOOTER, 0),
    "social": (_SOCIAL_FIRST, 0, 0),
    "author": (_AUTHOR_FIRST, JOB_WORD, 0),
    "disclaimer": (frozenset(), DISCLAIMER_WORD, 0),
    "about_cue": (_ABOUT_FIRST, 0, 0),
    "teaser_cue": (frozenset(), TEASER, 0),
    "comment_date": (frozenset(), CLOCK, 0),
    "end_cue": (_END_CUE_FIRST | _ABOUT_FIRST, 0, REPLY_WORD),
    "machinery": (frozenset(), MACHINE_MARK, 0),
    "byline_bit": (frozenset(("by",)), CLOCK | AT_SIGN, 0),
}
#: the gates of the cues that name a block's kind together (see names_a_kind)
KIND_GATE = (_ADVERT_FIRST | _CAPTION_FIRST | _COMMENT_FIRST | _SOCIAL_FIRST | _AUTHOR_FIRST,
             NEWSLETTER | FOOTER | CREDIT_WORD | PHOTO_WORD | JOB_WORD | DISCLAIMER_WORD, REPLY_WORD)
#: The cues that are gates and patterns only, as data, so that the compiled kernels ask the
#: patterns themselves: name -> alternatives ``(gate, field, method)``. The cue holds when,
#: for one alternative, the gate (as in CUE_GATES) lets the block through and
#: ``method(getattr(seg, field))`` matches (tests check each against its function).
CUE_PATTERNS = {
    "end_cue": (((_END_CUE_FIRST, 0, REPLY_WORD), "low", _END_CUE_LOW.match),
                ((_ABOUT_FIRST, 0, 0), "text", _END_CUE_ABOUT.match)),
    "comment_date": ((CUE_GATES["comment_date"], "text", _COMMENT_DATE.match),),
    "glued_cue": (((_GLUED_FIRST, 0, 0), "text", _GLUED_CUE.match),),
    "social": ((CUE_GATES["social"], "text", _SOCIAL.match),),
    "footer": ((CUE_GATES["footer"], "low", _FOOTER.search),),
    "newsletter": ((CUE_GATES["newsletter"], "low", _NEWSLETTER.search),),
    "machinery": ((CUE_GATES["machinery"], "text", _MACHINERY.search),),
    "byline_bit": ((CUE_GATES["byline_bit"], "text", _BYLINE_BIT.match),),
    "photo_credit": ((CUE_GATES["photo_credit"], "text", _PHOTO_CREDIT.match),),
    "teaser_cue": ((CUE_GATES["teaser_cue"], "text", _TEASER_CUE.search),),
    "about_cue": ((CUE_GATES["about_cue"], "text", _ABOUT_CUE.match),),
    # (every credit _CAPTION_ANY finds holds a PHOTO_WORD or CREDIT_WORD phrase: "/ ap" and "(credit" too)
    "caption": (((_CAPTION_FIRST, 0, 0), "low", _CAPTION_START.match),
                ((frozenset(), PHOTO_WORD | CREDIT_WORD, 0), "low", _CAPTION_ANY.search)),
    # (the functions of these three ask more of a block first: tests check that their patterns alone agree)
    "credit_end": ((CUE_GATES["credit_end"], "low", _CREDIT_END.search),),
    "comment_cue": (((frozenset(), REPLY_WORD, 0), "text", _COMMENT_CUE.match),),
    "author": ((CUE_GATES["author"], "text", _AUTHOR.match),),
    "disclaimer": ((CUE_GATES["disclaimer"], "text", _DISCLAIMER.match),),
}


def names_a_kind(seg: Segment) -> bool:
    """Whether any of the cues that name a block's kind could match it (advert, caption,
    credit_end, comment_cue, newsletter, footer, social, author, disclaimer): their gates together,
    one question instead of eight for the many blocks none of them can match."""
    return _opens(seg, *KIND_GATE)


def _opens(seg: Segment, words: frozenset[str], bits: int, count_bits: int) -> bool:
    """A gate of :data:`CUE_GATES` lets ``seg`` through."""
    first = seg.first
    return first is None or first in words or bool(seg.flags & bits) \
        or (bool(seg.flags & count_bits) and first[:1].isdecimal())


def _first_in(seg: Segment, words: frozenset[str]) -> bool:
    first = seg.first
    return first is None or first in words


# -- the cues

def end_cue(seg: Segment) -> bool:
    """A line that opens what follows the article ("Related", "Leave a reply", "About Jane Doe")."""
    return bool((_opens(seg, _END_CUE_FIRST, 0, REPLY_WORD) and _END_CUE_LOW.match(seg.low))
                or (_first_in(seg, _ABOUT_FIRST) and _END_CUE_ABOUT.match(seg.text)))


def end_cues_of(segs: list[Segment]) -> list[bool]:
    """:func:`end_cue` of every segment, its gate asked first (most blocks fail it)."""
    gate = CUE_GATES["end_cue"]
    return [_opens(s, *gate) and end_cue(s) for s in segs]


def about_cue(seg: Segment) -> bool:
    """An "About <Name>" heading: a closing bio or company blurb."""
    return _first_in(seg, _ABOUT_FIRST) and bool(_ABOUT_CUE.match(seg.text))


def glued_cue(seg: Segment) -> bool:
    """An end cue glued by the scrape to the teaser headlines that follow it."""
    return _first_in(seg, _GLUED_FIRST) and bool(_GLUED_CUE.match(seg.text))


def teaser_cue(seg: Segment) -> bool:
    """Ends in a "keep reading" / "read more" link."""
    return bool(seg.flags & TEASER) and bool(_TEASER_CUE.search(seg.text))


def caption(seg: Segment) -> bool:
    """A caption or credit: a label at the start, or a credit anywhere."""
    low = seg.low
    if _first_in(seg, _CAPTION_FIRST) and _CAPTION_START.match(low):
        return True
    return ("photo" in low or "/" in low or "getty" in low or "shutterstock" in low
            or ("(" in low and ("(image" in low or "(credit" in low or "(foto" in low))) \
        and bool(_CAPTION_ANY.search(low))


def credit_end(seg: Segment) -> bool:
    """Ends with a credit ("... Credit: ESA")."""
    return bool(seg.flags & CREDIT_WORD) and ":" in seg.low and bool(_CREDIT_END.search(seg.low))


def photo_credit(seg: Segment) -> bool:
    """Only a photo credit ("Natalie Naccache | Bloomberg | Getty Images")."""
    return bool(seg.flags & PHOTO_WORD) and bool(_PHOTO_CREDIT.match(seg.text))


def byline_bit(seg: Segment) -> bool:
    """A piece of a byline block: "By", a handle, an e-mail address, a dateline."""
    return _opens(seg, *CUE_GATES["byline_bit"]) and bool(_BYLINE_BIT.match(seg.text))


def embed_credit(seg: Segment) -> bool:
    """The attribution line of an embedded post ("— Name (@handle) date")."""
    return bool(_EMBED_CREDIT.search(seg.text))


def machinery(seg: Segment) -> bool:
    """Page machinery left in the text: an unrendered shortcode, a script notice."""
    return bool(seg.flags & MACHINE_MARK) and bool(_MACHINERY.search(seg.text))


def comment_date(seg: Segment) -> bool:
    """A comment header: "[Name] on January 10, 2022 at 7:26 pm", "3 days ago".
    (Every one holds a number too: classify asks only blocks whose digit count,
    from the page-wide counts, is not zero.)"""
    # every comment header holds a time ("7:26") or an "ago": the CLOCK flag
    return bool(seg.flags & CLOCK) and bool(_COMMENT_DATE.match(seg.text))


def advert(seg: Segment, w: int) -> bool:
    """An advertisement label; ``w`` is the block's word count."""
    # an advert label is at most three words (CJK punctuation aside)
    return (w <= 3 or not seg.text.isascii()) and _first_in(seg, _ADVERT_FIRST) and bool(_ADVERT.match(seg.text))


def comment_cue(seg: Segment) -> bool:
    """A comment-thread line: "12 comments", "Reply", "Leave a comment"."""
    # every alternative holds "comment", "repl", "published" or "log in": the REPLY_WORD flag
    return _opens(seg, _COMMENT_FIRST, 0, REPLY_WORD) and bool(seg.flags & REPLY_WORD) \
        and bool(_COMMENT_CUE.match(seg.text))


def author(seg: Segment) -> bool:
    """A byline or an author bio ("Jane Doe is a reporter ...")."""
    low = seg.low
    # a bio names the job: the JOB_WORD flag
    return (_first_in(seg, _AUTHOR_FIRST) or (bool(seg.flags & JOB_WORD) and "is " in low)) \
        and ("by" in low or "is " in low or "author" in low) and bool(_AUTHOR.match(seg.text))


def disclaimer(seg: Segment) -> bool:
    """"The views expressed ...", "This article was originally published ..."."""
    # "expressed", "this article" or "this story": the DISCLAIMER_WORD flag
    return bool(seg.flags & DISCLAIMER_WORD) and bool(_DISCLAIMER.match(seg.text))


def footer(seg: Segment) -> bool:
    """A copyright or legal line."""
    return bool(seg.flags & FOOTER) and bool(_FOOTER.search(seg.low))


def newsletter(seg: Segment) -> bool:
    """A subscribe/newsletter line."""
    return bool(seg.flags & NEWSLETTER) and bool(_NEWSLETTER.search(seg.low))


def social(seg: Segment) -> bool:
    """A share/follow line."""
    return _first_in(seg, _SOCIAL_FIRST) and bool(_SOCIAL.match(seg.text))


_SECTION_OF_CUE = (  # (over the folded text)
    (re.compile(r"comment|coment|koment|kommentar|коммент|отзыв|reacties|reply|conversation|discussion|"
                r"responses?"), "comments"),
    (re.compile(r"newsletter|subscribe|sign up"), "newsletter"),
    (re.compile(r"author|written by"), "author"),
    (re.compile(r"share|tags?|topics?|filed"), "navigation"),
)


def section_kind(seg: Segment) -> str:
    """The kind of the section an end cue opens."""
    for pat, kind in _SECTION_OF_CUE:
        if pat.search(seg.low):
            return kind
    return "related"
