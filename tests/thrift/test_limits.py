"""The thrift gateway sheds load: idle connections at the cap make room for active clients, a
call trickled in (or a TLS handshake) is cut, busy connections are never cut, stop is bounded.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import trustme
from elastic_transport import ConnectionError as TransportConnectionError

from djangoes_backends_thrift.server import ThriftGateway, start_in_thread
from djangoes_backends_thrift.tls import server_context
from djangoes_engine.upstream import EmbeddedUpstream
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect

from ..shedding import HeldUpstream, closed, wait_until
from .test_robustness import call


@pytest.fixture
def make_gateway() -> Iterator[Callable[..., ThriftGateway]]:
    gateways: list[ThriftGateway] = []

    def make(upstream: object, **options: object) -> ThriftGateway:
        gateway = start_in_thread(upstream, **options)  # type: ignore[arg-type]
        gateways.append(gateway)
        return gateway

    yield make
    for gateway in gateways:
        gateway.stop(timeout=2)


def test_idle_connections_at_the_cap_no_longer_lock_an_active_client_out(
    upstream: EmbeddedUpstream, make_gateway: Callable[..., ThriftGateway]
) -> None:
    gateway = make_gateway(upstream, max_connections=16)
    idle = [socket.create_connection(("127.0.0.1", gateway.port)) for _ in range(40)]
    assert wait_until(lambda: gateway.stats()["accepted"] == 40)
    connection = connect(url(gateway), max_retries=0)
    try:
        assert connection.info()["tagline"] == "You Know, for Search"
    finally:
        connection.close()
    stats = gateway.stats()
    assert stats["evicted"] >= 40 - 16 + 1
    assert stats["peak_connections"] <= 16
    assert all(closed(sock) for sock in idle[: 40 - 16 + 1])  # oldest first
    for sock in idle:
        sock.close()


def test_a_call_trickled_in_is_cut_after_the_read_timeout(
    held: HeldUpstream, make_gateway: Callable[..., ThriftGateway]
) -> None:
    gateway = make_gateway(held, read_timeout=0.5)
    data = call(framed=False)
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    sent = 0
    for byte in data[:-1]:  # a byte every 50 ms, never the last one
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            break
        sent += 1
        time.sleep(0.05)
    assert closed(sock)
    assert sent < len(data) - 1
    assert gateway.stats()["read_timeouts"] == 1
    assert held.calls == 0


def test_a_tls_handshake_that_never_comes_is_cut(
    upstream: EmbeddedUpstream,
    make_gateway: Callable[..., ThriftGateway],
    ca: trustme.CA,
    tmp_path: object,
) -> None:
    pem = f"{tmp_path}/gateway.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(pem)
    gateway = make_gateway(upstream, ssl_context=server_context(pem), read_timeout=0.3)
    silent = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    assert closed(silent)
    assert gateway.stats()["read_timeouts"] == 1


def test_when_every_connection_is_busy_a_newcomer_is_refused_and_busy_ones_are_kept(
    held: HeldUpstream, make_gateway: Callable[..., ThriftGateway]
) -> None:
    gateway = make_gateway(held, max_connections=2, read_timeout=0.2, idle_timeout=0.2)
    busy = [connect(url(gateway), max_retries=0, request_timeout=30) for _ in range(2)]
    results: list[object] = []
    threads = [threading.Thread(target=lambda c=c: results.append(c.info())) for c in busy]
    for thread in threads:
        thread.start()
    assert wait_until(lambda: gateway.stats()["busy"] == 2)
    time.sleep(0.5)  # longer than both timeouts: running calls are never cut
    refused = connect(url(gateway), max_retries=0)
    with pytest.raises(TransportConnectionError):
        refused.info()
    held.release.set()
    for thread in threads:
        thread.join(10)
    assert results == [{"tagline": "held"}] * 2
    assert refused.info() == {"tagline": "held"}  # room again: an idle one was evicted
    stats = gateway.stats()
    assert stats["refused"] >= 1
    assert stats["read_timeouts"] == 0
    for connection in [*busy, refused]:
        connection.close()


def test_stop_returns_although_the_upstream_hangs(held: HeldUpstream) -> None:
    gateway = start_in_thread(held)
    connection = connect(url(gateway), max_retries=0, request_timeout=30)
    outcome: list[BaseException] = []

    def call_info() -> None:
        try:
            connection.info()
        except TransportConnectionError as error:
            outcome.append(error)

    caller = threading.Thread(target=call_info)
    caller.start()
    assert wait_until(lambda: gateway.stats()["busy"] == 1)
    stopper = threading.Thread(target=gateway.stop, kwargs={"timeout": 0.5})
    stopper.start()
    stopper.join(10)
    assert not stopper.is_alive()  # returned, the upstream call still hanging
    caller.join(10)
    assert len(outcome) == 1  # its client saw the connection close
    assert not held.release.is_set()
    connection.close()
