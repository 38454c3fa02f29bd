"""The gateways' connection-serving base: a thread per connection, and load shed, not suffered.

A thrift or memcached client keeps its connections open between requests, and blocking reads
suit both protocol libraries, so each connection is served by a thread of its own. What stops
such a server from falling over is here, written once for both gateways:

* at most ``max_connections`` connections (threads, descriptors) are open at once;
* a connection idle between requests is closed after ``idle_timeout``;
* a request must arrive whole within ``read_timeout`` of its first byte (of the connection's
  opening, for its first request), so a client that trickles bytes (slowloris) is cut;
* at the cap, a new connection makes room by closing the connection that has been idle or
  incomplete the longest: idle connections never lock active clients out. Only when every
  connection is running a request is the newcomer refused;
* :meth:`ThreadedServer.stop` lets running requests finish for a bounded time, then returns,
  whether or not their threads have (they are daemon threads: a hung upstream call never
  holds up the process).

A subclass implements :meth:`ThreadedServer.serve_connection` and reports what each connection
does through its :class:`Connection`: bytes arrived (:meth:`Connection.received`, done by its
``recv`` methods), a request running (:meth:`Connection.begin` / :meth:`Connection.end`), a
reply sent (:meth:`Connection.replied`). A connection is only ever closed by the server while it
is not running a request, so a request is never executed for a client that is gone.

This module imports nothing of Django, nor of the rest of djangoes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import socket
import threading
import time
from collections import OrderedDict
from typing import Any, Self

__all__ = [
    "IDLE_TIMEOUT",
    "MAX_CONNECTIONS",
    "READ_TIMEOUT",
    "STOP_TIMEOUT",
    "Connection",
    "ThreadedServer",
    "add_arguments",
    "server_options",
]

logger = logging.getLogger("djangoes.serving")

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
#: A warning about shedding load is logged at most this often (with counts), not per connection.
WARN_EVERY = 60.0

_READING, _IDLE, _BUSY, _CLOSED = "reading", "idle", "busy", "closed"


class Connection:
    """One client connection, as the server tracks it: its socket and what it is doing."""

    def __init__(self, server: ThreadedServer, sock: socket.socket, peer: str) -> None:
        self.server = server
        self.sock = sock
        self.peer = peer
        #: Why the server closed the connection (``"evicted"``, ``"idle"``, ``"read timeout"``,
        #: ``"stopping"``), or None.
        self.cut: str | None = None
        self.state = _READING  # a new connection owes its first request within read_timeout
        self.since = time.monotonic()

    def __repr__(self) -> str:
        return f"<Connection {self.peer} {self.state}>"

    def received(self) -> None:
        """Bytes arrived: if the connection was idle, a request has begun (its read deadline
        runs from now)."""
        if self.state == _IDLE:
            self.server._move(self, _READING)

    def begin(self) -> bool:
        """A request arrived whole and runs now: never cut while it does. False if the
        connection was cut already (the request must not run: its client is gone)."""
        return self.server._move(self, _BUSY)

    def end(self) -> None:
        """The request ran; its reply is being sent."""
        self.server._move(self, _IDLE)

    def replied(self) -> None:
        """A reply was sent: the connection is idle until the next request begins."""
        self.server._move(self, _IDLE)
        if self.server.stopping:
            self.server._cut(self, "stopping")

    def recv(self, size: int) -> bytes:
        data = self.sock.recv(size)
        if data:
            self.received()
        return data

    def recv_into(self, buffer: Any) -> int:
        size = self.sock.recv_into(buffer)
        if size:
            self.received()
        return size

    def makefile(self, buffer_size: int = io.DEFAULT_BUFFER_SIZE) -> io.BufferedReader:
        """A buffered binary stream of what the client sends, read through :meth:`recv_into`."""
        return io.BufferedReader(_Reader(self), buffer_size)

    def reply(self, data: bytes) -> None:
        """Send ``data`` whole, then mark the connection :meth:`replied`."""
        self.sock.sendall(data)
        self.replied()

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
    thread, :meth:`serve_forever` from this one; :meth:`stop` stops. ``idle_timeout`` or
    ``read_timeout`` None never times out.
    """

    #: Names the threads and the log messages.
    name = "server"

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
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        for option, value in (("idle_timeout", idle_timeout), ("read_timeout", read_timeout)):
            if value is not None and value <= 0:
                raise ValueError(f"{option} must be positive (or None for none), not {value}")
        self.address = (host, port)
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self.read_timeout = read_timeout
        self.backlog = backlog
        self.socket: socket.socket | None = None
        #: What happened to connections since the start (see :meth:`stats`).
        self.accepted = self.evicted = self.refused = 0
        self.idle_timeouts = self.read_timeouts = 0
        self.peak_connections = self.peak_threads = 0
        self._idle: OrderedDict[Connection, None] = OrderedDict()  # oldest first
        self._reading: OrderedDict[Connection, None] = OrderedDict()
        self._busy: set[Connection] = set()
        self._live = 0  # connection threads still running
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned = 0.0
        timeouts = [t for t in (idle_timeout, read_timeout) if t is not None]
        #: How often timeouts are looked for: a fraction of the shortest, within [0.05, 1] s.
        self.tick = min(1.0, max(0.05, min(timeouts, default=4.0) / 4))

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
    def connections(self) -> int:
        """How many connections are open now (those being closed excepted)."""
        return len(self._idle) + len(self._reading) + len(self._busy)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stats(self) -> dict[str, int]:
        """Counts since the start: connections accepted, closed by the server (evicted at the
        cap, idle, too slow to send a request) and refused; open now and at the peak."""
        with self._lock:
            return {
                "accepted": self.accepted,
                "open": self.connections,
                "busy": len(self._busy),
                "peak_connections": self.peak_connections,
                "peak_threads": self.peak_threads,
                "evicted": self.evicted,
                "idle_timeouts": self.idle_timeouts,
                "read_timeouts": self.read_timeouts,
                "refused": self.refused,
            }

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
        self.socket.settimeout(self.tick)  # the accept loop looks for timeouts this often

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
            if now - swept >= self.tick:
                self._sweep(now)
                swept = now
            try:
                sock, address = listener.accept()
            except TimeoutError:
                continue
            except OSError as error:
                if self._stopping.is_set():
                    break
                logger.warning("%s: accepting a connection failed: %s", self.name, error)
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
            self._thread.join(max(0.0, min(self.tick + 1.0, deadline - time.monotonic())))
        with self._lock:
            for connection in [*self._idle, *self._reading]:
                self._cut(connection, "stopping")
            while self._live and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
            for connection in list(self._busy):
                self._cut(connection, "stopping")
            if self._live:
                logger.warning(
                    "%s: stopped with %d request(s) still running after %gs",
                    self.name,
                    self._live,
                    timeout,
                )

    # --- bookkeeping --------------------------------------------------------------------------

    def _admit(self, sock: socket.socket, address: Any) -> None:
        peer = "{}:{}".format(*address[:2]) if isinstance(address, tuple) else str(address)
        refused = False
        with self._lock:
            if self._stopping.is_set():
                refused = True
            elif self.connections >= self.max_connections:
                victim = self._longest_waiting()
                if victim is None:
                    self.refused += 1
                    refused = True
                else:
                    self._cut(victim, "evicted")
                self._warn_at_the_cap()
            if not refused:
                connection = Connection(self, sock, peer)
                self._reading[connection] = None
                self.accepted += 1
                self._live += 1
                self.peak_connections = max(self.peak_connections, self.connections)
        if refused:
            logger.debug("%s: refused %s: every connection is running a request", self.name, peer)
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
            logger.warning("%s: cannot serve %s: %s", self.name, peer, error)
            self._closed(connection)
            sock.close()
            return
        self.peak_threads = max(self.peak_threads, threading.active_count())

    def _serve(self, connection: Connection) -> None:
        peer = connection.peer
        try:
            self.serve_connection(connection)
        except Exception as error:
            if connection.cut is None:
                logger.warning("%s: dropped the connection from %s: %r", self.name, peer, error)
            else:
                logger.debug("%s: %s (%s): %r", self.name, peer, connection.cut, error)
        finally:
            self._closed(connection)
            with contextlib.suppress(OSError):
                connection.sock.close()

    def _closed(self, connection: Connection) -> None:
        with self._lock:
            self._forget(connection)
            connection.state = _CLOSED
            self._live -= 1
            self._changed.notify_all()

    def _forget(self, connection: Connection) -> None:
        self._idle.pop(connection, None)
        self._reading.pop(connection, None)
        self._busy.discard(connection)

    def _move(self, connection: Connection, state: str) -> bool:
        """Put ``connection`` in ``state`` (since now); False if it was cut already."""
        with self._lock:
            if connection.state == _CLOSED:
                return False
            self._forget(connection)
            connection.state, connection.since = state, time.monotonic()
            if state == _BUSY:
                self._busy.add(connection)
            elif state == _IDLE:
                self._idle[connection] = None
            else:
                self._reading[connection] = None
            return True

    def _longest_waiting(self) -> Connection | None:
        """The connection idle or incomplete the longest (what to evict), None if all are busy."""
        idle = next(iter(self._idle), None)
        reading = next(iter(self._reading), None)
        if idle is None or reading is None:
            return idle or reading
        return idle if idle.since <= reading.since else reading

    def _cut(self, connection: Connection, reason: str) -> None:
        """Close ``connection`` for ``reason`` (its thread wakes and ends); under the lock."""
        if connection.state == _CLOSED:
            return
        self._forget(connection)
        connection.state, connection.cut = _CLOSED, reason
        if reason == "evicted":
            self.evicted += 1
        elif reason == "idle":
            self.idle_timeouts += 1
        elif reason == "read timeout":
            self.read_timeouts += 1
        logger.debug("%s: closed %s: %s", self.name, connection.peer, reason)
        _shutdown(connection.sock)

    def _sweep(self, now: float) -> None:
        """Cut the connections idle longer than ``idle_timeout`` or whose request has taken
        longer than ``read_timeout`` to arrive (each table is in age order: only its expired
        head is visited)."""
        with self._lock:
            for table, timeout, reason in (
                (self._idle, self.idle_timeout, "idle"),
                (self._reading, self.read_timeout, "read timeout"),
            ):
                if timeout is None:
                    continue
                while table:
                    oldest = next(iter(table))
                    if now - oldest.since < timeout:
                        break
                    self._cut(oldest, reason)

    def _warn_at_the_cap(self) -> None:
        """Say that load is shed: at most every :data:`WARN_EVERY` seconds, with the counts."""
        now = time.monotonic()
        if now - self._warned >= WARN_EVERY:
            self._warned = now
            logger.warning(
                "%s: at the cap of %d connections, shedding load: %d evicted (idle or "
                "incomplete the longest), %d refused (all were running requests), so far",
                self.name,
                self.max_connections,
                self.evicted,
                self.refused,
            )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command-line options of :class:`ThreadedServer`: the same on every gateway."""
    group = parser.add_argument_group("connections")
    group.add_argument(
        "--max-connections",
        type=int,
        default=MAX_CONNECTIONS,
        metavar="N",
        help="connections served at once, a thread each; at the cap the one idle (or "
        "sending its request) the longest is closed to make room, and a new connection is "
        "refused only when all are running requests (default: %(default)s)",
    )
    group.add_argument(
        "--idle-timeout",
        type=float,
        default=IDLE_TIMEOUT,
        metavar="SECONDS",
        help="close a connection idle this long between requests; 0: never (default: %(default)g)",
    )
    group.add_argument(
        "--read-timeout",
        type=float,
        default=READ_TIMEOUT,
        metavar="SECONDS",
        help="close a connection whose request has not arrived whole this long after its "
        "first byte (after the connection opened, for its first request), such as a client "
        "that trickles bytes; 0: never (default: %(default)g)",
    )


def server_options(arguments: argparse.Namespace) -> dict[str, Any]:
    """:class:`ThreadedServer`'s keyword arguments from :func:`add_arguments`' options;
    ``ValueError`` for values out of range."""
    if arguments.max_connections < 1:
        raise ValueError(f"--max-connections must be at least 1, not {arguments.max_connections}")
    for option in ("idle_timeout", "read_timeout"):
        if getattr(arguments, option) < 0:
            flag = "--" + option.replace("_", "-")
            raise ValueError(f"{flag} must be 0 (never) or more, not {getattr(arguments, option)}")
    return {
        "max_connections": arguments.max_connections,
        "idle_timeout": arguments.idle_timeout or None,
        "read_timeout": arguments.read_timeout or None,
    }


def _shutdown(sock: socket.socket) -> None:
    """Shut ``sock`` down both ways: a thread blocked on it wakes up (reads EOF)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
