"""The HTML report of a run and the run statistics shared with the CLI summary.

>>> write_report("out.jsonl", "report.html")      # doctest: +SKIP
"""
from __future__ import annotations

import os

from ..io.writers import AtomicFile
from .collect import ReportData, collect
from .render import render
from .stats import RunStats, format_summary

__all__ = ["write_report", "collect", "render", "ReportData", "RunStats", "format_summary"]


def write_report(results: str | os.PathLike, output: str, *, max_clusters: int = 100, max_docs: int = 50) -> int:
    """Write the self-contained HTML report of ``results`` (the JSON Lines or
    Parquet output of ``dedupe run``) to ``output`` atomically; returns the number
    of records summarised."""
    data = collect(results, max_clusters=max_clusters, max_docs=max_docs)
    page = render(data)
    target = AtomicFile(output)
    try:
        with open(target.tmp, "w", encoding="utf-8") as fh:
            fh.write(page)
        target.commit()
    except BaseException:
        target.discard()
        raise
    return data.stats.docs_in
