"""The Redis index backend against a real redis-server on loopback (skips without one)."""
import shutil
import socket
import subprocess
import time

import pytest

from dedupe import Config, ConfigError, Deduplicator, Document

from .test_dedup import doc, words

pytest.importorskip("redis", reason="the redis package is not installed (pip install 'news-dedupe[redis]')")


@pytest.fixture(scope="module")
def redis_url():
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not on PATH (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


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
