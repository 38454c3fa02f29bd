"""Aggregations of the embedded engine, through the real elasticsearch-py client.

Every expected value is computed here from the indexed documents (Counter, statistics, zoneinfo),
independently of the engine, and compared with the ``aggregations`` of a search.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, helpers


def index_docs(
    es: Elasticsearch,
    index: str,
    docs: list[dict[str, Any]],
    *,
    mappings: dict[str, Any] | None = None,
    segments: int = 1,
) -> None:
    """Create ``index`` and index ``docs`` in ``segments`` refreshes (several tantivy segments)."""
    es.indices.create(index=index, mappings=mappings or {})
    chunk = max(1, math.ceil(len(docs) / segments))
    for start in range(0, len(docs), chunk):
        actions = [
            {"_index": index, "_id": str(start + i), "_source": doc}
            for i, doc in enumerate(docs[start : start + chunk])
        ]
        helpers.bulk(es, actions)
        es.indices.refresh(index=index)


def aggs(es: Elasticsearch, index: str, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return es.search(index=index, size=0, aggs=body, **kwargs)["aggregations"]


def values(doc: dict[str, Any], name: str) -> list[Any]:
    value = doc.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def millis(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def top_terms(counts: Counter, size: int) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]


def doc_counts(docs: list[dict[str, Any]], name: str) -> Counter:
    """Documents per distinct value (a document counts once per value it has)."""
    counts: Counter = Counter()
    for doc in docs:
        counts.update(set(values(doc, name)))
    return counts


KEYWORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
MAPPINGS = {
    "properties": {
        "tag": {"type": "keyword"},
        "n": {"type": "long"},
        "price": {"type": "double"},
        "flag": {"type": "boolean"},
        "day": {"type": "date"},
        "ip": {"type": "ip"},
        "title": {"type": "text"},
        "group": {"type": "keyword"},
    }
}


def random_docs(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        doc: dict[str, Any] = {
            "tag": rng.sample(KEYWORDS, rng.choice([1, 1, 2])),
            "n": rng.randint(0, 40),
            "price": round(rng.uniform(1, 100), 2),
            "flag": rng.random() < 0.3,
            "day": f"2024-0{rng.randint(1, 6)}-{rng.randint(10, 28)}"
            f"T{rng.randint(0, 23):02d}:00:00Z",
            "group": f"g{rng.randint(0, 3)}",
            "title": "some text",
        }
        if i % 11 == 0:
            del doc["n"]
        if i % 13 == 0:
            del doc["tag"]
        docs.append(doc)
    return docs


@pytest.fixture
def shop(es: Elasticsearch) -> tuple[Elasticsearch, list[dict[str, Any]]]:
    docs = random_docs(400)
    index_docs(es, "shop", docs, mappings=MAPPINGS, segments=4)
    return es, docs


# --------------------------------------------------------------------------------------------
# terms
# --------------------------------------------------------------------------------------------


def test_terms_counts_and_other_docs(shop):
    es, docs = shop
    counts = doc_counts(docs, "tag")
    for size in (1, 3, 10):
        result = aggs(es, "shop", {"t": {"terms": {"field": "tag", "size": size}}})["t"]
        expected = top_terms(counts, size)
        assert [(b["key"], b["doc_count"]) for b in result["buckets"]] == expected
        assert result["doc_count_error_upper_bound"] == 0
        assert result["sum_other_doc_count"] == sum(counts.values()) - sum(c for _, c in expected)


@pytest.mark.parametrize("segments", [1, 7])
def test_terms_ties_break_by_key(es, segments):
    rng = random.Random(3)
    docs = [
        {
            "k": f"v{rng.randint(0, 300):03d}",
            "n": rng.randint(-200, 200),
            "d": rng.randint(-50, 50) / 4,
        }
        for _ in range(3000)
    ]
    index_docs(
        es,
        "ties",
        docs,
        mappings={
            "properties": {"k": {"type": "keyword"}, "n": {"type": "long"}, "d": {"type": "double"}}
        },
        segments=segments,
    )
    for name in ("k", "n", "d"):
        counts = doc_counts(docs, name)
        for size in (1, 7, 25):
            for order, sign in (("desc", -1), ("asc", 1)):
                body = {"terms": {"field": name, "size": size, "order": {"_count": order}}}
                result = aggs(es, "ties", {"t": body})["t"]
                expected = sorted(counts.items(), key=lambda kv: (sign * kv[1], kv[0]))[:size]
                got = [(b["key"], b["doc_count"]) for b in result["buckets"]]
                assert got == expected, (name, size, order)


def test_terms_key_types(shop):
    es, docs = shop
    es.index(index="shop", id="ip1", document={"ip": "::1"}, refresh=True)
    es.index(index="shop", id="ip2", document={"ip": "127.0.0.1"}, refresh=True)
    es.index(index="shop", id="ip3", document={"ip": "::1"}, refresh=True)
    result = aggs(
        es,
        "shop",
        {
            "n": {"terms": {"field": "n", "size": 3}},
            "price": {"terms": {"field": "price", "size": 2}},
            "flag": {"terms": {"field": "flag"}},
            "day": {"terms": {"field": "day", "size": 1}},
            "ip": {"terms": {"field": "ip"}},
        },
    )
    assert [(b["key"], b["doc_count"]) for b in result["n"]["buckets"]] == top_terms(
        doc_counts(docs, "n"), 3
    )
    assert all(type(b["key"]) is int and "key_as_string" not in b for b in result["n"]["buckets"])
    prices = top_terms(doc_counts(docs, "price"), 2)
    assert [(b["key"], b["doc_count"]) for b in result["price"]["buckets"]] == prices
    assert all(type(b["key"]) is float for b in result["price"]["buckets"])
    flags = Counter(doc["flag"] for doc in docs)
    assert result["flag"]["buckets"] == [
        {"key": int(flag), "key_as_string": str(flag).lower(), "doc_count": count}
        for flag, count in sorted(flags.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    ((day, count),) = top_terms(Counter(millis(doc["day"]) for doc in docs), 1)
    (bucket,) = result["day"]["buckets"]
    assert bucket["key"] == day and bucket["doc_count"] == count
    assert bucket["key_as_string"] == datetime.fromtimestamp(day / 1000, UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    assert result["ip"]["buckets"] == [
        {"key": "::1", "doc_count": 2},
        {"key": "127.0.0.1", "doc_count": 1},
    ]


def test_terms_orders(shop):
    es, docs = shop
    counts = doc_counts(docs, "group")
    by_key = aggs(es, "shop", {"t": {"terms": {"field": "group", "order": {"_key": "desc"}}}})
    assert [b["key"] for b in by_key["t"]["buckets"]] == sorted(counts, reverse=True)
    averages = {}
    for group in counts:
        prices = [d["price"] for d in docs if d["group"] == group]
        averages[group] = sum(prices) / len(prices)
    result = aggs(
        es,
        "shop",
        {
            "t": {
                "terms": {"field": "group", "size": 2, "order": {"avg_price": "asc"}},
                "aggs": {"avg_price": {"avg": {"field": "price"}}},
            }
        },
    )["t"]
    expected = sorted(averages, key=lambda g: averages[g])[:2]
    assert [b["key"] for b in result["buckets"]] == expected
    for bucket in result["buckets"]:
        assert bucket["avg_price"]["value"] == pytest.approx(averages[bucket["key"]])
    stats_order = aggs(
        es,
        "shop",
        {
            "t": {
                "terms": {"field": "group", "order": {"s.max": "desc"}},
                "aggs": {"s": {"stats": {"field": "n"}}},
            }
        },
    )["t"]
    maxima = {g: max(v for d in docs if d["group"] == g for v in values(d, "n")) for g in counts}
    assert [b["key"] for b in stats_order["buckets"]] == sorted(
        maxima, key=lambda g: (-maxima[g], g)
    )


def test_terms_include_exclude_and_partitions(shop):
    es, docs = shop
    counts = doc_counts(docs, "tag")
    regex = aggs(es, "shop", {"t": {"terms": {"field": "tag", "include": ".*ta", "size": 20}}})
    assert {b["key"]: b["doc_count"] for b in regex["t"]["buckets"]} == {
        k: c for k, c in counts.items() if k.endswith("ta")
    }
    listed = aggs(
        es,
        "shop",
        {
            "t": {
                "terms": {"field": "tag", "include": ["alpha", "beta", "nope"], "exclude": ["beta"]}
            }
        },
    )
    assert [(b["key"], b["doc_count"]) for b in listed["t"]["buckets"]] == [
        ("alpha", counts["alpha"])
    ]
    excluded = aggs(
        es, "shop", {"t": {"terms": {"field": "tag", "exclude": "[a-e].*", "size": 20}}}
    )
    assert {b["key"] for b in excluded["t"]["buckets"]} == {
        k for k in counts if k[0] not in "abcde"
    }
    numbers = aggs(es, "shop", {"t": {"terms": {"field": "n", "include": [1, 2, 3.5]}}})
    n_counts = doc_counts(docs, "n")
    assert {b["key"]: b["doc_count"] for b in numbers["t"]["buckets"]} == {
        k: n_counts[k] for k in (1, 2) if n_counts[k]
    }
    seen: list[Any] = []
    for partition in range(3):
        body = {"field": "n", "size": 100, "include": {"partition": partition, "num_partitions": 3}}
        seen += [b["key"] for b in aggs(es, "shop", {"t": {"terms": body}})["t"]["buckets"]]
    assert sorted(seen) == sorted(n_counts)


def test_terms_missing_and_min_doc_count(shop):
    es, docs = shop
    counts = doc_counts(docs, "tag")
    absent = sum(1 for d in docs if not values(d, "tag"))
    result = aggs(
        es,
        "shop",
        {
            "t": {
                "terms": {"field": "tag", "missing": "alpha", "size": 1},
                "aggs": {"c": {"value_count": {"field": "n"}}},
            }
        },
    )["t"]
    (bucket,) = result["buckets"]
    assert bucket["key"] == "alpha" and bucket["doc_count"] == counts["alpha"] + absent
    having = [d for d in docs if "alpha" in values(d, "tag") or not values(d, "tag")]
    assert bucket["c"]["value"] == sum(len(values(d, "n")) for d in having)
    fresh = aggs(es, "shop", {"t": {"terms": {"field": "tag", "missing": "(none)", "size": 20}}})
    assert {b["key"]: b["doc_count"] for b in fresh["t"]["buckets"]}["(none)"] == absent
    only = aggs(
        es,
        "shop",
        {
            "t": {
                "terms": {"field": "tag", "min_doc_count": 0, "size": 20},
                "aggs": {"m": {"max": {"field": "n"}}},
            }
        },
        query={"term": {"tag": "alpha"}},
    )["t"]["buckets"]
    assert {b["key"] for b in only} == set(KEYWORDS)
    for bucket in only:
        if bucket["doc_count"] == 0:
            assert bucket["m"] == {"value": None}
    high = aggs(es, "shop", {"t": {"terms": {"field": "group", "min_doc_count": 10**6}}})
    assert high["t"]["buckets"] == []


def test_terms_nested_sub_aggregations(shop):
    es, docs = shop
    result = aggs(
        es,
        "shop",
        {
            "g": {
                "terms": {"field": "group"},
                "aggs": {
                    "f": {
                        "terms": {"field": "flag"},
                        "aggs": {
                            "price": {"stats": {"field": "price"}},
                            "cheap": {
                                "filter": {"range": {"price": {"lt": 50}}},
                                "aggs": {"tags": {"terms": {"field": "tag", "size": 2}}},
                            },
                        },
                    }
                },
            }
        },
    )["g"]
    groups = doc_counts(docs, "group")
    assert [(b["key"], b["doc_count"]) for b in result["buckets"]] == top_terms(groups, 10)
    for group_bucket in result["buckets"]:
        in_group = [d for d in docs if d["group"] == group_bucket["key"]]
        for flag_bucket in group_bucket["f"]["buckets"]:
            chosen = [d for d in in_group if int(d["flag"]) == flag_bucket["key"]]
            assert flag_bucket["doc_count"] == len(chosen)
            prices = [d["price"] for d in chosen]
            stats = flag_bucket["price"]
            assert stats["count"] == len(prices)
            assert stats["min"] == min(prices) and stats["max"] == max(prices)
            assert stats["sum"] == pytest.approx(sum(prices))
            cheap = [d for d in chosen if d["price"] < 50]
            assert flag_bucket["cheap"]["doc_count"] == len(cheap)
            expected = top_terms(doc_counts(cheap, "tag"), 2)
            got = flag_bucket["cheap"]["tags"]["buckets"]
            assert [(b["key"], b["doc_count"]) for b in got] == expected


def test_terms_unmapped_and_value_type(es):
    index_docs(es, "plain", [{"a": 1}, {"a": 2}], mappings={"properties": {"a": {"type": "long"}}})
    result = aggs(
        es,
        "plain",
        {
            "none": {"terms": {"field": "nope"}},
            "date": {"terms": {"field": "nope", "value_type": "date", "missing": "2016-05-11"}},
            "bool": {"terms": {"field": "nope", "value_type": "boolean", "missing": True}},
            "avg": {"avg": {"field": "nope"}},
            "sum": {"sum": {"field": "nope"}},
            "count": {"value_count": {"field": "nope"}},
        },
    )
    assert result["none"] == {
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": 0,
        "buckets": [],
    }
    assert result["date"]["buckets"] == [
        {"key": 1462924800000, "doc_count": 2, "key_as_string": "2016-05-11T00:00:00.000Z"}
    ]
    assert result["bool"]["buckets"] == [{"key": 1, "key_as_string": "true", "doc_count": 2}]
    assert result["avg"] == {"value": None}
    assert result["sum"] == {"value": 0.0}
    assert result["count"] == {"value": 0}


# --------------------------------------------------------------------------------------------
# Several indices
# --------------------------------------------------------------------------------------------


def test_multi_index_long_and_double_merge(es):
    longs = [{"number": 100, "g": "a"}, {"number": 10, "g": "a"}, {"number": 10, "g": "b"}]
    doubles = [{"number": 100.0, "g": "a"}, {"number": 14.6, "g": "b"}, {"number": 10.5}]
    index_docs(
        es,
        "longs",
        longs,
        mappings={"properties": {"number": {"type": "long"}, "g": {"type": "keyword"}}},
    )
    index_docs(
        es,
        "doubles",
        doubles,
        mappings={"properties": {"number": {"type": "double"}, "g": {"type": "keyword"}}},
    )
    result = aggs(
        es,
        "longs,doubles",
        {
            "t": {"terms": {"field": "number"}},
            "avg": {"avg": {"field": "number"}},
            "stats": {"stats": {"field": "number"}},
            "c": {"cardinality": {"field": "number"}},
            "g": {"terms": {"field": "g"}, "aggs": {"avg": {"avg": {"field": "number"}}}},
        },
    )
    everything = [d["number"] for d in longs + doubles]
    expected = top_terms(Counter(float(v) for v in everything), 10)
    assert [(b["key"], b["doc_count"]) for b in result["t"]["buckets"]] == expected
    assert all(type(b["key"]) is float for b in result["t"]["buckets"])
    assert result["avg"]["value"] == pytest.approx(statistics.fmean(everything))
    assert result["stats"]["count"] == len(everything)
    assert result["stats"]["sum"] == pytest.approx(sum(everything))
    assert result["c"]["value"] == len({float(v) for v in everything})
    for bucket in result["g"]["buckets"]:
        chosen = [d["number"] for d in longs + doubles if d.get("g") == bucket["key"]]
        assert bucket["doc_count"] == len(chosen)
        assert bucket["avg"]["value"] == pytest.approx(statistics.fmean(chosen))


def test_multi_index_terms_error_bounds(es):
    first = [{"k": "a"}] * 10 + [{"k": "b"}] * 9 + [{"k": "c"}]
    second = [{"k": "c"}] * 10 + [{"k": "b"}, {"k": "d"}]
    mappings = {"properties": {"k": {"type": "keyword"}}}
    index_docs(es, "first", first, mappings=mappings)
    index_docs(es, "second", second, mappings=mappings)
    result = aggs(
        es,
        "first,second",
        {
            "t": {
                "terms": {
                    "field": "k",
                    "size": 1,
                    "shard_size": 1,
                    "show_term_doc_count_error": True,
                }
            }
        },
    )["t"]
    # Each index returns its top term (a: 10, c: 10); the tie goes to the smaller key. The
    # error bound is the sum of the smallest count each index returned.
    assert result["buckets"] == [{"key": "a", "doc_count": 10, "doc_count_error_upper_bound": 10}]
    assert result["doc_count_error_upper_bound"] == 20
    assert result["sum_other_doc_count"] == len(first) + len(second) - 10
    exact = aggs(es, "first,second", {"t": {"terms": {"field": "k"}}})["t"]
    assert [(b["key"], b["doc_count"]) for b in exact["buckets"]] == top_terms(
        Counter(d["k"] for d in first + second), 10
    )
    assert exact["doc_count_error_upper_bound"] == 0


def test_multi_index_type_mismatch(es):
    index_docs(es, "kw", [{"f": "x"}], mappings={"properties": {"f": {"type": "keyword"}}})
    index_docs(es, "num", [{"f": 1}], mappings={"properties": {"f": {"type": "long"}}})
    with pytest.raises(BadRequestError) as caught:
        aggs(es, "kw,num", {"t": {"terms": {"field": "f"}}})
    assert "existed as two different types in two different indices" in str(caught.value)


def test_unsigned_long(es):
    big = 10223372036854778000
    docs = [{"u": 1}, {"u": 51}, {"u": big}, {"u": big}]
    index_docs(es, "unsigned", docs, mappings={"properties": {"u": {"type": "unsigned_long"}}})
    result = aggs(
        es,
        "unsigned",
        {
            "t": {"terms": {"field": "u"}},
            "min": {"min": {"field": "u"}},
            "max": {"max": {"field": "u"}},
            "sum": {"sum": {"field": "u"}},
            "c": {"value_count": {"field": "u"}},
        },
    )
    assert result["t"]["buckets"] == [
        {"key": big, "doc_count": 2},
        {"key": 1, "doc_count": 1},
        {"key": 51, "doc_count": 1},
    ]
    assert result["min"]["value"] == 1.0
    assert result["max"]["value"] == float(big)
    assert result["sum"]["value"] == pytest.approx(float(2 * big + 52))
    assert result["c"]["value"] == 4


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def test_metrics_match_statistics(shop):
    es, docs = shop
    ns = [v for d in docs for v in values(d, "n")]
    prices = [d["price"] for d in docs]
    result = aggs(
        es,
        "shop",
        {
            "min": {"min": {"field": "n"}},
            "max": {"max": {"field": "price"}},
            "avg": {"avg": {"field": "n"}},
            "sum": {"sum": {"field": "price"}},
            "count": {"value_count": {"field": "n"}},
            "stats": {"stats": {"field": "price"}},
            "ext": {"extended_stats": {"field": "n", "sigma": 3}},
            "card": {"cardinality": {"field": "price"}},
            "flags": {"avg": {"field": "flag"}},
            "first": {"min": {"field": "day"}},
        },
    )
    assert result["min"] == {"value": float(min(ns))}
    assert result["max"] == {"value": max(prices)}
    assert result["avg"]["value"] == pytest.approx(statistics.fmean(ns))
    assert result["sum"]["value"] == pytest.approx(sum(prices))
    assert result["count"] == {"value": len(ns)}
    assert result["stats"]["count"] == len(prices)
    assert result["stats"]["avg"] == pytest.approx(statistics.fmean(prices))
    ext = result["ext"]
    assert ext["variance"] == pytest.approx(statistics.pvariance(ns))
    assert ext["variance_sampling"] == pytest.approx(statistics.variance(ns))
    assert ext["std_deviation"] == pytest.approx(statistics.pstdev(ns))
    assert ext["sum_of_squares"] == pytest.approx(sum(v * v for v in ns))
    bounds = ext["std_deviation_bounds"]
    assert bounds["upper"] == pytest.approx(statistics.fmean(ns) + 3 * statistics.pstdev(ns))
    assert result["card"] == {"value": len(set(prices))}
    assert result["flags"]["value"] == pytest.approx(statistics.fmean(d["flag"] for d in docs))
    first = min(millis(d["day"]) for d in docs)
    assert result["first"]["value"] == float(first)
    assert result["first"]["value_as_string"] == datetime.fromtimestamp(first / 1000, UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )


def test_metrics_missing_and_empty(shop):
    es, docs = shop
    absent = sum(1 for d in docs if not values(d, "n"))
    ns = [v for d in docs for v in values(d, "n")]
    result = aggs(
        es,
        "shop",
        {
            "avg": {"avg": {"field": "n", "missing": 1000}},
            "count": {"value_count": {"field": "n", "missing": 0}},
            "unmapped": {"sum": {"field": "nothing", "missing": 2}},
        },
    )
    assert result["avg"]["value"] == pytest.approx((sum(ns) + 1000 * absent) / (len(ns) + absent))
    assert result["count"]["value"] == len(ns) + absent
    assert result["unmapped"]["value"] == 2.0 * len(docs)
    empty = aggs(
        es,
        "shop",
        {
            "min": {"min": {"field": "n"}},
            "max": {"max": {"field": "n"}},
            "avg": {"avg": {"field": "n"}},
            "sum": {"sum": {"field": "n"}},
            "count": {"value_count": {"field": "n"}},
            "card": {"cardinality": {"field": "n"}},
            "stats": {"stats": {"field": "n"}},
            "p": {"percentiles": {"field": "n", "percents": [50]}},
        },
        query={"term": {"group": "nope"}},
    )
    assert empty == {
        "min": {"value": None},
        "max": {"value": None},
        "avg": {"value": None},
        "sum": {"value": 0.0},
        "count": {"value": 0},
        "card": {"value": 0},
        "stats": {"count": 0, "min": None, "max": None, "avg": None, "sum": 0.0},
        "p": {"values": {"50.0": None}},
    }


def percentile(data: list[float], percent: float) -> float:
    ordered = sorted(data)
    index = percent / 100 * (len(ordered) - 1)
    low = math.floor(index)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (index - low) * (ordered[high] - ordered[low])


def test_percentiles(shop):
    es, docs = shop
    prices = [d["price"] for d in docs]
    result = aggs(
        es,
        "shop",
        {
            "p": {"percentiles": {"field": "price"}},
            "q": {"percentiles": {"field": "price", "percents": [10, 99.9], "keyed": False}},
        },
    )
    for key, value in result["p"]["values"].items():
        assert value == pytest.approx(percentile(prices, float(key)))
    assert list(result["p"]["values"]) == ["1.0", "5.0", "25.0", "50.0", "75.0", "95.0", "99.0"]
    assert [entry["key"] for entry in result["q"]["values"]] == [10.0, 99.9]
    assert result["q"]["values"][1]["value"] == pytest.approx(percentile(prices, 99.9))


def test_top_hits(shop):
    es, docs = shop
    result = aggs(
        es,
        "shop",
        {
            "g": {
                "terms": {"field": "group"},
                "aggs": {
                    "top": {
                        "top_hits": {
                            "size": 2,
                            "sort": [{"price": "desc"}],
                            "_source": ["price", "group"],
                        }
                    }
                },
            }
        },
    )["g"]
    for bucket in result["buckets"]:
        chosen = [(d["price"], str(i)) for i, d in enumerate(docs) if d["group"] == bucket["key"]]
        hits = bucket["top"]["hits"]
        assert hits["total"] == {"value": len(chosen), "relation": "eq"}
        expected = sorted(chosen, key=lambda p: -p[0])[:2]
        assert [h["_source"] for h in hits["hits"]] == [
            {"price": price, "group": bucket["key"]} for price, _ in expected
        ]
        assert [h["sort"] for h in hits["hits"]] == [[price] for price, _ in expected]


# --------------------------------------------------------------------------------------------
# Histograms
# --------------------------------------------------------------------------------------------


def test_histogram(shop):
    es, docs = shop
    prices = [d["price"] for d in docs]
    result = aggs(
        es,
        "shop",
        {
            "h": {"histogram": {"field": "price", "interval": 10, "offset": 5}},
            "sparse": {"histogram": {"field": "n", "interval": 7, "min_doc_count": 20}},
            "wide": {
                "histogram": {
                    "field": "n",
                    "interval": 10,
                    "extended_bounds": {"min": -20, "max": 70},
                    "keyed": True,
                }
            },
            "hard": {
                "histogram": {"field": "n", "interval": 10, "hard_bounds": {"min": 10, "max": 20}}
            },
        },
    )
    counts = Counter(math.floor((p - 5) / 10) * 10 + 5 for p in prices)
    first, last = min(counts), max(counts)
    assert [(b["key"], b["doc_count"]) for b in result["h"]["buckets"]] == [
        (float(k), counts.get(k, 0)) for k in range(first, last + 1, 10)
    ]
    sevens = Counter()
    for doc in docs:
        sevens.update({math.floor(v / 7) * 7 for v in values(doc, "n")})
    assert [(b["key"], b["doc_count"]) for b in result["sparse"]["buckets"]] == [
        (float(k), c) for k, c in sorted(sevens.items()) if c >= 20
    ]
    tens = Counter()
    for doc in docs:
        tens.update({math.floor(v / 10) * 10 for v in values(doc, "n")})
    wide = result["wide"]["buckets"]
    assert list(wide) == [f"{float(k)}" for k in range(-20, 80, 10)]
    assert all(wide[f"{float(k)}"]["doc_count"] == tens.get(k, 0) for k in range(-20, 80, 10))
    assert [(b["key"], b["doc_count"]) for b in result["hard"]["buckets"]] == [
        (10.0, tens[10]),
        (20.0, tens[20]),
    ]


def test_date_histogram_calendar_and_fixed(shop):
    es, docs = shop
    result = aggs(
        es,
        "shop",
        {
            "month": {
                "date_histogram": {"field": "day", "calendar_interval": "month"},
                "aggs": {"avg": {"avg": {"field": "price"}}},
            },
            "week": {
                "date_histogram": {"field": "day", "calendar_interval": "week", "min_doc_count": 1}
            },
            "fixed": {
                "date_histogram": {"field": "day", "fixed_interval": "10d", "format": "yyyy-MM-dd"}
            },
        },
    )
    months = defaultdict(list)
    for doc in docs:
        moment = datetime.fromisoformat(doc["day"].replace("Z", "+00:00"))
        months[int(moment.replace(day=1, hour=0).timestamp() * 1000)].append(doc["price"])
    got = result["month"]["buckets"]
    assert [b["key"] for b in got] == sorted(months)
    for bucket in got:
        assert bucket["doc_count"] == len(months[bucket["key"]])
        assert bucket["avg"]["value"] == pytest.approx(statistics.fmean(months[bucket["key"]]))
        moment = datetime.fromtimestamp(bucket["key"] / 1000, UTC)
        assert bucket["key_as_string"] == moment.strftime("%Y-%m-%dT00:00:00.000Z")
    weeks = Counter()
    for doc in docs:
        moment = datetime.fromisoformat(doc["day"].replace("Z", "+00:00"))
        monday = (moment - timedelta(days=moment.weekday())).replace(hour=0)
        weeks[int(monday.timestamp() * 1000)] += 1
    assert [(b["key"], b["doc_count"]) for b in result["week"]["buckets"]] == sorted(weeks.items())
    ten_days = 10 * 86_400_000
    fixed = Counter(millis(d["day"]) // ten_days * ten_days for d in docs)
    got_fixed = result["fixed"]["buckets"]
    assert [b["key"] for b in got_fixed] == list(range(min(fixed), max(fixed) + 1, ten_days))
    assert all(b["doc_count"] == fixed.get(b["key"], 0) for b in got_fixed)
    assert got_fixed[0]["key_as_string"] == datetime.fromtimestamp(min(fixed) / 1000, UTC).strftime(
        "%Y-%m-%d"
    )


def test_date_histogram_across_daylight_saving(es):
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2023, 3, 25, 18, tzinfo=UTC)
    moments = [start + timedelta(hours=h) for h in range(0, 60, 3)]
    autumn = datetime(2023, 10, 28, 18, tzinfo=UTC)
    moments += [autumn + timedelta(hours=h) for h in range(0, 60, 3)]
    docs = [{"at": m.strftime("%Y-%m-%dT%H:%M:%SZ")} for m in moments]
    index_docs(es, "dst", docs, mappings={"properties": {"at": {"type": "date"}}}, segments=2)
    result = aggs(
        es,
        "dst",
        {
            "d": {
                "date_histogram": {
                    "field": "at",
                    "calendar_interval": "day",
                    "time_zone": "Europe/Paris",
                    "min_doc_count": 1,
                }
            }
        },
    )["d"]["buckets"]
    expected = Counter()
    for moment in moments:
        local = moment.astimezone(paris)
        midnight = datetime(local.year, local.month, local.day, tzinfo=paris)
        expected[int(midnight.timestamp() * 1000)] += 1
    assert [(b["key"], b["doc_count"]) for b in result] == sorted(expected.items())
    lengths = {b["key_as_string"][:10]: b["key_as_string"][-6:] for b in result}
    assert lengths["2023-03-26"] == "+01:00" and lengths["2023-03-27"] == "+02:00"
    assert lengths["2023-10-29"] == "+02:00" and lengths["2023-10-30"] == "+01:00"


# --------------------------------------------------------------------------------------------
# Ranges and single-bucket aggregations
# --------------------------------------------------------------------------------------------


def test_ranges(shop):
    es, docs = shop
    prices = [d["price"] for d in docs]
    result = aggs(
        es,
        "shop",
        {
            "r": {
                "range": {
                    "field": "price",
                    "ranges": [{"from": 50}, {"to": 25}, {"from": 25, "to": 50, "key": "middle"}],
                },
                "aggs": {"n": {"max": {"field": "n"}}},
            },
            "overlap": {
                "range": {
                    "field": "n",
                    "keyed": True,
                    "ranges": [{"to": 10.5}, {"from": 5, "to": 20}, {"from": 5, "to": 20}],
                }
            },
            "dates": {
                "date_range": {
                    "field": "day",
                    "ranges": [{"to": "2024-03-01"}, {"from": "2024-03-01", "to": "now"}],
                }
            },
        },
    )
    buckets = result["r"]["buckets"]
    assert [b["key"] for b in buckets] == ["*-25.0", "middle", "50.0-*"]
    assert [b["doc_count"] for b in buckets] == [
        sum(p < 25 for p in prices),
        sum(25 <= p < 50 for p in prices),
        sum(p >= 50 for p in prices),
    ]
    assert buckets[0] == {
        "key": "*-25.0",
        "to": 25.0,
        "doc_count": buckets[0]["doc_count"],
        "n": buckets[0]["n"],
    }
    top = max(v for d in docs if d["price"] >= 50 for v in values(d, "n"))
    assert buckets[2]["n"]["value"] == float(top)
    overlap = result["overlap"]["buckets"]
    assert list(overlap) == ["*-10.5", "5.0-20.0"]
    ns = [set(values(d, "n")) for d in docs]
    assert overlap["*-10.5"]["doc_count"] == sum(any(v < 10.5 for v in s) for s in ns)
    assert overlap["5.0-20.0"]["doc_count"] == sum(any(5 <= v < 20 for v in s) for s in ns)
    dates = result["dates"]["buckets"]
    split = millis("2024-03-01T00:00:00Z")
    assert dates[0]["key"] == "*-2024-03-01T00:00:00.000Z"
    assert dates[0]["to"] == float(split)
    assert dates[0]["to_as_string"] == "2024-03-01T00:00:00.000Z"
    assert dates[0]["doc_count"] == sum(millis(d["day"]) < split for d in docs)
    assert dates[1]["doc_count"] == sum(millis(d["day"]) >= split for d in docs)


def test_filter_filters_missing_global(shop):
    es, docs = shop
    result = aggs(
        es,
        "shop",
        {
            "cheap": {
                "filter": {"range": {"price": {"lt": 30}}},
                "aggs": {"flags": {"terms": {"field": "flag"}}},
            },
            "f": {
                "filters": {
                    "filters": {"g0": {"term": {"group": "g0"}}, "g1": {"term": {"group": "g1"}}},
                    "other_bucket_key": "rest",
                }
            },
            "anon": {"filters": {"filters": [{"term": {"flag": True}}, {"match_all": {}}]}},
            "no_n": {"missing": {"field": "n"}, "aggs": {"avg": {"avg": {"field": "price"}}}},
            "all": {"global": {}, "aggs": {"c": {"value_count": {"field": "group"}}}},
        },
        query={"term": {"group": "g0"}},
    )
    g0 = [d for d in docs if d["group"] == "g0"]
    cheap = [d for d in g0 if d["price"] < 30]
    assert result["cheap"]["doc_count"] == len(cheap)
    assert {b["key"]: b["doc_count"] for b in result["cheap"]["flags"]["buckets"]} == dict(
        Counter(int(d["flag"]) for d in cheap)
    )
    assert result["f"]["buckets"] == {
        "g0": {"doc_count": len(g0)},
        "g1": {"doc_count": 0},
        "rest": {"doc_count": 0},
    }
    assert result["anon"]["buckets"] == [
        {"doc_count": sum(d["flag"] for d in g0)},
        {"doc_count": len(g0)},
    ]
    without = [d for d in g0 if not values(d, "n")]
    assert result["no_n"]["doc_count"] == len(without)
    assert result["no_n"]["avg"]["value"] == pytest.approx(
        statistics.fmean(d["price"] for d in without)
    )
    assert result["all"] == {"doc_count": len(docs), "c": {"value": len(docs)}}


def test_post_filter_does_not_change_aggregations(shop):
    es, docs = shop
    response = es.search(
        index="shop",
        size=0,
        post_filter={"term": {"group": "g1"}},
        aggs={"g": {"terms": {"field": "group"}}},
    )
    assert response["hits"]["total"]["value"] == sum(d["group"] == "g1" for d in docs)
    assert sum(b["doc_count"] for b in response["aggregations"]["g"]["buckets"]) == len(docs)


# --------------------------------------------------------------------------------------------
# Request shapes and errors
# --------------------------------------------------------------------------------------------


def test_meta_spellings_and_empty(shop):
    es, docs = shop
    response = es.search(
        index="shop",
        size=0,
        aggregations={
            "m": {"meta": {"color": "blue"}, "max": {"field": "n"}},
            "t": {
                "meta": {"x": [1]},
                "terms": {"field": "group"},
                "aggregations": {"s": {"sum": {"field": "price"}}},
            },
        },
    )
    result = response["aggregations"]
    assert result["m"]["meta"] == {"color": "blue"}
    assert result["t"]["meta"] == {"x": [1]}
    assert "s" in result["t"]["buckets"][0]
    empty = es.search(index="shop", size=0, aggs={})
    assert empty["hits"]["total"]["value"] == len(docs)


@pytest.mark.parametrize(
    ("body", "status", "kind", "text"),
    [
        (
            {"t": {"terms": {"field": "title"}}},
            400,
            "search_phase_execution_exception",
            "Fielddata is disabled on [title] in [shop]. Text fields are not optimised for "
            "operations that require per-document field data",
        ),
        (
            {"t": {"termz": {"field": "tag"}}},
            400,
            "parsing_exception",
            "Unknown aggregation type [termz] did you mean [terms]?",
        ),
        (
            {"t": {"terms": {"size": 1}}},
            400,
            "illegal_argument_exception",
            "Required one of fields [field, script], but none were specified.",
        ),
        (
            {"t": {"terms": {"field": "tag", "size": 0}}},
            400,
            "x_content_parse_exception",
            "[terms] failed to parse field [size]",
        ),
        (
            {"t": {"terms": {"field": "tag", "sise": 3}}},
            400,
            "x_content_parse_exception",
            "[terms] unknown field [sise] did you mean [size]?",
        ),
        (
            {"t": {"avg": {"field": "n"}, "aggs": {"x": {"max": {"field": "n"}}}}},
            400,
            "aggregation_initialization_exception",
            "cannot accept sub-aggregations",
        ),
        (
            {"t": {"avg": {"field": "tag"}}},
            400,
            "search_phase_execution_exception",
            "Field [tag] of type [keyword] is not supported for aggregation [avg]",
        ),
        (
            {"t": {"terms": {"field": "n", "include": "1.*"}}},
            500,
            "search_phase_execution_exception",
            "cannot support regular expression style",
        ),
        (
            {"t": {"terms": {"field": "tag"}, "max": {"field": "n"}}},
            400,
            "parsing_exception",
            "Found two aggregation type definitions in [t]: [terms] and [max]",
        ),
        ({"t": {}}, 400, "parsing_exception", "Missing definition for aggregation [t]"),
        (
            {"t": {"terms": {"field": "tag", "order": {"nope": "asc"}}}},
            400,
            "search_phase_execution_exception",
            "Invalid aggregator order path [nope]",
        ),
        (
            {"t": {"histogram": {"field": "n", "interval": -1}}},
            400,
            "x_content_parse_exception",
            "[histogram] failed to parse field [interval]",
        ),
        (
            {"t": {"date_histogram": {"field": "day"}}},
            400,
            "illegal_argument_exception",
            "Invalid interval specified, must be non-null and non-empty",
        ),
        (
            {"t": {"significant_terms": {"field": "tag"}}},
            400,
            "illegal_argument_exception",
            "not supported by the djangoes embedded engine",
        ),
    ],
)
def test_errors(shop, body, status, kind, text):
    es, _ = shop
    with pytest.raises(ApiError) as caught:
        es.search(index="shop", size=0, aggs=body)
    error = caught.value
    assert error.meta.status == status
    assert error.body["error"]["type"] == kind
    assert text in str(error.body)


def test_many_documents_terms_and_histogram(es):
    rng = random.Random(11)
    docs = [{"k": f"k{rng.randint(0, 60)}", "v": rng.randint(0, 999)} for _ in range(20_000)]
    index_docs(
        es,
        "many",
        docs,
        mappings={"properties": {"k": {"type": "keyword"}, "v": {"type": "integer"}}},
        segments=5,
    )
    result = aggs(
        es,
        "many",
        {
            "k": {"terms": {"field": "k", "size": 5}, "aggs": {"v": {"sum": {"field": "v"}}}},
            "h": {"histogram": {"field": "v", "interval": 100}},
        },
    )
    counts = doc_counts(docs, "k")
    assert [(b["key"], b["doc_count"]) for b in result["k"]["buckets"]] == top_terms(counts, 5)
    for bucket in result["k"]["buckets"]:
        assert bucket["v"]["value"] == sum(d["v"] for d in docs if d["k"] == bucket["key"])
    hundreds = Counter(d["v"] // 100 * 100 for d in docs)
    assert [(b["key"], b["doc_count"]) for b in result["h"]["buckets"]] == [
        (float(k), c) for k, c in sorted(hundreds.items())
    ]


def test_date_histogram_options(es):
    docs = [
        {"at": "2024-01-01T05:00:00Z", "v": 1},
        {"at": "2024-01-01T20:00:00Z", "v": 2},
        {"at": "2024-01-03T07:00:00Z", "v": 3},
        {"v": 4},
    ]
    index_docs(
        es,
        "options",
        docs,
        mappings={"properties": {"at": {"type": "date"}, "v": {"type": "long"}}},
    )
    result = aggs(
        es,
        "options",
        {
            "shifted": {
                "date_histogram": {
                    "field": "at",
                    "calendar_interval": "day",
                    "offset": "+6h",
                    "keyed": True,
                }
            },
            "zoned": {
                "date_histogram": {
                    "field": "at",
                    "fixed_interval": "1d",
                    "time_zone": "-05:00",
                    "min_doc_count": 1,
                }
            },
            "bounded": {
                "date_histogram": {
                    "field": "at",
                    "calendar_interval": "day",
                    "format": "yyyy-MM-dd",
                    "extended_bounds": {"min": "2023-12-30", "max": "2024-01-04"},
                    "missing": "2024-01-02",
                },
                "aggs": {"v": {"sum": {"field": "v"}}},
            },
        },
    )
    shifted = result["shifted"]["buckets"]
    assert {k: b["doc_count"] for k, b in shifted.items()} == {
        "2023-12-31T06:00:00.000Z": 1,
        "2024-01-01T06:00:00.000Z": 1,
        "2024-01-02T06:00:00.000Z": 0,
        "2024-01-03T06:00:00.000Z": 1,
    }
    zoned = result["zoned"]["buckets"]
    assert [(b["key_as_string"], b["doc_count"]) for b in zoned] == [
        ("2024-01-01T00:00:00.000-05:00", 2),
        ("2024-01-03T00:00:00.000-05:00", 1),
    ]
    assert zoned[0]["key"] == millis("2024-01-01T05:00:00Z")
    bounded = result["bounded"]["buckets"]
    assert [(b["key_as_string"], b["doc_count"], b["v"]["value"]) for b in bounded] == [
        ("2023-12-30", 0, 0.0),
        ("2023-12-31", 0, 0.0),
        ("2024-01-01", 2, 3.0),
        ("2024-01-02", 1, 4.0),
        ("2024-01-03", 1, 3.0),
        ("2024-01-04", 0, 0.0),
    ]


def test_histogram_missing_and_order(es):
    docs = [{"v": 1.5}, {"v": 2.5}, {"v": 2.7}, {"w": 1}, {"w": 2}]
    index_docs(
        es, "hm", docs, mappings={"properties": {"v": {"type": "double"}, "w": {"type": "long"}}}
    )
    result = aggs(
        es,
        "hm",
        {
            "h": {
                "histogram": {
                    "field": "v",
                    "interval": 1,
                    "missing": 0.2,
                    "order": {"_count": "desc"},
                },
                "aggs": {"w": {"sum": {"field": "w"}}},
            },
        },
    )
    assert [(b["key"], b["doc_count"], b["w"]["value"]) for b in result["h"]["buckets"]] == [
        (0.0, 2, 3.0),
        (2.0, 2, 0.0),
        (1.0, 1, 0.0),
    ]


def test_index_terms_and_global_top_hits(es):
    index_docs(
        es, "left", [{"k": "a"}, {"k": "b"}], mappings={"properties": {"k": {"type": "keyword"}}}
    )
    index_docs(es, "right", [{"k": "a"}], mappings={"properties": {"k": {"type": "keyword"}}})
    result = aggs(
        es,
        "left,right",
        {
            "by_index": {"terms": {"field": "_index"}, "aggs": {"k": {"terms": {"field": "k"}}}},
            "all": {"global": {}, "aggs": {"top": {"top_hits": {"size": 5}}}},
        },
        query={"term": {"k": "a"}},
    )
    assert [(b["key"], b["doc_count"]) for b in result["by_index"]["buckets"]] == [
        ("left", 1),
        ("right", 1),
    ]
    assert result["by_index"]["buckets"][0]["k"]["buckets"] == [{"key": "a", "doc_count": 1}]
    hits = result["all"]["top"]["hits"]
    assert hits["total"]["value"] == 3
    assert sorted((h["_index"], h["_id"]) for h in hits["hits"]) == [
        ("left", "0"),
        ("left", "1"),
        ("right", "0"),
    ]


def test_percentiles_merge_across_indices(es):
    rng = random.Random(5)
    first = [{"v": rng.randint(0, 1000)} for _ in range(300)]
    second = [{"v": rng.uniform(0, 500)} for _ in range(200)]
    index_docs(es, "pa", first, mappings={"properties": {"v": {"type": "long"}}})
    index_docs(es, "pb", second, mappings={"properties": {"v": {"type": "double"}}})
    result = aggs(es, "pa,pb", {"p": {"percentiles": {"field": "v", "percents": [10, 50, 90]}}})
    data = [d["v"] for d in first + second]
    for key, value in result["p"]["values"].items():
        assert value == pytest.approx(percentile(data, float(key)))
