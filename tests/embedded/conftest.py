"""Fixtures for the embedded engine: clients in-process and over HTTP, each on a fresh engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from djangoes_backends_embedded import client as embedded_client
from djangoes_engine import Engine
from djangoes_engine.engines import close_engine
from djangoes_engine.server import start_in_thread


@pytest.fixture
def es() -> Iterator[Elasticsearch]:
    """A client of a fresh in-memory engine, in this process (``EmbeddedNode``)."""
    name = f"test-{uuid.uuid4().hex}"
    client = embedded_client(name=name)
    yield client
    client.close()
    close_engine(name=name)


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = Engine()
    yield engine
    engine.close()


@pytest.fixture
def es_http(engine: Engine) -> Iterator[Elasticsearch]:
    """A stock client over HTTP to the engine's server on a free 127.0.0.1 port."""
    server = start_in_thread(engine.handle, "127.0.0.1", 0)
    client = Elasticsearch(server.url)
    yield client
    client.close()
    server.stop()


@pytest.fixture(params=["in-process", "http"])
def any_es(request: pytest.FixtureRequest) -> Elasticsearch:
    """The same test through both ways in: in-process and HTTP."""
    return request.getfixturevalue("es" if request.param == "in-process" else "es_http")
