"""Fixtures of the memcached transport's tests: a gateway in front of the engine's HTTP server,
clients through it (text and binary protocol), and a plain HTTP client of the same engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from djangoes_backends_memcached.server import MemcachedGateway, start_in_thread
from djangoes_gateway.upstreams import HttpUpstream
from tests.endpoints import memcached_client

#: The test gateway's value limit: small, so that a 2 MB value is refused.
MAX_VALUE_SIZE = 1024 * 1024


@pytest.fixture(scope="session")
def upstream(engine_url: str) -> Iterator[HttpUpstream]:
    target = HttpUpstream(engine_url)
    yield target
    target.close()


@pytest.fixture(scope="session")
def gateway(upstream: HttpUpstream) -> Iterator[MemcachedGateway]:
    server = start_in_thread(upstream, max_value_size=MAX_VALUE_SIZE)
    yield server
    server.stop()


@pytest.fixture(params=["text", "binary"])
def protocol(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def es(gateway: MemcachedGateway, protocol: str) -> Iterator[Elasticsearch]:
    """A client through the gateway, in each protocol in turn."""
    client = memcached_client(gateway.port, binary=protocol == "binary")
    yield client
    client.close()


@pytest.fixture
def http(engine_url: str) -> Iterator[Elasticsearch]:
    """A plain HTTP client of the same engine, to compare with."""
    client = Elasticsearch(engine_url)
    yield client
    client.close()


@pytest.fixture
def index(http: Elasticsearch) -> Iterator[str]:
    """A fresh index name; whatever indices start with it are deleted afterwards."""
    name = f"mc{uuid.uuid4().hex[:10]}"
    yield name
    http.indices.delete(index=name + "*", ignore_unavailable=True)
