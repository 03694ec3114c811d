"""The compiled text kernels (``dedupe._native``), when they were built.

They are an optimisation only: each does what a pure-Python function of the package
does, with the same results (tests compare the two). Without a C compiler at install
time, or with ``DEDUPE_PURE_PYTHON=1`` in the environment when dedupe is imported,
the pure-Python functions run instead.
"""
from __future__ import annotations

import os

__all__ = ["kernels"]


def kernels():
    """The ``_native`` package, or ``None`` when it was not built or is switched off."""
    if os.environ.get("DEDUPE_PURE_PYTHON"):
        return None
    try:
        from . import _native
    except ImportError:
        return None
    return _native
