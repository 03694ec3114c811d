"""Persistent indexes: incremental runs equal one run, SQLite and Redis agree,
a run's writes are one transaction, and ``dedupe index`` looks after them."""
import json
import multiprocessing as mp
import sqlite3

import pytest
from click.testing import CliRunner

from dedupe import Config, ConfigError, Deduplicator, clean_documents
from dedupe.cli import main

from .conftest import SEEDS
from .synthetic import decisions, stress_corpus


def cleaned():
    return list(clean_documents(stress_corpus()))


def run_batches(index, batches, **cfg):
    out = []
    for batch in batches:
        dd = Deduplicator(Config(**cfg), index=index)
        out += list(dd.process(batch))
        dd.close()
    return decisions(out)


def fresh_redis(url, db):
    redis = pytest.importorskip("redis", reason="the redis package is not installed (pip install 'news-dedupe[redis]')")
    redis.Redis.from_url(f"{url}/{db}").flushdb()
    return f"{url}/{db}"


@pytest.mark.parametrize("cut", [10, 44, 80])
def test_incremental_sqlite_runs_equal_one_run(tmp_path, cut):
    docs = cleaned()
    one = run_batches(None, [docs])
    assert run_batches(str(tmp_path / "i.db"), [docs[:cut], docs[cut:]]) == one
    assert sum(d[3] is not None for d in one) >= 30


def test_incremental_redis_runs_equal_one_run_and_sqlite(tmp_path, redis_url):
    docs = cleaned()
    one = run_batches(None, [docs])
    assert run_batches(fresh_redis(redis_url, 3), [docs[:40], docs[40:]]) == one
    assert run_batches(fresh_redis(redis_url, 4), [docs]) == run_batches(str(tmp_path / "i.db"), [docs]) == one


def test_old_duplicates_name_the_real_old_id(tmp_path):
    docs = cleaned()
    path = str(tmp_path / "i.db")
    first = run_batches(path, [docs[:44]])
    second = run_batches(path, [docs[44:]])
    old_ids = {d[0] for d in first}
    crossing = [d for d in second if d[3] in old_ids]
    assert crossing and all(d[3] == d[2] for d in crossing)


def test_a_run_is_one_transaction(tmp_path):
    docs = cleaned()
    path = str(tmp_path / "i.db")
    run_batches(path, [docs[:30]])
    before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM docs").fetchone()[0]
    dd = Deduplicator(index=path)
    list(dd.process(docs[30:]))
    reader = sqlite3.connect(path)  # another process's view while the run writes
    assert reader.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == before
    assert len(dd.index) > before
    dd.abort()
    assert reader.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == before
    assert run_batches(path, [docs[30:]]) == run_batches(str(tmp_path / "j.db"), [docs[:30], docs[30:]])[30:]


def _die_mid_run(path, docs):
    dd = Deduplicator(index=path)
    list(dd.process(docs))
    import os

    os._exit(1)  # killed: no commit, no close


def test_a_killed_run_leaves_the_index_as_it_was(tmp_path):
    docs = cleaned()
    path = str(tmp_path / "i.db")
    run_batches(path, [docs[:30]])
    before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM docs").fetchone()[0]
    child = mp.get_context("fork").Process(target=_die_mid_run, args=(path, docs[30:]))
    child.start()
    child.join(60)
    assert child.exitcode == 1
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == before
    assert run_batches(path, [docs[30:]]) == run_batches(str(tmp_path / "j.db"), [docs[:30], docs[30:]])[30:]


def test_a_second_writer_gets_a_clear_error(tmp_path):
    path = str(tmp_path / "i.db")
    writer = Deduplicator(index=path)
    from dedupe.index.sqlite import SQLiteIndex

    with pytest.raises(ConfigError, match="being written by another run"):
        SQLiteIndex(path, bands=42, rows=3, num_perm=128, seed=1, shingle_size=3, timeout=0.2)
    writer.close()


def test_not_an_index_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not a database")
    with pytest.raises(ConfigError, match="not a dedupe SQLite index"):
        Deduplicator(index=str(bad))


def test_cli_incremental_runs_and_index_upkeep(tmp_path):
    runner = CliRunner()
    idx = str(tmp_path / "seen.db")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for f in sorted(SEEDS.iterdir()):
        (a if f.name.startswith("000") else b).joinpath(f.name).write_bytes(f.read_bytes())
    for d in (a, b):
        res = runner.invoke(main, ["run", str(d), "-o", str(tmp_path / f"{d.name}.jsonl"), "--index", idx, "-q"])
        assert res.exit_code == 0, res.output
    old = json.loads((tmp_path / "a.jsonl").read_text())
    new = {r["id"]: r for r in map(json.loads, (tmp_path / "b.jsonl").read_text().splitlines())}
    assert next(r for i, r in new.items() if i.startswith("001"))["duplicate_of"] == old["id"]

    res = runner.invoke(main, ["index", "stats", idx])
    assert res.exit_code == 0 and json.loads(res.output)["documents"] == 3
    res = runner.invoke(main, ["index", "export", idx])
    assert res.exit_code == 0
    exported = [json.loads(x) for x in res.output.splitlines()]
    assert [r["id"] for r in exported][0] == old["id"] and all(r["shingles"] > 100 for r in exported)
    res = runner.invoke(main, ["index", "remove", idx, old["id"], "no-such-id"])
    assert res.exit_code == 1 and "not in the index: no-such-id" in res.output
    assert json.loads(runner.invoke(main, ["index", "stats", idx]).output)["documents"] == 2
    res = runner.invoke(main, ["run", str(a), "-o", str(tmp_path / "again.jsonl"), "--index", idx, "-q"])
    assert json.loads((tmp_path / "again.jsonl").read_text())["duplicate_of"] is None  # removed: new again
    res = runner.invoke(main, ["index", "stats", str(tmp_path / "missing.db")])
    assert res.exit_code == 1 and "no index at" in res.output


def test_index_upkeep_on_redis(redis_url):
    url = fresh_redis(redis_url, 5)
    docs = cleaned()
    run_batches(url, [docs])
    runner = CliRunner()
    stats = json.loads(runner.invoke(main, ["index", "stats", url]).output)
    exported = [json.loads(x) for x in runner.invoke(main, ["index", "export", url]).output.splitlines()]
    assert stats["documents"] == len(exported) and stats["backend"] == "redis"
    victim = exported[0]["id"]
    assert runner.invoke(main, ["index", "remove", url, victim]).exit_code == 0
    assert json.loads(runner.invoke(main, ["index", "stats", url]).output)["documents"] == len(exported) - 1
