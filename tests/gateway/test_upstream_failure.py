"""An upstream that fails is a 502 in Elasticsearch's shape, through either gateway: what a client
of Elasticsearch expects of a proxy whose upstream fails, and retries on another node."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from elasticsearch import ApiError

from djangoes_backends_memcached.server import start_in_thread as memcached_gateway
from djangoes_backends_thrift.server import start_in_thread as thrift_gateway
from djangoes_gateway.replies import Reply
from djangoes_gateway.serving import GatewayServer
from djangoes_gateway.upstreams import HttpUpstream, Upstream
from tests.endpoints import memcached_client
from tests.endpoints import thrift_connection as connect
from tests.support import free_port

#: Each gateway: how to start one, how to be its client.
GATEWAYS: dict[str, tuple[Callable[[Upstream], GatewayServer], Callable[[int], Any]]] = {
    "thrift": (thrift_gateway, lambda port: connect(f"http://127.0.0.1:{port}", max_retries=0)),
    "memcached": (memcached_gateway, lambda port: memcached_client(port, max_retries=0)),
}


class Broken:
    """An upstream with a bug: it raises, where an upstream should answer."""

    def __repr__(self) -> str:
        return "<Broken>"

    def execute(self, method: str, target: str, headers: object, body: object) -> Reply:
        raise RuntimeError("a bug")

    def close(self) -> None:
        pass


@pytest.fixture(params=sorted(GATEWAYS))
def through(request: pytest.FixtureRequest) -> Iterator[Callable[[Upstream], Any]]:
    """A client through a gateway (of each kind in turn) in front of the given upstream."""
    start, client = GATEWAYS[request.param]
    opened: list[tuple[GatewayServer, Any]] = []

    def make(upstream: Upstream) -> Any:
        gateway = start(upstream)
        opened.append((gateway, client(gateway.port)))
        return opened[-1][1]

    yield make
    for gateway, connection in opened:
        connection.close()
        gateway.stop()


def test_an_upstream_that_cannot_be_reached_is_a_502(through: Callable[[Upstream], Any]) -> None:
    client = through(HttpUpstream(f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(ApiError) as raised:
        client.info()
    assert raised.value.meta.status == 502
    assert raised.value.error == "gateway_upstream_exception"


def test_an_upstream_that_raises_is_a_502_and_the_gateway_goes_on(
    through: Callable[[Upstream], Any], caplog: pytest.LogCaptureFixture
) -> None:
    client = through(Broken())
    for _ in range(2):
        with caplog.at_level(logging.ERROR), pytest.raises(ApiError) as raised:
            client.info()
        assert raised.value.meta.status == 502
        assert raised.value.error == "gateway_upstream_exception"
        assert "<Broken>: RuntimeError" in str(raised.value.info)
    failures = [r for r in caplog.records if r.getMessage().endswith("GET / failed")]
    assert len(failures) == 2
    assert all(r.exc_info for r in failures)
