"""``ENGINE: 'thrift'``: Elasticsearch through a thrift gateway (djangoes 0.3's transport).

``PARAMS`` are the client's, as for every backend, plus one of this transport's own:
``framed_transport`` (djangoes 0.3 and elasticsearch-py 1.x's name), true for Thrift's framed
transport, to match a gateway started with ``--framed``. It chooses the node class; it is not
passed to the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from djangoes.backends.elasticsearch import BaseElasticsearchBackend

from .node import FramedThriftNode, ThriftNode

__all__ = ["SimpleThriftBackend"]


class SimpleThriftBackend(BaseElasticsearchBackend):
    """Connection backend over :class:`ThriftNode` (``FramedThriftNode`` when framed)."""

    connection_class = ThriftNode
    transport_params = ("framed_transport",)

    def __init__(
        self,
        alias: str,
        server: Mapping[str, Any],
        indices: Mapping[str, Mapping[str, Any]] | list[Mapping[str, Any]],
    ) -> None:
        super().__init__(alias, server, indices)
        if (server.get("PARAMS") or {}).get("framed_transport"):
            self.connection_class = FramedThriftNode
