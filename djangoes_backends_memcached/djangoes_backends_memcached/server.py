"""The memcached gateway's server: a thread per connection, each speaking text or binary.

A connection's first byte chooses its protocol (0x80 opens every binary packet; no text
command starts with it). A connection that fails only ends itself: the others go on. How
connections are served (a cap, timeouts, eviction of the longest-waiting one to make room) is
:class:`~djangoes.serving.ThreadedServer`'s, shared with the thrift gateway.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import Any

from djangoes.gateway import ConnectionUpstream, Upstream
from djangoes.serving import (
    IDLE_TIMEOUT,
    MAX_CONNECTIONS,
    READ_TIMEOUT,
    Connection,
    ThreadedServer,
)

from . import binary, text
from .session import Session

__all__ = ["DEFAULT_PORT", "MAX_VALUE_SIZE", "GatewayServer", "start_in_thread"]

logger = logging.getLogger("djangoes.memcached")

DEFAULT_PORT = 11311
#: The largest value accepted: Elasticsearch's default ``http.max_content_length``, since a
#: value is a request body (a bulk request may be large), not memcached's 1 MB item limit.
MAX_VALUE_SIZE = 100 * 1024 * 1024
#: What memcached itself answers a connection over its ``maxconns``.
TOO_MANY_CONNECTIONS = b"ERROR Too many open connections\r\n"


class GatewayServer(ThreadedServer):
    """A memcached server whose commands are requests to ``upstream``.

    The socket is bound on construction (``port=0`` picks a free one); :meth:`start` serves
    from a background thread, :meth:`serve_forever` from this one; :meth:`stop` stops.
    ``max_connections``, ``idle_timeout`` and ``read_timeout`` are
    :class:`~djangoes.serving.ThreadedServer`'s.
    """

    name = "memcached-gateway"

    def __init__(
        self,
        upstream: Upstream,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        max_value_size: int = MAX_VALUE_SIZE,
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout: float | None = IDLE_TIMEOUT,
        read_timeout: float | None = READ_TIMEOUT,
    ) -> None:
        super().__init__(
            host,
            port,
            max_connections=max_connections,
            idle_timeout=idle_timeout,
            read_timeout=read_timeout,
        )
        self.upstream = upstream
        self.max_value_size = max_value_size
        self.listen()

    def __repr__(self) -> str:
        return f"<GatewayServer {self.host}:{self.port} -> {self.upstream!r}>"

    def serve_connection(self, connection: Connection) -> None:
        """Answer one client's commands, in the protocol its first byte chose."""
        peer = connection.peer
        try:
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with connection.makefile() as stream:
                first = stream.peek(1)[:1]
                protocol = binary if first == bytes([binary.REQUEST_MAGIC]) else text
                session = Session(ConnectionUpstream(self.upstream, connection), peer)
                if first:
                    name = protocol.__name__.rpartition(".")[2]
                    logger.debug("%s: speaks the %s protocol", peer, name)
                    protocol.serve(stream, connection.reply, session, self.max_value_size)
        except OSError as error:  # reset by the client, or cut by the server
            logger.debug("%s: %s", peer, connection.cut or error)
        finally:
            logger.debug("%s: disconnected", peer)

    def refuse(self, sock: socket.socket) -> None:
        """Say so, as memcached does, and close."""
        with contextlib.suppress(OSError):
            sock.setblocking(False)
            sock.send(TOO_MANY_CONNECTIONS)
        sock.close()


def start_in_thread(
    upstream: Upstream, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> GatewayServer:
    """A gateway serving from a background thread, e.g. in tests; ``port=0`` picks a free one."""
    return GatewayServer(upstream, host, port, **options).start()
