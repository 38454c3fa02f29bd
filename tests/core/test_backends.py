"""The HTTP backends (urllib3 and requests): node classes, PARAMS, credentials, 0.3 names.

What every transport does alike (the client API without ``index=``) is in
``tests/transports/test_contract.py``.
"""

from __future__ import annotations

import re
import warnings

import pytest
from django.core.exceptions import ImproperlyConfigured
from elastic_transport import RequestsHttpNode, Urllib3HttpNode
from elasticsearch import ConnectionError as TransportConnectionError

from djangoes.backends.elasticsearch import BaseElasticsearchBackend
from djangoes_backends_http import SimpleHttpBackend
from djangoes_backends_requests import SimpleRequestsHttpBackend
from tests.support import make_handler

NODES = {"http": Urllib3HttpNode, "requests": RequestsHttpNode}


@pytest.fixture
def books(server_url: str, engine_name: str, prefix: str):
    """A connection to one index (with an alias), the index created from its SETTINGS."""
    handler = make_handler(
        {"default": {"ENGINE": engine_name, "HOSTS": [server_url], "INDICES": ["books"]}},
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
    )
    connection = handler["default"]
    for name, body in connection.get_indices_with_settings().items():
        connection.client.indices.create(index=name, **body)
    yield connection
    connection.client.indices.delete(index=prefix + "*")
    handler.close_all()


def test_the_engine_picks_the_node_class(books: BaseElasticsearchBackend, engine_name: str) -> None:
    assert isinstance(books.client.transport.node_pool.get(), NODES[engine_name])


def test_doc_type_is_dropped_with_a_deprecation_warning(books: BaseElasticsearchBackend) -> None:
    with pytest.warns(DeprecationWarning, match="doc_type is ignored"):
        books.index(doc_type="entry", id="1", document={"title": "x"}, refresh=True)
    with pytest.warns(DeprecationWarning):
        assert books.search(doc_type="entry")["hits"]["total"]["value"] == 1


def test_0_3_params_reach_the_client_translated(server_url: str, engine_name: str) -> None:
    params = {
        "timeout": 7,
        "maxsize": 3,
        "dead_timeout": 30,
        "timeout_cutoff": 3,
        "sniffer_timeout": 42,
        "sniff_on_connection_fail": True,
        "http_auth": "me:pw",
        "max_retries": 2,
        "retry_on_timeout": True,
    }
    handler = make_handler(
        {"default": {"ENGINE": engine_name, "HOSTS": [server_url], "PARAMS": params}}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = handler["default"].client
    renamed = {
        re.search(r"PARAMS'\]: '([^']+)'", str(w.message)).group(1)
        for w in caught
        if issubclass(w.category, DeprecationWarning) and "PARAMS" in str(w.message)
    }
    assert {
        "timeout",
        "maxsize",
        "sniffer_timeout",
        "sniff_on_connection_fail",
        "http_auth",
        "dead_timeout/timeout_cutoff",
    } <= renamed
    transport = client.transport
    node = transport.node_pool.get()
    assert client._request_timeout == 7
    assert node.config.connections_per_node == 3
    assert transport.node_pool._dead_node_backoff_factor == 30
    assert transport.node_pool._max_dead_node_backoff == 30 * 2**2
    assert transport._min_delay_between_sniffing == 42
    assert transport._sniff_on_node_failure is True
    assert client._max_retries == 2
    assert client._retry_on_timeout is True
    assert client._headers["authorization"].startswith("Basic ")
    assert client.info()["tagline"] == "You Know, for Search"


def test_credentials_never_show(server_url: str, engine_name: str) -> None:
    host = server_url.replace("http://", "http://alice:s3cret@")
    handler = make_handler(
        {"default": {"ENGINE": engine_name, "HOSTS": [host], "PARAMS": {"api_key": "k3y-s3cret"}}}
    )
    connection = handler["default"]
    assert "s3cret" not in repr(connection)
    assert "s3cret" not in repr(connection.client)
    down = make_handler(
        {
            "default": {
                "ENGINE": engine_name,
                "HOSTS": ["http://alice:s3cret@127.0.0.1:9"],
                "PARAMS": {"max_retries": 0},
            }
        }
    )["default"]
    with pytest.raises(TransportConnectionError) as error:
        down.info()
    assert "s3cret" not in str(error.value)
    assert "s3cret" not in repr(error.value)


def test_a_backend_without_connection_class_is_refused() -> None:
    class Incomplete(BaseElasticsearchBackend):
        pass

    backend = Incomplete("default", {"HOSTS": ["http://localhost:9200"], "PARAMS": {}}, {})
    with pytest.raises(ImproperlyConfigured, match="no connection_class"):
        backend.configure_client()


def test_legacy_names_resolve_to_the_transports() -> None:
    from djangoes.backends import elasticsearch

    assert elasticsearch.SimpleHttpBackend is SimpleHttpBackend
    assert elasticsearch.SimpleRequestsHttpBackend is SimpleRequestsHttpBackend


def test_location_says_where_a_connection_goes_without_credentials(server_url: str) -> None:
    from djangoes.backends.abstracts import Base
    from djangoes.management.base import describe

    hosts = ["https://elastic:secret@es.example.com:9243", {"host": "b", "port": 9200}]
    assert Base("other", {"HOSTS": hosts}, {}).location() == (
        "http://b:9200, https://es.example.com:9243"
    )
    handler = make_handler({"default": {"ENGINE": "http", "HOSTS": [server_url]}})
    assert describe(handler["default"]) == f"'default' (http: {server_url})"
