"""The memcached transport's endpoints: ``ENGINE: 'memcached'`` through a memcached gateway.

One gateway in front of the engine's HTTP server and one with an engine in its own process,
each started once per test session (tests/endpoints.py imports only the endpoint fixtures, so the
gateways are kept here and stopped when pytest ends).
"""

from __future__ import annotations

from typing import Any

import pytest

from djangoes_backends_memcached.server import MemcachedGateway, start_in_thread
from djangoes_gateway.upstreams import upstream

_gateways: dict[str, MemcachedGateway] = {}


def _gateway(config: pytest.Config, spec: str) -> MemcachedGateway:
    if spec not in _gateways:
        target = upstream(spec)
        server = _gateways[spec] = start_in_thread(target)

        def stop() -> None:
            server.stop()
            target.close()
            del _gateways[spec]

        config.add_cleanup(stop)
    return _gateways[spec]


def _endpoint(server: MemcachedGateway) -> dict[str, Any]:
    return {"ENGINE": "memcached", "HOSTS": [f"http://127.0.0.1:{server.port}"], "PARAMS": {}}


@pytest.fixture
def memcached_http_endpoint(request: pytest.FixtureRequest, engine_url: str) -> dict[str, Any]:
    return _endpoint(_gateway(request.config, engine_url))


@pytest.fixture
def memcached_embedded_endpoint(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _endpoint(_gateway(request.config, "embedded"))
