"""Property tests (hypothesis): cleaning never raises and only ever keeps text that
was in the input, in order; deduplication is deterministic, an exact copy is
always a duplicate, and shuffling the input changes no cluster's membership."""
import random
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from dedupe import Config, Document, clean, clean_documents
from dedupe.io import read_inputs
from dedupe.pipeline import dedupe_documents

from .conftest import shared_path

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = ("council housing plan station homes decade officials traffic storm road engineers repairs wall "
         "month river bridge vote mayor school budget").split()
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=4, max_size=18).map(lambda ws: " ".join(ws).capitalize() + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=5).map(" ".join)
TAGS = ["<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<a href='x'>", "</a>", "<script>", "</script>",
        "<nav>", "</nav>", "<li>", "<ul>", "<table><tr><td>", "<!--", "-->", "&amp;", "&#0;", "<h1>", "</h1>",
        "<style>", "</style>", "<footer>", "<?xml version='1.0'?>", "<![CDATA[", "]]>", "<p class='related'>"]
ANY_TEXT = st.text(max_size=400)
HTML = st.lists(st.one_of(st.text(max_size=40), PARAGRAPH, st.sampled_from(TAGS)), max_size=40).map(
    lambda parts: "<html><body>" + "".join(parts))
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_subsequence(small, big) -> bool:
    it = iter(big)
    return all(x in it for x in small)


def page_text(html: str) -> str:
    """The page's text content as lxml reads it (what the extractor sees)."""
    root = etree.fromstring(_NOT_XML.sub(" ", html), _PARSER) if html.strip() else None
    return "" if root is None else "".join(root.itertext())


@FAST
@given(ANY_TEXT | st.lists(PARAGRAPH, max_size=6).map("\n\n".join))
def test_clean_text_never_raises_and_keeps_a_subsequence_of_the_words(raw):
    doc = clean(raw, format="text")
    assert doc.ok
    assert is_subsequence(re.findall(r"\w+", doc.text), re.findall(r"\w+", raw))


@FAST
@given(HTML | ANY_TEXT)
def test_clean_html_never_raises_and_keeps_a_subsequence_of_the_page_text(raw):
    doc = clean(raw, format="html")
    assert doc.ok
    # blocks are joined without the markup, so word boundaries may move: compare word characters
    assert is_subsequence(re.findall(r"\w", doc.text), re.findall(r"\w", page_text(raw)))


ARTICLES = st.lists(st.lists(PARAGRAPH, min_size=1, max_size=4).map("\n\n".join), min_size=1, max_size=8)


def _annotations(texts, config=Config()):
    docs = [Document(id=str(i), raw=t) for i, t in enumerate(texts)]
    return [(d.id, d.cluster, d.duplicate_of, d.similarity, d.relation)
            for d in dedupe_documents(clean_documents(docs, config), config)]


@settings(max_examples=40, deadline=None)
@given(ARTICLES.flatmap(lambda arts: st.lists(st.sampled_from(arts), min_size=1, max_size=12)))
def test_dedup_is_deterministic_for_a_given_input_order(texts):
    assert _annotations(texts) == _annotations(texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=4).map("\n\n".join) | ANY_TEXT, st.integers(0, 3))
def test_a_document_is_a_duplicate_of_an_exact_copy_of_itself(text, others):
    assume(clean(text, format="text").text.strip())  # no main text: nothing to compare
    filler = [f"{w} story number {k} about the {w} was written on a different day entirely." * 3
              for k, w in enumerate(WORDS[:others])]
    ann = _annotations(filler + [text, text])
    *_, (orig_id, *_), (copy_id, cluster, dup_of, sim, relation) = ann
    assert dup_of == orig_id and cluster == orig_id and relation == "exact" and sim == 1.0


def _clusters(docs) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for d in dedupe_documents(clean_documents(docs)):
        groups.setdefault(d.cluster, set()).add(d.id)
    return {frozenset(g) for g in groups.values()}


def test_shuffling_the_benchmark_input_changes_no_cluster_membership():
    path = str(shared_path("bench", "neardup", "dev", "docs"))
    base = _clusters(read_inputs([path]))
    assert sum(len(c) > 1 for c in base) >= 20  # the set has many real clusters to disturb
    for seed in (1, 2):
        docs = list(read_inputs([path]))
        random.Random(seed).shuffle(docs)
        assert _clusters(docs) == base, seed
