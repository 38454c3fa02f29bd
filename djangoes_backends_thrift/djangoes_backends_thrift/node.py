"""``ThriftNode``: an elastic-transport node that sends each request as a thrift ``RestRequest``.

It takes the node settings the HTTP nodes take (see :class:`~djangoes.backends.node.ExchangeNode`):
``http``/``https`` scheme (plain or TLS, with the TLS options of :mod:`.tls`),
``connections_per_node`` (the pool size), ``request_timeout`` (connect, send and each read),
``headers``, ``path_prefix`` and ``http_compress`` (the gateway decodes a gzipped request body
and gzips the response). Failures raise elastic-transport's errors (see :mod:`.errors`).
"""

from __future__ import annotations

from importlib.metadata import version

from elastic_transport import HttpHeaders, NodeConfig, TransportError
from elastic_transport.client_utils import client_meta_version

from djangoes.backends.node import Answer, ConnectionPool, ExchangeNode, client_ssl_context

from .connection import Connection, connect
from .errors import transport_error
from .messages import rest_request
from .tls import server_hostname

__all__ = ["FramedThriftNode", "ThriftNode"]


class ThriftNode(ExchangeNode):
    """Requests as thrift calls over the binary protocol and a buffered transport."""

    _CLIENT_META_HTTP_CLIENT = ("th", client_meta_version(version("thrift")))

    #: Thrift's framed transport (4-byte length before each message) instead of buffered.
    framed: bool = False

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self._ssl_context = None
        if config.scheme == "https":
            self._ssl_context = client_ssl_context(config, "the thrift transport")
        self._server_hostname = server_hostname(config)
        self.pool: ConnectionPool[Connection] = ConnectionPool(
            self._connect, config.connections_per_node
        )

    def _connect(self, timeout: float | None) -> Connection:
        return connect(
            self.host,
            self.port,
            framed=self.framed,
            timeout=timeout,
            ssl_context=self._ssl_context,
            server_hostname=self._server_hostname,
        )

    def exchange(
        self, method: str, target: str, headers: HttpHeaders, body: bytes, timeout: float | None
    ) -> Answer:
        request = rest_request(method, target, headers, body)
        with self.pool.connection(timeout) as connection:
            response = connection.execute(request, timeout)
        return response.status, response.headers or {}, response.body or b""

    def transport_error(self, error: Exception) -> TransportError | None:
        return transport_error(error)

    def close(self) -> None:
        self.pool.close()


class FramedThriftNode(ThriftNode):
    """The same over Thrift's framed transport (the gateway's ``--framed``)."""

    framed = True
