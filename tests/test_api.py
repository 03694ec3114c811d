"""The Python API: clean(), the streaming deduplicator, config validation."""
import numpy as np
import pytest
from datasketch import MinHash

import dedupe
from dedupe import Config, ConfigError, Document
from dedupe.shingle import shingle_hashes
from dedupe.signature import Signer, candidate_probability, optimal_bands, to_datasketch

PARA = ("The committee met on Tuesday to discuss the budget, and members argued for hours "
        "about the cost of the new bridge across the river. ")


def test_clean_returns_main_text_and_labelled_blocks():
    raw = "Home\nNews\nSports\n\n" + "\n\n".join(PARA * 2 for _ in range(4)) + "\n\nSubscribe to our newsletter\n© 2024 Paper"
    doc = dedupe.clean(raw)
    assert isinstance(doc, Document)
    assert "committee met" in doc.text and "Subscribe" not in doc.text
    labels = {b.text: b.label for b in doc.blocks}
    assert labels["Subscribe to our newsletter"] == "newsletter"
    assert labels["© 2024 Paper"] == "footer"
    assert any(b.label == "navigation" and "Home" in b.text for b in doc.blocks)
    assert all(b.reason for b in doc.blocks)


def test_clean_html_uses_dom_and_title():
    html = ("<html><head><title>Bridge budget row</title></head><body><nav><a href='/'>Home</a></nav>"
            "<h1>Bridge budget row</h1>" + "".join(f"<p>{PARA * 2}</p>" for _ in range(4)) +
            "<div class='related'><h3>Related</h3><p>Another story about something else entirely, "
            "told in one sentence.</p></div><footer>© 2024</footer></body></html>")
    doc = dedupe.clean(html)
    assert doc.format == "html"
    assert doc.title == "Bridge budget row"
    assert doc.text.count("committee met") == 8
    assert "Another story" not in doc.text and "Home" not in doc.text


def test_clean_rejects_wrong_types_with_a_clear_message():
    with pytest.raises(ConfigError, match="takes a str, bytes or Document"):
        dedupe.clean(42)
    with pytest.raises(ConfigError, match=r"cannot be read as text: binary content \(PNG image\)"):
        dedupe.clean(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_clean_decodes_bytes_as_the_file_reader_does():
    """A page fetched as bytes: its declared charset, else UTF-8, else a detected one."""
    page = ("<html><head><meta charset='windows-1251'><title>План</title></head><body>"
            + "".join(f"<p>Правительство утвердило новый план строительства жилья, который добавит {n} домов "
                      "возле станции в течение следующего десятилетия, заявили чиновники.</p>"
                      for n in ("тысячи", "сотни", "десятки")) + "</body></html>")
    raw = page.encode("cp1251")
    assert "Правительство утвердило" in dedupe.clean(raw).text
    assert dedupe.clean(raw).text == dedupe.clean(page).text
    assert dedupe.clean("Grüße aus Köln. ".encode("utf-8") * 20).text.startswith("Grüße")


@pytest.mark.parametrize("kw, msg", [
    ({"jaccard_threshold": 1.5}, "jaccard_threshold must be a number in"),
    ({"keep": "newest"}, "keep must be one of first, longest, earliest"),
    ({"bands": 20, "rows": 10}, "exceeds num_perm"),
    ({"bands": 4}, "give both bands and rows"),
    ({"lsh_threshold": 0.9, "jaccard_threshold": 0.8}, "must not exceed jaccard_threshold"),
    ({"shingle_size": 0}, "shingle_size must be an integer"),
])
def test_config_validation_says_what_is_wrong(kw, msg):
    with pytest.raises(ConfigError, match=msg):
        Config(**kw)
    with pytest.raises(ConfigError, match="unknown option"):
        Config().replace(colour="blue")


def test_signatures_load_in_datasketch_and_match_its_minhash():
    """Same permutations and arithmetic as datasketch's default scheme (affine32), with
    the low 32 bits of each shingle hash as datasketch's input hash."""
    sh = shingle_hashes(PARA * 3, 3)
    sig = Signer(128, seed=7).sign(sh)
    ref = MinHash(num_perm=128, seed=7, hashfunc=lambda x: x & 0xFFFFFFFF)
    assert ref.scheme == "affine32"
    ref.update_batch([int(v) for v in sh])
    assert np.array_equal(ref.hashvalues, sig)
    lean = to_datasketch(sig, seed=7)
    assert lean.jaccard(ref) == 1.0


@pytest.mark.parametrize("num_perm, seed", [(128, 1), (128, 7), (64, 0), (256, 12345), (1, 2**31)])
def test_permutations_are_datasketchs(num_perm, seed):
    """Drawn as datasketch draws them, without importing it (it loads SciPy)."""
    from dedupe.signature import affine32_permutations

    a, b = affine32_permutations(num_perm, seed)
    ref = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert a.dtype == b.dtype == np.uint32
    assert np.array_equal(a, ref[0]) and np.array_equal(b, ref[1])


def test_a_run_does_not_import_datasketch(tmp_path):
    """Importing datasketch loads SciPy (0.6 s); the run needs neither."""
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(PARA * 3)
    code = ("import sys; from dedupe.cli import main\n"
            "try:\n    main(['run', sys.argv[1], '-o', sys.argv[2], '-q'])\n"
            "except SystemExit:\n    pass\n"
            "assert 'datasketch' not in sys.modules and 'scipy' not in sys.modules, sorted(sys.modules)")
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.txt"), str(tmp_path / "o.jsonl")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "o.jsonl").read_text().count("\n") == 1


def test_lsh_s_curve_on_planted_pairs():
    """Pairs planted at a known Jaccard are found at the rate the banding predicts."""
    cfg = Config()
    bands, rows = cfg.band_rows
    assert bands * rows <= cfg.num_perm and rows < bands  # not swapped
    assert candidate_probability(cfg.lsh_threshold, bands, rows) >= 0.95
    rng = np.random.default_rng(0)
    signer = Signer(cfg.num_perm, cfg.seed)
    from dedupe.index import band_keys
    for target in (0.5, 0.8):
        found = 0
        trials = 200
        for _ in range(trials):
            base = rng.integers(0, 2**63, 400, dtype=np.uint64)
            # |A n B| / |A u B| = target with |A| = |B| = 400
            shared = int(round(2 * 400 * target / (1 + target)))
            other = np.concatenate([base[:shared], rng.integers(0, 2**63, 400 - shared, dtype=np.uint64)])
            ka, kb = band_keys(signer.sign_many([base, other]), bands, rows)
            found += bool(set(ka.tolist()) & set(kb.tolist()))
        expected = candidate_probability(target, bands, rows)
        assert abs(found / trials - expected) < 0.08, (target, found / trials, expected)


def test_optimal_bands_favours_recall_at_threshold():
    for t in (0.3, 0.5, 0.7, 0.8):
        b, r = optimal_bands(t, 128)
        assert candidate_probability(t, b, r) >= 0.95


def test_html_nested_a_thousand_deep_keeps_its_text():
    """Pages of unclosed tags nest deep; libxml2's default limit (256) dropped all text below it."""
    para = "<p>" + "The council approved the plan after a long debate about homes, roads and schools. " * 3 + "</p>"
    for tag in ("div", "font"):  # a block element, and the classic unclosed inline one
        html = "<html><body>" + f"<{tag}>" * 1000 + para * 4 + "</body></html>"
        assert dedupe.clean(html, format="html").text.count("The council approved") == 12, tag


def test_a_segmented_page_survives_its_json_round_trip():
    from dedupe.segment import page_from_json, page_to_json, segment_html

    html = ("<html><head><title>Ünïcode “quotes” 東京 😀</title><meta property='article:published_time' "
            "content='2024-05-01T10:00:00Z'></head><body><nav class='menu'><a href='/'>Home</a></nav>"
            "<article class='story'><h1>Head</h1><p>Text with <a href='x'>a link</a>, tabs\tand 😀.</p>"
            "<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table></article></body></html>")
    page = segment_html(html)
    again = page_from_json(page_to_json(page))
    assert again == page and [s.path for s in again.segments] == [s.path for s in page.segments]
    assert page.title and page.published and len(page.segments) >= 5


def test_a_caption_ending_in_its_credit_is_labelled_a_caption_outside_the_article_too():
    """Seed 003: the photo's caption sits before the article region; it was labelled
    navigation ("before the article start")."""
    from .conftest import SEEDS

    raw = next(SEEDS.glob("003_*")).read_text()
    blocks = [b for b in dedupe.clean(raw, format="text").blocks if b.text.endswith("Image: Creative Commons.")]
    assert [(b.label, b.reason) for b in blocks] == [("caption", "caption ending in a credit")]


def test_scripts_and_controls_drop_out_of_the_html_walk_and_their_tails_stay():
    """Skipped elements (scripts, SVG, form controls) leave their text out and their tails
    in place; inside a link, the text after a script is link text too."""
    from dedupe.segment import segment_html

    page = (b"<html><body><p><a href='/x'>Read <script>var a = 1;</script> more of it</a> and plain words "
            b"after it</p><div>Hello<svg><text>icon</text></svg> world<button>Menu</button>!</div></body></html>")
    segs = [(s.text, s.link_chars) for s in segment_html(page).segments]
    assert segs == [("Read more of it and plain words after it", len("Read  more of it")), ("Hello world!", 0)]


def test_the_block_limit_is_exact():
    """The cleaning loops check the block budget now and then; a document is held to it exactly."""
    text = "\n\n".join(f"Paragraph {i} of a short article about the council and its plan." for i in range(5))
    html = "<html><body>" + "".join(f"<p>Paragraph {i} of the article.</p>" for i in range(5)) + "</body></html>"
    for raw in (text, html):
        assert dedupe.clean(raw, dedupe.Config(max_blocks=4)).error == \
            "over the block limit: more than 4 blocks (max_blocks; --max-blocks)"
        assert dedupe.clean(raw, dedupe.Config(max_blocks=5)).ok
