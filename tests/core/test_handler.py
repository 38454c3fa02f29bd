"""ConnectionHandler: per-thread connections, forks, override_settings, and 0.3's API."""

from __future__ import annotations

import multiprocessing
import threading
import uuid

import pytest
from django.test import override_settings

from djangoes import ConnectionDoesNotExist, ConnectionHandler, connection, connections
from djangoes.backends.abstracts import Base
from tests.support import make_handler


def embedded(name: str | None = None, **extra: object) -> dict:
    return {"ENGINE": "embedded", "PARAMS": {"name": name or uuid.uuid4().hex}, **extra}


def test_one_object_per_thread_and_two_threads_two_objects() -> None:
    handler = make_handler({"default": embedded()})
    here = handler["default"]
    assert handler["default"] is here
    seen: list = []
    threads = [threading.Thread(target=lambda: seen.append(handler["default"])) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 2
    assert all(c is not here for c in seen)


def test_connection_proxy_is_the_default_connection() -> None:
    assert connection == connections["default"]
    assert connection.alias == "default"


def test_unknown_alias_is_a_key_error_that_names_it() -> None:
    handler = make_handler({"default": embedded()})
    with pytest.raises(ConnectionDoesNotExist, match="'nope'") as error:
        handler["nope"]
    assert isinstance(error.value, KeyError)
    with pytest.raises(KeyError):
        handler.ensure_server_defaults("nope")
    with pytest.raises(KeyError):
        handler.ensure_index_defaults("nope")


def test_all_and_iteration() -> None:
    handler = make_handler({"default": embedded(), "other": embedded()})
    assert list(handler) == ["default", "other"]
    assert [c.alias for c in handler.all()] == ["default", "other"]


def test_0_3_api() -> None:
    handler = ConnectionHandler(
        servers={"default": {**embedded(), "INDICES": ["books"]}},
        indices={"books": {"ALIASES": ["library"]}},
    )
    handler.ensure_server_defaults("default")
    handler.ensure_index_defaults("books")
    handler.prepare_server_test_settings("default")
    handler.prepare_index_test_settings("books")
    assert handler.servers["default"]["TEST"] == {}
    assert handler.indices["books"]["TEST"]["NAME"] == "books_test"
    server_indices = handler.get_server_indices(handler.servers["default"])
    assert list(server_indices) == ["books"]
    backend = handler.load_backend("default")
    assert isinstance(backend, Base)
    assert backend.client is None  # load_backend builds; the handler then configures
    assert backend.indices == ["library"]


def test_close_all_closes_and_the_next_lookup_reopens() -> None:
    handler = make_handler({"default": embedded()})
    first = handler["default"]
    handler.close_all()
    assert handler["default"] is not first


def test_override_settings_takes_effect() -> None:
    name = uuid.uuid4().hex
    with override_settings(
        ES_SERVERS={"default": embedded(name), "extra": embedded(name)}, ES_INDICES={"books": {}}
    ):
        assert "extra" in connections.settings
        assert connections["extra"].server["PARAMS"]["name"] == name
        assert "books" in connections.indices
    assert "extra" not in connections.settings
    with pytest.raises(ConnectionDoesNotExist):
        connections["extra"]


def _child(handler: ConnectionHandler, parent_client_id: int, queue: multiprocessing.Queue) -> None:
    connection = handler["default"]
    queue.put((id(connection.client) != parent_client_id, connection.info()["tagline"]))


def test_a_forked_child_gets_a_fresh_connection(server_url: str) -> None:
    handler = make_handler({"default": {"ENGINE": "http", "HOSTS": [server_url]}})
    parent = handler["default"]
    parent.info()  # the parent has an open, pooled socket
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(handler, id(parent.client), queue))
    process.start()
    fresh, tagline = queue.get(timeout=30)
    process.join(30)
    assert process.exitcode == 0
    assert fresh
    assert tagline == "You Know, for Search"
    # The parent's connection still works, on its own socket.
    assert handler["default"] is parent
    assert parent.info()["tagline"] == "You Know, for Search"
