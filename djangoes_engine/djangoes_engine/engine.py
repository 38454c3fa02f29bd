"""The engine as its users see it: a cluster and its REST API."""

from __future__ import annotations

from .cluster import Cluster
from .http import Request, Response
from .rest import dispatch


class Engine(Cluster):
    """An Elasticsearch-compatible engine in this process.

    ``path`` is a data directory that survives restarts (one process at a time), or None for an
    engine that lives in memory. :meth:`handle` serves a request of the REST API, whichever
    transport brought it (the HTTP server, the in-process node).
    """

    def handle(self, request: Request) -> Response:
        return dispatch(self, request)
