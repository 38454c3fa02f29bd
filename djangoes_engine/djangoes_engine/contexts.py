"""Search contexts that outlive a request: scrolls and points in time.

Both pin the readers they were opened on, so that pages come from one unchanging view of the
data however many writes and refreshes happen meanwhile, and both expire after their
``keep_alive`` unless used again.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .dates import parse_time_value
from .errors import IllegalArgument, NotFound

#: Elasticsearch's ``search.max_keep_alive``.
MAX_KEEP_ALIVE = 24 * 3600.0


@dataclass
class ScrollContext:
    """A scroll: every hit of the search in order, and how far the client has read."""

    candidates: list[Any]
    targets: list[Any]
    request: Any
    total: int
    keep_alive: float
    position: int = 0
    expires: float = field(default=0.0)


@dataclass
class PointInTime:
    """Readers pinned for a sequence of searches (``search_after`` pagination)."""

    targets: list[Any]
    keep_alive: float
    expires: float = field(default=0.0)
    #: When it was opened, in epoch milliseconds (OpenSearch's PIT API shows it).
    created: int = field(default=0)


class Contexts:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scrolls: dict[str, ScrollContext] = {}
        self._pits: dict[str, PointInTime] = {}

    @staticmethod
    def _new_id(prefix: bytes) -> str:
        return base64.urlsafe_b64encode(prefix + os.urandom(18)).decode().rstrip("=")

    def add_scroll(self, context: ScrollContext) -> str:
        context.expires = time.monotonic() + context.keep_alive
        scroll_id = self._new_id(b"scroll:")
        with self._lock:
            self._scrolls[scroll_id] = context
        return scroll_id

    def scroll(self, scroll_id: str, keep_alive: float | None) -> ScrollContext:
        with self._lock:
            context = self._scrolls.get(scroll_id)
            if context is None or context.expires < time.monotonic():
                self._scrolls.pop(scroll_id, None)
                raise NotFound(
                    f"No search context found for id [{scroll_id}]",
                    type="search_context_missing_exception",
                )
            if keep_alive is not None:
                context.keep_alive = keep_alive
            context.expires = time.monotonic() + context.keep_alive
            return context

    def clear_scrolls(self, scroll_ids: list[str] | None) -> int:
        with self._lock:
            if scroll_ids is None:
                freed = len(self._scrolls)
                self._scrolls.clear()
                return freed
            return sum(1 for s in scroll_ids if self._scrolls.pop(s, None) is not None)

    def open_pit(self, pit: PointInTime) -> str:
        pit.expires = time.monotonic() + pit.keep_alive
        pit_id = self._new_id(b"pit:")
        with self._lock:
            self._pits[pit_id] = pit
        return pit_id

    def pit(self, pit_id: str, keep_alive: float | None) -> PointInTime:
        with self._lock:
            pit = self._pits.get(pit_id)
            if pit is None or pit.expires < time.monotonic():
                self._pits.pop(pit_id, None)
                raise NotFound(
                    f"No search context found for id [{pit_id}]",
                    type="search_context_missing_exception",
                )
            if keep_alive is not None:
                pit.keep_alive = keep_alive
            pit.expires = time.monotonic() + pit.keep_alive
            return pit

    def close_pit(self, pit_id: str) -> bool:
        with self._lock:
            return self._pits.pop(pit_id, None) is not None

    def pits(self) -> dict[str, PointInTime]:
        """The points in time still open, by id."""
        self.expire()
        with self._lock:
            return dict(self._pits)

    def expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            for store in (self._scrolls, self._pits):
                for key in [k for k, c in store.items() if c.expires < now]:
                    del store[key]

    def forget_index(self, index: object) -> None:
        """Drop contexts that read a deleted index: their readers point at removed files."""
        with self._lock:
            for store in (self._scrolls, self._pits):
                for key in [
                    k for k, c in store.items() if any(t.index is index for t in c.targets)
                ]:
                    del store[key]

    def open_on(self, index: object) -> tuple[int, int]:
        """(scrolls, points in time) that read ``index``."""
        with self._lock:
            scrolls = sum(1 for c in self._scrolls.values() if _reads(c.targets, index))
            pits = sum(1 for c in self._pits.values() if _reads(c.targets, index))
        return scrolls, pits

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {"scroll": len(self._scrolls), "pit": len(self._pits)}


def keep_alive_seconds(value: Any, setting: str = "keep_alive") -> float:
    seconds = parse_time_value(str(value), setting)
    if seconds > MAX_KEEP_ALIVE:
        raise IllegalArgument(
            f"Keep alive for request ({value}) is too large. It must be less than (1d). This "
            "limit can be set by changing the [search.max_keep_alive] cluster level setting."
        )
    return seconds


def _reads(targets: list[Any], index: object) -> bool:
    return any(t.index is index for t in targets)
