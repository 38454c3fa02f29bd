"""One open connection to a thrift gateway: a socket, its transport, protocol and client."""

from __future__ import annotations

import contextlib
import socket
import ssl

from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException
from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TTransportException

from djangoes.backends.node import socket_reusable

from .generated import Rest
from .generated.ttypes import RestRequest, RestResponse
from .wire import CLIENT_MAX_MESSAGE, ProtocolFactory, transport_factory

__all__ = ["Connection", "connect"]

PROTOCOL = ProtocolFactory(CLIENT_MAX_MESSAGE)
TRANSPORTS = {framed: transport_factory(framed, CLIENT_MAX_MESSAGE) for framed in (False, True)}


class Connection:
    """A connection that carries one call at a time; closed after any failure."""

    def __init__(self, sock: socket.socket, framed: bool) -> None:
        self.socket = sock
        handle = TSocket()
        handle.setHandle(sock)
        self.transport = TRANSPORTS[framed].getTransport(handle)
        self.client = Rest.Client(PROTOCOL.getProtocol(self.transport))

    def execute(self, request: RestRequest, timeout: float | None) -> RestResponse:
        """Send ``request`` and read the response, each socket operation within ``timeout``."""
        self.socket.settimeout(timeout)
        self.client.send_execute(request)
        try:
            response = self.client.recv_execute()
        except (OSError, EOFError, TTransportException, TProtocolException, TApplicationException):
            raise
        except Exception as error:  # the C codec's errors on a malformed reply
            raise TProtocolException(message=f"malformed reply: {error!r}") from error
        if response.status is None:
            raise TProtocolException(message="malformed reply: a RestResponse without a status")
        return response

    def reusable(self) -> bool:
        """Whether an idle connection is still open: the peer has sent nothing, not even EOF."""
        return socket_reusable(self.socket)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.close()


def connect(
    host: str,
    port: int,
    *,
    framed: bool,
    timeout: float | None,
    ssl_context: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
) -> Connection:
    """A new connection (TLS when ``ssl_context`` is given), opened within ``timeout``."""
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if ssl_context is not None:
            sock = ssl_context.wrap_socket(sock, server_hostname=server_hostname or host)
    except BaseException:
        sock.close()
        raise
    return Connection(sock, framed)
