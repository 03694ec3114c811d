"""dedupe's native text kernels (Cython), loaded by :mod:`dedupe.native`.

Each kernel does what a pure-Python function of the package does (named in its
docstring), with the same results, character by character in C instead of one
``str`` or ``re`` call per line or block. Regular expressions, tables and cue
functions are passed in from the Python modules, which keep the only copy of each
rule. Importing this package fails (ImportError) where the extensions were not built.
"""
from .counts import FLAG_BITS, char_flags, count_blocks, count_segments
from .gates import LiteralGates
from .headline import Headline
from .labels import Labeller
from .prose import ProseRules
from .regions import Regions
from .segment import Segment, SegmentRules

__all__ = ["FLAG_BITS", "char_flags", "count_blocks", "count_segments", "Headline", "LiteralGates", "Labeller", "ProseRules", "Regions",
           "Segment", "SegmentRules"]
