"""``request_timeout`` bounds every call: a server that never answers is a ConnectionTimeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from elastic_transport import ConnectionTimeout

from djangoes_backends_thrift.server import start_in_thread
from djangoes_gateway.replies import Reply
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections, reads what comes and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for sock in accepted:
        sock.close()


class StallingUpstream:
    """An upstream that answers only once it is released (or after ``limit`` seconds)."""

    def __init__(self, limit: float = 5.0) -> None:
        self.released = threading.Event()
        self.limit = limit

    def execute(self, method: str, target: str, headers: object, body: object) -> Reply:
        self.released.wait(self.limit)
        return Reply(200, {"x-elastic-product": "Elasticsearch"}, b"{}")

    def close(self) -> None:
        self.released.set()


def test_a_server_that_never_answers_times_out(silent_port: int) -> None:
    connection = connect(url(silent_port), request_timeout=0.3, max_retries=0)
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout):
        connection.info()
    assert time.monotonic() - start < 2
    connection.close()


def test_a_stalled_upstream_times_out_and_its_connection_is_not_reused() -> None:
    upstream = StallingUpstream()
    gateway = start_in_thread(upstream)
    connection = connect(url(gateway), request_timeout=0.3, max_retries=0)
    try:
        with pytest.raises(ConnectionTimeout):
            connection.info()
        node = connection.transport.node_pool.all()[0]
        assert node.pool.idle == 0  # the timed-out connection was closed, not pooled
        upstream.released.set()
        assert connection.client.options(request_timeout=5).info() == {}
        assert gateway.accepted == 2
    finally:
        connection.close()
        gateway.stop()
        upstream.close()


def test_a_per_request_timeout_overrides_the_node_s() -> None:
    upstream = StallingUpstream(limit=0.5)
    stalled = start_in_thread(upstream)
    connection = connect(url(stalled), request_timeout=0.1, max_retries=0)
    try:
        assert connection.client.options(request_timeout=3).info() == {}
    finally:
        connection.close()
        stalled.stop()
