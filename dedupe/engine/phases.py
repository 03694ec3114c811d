"""Near-duplicate detection split into partition-level phases, for engines that
spread documents over many workers (as the big dedup systems do):

1. ``prepare``: per partition, clean and fingerprint;
2. ``emit_band_keys`` -> shuffle -> ``bucket_pairs``: documents sharing an LSH
   band key become candidate pairs (a bucket per share of the key space);
3. ``verify_pairs``: true Jaccard and containment on the shingle sets;
4. ``components``: connected components of the verified graph;
5. ``resolve``: within each component, the same rule as :class:`dedupe.Deduplicator`
   (documents in keep-policy order; one joins the best-matching *kept*
   document), so the clusters equal the streaming engine's.

Copies with the same exact text collapse onto their first copy before pairing
(a copy matches what its first copy matches), so a text repeated n times makes
no n² pairs. The functions are pure: a distributed engine ships them as tasks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..cluster import match, min_agree, priority, similarity
from ..config import Config
from ..document import Document
from ..fingerprint import FingerprintBatch, fingerprint_texts, tune_malloc
from ..pipeline import clean_document, clean_documents
from ..template import evidence_keys, own_template, template_keys as keys_in_stories

__all__ = ["Partition", "SetSlice", "Summary", "set_slice", "prepare", "relabel", "summary", "emit_band_keys", "bucket_pairs", "round_pairs",
           "verify_pairs", "emit_block_keys", "template_keys", "components", "first_copies", "resolve",
           "ids_of", "annotate", "Decisions"]

NONE = -1  # in Decisions.dup: kept (or not decided)


@dataclass
class Partition:
    """A slice of the input, cleaned: documents ``start .. start+len(docs)`` and the
    fingerprints of those that are ``ok`` (in order)."""

    start: int
    docs: list[Document]
    fps: FingerprintBatch


@dataclass
class Summary:
    """What the driver needs of a partition: per document, whether it is usable,
    its token count, exact hash, shingle count and keep-policy priority."""

    start: int
    ok: np.ndarray
    n_tokens: np.ndarray
    text_hash: np.ndarray
    n_shingles: np.ndarray
    priority: list


def _fingerprints(docs: list[Document], config: Config) -> FingerprintBatch:
    b, r = config.band_rows
    return fingerprint_texts([d.text or "" for d in docs if d.ok], config.shingle_size, config.num_perm,
                             config.seed, b, r, signatures=False)


def prepare(docs: list[Document], config: Config, start: int, keep_raw: bool = True) -> Partition:
    """Phase 1: clean and fingerprint one partition (runs on a worker). With a template
    pass, an HTML page's blocks are kept (``Document.segmented``) for :func:`relabel`.
    Without ``keep_raw`` the raw input goes as soon as nothing can clean it again: the
    partition then holds no HTML page for the rest of the job."""
    tune_malloc()
    again = config.template_min_stories > 0
    docs = list(clean_documents(docs, config, keep_segments=again))
    if not keep_raw:
        for d in docs:
            if not again or d.segmented is not None or not d.ok:
                d.raw = None
    return Partition(start, docs, _fingerprints(docs, config))


def relabel(part: Partition, template: frozenset[int], config: Config) -> Partition:
    """Clean again the documents that hold template blocks (an HTML page from its kept
    blocks, without parsing it again); fingerprint anew."""
    for d in part.docs:
        own = own_template(d, template)
        if own:
            clean_document(d, config, own)
        d.segmented = None
    return Partition(part.start, part.docs, _fingerprints(part.docs, config))


def summary(part: Partition, config: Config) -> Summary:
    n = len(part.docs)
    ok = np.array([d.ok for d in part.docs], dtype=bool)
    rows = np.flatnonzero(ok)
    n_tokens = np.zeros(n, np.int64)
    text_hash = np.zeros(n, np.uint64)
    n_sh = np.zeros(n, np.int64)
    n_tokens[rows] = part.fps.n_tokens
    text_hash[rows] = np.array(part.fps.text_hashes, dtype=np.uint64)
    n_sh[rows] = np.diff(part.fps.set_starts)
    prio = [priority(d, part.start + i, config) for i, d in enumerate(part.docs)]
    return Summary(part.start, ok, n_tokens, text_hash, n_sh, prio)


def _ok_rows(part: Partition) -> np.ndarray:
    """Global document number of each fingerprint row."""
    return part.start + np.flatnonzero([d.ok for d in part.docs])


def emit_band_keys(part: Partition, pairable: np.ndarray, buckets: int) -> list[np.ndarray]:
    """Phase 2, map side: (band key, document) rows of the pairable documents,
    split into ``buckets`` shares of the key space. ``pairable`` is a mask over
    the partition's documents."""
    ids = _ok_rows(part)
    sel = pairable[ids - part.start]
    keys = part.fps.keys[sel]
    docs = np.repeat(ids[sel], keys.shape[1])
    flat = keys.ravel()
    which = (flat.view(np.uint64) % np.uint64(buckets)).astype(np.int64)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(buckets + 1))
    rows = np.stack([flat[order], docs[order]], axis=1)
    return [rows[bounds[b]:bounds[b + 1]] for b in range(buckets)]


def bucket_pairs(max_bucket: int, *pieces: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Phase 2, reduce side: every pair of documents sharing a band key (each pair
    once, lower number first), and the members of each band key shared by more than
    ``max_bucket`` documents, which are not paired here: near-identical groups (a
    wire story on many sites) would make pairs by the square of their size. The
    driver pairs those in rounds with their kept documents (:func:`round_pairs`)."""
    rows = np.concatenate([p for p in pieces if len(p)]) if any(len(p) for p in pieces) else np.empty((0, 2), np.int64)
    if not len(rows):
        return np.empty((0, 2), np.int64), []
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    key, doc = rows[:, 0], rows[:, 1]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    ends = np.append(starts[1:], len(key))
    out, big = [], []
    for a, b in zip(starts[ends - starts >= 2].tolist(), ends[ends - starts >= 2].tolist()):
        m = doc[a:b]
        if len(m) > max_bucket:
            big.append(m)
            continue
        i, j = np.triu_indices(len(m), 1)
        out.append(np.stack([m[i], m[j]], axis=1))
    pairs = np.unique(np.concatenate(out), axis=0) if out else np.empty((0, 2), np.int64)
    return pairs, big


def round_pairs(groups: list[np.ndarray], centres: list[np.ndarray]) -> np.ndarray:
    """The pairs of each large group's members with that group's ``centres`` (its
    kept documents, or at first its first member in keep-policy order), lower
    number first."""
    out = []
    for m, cs in zip(groups, centres):
        for c in cs.tolist():
            others = m[m != c]
            out.append(np.stack([np.minimum(others, c), np.maximum(others, c)], axis=1))
    return np.unique(np.concatenate(out), axis=0) if out else np.empty((0, 2), np.int64)


@dataclass
class SetSlice:
    """The shingle sets and sketches of a partition, without its documents: what
    verification needs, so that only these travel between workers."""

    rows: np.ndarray  # global number of each fingerprint row
    sets: np.ndarray
    set_starts: np.ndarray
    sketches: np.ndarray


def set_slice(part: Partition) -> SetSlice:
    return SetSlice(_ok_rows(part), part.fps.sets, part.fps.set_starts, part.fps.sketches)


def verify_pairs(pairs: np.ndarray, config: Config, *slices: SetSlice) -> np.ndarray:
    """Phase 3: exact similarity of candidate pairs whose documents live in
    ``slices``; rows (a, b, Jaccard, share of a in b, share of b in a) of the pairs
    that pass a threshold. Pairs whose sketches agree on too few values (chance
    band collisions) are dropped, as the streaming engine's index drops them."""
    where: dict[int, tuple[SetSlice, int]] = {}
    for sl in slices:
        where.update((g, (sl, r)) for r, g in enumerate(sl.rows.tolist()))

    def get(g):
        sl, r = where[g]
        return sl.sets[sl.set_starts[r]:sl.set_starts[r + 1]], sl.sketches[r]

    need = min_agree(config.num_perm, config.sketch_agreement) if config.num_perm >= 64 else 0
    out = []
    for a, b in pairs.tolist():
        (sa, ka), (sb, kb) = get(a), get(b)
        if need and np.count_nonzero(ka == kb) < need:
            continue
        j, ab, ba = similarity(sa, sb)
        if j >= config.jaccard_threshold or max(ab, ba) >= config.containment_threshold:
            out.append((a, b, j, ab, ba))
    return np.array(out, dtype=np.float64).reshape(-1, 5)


def emit_block_keys(part: Partition, stories: np.ndarray, buckets: int) -> list[np.ndarray]:
    """Template evidence, map side: distinct (block key, story) rows, split by key."""
    rows = {(k, int(stories[i])) for i, d in enumerate(part.docs) if d.ok for k in evidence_keys(d)}
    if not rows:
        return [np.empty((0, 2), np.uint64) for _ in range(buckets)]
    arr = np.array(sorted(rows), dtype=np.uint64)
    which = (arr[:, 0] % np.uint64(buckets)).astype(np.int64)
    return [arr[which == b] for b in range(buckets)]


def template_keys(min_stories: int, *pieces: np.ndarray) -> np.ndarray:
    """Template evidence, reduce side: the block keys seen in ``min_stories`` stories or more."""
    rows = np.concatenate(pieces) if pieces else np.empty((0, 2), np.uint64)
    return keys_in_stories(rows, min_stories)


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Phase 4: the connected component of each of ``n`` documents."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    a, b = edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64)
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


@dataclass
class Decisions:
    """Per document: the number of the document it duplicates (-1: kept), and the
    similarity, containment and relation of that match."""

    dup: np.ndarray
    sim: np.ndarray
    cont: np.ndarray
    rel: list


def resolve(s: Summary, edges: np.ndarray, config: Config) -> Decisions:
    """Phase 5: the streaming engine's decisions, from the verified graph.

    ``s`` is the summaries of all partitions merged; ``edges`` the verified pairs
    among first copies. A document joins the kept document it matches best (exact
    text first), considered in keep-policy order; only documents in a component
    with others (or with an exact copy) need a look."""
    n = len(s.ok)
    dec = Decisions(np.full(n, NONE, np.int64), np.zeros(n), np.zeros(n), [None] * n)
    live = s.ok & (s.n_tokens > 0)
    first_copy = first_copies(s, live)
    # a copy inherits its first copy's edges (same text, same similarities)
    comp = components(n, np.concatenate([edges[:, :2], np.stack([np.arange(n), first_copy], 1)[live]]))
    sizes = np.bincount(comp[live], minlength=n)
    busy = live & (sizes[comp] >= 2)
    if not busy.any():
        return dec
    neighbours: dict[int, list[tuple[int, float, float, float]]] = {}
    for a, b, j, ab, ba in edges.tolist():
        a, b = int(a), int(b)
        neighbours.setdefault(a, []).append((b, j, ab, ba))
        neighbours.setdefault(b, []).append((a, j, ba, ab))
    rank = np.empty(n, np.int64)
    order = sorted(np.flatnonzero(busy).tolist(), key=lambda i: s.priority[i])
    rank[order] = np.arange(len(order))
    kept_rank: dict[int, int] = {}  # kept document -> the order it was kept in
    kept_by_hash: dict[int, int] = {}
    min_sh = config.min_shingles
    for i in order:
        h = int(s.text_hash[i])
        if h in kept_by_hash:
            dec.dup[i], dec.sim[i], dec.cont[i], dec.rel[i] = kept_by_hash[h], 1.0, 1.0, "exact"
            continue
        best = None
        if s.n_shingles[i] >= min_sh:
            # a neighbour stands for its exact copies: the one of them kept, if any
            cands = []
            for o, j, ab, ba in neighbours.get(int(first_copy[i]), ()):
                k = kept_by_hash.get(int(s.text_hash[o]))
                if k is not None and s.n_shingles[o] >= min_sh:
                    cands.append((kept_rank[k], k, j, ab, ba))
            for _, o, j, ab, ba in sorted(cands):
                m = match(j, ab, ba, s.n_shingles[i], s.n_shingles[o], config)
                if m and (best is None or m[0] > best[0]):
                    best = (m[0], o, j, max(ab, ba), m[1])
        if best is not None:
            _, o, j, c, rel = best
            dec.dup[i], dec.sim[i], dec.cont[i], dec.rel[i] = o, j, c, rel
            continue
        kept_rank[i] = len(kept_rank)
        kept_by_hash.setdefault(h, i)
    return dec


def first_copies(s: Summary, live: np.ndarray) -> np.ndarray:
    """For each document, the first (in input order) live document with its exact text."""
    n = len(s.ok)
    first = np.arange(n)
    idx = np.flatnonzero(live)
    o = idx[np.argsort(s.text_hash[idx], kind="stable")]
    h = s.text_hash[o]
    starts = np.concatenate(([True], h[1:] != h[:-1]))
    group_first = o[np.flatnonzero(starts)][np.cumsum(starts) - 1]
    first[o] = group_first
    return first


def ids_of(part: Partition, rows: list[int]) -> list[str]:
    """Ids of the partition's documents at ``rows``."""
    return [part.docs[r].id for r in rows]


def annotate(part: Partition, dup: np.ndarray, sim: np.ndarray, cont: np.ndarray, rel: list,
             ids: dict[int, str], keep_raw: bool = True) -> list[Document]:
    """Phase 6: write the decisions onto the partition's documents. ``dup`` etc. are
    the partition's slices; ``ids`` maps the kept documents they name to their ids."""
    for i, d in enumerate(part.docs):
        d.segmented = None  # kept for a relabelling that found no template
        if not keep_raw:
            d.raw = None
        if not d.ok:
            continue
        d.cluster, d.duplicate_of, d.similarity, d.containment, d.relation = d.id, None, None, None, None
        if dup[i] != NONE:
            kept = ids[int(dup[i])]
            d.cluster = d.duplicate_of = kept
            d.similarity, d.containment, d.relation = round(float(sim[i]), 4), round(float(cont[i]), 4), rel[i]
    return part.docs
