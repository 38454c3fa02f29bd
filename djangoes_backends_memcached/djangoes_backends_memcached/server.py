"""The memcached gateway's server: a thread per connection, each speaking text or binary.

A connection's first byte chooses its protocol (0x80 opens every binary packet; no text
command starts with it). How connections are served (a cap, timeouts, eviction of the
longest-waiting one to make room) is :class:`~djangoes_gateway.serving.GatewayServer`'s.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import Any

from djangoes_gateway.authentication import Authenticator
from djangoes_gateway.serving import Connection, GatewayServer
from djangoes_gateway.upstreams import Upstream

from . import binary, text
from .session import Session

__all__ = ["DEFAULT_PORT", "MAX_VALUE_SIZE", "MemcachedGateway", "start_in_thread"]

logger = logging.getLogger("djangoes.memcached")

DEFAULT_PORT = 11311
#: The largest value accepted: Elasticsearch's default ``http.max_content_length``, since a
#: value is a request body (a bulk request may be large), not memcached's 1 MB item limit.
MAX_VALUE_SIZE = 100 * 1024 * 1024
#: What memcached itself answers a connection over its ``maxconns``.
TOO_MANY_CONNECTIONS = b"ERROR Too many open connections\r\n"
#: What a text-protocol client of a gateway with users is told before the connection closes:
#: SASL travels only in the binary protocol, as memcached with SASL accepts only that.
TEXT_REFUSED = (
    b"CLIENT_ERROR unauthenticated: this gateway requires SASL authentication, "
    b"which only the binary protocol carries\r\n"
)


class MemcachedGateway(GatewayServer):
    """A memcached server whose commands are requests to ``upstream``, on ``host:port``.

    ``max_value_size``: the largest value (request body) accepted. ``authenticator``: if
    given, a connection must authenticate (SASL PLAIN, binary protocol only) before anything
    else. The other arguments are :class:`~djangoes_gateway.serving.GatewayServer`'s.
    """

    name = "djangoes-memcached-gateway"
    default_port = DEFAULT_PORT
    logger = logger

    def __init__(
        self,
        *args: Any,
        max_value_size: int = MAX_VALUE_SIZE,
        authenticator: Authenticator | None = None,
        **options: Any,
    ) -> None:
        super().__init__(*args, **options)
        self.max_value_size = max_value_size
        self.authenticator = authenticator

    def serve_connection(self, connection: Connection) -> None:
        """Answer one client's commands, in the protocol its first byte chose."""
        with connection.makefile() as stream:
            first = stream.peek(1)[:1]
            if not first:
                return
            protocol = binary if first == bytes([binary.REQUEST_MAGIC]) else text
            name = protocol.__name__.rpartition(".")[2]
            logger.debug("%s: speaks the %s protocol", connection.peer, name)
            if self.authenticator is not None and protocol is text:
                logger.warning(
                    "%s: text protocol refused: SASL needs the binary one", connection.peer
                )
                connection.reply(TEXT_REFUSED)
                return
            session = Session(self.upstream_for(connection), connection.peer, self.authenticator)
            protocol.serve(stream, connection.reply, session, self.max_value_size)

    def refuse(self, sock: socket.socket) -> None:
        """Say so, as memcached does, and close."""
        with contextlib.suppress(OSError):
            sock.setblocking(False)
            sock.send(TOO_MANY_CONNECTIONS)
        sock.close()


def start_in_thread(
    upstream: Upstream, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> MemcachedGateway:
    """A gateway serving from a background thread, e.g. in tests; ``port=0`` picks a free one.

    ``options`` are :class:`MemcachedGateway`'s. Stop it with ``stop()``.
    """
    return MemcachedGateway(upstream, host, port, **options).start()
