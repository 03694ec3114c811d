"""A per-document time budget, checked cooperatively by the cleaning loops.

Cleaning is linear in the size of a page, but a pathological page (a million
``<br>`` tags) can still take long; the loops call :meth:`Deadline.check` so such
a page is rejected with a reason instead of holding up the run.
"""
from __future__ import annotations

import time

from .errors import InputError

__all__ = ["Deadline", "OverBudget", "NO_DEADLINE"]


class OverBudget(InputError):
    """A document took longer to clean than its budget allows."""


class Deadline:
    """``seconds`` from now (``None``: never). :meth:`check` raises :class:`OverBudget` once passed."""

    __slots__ = ("seconds", "_end")

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self._end = time.monotonic() + seconds if seconds is not None else None

    def check(self) -> None:
        if self._end is not None and time.monotonic() > self._end:
            raise OverBudget(f"over the time budget: cleaning took more than {self.seconds:g} s "
                             "(doc_timeout; --doc-timeout)")


NO_DEADLINE = Deadline(None)
