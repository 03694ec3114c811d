"""WARC and WARC.gz input (Common Crawl, CC-NEWS) via FastWARC.

Each HTTP ``response`` record with a 2xx status and an HTML (or plain-text) body
becomes a document: ``WARC-Record-ID`` is its ``id``, ``WARC-Target-URI`` its
``url``, ``file:offset`` its ``source`` (offset of the record in the
decompressed archive), and the body is decoded by its byte-order mark, else its
HTTP charset, else its ``<meta charset>``, else UTF-8, else a detected charset
(:mod:`dedupe.io.decoding`); a body over the size limit is rejected. So does each
``conversion`` record, the text extracted from a page (Common Crawl's WET files,
``*.warc.wet.gz``), its language kept as ``warc_language`` when the record names it,
and each ``resource`` record holding a page as is; their Content-Type says text or
HTML. Other records (requests, metadata, redirects, images, ...) are skipped.

A truncated archive yields every record before the break, then one rejected
document describing the break; it never raises.
"""
from __future__ import annotations

import os
import re
from typing import BinaryIO, Iterator

from ..config import DEFAULTS
from ..document import Document
from ..errors import require
from .decoding import decode
from .records import read_opened, rejected
from .streams import Meter, read_at_most

__all__ = ["read_warc", "read_warc_stream", "decode_http"]

_HTML_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


_KEEP = 1 << 20  # bytes of a record's start (its headers) and of the latest reads kept by _Tail


class _Tail:
    """The stream FastWARC reads from. It keeps the start of the current record
    and the latest bytes read (at most ``_KEEP`` each, so a huge record takes no
    memory here), so the last record can be checked for completeness, and it
    turns a read error (a gzip member cut short) into end of input, remembering
    it, so the records already buffered are still returned."""

    def __init__(self, inner: BinaryIO):
        self._inner = inner
        self._read = getattr(inner, "read1", inner.read)
        self.pos = 0
        self.base = 0
        self.head = bytearray()  # the first bytes from ``base``
        self.recent = bytearray()  # the last bytes read, ending at ``pos``
        self.error: BaseException | None = None

    def read(self, n: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            data = self._read(n)
        except OSError as exc:  # a read error, or broken compressed data (BrokenInput)
            self.error = exc
            return b""
        if len(self.head) < _KEEP:
            self.head += data[:_KEEP - len(self.head)]
        self.recent += data
        if len(self.recent) > _KEEP:
            del self.recent[:len(self.recent) - _KEEP]
        self.pos += len(data)
        return data

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        """The owner closes the inner stream."""

    def keep_from(self, offset: int) -> None:
        """The record at ``offset`` is now the current one."""
        since = self.pos - offset
        self.head = self.recent[len(self.recent) - since:][:_KEEP] if 0 < since <= len(self.recent) else bytearray()
        self.base = offset

    def _header(self) -> tuple[int, int] | None:
        """(end of the header, Content-Length) of the record at ``base``, when known."""
        head_end = self.head.find(b"\r\n\r\n")
        m = _CONTENT_LENGTH.search(self.head, 0, head_end) if head_end >= 0 else None
        return (head_end, int(m.group(1))) if m else None

    def cut_off(self) -> str | None:
        """Why the record starting at ``base`` is incomplete, or ``None`` when it is whole."""
        if self.head.find(b"\r\n\r\n") < 0:
            return f"record header cut off after {self.pos - self.base} bytes"
        header = self._header()
        if header is None:
            return "record header has no Content-Length"
        head_end, need = header
        have = self.pos - self.base - head_end - 4
        return f"record cut off after {have} of {need} content bytes" if have < need else None

    def trailing(self) -> int:
        """Bytes after the (whole) record at ``base`` that are not part of any record read."""
        head_end, need = self._header()
        extra = self.pos - (self.base + head_end + 4 + need)
        if extra <= 0:
            return 0
        return len(self.recent[-extra:].strip()) if extra <= len(self.recent) else extra


def decode_http(body: bytes, charset: str | None) -> str:
    """An HTTP body as text (:func:`dedupe.io.decoding.decode`): a byte-order mark,
    else the HTTP charset, else ``<meta charset>``, else UTF-8, else detection."""
    if not body.strip():
        raise ValueError("empty HTTP body")
    return decode(body, charset)


def _record_doc(rec, name: str, types, max_bytes: int) -> Document | None:
    """The document for one WARC record, or ``None`` for a record that holds no article."""
    if rec.record_type in (types.conversion, types.resource):
        return _payload_doc(rec, name, max_bytes)
    if rec.record_type != types.response or not rec.is_http:
        return None
    http = rec.http_headers
    status = http.status_code if http is not None else None
    if status is None or not 200 <= status < 300:
        return None
    fmt = _HTML_TYPES.get((rec.http_content_type or "text/html").lower())
    if fmt is None:
        return None
    doc = _new_doc(rec, name, fmt)
    try:
        doc.raw = decode_http(read_at_most(rec.reader, max_bytes), rec.http_charset)
    except ValueError as exc:
        doc.error = str(exc)
    return doc


def _payload_doc(rec, name: str, max_bytes: int) -> Document | None:
    """A record whose block is the page itself, with no HTTP headers: a ``conversion``
    record (a page's extracted text, as in WET files) or a ``resource`` record (a page
    archived as is). Its Content-Type says text or HTML, and may give the charset."""
    ctype, _, params = (rec.headers.get("Content-Type") or "text/plain").partition(";")
    fmt = _HTML_TYPES.get(ctype.strip().lower())
    if fmt is None:
        return None
    doc = _new_doc(rec, name, fmt)
    language = rec.headers.get("WARC-Identified-Content-Language")
    if language:
        doc.meta["warc_language"] = language
    charset = _CHARSET.search(params)
    try:
        body = read_at_most(rec.reader, max_bytes)
        if not body.strip():
            raise ValueError("empty record")
        doc.raw = decode_http(body, charset.group(1) if charset else None)
    except ValueError as exc:
        doc.error = str(exc)
    return doc


def _new_doc(rec, name: str, fmt: str) -> Document:
    """A document for ``rec``: its id, source, URL and WARC date."""
    source = f"{name}:{rec.stream_pos}"
    doc = Document(id=rec.record_id or source, format=fmt, source=source,
                   url=rec.headers.get("WARC-Target-URI"))
    date = rec.headers.get("WARC-Date")
    if date:
        doc.date = date
        doc.meta["warc_date"] = date
    return doc


def read_warc_stream(stream: BinaryIO, name: str, max_bytes: int = DEFAULTS.max_doc_bytes) -> Iterator[Document]:
    """Documents from an open, decompressed binary WARC stream; ``name`` labels ``source``.
    A body over ``max_bytes`` is rejected (at most ``max_bytes + 1`` bytes of it are read)."""
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
                held = _record_doc(rec, name, warc.WarcRecordType, max_bytes)
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
        if failure or tail.head.strip():
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


def read_warc(path: str | os.PathLike, *, meter: Meter | None = None,
              max_bytes: int = DEFAULTS.max_doc_bytes) -> Iterator[Document]:
    """Documents from a ``.warc`` or ``.warc.gz`` file, one record at a time.

    >>> for doc in read_warc("CC-NEWS-20240101.warc.gz"):   # doctest: +SKIP
    ...     print(doc.id, doc.url)
    """
    require("fastwarc.warc", "warc")
    yield from read_opened(path, meter, lambda fh, name: read_warc_stream(fh, name, max_bytes))
