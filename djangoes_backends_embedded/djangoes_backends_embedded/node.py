"""``EmbeddedNode``: an elastic-transport node that hands requests to an in-process engine."""

from __future__ import annotations

import gzip
import time
from importlib import metadata
from typing import Any

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders, NodeConfig
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType

from djangoes_engine import Request
from djangoes_engine.engines import get_engine

#: ``_extras`` keys of a NodeConfig that choose the engine.
PATH = "djangoes.embedded.path"
NAME = "djangoes.embedded.name"


def _version() -> str:
    try:
        return metadata.version("djangoes-backends-embedded")
    except metadata.PackageNotFoundError:  # pragma: no cover (running from a checkout)
        return "0"


class EmbeddedNode(BaseNode):
    """A node whose "server" is an :class:`~djangoes_engine.Engine` here.

    The engine is chosen by the node config's ``_extras``: a data directory (``PATH``) or an
    in-memory engine's name (``NAME``; one shared in-memory engine by default). Requests and
    responses are the same bytes as over HTTP, so the client behaves identically.
    """

    _CLIENT_META_HTTP_CLIENT = ("em", _version())

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self.engine = get_engine(config._extras.get(PATH), config._extras.get(NAME))

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        started = time.perf_counter()
        request_headers = self.headers.copy()
        if headers:
            request_headers.update(headers)
        if body and request_headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        response = self.engine.handle(Request.from_target(method, target, body, request_headers))
        meta = ApiResponseMeta(
            status=response.status,
            http_version="1.1",
            headers=HttpHeaders(response.all_headers()),
            duration=time.perf_counter() - started,
            node=self.config,
        )
        data = response.body if method != "HEAD" else b""
        self._log_request(method, target, headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)


def node_config(path: str | None = None, name: str | None = None) -> NodeConfig:
    """The NodeConfig of an embedded engine, for ``Elasticsearch(hosts=[...])``."""
    extras: dict[str, Any] = {}
    if path is not None:
        extras[PATH] = str(path)
    if name is not None:
        extras[NAME] = name
    return NodeConfig("http", "embedded", 9200, _extras=extras)
