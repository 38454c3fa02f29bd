"""``ENGINE: 'requests'``: Elasticsearch over HTTP with the requests library."""

from __future__ import annotations

from elastic_transport import AiohttpHttpNode, RequestsHttpNode

from djangoes.backends.elasticsearch import BaseElasticsearchBackend

__all__ = ["SimpleRequestsHttpBackend"]


class SimpleRequestsHttpBackend(BaseElasticsearchBackend):
    """Connection backend using elastic-transport's requests node."""

    connection_class = RequestsHttpNode
    #: ``aconnections``: aiohttp, elastic-transport's asyncio node (``djangoes[async]``).
    async_connection_class = AiohttpHttpNode
