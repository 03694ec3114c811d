"""Input readers. Each yields :class:`Document` records; a record that cannot be
read becomes a document with ``error`` set, so the run goes on and every input
is accounted for."""
from __future__ import annotations

import gzip
import os
import re
import sys
import zlib
from pathlib import Path
from typing import Iterable, Iterator

from ..document import Document
from ..errors import ConfigError

__all__ = ["read_inputs", "read_path", "decode"]

TEXT_EXT = (".txt",)
HTML_EXT = (".html", ".htm")
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)


def _strip_gz(name: str) -> str:
    return name[:-3] if name.endswith(".gz") else name


def _format_of(name: str, forced: str) -> str | None:
    if forced != "auto":
        return forced
    base = _strip_gz(name.lower())
    if base.endswith(TEXT_EXT):
        return "text"
    if base.endswith(HTML_EXT):
        return "html"
    return None


def _doc_id(path: Path, root: Path | None) -> str:
    """Directory input: path relative to the directory without its last extension
    (``.gz`` counts with it); a file given directly: its name without the extension."""
    name = _strip_gz(path.name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if root is None:
        return stem
    rel = path.relative_to(root).parent
    return stem if str(rel) == "." else (rel / stem).as_posix()


def decode(data: bytes, fmt: str) -> str:
    """Bytes to text, strictly: bad input raises ``ValueError`` with a clear reason."""
    if not data.strip():
        raise ValueError("empty input")
    if b"\x00" in data[:8192]:
        raise ValueError("binary content (NUL bytes), not text or HTML")
    if fmt == "html":
        m = _CHARSET.search(data[:4096])
        enc = m.group(1).decode("ascii", "replace").lower() if m else "utf-8"
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


def _read_bytes(path: Path) -> bytes:
    if path.name.endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                return fh.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"broken gzip file: {exc}") from None
    return path.read_bytes()


def _file_doc(path: Path, fmt: str, root: Path | None) -> Document:
    doc = Document(id=_doc_id(path, root), format=fmt, source=str(path))
    try:
        doc.raw = decode(_read_bytes(path), fmt)
    except (ValueError, OSError) as exc:
        doc.error = str(exc)
    return doc


def read_path(path: str | os.PathLike, format: str = "auto") -> Iterator[Document]:
    """Documents from one file or (recursively, in sorted order) one directory."""
    p = Path(path)
    if p.is_dir():
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            fmt = _format_of(f.name, format)
            if fmt is not None:
                yield _file_doc(f, fmt, p)
        return
    if not p.exists():
        raise ConfigError(f"input not found: {path}")
    fmt = _format_of(p.name, format)
    if fmt is None:
        fmt = "auto"
    if fmt == "auto":
        doc = _file_doc(p, "text", None)
        if doc.ok:
            from ..segment import looks_like_html
            doc.format = "html" if looks_like_html(doc.raw) else "text"
        yield doc
        return
    yield _file_doc(p, fmt, None)


def _read_stdin(format: str) -> Iterator[Document]:
    data = sys.stdin.buffer.read()
    fmt = format if format != "auto" else "text"
    doc = Document(id="stdin", format=fmt, source="-")
    try:
        doc.raw = decode(data, fmt)
        if format == "auto":
            from ..segment import looks_like_html
            doc.format = "html" if looks_like_html(doc.raw) else "text"
    except ValueError as exc:
        doc.error = str(exc)
    yield doc


def read_inputs(inputs: Iterable[str], format: str = "auto") -> Iterator[Document]:
    """Documents from files, directories and ``-`` (stdin), in the order given."""
    for item in inputs:
        if str(item) == "-":
            yield from _read_stdin(format)
        else:
            yield from read_path(item, format)
