"""Peak memory of ``dedupe run`` on HTML as the corpus grows.

The extraction benchmark's 181 news pages (``../shared/bench/article-extraction/html``)
are copied ``k`` times under distinct names into a temporary directory (each copy
with a word of its own at the start of every block), and
``dedupe run`` is timed on each corpus in a fresh process (peak RSS from the
child's own resource usage). The default run keeps every cleaned document for its
template pass (on disk); ``--template-stories 0`` streams; ``--keep longest`` sees
every document before deciding any. The slope (MB per 1,000 documents) is what
decides how large a corpus fits in memory.

Usage::

    python benchmarks/memory.py [HTML_DIR] [--copies 1,5,10]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HTML_DIR = REPO_ROOT.parent / "shared" / "bench" / "article-extraction" / "html"
MODES = {"template pass (default)": [], "streaming (--template-stories 0)": ["--template-stories", "0"],
         "keep longest (--keep longest)": ["--keep", "longest"]}


# the opening tags of the elements that hold most blocks' text
_BLOCK_OPEN = re.compile(rb"(<(?:p|li|h[1-6]|td|dd|dt|figcaption|blockquote|a)\b[^>]*>)", re.I)


def corpus(html_dir: Path, copies: int, into: Path) -> int:
    """Every page ``copies`` times in ``into``; the number of documents. Copy ``k``
    > 0 of a page has the word ``v<k>`` at the start of each paragraph, list item,
    heading, cell and link, so that its blocks are new to the run (a corpus of
    identical copies would repeat every block and understate what template
    evidence keeps), while its text stays a near-duplicate of the page."""
    pages = sorted(html_dir.glob("*.html"))
    for k in range(copies):
        for p in pages:
            if k == 0:
                (into / f"{k}_{p.name}").symlink_to(p.resolve())
            else:
                (into / f"{k}_{p.name}").write_bytes(_BLOCK_OPEN.sub(rb"\1v%d " % k, p.read_bytes()))
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
