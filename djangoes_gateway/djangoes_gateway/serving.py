"""The gateways' server: a thread per connection, and load shed, not suffered.

A thrift or memcached client keeps its connections open between requests, and blocking reads
suit both protocol libraries, so each connection is served by a thread of its own. What stops
such a server from falling over is here, for every gateway:

* at most ``max_connections`` connections (threads, descriptors) are open at once; at the cap
  the one idle or incomplete the longest makes room (:mod:`.connections` has the policy, the
  timeouts too);
* a connection idle between requests is closed after ``idle_timeout``, one whose request has
  not arrived whole ``read_timeout`` after its first byte (slowloris) too;
* :meth:`ThreadedServer.stop` lets running requests finish for a bounded time, then returns,
  whether or not their threads have (they are daemon threads: a hung upstream call never
  holds up the process).

A subclass implements :meth:`ThreadedServer.serve_connection` and reports what each connection
does through its :class:`Connection`: bytes arrived (:meth:`Connection.received`, done by its
``recv`` methods), a request running (:meth:`Connection.begin` / :meth:`Connection.end`), a
reply sent (:meth:`Connection.replied`). A connection is only ever closed by the server while it
is not running a request, so a request never runs for a client that is gone.
:class:`GatewayServer` adds the upstream, and :class:`ConnectionUpstream` runs each request of a
connection on it that way.
"""

from __future__ import annotations

import contextlib
import io
import logging
import select
import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Self

from .connections import BUSY, IDLE, READING, ConnectionTable
from .replies import Reply, error_reply, upstream_failed

if TYPE_CHECKING:
    from .upstreams import Upstream

__all__ = [
    "IDLE_TIMEOUT",
    "MAX_CONNECTIONS",
    "READ_TIMEOUT",
    "STOP_TIMEOUT",
    "Connection",
    "ConnectionUpstream",
    "GatewayServer",
    "ThreadedServer",
]

#: Connections (and threads) at most; as many upstream connections may be in use at once.
MAX_CONNECTIONS = 256
#: Clients pool their connections and reuse them, as Elasticsearch's do; at the cap the longest
#: idle is closed anyway, so this only returns descriptors nobody has used for a while.
IDLE_TIMEOUT = 300.0
#: A request (a 100 MB bulk body included) must arrive whole within this long of its first byte.
READ_TIMEOUT = 60.0
#: How long :meth:`ThreadedServer.stop` lets running requests finish.
STOP_TIMEOUT = 30.0
#: Pending connections the kernel queues before the accept loop takes them.
BACKLOG = 1024


#: Replies to pipelined requests are held back until this many bytes wait, at most.
REPLY_BATCH = 64 * 1024


class Connection:
    """One client connection, as the server tracks it: its socket and what it is doing."""

    def __init__(self, server: ThreadedServer, sock: socket.socket, peer: str) -> None:
        self.server = server
        self.sock = sock
        self.peer = peer
        #: Why the server closed the connection (``"evicted"``, ``"idle"``, ``"read timeout"``,
        #: ``"stopping"``), or None.
        self.cut: str | None = None
        #: Replies to pipelined requests not sent yet (:meth:`reply`).
        self.unsent = bytearray()

    def __repr__(self) -> str:
        return f"<Connection {self.peer} {self.server.table.state(self) or 'closed'}>"

    def received(self) -> None:
        """Bytes arrived: if the connection was idle, a request has begun (its read deadline
        runs from now)."""
        if self.server.table.state(self) == IDLE:
            self.server._move(self, READING)

    def begin(self) -> bool:
        """A request arrived whole and runs now: never cut while it does. False if the
        connection was cut already (the request must not run: its client is gone)."""
        return self.server._move(self, BUSY)

    def end(self) -> None:
        """The request ran; its reply is being sent."""
        self.server._move(self, IDLE)

    def replied(self) -> None:
        """A reply was sent: the connection is idle until the next request begins."""
        self.server._move(self, IDLE)
        if self.server.stopping:
            self.server._cut(self, "stopping")

    def recv(self, size: int) -> bytes:
        data = self.sock.recv(size)
        if data:
            self.received()
        return data

    def recv_into(self, buffer: Any) -> int:
        self.flush()  # before waiting for more: the client may be waiting for its replies
        size = self.sock.recv_into(buffer)
        if size:
            self.received()
        return size

    def makefile(self, buffer_size: int = io.DEFAULT_BUFFER_SIZE) -> io.BufferedReader:
        """A buffered binary stream of what the client sends, read through :meth:`recv_into`."""
        return io.BufferedReader(_Reader(self), buffer_size)

    def reply(self, data: bytes) -> None:
        """Send ``data`` whole and mark the connection :meth:`replied`; while the client's next
        requests are already waiting (pipelined), replies are sent together, at most
        :data:`REPLY_BATCH` bytes apart, or before the next read."""
        self.unsent += data
        if len(self.unsent) >= REPLY_BATCH or not self._input_waiting():
            self.flush()

    def flush(self) -> None:
        """Send the replies not sent yet."""
        if self.unsent:
            data, self.unsent = bytes(self.unsent), bytearray()
            self.sock.sendall(data)
            self.replied()

    def _input_waiting(self) -> bool:
        with contextlib.suppress(OSError, ValueError):
            return bool(select.select([self.sock], [], [], 0)[0])
        return False

    def use(self, sock: socket.socket) -> None:
        """Serve on ``sock`` from now on (a TLS socket wrapping the original)."""
        with self.server._lock:
            self.sock = sock


class _Reader(io.RawIOBase):
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self.connection.recv_into(buffer)


class ThreadedServer:
    """A TCP server on ``host:port``, each connection served by a daemon thread of its own.

    :meth:`listen` binds (``port=0`` picks a free port); :meth:`start` serves from a background
    thread, :meth:`serve_forever` from the calling one; :meth:`stop` stops. ``max_connections``,
    ``idle_timeout`` and ``read_timeout`` (None: never) are :class:`.ConnectionTable`'s.
    """

    #: Names the threads and the log messages.
    name = "server"
    #: Where the server logs: a dropped connection at WARNING, the rest at DEBUG.
    logger = logging.getLogger(__name__)

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout: float | None = IDLE_TIMEOUT,
        read_timeout: float | None = READ_TIMEOUT,
        backlog: int = BACKLOG,
    ) -> None:
        self.table: ConnectionTable[Connection] = ConnectionTable(
            max_connections,
            idle_timeout,
            read_timeout,
            self._shut,
            name=self.name,
            log=self.logger,
        )
        self.address = (host, port)
        self.backlog = backlog
        self.socket: socket.socket | None = None
        self.peak_threads = 0
        self._live = 0  # connection threads still running
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- what a subclass provides -------------------------------------------------------------

    def serve_connection(self, connection: Connection) -> None:
        """Serve one client until it leaves (return) or fails (raise); in its own thread."""
        raise NotImplementedError

    def refuse(self, sock: socket.socket) -> None:
        """Turn away a connection that found every other one running a request (never blocks)."""
        sock.close()

    # --- the server ---------------------------------------------------------------------------

    @property
    def host(self) -> str:
        assert self.socket is not None, "not listening"
        return self.socket.getsockname()[0]

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose, for port 0)."""
        assert self.socket is not None, "not listening"
        return self.socket.getsockname()[1]

    @property
    def max_connections(self) -> int:
        return self.table.max_connections

    @property
    def accepted(self) -> int:
        """How many connections were accepted since the start."""
        return self.table.accepted

    @property
    def connections(self) -> int:
        """How many connections are open now (those being closed excepted)."""
        return self.table.open

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stats(self) -> dict[str, int]:
        """:meth:`.ConnectionTable.stats`, and the most threads the process had at once."""
        with self._lock:
            return {**self.table.stats(), "peak_threads": self.peak_threads}

    def summary(self) -> str:
        """:meth:`stats` as a line for the log."""
        return ", ".join(f"{name} {value}" for name, value in self.stats().items())

    def listen(self) -> None:
        """Bind and listen, unless done already (``OSError`` if the address is taken)."""
        if self.socket is not None:
            return
        host, port = self.address
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        self.socket = socket.create_server(address, family=family, backlog=self.backlog)
        self.socket.settimeout(self.table.tick)  # the accept loop looks for timeouts this often

    def start(self) -> Self:
        """Serve from a background thread (listening first, if not yet); returns the server."""
        self.listen()
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"{self.name}:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Accept connections until :meth:`stop`, and time out those that overstay."""
        self.listen()
        assert self.socket is not None
        listener = self.socket
        swept = time.monotonic()
        while not self._stopping.is_set():
            now = time.monotonic()
            if now - swept >= self.table.tick:
                with self._lock:
                    self.table.sweep(now)
                swept = now
            try:
                sock, address = listener.accept()
            except TimeoutError:
                continue
            except OSError as error:
                if self._stopping.is_set():
                    break
                self.logger.warning("%s: accepting a connection failed: %s", self.name, error)
                time.sleep(0.1)  # out of descriptors, say: do not spin
                continue
            self._admit(sock, address)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop accepting, close the connections not running a request at once, give those
        running one ``timeout`` seconds to reply, then close them too and return: a thread
        that still runs (an upstream call that hangs) is left behind, not waited for."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        if self.socket is not None:
            _shutdown(self.socket)  # wakes a blocked accept() on Linux
            self.socket.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(max(0.0, min(self.table.tick + 1.0, deadline - time.monotonic())))
        with self._lock:
            self.table.cut_waiting("stopping")
            while self._live and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
            self.table.cut_all("stopping")
            if self._live:
                self.logger.warning(
                    "%s: stopped with %d request(s) still running after %gs",
                    self.name,
                    self._live,
                    timeout,
                )

    # --- bookkeeping --------------------------------------------------------------------------

    def _admit(self, sock: socket.socket, address: Any) -> None:
        peer = "{}:{}".format(*address[:2]) if isinstance(address, tuple) else str(address)
        connection = Connection(self, sock, peer)
        with self._lock:
            served = not self.stopping and self.table.admit(connection, time.monotonic()) == READING
            self._live += served
        if not served:
            self.logger.debug(
                "%s: refused %s: every connection is running a request", self.name, peer
            )
            try:
                self.refuse(sock)
            except OSError:
                sock.close()
            return
        thread = threading.Thread(
            target=self._serve, args=(connection,), name=f"{self.name}:{peer}", daemon=True
        )
        try:
            thread.start()
        except RuntimeError as error:  # no more threads to be had
            self.logger.warning("%s: cannot serve %s: %s", self.name, peer, error)
            self._closed(connection)
            sock.close()
            return
        self.peak_threads = max(self.peak_threads, threading.active_count())

    def _serve(self, connection: Connection) -> None:
        peer = connection.peer
        try:
            with contextlib.suppress(OSError):  # a request, a reply: no Nagle delay between
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.serve_connection(connection)
            connection.flush()
        except ConnectionError as error:  # reset or cut: the client went, or was sent away
            self.logger.debug("%s: %s: %s", self.name, peer, connection.cut or error)
        except Exception as error:
            if connection.cut is None:
                self.logger.warning(
                    "%s: dropped the connection from %s: %r", self.name, peer, error
                )
            else:
                self.logger.debug("%s: %s (%s): %r", self.name, peer, connection.cut, error)
        finally:
            self._closed(connection)
            with contextlib.suppress(OSError):
                connection.sock.close()

    def _closed(self, connection: Connection) -> None:
        with self._lock:
            self.table.closed(connection)
            self._live -= 1
            self._changed.notify_all()

    def _move(self, connection: Connection, state: str) -> bool:
        """Put ``connection`` in ``state`` (since now); False if it was cut already."""
        with self._lock:
            return self.table.move(connection, state, time.monotonic())

    def _cut(self, connection: Connection, reason: str) -> None:
        with self._lock:
            self.table.cut(connection, reason)

    def _shut(self, connection: Connection, reason: str) -> None:
        """Close what the table cuts (its thread wakes and ends); under the lock."""
        connection.cut = reason
        self.logger.debug("%s: closed %s: %s", self.name, connection.peer, reason)
        _shutdown(connection.sock)


class GatewayServer(ThreadedServer):
    """A threaded server whose requests go to ``upstream``: a gateway's, whatever its protocol.

    Each connection's requests go through :meth:`upstream_for` it; the upstream is the caller's
    to close. A gateway's :attr:`name` is its command's too.
    """

    #: Where the gateway listens unless told.
    default_port: int

    #: The port a gateway listens on when none is given.
    default_port = 0

    def __init__(
        self, upstream: Upstream, host: str = "127.0.0.1", port: int | None = None, **options: Any
    ) -> None:
        super().__init__(host, self.default_port if port is None else port, **options)
        self.upstream = upstream

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}" if self.socket is not None else "not listening"
        return f"<{type(self).__name__} {where}{self.describe()} -> {self.upstream!r}>"

    def describe(self) -> str:
        """What the server's repr tells besides its address and upstream (its options)."""
        return ""

    def upstream_for(self, connection: Connection) -> ConnectionUpstream:
        return ConnectionUpstream(self.upstream, connection)


class ConnectionUpstream:
    """The gateway's upstream as one client connection uses it.

    Each call marks the connection busy (never cut by the server while it runs); a connection
    the server cut already gets an error instead of a call (its client is gone: the request must
    not run). An upstream that raises has failed: the request is answered with
    :func:`~.replies.upstream_failed`, and the server goes on. Each request is logged at DEBUG:
    method, path, status, time; never bodies, query strings or headers.
    """

    def __init__(self, upstream: Upstream, connection: Connection) -> None:
        self.upstream = upstream
        self.connection = connection

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        connection, log = self.connection, self.connection.server.logger
        if not connection.begin():
            return error_reply(503, "gateway_exception", "the connection was closed")
        path = target.partition("?")[0]
        start = time.monotonic()
        try:
            reply = self.upstream.execute(method, target, headers, body)
        except Exception as error:
            log.exception("%s: %s %s failed", connection.peer, method, path)
            reply = upstream_failed(self.upstream, type(error).__name__)
        finally:
            connection.end()
        elapsed = (time.monotonic() - start) * 1e3
        log.debug("%s: %s %s -> %d (%.1f ms)", connection.peer, method, path, reply.status, elapsed)
        return reply

    def close(self) -> None:
        """Nothing: the upstream is the gateway's, shared by every connection."""


def _shutdown(sock: socket.socket) -> None:
    """Shut ``sock`` down both ways: a thread blocked on it wakes up (reads EOF)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
