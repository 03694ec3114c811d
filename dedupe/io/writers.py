"""Atomic writers: output goes to a temporary file beside the target and is
renamed into place only when the run completes, so a failed run leaves neither
a half-written result nor a temporary file, and an existing output untouched."""
from __future__ import annotations

import base64
import io
import json
import math
import os
import sys
import tempfile
from typing import IO, Iterable

from ..document import Document
from ..errors import ConfigError
from .streams import compressing

__all__ = ["AtomicFile", "JsonlWriter", "open_writer", "output_format", "write_jsonl", "OUTPUT_FORMATS"]

OUTPUT_FORMATS = ("auto", "jsonl", "parquet", "txt")


class AtomicFile:
    """A temporary path beside ``path`` that :meth:`commit` renames into place
    and :meth:`discard` deletes."""

    def __init__(self, path: str):
        self.path = path
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=".dedupe-", suffix=".part", dir=d)
        os.close(fd)

    def commit(self) -> None:
        """Rename into place, with the replaced file's permissions (else the umask's)."""
        try:
            mode = os.stat(self.path).st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(self.tmp, mode)
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def _jsonable(value):
    """JSON for values JSON has no type for (dates and times from Parquet, bytes, numpy)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _finite(value):
    """``value`` with NaN and the infinities (floats JSON has no literal for) as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy
        return _finite(value.tolist())
    return value


def to_json(value, **kw) -> str:
    """Strict JSON: Python's ``json`` writes ``NaN`` and ``Infinity``, which other parsers
    (jq, browsers, Spark) refuse; they come out as null. Other values JSON has no type for
    as :func:`_jsonable` says."""
    try:
        return json.dumps(value, allow_nan=False, default=_jsonable, **kw)
    except ValueError:  # a non-finite float somewhere (rare: checked only then)
        return json.dumps(_finite(value), allow_nan=False, default=_jsonable, **kw)


class AtomicWriter:
    """As a context manager: commit the output on success, discard it on error."""

    _file: "AtomicFile | None"

    def _finish(self) -> None:  # pragma: no cover - defined by subclasses
        """Write what is buffered and close the temporary file."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the output and rename it into place (once)."""
        if self._file is None:
            return
        try:
            self._finish()
            self._file.commit()
        except BaseException:
            self.abort()
            raise
        self._file = None

    def _release(self) -> None:  # pragma: no cover - defined by subclasses
        """Close what is open on the temporary output, without finishing it."""
        raise NotImplementedError

    def abort(self) -> None:
        """Give up: the temporary output is removed, the target left as it was."""
        if self._file is None:
            return
        self._release()
        self._file.discard()
        self._file = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.close()
        else:
            self.abort()


class JsonlWriter(AtomicWriter):
    """Writes one JSON object per line to a path (atomically) or to stdout (``-``); a path
    ending in ``.gz``, ``.bz2``, ``.xz`` or ``.zst`` is written compressed."""

    def __init__(self, path: str):
        self.path = path
        self.count = 0
        self._file: AtomicFile | None = None
        if path == "-":
            self._fh: IO[str] = sys.stdout
        else:
            self._file = AtomicFile(path)
            self._raw = open(self._file.tmp, "wb")
            # a lone surrogate (no character; from a caller's own strings) is written as its
            # JSON escape, which reads back as the same string, instead of failing the run
            self._fh = io.TextIOWrapper(compressing(path, self._raw), encoding="utf-8", errors="backslashreplace")

    def write(self, record: dict) -> None:
        self._fh.write(to_json(record, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        """Finish: flush, and for a file rename it into place."""
        if self._file is None:
            self._fh.flush()
            return
        super().close()

    def _finish(self) -> None:
        stream = self._fh.detach()  # flushed; the file stays open
        if stream is not self._raw:
            stream.close()  # the compressor writes its end
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()

    def _release(self) -> None:
        try:
            self._fh.close()
        finally:
            self._raw.close()



def output_format(path: str, format: str = "auto") -> str:
    """``jsonl``, ``parquet`` or ``txt`` (a directory of text files): as given, else
    ``parquet`` or ``jsonl`` by the extension of ``path``."""
    if format not in OUTPUT_FORMATS:
        raise ConfigError(f"output format must be one of {', '.join(OUTPUT_FORMATS)}, got {format!r}")
    if format == "auto":
        format = "parquet" if path.lower().endswith((".parquet", ".pq")) else "jsonl"
    if format == "parquet" and path == "-":
        raise ConfigError("Parquet output needs a file: give -o FILE.parquet")
    if format == "txt" and path == "-":
        raise ConfigError("text output needs a directory: give -o DIR")
    return format


def open_writer(path: str, format: str = "auto"):
    """An atomic writer for ``path`` (``-`` is stdout): JSON Lines, Parquet for
    ``format="parquet"`` or a ``.parquet`` path, a directory of text files for ``txt``."""
    fmt = output_format(path, format)
    if fmt == "parquet":
        from .parquet import ParquetWriter

        return ParquetWriter(path)
    if fmt == "txt":
        from .textdir import TextDirWriter

        return TextDirWriter(path)
    return JsonlWriter(path)


def write_records(docs: Iterable[Document | dict], writer, *, include_blocks: bool = True,
                  dedup: bool = True) -> int:
    """Write documents (or ready records) with ``writer`` and close it; on any error
    the writer is aborted, so nothing is left behind. Returns the number written."""
    with writer:
        for d in docs:
            writer.write(d.to_record(include_blocks=include_blocks, dedup=dedup)
                         if isinstance(d, Document) else d)
    return writer.count


def write_jsonl(docs: Iterable[Document | dict], path: str, **kw) -> int:
    """Write documents to a JSON Lines file atomically (``-`` is stdout); the number written."""
    return write_records(docs, JsonlWriter(path), **kw)
