"""The terms aggregation's two paths agree: the only index of a search (which keeps ``size``
buckets per index and reduces without merging) and several indices (Elasticsearch's
``shard_size`` cut and the general reduce).

A differential test on random documents: each request runs on one index, then on the same index
beside an empty one that maps the same fields (which adds nothing, so the keys, counts and
``sum_other_doc_count`` must be the same), and both are checked against counts computed here.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch, helpers

MAPPINGS = {
    "properties": {
        "tag": {"type": "keyword"},
        "n": {"type": "long"},
        "x": {"type": "double"},
        "day": {"type": "date"},
        "flag": {"type": "boolean"},
        "price": {"type": "integer"},
    }
}
DAYS = [f"2024-01-{d:02d}" for d in range(1, 29)]


def random_docs(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Documents with skewed, tied and missing values, some fields multi-valued."""
    tags = [f"t{i:02d}" for i in range(rng.randint(3, 40))]
    docs = []
    for _ in range(count):
        doc: dict[str, Any] = {"price": rng.randrange(100)}
        if rng.random() < 0.9:
            k = rng.choice([1, 1, 1, 2, 3])
            doc["tag"] = [rng.choice(tags[: rng.randint(1, len(tags))]) for _ in range(k)]
        if rng.random() < 0.85:
            doc["n"] = rng.randrange(-5, rng.choice([5, 30]))
        if rng.random() < 0.85:
            doc["x"] = rng.choice([0.5, 1.0, 1.5, 2.0, 2.25, -3.0, 7.0, 10.0])
        if rng.random() < 0.8:
            doc["day"] = rng.choice(DAYS[: rng.randint(2, len(DAYS))])
        if rng.random() < 0.8:
            doc["flag"] = rng.random() < 0.3
        docs.append(doc)
    return docs


def load(es: Elasticsearch, index: str, docs: list[dict[str, Any]], rng: random.Random) -> None:
    """Index ``docs`` over three refreshes (segments), then delete a few of them."""
    es.indices.create(index=index, mappings=MAPPINGS)
    third = len(docs) // 3 + 1
    for start in range(0, len(docs), third):
        actions = [
            {"_index": index, "_id": str(start + i), "_source": doc}
            for i, doc in enumerate(docs[start : start + third])
        ]
        helpers.bulk(es, actions)
        es.indices.refresh(index=index)
    for doc_id in rng.sample(range(len(docs)), len(docs) // 20):
        es.delete(index=index, id=str(doc_id))
        docs[doc_id] = {"_deleted": True}
    es.indices.refresh(index=index)


def key_of(field: str, value: Any) -> Any:
    if field == "day":
        return int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp() * 1000)
    if field == "flag":
        return int(value)
    if field == "x":
        return float(value)
    return value


def counts(docs: list[dict[str, Any]], field: str, low_price: int) -> Counter:
    """Documents per distinct value of ``field`` among the live ones with price >= low_price."""
    found: Counter = Counter()
    for doc in docs:
        if doc.get("_deleted") or doc["price"] < low_price or doc.get(field) is None:
            continue
        raw = doc[field] if isinstance(doc[field], list) else [doc[field]]
        found.update({key_of(field, v) for v in raw})
    return found


def expected(found: Counter, size: int, order: dict[str, str] | None) -> tuple[list, int]:
    """Elasticsearch's buckets and ``sum_other_doc_count`` for exact counts (one shard)."""
    items = list(found.items())
    if order is None:
        items.sort(key=lambda kv: (-kv[1], kv[0]))
    elif "_count" in order:
        items.sort(key=lambda kv: (kv[1], kv[0]))
    else:
        items.sort(key=lambda kv: kv[0], reverse=order["_key"] == "desc")
    shown = items[:size]
    return shown, sum(c for _, c in items[size:])


def request_shapes(rng: random.Random) -> list[dict[str, Any]]:
    shapes = []
    for field in ("tag", "n", "x", "day", "flag"):
        for order in (None, {"_count": "asc"}, {"_key": "asc"}, {"_key": "desc"}):
            body: dict[str, Any] = {"field": field, "size": rng.randint(1, 15)}
            if order is not None:
                body["order"] = order
            shapes.append(body)
    return shapes


@pytest.mark.parametrize("seed", range(6))
def test_one_index_and_several_agree_with_exact_counts(es: Elasticsearch, seed: int) -> None:
    rng = random.Random(seed)
    docs = random_docs(rng, 240)
    load(es, "one", docs, rng)
    es.indices.create(index="none", mappings=MAPPINGS)
    for body in request_shapes(rng):
        low_price = rng.choice([0, 0, 40])
        query = {"range": {"price": {"gte": low_price}}}
        request = {"size": 0, "query": query, "aggs": {"t": {"terms": body}}}
        single = es.search(index="one", **request)["aggregations"]["t"]
        several = es.search(index="one,none", **request)["aggregations"]["t"]
        shown, other = expected(
            counts(docs, body["field"], low_price), body["size"], body.get("order")
        )
        got = [(b["key"], b["doc_count"]) for b in single["buckets"]]
        assert got == shown, (seed, body, low_price)
        assert single["sum_other_doc_count"] == other, (seed, body, low_price)
        if "_count" not in body.get("order", {}):  # (ascending counts: -1 when cut, as on ES)
            assert single["doc_count_error_upper_bound"] == 0
        else:
            assert single["doc_count_error_upper_bound"] == several["doc_count_error_upper_bound"]
        assert [(b["key"], b["doc_count"]) for b in several["buckets"]] == got, body
        assert several["sum_other_doc_count"] == other, body
        printed = [b.get("key_as_string") for b in single["buckets"]]
        assert printed == [b.get("key_as_string") for b in several["buckets"]]


@pytest.mark.parametrize("seed", range(3))
def test_min_doc_count_missing_and_error_bounds_agree(es: Elasticsearch, seed: int) -> None:
    """Shapes whose answer depends on the shard's cut (``min_doc_count`` above 1 leaves the
    dropped buckets out of ``sum_other_doc_count``) or that add buckets (``missing``): the only
    index answers as it would beside an empty one."""
    rng = random.Random(100 + seed)
    docs = random_docs(rng, 300)
    load(es, "one", docs, rng)
    es.indices.create(index="none", mappings=MAPPINGS)
    for field in ("tag", "n", "x"):
        for extra in (
            {"min_doc_count": 2},
            {"min_doc_count": 9},
            {"missing": {"tag": "t00", "n": 0, "x": 1.0}[field]},
            {"show_term_doc_count_error": True},
            {"shard_size": 3},
        ):
            body = {"field": field, "size": rng.randint(1, 8), **extra}
            request = {"size": 0, "aggs": {"t": {"terms": body}}}
            single = es.search(index="one", **request)["aggregations"]["t"]
            several = es.search(index="one,none", **request)["aggregations"]["t"]
            strip = [
                {k: v for k, v in b.items() if k != "doc_count_error_upper_bound"}
                for b in single["buckets"]
            ]
            assert strip == [
                {k: v for k, v in b.items() if k != "doc_count_error_upper_bound"}
                for b in several["buckets"]
            ], (seed, body)
            assert single["sum_other_doc_count"] == several["sum_other_doc_count"], (seed, body)
            assert single["doc_count_error_upper_bound"] == 0
            if "show_term_doc_count_error" in extra:
                assert all(b["doc_count_error_upper_bound"] == 0 for b in single["buckets"])


def test_sub_aggregations_agree(es: Elasticsearch) -> None:
    """Metric sub-aggregations (computed inside tantivy's terms) on the only index."""
    rng = random.Random(7)
    docs = random_docs(rng, 200)
    load(es, "one", docs, rng)
    es.indices.create(index="none", mappings=MAPPINGS)
    request = {
        "size": 0,
        "aggs": {
            "t": {
                "terms": {"field": "tag", "size": 5},
                "aggs": {"p": {"avg": {"field": "price"}}, "m": {"max": {"field": "n"}}},
            }
        },
    }
    single = es.search(index="one", **request)["aggregations"]["t"]
    several = es.search(index="one,none", **request)["aggregations"]["t"]
    assert single["buckets"] == several["buckets"]
    live = [d for d in docs if not d.get("_deleted")]
    for bucket in single["buckets"]:
        members = [d for d in live if bucket["key"] in (d.get("tag") or [])]
        assert bucket["doc_count"] == len(members)
        prices = [d["price"] for d in members]
        assert bucket["p"]["value"] == pytest.approx(sum(prices) / len(prices))
