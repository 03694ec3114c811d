"""Plain-text and HTML files (also compressed: ``.gz``, ``.bz2``, ``.xz``, ``.zst``): one file, one document.

A file that cannot be read becomes a document with ``error`` set, so the run
goes on and every input is accounted for."""
from __future__ import annotations

from pathlib import Path

from ..config import DEFAULTS
from ..document import Document
from .decoding import decode, sniff_charset
from .streams import Meter, open_input, read_at_most, strip_compressed

__all__ = ["decode", "read_file", "doc_id", "sniff_charset"]


def doc_id(path: Path, root: Path | None) -> str:
    """Directory input: path relative to the directory without its last extension
    (a compression suffix counts with it); a file given directly: its name without the extension."""
    name = strip_compressed(path.name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if root is None:
        return stem
    rel = path.relative_to(root).parent
    return stem if str(rel) == "." else (rel / stem).as_posix()


def _read_bytes(path: Path, meter: Meter | None, limit: int) -> bytes:
    with open_input(path, meter) as fh:  # broken compressed data raises BrokenInput (an OSError)
        return read_at_most(fh, limit)


def read_file(path: Path, fmt: str, root: Path | None = None, meter: Meter | None = None,
              max_bytes: int = DEFAULTS.max_doc_bytes) -> Document:
    """One text or HTML file as a document. ``fmt`` is ``text``, ``html`` or
    ``auto`` (HTML when the content looks like markup). A file over ``max_bytes``
    (decompressed) is rejected; at most ``max_bytes + 1`` bytes are read."""
    doc = Document(id=doc_id(path, root), format="text" if fmt == "auto" else fmt, source=str(path))
    try:
        doc.raw = decode(_read_bytes(path, meter, max_bytes))
    except (ValueError, OSError) as exc:
        doc.error = str(exc)
        return doc
    if fmt == "auto":
        from ..segment import looks_like_html

        doc.format = "html" if looks_like_html(doc.raw) else "text"
    return doc
