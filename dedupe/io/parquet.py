"""Parquet input and output via pyarrow (optional: ``pip install 'news-dedupe[parquet]'``).

Input is read in record batches, so memory stays flat however large the file.
Output is written in row groups to a temporary file renamed into place at the
end. Its schema: the output fields (``id`` ... ``blocks``, null where they do
not apply) and then the pass-through fields, whose types are taken from the
first batch of records; a field whose values there have no one type (a number
in one record, a string or a list in another), or a type Parquet cannot hold (an
empty object), is written as JSON text.
"""
from __future__ import annotations

import copy
import os
from typing import Iterable, Iterator

from ..config import DEFAULTS
from ..document import Document
from ..errors import DedupeError, require
from .records import Fields, record_to_document, rejected, without_lone_surrogates
from .streams import Meter
from .writers import AtomicFile, AtomicWriter, to_json, write_records

__all__ = ["read_parquet", "ParquetWriter", "write_parquet"]


def read_parquet(path: str | os.PathLike, *, id_field: str = "id", text_field: str = "text",
                 html_field: str = "html", url_field: str = "url", batch_size: int = 256,
                 meter: Meter | None = None, max_bytes: int = DEFAULTS.max_doc_bytes) -> Iterator[Document]:
    """Documents from a Parquet file, ``batch_size`` rows at a time; ``source`` is
    ``file:row`` (1-based). The fields work as for JSON Lines; a text or HTML
    field over ``max_bytes`` characters is rejected. Only the data is read: no
    pandas metadata, no Python (pickled) extension types.

    >>> for doc in read_parquet("articles.parquet", html_field="content"):   # doctest: +SKIP
    ...     print(doc.id, doc.meta)
    """
    pa = require("pyarrow", "parquet")
    pq = require("pyarrow.parquet", "parquet")
    fields = Fields(id_field, text_field, html_field, url_field)
    name = str(path)
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield rejected(name, f"not a readable Parquet file: {exc}")
        return
    size, total = os.path.getsize(path), max(pf.metadata.num_rows, 1)
    row = reported = 0
    try:
        for batch in pf.iter_batches(batch_size=batch_size):
            for rec in batch.to_pylist():
                row += 1
                yield record_to_document(rec, fields, f"{name}:{row}", max_bytes)
            if meter is not None:
                meter.add(size * row // total - reported)
                reported = size * row // total
    except (OSError, pa.ArrowException) as exc:
        yield rejected(f"{name}:{row + 1}", f"unreadable Parquet data after row {row}: {exc}")
    finally:
        pf.close()


def _core_schema(pa):
    block = pa.struct([("text", pa.string()), ("label", pa.string()), ("reason", pa.string())])
    s, f = pa.string(), pa.float64()
    return [("id", s), ("url", s), ("source", s), ("error", s), ("title", s), ("published", s), ("text", s),
            ("cluster", s), ("duplicate_of", s), ("similarity", f), ("containment", f),
            ("relation", s), ("blocks", pa.list_(block))]


def _storable(pa, t) -> bool:
    """Whether Parquet can hold an Arrow type: not a struct without fields (``{}`` in JSON),
    at any depth."""
    if pa.types.is_struct(t):
        return t.num_fields > 0 and all(_storable(pa, t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _storable(pa, t.value_type)
    return True


class ParquetWriter(AtomicWriter):
    """Writes output records to a Parquet file atomically, ``row_group`` rows at a time.

    A pass-through field of mixed types in the first row group is written as JSON
    text. One first seen after the first row group, or whose type changes after it,
    cannot join the schema: that raises :class:`DedupeError` (write JSON Lines for
    inputs whose fields vary) and the target is left untouched.
    """

    def __init__(self, path: str, row_group: int = 2048):
        self.pa = require("pyarrow", "parquet")
        self.pq = require("pyarrow.parquet", "parquet")
        self.path = path
        self.count = 0
        self._row_group = row_group
        self._rows: list[dict] = []
        self._file: AtomicFile | None = AtomicFile(path)
        self._writer = None
        self._as_json: list[str] = []  # pass-through fields written as JSON text
        self.schema = None

    def write(self, record: dict) -> None:
        self._rows.append(record)
        self.count += 1
        if len(self._rows) >= self._row_group:
            self._flush()

    def _infer_schema(self, rows: list[dict]):
        pa = self.pa
        self._as_json = []  # (a second try, after a failed one, starts afresh)
        core = _core_schema(pa)
        names = {n for n, _ in core}
        extra = list(dict.fromkeys(k for r in rows for k in r if k not in names))
        fields = list(core)
        for k in extra:
            try:
                t = pa.array([r.get(k) for r in rows]).type
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):  # no one type, or too large
                t = None
            if t is None or not _storable(pa, t):
                self._as_json.append(k)
                t = pa.string()
            fields.append((k, pa.string() if pa.types.is_null(t) else t))
        return pa.schema(fields)

    def _json_text(self, rows: list[dict]) -> list[dict]:
        if not self._as_json:
            return rows
        out = []
        for r in rows:
            r = dict(r)
            for k in self._as_json:
                if r.get(k) is not None:
                    r[k] = to_json(r[k], ensure_ascii=False)
            out.append(r)
        return out

    def _flush(self) -> None:
        try:
            self._write_rows()
        except UnicodeEncodeError:  # a caller's lone surrogate, which UTF-8 has no bytes for
            self._rows = without_lone_surrogates(copy.deepcopy(self._rows))
            self._write_rows()

    def _write_rows(self) -> None:
        pa = self.pa
        if self._writer is None:
            self.schema = self._infer_schema(self._rows)
            self._writer = self.pq.ParquetWriter(self._file.tmp, self.schema)
        if not self._rows:
            return
        new = {k for r in self._rows for k in r} - set(self.schema.names)
        if new:
            raise DedupeError(f"Parquet output: field(s) {', '.join(sorted(new))} first appear after the "
                              f"first {self._row_group} records, so they are not in the file's schema; "
                              "write JSON Lines instead")
        try:
            table = pa.Table.from_pylist(self._json_text(self._rows), schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            raise DedupeError(f"Parquet output: a record does not fit the schema taken from the first "
                              f"records ({exc}); write JSON Lines instead") from None
        self._writer.write_table(table)
        self._rows = []

    def _finish(self) -> None:
        """Write the last rows and close the file."""
        self._flush()
        self._writer.close()

    def _release(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # the file is being discarded anyway
                pass


def write_parquet(docs: Iterable[Document | dict], path: str, **kw) -> int:
    """Write documents to a Parquet file atomically; the number written.
    ``include_blocks`` and ``dedup`` choose the fields, as for :func:`write_jsonl`."""
    return write_records(docs, ParquetWriter(path), **kw)
