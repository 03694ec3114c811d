"""In-memory LSH index, compact enough for millions of kept documents.

What it holds per kept document, and why:

- band table: one 8-byte slot per band in a numpy open-addressing hash table
  (linear probing, one row per band, at most 3/4 full, grown by half; a slot
  packs a 32-bit hash of the band's key with the document's 32-bit number),
  plus a bitmap of ~0.75 byte per band. Lookups and inserts are vectorised over
  a whole batch of documents. Two keys that agree on those 32 bits only make an
  extra candidate, which the sketch or verification rejects.
- sketch: the low 8 bits of each MinHash value (b-bit MinHash, 128 bytes at
  128 permutations). A candidate whose sketch agrees on fewer than 3.5% of the
  values (``Config.sketch_agreement``; estimated Jaccard about 0.03 or less, a
  chance band collision) is skipped before the exact check. With a containment
  threshold of 0.7 such a pair could only match if one text were under ~4% of the
  other's length.
- verification set: the sorted shingle hashes (as given, typically uint32),
  appended to an unlinked temporary file and read back with ``pread`` on
  demand, so the exact Jaccard/containment check stays exact while the sets
  (the bulk of the data: ~2.4 KB for a 600-word text) stay out of the
  process's memory; the OS page cache keeps the hot part.
- id and exact hash: a Python list and dict.

"""
from __future__ import annotations

import os
import tempfile

import numpy as np

__all__ = ["MemoryIndex", "band_keys"]

_MIX = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_S33 = np.uint64(33)
_U32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_BITMIX = np.uint64(0x9E3779B1)


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


def _fp32(keys: np.ndarray) -> np.ndarray:
    """The 32-bit table hash of band keys (their top bits, as uint64)."""
    return (keys.view(np.uint64) >> np.uint64(31)) & _U32


class _BandTable:
    """Band key -> document numbers, a linear-probing hash table per band in one array.

    Slot ``band * stride + i`` holds ``fp << 32 | (doc + 1)`` (0 = empty). A key's
    home slot is ``fp * cap >> 32`` (monotone in ``fp``, so a rebuild places sorted
    entries in one pass); probing runs forward without wrap-around, into spare
    ``tail`` slots past ``cap``, and the last slot of a row stays empty. Most
    looked-up keys are absent: a bitmap per band (``fp`` re-mixed and scaled to its
    6 bits per slot; at most ~1/8 of the bits set) answers most of them without
    touching the table.
    """

    LOAD = 0.75
    GROW = 1.5

    def __init__(self, bands: int, cap: int = 1 << 12):
        self.bands = bands
        self.n = 0  # entries per band (every document adds one to each band)
        self._alloc(cap, 256)

    def _alloc(self, cap: int, tail: int) -> None:
        self.cap, self.tail = cap, tail
        self.stride = cap + tail
        self.slots = np.zeros(self.bands * self.stride, dtype=np.uint64)
        self._rowbase = np.arange(self.bands, dtype=np.int64) * self.stride
        self.bits = (cap * 6 + 7) // 8 * 8  # bitmap bits per band: ~1/8 set at full load
        self.bitmap = np.zeros(self.bands * self.bits // 8, dtype=np.uint8)
        self._bitbase = (np.arange(self.bands, dtype=np.int64) * self.bits)

    def _home(self, fp: np.ndarray) -> np.ndarray:
        return ((fp * np.uint64(self.cap)) >> _S32).astype(np.int64)

    def _bit(self, fp: np.ndarray) -> np.ndarray:
        """Bit of ``fp`` within its band's bitmap (fp re-mixed, so not tied to the home slot)."""
        return ((((fp * _BITMIX) & _U32) * np.uint64(self.bits)) >> _S32).astype(np.int64)

    def _bitpos(self, fp: np.ndarray) -> np.ndarray:
        """Bit index (into the whole bitmap) of each entry of ``fp`` (docs x bands)."""
        return self._bit(fp) + self._bitbase

    def _set_bits(self, fp: np.ndarray) -> None:
        pos = self._bitpos(fp).ravel()
        byte, bit = pos >> 3, (1 << (pos & 7)).astype(np.uint8)
        bm = self.bitmap
        while len(byte):  # two bits of one byte in one write: the lost one goes again
            bm[byte] |= bit
            lost = np.flatnonzero((bm[byte] & bit) == 0)
            byte, bit = byte[lost], bit[lost]

    def lookup(self, fp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Matches for ``fp`` (docs x bands): (row of fp, doc) pairs."""
        pos = self._bitpos(fp).ravel()
        maybe = np.flatnonzero((self.bitmap[pos >> 3] >> (pos & 7).astype(np.uint8)) & 1)
        want = fp.ravel()[maybe]
        flat = self._home(want) + self._rowbase[maybe % self.bands]
        qid = maybe
        rows_out, docs_out = [], []
        slots = self.slots
        while len(qid) > 16:
            ent = slots[flat]
            hit = (ent >> _S32) == want
            hit &= ent != 0
            if hit.any():
                rows_out.append(qid[hit] // self.bands)
                docs_out.append((ent[hit] & _U32).astype(np.int64) - 1)
            go = np.flatnonzero(ent)  # not yet at an empty slot: probe the next one
            qid, flat, want = qid[go], flat[go] + 1, want[go]
        if len(qid):  # the few left (long probe runs): one by one
            rs, ds = [], []
            for q, f, w in zip(qid.tolist(), flat.tolist(), want.tolist()):
                e = int(slots[f])
                while e:
                    if e >> 32 == w:
                        rs.append(q // self.bands)
                        ds.append((e & 0xFFFFFFFF) - 1)
                    f += 1
                    e = int(slots[f])
            if rs:
                rows_out.append(np.array(rs, dtype=np.int64))
                docs_out.append(np.array(ds, dtype=np.int64))
        if not rows_out:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(rows_out), np.concatenate(docs_out)

    def insert(self, fp: np.ndarray, docs: np.ndarray) -> None:
        """Add documents ``docs`` with band hashes ``fp`` (docs x bands)."""
        if (self.n + len(docs)) > self.LOAD * self.cap:
            band = np.tile(np.arange(self.bands), len(docs))
            self._rebuild(max(int(self.cap * self.GROW), int((self.n + len(docs)) / self.LOAD * 1.25)),
                          (self._entries(fp, docs), band))
            return
        self._set_bits(fp)
        vals = self._entries(fp, docs)
        flat = (self._home(fp.ravel()).reshape(fp.shape) + self._rowbase).ravel()
        slots, last = self.slots, self.stride - 1
        while len(flat) > 16:
            free = np.flatnonzero(slots[flat] == 0)
            if len(free):
                # conflicting writes to one slot: the last one stays, the others move on
                f, v = flat[free], vals[free]
                slots[f] = v
                won = free[slots[f] == v]
                left = np.ones(len(flat), dtype=bool)
                left[won] = False
                flat, vals = flat[left], vals[left]
            flat = flat + 1
            if len(flat) and (flat % self.stride == last).any():
                # reached a row's last slot, which must stay empty: make more room
                self._rebuild(self.cap, (vals, flat // self.stride), tail=self.tail * 4)
                return
        # the few left (long probe runs): one by one
        for i, (f, v) in enumerate(zip(flat.tolist(), vals.tolist())):
            while slots[f]:
                f += 1
            if f % self.stride == last:
                self._rebuild(self.cap, (vals[i:], np.array(flat[i:]) // self.stride), tail=self.tail * 4)
                return
            slots[f] = v
        self.n += len(docs)

    def _entries(self, fp: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Slot values (docs x bands) of new documents."""
        return ((fp << _S32) | (docs.astype(np.uint64) + np.uint64(1))[:, None]).ravel()

    def _rebuild(self, cap: int, extra: tuple | None = None, tail: int | None = None) -> None:
        """Re-place every entry, and ``extra`` = (slot values, their bands), in a table of
        ``cap`` slots per band, one band at a time."""
        old, ostride, bands = self.slots, self.stride, self.bands
        tail = max(256, tail or 0)
        if extra is not None:
            # new entries grouped by band, each group sorted
            order = np.lexsort((extra[0], extra[1]))
            ev = extra[0][order]
            eb = np.searchsorted(extra[1][order], np.arange(bands + 1))
        while True:
            self._alloc(cap, tail)
            ok, count = True, 0
            for b in range(bands):
                row = old[b * ostride:(b + 1) * ostride]
                ent = row[row != 0]
                if extra is not None:
                    ent = np.concatenate([ent, ev[eb[b]:eb[b + 1]]])
                # by fp, as the home slot is monotone in it; a row is nearly in that
                # order already, which the stable sort (timsort) takes advantage of
                ent.sort(kind="stable")
                home = self._home(ent >> _S32)
                i = np.arange(len(ent), dtype=np.int64)
                slot = i + np.maximum.accumulate(home - i) if len(ent) else i
                if len(ent) and slot[-1] >= self.stride - 1:
                    ok = False
                    break
                self.slots[b * self.stride + slot] = ent
                pos = self._bit(ent >> _S32) + self._bitbase[b]
                np.bitwise_or.at(self.bitmap, pos >> 3, (1 << (pos & 7)).astype(np.uint8))
                count = len(ent)
            if ok:
                break
            tail *= 4
        self.n = count


class MemoryIndex:
    """Band key -> kept documents, plus each kept document's id and shingle set.

    ``add`` only queues a document's band keys; they enter the band table in one
    vectorised insert at the next lookup. :meth:`query_many` answers for a whole
    batch against every document added before it; a caller deciding a batch in
    order finds matches among the batch's own documents itself (the
    deduplicator compares their band keys directly).
    """

    batched = True  # has query_many and takes sketches

    def __init__(self, spill_dir: str | None = None) -> None:
        self._ids: list[str] = []
        self._exact: dict[int, int] = {}
        self._table: _BandTable | None = None
        self._pending_docs: list[int] = []
        self._pending_keys: list[np.ndarray] = []
        self._file = tempfile.TemporaryFile(prefix="dedupe-sets-", dir=spill_dir)
        self._fd = self._file.fileno()
        self._end = 0  # bytes stored (written or buffered)
        self._written = 0  # bytes written to the file
        self._wbuf: list[bytes] = []  # sets not written yet (one write per batch)
        self._wkeys: dict[int, np.ndarray] = {}
        self._off = np.zeros(1024, dtype=np.int64)  # byte offset of each set
        self._len = np.zeros(1024, dtype=np.int32)  # number of values
        self._dt = np.zeros(1024, dtype=np.int8)  # index into _dtypes
        self._dtypes: list[np.dtype] = []
        self._last_dt, self._last_code = None, 0
        self._sketch: np.ndarray | None = None
        self._use_sketch = True
        self.min_agree = 0  # sketch agreements a candidate needs (0: no filter)

    def __len__(self) -> int:
        return len(self._ids)

    # -- candidates

    def agree(self, cand: np.ndarray, sketches: np.ndarray) -> np.ndarray:
        """Whether each candidate's stored sketch agrees enough with ``sketches`` (one row
        per candidate)."""
        if not self.min_agree or not self._use_sketch or self._sketch is None or not len(cand):
            return np.ones(len(cand), dtype=bool)
        return np.count_nonzero(self._sketch[cand] == sketches, axis=1) >= self.min_agree

    def _flush(self) -> None:
        self._write()
        if not self._pending_docs:
            return
        keys = np.stack(self._pending_keys)
        docs = np.array(self._pending_docs, dtype=np.int64)
        if self._table is None:
            self._table = _BandTable(keys.shape[1])
        self._table.insert(_fp32(keys), docs)
        self._pending_docs.clear()
        self._pending_keys.clear()

    def query_many(self, keys: np.ndarray, sketches: np.ndarray | None = None) -> list[list[int]]:
        """Candidates (sorted document numbers) of many documents at once, among every
        document added so far. ``keys`` is docs x bands, ``sketches`` docs x num_perm uint8."""
        self._flush()
        out: list[list[int]] = [[] for _ in range(len(keys))]
        if self._table is None or not len(keys):
            return out
        q, docs = self._table.lookup(_fp32(np.ascontiguousarray(keys, dtype=np.int64)))
        if not len(q):
            return out
        pair = np.unique((q.astype(np.uint64) << _S32) | docs.astype(np.uint64))
        q, docs = (pair >> _S32).astype(np.int64), (pair & _U32).astype(np.int64)
        if sketches is not None:
            keep = self.agree(docs, sketches[q])
            q, docs = q[keep], docs[keep]
        bounds = np.searchsorted(q, np.arange(len(keys) + 1)).tolist()
        dl = docs.tolist()
        for r in np.flatnonzero(np.diff(bounds)).tolist():
            out[r] = dl[bounds[r]:bounds[r + 1]]
        return out

    def query(self, keys: np.ndarray, sketch: np.ndarray | None = None) -> list[int]:
        """Candidates (sorted document numbers) of one document."""
        return self.query_many(np.asarray(keys, dtype=np.int64)[None, :],
                               None if sketch is None else sketch[None, :])[0]

    # -- documents

    def add(self, keys: np.ndarray, doc_id: str, shingles: np.ndarray, text_hash: int,
            sketch: np.ndarray | None = None) -> int:
        key = len(self._ids)
        self._ids.append(doc_id)
        self._exact.setdefault(text_hash, key)
        self._put_set(key, shingles)
        if len(keys):
            if sketch is None:
                self._use_sketch = False
            else:
                if self._sketch is None:
                    self._sketch = np.zeros((1024, len(sketch)), dtype=np.uint8)
                if key >= len(self._sketch):
                    self._sketch = _grow(self._sketch, key + 1)
                self._sketch[key] = sketch
            self._pending_docs.append(key)
            self._pending_keys.append(np.array(keys, dtype=np.int64))  # a copy: callers reuse buffers
            if len(self._pending_docs) >= 4096:
                self._flush()
        return key

    def _put_set(self, key: int, shingles: np.ndarray) -> None:
        if key >= len(self._off):
            self._off = _grow(self._off, key + 1)
            self._len = _grow(self._len, key + 1)
            self._dt = _grow(self._dt, key + 1)
        dt = shingles.dtype
        if dt is not self._last_dt:
            if dt not in self._dtypes:
                self._dtypes.append(dt)
            self._last_dt, self._last_code = dt, self._dtypes.index(dt)
        self._off[key] = self._end
        self._len[key] = len(shingles)
        self._dt[key] = self._last_code
        if len(shingles):
            data = np.ascontiguousarray(shingles).tobytes()
            self._wbuf.append(data)
            self._wkeys[key] = np.frombuffer(data, dtype=dt)  # a copy: callers reuse buffers
            self._end += len(data)
            if self._end - self._written > 1 << 22:
                self._write()

    def _write(self) -> None:
        if self._wbuf:
            os.pwrite(self._fd, b"".join(self._wbuf), self._written)
            self._written = self._end
            self._wbuf.clear()
            self._wkeys.clear()

    def get(self, key: int) -> tuple[str, np.ndarray]:
        sh = self._wkeys.get(key)
        if sh is not None:
            return self._ids[key], sh
        dt = self._dtypes[self._dt[key]] if self._dtypes else np.dtype(np.uint64)
        ln = int(self._len[key])
        if not ln:
            return self._ids[key], np.empty(0, dtype=dt)
        data = os.pread(self._fd, ln * dt.itemsize, int(self._off[key]))
        return self._ids[key], np.frombuffer(data, dtype=dt)

    def find_exact(self, text_hash: int) -> int | None:
        return self._exact.get(text_hash)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def _grow(a: np.ndarray, need: int) -> np.ndarray:
    new = np.zeros((max(need, int(len(a) * 1.5) + 1),) + a.shape[1:], dtype=a.dtype)
    new[:len(a)] = a
    return new
