"""Local multiprocessing: cleaning (the costly step) runs on ``workers`` processes,
in input order; near-duplicate decisions stay in the parent, which owns the index."""
from __future__ import annotations

import multiprocessing as mp
from typing import Iterable, Iterator

from ..config import DEFAULTS, Config
from ..document import Document
from ..pipeline import clean_documents

__all__ = ["clean_parallel"]


def _clean_one(args: tuple[Document, Config]) -> Document:
    doc, config = args
    return next(clean_documents([doc], config))


def clean_parallel(docs: Iterable[Document], config: Config = DEFAULTS) -> Iterator[Document]:
    """:func:`dedupe.pipeline.clean_documents` on ``config.workers`` processes."""
    if config.workers <= 1:
        yield from clean_documents(docs, config)
        return
    ctx = mp.get_context("spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork")
    with ctx.Pool(config.workers) as pool:
        yield from pool.imap(_clean_one, ((d, config) for d in docs), chunksize=8)
