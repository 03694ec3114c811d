"""The article-extraction benchmark metric (scrapinghub/article-extraction-benchmark).

Texts are compared as bags of 4-token shingles, tokens being the matches of
``\\w+`` (Unicode). A text with fewer than four tokens makes one shorter
shingle; an empty text makes none.

Per page, TP is the shingle overlap (with multiplicity), FP the excess in the
prediction and FN the excess in the truth; the three are normalised to sum
to 1. Precision and recall are averaged over pages, and F1 is the harmonic
mean of those two averages (not a mean of per-page F1 values). Accuracy is the
share of pages whose predicted token sequence equals the truth's exactly.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = ["PageScore", "Summary", "score_page", "summarise", "tokens"]

WORD = re.compile(r"\w+")
SHINGLE = 4


def tokens(text: str | None) -> list[str]:
    """The ``\\w+`` tokens of ``text`` (``None`` counts as empty)."""
    return WORD.findall(text or "")


def shingles(toks: Sequence[str], n: int = SHINGLE) -> Counter:
    """The multiset of ``n``-token shingles; fewer than ``n`` tokens make one shingle."""
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class PageScore:
    """One page's normalised shingle counts and whether its tokens match exactly."""

    tp: float
    fp: float
    fn: float
    exact: bool

    @property
    def precision(self) -> float:
        """Per-page precision; 1 when nothing is wrong, 0 when nothing is right."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return 0.0 if self.tp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        """Per-page recall; 1 when nothing is wrong, 0 when nothing is right."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return 0.0 if self.tp == 0 else self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        """Per-page F1 (for ranking pages; the benchmark F1 is computed by :func:`summarise`)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(truth: str, pred: str | None) -> PageScore:
    """Score one predicted text against the true article body."""
    true_toks, pred_toks = tokens(truth), tokens(pred)
    a, b = shingles(true_toks), shingles(pred_toks)
    tp = sum((a & b).values())
    fp = sum(b.values()) - tp
    fn = sum(a.values()) - tp
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn, exact=true_toks == pred_toks)


@dataclass(frozen=True)
class Summary:
    """Benchmark scores over a set of pages."""

    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def summarise(scores: Iterable[PageScore]) -> Summary:
    """Macro-average precision and recall, F1 from those two averages, and accuracy."""
    scores = list(scores)
    ps = [s.precision for s in scores if s.tp + s.fp > 0]
    rs = [s.recall for s in scores if s.tp + s.fn > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = sum(s.exact for s in scores) / len(scores) if scores else 0.0
    return Summary(p, r, f1, acc, len(scores))
