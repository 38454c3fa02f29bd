"""``EmbeddedNode``: an elastic-transport node that hands requests to an in-process engine."""

from __future__ import annotations

from importlib import metadata
from typing import Any

from elastic_transport import HttpHeaders, NodeConfig

from djangoes.backends.node import Answer, ExchangeNode, node_option, with_node_options
from djangoes_engine import Request
from djangoes_engine.engines import get_engine

#: Node options (see :func:`node_config`) that choose the engine.
PATH = "djangoes.embedded.path"
NAME = "djangoes.embedded.name"


def _version() -> str:
    try:
        return metadata.version("djangoes-backends-embedded")
    except metadata.PackageNotFoundError:  # pragma: no cover (running from a checkout)
        return "0"


class EmbeddedNode(ExchangeNode):
    """A node whose "server" is an :class:`~djangoes_engine.Engine` here.

    The engine is chosen by the node options: a data directory (``PATH``) or an in-memory
    engine's name (``NAME``; one shared in-memory engine by default). Requests and responses
    are the same bytes as over HTTP, so the client behaves identically.
    """

    _CLIENT_META_HTTP_CLIENT = ("em", _version())
    #: Nothing travels, so nothing is gzipped: ``http_compress`` is ignored.
    supports_compression = False

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self.engine = get_engine(node_option(config, PATH), node_option(config, NAME))

    def exchange(
        self, method: str, target: str, headers: HttpHeaders, body: bytes, timeout: float | None
    ) -> Answer:
        response = self.engine.handle(Request.from_target(method, target, body, dict(headers)))
        return response.status, response.all_headers(), response.body


def node_config(path: str | None = None, name: str | None = None) -> NodeConfig:
    """The NodeConfig of an embedded engine, for ``Elasticsearch(hosts=[...])``."""
    options: dict[str, Any] = {}
    if path is not None:
        options[PATH] = str(path)
    if name is not None:
        options[NAME] = name
    return with_node_options(NodeConfig("http", "embedded", 9200), options)
