"""Opening inputs as binary streams, transparently gunzipped, with a byte meter
that drives the progress bar (bytes read from disk against the inputs' total size)."""
from __future__ import annotations

import gzip
import io
import os
from pathlib import Path
from typing import BinaryIO, Iterable

__all__ = ["Meter", "open_input", "gunzipped", "input_size", "read_at_most", "over_limit"]

GZIP_MAGIC = b"\x1f\x8b"


class Meter:
    """Counts the bytes read from input files. ``total`` is their summed size, or
    ``None`` when unknown (stdin); the progress bar shows ``done`` against it."""

    def __init__(self, total: int | None = None):
        self.total = total
        self.done = 0

    def add(self, n: int) -> None:
        self.done += n


class _Counting(io.RawIOBase):
    """A raw stream that reports every byte it reads to a :class:`Meter`."""

    def __init__(self, raw: BinaryIO, meter: Meter):
        self._raw = raw
        self._meter = meter

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._raw.readinto(b)
        self._meter.add(n or 0)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class _OwningGzip(gzip.GzipFile):
    """A GzipFile that closes the stream it reads from."""

    def close(self) -> None:
        inner = self.fileobj
        super().close()
        if inner is not None:
            inner.close()


def open_input(path: str | os.PathLike, meter: Meter | None = None) -> BinaryIO:
    """``path`` opened for reading bytes; gzip data (by its magic bytes, whatever the
    extension) is decompressed on the fly.

    Decompression uses Python's :mod:`gzip`, so a truncated file raises ``EOFError``
    when the break is reached instead of ending silently.
    """
    raw: BinaryIO = open(path, "rb", buffering=0)
    if meter is not None:
        raw = _Counting(raw, meter)
    fh = io.BufferedReader(raw, buffer_size=1 << 16)
    return gunzipped(fh)


def gunzipped(fh: io.BufferedReader) -> BinaryIO:
    """``fh`` itself, or a decompressing reader over it when it starts with gzip's magic."""
    if fh.peek(2)[:2] == GZIP_MAGIC:
        return _OwningGzip(fileobj=fh, mode="rb")
    return fh


def over_limit(limit: int) -> str:
    """The reason given for a document over the size limit."""
    return f"over the size limit: more than {limit:,} bytes (max_doc_bytes; --max-doc-bytes)"


def read_at_most(fh: BinaryIO, limit: int) -> bytes:
    """All of ``fh``, but never more than ``limit + 1`` bytes: over ``limit``, it
    raises ``ValueError`` (so a gzip bomb is never decompressed beyond the limit)."""
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(over_limit(limit))
    return data


def input_size(inputs: Iterable[str]) -> int:
    """Summed size in bytes of the files named (directories walked recursively)."""
    total = 0
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
        elif p.is_file():
            total += p.stat().st_size
    return total
