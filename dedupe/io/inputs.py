"""Which reader reads what: files, directories and stdin, by extension or by content.

A directory is read recursively in sorted order; with ``format="auto"`` it
takes every file with a known extension (``.txt``, ``.html``/``.htm``,
``.jsonl``/``.ndjson``, ``.warc``/``.wet``, ``.parquet``, each text format also
compressed: ``.gz``, ``.bz2``, ``.xz``, ``.zst``). Stdin (``-``) is detected by its
first bytes: compressed data is unpacked,
``WARC/`` is an archive, a first non-blank ``{`` is JSON Lines, anything else
one text or HTML document.
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from ..config import DEFAULTS, Config
from ..document import Document
from ..errors import ConfigError
from .files import decode, read_file
from .jsonl import read_jsonl, read_jsonl_stream
from .records import Fields
from .streams import Meter, decompressed, read_at_most, strip_compressed

__all__ = ["read_inputs", "read_path", "format_of", "sniff_format"]

_EXTENSIONS = {".txt": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".warc": "warc", ".wet": "warc", ".parquet": "parquet"}


def format_of(name: str) -> str | None:
    """The input format a file name implies, or ``None`` when it implies none."""
    base = strip_compressed(name.lower())
    ext = os.path.splitext(base)[1]
    fmt = _EXTENSIONS.get(ext)
    return None if fmt == "parquet" and base != name.lower() else fmt


def sniff_format(head: bytes) -> str:
    """The format of (decompressed) content from its first bytes: ``warc``,
    ``parquet``, ``jsonl`` or ``auto`` (one text or HTML document)."""
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] == b"{":
        return "jsonl"
    return "auto"


def _read_file(path: Path, fmt: str, root: Path | None, fields: Fields, config: Config,
               meter: Meter | None) -> Iterator[Document]:
    if fmt == "jsonl":
        yield from read_jsonl(path, id_field=fields.id, text_field=fields.text, html_field=fields.html,
                              url_field=fields.url, meter=meter, max_bytes=config.max_doc_bytes)
    elif fmt == "warc":
        from .warc import read_warc

        yield from read_warc(path, meter=meter, max_bytes=config.max_doc_bytes)
    elif fmt == "parquet":
        from .parquet import read_parquet

        yield from read_parquet(path, id_field=fields.id, text_field=fields.text, html_field=fields.html,
                                url_field=fields.url, batch_size=config.batch_size, meter=meter,
                                max_bytes=config.max_doc_bytes)
    else:
        yield read_file(path, fmt, root, meter, config.max_doc_bytes)


def _sniff_file(path: Path) -> str:
    with open(path, "rb") as raw, decompressed(io.BufferedReader(raw)) as fh:
        try:
            return sniff_format(fh.peek(512)[:512])
        except OSError:
            return "auto"


def _inside(root: Path, exclude: Iterable[str | os.PathLike]) -> set[Path]:
    """The paths of ``exclude`` that lie in directory ``root``, relative to it."""
    real = root.resolve()
    out = set()
    for e in exclude:
        try:
            out.add(Path(e).resolve().relative_to(real))
        except ValueError:  # elsewhere
            pass
    return out


def read_path(path: str | os.PathLike, format: str | None = None, *, config: Config = DEFAULTS,
              meter: Meter | None = None, exclude: Iterable[str | os.PathLike] = ()) -> Iterator[Document]:
    """Documents from one file or (recursively, in sorted order) one directory. A directory's
    files at or under a path of ``exclude`` are not read (a run's own outputs)."""
    fmt = format or config.format
    fields = Fields.from_config(config)
    p = Path(path)
    if p.is_dir():
        skip = _inside(p, exclude)
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            if skip:
                rel = f.relative_to(p)
                if rel in skip or not skip.isdisjoint(rel.parents):
                    continue
            ffmt = fmt if fmt != "auto" else format_of(f.name)
            if ffmt is not None:
                yield from _read_file(f, ffmt, p, fields, config, meter)
        return
    if not p.exists():
        raise ConfigError(f"input not found: {path}")
    if fmt == "auto":
        fmt = format_of(p.name) or _sniff_file(p)
    yield from _read_file(p, fmt, None, fields, config, meter)


def _read_stdin(fmt: str, fields: Fields, limit: int) -> Iterator[Document]:
    stream: BinaryIO = sys.stdin.buffer
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)
    stream = decompressed(stream)
    if fmt == "auto":
        try:
            fmt = sniff_format(stream.peek(512)[:512])
        except OSError:
            pass  # broken compressed data: reading it as one document reports the error
    if fmt == "jsonl":
        yield from read_jsonl_stream(stream, "-", fields, limit)
    elif fmt == "warc":
        from .warc import read_warc_stream

        yield from read_warc_stream(stream, "-", limit)
    elif fmt == "parquet":
        raise ConfigError("Parquet cannot be read from stdin (it needs random access); give the file's path")
    else:
        doc = Document(id="stdin", format="text" if fmt == "auto" else fmt, source="-")
        try:
            doc.raw = decode(read_at_most(stream, limit))
        except (ValueError, OSError) as exc:
            doc.error = str(exc)
        else:
            if fmt == "auto":
                from ..segment import looks_like_html

                doc.format = "html" if looks_like_html(doc.raw) else "text"
        yield doc


def read_inputs(inputs: Iterable[str], format: str | None = None, *, config: Config = DEFAULTS,
                meter: Meter | None = None, exclude: Iterable[str | os.PathLike] = ()) -> Iterator[Document]:
    """Documents from files, directories and ``-`` (stdin), in the order given.

    ``format`` (default ``config.format``) forces one input format; the field
    names for JSON Lines and Parquet come from ``config``. ``meter`` counts the
    bytes read, for a progress bar. Files at or under a path of ``exclude`` are
    not read from a directory (the CLI's own outputs, when they are written into
    the directory it reads: a second run would read the first one's output).
    """
    fmt = format or config.format
    exclude = [e for e in exclude if e and str(e) != "-"]
    for item in inputs:
        if str(item) == "-":
            yield from _read_stdin(fmt, Fields.from_config(config), config.max_doc_bytes)
        else:
            yield from read_path(item, fmt, config=config, meter=meter, exclude=exclude)
