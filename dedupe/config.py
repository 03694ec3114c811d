"""The one options object shared by the CLI, the Python API and the engines.

Every default lives here; the click CLI reads its defaults from :data:`DEFAULTS`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

from .errors import ConfigError

__all__ = ["Config", "DEFAULTS", "KEEP_POLICIES", "FORMATS", "ENGINES"]

KEEP_POLICIES = ("first", "longest", "earliest")
FORMATS = ("auto", "text", "html", "jsonl", "warc", "parquet")
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class Config:
    """Options for cleaning and near-duplicate detection.

    Near-duplicate detection works in phases: exact hash of the normalised main
    text, then MinHash LSH candidates (tuned to catch pairs at ``lsh_threshold``
    and above with high probability), then verification on the true shingle sets:
    a pair is a duplicate when its Jaccard similarity is at least
    ``jaccard_threshold``, or when the shorter text is contained in the longer one
    at ``containment_threshold`` or more (reported as ``relation="contained_in"``).
    """

    # shingling and signatures
    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    # LSH candidates: bands x rows; derived from lsh_threshold when not given
    lsh_threshold: float = 0.5
    bands: Optional[int] = None
    rows: Optional[int] = None
    # verification
    jaccard_threshold: float = 0.6
    containment_threshold: float = 0.7
    min_shingles: int = 5
    # a candidate whose MinHash sketch agrees with the document's on fewer than this share
    # of its values (an estimated Jaccard of about 0.03 or less) is a chance band collision,
    # skipped before the exact check; 0 checks every candidate (with num_perm >= 64)
    sketch_agreement: float = 0.035
    # clustering
    keep: str = "first"
    date_field: str = "date"
    # boilerplate: a block seen in this many distinct stories of one site is its template
    template_min_stories: int = 3
    # input / execution
    format: str = "auto"
    # JSON Lines / Parquet input: fields holding the id, plain text, HTML and URL
    id_field: str = "id"
    text_field: str = "text"
    html_field: str = "html"
    url_field: str = "url"
    workers: int = 1
    # where cleaning runs: local processes, or a Dask cluster (dedupe.engine.dask)
    engine: str = "local"
    batch_size: int = 256
    # per-document budgets: a document over either is rejected with the reason, so
    # no single input can crash a run, hang it or take unbounded memory.
    # Bytes as read (decompressed); characters for a str given to clean().
    max_doc_bytes: int = 20_000_000
    # seconds of cleaning (segmentation and classification), checked cooperatively
    doc_timeout: float = 10.0
    # blocks (paragraphs, lines) one document may split into; articles have a few thousand
    max_blocks: int = 100_000
    # a run that rejects at least this share of its records fails (exit code 1)
    fail_share: float = 0.9

    def __post_init__(self) -> None:
        def check(cond: bool, msg: str) -> None:
            if not cond:
                raise ConfigError(msg)

        check(isinstance(self.shingle_size, int) and 1 <= self.shingle_size <= 20,
              f"shingle_size must be an integer from 1 to 20, got {self.shingle_size!r}")
        check(isinstance(self.num_perm, int) and 16 <= self.num_perm <= 1024,
              f"num_perm must be an integer from 16 to 1024, got {self.num_perm!r}")
        for name in ("lsh_threshold", "jaccard_threshold", "containment_threshold"):
            v = getattr(self, name)
            check(isinstance(v, (int, float)) and 0.0 < v <= 1.0,
                  f"{name} must be a number in (0, 1], got {v!r}")
        check(self.lsh_threshold <= self.jaccard_threshold,
              f"lsh_threshold ({self.lsh_threshold}) must not exceed jaccard_threshold "
              f"({self.jaccard_threshold}): candidates are found below the decision threshold")
        if (self.bands is None) != (self.rows is None):
            raise ConfigError("give both bands and rows, or neither (they are then derived "
                              "from lsh_threshold)")
        if self.bands is not None:
            check(self.bands >= 1 and self.rows >= 1,
                  f"bands and rows must be positive, got bands={self.bands}, rows={self.rows}")
            check(self.bands * self.rows <= self.num_perm,
                  f"bands x rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}; "
                  "did you swap bands and rows?")
        check(self.keep in KEEP_POLICIES,
              f"keep must be one of {', '.join(KEEP_POLICIES)}, got {self.keep!r}")
        check(self.format in FORMATS,
              f"format must be one of {', '.join(FORMATS)}, got {self.format!r}")
        for name in ("id_field", "text_field", "html_field", "url_field"):
            v = getattr(self, name)
            check(isinstance(v, str) and v != "", f"{name} must be a non-empty field name, got {v!r}")
        check(self.text_field != self.html_field,
              f"text_field and html_field must differ, both are {self.text_field!r}")
        check(isinstance(self.workers, int) and self.workers >= 1,
              f"workers must be a positive integer, got {self.workers!r}")
        check(self.engine in ENGINES,
              f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        check(self.batch_size >= 1, f"batch_size must be positive, got {self.batch_size!r}")
        check(isinstance(self.template_min_stories, int) and self.template_min_stories >= 0,
              f"template_min_stories must be an integer >= 0 (0 turns template evidence off), "
              f"got {self.template_min_stories!r}")
        check(isinstance(self.max_doc_bytes, int) and self.max_doc_bytes >= 1,
              f"max_doc_bytes must be a positive integer (bytes per document), got {self.max_doc_bytes!r}")
        check(isinstance(self.doc_timeout, (int, float)) and self.doc_timeout > 0,
              f"doc_timeout must be a positive number of seconds, got {self.doc_timeout!r}")
        check(isinstance(self.max_blocks, int) and self.max_blocks >= 1,
              f"max_blocks must be a positive integer, got {self.max_blocks!r}")
        check(isinstance(self.fail_share, (int, float)) and 0.0 < self.fail_share <= 1.0,
              f"fail_share must be a number in (0, 1], got {self.fail_share!r}")
        check(self.min_shingles >= 1, f"min_shingles must be positive, got {self.min_shingles!r}")
        check(isinstance(self.sketch_agreement, (int, float)) and 0.0 <= self.sketch_agreement < 1.0,
              f"sketch_agreement must be a number in [0, 1), got {self.sketch_agreement!r}")

    def replace(self, **changes) -> "Config":
        """A copy with some options changed (validated again)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)

    @property
    def band_rows(self) -> tuple[int, int]:
        """(bands, rows) used by the LSH index."""
        if self.bands is not None:
            return self.bands, self.rows
        from .signature import optimal_bands

        return optimal_bands(self.lsh_threshold, self.num_perm)


DEFAULTS = Config()
