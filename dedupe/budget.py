"""Per-document budgets of time and blocks, checked cooperatively by the cleaning loops.

Cleaning is linear in the size of a page, but a pathological page (a million
``<br>`` tags) can still take long and fill memory with blocks; the loops call
:meth:`Deadline.check` so such a page is rejected with a reason instead of
holding up the run. Real articles have a few thousand blocks at most.
"""
from __future__ import annotations

import time

from .errors import InputError

__all__ = ["Deadline", "OverBudget", "NO_DEADLINE", "TAGS_PER_BLOCK"]

# tags allowed per allowed block: 500,000 tags at the default limit, where the 181 news pages
# of the extraction benchmark have at most ~3,200 (median ~1,500)
TAGS_PER_BLOCK = 5


class OverBudget(InputError):
    """A document took longer to clean than its budget allows."""


class Deadline:
    """``seconds`` from now (``None``: never), and at most ``max_blocks`` blocks
    (``None``: no limit). :meth:`check` raises :class:`OverBudget` once either is passed."""

    __slots__ = ("seconds", "max_blocks", "_end")

    def __init__(self, seconds: float | None, max_blocks: int | None = None):
        self.seconds = seconds
        self.max_blocks = max_blocks
        self._end = time.monotonic() + seconds if seconds is not None else None

    def check_tags(self, markup: bytes) -> None:
        """Before parsing: a page with more than ``TAGS_PER_BLOCK * max_blocks`` tags
        (a million ``<br>``) is refused before lxml builds its tree. Every tag starts
        with ``<``, so a page no longer than the limit is not counted."""
        if self.max_blocks is None:
            return
        limit = TAGS_PER_BLOCK * self.max_blocks
        if len(markup) > limit and (tags := markup.count(b"<")) > limit:
            raise OverBudget(f"over the block limit: {tags:,} tags, more than {limit:,} "
                             "(5 per block allowed; max_blocks; --max-blocks)")

    def check(self, blocks: int = 0) -> None:
        if self.max_blocks is not None and blocks > self.max_blocks:
            raise OverBudget(f"over the block limit: more than {self.max_blocks:,} blocks "
                             "(max_blocks; --max-blocks)")
        if self._end is not None and time.monotonic() > self._end:
            raise OverBudget(f"over the time budget: cleaning took more than {self.seconds:g} s "
                             "(doc_timeout; --doc-timeout)")


NO_DEADLINE = Deadline(None)
