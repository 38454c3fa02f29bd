"""``ThriftNode``: an elastic-transport node that sends each request as a thrift ``RestRequest``.

It takes the node settings the HTTP nodes take: ``http``/``https`` scheme (plain or TLS),
``connections_per_node`` (the pool size), ``request_timeout`` (connect, send and each read),
``headers``, ``path_prefix``, ``http_compress`` (the request body gzipped with a
``content-encoding`` header, the response asked gzipped with ``accept-encoding``: the
gateway decodes one and encodes the other) and the TLS options (see :mod:`.tls`). Failures
raise elastic-transport's errors (see :mod:`.errors`).
"""

from __future__ import annotations

import gzip
import time
from importlib.metadata import version

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders, NodeConfig
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import (
    DEFAULT,
    DefaultType,
    client_meta_version,
    resolve_default,
)

from .connection import Connection, connect
from .errors import transport_error
from .messages import rest_request
from .pool import ConnectionPool
from .tls import client_context, server_hostname

__all__ = ["FramedThriftNode", "ThriftNode"]


class ThriftNode(BaseNode):
    """Requests as thrift calls over the binary protocol and a buffered transport."""

    _CLIENT_META_HTTP_CLIENT = ("th", client_meta_version(version("thrift")))

    #: Thrift's framed transport (4-byte length before each message) instead of buffered.
    framed: bool = False

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self._ssl_context = client_context(config) if config.scheme == "https" else None
        self._server_hostname = server_hostname(config)
        self.pool = ConnectionPool(self._connect, config.connections_per_node)

    def _connect(self, timeout: float | None) -> Connection:
        return connect(
            self.host,
            self.port,
            framed=self.framed,
            timeout=timeout,
            ssl_context=self._ssl_context,
            server_hostname=self._server_hostname,
        )

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        timeout = resolve_default(request_timeout, self.config.request_timeout)
        request_headers = self.headers.copy()
        if headers:
            request_headers.update(headers)
        payload = body
        if body and self._http_compress:
            payload = gzip.compress(body)
            request_headers["content-encoding"] = "gzip"
        request = rest_request(method, self.path_prefix + target, request_headers, payload)
        start = time.time()
        try:
            with self.pool.connection(timeout) as connection:
                response = connection.execute(request, timeout)
            response_headers = HttpHeaders(response.headers or {})
            data = response.body or b""
            if data and response_headers.get("content-encoding") == "gzip":
                data = gzip.decompress(data)
        except Exception as error:
            failure = transport_error(error)
            if failure is None:
                raise
            self._log_request(method, target, request_headers, body, exception=failure)
            raise failure from error
        meta = ApiResponseMeta(
            status=response.status,
            http_version="1.1",
            headers=response_headers,
            duration=time.time() - start,
            node=self.config,
        )
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def close(self) -> None:
        self.pool.close()


class FramedThriftNode(ThriftNode):
    """The same over Thrift's framed transport (the gateway's ``--framed``)."""

    framed = True
