"""Local engine against the Dask engine: the whole job (clean + deduplicate) per corpus size.

    python benchmarks/engines.py                        # 2k, 10k, 40k docs
    python benchmarks/engines.py --quick                # 2k, 5k
    python benchmarks/engines.py --sizes 5000,20000

Documents are the first N of the seeded synthetic news corpus of
``benchmarks/neardup.py`` (its ``Corpus``/``corpus_file``, cached; a larger
cached corpus is read as a prefix, since document ``i`` depends only on (seed, i)),
each given as plain text: ``dedupe.Document(id=str(i), raw=text, format="text")``.
They are read from the cache file as the job streams them (reading is in the time).
All three engines run the default job of ``dedupe run`` (``Config()``: template
evidence on, so two deduplication passes, keep="first"):

- local, 1 process: ``dedupe_documents(clean_documents(docs, cfg), cfg, keep_raw=False)``;
- local, workers=2: what ``dedupe run --workers 2`` does (dedupe/cli.py ``run``):
  ``cfg = Config(workers=2)``, ``dd = Deduplicator(cfg)``,
  ``dedupe_documents(clean_on_engine(docs, cfg, None), cfg, deduplicator=dd, keep_raw=False)``,
  then ``dd.close()``: cleaning on a fork pool of 2 processes, fingerprints on a
  FingerprintPool of 2 processes, decisions in the parent;
- Dask: a ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``
  and its ``Client`` are started (timed apart: "start s"), then
  ``dedupe_dask(docs, Config(workers=2, engine="dask"), client=client, keep_raw=False)`` runs the
  whole job in phases on the workers (default partition_size 2048).

Each (engine, size) runs in a fresh subprocess. ``wall s`` and ``docs/s`` cover
the job until its last annotated document is consumed (Dask: cluster start-up
excluded, shown in ``start s``; ``total s`` includes it). ``peak MB`` is the
largest sum of the RSS of the process and all its descendants (driver, pool
processes, Dask nanny-spawned workers), sampled every 20 ms with psutil, as
neardup.py measures (pages shared by forked workers count once per process);
``driver MB`` is the peak RSS of the driver process alone (for Dask it holds the
scheduler and nannies as well). ``driver CPU s`` is the CPU time of the driver
process during the job (all its threads): the serial part, which more workers
do not shorten. ``same clusters`` compares each document's
``cluster`` with the 1-process local run of the same size.

After the table, one computed line says at which size (if any) Dask beats the
local engines on this machine, and one how peak memory grows with size (MB per
1k documents, least-squares slope over the sizes run). The machine may be
shared, so timings are noisy: compare within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from index import CACHE, corpus_at_least, measure_tree  # noqa: E402  (peak RSS of a process tree)
from neardup import read_corpus  # noqa: E402  (the seeded synthetic corpus)

ENGINES = ("local-1", "local-2", "dask")
LABEL = {"local-1": "local, 1 process", "local-2": "local, workers=2", "dask": "dask, 2 workers x 1 thread"}


# ---------------------------------------------------------------- one job (in a subprocess)

def _docs(path: Path, n: int):
    from dedupe import Document

    for i, _, _, text in read_corpus(path, n):
        yield Document(id=str(i), raw=text, format="text")


def run_job(engine: str, path: Path, n: int) -> dict:
    from dedupe import Config, Deduplicator, clean_documents
    from dedupe.engine import clean_on_engine
    from dedupe.pipeline import dedupe_documents

    res: dict = {"start": None}
    if engine == "local-1":
        cfg = Config()
        t0, c0 = time.perf_counter(), time.process_time()
        clusters = [d.cluster for d in
                    dedupe_documents(clean_documents(_docs(path, n), cfg), cfg, keep_raw=False)]
    elif engine == "local-2":
        cfg = Config(workers=2)
        t0, c0 = time.perf_counter(), time.process_time()
        dd = Deduplicator(cfg, index=None)
        clusters = [d.cluster for d in dedupe_documents(clean_on_engine(_docs(path, n), cfg, None), cfg,
                                                        deduplicator=dd, keep_raw=False)]
        dd.close()
    else:
        import logging

        from distributed import Client, LocalCluster

        from dedupe.engine.dask import dedupe_dask

        cfg = Config(workers=2, engine="dask")
        ts = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
        client.wait_for_workers(2)
        res["start"] = time.perf_counter() - ts
        t0, c0 = time.perf_counter(), time.process_time()
        clusters = [d.cluster for d in dedupe_dask(_docs(path, n), cfg, client=client, keep_raw=False)]
        res["seconds"] = time.perf_counter() - t0
        client.close()
        cluster.close()
    res.setdefault("seconds", time.perf_counter() - t0)
    res["cpu"] = time.process_time() - c0  # the driver's own CPU time: the part more workers cannot share
    res["docs"] = len(clusters)
    res["clusters"] = clusters
    res["duplicates"] = sum(c != str(i) for i, c in enumerate(clusters))
    return res


# ---------------------------------------------------------------- driver

def measure(engine: str, path: Path, n: int) -> dict:
    me = Path(__file__).resolve()
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        m = measure_tree([sys.executable, str(me), "--_run", engine, "--corpus", str(path), "--n", str(n),
                          "--_out", out.name])
        res = json.loads(Path(out.name).read_text())
    res.update(m)
    res["engine"], res["n"] = engine, n
    return res


def fmt_table(rows: list[dict]) -> str:
    head = (f"{'engine':<28} {'docs':>7} {'docs/s':>7} {'wall s':>7} {'start s':>7} {'total s':>7} "
            f"{'peak MB':>8} {'driver MB':>9} {'driver CPU s':>12} {'dups':>6} {'same clusters':>13}")
    lines = [head, "-" * len(head)]
    for r in rows:
        start = r.get("start")
        total = r["seconds"] + (start or 0)
        lines.append(f"{LABEL[r['engine']]:<28} {r['n']:>7,} {r['n'] / r['seconds']:>7,.0f} {r['seconds']:>7.1f} "
                     f"{'-' if start is None else format(start, '.1f'):>7} {total:>7.1f} "
                     f"{r['peak_rss'] / 2**20:>8.0f} {r['peak_self'] / 2**20:>9.0f} {r['cpu']:>12.1f} {r['duplicates']:>6,} "
                     f"{r['same']:>13}")
    return "\n".join(lines)


def verdicts(rows: list[dict], sizes: list[int]) -> list[str]:
    by = {(r["engine"], r["n"]): r for r in rows}
    out = []
    for local in ("local-1", "local-2"):
        for incl in (False, True):
            wins = [n for n in sizes if (local, n) in by and ("dask", n) in by
                    and by["dask", n]["seconds"] + (by["dask", n]["start"] if incl else 0) < by[local, n]["seconds"]]
            what = "run + start-up" if incl else "run alone"
            if not wins:
                out.append(f"dask ({what}) vs {LABEL[local]}: local is faster at every size run "
                           f"({', '.join(f'{n:,}' for n in sizes)}); no crossover up to {max(sizes):,} docs")
            else:
                ratios = ", ".join(f"{n:,}: {by[local, n]['seconds'] / (by['dask', n]['seconds'] + (by['dask', n]['start'] if incl else 0)):.2f}x"
                                   for n in sizes if (local, n) in by and ("dask", n) in by)
                out.append(f"dask ({what}) vs {LABEL[local]}: dask faster from {min(wins):,} docs "
                           f"(local time / dask time: {ratios})")
    mem = []
    for eng in ENGINES:
        pts = [(n / 1000, by[eng, n]["peak_rss"] / 2**20) for n in sizes if (eng, n) in by]
        if len(pts) >= 2:
            x, y = np.array(pts).T
            mem.append(f"{LABEL[eng]}: {np.polyfit(x, y, 1)[0]:.1f} MB/1k docs (tree)")
        if eng == "dask":
            pts = [(n / 1000, by[eng, n]["peak_self"] / 2**20) for n in sizes if (eng, n) in by]
            if len(pts) >= 2:
                x, y = np.array(pts).T
                mem.append(f"dask driver alone: {np.polyfit(x, y, 1)[0]:.1f} MB/1k docs")
    if mem:
        out.append("peak memory growth: " + "; ".join(mem))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,10000,40000", help="comma-separated corpus sizes (default 2000,10000,40000)")
    ap.add_argument("--quick", action="store_true", help="sizes 2000,5000")
    ap.add_argument("--only", default=None, help="comma-separated engines: " + ",".join(ENGINES))
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument("--cache", default=str(CACHE), help="where the generated corpora are kept")
    ap.add_argument("--_run", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--_out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a._run:
        Path(a._out).write_text(json.dumps(run_job(a._run, Path(a.corpus), a.n)))
        return

    sizes = [2000, 5000] if a.quick else [int(s) for s in a.sizes.split(",")]
    engines = a.only.split(",") if a.only else list(ENGINES)
    for e in engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e!r}; choose from {', '.join(ENGINES)}")
    import dask
    import distributed

    path = corpus_at_least(max(sizes), a.seed, Path(a.cache))
    print(f"corpus: neardup synthetic news, seed {a.seed}, sizes {', '.join(f'{n:,}' for n in sizes)} "
          f"(plain text documents); {os.cpu_count()} cores; Python {sys.version.split()[0]}, "
          f"dask {dask.__version__}, distributed {distributed.__version__}", flush=True)
    rows = []
    for n in sizes:
        ref = None
        for e in engines:
            r = measure(e, path, n)
            clusters = r.pop("clusters")
            if e == "local-1":
                ref, r["same"] = clusters, "ref"
            else:
                r["same"] = "-" if ref is None else ("yes" if clusters == ref else
                                                    f"no ({sum(x != y for x, y in zip(clusters, ref))} differ)")
            rows.append(r)
            print(f"  {e} {n:,}: {r['seconds']:.1f}s" + (f" (+{r['start']:.1f}s start)" if r.get("start") else ""),
                  file=sys.stderr, flush=True)
    print(fmt_table(rows))
    for line in verdicts(rows, sizes):
        print(line)


if __name__ == "__main__":
    main()
