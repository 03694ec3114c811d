"""A Redis index: a persistent, shared index on a Redis server (``redis://host:port/db``).

Like the SQLite index it serves incremental runs (matches against documents of
an earlier run carry their real ids), and several processes may share it.
Layout, under a prefix that names the LSH parameters (``dedupe:b9r13p128s1k3:``):

- ``band:<key>``: a set of the kept documents' numbers, one per band key; a
  query is one ``SUNION`` of a document's band keys (one round trip);
- ``doc:<n>``: a hash with the document's ``id`` and its shingle set (``sh``,
  uint64 bytes);
- ``exact``: a hash, exact text hash -> number of the first document with it;
- ``next``/``count``: the document-number allocator and the number of documents.

``dedupe:params`` records the parameters the database was built with; opening it
with others is refused, as with the SQLite index.
"""
from __future__ import annotations

import json

import numpy as np

from ..errors import ConfigError, require
from ..shingle import HASH_VERSION

__all__ = ["RedisIndex"]

_RESERVE = 256  # document numbers taken from the server at a time


class RedisIndex:
    """Band key -> kept documents, their ids and shingle sets, in a Redis database."""

    def __init__(self, url: str, *, bands: int, rows: int, num_perm: int, seed: int, shingle_size: int):
        redis = require("redis", "redis")
        self.url = url
        self.r = redis.Redis.from_url(url)
        try:
            self.r.ping()
        except redis.RedisError as exc:
            raise ConfigError(f"cannot use the Redis index at {url}: {exc}") from exc
        params = json.dumps({"bands": bands, "rows": rows, "num_perm": num_perm, "seed": seed,
                             "shingle_size": shingle_size, "hash_version": HASH_VERSION})
        self.r.setnx("dedupe:params", params)
        stored = self.r.get("dedupe:params").decode()
        if json.loads(stored) != json.loads(params):
            raise ConfigError(f"Redis index {url} was built with {stored}, not {params}; "
                              "use the same options, another database number or an empty database")
        self.p = f"dedupe:b{bands}r{rows}p{num_perm}s{seed}k{shingle_size}:"
        self._next = self._end = 0

    def __len__(self) -> int:
        return int(self.r.get(self.p + "count") or 0)

    def query(self, keys: np.ndarray) -> list[int]:
        if not len(keys):
            return []
        found = self.r.sunion([f"{self.p}band:{k}" for k in keys.tolist()])
        return sorted(int(x) for x in found)

    def add(self, keys: np.ndarray, doc_id: str, shingles: np.ndarray, text_hash: int) -> int:
        if self._next == self._end:
            self._end = self.r.incrby(self.p + "next", _RESERVE)
            self._next = self._end - _RESERVE
        key = self._next
        self._next += 1
        pipe = self.r.pipeline(transaction=False)
        pipe.hset(f"{self.p}doc:{key}", mapping={"id": doc_id, "sh": shingles.astype(np.uint64).tobytes()})
        pipe.hsetnx(self.p + "exact", str(text_hash), key)
        for k in keys.tolist():
            pipe.sadd(f"{self.p}band:{k}", key)
        pipe.incr(self.p + "count")
        pipe.execute()
        return key

    def get(self, key: int) -> tuple[str, np.ndarray]:
        doc_id, sh = self.r.hmget(f"{self.p}doc:{key}", ["id", "sh"])
        return doc_id.decode(), np.frombuffer(sh, dtype=np.uint64)

    def find_exact(self, text_hash: int) -> int | None:
        v = self.r.hget(self.p + "exact", str(text_hash))
        return None if v is None else int(v)

    def close(self) -> None:
        self.r.close()
