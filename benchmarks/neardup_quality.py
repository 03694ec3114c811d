"""Near-duplicate quality on the neardup benchmark, and the parameter sweep behind the defaults.

    python benchmarks/neardup_quality.py [../shared/bench/neardup/dev] [--sweep]

Cleans every document once, then runs the deduplicator for each parameter setting and
scores it with the benchmark's own scorer (``score.py`` beside the split): pairwise F1,
ARI, per-type recall and false positives on same-template negatives.
"""
from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import sys
import tempfile
import time
from copy import copy
from pathlib import Path

from dedupe import Config, clean_documents, read_inputs
from dedupe.pipeline import clean_document, dedupe_documents

ROOT = Path(__file__).resolve().parent.parent


def load_scorer(split: Path):
    spec = importlib.util.spec_from_file_location("score", split.parent / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(scorer, truth, docs, cfg: Config) -> dict:
    fresh = [clean_document(copy(d), cfg) for d in docs]  # template evidence re-labels blocks
    out = list(dedupe_documents(fresh, cfg))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for d in out:
            fh.write(json.dumps({"id": d.id, "cluster": d.cluster}) + "\n")
    return scorer.score_clusters(truth, fh.name)


def row(name, r) -> str:
    t = r["per_type_recall"]
    return (f"{name:<34} {r['precision']:.3f} {r['recall']:.3f} {r['f1']:.3f} {r['ari']:.3f}  "
            + " ".join(f"{t[k]['recall']:.2f}" for k in ("rescrape", "syndicated", "updated", "excerpt"))
            + f"   {r['same_template_fp_pairs']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("split", nargs="?", default=str(ROOT.parent / "shared/bench/neardup/dev"))
    ap.add_argument("--sweep", action="store_true", help="also sweep shingle size and thresholds")
    args = ap.parse_args()
    split = Path(args.split)
    scorer = load_scorer(split)
    truth = scorer.load_jsonl(split / "truth.jsonl")
    t0 = time.perf_counter()
    docs = list(clean_documents(read_inputs([str(split / "docs")])))
    print(f"cleaned {len(docs)} documents in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    print(f"{'setting':<34} {'P':>5} {'R':>5} {'F1':>5} {'ARI':>5}  resc synd upd  exc   same-template FP")
    print(row("defaults " + str((Config().shingle_size, Config().jaccard_threshold)), score(scorer, truth, docs, Config())))
    if args.sweep:
        for n, jt, ct in itertools.product((3, 4, 5), (0.5, 0.6, 0.7, 0.8), (0.7, 0.8, 0.9)):
            cfg = Config(shingle_size=n, jaccard_threshold=jt, containment_threshold=ct,
                         lsh_threshold=min(0.4, jt))
            print(row(f"n={n} jaccard>={jt} contain>={ct}", score(scorer, truth, docs, cfg)))


if __name__ == "__main__":
    main()
