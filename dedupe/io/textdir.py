"""Text output: one ``<name>.txt`` per kept document in a directory.

File names derive from document ids, which come from the input and may be
hostile (``../../etc/passwd``, absolute paths, NUL bytes, very long names). The
name keeps only letters, digits, ``.``, ``_`` and ``-`` (no ``..``, no separator,
no leading dot), is cut to a bounded length, carries a hash of the id whenever it
differs from the id (so ``a/b`` and ``a_b`` stay apart), and a repeated name gets
``-2``, ``-3`` ... in input order (deterministic). ``manifest.jsonl`` maps every
record to its file (or its error). The whole directory is built beside the target
and renamed into place at the end, so an interrupted run leaves nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata

from ..errors import ConfigError, DedupeError
from .records import without_lone_surrogates
from .writers import AtomicWriter

__all__ = ["TextDirWriter", "safe_name", "MANIFEST"]

MANIFEST = "manifest.jsonl"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")
MAX_NAME = 80


def safe_name(doc_id: str, max_len: int = MAX_NAME) -> str:
    """A file name (without extension) for ``doc_id`` that stays inside its directory."""
    name = _DOTS.sub(".", _UNSAFE.sub("_", unicodedata.normalize("NFKC", doc_id))).strip("._-")[:max_len]
    if name != doc_id or not name:
        digest = hashlib.sha1(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        name = f"{name}-{digest}" if name else digest
    return name


class _AtomicDir:
    """A temporary directory beside ``path``, renamed into place by :meth:`commit`."""

    def __init__(self, path: str):
        self.path = path
        if os.path.lexists(path) and not (os.path.isdir(path) and not os.listdir(path)):
            raise ConfigError(f"text output needs a new or empty directory: {path} exists and is not empty")
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix=".dedupe-", suffix=".part", dir=parent)

    def commit(self) -> None:
        os.chmod(self.tmp, 0o777 & ~_umask())
        os.replace(self.tmp, self.path)  # replaces an empty directory

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class TextDirWriter(AtomicWriter):
    """Writes each kept document's main text to ``<dir>/<safe name>.txt`` and a
    line per record (kept, duplicate or rejected) to ``<dir>/manifest.jsonl``."""

    def __init__(self, path: str):
        if path == "-":
            raise ConfigError("text output needs a directory: give -o DIR")
        self.path = path
        self.count = 0
        self._file: _AtomicDir | None = _AtomicDir(path)
        self._root = os.path.realpath(self._file.tmp)
        self._taken: set[str] = set()
        # (a caller's lone surrogate in an id is written as its JSON escape, as in JSON Lines output)
        self._manifest = open(os.path.join(self._file.tmp, MANIFEST), "w", encoding="utf-8",
                              errors="backslashreplace")

    def _unique(self, doc_id: str) -> str:
        base = safe_name(doc_id)
        name, n = base, 1
        while name.casefold() in self._taken or name.casefold() == "manifest":
            n += 1
            name = f"{base}-{n}"
        self._taken.add(name.casefold())
        return name + ".txt"

    def write(self, record: dict) -> None:
        entry = {k: record.get(k) for k in ("id", "source", "duplicate_of") if record.get(k) is not None}
        if record.get("error") is not None:
            entry["error"] = record["error"]
        elif record.get("duplicate_of") is None:
            fname = self._unique(str(record.get("id", "")))
            target = os.path.join(self._root, fname)
            if os.path.dirname(os.path.realpath(target)) != self._root:  # defence in depth
                raise DedupeError(f"refusing to write outside the output directory: {fname!r}")
            text = record.get("text") or ""
            with open(target, "x", encoding="utf-8") as fh:
                try:
                    fh.write(text)
                except UnicodeEncodeError:  # a caller's lone surrogate, which UTF-8 has no bytes for
                    fh.write(without_lone_surrogates(text))
            entry["file"] = fname
        self._manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.count += 1

    def _finish(self) -> None:
        self._manifest.close()

    def _release(self) -> None:
        self._manifest.close()
