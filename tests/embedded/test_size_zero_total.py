"""``hits.total`` of a search that wants no hits (``size: 0``): a bare ``match_all`` counts the
index's documents without a search; it must give what a search gives, with deleted and updated
documents, nested objects, alias filters, ``post_filter`` and ``terminate_after``."""

from __future__ import annotations

from elasticsearch import Elasticsearch, helpers


def total(es: Elasticsearch, index: str, **body: object) -> object:
    return es.search(index=index, size=0, **body)["hits"]["total"]


def test_size_zero_totals_match_the_counted_hits(es: Elasticsearch) -> None:
    es.indices.create(
        index="docs",
        mappings={"properties": {"n": {"type": "long"}, "parts": {"type": "nested"}}},
    )
    actions = [
        {"_index": "docs", "_id": str(i), "_source": {"n": i, "parts": [{"p": 1}, {"p": 2}]}}
        for i in range(50)
    ]
    helpers.bulk(es, actions)
    es.indices.refresh(index="docs")
    for i in range(0, 50, 7):  # deleted
        es.delete(index="docs", id=str(i))
    for i in range(1, 50, 9):  # updated: a new version replaces the old
        es.index(index="docs", id=str(i), document={"n": -i})
    es.indices.refresh(index="docs")
    live = es.count(index="docs")["count"]
    assert live == len((set(range(50)) - set(range(0, 50, 7))) | set(range(1, 50, 9)))
    exact = {"value": live, "relation": "eq"}
    assert total(es, "docs") == exact
    assert total(es, "docs", query={"match_all": {}}) == exact
    assert total(es, "docs", query={"match_all": {}}, track_total_hits=10) == {
        "value": 10,
        "relation": "gte",
    }
    assert es.search(index="docs", size=0, track_total_hits=False)["hits"].get("total") is None
    assert total(es, "docs", terminate_after=5) == {"value": 5, "relation": "eq"}
    negative = es.count(index="docs", query={"range": {"n": {"lt": 0}}})["count"]
    assert negative > 0
    assert total(es, "docs", post_filter={"range": {"n": {"lt": 0}}}) == {
        "value": negative,
        "relation": "eq",
    }
    es.indices.put_alias(index="docs", name="negatives", filter={"range": {"n": {"lt": 0}}})
    assert total(es, "negatives") == {"value": negative, "relation": "eq"}
    es.indices.create(index="empty")
    assert total(es, "docs,empty") == exact
    assert total(es, "docs", rest_total_hits_as_int=True) == live
