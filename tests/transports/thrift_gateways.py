"""The thrift endpoints of the transport contract: ``ENGINE: 'thrift'`` through a gateway.

One gateway fronts the engine's HTTP server (``thrift-http``), another an engine in its own
process (``thrift-embedded``). Each endpoint fixture owns its gateway for the session and
yields the ``ES_SERVERS`` entry (the contract copies it before use): tests/endpoints.py imports
only these two names, so a separate gateway fixture would not be found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from djangoes_backends_thrift.server import start_in_thread
from djangoes_engine.upstream import EmbeddedUpstream
from djangoes_gateway.upstreams import HttpUpstream, Upstream


def serve(upstream: Upstream) -> Iterator[dict[str, Any]]:
    gateway = start_in_thread(upstream)
    yield {"ENGINE": "thrift", "HOSTS": [f"http://127.0.0.1:{gateway.port}"]}
    gateway.stop()
    upstream.close()


@pytest.fixture(scope="session")
def thrift_http_endpoint(engine_url: str) -> Iterator[dict[str, Any]]:
    yield from serve(HttpUpstream(engine_url))


@pytest.fixture(scope="session")
def thrift_embedded_endpoint() -> Iterator[dict[str, Any]]:
    yield from serve(EmbeddedUpstream())
