"""The engine over HTTP/1.1: one process, one event loop, the handler in a thread pool.

uvicorn (with httptools, and uvloop where available) parses HTTP and keeps connections alive;
the synchronous, thread-safe handler runs in a thread pool so that a slow request never stalls
the others. It was chosen by measurement against waitress, cheroot and others with the real
elasticsearch-py client: see ``bench/http_server.py``.

What the server adds to the handler's :class:`Response`, as Elasticsearch does: a
``Content-Length``, request bodies decoded from ``Content-Encoding: gzip``/``deflate`` (the
client's ``http_compress``), responses gzipped when the client asks for it, and
``http.max_content_length`` (100 MB) enforced with a 413 in Elasticsearch's error shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import signal
import socket
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import uvicorn

from .engine.errors import EngineError
from .engine.http import Request, Response

__all__ = [
    "MAX_CONTENT_LENGTH",
    "Handler",
    "ServerThread",
    "serve",
    "start_in_thread",
]

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Response]

#: Elasticsearch's default ``http.max_content_length``.
MAX_CONTENT_LENGTH = 100 * 1024 * 1024
#: Responses smaller than this are sent uncompressed: gzip would cost more than it saves.
COMPRESS_MIN_SIZE = 1024
#: Elasticsearch's default ``http.compression_level``.
COMPRESS_LEVEL = 3
#: Idle keep-alive connections are kept this long: clients pool them, Elasticsearch never
#: times them out, and a short timeout races with a client that reuses the connection.
KEEP_ALIVE_TIMEOUT = 300
#: Connections still busy this long after a stop was asked for are cut.
GRACEFUL_SHUTDOWN_TIMEOUT = 30
THREADS = 32


class _RequestError(Exception):
    """A request the handler never sees, answered with an error in Elasticsearch's shape."""

    def __init__(self, status: int, type: str, reason: str) -> None:
        super().__init__(reason)
        self.response = error_response(status, type, reason)


class _Disconnected(Exception):
    """The client went away before its request was read."""


def error_response(status: int, type: str, reason: str) -> Response:
    """A JSON error as Elasticsearch renders it: ``{"error": {...}, "status": N}``."""
    body = EngineError(reason, status=status, type=type).to_dict()
    return Response(status, json.dumps(body).encode())


def _too_large(limit: int) -> _RequestError:
    return _RequestError(
        413,
        "content_too_long_exception",
        f"request body is larger than http.max_content_length [{limit}b]",
    )


def decode_body(body: bytes, encoding: str, limit: int = MAX_CONTENT_LENGTH) -> bytes:
    """Undo a request's ``Content-Encoding``, refusing to inflate past ``limit`` bytes."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise _RequestError(
            415, "illegal_argument_exception", f"unsupported Content-Encoding [{encoding}]"
        )
    out = bytearray()
    data = body
    while data:  # gzip allows several members back to back
        inflater = zlib.decompressobj(47)  # 32 + 15: a gzip or zlib header, detected
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
        except zlib.error as exc:
            raise _RequestError(
                400, "illegal_argument_exception", f"invalid {encoding} request body: {exc}"
            ) from None
        if len(out) > limit:
            raise _too_large(limit)
        if not inflater.eof:
            raise _RequestError(
                400, "illegal_argument_exception", f"truncated {encoding} request body"
            )
        data = inflater.unused_data
    return bytes(out)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header value allows a gzipped response."""
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
        return True
    return False


class _App:
    """The ASGI application: reads the body on the loop, runs everything else in the pool."""

    def __init__(
        self,
        handler: Handler,
        executor: ThreadPoolExecutor,
        max_content_length: int,
        compress_min_size: int | None,
    ) -> None:
        self.handler = handler
        self.executor = executor
        self.max_content_length = max_content_length
        self.compress_min_size = compress_min_size

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        headers = _headers(scope)
        close = False
        try:
            body = await self._read_body(headers, receive)
        except _RequestError as exc:
            # Unless the client is waiting for a 100 Continue, uvicorn reads and drops the rest
            # of the body after the response, so the client sees the 413 and keeps its connection.
            response = exc.response
            close = headers.get("expect", "").lower() == "100-continue"
        except _Disconnected:
            return
        else:
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(
                self.executor, self._respond, scope["method"], _target(scope), body, headers
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

    async def _read_body(self, headers: dict[str, str], receive: Callable) -> bytes:
        limit = self.max_content_length
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    def _respond(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Response:
        """Decode, handle and encode one request: in a pool thread, off the event loop."""
        try:
            if "content-encoding" in headers:
                body = decode_body(body, headers.pop("content-encoding"), self.max_content_length)
            response = self.handler(Request.from_target(method, target, body, headers))
        except _RequestError as exc:
            response = exc.response
        except Exception as exc:
            logger.exception("error handling %s %s", method, target)
            response = error_response(500, "exception", f"{type(exc).__name__}: {exc}")
        return self._encode(response, headers.get("accept-encoding", ""))

    def _encode(self, response: Response, accept_encoding: str) -> Response:
        """Gzip the body when the client accepts it and it is large enough to be worth it."""
        if (
            self.compress_min_size is None
            or len(response.body) < self.compress_min_size
            or not accepts_gzip(accept_encoding)
            or any(k.lower() == "content-encoding" for k in response.headers)
        ):
            return response
        body = gzip.compress(response.body, COMPRESS_LEVEL, mtime=0)
        headers = {**response.headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(response.status, body, response.content_type, headers)


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


async def _send(send: Callable, response: Response, close: bool) -> None:
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
    gracefully: idle connections are closed, running requests are given
    ``graceful_shutdown_timeout`` seconds, and every handler call has returned when it returns.
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
        keep_alive_timeout: int = KEEP_ALIVE_TIMEOUT,
        graceful_shutdown_timeout: int = GRACEFUL_SHUTDOWN_TIMEOUT,
    ) -> None:
        self._socket = _listen(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="djangoes-http")
        app = _App(handler, self._executor, max_content_length, compress_min_size)
        config = uvicorn.Config(
            app,
            loop="auto",
            http="httptools",
            ws="none",
            interface="asgi3",
            lifespan="off",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            date_header=False,
            timeout_keep_alive=keep_alive_timeout,
            timeout_graceful_shutdown=graceful_shutdown_timeout,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="djangoes-http-loop", daemon=True)
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

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
        """Stop serving and wait for the running requests; ``force`` cuts them instead."""
        self.request_stop(force)
        if self._thread.is_alive():
            self._thread.join()
        self._socket.close()
        self._executor.shutdown(wait=True)

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
    only be caught in the main thread; elsewhere this serves until the process ends.
    """
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
