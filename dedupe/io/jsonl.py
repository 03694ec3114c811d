"""JSON Lines input: one object per line, read lazily line by line.

A line that is not valid JSON, not an object or has no text becomes a rejected
document whose ``source`` is ``file:line``; the run goes on.
"""
from __future__ import annotations

import json
import os
import zlib
from typing import BinaryIO, Iterator

from ..document import Document
from .records import Fields, read_opened, record_to_document, rejected
from .streams import Meter

__all__ = ["read_jsonl", "read_jsonl_stream"]


def read_jsonl_stream(stream: BinaryIO, name: str, fields: Fields = Fields()) -> Iterator[Document]:
    """Documents from an open binary stream of JSON Lines; ``name`` labels ``source``."""
    lineno = 0
    try:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            source = f"{name}:{lineno}"
            try:
                rec = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield rejected(source, f"invalid UTF-8 at byte {exc.start} of the line: {exc.reason}")
                continue
            except json.JSONDecodeError as exc:
                yield rejected(source, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            yield record_to_document(rec, fields, source)
    except (EOFError, zlib.error, OSError) as exc:
        yield rejected(f"{name}:{lineno + 1}", f"unreadable after line {lineno}: {exc}")


def read_jsonl(path: str | os.PathLike, *, id_field: str = "id", text_field: str = "text",
               html_field: str = "html", url_field: str = "url",
               meter: Meter | None = None) -> Iterator[Document]:
    """Documents from a JSON Lines file (``.gz`` too), one line at a time.

    >>> for doc in read_jsonl("articles.jsonl", text_field="body"):   # doctest: +SKIP
    ...     print(doc.id, doc.meta)
    """
    fields = Fields(id_field, text_field, html_field, url_field)
    yield from read_opened(path, meter, lambda fh, name: read_jsonl_stream(fh, name, fields))
