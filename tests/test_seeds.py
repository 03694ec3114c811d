"""The seeds acceptance of issue 2: the real scrapes in seeds/."""
import json

from click.testing import CliRunner

from dedupe.cli import main

BOILERPLATE = ["Follow us on social", "keep reading", "Show less", "QiOSK", "Alarming lack of detail",
               "Diplomacy Watch", "Rubio takes annual", "Subscribe now", "Newsletter"]


def _run(seeds_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["run", str(seeds_dir), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}, res


def test_rescrapes_cluster_and_lose_their_widgets(seeds_dir, tmp_path):
    recs, _ = _run(seeds_dir, tmp_path)
    a, b = recs["000_852d486c64d177d0"], recs["001_aa46f2b026fe6946"]
    assert a["cluster"] == b["cluster"] == "000_852d486c64d177d0"
    assert a["duplicate_of"] is None and b["duplicate_of"] == a["id"]
    for r in (a, b):
        t = r["text"]
        assert t.startswith("Recent media reports indicate")
        assert t.rstrip().endswith("undiplomatic approach so far.")
        for phrase in BOILERPLATE:
            assert phrase not in t, phrase


def test_comment_thread_is_labelled_and_removed(seeds_dir, tmp_path):
    recs, _ = _run(seeds_dir, tmp_path)
    r = recs["003_6e9ac6b45b958a19"]
    assert r["cluster"] == r["id"] and r["duplicate_of"] is None
    assert r["text"].startswith("A few days ago, as violence in Kazakhstan escalated")
    assert r["text"].rstrip().endswith("are now Moscow’s to deal with.")
    for phrase in ("January 10, 2022 at 7:26 pm", "Bankotsu", "Leave a Reply"):
        assert phrase not in r["text"]
    labels = {b["text"]: (b["label"], b["reason"]) for b in r["blocks"]}
    assert labels["January 10, 2022 at 7:26 pm"] == ("comments", "comment date/author line")
    # the reply form is named for what it is, not taken for a comment's header
    assert labels["Leave a Reply"] == ("comments", "comment cue (reply form, comment count)")
    assert labels["4. Bankotsu"][0] == "comments"


def test_distinct_article_on_same_topic_stays_alone_and_whole(seeds_dir, tmp_path):
    recs, _ = _run(seeds_dir, tmp_path)
    r = recs["004_abeeed476416bd05"]
    assert r["cluster"] == r["id"] and r["duplicate_of"] is None
    assert all(x["cluster"] != r["id"] for k, x in recs.items() if k != r["id"])
    raw = (seeds_dir / "004_abeeed476416bd05.txt").read_text().splitlines()
    body = raw[1:11]  # every article paragraph between the image credit and the author bio
    for line in body:
        assert line.strip() in r["text"]


def test_summary_accounts_for_every_document(seeds_dir, tmp_path):
    _, res = _run(seeds_dir, tmp_path)
    assert "4 documents in, 3 kept, 1 duplicates" in res.output
    assert "0 rejected" in res.output
