"""Interruptions: Ctrl-C (SIGINT) or a kill (SIGTERM) during `dedupe run` leaves no
output file, no temporary file and an index exactly as it was; a rerun gives the
same results as an uninterrupted run."""
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, SEEDS

WORDS = ("council housing plan station homes decade officials traffic storm road engineers repairs wall month "
         "river bridge vote mayor school budget police court market energy water health").split()


def _corpus(path, n=4000):
    """``n`` news-like JSON Lines records, a fifth of them copies (a few seconds of work)."""
    rng = random.Random(11)
    texts = []
    with open(path, "w") as fh:
        for i in range(n):
            if texts and rng.random() < 0.2:
                text = rng.choice(texts)
            else:
                text = "\n\n".join(" ".join(rng.choices(WORDS, k=40)).capitalize() + "." for _ in range(4))
                texts.append(text)
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")


def _cmd(src, out_dir, index):
    return [sys.executable, "-m", "dedupe", "run", str(src), "-o", str(out_dir / "out.jsonl"),
            "--rejected", str(out_dir / "rejected.jsonl"), "--index", str(index), "-q"]


def _indexed(index) -> int:
    db = sqlite3.connect(index)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
    finally:
        db.close()


def _seeded_index(path):
    subprocess.run([sys.executable, "-m", "dedupe", "run", str(SEEDS), "-o", os.devnull, "--index", str(path), "-q"],
                   cwd=ROOT, check=True)
    return _indexed(path)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("interrupt")
    src = d / "in.jsonl"
    _corpus(src)
    seeded = d / "seeded.db"
    n0 = _seeded_index(seeded)
    ref = d / "ref"
    ref.mkdir()
    shutil.copy(seeded, d / "ref.db")
    t0 = time.perf_counter()
    subprocess.run(_cmd(src, ref, d / "ref.db"), cwd=ROOT, check=True)
    return d, src, seeded, n0, time.perf_counter() - t0


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 1), (signal.SIGTERM, 128 + signal.SIGTERM)],
                         ids=["SIGINT", "SIGTERM"])
def test_a_killed_run_leaves_nothing_and_a_rerun_matches(setup, sig, code):
    d, src, seeded, n0, ref_seconds = setup
    out = d / f"out-{sig.name}"
    out.mkdir()
    index = d / f"{sig.name}.db"
    shutil.copy(seeded, index)
    # Ctrl-C as a terminal delivers it: to a process that has not inherited SIGINT as ignored
    # (a shell starts background jobs so, and Python then never raises KeyboardInterrupt)
    proc = subprocess.Popen(_cmd(src, out, index), cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 30
    while not any(n.endswith(".part") for n in os.listdir(out)):  # the run has started writing
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.02)
    time.sleep(min(1.0, ref_seconds / 3))
    assert proc.poll() is None, f"the run finished in under {ref_seconds:.1f} s: make the input bigger"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert ("Aborted!" if sig == signal.SIGINT else "terminated (SIGTERM); no output written") in err
    assert os.listdir(out) == []  # no output, no temporary file
    assert _indexed(index) == n0  # the index is intact and as it was before the run
    subprocess.run(_cmd(src, out, index), cwd=ROOT, check=True)
    assert (out / "out.jsonl").read_bytes() == (d / "ref" / "out.jsonl").read_bytes()
    assert _indexed(index) == _indexed(d / "ref.db") > n0
