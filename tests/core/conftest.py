"""Fixtures of the core's tests: a real server (the embedded engine over HTTP) to talk to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from djangoes_engine import Engine
from djangoes_engine.server import start_in_thread


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """The embedded engine served on a free 127.0.0.1 port, for the module's tests."""
    engine = Engine()
    server = start_in_thread(engine.handle, "127.0.0.1", 0)
    yield server.url
    server.stop()
    engine.close()


@pytest.fixture(params=["http", "requests"])
def engine_name(request: pytest.FixtureRequest) -> str:
    """Each HTTP transport in turn."""
    return request.param
