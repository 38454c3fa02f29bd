"""Hits that tie come back in the order Elasticsearch gives on one shard: the order the
documents were indexed (an update moves a document to the end), whatever tantivy's segments.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import Elasticsearch


@pytest.fixture
def batches(any_es: Elasticsearch) -> list[str]:
    """Thirty documents in six refreshes (six segments, which tantivy orders by their random
    ids), then one updated: the order Elasticsearch's doc ids give them."""
    order = []
    for batch in range(6):
        for i in range(5):
            doc_id = f"d{batch * 5 + i:02d}"
            any_es.index(index="ties", id=doc_id, document={"text": "same words", "k": "a"})
            order.append(doc_id)
        any_es.indices.refresh(index="ties")
    any_es.index(index="ties", id="d03", document={"text": "same words", "k": "a"})
    any_es.indices.refresh(index="ties")
    order.remove("d03")
    order.append("d03")
    return order


def hit_ids(es: Elasticsearch, **search: Any) -> list[str]:
    return [h["_id"] for h in es.search(index="ties", **search)["hits"]["hits"]]


@pytest.mark.parametrize(
    "query",
    [
        None,
        {"match_all": {}},
        {"bool": {"filter": {"term": {"k": "a"}}}},
        {"match": {"text": "same"}},  # scored, every document alike
    ],
)
def test_ties_come_back_in_indexing_order(
    any_es: Elasticsearch, batches: list[str], query: Any
) -> None:
    assert hit_ids(any_es, query=query, size=30) == batches
    assert hit_ids(any_es, query=query, size=4) == batches[:4]
    assert hit_ids(any_es, query=query, from_=10, size=7) == batches[10:17]


def test_ties_in_a_field_sort_come_back_in_indexing_order(
    any_es: Elasticsearch, batches: list[str]
) -> None:
    assert hit_ids(any_es, sort=[{"k.keyword": "asc"}], size=30) == batches
    assert hit_ids(any_es, sort=[{"k.keyword": "desc"}], size=6) == batches[:6]


def test_a_higher_score_still_comes_first(any_es: Elasticsearch, batches: list[str]) -> None:
    any_es.index(index="ties", id="best", document={"text": "same same same", "k": "a"})
    any_es.indices.refresh(index="ties")
    assert hit_ids(any_es, query={"match": {"text": "same"}}, size=3) == ["best", *batches[:2]]
