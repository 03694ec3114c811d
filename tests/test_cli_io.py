"""The CLI with structured inputs and outputs: JSON Lines, WARC, Parquet, stdin,
the accounting identity, atomic output, messages and exit codes."""
import gzip
import json
import os
import re
import sys

import pytest
from click.testing import CliRunner

from dedupe.cli import main

from .test_io import PARA, sample_records, warc_record, write_warc

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

OTHER = ("Storms closed the coastal road for a second day on Tuesday, and engineers said repairs to the sea "
         "wall would take at least a month before traffic can return.")
ARTICLE = "\n\n".join([PARA] * 4)
OTHER_ARTICLE = "\n\n".join([OTHER] * 4)


def jsonl_lines(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join([
        json.dumps({"uid": "a", "body": "Menu\n\n" + ARTICLE, "site": "one", "lang": "en"}),
        json.dumps({"uid": "b", "body": "Home\n\n" + ARTICLE, "site": "two", "lang": "en"}),
        '{"uid": "broken", ',
        json.dumps({"uid": "c", "body": OTHER_ARTICLE, "site": "three", "lang": "en"}),
        json.dumps({"uid": "d", "site": "four"}),
    ]) + "\n")
    return p


def read_jsonl(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def identity(output: str):
    """(in, kept, duplicates, rejected) from the summary's accounting line."""
    m = re.search(r"in = kept \+ duplicates \+ rejected: (\d+) = (\d+) \+ (\d+) \+ (\d+)", output)
    assert m, output
    return tuple(int(x) for x in m.groups())


def test_run_jsonl_fields_pass_through_and_accounting(tmp_path):
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    res = CliRunner().invoke(main, ["run", str(jsonl_lines(tmp_path)), "-o", str(out), "--rejected", str(rej),
                                    "--id-field", "uid", "--text-field", "body"])
    assert res.exit_code == 3, res.output  # two lines rejected
    recs, rejected = read_jsonl(out), read_jsonl(rej)
    assert [r["id"] for r in recs] == ["a", "b", "c"]
    assert recs[1]["duplicate_of"] == "a" and recs[1]["site"] == "two" and recs[1]["lang"] == "en"
    errors = {r["source"].rsplit(":", 1)[1]: r["error"] for r in rejected}
    assert "invalid JSON" in errors["3"] and "missing text" in errors["5"]
    n_in, kept, dups, n_rej = identity(res.output)
    assert (n_in, kept, dups, n_rej) == (5, 2, 1, 2)
    assert n_in == kept + dups + n_rej == len(recs) + len(rejected)
    assert "dedupe: rejected" not in res.output  # per-record lines only with --verbose
    assert "clusters" in res.output and "boilerplate" in res.output and "docs/s" in res.output


def test_input_fields_named_like_output_fields_are_reported(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": "a", "text": ARTICLE, "title": "Feed title", "cluster": 7, "site": "x"}) + "\n")
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "input fields replaced by dedupe's own: cluster, title" in res.output
    rec = read_jsonl(out)[0]
    assert rec["site"] == "x" and rec["title"] != "Feed title"
    # never passed through where dedupe writes no value of its own: a stale "error" would make a
    # kept record look rejected, a stale "cluster" or "duplicate_of" a rejected one look decided
    src.write_text(json.dumps({"id": "a", "text": ARTICLE, "error": "old", "published": {"d": 1}}) + "\n"
                   + json.dumps({"id": "b", "text": "", "cluster": "a", "duplicate_of": "a", "lang": "en"}) + "\n")
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(out)])
    assert res.exit_code == 3, res.output  # b is rejected (no text)
    kept, rej = read_jsonl(out)
    assert "error" not in kept and "published" not in kept and kept["duplicate_of"] is None
    assert rej["error"].startswith("empty text") and rej["lang"] == "en"
    assert not {"cluster", "duplicate_of", "text"} & set(rej)
    res = CliRunner().invoke(main, ["run", str(jsonl_lines(tmp_path)), "-o", str(out),
                                    "--id-field", "uid", "--text-field", "body"])
    assert "replaced" not in res.output


def test_outputs_written_into_the_input_directory_are_not_read_again(tmp_path, seeds_dir):
    """A second run over the directory a first run wrote into reads the same documents, not
    the first run's output and rejects as well."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for f in seeds_dir.glob("*.txt"):
        (pages / f.name).write_bytes(f.read_bytes())
    args = ["run", str(pages), "-o", str(pages / "out.jsonl"), "--rejected", str(pages / "rejected.jsonl")]
    for _ in range(2):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 0, res.output
        assert "4 documents in, 3 kept, 1 duplicates, 0 rejected" in res.output
    assert sorted(p.name for p in pages.iterdir())[-2:] == ["out.jsonl", "rejected.jsonl"]
    # another command's output in the directory is input like any file
    res = CliRunner().invoke(main, ["clean", str(pages), "-o", str(tmp_path / "clean.jsonl")])
    assert "8 documents in" in res.output  # the 4 pages and out.jsonl's 4 records (rejected.jsonl is empty)


def test_the_summary_says_when_kept_documents_share_an_id(tmp_path, seeds_dir):
    """Two directories with a file of the same name give two documents of one id: the
    clusters would be ambiguous, and the summary says so."""
    for d, seed in (("a", "003_*"), ("b", "004_*")):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.txt").write_bytes(next(seeds_dir.glob(seed)).read_bytes())
    res = CliRunner().invoke(main, ["run", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 0, res.output
    assert "repeated ids  2 kept documents share their id with another" in res.output
    res = CliRunner().invoke(main, ["run", str(tmp_path / "a"), "-o", str(tmp_path / "o.jsonl")])
    assert "repeated ids" not in res.output


def test_rejected_and_output_must_be_different_paths(tmp_path, seeds_dir):
    """Both are renamed into place at the end: the same path would leave only the rejects."""
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    for rejected, fmt in ((str(out), []), (str(tmp_path / "." / "out.jsonl"), []),
                          (str(tmp_path / "texts" / "rej.jsonl"), ["--output-format", "txt"])):
        target = str(tmp_path / "texts") if fmt else str(out)
        res = CliRunner().invoke(main, ["run", str(seeds_dir), "-o", target, "--rejected", rejected, *fmt])
        assert res.exit_code == 2 and "give it a path of its own" in res.output, res.output
    assert out.read_text() == "previous\n" and not (tmp_path / "texts").exists()
    res = CliRunner().invoke(main, ["run", str(seeds_dir), "-o", "-", "--rejected", "-"])
    assert res.exit_code == 0  # both to stdout is allowed


def test_drop_duplicates_still_accounts_for_every_document(tmp_path):
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["run", str(jsonl_lines(tmp_path)), "-o", str(out), "--drop-duplicates",
                                    "--id-field", "uid", "--text-field", "body"])
    assert res.exit_code == 3, res.output
    recs = read_jsonl(out)
    assert [r["id"] for r in recs if "error" not in r] == ["a", "c"]
    assert identity(res.output) == (5, 2, 1, 2)


def test_verbose_lists_rejections_and_quiet_prints_nothing(tmp_path):
    src = jsonl_lines(tmp_path)
    args = ["run", str(src), "-o", str(tmp_path / "o.jsonl"), "--id-field", "uid", "--text-field", "body"]
    res = CliRunner().invoke(main, args + ["--verbose"])
    assert res.exit_code == 3
    assert f"dedupe: rejected {src}:3: invalid JSON" in res.output
    assert "LSH" in res.output and "bands" in res.output
    res = CliRunner().invoke(main, args + ["--quiet"])
    assert res.exit_code == 3 and res.output == ""


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_run_on_warc_and_truncated_warc(tmp_path, gz):
    pytest.importorskip("fastwarc")
    recs = [warc_record(f"https://news.example/{i}", f"id{i}",
                        f"<html><body><nav>Home News</nav><p>{PARA}</p><p>{PARA}</p></body></html>".encode())
            for i in range(3)]
    p = tmp_path / ("cc.warc.gz" if gz else "cc.warc")
    data = write_warc(p, recs, gz)
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["run", str(p), "-o", str(out)])
    assert res.exit_code == 0, res.output
    got = read_jsonl(out)
    assert [r["id"] for r in got] == ["<urn:uuid:id0>", "<urn:uuid:id1>", "<urn:uuid:id2>"]
    assert got[0]["url"] == "https://news.example/0" and got[1]["duplicate_of"] == "<urn:uuid:id0>"
    p.write_bytes(data[:-120])
    res = CliRunner().invoke(main, ["run", str(p), "-o", str(out)])
    assert res.exit_code == 3, res.output
    got = read_jsonl(out)
    assert [r["id"] for r in got if "error" not in r] == ["<urn:uuid:id0>", "<urn:uuid:id1>"]
    assert "truncated" in got[-1]["error"]
    assert identity(res.output) == (3, 1, 1, 1)


def test_parquet_in_and_out(tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist([
        {"id": "p1", "text": None, "html": f"<html><body><p>{PARA}</p><p>{PARA}</p></body></html>", "feed": "x"},
        {"id": "p2", "text": ARTICLE, "html": None, "feed": "y"},
        {"id": "p3", "text": OTHER_ARTICLE, "html": None, "feed": "z"},
    ]), src)
    out = tmp_path / "out.parquet"
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = pq.read_table(out).to_pylist()
    assert [(r["id"], r["feed"], r["duplicate_of"]) for r in rows] == [("p1", "x", None), ("p2", "y", "p1"),
                                                                        ("p3", "z", None)]
    assert rows[0]["blocks"][0]["label"] == "main"
    out2 = tmp_path / "out.data"
    res = CliRunner().invoke(main, ["clean", str(src), "-o", str(out2), "--output-format", "parquet"])
    assert res.exit_code == 0, res.output
    assert pq.read_table(out2).num_rows == 3


def test_parquet_to_stdout_is_refused(tmp_path):
    res = CliRunner().invoke(main, ["run", "-", "-o", "-", "--output-format", "parquet"], input=ARTICLE)
    assert res.exit_code == 1 and "Parquet output needs a file" in res.output


def test_stdin_jsonl_is_detected_and_warc_given(tmp_path):
    lines = "\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate([ARTICLE, ARTICLE])) + "\n"
    res = CliRunner().invoke(main, ["run", "-", "-o", "-", "-q"], input=lines)
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in res.stdout.splitlines()]
    assert [(r["id"], r["source"], r["duplicate_of"]) for r in recs] == [("0", "-:1", None), ("1", "-:2", "0")]
    pytest.importorskip("fastwarc")
    warc = gzip.compress(b"".join(sample_records()))
    res = CliRunner().invoke(main, ["clean", "-", "--format", "warc", "-o", "-", "-q"], input=warc)
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) == 3


def test_a_failure_mid_run_leaves_no_output_and_keeps_the_old_one(tmp_path, monkeypatch):
    import dedupe.cli as cli

    src = jsonl_lines(tmp_path)
    out, rej = tmp_path / "out" / "o.jsonl", tmp_path / "out" / "r.jsonl"

    def broken(docs, cfg, scheduler=None, keep_segments=False, keep_raw=True):
        for i, d in enumerate(docs):
            if i == 2:
                raise RuntimeError("worker died")
            yield d

    monkeypatch.setattr(cli, "clean_on_engine", broken)
    args = ["run", str(src), "-o", str(out), "--rejected", str(rej), "--text-field", "body"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code != 0 and isinstance(res.exception, RuntimeError)
    assert os.listdir(tmp_path / "out") == []
    out.write_text("previous run\n")
    res = CliRunner().invoke(main, args)
    assert res.exit_code != 0
    assert out.read_text() == "previous run\n" and os.listdir(tmp_path / "out") == ["o.jsonl"]


def test_missing_optional_dependency_says_what_to_install(tmp_path, monkeypatch):
    p = tmp_path / "x.warc"
    p.write_bytes(sample_records()[0])
    monkeypatch.setitem(sys.modules, "fastwarc.warc", None)
    res = CliRunner().invoke(main, ["run", str(p), "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 1 and "pip install 'news-dedupe[warc]'" in res.output
    assert not (tmp_path / "o.jsonl").exists()


def test_bad_field_option_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(main, ["run", "-", "--text-field", "html"], input=ARTICLE)
    assert res.exit_code == 2 and "text_field and html_field must differ" in res.output


def test_report_command_writes_one_page(tmp_path):
    out = tmp_path / "o.jsonl"
    assert CliRunner().invoke(main, ["run", str(jsonl_lines(tmp_path)), "-o", str(out), "-q",
                                     "--id-field", "uid", "--text-field", "body"]).exit_code == 3
    html = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["report", str(out), "-o", str(html)])
    assert res.exit_code == 0, res.output
    assert "5 documents summarised" in res.output
    assert html.read_text().startswith("<!DOCTYPE html>")
    res = CliRunner().invoke(main, ["report", str(tmp_path / "in.jsonl"), "-o", str(html)])
    assert res.exit_code == 1 and "is this the output of dedupe run" in res.output
