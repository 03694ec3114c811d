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


# JSON values of every kind, strings with lone surrogates among them (written as JSON escapes)
_JSON_TEXT = st.text(st.characters(exclude_categories=()), max_size=12) | PARAGRAPH
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats(allow_nan=False)
                     | _JSON_TEXT, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(_JSON_TEXT, inner, max_size=3), max_leaves=6)
_FIELDS = ("id", "text", "html", "url", "date", "title", "error", "cluster", "duplicate_of", "blocks", "lang")
RECORD = st.dictionaries(st.sampled_from(_FIELDS), _JSON, max_size=6) | st.builds(
    lambda body, meta: {"text": body, **meta}, PARAGRAPH, st.dictionaries(st.sampled_from(_FIELDS[3:]), _JSON))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, max_size=8), st.sampled_from(["jsonl", "parquet"]))
def test_any_json_lines_input_is_accounted_for_and_written(tmp_path_factory, records, out_format):
    """Whatever a JSON Lines file holds (wrong types, output-named fields, lone surrogates,
    huge integers), every line comes out as one record, kept, duplicate or rejected."""
    import json

    from dedupe.io import write_jsonl, write_parquet

    d = tmp_path_factory.mktemp("jsonl")
    src = d / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs = list(dedupe_documents(clean_documents(read_inputs([str(src)])), keep_raw=False))
    assert len(docs) == len(records)
    out = d / f"out.{out_format}"
    (write_jsonl if out_format == "jsonl" else write_parquet)(docs, str(out))
    if out_format == "jsonl":
        recs = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n")[:-1]]  # (not at U+2028)
        assert len(recs) == len(records)
        assert all(("error" in r) == (r.get("cluster") is None and "text" not in r) for r in recs)
