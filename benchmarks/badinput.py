"""The bad-input corpus (tests/badinput/corpus.py) through read -> clean -> dedupe,
one input kind per fresh process, with the default budgets (Config).

    python benchmarks/badinput.py [--scale 1.0] [--doc-timeout S]

Prints: input kind, records, kept, duplicates, rejected, the longest time one
document took to read and clean, and the peak memory (VmHWM, peak RSS) of the process.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ["files", "jsonl", "warc", "parquet", "compressed", "stdin jsonl", "stdin warc"]


def _timed(docs):
    """The documents, each with the seconds its reading and cleaning took."""
    it = iter(docs)
    while True:
        t0 = time.perf_counter()
        try:
            d = next(it)
        except StopIteration:
            return
        yield d, time.perf_counter() - t0


def one(inputs: list[str], fmt: str | None, doc_timeout: float | None) -> dict:
    """Run in the child: the counts, the slowest document and the peak RSS."""
    from dedupe import Config, clean_documents
    from dedupe.io import read_inputs
    from dedupe.pipeline import dedupe_documents

    cfg = Config() if doc_timeout is None else Config(doc_timeout=doc_timeout)
    slowest = 0.0
    cleaned = []
    for d, s in _timed(clean_documents(read_inputs(inputs, fmt, config=cfg), cfg)):
        slowest = max(slowest, s)
        cleaned.append(d)
    counts = {"records": 0, "kept": 0, "dup": 0, "rejected": 0}
    for d in dedupe_documents(cleaned, cfg):
        counts["records"] += 1
        counts["rejected" if not d.ok else "kept" if d.duplicate_of is None else "dup"] += 1
    return {**counts, "max_s": slowest, "peak_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This process's peak RSS. Not ``ru_maxrss``: Linux carries that across exec, so a
    child would report the parent's peak (the corpus generator's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="size of the big entries (1.0: 50 MB, 1M <br>)")
    ap.add_argument("--doc-timeout", type=float, default=None, help="per-document budget (default: Config's)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # child mode: JSON [inputs, format]
    a = ap.parse_args()
    if a.one:
        inputs, fmt = json.loads(a.one)
        print(json.dumps(one(inputs, fmt, a.doc_timeout)))
        return
    from tests.badinput.corpus import build

    with tempfile.TemporaryDirectory() as tmp:
        c = build(Path(tmp), scale=a.scale)
        print(f"bad-input corpus: {sum(len(v) for k, v in c.expect.items() if not k.startswith('stdin'))} "
              f"records over {len(c.inputs)} formats (+ stdin); budgets: Config defaults"
              + (f", doc_timeout {a.doc_timeout:g} s" if a.doc_timeout else ""))
        head = f"{'input kind':<12} {'records':>7} {'kept':>5} {'dup':>4} {'rejected':>8} {'max s/doc':>9} {'peak MB':>8}"
        print(head)
        print("-" * len(head))
        for kind in KINDS:
            stdin = c.stdin.get(kind)
            fmt = "jsonl" if kind == "stdin jsonl" else None
            inputs = ["-"] if stdin is not None else c.inputs[kind]
            cmd = [sys.executable, __file__, "--one", json.dumps([inputs, fmt])]
            if a.doc_timeout:
                cmd += ["--doc-timeout", str(a.doc_timeout)]
            res = subprocess.run(cmd, input=stdin, capture_output=True, check=True, cwd=ROOT)
            r = json.loads(res.stdout)
            print(f"{kind:<12} {r['records']:>7} {r['kept']:>5} {r['dup']:>4} {r['rejected']:>8} "
                  f"{r['max_s']:>9.2f} {r['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
