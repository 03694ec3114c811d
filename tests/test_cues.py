"""The cheap gates in front of the cue patterns and the page-wide counts are speedups
only: they must never change an answer. Each cue is asked of segments that
:func:`dedupe.cues.mark` has seen (gates in use) and of copies it has not (gates
open, so the pattern alone decides); the answers must agree. The numpy counts
must equal the per-block regular-expression counts."""
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import cues
from dedupe import segment as segment_module
from dedupe.segment import Segment, fold_case
from dedupe.textstats import _one_by_one, block_counts

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# every word written in the cue patterns themselves (so that an alternative added to a
# pattern but not to its gate's word set is found), in several cases, and some others
_PATTERNS = [v for v in vars(cues).values() if isinstance(v, re.Pattern)]
CUE_WORDS = sorted({w.lower() for p in _PATTERNS for w in re.findall(r"[^\W\d_]{2,}", p.pattern)})
FILLERS = ["this", "article", "also", "like", "from", "the", "a", "Jane", "Doe", "is", "reporter", "by", "on",
           "January", "10,", "2022", "at", "7:26", "pm", "said:", "ago", "3", "days", "Photo:", "(Photo:",
           "Getty", "Images", "Credit:", "ESA", "©", "2024", "cookie", "policy", "subscribe", "newsletter",
           "Read", "More", "keep", "reading", "below", "Stories", "Reply", "(AP)", "/", "Reuters", "12comments",
           "İstanbul", "ſhare", "ı", "関連記事", "관련", "기사", "—", "’", "…", "[button", "link=x]", "javascript",
           "@janedoe", "jane@news.example", "10.45", "٣:٤٥", "|", "AFP", "is a reporter", "Editor", "/AP", "/ Reuters)",
           "КОММЕНТАРИИ", "Sıgn up", "Reacties", "The views expressed",
           "This article was originally published", "THIS STORY"]
WORD = st.sampled_from(CUE_WORDS) | st.sampled_from(FILLERS) | st.sampled_from([w.upper() for w in CUE_WORDS]) \
    | st.sampled_from([w.title() for w in CUE_WORDS])
PUNCT = st.sampled_from(["", "", "", "- ", "» ", "• ", "1. ", "(", "“", "#"])
LINE = st.tuples(PUNCT, st.lists(WORD, min_size=1, max_size=9), st.sampled_from(["", "", ":", ".", " »", "?"])) \
    .map(lambda t: t[0] + " ".join(t[1]) + t[2])
PAGE = st.lists(LINE, min_size=1, max_size=25)


# section_kind's patterns as they were written, case-insensitive over the text: its folded
# patterns must give the same kinds
_SECTION_OF_CUE = ((r"comment|coment|koment|kommentar|коммент|отзыв|reacties|reply|conversation|discussion|responses?",
                    "comments"), (r"newsletter|subscribe|sign up", "newsletter"), (r"author|written by", "author"),
                   (r"share|tags?|topics?|filed", "navigation"))


def _section_kind(text):
    return next((kind for pat, kind in _SECTION_OF_CUE if re.search(pat, text, re.I)), "related")


def _unmarked(text: str) -> Segment:
    seg = Segment(text)  # first word unknown, every flag set: the gates let everything through
    seg.low = fold_case(text)
    return seg


@FAST
@given(PAGE)
def test_gates_never_change_an_answer(lines):
    segs = [Segment(t) for t in lines]
    cues.mark(segs)
    assert [s.first for s in segs] != [None] * len(segs)
    assert [s.low for s in segs] == [fold_case(t) for t in lines]  # folded as one page, block by block
    for seg in segs:
        ref = _unmarked(seg.text)
        w = len(seg.text.split())
        for name in ("end_cue", "about_cue", "glued_cue", "teaser_cue", "caption", "credit_end", "comment_date",
                     "comment_cue", "author", "disclaimer", "footer", "newsletter", "social", "photo_credit",
                     "byline_bit", "machinery"):
            f = getattr(cues, name)
            assert f(seg) == f(ref), (name, seg.text)
        assert cues.advert(seg, w) == cues.advert(ref, w), seg.text
        assert cues.comment_date(seg) == bool(cues._COMMENT_DATE.match(seg.text)), seg.text  # its gate is necessary
        assert cues.author(seg) == bool(cues._AUTHOR.match(seg.text)), seg.text  # and so is author's
        # the combined gate: whenever one of the cues that name a kind matches, it lets the block through
        if any(getattr(cues, name)(ref) for name in ("caption", "credit_end", "comment_cue", "newsletter", "footer",
                                                     "social", "author", "disclaimer")) or cues.advert(ref, w):
            assert cues.names_a_kind(seg), seg.text
        # each cue's gate as data (CUE_GATES, for the compiled labeller) is a necessary condition
        assert cues.comment_cue(seg) == bool(cues._COMMENT_CUE.match(seg.text)), seg.text
        assert cues.section_kind(seg) == _section_kind(seg.text), seg.text
        # the cues given as gates and patterns (CUE_PATTERNS, for the compiled kernels) are their functions
        for s in (seg, ref):
            for name, alternatives in cues.CUE_PATTERNS.items():
                asked = any(cues._opens(s, *gate) and bool(method(getattr(s, field)))
                            for gate, field, method in alternatives)
                assert getattr(cues, name)(s) == asked, (name, s.text)
        for name, (words, bits, count_bits) in cues.CUE_GATES.items():
            f = getattr(cues, name)
            if f(ref, w) if name == "advert" else f(ref):
                first = seg.first
                assert first is None or first in words or bool(seg.flags & bits) \
                    or (bool(seg.flags & count_bits) and first[:1].isdecimal()), (name, seg.text)
    assert cues.end_cues_of(segs) == [cues.end_cue(_unmarked(s.text)) for s in segs]


def test_a_block_with_a_line_break_leaves_the_gates_open():
    segs = [Segment("Related\nstories"), Segment("Comments")]
    cues.mark(segs)
    assert segs[0].first is None and segs[1].first is None
    assert [s.low for s in segs] == ["related\nstories", "comments"] and cues.end_cue(segs[1])


TEXT = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60) \
    | st.sampled_from(["İstanbul Σ ς", "e\u0301te", "😀 word 𠀀字", "Ⅻ ① ٣ x_y 𝟎", "\u3042\u4e00\uac00 ab", "À × Þ 42"])


@FAST
@given(st.lists(TEXT, min_size=1, max_size=20))
def test_page_counts_equal_block_by_block_counts(texts):
    texts = [" ".join(t.split()) or "x" for t in texts]  # blocks as the segmenters make them
    assert block_counts(texts) == _one_by_one(texts)


def test_counts_fall_back_for_blocks_with_line_breaks_or_empty_ones():
    texts = ["one two\nThree", "", "Four"]
    texts[2] = "Four 4"
    assert block_counts(texts) == _one_by_one(texts) == ([3, 0, 2], [3, 0, 2], [1, 0, 1], [0, 0, 1])


@FAST
@given(st.lists(TEXT | st.sampled_from(["ΣΑΣ", "ΌΣ", "Σ", "a'Σ", "İİ", "ẞ ß", "ǅ"]), min_size=1, max_size=20))
def test_a_page_folds_to_its_blocks_folded_one_by_one(texts):
    """mark lowers the page at once: no letter's case may depend on the block before or after
    (Greek final sigma looks at its neighbours)."""
    texts = [" ".join(t.split()) or "x" for t in texts]
    segs = [Segment(t) for t in texts]
    cues.mark(segs)
    assert [s.low for s in segs] == [fold_case(t) for t in texts]


LABEL = re.compile(r"^(advertisement|advertising|anzeige|publicidade|sponsored|facebook|twitter|e-?mail|share|print|"
                   r"whatsapp|linkedin|pinterest|reddit|getty images|(photo|image|video)( credit)?:?)$", re.I)


@FAST
@given(st.sampled_from(sorted(segment_module._STANDALONE)).flatmap(
    lambda w: st.tuples(st.just(w), st.lists(st.booleans(), min_size=len(w), max_size=len(w)))).map(
    lambda t: "".join(c.upper() if up else c for c, up in zip(*t))) | WORD | st.text("ſıİKsikSIK:- ", max_size=14))
def test_standalone_labels_are_a_case_insensitive_match(line):
    """The labels that stand alone on a line, as a set of folded texts, are the case-insensitive
    pattern they replaced (which the test keeps as their definition)."""
    assert (segment_module.fold_case(line) in segment_module._STANDALONE) == bool(LABEL.match(line))


CAPTION_ANY = re.compile(r"\((photo|image|credit|foto)\b|getty images|shutterstock|\bap photo\b|"
                         r"\bphoto(graph)?:|/ ?(reuters|afp|ap|getty|epa)\)?\s*$")  # as first written


@FAST
@given(st.lists(st.sampled_from(["photo", "(photo", "ap photo", "photograph:", "photo:", "getty images", "/ ap", "/ap)",
                                 "/reuters", "shutterstock", "(foto", "(image", "(credits", " ", "\n", "x", "_", "é",
                                 "a", "p", "(", "/", ":"]), max_size=10).map("".join))
def test_the_caption_credit_pattern_is_the_one_first_written(low):
    assert bool(cues._CAPTION_ANY.search(low)) == bool(CAPTION_ANY.search(low))


def test_every_kind_of_caption_passes_its_gate_as_data():
    """``CUE_PATTERNS["caption"]`` (the compiled kernels ask it) gates _CAPTION_ANY by the
    PHOTO_WORD and CREDIT_WORD phrases alone: each kind of credit the pattern finds holds one."""
    lines = ["Photo: Jane Doe", "In this file photo, a crowd", "Video credits | Channel 4", "A crowd (Credit: ESA)",
             "A crowd (Image courtesy of NASA)", "A crowd (foto di Rai)", "A crowd Getty Images", "Shutterstock",
             "A crowd, AP Photo", "Photograph: Jane Doe", "A crowd / Reuters", "A crowd /AP", "A crowd / EPA)",
             "A crowd /afp", "A crowd /Getty", "Just a sentence about the council / the mayor."]
    segs = [Segment(t) for t in lines]
    cues.mark(segs)
    (first, gate0, method0), (second, gate1, method1) = cues.CUE_PATTERNS["caption"]
    for seg in segs:
        asked = (cues._opens(seg, *first) and bool(method0(getattr(seg, gate0)))) \
            or (cues._opens(seg, *second) and bool(method1(getattr(seg, gate1))))
        assert asked == cues.caption(seg) == (seg.text != lines[-1]), seg.text
