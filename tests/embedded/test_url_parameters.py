"""URL parameters an API does not read are refused, as Elasticsearch 9 refuses them.

Elasticsearch's BaseRestHandler answers 400 ``illegal_argument_exception`` "request [path]
contains unrecognized parameter(s): [a], [b]", with a "did you mean" for a name close to one the
API reads, and runs nothing: a misspelled parameter writes no document and creates no index. The
parameters every API takes (``pretty``, ``human``, ``error_trace``, ``filter_path``, ``format``)
are accepted everywhere. Expected behaviour: Elasticsearch 9's (rest-api-spec and
BaseRestHandler.unrecognized).
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch

from djangoes_engine.rest.parameters import API_PARAMETERS, ROUTE_APIS
from djangoes_engine.rest.routes import ROUTES

JSON = {"accept": "application/json", "content-type": "application/json"}
NDJSON = {"accept": "application/json", "content-type": "application/x-ndjson"}


def refusal(exc: pytest.ExceptionInfo[ApiError]) -> str:
    error: dict[str, Any] = exc.value.body["error"]
    assert exc.value.meta.status == 400
    assert error["type"] == "illegal_argument_exception"
    assert error["root_cause"][0]["reason"] == error["reason"]
    return str(error["reason"])


def test_an_unknown_parameter_on_search(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "POST", "/books/_search", params={"foo": "bar"}, body={"size": 1}, headers=JSON
        )
    assert refusal(exc) == "request [/books/_search] contains unrecognized parameter: [foo]"


def test_an_unknown_parameter_on_index_writes_nothing(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "PUT", "/books/_doc/1", params={"foo": "1"}, body={"title": "Dune"}, headers=JSON
        )
    assert refusal(exc) == "request [/books/_doc/1] contains unrecognized parameter: [foo]"
    # Refused before anything ran: not even the index was created.
    assert not any_es.indices.exists(index="books")
    any_es.indices.create(index="books")
    with pytest.raises(BadRequestError):
        any_es.perform_request(
            "POST", "/books/_doc", params={"foo": "1"}, body={"title": "Dune"}, headers=JSON
        )
    any_es.indices.refresh(index="books")
    assert any_es.count(index="books")["count"] == 0


def test_an_unknown_parameter_on_bulk_writes_nothing(any_es: Elasticsearch) -> None:
    lines = '{"index": {"_index": "books", "_id": "1"}}\n{"title": "Dune"}\n'
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "POST", "/_bulk", params={"foo": "1", "refresh": "true"}, body=lines, headers=NDJSON
        )
    assert refusal(exc) == "request [/_bulk] contains unrecognized parameter: [foo]"
    assert not any_es.indices.exists(index="books")
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "POST", "/books/_bulk", params={"foo": "1"}, body=lines, headers=NDJSON
        )
    assert refusal(exc) == "request [/books/_bulk] contains unrecognized parameter: [foo]"
    assert not any_es.indices.exists(index="books")


def test_an_unknown_parameter_on_get(any_es: Elasticsearch) -> None:
    any_es.index(index="books", id="1", document={"title": "Dune"}, refresh=True)
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/books/_doc/1", params={"foo": "1"}, headers=JSON)
    assert refusal(exc) == "request [/books/_doc/1] contains unrecognized parameter: [foo]"
    assert any_es.get(index="books", id="1")["_source"] == {"title": "Dune"}


def test_a_head_request_is_refused_too_without_a_body(any_es: Elasticsearch) -> None:
    any_es.index(index="books", id="1", document={"title": "Dune"})
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("HEAD", "/books/_doc/1", params={"foo": "1"})
    assert exc.value.meta.status == 400
    assert not exc.value.body
    assert any_es.exists(index="books", id="1")


def test_an_unknown_parameter_on_a_cat_api(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/_cat/health", params={"foo": "1"}, headers=JSON)
    assert refusal(exc) == "request [/_cat/health] contains unrecognized parameter: [foo]"
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/_cat", params={"v": "true"}, headers=JSON)
    assert refusal(exc) == "request [/_cat] contains unrecognized parameter: [v]"


def test_an_unknown_parameter_on_cluster_health(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/_cluster/health", params={"foo": "1"}, headers=JSON)
    assert refusal(exc) == "request [/_cluster/health] contains unrecognized parameter: [foo]"
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "GET", "/_cluster/health/books", params={"wait_for_staus": "green"}, headers=JSON
        )
    assert refusal(exc) == (
        "request [/_cluster/health/books] contains unrecognized parameter: [wait_for_staus] -> "
        "did you mean any of [wait_for_status, wait_for_nodes, wait_for_events, "
        "wait_for_active_shards]?"
    )


def test_several_unknown_parameters_are_named_in_order(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "GET", "/books/_search", params={"zzz": "1", "aaa": "2", "size": "1"}, headers=JSON
        )
    assert refusal(exc) == (
        "request [/books/_search] contains unrecognized parameters: [aaa], [zzz]"
    )


def test_did_you_mean(any_es: Elasticsearch) -> None:
    """The accepted names whose Levenshtein similarity is above 0.5, closest first."""
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "PUT", "/books/_doc/1", params={"refesh": "true"}, body={"a": 1}, headers=JSON
        )
    assert refusal(exc) == (
        "request [/books/_doc/1] contains unrecognized parameter: [refesh] -> "
        "did you mean [refresh]?"
    )
    assert not any_es.indices.exists(index="books")
    any_es.index(index="books", id="1", document={"a": 1})
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "GET", "/books/_doc/1", params={"version_typ": "external", "sise": "1"}, headers=JSON
        )
    assert refusal(exc) == (
        "request [/books/_doc/1] contains unrecognized parameters: [sise], [version_typ] -> "
        "did you mean any of [version_type, version]?"
    )


def test_the_path_is_quoted_decoded_and_without_the_query(any_es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/books/_doc/a%2Fb", params={"foo": "1"}, headers=JSON)
    assert refusal(exc) == "request [/books/_doc/a/b] contains unrecognized parameter: [foo]"


def test_removed_parameters_are_unknown(any_es: Elasticsearch) -> None:
    """Elasticsearch 8 dropped mapping types and the singular source filters."""
    any_es.indices.create(index="books")
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request("GET", "/books/_search", params={"type": "book"}, headers=JSON)
    assert refusal(exc) == "request [/books/_search] contains unrecognized parameter: [type]"
    any_es.index(index="books", id="1", document={"a": 1, "b": 2})
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "GET", "/books/_doc/1", params={"_source_include": "a"}, headers=JSON
        )
    assert refusal(exc) == (
        "request [/books/_doc/1] contains unrecognized parameter: [_source_include] -> "
        "did you mean any of [_source_includes, _source_excludes, _source_exclude_vectors]?"
    )


GLOBAL = {"pretty": "true", "human": "true", "error_trace": "true", "format": "json"}


def test_the_global_parameters_are_accepted_everywhere(any_es: Elasticsearch) -> None:
    written = any_es.perform_request(
        "PUT",
        "/books/_doc/1",
        params={**GLOBAL, "refresh": "true", "filter_path": "result"},
        body={"title": "Dune"},
        headers=JSON,
    )
    assert written.body == {"result": "created"}
    found = any_es.perform_request(
        "GET", "/books/_search", params={**GLOBAL, "filter_path": "hits.total"}, headers=JSON
    )
    assert found.body == {"hits": {"total": {"value": 1, "relation": "eq"}}}
    got = any_es.perform_request(
        "GET", "/books/_doc/1", params={**GLOBAL, "filter_path": "_source"}, headers=JSON
    )
    assert got.body == {"_source": {"title": "Dune"}}
    lines = '{"index": {"_index": "books", "_id": "2"}}\n{"title": "Emma"}\n'
    bulk = any_es.perform_request(
        "POST",
        "/_bulk",
        params={**GLOBAL, "refresh": "true", "filter_path": "errors"},
        body=lines,
        headers=NDJSON,
    )
    assert bulk.body == {"errors": False}
    health = any_es.perform_request(
        "GET", "/_cluster/health", params={**GLOBAL, "filter_path": "status"}, headers=JSON
    )
    assert health.body in ({"status": "green"}, {"status": "yellow"})
    cat = any_es.perform_request(
        "GET", "/_cat/count/books", params={**GLOBAL, "h": "count"}, headers=JSON
    )
    assert cat.body == [{"count": "2"}]
    # And through the client's own keyword arguments.
    assert any_es.count(index="books", pretty=True, human=True, error_trace=True)["count"] == 2


def test_every_served_route_declares_its_parameters() -> None:
    """A new route must be added to the table (scripts/route_parameters.py) to be served."""
    routes = {f"{m} {path}" for methods, path, _ in ROUTES for m in methods.split(",")}
    assert routes == set(ROUTE_APIS)
    assert set(ROUTE_APIS.values()) <= set(API_PARAMETERS)
