"""``ENGINE: 'memcached'``: the backend, its PARAMS, and its 0.3 name."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from djangoes import ConnectionHandler
from djangoes.backends.loading import load_backend
from djangoes_backends_memcached import MemcachedNode, SimpleMemcachedBackend
from djangoes_backends_memcached.server import MemcachedGateway
from tests.support import connection as connect


def test_the_engine_and_the_0_3_name_resolve_to_the_backend() -> None:
    from djangoes.backends import elasticsearch

    assert load_backend("memcached") is SimpleMemcachedBackend
    assert elasticsearch.SimpleMemcachedBackend is SimpleMemcachedBackend
    connection = connect(
        {
            "ENGINE": "djangoes.backends.elasticsearch.SimpleMemcachedBackend",
            "HOSTS": ["127.0.0.1:11311"],
        }
    )
    assert isinstance(connection, SimpleMemcachedBackend)


def test_params_reach_the_nodes(gateway: MemcachedGateway) -> None:
    connection = connect(
        {
            "ENGINE": "memcached",
            "HOSTS": [f"127.0.0.1:{gateway.port}"],
            "PARAMS": {
                "binary": True,
                "behaviors": {"tcp_keepalive": True},
                "request_timeout": 5,
                "connections_per_node": 3,
            },
        }
    )
    assert connection.client.info()["tagline"] == "You Know, for Search"
    [node] = connection.client.transport.node_pool.all()
    assert isinstance(node, MemcachedNode)
    assert (node.binary, node.pool.size, node.pool.created) == (True, 3, 1)
    with node.pool.connection() as client:
        assert client.binary
        assert client.behaviors["tcp_keepalive"]
        assert client.behaviors["tcp_nodelay"]
        assert client.behaviors["_poll_timeout"] == 5000  # request_timeout, in ms
    connection.close()


def test_a_host_without_a_port_gets_http_s() -> None:
    connection = connect({"ENGINE": "memcached", "HOSTS": ["localhost"]})
    [node] = connection.client.transport.node_pool.all()
    assert (node.server, node.binary) == ("localhost:9200", False)


def test_an_https_host_is_refused_rather_than_spoken_to_in_clear() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"\['HOSTS'\] has an https host.*no TLS"):
        connect(
            {"ENGINE": "memcached", "HOSTS": ["http://127.0.0.1:11311", "https://10.0.0.2:11311"]}
        )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"binary": "yes"}, r"\['binary'\] must be True or False"),
        ({"behaviors": ["tcp_nodelay"]}, r"\['behaviors'\] must be a dict"),
        ({"behaviors": {"tcp_nodelay": True, "nagle": 1}}, "unknown pylibmc behaviors: nagle"),
        ({"binray": True}, "unknown key 'binray'"),
    ],
)
def test_wrong_params_are_named(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        connect({"ENGINE": "memcached", "HOSTS": ["127.0.0.1:11311"], "PARAMS": params})


def test_asynchronous_connections_run_the_node_in_threads(gateway: MemcachedGateway) -> None:
    servers = {"default": {"ENGINE": "memcached", "HOSTS": [f"127.0.0.1:{gateway.port}"]}}
    handler = ConnectionHandler(servers=servers, indices={})

    async def info() -> Any:
        connection = handler.create_connection("default", asynchronous=True)
        try:
            return await connection.client.info()
        finally:
            await connection.aclose()

    assert asyncio.run(info())["tagline"] == "You Know, for Search"
