"""Reading and writing many documents: scroll, point in time, the bulk and scan helpers, and
the by-query APIs (delete_by_query, update_by_query, reindex), through the stock client.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, ConflictError, Elasticsearch, NotFoundError, helpers

INDEX = "items"

MAPPING = {
    "properties": {
        "name": {"type": "keyword"},
        "group": {"type": "keyword"},
        "n": {"type": "long"},
        "text": {"type": "text"},
    }
}


def make_doc(n: int) -> dict[str, Any]:
    return {
        "name": f"item-{n:03d}",
        "group": "even" if n % 2 == 0 else "odd",
        "n": n,
        "text": f"item number {n}",
    }


DOCS = {str(n): make_doc(n) for n in range(23)}


def load(es: Elasticsearch, index: str = INDEX, docs: dict[str, dict[str, Any]] = DOCS) -> None:
    es.indices.create(index=index, mappings=MAPPING)
    for doc_id, doc in docs.items():
        es.index(index=index, id=doc_id, document=doc)
    es.indices.refresh(index=index)


@pytest.fixture
def items(es: Elasticsearch) -> Elasticsearch:
    load(es)
    return es


@pytest.fixture
def any_items(any_es: Elasticsearch) -> Elasticsearch:
    load(any_es)
    return any_es


def root_cause_types(error: Any) -> list[str]:
    return [cause["type"] for cause in error.body["error"]["root_cause"]]


# Scroll


def scroll_all(es: Elasticsearch, first: Any) -> tuple[list[dict[str, Any]], str]:
    hits = list(first["hits"]["hits"])
    scroll_id = first["_scroll_id"]
    while True:
        page = es.scroll(scroll_id=scroll_id, scroll="1m")
        scroll_id = page["_scroll_id"]
        if not page["hits"]["hits"]:
            return hits, scroll_id
        assert page["hits"]["total"] == first["hits"]["total"]
        hits += page["hits"]["hits"]


def test_scroll_reads_every_document_once(any_items: Elasticsearch) -> None:
    first = any_items.search(index=INDEX, scroll="1m", size=5, sort=["_doc"])
    assert first["hits"]["total"] == {"value": len(DOCS), "relation": "eq"}
    assert len(first["hits"]["hits"]) == 5
    hits, scroll_id = scroll_all(any_items, first)
    assert len(hits) == first["hits"]["total"]["value"]
    assert sorted(h["_id"] for h in hits) == sorted(DOCS)
    assert all(h["_source"] == DOCS[h["_id"]] for h in hits)
    cleared = any_items.clear_scroll(scroll_id=scroll_id)
    assert cleared == {"succeeded": True, "num_freed": 1}


def test_scroll_with_a_query_and_sort(any_items: Elasticsearch) -> None:
    first = any_items.search(
        index=INDEX, scroll="1m", size=4, query={"term": {"group": "odd"}}, sort=[{"n": "desc"}]
    )
    hits, _ = scroll_all(any_items, first)
    assert [h["_id"] for h in hits] == [str(n) for n in range(22, -1, -1) if n % 2]
    assert [h["sort"] for h in hits] == [[n] for n in range(22, -1, -1) if n % 2]


def test_scroll_sees_the_data_as_it_was(items: Elasticsearch) -> None:
    first = items.search(index=INDEX, scroll="1m", size=5)
    items.delete(index=INDEX, id="0", refresh=True)
    items.index(index=INDEX, id="new", document=make_doc(99), refresh=True)
    hits, _ = scroll_all(items, first)
    assert sorted(h["_id"] for h in hits) == sorted(DOCS)


def test_cleared_and_unknown_scroll_ids_are_404(any_items: Elasticsearch) -> None:
    first = any_items.search(index=INDEX, scroll="1m", size=5)
    scroll_id = first["_scroll_id"]
    assert any_items.clear_scroll(scroll_id=scroll_id)["num_freed"] == 1
    with pytest.raises(NotFoundError) as caught:
        any_items.scroll(scroll_id=scroll_id, scroll="1m")
    assert caught.value.meta.status == 404
    assert root_cause_types(caught.value) == ["search_context_missing_exception"]
    # Clearing it again frees nothing, and says so with a 404.
    with pytest.raises(NotFoundError) as caught:
        any_items.clear_scroll(scroll_id=scroll_id)
    assert caught.value.body == {"succeeded": True, "num_freed": 0}


def test_clear_all_scrolls(items: Elasticsearch) -> None:
    ids = [items.search(index=INDEX, scroll="1m", size=1)["_scroll_id"] for _ in range(3)]
    assert items.clear_scroll(scroll_id="_all")["succeeded"] is True
    for scroll_id in ids:
        with pytest.raises(NotFoundError):
            items.scroll(scroll_id=scroll_id)


# Point in time


def test_point_in_time_with_search_after(any_items: Elasticsearch) -> None:
    es = any_items
    pit = es.open_point_in_time(index=INDEX, keep_alive="1m")["id"]
    seen: list[str] = []
    after = None
    added = 0
    while True:
        options = {"search_after": after} if after is not None else {}
        response = es.search(
            pit={"id": pit, "keep_alive": "1m"}, size=4, sort=[{"n": "asc"}], **options
        )
        hits = response["hits"]["hits"]
        if not hits:
            break
        assert response["pit_id"]
        assert response["hits"]["total"]["value"] == len(DOCS)
        seen += [h["_id"] for h in hits]
        after = hits[-1]["sort"]
        # Meanwhile, new documents (some sorting among the old ones) and a deletion.
        es.index(
            index=INDEX, id=f"new-{added}", document={**make_doc(added), "n": added}, refresh=True
        )
        added += 1
        if added == 1:
            es.delete(index=INDEX, id="20", refresh=True)
    assert seen == [str(n) for n in range(len(DOCS))]
    # A search outside the point in time sees the changes.
    assert es.count(index=INDEX)["count"] == len(DOCS) + added - 1
    assert es.close_point_in_time(id=pit) == {"succeeded": True, "num_freed": 1}
    with pytest.raises(NotFoundError):
        es.search(pit={"id": pit, "keep_alive": "1m"}, size=1)


def test_point_in_time_rejects_an_index_in_the_search(items: Elasticsearch) -> None:
    from elasticsearch import BadRequestError

    pit = items.open_point_in_time(index=INDEX, keep_alive="1m")["id"]
    with pytest.raises(BadRequestError):
        items.search(index=INDEX, pit={"id": pit})
    items.close_point_in_time(id=pit)


# helpers.bulk and helpers.scan

MANY = 5_000


def test_bulk_and_scan_round_trip(any_es: Elasticsearch) -> None:
    es = any_es
    es.indices.create(index="bulk", mappings=MAPPING)
    ok, errors = helpers.bulk(
        es,
        ({"_index": "bulk", "_id": str(n), "_source": make_doc(n)} for n in range(MANY)),
        chunk_size=1_000,
        refresh=True,
    )
    assert (ok, errors) == (MANY, [])
    assert es.count(index="bulk")["count"] == MANY
    docs = list(helpers.scan(es, index="bulk", size=700))
    assert len(docs) == MANY
    assert len({d["_id"] for d in docs}) == MANY
    assert all(d["_source"] == make_doc(int(d["_id"])) for d in docs)
    odd = list(
        helpers.scan(
            es, index="bulk", query={"query": {"term": {"group": "odd"}}}, size=1_000, _source=["n"]
        )
    )
    assert sorted(d["_source"]["n"] for d in odd) == list(range(1, MANY, 2))
    # Ordered scan (preserve_order) keeps the sort.
    ordered = list(
        helpers.scan(
            es,
            index="bulk",
            query={"sort": [{"n": "desc"}]},
            preserve_order=True,
            size=2_000,
            _source=False,
        )
    )
    assert [int(d["_id"]) for d in ordered] == list(range(MANY - 1, -1, -1))


def test_bulk_reports_failures(es: Elasticsearch) -> None:
    es.indices.create(index="bulk", mappings=MAPPING)
    actions = [
        {"_index": "bulk", "_id": "1", "_source": {"n": 1}},
        {"_index": "bulk", "_id": "2", "_source": {"n": "not a number"}},
        {"_op_type": "create", "_index": "bulk", "_id": "1", "_source": {"n": 2}},
    ]
    ok, errors = helpers.bulk(es, actions, raise_on_error=False, refresh=True)
    assert ok == 1
    statuses = sorted(next(iter(e.values()))["status"] for e in errors)
    assert statuses == [400, 409]
    assert es.get(index="bulk", id="1")["_source"] == {"n": 1}


# delete_by_query, update_by_query, reindex


def test_delete_by_query(any_items: Elasticsearch) -> None:
    es = any_items
    result = es.delete_by_query(index=INDEX, query={"range": {"n": {"lt": 10}}}, refresh=True)
    assert (result["total"], result["deleted"], result["version_conflicts"]) == (10, 10, 0)
    assert result["failures"] == []
    assert es.count(index=INDEX)["count"] == len(DOCS) - 10
    left = es.search(index=INDEX, size=100, sort=["n"])["hits"]["hits"]
    assert [h["_source"]["n"] for h in left] == list(range(10, len(DOCS)))


def test_slices_auto_run_as_one_and_more_are_refused(any_items: Elasticsearch) -> None:
    """One shard per index: ``auto`` is one slice, as Elasticsearch would choose; more slices
    would have to be reported one by one, so they are refused rather than ignored."""
    es = any_items
    result = es.update_by_query(index=INDEX, slices="auto", refresh=True)
    assert result["updated"] == len(DOCS) and "slices" not in result
    with pytest.raises(BadRequestError) as exc:
        es.delete_by_query(index=INDEX, query={"match_all": {}}, slices=2)
    assert "[slices] greater than 1" in exc.value.body["error"]["reason"]
    assert es.count(index=INDEX)["count"] == len(DOCS)


def test_delete_by_query_with_q_and_max_docs(items: Elasticsearch) -> None:
    result = items.delete_by_query(index=INDEX, q="group:even", max_docs=3, refresh=True)
    assert (result["total"], result["deleted"]) == (3, 3)
    assert items.count(index=INDEX, query={"term": {"group": "even"}})["count"] == 12 - 3
    result = items.delete_by_query(index=INDEX, query={"term": {"group": "nothing"}})
    assert (result["total"], result["deleted"]) == (0, 0)


def test_update_by_query_without_a_script_reindexes_in_place(items: Elasticsearch) -> None:
    before = items.get(index=INDEX, id="3")
    result = items.update_by_query(index=INDEX, query={"term": {"group": "odd"}}, refresh=True)
    assert (result["total"], result["updated"], result["noops"]) == (11, 11, 0)
    after = items.get(index=INDEX, id="3")
    assert after["_version"] == before["_version"] + 1
    assert after["_source"] == before["_source"]
    assert items.get(index=INDEX, id="2")["_version"] == 1


def test_update_by_query_with_a_script(any_items: Elasticsearch) -> None:
    es = any_items
    script = {
        "source": "ctx._source.n += params.step; ctx._source.touched = true",
        "lang": "painless",
        "params": {"step": 100},
    }
    result = es.update_by_query(
        index=INDEX, query={"range": {"n": {"gte": 20}}}, script=script, refresh=True
    )
    assert (result["total"], result["updated"]) == (3, 3)
    hits = es.search(index=INDEX, query={"term": {"touched": True}}, sort=["n"])["hits"]["hits"]
    assert [h["_source"]["n"] for h in hits] == [120, 121, 122]
    assert es.count(index=INDEX, query={"range": {"n": {"gte": 100}}})["count"] == 3
    # A script may skip a document (noop) or delete it.
    script = {"source": "if (ctx._source.n == 0) { ctx.op = 'delete' } else { ctx.op = 'noop' }"}
    result = es.update_by_query(
        index=INDEX, query={"range": {"n": {"lte": 2}}}, script=script, refresh=True
    )
    assert (result["total"], result["deleted"], result["noops"], result["updated"]) == (3, 1, 2, 0)
    assert es.count(index=INDEX)["count"] == len(DOCS) - 1


def test_update_by_query_max_docs(items: Elasticsearch) -> None:
    script = {"source": "ctx._source.marked = true"}
    result = items.update_by_query(index=INDEX, max_docs=4, script=script, refresh=True)
    assert (result["total"], result["updated"]) == (4, 4)
    assert items.count(index=INDEX, query={"exists": {"field": "marked"}})["count"] == 4


def test_update_by_query_version_conflicts(items: Elasticsearch) -> None:
    # Document 1 changes after the last refresh: the by-query snapshot holds its old version.
    items.index(index=INDEX, id="1", document={**DOCS["1"], "text": "changed"})
    odd = sum(1 for d in DOCS.values() if d["group"] == "odd")
    with pytest.raises(ConflictError) as caught:
        items.update_by_query(index=INDEX, query={"term": {"group": "odd"}})
    body = caught.value.body
    assert body["version_conflicts"] == 1
    assert body["failures"][0]["id"] == "1"
    assert body["failures"][0]["cause"]["type"] == "version_conflict_engine_exception"
    assert body["failures"][0]["status"] == 409

    # What the aborted run wrote is not refreshed either: make it visible first.
    items.indices.refresh(index=INDEX)
    items.index(index=INDEX, id="1", document={**DOCS["1"], "text": "changed again"})
    result = items.update_by_query(
        index=INDEX, query={"term": {"group": "odd"}}, conflicts="proceed", refresh=True
    )
    assert result["version_conflicts"] == 1
    assert result["updated"] == odd - 1
    assert result["failures"] == []
    # The document changed meanwhile keeps its change.
    assert items.get(index=INDEX, id="1")["_source"]["text"] == "changed again"


def test_max_docs_counts_successes_when_conflicts_proceed(items: Elasticsearch) -> None:
    # Every odd document changes after the refresh: all conflict. With conflicts=proceed,
    # max_docs counts the documents actually updated, so even ones take their places.
    for doc_id, doc in DOCS.items():
        if doc["group"] == "odd":
            items.index(index=INDEX, id=doc_id, document={**doc, "text": "changed"})
    script = {"source": "ctx._source.marked = true"}
    result = items.update_by_query(
        index=INDEX, max_docs=5, conflicts="proceed", script=script, refresh=True
    )
    assert result["updated"] == 5
    assert result["total"] == 5
    assert items.count(index=INDEX, query={"exists": {"field": "marked"}})["count"] == 5
    # Noops do not count either.
    script = {"source": "if (ctx._source.n < 10) { ctx.op = 'noop' } else { ctx._source.x = 1 }"}
    result = items.update_by_query(index=INDEX, max_docs=3, script=script, refresh=True)
    assert result["updated"] == 3
    assert items.count(index=INDEX, query={"exists": {"field": "x"}})["count"] == 3
    result = items.delete_by_query(index=INDEX, query={"match_all": {}}, max_docs=100, refresh=True)
    assert (result["total"], result["deleted"]) == (len(DOCS), len(DOCS))


def test_update_by_query_adding_many_fields(items: Elasticsearch) -> None:
    # New fields on every document grow the mapping (and the index's layout) mid-request.
    script = {"source": "for (int i = 0; i < 12; i++) { ctx._source['extra' + i] = i }"}
    result = items.update_by_query(index=INDEX, script=script, refresh=True)
    assert result["updated"] == len(DOCS)
    assert items.count(index=INDEX, query={"term": {"extra11": 11}})["count"] == len(DOCS)
    assert items.get(index=INDEX, id="5")["_source"]["extra7"] == 7


def test_delete_by_query_version_conflicts_proceed(items: Elasticsearch) -> None:
    items.index(index=INDEX, id="4", document={**DOCS["4"], "text": "changed"})
    result = items.delete_by_query(
        index=INDEX, query={"term": {"group": "even"}}, conflicts="proceed", refresh=True
    )
    assert (result["version_conflicts"], result["deleted"]) == (1, 11)
    assert [
        h["_id"]
        for h in items.search(index=INDEX, query={"term": {"group": "even"}})["hits"]["hits"]
    ] == ["4"]


def test_reindex_into_a_new_index(any_items: Elasticsearch) -> None:
    es = any_items
    result = es.reindex(
        source={"index": INDEX, "query": {"range": {"n": {"lt": 5}}}},
        dest={"index": "copy"},
        refresh=True,
    )
    assert (result["total"], result["created"], result["updated"]) == (5, 5, 0)
    hits = es.search(index="copy", size=100)["hits"]["hits"]
    assert {h["_id"]: h["_source"] for h in hits} == {str(n): DOCS[str(n)] for n in range(5)}
    # Again: the same ids are updated, not created.
    result = es.reindex(source={"index": INDEX}, dest={"index": "copy"}, refresh=True)
    assert (result["total"], result["created"], result["updated"]) == (len(DOCS), 18, 5)
    assert es.count(index="copy")["count"] == len(DOCS)


def test_reindex_with_source_filtering_and_a_script(items: Elasticsearch) -> None:
    result = items.reindex(
        source={"index": INDEX, "_source": ["name", "n"]},
        dest={"index": "slim"},
        script={"source": "ctx._source.double = ctx._source.n * 2"},
        refresh=True,
    )
    assert result["created"] == len(DOCS)
    doc = items.get(index="slim", id="7")["_source"]
    assert doc == {"name": "item-007", "n": 7, "double": 14}
