"""``SimpleEmbeddedBackend``: ``ENGINE: 'embedded'`` in ``ES_SERVERS``.

``PARAMS`` chooses the engine: ``path`` (a data directory) or ``name`` (an in-memory engine; one
shared default if neither is given). ``HOSTS`` is ignored: the engine is in this process.
"""

from __future__ import annotations

from typing import Any

from djangoes.backends.elasticsearch import BaseElasticsearchBackend

from .node import EmbeddedNode, node_config
from .serializers import client_options


class SimpleEmbeddedBackend(BaseElasticsearchBackend):
    connection_class = EmbeddedNode

    def configure_client(self) -> None:
        from elasticsearch import Elasticsearch

        options: dict[str, Any] = client_options(self.client_options())
        path = options.pop("path", None)
        name = options.pop("name", None)
        self.client = Elasticsearch(
            hosts=[node_config(path, name)],
            transport_class=self.transport_class,
            node_class=self.connection_class,
            **options,
        )
