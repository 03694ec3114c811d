"""A persistent SQLite index: reuse it across runs to deduplicate incrementally.

Matches against documents from an earlier run carry that document's real id.
One int64 key per (band, bucket) in a ``WITHOUT ROWID`` table keeps it compact.
"""
from __future__ import annotations

import json
import sqlite3

import numpy as np

from ..errors import ConfigError
from ..shingle import HASH_VERSION

__all__ = ["SQLiteIndex"]


class SQLiteIndex:
    def __init__(self, path: str, *, bands: int, rows: int, num_perm: int, seed: int, shingle_size: int):
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
            CREATE TABLE IF NOT EXISTS docs (key INTEGER PRIMARY KEY, id TEXT NOT NULL,
                                             shingles BLOB NOT NULL, text_hash INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS docs_hash ON docs(text_hash);
            CREATE TABLE IF NOT EXISTS bands (band INTEGER NOT NULL, doc INTEGER NOT NULL,
                                              PRIMARY KEY (band, doc)) WITHOUT ROWID;
            """
        )
        params = {"bands": bands, "rows": rows, "num_perm": num_perm, "seed": seed,
                  "shingle_size": shingle_size, "hash_version": HASH_VERSION}
        row = self.db.execute("SELECT v FROM meta WHERE k='params'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('params', ?)", (json.dumps(params),))
            self.db.commit()
        elif json.loads(row[0]) != params:
            raise ConfigError(f"index {path} was built with {row[0]}, not {json.dumps(params)}; "
                              "use the same options or a new index file")
        self._next = (self.db.execute("SELECT COALESCE(MAX(key), -1) + 1 FROM docs").fetchone()[0])
        self._pending = 0

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def query(self, keys: np.ndarray) -> list[int]:
        ks = keys.tolist()
        q = f"SELECT DISTINCT doc FROM bands WHERE band IN ({','.join('?' * len(ks))}) ORDER BY doc"
        return [r[0] for r in self.db.execute(q, ks)]

    def add(self, keys: np.ndarray, doc_id: str, shingles: np.ndarray, text_hash: int) -> int:
        key = self._next
        self._next += 1
        th = int(np.int64(np.uint64(text_hash)))  # SQLite integers are signed
        self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)",
                        (key, doc_id, shingles.astype(np.uint64).tobytes(), th))
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(k, key) for k in keys.tolist()])
        self._pending += 1
        if self._pending >= 1000:
            self.db.commit()
            self._pending = 0
        return key

    def get(self, key: int) -> tuple[str, np.ndarray]:
        doc_id, blob = self.db.execute("SELECT id, shingles FROM docs WHERE key=?", (key,)).fetchone()
        return doc_id, np.frombuffer(blob, dtype=np.uint64)

    def find_exact(self, text_hash: int) -> int | None:
        th = int(np.int64(np.uint64(text_hash)))
        row = self.db.execute("SELECT key FROM docs WHERE text_hash=? ORDER BY key LIMIT 1", (th,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.db.commit()
        self.db.close()
