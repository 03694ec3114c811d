"""The compiled text kernels (``dedupe._textcore``), when they were built.

They are an optimisation only: each does what a pure-Python function of the package
does, with the same results (tests compare the two). Without a C compiler at install
time, or with ``DEDUPE_PURE_PYTHON=1`` in the environment when dedupe is imported,
the pure-Python functions run instead.
"""
from __future__ import annotations

import os

__all__ = ["kernels"]


def kernels():
    """The ``_textcore`` module, or ``None`` when it is missing or switched off."""
    if os.environ.get("DEDUPE_PURE_PYTHON"):
        return None
    try:
        from . import _textcore
    except ImportError:
        return None
    return _textcore
