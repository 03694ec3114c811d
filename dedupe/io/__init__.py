"""Readers and atomic writers.

Readers yield :class:`~dedupe.document.Document` records lazily (text and HTML
files and directories, JSON Lines, WARC, Parquet, stdin); a record that cannot
be read becomes a document with ``error`` set. Writers write output records
atomically (JSON Lines or Parquet).

>>> docs = read_jsonl("in.jsonl", text_field="body")            # doctest: +SKIP
>>> write_parquet(dedupe_documents(clean_documents(docs)), "out.parquet")   # doctest: +SKIP
"""
from .files import read_file
from .inputs import read_inputs, read_path
from .jsonl import read_jsonl
from .parquet import ParquetWriter, read_parquet, write_parquet
from .streams import Meter
from .warc import read_warc
from .writers import JsonlWriter, open_writer, output_format, write_jsonl

__all__ = [
    "read_inputs", "read_path", "read_file", "read_jsonl", "read_warc", "read_parquet",
    "JsonlWriter", "ParquetWriter", "open_writer", "output_format", "write_jsonl", "write_parquet",
    "Meter",
]
