"""Structured records (a JSON Lines object, a Parquet row) to documents.

The id, text, HTML and URL come from named fields; every other field is carried
through untouched in :attr:`Document.meta` and so reaches the output. A record
without usable text becomes a rejected document that says what was missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterator

from ..document import Document
from .decoding import decode
from .streams import over_limit

__all__ = ["Fields", "record_to_document", "rejected", "without_lone_surrogates"]


@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold the id, plain text, HTML and URL.

    When a record has a non-empty HTML field it is cleaned as HTML, else its
    text field is cleaned as plain text.
    """

    id: str = "id"
    text: str = "text"
    html: str = "html"
    url: str = "url"

    @classmethod
    def from_config(cls, config) -> "Fields":
        return cls(config.id_field, config.text_field, config.html_field, config.url_field)


def rejected(source: str, error: str, meta: dict[str, Any] | None = None, id: str | None = None,
             url: str | None = None) -> Document:
    """A document that could not be read: its id defaults to ``source`` (file:line)."""
    return Document(id=id or source, url=url, source=source, error=error, meta=meta or {})


def _text_of(rec: dict, name: str, max_bytes: int | None) -> str | None:
    """A text field: a string, or bytes (a Parquet binary column) decoded like a file
    (checked against the size limit first)."""
    value = rec.get(name)
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        if max_bytes is not None and len(value) > max_bytes:
            raise ValueError(over_limit(max_bytes))
        return decode(bytes(value)) if bytes(value).strip() else ""
    if not isinstance(value, str):
        raise ValueError(f"field {name!r} holds {type(value).__name__}, not a string")
    return value


def record_to_document(rec: Any, fields: Fields, source: str, max_bytes: int | None = None) -> Document:
    """One record as a document; ``source`` (file:line or file:row) names where it came from.
    Text or HTML longer than ``max_bytes`` characters is rejected."""
    if not isinstance(rec, dict):
        return rejected(source, f"expected an object with fields, got {type(rec).__name__}")
    meta = {k: v for k, v in rec.items() if k not in (fields.id, fields.text, fields.html, fields.url)}
    raw_id = rec.get(fields.id)
    doc_id = str(raw_id) if raw_id not in (None, "") else None
    url = rec.get(fields.url)
    url = str(url) if url is not None else None
    try:
        html, text = _text_of(rec, fields.html, max_bytes), _text_of(rec, fields.text, max_bytes)
    except ValueError as exc:
        return rejected(source, str(exc), meta, doc_id, url)
    if html and html.strip():
        raw, fmt = html, "html"
    elif text and text.strip():
        raw, fmt = text, "text"
    else:
        what = "empty" if (html is not None or text is not None) else "missing"
        return rejected(source, f"{what} text: no non-empty {fields.text!r} or {fields.html!r} field",
                        meta, doc_id, url)
    if max_bytes is not None and len(raw) > max_bytes:
        return rejected(source, over_limit(max_bytes), meta, doc_id, url)
    if "\x00" in raw[:8192]:
        return rejected(source, "binary content (NUL bytes), not text or HTML", meta, doc_id, url)
    return Document(id=doc_id or source, raw=raw, format=fmt, url=url, source=source, meta=meta)


def read_opened(path, meter, read_stream: Callable[[BinaryIO, str], Iterator[Document]]) -> Iterator[Document]:
    """Documents from ``read_stream`` over the opened file; a file that cannot be
    opened becomes one rejected record."""
    from .streams import open_input

    try:
        fh = open_input(path, meter)
    except OSError as exc:
        yield rejected(str(path), f"cannot open: {exc}")
        return
    with fh:
        yield from read_stream(fh, str(path))


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate (``"\\ud800"`` in JSON: no character, and
    not writable as UTF-8) in its strings, keys included, replaced by U+FFFD, as a
    decoder replaces bytes it cannot read. (A JSON parser joins the valid pairs.)"""
    def fix(x: str) -> str:
        return _SURROGATE.sub("\ufffd", x)

    if not isinstance(value, (dict, list)):
        return fix(value) if isinstance(value, str) else value
    todo = [value]  # without recursion: nesting can be deep
    while todo:
        box = todo.pop()
        if isinstance(box, dict):
            pairs = list(box.items())
            box.clear()
        else:
            pairs = list(enumerate(box))
        for k, v in pairs:
            if isinstance(v, str):
                v = fix(v)
            elif isinstance(v, (dict, list)):
                todo.append(v)
            box[fix(k) if isinstance(k, str) else k] = v
    return value
