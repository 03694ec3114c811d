"""LSH band indexes that also hold what verification needs (shingle sets, real ids).

Only kept documents are indexed: a new document is compared with the kept
document of each cluster, never with other duplicates, which both bounds the
index and prevents chaining.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from .memory import MemoryIndex, band_keys

__all__ = ["Index", "MemoryIndex", "open_index", "open_existing", "band_keys"]


class Index(Protocol):
    """What the deduplicator needs from an index backend."""

    min_agree: int  # sketch values a candidate must share (0: no filter)

    def query(self, keys: np.ndarray, sketch: np.ndarray | None = None) -> list[int]: ...
    def add(self, keys: np.ndarray, doc_id: str, shingles: np.ndarray, text_hash: int,
            sketch: np.ndarray | None = None) -> int: ...
    def get(self, key: int) -> tuple[str, np.ndarray]: ...
    def find_exact(self, text_hash: int) -> int | None: ...
    def close(self) -> None: ...


def open_index(spec: str | None, bands: int, rows: int, num_perm: int, seed: int, shingle_size: int):
    """An index from a spec: ``None``/``"memory"``, a SQLite path, or ``redis://host:port/db``."""
    if spec in (None, "", "memory", ":memory:"):
        return MemoryIndex()
    if spec.startswith("redis://"):
        from .redis import RedisIndex

        return RedisIndex(spec, bands=bands, rows=rows, num_perm=num_perm, seed=seed,
                          shingle_size=shingle_size)
    from .sqlite import SQLiteIndex

    return SQLiteIndex(spec, bands=bands, rows=rows, num_perm=num_perm, seed=seed,
                       shingle_size=shingle_size)


def open_existing(spec: str):
    """An existing persistent index (SQLite path or ``redis://``), opened for upkeep:
    its parameters are read from it, and a SQLite file is not locked until written."""
    if spec.startswith("redis://"):
        from .redis import RedisIndex

        return RedisIndex(spec, readonly=True)
    from .sqlite import SQLiteIndex

    return SQLiteIndex(spec, readonly=True)
