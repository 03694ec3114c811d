"""Parts of documents held during a run, kept in an unlinked temporary file instead of memory.

A run that must see all of its input before it hands documents on (the template
pass, the ``longest`` and ``earliest`` keep policies) holds every document; their
raw pages, cleaned texts and fingerprints are nearly all of their size, and wait
here until each document goes on. ``TMPDIR`` says where the file is.
"""
from __future__ import annotations

import json
import os
import struct
import tempfile
from typing import Iterator

import numpy as np

from .document import Block, Document
from .fingerprint import Fingerprint

__all__ = ["Spill", "handed_on"]


def handed_on(held: list[Document]) -> Iterator[Document]:
    """The held documents in order, each let go of here once handed on (so that a
    document and its restored parts are freed once the consumer is done)."""
    held.reverse()
    while held:
        yield held.pop()


class Spill:
    """Parts of held documents kept in an unlinked temporary file instead of memory.

    :meth:`put_raw` moves ``doc.raw`` there (once per document) and :meth:`get_raw`
    puts it back, exactly (lone surrogates pass through); ``release`` forgets where
    it was, for the last time a document is handed back. :meth:`put_cleaned` and
    :meth:`get_cleaned` do the same, once, for the title, text and blocks (as JSON,
    which gives strings and numbers back exactly), :meth:`put_fingerprint` and
    :meth:`take_fingerprint` for a fingerprint (its arrays' bytes), and
    :meth:`put_segmented` and :meth:`take_segmented` for an HTML page's blocks as
    segmented (``doc.segmented``); the ``drop_`` methods forget a part unread."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        # id(doc) -> where its part is: offset << 40 | length (one int, not a tuple of two:
        # a run holds a few of them per document)
        self._raw: dict[int, int] = {}
        self._cleaned: dict[int, int] = {}
        self._fingerprints: dict[int, int] = {}
        self._segmented: dict[int, int] = {}

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def _write(self, data: bytes) -> int:
        self._file.seek(0, os.SEEK_END)
        where = self._file.tell() << 40 | len(data)
        self._file.write(data)
        return where

    def _read(self, where: int) -> bytes:
        self._file.seek(where >> 40)
        return self._file.read(where & _LENGTH)

    def put_raw(self, doc: Document) -> Document:
        if doc.raw is not None:
            if id(doc) not in self._raw:
                self._raw[id(doc)] = self._write(doc.raw.encode("utf-8", "surrogatepass"))
            doc.raw = None
        return doc

    def get_raw(self, doc: Document, release: bool = False) -> Document:
        where = self._raw.pop(id(doc), None) if release else self._raw.get(id(doc))
        if where is not None and doc.raw is None:
            doc.raw = self._read(where).decode("utf-8", "surrogatepass")
        return doc

    def drop_raw(self, doc: Document) -> Document:
        """Forget the document's input (its bytes stay unread in the file)."""
        self._raw.pop(id(doc), None)
        doc.raw = None
        return doc

    def put_cleaned(self, doc: Document) -> Document:
        if doc.ok:
            record = [doc.title, doc.text, [list(b) for b in doc.blocks]]
            self._cleaned[id(doc)] = self._write(json.dumps(record).encode("ascii"))
            doc.title = doc.text = None
            doc.blocks = []
        return doc

    def get_cleaned(self, doc: Document) -> Document:
        where = self._cleaned.pop(id(doc), None)
        if where is not None:
            doc.title, doc.text, blocks = json.loads(self._read(where))
            doc.blocks = [Block(*b) for b in blocks]
        return doc

    def put_segmented(self, doc: Document) -> Document:
        if doc.segmented is not None:
            self._segmented[id(doc)] = self._write(doc.segmented)
            doc.segmented = None
        return doc

    def take_segmented(self, doc: Document) -> bytes | None:
        where = self._segmented.pop(id(doc), None)
        return None if where is None else self._read(where)

    def drop_segmented(self, doc: Document) -> None:
        """Forget a document's blocks as segmented, unread (it is not classified again)."""
        self._segmented.pop(id(doc), None)

    def put_fingerprint(self, doc: Document, fp: Fingerprint) -> None:
        arrays = (fp.keys.astype(np.int64, copy=False), fp.shingles.astype(np.uint32, copy=False),
                  fp.sketch.astype(np.uint8, copy=False))
        head = _FP_HEAD.pack(fp.text_hash, fp.n_tokens, *(len(a) for a in arrays))
        self._fingerprints[id(doc)] = self._write(b"".join([head, *(a.tobytes() for a in arrays)]))

    def take_fingerprint(self, doc: Document) -> Fingerprint | None:
        where = self._fingerprints.pop(id(doc), None)
        if where is None:
            return None
        data = self._read(where)
        text_hash, n_tokens, n_keys, n_shingles, n_sketch = _FP_HEAD.unpack_from(data)
        keys = np.frombuffer(data, np.int64, n_keys, _FP_HEAD.size)
        shingles = np.frombuffer(data, np.uint32, n_shingles, _FP_HEAD.size + 8 * n_keys)
        sketch = np.frombuffer(data, np.uint8, n_sketch, _FP_HEAD.size + 8 * n_keys + 4 * n_shingles)
        return Fingerprint(shingles, None, text_hash, n_tokens, keys, sketch)

    def drop_fingerprint(self, doc: Document) -> None:
        """Forget a document's fingerprint, unread (its text changed)."""
        self._fingerprints.pop(id(doc), None)


_LENGTH = (1 << 40) - 1  # a part's length, in the low bits of where it is
# a spilled fingerprint: text hash, token count, then the lengths of its keys, shingles, sketch
_FP_HEAD = struct.Struct("<QQIII")
