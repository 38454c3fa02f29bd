"""Bad requests get Elasticsearch's error, and the engine keeps serving.

Every case checks the exception class the stock client raises, the HTTP status, the error
``type`` and a reason naming what is at fault (field, document, index or parameter), then makes a
good request to prove that the engine still answers. Expected behaviour: Elasticsearch 8/9's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError

JSON = {"content-type": "application/json", "accept": "application/json"}
TEXT_SORT_REASON = (
    "Text fields are not optimised for operations that require per-document field data like "
    "aggregations and sorting, so these operations are disabled by default. Please use a keyword "
    "field instead. Alternatively, set fielddata=true on [title] in order to load field data by "
    "uninverting the inverted index. Note that this can use significant memory."
)


@pytest.fixture
def books(any_es: Elasticsearch) -> Elasticsearch:
    """A client whose engine has a ``books`` index with one document."""
    any_es.indices.create(
        index="books",
        mappings={
            "properties": {
                "title": {"type": "text"},
                "tag": {"type": "keyword"},
                "pages": {"type": "integer"},
                "published": {"type": "date"},
                "meta": {
                    "properties": {
                        "isbn": {"type": "keyword"},
                        "publisher": {"properties": {"name": {"type": "keyword"}}},
                    }
                },
            }
        },
    )
    any_es.index(
        index="books",
        id="1",
        document={"title": "Dune", "tag": "sf", "pages": 412, "published": "1965-08-01"},
        refresh=True,
    )
    return any_es


def still_serving(es: Elasticsearch) -> None:
    """A good read and a good write right after a failure."""
    assert es.get(index="books", id="1")["_source"]["title"] == "Dune"
    written = es.index(index="books", id="good", document={"pages": 1}, refresh=True)
    assert written["result"] in ("created", "updated")
    assert es.count(index="books", query={"term": {"pages": 1}})["count"] == 1


def fails(
    call: Callable[[], Any], exception: type[ApiError], status: int, error_type: str
) -> dict[str, Any]:
    """Run a request that must fail; its ``error`` object."""
    with pytest.raises(exception) as exc:
        call()
    assert exc.value.meta.status == status
    error = exc.value.body["error"]
    assert error["type"] == error_type, error
    assert exc.value.body["status"] == status
    return error


def root_cause(error: dict[str, Any]) -> dict[str, Any]:
    assert len(error["root_cause"]) == 1
    return error["root_cause"][0]


# Bodies that are not JSON


def test_malformed_json_search_body(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.perform_request(
            "POST", "/books/_search", headers=JSON, body=b'{"query" {"match_all": {}}}'
        ),
        BadRequestError,
        400,
        "x_content_parse_exception",
    )
    assert re.match(r"\[1:\d+\] ", error["reason"])  # line and column of the fault
    still_serving(books)


def test_malformed_json_document(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.perform_request(
            "PUT", "/books/_doc/2", headers=JSON, body=b'{"title": "unterminated'
        ),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert error["reason"].startswith("[1:")
    assert "failed to parse" in error["reason"]
    assert not books.exists(index="books", id="2")

    error = fails(
        lambda: books.perform_request("PUT", "/books/_doc/2", headers=JSON, body=b"[1, 2]"),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert "Malformed content, must start with an object" in error["reason"]
    error = fails(
        lambda: books.perform_request("PUT", "/books/_doc/2", headers=JSON, body=b""),
        BadRequestError,
        400,
        "parse_exception",
    )
    assert error["reason"] == "request body is required"
    still_serving(books)


# Queries


def test_unknown_query_type(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.search(index="books", query={"no_such_query": {"title": "x"}}),
        BadRequestError,
        400,
        "parsing_exception",
    )
    assert error["reason"] == "unknown query [no_such_query]"
    still_serving(books)


def test_unknown_parameter_on_a_query(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.search(index="books", query={"match": {"title": {"query": "x", "foo": 1}}}),
        BadRequestError,
        400,
        "parsing_exception",
    )
    assert error["reason"] == "[match] query does not support [foo]"
    error = fails(
        lambda: books.search(index="books", query={"bool": {"must": [], "shoud": []}}),
        BadRequestError,
        400,
        "parsing_exception",
    )
    assert error["reason"] == "[bool] query does not support [shoud]"
    still_serving(books)


def test_unknown_search_body_key(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.perform_request(
            "POST", "/books/_search", headers=JSON, body={"querx": {"match_all": {}}}
        ),
        BadRequestError,
        400,
        "parsing_exception",
    )
    assert error["reason"] == "Unknown key for a START_OBJECT in [querx]."
    still_serving(books)


def test_a_query_value_the_field_cannot_take(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.search(index="books", query={"term": {"pages": "many"}}),
        BadRequestError,
        400,
        "search_phase_execution_exception",
    )
    cause = root_cause(error)
    assert cause["type"] == "query_shard_exception"
    assert cause["reason"] == 'failed to create query: For input string: "many"'
    assert cause["index"] == "books"
    still_serving(books)


# Paging and sorting


@pytest.mark.parametrize(
    "request_size",
    [
        pytest.param(lambda es: es.search(index="books", size=-1), id="parameter"),
        pytest.param(
            lambda es: es.perform_request(
                "POST", "/books/_search", headers=JSON, body={"size": -1}
            ),
            id="body",
        ),
    ],
)
def test_negative_size(books: Elasticsearch, request_size: Callable[..., Any]) -> None:
    error = fails(lambda: request_size(books), BadRequestError, 400, "illegal_argument_exception")
    assert error["reason"] == "[size] parameter cannot be negative, found [-1]"
    still_serving(books)


def test_a_size_that_is_not_a_number(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.perform_request(
            "GET", "/books/_search", headers=JSON, params={"size": "ten"}
        ),
        BadRequestError,
        400,
        "illegal_argument_exception",
    )
    assert error["reason"] == "Failed to parse int parameter [size] with value [ten]"
    still_serving(books)


def test_result_window_too_large(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.search(index="books", from_=9995, size=10),
        BadRequestError,
        400,
        "search_phase_execution_exception",
    )
    cause = root_cause(error)
    assert cause["type"] == "illegal_argument_exception"
    assert cause["reason"].startswith(
        "Result window is too large, from + size must be less than or equal to: [10000] but was "
        "[10005]."
    )
    assert "[index.max_result_window]" in cause["reason"]
    # Exactly at the limit is fine.
    assert books.search(index="books", from_=9990, size=10)["hits"]["hits"] == []
    still_serving(books)


def test_sort_on_a_text_field(books: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        books.search(index="books", sort=[{"title": "asc"}])
    assert exc.value.meta.status == 400
    cause = root_cause(exc.value.body["error"])
    assert cause["type"] == "illegal_argument_exception"
    assert cause["reason"].endswith(TEXT_SORT_REASON)
    # The keyword field sorts.
    assert books.search(index="books", sort=[{"tag": "asc"}])["hits"]["total"]["value"] == 1
    still_serving(books)


def test_sort_on_a_text_field_as_elasticsearch_8_5(es: Elasticsearch) -> None:
    es.indices.create(index="books", mappings={"properties": {"title": {"type": "text"}}})
    error = fails(
        lambda: es.search(index="books", sort=[{"title": "asc"}]),
        BadRequestError,
        400,
        "search_phase_execution_exception",
    )
    assert root_cause(error)["reason"] == (
        "Fielddata is disabled on [title] in [books]. " + TEXT_SORT_REASON
    )


def test_sort_on_an_unmapped_field(books: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        books.search(index="books", sort=[{"no_such_field": "asc"}])
    cause = root_cause(exc.value.body["error"])
    assert cause["type"] == "query_shard_exception"
    assert cause["reason"] == "No mapping found for [no_such_field] in order to sort on"
    # unmapped_type makes it legal.
    response = books.search(
        index="books", sort=[{"no_such_field": {"order": "asc", "unmapped_type": "long"}}]
    )
    assert response["hits"]["total"]["value"] == 1
    still_serving(books)


# Documents that do not fit the mapping


def test_a_value_of_the_wrong_type(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.index(index="books", id="2", document={"pages": "many"}),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert (
        "failed to parse field [pages] of type [integer] in document with id '2'. Preview of "
        "field's value: 'many'"
    ) in error["reason"]
    assert error["caused_by"]["type"] == "illegal_argument_exception"
    assert error["caused_by"]["reason"] == 'For input string: "many"'
    assert root_cause(error)["type"] == "document_parsing_exception"

    error = fails(
        lambda: books.index(index="books", id="2", document={"title": {"nested": "object"}}),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert (
        "failed to parse field [title] of type [text] in document with id '2'" in (error["reason"])
    )
    error = fails(
        lambda: books.index(index="books", id="2", document={"meta": "flat"}),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert error["reason"].endswith(
        "object mapping for [meta] tried to parse field [meta] as object, but found a concrete "
        "value"
    )
    error = fails(
        lambda: books.index(index="books", id="2", document={"meta": {"publisher": "flat"}}),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert error["reason"].endswith(
        "object mapping for [meta.publisher] tried to parse field [publisher] as object, but "
        "found a concrete value"
    )
    assert not books.exists(index="books", id="2")
    still_serving(books)


@pytest.mark.parametrize(
    ("value", "cause"),
    [
        (2**31, "Numeric value (2147483648) out of range of int (-2147483648 - 2147483647)"),
        (-(2**40), "out of range of int"),
        ("2147483648", "Value [2147483648] is out of range for an integer"),
    ],
)
def test_a_number_out_of_range(books: Elasticsearch, value: Any, cause: str) -> None:
    error = fails(
        lambda: books.index(index="books", id="big", document={"pages": value}),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert (
        "failed to parse field [pages] of type [integer] in document with id 'big'"
        in (error["reason"])
    )
    assert cause in error["caused_by"]["reason"]
    assert not books.exists(index="books", id="big")
    still_serving(books)


def test_an_invalid_date(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.index(index="books", id="2", document={"published": "yesterday-ish"}),
        BadRequestError,
        400,
        "document_parsing_exception",
    )
    assert (
        "failed to parse field [published] of type [date] in document with id '2'"
        in (error["reason"])
    )
    assert error["caused_by"]["reason"].startswith(
        "failed to parse date field [yesterday-ish] with format "
        "[strict_date_optional_time||epoch_millis]"
    )
    still_serving(books)


def test_a_mapping_conflict(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.indices.put_mapping(index="books", properties={"pages": {"type": "text"}}),
        BadRequestError,
        400,
        "illegal_argument_exception",
    )
    assert error["reason"] == "mapper [pages] cannot be changed from type [integer] to [text]"
    error = fails(
        lambda: books.indices.put_mapping(index="books", properties={"meta": {"type": "long"}}),
        BadRequestError,
        400,
        "illegal_argument_exception",
    )
    assert "[meta]" in error["reason"]
    mapping = books.indices.get_mapping(index="books")["books"]["mappings"]["properties"]
    assert mapping["pages"] == {"type": "integer"}
    still_serving(books)


def test_a_bulk_with_one_broken_source_line(books: Elasticsearch) -> None:
    body = (
        b'{"index": {"_index": "books", "_id": "b1"}}\n'
        b'{"title": "first"}\n'
        b'{"index": {"_index": "books", "_id": "b2"}}\n'
        b'{"title": "broken\n'
        b'{"index": {"_index": "books", "_id": "b3"}}\n'
        b'{"pages": "not a number"}\n'
        b'{"index": {"_index": "books", "_id": "b4"}}\n'
        b'{"title": "last"}\n'
    )
    response = books.bulk(operations=body, refresh=True)
    assert response["errors"] is True
    items = [item["index"] for item in response["items"]]
    assert [item["status"] for item in items] == [201, 400, 400, 201]
    assert items[1]["_id"] == "b2"
    assert items[1]["error"]["type"] == "document_parsing_exception"
    assert items[2]["error"]["type"] == "document_parsing_exception"
    assert "[pages]" in items[2]["error"]["reason"]
    assert books.exists(index="books", id="b1")
    assert not books.exists(index="books", id="b2")
    assert books.exists(index="books", id="b4")
    still_serving(books)


def test_strict_mapping_rejection_names_the_field(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        mappings={"dynamic": "strict", "properties": {"title": {"type": "text"}}},
    )
    any_es.index(index="books", id="1", document={"title": "Dune"}, refresh=True)
    error = fails(
        lambda: any_es.index(index="books", id="2", document={"title": "x", "colour": "red"}),
        BadRequestError,
        400,
        "strict_dynamic_mapping_exception",
    )
    assert "dynamic introduction of [colour] within [_doc] is not allowed" in error["reason"]
    assert any_es.search(index="books")["hits"]["total"]["value"] == 1


# Parameters


def test_invalid_parameter_values(books: Elasticsearch) -> None:
    error = fails(
        lambda: books.perform_request(
            "PUT", "/books/_doc/2", headers=JSON, params={"refresh": "maybe"}, body={"pages": 2}
        ),
        BadRequestError,
        400,
        "illegal_argument_exception",
    )
    assert error["reason"] == "Unknown value for refresh: [maybe]."
    error = fails(
        lambda: books.perform_request(
            "GET", "/books/_doc/1", headers=JSON, params={"realtime": "yes"}
        ),
        BadRequestError,
        400,
        "illegal_argument_exception",
    )
    assert error["reason"] == "Failed to parse value [yes] as only [true] or [false] are allowed."
    error = fails(
        lambda: books.perform_request(
            "PUT", "/books/_doc/2", headers=JSON, params={"op_type": "upsert"}, body={"pages": 2}
        ),
        BadRequestError,
        400,
        "illegal_argument_exception",
    )
    assert "[upsert]" in error["reason"]
    still_serving(books)


# Unknown indices and endpoints


def test_unknown_index(books: Elasticsearch) -> None:
    calls = [
        lambda: books.search(index="no-such-index"),
        lambda: books.count(index="no-such-index"),
        lambda: books.get(index="no-such-index", id="1"),
        lambda: books.indices.get_mapping(index="no-such-index"),
        lambda: books.indices.put_mapping(
            index="no-such-index", properties={"a": {"type": "long"}}
        ),
        lambda: books.indices.refresh(index="no-such-index"),
        lambda: books.search(index="books,no-such-index"),
    ]
    for call in calls:
        error = fails(call, NotFoundError, 404, "index_not_found_exception")
        assert error["reason"] == "no such index [no-such-index]"
        assert error["index"] == "no-such-index"
        assert error["resource.id"] == "no-such-index"
    assert not books.indices.exists(index="no-such-index")
    # ignore_unavailable skips it.
    response = books.search(index="books,no-such-index", ignore_unavailable=True)
    assert response["hits"]["total"]["value"] == 1
    still_serving(books)


def error_message(body: Any) -> str:
    """The message of an error body, whether ``error`` is an object or a string."""
    error = body["error"]
    return error if isinstance(error, str) else error["reason"]


def test_method_not_allowed(books: Elasticsearch) -> None:
    with pytest.raises(ApiError) as exc:
        books.perform_request("DELETE", "/books/_search", headers=JSON)
    assert exc.value.meta.status == 405
    message = error_message(exc.value.body)
    assert message.startswith("Incorrect HTTP method for uri [/books/_search] and method [DELETE]")
    assert "allowed: [" in message and "GET" in message and "POST" in message
    still_serving(books)


def test_unknown_endpoint(books: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        books.perform_request("GET", "/books/_no_such_endpoint", headers=JSON)
    assert exc.value.meta.status == 400
    assert error_message(exc.value.body) == (
        "no handler found for uri [/books/_no_such_endpoint] and method [GET]"
    )
    with pytest.raises(BadRequestError) as exc:
        books.perform_request("GET", "/books/_doc/1/_extra", headers=JSON)
    assert "no handler found for uri [/books/_doc/1/_extra]" in error_message(exc.value.body)
    # The URI is quoted whole, query string included, as Elasticsearch's RestController does.
    with pytest.raises(BadRequestError) as exc:
        books.perform_request("GET", "/books/_nope", params={"pretty": "true"}, headers=JSON)
    assert error_message(exc.value.body) == (
        "no handler found for uri [/books/_nope?pretty=true] and method [GET]"
    )
    with pytest.raises(ApiError) as exc:
        books.perform_request("DELETE", "/books/_search", params={"q": "x"}, headers=JSON)
    assert error_message(exc.value.body).startswith(
        "Incorrect HTTP method for uri [/books/_search?q=x] and method [DELETE]"
    )
    still_serving(books)


def test_routing_errors_have_elasticsearchs_plain_shape(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("GET", "/books/_no_such_endpoint", headers=JSON)
    assert exc.value.body == {
        "error": "no handler found for uri [/books/_no_such_endpoint] and method [GET]"
    }
    with pytest.raises(ApiError) as exc:
        es.perform_request("DELETE", "/_search", headers=JSON)
    assert exc.value.body == {
        "error": "Incorrect HTTP method for uri [/_search] and method [DELETE], allowed: "
        "[GET, POST]",
        "status": 405,
    }
    assert exc.value.meta.headers.get("allow") == "GET,POST"


def test_many_failures_in_a_row_do_not_wear_the_engine_down(books: Elasticsearch) -> None:
    for number in range(25):
        with pytest.raises(BadRequestError):
            books.index(index="books", id=f"bad-{number}", document={"pages": "x"})
        with pytest.raises(BadRequestError):
            books.search(index="books", query={"nope": {}})
        with pytest.raises(NotFoundError):
            books.get(index="books", id=f"bad-{number}")
    still_serving(books)
    assert books.count(index="books")["count"] == 2


@pytest.mark.parametrize(
    ("body", "reason"),
    [  # what the fuzz round of the search features found answering 500
        ({"mappings": "x"}, "key [mappings] must be an object"),
        ({"mappings": -1}, "key [mappings] must be an object"),
        ({"aliases": [1]}, "key [aliases] must be an object"),
    ],
)
def test_create_index_sections_that_are_not_objects(
    any_es: Elasticsearch, body: dict[str, Any], reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="bad", **body)
    assert exc.value.body["error"]["type"] == "parse_exception"
    assert exc.value.body["error"]["reason"] == reason
    assert not any_es.indices.exists(index="bad")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"match_all": True}, "[match_all] query malformed, no start_object after query name"),
        (
            {"multi_match": {"query": "x", "fields": [None]}},
            "[multi_match] query does not support [fields]",
        ),
        (
            {"multi_match": {"query": "x", "fields": {"a": 1}}},
            "[multi_match] query does not support [fields]",
        ),
        (
            {"has_parent": {"parent_type": [], "query": {"match_all": {}}}},
            "[has_parent] query does not support [parent_type]",
        ),
    ],
)
def test_query_options_of_the_wrong_shape(
    books: Elasticsearch, query: dict[str, Any], reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        books.search(index="books", query=query)
    assert exc.value.body["error"]["reason"] == reason


def test_multi_match_reads_scalar_field_names_as_text(books: Elasticsearch) -> None:
    """Elasticsearch reads a value token as a field name's text: ``1`` is the field "1"."""
    found = books.search(index="books", query={"multi_match": {"query": "x", "fields": [1, True]}})
    assert found["hits"]["total"]["value"] == 0


def _media_type(version: int) -> str:
    return f"application/vnd.elasticsearch+json; compatible-with={version}"


@pytest.mark.parametrize("version", [7, 10])
def test_an_api_version_elasticsearch_9_lacks_is_refused(
    books: Elasticsearch, version: int
) -> None:
    """Elasticsearch 9 answers the APIs of 9 and 8: a client built for 7 that asks for its API
    fails at once, as it would there (before anything runs)."""
    asked = {"accept": _media_type(version), "content-type": _media_type(version)}
    with pytest.raises(BadRequestError) as refused:
        books.perform_request("GET", "/", headers={"accept": _media_type(version)})
    error = refused.value.body["error"]
    assert error["type"] == "media_type_header_exception"
    assert error["reason"] == "Invalid media-type value on headers [Accept, Content-Type]"
    assert error["caused_by"] == {
        "type": "status_exception",
        "reason": f"Accept version must be either version 9 or 8, but found {version}. "
        f"Accept={_media_type(version)}",
    }
    with pytest.raises(BadRequestError):
        books.perform_request("PUT", "/books/_doc/new", headers=asked, body={"title": "x"})
    assert not books.exists(index="books", id="new")


def test_api_versions_8_and_9_are_answered_when_both_headers_agree(books: Elasticsearch) -> None:
    for version in (8, 9):
        headers = {"accept": _media_type(version), "content-type": _media_type(version)}
        found = books.perform_request("POST", "/books/_search", headers=headers, body={})
        assert found["hits"]["total"]["value"] > 0
    mixed = {"accept": _media_type(8), "content-type": _media_type(9)}
    with pytest.raises(BadRequestError) as refused:
        books.perform_request("POST", "/books/_search", headers=mixed, body={})
    assert refused.value.body["error"]["caused_by"]["reason"].startswith(
        "A compatible version is required on both Content-Type and Accept headers if either "
        "one has requested a compatible version and the compatible versions must match."
    )
    answered = books.perform_request("GET", "/", headers=mixed)  # no body: no Content-Type
    assert answered["version"]["number"]
