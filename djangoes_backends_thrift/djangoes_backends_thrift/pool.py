"""A node's open connections: at most ``connections_per_node``, reused, shared by threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .connection import Connection

__all__ = ["ConnectionPool"]


class ConnectionPool:
    """Idle connections kept for reuse, most recent first; a failed one is closed, not kept.

    A caller holds one of ``size`` slots while it uses a connection, and waits for a slot when
    all are taken (as elastic-transport's urllib3 node does): never more than ``size`` sockets
    are open at once.
    """

    def __init__(self, open: Callable[[float | None], Connection], size: int) -> None:
        self._open = open
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self.size = size

    @property
    def idle(self) -> int:
        """How many connections are open and waiting for a request."""
        return len(self._idle)

    @contextmanager
    def connection(self, timeout: float | None) -> Iterator[Connection]:
        """An open connection for one call: an idle one if any is still open, else a new one
        (opened within ``timeout``)."""
        with self._slots:
            connection = self._take() or self._open(timeout)
            try:
                yield connection
            except BaseException:
                connection.close()
                raise
            with self._lock:
                self._idle.append(connection)

    def _take(self) -> Connection | None:
        while True:
            with self._lock:
                if not self._idle:
                    return None
                connection = self._idle.pop()
            if connection.reusable():
                return connection
            connection.close()

    def close(self) -> None:
        """Close the idle connections (the pool stays usable: a later call opens new ones)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
