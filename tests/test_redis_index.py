"""The Redis index backend against a real redis-server on loopback (skips without one)."""
import socket

import pytest

from dedupe import Config, ConfigError, Deduplicator, Document

from .test_dedup import doc, words
from .test_index import fresh_redis

pytest.importorskip("redis", reason="the redis package is not installed (pip install 'news-dedupe[redis]')")


def test_incremental_runs_share_the_redis_index(redis_url):
    url = redis_url + "/0"
    ws = words(500, 11)
    first = Deduplicator(index=url)
    list(first.process([doc("old-id", ws), doc("other", words(500, 13))]))
    first.close()
    second = Deduplicator(index=url)
    out = list(second.process([doc("new", ws[:480] + words(20, 12)), doc("same", ws),
                               doc("fresh", words(500, 14)), Document(id="bad", error="unreadable")]))
    assert len(second.index) == 3
    second.close()
    assert [(d.id, d.duplicate_of, d.relation) for d in out] == [
        ("new", "old-id", "near_duplicate"), ("same", "old-id", "exact"), ("fresh", None, None),
        ("bad", None, None)]


def test_an_aborted_run_takes_its_additions_out_of_the_redis_index(redis_url):
    """After an error or Ctrl-C (no output written), a rerun must not find the run's
    own documents already indexed, or it would mark them as duplicates of themselves."""
    url = redis_url + "/2"
    ws = words(500, 21)
    before = Deduplicator(index=url)
    list(before.process([doc("kept-before", ws)]))
    before.close()
    run = Deduplicator(index=url)
    out = list(run.process([doc("a", words(500, 22)), doc("b", words(500, 23)), doc("copy", ws)]))
    assert len(run.index) == 3 and out[2].duplicate_of == "kept-before"
    run.abort()
    rerun = Deduplicator(index=url)
    assert len(rerun.index) == 1
    out = list(rerun.process([doc("a", words(500, 22)), doc("b", words(500, 23)), doc("copy", ws)]))
    assert [(d.id, d.duplicate_of) for d in out] == [("a", None), ("b", None), ("copy", "kept-before")]
    rerun.close()
    assert len(Deduplicator(index=url).index) == 3


def test_redis_index_refuses_other_parameters(redis_url):
    url = redis_url + "/1"
    Deduplicator(Config(shingle_size=3), index=url).close()
    with pytest.raises(ConfigError, match="was built with .*use the same options"):
        Deduplicator(Config(shingle_size=4), index=url)


def test_unreachable_redis_is_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    with pytest.raises(ConfigError, match="cannot use the Redis index"):
        Deduplicator(index=f"redis://127.0.0.1:{port}/0")


def _killed_run(url, ids):
    """A process that indexes ``ids`` (500 words each) and is then killed outright."""
    import signal
    import subprocess
    import sys

    code = (f"import os, signal\nfrom dedupe import Deduplicator\nfrom tests.test_dedup import doc, words\n"
            f"dd = Deduplicator(index={url!r})\n"
            f"list(dd.process([doc(i, words(500, 40 + n)) for n, i in enumerate({ids!r})]))\n"
            f"os.kill(os.getpid(), signal.SIGKILL)\n")
    from .conftest import ROOT
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL


def test_a_killed_runs_additions_are_rolled_back_when_the_index_is_next_opened(redis_url):
    """SIGKILL leaves no chance to abort: the next run that opens the index finds the
    killed run's journal (same machine, process gone) and takes its additions out."""
    url = fresh_redis(redis_url, 6)
    first = Deduplicator(index=url)
    list(first.process([doc("kept-before", words(500, 31))]))
    first.close()
    _killed_run(url, ["a", "b"])
    rerun = Deduplicator(index=url)
    assert [n for _, n in rerun.index.recovered] == [2]
    assert len(rerun.index) == 1
    out = list(rerun.process([doc("a", words(500, 40)), doc("b", words(500, 41))]))
    assert [d.duplicate_of for d in out] == [None, None]  # not "seen" in the killed run
    rerun.close()
    again = Deduplicator(index=url)
    assert again.index.recovered == [] and len(again.index) == 3
    again.close()


def test_a_live_run_is_left_alone_and_a_lapsed_one_is_rolled_back(redis_url):
    """A run elsewhere counts as gone only once its heartbeat lapses."""
    url = fresh_redis(redis_url, 7)
    live = Deduplicator(index=url)
    list(live.process([doc("live", words(500, 51))]))
    other = Deduplicator(index=url)  # the same process: its run is alive
    assert other.index.recovered == [] and len(other.index) == 1
    other.close()
    # the run's owner moves to another machine, and its heartbeat stops
    r, p, run = live.index.r, live.index.p, live.index._run
    live.index._heartbeat.set()
    r.hset(f"{p}run:{run}:owner", "host", "elsewhere")
    assert len(Deduplicator(index=url).index.recovered) == 0  # still within its lease
    r.delete(f"{p}run:{run}:alive")
    later = Deduplicator(index=url)
    assert [n for _, n in later.index.recovered] == [1] and len(later.index) == 0
    later.close()


def test_run_says_when_it_rolled_back_a_killed_run(redis_url, tmp_path):
    from click.testing import CliRunner

    from dedupe.cli import main

    from .conftest import SEEDS

    url = fresh_redis(redis_url, 8)
    _killed_run(url, ["x", "y", "z"])
    res = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "out.jsonl"), "--index", url])
    assert res.exit_code == 0, res.output
    assert "rolled back 3 documents that a killed run" in res.output
