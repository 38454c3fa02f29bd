"""The thrift gateway's server: Thrift's processor and protocols on djangoes' threaded server.

:class:`~djangoes.serving.ThreadedServer` (shared with the memcached gateway) serves each
connection from a thread of its own, caps the connections, times out idle ones and requests
that trickle in, and evicts the longest-waiting connection to make room for a new one; this
subclass speaks Thrift on each connection: a TLS handshake happens in the connection's own
thread (a slow or failing client never holds up the others, and a trickled handshake is cut like
a trickled request), and a client that sends malformed data, or goes away mid-message, only
loses its own connection.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TTransportException

from djangoes.gateway import ConnectionUpstream, Upstream
from djangoes.serving import (
    IDLE_TIMEOUT,
    MAX_CONNECTIONS,
    READ_TIMEOUT,
    Connection,
    ThreadedServer,
)

from .generated import Rest
from .handler import RestHandler, logger
from .wire import SERVER_MAX_MESSAGE, ProtocolFactory, transport_factory

__all__ = ["IDLE_TIMEOUT", "MAX_CONNECTIONS", "READ_TIMEOUT", "ThriftGateway", "start_in_thread"]

#: Closing reasons that are a client's normal way to leave.
QUIET = {
    TTransportException.END_OF_FILE: "closed by the client",
    TTransportException.TIMED_OUT: "idle",
}


class _ConnectionSocket(TSocket):
    """Thrift's socket transport on a served connection, telling it when bytes arrive."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection
        self.setHandle(connection.sock)

    def read(self, sz: int) -> bytes:
        data = super().read(sz)
        self.connection.received()
        return data


class ThriftGateway(ThreadedServer):
    """A thrift ``Rest`` server in front of an upstream, on ``host:port`` (127.0.0.1 by default).

    ``max_connections``, ``idle_timeout`` and ``read_timeout`` are
    :class:`~djangoes.serving.ThreadedServer`'s.
    """

    name = "thrift-gateway"

    def __init__(
        self,
        upstream: Upstream,
        host: str = "127.0.0.1",
        port: int = 9500,
        *,
        framed: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        idle_timeout: float | None = IDLE_TIMEOUT,
        read_timeout: float | None = READ_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        max_message: int = SERVER_MAX_MESSAGE,
    ) -> None:
        super().__init__(
            host,
            port,
            max_connections=max_connections,
            idle_timeout=idle_timeout,
            read_timeout=read_timeout,
        )
        self.upstream = upstream
        self.framed = framed
        self.ssl_context = ssl_context
        self.transport_factory = transport_factory(framed, max_message)
        self.protocol_factory = ProtocolFactory(max_message)

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}" if self.socket is not None else "not listening"
        return f"<ThriftGateway {where} -> {self.upstream!r}>"

    def serve_connection(self, connection: Connection) -> None:
        """Answer the calls of one client until it leaves, errs or is cut."""
        peer = connection.peer
        try:
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.ssl_context is not None:
                self._tls(connection)
            processor = Rest.Processor(RestHandler(ConnectionUpstream(self.upstream, connection)))
            client = _ConnectionSocket(connection)
            itrans = self.transport_factory.getTransport(client)
            otrans = self.transport_factory.getTransport(client)
            iprot = self.protocol_factory.getProtocol(itrans)
            oprot = self.protocol_factory.getProtocol(otrans)
            logger.debug("connection from %s", peer)
            while True:
                processor.process(iprot, oprot)
                connection.replied()
        except TTransportException as error:
            if error.type in QUIET or connection.cut:
                logger.debug("connection from %s %s", peer, connection.cut or QUIET[error.type])
            else:
                logger.warning("dropped the connection from %s: %s", peer, error)
        except Exception as error:  # malformed data, a failed handshake, a reset
            if connection.cut:
                logger.debug("connection from %s %s: %r", peer, connection.cut, error)
            else:
                logger.warning("dropped the connection from %s: %r", peer, error)

    def _tls(self, connection: Connection) -> None:
        """The TLS handshake, on a socket the server can cut while it lasts."""
        assert self.ssl_context is not None
        tls = self.ssl_context.wrap_socket(
            connection.sock, server_side=True, do_handshake_on_connect=False
        )
        connection.use(tls)
        tls.do_handshake()


def start_in_thread(
    upstream: Upstream, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> ThriftGateway:
    """A gateway listening on ``host:port`` (a free port by default), served by a thread.

    ``options`` are :class:`ThriftGateway`'s. Stop it with ``stop()``.
    """
    gateway = ThriftGateway(upstream, host, port, **options)
    gateway.start()
    return gateway
