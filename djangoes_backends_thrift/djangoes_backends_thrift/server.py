"""The thrift gateway's server: Thrift's threaded server, a thread for each connection.

The library's ``TThreadedServer`` gives the processor and the transport and protocol
factories; this subclass adds what a long-running gateway needs: it stops (``stop()``, used
on SIGTERM), a TLS handshake happens in the connection's own thread (a slow or failing client
never holds up the others), idle connections close after ``idle_timeout``, at most
``max_connections`` are served at once, and a client that sends malformed data, or goes away
mid-message, only loses its own connection.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from typing import Any

from thrift.server.TServer import TThreadedServer
from thrift.transport.TSocket import TServerSocket, TSocket
from thrift.transport.TTransport import TTransportException

from djangoes.gateway import Upstream

from .generated import Rest
from .handler import RestHandler, logger
from .wire import SERVER_MAX_MESSAGE, ProtocolFactory, transport_factory

__all__ = ["ThriftGateway", "start_in_thread"]

#: Clients pool their connections and keep them open between requests.
IDLE_TIMEOUT = 300.0
MAX_CONNECTIONS = 256
#: How often the accept loop looks whether it was asked to stop (where closing the listening
#: socket does not wake it up).
ACCEPT_POLL = 1.0
#: Closing reasons that are a client's normal way to leave.
QUIET = {
    TTransportException.END_OF_FILE: "closed by the client",
    TTransportException.TIMED_OUT: "idle",
}


class ThriftGateway(TThreadedServer):
    """A thrift ``Rest`` server in front of an upstream, on ``host:port`` (127.0.0.1 by default)."""

    def __init__(
        self,
        upstream: Upstream,
        host: str = "127.0.0.1",
        port: int = 9500,
        *,
        framed: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        idle_timeout: float | None = IDLE_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        max_message: int = SERVER_MAX_MESSAGE,
    ) -> None:
        super().__init__(
            Rest.Processor(RestHandler(upstream)),
            TServerSocket(host=host, port=port),
            transport_factory(framed, max_message),
            ProtocolFactory(max_message),
            daemon=True,
        )
        self.upstream = upstream
        self.framed = framed
        self.ssl_context = ssl_context
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        #: How many connections were accepted and served, in all.
        self.accepted = 0
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}" if self.serverTransport.handle else "not listening"
        return f"<ThriftGateway {where} -> {self.upstream!r}>"

    @property
    def host(self) -> str:
        return self.serverTransport.handle.getsockname()[0]

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose, for port 0)."""
        return self.serverTransport.handle.getsockname()[1]

    @property
    def connections(self) -> int:
        """How many connections are open now."""
        return len(self._connections)

    def listen(self) -> None:
        """Bind and listen (``OSError`` if the address is taken)."""
        self.serverTransport.listen()
        self.serverTransport.handle.settimeout(ACCEPT_POLL)

    def start(self) -> None:
        """Serve in a thread of its own (listening first, if not yet)."""
        if self.serverTransport.handle is None:
            self.listen()
        self._thread = threading.Thread(target=self.serve, name="thrift-gateway", daemon=True)
        self._thread.start()

    def serve(self) -> None:
        """Accept connections until :meth:`stop`, each served in its own thread."""
        if self.serverTransport.handle is None:
            self.listen()
        while not self._stopping.is_set():
            try:
                sock = self.serverTransport.accept().handle
            except TimeoutError:
                continue
            except OSError as error:
                if self._stopping.is_set():
                    break
                logger.warning("accepting a connection failed: %s", error)
                time.sleep(0.1)  # out of file descriptors, say: do not spin
                continue
            with self._lock:
                if len(self._connections) >= self.max_connections:
                    logger.warning("refused a connection: %d open already", self.max_connections)
                    sock.close()
                    continue
                self._connections.add(sock)
                self.accepted += 1
            threading.Thread(
                target=self.serve_connection, args=(sock,), name="thrift-gateway", daemon=True
            ).start()

    def serve_connection(self, sock: socket.socket) -> None:
        """Answer the calls of one client until it leaves, errs or idles out."""
        peer = _peer(sock)
        try:
            sock.settimeout(self.idle_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.ssl_context is not None:
                sock = self._tls(sock)
            client = TSocket()
            client.setHandle(sock)
            itrans = self.inputTransportFactory.getTransport(client)
            otrans = self.outputTransportFactory.getTransport(client)
            iprot = self.inputProtocolFactory.getProtocol(itrans)
            oprot = self.outputProtocolFactory.getProtocol(otrans)
            logger.debug("connection from %s", peer)
            while not self._stopping.is_set():
                self.processor.process(iprot, oprot)
        except TTransportException as error:
            if error.type in QUIET:
                logger.debug("connection from %s %s", peer, QUIET[error.type])
            else:
                logger.warning("dropped the connection from %s: %s", peer, error)
        except Exception as error:  # malformed data, a failed handshake, a reset
            logger.warning("dropped the connection from %s: %r", peer, error)
        finally:
            with self._lock:
                self._connections.discard(sock)
            sock.close()

    def _tls(self, sock: socket.socket) -> ssl.SSLSocket:
        assert self.ssl_context is not None
        with self._lock:
            self._connections.discard(sock)
        tls = self.ssl_context.wrap_socket(sock, server_side=True)
        with self._lock:
            self._connections.add(tls)
        return tls

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, close every connection, and wait for the accept loop to end."""
        self._stopping.set()
        listener = self.serverTransport.handle
        if listener is not None:
            _shutdown(listener)
            listener.close()
        with self._lock:
            connections = list(self._connections)
        for sock in connections:
            _shutdown(sock)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)


def start_in_thread(
    upstream: Upstream, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> ThriftGateway:
    """A gateway listening on ``host:port`` (a free port by default), served by a thread.

    ``options`` are :class:`ThriftGateway`'s. Stop it with ``stop()``.
    """
    gateway = ThriftGateway(upstream, host, port, **options)
    gateway.start()
    return gateway


def _peer(sock: socket.socket) -> str:
    try:
        host, port = sock.getpeername()[:2]
    except OSError:
        return "?"
    return f"{host}:{port}"


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
