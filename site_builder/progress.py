"""A one-line progress bar on the terminal for long builds; silent when the output is piped or in CI."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

REDRAW = 0.1
"""Seconds between redraws: often enough to look alive, rarely enough to cost nothing."""

WIDTH = 30


class Progress:
    """Counts work done (``advance``) and draws ``label [#####.....] 12/40`` over itself; ``close`` clears it."""

    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None):
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() and not os.environ.get("CI")
        self._drawn = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.enabled and time.monotonic() - self._drawn >= REDRAW:
            self._draw()

    def _draw(self) -> None:
        self._drawn = time.monotonic()
        if self.total:
            filled = WIDTH * min(self.done, self.total) // self.total
            bar = f" [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total}"
        else:
            bar = f" {self.done}"
        self.stream.write(f"\r{self.label}{bar}\033[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
