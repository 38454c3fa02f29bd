"""A progress bar on one line of a command's output: ``[#####.....] 1,200/3,000 documents``.

Drawn only on a terminal (or when asked for): a log file gets the final count alone.
"""

from __future__ import annotations

from typing import Any

WIDTH = 30


def bar(done: int, total: int | None, unit: str = "documents", width: int = WIDTH) -> str:
    if not total:
        return f"{done:,} {unit}"
    filled = min(width, width * done // total)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {unit}"


class ProgressBar:
    """``update(done, total)`` redraws the line; ``close()`` ends it."""

    def __init__(self, stream: Any, label: str, *, enabled: bool) -> None:
        self.stream = stream
        self.label = label
        self.enabled = enabled
        self.last: tuple[int, int | None] = (0, None)
        self.drawn = False

    def update(self, done: int, total: int | None) -> None:
        self.last = (done, total)
        if self.enabled:
            self.stream.write(f"\r{self.label} {bar(done, total)}", ending="")
            self.stream.flush()
            self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")
        self.drawn = False
