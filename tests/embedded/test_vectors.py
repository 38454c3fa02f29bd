"""dense_vector and kNN search (issue 15): the mapping with Elasticsearch's defaults and errors,
array, base64 and hex input, what a fetch shows of a vector, and kNN search (the ``knn`` query
and the top-level ``knn``) with Elasticsearch's scores, through the real client."""

from __future__ import annotations

import base64
import math
import struct
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch


def error_of(exc: pytest.ExceptionInfo[BadRequestError]) -> dict[str, Any]:
    body = exc.value.body
    assert isinstance(body, dict)
    return body["error"]


def packed(vector: list[float]) -> str:
    """What elasticsearch-py's ``pack_dense_vector`` sends: big-endian float32s, base64."""
    return base64.b64encode(struct.pack(f">{len(vector)}f", *vector)).decode()


def mapping_of(es: Elasticsearch, index: str, field: str) -> dict[str, Any]:
    return dict(es.indices.get_mapping(index=index)[index]["mappings"]["properties"][field])


# Mapping


def test_get_mapping_fills_in_elasticsearchs_defaults(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="v",
        mappings={
            "properties": {
                "small": {"type": "dense_vector", "dims": 3},
                "large": {"type": "dense_vector", "dims": 384},
                "b": {"type": "dense_vector", "dims": 3, "element_type": "byte"},
                "bits": {"type": "dense_vector", "dims": 16, "element_type": "bit"},
                "stored": {"type": "dense_vector", "dims": 3, "index": False},
                "hnsw": {
                    "type": "dense_vector",
                    "dims": 4,
                    "similarity": "l2_norm",
                    "index_options": {"type": "hnsw", "m": 32, "ef_construction": 200},
                },
            }
        },
    )
    assert mapping_of(any_es, "v", "small") == {
        "type": "dense_vector",
        "dims": 3,
        "index": True,
        "similarity": "cosine",
        "index_options": {"type": "int8_hnsw", "m": 16, "ef_construction": 100},
    }
    assert mapping_of(any_es, "v", "large")["index_options"] == {
        "type": "bbq_hnsw",
        "m": 16,
        "ef_construction": 100,
        "rescore_vector": {"oversample": 3.0},
    }
    assert mapping_of(any_es, "v", "b") == {
        "type": "dense_vector",
        "element_type": "byte",
        "dims": 3,
        "index": True,
        "similarity": "cosine",
    }
    assert mapping_of(any_es, "v", "bits")["similarity"] == "l2_norm"
    assert mapping_of(any_es, "v", "stored") == {"type": "dense_vector", "dims": 3, "index": False}
    assert mapping_of(any_es, "v", "hnsw")["index_options"] == {
        "type": "hnsw",
        "m": 32,
        "ef_construction": 200,
    }


def test_the_first_vector_gives_the_dimensions_and_then_the_index_options(
    any_es: Elasticsearch,
) -> None:
    any_es.indices.create(
        index="v",
        mappings={
            "properties": {
                "f": {"type": "dense_vector"},
                "b": {"type": "dense_vector", "element_type": "byte"},
            }
        },
    )
    assert "dims" not in mapping_of(any_es, "v", "f")
    assert "index_options" not in mapping_of(any_es, "v", "f")
    any_es.index(index="v", id="1", document={"f": packed([0.5, 0.25, 1.0, 2.0]), "b": "gH8KAA=="})
    assert mapping_of(any_es, "v", "f")["dims"] == 4
    assert mapping_of(any_es, "v", "f")["index_options"]["type"] == "int8_hnsw"
    assert mapping_of(any_es, "v", "b")["dims"] == 4
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="v", id="2", document={"f": [1, 2, 3]})
    assert error_of(exc)["caused_by"]["reason"] == (
        "The [dense_vector] field [f] in doc [document with id '2'] has a different number of "
        "dimensions [3] than defined in the mapping [4]"
    )


@pytest.mark.parametrize(
    ("field", "reason"),
    [
        (
            {"dims": 3, "index": False, "similarity": "l2_norm"},
            "Field [similarity] can only be specified for a field of type [dense_vector] when it "
            "is indexed",
        ),
        (
            {"dims": 3, "index": False, "index_options": {"type": "hnsw"}},
            "Field [index_options] can only be specified for a field of type [dense_vector] when "
            "it is indexed",
        ),
        (
            {"dims": 8, "element_type": "bit", "similarity": "cosine"},
            "The [l2_norm] similarity is the only supported similarity for bit vectors",
        ),
        (
            {"dims": 3, "element_type": "byte", "index_options": {"type": "int8_hnsw"}},
            "[element_type] cannot be [byte] when using index type [int8_hnsw]",
        ),
        (
            {"dims": 3, "index_options": {"type": "int4_hnsw"}},
            "int4_hnsw only supports even dimensions; provided=3",
        ),
        ({"dims": 0}, "The number of dimensions should be in the range [1, 4096] but was [0]"),
        (
            {"dims": 12, "element_type": "bit"},
            "The number of dimensions for should be a multiple of 8 but was [12]",
        ),
    ],
)
def test_a_wrong_mapping_gets_elasticsearchs_error(
    any_es: Elasticsearch, field: dict[str, Any], reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(
            index="v", mappings={"properties": {"v": {"type": "dense_vector", **field}}}
        )
    error = error_of(exc)
    assert error["type"] == "mapper_parsing_exception"
    assert error["reason"] == f"Failed to parse mapping: {reason}"


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ({"element_type": "bfloat16"}, "[element_type] [bfloat16]"),
        ({"index_options": {"type": "bbq_disk"}}, "[index_options] type [bbq_disk]"),
    ],
)
def test_what_the_engine_does_not_implement_is_refused_by_name(
    any_es: Elasticsearch, field: dict[str, Any], named: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(
            index="v", mappings={"properties": {"v": {"type": "dense_vector", **field}}}
        )
    assert named in error_of(exc)["reason"]
    assert "not supported by the djangoes embedded engine" in error_of(exc)["reason"]


# Documents


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        (
            "f",
            [1, 2, 3, 4],
            "The [dense_vector] field [f] in doc [document with id '1'] has more dimensions than "
            "defined in the mapping [3]",
        ),
        (
            "b",
            [1, 2, 300],
            "element_type [byte] vectors only support integers between [-128, 127] but found "
            "[300] at dim [2]; Preview of invalid vector: [1.0, 2.0, 300.0]",
        ),
        (
            "b",
            [1, 2.5, 3],
            "element_type [byte] vectors only support non-decimal values but found decimal value "
            "[2.5] at dim [1]; Preview of invalid vector: [1.0, 2.5, 3.0]",
        ),
        (
            "dot",
            [1, 1, 1],
            "The [dot_product] similarity can only be used with unit-length vectors. Preview of "
            "invalid vector: [1.0, 1.0, 1.0]",
        ),
        (
            "f",
            base64.b64encode(struct.pack(">3f", 1.0, math.nan, 2.0)).decode(),
            "element_type [float] vectors do not support NaN values but found [NaN] at dim [1]; "
            "Preview of invalid vector: [1.0, NaN, 2.0]",
        ),
        (
            "f",
            [[1, 2, 3], [4, 5, 6]],
            "Field [f] of type [dense_vector] doesn't support indexing multiple values for the "
            "same field in the same document",
        ),
    ],
)
def test_a_wrong_vector_gets_elasticsearchs_error(
    any_es: Elasticsearch, field: str, value: Any, reason: str
) -> None:
    any_es.indices.create(
        index="v",
        mappings={
            "properties": {
                "f": {"type": "dense_vector", "dims": 3},
                "b": {"type": "dense_vector", "dims": 3, "element_type": "byte"},
                "dot": {"type": "dense_vector", "dims": 3, "similarity": "dot_product"},
            }
        },
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="v", id="1", document={field: value})
    error = error_of(exc)
    assert error["type"] == "document_parsing_exception"
    assert error["reason"].startswith(
        f"failed to parse field [{field}] of type [dense_vector] in document with id '1'."
    )
    assert error["caused_by"]["reason"] == reason


def test_base64_and_hex_vectors_read_back_decoded(any_es: Elasticsearch) -> None:
    """Elasticsearch's own example: floats packed big-endian, bytes in base64 or hex (read
    back from the index, where the source leaves them out)."""
    any_es.indices.create(
        index="v",
        settings={"index.mapping.exclude_source_vectors": True},
        mappings={
            "properties": {
                "f": {"type": "dense_vector", "dims": 3, "similarity": "l2_norm"},
                "b": {"type": "dense_vector", "dims": 3, "element_type": "byte"},
                "bits": {"type": "dense_vector", "dims": 24, "element_type": "bit"},
            }
        },
    )
    any_es.index(index="v", id="1", document={"f": "P2I/CD8hjoM/R66D", "b": "gH8K"})
    any_es.index(index="v", id="2", document={"f": [1, 1.2, 2.3], "b": "807f0a", "bits": "AQID"})
    got = any_es.get(index="v", id="1", source_exclude_vectors=False)["_source"]
    assert got == {"f": [0.8837743, 0.6310808, 0.7800066], "b": [-128, 127, 10]}
    got = any_es.get(index="v", id="2", source_exclude_vectors=False)["_source"]
    assert got == {"f": [1.0, 1.2, 2.3], "b": [-128, 127, 10], "bits": [1, 2, 3]}
    with pytest.raises(BadRequestError) as exc:  # a hex string is no float vector
        any_es.index(index="v", id="3", document={"f": "807f0a"})
    assert "Base64 decoded vector byte length [4]" in error_of(exc)["caused_by"]["reason"]


def test_indexed_vectors_are_left_out_of_the_source_unless_asked_for(
    any_es: Elasticsearch,
) -> None:
    """``index.mapping.exclude_source_vectors``: true by default from Elasticsearch 9.2, false
    in the 9.0 the engine reports itself as."""
    any_es.indices.create(
        index="v",
        settings={"index.mapping.exclude_source_vectors": True},
        mappings={
            "properties": {
                "f": {"type": "dense_vector", "dims": 3},
                "kept": {"type": "dense_vector", "dims": 2, "index": False},
            }
        },
    )
    any_es.index(
        index="v",
        id="1",
        document={"f": packed([0.1, 0.2, 0.3]), "kept": [1, 2], "t": "x"},
        refresh=True,
    )
    assert any_es.get(index="v", id="1")["_source"] == {"kept": [1, 2], "t": "x"}
    hit = any_es.search(index="v")["hits"]["hits"][0]
    assert hit["_source"] == {"kept": [1, 2], "t": "x"}
    shown = any_es.search(index="v", source={"exclude_vectors": False})["hits"]["hits"][0]
    assert shown["_source"]["f"] == [0.1, 0.2, 0.3]
    fields = any_es.search(index="v", fields=["f"], docvalue_fields=["kept"])["hits"]["hits"][0]
    assert fields["fields"] == {"f": [0.1, 0.2, 0.3], "kept": [[1.0, 2.0]]}


@pytest.mark.parametrize("settings", [{}, {"index.mapping.exclude_source_vectors": False}])
def test_an_index_keeps_its_vectors_in_the_source_as_sent(
    any_es: Elasticsearch, settings: dict[str, Any]
) -> None:
    """By default, as Elasticsearch 9.0 (the version the engine reports) does."""
    any_es.indices.create(
        index="v",
        settings=settings,
        mappings={"properties": {"f": {"type": "dense_vector", "dims": 3}}},
    )
    any_es.index(index="v", id="1", document={"f": "P2I/CD8hjoM/R66D"}, refresh=True)
    assert any_es.get(index="v", id="1")["_source"] == {"f": "P2I/CD8hjoM/R66D"}
    hit = any_es.search(index="v", source={"exclude_vectors": True})["hits"]["hits"][0]
    assert hit["_source"] == {}


# kNN search


@pytest.fixture
def ten(any_es: Elasticsearch) -> Elasticsearch:
    """Elasticsearch's ``knn`` query test data: [1, 1, 1, i] named v1 (odd) or v2 (even)."""
    any_es.indices.create(
        index="my_index",
        mappings={
            "properties": {
                "my_vector": {"type": "dense_vector", "dims": 4, "similarity": "l2_norm"},
                "my_name": {"type": "keyword"},
            }
        },
    )
    operations: list[dict[str, Any]] = []
    for i in range(1, 11):
        operations.append({"index": {"_id": str(i)}})
        operations.append({"my_vector": [1, 1, 1, i], "my_name": "v1" if i % 2 else "v2", "n": i})
    any_es.bulk(index="my_index", operations=operations, refresh=True)
    return any_es


def ids(response: Any) -> list[str]:
    return [hit["_id"] for hit in response["hits"]["hits"]]


def test_the_knn_query_finds_k_neighbours_with_l2_norm_scores(ten: Elasticsearch) -> None:
    knn = {"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 5}
    found = ten.search(index="my_index", query={"knn": knn})
    assert found["hits"]["total"]["value"] == 5
    assert ids(found) == ["1", "2", "3", "4", "5"]
    scores = [hit["_score"] for hit in found["hits"]["hits"]]
    assert scores == pytest.approx([1.0, 1 / 2, 1 / 5, 1 / 10, 1 / 17])
    paged = ten.search(index="my_index", size=2, from_=1, query={"knn": knn})
    assert paged["hits"]["total"]["value"] == 5
    assert ids(paged) == ["2", "3"]
    without_k = ten.search(index="my_index", size=3, query={"knn": {**knn, "k": None}})
    assert without_k["hits"]["total"]["value"] == 3  # k is the size


def test_the_knn_query_composes_with_other_queries_and_aggregations(ten: Elasticsearch) -> None:
    knn = {"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 5, "num_candidates": 10}
    found = ten.search(
        index="my_index",
        size=10,
        query={
            "dis_max": {
                "queries": [{"knn": knn}, {"match": {"my_name": "v2"}}],
                "tie_breaker": 0.8,
            }
        },
    )
    assert found["hits"]["total"]["value"] == 8
    assert ids(found) == ["2", "1", "4", "6", "8", "10", "3", "5"]
    counted = ten.search(
        index="my_index",
        size=2,
        query={"knn": knn},
        aggs={"names": {"terms": {"field": "my_name", "order": {"_key": "asc"}}}},
    )
    buckets = counted["aggregations"]["names"]["buckets"]
    assert [(b["key"], b["doc_count"]) for b in buckets] == [("v1", 3), ("v2", 2)]


def test_the_knn_query_filter_and_similarity_threshold(ten: Elasticsearch) -> None:
    knn = {"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 3, "num_candidates": 10}
    filtered = ten.search(
        index="my_index", query={"knn": {**knn, "filter": {"term": {"my_name": "v2"}}}}
    )
    assert ids(filtered) == ["2", "4", "6"]
    near = ten.search(index="my_index", query={"knn": {**knn, "similarity": 1.5}})
    assert ids(near) == ["1", "2"]  # within an l2 distance of 1.5


@pytest.mark.parametrize(
    ("knn", "reason"),
    [
        ({"k": 5, "num_candidates": 3}, "[num_candidates] cannot be less than [k]"),
        ({"k": 0}, "[k] must be greater than 0"),
        ({"num_candidates": 10001}, "[num_candidates] cannot exceed [10000]"),
    ],
)
def test_wrong_knn_parameters_get_elasticsearchs_errors(
    ten: Elasticsearch, knn: dict[str, Any], reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        ten.search(
            index="my_index",
            query={"knn": {"field": "my_vector", "query_vector": [1, 1, 1, 1], **knn}},
        )
    assert error_of(exc)["type"] == "x_content_parse_exception"
    assert error_of(exc)["caused_by"] == {"type": "illegal_argument_exception", "reason": reason}


def test_knn_on_a_missing_or_wrong_field_is_refused(ten: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        ten.search(index="my_index", knn={"field": "nope", "query_vector": [1, 0], "k": 2})
    assert error_of(exc)["root_cause"][0] == {
        "type": "query_shard_exception",
        "reason": "failed to create query: field [nope] does not exist in the mapping",
        "index": "my_index",
        "index_uuid": error_of(exc)["root_cause"][0]["index_uuid"],
    }
    with pytest.raises(BadRequestError) as exc:
        ten.search(index="my_index", knn={"field": "my_vector", "query_vector": [1, 0], "k": 2})
    assert error_of(exc)["root_cause"][0]["reason"] == (
        "The query vector has a different number of dimensions [2] than the document vectors [4]."
    )


def test_top_level_knn_joins_the_query_with_scores_summed(ten: Elasticsearch) -> None:
    found = ten.search(
        index="my_index",
        knn={"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 3, "_name": "near"},
        query={"term": {"my_name": {"value": "v2", "_name": "even"}}},
    )
    assert found["hits"]["total"]["value"] == 7  # 3 neighbours, and the 5 even ones, once
    hits = found["hits"]["hits"]
    assert ids(found)[:2] == ["2", "1"]
    term_score = hits[2]["_score"]  # ids 4, 6, 8, 10: the term query alone
    assert hits[0]["_score"] == pytest.approx(term_score + 0.5)
    assert hits[1]["_score"] == pytest.approx(1.0)
    assert hits[0]["matched_queries"] == ["even", "near"]
    assert hits[1]["matched_queries"] == ["near"]


def test_top_level_knn_list_boost_and_filter(ten: Elasticsearch) -> None:
    found = ten.search(
        index="my_index",
        knn=[
            {"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 1, "boost": 2},
            {
                "field": "my_vector",
                "query_vector": [1, 1, 1, 10],
                "k": 2,
                "filter": [{"term": {"my_name": "v1"}}],
            },
        ],
    )
    assert [(h["_id"], h["_score"]) for h in found["hits"]["hits"]] == [
        ("1", pytest.approx(2.0)),
        ("9", pytest.approx(0.5)),
        ("7", pytest.approx(0.1)),
    ]


@pytest.mark.parametrize(
    ("similarity", "element_type", "docs", "query", "expected"),
    [
        # cosine: (1 + cos) / 2
        (
            "cosine",
            "float",
            [[1, 0], [1, 1], [0, 1]],
            [1, 0],
            [1.0, (1 + 1 / math.sqrt(2)) / 2, 0.5],
        ),
        # dot_product on unit vectors: (1 + dot) / 2
        ("dot_product", "float", [[0.6, 0.8], [0.8, 0.6], [0, 1]], [0.6, 0.8], [1.0, 0.98, 0.9]),
        # max_inner_product: dot + 1, or 1 / (1 - dot) below 0
        ("max_inner_product", "float", [[3, 4], [1, 0], [-3, -4]], [1, 2], [12.0, 2.0, 1 / 12]),
        # dot_product on bytes: 0.5 + dot / (dims * 2^15)
        (
            "dot_product",
            "byte",
            [[4, 5, 6], [1, 1, 1], [-4, -5, -6]],
            [1, 2, 3],
            [0.5 + 32 / (3 * 32768), 0.5 + 6 / (3 * 32768), 0.5 - 32 / (3 * 32768)],
        ),
        # bit (l2_norm): (bits - hamming) / bits
        ("l2_norm", "bit", [[3], [1], [-128]], [3], [1.0, 7 / 8, 5 / 8]),
    ],
)
def test_knn_scores_are_elasticsearchs_per_similarity(
    any_es: Elasticsearch,
    similarity: str,
    element_type: str,
    docs: list[list[float]],
    query: list[float],
    expected: list[float],
) -> None:
    any_es.indices.create(
        index="s",
        mappings={
            "properties": {
                "v": {
                    "type": "dense_vector",
                    "similarity": similarity,
                    "element_type": element_type,
                }
            }
        },
    )
    for number, vector in enumerate(docs):
        any_es.index(index="s", id=str(number), document={"v": vector})
    any_es.indices.refresh(index="s")
    found = any_es.search(index="s", knn={"field": "v", "query_vector": query, "k": 3})
    assert ids(found) == ["0", "1", "2"]
    scores = [hit["_score"] for hit in found["hits"]["hits"]]
    assert scores == pytest.approx(expected, rel=1e-6)


def test_knn_takes_base64_and_hex_query_vectors(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="q",
        mappings={
            "properties": {
                "f": {"type": "dense_vector", "dims": 3, "similarity": "l2_norm"},
                "b": {
                    "type": "dense_vector",
                    "dims": 3,
                    "element_type": "byte",
                    "similarity": "l2_norm",
                },
            }
        },
    )
    for number, (f, b) in enumerate(
        [([0.1, 0.2, 0.3], [10, 20, 30]), ([0.4, 0.5, 0.6], [40, 50, 60])]
    ):
        any_es.index(index="q", id=str(number + 1), document={"f": f, "b": b})
    any_es.indices.refresh(index="q")
    for field, vector in [("f", "PczMzT5MzM0+mZma"), ("b", "ChQe"), ("b", "0a141e")]:
        found = any_es.search(
            index="q", query={"knn": {"field": field, "query_vector": vector, "k": 1}}
        )
        assert ids(found) == ["1"], (field, vector)


def test_an_empty_index_with_unknown_dimensions_finds_nothing(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="e", mappings={"properties": {"v": {"type": "dense_vector"}}})
    found = any_es.search(
        index="e", query={"knn": {"field": "v", "query_vector": [0.1, 0.2], "k": 1}}
    )
    assert found["hits"]["total"]["value"] == 0


def test_knn_on_an_unindexed_vector_is_refused(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="u",
        mappings={"properties": {"v": {"type": "dense_vector", "dims": 2, "index": False}}},
    )
    any_es.index(index="u", id="1", document={"v": [1, 2]}, refresh=True)
    with pytest.raises(BadRequestError) as exc:
        any_es.search(index="u", knn={"field": "v", "query_vector": [1, 2], "k": 1})
    assert error_of(exc)["root_cause"][0]["reason"] == (
        "to perform knn search on field [v], its mapping must have [index] set to [true]"
    )


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (
            {"knn": {"field": "v", "query_vector_builder": {"text_embedding": {}}, "k": 1}},
            "[query_vector_builder]",
        ),
        ({"retriever": {"linear": {"retrievers": []}}}, "the [linear] retriever"),
    ],
)
def test_what_the_engine_does_not_implement_is_refused_in_searches(
    any_es: Elasticsearch, body: dict[str, Any], named: str
) -> None:
    any_es.indices.create(
        index="r", mappings={"properties": {"v": {"type": "dense_vector", "dims": 2}}}
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.search(index="r", body=body)
    reason = error_of(exc)["root_cause"][0]["reason"]
    assert named in reason
    assert "not supported by the djangoes embedded engine" in reason


def test_dynamic_mapping_takes_128_to_4096_floats_for_a_dense_vector(
    any_es: Elasticsearch,
) -> None:
    vector = [float(i) / 10 + 0.5 for i in range(128)]
    any_es.index(
        index="d",
        id="1",
        document={"short": [0.5, 1.5, 2.5], "vec": vector, "ints": list(range(200))},
        refresh=True,
    )
    assert mapping_of(any_es, "d", "short") == {"type": "float"}
    assert mapping_of(any_es, "d", "ints") == {"type": "long"}
    assert mapping_of(any_es, "d", "vec") == {
        "type": "dense_vector",
        "dims": 128,
        "index": True,
        "similarity": "cosine",
        "index_options": {"type": "int8_hnsw", "m": 16, "ef_construction": 100},
    }
    found = any_es.search(index="d", knn={"field": "vec", "query_vector": vector, "k": 1})
    assert found["hits"]["hits"][0]["_score"] == pytest.approx(1.0)


# script_score


@pytest.fixture
def scripted(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="s",
        mappings={
            "properties": {
                "v": {"type": "dense_vector", "dims": 2},
                "b": {"type": "dense_vector", "dims": 2, "element_type": "byte"},
                "n": {"type": "long"},
                "t": {"type": "text"},
            }
        },
    )
    any_es.index(index="s", id="1", document={"v": [1, 0], "b": [1, 2], "n": 2, "t": "a b"})
    any_es.index(index="s", id="2", document={"v": [1, 1], "b": [3, -1], "n": 3, "t": "b"})
    any_es.index(index="s", id="3", document={"n": 4, "t": "c"}, refresh=True)
    return any_es


def script_query(source: str, query: Any = None, **options: Any) -> dict[str, Any]:
    script = {"source": source, "params": {"q": [1, 0], "qb": [1, 1]}}
    inner = query or {"exists": {"field": "v"}}
    return {"script_score": {"query": inner, "script": script, **options}}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("cosineSimilarity(params.q, 'v') + 1.0", [2.0, 1 + 1 / math.sqrt(2)]),
        ("dotProduct(params.q, 'v') + 1", [2.0, 2.0]),
        ("1 / (1 + l1norm(params.q, 'v'))", [1.0, 0.5]),
        ("1 / (1 + l2norm(params.q, doc['v']))", [1.0, 0.5]),
        ("hamming(params.qb, 'b')", [2.0, 8.0]),  # 1^1, 1^2: 0 + 2 bits; 1^3, 1^-1: 1 + 7
        ("doc['v'].magnitude + doc['v'].vectorValue[1]", [1.0, math.sqrt(2) + 1]),
    ],
)
def test_script_score_scripts_call_elasticsearchs_vector_functions(
    scripted: Elasticsearch, source: str, expected: list[float]
) -> None:
    found = scripted.search(index="s", query=script_query(source), sort=["n"], track_scores=True)
    assert ids(found) == ["1", "2"]
    scores = [hit["_score"] for hit in found["hits"]["hits"]]
    assert scores == pytest.approx(expected, rel=1e-6)


def test_script_score_reads_score_doc_values_boost_and_min_score(
    scripted: Elasticsearch,
) -> None:
    match = scripted.search(index="s", query={"match": {"t": "b"}})
    inner = {hit["_id"]: hit["_score"] for hit in match["hits"]["hits"]}
    found = scripted.search(
        index="s",
        query=script_query("_score * doc['n'].value", {"match": {"t": "b"}}, boost=2),
    )
    got = {hit["_id"]: hit["_score"] for hit in found["hits"]["hits"]}
    assert got == pytest.approx({"1": inner["1"] * 2 * 2, "2": inner["2"] * 3 * 2})
    kept = scripted.search(
        index="s", query=script_query("doc['n'].value", {"match_all": {}}, min_score=3)
    )
    assert sorted(ids(kept)) == ["2", "3"]


@pytest.mark.parametrize(
    ("source", "caused_by"),
    [
        ("doc['t'].value", "Text fields are not optimised for operations"),
        ("doc['nope'].value", "No field found for [nope] in mapping"),
        ("cosineSimilarity(params.q, 'v')", "A document doesn't have a value for a vector field!"),
        ("hamming(params.q, 'v')", "hamming distance is only supported for byte or bit vectors"),
        (
            "dotProduct([1, 2, 3], 'v')",
            "The query vector has a different number of dimensions [3] than the document "
            "vectors [2].",
        ),
        ("nope(1)", "Unknown call [nope] with [1] arguments."),
    ],
)
def test_script_score_script_errors_are_elasticsearchs(
    scripted: Elasticsearch, source: str, caused_by: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        scripted.search(index="s", query=script_query(source, {"match_all": {}}))
    error = error_of(exc)
    assert error["type"] == "search_phase_execution_exception"
    assert error["root_cause"][0]["type"] == "script_exception"
    assert error["caused_by"]["caused_by"]["reason"].startswith(caused_by)


def test_a_negative_script_score_is_refused(scripted: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        scripted.search(index="s", query=script_query("-1", {"match_all": {}}))
    assert error_of(exc)["root_cause"][0]["reason"] == (
        "script score query returned an invalid score [-1.0] for doc [0]."
    )


# Retrievers


def test_the_standard_retriever_is_its_query_filter_and_sort(ten: Elasticsearch) -> None:
    found = ten.search(
        index="my_index",
        retriever={
            "standard": {
                "query": {"term": {"my_name": "v2"}},
                "filter": {"terms": {"_id": ["2", "4", "6", "8"]}},
                "sort": [{"n": "desc"}],
            }
        },
    )
    assert found["hits"]["total"]["value"] == 4
    assert ids(found) == ["8", "6", "4", "2"]
    scored = ten.search(
        index="my_index",
        retriever={"standard": {"query": {"term": {"my_name": "v2"}}}},
    )
    plain = ten.search(index="my_index", query={"term": {"my_name": "v2"}})
    assert [h["_score"] for h in scored["hits"]["hits"]] == [
        h["_score"] for h in plain["hits"]["hits"]
    ]


def test_the_knn_retriever_is_a_knn_search(ten: Elasticsearch) -> None:
    found = ten.search(
        index="my_index",
        retriever={
            "knn": {"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 3, "num_candidates": 5}
        },
    )
    assert found["hits"]["total"]["value"] == 3
    assert [(h["_id"], h["_score"]) for h in found["hits"]["hits"]] == [
        ("1", pytest.approx(1.0)),
        ("2", pytest.approx(0.5)),
        ("3", pytest.approx(0.2)),
    ]


@pytest.mark.parametrize("key", ["query", "knn", "sort"])
def test_a_retriever_beside_what_it_replaces_is_refused(ten: Elasticsearch, key: str) -> None:
    beside = {
        "query": {"match_all": {}},
        "knn": {"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 1},
        "sort": ["_doc"],
    }[key]
    with pytest.raises(BadRequestError) as exc:
        ten.search(index="my_index", body={"retriever": {"standard": {}}, key: beside})
    assert error_of(exc)["reason"] == f"cannot specify [retriever] and [{key}]"


def test_knn_through_a_filtered_alias_searches_the_alias_documents(ten: Elasticsearch) -> None:
    ten.indices.put_alias(index="my_index", name="evens", filter={"term": {"my_name": "v2"}})
    found = ten.search(
        index="evens", knn={"field": "my_vector", "query_vector": [1, 1, 1, 1], "k": 2}
    )
    assert ids(found) == ["2", "4"]


def test_knn_sees_the_documents_of_each_refresh(ten: Elasticsearch) -> None:
    knn = {"field": "my_vector", "query_vector": [1, 1, 1, 0], "k": 1}
    assert ids(ten.search(index="my_index", knn=knn)) == ["1"]
    ten.index(index="my_index", id="0", document={"my_vector": [1, 1, 1, 0]}, refresh=True)
    assert ids(ten.search(index="my_index", knn=knn)) == ["0"]
    ten.delete(index="my_index", id="0", refresh=True)
    assert ids(ten.search(index="my_index", knn=knn)) == ["1"]


@pytest.fixture
def three(any_es: Elasticsearch) -> Elasticsearch:
    """Elasticsearch's rrf retriever test data."""
    any_es.indices.create(
        index="test",
        mappings={
            "properties": {
                "text": {"type": "text"},
                "keyword": {"type": "keyword"},
                "vector": {"type": "dense_vector", "dims": 1, "similarity": "l2_norm"},
            }
        },
    )
    docs = [("term term", "other", 0.0), ("other", "other", 1.0), ("term", "keyword", 2.0)]
    for number, (text, keyword, value) in enumerate(docs, start=1):
        any_es.index(
            index="test",
            id=str(number),
            document={"text": text, "keyword": keyword, "vector": [value]},
        )
    any_es.indices.refresh(index="test")
    return any_es


KNN0 = {"knn": {"field": "vector", "query_vector": [0.0], "k": 3, "num_candidates": 3}}
KNN1 = {"knn": {"field": "vector", "query_vector": [1.0], "k": 3, "num_candidates": 3}}
KNN0_2 = {"knn": {"field": "vector", "query_vector": [0.0], "k": 2, "num_candidates": 2}}
TERM = {"standard": {"query": {"term": {"text": "term"}}}}
KEYWORD = {"standard": {"query": {"match": {"keyword": "keyword"}}}}


def rrf(retrievers: list[Any], **options: Any) -> dict[str, Any]:
    return {"rrf": {"retrievers": retrievers, "rank_constant": 1, **options}}


@pytest.mark.parametrize(
    ("retriever", "options", "total", "expected"),
    [
        (rrf([KNN0, TERM], rank_window_size=100), {}, 3, [("1", 1.0), ("3", 7 / 12), ("2", 1 / 3)]),
        (rrf([TERM, KEYWORD], rank_window_size=100), {}, 2, [("3", 5 / 6), ("1", 0.5)]),
        (
            rrf([KNN0, KNN1, TERM, KEYWORD], rank_window_size=2),
            {"size": 1},
            3,
            [("1", 1 / 2 + 1 / 3 + 1 / 2)],
        ),
        (
            rrf([rrf([KNN0, TERM, KEYWORD], rank_window_size=100), KNN0_2], rank_window_size=10),
            {"from_": 1},
            3,
            [("2", 1 / 4 + 1 / 3), ("3", 1 / 2)],
        ),
    ],
)
def test_the_rrf_retriever_fuses_ranks_as_elasticsearch(
    three: Elasticsearch,
    retriever: dict[str, Any],
    options: dict[str, Any],
    total: int,
    expected: list[tuple[str, float]],
) -> None:
    """Elasticsearch's own rrf retriever cases: score = sum of 1 / (rank_constant + rank)."""
    found = three.search(index="test", retriever=retriever, track_total_hits=True, **options)
    assert found["hits"]["total"]["value"] == total
    got = [(h["_id"], h["_score"]) for h in found["hits"]["hits"]]
    assert got == [(i, pytest.approx(score)) for i, score in expected]


def test_the_rrf_filter_weights_and_aggregations(three: Elasticsearch) -> None:
    filtered = three.search(
        index="test",
        retriever={
            "rrf": {
                "filter": {"term": {"keyword": "keyword"}},
                "retrievers": [KNN0, KNN1, TERM, KEYWORD],
            }
        },
    )
    assert ids(filtered) == ["3"]
    weighted = three.search(
        index="test",
        retriever=rrf([{"retriever": KNN0, "weight": 3}, TERM], rank_window_size=10),
        aggs={"k": {"terms": {"field": "keyword"}}},
    )
    assert [(h["_id"], h["_score"]) for h in weighted["hits"]["hits"]] == [
        ("1", pytest.approx(3 / 2 + 1 / 2)),
        ("3", pytest.approx(3 / 4 + 1 / 3)),
        ("2", pytest.approx(3 / 3)),
    ]
    buckets = weighted["aggregations"]["k"]["buckets"]
    assert sorted((b["key"], b["doc_count"]) for b in buckets) == [("keyword", 1), ("other", 2)]


def test_wrong_rrf_parameters_are_refused(three: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        three.search(index="test", retriever=rrf([KNN0, TERM], rank_constant=0))
    assert error_of(exc)["reason"] == "[rank_constant] must be greater or equal to [1] for [rrf]"
    with pytest.raises(BadRequestError) as exc:
        three.search(index="test", size=20, retriever=rrf([KNN0, TERM], rank_window_size=5))
    assert error_of(exc)["reason"] == (
        "[rank_window_size] must be greater than or equal to [size] for [rrf]"
    )


def test_knn_on_a_nested_vector_scores_each_document_by_its_nearest(
    any_es: Elasticsearch,
) -> None:
    any_es.indices.create(
        index="n",
        mappings={
            "properties": {
                "nested": {
                    "type": "nested",
                    "properties": {
                        "vector": {"type": "dense_vector", "dims": 2, "similarity": "l2_norm"}
                    },
                }
            }
        },
    )
    any_es.index(index="n", id="1", document={"nested": [{"vector": [1, 1]}, {"vector": [5, 5]}]})
    any_es.index(index="n", id="2", document={"nested": [{"vector": [3, 3]}]}, refresh=True)
    found = any_es.search(index="n", knn={"field": "nested.vector", "query_vector": [5, 5], "k": 2})
    assert [(h["_id"], h["_score"]) for h in found["hits"]["hits"]] == [
        ("1", pytest.approx(1.0)),
        ("2", pytest.approx(1 / 9)),
    ]


def test_cosine_scores_are_elasticsearchs_own(any_es: Elasticsearch) -> None:
    """Elasticsearch's own cosine kNN case, with the scores it answers."""
    any_es.indices.create(
        index="c",
        mappings={"properties": {"vector": {"type": "dense_vector", "dims": 5}}},
    )
    vectors = {
        "1": [230.0, 300.33, -34.8988, 15.555, -200.0],
        "2": [-0.5, 100.0, -13, 14.8, -156.0],
        "3": [0.5, 111.3, -13.0, 14.8, -156.0],
    }
    for doc_id, vector in vectors.items():
        any_es.index(index="c", id=doc_id, document={"vector": vector})
    any_es.indices.refresh(index="c")
    knn = {"field": "vector", "query_vector": [-0.5, 90.0, -10, 14.8, -156.0], "k": 2}
    found = any_es.search(index="c", knn={**knn, "num_candidates": 3})
    assert [(h["_id"], h["_score"]) for h in found["hits"]["hits"]] == [
        ("2", pytest.approx(0.999405, abs=1e-4)),
        ("3", pytest.approx(0.9976501, abs=1e-4)),
    ]


def test_a_query_vector_is_checked_as_a_document_vector(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="q",
        mappings={
            "properties": {
                "dot": {"type": "dense_vector", "dims": 2, "similarity": "dot_product"},
                "cos": {"type": "dense_vector", "dims": 2},
            }
        },
    )
    any_es.index(index="q", id="1", document={"dot": [0.6, 0.8], "cos": [1, 2]}, refresh=True)
    for field, vector, reason in [
        (
            "dot",
            [1, 1],
            "The [dot_product] similarity can only be used with unit-length vectors. Preview of "
            "invalid vector: [1.0, 1.0]",
        ),
        (
            "cos",
            [0, 0],
            "The [cosine] similarity does not support vectors with zero magnitude. Preview of "
            "invalid vector: [0.0, 0.0]",
        ),
    ]:
        with pytest.raises(BadRequestError) as exc:
            any_es.search(index="q", knn={"field": field, "query_vector": vector, "k": 1})
        assert error_of(exc)["root_cause"][0]["reason"] == reason


def test_the_knn_query_on_an_unmapped_field_matches_nothing(ten: Elasticsearch) -> None:
    knn = {"field": "nope", "query_vector": [1, 1, 1, 1], "k": 2}
    assert ten.search(index="my_index", query={"knn": knn})["hits"]["total"]["value"] == 0
    with pytest.raises(BadRequestError) as exc:
        ten.search(index="my_index", query={"knn": {**knn, "field": "my_name"}})
    assert error_of(exc)["root_cause"][0]["reason"] == (
        "[knn] queries are only supported on [dense_vector] fields"
    )
