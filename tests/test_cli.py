"""The CLI through click's CliRunner: exit codes, messages, bad input."""
import gzip
import json

from click.testing import CliRunner

from dedupe.cli import main

ARTICLE = "\n\n".join(
    "The council voted on Monday to approve the new housing plan, which will add thousands of homes "
    "near the station over the next decade, officials said." for _ in range(5))


def records(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_clean_writes_text_and_blocks(tmp_path):
    (tmp_path / "a.txt").write_text("Menu\n\n" + ARTICLE)
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["clean", str(tmp_path / "a.txt"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    [r] = records(out)
    assert r["id"] == "a" and "council voted" in r["text"]
    assert {"text", "label", "reason"} <= set(r["blocks"][0])
    assert "cluster" not in r
    assert "1 documents in, 1 cleaned, 0 rejected" in res.output


def test_directory_ids_are_relative_paths_without_extension(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "x.txt").write_text(ARTICLE)
    with gzip.open(d / "sub" / "y.html.gz", "wt") as fh:
        fh.write("<html><body>" + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")) + "</body></html>")
    (d / "ignored.bin").write_bytes(b"\x00\x01")
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["run", str(d), "-o", str(out)])
    assert res.exit_code == 0, res.output
    recs = {r["id"]: r for r in records(out)}
    assert set(recs) == {"x", "sub/y"}
    assert recs["x"]["duplicate_of"] == "sub/y"  # sorted order: sub/ before x


def test_stdin_and_stdout(tmp_path):
    res = CliRunner().invoke(main, ["run", "-", "-o", "-", "-q"], input=ARTICLE)
    assert res.exit_code == 0
    [r] = [json.loads(x) for x in res.stdout.splitlines()]
    assert r["id"] == "stdin" and r["duplicate_of"] is None


FRENCH = ("Le conseil municipal a voté lundi le nouveau plan de logement, qui ajoutera des milliers de maisons "
          "près de la gare au cours de la prochaine décennie, ont déclaré les responsables.")


def test_bad_input_becomes_rejected_records_and_the_run_completes(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(ARTICLE)
    (d / "empty.txt").write_text("")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (d / "latin1.txt").write_bytes("\n\n".join([FRENCH] * 3).encode("latin-1"))
    (d / "broken.txt.gz").write_bytes(gzip.compress(ARTICLE.encode())[:40])
    out, rej = tmp_path / "o.jsonl", tmp_path / "rejected.jsonl"
    res = CliRunner().invoke(main, ["run", str(d), "-o", str(out), "--rejected", str(rej)])
    assert res.exit_code == 3, res.output  # completed, some records rejected
    kept = records(out)
    rejected = {r["id"]: r["error"] for r in records(rej)}
    assert [r["id"] for r in kept] == ["good", "latin1"]
    assert "près de la gare" in kept[1]["text"]  # Latin-1 detected and decoded
    assert rejected["empty"] == "empty input"
    assert rejected["binary"].startswith("binary content (PNG image)")
    assert "broken gzip" in rejected["broken"]
    assert "5 documents in, 2 kept, 0 duplicates" in res.output and "3 rejected" in res.output
    assert f"3 of 5 records rejected, listed in {rej} (exit code 3)" in res.output


def test_exit_codes_say_whether_records_were_rejected(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(ARTICLE)
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["run", str(good), "-o", str(out)])
    assert res.exit_code == 0 and "rejected, listed" not in res.output
    res = CliRunner().invoke(main, ["run", str(good), str(bad), "-o", str(out)])
    assert res.exit_code == 3 and "1 of 2 records rejected, listed in the output" in res.output
    assert [r.get("error", "")[:29] for r in records(out)] == ["", "binary content (PDF document)"]
    res = CliRunner().invoke(main, ["run", str(good), str(bad), "-o", str(out), "--fail-share", "0.5"])
    assert res.exit_code == 1
    assert "1 of 2 records rejected (50%, at least --fail-share 0.5)" in res.output
    assert len(records(out)) == 2  # the outputs are still written
    res = CliRunner().invoke(main, ["clean", str(bad), "-o", str(out), "-q"])
    assert res.exit_code == 1 and "is the input what you meant?" in res.output and "binary content" in res.output
    res = CliRunner().invoke(main, ["run", str(good), "--fail-share", "0"])
    assert res.exit_code == 2 and "fail_share must be a number in (0, 1]" in res.output


def test_usage_errors_exit_2_with_clicks_message(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["run"])
    assert res.exit_code == 2 and "Missing argument" in res.output
    res = runner.invoke(main, ["run", "-", "--keep", "newest"])
    assert res.exit_code == 2 and "Invalid value for '--keep'" in res.output
    res = runner.invoke(main, ["run", "-", "--jaccard-threshold", "2"], input=ARTICLE)
    assert res.exit_code == 2 and "jaccard_threshold must be a number in (0, 1]" in res.output


def test_missing_input_is_a_clear_error(tmp_path):
    res = CliRunner().invoke(main, ["run", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 1 and "input not found" in res.output
    assert not (tmp_path / "o.jsonl").exists()


def test_explain_shows_similarities_and_shared_passages(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Home\n\n" + ARTICLE + "\n\nRelated\n\nAn unrelated teaser sentence about sport results today.")
    b.write_text("Menu\n\n" + ARTICLE)
    res = CliRunner().invoke(main, ["explain", str(a), str(b)])
    assert res.exit_code == 0, res.output
    assert "raw text" in res.output and "main text" in res.output
    assert "near-duplicates" in res.output and "shared (" in res.output


def test_clean_explain_lists_every_block_with_label_and_reason(seeds_dir, tmp_path):
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["clean", str(seeds_dir / "003_6e9ac6b45b958a19.txt"), "-o", str(out),
                                    "--explain"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert any(line.startswith("== 003_6e9ac6b45b958a19") and "title:" in line for line in lines)
    assert any(line.startswith("+ main") and "A few days ago" in line for line in lines)
    assert any(line.startswith("- comments") and "Leave a Reply" in line for line in lines)
    [rec] = records(out)
    assert rec["title"] == "The Crackdown in Kazakhstan Is a Win for Russia (Or Is It?)"
    assert rec["title"] not in rec["text"]


def test_workers_0_means_one_per_usable_cpu(tmp_path, monkeypatch):
    import os

    import dedupe.cli as cli

    seen = []
    real = cli._config
    monkeypatch.setattr(cli, "_config", lambda **kw: (seen.append(kw["workers"]), real(**kw))[1])
    (tmp_path / "a.txt").write_text(ARTICLE)
    res = CliRunner().invoke(main, ["clean", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--workers", "0"])
    assert res.exit_code == 0, res.output
    assert seen == [cli.usable_cpus()] and seen[0] >= 1
    if hasattr(os, "sched_getaffinity"):
        assert seen[0] == len(os.sched_getaffinity(0))
    res = CliRunner().invoke(main, ["clean", "-", "--workers", "-1"], input=ARTICLE)
    assert res.exit_code == 2 and "Invalid value for '--workers'" in res.output


def test_the_summary_counts_documents_with_no_main_text(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "nav.txt").write_text("Home\nNews\nSport\nContact us\n")
    (src / "story.txt").write_text(ARTICLE)
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 0, res.output
    assert "no main text  1 documents: no article found, their text is empty" in res.output
    assert [r["text"] == "" for r in records(tmp_path / "o.jsonl")] == [True, False]
    res = CliRunner().invoke(main, ["run", str(src / "story.txt"), "-o", str(tmp_path / "p.jsonl")])
    assert "no main text" not in res.output
    (src / "nav2.txt").write_text("Home\nNews\nSport\nContact us\n")  # the same empty text twice
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(tmp_path / "q.jsonl")])
    assert "no main text  2 documents" in res.output
    assert [r["duplicate_of"] for r in records(tmp_path / "q.jsonl")] == [None, None, None]
