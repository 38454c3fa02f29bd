"""Each node keeps a pool of open connections: shared by threads, bounded, healed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from djangoes_backends_thrift.server import ThriftGateway, start_in_thread
from djangoes_engine.upstream import EmbeddedUpstream
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect


def test_sequential_requests_reuse_one_connection(gateway: ThriftGateway) -> None:
    connection = connect(url(gateway))
    for _ in range(20):
        connection.info()
    assert gateway.accepted == 1
    connection.close()


def test_threads_share_a_node_and_never_open_more_than_connections_per_node(
    gateway: ThriftGateway,
) -> None:
    connection = connect(url(gateway), connections_per_node=3)
    busiest = 0
    lock = threading.Lock()

    def search(n: int) -> int:
        nonlocal busiest
        result = connection.client.count(index="*")["count"]
        with lock:
            busiest = max(busiest, gateway.connections)
        return result

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(search, range(200)))
    assert len(results) == 200
    assert 1 < gateway.accepted <= 3  # concurrent, and bounded
    assert busiest <= 3
    node = connection.transport.node_pool.all()[0]
    assert 1 <= node.pool.idle <= 3
    connection.close()
    assert node.pool.idle == 0


def test_a_connection_the_gateway_closed_is_replaced_not_used(upstream: EmbeddedUpstream) -> None:
    gateway = start_in_thread(upstream, idle_timeout=0.1)
    connection = connect(url(gateway), max_retries=0)
    try:
        connection.info()
        deadline = time.monotonic() + 5
        while gateway.connections and time.monotonic() < deadline:
            time.sleep(0.02)
        assert gateway.connections == 0  # the gateway closed the idle connection
        assert connection.info()["tagline"] == "You Know, for Search"  # no error, no retry
        assert gateway.accepted == 2
    finally:
        connection.close()
        gateway.stop()
