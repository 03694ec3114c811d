"""A progress bar on stderr for long runs at a terminal.

The bar follows the bytes read from the inputs (so the ETA holds for any input
format) and shows documents and documents per second beside it. It appears only
when enabled (the CLI enables it when stderr is a terminal) and only after the
first second, so pipes, CI logs and short runs stay quiet.
"""
from __future__ import annotations

import sys
import time
from typing import IO

from .streams import Meter

__all__ = ["Progress"]


class Progress:
    """Call :meth:`update` once per document cleaned (and, after :meth:`second_pass`,
    once per document handed on); :meth:`close` at the end."""

    def __init__(self, meter: Meter, enabled: bool, file: IO[str] | None = None, delay: float = 1.0):
        self.meter = meter
        self.docs = 0
        self._t0 = time.perf_counter()
        self._next = 0.0
        self._bar = None
        self._by_docs = False  # a second pass: the bar counts documents, not bytes read
        self._file = file or sys.stderr
        if enabled:
            known = bool(meter.total)
            fmt = ("{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]" if known
                   else "{n_fmt} [{elapsed}{postfix}]")
            self._bar = self._tqdm(total=meter.total if known else None, unit="B", unit_scale=True,
                                   unit_divisor=1024, delay=delay, bar_format=fmt)

    def _tqdm(self, **options):
        from tqdm import tqdm

        return tqdm(file=self._file, dynamic_ncols=True, leave=False, mininterval=0, **options)

    def second_pass(self, total: int) -> None:
        """From now on count documents, ``total`` of them, handed on by a second pass
        (the template pass): its first pass has read the whole input, and a bar of
        bytes read would stand at 100% while the second one runs."""
        self._by_docs = True
        self.docs = 0
        self._t0 = time.perf_counter()
        self._next = 0.0
        if self._bar is not None:
            self._bar.close()
            self._bar = self._tqdm(total=total, unit="doc", desc="second pass",
                                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                              "[{elapsed}<{remaining}{postfix}]")

    def update(self, n: int = 1) -> None:
        self.docs += n
        if self._bar is None:
            return
        now = time.perf_counter()
        if now < self._next:
            return
        self._next = now + 0.2
        rate = self.docs / max(now - self._t0, 1e-9)
        counted = "" if self._by_docs else f"{self.docs:,} docs, "  # (a second pass's bar counts them)
        self._bar.set_postfix_str(f"{counted}{rate:,.0f} docs/s", refresh=False)
        self._bar.update((self.docs if self._by_docs else self.meter.done) - self._bar.n)

    def echo(self, message: str) -> None:
        """A line on stderr that does not break the bar."""
        if self._bar is not None:
            self._bar.write(message, file=self._bar.fp)
        else:
            print(message, file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
