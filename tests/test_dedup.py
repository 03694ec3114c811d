"""Near-duplicate decisions: chaining guard, containment, determinism, kept-copy policies."""
import random

import pytest

import dedupe
from dedupe import Config, Deduplicator, Document

random.seed(1)
VOCAB = [f"w{i}" for i in range(5000)]


def words(n, seed):
    r = random.Random(seed)
    return [r.choice(VOCAB) for _ in range(n)]


def doc(i, ws, **kw):
    return Document(id=str(i), text=" ".join(ws), **kw)


def run(docs, **cfg):
    return {d.id: d for d in Deduplicator(Config(**cfg)).process(docs)}


def test_exact_and_near_duplicates_join_the_first_copy():
    base = words(400, 1)
    edited = list(base)
    for k in range(0, 400, 40):  # 2.5 % of words changed
        edited[k] = "changed"
    out = run([doc("a", base), doc("b", base), doc("c", edited), doc("d", words(400, 2))])
    assert out["b"].duplicate_of == "a" and out["b"].relation == "exact"
    assert out["c"].duplicate_of == "a" and out["c"].relation == "near_duplicate"
    assert 0.6 < out["c"].similarity < 1.0
    assert out["d"].duplicate_of is None and out["d"].cluster == "d"


def test_chain_does_not_merge_ends():
    """A ~ B ~ C ~ D with A and D unrelated: a document joins a cluster only when
    similar to its kept document, so the chain cannot pull D in with A."""
    base = words(1000, 3)
    fresh = words(1000, 4)
    step = 130  # each step replaces 130 words: neighbours stay similar, ends do not
    chain = [base]
    for s in range(1, 4):
        chain.append(fresh[: s * step] + base[s * step:])
    docs = [doc(x, ws) for x, ws in zip("ABCD", chain)]
    out = run(docs, jaccard_threshold=0.5, lsh_threshold=0.4)
    assert out["B"].duplicate_of == "A"
    assert out["D"].duplicate_of != "A" and out["D"].cluster != "A"


def test_excerpt_is_found_by_containment():
    full = words(800, 5)
    out = run([doc("full", full), doc("excerpt", full[:450])])
    e = out["excerpt"]
    assert e.duplicate_of == "full"
    assert e.relation == "contained_in"
    assert e.containment >= 0.95 and e.similarity < 0.6


def test_results_are_deterministic():
    docs = lambda: [doc(i, words(300, i % 7)) for i in range(30)]
    a = [(d.id, d.cluster, d.similarity) for d in Deduplicator().process(docs())]
    b = [(d.id, d.cluster, d.similarity) for d in Deduplicator().process(docs())]
    assert a == b


@pytest.mark.parametrize("keep, kept", [("first", "short"), ("longest", "long"), ("earliest", "old")])
def test_kept_copy_policy(keep, kept):
    ws = words(600, 9)
    docs = [
        doc("short", ws[:560], date="2024-03-02"),
        doc("long", ws + words(10, 10), date="2024-03-03"),
        doc("old", ws[:580], date="2024-01-01"),
    ]
    out = run(docs, keep=keep)
    assert [d for d in out.values() if d.duplicate_of is None] == [out[kept]]
    assert all(d.cluster == kept for d in out.values())
    assert list(out) == ["short", "long", "old"]  # input order kept


def test_rejected_documents_pass_through_and_are_counted():
    dd = Deduplicator()
    docs = [doc("a", words(100, 1)), Document(id="bad", error="invalid UTF-8 at byte 3")]
    out = list(dd.process(docs))
    assert [d.id for d in out] == ["a", "bad"]
    assert dd.counts["in"] == 2 and dd.counts["rejected"] == 1 and dd.counts["kept"] == 1


def test_persistent_sqlite_index_matches_across_runs(tmp_path):
    path = str(tmp_path / "idx.sqlite")
    ws = words(500, 11)
    first = Deduplicator(index=path)
    list(first.process([doc("old-id", ws)]))
    first.close()
    second = Deduplicator(index=path)
    out = list(second.process([doc("new", ws[:480] + words(20, 12))]))
    second.close()
    assert out[0].duplicate_of == "old-id"


def test_template_evidence_counts_stories_not_documents():
    """A block repeated across three different stories is template; a body
    syndicated to three sites (one story) is not."""
    from dedupe.pipeline import dedupe_documents

    def page(body_seed, chrome):
        body = "\n\n".join(" ".join(words(40, body_seed * 10 + p)) + "." for p in range(6))
        return Document(id=f"{body_seed}-{chrome}", raw=f"Home\n\n{body}\n\n{chrome}\n", format="text")

    promo = ("Our editors pick the best stories of the week and send them to all of our readers "
             "every Friday morning, with a short note on what to read next.")
    docs = [page(s, promo) for s in (1, 2, 3)] + [page(7, f"Site {c} footer text") for c in "abc"]
    out = {d.id: d for d in dedupe_documents(dedupe.clean_documents(docs))}
    assert all(promo not in out[f"{s}-{promo}"].text for s in (1, 2, 3))
    assert any(b.reason.startswith("site template") for b in out[f"1-{promo}"].blocks)
    syndicated = [out[f"7-Site {c} footer text"] for c in "abc"]
    assert all(len(d.text.split()) >= 200 for d in syndicated)
    assert [d.duplicate_of for d in syndicated] == [None, "7-Site a footer text", "7-Site a footer text"]


def test_template_evidence_is_counted_per_site():
    """The same paragraph in three different stories is one site's template, but not when
    the stories come from three sites (a statement each outlet quotes in its own story);
    documents without a URL count as one site."""
    from dedupe.pipeline import dedupe_documents
    from dedupe.template import own_template, site_of

    quote = ("The agency said in a statement that the road will stay closed until engineers have "
             "checked every span of the bridge, which could take several weeks.")

    def story(seed, url):
        paras = [" ".join(words(40, seed * 10 + p)) + "." for p in range(6)]
        paras.insert(3, quote)
        return Document(id=f"s{seed}", url=url, raw="Home\n\n" + "\n\n".join(paras) + "\n", format="text")

    def run(urls):
        docs = [story(s, u) for s, u in zip((1, 2, 3), urls)]
        return list(dedupe_documents(dedupe.clean_documents(docs)))

    for urls in (["https://www.a.com/1", "https://a.com/2", "http://A.com:8080/3"], [None] * 3):
        out = run(urls)
        assert all(quote not in d.text for d in out), urls  # one site: the block is its template
        assert all(any(b.reason.startswith("site template") for b in d.blocks) for d in out)
    out = run(["https://a.com/1", "https://b.org/2", "https://news.c.net/3"])
    assert all(quote in d.text for d in out)  # three sites' own stories: not template
    assert not any(b.reason.startswith("site template") for d in out for b in d.blocks)
    assert [site_of(u) for u in ("https://www.a.com/x", "http://[::1", "", None)] == ["a.com", "", "", ""]
    assert own_template(out[0], frozenset()) == frozenset()


def test_template_pass_holds_documents_on_disk_and_hands_them_back_exactly():
    """While the template pass holds documents, their raw inputs, titles, texts and
    blocks wait in a temporary file; each comes back unchanged as its document is
    passed on, and one re-cleaned with the template comes back re-cleaned."""
    from dedupe.pipeline import dedupe_documents

    promo = ("Our editors pick the best stories of the week and send them to all of our readers "
             "every Friday morning, with a short note on what to read next.")
    raws = ["Home\n\n" + "\n\n".join(" ".join(words(40, s * 10 + p)) + "." for p in range(6)) +
            f"\n\n{promo}\n\nCafé – naïve “quotes” {s}\n" for s in (1, 2, 3, 4)]
    docs = [Document(id=str(i), raw=r, format="text") for i, r in enumerate(raws)]
    one_at_a_time = Config(batch_size=1)  # the second pass takes documents back one by one
    out = dedupe_documents(dedupe.clean_documents(docs), one_at_a_time)
    first = next(out)
    assert first.raw == raws[0]
    # still held: their raw inputs and cleaned contents are in the file
    assert all(d.raw is None and d.text is None and d.title is None and not d.blocks for d in docs[1:])
    rest = list(out)
    assert [d.raw for d in [first, *rest]] == raws
    assert all(any(b.reason.startswith("site template") for b in d.blocks) for d in rest)
    assert all(promo not in d.text and d.title is None for d in [first, *rest])


def test_the_spill_gives_documents_back_exactly():
    from dedupe.document import Block
    from dedupe.spill import Spill

    odd = "naïve “quotes” \ud800 lone surrogate, \x00, 😀"
    a = Document(id="a", raw=odd, title=odd, text=odd + "\n\nmore",
                 blocks=[Block(odd, "main", "r", "p", 3), Block("x", "caption", "", "line", 0)])
    b = Document(id="b", raw="", title=None, text="", blocks=[])
    bad = Document(id="c", raw="broken", error="bad input")
    before = [(d.raw, d.title, d.text, list(d.blocks), d.error) for d in (a, b, bad)]
    with Spill() as spill:
        for d in (a, b, bad):
            spill.put_cleaned(spill.put_raw(d))
        assert a.raw is None and a.text is None and a.title is None and a.blocks == []
        for d in (a, b, bad):
            spill.get_raw(spill.get_cleaned(d), release=True)
    assert [(d.raw, d.title, d.text, d.blocks, d.error) for d in (a, b, bad)] == before


def test_template_pass_can_be_turned_off():
    from dedupe.pipeline import dedupe_documents

    docs = [doc(i, words(200, i)) for i in range(3)]
    out = list(dedupe_documents(docs, Config(template_min_stories=0)))
    assert [d.cluster for d in out] == ["0", "1", "2"]
    with pytest.raises(dedupe.ConfigError, match="template_min_stories"):
        Config(template_min_stories=-1)


def test_the_sketch_filter_share_is_a_config_option():
    from dedupe.cluster import min_agree

    assert min_agree(128) == 5 and min_agree(128, 0.0) == 0
    assert Deduplicator(Config(sketch_agreement=0.0)).index.min_agree == 0
    assert Deduplicator(Config(sketch_agreement=0.1)).index.min_agree == 13
    with pytest.raises(dedupe.ConfigError, match="sketch_agreement"):
        Config(sketch_agreement=1.5)



def test_the_second_pass_reuses_the_first_pass_fingerprints(monkeypatch):
    """Only the documents cleaned again with the template are fingerprinted again; the
    others' fingerprints come back from the run's temporary file, and the decisions
    are those of a run that computes every fingerprint."""
    from dedupe.pipeline import dedupe_documents

    promo = ("Our editors pick the best stories of the week and send them to all of our readers "
             "every Friday morning, with a short note on what to read next.")

    def corpus():
        body = ["\n\n".join(" ".join(words(40, s * 10 + p)) + "." for p in range(6)) for s in range(5)]
        body.append(body[1] + "\n\nOne more closing sentence of the copy, written for this site alone.")
        return [Document(id=str(s), raw=b + (f"\n\n{promo}\n" if s < 3 else "\n"), format="text")
                for s, b in enumerate(body)]

    fingerprinted = []
    real = Deduplicator.fingerprint
    monkeypatch.setattr(Deduplicator, "fingerprint",
                        lambda self, batch: (fingerprinted.extend(d.id for d in batch), real(self, batch))[1])
    out = list(dedupe_documents(dedupe.clean_documents(corpus())))
    assert all(promo not in d.text for d in out)  # the promo is template, and out of the texts
    assert sorted(fingerprinted) == ["0", "0", "1", "1", "2", "2", "3", "4", "5"]
    # the same decisions as fingerprinting every document in the second pass
    monkeypatch.setattr("dedupe.spill.Spill.take_fingerprint", lambda self, doc: None)
    again = list(dedupe_documents(dedupe.clean_documents(corpus())))
    assert [(d.id, d.duplicate_of, d.similarity, d.relation) for d in out] == \
        [(d.id, d.duplicate_of, d.similarity, d.relation) for d in again]
    assert out[5].duplicate_of == "1"


@pytest.mark.parametrize("keep", ["longest", "earliest"])
def test_buffered_policies_hold_documents_in_the_spill_file(monkeypatch, keep):
    """keep=longest/earliest see every document before deciding: meanwhile each one's
    text, blocks and raw input wait in the temporary file, and come back unchanged."""
    docs = [Document(id=str(i), raw="\n\n".join(" ".join(words(30 + i, i % 4 * 10 + p)) + "." for p in range(4)),
                     format="text") for i in range(12)]
    ref = [(d.id, d.raw, d.title, d.text, d.blocks) for d in dedupe.clean_documents(
        Document(id=d.id, raw=d.raw, format="text") for d in docs)]
    seen = []
    real = Deduplicator._decide

    def decide(self, d, *a, **kw):
        seen.append((d.text, d.raw, d.blocks))
        return real(self, d, *a, **kw)

    monkeypatch.setattr(Deduplicator, "_decide", decide)
    out = list(Deduplicator(Config(keep=keep)).process(dedupe.clean_documents(docs)))
    assert seen and all(s == (None, None, []) for s in seen)
    assert [(d.id, d.raw, d.title, d.text, d.blocks) for d in out] == ref
    assert sum(d.duplicate_of is not None for d in out) == 8  # four stories, three copies each


def test_the_template_pass_classifies_kept_html_blocks_without_parsing_again(monkeypatch):
    """With keep_segments, an HTML page is parsed once; its second classification reads the
    blocks kept in the temporary file, with the same result as parsing it again."""
    import dedupe.pipeline as pipeline
    from dedupe.pipeline import dedupe_documents

    nav = "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    promo = ("<p>Our editors pick the best stories of the week and send them to all of our readers every "
             "Friday morning, with a short note on what to read next.</p>")

    def corpus():
        return [Document(id=str(s), format="html", raw=f"<html><head><title>Story {s}</title></head><body>{nav}"
                         f"<h1>Story {s}</h1>" + "".join(f"<p>{' '.join(words(40, s * 10 + p))}.</p>" for p in range(5))
                         + promo + "</body></html>") for s in range(6)]

    runs = {}
    parsed = []
    real = pipeline.segment_html
    monkeypatch.setattr(pipeline, "segment_html", lambda raw, deadline: (parsed.append(1), real(raw, deadline))[1])
    for keep in (False, True):
        parsed.clear()
        out = list(dedupe_documents(dedupe.clean_documents(corpus(), keep_segments=keep)))
        runs[keep] = ([(d.id, d.title, d.text, d.blocks, d.published, d.duplicate_of) for d in out], len(parsed))
        assert all(d.ok and d.segmented is None for d in out)
    assert runs[True][0] == runs[False][0]
    assert all("Our editors pick" not in text for _, _, text, *_ in runs[True][0])  # the promo is template
    assert runs[False][1] == 12 and runs[True][1] == 6  # every page cleaned again, parsed once
    # without keep_raw (the CLI's way) the pages are handed on without their HTML, which never
    # went into the temporary file: only their blocks did
    written = []
    monkeypatch.setattr(pipeline.Spill, "put_raw", lambda self, d: (written.append(d.raw), d)[1])
    out = list(dedupe_documents(dedupe.clean_documents(corpus(), keep_segments=True), keep_raw=False))
    assert [(d.id, d.title, d.text, d.blocks, d.published, d.duplicate_of) for d in out] == runs[True][0]
    assert all(d.raw is None for d in out) and all(r is None for r in written)
