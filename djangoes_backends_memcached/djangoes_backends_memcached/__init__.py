"""djangoes' memcached transport: ``ENGINE: 'memcached'``, and the gateway it talks to.

:class:`SimpleMemcachedBackend` sends each request over the memcached protocol (pylibmc) to
``djangoes-memcached-gateway``, which carries it out against Elasticsearch or the embedded
engine. ``docs/memcached.md`` describes the protocol.
"""

from __future__ import annotations

from typing import Any

from .plugins import find_plugins

find_plugins()  # before pylibmc's first import, which is when libsasl2 loads its plugins

__all__ = ["MemcachedNode", "SimpleMemcachedBackend"]


def __getattr__(name: str) -> Any:
    # Imported when asked for: the gateway needs neither Django nor elasticsearch-py's client.
    if name == "SimpleMemcachedBackend":
        from .backend import SimpleMemcachedBackend

        return SimpleMemcachedBackend
    if name == "MemcachedNode":
        from .node import MemcachedNode

        return MemcachedNode
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
