"""The ``Rest`` service on the wire, as any thrift client (not only djangoes') sees it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from elasticsearch import ApiError
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TBufferedTransport

from djangoes_backends_thrift.generated import Rest
from djangoes_backends_thrift.generated.ttypes import Method, RestRequest, Status
from djangoes_backends_thrift.messages import http_request, query_parameters, rest_request
from djangoes_backends_thrift.server import ThriftGateway, start_in_thread
from djangoes_engine.upstream import EmbeddedUpstream
from djangoes_gateway.replies import Reply
from tests.endpoints import gateway_url as url
from tests.endpoints import thrift_connection as connect


@pytest.fixture
def rest(gateway: ThriftGateway) -> Iterator[Rest.Client]:
    """A plain generated thrift client of the gateway."""
    transport = TBufferedTransport(TSocket("127.0.0.1", gateway.port))
    transport.open()
    yield Rest.Client(TBinaryProtocol(transport))
    transport.close()


def test_repeated_query_keys_are_joined_by_commas() -> None:
    assert query_parameters("a=1&b=x%20y&a=2&empty=") == {"a": "1,2", "b": "x y", "empty": ""}


def test_a_request_keeps_its_percent_encoded_path_and_decodes_its_query() -> None:
    request = rest_request("post", "/i/_doc/a%2Fb%20c%3Fd?refresh=true&q=%C3%A9", {}, b"{}")
    assert (request.method, request.uri) == (Method.POST, "/i/_doc/a%2Fb%20c%3Fd")
    assert request.parameters == {"refresh": "true", "q": "é"}
    assert http_request(request) == (
        "POST",
        "/i/_doc/a%2Fb%20c%3Fd?refresh=true&q=%C3%A9",
        {},
        b"{}",
    )


def test_a_method_thrift_cannot_carry_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="no method 'PATCH'"):
        rest_request("PATCH", "/", {}, None)


def test_a_plain_thrift_client_is_served(rest: Rest.Client) -> None:
    response = rest.execute(RestRequest(method=Method.GET, uri="/"))
    assert response.status == Status.OK
    assert json.loads(response.body)["tagline"] == "You Know, for Search"


def test_a_query_string_in_the_uri_adds_to_the_parameters(rest: Rest.Client) -> None:
    put = rest.execute(
        RestRequest(
            method=Method.PUT,
            uri="/protocol/_doc/1?refresh=true",
            parameters={"op_type": "create"},
            headers={"content-type": "application/json"},
            body=b'{"n": 1}',
        )
    )
    assert put.status == Status.CREATED
    again = rest.execute(
        RestRequest(
            method=Method.PUT,
            uri="/protocol/_doc/1?op_type=create",
            headers={"content-type": "application/json"},
            body=b'{"n": 2}',
        )
    )
    assert again.status == Status.CONFLICT
    rest.execute(RestRequest(method=Method.DELETE, uri="/protocol"))


def test_a_request_without_a_method_is_a_400_and_the_connection_goes_on(
    rest: Rest.Client,
) -> None:
    response = rest.execute(RestRequest(uri="/"))
    assert response.status == Status.BAD_REQUEST
    assert json.loads(response.body)["error"]["type"] == "illegal_argument_exception"
    assert rest.execute(RestRequest(method=Method.HEAD, uri="/")).status == Status.OK


class TeapotUpstream:
    """An upstream whose every answer is 429, a status the thrift enum does not name."""

    def execute(self, method: str, target: str, headers: object, body: object) -> Reply:
        error = {"error": {"type": "es_rejected_execution_exception", "reason": "busy"}}
        headers = {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
        return Reply(429, headers, json.dumps({**error, "status": 429}).encode())

    def close(self) -> None:
        pass


def test_a_status_the_enum_does_not_name_arrives_as_it_is() -> None:
    assert 429 not in Status._VALUES_TO_NAMES
    gateway = start_in_thread(TeapotUpstream())
    connection = connect(url(gateway), max_retries=0)
    try:
        with pytest.raises(ApiError) as raised:
            connection.info()
        assert raised.value.meta.status == 429
        assert raised.value.error == "es_rejected_execution_exception"
    finally:
        connection.close()
        gateway.stop()


def test_http_compress_gzips_both_ways(upstream: EmbeddedUpstream) -> None:
    gateway = start_in_thread(upstream)
    connection = connect(url(gateway), http_compress=True)
    node = connection.transport.node_pool.all()[0]
    try:
        body = b'{"title": "' + b"compressible " * 500 + b'"}'
        response = node.perform_request(
            "PUT", "/gzip/_doc/1?refresh=true", body, {"content-type": "application/json"}
        )
        assert response.meta.status == 201
        response = node.perform_request("GET", "/gzip/_doc/1")
        assert response.meta.headers["content-encoding"] == "gzip"  # it travelled compressed
        assert json.loads(response.body)["_source"]["title"].count("compressible") == 500
        node.perform_request("DELETE", "/gzip")
    finally:
        connection.close()
        gateway.stop()


def test_the_gateway_binds_the_loopback_interface_by_default(upstream: EmbeddedUpstream) -> None:
    gateway = ThriftGateway(upstream, port=0)
    gateway.listen()
    try:
        assert gateway.socket.getsockname() == ("127.0.0.1", gateway.port)
    finally:
        gateway.stop()
