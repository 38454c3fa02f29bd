"""What djangoes' gateways share, with neither Django nor the rest of djangoes.

A gateway serves a protocol Elasticsearch no longer speaks (thrift, memcached) and runs each
request on an *upstream* (:mod:`.upstreams`): Elasticsearch over HTTP, or whatever an installed
distribution registers (djangoes-engine's in-process engine). Its connections are served by
:class:`~.serving.ThreadedServer`, which sheds load by the policy of :mod:`.connections`; its
command line is a :class:`~.cli.GatewayCommand`. Names are imported when first used, so that
importing one module (the engine's server imports :mod:`.connections`) loads no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cli import GatewayCommand
    from .connections import ConnectionTable
    from .replies import UPSTREAM_FAILED, Reply, error_reply, upstream_failed
    from .serving import Connection, ConnectionUpstream, GatewayServer, ThreadedServer
    from .upstreams import HttpUpstream, Upstream, upstream

__all__ = [
    "UPSTREAM_FAILED",
    "Connection",
    "ConnectionTable",
    "ConnectionUpstream",
    "GatewayCommand",
    "GatewayServer",
    "HttpUpstream",
    "Reply",
    "ThreadedServer",
    "Upstream",
    "error_reply",
    "upstream",
    "upstream_failed",
]

_WHERE = {
    "GatewayCommand": "cli",
    "ConnectionTable": "connections",
    "UPSTREAM_FAILED": "replies",
    "Reply": "replies",
    "error_reply": "replies",
    "upstream_failed": "replies",
    "Connection": "serving",
    "ConnectionUpstream": "serving",
    "GatewayServer": "serving",
    "ThreadedServer": "serving",
    "HttpUpstream": "upstreams",
    "Upstream": "upstreams",
    "upstream": "upstreams",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
