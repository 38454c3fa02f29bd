"""``ENGINE: 'requests'``: Elasticsearch over HTTP with the requests library."""

from __future__ import annotations

from elastic_transport import RequestsHttpNode

from djangoes.backends.elasticsearch import BaseElasticsearchBackend

__all__ = ["SimpleRequestsHttpBackend"]


class SimpleRequestsHttpBackend(BaseElasticsearchBackend):
    """Connection backend using elastic-transport's requests node."""

    connection_class = RequestsHttpNode
