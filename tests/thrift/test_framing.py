"""Buffered and framed transports both work; a client and gateway that disagree fail fast."""

from __future__ import annotations

import time

import pytest
from elasticsearch import ConnectionError

from djangoes_backends_thrift import FramedThriftNode, ThriftNode
from djangoes_backends_thrift.server import ThriftGateway
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect


def node_class(connection: object) -> type:
    return type(connection.transport.node_pool.all()[0])  # type: ignore[attr-defined]


def test_buffered_by_default(gateway: ThriftGateway) -> None:
    connection = connect(url(gateway))
    assert node_class(connection) is ThriftNode
    assert connection.info()["tagline"] == "You Know, for Search"
    connection.close()


def test_framed_when_params_say_so(framed_gateway: ThriftGateway) -> None:
    connection = connect(url(framed_gateway), framed_transport=True)
    assert node_class(connection) is FramedThriftNode
    connection.client.index(index="framed", id="1", document={"n": 1}, refresh=True)
    assert connection.client.get(index="framed", id="1")["_source"] == {"n": 1}
    connection.client.indices.delete(index="framed")
    connection.close()


@pytest.mark.parametrize(
    ("gateway_fixture", "framed"),
    [("gateway", True), ("framed_gateway", False)],
    ids=["framed client, buffered gateway", "buffered client, framed gateway"],
)
def test_mismatched_framing_is_a_connection_error_not_a_hang(
    request: pytest.FixtureRequest, gateway_fixture: str, framed: bool
) -> None:
    server = request.getfixturevalue(gateway_fixture)
    connection = connect(url(server), framed_transport=framed, request_timeout=10)
    start = time.monotonic()
    with pytest.raises(ConnectionError):
        connection.info()
    assert time.monotonic() - start < 2
    connection.close()
