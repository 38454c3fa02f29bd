"""A bounded pool of pylibmc clients: one thread at a time on each, so one TCP connection per
request in flight, which is what lets the gateway keep a write's answer per connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pylibmc


class PoolTimeout(Exception):
    """Every client stayed busy for as long as a request may wait."""


class ClientPool:
    """At most ``size`` clients, made when first needed and reused last-in first-out.

    A client that fails is dropped, not reused: its connection may be in any state, and
    libmemcached would keep refusing a server it marked as failing.
    """

    def __init__(self, factory: Callable[[], pylibmc.Client], size: int) -> None:
        if size < 1:
            raise ValueError(f"a client pool needs at least one client, not {size}")
        self.size = size
        self.created = 0
        self._factory = factory
        self._idle: list[pylibmc.Client] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def client(self, timeout: float | None = None) -> Iterator[pylibmc.Client]:
        """A client for this thread alone, waiting ``timeout`` seconds (None: forever)."""
        if not self._slots.acquire(timeout=timeout):
            raise PoolTimeout(f"all {self.size} connections stayed busy for {timeout}s")
        try:
            with self._lock:
                client = self._idle.pop() if self._idle else None
                if client is None:
                    self.created += 1
            if client is None:
                client = self._factory()
            try:
                yield client
            except BaseException:
                client.disconnect_all()
                raise
            with self._lock:
                if not self._closed:
                    self._idle.append(client)
                    client = None
            if client is not None:
                client.disconnect_all()
        finally:
            self._slots.release()

    def close(self) -> None:
        """Close the idle connections; clients in use are closed when given back."""
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for client in idle:
            client.disconnect_all()
