"""Plain-text and HTML files (also ``.gz``): one file, one document.

A file that cannot be read becomes a document with ``error`` set, so the run
goes on and every input is accounted for."""
from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

from ..document import Document
from .streams import Meter, open_input

__all__ = ["decode", "read_file", "doc_id", "sniff_charset", "strip_gz"]

_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)


def strip_gz(name: str) -> str:
    """``name`` without a trailing ``.gz``."""
    return name[:-3] if name.endswith(".gz") else name


def doc_id(path: Path, root: Path | None) -> str:
    """Directory input: path relative to the directory without its last extension
    (``.gz`` counts with it); a file given directly: its name without the extension."""
    name = strip_gz(path.name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if root is None:
        return stem
    rel = path.relative_to(root).parent
    return stem if str(rel) == "." else (rel / stem).as_posix()


def sniff_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its ``<meta>`` (first 4 KiB), lower-cased."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace").lower() if m else None


def decode(data: bytes, fmt: str) -> str:
    """Bytes to text, strictly: bad input raises ``ValueError`` with a clear reason.

    HTML is decoded by its ``<meta charset>`` when it declares one, else as UTF-8.
    """
    if not data.strip():
        raise ValueError("empty input")
    if b"\x00" in data[:8192]:
        raise ValueError("binary content (NUL bytes), not text or HTML")
    if fmt == "html":
        enc = sniff_charset(data) or "utf-8"
        try:
            return data.decode(enc)
        except LookupError:
            pass
        except UnicodeDecodeError as exc:
            raise ValueError(f"invalid {enc} at byte {exc.start}: {exc.reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"invalid UTF-8 at byte {exc.start}: {exc.reason}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def _read_bytes(path: Path, meter: Meter | None) -> bytes:
    try:
        with open_input(path, meter) as fh:
            return fh.read()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"broken gzip file: {exc}") from None


def read_file(path: Path, fmt: str, root: Path | None = None, meter: Meter | None = None) -> Document:
    """One text or HTML file as a document. ``fmt`` is ``text``, ``html`` or
    ``auto`` (HTML when the content looks like markup)."""
    doc = Document(id=doc_id(path, root), format="text" if fmt == "auto" else fmt, source=str(path))
    try:
        doc.raw = decode(_read_bytes(path, meter), doc.format)
    except (ValueError, OSError) as exc:
        doc.error = str(exc)
        return doc
    if fmt == "auto":
        from ..segment import looks_like_html

        doc.format = "html" if looks_like_html(doc.raw) else "text"
    return doc
