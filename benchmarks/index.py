"""Persistent LSH indexes: dedupe's SQLite, Redis and in-memory indexes against datasketch.

    python benchmarks/index.py                          # 10k docs, default LSH (42 bands x 3 rows)
    python benchmarks/index.py --bands 16 --rows 8      # the 16-band layout the issue quotes
    python benchmarks/index.py --scale                  # also: 100k docs, datasketch pickle vs SQLite

Documents are the first ``--n`` of the seeded synthetic news corpus of
``benchmarks/neardup.py`` (its ``Corpus``/``corpus_file``, cached; a larger cached
corpus is read as a prefix, since document ``i`` depends only on (seed, i)).
They are fingerprinted once in the driver with ``dedupe.fingerprint.fingerprint_texts``
and the ``dedupe.Config()`` defaults (shingle_size, num_perm, seed; bands x rows
from ``Config.band_rows`` unless ``--bands/--rows``), and the arrays are saved
as ``.npy`` files that every measuring process memory-maps.

Per backend, each phase runs in a fresh subprocess whose peak RSS (process and
its children, sampled every 20 ms with psutil, as neardup.py measures) is reported:

- build: open a new, empty index and add all N documents one by one with
  ``index.add(keys, id, shingles, text_hash, sketch)``, as a run adds kept
  documents; the time includes making it durable (SQLite: ``close()``, which
  commits the run's transaction; datasketch in memory: ``pickle.dump`` to a file);
- open ("load"): in a new process, the time until the first query is possible
  (SQLite/Redis: the constructor a run calls; datasketch pickled: ``pickle.load``;
  datasketch on Redis: the ``MinHashLSH`` constructor attaching to the stored keys;
  the modules are imported before the clock starts);
- queries: ``index.query(keys, sketch)`` for each of the N documents against the
  full index, as a later run over the same documents would, with
  ``index.min_agree`` set the way ``Deduplicator`` sets it (the sketch filter:
  one more lookup of the candidates' sketches); the ``no filter`` column is the
  same N queries with ``min_agree = 0`` (the band lookup alone, closest to the
  issue's figures). The in-memory index is queried the way ``Deduplicator``
  queries it, ``query_many`` over chunks of 1024 documents; it has no
  persistence, so build and queries share one process and "open" is a rebuild;
- size: SQLite: the file plus ``-wal`` after ``close()`` (and, from SQLite's
  ``dbstat``, the share of the ``bands`` table alone); Redis: the server's
  ``INFO memory`` ``used_memory`` after the build minus before it (the database is
  flushed before each Redis backend); datasketch in memory: the pickle's size.

datasketch gets the same MinHash values: ``MinHashLSH(threshold=0.5, num_perm=128)``
(its own bands x rows, 25 x 5, unless ``--ds-same-bands``) is fed
``LeanMinHash(seed, hashvalues=dedupe's signature, scheme="affine32")``. dedupe's
signatures are datasketch-compatible; the driver checks that on the first 500
documents against ``datasketch.MinHash(num_perm=128, seed, scheme="affine32",
hashfunc=identity).update_batch(same 32-bit shingle hashes)``, which must give
identical hash values. datasketch keys are the document numbers (ints, pickled
by datasketch itself for Redis); ``insert`` is called one document at a time
with its default ``check_duplication=True``, as a streaming run would.

dedupe's indexes also store what verification needs (each document's shingle
set, id, exact-text hash and sketch); datasketch's hold only band hashes and
keys. The ``bands`` figure isolates dedupe's LSH table for that comparison.

A private ``redis-server`` (no RDB, no AOF) is started on a free loopback port,
as ``tests/conftest.py`` does, and stopped at the end; without it the Redis rows
are skipped with a note. Timings on a shared machine are noisy: compare within
one run.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (HERE, ROOT):  # the neardup corpus; tests/redis_server.py
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from neardup import corpus_file, read_corpus  # noqa: E402  (the seeded synthetic corpus)
from tests.redis_server import spawn_redis_server  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "dedupe-bench"
CHUNK = 1024  # dedupe.cluster._CHUNK: documents per batched lookup of the in-memory index


# ---------------------------------------------------------------- shared helpers (engines.py uses them)

def corpus_at_least(n: int, seed: int, cache: Path) -> Path:
    """A cached neardup corpus of at least ``n`` documents (read as a prefix), else a new one."""
    have = []
    for p in cache.glob(f"neardup-{seed}-*.tsv"):
        try:
            m = int(p.stem.rsplit("-", 1)[1])
        except ValueError:
            continue
        if m >= n:
            have.append((m, p))
    if have:
        return min(have)[1]
    return corpus_file(n, seed, cache, os.cpu_count() or 1)


def measure_tree(cmd: list[str], interval: float = 0.02) -> dict:
    """Run ``cmd`` in a fresh process; its wall time, peak RSS of the process tree
    and of the process alone (the pattern of neardup.measure, for any command)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(ROOT))
    ps = psutil.Process(proc.pid)
    peak = peak_self = 0
    while proc.poll() is None:
        try:
            own = ps.memory_info().rss
            kids = 0
            for c in ps.children(recursive=True):
                try:
                    kids += c.memory_info().rss
                except psutil.Error:
                    pass
            peak, peak_self = max(peak, own + kids), max(peak_self, own)
        except psutil.Error:
            pass
        time.sleep(interval)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[-6:])} failed with exit code {proc.returncode}")
    return {"peak_rss": peak, "peak_self": peak_self, "wall": time.perf_counter() - t0}


def run_child(script: Path, args: list[str]) -> dict:
    """``measure_tree`` of ``script --_run ...``, with the JSON the child writes."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        m = measure_tree([sys.executable, str(script), *args, "--_out", out.name])
        res = json.loads(Path(out.name).read_text() or "{}")
    res.update(m)
    return res


# ---------------------------------------------------------------- fingerprints (driver, once)

def fingerprints(n: int, seed: int, bands: int, rows: int, cache: Path) -> Path:
    """Fingerprints of the first ``n`` corpus documents as .npy files (made on first use)."""
    from dedupe import Config
    from dedupe.fingerprint import fingerprint_texts

    cfg = Config()
    out = cache / f"index-fp-{seed}-{n}-k{cfg.shingle_size}p{cfg.num_perm}s{cfg.seed}-b{bands}r{rows}"
    if (out / "done").exists():
        return out
    corpus = corpus_at_least(n, seed, cache)
    t0 = time.perf_counter()
    sets, starts, keys, sketches, sigs, hashes = [], [0], [], [], [], []
    batch: list[str] = []

    def flush():
        fb = fingerprint_texts(batch, cfg.shingle_size, cfg.num_perm, cfg.seed, bands, rows)
        sets.append(fb.sets)
        starts.extend((fb.set_starts[1:] + starts[-1]).tolist())
        keys.append(fb.keys)
        sketches.append(fb.sketches)
        sigs.append(fb.signatures)
        hashes.append(np.array(fb.text_hashes, dtype=np.uint64))
        batch.clear()

    for _, _, _, text in read_corpus(corpus, n):
        batch.append(text)
        if len(batch) >= 512:
            flush()
    if batch:
        flush()
    out.mkdir(parents=True, exist_ok=True)
    for name, arrs in (("sets", sets), ("keys", keys), ("sketches", sketches), ("sigs", sigs),
                       ("hashes", hashes)):
        np.save(out / f"{name}.npy", np.concatenate(arrs))
    np.save(out / "starts.npy", np.array(starts, dtype=np.int64))
    (out / "done").write_text("")
    print(f"fingerprinted {n:,} docs ({bands}x{rows}) in {time.perf_counter() - t0:.0f}s -> {out}",
          file=sys.stderr)
    return out


class FP:
    """The memory-mapped fingerprints of one run."""

    def __init__(self, d: Path):
        ld = lambda k: np.load(d / f"{k}.npy", mmap_mode="r")  # noqa: E731
        self.sets, self.starts, self.keys = ld("sets"), np.load(d / "starts.npy"), ld("keys")
        self.sketches, self.sigs, self.hashes = ld("sketches"), ld("sigs"), ld("hashes")
        self.n = len(self.keys)

    def shingles(self, i: int) -> np.ndarray:
        return self.sets[self.starts[i]:self.starts[i + 1]]


def check_datasketch_equal(fp: FP, seed: int, num_perm: int, docs: int = 500) -> int:
    """Documents whose datasketch ``MinHash.update_batch`` signature equals dedupe's."""
    from datasketch import MinHash

    same = 0
    for i in range(min(docs, fp.n)):
        m = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=lambda h: h)
        m.update_batch(fp.shingles(i).tolist())
        same += bool(np.array_equal(m.hashvalues, fp.sigs[i]))
    return same


# ---------------------------------------------------------------- backends (in a subprocess)

def _cfg():
    from dedupe import Config

    return Config()


def _min_agree() -> int:
    from dedupe.cluster import min_agree

    c = _cfg()
    return min_agree(c.num_perm) if c.num_perm >= 64 else 0


def _open_dedupe(kind: str, loc: str, bands: int, rows: int):
    from dedupe.index.redis import RedisIndex
    from dedupe.index.sqlite import SQLiteIndex

    c = _cfg()
    cls = SQLiteIndex if kind == "sqlite" else RedisIndex
    return cls(loc, bands=bands, rows=rows, num_perm=c.num_perm, seed=c.seed, shingle_size=c.shingle_size)


def _add_all(idx, fp: FP) -> None:
    for i in range(fp.n):
        idx.add(np.asarray(fp.keys[i]), str(i), fp.shingles(i), int(fp.hashes[i]), np.asarray(fp.sketches[i]))


def _query_all(idx, fp: FP, agree: int) -> tuple[float, int]:
    idx.min_agree = agree
    keys, sk = np.asarray(fp.keys), np.asarray(fp.sketches)
    found = 0
    t0 = time.perf_counter()
    for i in range(fp.n):
        found += len(idx.query(keys[i], sk[i]))
    return time.perf_counter() - t0, found


def _sqlite_sizes(path: str) -> dict:
    import sqlite3

    size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        db.execute("CREATE VIRTUAL TABLE temp.stat USING dbstat(main)")
        by = dict(db.execute("SELECT name, SUM(pgsize) FROM temp.stat GROUP BY name"))
    except sqlite3.Error:
        by = {}
    db.close()
    return {"size": size, "bands_bytes": by.get("bands")}


def child_build(a) -> dict:
    fp = FP(Path(a.fp))
    _preimport()
    b, r = a.bands, a.rows
    if a.backend in ("sqlite", "redis"):
        t0 = time.perf_counter()
        idx = _open_dedupe(a.backend, a.loc, b, r)
        _add_all(idx, fp)
        idx.close()
        res = {"build": time.perf_counter() - t0, "bands": b, "rows": r}
        if a.backend == "sqlite":
            res.update(_sqlite_sizes(a.loc))
        return res
    if a.backend == "memory":
        from dedupe.index import MemoryIndex

        t0 = time.perf_counter()
        idx = MemoryIndex()
        idx.min_agree = _min_agree()
        _add_all(idx, fp)
        build = time.perf_counter() - t0
        keys, sk = np.asarray(fp.keys), np.asarray(fp.sketches)
        t0 = time.perf_counter()
        found = sum(len(x) for c in range(0, fp.n, CHUNK)
                    for x in idx.query_many(keys[c:c + CHUNK], sk[c:c + CHUNK]))
        q = time.perf_counter() - t0
        idx.min_agree = 0
        t0 = time.perf_counter()
        for c in range(0, fp.n, CHUNK):
            idx.query_many(keys[c:c + CHUNK], None)
        q0 = time.perf_counter() - t0
        idx.close()
        return {"build": build, "open": build, "query": q, "query_nofilter": q0, "found": found,
                "bands": b, "rows": r}
    # datasketch
    from datasketch import LeanMinHash, MinHashLSH

    seed = _cfg().seed
    ms = [LeanMinHash(seed=seed, hashvalues=np.asarray(fp.sigs[i]), scheme="affine32") for i in range(fp.n)]
    params = (b, r) if a.ds_same_bands else None
    t0 = time.perf_counter()
    if a.backend == "ds-pickle":
        lsh = MinHashLSH(threshold=0.5, num_perm=_cfg().num_perm, params=params)
    else:
        lsh = MinHashLSH(threshold=0.5, num_perm=_cfg().num_perm, params=params,
                         storage_config=_ds_redis_config(a.loc))
    for i, m in enumerate(ms):
        lsh.insert(i, m)
    res = {"bands": lsh.b, "rows": lsh.r}
    if a.backend == "ds-pickle":
        with open(a.loc, "wb") as fh:
            pickle.dump(lsh, fh, protocol=pickle.HIGHEST_PROTOCOL)
        res["size"] = os.path.getsize(a.loc)
    res["build"] = time.perf_counter() - t0
    return res


def _ds_redis_config(url: str) -> dict:
    host, port = url.split("//", 1)[1].split("/")[0].split(":")
    return {"type": "redis", "basename": b"dsbench", "redis": {"host": host, "port": int(port)}}


def _preimport() -> None:
    """Import the modules before timing: "open" is the constructor, not Python's imports."""
    import datasketch  # noqa: F401

    import dedupe.index.redis  # noqa: F401
    import dedupe.index.sqlite  # noqa: F401
    try:
        import redis  # noqa: F401
    except ImportError:
        pass


def child_serve(a) -> dict:
    fp = FP(Path(a.fp))
    _preimport()
    if a.backend in ("sqlite", "redis"):
        t0 = time.perf_counter()
        idx = _open_dedupe(a.backend, a.loc, a.bands, a.rows)
        opened = time.perf_counter() - t0
        q, found = _query_all(idx, fp, _min_agree())
        q0 = None if a.no_nofilter else _query_all(idx, fp, 0)[0]
        if a.backend == "sqlite":
            idx.abort()  # nothing written; leave the file as built
        else:
            idx.close()
        return {"open": opened, "query": q, "query_nofilter": q0, "found": found}
    from datasketch import LeanMinHash, MinHashLSH

    seed = _cfg().seed
    ms = [LeanMinHash(seed=seed, hashvalues=np.asarray(fp.sigs[i]), scheme="affine32") for i in range(fp.n)]
    gc.collect()
    t0 = time.perf_counter()
    if a.backend == "ds-pickle":
        with open(a.loc, "rb") as fh:
            lsh = pickle.load(fh)
    else:
        params = (a.bands, a.rows) if a.ds_same_bands else None
        lsh = MinHashLSH(threshold=0.5, num_perm=_cfg().num_perm, params=params,
                         storage_config=_ds_redis_config(a.loc))
    opened = time.perf_counter() - t0
    found = 0
    t0 = time.perf_counter()
    for m in ms:
        found += len(lsh.query(m))
    return {"open": opened, "query": time.perf_counter() - t0, "query_nofilter": None, "found": found}


def child_baseline(a) -> dict:
    import datasketch  # noqa: F401

    import dedupe.index.sqlite  # noqa: F401

    fp = FP(Path(a.fp))
    np.asarray(fp.keys).sum(), np.asarray(fp.sketches).sum(), np.asarray(fp.sigs).sum()
    return {}


# ---------------------------------------------------------------- redis server

class RedisServer:
    """A private redis-server on a free loopback port (as tests/conftest.py starts one)."""

    def __init__(self):
        self.proc = None
        self.url = None
        self.note = None
        try:
            import redis  # noqa: F401
        except ImportError:
            self.note = "the redis package is not installed: Redis rows skipped (pip install redis)"
            return
        try:
            self.proc, port = spawn_redis_server()
        except RuntimeError as exc:
            self.note = f"{exc}: Redis rows skipped"
            return
        self.url = f"redis://127.0.0.1:{port}/0"
        import redis

        self.r = redis.Redis.from_url(self.url)
        self.version = self.r.info("server")["redis_version"]

    def flush(self) -> int:
        self.r.flushall()
        return self.used()

    def used(self) -> int:
        return int(self.r.info("memory")["used_memory"])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


# ---------------------------------------------------------------- driver

NAMES = {
    "sqlite": "dedupe SQLite",
    "redis": "dedupe Redis",
    "memory": "dedupe memory (batched)",
    "ds-pickle": "datasketch dict + pickle",
    "ds-redis": "datasketch Redis storage",
}
SIZE_OF = {"sqlite": "disk", "redis": "server", "memory": "-", "ds-pickle": "pickle", "ds-redis": "server"}


def bench(backends: list[str], fpdir: Path, n: int, bands: int, rows: int, a, server: RedisServer,
          work: Path) -> list[dict]:
    me = Path(__file__).resolve()
    common = ["--fp", str(fpdir), "--bands", str(bands), "--rows", str(rows)]
    if a.ds_same_bands:
        common.append("--ds-same-bands")
    if a.no_nofilter:
        common.append("--no-nofilter")
    rows_out = []
    for be in backends:
        if be in ("redis", "ds-redis") and server.url is None:
            continue
        loc = {"sqlite": str(work / f"index-{n}.sqlite"), "ds-pickle": str(work / f"lsh-{n}.pickle"),
               "redis": server.url, "ds-redis": server.url, "memory": "-"}[be]
        for suffix in ("", "-wal", "-shm"):
            if be in ("sqlite", "ds-pickle") and os.path.exists(loc + suffix):
                os.remove(loc + suffix)
        before = server.flush() if be in ("redis", "ds-redis") else 0
        res = run_child(me, ["--_run", "build", "--backend", be, "--loc", loc, *common])
        res["build_peak"] = res.pop("peak_rss")
        if be in ("redis", "ds-redis"):
            res["size"] = server.used() - before
        if be != "memory":
            srv = run_child(me, ["--_run", "serve", "--backend", be, "--loc", loc, *common])
            res.update({k: srv[k] for k in ("open", "query", "query_nofilter", "found")})
            res["serve_peak"] = srv["peak_rss"]
        else:
            res["serve_peak"] = res["build_peak"]
        res["backend"], res["n"] = be, n
        rows_out.append(res)
        print(f"  {be}: build {res['build']:.2f}s, open {res['open']:.3f}s, queries {res['query']:.2f}s",
              file=sys.stderr, flush=True)
        if be == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(loc + suffix):
                    os.remove(loc + suffix)
    return rows_out


def _f(x, spec: str, none: str = "-") -> str:
    return none if x is None else format(x, spec)


def fmt_table(rows: list[dict]) -> str:
    head = (f"{'backend':<26} {'bands':>6} {'build s':>8} {'open s':>7} {'queries s':>9} {'no filter':>9} "
            f"{'cand/q':>6} {'size MB':>8} {'of':>6} {'bands MB':>8} {'build pk':>8} {'query pk':>8}")
    lines = [head, "-" * len(head)]
    for r in rows:
        be = r["backend"]
        opened = "rebuild" if be == "memory" else f"{r['open']:.3f}"
        size = r.get("size")
        lines.append(
            f"{NAMES[be]:<26} {str(r['bands']) + 'x' + str(r['rows']):>6} {r['build']:>8.2f} {opened:>7} "
            f"{r['query']:>9.2f} {_f(r.get('query_nofilter'), '.2f'):>9} {r['found'] / r['n']:>6.2f} "
            f"{_f(None if size is None else size / 1e6, '.1f'):>8} {SIZE_OF[be]:>6} "
            f"{_f(None if r.get('bands_bytes') is None else r['bands_bytes'] / 1e6, '.1f'):>8} "
            f"{r['build_peak'] / 2**20:>8.0f} {r['serve_peak'] / 2**20:>8.0f}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Columns: build s = add all N (+ commit / pickle.dump); open s = time "
                                        "before the first query; queries s = N index.query calls with the "
                                        "sketch filter (min_agree as Deduplicator sets it); no filter = the same "
                                        "without it; cand/q = mean results per query; size MB of disk / "
                                        "server (used_memory delta) / pickle; bands MB = SQLite bands table "
                                        "alone; build pk / query pk = peak RSS (MB) of the build process and of "
                                        "the open+query process.")
    ap.add_argument("--n", type=int, default=10_000, help="documents indexed and queried (default 10000)")
    ap.add_argument("--bands", type=int, default=None, help="LSH bands for dedupe (with --rows; default: "
                                                            "dedupe.Config().band_rows)")
    ap.add_argument("--rows", type=int, default=None, help="rows per band (with --bands)")
    ap.add_argument("--ds-same-bands", action="store_true",
                    help="give datasketch dedupe's bands x rows (params=) instead of its threshold=0.5 choice")
    ap.add_argument("--scale", action="store_true",
                    help="also a 100k-doc table: datasketch pickle load vs SQLite open + queries")
    ap.add_argument("--scale-n", type=int, default=100_000, help=argparse.SUPPRESS)
    ap.add_argument("--only", default=None, help="comma-separated backends: " + ",".join(NAMES))
    ap.add_argument("--no-nofilter", action="store_true", help="skip the queries without the sketch filter")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument("--cache", default=str(CACHE), help="where corpora and fingerprints are cached")
    ap.add_argument("--_run", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--_out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--backend", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--loc", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--fp", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a._run:
        res = {"build": child_build, "serve": child_serve, "baseline": child_baseline}[a._run](a)
        Path(a._out).write_text(json.dumps(res))
        return

    from dedupe import Config

    if (a.bands is None) != (a.rows is None):
        ap.error("give both --bands and --rows, or neither")
    cfg = Config() if a.bands is None else Config(bands=a.bands, rows=a.rows)
    bands, rows = cfg.band_rows
    cache = Path(a.cache)
    backends = a.only.split(",") if a.only else list(NAMES)
    for be in backends:
        if be not in NAMES:
            ap.error(f"unknown backend {be!r}; choose from {', '.join(NAMES)}")

    fpdir = fingerprints(a.n, a.seed, bands, rows, cache)
    fp = FP(fpdir)
    same = check_datasketch_equal(fp, cfg.seed, cfg.num_perm)
    checked = min(500, fp.n)
    if same != checked:
        raise SystemExit(f"datasketch MinHash differs from dedupe's signature on {checked - same} of {checked} docs")
    base = run_child(Path(__file__).resolve(), ["--_run", "baseline", "--fp", str(fpdir)])
    server = RedisServer()
    work = Path(tempfile.mkdtemp(prefix="dedupe-index-bench-"))
    try:
        print(f"corpus: {a.n:,} docs, seed {a.seed}; dedupe LSH {bands} bands x {rows} rows, "
              f"num_perm {cfg.num_perm}, shingle_size {cfg.shingle_size}; sketch filter min_agree="
              f"{_min_agree()}; {os.cpu_count()} cores; "
              + (f"redis-server {server.version}" if server.url else "no Redis"), flush=True)
        table = bench(backends, fpdir, a.n, bands, rows, a, server, work)
        print(fmt_table(table))
        print(f"datasketch MinHash.update_batch == dedupe signature on {same}/{checked} docs checked; "
              f"process baseline (imports + mapped fingerprints): {base['peak_rss'] / 2**20:.0f} MB peak RSS")
        if server.note:
            print(f"note: {server.note}")
        by = {r["backend"]: r for r in table}
        if "sqlite" in by:
            s = by["sqlite"]
            print(f"SQLite per query: {1e6 * s['query'] / a.n:.0f} us with the sketch filter, "
                  + (f"{1e6 * s['query_nofilter'] / a.n:.0f} us without; " if s.get("query_nofilter") else "")
                  + f"{s['size'] / a.n:.0f} bytes/doc on disk, of which bands "
                  + (f"{s['bands_bytes'] / a.n:.0f}" if s.get("bands_bytes") else "?"))

        if a.scale:
            sn = a.scale_n
            sfp = fingerprints(sn, a.seed, bands, rows, cache)
            srows = bench([b for b in ("ds-pickle", "sqlite") if b in backends], sfp, sn, bands, rows, a,
                          server, work)
            print()
            print(f"scale: {sn:,} docs (load/open, then {sn:,} queries in a fresh process)")
            head = (f"{'backend':<26} {'bands':>6} {'build s':>8} {'load s':>7} {'queries s':>9} "
                    f"{'size MB':>8} {'query pk MB':>11} {'build pk MB':>11}")
            print(head)
            print("-" * len(head))
            for r in srows:
                print(f"{NAMES[r['backend']]:<26} {str(r['bands']) + 'x' + str(r['rows']):>6} {r['build']:>8.1f} "
                      f"{r['open']:>7.3f} {r['query']:>9.2f} {r['size'] / 1e6:>8.0f} "
                      f"{r['serve_peak'] / 2**20:>11.0f} {r['build_peak'] / 2**20:>11.0f}")
            sb = run_child(Path(__file__).resolve(), ["--_run", "baseline", "--fp", str(sfp)])
            print(f"process baseline at {sn:,} (imports + mapped fingerprints): {sb['peak_rss'] / 2**20:.0f} MB")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
