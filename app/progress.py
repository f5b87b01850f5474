"""A plain progress bar for the command line (stderr, redrawn in place; one line per update
when stderr is not a terminal, so logs stay readable)."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    def __init__(self, total: int, label: str, *, stream: TextIO | None = None) -> None:
        self.total = max(total, 0)
        self.done = 0
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw()

    def close(self) -> None:
        if self.stream.isatty():
            self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        width = 30
        share = self.done / self.total if self.total else 1.0
        filled = min(width, int(width * share))
        line = f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
        if self.stream.isatty():
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
