"""A flood of wrong credentials: many keep-alive connections, each sending requests with a wrong
password as fast as the server answers them, until stopped; the answers' statuses counted.

Used by tests/security/test_engine_flood.py and bench/auth_flood.py.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
from collections import Counter
from http.client import HTTPConnection
from typing import Any


class Flood:
    """``connections`` threads, each with its own connection, guessing ``user``'s password
    among ``passwords`` wrong ones (each a slow check the first time, remembered after)."""

    def __init__(
        self, host: str, port: int, user: str, connections: int = 200, passwords: int = 8
    ) -> None:
        self.host, self.port, self.user = host, port, user
        self.statuses: Counter[int] = Counter()
        self.errors: Counter[str] = Counter()
        self._passwords = passwords
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connected = threading.Semaphore(0)
        self._connections: list[HTTPConnection] = []
        self._threads = [
            threading.Thread(target=self._run, args=(n,), name=f"flood-{n}", daemon=True)
            for n in range(connections)
        ]

    def __enter__(self) -> Flood:
        for thread in self._threads:
            thread.start()
        for _ in self._threads:  # every connection open before the flood counts as started
            self._connected.acquire()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def answered(self) -> int:
        with self._lock:
            return sum(self.statuses.values())

    def _run(self, number: int) -> None:
        secret = f"guess-{number % self._passwords}"
        token = base64.b64encode(f"{self.user}:{secret}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        connection = HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.connect()
        finally:
            self._connected.release()
        with self._lock:
            self._connections.append(connection)
        while not self._stop.is_set():
            try:
                connection.request("GET", "/_search", headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, ValueError) as exc:  # stopped (the socket shut), or cut
                if not self._stop.is_set():
                    with self._lock:
                        self.errors[type(exc).__name__] += 1
                break
            with self._lock:
                self.statuses[response.status] += 1
        connection.close()

    def stop(self) -> None:
        """Stop guessing: the connections are shut, waking those waiting for an answer."""
        self._stop.set()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            if connection.sock is not None:
                with contextlib.suppress(OSError):
                    connection.sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(30)
