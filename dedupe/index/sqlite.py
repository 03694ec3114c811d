"""A persistent SQLite index: reuse it across runs to deduplicate incrementally.

Matches against documents from an earlier run carry that document's real id.
One int64 key per (band, bucket) in a ``WITHOUT ROWID`` table keeps it compact,
and a query is one indexed ``IN`` lookup: no load step.

A run writes in one transaction, committed by :meth:`SQLiteIndex.close` (and
rolled back by :meth:`SQLiteIndex.abort`, or by SQLite itself when the process
dies), so an interrupted run leaves the index as it was. The database is in WAL
mode: other processes keep reading the last committed state while a run writes;
a second writer waits up to ``timeout`` seconds, then gets a clear error.
"""
from __future__ import annotations

import json
import os
import sqlite3
from typing import Iterator

import numpy as np

from ..errors import ConfigError
from ..shingle import HASH_VERSION

__all__ = ["SQLiteIndex", "SCHEMA"]

SCHEMA = 3  # docs hold uint32 shingle sets, their band keys (for remove) and sketch (candidate filter)


def _signed(h: int) -> int:
    return int(np.int64(np.uint64(h)))  # SQLite integers are signed 64-bit


class SQLiteIndex:
    """Band key -> kept documents, with their ids, shingle sets and sketches, in a SQLite file.

    ``readonly`` opens an existing index for inspection (``dedupe index``) without
    taking the write lock.
    """

    def __init__(self, path: str, *, bands: int | None = None, rows: int | None = None,
                 num_perm: int | None = None, seed: int | None = None, shingle_size: int | None = None,
                 readonly: bool = False, timeout: float = 10.0):
        self.path = path
        self.readonly = readonly
        self.min_agree = 0
        if readonly and not os.path.isfile(path):
            raise ConfigError(f"no index at {path}")
        try:
            uri = f"file:{path}?mode=ro" if readonly else path
            self.db = sqlite3.connect(uri, uri=readonly, timeout=timeout, isolation_level=None)
            if readonly:
                self._check_schema()
                self.params = json.loads(self._meta("params"))
                return
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("BEGIN IMMEDIATE")  # this run's transaction; one writer at a time
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise ConfigError(f"index {path} is being written by another run (waited {timeout:g} s)") from exc
            raise ConfigError(f"cannot open the index {path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{path} is not a dedupe SQLite index: {exc}") from exc
        try:
            self._create()
            params = {"bands": bands, "rows": rows, "num_perm": num_perm, "seed": seed,
                      "shingle_size": shingle_size, "hash_version": HASH_VERSION}
            stored = self._meta("params")
            if stored is None:
                self.db.execute("INSERT INTO meta VALUES ('params', ?)", (json.dumps(params),))
            elif json.loads(stored) != params:
                raise ConfigError(f"index {path} was built with {stored}, not {json.dumps(params)}; "
                                  "use the same options or a new index file")
            self.params = params
        except BaseException:
            self.abort()
            raise
        self._next = self.db.execute("SELECT COALESCE(MAX(key), -1) + 1 FROM docs").fetchone()[0]

    def _meta(self, k: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k=?", (k,)).fetchone()
        return row[0] if row else None

    def _create(self) -> None:
        has_meta = self.db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
        if has_meta:
            self._check_schema()
            return
        for stmt in (
            "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT)",
            "CREATE TABLE docs (key INTEGER PRIMARY KEY, id TEXT NOT NULL, text_hash INTEGER NOT NULL, "
            "shingles BLOB NOT NULL, keys BLOB NOT NULL, sketch BLOB)",
            "CREATE INDEX docs_hash ON docs(text_hash)",
            "CREATE INDEX docs_id ON docs(id)",
            "CREATE TABLE bands (band INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (band, doc)) WITHOUT ROWID",
        ):
            self.db.execute(stmt)
        self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))

    def _check_schema(self) -> None:
        try:
            schema = self._meta("schema")
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{self.path} is not a dedupe SQLite index: {exc}") from exc
        if schema != str(SCHEMA):
            raise ConfigError(f"index {self.path} has layout {schema or 1}, this dedupe writes layout {SCHEMA}; "
                              "rebuild it with a new index file")

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    # -- what the deduplicator uses

    def query(self, keys: np.ndarray, sketch: np.ndarray | None = None) -> list[int]:
        ks = keys.tolist()
        if not ks:
            return []
        inner = f"SELECT doc FROM bands WHERE band IN ({','.join('?' * len(ks))})"
        if not (self.min_agree and sketch is not None):
            return sorted({r[0] for r in self.db.execute(inner, ks)})  # cheaper than DISTINCT + ORDER BY
        rows = self.db.execute(f"SELECT key, sketch FROM docs WHERE key IN ({inner}) ORDER BY key", ks).fetchall()
        return [k for k, sk in rows
                if sk is None or np.count_nonzero(np.frombuffer(sk, np.uint8) == sketch) >= self.min_agree]

    def add(self, keys: np.ndarray, doc_id: str, shingles: np.ndarray, text_hash: int,
            sketch: np.ndarray | None = None) -> int:
        key = self._next
        self._next += 1
        ks = np.asarray(keys, dtype=np.int64)
        self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                        (key, doc_id, _signed(text_hash), shingles.astype(np.uint32).tobytes(), ks.tobytes(),
                         None if sketch is None else np.asarray(sketch, np.uint8).tobytes()))
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(k, key) for k in ks.tolist()])
        return key

    def get(self, key: int) -> tuple[str, np.ndarray]:
        doc_id, blob = self.db.execute("SELECT id, shingles FROM docs WHERE key=?", (key,)).fetchone()
        return doc_id, np.frombuffer(blob, dtype=np.uint32)

    def find_exact(self, text_hash: int) -> int | None:
        row = self.db.execute("SELECT key FROM docs WHERE text_hash=? ORDER BY key LIMIT 1",
                              (_signed(text_hash),)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        """Commit this run's additions and close."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()

    def abort(self) -> None:
        """Drop this run's additions and close: the index stays as it was before the run."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.close()

    # -- upkeep (``dedupe index``)

    def stats(self) -> dict:
        n = len(self)
        bands = self.db.execute("SELECT COUNT(*) FROM bands").fetchone()[0]
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        return {"backend": "sqlite", "location": self.path, "documents": n, "band_entries": bands,
                "bytes": size, **self.params}

    def remove(self, doc_id: str) -> int:
        """Drop every indexed document with this id; returns how many there were."""
        rows = self.db.execute("SELECT key, keys FROM docs WHERE id=?", (doc_id,)).fetchall()
        for key, kb in rows:
            self.db.executemany("DELETE FROM bands WHERE band=? AND doc=?",
                                [(k, key) for k in np.frombuffer(kb, np.int64).tolist()])
            self.db.execute("DELETE FROM docs WHERE key=?", (key,))
        return len(rows)

    def export(self) -> Iterator[dict]:
        """One record per indexed document, in the order they were added."""
        for key, doc_id, th, sh in self.db.execute(
                "SELECT key, id, text_hash, length(shingles) FROM docs ORDER BY key"):
            yield {"id": doc_id, "key": key, "text_hash": f"{th & 0xFFFFFFFFFFFFFFFF:016x}", "shingles": sh // 4}
