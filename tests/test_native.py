"""The compiled text kernels (dedupe._native) give exactly what the Python code gives.

Each kernel is compared with the pure-Python function it stands for, on generated
text full of the characters where the two could part (white space of every kind,
letters whose case folds oddly, closing quotes, CJK, characters outside the BMP),
and whole pages are cleaned both ways.
"""
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe import boilerplate, casefold, cues, headline, segment, textstats
from dedupe.budget import NO_DEADLINE
from dedupe.native import kernels

from .conftest import SEEDS, shared_path

if kernels() is None:
    if os.environ.get("DEDUPE_REQUIRE_NATIVE"):
        raise RuntimeError("DEDUPE_REQUIRE_NATIVE is set, but dedupe._native was not built")
    pytest.skip("the native kernels were not built (no C compiler at install time) or DEDUPE_PURE_PYTHON is set",
                allow_module_level=True)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# characters where a C port could differ from Python's str and re
TRICKY = (" \t\xa0\u2009\u3000\x0b\x0c\x1c\x85\u2028.,;:!?…。！？\"'”’“‘«»„()[]%–-_/©@#0123456789٣"
          "aAzZsSiIéÉàÿ÷ßİıſΣσςКкяЯ\u0307\u1c80漢字かなカナ한글😀𝐀\ud800\udfff")  # (lone surrogates: clean(str) takes them)
WORDS = ["share", "Facebook", "Photo credit:", "Advertisement", "Related", "Copyright", "newsletter", "photo",
         "(Image: X)", "By Jane Doe", "is a reporter", "Getty Images", "source", "terms of use", "read more",
         "Published", "comments", "The", "and", "a", "subscribe", "подписка", "2024", "Jan 5, 2024 at 7:26 pm"]
LINE = st.lists(st.sampled_from(WORDS) | st.text(TRICKY, max_size=12), max_size=12).map(" ".join)
PAGE = st.lists(LINE | st.just(""), max_size=30).map("\n".join) | st.text(TRICKY + "\n\r", max_size=300)
# blocks as segment_text makes them: no line breaks, not empty
BLOCKS = st.lists(LINE.map(lambda t: " ".join(t.split())).filter(bool), min_size=1, max_size=20)


def _python_segments(raw):
    return [(s.text, s.para) for s in segment._segment_text(raw)]


@FAST
@given(PAGE)
def test_segmentation_is_the_pythons(raw):
    assert [(s.text, s.para) for s in segment.segment_text(raw)] == _python_segments(raw)


@pytest.mark.parametrize("raw", ["a\n\n" * 5000, "x\n" * 9000, "A line that goes on.\n" * 300, "", "\n\n", "One"])
def test_segment_lists_of_any_length(raw):
    """Pages with more blocks than the segmenter makes room for at first (one per 32
    characters), and with none."""
    segs = segment.segment_text(raw)
    assert [(s.text, s.para) for s in segs] == _python_segments(raw)
    segs.append(segment.Segment("more"))  # an ordinary list
    assert len(segs) == len(_python_segments(raw)) + 1


def test_segmenter_stopped_by_its_budget():
    """The block limit stops the segmenter part way (it looks every 4,096 lines); what it
    made so far is let go cleanly."""
    from dedupe.budget import Deadline, OverBudget

    with pytest.raises(OverBudget, match="more than 100 blocks"):
        segment.segment_text("A block.\n\n" * 5000, Deadline(None, 100))
    assert len(segment.segment_text("A block.\n\n" * 5000, Deadline(None, 5000))) == 5000


@pytest.mark.parametrize("raw", ["abc\u2028def\x85gh\u2029x", "é\x85abc\né", "ab\u2028漢\x1cé", "x😀\ny\u2028z"])
def test_lines_are_made_at_their_own_kind(raw):
    """A line of narrow characters ended by a wide line break (U+0085, U+2028) is a narrow
    str, equal to the Python segmenter's."""
    assert [(s.text, s.para) for s in segment.segment_text(raw)] == _python_segments(raw)


@FAST
@given(st.lists(st.text(TRICKY + "\n", max_size=40), max_size=15))
def test_counts_are_the_pythons(texts):
    assert textstats.block_counts(texts) == textstats._counts_numpy(texts) \
        == textstats.segment_counts([segment.Segment(t) for t in texts])


@pytest.mark.parametrize("n", [4094, 4095, 4096, 9000, 70000])
def test_counts_of_long_blocks(n):
    """Blocks longer than a chunk of the packed counts (4,095 characters), where every
    count is near the chunk's size: no count spills into the next."""
    texts = [("A1 " * n)[:n], ("Ab " * n)[:n], ("漢" * n), ("x" * n), (" 9" * n)[:n], ("The cat sat. " * n)[:n]]
    assert textstats.block_counts(texts) == textstats._counts_numpy(texts) \
        == textstats.segment_counts([segment.Segment(t) for t in texts])


def test_segment_type_is_the_dataclass():
    """The C record behaves as segment.PythonSegment: fields, defaults, repr, ==, pickling."""
    args = ("Some text", 3, "p", 4, "share bar", True, False, (1, 2))
    native, python = segment.Segment(*args), segment.PythonSegment(*args)
    assert type(native) is not segment.PythonSegment
    assert repr(native) == repr(python).replace("PythonSegment", "Segment")
    assert (native.low, native.first, native.flags) == (python.low, python.first, python.flags) == (None, None, -1)
    assert native == segment.Segment(*args) and native != segment.Segment("Some text")
    assert repr(segment.Segment(text="x", tag="h1", heading=True)) == \
        repr(segment.PythonSegment(text="x", tag="h1", heading=True)).replace("PythonSegment", "Segment")
    native.low, native.first, native.flags = "some text", "some", 5
    copy = pickle.loads(pickle.dumps(native))
    assert copy == native and (copy.low, copy.first, copy.flags) == ("some text", "some", 5)
    with pytest.raises(TypeError):
        hash(native)
    made = segment.segment_text("A line of text\n\nAnother one")  # made in C, without __init__
    assert made == [segment.Segment("A line of text"), segment.Segment("Another one", 1)]
    assert [(s.low, s.first, s.flags) for s in made] == [(None, None, -1)] * 2


def _marks(segs):
    return [(s.low, s.first, s.flags) for s in segs]


@FAST
@given(BLOCKS)
def test_cue_gates_are_the_pythons(texts):
    native = [segment.Segment(t) for t in texts]
    python = [segment.Segment(t) for t in texts]
    cues.mark(native)
    cues._mark_folded(python, segment.fold_case("\n".join(texts)))
    assert _marks(native) == _marks(python)


def test_flag_table_is_the_pythons():
    assert textstats.flag_table().tobytes() == (textstats._python_flags() | _ranges()).tobytes()


def _ranges():
    import numpy as np

    extra = np.zeros(0x10000, dtype=np.uint8)
    for ranges, bit in ((textstats._CAP_RANGES, textstats._CAP), (textstats._CJK_RANGES, textstats._CJK)):
        for lo, hi in ranges:
            extra[lo:hi + 1] |= bit
    return extra


def test_folding_is_fold_case_for_every_character():
    chars = [chr(c) for c in range(0x110000) if c != 10 and not 0xD800 <= c < 0xE000]
    texts = ["".join(chars[i:i + 64]) for i in range(0, len(chars), 64)]
    texts += [c + "x" for c in casefold.FOLD_BY_PYTHON] + ["ΟΔΟΣ Σ ΣΑ", "İstanbul", "i\u0307 I\u0307"]
    texts += ["".join(chars[i:i + 3000]) for i in (0, 900, 0x10000)]  # longer than the fold's stack buffer
    segs = [segment.Segment(t) for t in texts]
    assert cues._native_gates().mark(segs)
    assert [s.low for s in segs] == [segment.fold_case(t) for t in texts]


# phrases of every shape the literal scan treats apart: one character, two, a non-ASCII
# first, second or third character, a phrase inside another and a shared start
ODD_PHRASES = ((1, ("q", "ab", "abd")), (2, ("xyé", "éa", "жж", "b©c")), (4, ("abc", "bca")), (8, ("©",)))


@FAST
@given(st.lists(st.lists(st.sampled_from([x for _, lits in ODD_PHRASES for x in lits] + list("abcdxyzé©ж .")),
                         max_size=8).map("".join), min_size=1, max_size=6))
def test_literal_scan_finds_each_group(texts):
    """The scan's flags are the groups whose phrases a block holds, for phrases of any shape."""
    gates = kernels().LiteralGates(ODD_PHRASES, textstats.flag_table(), segment.fold_case, casefold._CASE_FOLD,
                                   casefold.FOLD_BY_PYTHON)
    segs = [segment.Segment(t) for t in texts]
    assert gates.mark(segs)
    assert [s.flags for s in segs] == [sum(bit for bit, lits in ODD_PHRASES if any(x in t for x in lits))
                                       for t in texts]


@pytest.mark.parametrize("text", ["a\nb", "é\nb", "Mac\n", "\u0130x\ny", "Σ\n", "x" * 600 + "é É\n", "\U0001f600\n"])
def test_a_block_with_a_line_break_is_left_to_python(text):
    """The kernel marks nothing when a block holds a line break, wherever it is
    (cues.mark then folds each block in Python)."""
    segs = [segment.Segment("Fine"), segment.Segment(text)]
    assert not cues._native_gates().mark(segs)
    assert [s.low for s in segs] == [None, None]


@FAST
@given(BLOCKS)
def test_prose_and_scores_are_the_pythons(texts):
    texts = texts + [""]  # (segmentation makes no empty block; the kernel takes one all the same)
    segs = [segment.Segment(t) for t in texts]
    words, tokens, caps, _ = textstats.block_counts(texts)
    prose, scores = boilerplate._native_prose().text_scores(segs, words, caps, tokens)
    assert prose == [boilerplate._is_prose(s, w, c, t) for s, w, c, t in zip(segs, words, caps, tokens)]
    assert scores == [boilerplate._score(s, w, p, False, True, c, t)
                      for s, w, p, c, t in zip(segs, words, prose, caps, tokens)]


KERNEL_USERS = (cues, textstats, boilerplate, headline)  # the modules that hold dedupe._native


def _switch_off(mp, modules=KERNEL_USERS, segmenter=True):
    """The kernels off in ``modules`` (and the segmenter's), as DEDUPE_PURE_PYTHON=1 does at import."""
    if segmenter:
        mp.setattr(segment, "_NATIVE_SEGMENTER", None)
    for module in modules:
        mp.setattr(module, "_native", None)


def _same_both_ways(run, modules=KERNEL_USERS, segmenter=True):
    """``run()`` gives the same with the kernels and with them off in ``modules``; its result."""
    native = run()
    with pytest.MonkeyPatch.context() as mp:
        _switch_off(mp, modules, segmenter)
        assert run() == native
    return native


@pytest.fixture
def pure_python(monkeypatch):
    """Switch the kernels off for the test."""
    return lambda: _switch_off(monkeypatch)


def _cleaned(raw, fmt):
    d = dedupe.clean(raw, format=fmt)
    return d.text, d.title, d.published, [(b.text, b.label, b.reason) for b in d.blocks]


def _pages():
    pages = [(p.read_bytes(), "auto") for p in sorted(SEEDS.iterdir())]
    try:
        bench = shared_path("bench", "article-extraction")
    except pytest.skip.Exception:
        return pages
    return pages + [(p.read_bytes(), "text") for p in sorted((bench / "text").glob("*.txt"))[::3]] \
        + [(p.read_bytes(), "html") for p in sorted((bench / "html").glob("*.html"))[::6]]


def test_pages_clean_the_same_both_ways(pure_python):
    pages = _pages()
    native = [_cleaned(raw, fmt) for raw, fmt in pages]
    pure_python()
    assert [_cleaned(raw, fmt) for raw, fmt in pages] == native


@FAST
@given(PAGE)
def test_generated_pages_clean_the_same_both_ways(raw):
    _same_both_ways(lambda: _cleaned(raw, "text"))


@st.composite
def repeating_pages(draw):
    """Pages of a few lines said again and again (teaser headlines, galleries, echoes):
    the phases that find a block's text elsewhere on the page."""
    pool = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join), min_size=1,
                         max_size=6))
    lines = draw(st.lists(st.sampled_from(pool) | LINE | st.just(""), min_size=1, max_size=40))
    return "\n".join(lines)


@FAST
@given(repeating_pages())
def test_pages_that_repeat_lines_clean_the_same_both_ways(raw):
    _same_both_ways(lambda: _cleaned(raw, "text"))


def test_switch_off_by_environment():
    import subprocess
    import sys

    code = "from dedupe import segment, cues; print(segment._NATIVE_SEGMENTER is None, cues._native is None)"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "DEDUPE_PURE_PYTHON": "1"},
                         capture_output=True, text=True, check=True, cwd=Path(__file__).parent)
    assert out.stdout.split() == ["True", "True"]


SCORE = st.sampled_from([-10.0, -5.0, -3.0, -2.3, -0.5, 0.0, 0.1, 0.6, 1.0, 4.2, 12.0, 20.0, 35.0, 80.0]) \
    | st.floats(-20, 120, allow_nan=False)


@st.composite
def synthetic_pages(draw):
    """A text page's facts drawn at random (scores need not follow from the texts), so that
    the region phases meet runs, islands, threads and boundaries in every arrangement."""
    block = LINE.map(lambda t: " ".join(t.split()) or "x")
    pool = draw(st.lists(block, min_size=1, max_size=5))  # texts said more than once (echoes, galleries)
    texts = draw(st.lists(block | st.sampled_from(pool), min_size=1, max_size=40))
    n = len(texts)
    segs = [segment.Segment(t) for t in texts]
    cues.mark(segs)
    flags = st.lists(st.booleans(), min_size=n, max_size=n)
    words = draw(st.lists(st.integers(0, 200), min_size=n, max_size=n))
    prose, end_cues, comment_dates, strong = draw(flags), draw(flags), draw(flags), draw(flags)
    scores = draw(st.lists(SCORE, min_size=n, max_size=n))
    digits = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    repeats = set(draw(st.lists(st.integers(0, n - 1), max_size=4)))
    return boilerplate._Page(segs, draw(st.booleans()), True, words, digits, prose, scores, end_cues, comment_dates,
                             strong, [s.low for s in segs], repeats, set(), [False] * n)


def _phases(page):
    start, end = boilerplate._body_region(page)
    cut = boilerplate._cut_at_boundary(page, start, end)
    teaser = boilerplate._teaser_cards(page, start, cut[0])
    return (start, end), cut, teaser, boilerplate._trim_edges(page, start, teaser[0], set())


@FAST
@given(synthetic_pages())
def test_region_phases_are_the_pythons(page):
    _same_both_ways(lambda: _phases(page), (boilerplate,), segmenter=False)


def _labels(page):
    start, end = boilerplate._body_region(page)
    return boilerplate._label_blocks(page, start, end, None, None, set(), set(), NO_DEADLINE)


@FAST
@given(synthetic_pages())
def test_labels_are_the_pythons(page):
    _same_both_ways(lambda: _labels(page), (boilerplate,), segmenter=False)


@FAST
@given(repeating_pages())
def test_page_facts_are_the_pythons(raw):
    def facts():
        segs = segment._segment_text(raw)
        page = boilerplate._page_facts(segs, False, None, NO_DEADLINE) if segs else None
        return page and {k: v for k, v in vars(page).items() if k != "segs"}
    _same_both_ways(facts, segmenter=False)


@pytest.mark.parametrize("gap", range(1, 11))
@pytest.mark.parametrize("times", [2, 3])
def test_a_text_said_again_at_any_distance_is_treated_the_same_both_ways(gap, times):
    """Echoes (at most 4 blocks apart, twice) and repeated headlines (within 8 blocks)."""
    texts = [f"Paragraph {i} of the story goes on with a few more words." for i in range(3 * gap + 6)]
    for k in range(times):
        texts[2 + k * gap] = "A headline said again on this page"
    segs = [segment.Segment(t) for t in texts]
    cues.mark(segs)
    n = len(segs)
    page = boilerplate._Page(segs, False, True, [10] * n, [0] * n, [False] * n, [5.0] * n, [False] * n, [False] * n,
                             [False] * n, [s.low for s in segs], set(), set(), [False] * n)
    raw = "\n\n".join(texts)

    def both():
        facts = boilerplate._page_facts(segment._segment_text(raw), False, None, NO_DEADLINE)
        return _labels(page), facts.repeats
    _same_both_ways(both, segmenter=False)


@FAST
@given(synthetic_pages(), st.sampled_from([None, "A page title | Site", "Jane Doe is a reporter", ""]))
def test_the_headline_is_the_pythons(page, page_title):
    start, end = boilerplate._body_region(page)
    args = (page.segs, page.words, page.prose, page.end_cues, start, end, page_title)
    _same_both_ways(lambda: headline.find_title(*args), (headline,), segmenter=False)


def test_the_headline_breaks_ties_as_the_python_does():
    """Two lines before the body, both about it, of the same length: the earlier wins."""
    texts = ["Menu", "Rivers flooded northern towns overnight", "Northern towns flooded as rivers rose",
             "Rivers rose across northern towns overnight and flooded streets, officials said on Monday."]
    segs = [segment.Segment(t) for t in texts]
    cues.mark(segs)
    args = (segs, [1, 6, 6, 14], [False, False, False, True], [False] * 4, 3, 4, "zzz qqq")
    assert _same_both_ways(lambda: headline.find_title(*args), (headline,), segmenter=False) == (1, texts[1])


def test_cleaning_leaks_nothing():
    """A reference the kernels forget to drop keeps every block alive: cleaning the same page
    again and again must not grow the memory Python has allocated."""
    import gc
    import sys
    import tracemalloc

    page = sorted(SEEDS.glob("000_*"))[0].read_text()
    doc = dedupe.clean(page, format="text")
    first, plain = doc.blocks[0], [tuple(doc.blocks[0])]  # each held by a list and a name
    assert sys.getrefcount(first) == sys.getrefcount(plain[0])
    tracemalloc.start()
    try:
        for _ in range(20):
            dedupe.clean(page, format="text")
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(200):
            dedupe.clean(page, format="text")
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 100_000, f"{grown:,} bytes kept after 200 cleanings of one page"


HINTS = st.lists(st.sampled_from(["article", "content", "body", "related", "comment", "share", "sidebar", "promo",
                                  "widget", "nav", "footer", "story", "taboola", "x"]), max_size=5).map(" ".join)


@FAST
@given(st.lists(st.tuples(LINE, st.integers(0, 400), HINTS, st.booleans()), min_size=1, max_size=25))
def test_html_prose_and_scores_are_the_pythons(blocks):
    segs = [segment.Segment(t or "x", 0, "p", link, hints, False, in_list) for t, link, hints, in_list in blocks]
    texts = [s.text for s in segs]
    words, tokens, caps, _ = textstats.block_counts(texts)
    prose = [boilerplate._is_prose(s, w, c, t) for s, w, c, t in zip(segs, words, caps, tokens)]
    assert boilerplate._native_prose().prose_flags(segs, words, caps, tokens) == prose
    trust_bad, scores = boilerplate._native_prose().html_scores(segs, words, prose, caps, tokens,
                                                                boilerplate._hint_facts)
    assert trust_bad == boilerplate._hints_informative(segs, words, prose)
    assert scores == [boilerplate._score(s, w, p, True, trust_bad, c, t)
                      for s, w, p, c, t in zip(segs, words, prose, caps, tokens)]
