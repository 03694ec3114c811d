"""Opening inputs as binary streams, transparently decompressed (gzip, bzip2, xz, zstd),
with a byte meter that drives the progress bar (bytes read from disk against the
inputs' total size)."""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import sys
import zlib
from pathlib import Path
from typing import BinaryIO, Iterable

from ..errors import require

__all__ = ["Meter", "BrokenInput", "COMPRESSED_MAGIC", "COMPRESSED_SUFFIXES", "open_input", "decompressed", "compressing", "input_size",
           "read_at_most", "over_limit", "strip_compressed"]

#: Compressed input is known by its first bytes, whatever its name (bzip2: "BZh", the block
#: size digit, then the magic of a block or of the end of the stream, so that no text is taken for it)
COMPRESSED_MAGIC = ((re.compile(rb"\x1f\x8b"), "gzip"), (re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)"), "bzip2"),
                    (re.compile(rb"\xfd7zXZ\x00"), "xz"), (re.compile(rb"\x28\xb5\x2f\xfd"), "zstd"))
#: The file name suffixes of compressed input (``x.jsonl.zst`` is JSON Lines).
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")


class BrokenInput(OSError):
    """Compressed input that is truncated or corrupt (an ``OSError``, as a failed read is)."""


def strip_compressed(name: str) -> str:
    """``name`` without a trailing compression suffix (``.gz``, ``.bz2``, ``.xz``, ``.zst``)."""
    for suffix in COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


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


class _Decompressing(io.RawIOBase):
    """A decompressing stream as a raw stream. Its errors (a file cut short, corrupt data)
    become :class:`BrokenInput` naming the format, raised when the break is reached rather
    than ending silently; closing it closes the file under it too."""

    def __init__(self, stream: BinaryIO, inner: BinaryIO, kind: str, errors: tuple):
        self._stream = stream
        self._inner = inner
        self._kind = kind
        self._errors = errors

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            # read1: one step of decompression, so the data before a break is handed on
            # before the break raises (readinto would fill ``b`` across it, and lose it)
            data = self._stream.read1(len(b))
        except self._errors as exc:
            raise BrokenInput(f"broken {self._kind} data: {exc}") from None
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._stream.close()
            finally:
                self._inner.close()
                super().close()


def open_input(path: str | os.PathLike, meter: Meter | None = None) -> BinaryIO:
    """``path`` opened for reading bytes; compressed data (gzip, bzip2, xz or zstd, known
    by its magic bytes, whatever the extension) is decompressed on the fly."""
    raw: BinaryIO = open(path, "rb", buffering=0)
    if meter is not None:
        raw = _Counting(raw, meter)
    fh = io.BufferedReader(raw, buffer_size=1 << 16)
    try:
        return decompressed(fh)
    except BaseException:  # e.g. zstd data without its module: the file is not left open
        fh.close()
        raise


def decompressed(fh: io.BufferedReader) -> BinaryIO:
    """``fh`` itself, or a decompressing reader over it (with ``peek``) when it starts
    with the magic bytes of gzip, bzip2, xz or zstd."""
    head = fh.peek(10)[:10]
    for magic, kind in COMPRESSED_MAGIC:
        if magic.match(head):
            stream, errors = _decompressor(kind, fh)
            return io.BufferedReader(_Decompressing(stream, fh, kind, errors), 1 << 16)
    return fh


def compressing(path: str, raw: BinaryIO) -> BinaryIO:
    """``raw`` itself, or a compressing writer over it (closing the writer leaves ``raw``
    open) when ``path`` ends in ``.gz``, ``.bz2``, ``.xz`` or ``.zst``. gzip is written at
    level 6 (gzip's default) with no name or time in its header, so that the same records
    give the same bytes."""
    path = path.lower()
    if path.endswith(".gz"):
        return gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0)
    if path.endswith(".bz2"):
        return bz2.BZ2File(raw, "wb")
    if path.endswith(".xz"):
        return lzma.LZMAFile(raw, "wb")
    if path.endswith(".zst"):
        return _zstd().ZstdFile(raw, "w")
    return raw


def _zstd():
    return require("compression.zstd" if sys.version_info >= (3, 14) else "backports.zstd", "zstd")


def _decompressor(kind: str, fh: BinaryIO) -> tuple[BinaryIO, tuple]:
    """The standard library's reader of ``kind`` over ``fh`` (zstd: Python 3.14's, or its
    backport), and the errors it raises for broken data."""
    if kind == "gzip":
        return gzip.GzipFile(fileobj=fh, mode="rb"), (EOFError, OSError, zlib.error)
    if kind == "bzip2":
        return bz2.BZ2File(fh), (EOFError, OSError)
    if kind == "xz":
        return lzma.LZMAFile(fh), (EOFError, lzma.LZMAError)
    zstd = _zstd()
    return zstd.ZstdFile(fh), (EOFError, zstd.ZstdError)


def over_limit(limit: int) -> str:
    """The reason given for a document over the size limit."""
    return f"over the size limit: more than {limit:,} bytes (max_doc_bytes; --max-doc-bytes)"


def read_at_most(fh: BinaryIO, limit: int) -> bytes:
    """All of ``fh``, but never more than ``limit + 1`` bytes: over ``limit``, it
    raises ``ValueError`` (so a compression bomb is never decompressed beyond the limit)."""
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
