"""Nested objects as Elasticsearch has them: each one a hidden document of its own, which the
``nested`` query (conditions on one object, ``score_mode``), ``inner_hits`` and the ``nested``
and ``reverse_nested`` aggregations read, and which hits, ``_count`` and ``get`` never show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from djangoes_engine import Engine
from djangoes_engine.server import start_in_thread

from .servers import kill, serve

MAPPINGS = {
    "properties": {
        "title": {"type": "keyword"},
        "comments": {
            "type": "nested",
            "properties": {
                "author": {"type": "keyword"},
                "stars": {"type": "integer"},
                "text": {"type": "text"},
                "history": {
                    "type": "nested",
                    "properties": {"diff": {"type": "keyword"}, "n": {"type": "integer"}},
                },
            },
        },
    }
}

POSTS = {
    "1": {
        "title": "one",
        "comments": [
            {"author": "ann", "stars": 1, "text": "nice post", "history": [{"diff": "a", "n": 1}]},
            {"author": "bob", "stars": 5, "text": "bad post"},
        ],
    },
    "2": {
        "title": "two",
        "comments": [
            {
                "author": "ann",
                "stars": 5,
                "text": "nice nice",
                "history": [{"diff": "a", "n": 2}, {"diff": "b", "n": 1}],
            }
        ],
    },
    "3": {"title": "three"},
}


@pytest.fixture
def posts(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="posts", mappings=MAPPINGS)
    for doc_id, post in POSTS.items():
        any_es.index(index="posts", id=doc_id, document=post)
    any_es.indices.refresh(index="posts")
    return any_es


def ids(found: Any) -> list[str]:
    return sorted(hit["_id"] for hit in found["hits"]["hits"])


def nested(path: str, query: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"nested": {"path": path, "query": query, **options}}


def test_conditions_hold_on_one_object(posts: Elasticsearch) -> None:
    both = {
        "bool": {"must": [{"term": {"comments.author": "ann"}}, {"term": {"comments.stars": 5}}]}
    }
    assert ids(posts.search(index="posts", query=nested("comments", both))) == ["2"]
    negated = {"bool": {"must_not": {"term": {"comments.author": "ann"}}}}
    assert ids(posts.search(index="posts", query=nested("comments", negated))) == ["1"]
    # Outside the nested query, the negation is of the whole document: every post but those
    # with an object by ann.
    outside = {"bool": {"must_not": nested("comments", {"term": {"comments.author": "ann"}})}}
    assert ids(posts.search(index="posts", query=outside)) == ["3"]


def test_multi_level_nested_paths(posts: Elasticsearch) -> None:
    history = {
        "bool": {
            "must": [{"term": {"comments.history.diff": "a"}}, {"term": {"comments.history.n": 1}}]
        }
    }
    inside = nested("comments", nested("comments.history", history))
    assert ids(posts.search(index="posts", query=inside)) == ["1"]
    # The inner level joins to the comment: its conditions and the comment's hold together.
    with_author = {
        "bool": {
            "must": [
                {"term": {"comments.stars": 5}},
                nested("comments.history", {"term": {"comments.history.diff": "a"}}),
            ]
        }
    }
    assert ids(posts.search(index="posts", query=nested("comments", with_author))) == ["2"]
    # A deeper path straight from the root joins to the root document.
    direct = nested("comments.history", {"term": {"comments.history.diff": "b"}})
    assert ids(posts.search(index="posts", query=direct)) == ["2"]


def _scored(stars: dict[int, float]) -> dict[str, Any]:
    """Each comment scores the boost of its stars."""
    return {
        "bool": {
            "should": [
                {"constant_score": {"filter": {"term": {"comments.stars": s}}, "boost": boost}}
                for s, boost in stars.items()
            ]
        }
    }


@pytest.mark.parametrize(
    ("mode", "score"),
    [("avg", 3.0), ("max", 4.0), ("min", 2.0), ("sum", 6.0), ("none", 0.0), (None, 3.0)],
)
def test_score_mode(posts: Elasticsearch, mode: str | None, score: float) -> None:
    options = {} if mode is None else {"score_mode": mode}
    query = nested("comments", _scored({1: 2.0, 5: 4.0}), **options)
    found = posts.search(
        index="posts", query={"bool": {"must": query, "filter": {"ids": {"values": ["1"]}}}}
    )
    assert found["hits"]["hits"][0]["_score"] == score


def test_boost_multiplies_the_joined_score(posts: Elasticsearch) -> None:
    query = nested("comments", _scored({1: 2.0, 5: 4.0}), score_mode="max", boost=2)
    found = posts.search(index="posts", query=query)
    assert {hit["_id"]: hit["_score"] for hit in found["hits"]["hits"]} == {"1": 8.0, "2": 8.0}


def test_an_unknown_score_mode_is_refused(posts: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        posts.search(index="posts", query=nested("comments", {"match_all": {}}, score_mode="x"))
    assert "No score mode for child query [x] found" in str(exc.value)


def test_ignore_unmapped(posts: Elasticsearch) -> None:
    query = nested("nowhere", {"match_all": {}}, ignore_unmapped=True)
    assert posts.search(index="posts", query=query)["hits"]["total"]["value"] == 0
    with pytest.raises(BadRequestError):
        posts.search(index="posts", query=nested("nowhere", {"match_all": {}}))


def test_nested_documents_are_hidden_from_hits_count_and_get(posts: Elasticsearch) -> None:
    assert posts.count(index="posts")["count"] == 3
    assert posts.search(index="posts")["hits"]["total"]["value"] == 3
    assert posts.get(index="posts", id="2")["_source"] == POSTS["2"]
    # Elasticsearch's docs.count counts Lucene documents: 3 posts, 3 comments, 3 histories.
    row = posts.cat.indices(index="posts", format="json", h="docs.count")
    assert row[0]["docs.count"] == "9"
    assert posts.indices.stats(index="posts")["_all"]["primaries"]["docs"]["count"] == 9
    # ... where _cat/count counts documents, as _count does.
    assert posts.cat.count(index="posts", format="json")[0]["count"] == "3"


def test_updates_and_deletes_replace_the_nested_objects(posts: Elasticsearch) -> None:
    by_bob = nested("comments", {"term": {"comments.author": "bob"}})
    posts.index(index="posts", id="1", document={"title": "one", "comments": []}, refresh=True)
    assert ids(posts.search(index="posts", query=by_bob)) == []
    posts.update(index="posts", id="3", doc={"comments": [{"author": "bob"}]}, refresh=True)
    assert ids(posts.search(index="posts", query=by_bob)) == ["3"]
    posts.delete(index="posts", id="3", refresh=True)
    assert ids(posts.search(index="posts", query=by_bob)) == []
    row = posts.cat.indices(index="posts", format="json", h="docs.count")
    assert row[0]["docs.count"] == "5"  # post 2, its comment and two histories, post 1


# inner_hits


def test_inner_hits_shape(posts: Elasticsearch) -> None:
    query = nested("comments", {"match": {"comments.text": "bad"}}, inner_hits={})
    found = posts.search(index="posts", query=query)
    (hit,) = found["hits"]["hits"]
    inner = hit["inner_hits"]["comments"]["hits"]
    assert inner["total"] == {"value": 1, "relation": "eq"}
    (comment,) = inner["hits"]
    assert list(comment) == ["_index", "_id", "_nested", "_score", "_source"]
    assert comment["_index"] == "posts"
    assert comment["_id"] == "1"
    assert comment["_nested"] == {"field": "comments", "offset": 1}
    assert comment["_source"] == POSTS["1"]["comments"][1]
    assert comment["_score"] == inner["max_score"] == hit["_score"]
    assert list(hit)[-1] == "inner_hits"


def test_inner_hits_of_a_hit_whose_nested_clause_did_not_match(posts: Elasticsearch) -> None:
    query = {
        "bool": {
            "should": [
                {"term": {"title": "three"}},
                nested("comments", {"term": {"comments.author": "bob"}}, inner_hits={"name": "b"}),
            ]
        }
    }
    found = posts.search(index="posts", query=query)
    inner = {hit["_id"]: hit["inner_hits"]["b"]["hits"] for hit in found["hits"]["hits"]}
    assert inner["3"] == {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}
    assert inner["1"]["total"]["value"] == 1


def test_inner_hits_options(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="posts", mappings=MAPPINGS)
    comments = [{"author": f"a{n}", "stars": n} for n in range(5)]
    any_es.index(index="posts", id="1", document={"comments": comments}, refresh=True)
    query = nested("comments", {"match_all": {}}, inner_hits={})
    inner = any_es.search(index="posts", query=query)["hits"]["hits"][0]["inner_hits"]
    hits = inner["comments"]["hits"]
    assert hits["total"]["value"] == 5
    assert len(hits["hits"]) == 3  # the default size
    options = {
        "sort": [{"comments.stars": "desc"}],
        "from": 1,
        "size": 2,
        "_source": ["comments.author"],
        "version": True,
        "name": "top",
    }
    query = nested("comments", {"match_all": {}}, inner_hits=options)
    hits = any_es.search(index="posts", query=query)["hits"]["hits"][0]["inner_hits"]["top"]["hits"]
    assert hits["max_score"] is None
    assert [(h["_source"], h["sort"], h["_score"], h["_version"]) for h in hits["hits"]] == [
        ({"author": "a3"}, [3], None, 1),
        ({"author": "a2"}, [2], None, 1),
    ]
    assert [h["_nested"]["offset"] for h in hits["hits"]] == [3, 2]


def test_inner_hits_inside_inner_hits(posts: Elasticsearch) -> None:
    history = nested("comments.history", {"term": {"comments.history.diff": "b"}}, inner_hits={})
    query = nested("comments", history, inner_hits={})
    (hit,) = posts.search(index="posts", query=query)["hits"]["hits"]
    (comment,) = hit["inner_hits"]["comments"]["hits"]["hits"]
    assert comment["_nested"] == {"field": "comments", "offset": 0}
    (change,) = comment["inner_hits"]["comments.history"]["hits"]["hits"]
    assert change["_nested"] == {
        "field": "comments",
        "offset": 0,
        "_nested": {"field": "history", "offset": 1},
    }
    assert change["_source"] == {"diff": "b", "n": 1}


def test_inner_hits_errors(posts: Elasticsearch) -> None:
    twice = {
        "bool": {
            "should": [
                nested("comments", {"match_all": {}}, inner_hits={}),
                nested("comments", {"match_all": {}}, inner_hits={}),
            ]
        }
    }
    with pytest.raises(BadRequestError) as exc:
        posts.search(index="posts", query=twice)
    assert "[inner_hits] already contains an entry for key [comments]" in str(exc.value)
    with pytest.raises(BadRequestError) as exc:
        posts.search(
            index="posts", query=nested("comments", {"match_all": {}}, inner_hits={"size": 101})
        )
    assert (
        "Inner result window is too large, the inner hit definition's [comments]'s from + size "
        "must be less than or equal to: [100] but was [101]"
    ) in str(exc.value.body)


# aggregations


def test_nested_aggregation(posts: Elasticsearch) -> None:
    aggs = {
        "c": {
            "nested": {"path": "comments"},
            "aggs": {
                "authors": {"terms": {"field": "comments.author"}},
                "stars": {"sum": {"field": "comments.stars"}},
                "h": {"nested": {"path": "comments.history"}},
            },
        }
    }
    found = posts.search(index="posts", size=0, aggs=aggs)["aggregations"]["c"]
    assert found["doc_count"] == 3
    assert [(b["key"], b["doc_count"]) for b in found["authors"]["buckets"]] == [
        ("ann", 2),
        ("bob", 1),
    ]
    assert found["stars"]["value"] == 11
    assert found["h"] == {"doc_count": 3}
    # Only the objects of the documents the query matches.
    one = posts.search(index="posts", size=0, query={"term": {"title": "one"}}, aggs=aggs)
    assert one["aggregations"]["c"]["doc_count"] == 2


def test_reverse_nested_counts_each_document_once(posts: Elasticsearch) -> None:
    aggs = {
        "c": {
            "nested": {"path": "comments"},
            "aggs": {
                "authors": {
                    "terms": {"field": "comments.author"},
                    "aggs": {
                        "posts": {
                            "reverse_nested": {},
                            "aggs": {"titles": {"terms": {"field": "title"}}},
                        }
                    },
                }
            },
        }
    }
    buckets = posts.search(index="posts", size=0, aggs=aggs)["aggregations"]["c"]["authors"]
    ann = buckets["buckets"][0]
    assert ann["posts"]["doc_count"] == 2
    assert [b["key"] for b in ann["posts"]["titles"]["buckets"]] == ["one", "two"]
    to_comments = {
        "h": {
            "nested": {"path": "comments.history"},
            "aggs": {"back": {"reverse_nested": {"path": "comments"}}},
        }
    }
    found = posts.search(index="posts", size=0, aggs=to_comments)["aggregations"]["h"]
    assert found == {"doc_count": 3, "back": {"doc_count": 2}}


def test_top_hits_under_nested(posts: Elasticsearch) -> None:
    aggs = {
        "c": {
            "nested": {"path": "comments"},
            "aggs": {"top": {"top_hits": {"size": 1, "sort": [{"comments.stars": "asc"}]}}},
        }
    }
    found = posts.search(index="posts", size=0, aggs=aggs)["aggregations"]["c"]["top"]["hits"]
    assert found["total"] == {"value": 3, "relation": "eq"}
    (hit,) = found["hits"]
    assert hit["_id"] == "1"
    assert hit["_nested"] == {"field": "comments", "offset": 0}
    assert hit["_source"]["author"] == "ann"


def test_nested_aggregation_errors_and_unmapped_paths(posts: Elasticsearch) -> None:
    unmapped = {
        "x": {"nested": {"path": "nowhere"}, "aggs": {"n": {"value_count": {"field": "a"}}}}
    }
    found = posts.search(index="posts", size=0, aggs=unmapped)["aggregations"]
    assert found == {"x": {"doc_count": 0, "n": {"value": 0}}}
    with pytest.raises(BadRequestError) as exc:
        posts.search(index="posts", size=0, aggs={"x": {"nested": {}}})
    assert "Missing [path] field for nested aggregation [x]" in str(exc.value)
    with pytest.raises(BadRequestError) as exc:
        posts.search(index="posts", size=0, aggs={"r": {"reverse_nested": {}}})
    assert "Reverse nested aggregation [r] can only be used inside a [nested] aggregation" in str(
        exc.value.body
    )


# durability


def test_nested_objects_survive_a_restart(tmp_path: Path) -> None:
    engine = Engine(str(tmp_path), refresh_thread=False)
    server = start_in_thread(engine.handle, "127.0.0.1", 0)
    es = Elasticsearch(server.url)
    es.indices.create(index="posts", mappings=MAPPINGS)
    es.index(index="posts", id="1", document=POSTS["1"], refresh=True)
    es.index(index="posts", id="2", document=POSTS["2"])  # not refreshed: committed on close
    es.close()
    server.stop()
    engine.close()
    engine = Engine(str(tmp_path), refresh_thread=False)
    server = start_in_thread(engine.handle, "127.0.0.1", 0)
    es = Elasticsearch(server.url)
    try:
        query = nested("comments", {"term": {"comments.author": "ann"}}, inner_hits={})
        found = es.search(index="posts", query=query)
        assert ids(found) == ["1", "2"]
        assert es.cat.indices(index="posts", format="json", h="docs.count")[0]["docs.count"] == "8"
    finally:
        es.close()
        server.stop()
        engine.close()


@pytest.mark.slow
def test_acknowledged_nested_objects_survive_sigkill(tmp_path: Path) -> None:
    process, url = serve(tmp_path)
    es = Elasticsearch(url)
    try:
        es.indices.create(index="posts", settings={"refresh_interval": "-1"}, mappings=MAPPINGS)
        es.index(index="posts", id="1", document=POSTS["1"], refresh=True)
        es.index(index="posts", id="2", document=POSTS["2"])
        es.index(index="posts", id="1", document={"title": "one", "comments": [{"author": "zed"}]})
    finally:
        es.close()
        kill(process)
    process, url = serve(tmp_path)
    es = Elasticsearch(url)
    try:
        es.indices.refresh(index="posts")
        by = lambda author: nested("comments", {"term": {"comments.author": author}})  # noqa: E731
        assert ids(es.search(index="posts", query=by("ann"))) == ["2"]
        assert ids(es.search(index="posts", query=by("zed"))) == ["1"]
        assert es.cat.indices(index="posts", format="json", h="docs.count")[0]["docs.count"] == "6"
    finally:
        es.close()
        kill(process)


# the root documents do not hold their nested objects' values


def test_root_queries_and_aggregations_do_not_see_nested_values(posts: Elasticsearch) -> None:
    """Elasticsearch indexes a nested object's fields in its hidden document only: outside a
    ``nested`` query or aggregation they match and count nothing."""
    assert (
        posts.search(index="posts", query={"term": {"comments.author": "ann"}})["hits"]["total"][
            "value"
        ]
        == 0
    )
    assert posts.count(index="posts", query={"exists": {"field": "comments.author"}})["count"] == 0
    found = posts.search(index="posts", size=0, aggs={"a": {"terms": {"field": "comments.author"}}})
    assert found["aggregations"]["a"]["buckets"] == []


def test_include_in_root_and_include_in_parent_copy_values_up(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="p",
        mappings={
            "properties": {
                "a": {"type": "nested", "include_in_root": True},
                "b": {
                    "type": "nested",
                    "include_in_parent": True,
                    "properties": {"c": {"type": "nested", "include_in_parent": True}},
                },
            }
        },
    )
    any_es.index(index="p", id="1", document={"a": [{"x": 1}], "b": [{"c": [{"y": 2}]}]})
    any_es.indices.refresh(index="p")
    for field, value in (("a.x", 1), ("b.c.y", 2)):
        assert any_es.count(index="p", query={"term": {field: value}})["count"] == 1
    in_b = nested("b", {"term": {"b.c.y": 2}})
    assert any_es.count(index="p", query=in_b)["count"] == 1


def test_sort_by_nested_objects(posts: Elasticsearch) -> None:
    def order(sort: dict[str, Any]) -> list[tuple[str, Any]]:
        found = posts.search(
            index="posts", sort=[{"comments.stars": sort}], query={"exists": {"field": "title"}}
        )
        return [(hit["_id"], hit["sort"][0]) for hit in found["hits"]["hits"]]

    by_comments = {"path": "comments"}
    assert order({"order": "asc", "nested": by_comments}) == [("1", 1), ("2", 5), ("3", 2**63 - 1)]
    assert sorted(order({"order": "desc", "nested": by_comments})[:2]) == [("1", 5), ("2", 5)]
    by_bob = {"path": "comments", "filter": {"term": {"comments.author": "bob"}}}
    assert order({"order": "asc", "nested": by_bob})[0] == ("1", 5)  # 2 and 3: none by bob


@pytest.mark.parametrize(
    ("sort", "reason"),
    [
        (
            {"comments.stars": "asc"},
            "it is mandatory to set the [nested] context on the nested sort field: "
            "[comments.stars].",
        ),
        (
            {"comments.stars": {"nested": {"path": "title"}}},
            "[nested] failed to find nested object under path [title]",
        ),
        (
            {"comments.stars": {"nested": {"path": "nope"}}},
            "[nested] failed to find nested object under path [nope]",
        ),
        (
            {"comments.stars": {"nested": {"path": "comments", "max_children": 1}}},
            "[max_children] in a nested sort is not supported by the djangoes embedded engine",
        ),
    ],
)
def test_sort_on_nested_fields_errors(posts: Elasticsearch, sort: dict, reason: str) -> None:
    with pytest.raises(BadRequestError) as exc:
        posts.search(index="posts", sort=[sort])
    assert exc.value.body["error"]["root_cause"][0]["reason"] == reason


# sorts through several nested levels (``nested`` inside ``nested``)

LONG_MAX, LONG_MIN = 2**63 - 1, -(2**63)
HISTORY = {"path": "comments", "nested": {"path": "comments.history"}}
CITY = {
    "path": "continent",
    "nested": {"path": "continent.country", "nested": {"path": "continent.country.city"}},
}
PLACES_MAPPINGS = {
    "properties": {
        "continent": {
            "type": "nested",
            "properties": {
                "name": {"type": "keyword"},
                "country": {
                    "type": "nested",
                    "properties": {
                        "name": {"type": "keyword"},
                        "city": {
                            "type": "nested",
                            "properties": {
                                "name": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
                                "population": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        }
    }
}
PLACES = {
    "europe": {
        "continent": {
            "name": "Europe",
            "country": [
                {
                    "name": "France",
                    "city": [
                        {"name": "Paris", "population": 2100},
                        {"name": "Lyon", "population": 500},
                    ],
                },
                {"name": "Italy", "city": [{"name": "Rome", "population": 2800}]},
            ],
        }
    },
    "asia": {
        "continent": {
            "name": "Asia",
            "country": {
                "name": "Japan",
                "city": [
                    {"name": "Tokyo", "population": 14000},
                    {"name": "Osaka", "population": 2700},
                ],
            },
        }
    },
    "oceania": {"continent": {"name": "Oceania", "country": {"name": "Nauru"}}},
}


@pytest.fixture
def places(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="places", mappings=PLACES_MAPPINGS)
    for doc_id, place in PLACES.items():
        any_es.index(index="places", id=doc_id, document=place)
    any_es.indices.refresh(index="places")
    return any_es


def sorted_by(es: Elasticsearch, index: str, field: str, **options: Any) -> list[tuple]:
    """The hits' ids and sort values for a sort on one field."""
    found = es.search(index=index, sort=[{field: options}])
    return [(hit["_id"], *hit["sort"]) for hit in found["hits"]["hits"]]


def test_sort_through_two_nested_levels(posts: Elasticsearch) -> None:
    """A post sorts by the history entries of all its comments: min ascending, max
    descending; a post without any sorts last."""
    assert sorted_by(posts, "posts", "comments.history.n", nested=HISTORY) == [
        ("1", 1),
        ("2", 1),
        ("3", LONG_MAX),
    ]
    assert sorted_by(posts, "posts", "comments.history.n", order="desc", nested=HISTORY) == [
        ("2", 2),
        ("1", 1),
        ("3", LONG_MIN),
    ]
    assert sorted_by(posts, "posts", "comments.history.diff", order="desc", nested=HISTORY) == [
        ("2", "b"),
        ("1", "a"),
        ("3", None),
    ]
    by_b = {
        "path": "comments",
        "nested": {"path": "comments.history", "filter": {"term": {"comments.history.diff": "b"}}},
    }
    assert sorted_by(posts, "posts", "comments.history.n", nested=by_b) == [
        ("2", 1),
        ("1", LONG_MAX),
        ("3", LONG_MAX),
    ]


def test_sort_through_three_nested_levels(places: Elasticsearch) -> None:
    """django-elasticsearch-dsl-drf's sort on a keyword sub-field three levels down."""
    assert sorted_by(places, "places", "continent.country.city.name.raw", nested=CITY) == [
        ("europe", "Lyon"),
        ("asia", "Osaka"),
        ("oceania", None),
    ]
    assert sorted_by(
        places, "places", "continent.country.city.name.raw", order="desc", nested=CITY
    ) == [("asia", "Tokyo"), ("europe", "Rome"), ("oceania", None)]
    assert sorted_by(places, "places", "continent.country.city.population", nested=CITY) == [
        ("europe", 500),
        ("asia", 2700),
        ("oceania", LONG_MAX),
    ]


def test_multi_level_sort_modes(places: Elasticsearch) -> None:
    """``mode`` picks among the cities of every country of a document."""
    population = "continent.country.city.population"
    assert sorted_by(places, "places", population, order="desc", mode="max", nested=CITY) == [
        ("asia", 14000),
        ("europe", 2800),
        ("oceania", LONG_MIN),
    ]
    assert sorted_by(places, "places", population, order="asc", mode="max", nested=CITY) == [
        ("europe", 2800),
        ("asia", 14000),
        ("oceania", LONG_MAX),
    ]
    assert sorted_by(places, "places", population, mode="sum", nested=CITY) == [
        ("europe", 5400),
        ("asia", 16700),
        ("oceania", LONG_MAX),
    ]


def test_multi_level_sort_filters_each_level(places: Elasticsearch) -> None:
    """A level's ``filter`` keeps its objects, and with them only the objects inside them."""
    in_italy = {
        "path": "continent",
        "nested": {
            "path": "continent.country",
            "filter": {"term": {"continent.country.name": "Italy"}},
            "nested": {"path": "continent.country.city"},
        },
    }
    population = "continent.country.city.population"
    assert sorted_by(places, "places", population, nested=in_italy) == [
        ("europe", 2800),
        ("asia", LONG_MAX),
        ("oceania", LONG_MAX),
    ]
    big_cities = {
        "path": "continent",
        "nested": {
            "path": "continent.country",
            "nested": {
                "path": "continent.country.city",
                "filter": {"range": {"continent.country.city.population": {"gte": 2500}}},
            },
        },
    }
    assert sorted_by(places, "places", "continent.country.city.name.raw", nested=big_cities) == [
        ("asia", "Osaka"),
        ("europe", "Rome"),
        ("oceania", None),
    ]


def test_multi_level_sort_missing(places: Elasticsearch) -> None:
    """A document with no object at the innermost level takes ``missing``."""
    population = "continent.country.city.population"
    assert sorted_by(places, "places", population, missing=0, nested=CITY) == [
        ("oceania", 0),
        ("europe", 500),
        ("asia", 2700),
    ]
    assert sorted_by(
        places, "places", "continent.country.city.name.raw", missing="_first", nested=CITY
    ) == [("oceania", None), ("europe", "Lyon"), ("asia", "Osaka")]
    assert sorted_by(
        places, "places", "continent.country.city.name.raw", missing="Zurich", nested=CITY
    ) == [("europe", "Lyon"), ("asia", "Osaka"), ("oceania", "Zurich")]


def test_nested_sort_reads_only_the_innermost_objects_fields(posts: Elasticsearch) -> None:
    """Elasticsearch reads the values of the innermost level's hidden documents, which hold
    neither their enclosing objects' fields nor deeper objects': the sort finds no value (it
    does not fail). A level without ``path`` drops the nesting: the root's values, none here."""
    shallower = sorted_by(posts, "posts", "comments.stars", nested=HISTORY)
    assert [value for _, value in shallower] == [LONG_MAX] * 3
    deeper = sorted_by(posts, "posts", "comments.history.diff", nested={"path": "comments"})
    assert [value for _, value in deeper] == [None] * 3
    pathless = sorted_by(
        posts, "posts", "comments.stars", nested={"path": "comments", "nested": {}}
    )
    assert [value for _, value in pathless] == [LONG_MAX] * 3


@pytest.mark.parametrize(
    ("nested_sort", "kind", "reason"),
    [
        (
            {"path": "comments", "nested": {"path": "comments.history", "max_children": 1}},
            "query_shard_exception",
            "max_children is only supported on top level of nested sort",
        ),
        (
            {"path": "comments", "nested": {"path": "comments.nope"}},
            "query_shard_exception",
            "[nested] failed to find nested object under path [comments.nope]",
        ),
        (
            {"path": "comments", "nested": {"path": "title"}},
            "query_shard_exception",
            "[nested] failed to find nested object under path [title]",
        ),
        (
            {"path": "comments.history", "nested": {"path": "comments"}},
            "illegal_argument_exception",
            "the nested sort path [comments] outside the path [comments.history] above it is not "
            "supported by the djangoes embedded engine",
        ),
    ],
    ids=["inner max_children", "unmapped path", "not an object", "not inside the outer path"],
)
def test_multi_level_nested_sort_errors(
    posts: Elasticsearch, nested_sort: dict, kind: str, reason: str
) -> None:
    with pytest.raises(BadRequestError) as exc:
        posts.search(index="posts", sort=[{"comments.history.n": {"nested": nested_sort}}])
    (cause,) = exc.value.body["error"]["root_cause"]
    assert (cause["type"], cause["reason"]) == (kind, reason)


def test_fields_of_nested_objects_are_grouped_per_object(posts: Elasticsearch) -> None:
    """Elasticsearch's ``fields`` groups the values of nested objects under their path, one
    entry per object that has some, nested levels inside."""
    found = posts.search(
        index="posts",
        query={"ids": {"values": ["1"]}},
        fields=["title", "comments.author", "comments.history.n"],
        source=False,
    )
    assert found["hits"]["hits"][0]["fields"] == {
        "title": ["one"],
        "comments": [{"author": ["ann"], "history": [{"n": [1]}]}, {"author": ["bob"]}],
    }
    # Doc values are the hidden documents': the root has none of them.
    found = posts.search(
        index="posts", query={"ids": {"values": ["1"]}}, docvalue_fields=["comments.stars"]
    )
    assert "fields" not in found["hits"]["hits"][0]


def test_named_queries_inside_a_nested_query_are_not_the_hits(posts: Elasticsearch) -> None:
    inner = {"term": {"comments.author": {"value": "bob", "_name": "bob"}}}
    query = {"bool": {"should": [nested("comments", inner, _name="outer")]}}
    (hit,) = posts.search(index="posts", query=query)["hits"]["hits"]
    assert hit["matched_queries"] == ["outer"]


@pytest.fixture
def readings(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="readings",
        mappings={
            "properties": {"o": {"type": "nested", "properties": {"n": {"type": "integer"}}}}
        },
    )
    any_es.index(index="readings", id="1", document={"o": [{"n": [1, 2, 3]}, {"n": 10}]})
    any_es.index(index="readings", id="2", document={"o": [{"n": 5}]})
    any_es.index(index="readings", id="3", document={"o": [{"n": [4, 30]}, {"n": 6}]}, refresh=True)
    return any_es


def test_a_nested_avg_weighs_every_value_not_every_object(readings: Elasticsearch) -> None:
    """Elasticsearch's MultiValueMode averages a root's children's values together: post 1 is
    (1 + 2 + 3 + 10) / 4 = 4, not the average of its objects' averages (2 and 10: 6)."""
    nested = {"path": "o"}
    assert sorted_by(readings, "readings", "o.n", mode="avg", nested=nested) == [
        ("1", 4),
        ("2", 5),
        ("3", 13),
    ]
    assert sorted_by(readings, "readings", "o.n", mode="sum", nested=nested) == [
        ("2", 5),
        ("1", 16),
        ("3", 40),
    ]


def test_a_nested_sort_reads_every_value_of_an_object(readings: Elasticsearch) -> None:
    """An object holding several values: the max is among all of them (3's 30), not among
    each object's first one."""
    assert sorted_by(readings, "readings", "o.n", order="desc", nested={"path": "o"}) == [
        ("3", 30),
        ("1", 10),
        ("2", 5),
    ]


def test_a_nested_sort_has_no_median(readings: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as refused:
        readings.search(
            index="readings", sort=[{"o.n": {"mode": "median", "nested": {"path": "o"}}}]
        )
    assert refused.value.body["error"]["root_cause"][0] == {
        "type": "illegal_argument_exception",
        "reason": "Unsupported sort mode: MEDIAN",
    }
