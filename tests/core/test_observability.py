"""The request log, the requests kept in DEBUG, and ``connection_created``: over real transports."""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import warnings
from collections.abc import Iterator

import elasticsearch
import pytest
from django.conf import settings
from django.core.signals import request_started
from django.test import override_settings

from djangoes import AsyncConnectionHandler, ConnectionHandler, connections
from djangoes.backends.requests_log import RequestsLog, scrub
from djangoes.signals import connection_created
from djangoes.test.utils import CaptureRequestsContext
from tests.support import free_port, make_handler

LOGGER = "djangoes.requests"


def servers(engine: str, server_url: str, prefix: str, **params: object) -> dict:
    """One connection over ``engine``: HTTP to the served engine, or the engine in-process."""
    if engine == "embedded":
        server = {"ENGINE": "embedded", "PARAMS": {"name": prefix, **params}}
    else:
        server = {"ENGINE": engine, "HOSTS": [server_url], "PARAMS": params}
    return {"default": {**server, "INDICES": ["books"]}}


@pytest.fixture(params=["http", "embedded"])
def handler(request: pytest.FixtureRequest, server_url: str, prefix: str) -> ConnectionHandler:
    """A connection over HTTP, then one to the engine in-process: the log is the transport's."""
    return make_handler(
        servers(request.param, server_url, prefix), {"books": {"NAME": f"{prefix}books"}}
    )


def records(
    caplog: pytest.LogCaptureFixture, level: int | None = None, under: str = "/"
) -> list[logging.LogRecord]:
    """The request records (of ``level``) whose path starts with ``under``.

    A write may send requests of djangoes' own first (a rebuild's journal): not those.
    """
    return [
        r
        for r in caplog.records
        if r.name == LOGGER and (level is None or r.levelno == level) and r.path.startswith(under)
    ]


# The log


def test_every_request_is_logged_with_alias_method_path_status_and_duration(
    handler: ConnectionHandler, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    connection = handler["default"]
    connection.index(id="1", document={"title": "needle-body"}, refresh=True)
    connection.search(query={"match_all": {}})
    put, search = records(caplog, under=f"/{prefix}books")
    assert (put.alias, put.method, put.path, put.status) == (
        "default",
        "PUT",
        f"/{prefix}books/_doc/1?refresh=true",
        201,
    )
    assert (search.method, search.path, search.status) == ("POST", f"/{prefix}books/_search", 200)
    assert put.levelno == logging.INFO and put.error is None
    assert 0 < put.duration < 10
    assert put.getMessage().startswith(f"PUT /{prefix}books/_doc/1?refresh=true 201 (")
    assert put.getMessage().endswith(" ms; alias=default)")
    assert "needle-body" not in caplog.text  # bodies only at DEBUG


def test_bodies_are_logged_at_debug_only(
    handler: ConnectionHandler, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    connection = handler["default"]
    connection.index(id="1", document={"title": "needle-body"}, refresh=True)
    connection.get(id="1")
    under = f"/{prefix}books"
    summaries = records(caplog, logging.INFO, under)
    bodies = records(caplog, logging.DEBUG, under)
    assert len(summaries) == len(bodies) == 2
    assert all("needle-body" not in r.getMessage() for r in summaries)
    indexed, got = bodies
    assert indexed.request_body == '{"title":"needle-body"}'
    assert '"result":"created"' in indexed.response_body
    assert got.request_body is None and '"needle-body"' in got.response_body
    assert "> " + indexed.request_body in indexed.getMessage()


def test_a_long_body_is_cut(
    handler: ConnectionHandler, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    handler["default"].index(id="1", document={"text": "x" * 20_000})
    body = records(caplog, logging.DEBUG, f"/{prefix}books")[0].request_body
    assert len(body) < 10_100 and body.endswith("more characters)")


def test_an_error_response_is_logged_with_the_server_error_type(
    server_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    handler = make_handler(servers("http", server_url, prefix), {"books": {"NAME": "missing"}})
    with pytest.raises(elasticsearch.NotFoundError):
        handler["default"].search()
    (record,) = records(caplog)
    assert (record.status, record.error, record.levelno) == (
        404,
        "index_not_found_exception",
        logging.INFO,
    )
    assert "/missing/_search 404 index_not_found_exception (" in record.getMessage()


def test_a_refused_connection_is_logged_as_a_warning_with_its_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    url = f"http://127.0.0.1:{free_port()}"
    handler = make_handler({"default": {"HOSTS": [url], "PARAMS": {"max_retries": 0}}})
    with pytest.raises(elasticsearch.ConnectionError):
        handler["default"].info()
    (record,) = records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/", None)
    assert (record.levelno, record.error) == (logging.WARNING, "ConnectionError")
    assert "GET / failed ConnectionError: " in record.getMessage()
    assert "refused" in record.getMessage().lower()


def test_with_the_log_at_warning_only_failures_are_logged_sync_and_async(
    handler: ConnectionHandler, caplog: pytest.LogCaptureFixture
) -> None:
    """Production's setting: a request that succeeds costs no record, one that fails is one."""
    caplog.set_level(logging.WARNING, logger=LOGGER)
    handler["default"].info()
    url = f"http://127.0.0.1:{free_port()}"
    down = make_handler({"default": {"HOSTS": [url], "PARAMS": {"max_retries": 0}}})
    with pytest.raises(elasticsearch.ConnectionError) as raised:
        down["default"].search()
    assert raised.value.connection_alias == "default"  # type: ignore[attr-defined]

    async def main() -> None:
        aconnections = AsyncConnectionHandler(down)
        try:
            with pytest.raises(elasticsearch.ConnectionError):
                await aconnections["default"].info()
        finally:
            await aconnections.aclose_all()

    asyncio.run(main())
    assert [(r.method, r.path, r.status, r.levelno, r.error) for r in records(caplog)] == [
        ("POST", "/_search", None, logging.WARNING, "ConnectionError"),
        ("GET", "/", None, logging.WARNING, "ConnectionError"),
    ]


SECRET = "pw-S3cret-6b1e"


@pytest.mark.parametrize(
    ("option", "value", "secrets"),
    [
        ("basic_auth", ("elastic", SECRET), [base64.b64encode(f"elastic:{SECRET}".encode())]),
        ("api_key", ("key-id", SECRET), [base64.b64encode(f"key-id:{SECRET}".encode())]),
        ("bearer_auth", SECRET, []),
    ],
)
def test_credentials_appear_in_no_log_record_even_at_debug(
    server_url: str,
    prefix: str,
    caplog: pytest.LogCaptureFixture,
    option: str,
    value: object,
    secrets: list[bytes],
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: elastic-transport's and urllib3's too
    indices = {"books": {"NAME": f"{prefix}books"}}
    connection = make_handler(servers("http", server_url, prefix, **{option: value}), indices)[
        "default"
    ]
    connection.index(id="1", document={"a": 1}, refresh=True)
    connection.search()
    with pytest.raises(elasticsearch.NotFoundError):
        connection.get(id="missing")
    refused = make_handler(
        {
            "default": {
                "HOSTS": [f"http://user:{SECRET}@127.0.0.1:{free_port()}"],
                "PARAMS": {"max_retries": 0},
            }
        }
    )["default"]
    with pytest.raises(elasticsearch.ConnectionError) as error:
        refused.info()
    assert records(caplog, logging.DEBUG) and records(caplog, logging.WARNING)
    texts = [caplog.text, repr(connection), repr(refused), str(error.value), repr(error.value)]
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args), repr(vars(record))]
    for secret in [SECRET, *(s.decode() for s in secrets)]:
        assert not [text for text in texts if secret in text]


def test_scrub_removes_the_userinfo_of_urls() -> None:
    assert scrub("GET http://elastic:pw@h:9200/x and https://k@h/") == (
        "GET http://h:9200/x and https://h/"
    )


# The requests kept in DEBUG


def test_requests_are_kept_only_in_debug(handler: ConnectionHandler, prefix: str) -> None:
    connection = handler["default"]
    connection.ping()
    assert connection.queries == [] and not connection.queries_logged
    with override_settings(DEBUG=True):
        assert connection.queries_logged
        connection.index(id="1", document={"a": 1})
        with pytest.raises(elasticsearch.NotFoundError):
            connection.get(id="2")
    connection.ping()
    put, get = [q for q in connection.queries if q["path"].startswith(f"/{prefix}books")]
    assert put["method"] == "PUT" and put["path"] == f"/{prefix}books/_doc/1"
    assert (put["status"], put["error"]) == (201, None)
    assert isinstance(put["duration"], float) and 0 < put["duration"] < 10
    assert (get["method"], get["status"]) == ("GET", 404)


def test_debug_set_directly_is_followed_from_the_next_request(
    handler: ConnectionHandler,
) -> None:
    """As Django's test runner sets it (``settings.DEBUG = ...``, no signal), after requests
    that read it: the log reads the setting on every request, never a stale copy."""
    connection = handler["default"]
    connection.ping()  # DEBUG read (False) before it changes
    debug = settings.DEBUG
    try:
        settings.DEBUG = True
        connection.ping()
        settings.DEBUG = False
        connection.ping()
        settings.DEBUG = True
        connection.ping()
    finally:
        settings.DEBUG = debug
    connection.ping()
    assert len(connection.queries) == 2


@pytest.fixture
def keeps_three(handler: ConnectionHandler, monkeypatch: pytest.MonkeyPatch) -> object:
    """A connection that keeps its last three requests (rather than 9,000)."""
    monkeypatch.setattr(RequestsLog, "queries_limit", 3)
    return handler["default"]


def test_the_kept_requests_are_bounded(keeps_three: object) -> None:
    connection = keeps_three
    with override_settings(DEBUG=True):
        for n in range(5):
            connection.options(ignore_status=404).get(id=str(n))
    with pytest.warns(UserWarning, match="only the last 3 requests"):
        kept = connection.queries
    assert [q["path"].rpartition("/")[2] for q in kept] == ["2", "3", "4"]


def test_a_capture_counts_right_when_the_bounded_log_is_full(keeps_three: object) -> None:
    connection = keeps_three
    with override_settings(DEBUG=True):
        for _ in range(4):
            connection.ping()
        with CaptureRequestsContext(connection) as captured:
            connection.info()
            connection.options(request_timeout=5).info()  # a copy: the same log
        connection.ping()  # after the block: not captured
    assert [(r["method"], r["path"]) for r in captured] == [("GET", "/"), ("GET", "/")]


@pytest.fixture
def global_connection(server_url: str, prefix: str) -> Iterator[None]:
    """``djangoes.connections`` itself on the test server: ``request_started`` resets it."""
    with override_settings(
        ES_SERVERS=servers("http", server_url, prefix), ES_INDICES={"books": {}}
    ):
        yield


@pytest.mark.usefixtures("global_connection")
def test_the_kept_requests_are_reset_when_a_request_starts() -> None:
    with override_settings(DEBUG=True):
        connections["default"].ping()
        assert len(connections["default"].queries) == 1
        request_started.send(sender=None)
        assert connections["default"].queries == []
        with CaptureRequestsContext(connections["default"]) as captured:
            connections["default"].ping()
            request_started.send(sender=None)  # not during a capture, as Django's
        assert len(captured) == 1
        request_started.send(sender=None)
        assert connections["default"].queries == []


@pytest.mark.usefixtures("global_connection")
def test_the_requests_of_asynchronous_connections_are_kept_and_reset() -> None:
    from djangoes import aconnections

    async def main() -> list:
        await aconnections["default"].ping()
        kept = aconnections["default"].queries
        request_started.send(sender=None)
        return [kept, aconnections["default"].queries]

    with override_settings(DEBUG=True):
        kept, after_reset = asyncio.run(main())
    assert [(q["method"], q["path"], q["status"]) for q in kept] == [("HEAD", "/", 200)]
    assert after_reset == []


def test_asynchronous_requests_are_logged(
    handler: ConnectionHandler, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    aconnections = AsyncConnectionHandler(handler)

    async def main() -> None:
        await aconnections["default"].index(id="1", document={"a": 1})

    asyncio.run(main())
    (record,) = records(caplog, under=f"/{prefix}books")
    assert (record.alias, record.method, record.path, record.status) == (
        "default",
        "PUT",
        f"/{prefix}books/_doc/1",
        201,
    )


# connection_created


def test_connection_created_is_sent_once_per_connection_per_thread_and_loop(
    handler: ConnectionHandler,
) -> None:
    created = []

    def receiver(sender: type, connection: object, **kwargs: object) -> None:
        created.append((sender, connection, connection.client))

    connection_created.connect(receiver)
    try:
        first = handler["default"]
        assert handler["default"] is first
        thread = threading.Thread(target=lambda: handler["default"])
        thread.start()
        thread.join()
        aconnections = AsyncConnectionHandler(handler)

        async def lookups() -> object:
            assert aconnections["default"] is aconnections["default"]
            return aconnections["default"]

        made = [asyncio.run(lookups()), asyncio.run(lookups())]
    finally:
        connection_created.disconnect(receiver)
    assert len(created) == 4
    assert created[0][:2] == (type(first), first)
    assert all(sender is type(first) for sender, _, _ in created)
    assert len({id(connection) for _, connection, _ in created}) == 4
    assert [c for _, c, _ in created[2:]] == made
    assert all(client is not None for _, _, client in created)
    assert isinstance(created[2][2], elasticsearch.AsyncElasticsearch)


def test_no_warning_when_nothing_is_kept(handler: ConnectionHandler) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert handler["default"].queries == []
