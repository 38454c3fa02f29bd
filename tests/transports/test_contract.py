"""The transport contract: what every transport does, each against the same engine.

Whatever carries the request (urllib3, requests, thrift, memcached, nothing at all, a third
party's transport), a connection offers the same client API without ``index=``, the same
responses, and the same exceptions. A backend on another client library (opensearch-py) offers
the same methods and responses, with its library's exceptions and helpers (``tests/libraries``)
and logs: what differs is said where it does.
"""

from __future__ import annotations

import gzip
import json
import logging
import time
from typing import Any

import pytest

from djangoes.backends.elasticsearch import SingleIndexRequired
from tests.endpoints import ENDPOINTS, connect
from tests.libraries import error, helpers

from ..reliability.netfaults import BlackHole, refusing_port, with_port

#: The endpoints with a server to miss (the embedded engine is in this process).
SERVED_ENDPOINTS = [name for name in ENDPOINTS if name != "embedded"]

#: What each product's root endpoint says of itself.
TAGLINES = {
    "Elasticsearch": "You Know, for Search",
    "OpenSearch": "The OpenSearch Project: https://opensearch.org/",
}


def test_info_and_ping(books: Any) -> None:
    assert books.client.info()["tagline"] == TAGLINES[books.library.product]
    assert books.client.ping() is True


def test_document_calls_without_index(books: Any, prefix: str) -> None:
    assert books.indices == [prefix + "books"]
    created = books.create(id="1", document={"title": "Snow Crash", "year": 1992})
    assert created["result"] == "created"
    assert created["_index"] == prefix + "books_v1"
    indexed = books.index(id="2", document={"title": "Neuromancer", "year": 1984}, refresh=True)
    assert (indexed["result"], indexed["_version"]) == ("created", 1)
    assert books.get(id="1")["_source"]["title"] == "Snow Crash"
    assert books.exists(id="2")
    assert not books.exists(id="3")
    assert books.get_source(id="2") == {"title": "Neuromancer", "year": 1984}
    updated = books.update(id="2", doc={"year": 1985}, refresh=True)
    assert (updated["result"], updated["_version"]) == ("updated", 2)
    assert books.get(id="2")["_source"]["year"] == 1985
    assert [d["found"] for d in books.mget(ids=["1", "3"])["docs"]] == [True, False]
    assert books.count()["count"] == 2
    assert books.count(query={"range": {"year": {"gte": 1990}}})["count"] == 1
    hits = books.search(query={"match": {"title": "snow"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["1"]
    assert books.explain(id="1", query={"match": {"title": "snow"}})["matched"] is True
    vectors = books.termvectors(id="1", fields=["title"])["term_vectors"]
    assert sorted(vectors["title"]["terms"]) == ["crash", "snow"]
    deleted = books.delete(id="2", refresh=True)
    assert deleted["result"] == "deleted"
    with pytest.raises(error(books, "not found")):
        books.get(id="2")


def test_ids_and_text_beyond_ascii(books: Any) -> None:
    doc_id = "a/b c?d=é#✓"
    books.index(id=doc_id, document={"title": "Ünïcödé — 雪"}, refresh=True)
    assert books.get(id=doc_id)["_source"]["title"] == "Ünïcödé — 雪"
    hits = books.search(query={"match": {"title": "雪"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == [doc_id]


def test_errors_arrive_as_the_same_exceptions(books: Any) -> None:
    library = books.library
    with pytest.raises(error(books, "not found")) as missing:
        books.get(id="nope")
    assert library.status(missing.value) == 404
    assert library.error_body(missing.value)["found"] is False
    books.create(id="1", document={"title": "once"}, refresh=True)
    with pytest.raises(error(books, "conflict")) as conflict:
        books.create(id="1", document={"title": "twice"})
    assert library.status(conflict.value) == 409
    assert conflict.value.error == "version_conflict_engine_exception"
    with pytest.raises(error(books, "conflict")):
        books.index(id="1", document={"title": "stale"}, if_seq_no=99, if_primary_term=1)
    with pytest.raises(error(books, "bad request")) as bad:
        books.search(query={"no_such_query": {}})
    assert library.status(bad.value) == 400
    with pytest.raises(error(books, "not found")) as no_index:
        books.client.search(index="no-such-index-anywhere")
    assert no_index.value.error == "index_not_found_exception"
    assert (
        books.client.options(ignore_status=404).get(index=books.indices[0], id="x")["found"]
        is False
    )


def test_multi_calls_and_by_query(books: Any) -> None:
    response = books.bulk(
        operations=[
            {"index": {"_id": "a"}},
            {"title": "alpha", "year": 1},
            {"index": {"_id": "b"}},
            {"title": "beta", "year": 2},
            {"create": {"_id": "a"}},
            {"title": "a rejected line", "year": 3},
            {"delete": {"_id": "missing"}},
        ],
        refresh=True,
    )
    assert response["errors"] is True
    statuses = [next(iter(item.values()))["status"] for item in response["items"]]
    assert statuses == [201, 201, 409, 404]
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


def test_search_with_aggregations_and_highlights(books: Any) -> None:
    books.bulk(
        operations=[
            op
            for n in range(20)
            for op in ({"index": {"_id": str(n)}}, {"title": f"book {n % 3}", "year": n})
        ],
        refresh=True,
    )
    result = books.search(
        query={"match": {"title": "book"}},
        aggs={"years": {"range": {"field": "year", "ranges": [{"to": 10}, {"from": 10}]}}},
        highlight={"fields": {"title": {}}},
        size=1,
        sort=[{"year": "desc"}],
    )
    assert result["hits"]["total"]["value"] == 20
    assert result["hits"]["hits"][0]["_id"] == "19"
    assert result["hits"]["hits"][0]["highlight"]["title"] == ["<em>book</em> 1"]
    assert [b["doc_count"] for b in result["aggregations"]["years"]["buckets"]] == [10, 10]


def test_scroll_and_point_in_time(books: Any) -> None:
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
    opened = books.open_point_in_time(keep_alive="1m")
    # Each product's answer: Elasticsearch's ``id``, OpenSearch's ``pit_id``.
    pit = opened["pit_id"] if books.library.product == "OpenSearch" else opened["id"]
    result = books.client.search(pit={"id": pit}, size=100, sort=[{"year": "asc"}])
    assert result["hits"]["total"]["value"] == 25
    closed = books.close_point_in_time(id=pit)
    if books.library.product == "OpenSearch":
        assert closed == {"pits": [{"successful": True, "pit_id": pit}]}
    else:
        assert closed["succeeded"]


def test_helpers_work_on_a_connection(books: Any) -> None:
    """The client library's own helpers take a connection as they take a client."""
    library_helpers = helpers(books)
    actions = ({"_id": str(n), "title": f"book {n}", "year": n} for n in range(300))
    assert library_helpers.bulk(books, actions, chunk_size=100, refresh=True) == (300, [])
    query = {"query": {"match_all": {}}}
    seen = {hit["_id"] for hit in library_helpers.scan(books, query=query, size=50)}
    assert seen == {str(n) for n in range(300)}
    results = list(
        library_helpers.streaming_bulk(
            books,
            [{"_op_type": "create", "_id": "1", "title": "again"}, {"_id": "new", "title": "x"}],
            raise_on_error=False,
        )
    )
    assert [ok for ok, _ in results] == [False, True]


def test_index_management(books: Any, prefix: str) -> None:
    client = books.client
    name = prefix + "other"
    assert client.indices.create(index=name, aliases={prefix + "alias": {}})["acknowledged"]
    assert client.indices.exists(index=name)
    assert client.indices.exists_alias(name=prefix + "alias")
    mapping = client.indices.get_mapping(index=books.index_names[0])
    assert mapping[books.index_names[0]]["mappings"]["properties"]["year"] == {"type": "long"}
    assert client.indices.delete(index=name)["acknowledged"]
    assert not client.indices.exists(index=name)


def test_single_index_operations_refuse_several_indices(
    endpoint: dict[str, Any], prefix: str
) -> None:
    handler = connect(
        endpoint,
        {"books": {"NAME": prefix + "books"}, "authors": {"NAME": prefix + "authors"}},
        INDICES=["books", "authors"],
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
    handler.close_all()


def test_http_compress_changes_nothing_the_client_sees(
    endpoint: dict[str, Any], prefix: str
) -> None:
    """Bodies travel gzipped where the transport carries a content coding, else as they are."""
    params = {**endpoint.get("PARAMS", {}), "http_compress": True}
    handler = connect(endpoint, PARAMS=params)
    client = handler["default"].client
    title = "compressible " * 2000
    client.index(index=prefix + "gz", id="1", document={"title": title}, refresh=True)
    assert client.get(index=prefix + "gz", id="1")["_source"]["title"] == title
    hits = client.search(index=prefix + "gz", query={"match": {"title": "compressible"}})
    assert hits["hits"]["total"]["value"] == 1
    assert client.exists(index=prefix + "gz", id="1")
    client.indices.delete(index=prefix + "gz")
    handler.close_all()


@pytest.mark.parametrize("endpoint", SERVED_ENDPOINTS, indirect=True)
def test_a_server_out_of_reach_is_elastic_transports_error(endpoint: dict[str, Any]) -> None:
    """Refused: ConnectionError at once. Accepted, never answered: ConnectionTimeout."""
    host = endpoint["HOSTS"][0]
    params = {**endpoint.get("PARAMS", {}), "max_retries": 0, "request_timeout": 0.3}
    refused = connect(endpoint, HOSTS=[with_port(host, refusing_port())], PARAMS=params)
    with pytest.raises(error(refused["default"], "refused")) as raised:
        refused["default"].info()
    assert not isinstance(raised.value, error(refused["default"], "timeout"))
    refused.close_all()
    with BlackHole() as hole:
        silent = connect(endpoint, HOSTS=[with_port(host, hole.port)], PARAMS=params)
        started = time.monotonic()
        with pytest.raises(error(silent["default"], "timeout")):
            silent["default"].info()
        assert time.monotonic() - started < 0.3 + 1.0
        silent.close_all()


def test_a_body_the_caller_gzipped_is_read_as_over_http(books: Any) -> None:
    """``content-encoding: gzip`` set by the caller: the server, or the node where nothing
    after it would, undoes it."""
    body = gzip.compress(json.dumps({"title": "zipped", "year": 7}).encode())
    # Both media types, as elasticsearch-py makes them versioned: Elasticsearch 9 refuses a
    # versioned Content-Type without a versioned Accept.
    headers = {
        "accept": "application/json",
        "content-type": "application/json",
        "content-encoding": "gzip",
    }
    target = f"/{books.index_names[0]}/_doc/z?refresh=true"
    # A request as it is: the client's perform_request (elasticsearch-py), its transport's.
    perform = getattr(books.client, "perform_request", books.transport.perform_request)
    created = perform("PUT", target, body=body, headers=headers)
    assert created["result"] == "created"
    assert books.get(id="z")["_source"] == {"title": "zipped", "year": 7}


def test_each_request_is_in_elastic_transports_node_log(
    books: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The same lines as elastic-transport's HTTP nodes log: request line, headers, bodies."""
    if books.library.name == "opensearch-py":
        opensearch_logs(books, caplog)
        return
    caplog.set_level(logging.DEBUG, logger="elastic_transport.node")
    books.index(id="1", document={"title": "logged"})
    books.exists(id="1")
    messages = [r.getMessage() for r in caplog.records if r.name == "elastic_transport.node"]
    put, head = (m for m in messages if "/_doc/1" in m.partition("\n")[0])
    index = books.indices[0]
    assert put.startswith(f"> PUT /{index}/_doc/1 HTTP/1.1\n")
    assert "\n> Connection: keep-alive\n" in put  # the node's headers with the request's
    assert "\n> User-Agent: elasticsearch-py/" in put
    assert "\n> Content-Type: application/vnd.elasticsearch+json" in put
    assert '\n> {"title":"logged"}\n' in put
    assert "\n< HTTP/1.1 201 Created\n" in put
    assert '"result":"created"' in put
    assert head.startswith(f"> HEAD /{index}/_doc/1 HTTP/1.1\n")
    assert "\n< HTTP/1.1 200 OK\n" in head


def opensearch_logs(books: Any, caplog: pytest.LogCaptureFixture) -> None:
    """opensearch-py's connections log each request on the ``opensearch`` logger: its method,
    URL, status and duration (INFO), and its bodies (DEBUG)."""
    caplog.set_level(logging.DEBUG, logger="opensearch")
    books.index(id="1", document={"title": "logged"})
    books.exists(id="1")
    index = books.indices[0]
    messages = [r.getMessage() for r in caplog.records if r.name == "opensearch"]
    put = next(m for m in messages if m.startswith("PUT ") and f"/{index}/_doc/1" in m)
    assert "[status:201 request:" in put
    assert '> {"title":"logged"}' in messages or '> {"title": "logged"}' in messages
    assert any(m.startswith("HEAD ") and "[status:200 request:" in m for m in messages)
