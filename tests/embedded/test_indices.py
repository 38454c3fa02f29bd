"""Index APIs of the embedded engine through the stock elasticsearch-py 9 client.

Creation and deletion, mappings (explicit, dynamic, strict, templates), settings, aliases, stats,
cluster health, ``_cat``, analysis, and an index whose mapping keeps growing (which makes the
store rebuild itself with more slots). Expected behaviour: Elasticsearch 8/9's.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError

from djangoes_engine.index import Index


def error_of(exc: pytest.ExceptionInfo[ApiError]) -> dict[str, Any]:
    return exc.value.body["error"]


def ids(es: Elasticsearch, index: str, query: dict[str, Any] | None = None) -> list[str]:
    hits = es.search(index=index, query=query or {"match_all": {}}, size=1000)["hits"]["hits"]
    return sorted(hit["_id"] for hit in hits)


def mappings(es: Elasticsearch, index: str) -> dict[str, Any]:
    return es.indices.get_mapping(index=index)[index]["mappings"]


# Create, exists, get, delete


def test_create_with_settings_mappings_and_aliases(any_es: Elasticsearch) -> None:
    response = any_es.indices.create(
        index="books",
        settings={"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "5s"},
        mappings={"properties": {"title": {"type": "text"}, "year": {"type": "integer"}}},
        aliases={"library": {}, "recent": {"filter": {"range": {"year": {"gte": 2000}}}}},
    )
    assert response.body == {"acknowledged": True, "shards_acknowledged": True, "index": "books"}
    assert any_es.indices.exists(index="books")
    assert any_es.indices.exists(index="library")

    body = any_es.indices.get(index="books")["books"]
    assert body["mappings"] == {
        "properties": {"title": {"type": "text"}, "year": {"type": "integer"}}
    }
    assert body["aliases"] == {
        "library": {},
        "recent": {"filter": {"range": {"year": {"gte": 2000}}}},
    }
    index_settings = body["settings"]["index"]
    # Elasticsearch answers settings as strings.
    assert index_settings["number_of_shards"] == "1"
    assert index_settings["number_of_replicas"] == "0"
    assert index_settings["refresh_interval"] == "5s"
    assert index_settings["provided_name"] == "books"
    assert isinstance(index_settings["uuid"], str) and index_settings["uuid"]
    assert index_settings["creation_date"].isdigit()


def test_default_settings(es: Elasticsearch) -> None:
    es.indices.create(index="plain")
    settings = es.indices.get_settings(index="plain")["plain"]["settings"]["index"]
    assert settings["number_of_shards"] == "1"
    assert settings["number_of_replicas"] == "1"
    flat = es.indices.get_settings(index="plain", flat_settings=True)["plain"]["settings"]
    assert flat["index.number_of_shards"] == "1"
    named = es.indices.get_settings(index="plain", name="index.number_of_*")
    assert named["plain"]["settings"] == {
        "index": {"number_of_shards": "1", "number_of_replicas": "1"}
    }


def test_creating_an_existing_index_fails(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    uuid = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]["uuid"]
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="books")
    error = error_of(exc)
    assert error["type"] == "resource_already_exists_exception"
    assert error["reason"] == f"index [books/{uuid}] already exists"
    assert error["index"] == "books"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Books", "must be lowercase"),
        ("bo*ks", "must not contain the following characters"),
        ("bo/oks", "must not contain the following characters"),
        ("-books", "must not start with '_', '-', or '+'"),
        ("+books", "must not start with '_', '-', or '+'"),
        ("books#1", "must not contain '#'"),
        ("books:1", "must not contain ':'"),
        ("..", "must not be '.' or '..'"),
        ("b" * 256, "index name is too long, (256 > 255)"),
        # Several faults: the first Elasticsearch checks is reported.
        ("-Books", "must not start with '_', '-', or '+'"),
        ("Bo*ks", "must not contain the following characters"),
    ],
)
def test_invalid_index_names(es: Elasticsearch, name: str, why: str) -> None:
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index=name)
    error = error_of(exc)
    assert error["type"] == "invalid_index_name_exception"
    assert error["reason"].startswith(f"Invalid index name [{name}], ")
    assert why in error["reason"]
    assert es.indices.get(index="*") == {}


def test_an_index_name_starting_with_an_underscore_is_invalid(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="_books")
    error = error_of(exc)
    assert error["type"] == "invalid_index_name_exception"
    assert error["reason"] == "Invalid index name [_books], must not start with '_', '-', or '+'"


def test_delete_indices(any_es: Elasticsearch) -> None:
    for name in ("logs-1", "logs-2", "logs-3", "keep", "other-1", "other-2"):
        any_es.indices.create(index=name)

    assert any_es.indices.delete(index="keep").body == {"acknowledged": True}
    assert not any_es.indices.exists(index="keep")

    # This engine accepts wildcard deletes, as a cluster whose
    # action.destructive_requires_name is false does.
    any_es.indices.delete(index="logs-*")
    assert not any_es.indices.exists(index="logs-1")
    assert not any_es.indices.exists(index="logs-3")

    any_es.indices.delete(index="other-1,other-2")
    assert any_es.indices.get(index="*") == {}

    with pytest.raises(NotFoundError) as exc:
        any_es.indices.delete(index="missing")
    error = error_of(exc)
    assert error["type"] == "index_not_found_exception"
    assert error["reason"] == "no such index [missing]"

    any_es.indices.create(index="present")
    with pytest.raises(NotFoundError):
        any_es.indices.delete(index="present,missing")
    assert any_es.indices.exists(index="present")
    response = any_es.indices.delete(index="present,missing", ignore_unavailable=True)
    assert response["acknowledged"] is True
    assert not any_es.indices.exists(index="present")
    # A wildcard matching nothing is fine.
    assert any_es.indices.delete(index="nothing-*")["acknowledged"] is True


def test_delete_through_an_alias_is_refused(es: Elasticsearch) -> None:
    es.indices.create(index="books", aliases={"library": {}})
    with pytest.raises(BadRequestError) as exc:
        es.indices.delete(index="library")
    assert error_of(exc)["reason"] == (
        "The provided expression [library] matches an alias, specify the corresponding concrete "
        "indices instead."
    )
    assert es.indices.exists(index="books")


def test_get_index_with_a_wildcard_matching_nothing(any_es: Elasticsearch) -> None:
    # allow_no_indices defaults to true for the get index API; a missing name is still a 404.
    assert any_es.indices.get(index="nothing-*").body == {}
    any_es.indices.create(index="books")
    assert list(any_es.indices.get(index="books,nothing-*")) == ["books"]
    with pytest.raises(NotFoundError):
        any_es.indices.get(index="nothing")
    with pytest.raises(NotFoundError):
        any_es.indices.get(index="nothing-*", allow_no_indices=False)


def test_exists(any_es: Elasticsearch) -> None:
    assert not any_es.indices.exists(index="books")
    any_es.indices.create(index="books")
    assert any_es.indices.exists(index="books")
    assert any_es.indices.exists(index="bo*")
    assert not any_es.indices.exists(index="books,missing")


def test_a_deleted_index_can_be_created_again_empty(es: Elasticsearch) -> None:
    es.index(index="books", id="1", document={"title": "x"}, refresh=True)
    es.indices.delete(index="books")
    es.indices.create(index="books", mappings={"properties": {"title": {"type": "keyword"}}})
    assert ids(es, "books") == []
    assert mappings(es, "books") == {"properties": {"title": {"type": "keyword"}}}


# Mappings


def test_put_mapping_adds_fields_and_multi_fields(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", mappings={"properties": {"title": {"type": "text"}}})
    any_es.index(index="books", id="1", document={"title": "Old Book"}, refresh=True)

    response = any_es.indices.put_mapping(
        index="books",
        properties={
            "title": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
            "year": {"type": "integer"},
            "author": {"properties": {"name": {"type": "keyword"}}},
        },
    )
    assert response.body == {"acknowledged": True}
    assert mappings(any_es, "books") == {
        "properties": {
            "title": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
            "year": {"type": "integer"},
            "author": {"properties": {"name": {"type": "keyword"}}},
        }
    }
    field = any_es.indices.get_field_mapping(index="books", fields="title.raw")
    assert field["books"]["mappings"]["title.raw"]["mapping"] == {"raw": {"type": "keyword"}}

    any_es.index(
        index="books",
        id="2",
        document={"title": "New Book", "year": 2024, "author": {"name": "Ann"}},
        refresh=True,
    )
    assert ids(any_es, "books", {"term": {"title.raw": "New Book"}}) == ["2"]
    assert ids(any_es, "books", {"term": {"author.name": "Ann"}}) == ["2"]
    assert ids(any_es, "books", {"range": {"year": {"gte": 2000}}}) == ["2"]
    assert ids(any_es, "books", {"match": {"title": "book"}}) == ["1", "2"]


def test_put_mapping_conflicts(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="books",
        mappings={"properties": {"count": {"type": "long"}, "title": {"type": "text"}}},
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_mapping(index="books", properties={"count": {"type": "text"}})
    error = error_of(exc)
    assert error["type"] == "illegal_argument_exception"
    assert error["reason"] == "mapper [count] cannot be changed from type [long] to [text]"

    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_mapping(
            index="books", properties={"title": {"type": "text", "analyzer": "whitespace"}}
        )
    assert error_of(exc)["reason"] == (
        "Mapper for [title] conflicts with existing mapper:\n\tCannot update parameter "
        "[analyzer] from [default] to [whitespace]"
    )

    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_mapping(index="books", properties={"x": {"type": "no_such_type"}})
    error = error_of(exc)
    assert error["type"] == "mapper_parsing_exception"
    assert "No handler for type [no_such_type] declared on field [x]" in error["reason"]

    # A refused change leaves the mapping as it was, and the index usable.
    assert mappings(any_es, "books") == {
        "properties": {"count": {"type": "long"}, "title": {"type": "text"}}
    }
    any_es.index(index="books", id="1", document={"count": 1, "title": "ok"}, refresh=True)
    assert ids(any_es, "books", {"term": {"count": 1}}) == ["1"]


def test_dynamic_mapping_infers_types_as_elasticsearch(any_es: Elasticsearch) -> None:
    any_es.index(
        index="dynamic",
        id="1",
        document={
            "name": "Jane",
            "count": 42,
            "ratio": 1.5,
            "active": True,
            "created": "2024-01-02T03:04:05Z",
            "day": "2024-01-02",
            "address": {"city": "Paris", "zip": 75001},
            "tags": ["a", "b"],
            "scores": [1, 2, 3],
            "empty": [],
            "nothing": None,
        },
        refresh=True,
    )
    keyword = {"keyword": {"type": "keyword", "ignore_above": 256}}
    assert mappings(any_es, "dynamic") == {
        "properties": {
            "name": {"type": "text", "fields": keyword},
            "count": {"type": "long"},
            "ratio": {"type": "float"},
            "active": {"type": "boolean"},
            "created": {"type": "date"},
            "day": {"type": "date"},
            "address": {
                "properties": {
                    "city": {"type": "text", "fields": keyword},
                    "zip": {"type": "long"},
                }
            },
            "tags": {"type": "text", "fields": keyword},
            "scores": {"type": "long"},
        }
    }
    # The inferred fields are searchable as their types.
    assert ids(any_es, "dynamic", {"term": {"name.keyword": "Jane"}}) == ["1"]
    assert ids(any_es, "dynamic", {"match": {"name": "jane"}}) == ["1"]
    assert ids(any_es, "dynamic", {"range": {"created": {"gte": "2024-01-01"}}}) == ["1"]
    assert ids(any_es, "dynamic", {"term": {"address.zip": 75001}}) == ["1"]
    assert ids(any_es, "dynamic", {"term": {"tags.keyword": "b"}}) == ["1"]
    assert ids(any_es, "dynamic", {"term": {"active": True}}) == ["1"]

    # A later document adding a field extends the mapping; existing fields keep their type.
    any_es.index(index="dynamic", id="2", document={"count": "7", "extra": "x"})
    properties = mappings(any_es, "dynamic")["properties"]
    assert properties["count"] == {"type": "long"}
    assert properties["extra"]["type"] == "text"


def test_strict_dynamic_mapping(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="strict",
        mappings={
            "dynamic": "strict",
            "properties": {
                "name": {"type": "keyword"},
                "meta": {"properties": {"a": {"type": "long"}}},
                "loose": {"dynamic": True, "properties": {}},
            },
        },
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="strict", id="1", document={"name": "x", "surprise": 1})
    assert exc.value.meta.status == 400
    error = error_of(exc)
    assert error["type"] == "strict_dynamic_mapping_exception"
    assert error["reason"].endswith(
        "mapping set to strict, dynamic introduction of [surprise] within [_doc] is not allowed"
    )

    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="strict", id="1", document={"meta": {"b": 1}})
    assert "dynamic introduction of [b] within [meta] is not allowed" in error_of(exc)["reason"]

    # An object may loosen the setting for its own properties.
    any_es.index(index="strict", id="1", document={"name": "x", "loose": {"any": "thing"}})
    assert "any" in mappings(any_es, "strict")["properties"]["loose"]["properties"]
    assert not any_es.exists(index="strict", id="2")
    assert "surprise" not in mappings(any_es, "strict")["properties"]


def test_dynamic_false_keeps_unmapped_fields_in_source_only(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="closed", mappings={"dynamic": False, "properties": {"name": {"type": "keyword"}}}
    )
    any_es.index(
        index="closed",
        id="1",
        document={"name": "x", "hidden": "secret", "obj": {"n": 1}},
        refresh=True,
    )
    assert any_es.get_source(index="closed", id="1") == {
        "name": "x",
        "hidden": "secret",
        "obj": {"n": 1},
    }
    assert mappings(any_es, "closed") == {
        "dynamic": False,
        "properties": {"name": {"type": "keyword"}},
    }
    assert ids(any_es, "closed", {"match": {"hidden": "secret"}}) == []
    assert ids(any_es, "closed", {"term": {"obj.n": 1}}) == []
    assert ids(any_es, "closed", {"term": {"name": "x"}}) == ["1"]


def test_dynamic_templates(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="templated",
        mappings={
            "dynamic_templates": [
                {"ids": {"match": "*_id", "mapping": {"type": "keyword"}}},
                {"strings": {"match_mapping_type": "string", "mapping": {"type": "keyword"}}},
            ]
        },
    )
    any_es.index(
        index="templated",
        id="1",
        document={"title": "Hello World", "user_id": 42, "count": 3},
        refresh=True,
    )
    properties = mappings(any_es, "templated")["properties"]
    assert properties == {
        "title": {"type": "keyword"},
        "user_id": {"type": "keyword"},
        "count": {"type": "long"},
    }
    assert ids(any_es, "templated", {"term": {"title": "Hello World"}}) == ["1"]
    assert ids(any_es, "templated", {"match": {"title": "hello"}}) == []
    assert ids(any_es, "templated", {"term": {"user_id": "42"}}) == ["1"]


# Settings


def test_updating_refresh_interval_takes_effect(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"refresh_interval": "-1"})
    any_es.index(index="books", id="1", document={"a": 1})
    time.sleep(0.3)
    assert any_es.count(index="books")["count"] == 0

    response = any_es.indices.put_settings(index="books", settings={"refresh_interval": "50ms"})
    assert response.body == {"acknowledged": True}
    settings = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]
    assert settings["refresh_interval"] == "50ms"
    deadline = time.monotonic() + 3
    while any_es.count(index="books")["count"] == 0:
        assert time.monotonic() < deadline, "the new refresh interval did not take effect"
        time.sleep(0.02)

    any_es.indices.put_settings(index="books", settings={"index": {"refresh_interval": "-1"}})
    any_es.index(index="books", id="2", document={"a": 2})
    time.sleep(0.3)
    assert any_es.count(index="books")["count"] == 1


def test_static_and_unknown_settings_are_refused(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_settings(index="books", settings={"number_of_shards": 2})
    error = error_of(exc)
    assert error["type"] == "illegal_argument_exception"
    uuid = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]["uuid"]
    assert error["reason"] == (
        "Can't update non dynamic settings [[index.number_of_shards]] for open indices"
        f" [[books/{uuid}]]"
    )
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.put_settings(index="books", settings={"no_such_setting": 1})
    assert error_of(exc)["reason"].startswith("unknown setting [index.no_such_setting]")
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="zero", settings={"number_of_shards": 0})
    assert "must be >= 1" in error_of(exc)["reason"]
    assert not any_es.indices.exists(index="zero")

    settings = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]
    assert settings["number_of_shards"] == "1"
    any_es.indices.put_settings(index="books", settings={"number_of_replicas": 0})
    settings = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]
    assert settings["number_of_replicas"] == "0"


# Aliases


def test_alias_crud(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    assert not any_es.indices.exists_alias(name="library")

    assert any_es.indices.put_alias(index="books", name="library").body == {"acknowledged": True}
    assert any_es.indices.exists_alias(name="library")
    assert any_es.indices.exists_alias(index="books", name="library")
    assert any_es.indices.get_alias(name="library").body == {"books": {"aliases": {"library": {}}}}
    assert any_es.indices.get_alias(index="books").body == {"books": {"aliases": {"library": {}}}}

    with pytest.raises(NotFoundError) as exc:
        any_es.indices.get_alias(name="missing")
    assert exc.value.body["error"] == "alias [missing] missing"

    assert any_es.indices.delete_alias(index="books", name="library")["acknowledged"] is True
    assert not any_es.indices.exists_alias(name="library")
    with pytest.raises(NotFoundError) as exc:
        any_es.indices.delete_alias(index="books", name="library")
    error = error_of(exc)
    assert error["type"] == "aliases_not_found_exception"
    assert error["reason"] == "aliases [library] missing"


def test_alias_names_may_not_clash_with_indices(es: Elasticsearch) -> None:
    es.indices.create(index="books", aliases={"library": {}})
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="library")
    assert error_of(exc)["type"] == "invalid_index_name_exception"
    assert error_of(exc)["reason"] == "Invalid index name [library], already exists as alias"
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_alias(index="books", name="books")
    assert error_of(exc)["type"] == "invalid_alias_name_exception"
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_alias(index="books", name="bad#alias")
    assert error_of(exc)["reason"] == "Invalid alias name [bad#alias]: must not contain '#'"
    # Unlike index names, alias names may have capitals.
    es.indices.put_alias(index="books", name="Library-Upper")
    assert es.indices.exists_alias(name="Library-Upper")


def test_update_aliases_swaps_atomically(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="v1", aliases={"current": {}})
    any_es.indices.create(index="v2")
    any_es.index(index="v1", id="old", document={"v": 1}, refresh=True)
    any_es.index(index="v2", id="new", document={"v": 2}, refresh=True)
    assert ids(any_es, "current") == ["old"]

    response = any_es.indices.update_aliases(
        actions=[
            {"remove": {"index": "v1", "alias": "current"}},
            {"add": {"index": "v2", "alias": "current"}},
        ]
    )
    assert response["acknowledged"] is True
    assert ids(any_es, "current") == ["new"]
    assert any_es.indices.get_alias(name="current").body == {"v2": {"aliases": {"current": {}}}}


def test_a_remove_that_removes_nothing_is_reported_and_the_rest_applies(
    any_es: Elasticsearch,
) -> None:
    any_es.indices.create(index="blog-1")
    any_es.indices.create(index="blog-2")
    response = any_es.indices.update_aliases(
        actions=[
            {"remove": {"index": "blog-*", "alias": "blog"}},
            {"add": {"index": "blog-2", "alias": "blog"}},
        ]
    )
    assert response["errors"] is True
    removal, addition = response["action_results"]
    assert removal["action"] == {
        "type": "remove",
        "indices": ["blog-1", "blog-2"],
        "aliases": ["blog"],
    }
    assert (removal["status"], removal["error"]["type"]) == (404, "aliases_not_found_exception")
    assert addition == {
        "action": {"type": "add", "indices": ["blog-2"], "aliases": ["blog"]},
        "status": 200,
    }
    assert any_es.indices.get_alias(name="blog") == {"blog-2": {"aliases": {"blog": {}}}}
    # When no action does anything, the request fails as a whole.
    with pytest.raises(NotFoundError) as exc:
        any_es.indices.update_aliases(actions=[{"remove": {"index": "blog-1", "alias": "nope"}}])
    assert error_of(exc)["reason"] == "aliases [nope] missing"


@pytest.mark.parametrize(
    ("failing", "status", "error_type"),
    [
        (
            {"remove": {"index": "v1", "alias": "no-such-alias", "must_exist": True}},
            404,
            "aliases_not_found_exception",
        ),
        ({"add": {"index": "no-such-index", "alias": "other"}}, 404, "index_not_found_exception"),
        ({"add": {"index": "v1", "alias": "v2"}}, 400, "invalid_alias_name_exception"),
    ],
)
def test_update_aliases_is_all_or_nothing(
    es: Elasticsearch, failing: dict[str, Any], status: int, error_type: str
) -> None:
    es.indices.create(index="v1", aliases={"current": {}})
    es.indices.create(index="v2")
    before = es.indices.get_alias(index="v1,v2").body
    with pytest.raises(ApiError) as exc:
        es.indices.update_aliases(
            actions=[
                {"remove": {"index": "v1", "alias": "current"}},
                {"add": {"index": "v2", "alias": "current"}},
                {"add": {"index": "v2", "alias": "extra"}},
                failing,
            ]
        )
    assert exc.value.meta.status == status
    assert error_of(exc)["type"] == error_type
    assert es.indices.get_alias(index="v1,v2").body == before
    assert not es.indices.exists_alias(name="extra")


def test_writes_through_an_alias_go_to_its_write_index(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="logs-1", aliases={"logs": {}})
    # An alias of one index writes to that index.
    assert any_es.index(index="logs", id="a", document={"n": 1})["_index"] == "logs-1"

    any_es.indices.create(index="logs-2", aliases={"logs": {}})
    with pytest.raises(BadRequestError) as exc:
        any_es.index(index="logs", id="b", document={"n": 2})
    error = error_of(exc)
    assert error["type"] == "illegal_argument_exception"
    assert error["reason"].startswith("no write index is defined for alias [logs].")

    any_es.indices.update_aliases(
        actions=[
            {"add": {"index": "logs-1", "alias": "logs", "is_write_index": False}},
            {"add": {"index": "logs-2", "alias": "logs", "is_write_index": True}},
        ]
    )
    written = any_es.index(index="logs", id="b", document={"n": 2}, refresh=True)
    assert written["_index"] == "logs-2"
    bulk = any_es.bulk(operations=[{"index": {"_index": "logs", "_id": "c"}}, {"n": 3}])
    assert bulk["items"][0]["index"]["_index"] == "logs-2"
    any_es.indices.refresh(index="logs")

    # Search reads every index of the alias; a single-document read needs exactly one index.
    hits = any_es.search(index="logs", size=10)["hits"]["hits"]
    assert sorted((h["_index"], h["_id"]) for h in hits) == [
        ("logs-1", "a"),
        ("logs-2", "b"),
        ("logs-2", "c"),
    ]
    with pytest.raises(BadRequestError) as exc:
        any_es.get(index="logs", id="b")
    assert "has more than one index associated with it" in error_of(exc)["reason"]

    aliases = any_es.indices.get_alias(name="logs").body
    assert aliases["logs-2"]["aliases"]["logs"] == {"is_write_index": True}
    assert aliases["logs-1"]["aliases"]["logs"] == {"is_write_index": False}

    with pytest.raises(BadRequestError) as exc:
        any_es.indices.update_aliases(
            actions=[{"add": {"index": "logs-1", "alias": "logs", "is_write_index": True}}]
        )
    assert "has more than one write index" in error_of(exc)["reason"]


def test_an_index_refused_for_a_second_write_index_is_not_created(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="logs-1", aliases={"logs": {"is_write_index": True}})
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(index="logs-2", aliases={"logs": {"is_write_index": True}})
    assert "has more than one write index" in error_of(exc)["reason"]
    assert not any_es.indices.exists(index="logs-2")
    assert list(any_es.indices.get_alias(name="logs")) == ["logs-1"]


def test_filtered_alias_restricts_reads(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", mappings={"properties": {"genre": {"type": "keyword"}}})
    any_es.bulk(
        index="books",
        operations=[
            {"index": {"_id": "1"}},
            {"genre": "poetry"},
            {"index": {"_id": "2"}},
            {"genre": "novel"},
            {"index": {"_id": "3"}},
            {"genre": "poetry"},
        ],
        refresh=True,
    )
    any_es.indices.put_alias(index="books", name="poems", filter={"term": {"genre": "poetry"}})
    assert ids(any_es, "poems") == ["1", "3"]
    assert any_es.count(index="poems")["count"] == 2
    assert ids(any_es, "poems", {"match_all": {}}) == ["1", "3"]
    # The filter combines with the query; the index itself is unfiltered.
    assert ids(any_es, "poems", {"ids": {"values": ["1", "2"]}}) == ["1"]
    assert ids(any_es, "books") == ["1", "2", "3"]
    assert any_es.indices.get_alias(name="poems")["books"]["aliases"]["poems"] == {
        "filter": {"term": {"genre": "poetry"}}
    }


# Stats, health, info, cat


def test_index_stats_count_documents(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books")
    any_es.bulk(
        index="books",
        operations=[
            {"index": {"_id": "1"}},
            {"a": 1},
            {"index": {"_id": "2"}},
            {"a": 2},
            {"index": {"_id": "3"}},
            {"a": 3},
        ],
        refresh=True,
    )
    any_es.delete(index="books", id="3", refresh=True)
    stats = any_es.indices.stats(index="books")
    assert stats["indices"]["books"]["primaries"]["docs"]["count"] == 2
    assert stats["_all"]["primaries"]["docs"]["count"] == 2
    assert stats["_shards"]["failed"] == 0


def test_cluster_health(any_es: Elasticsearch) -> None:
    empty = any_es.cluster.health()
    assert empty["status"] == "green"
    assert empty["number_of_nodes"] == 1
    assert empty["timed_out"] is False

    any_es.indices.create(index="solo", settings={"number_of_replicas": 0})
    assert any_es.cluster.health(index="solo")["status"] == "green"
    # A replica cannot be assigned on a one-node cluster: yellow, as Elasticsearch says.
    any_es.indices.create(index="replicated")
    health = any_es.cluster.health(wait_for_status="yellow", timeout="1s")
    assert health["status"] == "yellow"
    assert health["active_primary_shards"] == 2
    assert health["unassigned_shards"] == 1


def test_info(any_es: Elasticsearch) -> None:
    info = any_es.info()
    assert info["version"]["number"].split(".")[0] in ("8", "9")
    assert info["tagline"] == "You Know, for Search"
    assert info["cluster_name"]
    assert info["cluster_uuid"]
    assert any_es.ping()


def test_cat_indices(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="books", settings={"number_of_replicas": 0})
    any_es.indices.create(index="films")
    any_es.index(index="books", id="1", document={"a": 1}, refresh=True)

    text = any_es.cat.indices(v=True).body
    assert isinstance(text, str)
    lines = text.strip().splitlines()
    header = lines[0].split()
    assert header[:4] == ["health", "status", "index", "uuid"]
    rows = {line.split()[2]: dict(zip(header, line.split(), strict=False)) for line in lines[1:]}
    assert set(rows) == {"books", "films"}
    assert rows["books"]["health"] == "green"
    assert rows["books"]["status"] == "open"
    assert rows["books"]["docs.count"] == "1"
    assert rows["films"]["health"] == "yellow"

    as_json = any_es.cat.indices(index="books", format="json").body
    assert [row["index"] for row in as_json] == ["books"]
    assert as_json[0]["docs.count"] == "1"
    assert as_json[0]["pri"] == "1"


# Analysis


ANALYSIS = {
    "analysis": {
        "filter": {
            "autocomplete_filter": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
            "english_stop": {"type": "stop", "stopwords": "_english_"},
        },
        "analyzer": {
            "autocomplete": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "autocomplete_filter"],
            },
            "folding": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "english_stop"],
            },
        },
    }
}


def test_edge_ngram_autocomplete(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="products",
        settings=ANALYSIS,
        mappings={
            "properties": {
                "name": {
                    "type": "text",
                    "analyzer": "autocomplete",
                    "search_analyzer": "standard",
                }
            }
        },
    )
    any_es.index(index="products", id="1", document={"name": "Wireless Keyboard"})
    any_es.index(index="products", id="2", document={"name": "Wired Mouse"}, refresh=True)

    def match(text: str) -> list[str]:
        return ids(any_es, "products", {"match": {"name": text}})

    assert match("wi") == ["1", "2"]
    assert match("wirel") == ["1"]
    assert match("KEYB") == ["1"]
    assert match("mou") == ["2"]
    # The search analyzer is standard: the query is not n-grammed, so "wix" matches nothing.
    assert match("wix") == []
    assert match("keyboards") == []


def test_stop_and_asciifolding_filters(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="texts",
        settings=ANALYSIS,
        mappings={"properties": {"body": {"type": "text", "analyzer": "folding"}}},
    )
    any_es.index(index="texts", id="1", document={"body": "The Café of the Señor"}, refresh=True)

    assert ids(any_es, "texts", {"match": {"body": "cafe"}}) == ["1"]
    assert ids(any_es, "texts", {"match": {"body": "SENOR"}}) == ["1"]
    assert ids(any_es, "texts", {"match": {"body": "café"}}) == ["1"]
    assert ids(any_es, "texts", {"match": {"body": "the"}}) == []
    assert ids(any_es, "texts", {"match_phrase": {"body": "cafe señor"}}) == []
    assert ids(any_es, "texts", {"match_phrase": {"body": "the cafe"}}) == ["1"]


def test_analyze_api(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="texts",
        settings=ANALYSIS,
        mappings={"properties": {"body": {"type": "text", "analyzer": "folding"}}},
    )
    standard = any_es.indices.analyze(analyzer="standard", text="Hello, World!")
    token = {"type": "<ALPHANUM>"}
    assert standard["tokens"] == [
        {**token, "token": "hello", "start_offset": 0, "end_offset": 5, "position": 0},
        {**token, "token": "world", "start_offset": 7, "end_offset": 12, "position": 1},
    ]

    edge = any_es.indices.analyze(index="texts", analyzer="autocomplete", text="Dog")
    assert [t["token"] for t in edge["tokens"]] == ["d", "do", "dog"]
    assert {t["position"] for t in edge["tokens"]} == {0}

    by_field = any_es.indices.analyze(index="texts", field="body", text="The Café")
    assert [(t["token"], t["position"]) for t in by_field["tokens"]] == [("cafe", 1)]

    ad_hoc = any_es.indices.analyze(
        tokenizer="whitespace", filter=["lowercase", "asciifolding"], text="Ça Va"
    )
    assert [t["token"] for t in ad_hoc["tokens"]] == ["ca", "va"]

    with pytest.raises(BadRequestError) as exc:
        any_es.indices.analyze(analyzer="no_such_analyzer", text="x")
    assert "no_such_analyzer" in error_of(exc)["reason"]


def test_unknown_analyzer_in_a_mapping_is_refused(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(
            index="texts",
            mappings={"properties": {"body": {"type": "text", "analyzer": "nope"}}},
        )
    error = error_of(exc)
    assert error["type"] == "mapper_parsing_exception"
    assert error["reason"] == (
        "Failed to parse mapping: analyzer [nope] has not been configured in mappings"
    )
    assert not es.indices.exists(index="texts")
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(
            index="texts",
            mappings={"properties": {"code": {"type": "keyword", "normalizer": "nope"}}},
        )
    error = error_of(exc)
    assert error["type"] == "mapper_parsing_exception"
    assert (
        error["reason"] == "Failed to parse mapping: normalizer [nope] not found for field [code]"
    )


# A growing mapping: fields past the spare slots make the store rebuild itself


def test_index_keeps_working_as_its_mapping_grows(
    es: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    rebuilds = []
    original = Index.rebuild

    def counting_rebuild(self: Index, *args: Any, **kwargs: Any) -> None:
        rebuilds.append(self.name)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Index, "rebuild", counting_rebuild)
    es.indices.create(
        index="growing",
        settings={
            "refresh_interval": "-1",
            "analysis": {
                "analyzer": {
                    "reversed": {
                        "type": "custom",
                        "tokenizer": "whitespace",
                        "filter": ["lowercase", "reverse"],
                    }
                }
            },
        },
    )
    written: dict[str, dict[str, Any]] = {}

    def write(doc_id: str, source: dict[str, Any]) -> None:
        es.index(index="growing", id=doc_id, document=source)
        written[doc_id] = source

    # Thirty documents, each introducing new fields of the kinds dynamic mapping creates.
    for i in range(30):
        write(
            f"d{i}",
            {
                f"long_{i}": i,
                f"text_{i}": f"word{i} shared",
                f"float_{i}": i + 0.5,
                f"bool_{i}": i % 2 == 0,
                f"date_{i}": f"2024-01-{i % 28 + 1:02d}",
                "common": "everyone",
            },
        )
        if i % 4 == 0:
            es.indices.refresh(index="growing")
    # Documents rewritten and deleted between rebuilds keep their latest state.
    write("d3", {**written["d3"], "long_3": 303})
    es.delete(index="growing", id="d5")
    del written["d5"]

    # Fields of kinds no spare slot has, added to the non-empty index by put_mapping.
    es.indices.put_mapping(
        index="growing",
        properties={
            "rev": {"type": "text", "analyzer": "reversed"},
            "address": {"type": "ip"},
            "code": {"type": "keyword", "doc_values": False},
            "big": {"type": "unsigned_long"},
            "plain": {"type": "text", "index_options": "docs"},
        },
    )
    write(
        "extra",
        {"rev": "Hello World", "address": "10.0.0.1", "code": "c-1", "big": 2**63, "plain": "p"},
    )
    # And thirty more text fields with the custom analyzer, one put_mapping at a time.
    for i in range(30):
        es.indices.put_mapping(
            index="growing", properties={f"rev_{i}": {"type": "text", "analyzer": "reversed"}}
        )
        write(f"r{i}", {f"rev_{i}": f"Token{i}"})
    es.indices.refresh(index="growing")
    # The spare slots ran out several times: the store was rebuilt with a larger layout.
    assert len(rebuilds) >= 5

    assert es.count(index="growing")["count"] == len(written)
    assert ids(es, "growing", {"match": {"common": "everyone"}}) == sorted(
        f"d{i}" for i in range(30) if i != 5
    )
    for i in range(30):
        if i == 5:
            continue
        expected = [f"d{i}"]
        value = 303 if i == 3 else i
        assert ids(es, "growing", {"term": {f"long_{i}": value}}) == expected, i
        assert ids(es, "growing", {"match": {f"text_{i}": f"word{i}"}}) == expected, i
        assert ids(es, "growing", {"term": {f"text_{i}.keyword": f"word{i} shared"}}) == expected
        assert ids(es, "growing", {"range": {f"float_{i}": {"gt": i, "lt": i + 1}}}) == expected
        assert ids(es, "growing", {"term": {f"bool_{i}": i % 2 == 0}}) == expected, i
        day = f"2024-01-{i % 28 + 1:02d}"
        assert ids(es, "growing", {"range": {f"date_{i}": {"gte": day, "lte": day}}}) == expected
    assert ids(es, "growing", {"term": {"long_3": 3}}) == []
    for i in range(30):
        assert ids(es, "growing", {"match": {f"rev_{i}": f"token{i}"}}) == [f"r{i}"], i
    assert ids(es, "growing", {"match": {"rev": "hello"}}) == ["extra"]
    assert ids(es, "growing", {"term": {"address": "10.0.0.1"}}) == ["extra"]
    assert ids(es, "growing", {"term": {"code": "c-1"}}) == ["extra"]
    assert ids(es, "growing", {"term": {"big": 2**63}}) == ["extra"]
    assert ids(es, "growing", {"match": {"plain": "p"}}) == ["extra"]

    # Sources, versions and sequence numbers survive the rebuilds.
    first = es.get(index="growing", id="d0")
    assert first["_version"] == 1
    assert first["_seq_no"] == 0
    assert first["_source"] == written["d0"]
    assert es.get(index="growing", id="d3")["_version"] == 2
    assert not es.exists(index="growing", id="d5")
    docs = es.mget(index="growing", ids=sorted(written))["docs"]
    assert {d["_id"]: d["_source"] for d in docs} == written


def test_put_alias_on_a_comma_separated_list_of_indices(es: Elasticsearch) -> None:
    es.indices.create(index="first")
    es.indices.create(index="second")
    es.indices.put_alias(index="first,second", name="both")
    assert set(es.indices.get_alias(name="both")) == {"first", "second"}
