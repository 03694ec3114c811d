"""Run one input kind of the bad-input corpus through the CLI and check every record
against what the corpus expects of it (shared by the tests and the benchmark)."""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from dedupe.cli import main

from .corpus import Corpus

__all__ = ["Outcome", "run_kind", "problems"]

_IDENTITY = re.compile(r"in = (?:kept \+ duplicates|cleaned) \+ rejected: ([\d,]+) = ([\d,]+) \+ ([\d,]+)(?: \+ ([\d,]+))?")


@dataclass
class Outcome:
    kind: str
    command: str
    exit_code: int
    output: str
    records: list[dict]
    rejected: list[dict]
    identity: tuple[int, ...]
    seconds: float


def _read(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def run_kind(corpus: Corpus, kind: str, command: str, out_dir: Path, *extra: str) -> Outcome:
    """``dedupe COMMAND`` over one input kind (``files``, ``jsonl``, ``warc``,
    ``parquet``, ``stdin jsonl``, ``stdin warc``), outputs under ``out_dir``."""
    out, rej = out_dir / f"{kind}-{command}.jsonl".replace(" ", "-"), out_dir / f"{kind}-{command}-rej.jsonl".replace(" ", "-")
    stdin = corpus.stdin.get(kind)
    inputs = ["-"] if stdin is not None else corpus.inputs[kind]
    t0 = time.perf_counter()
    res = CliRunner().invoke(main, [command, *inputs, "-o", str(out), "--rejected", str(rej), "--no-blocks",
                                    *corpus.options.get(kind, []), *extra], input=stdin)
    seconds = time.perf_counter() - t0
    m = _IDENTITY.search(res.output)
    ident = tuple(int(x.replace(",", "")) for x in m.groups() if x is not None) if m else ()
    return Outcome(kind, command, res.exit_code, res.output, _read(out), _read(rej), ident, seconds)


def problems(corpus: Corpus, o: Outcome) -> list[str]:
    """Every way the outcome differs from the corpus's expectations (empty: all good)."""
    errs = []
    if o.exit_code != 3:
        errs.append(f"exit code {o.exit_code}, not 3 (completed with rejections): {o.output[-500:]}")
    expect = corpus.expect[o.kind]
    n_in = len(o.records) + len(o.rejected)
    if not o.identity or o.identity[0] != n_in or o.identity[0] != sum(o.identity[1:]):
        errs.append(f"accounting: summary {o.identity}, {n_in} records written")
    if len(o.rejected) != o.identity[-1:][0] if o.identity else True:
        errs.append(f"{len(o.rejected)} rejected records written, summary says {o.identity}")
    seen: dict[str, dict] = {}
    for rec in o.records + o.rejected:
        key = corpus.key(o.kind, rec)
        if key in seen:
            errs.append(f"{key!r} appears twice")
        seen[key] = rec
    for key in set(expect) - set(seen):
        errs.append(f"{key!r} missing from the output")
    for key in set(seen) - set(expect):
        errs.append(f"unexpected record {key!r}: {seen[key].get('error')}")
    for key, exp in expect.items():
        rec = seen.get(key)
        if rec is None:
            continue
        if exp.kind == "ok":
            if "error" in rec:
                errs.append(f"{key!r} rejected: {rec['error']}")
            elif not all(w in (rec.get("text") or "") for w in exp.words):
                errs.append(f"{key!r}: main text lacks {exp.words}: {(rec.get('text') or '')[:120]!r}")
        elif "error" not in rec:
            errs.append(f"{key!r} not rejected (expected {exp.reason!r})")
        elif exp.reason not in rec["error"]:
            errs.append(f"{key!r}: error {rec['error']!r} lacks {exp.reason!r}")
        elif not rec.get("source"):
            errs.append(f"{key!r}: rejected without a source")
    return errs
