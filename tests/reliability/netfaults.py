"""Network parts that misbehave, all on 127.0.0.1: a port that refuses connections, a node
that accepts connections and never answers, an HTTP server that answers 500 to everything,
and a TCP proxy that counts what goes through it, can hold requests back, and can terminate
TLS in front of a plain server.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

#: The start of an HTTP/1.x request, as a client sends it.
REQUEST_LINE = re.compile(rb"(?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) \S+ HTTP/1\.[01]\r\n")


def refusing_port() -> int:
    """A port nothing listens on (bound, then closed): connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_port(host: Any, port: int) -> Any:
    """``host`` (a URL or a host dict, as in ``HOSTS``) on another port of 127.0.0.1."""
    if isinstance(host, dict):
        return {**host, "host": "127.0.0.1", "port": port}
    text = host if "://" in host else "http://" + host
    parts = urlsplit(text)
    return f"{parts.scheme}://127.0.0.1:{port}{parts.path}"


def port_of(host: Any) -> int:
    """The port of a ``HOSTS`` entry (a URL with a port, or a host dict)."""
    if isinstance(host, dict):
        return int(host["port"])
    return urlsplit(host if "://" in host else "http://" + host).port or 0


def close_socket(sock: socket.socket) -> None:
    """Close ``sock`` and wake any thread blocked on it."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class _Listener:
    """A listening socket and the thread that accepts its connections, until :meth:`close`."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        #: When each connection was accepted (``time.time()``).
        self.accepted_at: list[float] = []
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def accepted(self) -> int:
        return len(self.accepted_at)

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                index = len(self.accepted_at)
                self.accepted_at.append(time.time())
                self._sockets.add(conn)
            self.accepted_connection(conn, index)

    def accepted_connection(self, conn: socket.socket, index: int) -> None:
        """What to do with a new connection; it is kept open until :meth:`close`."""

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            close_socket(sock)

    def __enter__(self) -> _Listener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class BlackHole(_Listener):
    """A node that accepts every connection and never reads or answers anything."""


class Proxy(_Listener):
    """A TCP proxy in front of ``127.0.0.1:upstream_port``.

    It counts the connections it accepts (:attr:`accepted`) and the HTTP requests that go
    through (:attr:`requests`); ``delay(n)`` holds back each request of the n-th connection
    (from 0) that many seconds before passing it on; ``tls`` (a server-side context) makes it a
    TLS terminator: clients speak TLS to it, the upstream gets plain TCP; ``record`` keeps what
    each connection's client sent (:attr:`recorded`, by connection).
    """

    def __init__(
        self,
        upstream_port: int,
        *,
        delay: Callable[[int], float] | None = None,
        tls: ssl.SSLContext | None = None,
        record: bool = False,
    ) -> None:
        self.upstream_port = upstream_port
        self.record = record
        self.recorded: list[bytearray] = []
        self.delay = delay
        self.tls = tls
        self.requests = 0
        self.tls_failures = 0
        super().__init__()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def accepted_connection(self, conn: socket.socket, index: int) -> None:
        self.recorded.append(bytearray())
        threading.Thread(target=self._serve, args=(conn, index), daemon=True).start()

    def _serve(self, conn: socket.socket, index: int) -> None:
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                with self._lock:
                    self.tls_failures += 1
                close_socket(conn)
                return
            self.track(conn)
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            close_socket(conn)
            return
        self.track(upstream)
        threading.Thread(target=self._pipe, args=(upstream, conn, None), daemon=True).start()
        self._pipe(conn, upstream, index)

    def _pipe(self, source: socket.socket, target: socket.socket, index: int | None) -> None:
        """Copy ``source`` to ``target`` until either ends; ``index``: the client's side."""
        tail = b""
        try:
            while data := source.recv(65536):
                if index is not None:
                    if self.record:
                        self.recorded[index] += data
                    text = tail + data
                    started = sum(1 for m in REQUEST_LINE.finditer(text) if m.end() > len(tail))
                    tail = text[-256:]
                    with self._lock:
                        self.requests += started
                    if started and self.delay is not None:
                        time.sleep(self.delay(index))
                target.sendall(data)
        except OSError:
            pass
        finally:
            close_socket(source)
            close_socket(target)


class ErrorServer:
    """An HTTP server that answers every request with ``status`` (500) and a short text body,
    as a broken proxy or a failing node would."""

    def __init__(self, status: int = 500, body: bytes = b"Internal Server Error: boom") -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Failing(BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> ErrorServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
