"""``SimpleMemcachedBackend``: ``ENGINE: 'memcached'`` in ``ES_SERVERS``.

``HOSTS`` name memcached gateways (``http://127.0.0.1:11311``: the port is needed, since a
host without one gets HTTP's 9200). memcached has no TLS: an ``https`` host is refused rather
than spoken to in clear. ``PARAMS`` may hold, besides the
client's options, ``binary`` (pylibmc's binary protocol) and ``behaviors`` (more pylibmc
behaviors, e.g. ``{"tcp_keepalive": True}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pylibmc
from django.core.exceptions import ImproperlyConfigured

from djangoes.backends.elasticsearch import BaseElasticsearchBackend

from .node import BEHAVIORS, BINARY, MemcachedNode, node_config

#: ``PARAMS`` of the memcached clients rather than of elasticsearch-py's.
MEMCACHED_PARAMS = ("binary", "behaviors")


class SimpleMemcachedBackend(BaseElasticsearchBackend):
    """Connection backend on :class:`~.node.MemcachedNode`, through a memcached gateway."""

    connection_class = MemcachedNode
    transport_params = MEMCACHED_PARAMS

    def client_hosts(self) -> list[Any]:
        extras = self.memcached_options()
        configs = [node_config(host, extras) for host in super().client_hosts()]
        if any(config.scheme == "https" for config in configs):
            raise ImproperlyConfigured(
                f"ES_SERVERS[{self.alias!r}]['HOSTS'] has an https host, but the memcached "
                "transport has no TLS: use http:// with a gateway on a trusted network "
                "(loopback), or a transport that speaks TLS (http, requests, thrift)"
            )
        return configs

    def memcached_options(self) -> dict[str, Any]:
        """``binary`` and ``behaviors`` from ``PARAMS``, checked, as NodeConfig extras."""
        params = self.server.get("PARAMS") or {}
        place = f"ES_SERVERS[{self.alias!r}]['PARAMS']"
        binary = params.get("binary", False)
        if not isinstance(binary, bool):
            raise ImproperlyConfigured(f"{place}['binary'] must be True or False")
        behaviors = params.get("behaviors") or {}
        if not isinstance(behaviors, Mapping):
            raise ImproperlyConfigured(f"{place}['behaviors'] must be a dict of pylibmc behaviors")
        unknown = sorted(set(behaviors) - set(pylibmc.all_behaviors))
        if unknown:
            raise ImproperlyConfigured(
                f"{place}['behaviors'] has unknown pylibmc behaviors: {', '.join(unknown)}"
            )
        return {BINARY: binary, BEHAVIORS: dict(behaviors)}
