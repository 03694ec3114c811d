"""Peak memory of ``dedupe run`` on HTML as the corpus grows.

The extraction benchmark's 181 news pages (``../shared/bench/article-extraction/html``)
are linked ``k`` times under distinct names into a temporary directory, and
``dedupe run`` is timed on each corpus in a fresh process (peak RSS from the
child's own resource usage). The default run holds every cleaned document for its
template pass; ``--template-stories 0`` streams. The slope (MB per 1,000
documents) is what decides how large a corpus fits in memory.

Usage::

    python benchmarks/memory.py [HTML_DIR] [--copies 1,5,10]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HTML_DIR = REPO_ROOT.parent / "shared" / "bench" / "article-extraction" / "html"
MODES = {"template pass (default)": [], "streaming (--template-stories 0)": ["--template-stories", "0"]}


def corpus(html_dir: Path, copies: int, into: Path) -> int:
    """Link every page ``copies`` times into ``into``; the number of documents."""
    pages = sorted(html_dir.glob("*.html"))
    for k in range(copies):
        for p in pages:
            (into / f"{k}_{p.name}").symlink_to(p.resolve())
    return copies * len(pages)


def run(src: Path, extra: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one ``dedupe run`` in a child process."""
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "dedupe", "run", str(src), "-o", f"{out}/out.jsonl", "-q",
                                 *extra], cwd=REPO_ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        sys.exit(f"dedupe run failed on {src}")
    return seconds, usage.ru_maxrss / 1024  # kB on Linux


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("html_dir", nargs="?", type=Path, default=DEFAULT_HTML_DIR)
    ap.add_argument("--copies", default="1,5,10", help="comma-separated corpus sizes, in copies of the pages")
    args = ap.parse_args(argv)
    if not any(args.html_dir.glob("*.html")):
        sys.exit(f"no .html pages in {args.html_dir}")
    rows = []
    for copies in (int(c) for c in args.copies.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            n = corpus(args.html_dir, copies, Path(tmp))
            for mode, extra in MODES.items():
                seconds, peak = run(Path(tmp), extra)
                rows.append((mode, n, seconds, peak))
    print(f"{'mode':34} {'docs':>6} {'seconds':>8} {'peak MB':>8}")
    print("-" * 59)
    for mode, n, seconds, peak in rows:
        print(f"{mode:34} {n:>6,} {seconds:>8.1f} {peak:>8.0f}")
    for mode in MODES:
        pts = [(n, peak) for m, n, _, peak in rows if m == mode]
        if len(pts) >= 2:
            (n0, p0), (n1, p1) = pts[-2], pts[-1]  # the largest two: past the batches' fixed share
            print(f"{mode}: {int(round((p1 - p0) / (n1 - n0) * 1000))} MB per 1,000 more documents "
                  f"({n0:,} -> {n1:,})")


if __name__ == "__main__":
    main()
