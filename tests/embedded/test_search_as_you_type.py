"""``search_as_you_type``: the shingle and prefix sub-fields Elasticsearch indexes for it, and
the ``bool_prefix`` queries its documentation builds on them."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

TITLES = ["quick brown fox jump lazy dog", "the brown fox", "quick fox", "brown"]


@pytest.fixture
def titles(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="s",
        mappings={
            "properties": {
                "t": {"type": "search_as_you_type", "fields": {"raw": {"type": "keyword"}}},
                "four": {"type": "search_as_you_type", "max_shingle_size": 4},
            }
        },
    )
    for doc_id, title in enumerate(TITLES):
        any_es.index(index="s", id=str(doc_id), document={"t": title, "four": title})
    any_es.indices.refresh(index="s")
    return any_es


def tokens(es: Elasticsearch, field: str, text: str) -> list[str]:
    return [t["token"] for t in es.indices.analyze(index="s", field=field, text=text)["tokens"]]


def ids(es: Elasticsearch, query: dict[str, Any]) -> list[str]:
    return sorted(h["_id"] for h in es.search(index="s", query=query)["hits"]["hits"])


def test_the_mapping_shows_what_elasticsearch_shows(titles: Elasticsearch) -> None:
    properties = titles.indices.get_mapping(index="s")["s"]["mappings"]["properties"]
    assert properties["t"] == {
        "type": "search_as_you_type",
        "doc_values": False,
        "max_shingle_size": 3,
        "fields": {"raw": {"type": "keyword"}},
    }
    assert properties["four"]["max_shingle_size"] == 4


def test_sub_fields_hold_shingles_and_their_prefixes(titles: Elasticsearch) -> None:
    text = "quick brown fox jump"
    assert tokens(titles, "t", text) == ["quick", "brown", "fox", "jump"]
    assert tokens(titles, "t._2gram", text) == ["quick brown", "brown fox", "fox jump"]
    assert tokens(titles, "t._3gram", text) == ["quick brown fox", "brown fox jump"]
    assert tokens(titles, "four._4gram", text) == ["quick brown fox jump"]
    # the largest shingles from every word, padded at the end, cut into prefixes
    prefixes = tokens(titles, "t._index_prefix", "quick brown")
    assert prefixes == [
        *("quick brown "[:n] for n in range(1, 13)),
        *("brown  "[:n] for n in range(1, 8)),
    ]


def test_bool_prefix_over_the_sub_fields(titles: Elasticsearch) -> None:
    """Elasticsearch's documented query for as-you-type completion."""
    fields = ["t", "t._2gram", "t._3gram"]
    query = {"multi_match": {"query": "brown f", "type": "bool_prefix", "fields": fields}}
    found = titles.search(index="s", query=query)["hits"]["hits"]
    assert {h["_id"] for h in found} == {"0", "1", "2", "3"}  # "brown" alone matches too
    # the documents with "brown f..." in sequence score above those with the words apart
    assert {found[0]["_id"], found[1]["_id"]} == {"0", "1"}
    shingles_only = {"multi_match": {**query["multi_match"], "fields": ["t._2gram"]}}
    assert ids(titles, shingles_only) == ["0", "1"]
    assert ids(titles, {"match": {"t._2gram": "fox jump"}}) == ["0"]
    assert ids(titles, {"match": {"t._3gram": "fox jump"}}) == []  # no 3-word shingle
    assert ids(titles, {"term": {"t._index_prefix": "lazy d"}}) == ["0"]


def test_phrase_queries_on_the_root_field(titles: Elasticsearch) -> None:
    assert ids(titles, {"match_phrase": {"t": "brown fox"}}) == ["0", "1"]
    assert ids(titles, {"match_phrase_prefix": {"t": "quick br"}}) == ["0"]


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        (
            {"type": "search_as_you_type", "max_shingle_size": 5},
            "[max_shingle_size] must be at least [2] and at most [4], got [5]",
        ),
        (
            {"type": "search_as_you_type", "doc_values": True},
            "Cannot set [doc_values] on field of type [search_as_you_type]",
        ),
        (
            {"type": "search_as_you_type", "fielddata": True},
            "unknown parameter [fielddata] on mapper [t] of type [search_as_you_type]",
        ),
    ],
)
def test_invalid_definitions(any_es: Elasticsearch, definition: Any, reason: str) -> None:
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="bad", mappings={"properties": {"t": definition}})
    assert reason in exc.value.body["error"]["reason"]
