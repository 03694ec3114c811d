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
was never written; other workers may have matched against them meanwhile. A
process killed outright cannot, and leaves them. ``dedupe:params`` records the
parameters the database was built with; opening it with others is refused.
"""
from __future__ import annotations

import json
from array import array
from typing import Iterator

import numpy as np

from ..errors import ConfigError, require
from ..shingle import HASH_VERSION

__all__ = ["RedisIndex"]

_RESERVE = 256  # document numbers taken from the server at a time


class RedisIndex:
    """Band key -> kept documents, their ids, shingle sets and sketches, in a Redis database."""

    def __init__(self, url: str, *, bands: int | None = None, rows: int | None = None,
                 num_perm: int | None = None, seed: int | None = None, shingle_size: int | None = None,
                 readonly: bool = False):
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
        # this run's additions, taken out again if it is aborted: document numbers, text hashes
        self._added, self._added_hashes = array("q"), array("Q")

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
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(f"{self.p}doc:{key}", mapping=doc)
        pipe.hsetnx(self.p + "exact", str(text_hash), key)
        for k in ks.tolist():
            pipe.sadd(f"{self.p}band:{k}", key)
        pipe.sadd(f"{self.p}id:{doc_id}", key)
        pipe.incr(self.p + "count")
        pipe.execute()
        self._added.append(key)
        self._added_hashes.append(int(text_hash) & 0xFFFFFFFFFFFFFFFF)
        return key

    def get(self, key: int) -> tuple[str, np.ndarray]:
        doc_id, sh = self.r.hmget(f"{self.p}doc:{key}", ["id", "sh"])
        return doc_id.decode(), np.frombuffer(sh, dtype=np.uint32)

    def find_exact(self, text_hash: int) -> int | None:
        v = self.r.hget(self.p + "exact", str(text_hash))
        return None if v is None else int(v)

    def close(self) -> None:
        """Keep this run's additions and close."""
        self._added, self._added_hashes = array("q"), array("Q")
        self.r.close()

    def abort(self) -> None:
        """Take this run's additions out of the index again, then close."""
        try:
            self._forget(self._added.tolist(), self._added_hashes.tolist())
        finally:
            self.close()

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

