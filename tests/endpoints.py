"""Every transport against the same servers: the engine's HTTP server, the gateways in front of
it, and ``endpoint``, the fixture the transport contract is parametrised with. A plugin
(``pytest_plugins`` in ``tests/conftest.py``): its fixtures reach every folder.

``endpoint`` is parametrised over the transports; each value is the ``ES_SERVERS`` entry
(``ENGINE``, ``HOSTS``, ``PARAMS``) that reaches the embedded engine through that transport:
directly over HTTP, through a gateway in front of the engine's HTTP server or of an engine
inside the gateway's process, in this process with no server (``embedded``), or through the
third-party transport that ``docs/transports.md`` shows (``example``, from the fixture
distribution in ``tests/fixtures/thirdparty_backend``), or through a backend on another client
library (``opensearch``: opensearch-py over HTTP).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from djangoes_backends_memcached.node import BINARY, MemcachedNode, node_config
from djangoes_engine import Engine
from djangoes_engine.engines import close_engine
from djangoes_engine.server import start_in_thread
from tests.support import connection, make_handler
from tests.transports.memcached_gateways import memcached_embedded_endpoint, memcached_http_endpoint
from tests.transports.thrift_gateways import thrift_embedded_endpoint, thrift_http_endpoint

__all__ = [
    "memcached_embedded_endpoint",
    "memcached_http_endpoint",
    "thrift_embedded_endpoint",
    "thrift_http_endpoint",
]

#: The transports djangoes ships that reach a server over the network.
NETWORK_ENDPOINTS = [
    "http",
    "requests",
    "thrift-http",
    "thrift-embedded",
    "memcached-http",
    "memcached-embedded",
]
#: Backends on another client library than elasticsearch-py: opensearch-py, over HTTP to the
#: engine's server (which answers opensearch-py as OpenSearch does).
OTHER_LIBRARIES = ["opensearch"]
ENDPOINTS = [*NETWORK_ENDPOINTS, "embedded", "example", *OTHER_LIBRARIES]
#: The third party's distribution of the docs' example (tests/test_distributions.py builds it).
THIRD_PARTY = Path(__file__).resolve().parent / "fixtures" / "thirdparty_backend"


@pytest.fixture(scope="session")
def engine_url() -> Iterator[str]:
    """The embedded engine's HTTP server on a free 127.0.0.1 port: the "Elasticsearch" here."""
    engine = Engine()
    server = start_in_thread(engine.handle, "127.0.0.1", 0)
    yield server.url
    server.stop()
    engine.close()


@pytest.fixture
def http_endpoint(engine_url: str) -> dict[str, Any]:
    return {"ENGINE": "http", "HOSTS": [engine_url]}


@pytest.fixture
def requests_endpoint(engine_url: str) -> dict[str, Any]:
    return {"ENGINE": "requests", "HOSTS": [engine_url]}


@pytest.fixture
def opensearch_endpoint(engine_url: str) -> dict[str, Any]:
    return {"ENGINE": "opensearch", "HOSTS": [engine_url]}


@pytest.fixture(scope="session")
def embedded_endpoint() -> Iterator[dict[str, Any]]:
    """The engine in this process (an in-memory engine of the contract's own)."""
    name = f"contract-{uuid.uuid4().hex[:8]}"
    yield {"ENGINE": "embedded", "PARAMS": {"name": name}}
    close_engine(name=name)


@pytest.fixture(scope="session")
def example_endpoint(engine_url: str) -> Iterator[dict[str, Any]]:
    """The docs' third-party transport, importable as if installed, by its dotted path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(THIRD_PARTY))
        yield {"ENGINE": "djangoes_thirdparty_example.ExampleBackend", "HOSTS": [engine_url]}


@pytest.fixture(params=ENDPOINTS)
def endpoint(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each transport in turn, as the ``ES_SERVERS`` entry that reaches the engine."""
    return request.getfixturevalue(request.param.replace("-", "_") + "_endpoint")


def connect(endpoint: dict[str, Any], indices: dict[str, Any] | None = None, **server: Any):
    """A handler whose ``default`` connection goes through ``endpoint``."""
    return make_handler({"default": {**endpoint, **server}}, indices)


@pytest.fixture
def books(endpoint: dict[str, Any], prefix: str) -> Iterator[Any]:
    """A connection to one index (with an alias), the index created from its SETTINGS."""
    handler = connect(
        endpoint,
        {
            "books": {
                "NAME": prefix + "books_v1",
                "ALIASES": [prefix + "books"],
                "SETTINGS": {
                    "mappings": {
                        "properties": {"title": {"type": "text"}, "year": {"type": "long"}}
                    }
                },
            }
        },
        INDICES=["books"],
    )
    connection = handler["default"]
    for name, body in connection.get_indices_with_settings().items():
        connection.client.indices.create(index=name, **body)
    yield connection
    connection.client.indices.delete(index=prefix + "*")
    handler.close_all()


def memcached_client(port: int, binary: bool = False, **options: Any) -> Elasticsearch:
    """An elasticsearch-py client whose node speaks memcached to 127.0.0.1:``port``."""
    return Elasticsearch(
        [node_config(f"http://127.0.0.1:{port}", {BINARY: binary})],
        node_class=MemcachedNode,
        **options,
    )


def gateway_url(gateway: Any, scheme: str = "http") -> str:
    port = gateway if isinstance(gateway, int) else gateway.port
    return f"{scheme}://127.0.0.1:{port}"


def thrift_connection(*hosts: str, **params: Any) -> Any:
    """The ``default`` connection over ``ENGINE: 'thrift'`` to ``hosts``, with ``PARAMS``."""
    return connection({"ENGINE": "thrift", "HOSTS": list(hosts), "PARAMS": params})
