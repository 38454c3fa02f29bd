"""``aconnections``: async views, one connection per event loop, the thread adapter, test mode."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import threading
from collections.abc import Iterator
from typing import Any

import opensearchpy
import opensearchpy.helpers
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, JsonResponse
from django.test import AsyncClient, override_settings
from django.urls import path
from elastic_transport import AiohttpHttpNode
from elasticsearch.helpers import async_bulk

from djangoes import AsyncConnectionHandler, ConnectionHandler, aconnection, aconnections
from djangoes.backends.abstracts import Base
from djangoes.backends.async_node import ThreadedNode
from djangoes.test.utils import setup_djangoes, teardown_djangoes
from djangoes_backends_embedded import EmbeddedNode
from tests.libraries import error
from tests.support import make_handler

TITLES = ["Dune", "Dune Messiah", "Foundation", "Hyperion"]


async def search(request: HttpRequest) -> JsonResponse:
    results = await aconnections["default"].search(query={"match": {"title": request.GET["q"]}})
    return JsonResponse({"ids": sorted(hit["_id"] for hit in results["hits"]["hits"])})


urlpatterns = [path("search/", search)]


def servers(engine: str, server_url: str, prefix: str) -> dict:
    if engine == "embedded":
        return {"default": {"ENGINE": "embedded", "PARAMS": {"name": prefix}, "INDICES": ["b"]}}
    return {"default": {"ENGINE": engine, "HOSTS": [server_url], "INDICES": ["b"]}}


def fill(handler: ConnectionHandler) -> None:
    """Index the titles through the synchronous connection."""
    for n, title in enumerate(TITLES):
        handler["default"].index(id=str(n), document={"title": title})
    handler["default"].refresh()


def books(engine: str, server_url: str, prefix: str) -> ConnectionHandler:
    """A connection over ``engine`` to an index of its own, filled with the titles."""
    handler = make_handler(servers(engine, server_url, prefix), {"b": {"NAME": prefix}})
    fill(handler)
    return handler


@pytest.fixture(params=["http", "embedded", "opensearch"])
def handler(request: pytest.FixtureRequest, server_url: str, prefix: str) -> ConnectionHandler:
    """Books over aiohttp (the served engine), then the in-process engine in threads, then
    opensearch-py's AsyncOpenSearch (over aiohttp too)."""
    return books(request.param, server_url, prefix)


@pytest.fixture
def site(server_url: str, prefix: str) -> Iterator[None]:
    """``djangoes.aconnections`` itself over HTTP, and the async view above."""
    with override_settings(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        ES_SERVERS=servers("http", server_url, prefix),
        ES_INDICES={"b": {"NAME": prefix}},
    ):
        from djangoes import connections

        fill(connections)
        yield


def no_unclosed_sessions(caplog: pytest.LogCaptureFixture) -> None:
    gc.collect()  # aiohttp reports an unclosed session when it is collected
    assert "Unclosed" not in caplog.text


@pytest.mark.usefixtures("site")
def test_an_async_view_searches_through_aconnections(caplog: pytest.LogCaptureFixture) -> None:
    response = asyncio.run(AsyncClient().get("/search/", {"q": "dune"}))
    assert response.status_code == 200
    assert response.json() == {"ids": ["0", "1"]}
    no_unclosed_sessions(caplog)


@pytest.mark.usefixtures("site")
def test_a_second_async_client_on_a_new_loop_works_too(caplog: pytest.LogCaptureFixture) -> None:
    for query, ids in (("foundation", ["2"]), ("hyperion", ["3"]), ("dune", ["0", "1"])):
        response = asyncio.run(AsyncClient().get("/search/", {"q": query}))
        assert response.json() == {"ids": ids}
    no_unclosed_sessions(caplog)


def test_each_event_loop_gets_its_own_connection_closed_with_the_loop(
    server_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    async_handler = AsyncConnectionHandler(books("http", server_url, prefix))

    async def count() -> tuple[object, int]:
        connection = async_handler["default"]
        assert async_handler["default"] is connection  # one per loop
        return connection, (await connection.count())["count"]

    (first, n1), (second, n2) = asyncio.run(count()), asyncio.run(count())
    assert n1 == n2 == len(TITLES)
    assert first is not second
    for connection in (first, second):
        (node,) = connection.client.transport.node_pool.all()
        assert isinstance(node, AiohttpHttpNode)
        assert node.session is None  # closed when its loop shut down
    assert async_handler._loops == {}  # and the loops forgotten
    no_unclosed_sessions(caplog)


def test_loops_in_several_threads_at_once(handler: ConnectionHandler) -> None:
    async_handler = AsyncConnectionHandler(handler)
    counts: list[int] = []

    async def count() -> None:
        counts.append((await async_handler["default"].count())["count"])

    threads = [threading.Thread(target=asyncio.run, args=(count(),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts == [len(TITLES)] * 4


def test_fifty_concurrent_searches(handler: ConnectionHandler) -> None:
    async_handler = AsyncConnectionHandler(handler)

    async def searches() -> list[list[str]]:
        results = await asyncio.gather(
            *(
                async_handler["default"].search(query={"match": {"title": TITLES[n % 4]}})
                for n in range(50)
            )
        )
        return [sorted(hit["_id"] for hit in r["hits"]["hits"]) for r in results]

    found = asyncio.run(searches())
    assert len(found) == 50
    assert found[:4] == [["0", "1"], ["0", "1"], ["2"], ["3"]]  # "Dune" matches both
    assert found[4:8] == found[:4]


def test_errors_are_the_clients_exceptions(handler: ConnectionHandler) -> None:
    async_handler = AsyncConnectionHandler(handler)

    async def errors() -> None:
        connection = async_handler["default"]
        with pytest.raises(error(connection, "not found")):
            await connection.get(id="missing")
        await connection.create(id="new", document={"title": "x"})
        with pytest.raises(error(connection, "conflict")):
            await connection.create(id="new", document={"title": "x"})
        assert not await connection.exists(id="missing")
        assert await connection.options(ignore_status=404).get(id="missing") == {
            "_index": connection.indices[0],
            "_id": "missing",
            "found": False,
        }

    asyncio.run(errors())


def test_the_embedded_engine_runs_in_worker_threads(
    server_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    async_handler = AsyncConnectionHandler(books("embedded", server_url, prefix))
    caplog.set_level(logging.DEBUG, logger="elastic_transport.node")  # the node logs each request

    async def search() -> int:
        connection = async_handler["default"]
        (node,) = connection.client.transport.node_pool.all()
        assert isinstance(node, ThreadedNode) and isinstance(node.node, EmbeddedNode)
        results = await connection.search(query={"match_all": {}})
        return results["hits"]["total"]["value"]

    assert asyncio.run(search()) == len(TITLES)
    served = [r for r in caplog.records if r.name == "elastic_transport.node"]
    assert served and all(r.thread != threading.main_thread().ident for r in served)


def test_the_helpers_and_the_proxy_work_on_async_connections(server_url: str, prefix: str) -> None:
    indices = {"b": {"NAME": prefix}}
    with override_settings(ES_SERVERS=servers("http", server_url, prefix), ES_INDICES=indices):

        async def load() -> int:
            actions = ({"_id": str(n), "title": f"t{n}"} for n in range(30))
            done, errors = await async_bulk(aconnections["default"], actions, refresh=True)
            assert errors == []
            return done, (await aconnection.count())["count"]

        assert asyncio.run(load()) == (30, 30)


def test_opensearch_async_helpers_requests_and_close(server_url: str, prefix: str) -> None:
    """``ENGINE: 'opensearch'`` in ``aconnections``: AsyncOpenSearch, opensearch-py's async
    helpers on the connection itself, its requests in the connection's log, its aiohttp session
    closed by ``aclose_all()``."""
    handler = make_handler(servers("opensearch", server_url, prefix), {"b": {"NAME": prefix}})
    handler["default"].client.indices.create(index=prefix)
    async_handler = AsyncConnectionHandler(handler)

    async def load() -> tuple[Any, int, list[dict[str, Any]]]:
        connection = async_handler["default"]
        assert isinstance(connection.client, opensearchpy.AsyncOpenSearch)
        connection.force_queries_log = True
        actions = ({"_id": str(n), "title": f"t{n}"} for n in range(30))
        done, errors = await opensearchpy.helpers.async_bulk(connection, actions, refresh=True)
        assert (done, errors) == (30, [])
        count = (await connection.count())["count"]
        queries = connection.queries
        await async_handler.aclose_all()
        return connection, count, queries

    connection, count, queries = asyncio.run(load())
    assert count == 30
    assert [(q["method"], q["status"]) for q in queries] == [("POST", 200), ("POST", 200)]
    assert queries[1]["path"] == f"/{prefix}/_count"
    (pooled,) = connection.client.transport.connection_pool.connections
    assert pooled.session is None  # closed


def test_test_mode_applies_to_async_connections(server_url: str, prefix: str) -> None:
    handler = make_handler(
        servers("http", server_url, prefix), {"b": {"NAME": prefix, "ALIASES": [f"{prefix}r"]}}
    )
    async_handler = AsyncConnectionHandler(handler)

    async def names() -> list[list[str]]:
        seen = [async_handler["default"].indices]
        setup_djangoes("_2", handler=handler)
        seen.append(async_handler["default"].indices)  # the same loop sees the change
        teardown_djangoes(handler=handler)
        seen.append(async_handler["default"].indices)
        return seen

    assert asyncio.run(names()) == [[f"{prefix}r"], [f"{prefix}r_test_2"], [f"{prefix}r"]]
    setup_djangoes(handler=handler)

    async def index_names() -> list[str]:
        return async_handler["default"].index_names

    assert asyncio.run(index_names()) == [f"{prefix}_test"]


def test_aclose_all_closes_the_running_loops_connections(server_url: str, prefix: str) -> None:
    async_handler = AsyncConnectionHandler(
        make_handler(servers("http", server_url, prefix), {"b": {"NAME": prefix}})
    )

    async def reopen() -> tuple[object, object]:
        first = async_handler["default"]
        await first.ping()
        await async_handler.aclose_all()
        assert first.client.transport.node_pool.all()[0].session is None
        second = async_handler["default"]
        assert await second.ping()
        return first, second

    first, second = asyncio.run(reopen())
    assert first is not second


def test_aconnections_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="aconnections is for coroutines"):
        aconnections["default"]


class PlainBackend(Base):
    """A backend of its own, not on elasticsearch-py's client: synchronous only."""

    def configure_client(self) -> None:
        self.client = object()


def test_a_backend_without_an_async_client_says_so() -> None:
    handler = make_handler({"default": {"ENGINE": f"{__name__}.PlainBackend"}})
    async_handler = AsyncConnectionHandler(handler)

    async def lookup() -> None:
        async_handler["default"]

    with pytest.raises(ImproperlyConfigured, match=r"PlainBackend .* has no asynchronous client"):
        asyncio.run(lookup())


def _child(async_handler: AsyncConnectionHandler, queue: multiprocessing.Queue) -> None:
    inherited = len(async_handler._loops)

    async def ping() -> bool:
        return await async_handler["default"].ping()

    queue.put((inherited, asyncio.run(ping())))


def test_a_forked_child_never_reuses_its_parents_async_connections(
    server_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")
    async_handler = AsyncConnectionHandler(
        make_handler(servers("http", server_url, prefix), {"b": {"NAME": prefix}})
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever)
    thread.start()

    async def ping() -> bool:
        return await async_handler["default"].ping()

    try:
        assert asyncio.run_coroutine_threadsafe(ping(), loop).result(30)
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        process = context.Process(target=_child, args=(async_handler, queue))
        process.start()
        assert queue.get(timeout=30) == (0, True)
        process.join(30)
        assert asyncio.run_coroutine_threadsafe(ping(), loop).result(30)  # still open here
        asyncio.run_coroutine_threadsafe(async_handler.aclose_all(), loop).result(30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
