"""Dask engine: cleaning (the costly step) scaled out over a ``dask.distributed``
cluster, in input order. Near-duplicate decisions stay in this process, which
owns the index.

Batches of documents go to the cluster as tasks, with a bounded number in
flight, so memory stays bounded however long the input. The workers need
``dedupe`` installed. Without ``client`` or ``scheduler`` a ``LocalCluster`` of
``config.workers`` processes is started; its worker processes import the main
script again, so a script must call :func:`clean_dask` under
``if __name__ == "__main__":`` (as the Dask docs require).
"""
from __future__ import annotations

from collections import deque
from contextlib import ExitStack
from itertools import islice
from typing import Iterable, Iterator

from ..config import DEFAULTS, Config
from ..document import Document
from ..errors import ConfigError, require
from ..pipeline import clean_documents

__all__ = ["clean_dask"]


def _clean_batch(docs: list[Document], config: Config) -> list[Document]:
    """One task: a batch of documents cleaned on a worker."""
    return list(clean_documents(docs, config))


def clean_dask(docs: Iterable[Document], config: Config = DEFAULTS, client=None, scheduler: str | None = None,
               batch: int = 64) -> Iterator[Document]:
    """:func:`dedupe.pipeline.clean_documents` on a Dask cluster, yielding in input order.

    ``client`` is an existing ``dask.distributed.Client`` (left open), or
    ``scheduler`` the address of a running scheduler (``tcp://host:port``); with
    neither, a local cluster of ``config.workers`` processes is started and
    closed at the end. ``batch`` documents make one task; at most two tasks per
    worker thread are in flight.
    """
    if client is not None and scheduler is not None:
        raise ConfigError("give a Dask client or a scheduler address, not both")
    if not isinstance(batch, int) or batch < 1:
        raise ConfigError(f"batch must be a positive integer, got {batch!r}")
    distributed = require("dask.distributed", "dask")
    with ExitStack() as stack:
        if client is None and scheduler is not None:
            try:
                client = stack.enter_context(distributed.Client(scheduler))
            except OSError as exc:
                raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        elif client is None:
            try:
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=config.workers, threads_per_worker=1, processes=True, dashboard_address=None))
            except RuntimeError as exc:
                raise ConfigError(f"the Dask local cluster did not start ({exc}); a script must call "
                                  "clean_dask() under `if __name__ == \"__main__\":`, as its worker "
                                  "processes import the main script again") from exc
            client = stack.enter_context(distributed.Client(cluster))
        limit = 2 * max(1, sum(client.nthreads().values()))
        pending: deque = deque()
        it = iter(docs)
        try:
            while chunk := list(islice(it, batch)):
                pending.append(client.submit(_clean_batch, chunk, config, pure=False))
                if len(pending) >= limit:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            if pending:
                client.cancel(list(pending))
