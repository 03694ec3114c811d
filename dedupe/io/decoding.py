"""Bytes to text, in one order for every input format.

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides;
2. binary content (an image, a PDF, an archive, NUL bytes) is rejected;
3. a declared charset (the HTTP ``Content-Type`` of a WARC record, an HTML
   ``<meta charset>`` or ``http-equiv`` tag, an XML declaration) is used when the
   bytes decode with it;
4. strict UTF-8;
5. UTF-8 with a few bad bytes (as U+FFFD) when the rest is valid multi-byte UTF-8,
   so one broken byte does not turn a page into mojibake;
6. detection with charset-normalizer (cp1251, Shift_JIS, Latin-1, ...).

Bytes that none of these decode plausibly (random or binary data) raise
``ValueError`` with the reason; the reader turns it into a rejected record.
"""
from __future__ import annotations

import codecs
import re

from .streams import COMPRESSED_MAGIC

__all__ = ["decode", "sniff_charset", "binary_kind"]

_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
# WHATWG: labels for Latin-1 and ASCII mean windows-1252
_CP1252 = {"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii", "iso8859-1", "l1", "cp819"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# a file's kind by its first bytes; compressed data as the input reader knows it (streams)
_MAGIC = tuple((re.compile(re.escape(m)), kind) for m, kind in (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"%PDF-", "PDF document"), (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"), (b"PK\x03\x04", "ZIP archive"), (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media"), (b"PAR1", "Parquet file"), (b"SQLite format 3\x00", "SQLite database"),
)) + tuple((m, f"{kind} data") for m, kind in COMPRESSED_MAGIC)
_SNIFF = 8192


def _codec(label: str | None) -> str | None:
    """A Python codec for a charset label, WHATWG-style; ``None`` when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 8 KiB (``<meta>`` or an XML
    declaration), lower-cased, or ``None``."""
    head = data[:_SNIFF]
    m = _XML_DECL.search(head) or _META.search(head)
    return m.group(1).decode("ascii", "replace").lower() if m else None


def binary_kind(data: bytes) -> str | None:
    """What binary content ``data`` is (``"PNG image"``, ``"NUL bytes"``), or ``None`` for text."""
    head = data[:_SNIFF].lstrip(b" \t\r\n")
    for magic, kind in _MAGIC:
        if magic.match(head):
            return kind
    return "NUL bytes" if b"\x00" in data[:_SNIFF] else None


def _nearly_utf8(data: bytes) -> str | None:
    """UTF-8 with its few bad bytes replaced, when the rest is clearly UTF-8: at
    least as many valid non-ASCII characters as bad bytes, and under 1 % bad."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    wide = sum(1 for ch in text if ord(ch) > 0x7F) - text.count("\ufffd")
    return text if 0 < bad <= wide and bad * 100 <= len(text) else None


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else str(best)


def decode(data: bytes, declared: str | None = None) -> str:
    """``data`` as text, by the order in the module docstring; ``declared`` is a
    charset from outside the bytes (an HTTP header). Raises ``ValueError`` with a
    clear reason for empty, binary or undecodable input."""
    if not data.strip():
        raise ValueError("empty input")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise ValueError(f"invalid {enc.upper()} after its byte-order mark at byte {exc.start}") from None
            text = text.lstrip("\ufeff")
            if not text.strip():
                raise ValueError("empty input")
            return text
    kind = binary_kind(data)
    if kind is not None:
        raise ValueError(f"binary content ({kind}), not text or HTML")
    for label in (declared, sniff_charset(data)):
        enc = _codec(label)
        if enc is not None:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass  # a wrong declaration: go on to UTF-8 and detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = exc
    text = _nearly_utf8(data) or _detect(data)
    if text is None:
        raise ValueError(f"undecodable: invalid UTF-8 at byte {first.start} ({first.reason}), no declared "
                         "charset fits and no legacy encoding was detected")
    return text
