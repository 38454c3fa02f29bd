"""Hits that tie come back in the order Elasticsearch gives on one shard: the order the
documents were indexed (an update moves a document to the end), whatever tantivy's segments.
"""

from __future__ import annotations

import random
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


def _index_in_batches(es: Elasticsearch, texts: list[str], batch: int = 40) -> list[str]:
    """Documents ``t000``… with these texts, a refresh every ``batch`` (several segments),
    then every seventh one updated (moved to the end): their ids in indexing order."""
    order = []
    for start in range(0, len(texts), batch):
        operations: list[Any] = []
        for number in range(start, min(start + batch, len(texts))):
            operations += [{"index": {"_id": f"t{number:03d}"}}, {"text": texts[number]}]
            order.append(f"t{number:03d}")
        es.bulk(index="mixed", operations=operations, refresh=True)
    moved = order[::7]
    operations = []
    for doc_id in moved:
        operations += [{"index": {"_id": doc_id}}, {"text": texts[int(doc_id[1:])]}]
    es.bulk(index="mixed", operations=operations, refresh=True)
    return [doc_id for doc_id in order if doc_id not in moved] + moved


def test_a_tie_of_most_matches_after_better_hits(any_es: Elasticsearch) -> None:
    """Most documents score alike; a few score higher, spread through the index."""
    texts = ["red blue" if n % 23 else "red red" for n in range(240)]
    order = _index_in_batches(any_es, texts)
    better = [d for d in order if texts[int(d[1:])] == "red red"]
    alike = [d for d in order if texts[int(d[1:])] != "red red"]
    for size in (1, 5, len(better), 15, 60):
        expected = (better + alike)[:size]
        assert hit_ids_of(any_es, "mixed", {"match": {"text": "red"}}, size) == expected
    assert (
        hit_ids_of(any_es, "mixed", {"match": {"text": "red"}}, 10, 30)
        == alike[30 - len(better) : 40 - len(better)]
    )


def test_a_tie_among_few_matches(any_es: Elasticsearch) -> None:
    """The tie at the edge of the page is a few documents among many that score lower, late
    in the index."""
    texts = ["red red blue" if n % 17 == 5 and n > 120 else "red blue green" for n in range(300)]
    order = _index_in_batches(any_es, texts)
    better = [d for d in order if texts[int(d[1:])].startswith("red red")]
    for size in (1, 3, 7):
        assert hit_ids_of(any_es, "mixed", {"match": {"text": "red"}}, size) == better[:size]


def test_a_tie_of_a_quarter_of_the_matches(any_es: Elasticsearch) -> None:
    """Reading the matches in index order takes more than one page to find enough of the tie."""
    texts = [
        "red red red" if n % 50 == 7 else "red red blue" if n % 4 == 0 else "red blue green"
        for n in range(320)
    ]
    order = _index_in_batches(any_es, texts)
    best = [d for d in order if texts[int(d[1:])] == "red red red"]
    tied = [d for d in order if texts[int(d[1:])] == "red red blue"]
    for size in (20, 40):
        expected = (best + tied)[:size]
        assert hit_ids_of(any_es, "mixed", {"match": {"text": "red"}}, size) == expected


def test_a_tie_on_a_query_of_three_words(any_es: Elasticsearch) -> None:
    texts = ["red blue green" if n % 5 else "red blue green red" for n in range(120)]
    order = _index_in_batches(any_es, texts)
    better = [d for d in order if texts[int(d[1:])].endswith(" red")]
    alike = [d for d in order if not texts[int(d[1:])].endswith(" red")]
    query = {"match": {"text": "green blue red"}}
    assert hit_ids_of(any_es, "mixed", query, 30) == (better + alike)[:30]


def hit_ids_of(es: Elasticsearch, index: str, query: Any, size: int, start: int = 0) -> list[str]:
    hits = es.search(index=index, query=query, size=size, from_=start)["hits"]["hits"]
    return [h["_id"] for h in hits]


def test_a_tie_late_in_the_index(any_es: Elasticsearch) -> None:
    """The matches all come after many documents that do not match, some of them deleted: the
    first ranges of ``_seq_no`` read hold none of them."""
    texts = ["blue green" for _ in range(200)] + [
        "red red blue" if n % 9 == 4 else "red blue green" for n in range(100)
    ]
    order = _index_in_batches(any_es, texts)
    any_es.delete_by_query(index="mixed", query={"match": {"text": "green"}}, max_docs=150)
    any_es.indices.refresh(index="mixed")
    better = [d for d in order if texts[int(d[1:])].startswith("red red")]
    alike = [d for d in order if texts[int(d[1:])] == "red blue green"]
    alike = [d for d in alike if any_es.exists(index="mixed", id=d)]
    for size in (3, len(better) + 4, 40):
        expected = (better + alike)[:size]
        assert hit_ids_of(any_es, "mixed", {"match": {"text": "red"}}, size) == expected


@pytest.mark.parametrize("seed", range(4))
def test_random_ties_come_back_as_the_whole_match_list_sorted(es: Elasticsearch, seed: int) -> None:
    """Short texts of a few words (most matches tie, some score above), written in batches of
    random sizes (segments) with some updated, against every match read at once and sorted by
    score then indexing order: any page of the best hits is that list's beginning, whichever
    way the tie at its edge was broken."""
    rng = random.Random(seed)
    words = [f"w{n}" for n in range(8)]
    texts = [" ".join(rng.choices(words, k=rng.choice([2, 3, 3, 4]))) for _ in range(600)]
    order = _index_in_batches(es, texts, batch=rng.randint(25, 150))
    position = {doc_id: number for number, doc_id in enumerate(order)}
    for query_text in (*rng.sample(words, 3), " ".join(rng.sample(words, 2))):
        query = {"match": {"text": query_text}}
        every = es.search(index="mixed", query=query, size=10_000)["hits"]["hits"]
        best = sorted(every, key=lambda hit: (-hit["_score"], position[hit["_id"]]))
        for size in (1, 4, 10, 25):
            expected = [hit["_id"] for hit in best[:size]]
            assert hit_ids_of(es, "mixed", query, size) == expected, (query_text, size)
