"""``SimpleEmbeddedBackend``: ``ENGINE: 'embedded'`` in ``ES_SERVERS``.

``PARAMS`` chooses the engine: ``path`` (a data directory) or ``name`` (an in-memory engine; one
shared default if neither is given). ``HOSTS`` is ignored: the engine is in this process.
"""

from __future__ import annotations

from typing import Any

from djangoes.backends.elasticsearch import BaseElasticsearchBackend
from djangoes_engine.engines import get_engine

from .node import EmbeddedNode, node_config
from .serializers import client_options
from .testing import EngineReset

#: ``PARAMS`` that choose the engine rather than configure the client.
ENGINE_PARAMS = ("path", "name")


class SimpleEmbeddedBackend(BaseElasticsearchBackend):
    connection_class = EmbeddedNode
    transport_params = ENGINE_PARAMS

    @property
    def ephemeral(self) -> bool:  # type: ignore[override]
        """In memory (no ``path``): the engine and its indices go when this process exits."""
        return not (self.server.get("PARAMS") or {}).get("path")

    def location(self) -> str:
        """Where the engine is, for ``es_indices`` and ``es_check``: it has no host."""
        path = (self.server.get("PARAMS") or {}).get("path")
        return f"in this process, data in {path}" if path else "in this process, in memory"

    def in_process_reset(self) -> EngineReset:
        """The engine is in this process: the reset between tests asks it directly."""
        params = self.server.get("PARAMS") or {}
        return EngineReset(get_engine(params.get("path"), params.get("name")))

    def client_hosts(self) -> list[Any]:
        params = self.server.get("PARAMS") or {}
        return [node_config(params.get("path"), params.get("name"))]

    def client_options(self) -> dict[str, Any]:
        return client_options(super().client_options())
