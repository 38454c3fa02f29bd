"""djangoes' embedded engine: Elasticsearch's API in-process, or over HTTP on loopback.

``ENGINE: 'embedded'`` in ``ES_SERVERS`` uses it through :class:`SimpleEmbeddedBackend`; outside
Django, :func:`client` gives a stock ``elasticsearch.Elasticsearch`` talking to it.
"""

from __future__ import annotations

from typing import Any

from .node import EmbeddedNode, node_config

__all__ = ["EmbeddedNode", "SimpleEmbeddedBackend", "client"]


def client(path: str | None = None, *, name: str | None = None, **options: Any):
    """An ``elasticsearch.Elasticsearch`` client of the engine at ``path`` (None: in memory)."""
    from elasticsearch import Elasticsearch

    from .serializers import client_options

    return Elasticsearch(
        hosts=[node_config(path, name)], node_class=EmbeddedNode, **client_options(options)
    )


def __getattr__(name: str) -> Any:
    # The backend needs djangoes-core's base class; import it only when asked for.
    if name == "SimpleEmbeddedBackend":
        from .backend import SimpleEmbeddedBackend

        return SimpleEmbeddedBackend
    raise AttributeError(name)
