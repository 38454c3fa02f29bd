"""Spellings Elasticsearch 9 still accepts with a deprecation ``Warning`` (its ParseField's
deprecated names), answered the same way; and the spellings it reads in any case."""

from __future__ import annotations

import re
import warnings

import pytest
from elasticsearch import BadRequestError, Elasticsearch, ElasticsearchWarning


@pytest.fixture
def books(any_es: Elasticsearch) -> Elasticsearch:
    for doc_id, (title, body) in enumerate([("Dune", "sand worms"), ("Emma", "dune buggy")]):
        any_es.index(index="books", id=str(doc_id), document={"title": title, "body": body})
    any_es.indices.refresh(index="books")
    return any_es


def ids(found: dict) -> list[str]:
    return sorted(hit["_id"] for hit in found["hits"]["hits"])


def test_multi_match_type_boolean_is_best_fields(books: Elasticsearch) -> None:
    query = {"query": "dune", "fields": ["title", "body"]}
    expected = books.search(index="books", query={"multi_match": query})
    with pytest.warns(
        ElasticsearchWarning,
        match=r"Deprecated field \[boolean\] used, expected \[best_fields\] instead",
    ):
        old = books.search(index="books", query={"multi_match": {**query, "type": "boolean"}})
    assert ids(old) == ids(expected) == ["0", "1"]
    assert [h["_score"] for h in old["hits"]["hits"]] == [
        h["_score"] for h in expected["hits"]["hits"]
    ]


def test_multi_match_type_is_read_in_any_case(books: Elasticsearch) -> None:
    found = books.search(
        index="books",
        query={"multi_match": {"query": "dune", "fields": ["title"], "type": "PHRASE"}},
    )
    assert ids(found) == ["0"]
    with pytest.raises(BadRequestError) as exc:
        books.search(
            index="books",
            query={"multi_match": {"query": "x", "fields": ["title"], "type": "nope"}},
        )
    cause = exc.value.body["error"]["root_cause"][0]
    assert cause["type"] == "parse_exception"
    assert cause["reason"] == "failed to parse [multi_match] query type [nope]. unknown type."


LOCAL = (
    r"the \[\?local\] query parameter to this API has no effect, is now deprecated, "
    r"and will be removed in a future version"
)


@pytest.fixture
def metadata(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="books", mappings={"properties": {"title": {"type": "text"}}})
    any_es.indices.put_index_template(name="composable", index_patterns=["zz-*"])
    any_es.cluster.put_component_template(name="component", template={})
    with pytest.warns(ElasticsearchWarning, match="Legacy index templates are deprecated"):
        any_es.indices.put_template(name="legacy", index_patterns=["yy-*"])
    return any_es


def _metadata_reads(es: Elasticsearch, local: bool) -> dict:
    """The APIs where Elasticsearch consumes ``?local`` with its deprecation warning."""
    return {
        "index": es.indices.get(index="books", local=local),
        "mapping": es.indices.get_mapping(index="books", local=local),
        "settings": es.indices.get_settings(index="books", local=local),
        "composable": es.indices.get_index_template(name="composable", local=local),
        "component": es.cluster.get_component_template(name="component", local=local),
        "legacy": es.indices.get_template(name="legacy", local=local),
        "cluster": es.perform_request(
            "GET",
            "/_cluster/settings",
            params={"local": "true" if local else "false"},
            headers={"accept": "application/json"},
        ).body,
    }


def test_local_is_accepted_without_effect_and_with_its_warning(metadata: Elasticsearch) -> None:
    with pytest.warns(ElasticsearchWarning) as record:
        local = _metadata_reads(metadata, local=True)
    messages = [str(w.message) for w in record if w.category is ElasticsearchWarning]
    assert len(messages) == 7
    assert all(re.fullmatch(LOCAL, m) for m in messages)
    assert local["mapping"]["books"]["mappings"]["properties"]["title"]["type"] == "text"
    assert [t["name"] for t in local["composable"]["index_templates"]] == ["composable"]
    assert list(local["legacy"]) == ["legacy"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ElasticsearchWarning)
        assert _metadata_reads(metadata, local=False) == local


def test_local_elsewhere_is_not_deprecated(metadata: Elasticsearch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ElasticsearchWarning)
        assert metadata.cluster.health(local=True)["status"] in ("green", "yellow")
        metadata.cluster.state(metric="metadata", local=True)


@pytest.mark.parametrize(
    "body", [{"rank": {"rrf": {}}}, {"sub_searches": [{"query": {"match_all": {}}}]}]
)
def test_rank_and_sub_searches_warn_and_are_refused(books: Elasticsearch, body: dict) -> None:
    """Elasticsearch reads both (deprecated for ``retriever``); the engine refuses them (its rrf
    retriever serves what they ask), with the warning in the error's headers (elasticsearch-py
    raises no ElasticsearchWarning for an error response)."""
    (key,) = body
    with pytest.raises(BadRequestError) as exc:
        books.search(index="books", body=body)
    assert exc.value.body["error"]["reason"] == (
        f"[{key}] is not supported by the djangoes embedded engine"
    )
    assert exc.value.meta.headers["Warning"] == (
        f'299 Elasticsearch-9.0.0-djangoes "Deprecated field [{key}] used, replaced by [retriever]"'
    )


def test_local_on_get_aliases_is_refused_as_elasticsearch_9_refuses_it(
    any_es: Elasticsearch,
) -> None:
    """Elasticsearch 9 reads get aliases' ``?local`` only under REST compatibility with 8."""
    any_es.indices.create(index="books", aliases={"shelf": {}})
    with pytest.raises(BadRequestError) as exc:
        any_es.perform_request(
            "GET", "/_alias/shelf", params={"local": "true"}, headers={"accept": "application/json"}
        )
    assert exc.value.body["error"]["type"] == "illegal_argument_exception"
    assert exc.value.body["error"]["reason"] == (
        "request [/_alias/shelf] contains unrecognized parameter: [local]"
    )
    assert any_es.indices.get_alias(name="shelf", expand_wildcards="all") == {
        "books": {"aliases": {"shelf": {}}}
    }


def test_field_masking_span_is_span_field_masking_refused_as_span_queries_are(
    books: Elasticsearch,
) -> None:
    """Elasticsearch registers ``span_field_masking`` with ``field_masking_span`` as its
    deprecated name: both are a span query here (refused), neither an unknown query."""
    clause = {"query": {"span_term": {"title": "dune"}}, "field": "title"}
    for name in ("span_field_masking", "field_masking_span"):
        with pytest.raises(BadRequestError) as exc:
            books.search(index="books", query={name: clause})
        assert exc.value.body["error"]["reason"] == (
            "query [span_field_masking] is not supported by the djangoes embedded engine"
        )
        warning = exc.value.meta.headers.get("Warning")
        if name == "span_field_masking":
            assert warning is None
        else:
            assert warning == (
                '299 Elasticsearch-9.0.0-djangoes "Deprecated field [field_masking_span] used, '
                'expected [span_field_masking] instead"'
            )


def test_spellings_read_only_under_rest_compatibility_are_refused(books: Elasticsearch) -> None:
    """Elasticsearch 8 read these only for a ``compatible-with=7`` request, a version
    Elasticsearch 9 refuses: to it, as here, they are unknown."""
    refused = [
        (
            {"aggs": {"h": {"date_histogram": {"field": "title.keyword", "interval": "1d"}}}},
            "[date_histogram] unknown field [interval] did you mean [fixed_interval]?",
        ),
        (
            {"query": {"match": {"title": {"query": "dune", "cutoff_frequency": 0.01}}}},
            "[match] query does not support [cutoff_frequency]",
        ),
        ({"indices_boost": {"books": 2}}, "Unknown key for a START_OBJECT in [indices_boost]."),
    ]
    for body, reason in refused:
        with pytest.raises(BadRequestError) as exc:
            books.search(index="books", body=body)
        assert exc.value.body["error"]["root_cause"][0]["reason"] == reason
    found = books.search(index="books", body={"indices_boost": [{"books": 2}]})
    assert ids(found) == ["0", "1"]


@pytest.mark.parametrize("key", ["_term", "_time"])
def test_legacy_bucket_order_keys_are_sub_aggregation_paths(books: Elasticsearch, key: str) -> None:
    """Elasticsearch 9 maps ``_term``/``_time`` to ``_key`` only under REST compatibility with
    7; otherwise they name a sub-aggregation, which does not exist."""
    with pytest.raises(BadRequestError) as exc:
        books.search(
            index="books",
            aggs={"t": {"terms": {"field": "title.keyword", "order": {key: "asc"}}}},
        )
    assert exc.value.body["error"]["root_cause"][0]["reason"] == (
        f"Invalid aggregator order path [{key}]. Unknown aggregation [{key}]"
    )


def test_local_on_the_template_exists_apis_warns_too(metadata: Elasticsearch) -> None:
    """HEAD shares the get template handlers in Elasticsearch, and so their ``?local``."""
    checks = [
        lambda: metadata.indices.exists_index_template(name="composable", local=True),
        lambda: metadata.cluster.exists_component_template(name="component", local=True),
        lambda: metadata.indices.exists_template(name="legacy", local=True),
    ]
    for check in checks:
        with pytest.warns(ElasticsearchWarning, match=f"^{LOCAL}$"):
            assert check()


@pytest.mark.parametrize("where", ["request", "field"])
def test_highlight_force_source_warns_and_changes_nothing(books: Elasticsearch, where: str) -> None:
    """Elasticsearch 8+ reads ``force_source`` and ignores it (ParseField.withAllDeprecated)."""
    plain = {"fields": {"body": {}}}
    forced = (
        {"fields": {"body": {}}, "force_source": True}
        if where == "request"
        else {"fields": {"body": {"force_source": True}}}
    )
    query = {"match": {"body": "dune"}}
    expected = books.search(index="books", query=query, highlight=plain)
    with pytest.warns(
        ElasticsearchWarning,
        match=r"Deprecated field \[force_source\] used, this field is unused and will be "
        r"removed entirely",
    ):
        found = books.search(index="books", query=query, highlight=forced)
    assert (
        [h["highlight"] for h in found["hits"]["hits"]]
        == [h["highlight"] for h in expected["hits"]["hits"]]
        == [{"body": ["<em>dune</em> buggy"]}]
    )
