"""The memcached gateway's server: a thread per connection, each speaking text or binary.

A connection's first byte chooses its protocol (0x80 opens every binary packet; no text
command starts with it). A connection that fails only ends itself: the others go on.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import threading
from typing import Any

from djangoes.gateway import Upstream

from . import binary, text
from .session import Session

logger = logging.getLogger("djangoes.memcached")

DEFAULT_PORT = 11311
#: The largest value accepted: Elasticsearch's default ``http.max_content_length``, since a
#: value is a request body (a bulk request may be large), not memcached's 1 MB item limit.
MAX_VALUE_SIZE = 100 * 1024 * 1024


class _Connection(socketserver.BaseRequestHandler):
    server: GatewayServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        peer = "{}:{}".format(*self.client_address[:2])
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.opened(sock)
        try:
            with sock.makefile("rb") as stream:
                first = stream.peek(1)[:1]
                protocol = binary if first == bytes([binary.REQUEST_MAGIC]) else text
                session = Session(self.server.upstream, peer)
                if first:
                    name = protocol.__name__.rpartition(".")[2]
                    logger.debug("%s: speaks the %s protocol", peer, name)
                    protocol.serve(stream, sock.sendall, session, self.server.max_value_size)
        except OSError as error:  # reset by the client, or cut by stop()
            logger.debug("%s: %s", peer, error)
        finally:
            self.server.closed(sock)
            logger.debug("%s: disconnected", peer)


class GatewayServer(socketserver.ThreadingTCPServer):
    """A memcached server whose commands are requests to ``upstream``.

    The socket is bound on construction (``port=0`` picks a free one); :meth:`start` serves
    from a background thread, :meth:`serve_forever` from this one; :meth:`stop` closes the
    listening socket and every open connection.
    """

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(
        self,
        upstream: Upstream,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        max_value_size: int = MAX_VALUE_SIZE,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Connection)
        self.upstream = upstream
        self.max_value_size = max_value_size
        self.host: str = host
        self.port: int = self.socket.getsockname()[1]
        #: Connections accepted since the start, and those open now.
        self.accepted = 0
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"<GatewayServer {self.host}:{self.port} -> {self.upstream!r}>"

    def opened(self, sock: socket.socket) -> None:
        with self._lock:
            self.accepted += 1
            self._open.add(sock)

    def closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)

    def start(self) -> GatewayServer:
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"memcached-gateway:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, then close the open connections (their requests end at once)."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()
        with self._lock:
            connections = list(self._open)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.exception("connection from %s failed", client_address)


def start_in_thread(
    upstream: Upstream, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> GatewayServer:
    """A gateway serving from a background thread, e.g. in tests; ``port=0`` picks a free one."""
    return GatewayServer(upstream, host, port, **options).start()
