"""The writer's side of a rebuild: marker lookups, journal entries, writes held and sent again.

These tests set up a rebuild's state by hand (a journal index with the marker alias, a write
block), so that each step of the protocol is seen on its own; ``test_concurrent_writes`` runs
them all together.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from django.test import override_settings

from djangoes import AsyncConnectionHandler
from djangoes.rebuild import JournalError, markers
from djangoes.rebuild.names import marker
from djangoes.rebuild.process import JOURNAL_MAPPINGS
from djangoes.test.utils import setup_djangoes, teardown_djangoes
from tests.libraries import bulk, error

from .helpers import handler_of

pytestmark = pytest.mark.usefixtures("configured")


@pytest.fixture
def handler(server: dict[str, Any], prefix: str) -> Any:
    handler = handler_of(server, {"blog": {"NAME": f"{prefix}blog", "ALIASES": [f"{prefix}b"]}})
    handler["default"].client.indices.create(index=f"{prefix}blog", aliases={f"{prefix}b": {}})
    return handler


def start_rebuild(connection: Any, prefix: str, mappings: dict | None = None) -> str:
    """A rebuild's journal and marker, as a rebuild makes them; the journal's name."""
    journal = f"{prefix}journal"
    connection.client.indices.create(
        index=journal,
        settings={"index.hidden": True},
        mappings=mappings or JOURNAL_MAPPINGS,
        aliases={marker(f"{prefix}blog"): {"is_hidden": True}},
    )
    return journal


def entries(connection: Any, journal: str) -> list[tuple[str, str]]:
    connection.client.indices.refresh(index=journal)
    hits = connection.client.search(index=journal, size=100, sort=[{"_seq_no": "asc"}])
    return [(hit["_source"]["kind"], hit["_source"]["id"]) for hit in hits["hits"]["hits"]]


class Requests:
    """The requests a connection sends (method, path), counted at its transport."""

    def __init__(self, connection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[str, str]] = []
        transport = connection.client.transport
        original = transport.perform_request

        def perform_request(method: str, target: str, **kwargs: Any) -> Any:
            self.sent.append((method, target))
            return original(method, target, **kwargs)

        monkeypatch.setattr(transport, "perform_request", perform_request)

    def lookups(self) -> int:
        return sum(1 for _, target in self.sent if target.startswith("/_alias/"))


# No rebuild: what it costs


def test_writes_look_for_a_rebuild_once_per_ttl(
    handler: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = handler["default"]
    requests = Requests(connection, monkeypatch)
    with override_settings(ES_REBUILD_TTL=60):
        for number in range(20):
            connection.index(id=str(number), document={"n": number})
        assert requests.lookups() == 1
        assert len(requests.sent) == 21
        markers.of(connection).checked_at -= 60  # a minute later
        connection.index(id="after", document={})
    assert requests.lookups() == 2


def test_reads_and_other_indices_never_look(
    handler: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = handler["default"]
    requests = Requests(connection, monkeypatch)
    connection.search()
    connection.client.index(index=f"{prefix}elsewhere", id="1", document={})
    connection.index(index=f"{prefix}elsewhere", id="2", document={})
    assert requests.lookups() == 0


def test_test_mode_connections_never_look(
    handler: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_djangoes(handler=handler)
    try:
        connection = handler["default"]
        requests = Requests(connection, monkeypatch)
        connection.index(id="1", document={})
        assert requests.lookups() == 0
    finally:
        teardown_djangoes(handler=handler)


# During a rebuild


def test_each_write_leaves_a_done_entry_and_no_intent(handler: Any, prefix: str) -> None:
    connection = handler["default"]
    journal = start_rebuild(connection, prefix)
    connection.index(id="1", document={"n": 1})
    connection.update(id="1", doc={"n": 2})
    connection.delete(id="1")
    connection.create(id="2", document={}, routing="r")
    bulk(connection, [{"_id": "3"}, {"_op_type": "delete", "_id": "2", "routing": "r"}])
    auto = connection.index(document={"auto": True})["_id"]
    assert entries(connection, journal) == [
        ("done", "1"),
        ("done", "1"),
        ("done", "1"),
        ("done", "2"),
        ("done", "3"),
        ("done", "2"),
        ("done", auto),
    ]
    routed = connection.client.search(index=journal, query={"term": {"routing": "r"}})
    assert routed["hits"]["total"]["value"] == 2


def test_a_write_that_cannot_be_journaled_is_not_sent(handler: Any, prefix: str) -> None:
    connection = handler["default"]
    start_rebuild(connection, prefix, mappings={"dynamic": "strict", "properties": {}})
    with pytest.raises(JournalError, match="could not record the write of document '1'"):
        connection.index(id="1", document={})
    assert not connection.client.exists(index=f"{prefix}blog", id="1")


def test_a_rebuild_that_ended_since_the_lookup_is_forgotten(handler: Any, prefix: str) -> None:
    connection = handler["default"]
    journal = start_rebuild(connection, prefix)
    connection.index(id="1", document={})
    connection.client.indices.delete(index=journal)
    connection.index(id="2", document={})  # the journal's alias is gone: written all the same
    assert connection.client.exists(index=f"{prefix}blog", id="2")
    assert markers.of(connection).journals == {}


def test_a_rebuild_learnt_of_after_the_write_is_journaled(
    handler: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = handler["default"]
    journal = start_rebuild(connection, prefix)
    real = markers.lookup
    calls = []

    def stale_first(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            return {}  # what a cache from before the rebuild says
        return (yield from real(*args, **kwargs))

    monkeypatch.setattr(markers, "lookup", stale_first)
    connection.index(id="1", document={})
    assert entries(connection, journal) == [("done", "1")]


def test_a_by_query_write_cancels_the_rebuild(handler: Any, prefix: str) -> None:
    connection = handler["default"]
    start_rebuild(connection, prefix)
    connection.index(id="1", document={}, refresh=True)
    connection.delete_by_query(query={"match_all": {}}, refresh=True)
    assert not connection.client.indices.exists_alias(
        name=marker(f"{prefix}blog"), expand_wildcards="all"
    )
    assert connection.count()["count"] == 0


def test_a_held_write_is_sent_again_once_the_aliases_moved(handler: Any, prefix: str) -> None:
    connection = handler["default"]
    journal = start_rebuild(connection, prefix)
    client = connection.client
    client.indices.create(index=f"{prefix}blog-new")
    client.indices.add_block(index=f"{prefix}blog", block="write")  # the final pass
    written = []

    def write() -> None:
        written.append(handler["default"].index(id="held", document={"v": 1}))

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.2)
    assert not written  # held while the old index is blocked
    assert ("intent", "held") in entries(connection, journal)
    client.indices.update_aliases(
        actions=[
            {"remove": {"index": f"{prefix}blog", "alias": f"{prefix}b"}},
            {"add": {"index": f"{prefix}blog-new", "alias": f"{prefix}b"}},
        ]
    )
    writer.join()
    assert written[0]["_index"] == f"{prefix}blog-new"
    assert entries(connection, journal)[-1] == ("done", "held")
    assert "intent" not in {kind for kind, _ in entries(connection, journal)}


def test_a_held_write_fails_after_the_hold_timeout(handler: Any, prefix: str) -> None:
    connection = handler["default"]
    start_rebuild(connection, prefix)
    connection.client.indices.add_block(index=f"{prefix}blog", block="write")
    started = time.monotonic()
    with (
        override_settings(ES_REBUILD_HOLD_TIMEOUT=0.3),
        pytest.raises(error(connection, "forbidden")),
    ):
        connection.index(id="1", document={})
    assert 0.3 <= time.monotonic() - started < 2


def test_a_held_bulk_sends_only_the_refused_items_again(
    handler: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = handler["default"]
    start_rebuild(connection, prefix)
    client = connection.client
    client.indices.create(index=f"{prefix}other")
    client.indices.add_block(index=f"{prefix}blog", block="write")
    threading.Timer(
        0.2,
        lambda: client.indices.put_settings(
            index=f"{prefix}blog", settings={"index.blocks.write": None}
        ),
    ).start()
    response = connection.bulk(
        operations=[
            {"index": {"_index": f"{prefix}b", "_id": "1"}},
            {"v": 1},
            {"index": {"_index": f"{prefix}other", "_id": "2"}},
            {"v": 2},
        ]
    )
    assert response["errors"] is False
    assert [item["index"]["_id"] for item in response["items"]] == ["1", "2"]
    assert client.get(index=f"{prefix}other", id="2")["_version"] == 1


def test_an_async_connection_journals_its_writes(handler: Any, prefix: str) -> None:
    connection = handler["default"]
    journal = start_rebuild(connection, prefix)
    aconnections = AsyncConnectionHandler(handler)

    async def main() -> None:
        await aconnections["default"].index(id="1", document={})
        await aconnections["default"].delete(id="1")

    asyncio.run(main())
    assert entries(connection, journal) == [("done", "1"), ("done", "1")]
