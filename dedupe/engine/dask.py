"""Dask engine: the pipeline on a ``dask.distributed`` cluster.

:func:`dedupe_dask` runs the whole job split as the big dedup systems split it
(see :mod:`dedupe.engine.phases`): per partition clean and fingerprint; shuffle
band keys into buckets to make candidate pairs; verify them on the workers;
connected components and decisions on the driver (small arrays only); then
annotate per partition, streamed back in input order. Its clusters equal the
local engine's. :func:`clean_dask` only cleans, for ``dedupe clean`` and for
runs against a persistent index (whose decisions stay in this process).

The workers need ``dedupe`` installed. Without ``client`` or ``scheduler`` a
``LocalCluster`` of ``config.workers`` processes is started; its worker processes
import the main script again, so a script must call these functions under
``if __name__ == "__main__":`` (as the Dask docs require).
"""
from __future__ import annotations

import operator
from collections import deque
from contextlib import ExitStack, contextmanager
from itertools import islice
from typing import Iterable, Iterator

import numpy as np

from ..config import DEFAULTS, Config
from ..document import Document
from ..errors import ConfigError, require
from ..pipeline import clean_documents
from . import phases

__all__ = ["clean_dask", "dedupe_dask"]


@contextmanager
def _connect(config: Config, client=None, scheduler: str | None = None):
    """The given client, one attached to ``scheduler``, or one on a new local cluster."""
    if client is not None and scheduler is not None:
        raise ConfigError("give a Dask client or a scheduler address, not both")
    distributed = require("dask.distributed", "dask")
    with ExitStack() as stack:
        if client is None and scheduler is not None:
            try:
                client = stack.enter_context(distributed.Client(scheduler))
            except OSError as exc:
                raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        elif client is None:
            try:
                # the scheduler's HTTP server on a free port: the default, 8787, is taken by the
                # first cluster on the machine, and a second one warned and moved anyway
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=config.workers, threads_per_worker=1, processes=True, dashboard_address=":0"))
            except RuntimeError as exc:
                raise ConfigError(f"the Dask local cluster did not start ({exc}); a script must call "
                                  "dedupe's Dask functions under `if __name__ == \"__main__\":`, as its "
                                  "worker processes import the main script again") from exc
            client = stack.enter_context(distributed.Client(cluster))
        yield client


def _clean_batch(docs: list[Document], config: Config, keep_raw: bool = True) -> list[Document]:
    """One task: a batch of documents cleaned on a worker."""
    docs = list(clean_documents(docs, config))
    if not keep_raw:
        for d in docs:
            d.raw = None
    return docs


def clean_dask(docs: Iterable[Document], config: Config = DEFAULTS, client=None, scheduler: str | None = None,
               batch: int = 64, keep_raw: bool = True) -> Iterator[Document]:
    """:func:`dedupe.pipeline.clean_documents` on a Dask cluster, yielding in input order.

    ``client`` is an existing ``dask.distributed.Client`` (left open), or
    ``scheduler`` the address of a running scheduler (``tcp://host:port``); with
    neither, a local cluster of ``config.workers`` processes is started and
    closed at the end. ``batch`` documents make one task; at most two tasks per
    worker thread are in flight. Without ``keep_raw`` the documents come back
    without their raw input (``raw`` is ``None``), which then never crosses the network.
    """
    if not isinstance(batch, int) or batch < 1:
        raise ConfigError(f"batch must be a positive integer, got {batch!r}")
    with _connect(config, client, scheduler) as client:
        limit = 2 * max(1, sum(client.nthreads().values()))
        pending: deque = deque()
        it = iter(docs)
        try:
            while chunk := list(islice(it, batch)):
                pending.append(client.submit(_clean_batch, chunk, config, keep_raw, pure=False))
                if len(pending) >= limit:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            if pending:
                client.cancel(list(pending))


def dedupe_dask(docs: Iterable[Document], config: Config = DEFAULTS, client=None, scheduler: str | None = None,
                partition_size: int = 2048, buckets: int | None = None, max_bucket: int = 64,
                keep_raw: bool = True) -> Iterator[Document]:
    """Clean and deduplicate on a Dask cluster; annotated documents in input order,
    with the same clusters as :func:`dedupe.pipeline.dedupe_documents` (template
    evidence included).

    The cleaned partitions stay on the workers until they are written; the driver
    holds a few numbers per document and the verified pairs. ``partition_size``
    documents make one partition; ``buckets`` shares of the band-key space make
    the shuffle (default: one per partition, at least four). A band key shared by
    more than ``max_bucket`` documents (a story copied to many sites) is paired in
    rounds with its kept documents instead of all with all (same decisions). Without
    ``keep_raw`` a document's raw input is let go on its worker once it is cleaned, where
    nothing will clean it from that input again (every document without a template pass;
    with one, an HTML page, whose blocks are kept instead), and the documents come back
    without it.
    """
    if not isinstance(partition_size, int) or partition_size < 1:
        raise ConfigError(f"partition_size must be a positive integer, got {partition_size!r}")
    if not isinstance(max_bucket, int) or max_bucket < 2:
        raise ConfigError(f"max_bucket must be an integer >= 2, got {max_bucket!r}")
    with _connect(config, client, scheduler) as client:
        parts, start, it = [], 0, iter(docs)
        while chunk := list(islice(it, partition_size)):
            # scattered, the raw partition lives on a worker until prepared, not in the task graph
            [raw] = client.scatter([chunk], hash=False)
            parts.append(client.submit(phases.prepare, raw, config, start, keep_raw, pure=False))
            start += len(chunk)
        if not parts:
            return
        nb = buckets or max(4, len(parts))
        if config.template_min_stories > 0:
            first, bounds = _decide(client, parts, config.replace(keep="first"), nb, max_bucket)
            stories = np.where(first.dup >= 0, first.dup, np.arange(len(first.dup)))
            template = _template(client, parts, stories, bounds, config.template_min_stories, nb)
            if template:
                parts = [client.submit(phases.relabel, p, template, config, pure=False) for p in parts]
        dec, bounds = _decide(client, parts, config, nb, max_bucket)
        yield from _annotated(client, parts, dec, bounds, keep_raw)


def _gather_summary(client, parts: list, config: Config) -> tuple[phases.Summary, np.ndarray]:
    """The partitions' summaries merged, and the first document number of each partition."""
    sums = client.gather([client.submit(phases.summary, p, config, pure=False) for p in parts])
    merged = phases.Summary(0, *(np.concatenate([getattr(s, f) for s in sums])
                                 for f in ("ok", "n_tokens", "text_hash", "n_shingles")),
                            [x for s in sums for x in s.priority])
    return merged, np.cumsum([0] + [len(s.ok) for s in sums])


def _decide(client, parts: list, config: Config, nb: int, max_bucket: int) -> tuple[phases.Decisions, np.ndarray]:
    """Phases 2-5 over the partitions: candidate pairs, verification, components, decisions.

    A band key shared by more than ``max_bucket`` documents is not paired all with
    all: its members are paired with its first member (keep-policy order), then, in
    rounds, with the members the decisions keep, until no new pair is needed. The
    decisions read only pairs with kept documents, so once every member has been
    compared with every kept member, they are those of all the pairs."""
    s, bounds = _gather_summary(client, parts, config)
    live = s.ok & (s.n_tokens > 0)
    pairable = live & (s.n_shingles >= config.min_shingles) & (phases.first_copies(s, live) == np.arange(len(s.ok)))
    emitted = [client.submit(phases.emit_band_keys, p, pairable[bounds[i]:bounds[i + 1]], nb, pure=False)
               for i, p in enumerate(parts)]
    found = _reduce_buckets(client, emitted, nb, phases.bucket_pairs, max_bucket)
    pairs = np.concatenate([f[0] for f in found]) if found else np.empty((0, 2), np.int64)
    groups = [g for f in found for g in f[1]]
    slices = [client.submit(phases.set_slice, p, pure=False) for p in parts]  # sets only travel
    edges = _verify(client, pairs, slices, bounds, config)
    if not groups:
        return phases.resolve(s, edges, config), bounds
    # at first each group's first member in keep-policy order, then the members kept
    new = phases.round_pairs(groups, [m[[min(range(len(m)), key=lambda x: s.priority[m[x]])]] for m in groups])
    tried: set[tuple[int, int]] = set()
    while True:
        tried.update(map(tuple, new.tolist()))
        edges = np.concatenate([edges, _verify(client, new, slices, bounds, config)])
        dec = phases.resolve(s, edges, config)
        kept = dec.dup == phases.NONE
        new = phases.round_pairs(groups, [m[kept[m]] for m in groups])
        new = new[np.array([p not in tried for p in map(tuple, new.tolist())], dtype=bool).reshape(-1)]
        if not len(new):
            return dec, bounds


def _verify(client, pairs: np.ndarray, slices: list, bounds: np.ndarray, config: Config) -> np.ndarray:
    """Phase 3 on the workers: each pair verified where its lower-numbered document
    lives, with the partner partitions it needs; the rows of the pairs that pass."""
    if not len(pairs):
        return np.empty((0, 5))
    owner = np.searchsorted(bounds, pairs, side="right") - 1
    tasks = []
    for pa in np.unique(owner[:, 0]).tolist():
        mine = owner[:, 0] == pa
        needed = sorted(set(owner[mine, 1].tolist()) | {pa})
        tasks.append(client.submit(phases.verify_pairs, pairs[mine], config, *[slices[q] for q in needed],
                                   pure=False))
    verified = client.gather(tasks)
    return np.concatenate(verified) if verified else np.empty((0, 5))


def _reduce_buckets(client, emitted: list, nb: int, reduce, *args) -> list:
    """The shuffle: bucket ``b`` of every map output goes to reduce task ``b``; results gathered."""
    tasks = []
    for b in range(nb):
        pieces = [client.submit(operator.getitem, e, b, pure=False) for e in emitted]
        tasks.append(client.submit(reduce, *args, *pieces, pure=False))
    return client.gather(tasks)  # the futures go out of scope here, and Dask frees their data


def _template(client, parts: list, stories: np.ndarray, bounds: np.ndarray, min_stories: int,
              nb: int) -> frozenset[int]:
    """Block keys seen in ``min_stories`` distinct stories, counted in a shuffle by key."""
    emitted = [client.submit(phases.emit_block_keys, p, stories[bounds[i]:bounds[i + 1]], nb, pure=False)
               for i, p in enumerate(parts)]
    keys = _reduce_buckets(client, emitted, nb, phases.template_keys, min_stories)
    return frozenset(int(k) for ks in keys for k in ks.tolist())


def _annotated(client, parts: list, dec: phases.Decisions, bounds: np.ndarray,
               keep_raw: bool = True) -> Iterator[Document]:
    """Phase 6: decisions written onto each partition on its worker, streamed back in order."""
    kept = np.unique(dec.dup[dec.dup >= 0])
    owner = np.searchsorted(bounds, kept, side="right") - 1
    ids: dict[int, str] = {}
    for q, got in zip(np.unique(owner).tolist(), client.gather([
            client.submit(phases.ids_of, parts[q], (kept[owner == q] - bounds[q]).tolist(), pure=False)
            for q in np.unique(owner).tolist()])):
        ids.update(zip((kept[owner == q]).tolist(), got))
    limit = 2 * max(1, sum(client.nthreads().values()))
    pending: deque = deque()
    for i, p in enumerate(parts):
        a, b = bounds[i], bounds[i + 1]
        dup = dec.dup[a:b]
        named = {k: ids[k] for k in np.unique(dup[dup >= 0]).tolist()}
        pending.append(client.submit(phases.annotate, p, dup, dec.sim[a:b], dec.cont[a:b], dec.rel[a:b], named,
                                     keep_raw, pure=False))
        if len(pending) >= limit:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()
