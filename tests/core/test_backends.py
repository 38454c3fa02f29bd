"""The backends over HTTP (urllib3 and requests): the client API without ``index=``."""

from __future__ import annotations

import re
import warnings

import pytest
from django.core.exceptions import ImproperlyConfigured
from elastic_transport import RequestsHttpNode, Urllib3HttpNode
from elasticsearch import ConnectionError as TransportConnectionError
from elasticsearch import NotFoundError, helpers

from djangoes.backends.elasticsearch import BaseElasticsearchBackend, SingleIndexRequired
from djangoes_backends_http import SimpleHttpBackend
from djangoes_backends_requests import SimpleRequestsHttpBackend

from .conftest import make_handler

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


def test_document_calls_without_index(books: BaseElasticsearchBackend, prefix: str) -> None:
    assert books.indices == [prefix + "books"]
    created = books.create(id="1", document={"title": "Snow Crash", "year": 1992})
    assert created["result"] == "created"
    assert created["_index"] == prefix + "books_v1"
    books.index(id="2", document={"title": "Neuromancer", "year": 1984}, refresh=True)
    assert books.get(id="1")["_source"]["title"] == "Snow Crash"
    assert books.exists(id="2")
    assert not books.exists(id="3")
    assert books.get_source(id="2") == {"title": "Neuromancer", "year": 1984}
    books.update(id="2", doc={"year": 1985}, refresh=True)
    assert books.get(id="2")["_source"]["year"] == 1985
    assert [d["found"] for d in books.mget(ids=["1", "3"])["docs"]] == [True, False]
    assert books.count()["count"] == 2
    hits = books.search(query={"match": {"title": "snow"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["1"]
    assert books.explain(id="1", query={"match": {"title": "snow"}})["matched"] is True
    vectors = books.termvectors(id="1", fields=["title"])["term_vectors"]
    assert sorted(vectors["title"]["terms"]) == ["crash", "snow"]
    books.delete(id="2", refresh=True)
    with pytest.raises(NotFoundError):
        books.get(id="2")


def test_multi_calls_and_by_query(books: BaseElasticsearchBackend) -> None:
    response = books.bulk(
        operations=[
            {"index": {"_id": "a"}},
            {"title": "alpha", "year": 1},
            {"index": {"_id": "b"}},
            {"title": "beta", "year": 2},
        ],
        refresh=True,
    )
    assert response["errors"] is False
    searches = books.msearch(
        searches=[{}, {"query": {"term": {"year": 1}}}, {}, {"query": {"match_all": {}}}]
    )
    assert [r["hits"]["total"]["value"] for r in searches["responses"]] == [1, 2]
    assert (
        books.update_by_query(
            query={"term": {"year": 2}}, script={"source": "ctx._source.year += 10"}, refresh=True
        )["updated"]
        == 1
    )
    assert books.get(id="b")["_source"]["year"] == 12
    assert books.delete_by_query(query={"term": {"year": 1}}, refresh=True)["deleted"] == 1
    assert books.refresh()["_shards"]["failed"] == 0
    assert books.count()["count"] == 1


def test_scroll_and_point_in_time(books: BaseElasticsearchBackend) -> None:
    books.bulk(
        operations=[
            op for n in range(25) for op in ({"index": {"_id": str(n)}}, {"title": "t", "year": n})
        ],
        refresh=True,
    )
    page = books.search(scroll="1m", size=10, sort=["_doc"])
    seen = [h["_id"] for h in page["hits"]["hits"]]
    while True:
        page = books.scroll(scroll_id=page["_scroll_id"], scroll="1m")
        if not page["hits"]["hits"]:
            break
        seen += [h["_id"] for h in page["hits"]["hits"]]
    assert sorted(seen, key=int) == [str(n) for n in range(25)]
    assert books.clear_scroll(scroll_id=page["_scroll_id"])["succeeded"]
    pit = books.open_point_in_time(keep_alive="1m")["id"]
    result = books.client.search(pit={"id": pit}, size=100, sort=[{"year": "asc"}])
    assert result["hits"]["total"]["value"] == 25
    assert books.close_point_in_time(id=pit)["succeeded"]


def test_helpers_work_on_a_connection(books: BaseElasticsearchBackend) -> None:
    actions = ({"_id": str(n), "title": f"book {n}", "year": n} for n in range(300))
    assert helpers.bulk(books, actions, chunk_size=100, refresh=True) == (300, [])
    seen = {hit["_id"] for hit in helpers.scan(books, query={"query": {"match_all": {}}}, size=50)}
    assert seen == {str(n) for n in range(300)}


def test_single_index_operations_refuse_several_indices(
    server_url: str, engine_name: str, prefix: str
) -> None:
    handler = make_handler(
        {
            "default": {
                "ENGINE": engine_name,
                "HOSTS": [server_url],
                "INDICES": ["books", "authors"],
            }
        },
        {"books": {"NAME": prefix + "books"}, "authors": {"NAME": prefix + "authors"}},
    )
    connection = handler["default"]
    for name in connection.index_names:
        connection.client.indices.create(index=name)
    for operation in ("get", "create", "index", "update", "delete", "explain", "termvectors"):
        with pytest.raises(
            SingleIndexRequired,
            match=rf"connections\['default'\]\.{operation}\(\) "
            rf"acts on one index, but this connection uses 2",
        ):
            getattr(connection, operation)(id="1")
    # An explicit index is always taken, and multi-index calls use both.
    connection.index(
        index=prefix + "authors", id="1", document={"name": "Stephenson"}, refresh=True
    )
    assert connection.count()["count"] == 1
    connection.client.indices.delete(index=prefix + "*")


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
