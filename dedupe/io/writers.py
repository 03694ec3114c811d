"""Atomic writers: output goes to a temporary file beside the target and is
renamed into place only when the run completes, so a crash never leaves a
half-written result."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import IO

__all__ = ["JsonlWriter", "open_writer"]


class JsonlWriter:
    """Writes one JSON object per line to a path (atomically) or to stdout (``-``)."""

    def __init__(self, path: str):
        self.path = path
        self.count = 0
        self._tmp: str | None = None
        if path == "-":
            self._fh: IO[str] = sys.stdout
        else:
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=".dedupe-", suffix=".part", dir=d)
            self._fh = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, record: dict) -> None:
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._tmp is None:
            self._fh.flush()
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        self._tmp = None

    def abort(self) -> None:
        if self._tmp is not None:
            self._fh.close()
            os.unlink(self._tmp)
            self._tmp = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.close()
        else:
            self.abort()


def open_writer(path: str, format: str = "jsonl") -> JsonlWriter:
    """A writer for ``path`` (``-`` is stdout)."""
    return JsonlWriter(path)
