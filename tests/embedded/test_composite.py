"""The composite aggregation, through the real elasticsearch-py client.

Expected buckets are the combinations of each document's values, computed and ordered here
from the documents; every test pages through all of them with ``after_key``.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch, helpers

MAPPINGS = {
    "properties": {
        "tag": {"type": "keyword"},
        "n": {"type": "long"},
        "price": {"type": "double"},
        "on": {"type": "boolean"},
        "day": {"type": "date"},
        "title": {"type": "text", "fielddata": True},
    }
}
DOCS: list[dict[str, Any]] = [
    {"tag": ["a", "b"], "n": 1, "price": 3.5, "on": True, "day": "2024-01-03", "title": "Red fox"},
    {"tag": "b", "n": 2, "price": 12.0, "on": False, "day": "2024-01-20", "title": "red dog"},
    {"tag": "c", "n": 2, "price": 7.25, "day": "2024-02-11T10:00:00Z", "title": "blue fox"},
    {"tag": ["a", "c"], "price": 0.5, "on": True, "day": "2024-03-01", "title": "Fox"},
    {"n": 7, "price": 25.0, "on": False, "day": "2023-12-31T23:00:00Z"},
    {"tag": "a", "n": 1, "day": "2024-02-29"},
    {"tag": ["b", "c"], "n": 3, "price": 9.0, "title": "green"},
]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def month(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return int(datetime(moment.year, moment.month, 1, tzinfo=UTC).timestamp() * 1000)


def combos(
    docs: list[dict[str, Any]], sources: list[tuple[str, Any, bool]]
) -> Counter[tuple[Any, ...]]:
    """Documents per combination of values; each source is (name, values of a doc, missing)."""
    found: Counter[tuple[Any, ...]] = Counter()
    for doc in docs:
        keys: list[tuple[Any, ...]] = [()]
        for _, values_of, missing_bucket in sources:
            values = sorted(set(values_of(doc)))
            if not values:
                if not missing_bucket:
                    keys = []
                    break
                values = [None]
            keys = [(*key, value) for key in keys for value in values]
        found.update(set(keys))
    return found


def ordered(found: Counter, rules: list[tuple[bool, bool]]) -> list[tuple[tuple, int]]:
    """Combinations in key order; rules per source: (ascending, missing first)."""

    def compare(left: tuple, right: tuple) -> int:
        for (ascending, missing_first), a, b in zip(rules, left[0], right[0], strict=True):
            if a == b:
                continue
            if a is None or b is None:
                return (-1 if missing_first else 1) * (1 if a is None else -1)
            return (1 if a > b else -1) * (1 if ascending else -1)
        return 0

    return sorted(found.items(), key=functools.cmp_to_key(compare))


def page_all(
    es: Elasticsearch, index: str, composite: dict[str, Any], **kwargs: Any
) -> tuple[list[dict[str, Any]], int]:
    """Every bucket, page by page with ``after_key``; also the number of requests."""
    names = [next(iter(source)) for source in composite["sources"]]
    seen: list[dict[str, Any]] = []
    after = None
    requests = 0
    while True:
        body = dict(composite, after=after) if after is not None else composite
        result = es.search(index=index, size=0, aggs={"c": {"composite": body}}, **kwargs)
        requests += 1
        page = result["aggregations"]["c"]
        if not page["buckets"]:
            assert "after_key" not in page
            return seen, requests
        assert len(page["buckets"]) <= composite.get("size", 10)
        # after_key is the last bucket's key on every page with buckets, the last one included
        assert page["after_key"] == page["buckets"][-1]["key"]
        assert all(list(bucket["key"]) == names for bucket in page["buckets"])
        seen.extend(page["buckets"])
        after = page["after_key"]


@pytest.fixture
def client(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="things", mappings=MAPPINGS)
    for start, end in ((0, 3), (3, len(DOCS))):
        helpers.bulk(
            any_es,
            [{"_index": "things", "_id": str(i), "_source": DOCS[i]} for i in range(start, end)],
        )
        any_es.indices.refresh(index="things")
    return any_es


def keys(buckets: list[dict[str, Any]], names: list[str]) -> list[tuple[tuple, int]]:
    return [(tuple(b["key"][n] for n in names), b["doc_count"]) for b in buckets]


def test_terms_and_date_histogram_page_through_every_combination(client: Elasticsearch) -> None:
    composite = {
        "size": 3,
        "sources": [
            {"tag": {"terms": {"field": "tag"}}},
            {"month": {"date_histogram": {"field": "day", "calendar_interval": "month"}}},
        ],
    }
    seen, requests = page_all(client, "things", composite)
    expected = combos(
        DOCS,
        [
            ("tag", lambda d: as_list(d.get("tag")), False),
            ("month", lambda d: [month(v) for v in as_list(d.get("day"))], False),
        ],
    )
    assert keys(seen, ["tag", "month"]) == ordered(expected, [(True, True), (True, True)])
    assert requests == -(-len(expected) // 3) + 1  # the last page is the empty one


def test_default_size_is_ten(client: Elasticsearch) -> None:
    body = {
        "sources": [
            {"tag": {"terms": {"field": "tag", "missing_bucket": True}}},
            {"word": {"terms": {"field": "title", "missing_bucket": True}}},
        ]
    }
    result = client.search(index="things", size=0, aggs={"c": {"composite": body}})
    expected = combos(
        DOCS,
        [
            ("tag", lambda d: as_list(d.get("tag")), True),
            ("word", lambda d: d.get("title", "").lower().split(), True),
        ],
    )
    assert len(expected) > 10
    found = keys(result["aggregations"]["c"]["buckets"], ["tag", "word"])
    assert found == ordered(expected, [(True, True), (True, True)])[:10]


def test_order_missing_bucket_and_missing_order(client: Elasticsearch) -> None:
    for order, missing_order in (
        ("asc", "default"),
        ("desc", "default"),
        ("asc", "last"),
        ("desc", "first"),
    ):
        composite = {
            "size": 2,
            "sources": [
                {
                    "n": {
                        "terms": {
                            "field": "n",
                            "order": order,
                            "missing_bucket": True,
                            "missing_order": missing_order,
                        }
                    }
                },
                {"on": {"terms": {"field": "on", "missing_bucket": True}}},
            ],
        }
        seen, _ = page_all(client, "things", composite)
        expected = combos(
            DOCS,
            [
                ("n", lambda d: as_list(d.get("n")), True),
                ("on", lambda d: as_list(d.get("on")), True),
            ],
        )
        first = missing_order == "first" or (missing_order == "default" and order == "asc")
        rules = [(order == "asc", first), (True, True)]
        assert keys(seen, ["n", "on"]) == ordered(expected, rules), (order, missing_order)


def test_histogram_text_terms_and_sub_aggregations(client: Elasticsearch) -> None:
    composite = {
        "size": 4,
        "sources": [
            {"word": {"terms": {"field": "title"}}},
            {"price": {"histogram": {"field": "price", "interval": 5}}},
        ],
    }
    seen, _ = page_all(client, "things", {**composite}, query={"exists": {"field": "n"}})
    matching = [doc for doc in DOCS if "n" in doc]
    expected = combos(
        matching,
        [
            ("word", lambda d: d.get("title", "").lower().split(), False),
            ("price", lambda d: [float(p // 5 * 5) for p in as_list(d.get("price"))], False),
        ],
    )
    assert keys(seen, ["word", "price"]) == ordered(expected, [(True, True), (True, True)])
    # sub-aggregations are computed per bucket
    body = {"composite": {**composite, "size": 100}, "aggs": {"top": {"max": {"field": "n"}}}}
    result = client.search(index="things", size=0, aggs={"c": body})["aggregations"]["c"]
    for bucket in result["buckets"]:
        word, low = bucket["key"]["word"], bucket["key"]["price"]
        ns = [
            d["n"]
            for d in DOCS
            if word in d.get("title", "").lower().split()
            and any(low <= p < low + 5 for p in as_list(d.get("price")))
            and "n" in d
        ]
        assert bucket["top"]["value"] == (max(ns) if ns else None)


def test_key_formats(client: Elasticsearch) -> None:
    body = {
        "sources": [
            {
                "d": {
                    "date_histogram": {
                        "field": "day",
                        "fixed_interval": "1d",
                        "format": "yyyy-MM-dd",
                        "time_zone": "+02:00",
                    }
                }
            },
        ],
        "size": 2,
    }
    result = client.search(index="things", size=0, aggs={"c": {"composite": body}})
    first = result["aggregations"]["c"]["buckets"]
    # 2023-12-31T23:00Z is 2024-01-01 in +02:00
    assert [b["key"]["d"] for b in first] == ["2024-01-01", "2024-01-03"]
    nxt = client.search(
        index="things",
        size=0,
        aggs={"c": {"composite": {**body, "after": result["aggregations"]["c"]["after_key"]}}},
    )
    assert [b["key"]["d"] for b in nxt["aggregations"]["c"]["buckets"]] == [
        "2024-01-20",
        "2024-02-11",
    ]
    dates = client.search(
        index="things",
        size=0,
        aggs={"c": {"composite": {"size": 1, "sources": [{"d": {"terms": {"field": "day"}}}]}}},
    )
    assert dates["aggregations"]["c"]["buckets"][0]["key"]["d"] == 1704063600000  # a long


def test_several_indices_reduce_by_key(client: Elasticsearch) -> None:
    other = [{"tag": "b", "n": 2}, {"tag": "d", "n": 9}, {"tag": "a"}]
    client.indices.create(index="more", mappings=MAPPINGS)
    helpers.bulk(client, [{"_index": "more", "_source": doc} for doc in other], refresh=True)
    composite = {
        "size": 2,
        "sources": [{"tag": {"terms": {"field": "tag"}}}, {"n": {"terms": {"field": "n"}}}],
    }
    seen, _ = page_all(client, "things,more", composite)
    expected = combos(
        DOCS + other,
        [
            ("tag", lambda d: as_list(d.get("tag")), False),
            ("n", lambda d: as_list(d.get("n")), False),
        ],
    )
    assert keys(seen, ["tag", "n"]) == ordered(expected, [(True, True), (True, True)])


def test_after_null_continues_after_the_missing_bucket(client: Elasticsearch) -> None:
    body = {
        "sources": [{"tag": {"terms": {"field": "tag", "missing_bucket": True}}}],
        "after": {"tag": None},
    }
    result = client.search(index="things", size=0, aggs={"c": {"composite": body}})
    assert [b["key"]["tag"] for b in result["aggregations"]["c"]["buckets"]] == ["a", "b", "c"]


def test_allowed_under_filter(client: Elasticsearch) -> None:
    body = {
        "filter": {"term": {"on": True}},
        "aggs": {"c": {"composite": {"sources": [{"tag": {"terms": {"field": "tag"}}}]}}},
    }
    result = client.search(index="things", size=0, aggs={"f": body})["aggregations"]["f"]["c"]
    expected = Counter(t for d in DOCS if d.get("on") is True for t in as_list(d.get("tag")))
    assert keys(result["buckets"], ["tag"]) == sorted(((k,), v) for k, v in expected.items())


def error_of(es: Elasticsearch, aggs: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(BadRequestError) as raised:
        es.search(index="things", size=0, aggs=aggs)
    return raised.value.body["error"]


SOURCE = [{"tag": {"terms": {"field": "tag"}}}]


@pytest.mark.parametrize(
    ("parent", "factory"),
    [
        ({"terms": {"field": "tag"}}, "TermsAggregatorFactory"),
        (
            {"date_histogram": {"field": "day", "calendar_interval": "year"}},
            "DateHistogramAggregatorFactory",
        ),
        ({"global": {}}, "GlobalAggregatorFactory"),
        ({"composite": {"sources": SOURCE}}, "CompositeAggregationFactory"),
    ],
)
def test_refused_under_a_bucket_aggregation(
    client: Elasticsearch, parent: dict[str, Any], factory: str
) -> None:
    inner = {"filter": {"match_all": {}}, "aggs": {"c": {"composite": {"sources": SOURCE}}}}
    error = error_of(client, {"p": {**parent, "aggs": {"f": inner}}})
    assert error["type"] == "search_phase_execution_exception"
    assert error["root_cause"][0] == {
        "type": "illegal_argument_exception",
        "reason": "[composite] aggregation cannot be used with a parent aggregation of type: "
        f"[{factory}]",
    }


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            {"sources": SOURCE, "after": {"tag": "a", "x": 1}},
            "[after] has 2 value(s) but [sources] has 1",
        ),
        ({"sources": SOURCE, "after": {"x": "a"}}, "Missing value for [after.tag]"),
        (
            {"sources": SOURCE, "after": {"tag": None}},
            "Invalid value for [after.tag], expected comparable, got [null]",
        ),
        ({"sources": SOURCE, "after": {"tag": 3}}, "invalid value, expected string, got Integer"),
        (
            {"sources": [{"tag": {"terms": {"field": "tag", "missing_order": "last"}}}]},
            "missing_order require missing_bucket is true",
        ),
    ],
)
def test_shard_errors(client: Elasticsearch, body: dict[str, Any], reason: str) -> None:
    error = error_of(client, {"c": {"composite": body}})
    assert error["root_cause"][0] == {"type": "illegal_argument_exception", "reason": reason}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"sources": []}, "Composite [sources] cannot be null or empty"),
        (
            {"sources": SOURCE + SOURCE},
            "Composite source names must be unique, found duplicates: [tag]",
        ),
        ({"sources": [{"x": {"rare": {"field": "tag"}}}]}, "invalid source type: rare"),
        (
            {"sources": [{"x": {"histogram": {"field": "n", "interval": 0}}}]},
            "[interval] must be greater than 0 for [histogram] source",
        ),
        (
            {"sources": [{"x": {"terms": {"field": "tag", "bogus": 1}}}]},
            "[terms] unknown field [bogus]",
        ),
    ],
)
def test_request_errors(client: Elasticsearch, body: dict[str, Any], reason: str) -> None:
    error = error_of(client, {"c": {"composite": body}})
    assert reason in str(error)


def test_unsupported_sources_are_refused_by_name(client: Elasticsearch) -> None:
    error = error_of(client, {"c": {"composite": {"sources": SOURCE, "size": 0}}})
    assert "[size] of [0]" in error["reason"]
    assert "not supported" in error["reason"]
    error = error_of(
        client, {"c": {"composite": {"sources": [{"g": {"geotile_grid": {"field": "tag"}}}]}}}
    )
    assert "[geotile_grid]" in error["reason"]
    assert "not supported" in error["reason"]
    error = error_of(
        client,
        {"c": {"composite": {"sources": [{"g": {"terms": {"script": {"source": "1"}}}}]}}},
    )
    assert "[script]" in error["reason"]
