"""Speed and scale of near-duplicate detection: dedupe against datasketch and a Python floor.

    python benchmarks/neardup.py                        # 20k docs: dedupe vs peers, one table
    python benchmarks/neardup.py --n 5000 --workers 2
    python benchmarks/neardup.py --scale                # also dedupe alone at 100k and 1M docs

A seeded synthetic corpus of news-like documents (about 600 words each, Zipf-like
word frequencies over a seeded vocabulary, sentences and paragraphs, a few numbers
and accented words) has near-duplicates planted in it: about 20% of the documents
are copies of an earlier original, either with 3% of the words substituted, with
3% substituted and the ending trimmed (5-20%), or an excerpt (the first 50-70%).
Document ``i`` depends only on (seed, i), so the corpus is generated in parallel
chunks and streamed to a cache file once; every approach then streams it back.

Each approach runs in a fresh subprocess; its peak memory is the largest sum of
the RSS of that process and its children (sampled every 20 ms with psutil, so
pages shared by forked workers count once per process). Time is wall time of the
approach over the whole stream, reading included; MB/s is UTF-8 text per second.
Recall is the share of planted (copy, original) pairs the approach reports:
for dedupe, the copy is in the original's cluster; for datasketch, the original
is among the LSH query results of the copy (a candidate, unverified). The floor
(split + word 5-gram strings + xxh3, no MinHash) finds nothing; it is the cost of
one Python pass over the words.

The machine is shared, so timings are noisy: compare within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- corpus

VOCAB = 40_000
DUP_RATE = 0.2
SUBST = 0.03
_LETTERS = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
_LETTER_P = np.array([12.7, 9.1, 8.2, 7.5, 7.0, 6.7, 6.3, 6.1, 6.0, 4.3, 4.0, 2.8, 2.8, 2.4, 2.4,
                      2.2, 2.0, 2.0, 1.9, 1.5, 1.0, 0.8, 0.15, 0.15, 0.1, 0.07])
_ACCENTED = "éèüöäñçøåí"


class Corpus:
    """Deterministic documents: ``doc(i)`` -> (text, source index or -1, kind)."""

    def __init__(self, seed: int = 7):
        self.seed = seed
        rng = np.random.default_rng([seed, 1 << 40])
        words: list[str] = []
        seen = set()
        p = _LETTER_P / _LETTER_P.sum()
        r = 0
        while len(words) < VOCAB:
            # frequent words are short
            n = int(min(14, max(1, rng.poisson(2.0 + 1.3 * np.log10(r + 2)))))
            w = "".join(rng.choice(_LETTERS, size=n, p=p))
            if rng.random() < 0.0004:
                k = rng.integers(0, len(w))
                w = w[:k] + _ACCENTED[rng.integers(0, len(_ACCENTED))] + w[k + 1:]
            if w in seen:
                continue
            seen.add(w)
            words.append(w)
            r += 1
        self.words = words
        self.caps = [w[:1].upper() + w[1:] for w in words]
        ranks = np.arange(1, VOCAB + 1, dtype=np.float64)
        f = 1.0 / ranks ** 1.05
        self.cdf = np.cumsum(f / f.sum())
        self.cdf[-1] = 1.0
        # proper nouns: a band of ranks that are always capitalised
        self.proper = np.zeros(VOCAB, dtype=bool)
        self.proper[rng.choice(np.arange(200, VOCAB), size=VOCAB // 20, replace=False)] = True

    def _rng(self, i: int):
        return np.random.default_rng([self.seed, i])

    def plan(self, i: int) -> tuple[int, str, np.random.Generator]:
        """(source index or -1, kind, rng positioned after the plan draws)."""
        rng = self._rng(i)
        if i == 0 or rng.random() >= DUP_RATE:
            return -1, "original", rng
        j = int(rng.integers(0, i))
        src = self.plan(j)[0]
        if src >= 0:
            j = src
        u = rng.random()
        kind = "edit" if u < 0.55 else "edit+trim" if u < 0.8 else "excerpt"
        return j, kind, rng

    def _original(self, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = int(np.clip(rng.normal(600, 150), 150, 1500))
        ids = np.searchsorted(self.cdf, rng.random(n)).astype(np.int64)
        # sentence lengths 5..30 words, paragraphs of 2..6 sentences
        lens = rng.integers(5, 31, size=n // 5 + 2)
        ends = np.cumsum(lens)
        ends = ends[ends < n]
        sent_end = np.zeros(n, dtype=bool)
        sent_end[ends - 1] = True
        sent_end[-1] = True
        para = np.zeros(n, dtype=bool)
        k = 0
        idx = np.flatnonzero(sent_end)
        while k < len(idx):
            k += int(rng.integers(2, 7))
            if k < len(idx):
                para[idx[k - 1]] = True
        # numbers: -1 -> a year or amount drawn per position
        num = rng.random(n) < 0.015
        ids[num] = -1 - rng.integers(0, 3000, size=int(num.sum()))
        return ids, sent_end, para

    @staticmethod
    def _punct(rng, n: int) -> np.ndarray:
        """0: none, 1: comma, 2: an em dash (in a third of the documents)."""
        u = rng.random(n)
        p = (u < 0.06).astype(np.int8)
        if u[0] < 1 / 3:
            p[(u > 0.9985)] = 2
        return p

    def _render(self, ids, sent_end, para, comma) -> str:
        words, caps, proper = self.words, self.caps, self.proper
        out: list[str] = []
        start = True
        for t, w in enumerate(ids.tolist()):
            if w < 0:
                s = str(1990 - w) if w > -60 else f"{(-w) % 100}.{(-w) % 7}" if w > -1500 else f"${-w}"
            elif start or proper[w]:
                s = caps[w]
            else:
                s = words[w]
            if sent_end[t]:
                out.append(s + (".\n\n" if para[t] else ". "))
                start = True
            else:
                out.append(s + (("," if comma[t] == 1 else " \u2014") if comma[t] else "") + " ")
                start = False
        return "".join(out).strip()

    def doc(self, i: int) -> tuple[str, int, str]:
        src, kind, rng = self.plan(i)
        if src < 0:
            ids, sent_end, para = self._original(rng)
            comma = self._punct(rng, len(ids))
            return self._render(ids, sent_end, para, comma), -1, kind
        srng = self.plan(src)[2]
        ids, sent_end, para = self._original(srng)
        comma = self._punct(srng, len(ids))
        n = len(ids)
        if kind == "excerpt":
            cut = int(n * rng.uniform(0.5, 0.7))
        else:
            k = max(1, int(round(n * SUBST)))
            pos = rng.choice(n, size=k, replace=False)
            ids = ids.copy()
            ids[pos] = np.searchsorted(self.cdf, rng.random(k))
            cut = n if kind == "edit" else int(n * (1 - rng.uniform(0.05, 0.2)))
        sent_end = sent_end[:cut].copy()
        sent_end[-1] = True
        return self._render(ids[:cut], sent_end, para[:cut], comma[:cut]), src, kind


def _gen_chunk(args) -> str:
    seed, lo, hi = args
    c = _corpus(seed)
    lines = []
    for i in range(lo, hi):
        text, src, kind = c.doc(i)
        lines.append(f"{i}\t{src}\t{kind}\t{text.replace(chr(10), chr(31))}\n")
    return "".join(lines)


_CORPORA: dict[int, Corpus] = {}


def _corpus(seed: int) -> Corpus:
    if seed not in _CORPORA:
        _CORPORA[seed] = Corpus(seed)
    return _CORPORA[seed]


def corpus_file(n: int, seed: int, cache: Path, workers: int) -> Path:
    """The cached corpus of the first ``n`` documents (generated on first use)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"neardup-{seed}-{n}.tsv"
    if path.exists():
        return path
    import multiprocessing as mp

    t0 = time.perf_counter()
    tmp = path.with_suffix(".part")
    step = 2000
    chunks = [(seed, lo, min(n, lo + step)) for lo in range(0, n, step)]
    with open(tmp, "w", encoding="utf-8") as fh, mp.get_context("fork").Pool(workers) as pool:
        for k, block in enumerate(pool.imap(_gen_chunk, chunks)):
            fh.write(block)
            if n >= 200_000 and k % 50 == 49:
                print(f"  generated {(k + 1) * step:,} / {n:,} docs", file=sys.stderr)
    os.replace(tmp, path)
    print(f"generated {n:,} docs in {time.perf_counter() - t0:.0f}s -> {path} "
          f"({path.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)
    return path


def read_corpus(path: Path, n: int):
    """Stream (index, source, kind, text) of the first ``n`` documents."""
    with open(path, encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k >= n:
                break
            i, src, kind, text = line.rstrip("\n").split("\t", 3)
            yield int(i), int(src), kind, text.replace("\x1f", "\n")


# ---------------------------------------------------------------- approaches (run in a subprocess)

_WORD = re.compile(r"\w+")


def _grams(text: str, n: int = 5) -> list[bytes]:
    w = _WORD.findall(text.lower())
    if len(w) < n:
        return [" ".join(w).encode("utf-8")] if w else []
    return [" ".join(w[i:i + n]).encode("utf-8") for i in range(len(w) - n + 1)]


def run_dedupe(path, n, workers):
    from dedupe import Config, Deduplicator, Document

    cluster = np.full(n, -1, dtype=np.int64)
    src_of = np.full(n, -1, dtype=np.int64)
    nbytes = 0

    def docs():
        nonlocal nbytes
        for i, src, kind, text in read_corpus(path, n):
            nbytes += len(text.encode("utf-8")) if not text.isascii() else len(text)
            src_of[i] = src
            yield Document(id=str(i), text=text)

    dd = Deduplicator(Config(workers=workers))
    t0 = time.perf_counter()
    for d in dd.process(docs()):
        cluster[int(d.id)] = int(d.cluster)
    dt = time.perf_counter() - t0
    dd.close()
    copies = np.flatnonzero(src_of >= 0)
    found = int(np.count_nonzero(cluster[copies] == cluster[src_of[copies]]))
    return {"docs": n, "seconds": dt, "bytes": nbytes, "pairs": len(copies), "found": found,
            "candidates": dd.counts["candidates"], "kept": dd.counts["kept"]}


def _run_datasketch(path, n, tuned: bool):
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    nbytes = pairs = found = 0
    t0 = time.perf_counter()
    if not tuned:
        for i, src, kind, text in read_corpus(path, n):
            nbytes += len(text.encode("utf-8"))
            m = MinHash(num_perm=128)
            for g in _grams(text):
                m.update(g)
            res = lsh.query(m)
            lsh.insert(i, m)
            if src >= 0:
                pairs += 1
                found += src in res
    else:
        import xxhash

        h32 = xxhash.xxh32_intdigest
        batch = []

        def flush():
            nonlocal pairs, found
            ms = MinHash.bulk([g for _, _, g in batch], num_perm=128, hashfunc=h32)
            for (i, src, _), m in zip(batch, ms):
                res = lsh.query(m)
                lsh.insert(i, m)
                if src >= 0:
                    pairs += 1
                    found += src in res
            batch.clear()

        for i, src, kind, text in read_corpus(path, n):
            nbytes += len(text.encode("utf-8"))
            batch.append((i, src, _grams(text)))
            if len(batch) >= 256:
                flush()
        flush()
    return {"docs": n, "seconds": time.perf_counter() - t0, "bytes": nbytes, "pairs": pairs, "found": found}


def run_floor(path, n):
    import xxhash

    h = xxhash.xxh3_64_intdigest
    nbytes = total = 0
    t0 = time.perf_counter()
    for i, src, kind, text in read_corpus(path, n):
        nbytes += len(text.encode("utf-8"))
        w = text.split()
        hs = [h(" ".join(w[k:k + 5]).encode("utf-8")) for k in range(len(w) - 4)]
        total += len(hs)
    return {"docs": n, "seconds": time.perf_counter() - t0, "bytes": nbytes, "pairs": 0, "found": None}


APPROACHES = {
    "dedupe": lambda a: run_dedupe(Path(a.corpus), a.n, a.workers),
    "datasketch-default": lambda a: _run_datasketch(Path(a.corpus), a.n, tuned=False),
    "datasketch-tuned": lambda a: _run_datasketch(Path(a.corpus), a.n, tuned=True),
    "python-floor": lambda a: run_floor(Path(a.corpus), a.n),
}


# ---------------------------------------------------------------- driver

def measure(approach: str, corpus: Path, n: int, workers: int) -> dict:
    """Run one approach in a fresh subprocess; add its peak tree RSS."""
    import psutil

    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--_run", approach, "--corpus", str(corpus),
               "--n", str(n), "--workers", str(workers), "--_out", out.name]
        proc = subprocess.Popen(cmd, cwd=str(ROOT))
        ps = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.02)
        if proc.returncode:
            raise SystemExit(f"{approach} failed with exit code {proc.returncode}")
        res = json.loads(Path(out.name).read_text())
    res["peak_rss"] = peak
    res["approach"] = approach
    return res


def fmt_table(rows: list[dict], workers: int) -> str:
    head = f"{'approach':<26} {'docs':>9} {'docs/s':>9} {'MB/s':>7} {'peak MB':>8} {'recall':>7}"
    lines = [head, "-" * len(head)]
    for r in rows:
        name = r["approach"] + (f" (workers={workers})" if r["approach"] == "dedupe" else "")
        rec = f"{r['found'] / r['pairs']:.3f}" if r.get("found") is not None and r["pairs"] else "-"
        lines.append(f"{name:<26} {r['docs']:>9,} {r['docs'] / r['seconds']:>9,.0f} "
                     f"{r['bytes'] / r['seconds'] / 1e6:>7.1f} {r['peak_rss'] / 2**20:>8.0f} {rec:>7}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="documents for the side-by-side table")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="dedupe fingerprint processes")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", action="store_true", help="also run dedupe alone at 100k and 1M docs")
    ap.add_argument("--scale-sizes", default="100000,1000000", help=argparse.SUPPRESS)
    ap.add_argument("--only", default=None, help="comma-separated approaches (default: all)")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "dedupe-bench"),
                    help="where the generated corpora are kept")
    ap.add_argument("--_run", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--_out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a._run:
        sys.path.insert(0, str(ROOT))
        res = APPROACHES[a._run](a)
        Path(a._out).write_text(json.dumps(res))
        return

    cache = Path(a.cache)
    names = a.only.split(",") if a.only else list(APPROACHES)
    corpus = corpus_file(a.n, a.seed, cache, os.cpu_count() or 1)
    print(f"corpus: {a.n:,} docs, seed {a.seed}, {corpus.stat().st_size / 1e6:.0f} MB; "
          f"{os.cpu_count()} cores; workers={a.workers}", flush=True)
    rows = []
    for name in names:
        rows.append(measure(name, corpus, a.n, a.workers))
        print(f"  {name}: {rows[-1]['seconds']:.1f}s", file=sys.stderr, flush=True)
    print(fmt_table(rows, a.workers))
    by = {r["approach"]: r for r in rows}
    if "dedupe" in by:
        dd = by["dedupe"]["docs"] / by["dedupe"]["seconds"]
        for peer in ("datasketch-default", "datasketch-tuned", "python-floor"):
            if peer in by:
                print(f"dedupe / {peer}: {dd / (by[peer]['docs'] / by[peer]['seconds']):.1f}x docs/s")

    if a.scale:
        sizes = [int(s) for s in a.scale_sizes.split(",")]
        big = corpus_file(max(sizes), a.seed, cache, os.cpu_count() or 1)
        srows = []
        for n in sizes:
            srows.append(measure("dedupe", big, n, a.workers))
            print(f"  dedupe {n:,}: {srows[-1]['seconds']:.1f}s", file=sys.stderr, flush=True)
        print()
        print(f"scale (dedupe alone, workers={a.workers})")
        head = f"{'docs':>10} {'seconds':>8} {'docs/s':>8} {'us/doc':>7} {'peak MB':>8} {'recall':>7} {'cand/doc':>8}"
        print(head)
        print("-" * len(head))
        for r in srows:
            print(f"{r['docs']:>10,} {r['seconds']:>8.1f} {r['docs'] / r['seconds']:>8,.0f} "
                  f"{1e6 * r['seconds'] / r['docs']:>7.1f} {r['peak_rss'] / 2**20:>8.0f} "
                  f"{r['found'] / r['pairs']:>7.3f} {r['candidates'] / r['docs']:>8.2f}")
        if len(srows) >= 2:
            a0, a1 = srows[0], srows[-1]
            ratio = (a1["seconds"] / a1["docs"]) / (a0["seconds"] / a0["docs"])
            print(f"per-doc time {a1['docs']:,} / {a0['docs']:,}: {ratio:.2f}x (target <= 1.3x); "
                  f"peak memory at {a1['docs']:,}: {a1['peak_rss'] / 2**30:.2f} GB (target <= 2 GB)")


if __name__ == "__main__":
    main()
