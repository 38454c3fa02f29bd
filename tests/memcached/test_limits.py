"""The memcached gateway sheds load: idle connections at the cap make room for active clients,
a command trickled in is cut, a newcomer finding every connection busy is told so (as memcached
tells it), and stop is bounded.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from djangoes_backends_memcached.server import (
    TOO_MANY_CONNECTIONS,
    MemcachedGateway,
    start_in_thread,
)
from djangoes_gateway.upstreams import HttpUpstream
from tests.endpoints import memcached_client

from ..shedding import HeldUpstream, received, wait_until


@pytest.fixture
def make_gateway() -> Iterator[Callable[..., MemcachedGateway]]:
    gateways: list[MemcachedGateway] = []

    def make(upstream: object, **options: object) -> MemcachedGateway:
        gateway = start_in_thread(upstream, **options)  # type: ignore[arg-type]
        gateways.append(gateway)
        return gateway

    yield make
    for gateway in gateways:
        gateway.stop(timeout=2)


@pytest.mark.parametrize("protocol", ["text", "binary"])
def test_idle_connections_at_the_cap_make_room_for_an_active_client(
    upstream: HttpUpstream, make_gateway: Callable[..., MemcachedGateway], protocol: str
) -> None:
    gateway = make_gateway(upstream, max_connections=16)
    idle = [socket.create_connection(("127.0.0.1", gateway.port)) for _ in range(40)]
    assert wait_until(lambda: gateway.stats()["accepted"] == 40)
    client = memcached_client(gateway.port, binary=protocol == "binary", max_retries=0)
    try:
        assert client.info()["tagline"] == "You Know, for Search"
    finally:
        client.close()
    stats = gateway.stats()
    assert stats["evicted"] >= 40 - 16 + 1
    assert stats["peak_connections"] <= 16
    assert all(received(sock) == b"" for sock in idle[: 40 - 16 + 1])  # oldest first
    for sock in idle:
        sock.close()


def test_a_value_trickled_in_is_cut_after_the_read_timeout(
    held: HeldUpstream, make_gateway: Callable[..., MemcachedGateway]
) -> None:
    gateway = make_gateway(held, read_timeout=0.5)
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    sock.sendall(b"set /index/_doc/1 0 0 1000\r\n")
    sent = 0
    for _ in range(100):  # a byte every 50 ms: 5 s if nobody cuts it
        try:
            sock.sendall(b"x")
        except OSError:
            break
        sent += 1
        time.sleep(0.05)
    assert received(sock) == b""
    assert sent < 100
    assert gateway.stats()["read_timeouts"] == 1
    assert held.calls == 0


def test_an_idle_connection_is_closed_after_the_idle_timeout(
    upstream: HttpUpstream, make_gateway: Callable[..., MemcachedGateway]
) -> None:
    gateway = make_gateway(upstream, idle_timeout=0.3)
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    sock.sendall(b"version\r\n")
    assert sock.recv(1024).startswith(b"VERSION ")
    assert received(sock) == b""
    assert gateway.stats()["idle_timeouts"] == 1


def test_a_newcomer_finding_every_connection_busy_is_told_as_memcached_tells_it(
    held: HeldUpstream, make_gateway: Callable[..., MemcachedGateway]
) -> None:
    gateway = make_gateway(held, max_connections=2, read_timeout=0.2, idle_timeout=0.2)
    busy = [socket.create_connection(("127.0.0.1", gateway.port), timeout=10) for _ in range(2)]
    for sock in busy:
        sock.sendall(b"get /\r\n")
    assert wait_until(lambda: gateway.stats()["busy"] == 2)
    time.sleep(0.5)  # longer than both timeouts: running commands are never cut
    newcomer = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    assert received(newcomer) == TOO_MANY_CONNECTIONS
    held.release.set()
    for sock in busy:
        assert sock.recv(4096).startswith(b"VALUE /")
    assert gateway.stats()["refused"] == 1


def test_stop_returns_although_the_upstream_hangs(held: HeldUpstream) -> None:
    gateway = start_in_thread(held)
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    sock.sendall(b"get /\r\n")
    assert wait_until(lambda: gateway.stats()["busy"] == 1)
    stopper = threading.Thread(target=gateway.stop, kwargs={"timeout": 0.5})
    stopper.start()
    stopper.join(10)
    assert not stopper.is_alive()  # returned, the upstream call still hanging
    assert received(sock) == b""  # and the connection was closed
    assert not held.release.is_set()
