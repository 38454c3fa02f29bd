"""``djangoes.dsl.AsyncDocument``: the same Document, through ``aconnections``.

Over HTTP the connection is on aiohttp; in this process, the embedded engine's node run in
threads. Each test runs its coroutine in an event loop of its own (``asyncio.run``), whose
connections close with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from elasticsearch import AsyncElasticsearch
from elasticsearch.dsl import TermsFacet
from elasticsearch.dsl.async_connections import connections as dsl_async_connections

from djangoes import aconnections, connections
from djangoes.dsl import AsyncFacetedSearch, ConnectionClient
from djangoes.rebuild import rebuild
from djangoes.rebuild.names import marker
from djangoes.rebuild.process import JOURNAL_MAPPINGS
from djangoes.test.utils import CaptureRequestsContext, setup_djangoes, teardown_djangoes
from djangoes.test.utils import test_indices as find_test_indices

from .documents import AsyncPostDocument
from .test_documents import create_indices

pytestmark = pytest.mark.usefixtures("configured")


def post(doc_id: str, title: str) -> AsyncPostDocument:
    return AsyncPostDocument(meta={"id": doc_id}, title=title)


async def titles() -> list[tuple[str, str, str]]:
    found = [(h.meta.id, type(h).__name__, h.title) async for h in AsyncPostDocument.search()]
    return sorted(found)


def test_an_async_document_writes_to_the_live_index(raw: Any, prefix: str) -> None:
    create_indices()

    async def main() -> Any:
        client = dsl_async_connections.get_connection("default")
        assert isinstance(client, ConnectionClient)
        assert isinstance(client.connection.client, AsyncElasticsearch)
        assert client.connection is aconnections["default"]
        await post("1", "hello async").save(refresh=True)
        found = await AsyncPostDocument.get("1")
        return found.title, await titles()

    assert asyncio.run(main()) == ("hello async", [("1", "AsyncPostDocument", "hello async")])
    assert raw.get(index=f"{prefix}posts", id="1")["_source"]["title"] == "hello async"


def test_in_test_mode_an_async_document_writes_to_the_test_index(prefix: str) -> None:
    create_indices()
    setup_djangoes()
    try:
        for found in find_test_indices():
            found.create(keepdb=False, interactive=False, verbosity=0)

        async def main() -> Any:
            await post("t", "test post").save(refresh=True)
            return await titles()

        assert asyncio.run(main()) == [("t", "AsyncPostDocument", "test post")]
        raw = connections["default"].client
        assert raw.exists(index=f"{prefix}posts_test", id="t")
        assert raw.count(index=f"{prefix}posts")["count"] == 0  # live: untouched
        for found in find_test_indices():
            found.destroy(verbosity=0)
    finally:
        teardown_djangoes()


def test_async_requests_are_the_connections(prefix: str) -> None:
    create_indices()

    async def main() -> int:
        with CaptureRequestsContext(aconnections["default"]) as requests:
            await post("1", "counted").save()
            await AsyncPostDocument.search().count()
        return len(requests)

    assert asyncio.run(main()) == 2


async def one(document: Any) -> AsyncIterator[Any]:
    yield document


def test_an_async_document_follows_a_rebuild_and_is_journaled(
    prefix: str, settings_of: Any
) -> None:
    with settings_of(REBUILD=True):
        raw = connections["default"].client
        create_indices()
        asyncio.run(post("1", "before").save(refresh=True))
        new = rebuild(connections["default"], "posts").new
        journal = f"{prefix}journal"
        raw.indices.create(
            index=journal,
            settings={"index.hidden": True},
            mappings=JOURNAL_MAPPINGS,
            aliases={marker(f"{prefix}posts"): {"is_hidden": True}},
        )

        async def main() -> Any:
            await post("2", "after").save(refresh=True)
            await AsyncPostDocument.bulk(one(post("3", "bulk")), refresh=True)
            return await titles(), {h.meta.index async for h in AsyncPostDocument.search()}

        found, indices = asyncio.run(main())
        assert found == [
            ("1", "AsyncPostDocument", "before"),
            ("2", "AsyncPostDocument", "after"),
            ("3", "AsyncPostDocument", "bulk"),
        ]
        assert indices == {new}
        raw.indices.refresh(index=journal)
        entries = raw.search(index=journal, sort=[{"_seq_no": "asc"}])["hits"]["hits"]
        assert [(e["_source"]["kind"], e["_source"]["id"]) for e in entries] == [
            ("done", "2"),
            ("done", "3"),
        ]


def test_async_using_is_a_djangoes_alias(
    server: dict[str, Any], settings_of: Any, prefix: str
) -> None:
    servers = {
        "default": {**server, "INDICES": ["notes"]},
        "search": {**server, "INDICES": ["posts"]},
    }
    with settings_of(servers):
        create_indices()

        async def main() -> Any:
            with CaptureRequestsContext(aconnections["search"]) as requests:
                await post("1", "through search").save()  # the connection serving 'posts'
                await AsyncPostDocument.search(using="search").count()
            with CaptureRequestsContext(aconnections["default"]) as others:
                await AsyncPostDocument.search(using="default").count()
            return [r["path"] for r in requests], [r["path"] for r in others]

        sent, others = asyncio.run(main())
        assert sent == [f"/{prefix}posts/_doc/1", f"/{prefix}posts/_count"]
        assert others == [f"/{prefix}posts/_count"]


def test_async_and_sync_documents_share_the_index(prefix: str) -> None:
    create_indices()
    from .documents import PostDocument

    asyncio.run(post("a", "written async").save(refresh=True))
    assert PostDocument.get("a").title == "written async"


class AsyncPostSearch(AsyncFacetedSearch):
    doc_types = [AsyncPostDocument]
    facets = {"tags": TermsFacet(field="tags")}


def test_an_async_faceted_search(prefix: str) -> None:
    create_indices()

    async def main() -> Any:
        await AsyncPostDocument(meta={"id": "1"}, title="a", tags=["x"]).save()
        await AsyncPostDocument(meta={"id": "2"}, title="b", tags=["x", "y"]).save(refresh=True)
        response = await AsyncPostSearch(filters={"tags": "y"}).execute()
        return [hit.meta.id for hit in response], response.facets.tags

    assert asyncio.run(main()) == (["2"], [("x", 2, False), ("y", 1, True)])
