"""A Redis index: a persistent, shared index on a Redis server (``redis://host:port/db``).

Like the SQLite index it serves incremental runs (matches against documents of
an earlier run carry their real ids), and several processes may share it.
Layout, under a prefix that names the LSH parameters (``dedupe:b9r13p128s1k3:``):

- ``band:<key>``: a set of the kept documents' numbers, one per band key; a
  query is one ``SUNION`` of a document's band keys (one round trip);
- ``doc:<n>``: a hash with the document's ``id``, its shingle set (``sh``,
  uint32 bytes), band keys (``k``) and sketch (``s``);
- ``exact``: a hash, exact text hash -> number of the first document with it;
- ``id:<id>``: a set of the numbers of the documents with that id (for ``dedupe index remove``);
- ``next``/``count``: the document-number allocator and the number of documents.

Each document is added in one ``MULTI``/``EXEC``, so none is ever half indexed;
additions are visible to other workers at once (the point of sharing). A run
that fails or is interrupted takes its own additions out again (:meth:`abort`),
so that its rerun does not find its documents already "seen" while their output
was never written; other workers may have matched against them meanwhile.

A process killed outright (SIGKILL, the OOM killer, a lost machine) cannot, so
every run journals its additions, in the same ``MULTI`` as each one:

- ``runs``: the ids of the runs that have added documents and not finished;
- ``run:<id>:added``: a list of ``<number>:<text hash>`` of its additions;
- ``run:<id>:owner``: its host, boot id, process id and process start time;
- ``run:<id>:alive``: a heartbeat that lapses ``lease`` seconds (60) after the run
  stops renewing it (a thread renews it every third of that).

A run that finishes deletes its journal. Opening the index for writing rolls
back the journal of every run that is gone: its heartbeat lapsed, or it ran on
this machine (same host and boot) and its process no longer exists, which a
rerun right after a crash finds at once. ``dedupe:params`` records the
parameters the database was built with; opening it with others is refused.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from typing import Iterator

import numpy as np

from ..errors import ConfigError, require
from ..shingle import HASH_VERSION

__all__ = ["RedisIndex"]

_RESERVE = 256  # document numbers taken from the server at a time
LEASE = 60.0  # seconds a run's heartbeat outlives its last renewal


class RedisIndex:
    """Band key -> kept documents, their ids, shingle sets and sketches, in a Redis database."""

    def __init__(self, url: str, *, bands: int | None = None, rows: int | None = None,
                 num_perm: int | None = None, seed: int | None = None, shingle_size: int | None = None,
                 readonly: bool = False, lease: float = LEASE):
        redis = require("redis", "redis")
        self.url = url
        self.min_agree = 0
        self.r = redis.Redis.from_url(url)
        try:
            self.r.ping()
        except redis.RedisError as exc:
            raise ConfigError(f"cannot use the Redis index at {url}: {exc}") from exc
        if readonly:
            stored = self.r.get("dedupe:params")
            if stored is None:
                raise ConfigError(f"no dedupe index in {url}")
            self.params = json.loads(stored)
        else:
            self.params = {"bands": bands, "rows": rows, "num_perm": num_perm, "seed": seed,
                           "shingle_size": shingle_size, "hash_version": HASH_VERSION, "layout": 2}
            self.r.setnx("dedupe:params", json.dumps(self.params))
            stored = self.r.get("dedupe:params").decode()
            if json.loads(stored) != self.params:
                raise ConfigError(f"Redis index {url} was built with {stored}, not {json.dumps(self.params)}; "
                                  "use the same options, another database number or an empty database")
        p = self.params
        self.p = f"dedupe:b{p['bands']}r{p['rows']}p{p['num_perm']}s{p['seed']}k{p['shingle_size']}:"
        self._next = self._end = 0
        self.lease = lease
        self._run: str | None = None  # this run's journal id, from its first addition
        self._heartbeat: threading.Event | None = None  # set to stop the renewing thread
        # (run id, documents) of gone runs whose additions opening the index rolled back
        self.recovered: list[tuple[str, int]] = [] if readonly else self._recover()

    def __len__(self) -> int:
        return int(self.r.get(self.p + "count") or 0)

    def query(self, keys: np.ndarray, sketch: np.ndarray | None = None) -> list[int]:
        if not len(keys):
            return []
        found = sorted(int(x) for x in self.r.sunion([f"{self.p}band:{k}" for k in keys.tolist()]))
        if not (found and self.min_agree and sketch is not None):
            return found
        pipe = self.r.pipeline(transaction=False)
        for key in found:
            pipe.hget(f"{self.p}doc:{key}", "s")
        return [key for key, sk in zip(found, pipe.execute())
                if sk is None or np.count_nonzero(np.frombuffer(sk, np.uint8) == sketch) >= self.min_agree]

    def add(self, keys: np.ndarray, doc_id: str, shingles: np.ndarray, text_hash: int,
            sketch: np.ndarray | None = None) -> int:
        if self._next == self._end:
            self._end = self.r.incrby(self.p + "next", _RESERVE)
            self._next = self._end - _RESERVE
        key = self._next
        self._next += 1
        ks = np.asarray(keys, dtype=np.int64)
        doc = {"id": doc_id, "sh": shingles.astype(np.uint32).tobytes(), "k": ks.tobytes()}
        if sketch is not None:
            doc["s"] = np.asarray(sketch, np.uint8).tobytes()
        if self._run is None:
            self._begin()
        pipe = self.r.pipeline(transaction=True)
        pipe.rpush(f"{self.p}run:{self._run}:added", f"{key}:{int(text_hash) & 0xFFFFFFFFFFFFFFFF}")
        pipe.hset(f"{self.p}doc:{key}", mapping=doc)
        pipe.hsetnx(self.p + "exact", str(text_hash), key)
        for k in ks.tolist():
            pipe.sadd(f"{self.p}band:{k}", key)
        pipe.sadd(f"{self.p}id:{doc_id}", key)
        pipe.incr(self.p + "count")
        pipe.execute()
        return key

    def get(self, key: int) -> tuple[str, np.ndarray]:
        doc_id, sh = self.r.hmget(f"{self.p}doc:{key}", ["id", "sh"])
        return doc_id.decode(), np.frombuffer(sh, dtype=np.uint32)

    def find_exact(self, text_hash: int) -> int | None:
        v = self.r.hget(self.p + "exact", str(text_hash))
        return None if v is None else int(v)

    def close(self) -> None:
        """Keep this run's additions and close."""
        self._end_run()
        self.r.close()

    def abort(self) -> None:
        """Take this run's additions out of the index again, then close."""
        try:
            if self._run is not None:
                self._forget(*self._journal(self._run))
        finally:
            self.close()

    # -- the run journal

    def _begin(self) -> None:
        """Register this run before its first addition, and start its heartbeat."""
        run = uuid.uuid4().hex
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(f"{self.p}run:{run}:owner", mapping=_owner(os.getpid()))
        pipe.set(f"{self.p}run:{run}:alive", 1, px=int(self.lease * 1000))
        pipe.sadd(self.p + "runs", run)
        pipe.execute()
        self._run = run
        self._heartbeat = stop = threading.Event()
        alive, ms, r = f"{self.p}run:{run}:alive", int(self.lease * 1000), self.r

        def renew():  # (a failed renewal is retried; the run's own calls report a lost server)
            while not stop.wait(self.lease / 3):
                try:
                    r.set(alive, 1, px=ms)
                except Exception:
                    pass

        threading.Thread(target=renew, name="dedupe-redis-heartbeat", daemon=True).start()

    def _end_run(self) -> None:
        """Stop the heartbeat and delete the journal: the additions left are final."""
        if self._heartbeat is not None:
            self._heartbeat.set()
            self._heartbeat = None
        if self._run is not None:
            run, self._run = self._run, None
            self._delete_journal(run)

    def _delete_journal(self, run: str) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(*(f"{self.p}run:{run}:{part}" for part in ("added", "owner", "alive", "recovering")))
        pipe.srem(self.p + "runs", run)
        pipe.execute()

    def _journal(self, run: str) -> tuple[list[int], list[int]]:
        """The document numbers and text hashes a run added."""
        keys, hashes = [], []
        for item in self.r.lrange(f"{self.p}run:{run}:added", 0, -1):
            key, th = item.split(b":")
            keys.append(int(key))
            hashes.append(int(th))
        return keys, hashes

    def _recover(self) -> list[tuple[str, int]]:
        """Roll back the additions of runs that are gone (see the module doc)."""
        done = []
        me = _owner(os.getpid())
        for raw in self.r.smembers(self.p + "runs"):
            run = raw.decode()
            owner = {k.decode(): v.decode() for k, v in self.r.hgetall(f"{self.p}run:{run}:owner").items()}
            here = bool(me["boot"]) and owner.get("host") == me["host"] and owner.get("boot") == me["boot"]
            gone = not self.r.exists(f"{self.p}run:{run}:alive") or (
                here and _start_time(int(owner.get("pid") or 0)) != owner.get("started"))
            # one process rolls a run back: the first to take its recovery mark
            if gone and self.r.set(f"{self.p}run:{run}:recovering", 1, nx=True, ex=600):
                keys, hashes = self._journal(run)
                self._forget(keys, hashes)
                self._delete_journal(run)
                done.append((run, len(keys)))
        return done

    def _forget(self, keys: list[int], text_hashes: list[int], step: int = 256) -> None:
        for i in range(0, len(keys), step):
            ks, ths = keys[i:i + step], text_hashes[i:i + step]
            read = self.r.pipeline(transaction=False)
            for key, th in zip(ks, ths):
                read.hmget(f"{self.p}doc:{key}", ["id", "k"])
                read.hget(self.p + "exact", str(th))
            got = read.execute()
            pipe = self.r.pipeline(transaction=True)
            for n, (key, th) in enumerate(zip(ks, ths)):
                (doc_id, kb), first = got[2 * n], got[2 * n + 1]
                if doc_id is None:
                    continue  # already removed (dedupe index remove)
                self._drop(pipe, key, kb)
                pipe.srem(f"{self.p}id:{doc_id.decode()}", key)
                if first is not None and int(first) == key:
                    pipe.hdel(self.p + "exact", str(th))
            pipe.execute()

    def _drop(self, pipe, key: int, band_keys: bytes | None) -> None:
        """Queue on ``pipe`` what takes document ``key`` out of its band sets and the count
        (its id set and exact-hash entry are the caller's: they are found differently)."""
        for k in np.frombuffer(band_keys or b"", np.int64).tolist():
            pipe.srem(f"{self.p}band:{k}", key)
        pipe.delete(f"{self.p}doc:{key}")
        pipe.decr(self.p + "count")

    # -- upkeep (``dedupe index``)

    def stats(self) -> dict:
        return {"backend": "redis", "location": self.url, "documents": len(self),
                "bytes": self.r.info("memory").get("used_memory"), **self.params}

    def remove(self, doc_id: str) -> int:
        keys = sorted(int(x) for x in self.r.smembers(f"{self.p}id:{doc_id}"))
        if not keys:
            return 0
        for key in keys:
            pipe = self.r.pipeline(transaction=True)
            self._drop(pipe, key, self.r.hget(f"{self.p}doc:{key}", "k"))
            pipe.execute()
        for th, v in self.r.hscan_iter(self.p + "exact"):
            if int(v) in keys:
                self.r.hdel(self.p + "exact", th)
        self.r.delete(f"{self.p}id:{doc_id}")
        return len(keys)

    def export(self) -> Iterator[dict]:
        nums = sorted(int(k.decode().rsplit(":", 1)[1]) for k in self.r.scan_iter(self.p + "doc:*", count=1000))
        hashes = {int(v): int(th) for th, v in self.r.hscan_iter(self.p + "exact")}
        for key in nums:
            doc_id, sh = self.r.hmget(f"{self.p}doc:{key}", ["id", "sh"])
            th = hashes.get(key)
            yield {"id": doc_id.decode(), "key": key, "text_hash": None if th is None else f"{th:016x}",
                   "shingles": len(sh) // 4}


def _owner(pid: int) -> dict[str, str]:
    """Who runs: host, boot id and the process's start time (so that a reused process
    id is told apart). ``started`` is empty when the process does not exist here, and
    ``boot`` without procfs (where only the heartbeat tells a run is gone)."""
    return {"host": socket.gethostname(), "boot": _read("/proc/sys/kernel/random/boot_id").strip(),
            "pid": str(pid), "started": _start_time(pid)}


def _start_time(pid: int) -> str:
    """The process's start time (Linux procfs; empty when it does not exist, or elsewhere)."""
    stat = _read(f"/proc/{pid}/stat") if pid > 0 else ""
    # field 22, counted after the parenthesised command name (which may hold spaces)
    return stat.rsplit(")", 1)[1].split()[19] if stat else ""


def _read(path: str) -> str:
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:
        return ""
