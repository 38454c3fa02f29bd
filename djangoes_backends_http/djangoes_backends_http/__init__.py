"""``ENGINE: 'http'``: Elasticsearch over HTTP with urllib3, elasticsearch-py's default node."""

from __future__ import annotations

from elastic_transport import AiohttpHttpNode, Urllib3HttpNode

from djangoes.backends.elasticsearch import BaseElasticsearchBackend

__all__ = ["SimpleHttpBackend"]


class SimpleHttpBackend(BaseElasticsearchBackend):
    """Connection backend using elastic-transport's urllib3 node."""

    connection_class = Urllib3HttpNode
    #: ``aconnections``: aiohttp, elastic-transport's asyncio node (``djangoes[async]``).
    async_connection_class = AiohttpHttpNode
