"""JSON Lines input: one object per line, read lazily line by line.

A line that is not valid JSON, not an object, has no text or is over the size
limit becomes a rejected document whose ``source`` is ``file:line``; the run
goes on. JSON is UTF-8; a line that is not is decoded like a file (a declared or
detected legacy charset) or rejected with the reason.
"""
from __future__ import annotations

import json
import os
import re
from typing import BinaryIO, Iterator

from ..config import DEFAULTS
from ..document import Document
from .decoding import decode
from .records import Fields, read_opened, record_to_document, rejected, without_lone_surrogates
from .streams import Meter, over_limit

__all__ = ["read_jsonl", "read_jsonl_stream"]


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of ``stream``, each read with at most ``limit + 1`` bytes in memory;
    ``None`` stands for a line longer than ``limit`` (its rest is skipped)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip to the end of the line, a bounded chunk at a time
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


def _text(line: bytes) -> str:
    """A line as text: UTF-8 (as JSON is), else the same order as for files
    (:func:`dedupe.io.decoding.decode`); ``ValueError`` when nothing fits."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return decode(line.rstrip(b"\r\n"))


# a JSON escape of a surrogate: a line without one cannot hold a lone surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def read_jsonl_stream(stream: BinaryIO, name: str, fields: Fields = Fields(),
                      max_bytes: int = DEFAULTS.max_doc_bytes) -> Iterator[Document]:
    """Documents from an open binary stream of JSON Lines; ``name`` labels ``source``.
    A line over ``max_bytes`` is rejected."""
    lineno = 0
    try:
        for lineno, line in enumerate(_lines(stream, max_bytes), 1):
            source = f"{name}:{lineno}"
            if line is None:
                yield rejected(source, over_limit(max_bytes))
                continue
            if not line.strip():
                continue
            try:
                text = _text(line).lstrip("\ufeff")
                rec = json.loads(text)
                if _SURROGATE_ESCAPE.search(text):
                    rec = without_lone_surrogates(rec)
            except json.JSONDecodeError as exc:
                yield rejected(source, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            except (ValueError, RecursionError) as exc:
                yield rejected(source, f"unreadable line: {exc}")
                continue
            yield record_to_document(rec, fields, source, max_bytes)
    except OSError as exc:  # a read error, or broken compressed data (BrokenInput)
        yield rejected(f"{name}:{lineno + 1}", f"unreadable after line {lineno}: {exc}")


def read_jsonl(path: str | os.PathLike, *, id_field: str = "id", text_field: str = "text",
               html_field: str = "html", url_field: str = "url",
               meter: Meter | None = None, max_bytes: int = DEFAULTS.max_doc_bytes) -> Iterator[Document]:
    """Documents from a JSON Lines file (``.gz`` too), one line at a time; a line
    over ``max_bytes`` is rejected.

    >>> for doc in read_jsonl("articles.jsonl", text_field="body"):   # doctest: +SKIP
    ...     print(doc.id, doc.meta)
    """
    fields = Fields(id_field, text_field, html_field, url_field)
    yield from read_opened(path, meter, lambda fh, name: read_jsonl_stream(fh, name, fields, max_bytes))
