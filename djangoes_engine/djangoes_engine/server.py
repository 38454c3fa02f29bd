"""The engine over HTTP/1.1: one process, one event loop, the handler in a thread pool.

uvicorn (with httptools, and uvloop where available) parses HTTP and keeps connections alive;
the synchronous, thread-safe handler runs in a thread pool so that a slow request never stalls
the others. It was chosen by measurement against waitress, cheroot and others with the real
elasticsearch-py client: see ``bench/http_server.py``.

What the server adds to the handler's :class:`Response`, as Elasticsearch does: a
``Content-Length``, request bodies decoded from ``Content-Encoding: gzip``/``deflate`` (the
client's ``http_compress``), responses gzipped when the client asks for it, and
``http.max_content_length`` (100 MB) enforced with a 413 in Elasticsearch's error shape.

It sheds load instead of falling over, so that connections never take the file descriptors the
index needs: at most ``max_connections`` are open (by default what the open-files limit leaves
once :func:`fd_reserve` descriptors are kept for the indices); a connection idle between
requests is closed after ``idle_timeout``; a request must arrive whole within ``read_timeout``
of its first byte (of the connection's opening, for its first request), so a client that
trickles bytes is cut; at the cap a new connection makes room by closing the connection idle or
incomplete the longest, and only when every connection is running a request is it refused (a
429 in Elasticsearch's shape, or a close). What this relies on of uvicorn's internals is in
:class:`_Protocol`: the parser callbacks of its httptools protocol, and its ``cycle``, ``app``
and ``transport`` attributes.

With TLS (``ssl_context``, or ``certfile``/``keyfile``: :mod:`.tls`) the event loop does the
handshake before the connection reaches :class:`_Protocol`, so everything above applies to
the connection from its first encrypted request on; the handshake itself is bounded by the
event loop's handshake timeout (60 s).

With an ``authenticator`` (:class:`~djangoes_gateway.authentication.Authenticator`), every
request's ``Authorization`` header is checked before its body is read: credentials checked
recently are recognised on the loop (cheap); others are checked in a thread of their own, never
in the request pool, so that a flood of wrong passwords (each a slow scrypt check) cannot take
the threads authenticated clients' requests run in. A refusal is answered after the
authenticator's delay, awaited on the loop (a sleeping connection costs no thread), with
Elasticsearch's 401. The handler sees who asked in :attr:`Request.principal`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import math
import queue
import signal
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from djangoes_gateway.authentication import AuthenticationFailed, Authenticator, Principal
from djangoes_gateway.connections import REFUSED, REFUSING, ConnectionTable
from djangoes_gateway.content import (
    COMPRESS_MIN_SIZE,
    MAX_CONTENT_LENGTH,
    ContentError,
    decoded,
    gzipped,
    too_large,
)

from .api_keys import ApiKeys
from .errors import EngineError
from .http import Request, Response
from .tls import server_context

__all__ = [
    "IDLE_TIMEOUT",
    "MAX_CONTENT_LENGTH",
    "READ_TIMEOUT",
    "Handler",
    "ServerThread",
    "default_max_connections",
    "raise_open_files_limit",
    "serve",
    "start_in_thread",
]

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Response]

#: Idle keep-alive connections are kept this long: clients pool them, Elasticsearch never
#: times them out (``http.read_timeout`` is 0 by default), and a short timeout races with a
#: client that reuses the connection. At the cap the longest idle is closed anyway, so this only
#: returns the descriptors of connections nobody has used for a while.
IDLE_TIMEOUT = 300.0
#: A request (a 100 MB bulk body included) must arrive whole within this long of its first byte.
READ_TIMEOUT = 60.0
#: Connections still busy this long after a stop was asked for are cut.
GRACEFUL_SHUTDOWN_TIMEOUT = 30
#: How long ``stop()`` waits beyond the graceful shutdown for the event loop to finish.
STOP_MARGIN = 1.0
THREADS = 32
#: File descriptors kept for all but connections (the indices' files, which tantivy opens as it
#: writes and merges segments, the data directory's lock, logs): a quarter of the limit, at least
#: this many.
FD_RESERVE = 256
#: The default cap never exceeds this, however high the open-files limit: beyond it, memory and
#: the loop's time go to idle connections (at the cap, idle ones are evicted, not refused).
MAX_CONNECTIONS_CEILING = 4096
#: Connections over the cap, while every other one runs a request, answered a 429 at once; more
#: are closed without an answer.
MAX_REFUSING = 16
#: A warning about shedding load is logged at most this often (with counts), not per connection.
WARN_EVERY = 60.0


class _Disconnected(Exception):
    """The client went away before its request was read."""


def error_response(status: int, type: str, reason: str) -> Response:
    """A JSON error as Elasticsearch renders it: ``{"error": {...}, "status": N}``."""
    body = EngineError(reason, status=status, type=type).to_dict()
    return Response(status, json.dumps(body).encode())


class _App:
    """The ASGI application: reads the body on the loop, runs everything else in the pool."""

    def __init__(
        self,
        handler: Handler,
        executor: Executor,
        max_content_length: int,
        compress_min_size: int | None,
        authenticator: Authenticator | None = None,
        auth_executor: Executor | None = None,
    ) -> None:
        self.handler = handler
        self.executor = executor
        self.max_content_length = max_content_length
        self.compress_min_size = compress_min_size
        self.authenticator = authenticator
        self.auth_executor = auth_executor
        keys = getattr(authenticator, "api_keys", None)
        #: The store the ``_security/api_key`` handlers manage (when it is the engine's).
        self.api_keys = keys if isinstance(keys, ApiKeys) else None

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        headers = _headers(scope)
        close = False
        principal = None
        if self.authenticator is not None:
            try:
                principal = await self._authenticate(scope, headers)
            except AuthenticationFailed as failure:
                await asyncio.sleep(failure.delay)  # the brute-force slowdown, on the loop
                # The body is not read: uvicorn drops it, unless the client waits for a 100
                # Continue to send it (then the connection is closed, as for a 413).
                close = headers.get("expect", "").lower() == "100-continue"
                await _send(send, _refusal(failure, headers), close)
                return
        try:
            body = await self._read_body(headers, receive)
        except ContentError as exc:
            # Unless the client is waiting for a 100 Continue, uvicorn reads and drops the rest
            # of the body after the response, so the client sees the 413 and keeps its connection.
            response = _error(exc)
            close = headers.get("expect", "").lower() == "100-continue"
        except _Disconnected:
            return
        else:
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(
                self.executor,
                self._respond,
                scope["method"],
                _target(scope),
                body,
                headers,
                principal,
            )
        try:
            await _send(send, response, close)
        except RuntimeError as exc:
            # The client shut its side after sending (a half-close): uvloop closes the
            # connection on that EOF before uvicorn learns of it, so there is no one to answer.
            if "is closed" not in str(exc):
                raise
            # Wait for uvicorn to hear of the close, so that it does not log an error.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(receive(), 1.0)

    async def _authenticate(self, scope: dict, headers: dict[str, str]) -> Principal:
        """Who the request's credentials prove, or AuthenticationFailed.

        Basic credentials checked recently are recognised on the loop; an API key costs a
        SHA-256 and a lookup, so it is checked on the loop too. Anything else (a password not
        checked yet: scrypt, slow on purpose) goes to the authentication thread.
        """
        assert self.authenticator is not None
        authorization = headers.get("authorization")
        principal = self.authenticator.remembered(authorization)
        if principal is not None:
            return principal
        check = functools.partial(
            self.authenticator.authenticate,
            authorization,
            peer=_peer(scope),
            request=_target(scope),
        )
        if _scheme(authorization) == "apikey" or self.auth_executor is None:
            return check()
        return await asyncio.get_running_loop().run_in_executor(self.auth_executor, check)

    async def _read_body(self, headers: dict[str, str], receive: Callable) -> bytes:
        limit = self.max_content_length
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large(limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    def _respond(
        self,
        method: str,
        target: str,
        body: bytes,
        headers: dict[str, str],
        principal: Principal | None = None,
    ) -> Response:
        """Decode, handle and encode one request: in a pool thread, off the event loop."""
        try:
            headers, decoded_body = decoded(headers, body, self.max_content_length)
            request = Request.from_target(method, target, decoded_body, headers)
            request.principal, request.api_keys = principal, self.api_keys
            response = self.handler(request)
        except ContentError as exc:
            response = _error(exc)
        except Exception as exc:
            logger.exception("error handling %s %s", method, target)
            response = error_response(500, "exception", f"{type(exc).__name__}: {exc}")
        return self._encode(response, headers.get("accept-encoding", ""))

    def _encode(self, response: Response, accept_encoding: str) -> Response:
        """Gzip the body when the client accepts it and it is large enough to be worth it."""
        if self.compress_min_size is None:
            return response
        body = gzipped(response.body, response.headers, accept_encoding, self.compress_min_size)
        if body is None:
            return response
        headers = {**response.headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(response.status, body, response.content_type, headers, response.product)


def _error(error: ContentError) -> Response:
    return Response(error.reply.status, error.reply.body)


def _refusal(failure: AuthenticationFailed, headers: dict[str, str]) -> Response:
    """Elasticsearch's 401: its error body and its ``WWW-Authenticate`` challenge."""
    return Response(
        failure.status,
        json.dumps(failure.to_dict()).encode(),
        headers=dict(failure.headers),
        product=not Request("GET", "/", {}, headers=headers).opensearch,
    )


def _scheme(authorization: str | None) -> str:
    return (authorization or "").strip().partition(" ")[0].lower()


def _peer(scope: dict) -> str:
    """The client's ``host:port`` (``[v6]:port``), for the log and the throttle."""
    client = scope.get("client")
    if not client:
        return "unknown"
    host, port = client[0], client[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _headers(scope: dict) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _target(scope: dict) -> str:
    """The request target as sent: the path still percent-encoded (ids may hold a ``%2F``)."""
    target = scope["raw_path"].decode("latin-1")
    if scope["query_string"]:
        target += "?" + scope["query_string"].decode("latin-1")
    return target


class _OneWrite:
    """A transport that holds what uvicorn writes of a response (its status line and headers,
    then its body) and hands it to the real transport in one write: one ``send`` syscall and
    one packet, so the client reads the whole response at once instead of waking for the
    headers and again for the body. Everything but ``write`` and ``close`` goes straight through.
    """

    __slots__ = ("_chunks", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._chunks.append(data)

    def flush(self) -> None:
        if self._chunks:
            data = b"".join(self._chunks)
            self._chunks.clear()
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


async def _send(send: Callable, response: Response, close: bool) -> None:
    """Send ``response`` through uvicorn (which keeps the connection's state), in one write."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or isinstance(transport, _OneWrite):
        await _send_messages(send, response, close)
        return
    buffered = _OneWrite(transport)
    cycle.transport = buffered  # type: ignore[union-attr]
    try:
        await _send_messages(send, response, close)
    finally:
        cycle.transport = transport  # type: ignore[union-attr]
        buffered.flush()


async def _send_messages(send: Callable, response: Response, close: bool) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in response.all_headers().items()
        if name.lower() not in ("content-length", "transfer-encoding", "connection")
    ]
    # A HEAD response carries the Content-Length a GET would have; uvicorn drops the body.
    headers.append((b"content-length", str(len(response.body)).encode()))
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


# --- file descriptors -------------------------------------------------------------------------


def open_files_limit() -> int | None:
    """The process's soft limit on open files (RLIMIT_NOFILE); None where unknown or unlimited."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def fd_reserve(limit: int) -> int:
    """The descriptors kept for the index (and all but connections) under ``limit``."""
    return max(FD_RESERVE, limit // 4)


def default_max_connections(limit: int | None = None) -> int:
    """The default cap on connections: what the open-files ``limit`` (the process's, by
    default) leaves once :func:`fd_reserve` descriptors are kept for the indices, at most
    :data:`MAX_CONNECTIONS_CEILING`; at least a quarter of a very low limit."""
    if limit is None:
        limit = open_files_limit()
    if limit is None:
        return MAX_CONNECTIONS_CEILING
    return max(1, limit // 4, min(MAX_CONNECTIONS_CEILING, limit - fd_reserve(limit)))


def raise_open_files_limit() -> int | None:
    """Raise the soft open-files limit to the hard one, as servers do (Elasticsearch requires
    65535); the limit in force after, or None where there is none to raise."""
    try:
        import resource
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as exc:  # macOS caps it below an unlimited hard limit
            logger.info("could not raise the open-files limit from %d to %d: %s", soft, hard, exc)
        else:
            logger.info("raised the open-files limit from %d to %d", soft, hard)
    return open_files_limit()


# --- the handler's threads ---------------------------------------------------------------------


class _DaemonThreadPool(Executor):
    """Up to ``threads`` daemon threads running what is submitted, started as needed.

    ``ThreadPoolExecutor`` joins its threads when the interpreter exits, so one handler call
    that never returns would keep a stopped server's process alive forever; these threads are
    daemons, so a stop gives up on a hung call instead.
    """

    def __init__(self, threads: int, name: str) -> None:
        self._max = threads
        self._name = name
        self._work: queue.SimpleQueue[tuple[Future, Callable, tuple] | None] = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._shutdown = False

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        if kwargs:
            return self.submit(lambda: fn(*args, **kwargs))
        future: Future = Future()
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new calls after shutdown")
            self._work.put((future, fn, args))
            if not self._idle.acquire(blocking=False) and len(self._threads) < self._max:
                thread = threading.Thread(
                    target=self._run, name=f"{self._name}_{len(self._threads)}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        return future

    def _run(self) -> None:
        while (item := self._work.get()) is not None:
            future, fn, args = item
            del item
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args)
                except BaseException as exc:
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            del future, fn, args
            self._idle.release()
        self._work.put(None)  # wake the next thread: each one stops in turn

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True
            if cancel_futures:
                with contextlib.suppress(queue.Empty):
                    while (item := self._work.get_nowait()) is not None:
                        item[0].cancel()
            self._work.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


# --- connections -------------------------------------------------------------------------------


class _Connections(ConnectionTable["_Protocol"]):
    """The open connections of one server, on its event loop: the cap, the timeouts, eviction,
    by the policy the gateways follow too (:class:`~djangoes_gateway.connections.ConnectionTable`),
    swept by a timer the first connection starts. Over the cap while every connection runs a
    request, up to :data:`MAX_REFUSING` newcomers are answered a 429; more are closed.
    """

    def __init__(
        self, max_connections: int, idle_timeout: float | None, read_timeout: float | None
    ) -> None:
        super().__init__(
            max_connections,
            idle_timeout,
            read_timeout,
            _abort,
            max_refusing=MAX_REFUSING,
            name="djangoes-http",
            log=logger,
        )
        self._sweeping: asyncio.TimerHandle | None = None

    def opened(self, protocol: _Protocol, now: float) -> str:
        """Admit a new connection: ``READING`` (served), ``REFUSING`` or ``REFUSED``."""
        if self._sweeping is None:
            self._sweeping = asyncio.get_running_loop().call_later(self.tick, self._sweep)
        return self.admit(protocol, now)

    def _sweep(self) -> None:
        self.sweep(time.monotonic())
        self._sweeping = asyncio.get_running_loop().call_later(self.tick, self._sweep)


def _abort(protocol: _Protocol, reason: str) -> None:
    protocol.transport.abort()  # its descriptor is freed now, unsent data or not


class _Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, telling the server's :class:`_Connections` what the
    connection does: the parser's callbacks mark where a request begins and ends."""

    #: Set on the subclass each server makes.
    table: _Connections

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._reading = True  # a new connection owes its first request within read_timeout
        self._since = time.monotonic()
        self._tls = transport.get_extra_info("sslcontext") is not None
        self._stopping = False
        admitted = self.table.opened(self, self._since)
        if admitted == REFUSING:
            self.app = _refuse(self.table.max_connections)
        elif admitted == REFUSED:
            transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.table.closed(self)
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._reading:
            self._reading, self._since = True, time.monotonic()
            self._settle()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading = False
        self._settle()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._stopping and self._tls:
            _abort_when_sent(self.transport)
        self._settle()

    def shutdown(self) -> None:
        """Stopping: a connection still sending its request is closed, not waited for.

        Over TLS, closing politely means sending a close_notify and waiting for the client's,
        which a client keeping the connection in its pool never sends: the stop would wait its
        whole graceful timeout. So a TLS connection is cut once its last response is sent.
        """
        self._stopping = True
        if self._reading:
            self.table.cut(self, "stopping")
        elif self._tls and (self.cycle is None or self.cycle.response_complete):
            _abort_when_sent(self.transport)
        else:
            super().shutdown()

    def _settle(self) -> None:
        if self._reading:
            self.table.move(self, "reading", self._since)
        elif self.cycle is not None and not self.cycle.response_complete:
            self.table.move(self, "busy", 0.0)
        else:
            self.table.move(self, "idle", time.monotonic())


def _abort_when_sent(transport: asyncio.Transport, tries: int = 100) -> None:
    """Abort ``transport`` once what was written to it has gone (5 s at most)."""
    if transport.get_write_buffer_size() == 0 or tries <= 0:
        transport.abort()
    else:
        asyncio.get_running_loop().call_later(0.05, _abort_when_sent, transport, tries - 1)


def _refuse(max_connections: int) -> Callable:
    """The application of a connection over the cap: a 429 in Elasticsearch's shape, and close."""
    response = error_response(
        429,
        "es_rejected_execution_exception",
        f"rejected: all {max_connections} connections of the server are running requests",
    )

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        await _send(send, response, close=True)

    return app


def _listen(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """Bind the listening socket ourselves, so its port is known before serving starts."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.create_server(address, family=family, backlog=backlog)
    # The event loop sets TCP_NODELAY on every connection too; on the listener it is inherited.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class ServerThread:
    """The HTTP server running in a background thread, with its own event loop and pool.

    The socket is bound on construction (``port=0`` picks a free port), so :attr:`port` and
    :attr:`url` are known at once; :meth:`start` begins serving, :meth:`stop` shuts down
    gracefully: connections not running a request are closed, running requests are given
    ``graceful_shutdown_timeout`` seconds, and it returns then even if a handler call never
    does (the call is left to its daemon thread).

    ``max_connections`` (by default :func:`default_max_connections`), ``idle_timeout`` and
    ``read_timeout`` (None: never) are as the module describes. ``ssl_context`` (or
    ``certfile`` and ``keyfile``, loaded by :func:`~.tls.server_context`) serves HTTPS;
    ``authenticator`` makes every request prove who sends it.
    """

    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        threads: int = THREADS,
        max_content_length: int = MAX_CONTENT_LENGTH,
        compress_min_size: int | None = COMPRESS_MIN_SIZE,
        max_connections: int | None = None,
        idle_timeout: float | None = IDLE_TIMEOUT,
        read_timeout: float | None = READ_TIMEOUT,
        graceful_shutdown_timeout: int = GRACEFUL_SHUTDOWN_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
        authenticator: Authenticator | None = None,
    ) -> None:
        if ssl_context is None and certfile is not None:
            ssl_context = server_context(certfile, keyfile)
        elif keyfile is not None and certfile is None:
            raise ValueError("keyfile given without certfile: TLS needs the certificate")
        if max_connections is None:
            max_connections = default_max_connections()
        # First: it refuses options out of range before a socket is bound.
        self._connections = _Connections(max_connections, idle_timeout, read_timeout)
        self._socket = _listen(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self.max_connections = max_connections
        self.graceful_shutdown_timeout = graceful_shutdown_timeout
        self.ssl_context = ssl_context
        self.authenticator = authenticator
        self._executor = _DaemonThreadPool(threads, "djangoes-http")
        # One thread: the authenticator runs its slow checks one at a time anyway.
        self._auth_executor = _DaemonThreadPool(1, "djangoes-http-auth")
        protocol = type("Protocol", (_Protocol,), {"table": self._connections})
        app = _App(
            handler,
            self._executor,
            max_content_length,
            compress_min_size,
            authenticator,
            self._auth_executor,
        )
        config = uvicorn.Config(
            app,
            loop="auto",
            http=protocol,
            ws="none",
            interface="asgi3",
            lifespan="off",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            date_header=False,
            # uvicorn's own keep-alive timer, a backstop: the sweep closes idle connections first.
            timeout_keep_alive=math.ceil(idle_timeout + 2) if idle_timeout else 10**9,
            timeout_graceful_shutdown=graceful_shutdown_timeout,
            ssl_context_factory=None if ssl_context is None else (lambda *_: ssl_context),
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="djangoes-http-loop", daemon=True)
        self._error: BaseException | None = None

    def stats(self) -> dict[str, int]:
        """Counts since the start: connections accepted, closed by the server (evicted at the
        cap, idle, too slow to send a request) and refused; open now and at the peak."""
        return self._connections.stats()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "http" if self.ssl_context is None else "https"
        return f"{scheme}://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # SystemExit included: uvicorn exits on startup failure
            self._error = exc
            logger.exception("the HTTP server stopped on an error")

    def start(self, timeout: float = 30.0) -> ServerThread:
        """Start serving; return once the event loop accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the HTTP server did not start: {self._error!r}")
            time.sleep(0.005)
        return self

    def request_stop(self, force: bool = False) -> None:
        """Ask the server to stop, without waiting: safe in a signal handler."""
        self._server.should_exit = True
        if force:
            self._server.force_exit = True

    def stop(self, force: bool = False) -> None:
        """Stop serving and wait for the running requests, ``graceful_shutdown_timeout`` at
        most; ``force`` cuts them at once. Returns within that time (and a margin) even if a
        handler call hangs: that call is given up on, never waited for."""
        self.request_stop(force)
        if self._thread.is_alive():
            self._thread.join(self.graceful_shutdown_timeout + STOP_MARGIN)
        if self._thread.is_alive():
            self.request_stop(force=True)
            self._thread.join(STOP_MARGIN)
        self._socket.close()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._auth_executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ServerThread:
        return self if self.running else self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def start_in_thread(
    handler: Handler, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> ServerThread:
    """Serve ``handler`` from a background thread, e.g. in tests; ``port=0`` picks a free port."""
    return ServerThread(handler, host, port, **options).start()


def serve(
    handler: Handler,
    host: str = "127.0.0.1",
    port: int = 9200,
    *,
    ready: Callable[[ServerThread], None] | None = None,
    **options: Any,
) -> None:
    """Serve ``handler`` until SIGINT or SIGTERM, then shut down gracefully.

    ``ready`` is called with the server once it accepts connections (its ``port`` is the real
    one when ``port=0``). A second signal during shutdown cuts the running requests. Signals can
    only be caught in the main thread; elsewhere this serves until the process ends. The soft
    open-files limit is raised to the hard one first, as servers do, so that connections and the
    index have room; the default ``max_connections`` derives from the raised limit.
    """
    raise_open_files_limit()
    server = ServerThread(handler, host, port, **options)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        server.request_stop(force=stop.is_set())
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        if ready is not None:
            ready(server)
        while server.running and not stop.wait(0.2):
            pass
    finally:
        server.stop()
        for sig, handler_before in previous.items():
            signal.signal(sig, handler_before)
