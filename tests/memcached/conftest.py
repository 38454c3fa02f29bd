"""Fixtures of the memcached transport's tests: a gateway in front of the engine's HTTP server,
clients through it (text and binary protocol), and a plain HTTP client of the same engine."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from djangoes_backends_memcached.node import BINARY, MemcachedNode, node_config
from djangoes_backends_memcached.server import MemcachedGateway, start_in_thread
from djangoes_gateway.upstreams import HttpUpstream

from ..transports.conftest import engine_url

__all__ = ["engine_url"]

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


def memcached_client(port: int, binary: bool = False, **options: Any) -> Elasticsearch:
    """An elasticsearch-py client whose node speaks memcached to 127.0.0.1:``port``."""
    return Elasticsearch(
        [node_config(f"http://127.0.0.1:{port}", {BINARY: binary})],
        node_class=MemcachedNode,
        **options,
    )


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


def free_port() -> int:
    """A port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
