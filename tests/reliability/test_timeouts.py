"""Timeouts: a server that answers late, reached through a djangoes connection.

The server is the engine's HTTP server behind a proxy that holds each request back for
``DELAY`` seconds (on chosen connections) and counts the requests that reach it: a request
fails with ConnectionTimeout after ``request_timeout``, is retried only when
``retry_on_timeout`` says so, and ``.options(request_timeout=...)`` overrides the setting for
one request. Elapsed times are checked against bounds (at least the timeouts that had to
pass, at most those plus a margin), never against a speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from elastic_transport import ConnectionTimeout

from djangoes import ConnectionHandler

from .conftest import HTTP_TRANSPORTS
from .netfaults import Proxy

pytestmark = pytest.mark.slow

DELAY = 1.5
TIMEOUT = 0.3
#: Scheduling, connecting and closing: what an attempt may take beyond its timeout.
MARGIN = 1.0


@pytest.fixture(params=HTTP_TRANSPORTS)
def slow_server(request: pytest.FixtureRequest, engine_url: str) -> Iterator[Any]:
    """``make(delay, **params)``: a connection over the transport to a server that answers
    each request of the connections ``delay(n)`` picks ``DELAY`` seconds late."""
    proxies: list[Proxy] = []
    handlers: list[ConnectionHandler] = []

    def make(delay: Callable[[int], float], **params: Any) -> tuple[Any, Proxy]:
        proxy = Proxy(urlsplit(engine_url).port or 0, delay=delay)
        proxies.append(proxy)
        server = {"ENGINE": request.param, "HOSTS": [proxy.url], "PARAMS": params}
        handler = ConnectionHandler(servers={"default": server}, indices={})
        handlers.append(handler)
        return handler["default"], proxy

    make.transport = request.param  # type: ignore[attr-defined]
    yield make
    for handler in handlers:
        handler.close_all()
    for proxy in proxies:
        proxy.close()


def always(n: int) -> float:
    return DELAY


def first_connection_only(n: int) -> float:
    return DELAY if n == 0 else 0.0


def timed(call: Callable[[], Any]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()
    except ConnectionTimeout as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_timeouts_retries_and_the_per_request_override(slow_server: Any, figures: Any) -> None:
    results: dict[str, Any] = {}

    # No retries: one attempt, a ConnectionTimeout after request_timeout.
    connection, proxy = slow_server(always, request_timeout=TIMEOUT, max_retries=0)
    elapsed, error = timed(connection.info)
    assert isinstance(error, ConnectionTimeout)
    assert proxy.requests == 1
    assert TIMEOUT <= elapsed < TIMEOUT + MARGIN
    results["no_retry_seconds"] = round(elapsed, 3)

    # Timeouts are not retried unless retry_on_timeout is set, whatever max_retries says.
    connection, proxy = slow_server(always, request_timeout=TIMEOUT, max_retries=3)
    elapsed, error = timed(connection.info)
    assert isinstance(error, ConnectionTimeout)
    assert proxy.requests == 1
    results["retry_on_timeout_unset_attempts"] = proxy.requests

    # retry_on_timeout: max_retries + 1 attempts, each cut at request_timeout.
    connection, proxy = slow_server(
        always, request_timeout=TIMEOUT, max_retries=2, retry_on_timeout=True
    )
    elapsed, error = timed(connection.info)
    assert isinstance(error, ConnectionTimeout)
    assert proxy.requests == 3
    assert proxy.accepted == 3  # a timed-out connection is dropped, the retry opens another
    assert 3 * TIMEOUT <= elapsed < 3 * (TIMEOUT + MARGIN)
    assert len(error.errors) == 2
    results["retry_on_timeout_attempts"] = proxy.requests
    results["retry_on_timeout_seconds"] = round(elapsed, 3)

    # A retry after a timeout reaches an answer when the server answers the next connection.
    connection, proxy = slow_server(
        first_connection_only, request_timeout=TIMEOUT, max_retries=1, retry_on_timeout=True
    )
    elapsed, error = timed(connection.info)
    assert error is None
    assert proxy.requests == 2
    assert TIMEOUT <= elapsed < 2 * (TIMEOUT + MARGIN)
    results["retried_then_answered_seconds"] = round(elapsed, 3)

    # .options(request_timeout=...) lengthens the timeout of one request...
    connection, proxy = slow_server(always, request_timeout=TIMEOUT, max_retries=0)
    elapsed, error = timed(lambda: connection.options(request_timeout=DELAY + 5).info())
    assert error is None
    assert DELAY <= elapsed < DELAY + MARGIN
    # ... and only that one: the connection keeps its own.
    again, error = timed(connection.info)
    assert isinstance(error, ConnectionTimeout)
    assert again < TIMEOUT + MARGIN
    assert proxy.requests == 2
    results["options_longer_seconds"] = round(elapsed, 3)

    # ... or shortens it, from a connection whose own timeout would wait for the answer.
    connection, proxy = slow_server(always, request_timeout=DELAY + 5, max_retries=0)
    elapsed, error = timed(lambda: connection.options(request_timeout=TIMEOUT).info())
    assert isinstance(error, ConnectionTimeout)
    assert TIMEOUT <= elapsed < TIMEOUT + MARGIN
    results["options_shorter_seconds"] = round(elapsed, 3)

    figures(
        f"timeouts[{slow_server.transport}]",
        delay=DELAY,
        request_timeout=TIMEOUT,
        **results,
    )
