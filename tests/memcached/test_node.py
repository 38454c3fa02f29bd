"""MemcachedNode through the gateway: the same answers as over HTTP, in both protocols, and
elastic-transport's errors when the gateway cannot be reached."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, Elasticsearch

from djangoes_backends_memcached.server import start_in_thread
from djangoes_gateway.upstreams import HttpUpstream
from tests.endpoints import memcached_client
from tests.support import free_port


def outcomes(client: Elasticsearch, name: str) -> list[tuple[int, Any]]:
    """Status and body of a series of writes (and failing ones) on the index ``name``."""
    calls: list[Callable[[], Any]] = [
        lambda: client.indices.create(index=name, mappings={"properties": {"n": {"type": "long"}}}),
        lambda: client.index(index=name, id="1", document={"t": "snow", "n": 1}),
        lambda: client.create(index=name, id="1", document={"t": "twice"}),
        lambda: client.update(index=name, id="1", doc={"n": 2}, refresh=True),
        lambda: client.bulk(
            index=name,
            operations=[{"index": {"_id": "2"}}, {"n": 3}, {"create": {"_id": "1"}}, {"n": 4}],
            refresh=True,
        ),
        lambda: client.delete_by_query(index=name, query={"term": {"n": 3}}, refresh=True),
        lambda: client.delete(index=name, id="1"),
        lambda: client.delete(index=name, id="1"),
        lambda: client.indices.delete(index=name),
    ]
    results = []
    for call in calls:
        try:
            response = call()
            status, body = response.meta.status, response.body
        except ApiError as error:
            status, body = error.meta.status, error.body
        text = json.dumps(body).replace(name, "NAME")
        results.append((status, _comparable(json.loads(text))))
    return results


def _comparable(body: Any) -> Any:
    if isinstance(body, list):
        return [_comparable(item) for item in body]
    if isinstance(body, dict):
        return {
            key: _comparable(value)
            for key, value in body.items()
            if key not in ("took", "index_uuid")
        }
    return body


def test_writes_answer_as_over_http(es: Elasticsearch, http: Elasticsearch, index: str) -> None:
    over_memcached = outcomes(es, index + "-mc")
    over_http = outcomes(http, index + "-http")
    assert over_memcached == over_http
    assert [status for status, _ in over_memcached] == [200, 201, 409, 200, 200, 200, 200, 404, 200]
    assert over_memcached[3][1]["result"] == "updated"


def test_exists_is_a_status(es: Elasticsearch, index: str) -> None:
    es.index(index=index, id="1", document={}, refresh=True)
    assert es.indices.exists(index=index)
    assert not es.indices.exists(index=index + "-nothing")
    assert es.exists(index=index, id="1")
    assert not es.exists(index=index, id="2")


def test_long_keys_travel_whole(es: Elasticsearch, http: Elasticsearch, index: str) -> None:
    doc_id = "long/" + "é ✓" * 40  # 245 bytes; 725 once percent-encoded (memcached: 250)
    created = es.index(index=index, id=doc_id, document={"t": "snow"}, refresh=True)
    assert created["_id"] == doc_id
    assert es.get(index=index, id=doc_id)["_source"] == {"t": "snow"}
    assert http.get(index=index, id=doc_id)["_source"] == {"t": "snow"}
    assert es.exists(index=index, id=doc_id)
    assert es.delete(index=index, id=doc_id)["result"] == "deleted"
    assert not es.exists(index=index, id=doc_id)


def test_reads_with_a_body(es: Elasticsearch, index: str, caplog: pytest.LogCaptureFixture) -> None:
    es.index(index=index, id="1", document={"t": "snow"}, refresh=True)
    es.index(index=index, id="2", document={"t": "rain"}, refresh=True)
    caplog.set_level(logging.DEBUG, logger="djangoes.memcached")
    short = {"query": {"match": {"t": "snow"}}}
    long = {"query": {"bool": {"should": [{"match": {"t": "snow"}}] * 20}}}  # over 250 bytes
    for body in (short, long):
        response = es.perform_request(
            "GET", f"/{index}/_search", body=body, headers={"content-type": "application/json"}
        )
        assert [hit["_id"] for hit in response["hits"]["hits"]] == ["1"]
    logged = [r.getMessage() for r in caplog.records if "_search" in r.getMessage()]
    said = [line.partition(": ")[2].partition(" (")[0] for line in logged]
    assert said == [f"GET /{index}/_search -> 200"] * 2  # and the time; never the body


def test_each_protocol_is_spoken(
    es: Elasticsearch, protocol: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="djangoes.memcached")
    assert es.ping()
    assert any(f"speaks the {protocol} protocol" in r.getMessage() for r in caplog.records)


def test_a_body_over_the_gateway_limit_is_a_413(es: Elasticsearch, index: str) -> None:
    with pytest.raises(ApiError) as refused:
        es.index(index=index, id="1", document={"t": "x" * 2 * 1024 * 1024})
    assert refused.value.meta.status == 413
    assert refused.value.error == "content_too_long_exception"
    assert es.index(index=index, id="1", document={"t": "x"})["result"] == "created"


def test_the_pool_is_bounded_and_answers_never_cross(
    upstream: HttpUpstream, protocol: str, index: str
) -> None:
    gateway = start_in_thread(upstream)
    client = memcached_client(gateway.port, binary=protocol == "binary", connections_per_node=4)

    def work(worker: int) -> None:
        for n in range(12):
            doc_id = f"{worker}-{n}"
            written = client.index(index=index, id=doc_id, document={"w": worker, "n": n})
            assert written["_id"] == doc_id
            assert client.get(index=index, id=doc_id)["_source"] == {"w": worker, "n": n}

    try:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(work, range(16)))
        node = client.transport.node_pool.all()[0]
        assert 1 <= node.pool.created <= 4
        assert 1 <= gateway.accepted <= 4
    finally:
        client.close()
        gateway.stop()


def test_a_gateway_that_is_down_is_a_connection_error(protocol: str) -> None:
    client = memcached_client(free_port(), binary=protocol == "binary", max_retries=0)
    with pytest.raises(ConnectionError) as refused:
        client.info()
    assert "CONNECTION FAILURE" in refused.value.message
    with pytest.raises(ConnectionError):
        client.index(index="books", document={})


@pytest.fixture
def stalled() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def test_a_stalled_server_is_a_connection_timeout(stalled: int, protocol: str) -> None:
    client = memcached_client(
        stalled, binary=protocol == "binary", max_retries=0, request_timeout=0.3
    )
    for request in (client.info, lambda: client.index(index="books", document={})):
        started = time.monotonic()
        with pytest.raises(ConnectionTimeout):
            request()
        assert 0.25 < time.monotonic() - started < 2
    with pytest.raises(ConnectionTimeout):
        client.options(request_timeout=0.1).info()


@pytest.fixture
def not_a_gateway() -> Iterator[int]:
    """A memcached-like server that misses every key, as a real memcached would."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with server:
            connection, _ = server.accept()
            with connection, connection.makefile("rb") as lines:
                for line in lines:
                    connection.sendall(b"END\r\n" if line.startswith(b"get") else b"STORED\r\n")

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1]


def test_a_server_that_is_no_gateway_is_named(not_a_gateway: int) -> None:
    client = memcached_client(not_a_gateway, max_retries=0)
    with pytest.raises(ConnectionError) as failed:
        client.info()
    assert "is it a djangoes memcached gateway" in failed.value.message
