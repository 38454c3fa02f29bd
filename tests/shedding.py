"""What the tests of servers that shed load share: waiting for a server's state, reading what a
server sent before it closed a connection, and an upstream that answers only when told to."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from djangoes_gateway.replies import Reply


def wait_until(predicate: Callable[[], bool], timeout: float = 10) -> bool:
    """Whether ``predicate`` came true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def received(sock: socket.socket, within: float = 10) -> bytes | None:
    """What the server sent before closing the connection (EOF or reset) within ``within``
    seconds; None if it kept the connection open."""
    sock.settimeout(within)
    data = b""
    try:
        while chunk := sock.recv(1024):
            data += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        return None
    return data


def closed(sock: socket.socket, within: float = 10) -> bool:
    """Whether the server closed the connection, without a word, within ``within`` seconds."""
    return received(sock, within) == b""


class HeldUpstream:
    """A gateway's upstream that answers once :attr:`release` is set; counts the calls."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def execute(self, method: str, target: str, headers: object, body: object) -> Reply:
        self.calls += 1
        self.release.wait()
        return Reply(200, {"x-elastic-product": "Elasticsearch"}, b'{"tagline": "held"}')

    def close(self) -> None:
        self.release.set()


@pytest.fixture
def held() -> Iterator[HeldUpstream]:
    upstream = HeldUpstream()
    yield upstream
    upstream.release.set()
