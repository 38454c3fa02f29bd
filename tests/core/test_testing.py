"""Test mode: test names everywhere, and test tooling that never touches a live index."""

from __future__ import annotations

import multiprocessing
import re
import threading
import unittest
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from elasticsearch import Elasticsearch

from djangoes import ConnectionHandler, connections
from djangoes import test as djangoes_test
from djangoes.test.indices import TestIndices, created
from djangoes.test.utils import (
    CaptureRequestsContext,
    refresh_test_indices,
    setup_djangoes,
    teardown_djangoes,
    worker_suffix,
)


def handler_for(url: str, indices: dict | None = None, **server: object) -> ConnectionHandler:
    return ConnectionHandler(
        servers={"default": {"ENGINE": "http", "HOSTS": [url], "INDICES": ["books"], **server}},
        indices=indices or {"books": {"NAME": "books_v1", "ALIASES": ["books"]}},
    )


def test_test_mode_switches_every_thread_and_back(server_url: str) -> None:
    handler = handler_for(server_url)
    assert handler["default"].indices == ["books"]
    setup_djangoes(handler=handler)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(handler["default"].indices))
    thread.start()
    thread.join()
    assert handler["default"].indices == ["books_test"]
    assert handler["default"].index_names == ["books_v1_test"]
    assert seen == [["books_test"]]
    setup_djangoes("_3", handler=handler)
    assert handler["default"].index_names == ["books_v1_test_3"]
    teardown_djangoes(handler=handler)
    assert handler["default"].indices == ["books"]


def test_a_server_test_indices_replace_its_indices(server_url: str) -> None:
    handler = handler_for(
        server_url, indices={"books": {}, "books_fixture": {}}, TEST={"INDICES": ["books_fixture"]}
    )
    setup_djangoes(handler=handler)
    assert handler["default"].index_names == ["books_fixture_test"]


def _child_names(handler: ConnectionHandler, queue: multiprocessing.Queue) -> None:
    queue.put(handler["default"].index_names)


def test_a_forked_child_stays_in_test_mode(server_url: str) -> None:
    handler = handler_for(server_url)
    setup_djangoes("_7", handler=handler)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child_names, args=(handler, queue))
    process.start()
    assert queue.get(timeout=30) == ["books_v1_test_7"]
    process.join(30)


def test_a_test_name_that_is_live_is_refused_before_any_request() -> None:
    # The host is closed: a request would raise a connection error, not ImproperlyConfigured.
    handler = handler_for(
        "http://127.0.0.1:9",
        indices={"books": {"NAME": "books"}, "archive": {"NAME": "books_test_1"}},
    )
    with pytest.raises(ImproperlyConfigured, match=r"'books_test_1', which is also a live"):
        setup_djangoes("_1", handler=handler)
    assert not handler.testing


def test_a_test_name_that_is_a_live_alias_of_settings_is_refused() -> None:
    # A live alias declared in SETTINGS['aliases'] counts as a live name, with the suffix too.
    handler = handler_for(
        "http://127.0.0.1:9",
        indices={
            "books": {"NAME": "books_v1", "ALIASES": ["books"]},
            "archive": {"NAME": "archive", "SETTINGS": {"aliases": {"books_test_gw0": {}}}},
        },
    )
    setup_djangoes(handler=handler)  # without a suffix, no clash
    teardown_djangoes(handler=handler)
    with pytest.raises(
        ImproperlyConfigured,
        match=re.escape(
            "ES_INDICES['books']['TEST']['ALIASES'] with the test suffix '_gw0' uses "
            "'books_test_gw0', which is also a live name (ES_INDICES['archive']['SETTINGS'])"
        ),
    ):
        setup_djangoes("_gw0", handler=handler)
    assert not handler.testing


def test_test_mode_is_a_flag_of_the_connection(server_url: str) -> None:
    rebuilt = {"books": {"NAME": "books_v1", "ALIASES": ["books"], "REBUILD": True}}
    handler = handler_for(server_url, indices=rebuilt)
    assert handler["default"].testing is False
    assert list(handler["default"].rebuilt_indices) == ["books"]
    setup_djangoes("_5", handler=handler)
    try:
        assert handler.test_suffix == "_5"
        assert handler["default"].testing is True
        assert handler["default"].rebuilt_indices == {}  # test indices are never journaled
    finally:
        teardown_djangoes(handler=handler)
    assert handler["default"].testing is False


def test_test_indices_are_only_managed_in_test_mode(server_url: str) -> None:
    handler = handler_for(server_url)
    with pytest.raises(ImproperlyConfigured, match="only managed in test mode"):
        TestIndices(handler["default"], handler)


def test_a_connection_made_before_test_mode_is_refused(server_url: str) -> None:
    handler = handler_for(server_url)
    live_connection = handler["default"]  # built on the live names
    setup_djangoes(handler=handler)
    with pytest.raises(ImproperlyConfigured, match="'books_v1' as a test index, but it is a live"):
        TestIndices(live_connection, handler)


def test_create_reset_destroy_on_test_names_only(server_url: str) -> None:
    name = f"b{uuid.uuid4().hex[:8]}"
    handler = handler_for(
        server_url,
        indices={
            "books": {
                "NAME": name,
                "SETTINGS": {"mappings": {"properties": {"t": {"type": "keyword"}}}},
            }
        },
    )
    live = Elasticsearch(server_url)  # switching to test mode closes the live connections
    live.indices.create(index=name)
    live.index(index=name, id="live", document={"t": "x"}, refresh=True)
    setup_djangoes(handler=handler)
    indices = TestIndices(handler["default"], handler)
    indices.create(verbosity=0)
    baseline = indices.capture()
    connection = handler["default"]
    connection.index(id="1", document={"t": "a", "new_field": 1})
    indices.reset(baseline)
    assert connection.count()["count"] == 0
    mapping = connection.client.indices.get_mapping(index=name + "_test")
    assert "new_field" not in mapping[name + "_test"]["mappings"]["properties"]
    indices.destroy(verbosity=0)
    assert not connection.client.indices.exists(index=name + "_test")
    assert live.get(index=name, id="live")["found"]
    live.indices.delete(index=name)


def test_capture_requests_and_refresh_helper(server_url: str) -> None:
    name = f"c{uuid.uuid4().hex[:8]}"
    handler = handler_for(server_url, indices={"books": {"NAME": name}})
    setup_djangoes(handler=handler)
    TestIndices(handler["default"], handler).create(verbosity=0)
    connection = handler["default"]
    with CaptureRequestsContext(connection) as captured:
        connection.index(id="1", document={"a": 1})
        connection.count()
    assert [(r["method"], r["status"]) for r in captured] == [("PUT", 201), ("POST", 200)]
    assert captured[0]["path"] == f"/{name}_test/_doc/1"
    assert connection.count()["count"] == 0  # not yet refreshed
    refresh_test_indices(handler=handler)
    assert connection.count()["count"] == 1
    TestIndices(connection, handler).destroy(verbosity=0)


def run_case(case: type) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


@pytest.mark.parametrize("es_connections", [{"default"}, "__all__"])
def test_a_test_case_touches_only_the_connections_it_names(
    server_url: str, es_connections: set[str] | str
) -> None:
    mine, other = (f"{n}{uuid.uuid4().hex[:8]}" for n in "mo")
    suffix = worker_suffix()  # the test case's names under pytest-xdist: books_test_gw0
    server = {"ENGINE": "http", "HOSTS": [server_url]}
    raw = Elasticsearch(server_url)
    raw.index(index=f"{other}_test{suffix}", id="left", document={"a": 1}, refresh=True)

    class Case(djangoes_test.SimpleTestCase):
        def test_write(self) -> None:
            connections["default"].index(id="1", document={"a": 1}, refresh=True)

        def test_starts_empty(self) -> None:
            self.assertEqual(connections["default"].count()["count"], 0)

    Case.es_connections = es_connections
    with override_settings(
        ES_SERVERS={
            "default": {**server, "INDICES": [mine]},
            "other": {**server, "INDICES": [other]},
        },
        ES_INDICES={mine: {}, other: {}},
    ):
        try:
            result = run_case(Case)
            assert result.wasSuccessful(), result.errors + result.failures
            assert raw.indices.exists(index=f"{mine}_test{suffix}")
            # Named, the index left behind is replaced (empty); not named, it is untouched.
            assert raw.count(index=f"{other}_test{suffix}")["count"] == (
                1 if es_connections != "__all__" else 0
            )
        finally:
            teardown_djangoes()
    # The end of the run deletes what the test case created, and only that.
    assert not raw.indices.exists(index=f"{mine}_test{suffix}")
    assert raw.indices.exists(index=f"{other}_test{suffix}") == (es_connections != "__all__")
    raw.options(ignore_status=404).indices.delete(index=f"{other}_test{suffix}")


def test_leftovers_under_other_suffixes_are_removed_never_live_or_used_ones(
    server_url: str,
) -> None:
    name = f"l{uuid.uuid4().hex[:8]}"
    handler = handler_for(server_url, indices={"books": {"NAME": name}})
    raw = Elasticsearch(server_url)
    left = [f"{name}_test_gw1", f"{name}_test_3"]  # killed workers' of other runs
    kept = [name, f"{name}_test_1", f"{name}_test_archive", f"{name}_testy"]
    for index in left + kept:
        raw.indices.create(index=index)
    created.suffixes = ["", "_1"]  # as the runner's parent with --parallel 1
    try:
        setup_djangoes(handler=handler)
        TestIndices(handler["default"], handler).create(verbosity=0)
        existing = set(raw.indices.get(index=f"{name}*"))
        assert existing == {f"{name}_test", *kept}
        teardown_djangoes(handler=handler)  # deletes what it created, not the _1 it found
        assert set(raw.indices.get(index=f"{name}*")) == set(kept)
    finally:
        created.suffixes = None
        raw.indices.delete(index=",".join(kept))


def _destroy_in_child(handler: ConnectionHandler, queue: multiprocessing.Queue) -> None:
    teardown_djangoes(handler=handler)
    queue.put(created.names(handler))


def test_a_forked_child_never_deletes_what_its_parent_created(server_url: str) -> None:
    name = f"f{uuid.uuid4().hex[:8]}"
    handler = handler_for(server_url, indices={"books": {"NAME": name}})
    setup_djangoes(handler=handler)
    TestIndices(handler["default"], handler).create(verbosity=0)
    assert created.names(handler) == [f"{name}_test"]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_destroy_in_child, args=(handler, queue))
    process.start()
    assert queue.get(timeout=30) == []  # the child created none
    process.join(30)
    raw = Elasticsearch(server_url)
    assert raw.indices.exists(index=f"{name}_test")
    teardown_djangoes(handler=handler, keepdb=True)  # kept when asked
    assert raw.indices.exists(index=f"{name}_test")
    assert created.names(handler) == [f"{name}_test"]
    setup_djangoes(handler=handler)
    teardown_djangoes(handler=handler)
    assert not raw.indices.exists(index=f"{name}_test")
    assert created.names(handler) == []
