"""Case folding for cue patterns: ``str.lower`` plus the letters that ``re.IGNORECASE``
matches to others though ``str.lower`` keeps them apart.

A pattern written in lower case and matched, without IGNORECASE, against the folded
text (:attr:`dedupe.segment.Segment.low`) gives the answers of the case-insensitive
pattern over the text, and scans several times faster.
"""
from __future__ import annotations

import re

__all__ = ["fold_case"]

# Letters that re.IGNORECASE matches to letters of the cue words (and month names) though str.lower()
# keeps them apart: dotless ı and İ (lowered to i + U+0307) for i, long ſ for s, old
# Cyrillic letter forms. Segment.low folds them, so that a cue pattern over the
# lower-cased text, and the gates in front of the case-insensitive ones, agree with
# case-insensitive matching.
_CASE_EXTRA = re.compile("[\u0131\u017f\u0307\u1c80-\u1c85]")
_CASE_FOLD = str.maketrans("\u0131\u017f\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85", "isвдостт")
# what the compiled fold (dedupe._native) leaves to fold_case: final sigma and dotted
# capital I (str.lower maps them by context, or to two characters), and the dot above
# that fold_case drops after an i
FOLD_BY_PYTHON = "\u03a3\u0130\u0307"


def fold_case(text: str) -> str:
    """``text`` in lower case, with the letters that ``re.IGNORECASE`` matches to cue-word
    letters folded to them (:attr:`Segment.low`). Lines keep their breaks, so a page of
    blocks joined by newlines folds to the blocks' folded texts joined by newlines."""
    low = text.lower()
    if not low.isascii() and _CASE_EXTRA.search(low):
        low = low.replace("i\u0307", "i").translate(_CASE_FOLD)
    return low
