"""The search request around the query, through the stock elasticsearch-py 9 client.

Paging, sorting, totals, what a hit carries (``_source`` filtering, ``fields``,
``docvalue_fields``, ``stored_fields``, versions, explanations), score thresholds and post
filters, several indices and aliases at once, highlighting, count and msearch; all checked
against Elasticsearch 8/9 semantics, with expectations computed from the corpus where possible.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch, helpers

INDEX = "shop"

MAPPING: dict[str, Any] = {
    "properties": {
        "title": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
        "body": {"type": "text"},
        "tags": {"type": "keyword"},
        "category": {"type": "keyword"},
        "price": {"type": "double"},
        "stock": {"type": "long"},
        "published": {"type": "date"},
        "available": {"type": "boolean"},
        "maker": {
            "properties": {
                "name": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
                "country": {"type": "keyword"},
            }
        },
        "sku": {"type": "keyword", "store": True},
        "note": {"type": "text", "store": True},
    }
}

DOCS: dict[str, dict[str, Any]] = {
    "1": {
        "title": "Red apple",
        "body": "A crisp red apple from the orchard",
        "tags": ["fruit", "red"],
        "category": "fruit",
        "price": 1.5,
        "stock": 30,
        "published": "2023-03-01T10:00:00Z",
        "available": True,
        "maker": {"name": "Orchard Farms", "country": "fr"},
        "sku": "S-01",
        "note": "seasonal",
    },
    "2": {
        "title": "Green apple",
        "body": "A sour green apple, good in pies",
        "tags": ["fruit", "green"],
        "category": "fruit",
        "price": 1.2,
        "stock": 12,
        "published": "2023-01-15",
        "available": True,
        "maker": {"name": "Orchard Farms", "country": "fr"},
        "sku": "S-02",
    },
    "3": {
        "title": "Apple pie",
        "body": "Pie made with green apple and cinnamon",
        "tags": ["bakery"],
        "category": "bakery",
        "price": 7.5,
        "stock": 4,
        "published": "2022-11-20",
        "available": False,
        "maker": {"name": "Corner Bakery", "country": "uk"},
        "sku": "S-03",
    },
    "4": {
        "title": "Banana bread",
        "body": "Bread baked with ripe bananas",
        "tags": ["bakery"],
        "category": "bakery",
        "price": 5.0,
        "stock": 12,
        "published": "2023-06-30",
        "available": True,
        "sku": "S-04",
    },
    "5": {
        "title": "Cherry jam",
        "body": "Sweet red cherry jam in a jar",
        "category": "pantry",
        "price": 4.25,
        "published": "2021-08-08",
        "maker": {"name": "Jam Works", "country": "us"},
        "sku": "S-05",
    },
    "6": {
        "title": "Orange juice",
        "body": "Fresh orange juice with pulp",
        "tags": ["drink"],
        "category": "drink",
        "price": 3.0,
        "stock": 0,
        "available": False,
        "maker": {"name": "Sun Grove", "country": "es"},
        "sku": "S-06",
    },
    "7": {
        "title": "Apple cider",
        "body": "Sparkling apple cider from red apples",
        "tags": ["drink", "red"],
        "category": "drink",
        "price": 6.75,
        "stock": 12,
        "published": "2024-02-02",
        "available": True,
        "maker": {"name": "Orchard Farms", "country": "fr"},
        "sku": "S-07",
    },
    "8": {"title": "Mystery box", "category": "misc", "sku": "S-08"},
}

LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)


def load(
    es: Elasticsearch,
    index: str = INDEX,
    docs: dict[str, dict[str, Any]] | None = None,
    mapping: dict[str, Any] | None = None,
) -> None:
    es.indices.create(index=index, mappings=mapping or MAPPING)
    for doc_id, doc in (DOCS if docs is None else docs).items():
        es.index(index=index, id=doc_id, document=doc)
    es.indices.refresh(index=index)


@pytest.fixture
def shop(es: Elasticsearch) -> Elasticsearch:
    load(es)
    return es


@pytest.fixture
def any_shop(any_es: Elasticsearch) -> Elasticsearch:
    load(any_es)
    return any_es


def hits_of(response: Any) -> list[dict[str, Any]]:
    return response["hits"]["hits"]


def id_list(response: Any) -> list[str]:
    return [h["_id"] for h in hits_of(response)]


def sort_key(doc_id: str, *fields: tuple[str, str]) -> tuple:
    """An ascending/descending key over fields, missing values last, as the default sort."""
    key: list[Any] = []
    for name, order in fields:
        value = DOCS[doc_id].get(name)
        if value is None:
            key.append((1, 0))
        elif order == "desc":
            key.append((0, -value) if isinstance(value, int | float) else (0, _Rev(value)))
        else:
            key.append((0, value))
    return tuple(key)


class _Rev:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Rev) -> bool:
        return other.value < self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rev) and other.value == self.value


def expected_order(*fields: tuple[str, str]) -> list[str]:
    return sorted(DOCS, key=lambda i: sort_key(i, *fields))


# Paging and sorting


def test_from_and_size_page_through_a_sorted_result(any_shop: Elasticsearch) -> None:
    order = expected_order(("sku", "asc"))
    for start in range(0, len(order), 3):
        response = any_shop.search(index=INDEX, sort=["sku"], from_=start, size=3)
        assert id_list(response) == order[start : start + 3]
        assert response["hits"]["total"] == {"value": len(DOCS), "relation": "eq"}
    assert id_list(any_shop.search(index=INDEX, sort=["sku"], from_=20)) == []
    assert id_list(any_shop.search(index=INDEX, size=0)) == []


def test_from_and_size_beyond_the_result_window_is_a_400(shop: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        shop.search(index=INDEX, from_=9995, size=10)
    assert "Result window is too large" in str(caught.value.body)


@pytest.mark.parametrize(
    ("field", "order"),
    [
        ("price", "asc"),
        ("price", "desc"),
        ("stock", "asc"),
        ("stock", "desc"),
        ("published", "asc"),
        ("published", "desc"),
        ("category", "asc"),
        ("category", "desc"),
        ("title.raw", "asc"),
        ("title.raw", "desc"),
    ],
)
def test_sort_by_one_field(shop: Elasticsearch, field: str, order: str) -> None:
    # sku breaks ties (several documents share a category or a stock).
    response = shop.search(index=INDEX, sort=[{field: order}, {"sku": "asc"}], size=20)
    source_field = field.removesuffix(".raw")

    def key(doc_id: str) -> tuple:
        value = DOCS[doc_id].get(source_field)
        if value is None:
            return (1, 0, DOCS[doc_id]["sku"])
        if source_field == "published":
            value = value[:10]
        if order == "desc":
            value = -value if isinstance(value, int | float) else _Rev(value)
        return (0, value, DOCS[doc_id]["sku"])

    assert id_list(response) == sorted(DOCS, key=key)
    assert response["hits"]["max_score"] is None
    assert all(h["_score"] is None for h in hits_of(response))


def test_sort_values_in_hits(shop: Elasticsearch) -> None:
    response = shop.search(
        index=INDEX,
        sort=[{"price": "desc"}, "sku", {"published": "asc"}, {"available": "asc"}],
        size=1,
    )
    (hit,) = hits_of(response)
    assert hit["_id"] == "3"
    # A double, a keyword, a date as epoch milliseconds, a boolean as 0/1.
    assert hit["sort"] == [7.5, "S-03", 1668902400000, 0]
    hit = hits_of(
        shop.search(index=INDEX, sort=[{"published": {"order": "desc", "format": "yyyy-MM-dd"}}])
    )[0]
    assert hit["sort"] == ["2024-02-02"]


def test_sort_missing_first_and_last(shop: Elasticsearch) -> None:
    without_stock = sorted(i for i, d in DOCS.items() if "stock" not in d)
    with_stock = sorted(
        (i for i, d in DOCS.items() if "stock" in d),
        key=lambda i: (DOCS[i]["stock"], DOCS[i]["sku"]),
    )

    def run(**options: Any) -> list[dict[str, Any]]:
        return hits_of(shop.search(index=INDEX, sort=[{"stock": options}, "sku"], size=20))

    hits = run(order="asc")
    assert [h["_id"] for h in hits] == with_stock + without_stock
    # A missing long shows as the extreme value it sorts as.
    assert [h["sort"][0] for h in hits[-len(without_stock) :]] == [LONG_MAX] * len(without_stock)
    hits = run(order="asc", missing="_first")
    assert [h["_id"] for h in hits] == without_stock + with_stock
    assert hits[0]["sort"][0] == LONG_MIN
    hits = run(order="desc")
    assert [h["_id"] for h in hits] == [
        *sorted(with_stock, key=lambda i: (-DOCS[i]["stock"], DOCS[i]["sku"])),
        *without_stock,
    ]
    assert hits[-1]["sort"][0] == LONG_MIN
    hits = run(order="desc", missing="_first")
    assert [h["_id"] for h in hits][: len(without_stock)] == without_stock
    # A value for the missing ones sorts them among the others.
    hits = run(order="asc", missing=5)
    assert [h["_id"] for h in hits] == sorted(
        DOCS, key=lambda i: (DOCS[i].get("stock", 5), DOCS[i]["sku"])
    )


def test_sort_missing_on_keyword_and_double(shop: Elasticsearch) -> None:
    hits = hits_of(shop.search(index=INDEX, sort=[{"maker.country": "asc"}, "sku"], size=20))
    assert [h["_id"] for h in hits][-2:] == ["4", "8"]
    assert hits[-1]["sort"] == [None, "S-08"]
    hits = hits_of(
        shop.search(index=INDEX, sort=[{"price": {"order": "asc", "missing": "_first"}}])
    )
    assert hits[0]["_id"] == "8"
    assert hits[0]["sort"] == ["-Infinity"]


def test_multi_key_sort_breaks_ties_with_the_second_key(any_shop: Elasticsearch) -> None:
    response = any_shop.search(index=INDEX, sort=[{"category": "asc"}, {"price": "desc"}], size=20)
    assert id_list(response) == expected_order(("category", "asc"), ("price", "desc"))
    response = any_shop.search(index=INDEX, sort=[{"stock": "desc"}, {"sku": "desc"}], size=20)
    assert id_list(response) == expected_order(("stock", "desc"), ("sku", "desc"))


def test_sort_by_score_then_field(shop: Elasticsearch) -> None:
    # Equal scores (a constant_score query) leave the order to the second key.
    query = {"constant_score": {"filter": {"term": {"category": "fruit"}}, "boost": 2.0}}
    response = shop.search(index=INDEX, query=query, sort=["_score", {"sku": "desc"}])
    assert id_list(response) == ["2", "1"]
    assert [h["sort"] for h in hits_of(response)] == [[2.0, "S-02"], [2.0, "S-01"]]
    assert [h["_score"] for h in hits_of(response)] == [2.0, 2.0]
    response = shop.search(
        index=INDEX, query={"match": {"body": "apple"}}, sort=[{"_score": "asc"}]
    )
    got = [h["_score"] for h in hits_of(response)]
    assert got == sorted(got)
    assert len(set(got)) > 1


def test_sort_by_doc_is_stable_and_complete(shop: Elasticsearch) -> None:
    first = hits_of(shop.search(index=INDEX, sort=["_doc"], size=20))
    second = hits_of(shop.search(index=INDEX, sort=["_doc"], size=20))
    assert sorted(h["_id"] for h in first) == sorted(DOCS)
    assert [h["_id"] for h in first] == [h["_id"] for h in second]
    values = [h["sort"][0] for h in first]
    assert values == sorted(values) and len(set(values)) == len(values)


def test_sort_on_a_text_field_is_a_400(shop: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        shop.search(index=INDEX, sort=["title"])
    assert "fielddata" in str(caught.value.body)


def test_sort_on_an_unmapped_field(shop: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as caught:
        shop.search(index=INDEX, sort=["nope"])
    assert "No mapping found for [nope]" in str(caught.value.body)
    response = shop.search(index=INDEX, sort=[{"nope": {"unmapped_type": "long"}}, "sku"])
    assert id_list(response) == expected_order(("sku", "asc"))


def test_max_score_with_field_sort_and_track_scores(shop: Elasticsearch) -> None:
    query = {"match": {"body": "apple"}}
    scored = {h["_id"]: h["_score"] for h in hits_of(shop.search(index=INDEX, query=query))}
    response = shop.search(index=INDEX, query=query, sort=[{"price": "asc"}])
    assert response["hits"]["max_score"] is None
    assert all(h["_score"] is None for h in hits_of(response))
    response = shop.search(index=INDEX, query=query, sort=[{"price": "asc"}], track_scores=True)
    assert id_list(response) == sorted(scored, key=lambda i: DOCS[i]["price"])
    assert response["hits"]["max_score"] == pytest.approx(max(scored.values()))
    for hit in hits_of(response):
        assert hit["_score"] == pytest.approx(scored[hit["_id"]])


@pytest.mark.parametrize(
    "sort",
    [
        [{"price": "asc"}, {"sku": "asc"}],
        [{"stock": "asc"}, {"sku": "desc"}],
        [{"published": "desc"}, {"sku": "asc"}],
        [{"price": {"order": "desc", "missing": "_first"}}, {"sku": "asc"}],
        # Sort values in a format keeping the whole date, read back by search_after.
        [{"published": {"order": "asc", "format": "strict_date_optional_time"}}, "sku"],
        [{"maker.country": "asc"}, {"title.raw": "asc"}],
    ],
)
def test_search_after_visits_every_document_once(any_shop: Elasticsearch, sort: list[Any]) -> None:
    everything = id_list(any_shop.search(index=INDEX, sort=sort, size=100))
    seen: list[str] = []
    after = None
    for _ in range(len(DOCS) + 2):
        options = {"search_after": after} if after is not None else {}
        page = hits_of(any_shop.search(index=INDEX, sort=sort, size=3, **options))
        if not page:
            break
        seen += [h["_id"] for h in page]
        after = page[-1]["sort"]
    assert seen == everything
    assert sorted(seen) == sorted(DOCS)


def test_search_after_with_scores(shop: Elasticsearch) -> None:
    query = {"match": {"body": "apple red"}}
    sort = ["_score", {"sku": "asc"}]
    everything = id_list(shop.search(index=INDEX, query=query, sort=sort))
    page = hits_of(shop.search(index=INDEX, query=query, sort=sort, size=2))
    rest = shop.search(index=INDEX, query=query, sort=sort, search_after=page[-1]["sort"])
    assert [h["_id"] for h in page] + id_list(rest) == everything


def test_search_after_errors(shop: Elasticsearch) -> None:
    with pytest.raises(BadRequestError):  # one value per sort key
        shop.search(index=INDEX, sort=["price", "sku"], search_after=[1.0])
    with pytest.raises(BadRequestError) as caught:  # from must be 0
        shop.search(index=INDEX, sort=["sku"], search_after=["S-01"], from_=1)
    assert "search_after" in str(caught.value.body)
    # A sort on the score alone is no sort: there is nothing to search after.
    for sort in (None, ["_score"]):
        with pytest.raises(BadRequestError) as caught:
            shop.search(
                index=INDEX, query={"match": {"body": "apple"}}, sort=sort, search_after=[0.5]
            )
        assert "Sort must contain at least one field" in str(caught.value.body)


# Totals


def test_track_total_hits_below_the_count_is_a_lower_bound(any_shop: Elasticsearch) -> None:
    response = any_shop.search(index=INDEX, track_total_hits=5, size=2)
    assert response["hits"]["total"] == {"value": 5, "relation": "gte"}
    assert len(hits_of(response)) == 2
    response = any_shop.search(index=INDEX, track_total_hits=len(DOCS))
    assert response["hits"]["total"] == {"value": len(DOCS), "relation": "eq"}
    response = any_shop.search(index=INDEX, track_total_hits=True)
    assert response["hits"]["total"] == {"value": len(DOCS), "relation": "eq"}
    response = any_shop.search(index=INDEX, track_total_hits=False)
    assert "total" not in response["hits"]
    assert len(hits_of(response)) == len(DOCS)


def test_track_total_hits_default_counts_up_to_ten_thousand(es: Elasticsearch) -> None:
    es.indices.create(index="many", mappings={"properties": {"n": {"type": "long"}}})
    count = 10_050
    ok, errors = helpers.bulk(
        es, ({"_index": "many", "_id": str(n), "n": n} for n in range(count)), refresh=True
    )
    assert (ok, errors) == (count, [])
    response = es.search(index="many", size=1)
    assert response["hits"]["total"] == {"value": 10_000, "relation": "gte"}
    response = es.search(index="many", size=0, track_total_hits=True)
    assert response["hits"]["total"] == {"value": count, "relation": "eq"}
    response = es.search(index="many", size=0, query={"range": {"n": {"lt": 9_000}}})
    assert response["hits"]["total"] == {"value": 9_000, "relation": "eq"}
    response = es.search(index="many", size=0, rest_total_hits_as_int=True)
    assert response["hits"]["total"] == count
    assert es.count(index="many")["count"] == count


def test_size_zero_has_no_max_score(any_shop: Elasticsearch) -> None:
    response = any_shop.search(index=INDEX, size=0, query={"match": {"body": "apple"}})
    assert response["hits"]["hits"] == []
    assert response["hits"]["max_score"] is None
    assert response["hits"]["total"]["value"] == 4


def test_rest_total_hits_as_int(any_shop: Elasticsearch) -> None:
    response = any_shop.search(
        index=INDEX, rest_total_hits_as_int=True, query={"term": {"category": "drink"}}
    )
    assert response["hits"]["total"] == 2
    response = any_shop.search(index=INDEX, query={"term": {"category": "drink"}})
    assert response["hits"]["total"] == {"value": 2, "relation": "eq"}


# What a hit carries


def one_hit(es: Elasticsearch, doc_id: str = "1", **options: Any) -> dict[str, Any]:
    (hit,) = hits_of(es.search(index=INDEX, query={"ids": {"values": [doc_id]}}, **options))
    return hit


def test_source_filtering(any_shop: Elasticsearch) -> None:
    doc = DOCS["1"]
    assert one_hit(any_shop)["_source"] == doc
    assert "_source" not in one_hit(any_shop, _source=False)
    assert one_hit(any_shop, _source=["title", "price"])["_source"] == {
        "title": doc["title"],
        "price": doc["price"],
    }
    assert one_hit(any_shop, _source="maker")["_source"] == {"maker": doc["maker"]}
    assert one_hit(any_shop, _source={"excludes": ["body", "maker", "note"]})["_source"] == {
        k: v for k, v in doc.items() if k not in ("body", "maker", "note")
    }
    assert one_hit(
        any_shop, _source={"includes": ["maker.*", "t*"], "excludes": ["maker.country"]}
    )["_source"] == {
        "title": doc["title"],
        "tags": doc["tags"],
        "maker": {"name": doc["maker"]["name"]},
    }
    assert one_hit(any_shop, _source=["*.country"])["_source"] == {
        "maker": {"country": doc["maker"]["country"]}
    }
    assert one_hit(any_shop, source_includes=["sku"])["_source"] == {"sku": doc["sku"]}
    assert one_hit(any_shop, source_excludes=["maker", "body", "tags", "note"])["_source"] == {
        k: v for k, v in doc.items() if k not in ("maker", "body", "tags", "note")
    }


def test_fields_option(any_shop: Elasticsearch) -> None:
    hit = one_hit(
        any_shop,
        fields=["published", "price", "available", "tags", "title.raw", "maker.*"],
        _source=False,
    )
    assert "_source" not in hit
    assert hit["fields"] == {
        # Dates in the field's (first) format; every value in an array.
        "published": ["2023-03-01T10:00:00.000Z"],
        "price": [1.5],
        "available": [True],
        "tags": ["fruit", "red"],
        "title.raw": ["Red apple"],
        "maker.name": ["Orchard Farms"],
        "maker.name.raw": ["Orchard Farms"],
        "maker.country": ["fr"],
    }
    hit = one_hit(any_shop, fields=[{"field": "published", "format": "yyyy/MM/dd"}])
    assert hit["fields"] == {"published": ["2023/03/01"]}
    assert "_source" in hit
    assert "fields" not in one_hit(any_shop, "8", fields=["published"])


def test_docvalue_fields(any_shop: Elasticsearch) -> None:
    hit = one_hit(
        any_shop,
        docvalue_fields=["published", "stock", "tags", "title.raw", "available"],
        _source=False,
    )
    assert hit["fields"] == {
        "published": ["2023-03-01T10:00:00.000Z"],
        "stock": [30],
        "tags": ["fruit", "red"],
        "title.raw": ["Red apple"],
        "available": [True],
    }
    hit = one_hit(any_shop, docvalue_fields=[{"field": "published", "format": "epoch_millis"}])
    assert hit["fields"]["published"] == ["1677664800000"]
    hit = one_hit(any_shop, docvalue_fields=[{"field": "published", "format": "yyyy-MM-dd"}])
    assert hit["fields"]["published"] == ["2023-03-01"]


def test_stored_fields(any_shop: Elasticsearch) -> None:
    hit = one_hit(any_shop, stored_fields=["sku", "note", "title"])
    # Only fields mapped with store: true come back; no _source unless asked for.
    assert hit["fields"] == {"sku": ["S-01"], "note": ["seasonal"]}
    assert "_source" not in hit
    hit = one_hit(any_shop, stored_fields=["sku", "_source"])
    assert hit["fields"] == {"sku": ["S-01"]}
    assert hit["_source"] == DOCS["1"]
    hit = one_hit(any_shop, stored_fields="_none_")
    assert set(hit) == {"_index", "_id", "_score"}


def test_version_and_seq_no_primary_term(any_shop: Elasticsearch) -> None:
    hit = one_hit(any_shop, "2", version=True, seq_no_primary_term=True)
    assert (hit["_version"], hit["_primary_term"]) == (1, 1)
    first_seq_no = hit["_seq_no"]
    written = any_shop.index(index=INDEX, id="2", document={**DOCS["2"], "stock": 11}, refresh=True)
    hit = one_hit(any_shop, "2", version=True, seq_no_primary_term=True)
    assert hit["_version"] == 2 == written["_version"]
    assert hit["_seq_no"] == written["_seq_no"] > first_seq_no
    assert "_version" not in one_hit(any_shop, "2")
    assert "_seq_no" not in one_hit(any_shop, "2")


def test_explain(shop: Elasticsearch) -> None:
    response = shop.search(index=INDEX, query={"match": {"body": "apple"}}, explain=True)
    for hit in hits_of(response):
        explanation = hit["_explanation"]
        assert explanation["value"] == pytest.approx(hit["_score"], rel=1e-4)
        assert explanation["description"]
        assert isinstance(explanation["details"], list)
    explained = shop.explain(index=INDEX, id="1", query={"match": {"body": "apple"}})
    assert explained["matched"] is True
    assert explained["explanation"]["value"] > 0
    assert shop.explain(index=INDEX, id="4", query={"match": {"body": "apple"}})["matched"] is False


def test_min_score(shop: Elasticsearch) -> None:
    query = {"match": {"body": "apple red"}}
    scored = {h["_id"]: h["_score"] for h in hits_of(shop.search(index=INDEX, query=query))}
    threshold = sorted(scored.values())[len(scored) // 2]
    response = shop.search(index=INDEX, query=query, min_score=threshold)
    expected = sorted(i for i, s in scored.items() if s >= threshold)
    assert sorted(id_list(response)) == expected
    assert response["hits"]["total"]["value"] == len(expected)
    assert 0 < len(expected) < len(scored)


def test_post_filter_filters_hits_but_not_scores(shop: Elasticsearch) -> None:
    query = {"match": {"body": "apple"}}
    scored = {h["_id"]: h["_score"] for h in hits_of(shop.search(index=INDEX, query=query))}
    response = shop.search(index=INDEX, query=query, post_filter={"term": {"category": "drink"}})
    expected = [i for i in scored if DOCS[i]["category"] == "drink"]
    assert id_list(response) == expected == ["7"]
    assert response["hits"]["total"] == {"value": 1, "relation": "eq"}
    assert hits_of(response)[0]["_score"] == pytest.approx(scored["7"])


# Several indices, aliases, _index


@pytest.fixture
def two_indices(shop: Elasticsearch) -> Elasticsearch:
    load(
        shop,
        "more",
        {
            "m1": {
                "title": "Apple apple apple",
                "body": "apple",
                "category": "fruit",
                "price": 2.0,
                "sku": "M-01",
            },
            "m2": {
                "title": "Plain bread",
                "body": "bread",
                "category": "bakery",
                "price": 2.5,
                "sku": "M-02",
            },
        },
    )
    return shop


def test_several_indices_merge_by_score(two_indices: Elasticsearch) -> None:
    query = {"match": {"title": "apple"}}
    scored = [
        (h["_score"], h["_index"], h["_id"])
        for index in (INDEX, "more")
        for h in hits_of(two_indices.search(index=index, query=query))
    ]
    response = two_indices.search(index=f"{INDEX},more", query=query)
    got = [(h["_score"], h["_index"], h["_id"]) for h in hits_of(response)]
    # Each index scores with its own statistics; the merge orders by score.
    assert sorted(got, key=lambda g: -g[0]) == got
    assert {g[1:] for g in got} == {s[1:] for s in scored}
    by_id = {s[2]: s[0] for s in scored}
    for score, _, doc_id in got:
        assert score == pytest.approx(by_id[doc_id])
    assert response["hits"]["max_score"] == pytest.approx(max(by_id.values()))
    assert response["_shards"]["total"] == 2


def test_several_indices_merge_by_sort(two_indices: Elasticsearch) -> None:
    response = two_indices.search(index="shop,more", sort=[{"price": "asc"}, "sku"], size=20)
    got = [(h["sort"][0], h["_index"], h["_id"]) for h in hits_of(response)]
    prices = [g[0] for g in got]
    assert prices == sorted(prices, key=lambda p: math.inf if p == "Infinity" else p)
    assert [g[2] for g in got][:4] == ["2", "1", "m1", "m2"]
    assert len(got) == len(DOCS) + 2
    response = two_indices.search(index="sh*,mo*", size=0)
    assert response["hits"]["total"]["value"] == len(DOCS) + 2


def test_indices_boost(two_indices: Elasticsearch) -> None:
    query = {"match": {"title": "apple"}}
    plain = {
        h["_id"]: h["_score"] for h in hits_of(two_indices.search(index="shop,more", query=query))
    }
    response = two_indices.search(index="shop,more", query=query, indices_boost=[{"shop": 3.0}])
    boosted = {h["_id"]: h["_score"] for h in hits_of(response)}
    assert boosted["m1"] == pytest.approx(plain["m1"])
    for doc_id in (i for i in boosted if i != "m1"):
        assert boosted[doc_id] == pytest.approx(3.0 * plain[doc_id], rel=1e-5)
    assert list(boosted.values()) == sorted(boosted.values(), reverse=True)
    assert id_list(response) != list(plain)


def test_aliases(two_indices: Elasticsearch) -> None:
    es = two_indices
    es.indices.put_alias(index=INDEX, name="everything")
    es.indices.put_alias(index="more", name="everything")
    es.indices.put_alias(index=INDEX, name="drinks", filter={"term": {"category": "drink"}})
    response = es.search(index="everything", size=20)
    assert response["hits"]["total"]["value"] == len(DOCS) + 2
    assert {h["_index"] for h in hits_of(response)} == {INDEX, "more"}
    response = es.search(index="drinks")
    assert sorted(id_list(response)) == sorted(
        i for i, d in DOCS.items() if d["category"] == "drink"
    )
    # An alias filter filters: match_all still scores 1.
    assert {h["_score"] for h in hits_of(response)} == {1.0}
    assert {h["_index"] for h in hits_of(response)} == {INDEX}
    response = es.search(index="drinks", query={"match": {"title": "apple"}})
    assert id_list(response) == ["7"]
    assert es.count(index="drinks")["count"] == 2


def test_index_field_queries(two_indices: Elasticsearch) -> None:
    response = two_indices.search(index="shop,more", query={"term": {"_index": "more"}})
    assert sorted(id_list(response)) == ["m1", "m2"]
    response = two_indices.search(index="shop,more", query={"terms": {"_index": ["shop"]}}, size=0)
    assert response["hits"]["total"]["value"] == len(DOCS)
    query = {
        "bool": {
            "must": [{"match": {"title": "apple"}}],
            "must_not": [{"term": {"_index": "shop"}}],
        }
    }
    assert id_list(two_indices.search(index="shop,more", query=query)) == ["m1"]


# Highlighting

LONG_TEXT = (
    "The needle is the first word we look for in this long text. Then comes a long stretch of "
    "words without it, padding and more padding, sentences about nothing in particular, until "
    "the needle appears a second time somewhere in the middle. Again a long stretch follows "
    "with filler words, more filler, and still more filler before the end, where the needle "
    "shows up for the third and last time."
)


def test_highlight_wraps_matched_terms_in_em(any_shop: Elasticsearch) -> None:
    response = any_shop.search(
        index=INDEX, query={"match": {"title": "apple pie"}}, highlight={"fields": {"title": {}}}
    )
    highlights = {h["_id"]: h["highlight"] for h in hits_of(response)}
    assert highlights["3"] == {"title": ["<em>Apple</em> <em>pie</em>"]}
    assert highlights["1"] == {"title": ["Red <em>apple</em>"]}


def test_highlight_custom_tags(shop: Elasticsearch) -> None:
    response = shop.search(
        index=INDEX,
        query={"match": {"body": "cinnamon"}},
        highlight={"pre_tags": ["<b>"], "post_tags": ["</b>"], "fields": {"body": {}}},
    )
    assert hits_of(response)[0]["highlight"] == {
        "body": ["Pie made with green apple and <b>cinnamon</b>"]
    }


def test_highlight_fragments(shop: Elasticsearch) -> None:
    shop.index(index=INDEX, id="long", document={"body": LONG_TEXT, "sku": "L"}, refresh=True)
    query = {"match": {"body": "needle"}}

    def fragments(**options: Any) -> list[str]:
        response = shop.search(index=INDEX, query=query, highlight={"fields": {"body": options}})
        (hit,) = hits_of(response)
        return hit["highlight"]["body"]

    got = fragments(fragment_size=40, number_of_fragments=2)
    assert len(got) == 2
    for fragment in got:
        assert "<em>needle</em>" in fragment
        assert len(fragment.replace("<em>", "").replace("</em>", "")) < 100
    got = fragments(fragment_size=40, number_of_fragments=3)
    assert len(got) == 3
    # number_of_fragments 0: the whole text, every match highlighted.
    assert fragments(number_of_fragments=0) == [LONG_TEXT.replace("needle", "<em>needle</em>")]


def test_highlight_phrase_terms(shop: Elasticsearch) -> None:
    response = shop.search(
        index=INDEX,
        query={"match_phrase": {"body": "green apple"}},
        highlight={"fields": {"body": {}}},
    )
    highlights = {h["_id"]: h["highlight"]["body"][0] for h in hits_of(response)}
    assert set(highlights) == {"2", "3"}
    assert "<em>green</em> <em>apple</em>" in highlights["2"]
    assert "<em>green</em> <em>apple</em>" in highlights["3"]


def test_highlight_phrases_only_where_they_match(shop: Elasticsearch) -> None:
    text = "green apple and apple green, then green small apple"
    shop.index(index=INDEX, id="p", document={"body": text, "sku": "P"}, refresh=True)

    def highlighted(query: dict[str, Any]) -> str:
        response = shop.search(
            index=INDEX,
            query={"bool": {"must": [query], "filter": [{"ids": {"values": ["p"]}}]}},
            highlight={"fields": {"body": {}}},
        )
        return hits_of(response)[0]["highlight"]["body"][0]

    assert highlighted({"match_phrase": {"body": "green apple"}}) == (
        "<em>green</em> <em>apple</em> and apple green, then green small apple"
    )
    # Slop 1 reaches "green small apple", not the swapped "apple green" (that takes 2).
    assert highlighted({"match_phrase": {"body": {"query": "green apple", "slop": 1}}}) == (
        "<em>green</em> <em>apple</em> and apple green, then <em>green</em> small <em>apple</em>"
    )
    assert highlighted({"match_phrase": {"body": {"query": "green apple", "slop": 2}}}) == (
        text.replace("green", "<em>green</em>").replace("apple", "<em>apple</em>")
    )
    assert highlighted({"match_phrase_prefix": {"body": "green app"}}) == (
        "<em>green</em> <em>apple</em> and apple green, then green small apple"
    )
    # Terms of a match query are highlighted wherever they are.
    assert highlighted({"match": {"body": "small"}}) == (
        "green apple and apple green, then green <em>small</em> apple"
    )


def test_highlight_keyword_fuzzy_and_pattern_matches(shop: Elasticsearch) -> None:
    def highlight_of(query: dict[str, Any], field: str) -> dict[str, list[str]]:
        response = shop.search(index=INDEX, query=query, highlight={"fields": {field: {}}})
        return {h["_id"]: h["highlight"][field] for h in hits_of(response) if "highlight" in h}

    assert highlight_of({"term": {"category": "drink"}}, "category") == {
        "6": ["<em>drink</em>"],
        "7": ["<em>drink</em>"],
    }
    assert highlight_of({"match": {"title": {"query": "jm", "fuzziness": 1}}}, "title") == {
        "5": ["Cherry <em>jam</em>"]
    }
    assert highlight_of({"wildcard": {"title": "ch*y"}}, "title") == {"5": ["<em>Cherry</em> jam"]}
    assert highlight_of({"prefix": {"title": "bana"}}, "title") == {"4": ["<em>Banana</em> bread"]}
    assert highlight_of({"regexp": {"title": "j.m"}}, "title") == {"5": ["Cherry <em>jam</em>"]}


def test_highlight_require_field_match(shop: Elasticsearch) -> None:
    query = {"match": {"title": "cider"}}
    fields = {"title": {}, "body": {}}
    response = shop.search(index=INDEX, query=query, highlight={"fields": fields})
    assert hits_of(response)[0]["highlight"] == {"title": ["Apple <em>cider</em>"]}
    response = shop.search(
        index=INDEX, query=query, highlight={"fields": fields, "require_field_match": False}
    )
    assert hits_of(response)[0]["highlight"] == {
        "title": ["Apple <em>cider</em>"],
        "body": ["Sparkling apple <em>cider</em> from red apples"],
    }


# count, msearch


def test_count(any_shop: Elasticsearch) -> None:
    assert any_shop.count(index=INDEX)["count"] == len(DOCS)
    assert any_shop.count(index=INDEX, query={"term": {"category": "bakery"}})["count"] == sum(
        1 for d in DOCS.values() if d["category"] == "bakery"
    )
    assert any_shop.count(index=INDEX, q="category:fruit")["count"] == 2
    assert any_shop.count(index=INDEX, q="apple", df="title")["count"] == 4
    assert any_shop.count(index=INDEX, query={"range": {"price": {"gte": 5}}})["count"] == sum(
        1 for d in DOCS.values() if d.get("price", 0) >= 5
    )
    with pytest.raises(BadRequestError):
        any_shop.count(index=INDEX, query={"function_score": {}})


def test_msearch_answers_each_search_and_reports_failures(any_shop: Elasticsearch) -> None:
    response = any_shop.msearch(
        searches=[
            {"index": INDEX},
            {"query": {"term": {"category": "drink"}}, "sort": ["sku"]},
            {"index": "missing-index"},
            {"query": {"match_all": {}}},
            {"index": INDEX},
            {"query": {"no_such_query": {}}},
            {"index": INDEX},
            {"size": 0, "track_total_hits": True},
        ]
    )
    first, missing, malformed, last = response["responses"]
    assert first["status"] == 200
    assert id_list(first) == ["6", "7"]
    assert missing["status"] == 404
    assert missing["error"]["type"] == "index_not_found_exception"
    assert malformed["status"] == 400
    assert malformed["error"]["type"] == "parsing_exception"
    assert last["status"] == 200
    assert last["hits"]["total"] == {"value": len(DOCS), "relation": "eq"}


def test_the_source_parameter_carries_the_body(any_es: Elasticsearch) -> None:
    """For clients that cannot send a body with GET (the memcached transport)."""
    any_es.index(index="notes", id="1", document={"text": "snow"}, refresh=True)
    any_es.index(index="notes", id="2", document={"text": "rain"}, refresh=True)
    query = json.dumps({"query": {"match": {"text": "snow"}}})
    response = any_es.perform_request(
        "GET",
        "/notes/_search",
        params={"source": query, "source_content_type": "application/json"},
        headers={"accept": "application/json"},
    )
    assert [hit["_id"] for hit in response["hits"]["hits"]] == ["1"]
    with pytest.raises(BadRequestError, match="source_content_type"):
        any_es.perform_request(
            "GET",
            "/notes/_search",
            params={"source": query},
            headers={"accept": "application/json"},
        )
