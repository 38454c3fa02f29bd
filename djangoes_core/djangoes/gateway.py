"""What the thrift and memcached gateways share: where a request goes, and where they listen.

A gateway turns a request of another protocol into an Elasticsearch REST request and sends
it *upstream*: to an Elasticsearch server over HTTP (``http://127.0.0.1:9200``), or to the
embedded engine in the gateway's own process (``embedded``, or ``embedded:DIR`` for a data
directory). Either way the answer is a :class:`Reply`: status, headers, body. How a gateway
serves its connections (caps, timeouts, eviction) is :mod:`djangoes.serving`'s. Neither module
imports Django.
"""

from __future__ import annotations

import gzip
import json
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .serving import MAX_CONNECTIONS

if TYPE_CHECKING:
    from .serving import Connection

#: Headers that describe one HTTP hop, not the request: never forwarded either way.
HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "host",
        "content-length",
        "transfer-encoding",
        "content-encoding",
        "accept-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
    }
)


@dataclass
class Reply:
    """An upstream's answer to one request."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def error_reply(status: int, type: str, reason: str) -> Reply:
    """An error in Elasticsearch's shape, for a request the upstream could not answer."""
    body = {"error": {"root_cause": [{"type": type, "reason": reason}], "type": type}}
    body["error"]["reason"] = reason
    body["status"] = status
    return Reply(
        status,
        {"content-type": "application/json", "x-elastic-product": "Elasticsearch"},
        json.dumps(body).encode(),
    )


def forwarded(headers: dict[str, str] | None) -> dict[str, str]:
    """The end-to-end headers of a request or response, lower-cased."""
    return {
        name.lower(): value
        for name, value in (headers or {}).items()
        if name.lower() not in HOP_HEADERS
    }


class Upstream(Protocol):
    """Where a gateway sends the requests it receives. Safe to call from many threads."""

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        """Send one request (``target`` is the path with its query string); never raises."""

    def close(self) -> None: ...


class HttpUpstream:
    """An Elasticsearch server (or anything that speaks its REST API) over HTTP.

    Its pool keeps up to ``maxsize`` connections open for reuse and never opens more: size it
    to the gateway's concurrency (its ``max_connections``), or every request beyond the pool
    opens a connection only to drop it. A request that finds all of them in use waits for one
    at most ``timeout`` seconds (then a 503), as long as the upstream has to answer.
    """

    def __init__(self, url: str, *, maxsize: int = MAX_CONNECTIONS, timeout: float = 60.0) -> None:
        import urllib3

        self.url = url.rstrip("/")
        self.timeout = timeout
        parsed = urllib3.util.parse_url(self.url)
        self.prefix = (parsed.path or "").rstrip("/")
        self.pool = urllib3.connection_from_url(
            self.url, maxsize=maxsize, block=True, timeout=urllib3.Timeout(timeout)
        )

    def __repr__(self) -> str:
        return f"<HttpUpstream {self.pool.scheme}://{self.pool.host}:{self.pool.port}>"

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        import urllib3

        try:
            response = self.pool.urlopen(
                method,
                self.prefix + target,
                body=body or None,
                headers=forwarded(headers),
                retries=False,
                redirect=False,
                preload_content=True,
                pool_timeout=self.timeout,
            )
        except urllib3.exceptions.EmptyPoolError:
            return error_reply(
                503,
                "es_rejected_execution_exception",
                f"upstream {self!r}: no connection free within {self.timeout:g}s",
            )
        except urllib3.exceptions.HTTPError as error:
            return error_reply(502, "gateway_upstream_exception", f"upstream {self!r}: {error}")
        except ValueError as error:  # http.client refuses a header it cannot send
            return error_reply(400, "illegal_argument_exception", f"invalid request: {error}")
        return Reply(response.status, forwarded(dict(response.headers)), response.data or b"")

    def close(self) -> None:
        self.pool.close()


class EmbeddedUpstream:
    """The embedded engine, in this process: in memory, or on a data directory."""

    def __init__(self, path: str | None = None) -> None:
        try:
            from djangoes_engine import Engine, Request
        except ImportError:
            raise ImportError(
                "the upstream 'embedded' needs the embedded engine: "
                'pip install "djangoes[embedded]"'
            ) from None
        self.path = path
        self.engine = Engine(path=path)
        self._request = Request

    def __repr__(self) -> str:
        return f"<EmbeddedUpstream {self.path or 'in memory'}>"

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        headers = {name.lower(): value for name, value in (headers or {}).items()}
        if body and headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        response = self.engine.handle(
            self._request.from_target(method, target, body, forwarded(headers))
        )
        data = response.body if method.upper() != "HEAD" else b""
        return Reply(response.status, forwarded(response.all_headers()), data)

    def close(self) -> None:
        self.engine.close()


class ConnectionUpstream:
    """``upstream`` as one client connection uses it: each call marks the connection busy
    (never cut by the server while it runs), and a connection the server cut already gets an
    error instead of a call (its client is gone: the request must not run)."""

    def __init__(self, upstream: Upstream, connection: Connection) -> None:
        self.upstream = upstream
        self.connection = connection

    def execute(
        self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None
    ) -> Reply:
        if not self.connection.begin():
            return error_reply(503, "gateway_exception", "the connection was closed")
        try:
            return self.upstream.execute(method, target, headers, body)
        finally:
            self.connection.end()

    def close(self) -> None:
        """Nothing: the upstream is the gateway's, shared by every connection."""


def upstream(spec: str, **options: Any) -> Upstream:
    """The upstream that ``--upstream`` names: ``http(s)://...``, ``embedded`` or
    ``embedded:DIR``. ``options`` are :class:`HttpUpstream`'s (an embedded one takes none)."""
    if spec == "embedded" or spec.startswith("embedded:"):
        return EmbeddedUpstream(spec.partition(":")[2] or None)
    if spec.startswith(("http://", "https://")):
        return HttpUpstream(spec, **options)
    raise ValueError(
        f"unknown upstream {spec!r}: give an Elasticsearch URL (http://127.0.0.1:9200), "
        "'embedded' or 'embedded:DIR'"
    )


def listen_address(value: str, default_port: int) -> tuple[str, int]:
    """``--listen HOST:PORT`` (or ``PORT``, or ``HOST``) as a (host, port) pair.

    The host defaults to 127.0.0.1: a gateway has no authentication of its own.
    """
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = (value, "") if not value.isdigit() else ("", value)
    host = host.strip("[]") or "127.0.0.1"
    try:
        number = int(port) if port else default_port
    except ValueError:
        raise ValueError(f"invalid port in --listen {value!r}") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"invalid port in --listen {value!r}")
    return host, number


class Server(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def serve_until_signalled(server: Server, target: Upstream, announce: Callable[[], None]) -> None:
    """Start ``server``, ``announce`` it, and serve until SIGTERM or SIGINT; then stop it and
    close its upstream. The handlers are in place before the announcement, so a signal sent
    as soon as the gateway says it listens is never lost."""
    stopping = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda *_: stopping.set())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        server.start()
        announce()
        while not stopping.wait(0.5):
            pass
    finally:
        server.stop()
        target.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
