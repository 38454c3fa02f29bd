"""Dead nodes: retried elsewhere, as over HTTP; all of them dead is a ConnectionError, soon."""

from __future__ import annotations

import time

import elastic_transport
import pytest
from elasticsearch import ConnectionError

from djangoes_backends_thrift.server import ThriftGateway, start_in_thread
from djangoes_engine.upstream import EmbeddedUpstream
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect
from tests.support import free_port


def test_requests_succeed_while_one_of_two_hosts_is_down(
    gateway: ThriftGateway, refused_port: int
) -> None:
    connection = connect(url(refused_port), url(gateway), max_retries=1)
    for _ in range(10):
        assert connection.info()["tagline"] == "You Know, for Search"
    nodes = connection.transport.node_pool.all()
    assert {node.port for node in nodes} == {refused_port, gateway.port}
    connection.close()


def test_with_every_host_down_the_error_is_a_connection_error_at_once() -> None:
    connection = connect(url(free_port()), url(free_port()))
    start = time.monotonic()
    with pytest.raises(ConnectionError) as raised:
        connection.info()
    assert time.monotonic() - start < 2
    assert isinstance(raised.value, elastic_transport.ConnectionError)
    assert "Connection refused" in raised.value.message
    connection.close()


def test_a_host_that_comes_back_is_used_again(
    upstream: EmbeddedUpstream, refused_port: int
) -> None:
    connection = connect(url(refused_port), dead_node_backoff_factor=0.01, max_retries=0)
    with pytest.raises(ConnectionError):
        connection.info()
    revived = start_in_thread(upstream, port=refused_port)
    try:
        assert connection.info()["tagline"] == "You Know, for Search"
    finally:
        revived.stop()
        connection.close()
