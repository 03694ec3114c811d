"""In-memory LSH index."""
from __future__ import annotations

import numpy as np

__all__ = ["MemoryIndex", "band_keys"]

_MIX = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_S33 = np.uint64(33)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 63-bit key per (document, band): the band's rows hashed together with
    the band number, so that one flat table serves all bands."""
    sig = np.atleast_2d(signatures)[:, : bands * rows].reshape(len(np.atleast_2d(signatures)), bands, rows)
    with np.errstate(over="ignore"):
        acc = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _MIX, sig.shape[:2]).copy()
        for r in range(rows):
            acc = (acc ^ sig[:, :, r]) * _M1
            acc ^= acc >> _S33
    return (acc >> np.uint64(1)).astype(np.int64)


class MemoryIndex:
    """Band key -> kept documents, plus each kept document's id and shingle set."""

    def __init__(self) -> None:
        self._buckets: dict[int, int | list[int]] = {}
        self._ids: list[str] = []
        self._shingles: list[np.ndarray] = []
        self._exact: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def query(self, keys: np.ndarray) -> list[int]:
        found: list[int] = []
        get = self._buckets.get
        for k in keys.tolist():
            v = get(k)
            if v is None:
                continue
            if isinstance(v, int):
                found.append(v)
            else:
                found.extend(v)
        return sorted(set(found)) if len(found) > 1 else found

    def add(self, keys: np.ndarray, doc_id: str, shingles: np.ndarray, text_hash: int) -> int:
        key = len(self._ids)
        self._ids.append(doc_id)
        self._shingles.append(shingles)
        self._exact.setdefault(text_hash, key)
        b = self._buckets
        for k in keys.tolist():
            v = b.get(k)
            if v is None:
                b[k] = key
            elif isinstance(v, int):
                b[k] = [v, key]
            else:
                v.append(key)
        return key

    def get(self, key: int) -> tuple[str, np.ndarray]:
        return self._ids[key], self._shingles[key]

    def find_exact(self, text_hash: int) -> int | None:
        return self._exact.get(text_hash)

    def close(self) -> None:
        pass
