"""One story copied many times with small edits (a wire story on many sites): the
Dask engine with its default ``max_bucket`` (large band buckets paired in rounds
with their kept documents) against pairing every bucket all with all, and the
local engine.

    python benchmarks/near_identical.py            # 2,000 copies
    python benchmarks/near_identical.py --copies 500

Each copy is the same 400-word text with two words replaced (Jaccard of word
3-grams about 0.97 between copies). The Dask runs use a ``LocalCluster`` of two
worker processes (start-up not timed). ``same`` compares every document's
decision with the local engine's.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def copies(n: int, seed: int = 1):
    from dedupe import Document

    r = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    base = [r.choice(vocab) for _ in range(400)]
    for i in range(n):
        words = list(base)
        words[r.randrange(400)] = f"edit{i}"
        words[r.randrange(400)] = f"edit{i}b"
        yield Document(id=str(i), raw=" ".join(words[:200]) + ".\n\n" + " ".join(words[200:]) + ".", format="text")


def decisions(docs) -> list[tuple]:
    return [(d.id, d.duplicate_of, d.relation) for d in docs]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=2000)
    args = ap.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    from dedupe import Config, clean_documents
    from dedupe.engine.dask import dedupe_dask
    from dedupe.pipeline import dedupe_documents

    cfg = Config(template_min_stories=0)
    t0 = time.perf_counter()
    local = decisions(dedupe_documents(clean_documents(copies(args.copies)), cfg))
    rows = [("local, 1 process", time.perf_counter() - t0, local)]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        for name, max_bucket in (("dask, max_bucket=64 (default)", 64), ("dask, all pairs", 10 ** 9)):
            t0 = time.perf_counter()
            got = decisions(dedupe_dask(copies(args.copies), cfg, client=client, max_bucket=max_bucket))
            rows.append((name, time.perf_counter() - t0, got))
    print(f"{'engine':30} {'docs':>6} {'seconds':>8} {'dups':>6} {'same':>5}")
    print("-" * 59)
    for name, seconds, got in rows:
        dups = sum(d[1] is not None for d in got)
        print(f"{name:30} {len(got):>6,} {seconds:>8.1f} {dups:>6,} {'ref' if got is local else ('yes' if got == local else 'NO'):>5}")


if __name__ == "__main__":
    main()
