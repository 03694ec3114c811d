"""Local multiprocessing: cleaning (the costly step) runs on ``workers`` processes,
in input order; near-duplicate decisions stay in the parent, which owns the index."""
from __future__ import annotations

import multiprocessing as mp
import signal
from collections import deque
from contextlib import contextmanager
from itertools import islice
from typing import Iterable, Iterator

from ..config import DEFAULTS, Config
from ..document import Document
from ..pipeline import clean_documents

__all__ = ["clean_parallel"]

BATCH = 32  # documents per task: large enough to amortise the pickling round trip
IN_FLIGHT = 4  # batches queued per worker: the workers never wait, and memory stays bounded


def _clean_batch(docs: list[Document], config: Config, keep_segments: bool) -> list[Document]:
    docs = list(clean_documents(docs, config, keep_segments))
    for d in docs:
        d.raw = None  # the parent has it: not sent back (a page's HTML is most of a document's size)
    return docs


def clean_parallel(docs: Iterable[Document], config: Config = DEFAULTS,
                   keep_segments: bool = False) -> Iterator[Document]:
    """:func:`dedupe.pipeline.clean_documents` on ``config.workers`` processes, in input order
    (``keep_segments``: the workers send each HTML page's blocks back, encoded, with it).

    The input is read only as far as the work in flight needs (``IN_FLIGHT`` batches
    per worker), not ahead without bound as ``Pool.imap`` would: a large input does not
    pile up in memory while the workers catch up."""
    if config.workers <= 1:
        yield from clean_documents(docs, config, keep_segments)
        return
    source = iter(docs)
    with _worker_pool(config.workers) as pool:
        pending: deque = deque()

        def submit() -> bool:
            batch = list(islice(source, BATCH))
            if batch:
                pending.append(([d.raw for d in batch], pool.apply_async(_clean_batch, (batch, config, keep_segments))))
            return bool(batch)

        more = True
        while more and len(pending) < IN_FLIGHT * config.workers:
            more = submit()
        while pending:
            raws, result = pending.popleft()
            done = result.get()
            for d, raw in zip(done, raws):
                d.raw = raw
            if more:
                more = submit()
            yield from done


@contextmanager
def _worker_pool(workers: int):
    """A process pool, closed and joined when the work is done, terminated when the
    consumer stops early or an error unwinds."""
    ctx = mp.get_context("spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork")
    pool = ctx.Pool(workers, _worker_start)
    finished = False
    try:
        yield pool
        finished = True
    finally:
        # at the end the workers are told to stop and are waited for; Pool.terminate
        # (what ``with Pool()`` does) signals them instead, and a worker signalled while
        # it holds the task queue's lock can leave the other waiting on it for ever
        if finished:
            pool.close()
            pool.join()
        else:
            pool.terminate()


def _worker_start() -> None:
    # Ctrl-C in a terminal reaches the whole process group: the parent handles it and
    # stops the workers, which would otherwise each print a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
