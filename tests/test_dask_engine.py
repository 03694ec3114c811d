"""The Dask engine cleans exactly as the local one, in input order."""
import json

import pytest
from click.testing import CliRunner

from dedupe import Config, ConfigError, Document, clean_documents, read_inputs
from dedupe.cli import main

from .conftest import SEEDS

distributed = pytest.importorskip("dask.distributed",
                                  reason="dask.distributed is not installed (pip install 'news-dedupe[dask]')")
from dedupe.engine.dask import clean_dask  # noqa: E402

HTML = ("<html><head><title>Plan approved</title></head><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
        "<article><h1>Council approves housing plan</h1>"
        "<p>The council voted on Monday to approve the new housing plan, which will add thousands of homes.</p>"
        "<p>Officials said construction would begin next spring and last for about ten years, in phases.</p>"
        "<p>Residents who opposed the plan said the roads and schools could not cope with the growth.</p>"
        "</article><footer>Copyright 2024 The Daily Example</footer></body></html>")


def corpus() -> list[Document]:
    """Fresh documents (cleaning fills them in place): the seeds, an HTML page, a rejected record."""
    return [*read_inputs([str(SEEDS)]), Document(id="page", raw=HTML, format="html"),
            Document(id="bad", error="unreadable")]


@pytest.mark.slow
def test_local_cluster_of_two_processes_matches_the_local_engine():
    expected = list(clean_documents(corpus()))
    got = list(clean_dask(iter(corpus()), Config(workers=2), batch=2))
    assert [d.id for d in got] == [d.id for d in expected]
    assert got == expected
    assert "council voted" in got[-2].text and got[-1].error == "unreadable"


def test_cli_runs_on_a_dask_scheduler(tmp_path):
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
        outs = []
        for extra in ([], ["--engine", "dask", "--scheduler", cluster.scheduler_address]):
            out = tmp_path / f"out{len(outs)}.jsonl"
            res = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(out), "-q", *extra])
            assert res.exit_code == 0, res.output
            outs.append([json.loads(x) for x in out.read_text().splitlines()])
    assert outs[0] == outs[1] and len(outs[0]) == len(list(SEEDS.iterdir()))


def test_engine_options_are_checked():
    with pytest.raises(ConfigError, match="engine must be one of local, dask"):
        Config(engine="spark")
    res = CliRunner().invoke(main, ["clean", str(SEEDS), "-o", "-", "--scheduler", "tcp://127.0.0.1:8786"])
    assert res.exit_code == 1 and "needs the dask engine (--engine dask)" in res.output
    with pytest.raises(ConfigError, match="not both"):
        next(clean_dask([], client=object(), scheduler="tcp://127.0.0.1:8786"))


@pytest.fixture(scope="module")
def two_workers():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.mark.parametrize("keep", ["first", "longest", "earliest"])
@pytest.mark.parametrize("template_stories", [3, 0])
def test_distributed_dedup_equals_the_local_engine(two_workers, keep, template_stories):
    """Partitions of 7 documents, so copies, excerpts and exact duplicates cross partitions."""
    from dedupe.engine.dask import dedupe_dask
    from dedupe.pipeline import dedupe_documents

    from .synthetic import decisions, stress_corpus

    cfg = Config(keep=keep, template_min_stories=template_stories)
    local = decisions(dedupe_documents(clean_documents(stress_corpus()), cfg))
    dist = decisions(dedupe_dask(stress_corpus(), cfg, client=two_workers, partition_size=7, buckets=5))
    assert dist == local
    assert sum(d[3] is not None for d in local) >= 30  # the corpus does exercise the decisions


def test_distributed_dedup_on_the_seeds_via_cli(tmp_path):
    outs = []
    for extra in ([], ["--engine", "dask", "--workers", "2"]):
        out = tmp_path / f"out{len(outs)}.jsonl"
        res = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(out), "-q", *extra])
        assert res.exit_code == 0, res.output
        outs.append(out.read_text())
    assert outs[0] == outs[1]
    recs = [json.loads(x) for x in outs[1].splitlines()]
    assert [r["duplicate_of"] for r in recs if r["id"].startswith("001")] == [
        next(r["id"] for r in recs if r["id"].startswith("000"))]


@pytest.mark.parametrize("keep", ["first", "longest"])
def test_large_band_buckets_paired_in_rounds_give_the_same_decisions(two_workers, keep):
    """With ``max_bucket=2`` every band key shared by three or more documents is paired
    in rounds with its kept documents instead of all with all."""
    from dedupe.engine.dask import dedupe_dask
    from dedupe.pipeline import dedupe_documents

    from .synthetic import decisions, stress_corpus

    cfg = Config(keep=keep, template_min_stories=0)
    local = decisions(dedupe_documents(clean_documents(stress_corpus()), cfg))
    dist = decisions(dedupe_dask(stress_corpus(), cfg, client=two_workers, partition_size=7, buckets=5,
                                 max_bucket=2))
    assert dist == local


def test_a_near_identical_group_is_not_paired_all_with_all():
    import numpy as np

    from dedupe.engine.phases import bucket_pairs, round_pairs

    rows = np.array([[7, d] for d in range(100)] + [[8, 3], [8, 5]], dtype=np.int64)  # key, document
    pairs, groups = bucket_pairs(64, rows[:60], rows[60:])
    assert pairs.tolist() == [[3, 5]] and [g.tolist() for g in groups] == [list(range(100))]
    first = round_pairs(groups, [np.array([0])])
    assert len(first) == 99 and first.tolist()[0] == [0, 1]  # not 4,950 pairs
    assert len(round_pairs(groups, [np.array([0, 40])])) == 99 + 98
    from dedupe.engine.dask import dedupe_dask

    with pytest.raises(ConfigError, match="max_bucket"):
        next(dedupe_dask([], max_bucket=1))


def _html_corpus() -> list[Document]:
    """Six HTML stories under one site's nav and promo (template by corpus evidence), and a copy."""
    from .test_dedup import words

    nav = "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    promo = ("<p>Our editors pick the best stories of the week and send them to all of our readers every "
             "Friday morning, with a short note on what to read next.</p>")
    pages = [f"<html><head><title>Story {s}</title></head><body>{nav}<h1>Story {s}</h1>"
             + "".join(f"<p>{' '.join(words(40, s * 10 + p))}.</p>" for p in range(5)) + promo + "</body></html>"
             for s in range(6)]
    return [Document(id=str(i), url=f"https://www.example.com/{i}", raw=p, format="html")
            for i, p in enumerate(pages + pages[:1])]


def test_relabelling_reads_the_kept_blocks_instead_of_parsing_again(monkeypatch):
    import dedupe.pipeline as pipeline
    from dedupe.engine import phases
    from dedupe.template import evidence_keys

    part = phases.prepare(_html_corpus(), Config(), 0)
    assert all(d.segmented is not None for d in part.docs)
    assert all(d.segmented is None for d in phases.prepare(_html_corpus(), Config(template_min_stories=0), 0).docs)
    parsed = []
    real = pipeline.segment_html
    monkeypatch.setattr(pipeline, "segment_html", lambda raw, deadline: (parsed.append(1), real(raw, deadline))[1])
    promo, key = next((b.text, k) for b, k in zip(part.docs[0].blocks, evidence_keys(part.docs[0]))
                      if b.text.startswith("Our editors pick"))
    part = phases.relabel(part, frozenset({key}), Config())
    assert parsed == [] and all(d.segmented is None for d in part.docs)
    assert all(promo not in d.text for d in part.docs)


def test_distributed_template_pass_on_html_equals_the_local_engine(two_workers):
    from dedupe.engine.dask import dedupe_dask
    from dedupe.pipeline import dedupe_documents

    def run(docs):
        return [(d.id, d.title, d.text, d.blocks, d.duplicate_of, d.segmented) for d in docs]

    cfg = Config()
    local = run(dedupe_documents(clean_documents(_html_corpus(), keep_segments=True), cfg))
    dist = run(dedupe_dask(_html_corpus(), cfg, client=two_workers, partition_size=3, buckets=4))
    assert dist == local
    # without keep_raw (the CLI's way) the pages stay on no worker and come back without it
    lean = list(dedupe_dask(_html_corpus(), cfg, client=two_workers, partition_size=3, buckets=4, keep_raw=False))
    assert run(lean) == dist and all(d.raw is None for d in lean)
    from .synthetic import decisions, stress_corpus

    text = list(dedupe_dask(stress_corpus(), cfg, client=two_workers, partition_size=7, keep_raw=False))
    assert decisions(text) == decisions(dedupe_documents(clean_documents(stress_corpus()), cfg))
    assert all(any(b.reason.startswith("site template") for b in blocks) for _, _, _, blocks, _, _ in dist)
    assert [dup for *_, dup, _ in dist] == [None] * 6 + ["0"]
