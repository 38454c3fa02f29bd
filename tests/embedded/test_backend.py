"""``ENGINE: 'embedded'``: djangoes connections on the engine, with no server."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from djangoes import ConnectionHandler
from djangoes_backends_embedded import EmbeddedNode, SimpleEmbeddedBackend
from djangoes_engine.engines import close_engine


def handler(**server: object) -> ConnectionHandler:
    name = f"backend-{uuid.uuid4().hex}"
    params = {"name": name, **server.pop("PARAMS", {})}  # type: ignore[dict-item]
    return ConnectionHandler(
        servers={
            "default": {"ENGINE": "embedded", "INDICES": ["books"], "PARAMS": params, **server}
        },
        indices={
            "books": {
                "NAME": "books_v1",
                "ALIASES": ["books"],
                "SETTINGS": {"mappings": {"properties": {"title": {"type": "text"}}}},
            }
        },
    )


def test_short_name_loads_the_embedded_backend() -> None:
    connections = handler()
    connection = connections["default"]
    assert isinstance(connection, SimpleEmbeddedBackend)
    assert isinstance(connection.client.transport.node_pool.get(), EmbeddedNode)


def test_dotted_path_loads_it_too() -> None:
    connections = handler(ENGINE="djangoes_backends_embedded.SimpleEmbeddedBackend")
    assert isinstance(connections["default"], SimpleEmbeddedBackend)


def test_calls_need_no_index_argument() -> None:
    connection = handler()["default"]
    for name, body in connection.get_indices_with_settings().items():
        connection.client.indices.create(index=name, **body)
    assert connection.indices == ["books"]
    connection.index(id="1", document={"title": "Snow Crash"}, refresh=True)
    assert connection.get(id="1")["_index"] == "books_v1"
    hits = connection.search(query={"match": {"title": "snow"}})["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["1"]
    assert connection.count()["count"] == 1
    close_engine(name=connection.server["PARAMS"]["name"])


def test_one_connection_per_thread() -> None:
    connections = handler()
    here = connections["default"]
    assert connections["default"] is here
    other = []
    thread = threading.Thread(target=lambda: other.append(connections["default"]))
    thread.start()
    thread.join()
    assert other[0] is not here
    # Both threads' connections reach the same in-memory engine.
    here.client.index(index="shared", id="1", document={"a": 1}, refresh=True)
    assert other[0].client.get(index="shared", id="1")["found"]


def test_data_directory_param(tmp_path: Path) -> None:
    connections = ConnectionHandler(
        servers={"default": {"ENGINE": "embedded", "PARAMS": {"path": str(tmp_path)}}}, indices={}
    )
    connection = connections["default"]
    connection.client.index(index="kept", id="1", document={"a": 1}, refresh=True)
    assert (tmp_path / "state.json").exists()
    close_engine(path=str(tmp_path))


def test_unknown_engine_lists_the_installed_ones() -> None:
    connections = ConnectionHandler(servers={"default": {"ENGINE": "nosuch"}}, indices={})
    with pytest.raises(ImproperlyConfigured, match=r"'nosuch'.*installed: .*embedded"):
        connections["default"]
