"""Every entry of the bad-input corpus, in every input format, through ``clean`` and
``run``: no crash, every record accounted for (in = kept + duplicates + rejected),
the right reason and source on every rejection, legacy encodings decoded to the
right words, bounded time, and bounded memory while reading."""
import tracemalloc

import pytest

from dedupe import Config
from dedupe.io import read_inputs

from .check import problems, run_kind
from .corpus import MB, build

pytest.importorskip("pyarrow")
pytest.importorskip("fastwarc")

KINDS = ["files", "jsonl", "warc", "parquet", "compressed", "stdin jsonl", "stdin warc"]
# the 1M-<br> page would take ~13 s to clean: its tag count is over the block budget, so it
# is refused before parsing; a 2 s budget bounds any other slow page
BUDGET = ["--doc-timeout", "2", "--max-blocks", "50000"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("badinput"))


@pytest.mark.parametrize("command", ["clean", "run"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_record_is_accounted_for_with_its_reason(corpus, tmp_path, kind, command):
    o = run_kind(corpus, kind, command, tmp_path, *BUDGET)
    assert problems(corpus, o) == []
    assert o.seconds < 60, f"{kind} {command} took {o.seconds:.1f} s"
    for rec in o.rejected:  # which record failed: file, file:line (JSONL), file:offset (WARC), file:row (Parquet)
        src = rec["source"]
        if kind in ("jsonl", "warc", "parquet"):
            assert src.rsplit(":", 1)[0] in corpus.inputs[kind] and src.rsplit(":", 1)[1].isdigit(), src
        elif kind.startswith("stdin"):
            assert src == "-" or src.startswith("-:"), src
    assert f"records rejected, listed in {tmp_path}" in o.output


def test_rejection_reasons_say_what_was_wrong(corpus, tmp_path):
    o = run_kind(corpus, "files", "clean", tmp_path, *BUDGET)
    errors = {r["id"]: r["error"] for r in o.rejected}
    assert errors["png image"] == "binary content (PNG image), not text or HTML"
    assert errors["big 50MB"].startswith("over the size limit: more than 20,000,000 bytes")
    assert errors["gzip bomb"].startswith("over the size limit")
    assert errors["br 1M"].startswith("over the block limit: 1,000,006 tags, more than 250,000")
    assert errors["invalid utf8"].startswith("undecodable: invalid UTF-8 at byte 0")


def test_a_page_of_too_many_blocks_is_stopped_while_segmented(corpus, tmp_path):
    o = run_kind(corpus, "files", "clean", tmp_path, "--max-blocks", "250000")  # 1.25M tags allowed
    errors = {r["id"]: r["error"] for r in o.rejected}
    assert errors["br 1M"].startswith("over the block limit: more than 250,000 blocks")


def test_a_slow_page_is_stopped_by_the_time_budget(corpus, tmp_path):
    o = run_kind(corpus, "files", "clean", tmp_path, "--doc-timeout", "0.3", "--max-blocks", "2000000")
    errors = {r["id"]: r["error"] for r in o.rejected}
    assert errors["br 1M"].startswith("over the time budget: cleaning took more than 0.3 s")
    assert o.seconds < 60


def _errors_and_peak(docs) -> tuple[list[str], int]:
    tracemalloc.start()
    try:
        errors = [d.error for d in docs if d.error]
        return errors, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["files", "jsonl", "warc"])
def test_big_documents_and_gzip_bombs_are_read_in_bounded_memory(corpus, kind):
    """With a 1 MB limit, reading the 50 MB document and the 256 MB gzip bombs never
    holds much more than the limit (Parquet is left out: pyarrow reads a row whole)."""
    errors, peak = _errors_and_peak(read_inputs(corpus.inputs[kind], config=Config(max_doc_bytes=1 * MB)))
    assert sum(e.startswith("over the size limit: more than 1,048,576 bytes") for e in errors) >= 2  # big + bomb
    assert peak < 6 * MB
