"""The pool of the gateway transports' nodes (``djangoes.backends.node.ConnectionPool``).

A request that finds all ``connections_per_node`` connections busy waits for one at most its
own timeout, then fails with a ConnectionTimeout, as a request that got no answer in time does;
it opens no connection of its own. The gateway here holds one request back until told.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from elastic_transport import ConnectionTimeout

from djangoes_backends_memcached import server as memcached
from djangoes_backends_thrift import server as thrift
from djangoes_engine.upstream import EmbeddedUpstream
from djangoes_gateway.replies import Reply
from tests.endpoints import connect

GATEWAYS = {"thrift": thrift.start_in_thread, "memcached": memcached.start_in_thread}
TIMEOUT = 0.3
#: Scheduling: what a wait may take beyond its timeout.
MARGIN = 1.0


class HeldUpstream(EmbeddedUpstream):
    """The engine, except that ``GET /_held`` waits for :attr:`release` (then answers ``/``)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()
        self.release = threading.Event()

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        if target == "/_held":
            self.arrived.set()
            self.release.wait(30)
            target = "/"
        return super().execute(method, target, headers, body)


@pytest.fixture(params=list(GATEWAYS))
def gateway(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any, HeldUpstream]]:
    upstream = HeldUpstream()
    server = GATEWAYS[request.param](upstream)
    yield request.param, server, upstream
    upstream.release.set()
    server.stop()
    upstream.close()


def test_a_busy_pool_is_waited_for_at_most_the_request_timeout(
    gateway: tuple[str, Any, HeldUpstream],
) -> None:
    engine, server, upstream = gateway
    endpoint = {"ENGINE": engine, "HOSTS": [f"http://127.0.0.1:{server.port}"]}
    params = {"connections_per_node": 1, "max_retries": 0, "request_timeout": 30}
    handler = connect(endpoint, PARAMS=params)
    connection = handler["default"]
    with ThreadPoolExecutor(1) as worker:
        held = worker.submit(connection.client.perform_request, "GET", "/_held")
        assert upstream.arrived.wait(10)
        started = time.monotonic()
        with pytest.raises(ConnectionTimeout) as raised:
            connection.options(request_timeout=TIMEOUT).info()
        waited = time.monotonic() - started
        upstream.release.set()
        assert held.result(10)["tagline"] == "You Know, for Search"
    assert TIMEOUT <= waited < TIMEOUT + MARGIN
    assert "all 1 (connections_per_node) were busy" in raised.value.message
    assert server.accepted == 1  # the request that waited opened no connection
    assert connection.info()["tagline"] == "You Know, for Search"  # the slot is free again
    (node,) = connection.transport.node_pool.all()
    assert node.pool.created == 1
    handler.close_all()
