"""What a zero-downtime rebuild needs from the engine, as Elasticsearch does it.

The add-block API (``PUT /{index}/_block/write``), in force once it returns; and ``remove_index``
in ``POST /_aliases``, which lets an alias take the name of the index it removes in the same
atomic request (how a concrete index becomes an alias).
"""

from __future__ import annotations

import sys
import threading

import pytest
from elasticsearch import ApiError, AuthorizationException, BadRequestError, Elasticsearch


def test_add_write_block_refuses_writes_and_keeps_reads(any_es: Elasticsearch) -> None:
    any_es.index(index="books", id="1", document={"title": "Dune"}, refresh=True)

    response = any_es.indices.add_block(index="books", block="write")

    assert response.body == {
        "acknowledged": True,
        "shards_acknowledged": True,
        "indices": [{"name": "books", "blocked": True}],
    }
    with pytest.raises(AuthorizationException) as raised:
        any_es.index(index="books", id="2", document={"title": "Emma"})
    assert raised.value.body["error"]["type"] == "cluster_block_exception"
    assert any_es.get(index="books", id="1")["_source"] == {"title": "Dune"}
    settings = any_es.indices.get_settings(index="books")["books"]["settings"]["index"]
    assert settings["blocks"]["write"] == "true"

    any_es.indices.put_settings(index="books", settings={"index.blocks.write": False})
    any_es.index(index="books", id="2", document={"title": "Emma"})


def test_add_block_waits_for_writes_in_flight(es: Elasticsearch) -> None:
    """Once the block is acknowledged, no write lands: every write either landed before or fails."""
    es.indices.create(index="books")
    acknowledged: list[int] = []
    stop = threading.Event()

    def write() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            try:
                es.index(index="books", id=str(number), document={"n": number})
            except AuthorizationException:
                return
            acknowledged.append(number)

    writer = threading.Thread(target=write)
    writer.start()
    while len(acknowledged) < 20:
        pass
    es.indices.add_block(index="books", block="write")
    es.indices.refresh(index="books")
    at_block = es.count(index="books")["count"]
    stop.set()
    writer.join()
    es.indices.refresh(index="books")
    assert es.count(index="books")["count"] == at_block == len(acknowledged)


def test_an_unknown_block_is_refused(es: Elasticsearch) -> None:
    es.indices.create(index="books")
    with pytest.raises(BadRequestError) as raised:
        es.indices.add_block(index="books", block="everything")
    assert "unknown index block [everything]" in raised.value.body["error"]["reason"]


@pytest.mark.parametrize("order", ["remove_index first", "add first"])
def test_remove_index_lets_an_alias_take_its_name(any_es: Elasticsearch, order: str) -> None:
    any_es.index(index="blog", id="old", document={"v": 1}, refresh=True)
    any_es.indices.create(index="blog__v2")
    any_es.index(index="blog__v2", id="new", document={"v": 2}, refresh=True)
    actions = [
        {"remove_index": {"index": "blog"}},
        {"add": {"index": "blog__v2", "alias": "blog"}},
    ]
    if order == "add first":
        actions.reverse()

    any_es.indices.update_aliases(actions=actions)

    assert any_es.indices.get_alias(name="blog").body == {"blog__v2": {"aliases": {"blog": {}}}}
    hits = any_es.search(index="blog")["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["new"]


def test_remove_index_and_alias_are_all_or_nothing(es: Elasticsearch) -> None:
    es.indices.create(index="blog")
    es.indices.create(index="blog__v2")
    with pytest.raises(ApiError):
        es.indices.update_aliases(
            actions=[
                {"remove_index": {"index": "blog"}},
                {"add": {"index": "blog__v2", "alias": "blog"}},
                {"remove": {"index": "blog__v2", "alias": "missing", "must_exist": True}},
            ]
        )
    assert es.indices.exists(index="blog")
    assert not es.indices.exists_alias(name="blog")


def test_an_alias_still_may_not_take_the_name_of_an_index_that_stays(es: Elasticsearch) -> None:
    es.indices.create(index="blog")
    es.indices.create(index="blog__v2")
    with pytest.raises(BadRequestError) as raised:
        es.indices.update_aliases(actions=[{"add": {"index": "blog__v2", "alias": "blog"}}])
    assert raised.value.body["error"]["type"] == "invalid_alias_name_exception"


def test_creating_and_deleting_indices_never_breaks_concurrent_requests(es: Elasticsearch) -> None:
    """Requests read the index table without the engine's lock: it is copied on write."""
    es.indices.create(index="books", aliases={"library": {}})
    for number in range(50):
        es.indices.create(index=f"other-{number}")
    stop = threading.Event()
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can

    def churn() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            es.indices.create(index=f"churn-{number}", settings={"index.hidden": True})
            es.indices.delete(index=f"churn-{number}")

    churner = threading.Thread(target=churn)
    churner.start()
    try:
        for _ in range(1500):
            assert es.indices.get_alias(name="library").body == {
                "books": {"aliases": {"library": {}}}
            }
            es.index(index="library", id="1", document={})
    finally:
        sys.setswitchinterval(switch_interval)
        stop.set()
        churner.join()
