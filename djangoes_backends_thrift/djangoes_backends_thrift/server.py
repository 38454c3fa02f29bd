"""The thrift gateway's server: Thrift's processor and protocols on the gateways' threaded server.

:class:`~djangoes_gateway.serving.GatewayServer` serves each connection from a thread of its
own, caps the connections, times out idle ones and requests that trickle in, and evicts the
longest-waiting connection to make room for a new one; this subclass speaks Thrift on each
connection. A TLS handshake happens in the connection's own thread (a slow or failing client
never holds up the others, and a trickled handshake is cut like a trickled request), and a
client that sends malformed data, or goes away mid-message, only loses its own connection.
Credentials are checked (or forwarded) by each connection's :class:`~.handler.RestHandler`.
"""

from __future__ import annotations

import ssl
from typing import Any

from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TTransportException

from djangoes_gateway.authentication import Authenticator
from djangoes_gateway.serving import Connection, GatewayServer
from djangoes_gateway.upstreams import Upstream

from .generated import Rest
from .handler import RestHandler, logger
from .wire import SERVER_MAX_MESSAGE, ProtocolFactory, transport_factory

__all__ = ["CHECKED_OR_FORWARDED", "DEFAULT_PORT", "ThriftGateway", "start_in_thread"]

#: The port of Elasticsearch's thrift plugin.
DEFAULT_PORT = 9500
#: How a client leaves, normally: at the end of a message, or idle (cut by the server).
QUIET = {TTransportException.END_OF_FILE, TTransportException.TIMED_OUT}
#: Why a gateway cannot both check credentials and forward them.
CHECKED_OR_FORWARDED = (
    "--users and --forward-credentials exclude each other: credentials are checked by the "
    "gateway (--users) or by its upstream (--forward-credentials)"
)


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


class ThriftGateway(GatewayServer):
    """A thrift ``Rest`` server in front of ``upstream``, on ``host:port``.

    ``framed``: Thrift's framed transport instead of the buffered one; ``ssl_context``: serve
    TLS; ``max_message``: the largest call read; ``authenticator``: check each request's
    ``Authorization`` header (Elasticsearch's 401 without right credentials), or
    ``forward_credentials``: send it to the upstream, which checks it (without either, it is
    dropped). The other arguments are :class:`~djangoes_gateway.serving.GatewayServer`'s.
    """

    name = "djangoes-thrift-gateway"
    default_port = DEFAULT_PORT
    logger = logger

    def __init__(
        self,
        *args: Any,
        framed: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        max_message: int = SERVER_MAX_MESSAGE,
        authenticator: Authenticator | None = None,
        forward_credentials: bool = False,
        **options: Any,
    ) -> None:
        if authenticator is not None and forward_credentials:
            raise ValueError(CHECKED_OR_FORWARDED)
        super().__init__(*args, **options)
        self.framed = framed
        self.ssl_context = ssl_context
        self.authenticator = authenticator
        self.forward_credentials = forward_credentials
        self.transport_factory = transport_factory(framed, max_message)
        self.protocol_factory = ProtocolFactory(max_message)

    def describe(self) -> str:
        options = [
            "TLS" if self.ssl_context else "",
            "framed" if self.framed else "buffered",
            "users" if self.authenticator else "",
            "forwarding credentials" if self.forward_credentials else "",
        ]
        return f" ({', '.join(option for option in options if option)})"

    def serve_connection(self, connection: Connection) -> None:
        """Answer the calls of one client until it leaves, errs or is cut."""
        if self.ssl_context is not None:
            tls = self.ssl_context.wrap_socket(
                connection.sock, server_side=True, do_handshake_on_connect=False
            )
            connection.use(tls)  # so that the server can cut the handshake
            tls.do_handshake()
        handler = RestHandler(
            self.upstream_for(connection),
            peer=connection.peer,
            authenticator=self.authenticator,
            forward_credentials=self.forward_credentials,
        )
        processor = Rest.Processor(handler)
        client = _ConnectionSocket(connection)
        iprot = self.protocol_factory.getProtocol(self.transport_factory.getTransport(client))
        oprot = self.protocol_factory.getProtocol(self.transport_factory.getTransport(client))
        try:
            while True:
                processor.process(iprot, oprot)
                connection.replied()
        except TTransportException as error:
            if error.type not in QUIET and not connection.cut:
                raise


def start_in_thread(
    upstream: Upstream, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> ThriftGateway:
    """A gateway serving from a background thread, e.g. in tests; ``port=0`` picks a free one.

    ``options`` are :class:`ThriftGateway`'s. Stop it with ``stop()``.
    """
    return ThriftGateway(upstream, host, port, **options).start()
