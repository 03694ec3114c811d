"""The Redis index backend against a real redis-server on loopback (skips without one)."""
import socket

import pytest

from dedupe import Config, ConfigError, Deduplicator, Document

from .test_dedup import doc, words

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
