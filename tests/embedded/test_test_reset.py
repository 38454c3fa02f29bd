"""The reset between tests, served by the engine in this process (``EngineReset``).

The embedded backend resets test indices without the refresh and delete-by-query requests:
the isolation must be the one those give, unrefreshed writes included, in memory and in a data
directory (whose translog then holds writes no commit has).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from djangoes import ConnectionHandler
from djangoes.test.indices import TestIndices, created
from djangoes.test.utils import CaptureRequestsContext, setup_djangoes
from djangoes_backends_embedded.testing import EngineReset
from djangoes_engine.engines import close_engine


def handler_for(params: dict[str, Any]) -> ConnectionHandler:
    return ConnectionHandler(
        servers={"default": {"ENGINE": "embedded", "INDICES": ["books"], "PARAMS": params}},
        indices={
            "books": {
                "NAME": "books",
                "SETTINGS": {"mappings": {"properties": {"t": {"type": "keyword"}}}},
            }
        },
    )


@pytest.fixture(params=["memory", "directory"])
def params(request: pytest.FixtureRequest, tmp_path: Path):
    params = (
        {"name": f"reset-{uuid.uuid4().hex}"}
        if request.param == "memory"
        else {"path": str(tmp_path / "data")}
    )
    yield params
    close_engine(**params)


def test_a_reset_in_process_isolates_as_the_requests_do(params: dict[str, Any]) -> None:
    handler = handler_for(params)
    setup_djangoes(handler=handler)
    connection = handler["default"]
    indices = TestIndices(connection, handler)
    assert isinstance(indices.fast, EngineReset)
    indices.create(verbosity=0)
    baseline = indices.capture()
    # A test's write, not refreshed: one request (the definitions) resets it.
    first = connection.index(id="1", document={"t": "a"})
    with CaptureRequestsContext(connection) as captured:
        indices.reset(baseline)
    assert len(captured) == 1
    assert not connection.client.exists(index="books_test", id="1")
    assert connection.count()["count"] == 0
    # Sequence numbers never go back: the deletion took one too.
    second = connection.index(id="2", document={"t": "b"})
    assert second["_seq_no"] == first["_seq_no"] + 2
    connection.client.indices.refresh(index="books_test")
    assert [h["_id"] for h in connection.search()["hits"]["hits"]] == ["2"]
    # A test's refreshed write, and a new field: reset too.
    connection.index(id="3", document={"t": "c", "new_field": 1}, refresh=True)
    indices.reset(baseline)
    assert connection.count()["count"] == 0
    mapping = connection.client.indices.get_mapping(index="books_test")["books_test"]
    assert "new_field" not in mapping["mappings"]["properties"]
    # Nothing written since: nothing to do.
    with CaptureRequestsContext(connection) as captured:
        indices.reset(baseline)
    assert len(captured) == 1
    # Documents indexed before the baseline come back after a test's writes.
    connection.index(id="kept", document={"t": "k"}, refresh=True)
    with_documents = indices.capture()
    connection.delete(id="kept")
    connection.index(id="4", document={"t": "d"})
    indices.reset(with_documents)
    assert connection.get(id="kept")["_source"] == {"t": "k"}
    assert connection.count()["count"] == 1
    indices.destroy(verbosity=0)


def test_what_a_reset_deleted_stays_deleted_after_a_restart(tmp_path: Path) -> None:
    """The deletions a reset made without a commit are in the translog: a restart replays
    them over the last commit, with the writes they cancel."""
    params = {"path": str(tmp_path / "data")}
    handler = handler_for(params)
    setup_djangoes(handler=handler)
    connection = handler["default"]
    indices = TestIndices(connection, handler)
    indices.create(verbosity=0)
    baseline = indices.capture()
    connection.index(id="1", document={"t": "a"})
    last = connection.index(id="2", document={"t": "b"})
    indices.reset(baseline)
    close_engine(**params)
    created.discard(indices, "books_test")  # deleted below, through the reopened engine
    reopened = handler_for(params)
    setup_djangoes(handler=reopened)
    client = reopened["default"].client
    client.indices.refresh(index="books_test")
    assert client.count(index="books_test")["count"] == 0
    assert not client.exists(index="books_test", id="1")
    written = client.index(index="books_test", id="1", document={"t": "f"}, refresh=True)
    assert written["_seq_no"] > last["_seq_no"] + 2  # after the two deletions too
    assert written["_version"] == 1
    assert client.count(index="books_test")["count"] == 1
    client.indices.delete(index="books_test")
    close_engine(**params)
