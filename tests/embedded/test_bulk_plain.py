"""The bulk path's shortcut for the common item (an index or create naming at most its index and
id, to an index without pipelines) answers exactly as the general path does."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

MAPPING = {
    "properties": {
        "title": {"type": "text", "fields": {"raw": {"type": "keyword", "ignore_above": 8}}},
        "tag": {"type": "keyword", "ignore_above": 5},
        "n": {"type": "long"},
        "lenient": {"type": "integer", "ignore_malformed": True},
        "day": {"type": "date"},
        "flag": {"type": "boolean"},
        "copied": {"type": "keyword", "copy_to": "tag"},
    }
}

SOURCES: list[Any] = [
    {"title": "short", "tag": "abc", "n": 1, "day": "2020-01-02", "flag": True},
    {"title": "a much longer title", "tag": "too long", "n": "2", "day": "2020-01-02"},
    {"n": "not a number"},
    {"lenient": "nope", "n": 3},
    {"day": "2020-13-45"},
    {"day": 1577923200000, "n": 2**63},
    {"copied": "cp", "title": None},
    {"new_field": "dynamic", "n": 4},
    ["not", "an", "object"],
]


def _items(es: Elasticsearch, index: str, extra: dict[str, Any]) -> list[dict[str, Any]]:
    operations: list[Any] = []
    for number, source in enumerate(SOURCES):
        operations += [{"index": {"_id": str(number), **extra}}, source]
    operations += [{"create": {"_id": "0", **extra}}, {"n": 9}]
    operations += [{"index": {"_id": "", **extra}}, {"n": 9}]
    response = es.bulk(index=index, operations=operations, refresh=True)
    items = [next(iter(item.values())) for item in response["items"]]
    for item in items:  # what names the index is left out: the two runs use two indices
        item.pop("_index")
        for key in ("index", "index_uuid"):
            item.get("error", {}).pop(key, None)
    return items


def test_plain_items_answer_as_items_with_options(any_es: Elasticsearch) -> None:
    for index in ("plain", "general"):
        any_es.indices.create(index=index, mappings=MAPPING)
    # ``version_type: internal`` changes nothing, but takes the items the general way.
    plain = _items(any_es, "plain", {})
    general = _items(any_es, "general", {"version_type": "internal"})
    assert plain == general
    assert [i["status"] for i in plain] == [201, 201, 400, 201, 400, 400, 201, 201, 400, 409, 400]
    assert [i.get("_seq_no") for i in plain] == [0, 1, None, 2, None, None, 3, 4, None, None, None]
    assert plain[2]["error"]["type"] == "document_parsing_exception"

    def found(index: str, query: dict[str, Any]) -> list[str]:
        hits = any_es.search(index=index, query=query)["hits"]["hits"]
        return sorted(h["_id"] for h in hits)

    for query in (
        {"term": {"title.raw": "short"}},
        {"exists": {"field": "title.raw"}},
        {"term": {"tag": "cp"}},
        {"exists": {"field": "tag"}},
        {"range": {"day": {"gte": "2020-01-02", "lte": "2020-01-02"}}},
        {"range": {"day": {"gte": "2020-01-02", "lte": "2020-01-02", "time_zone": "+01:00"}}},
        {"term": {"flag": True}},
        {"term": {"n": 2}},
        {"exists": {"field": "lenient"}},
        {"term": {"new_field": "dynamic"}},
    ):
        assert found("plain", query) == found("general", query), query
    assert found("plain", {"term": {"title.raw": "short"}}) == ["0"]
    assert found("plain", {"exists": {"field": "tag"}}) == ["0", "6"]  # 1's was ignored
    assert found("plain", {"range": {"day": {"gte": "2020-01-02", "lte": "2020-01-02"}}}) == [
        "0",
        "1",
    ]


def test_a_plain_item_after_another_index_still_takes_its_pipelines(
    any_es: Elasticsearch,
) -> None:
    any_es.ingest.put_pipeline(id="mark", processors=[{"set": {"field": "via", "value": "p"}}])
    any_es.indices.create(index="bare")
    any_es.indices.create(index="piped", settings={"index.default_pipeline": "mark"})
    operations: list[Any] = []
    for number in range(2):
        for index in ("bare", "piped"):
            operations += [{"index": {"_index": index, "_id": str(number)}}, {"n": number}]
    response = any_es.bulk(operations=operations)
    assert response["errors"] is False
    for number in range(2):
        assert any_es.get(index="bare", id=str(number))["_source"] == {"n": number}
        assert any_es.get(index="piped", id=str(number))["_source"] == {"n": number, "via": "p"}
    # A pipeline in the URL applies to every item, the plain ones too.
    response = any_es.bulk(
        index="bare", pipeline="mark", operations=[{"index": {"_id": "2"}}, {"n": 2}] * 2
    )
    assert response["errors"] is False
    assert any_es.get(index="bare", id="2")["_source"] == {"n": 2, "via": "p"}
    assert any_es.get(index="bare", id="2")["_version"] == 2
