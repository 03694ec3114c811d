"""WARC and WARC.gz input (Common Crawl, CC-NEWS) via FastWARC.

Each HTTP ``response`` record with a 2xx status and an HTML (or plain-text) body
becomes a document: ``WARC-Record-ID`` is its ``id``, ``WARC-Target-URI`` its
``url``, ``file:offset`` its ``source`` (offset of the record in the
decompressed archive), and the body is decoded by its HTTP charset (else its
``<meta charset>``, else UTF-8). Other records (requests, metadata, redirects,
images, ...) are skipped.

A truncated archive yields every record before the break, then one rejected
document describing the break; it never raises.
"""
from __future__ import annotations

import codecs
import os
import re
import zlib
from typing import BinaryIO, Iterator

from ..document import Document
from ..errors import require
from .files import sniff_charset
from .records import read_opened, rejected
from .streams import Meter

__all__ = ["read_warc", "read_warc_stream", "decode_http"]

_HTML_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
# WHATWG: labels for Latin-1 and ASCII mean windows-1252
_CP1252 = {"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii", "iso8859-1"}
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)")


class _Tail:
    """The stream FastWARC reads from. It keeps the bytes from the start of the
    current record, so the last record can be checked for completeness, and it
    turns a read error (a gzip member cut short) into end of input, remembering it,
    so the records already buffered are still returned."""

    def __init__(self, inner: BinaryIO):
        self._inner = inner
        self._read = getattr(inner, "read1", inner.read)
        self.pos = 0
        self.base = 0
        self.buf = bytearray()
        self.error: BaseException | None = None

    def read(self, n: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            data = self._read(n)
        except (EOFError, OSError, zlib.error) as exc:
            self.error = exc
            return b""
        self.buf += data
        self.pos += len(data)
        return data

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        """The owner closes the inner stream."""

    def keep_from(self, offset: int) -> None:
        """Forget the bytes before ``offset`` (the start of the current record)."""
        del self.buf[:offset - self.base]
        self.base = offset

    def cut_off(self) -> str | None:
        """Why the record starting at ``base`` is incomplete, or ``None`` when it is whole."""
        head_end = self.buf.find(b"\r\n\r\n")
        if head_end < 0:
            return f"record header cut off after {len(self.buf)} bytes"
        m = _CONTENT_LENGTH.search(self.buf, 0, head_end)
        if m is None:
            return "record header has no Content-Length"
        need, have = int(m.group(1)), len(self.buf) - head_end - 4
        return f"record cut off after {have} of {need} content bytes" if have < need else None

    def trailing(self) -> int:
        """Bytes after the (whole) record at ``base`` that are not part of any record read."""
        head_end = self.buf.find(b"\r\n\r\n")
        end = head_end + 4 + int(_CONTENT_LENGTH.search(self.buf, 0, head_end).group(1))
        return len(self.buf[end:].strip())


def decode_http(body: bytes, charset: str | None) -> str:
    """An HTTP body as text: by the declared charset, else ``<meta charset>``, else
    UTF-8; undecodable bytes become U+FFFD (one bad byte must not lose a page)."""
    if not body.strip():
        raise ValueError("empty HTTP body")
    if b"\x00" in body[:8192]:
        raise ValueError("binary content (NUL bytes), not text or HTML")
    enc = (charset or sniff_charset(body) or "utf-8").strip().lower()
    enc = "cp1252" if enc in _CP1252 else enc
    try:
        codecs.lookup(enc)
    except LookupError:
        enc = "utf-8"
    text = body.decode(enc, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def _record_doc(rec, name: str, types) -> Document | None:
    """The document for one WARC record, or ``None`` for a record that holds no article."""
    if rec.record_type != types.response or not rec.is_http:
        return None
    http = rec.http_headers
    status = http.status_code if http is not None else None
    if status is None or not 200 <= status < 300:
        return None
    fmt = _HTML_TYPES.get((rec.http_content_type or "text/html").lower())
    if fmt is None:
        return None
    source = f"{name}:{rec.stream_pos}"
    doc = Document(id=rec.record_id or source, format=fmt, source=source,
                   url=rec.headers.get("WARC-Target-URI"))
    date = rec.headers.get("WARC-Date")
    if date:
        doc.date = date
        doc.meta["warc_date"] = date
    try:
        doc.raw = decode_http(rec.reader.read(), rec.http_charset)
    except ValueError as exc:
        doc.error = str(exc)
    return doc


def read_warc_stream(stream: BinaryIO, name: str) -> Iterator[Document]:
    """Documents from an open, decompressed binary WARC stream; ``name`` labels ``source``."""
    warc = require("fastwarc.warc", "warc")
    tail = _Tail(stream)
    held: Document | None = None  # the last record's document, yielded once known to be whole
    seen = False
    failure = None
    try:
        for rec in warc.ArchiveIterator(tail, parse_http=True, auto_decode="all", stream_detect=False):
            if held is not None:
                yield held
            tail.keep_from(rec.stream_pos)
            seen = True
            try:
                held = _record_doc(rec, name, warc.WarcRecordType)
            except Exception as exc:  # one malformed record must not stop the archive
                held = rejected(f"{name}:{rec.stream_pos}", f"unreadable WARC record: {exc}")
    except BaseException as exc:  # FastWARC raises OSError; a Rust panic is a BaseException
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        failure = exc
    failure = tail.error or failure
    yield from _ending(tail, held, seen, failure, name)


def _ending(tail: _Tail, held: Document | None, seen: bool, failure, name: str) -> Iterator[Document]:
    """The last record (when whole) and a rejected document for a truncated or corrupt end."""
    why = f": {failure}" if failure else ""
    if not seen:
        if failure or tail.buf.strip():
            yield rejected(f"{name}:0", f"no readable WARC record (truncated or not a WARC file){why}")
        return
    cut = tail.cut_off()
    if cut:
        yield rejected(held.source if held else f"{name}:{tail.base}", f"truncated WARC archive: {cut}{why}",
                       id=held.id if held else None, url=held.url if held else None)
        return
    if held is not None:
        yield held
    if failure or tail.trailing():
        yield rejected(f"{name}:{tail.base}", "truncated or corrupt WARC archive after the record at "
                       f"offset {tail.base}{why}")


def read_warc(path: str | os.PathLike, *, meter: Meter | None = None) -> Iterator[Document]:
    """Documents from a ``.warc`` or ``.warc.gz`` file, one record at a time.

    >>> for doc in read_warc("CC-NEWS-20240101.warc.gz"):   # doctest: +SKIP
    ...     print(doc.id, doc.url)
    """
    require("fastwarc.warc", "warc")
    yield from read_opened(path, meter, read_warc_stream)
