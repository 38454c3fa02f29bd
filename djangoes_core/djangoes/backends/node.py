"""The base of nodes that do not speak plain HTTP: thrift, memcached, the embedded engine, a
third party's transport.

Around the request its library sends, each of elastic-transport's HTTP nodes does the same
work: merge the node's headers with the request's, put the path prefix before the target, gzip
for ``http_compress``, time the request, build the response's meta, drop a HEAD's body, turn
its library's errors into elastic-transport's and log the request. :class:`ExchangeNode` does
that work once; a transport writes :meth:`~ExchangeNode.exchange` (one request its way: status,
headers and body back) and says which of its exceptions mean what. :class:`ConnectionPool`
holds a node's open connections. What nodes need of elastic-transport's private modules is
reached here and nowhere else, so that a change there is one change here.
"""

from __future__ import annotations

import abc
import gzip
import os
import select
import socket
import ssl
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from elastic_transport import (
    ApiResponseMeta,
    BaseNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
    SecurityWarning,
    TlsError,
    TransportError,
)
from elastic_transport._node import NodeApiResponse
from elastic_transport._node._base import DEFAULT_CA_CERTS, ssl_context_from_node_config
from elastic_transport.client_utils import DEFAULT, DefaultType, resolve_default

__all__ = [
    "Answer",
    "ConnectionPool",
    "ExchangeNode",
    "NodeApiResponse",
    "PooledConnection",
    "client_ssl_context",
    "node_option",
    "socket_reusable",
    "with_node_options",
]

#: What :meth:`ExchangeNode.exchange` returns: the answer's status, headers and body.
Answer = tuple[int, Mapping[str, str], bytes]
#: Exception classes of a transport's own, as :class:`ExchangeNode` lists them.
Errors = tuple[type[Exception], ...]


def node_option(config: NodeConfig, name: str, default: Any = None) -> Any:
    """A transport's own option ``name``, carried by ``config`` (see :func:`with_node_options`)."""
    return config._extras.get(name, default)


def with_node_options(config: NodeConfig, options: Mapping[str, Any]) -> NodeConfig:
    """``config`` carrying ``options`` too: elastic-transport hands a node its ``NodeConfig``
    and nothing else, so options of a transport's own travel in it (its ``_extras``). Name them
    after the transport (``"djangoes.memcached.binary"``) so that they never clash."""
    return config.replace(_extras={**config._extras, **options})


def client_ssl_context(config: NodeConfig, transport: str = "this transport") -> ssl.SSLContext:
    """The TLS context of an ``https`` node, from the options elastic-transport's HTTP nodes take.

    ``ssl_context`` is taken as given. Otherwise elastic-transport's own function builds it
    (verification on unless ``verify_certs=False``, TLS 1.2 at least unless ``ssl_version``
    says otherwise) and the CA certificates and client certificate its urllib3 node would hand
    to urllib3 are loaded here: ``ca_certs`` (a file or a directory; certifi's bundle when not
    given), ``client_cert``/``client_key``, ``ssl_assert_hostname`` (False: no host name
    check). ``ssl_assert_fingerprint`` needs the HTTP library's help: it is refused, not ignored.
    """
    if config.ssl_assert_fingerprint:
        raise ValueError(
            f"{transport} does not support ssl_assert_fingerprint: give the CA certificate "
            "(ca_certs) or an ssl_context instead"
        )
    context = ssl_context_from_node_config(config)
    if config.ssl_context is not None:
        return context
    if config.verify_certs:
        ca_certs = config.ca_certs or DEFAULT_CA_CERTS
        if ca_certs and os.path.isdir(ca_certs):
            context.load_verify_locations(capath=ca_certs)
        elif ca_certs:
            context.load_verify_locations(cafile=ca_certs)
        # An IP address is checked against the certificate's IP entries, as Python does.
        context.check_hostname = config.ssl_assert_hostname is not False
    elif config.ssl_show_warn:
        warnings.warn(
            f"Connecting to {config.host}:{config.port} using TLS with verify_certs=False "
            "is insecure",
            SecurityWarning,
            stacklevel=2,
        )
    if config.client_cert:
        context.load_cert_chain(config.client_cert, config.client_key)
    return context


def socket_reusable(sock: socket.socket) -> bool:
    """Whether an idle socket may carry another request: still open, and the peer has sent
    nothing since its last answer, not even EOF (a server closes connections idle too long)."""
    if sock.fileno() < 0:
        return False
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return not poller.poll(0)
    return not select.select([sock], [], [], 0)[0]


class PooledConnection(Protocol):
    """What :class:`ConnectionPool` needs of a connection."""

    def reusable(self) -> bool:
        """Whether an idle connection may carry another request."""

    def close(self) -> None: ...


C = TypeVar("C", bound=PooledConnection)


class ConnectionPool(Generic[C]):
    """A node's open connections: at most ``size`` (``connections_per_node``), shared by threads.

    A request holds one of ``size`` slots while it uses a connection, and waits for a slot at
    most its own timeout (then a ConnectionTimeout), so that a node whose connections are all
    busy cannot hold a request longer than it asked. Idle connections are reused most recent
    first; one that failed is closed, never given back, since it may be in any state.
    """

    def __init__(self, open: Callable[[float | None], C], size: int) -> None:
        if size < 1:
            raise ValueError(f"a connection pool needs at least one connection, not {size}")
        self.size = size
        #: How many connections it has opened.
        self.created = 0
        self._open = open
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[C] = []
        self._lock = threading.Lock()
        self._generation = 0  # one more at each close(): older connections are not kept

    @property
    def idle(self) -> int:
        """How many connections are open and waiting for a request."""
        return len(self._idle)

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[C]:
        """A connection for one request: an idle one if any may be reused, else a new one
        (``open(timeout)``); ``timeout`` None waits for a free slot as long as it takes. Closed,
        not kept, if the request fails."""
        if not self._slots.acquire(timeout=timeout):
            raise ConnectionTimeout(
                f"no free connection in {timeout}s: all {self.size} (connections_per_node) "
                "were busy"
            )
        try:
            generation = self._generation
            connection = self._take() or self._new(timeout)
            try:
                yield connection
            except BaseException:
                connection.close()
                raise
            with self._lock:
                kept = generation == self._generation
                if kept:
                    self._idle.append(connection)
            if not kept:
                connection.close()
        finally:
            self._slots.release()

    def _take(self) -> C | None:
        while True:
            with self._lock:
                if not self._idle:
                    return None
                connection = self._idle.pop()
            if connection.reusable():
                return connection
            connection.close()

    def _new(self, timeout: float | None) -> C:
        connection = self._open(timeout)
        with self._lock:
            self.created += 1
        return connection

    def close(self) -> None:
        """Close the idle connections, and those in use once they are done. The pool stays
        usable: a later request opens new ones, as a closed Django connection reopens."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for connection in idle:
            connection.close()


class ExchangeNode(BaseNode, metaclass=abc.ABCMeta):
    """An elastic-transport node whose requests each travel as one :meth:`exchange`.

    It takes the node settings the HTTP nodes take (``headers``, ``path_prefix``,
    ``http_compress``, ``request_timeout``) and gives what they give: the response's meta (its
    duration on the monotonic clock), no body for HEAD, elastic-transport's errors when the
    server cannot be reached, and each request in elastic-transport's node log.
    """

    #: Whether bodies may travel gzipped: the far end undoes ``content-encoding`` and honours
    #: ``accept-encoding``, so ``http_compress`` applies. Where nothing would undo it (no
    #: headers travel, or nothing travels at all) it is ignored, and a body the caller gzipped
    #: is gunzipped before the exchange.
    supports_compression: ClassVar[bool] = True
    #: This transport's exceptions that mean no answer came in time (ConnectionTimeout: retried
    #: only with ``retry_on_timeout``), a failed TLS handshake or certificate check (TlsError),
    #: or the server could not be reached or its answer read (ConnectionError: retried on
    #: another node, this one marked dead). Checked in this order; any other exception is a
    #: bug, raised as it is. See :meth:`transport_error`.
    timeout_errors: ClassVar[Errors] = ()
    tls_errors: ClassVar[Errors] = ()
    connection_errors: ClassVar[Errors] = ()

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        if config.http_compress and not self.supports_compression:
            self._http_compress = False
            self.headers.pop("accept-encoding", None)

    @abc.abstractmethod
    def exchange(
        self, method: str, target: str, headers: HttpHeaders, body: bytes, timeout: float | None
    ) -> Answer:
        """Send one request and read its answer: the status, headers and body the server gave.

        ``target`` has the path prefix; ``headers`` are the node's and the request's; ``body``
        (``b""`` when there is none) is gzipped when ``http_compress`` says so; ``timeout`` is
        the request's (None: none). Raise this transport's own exceptions (see
        ``connection_errors``) or elastic-transport's.
        """

    def transport_error(self, error: Exception) -> TransportError | None:
        """elastic-transport's error for one of this transport's own, by the lists above; None
        if it is none of them. A transport whose errors say more than their class (a timeout
        told by its text, a socket error wrapped in another) overrides this."""
        if isinstance(error, self.timeout_errors):
            message = f"Connection timed out during request: {error}"
            return ConnectionTimeout(message, errors=(error,))
        if isinstance(error, self.tls_errors):
            return TlsError(str(error), errors=(error,))
        if isinstance(error, self.connection_errors):
            return ConnectionError(str(error), errors=(error,))
        return None

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        target = self.path_prefix + target
        timeout = resolve_default(request_timeout, self.config.request_timeout)
        request_headers = self.headers.copy()
        if headers:
            request_headers.update(headers)
        payload = self._encode(body, request_headers)
        started = time.perf_counter()
        try:
            status, raw_headers, data = self.exchange(
                method, target, request_headers, payload, timeout
            )
            response_headers = HttpHeaders(raw_headers)
            if data and response_headers.get("content-encoding") == "gzip":
                data = _gunzip(data)
        except Exception as error:
            failure = error if isinstance(error, TransportError) else self.transport_error(error)
            if failure is None:
                raise
            self._log_request(method, target, request_headers, body, exception=failure)
            if failure is error:
                raise
            raise failure from error
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=response_headers,
            duration=time.perf_counter() - started,
            node=self.config,
        )
        if method.upper() == "HEAD":
            data = b""
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def _encode(self, body: bytes | None, headers: HttpHeaders) -> bytes:
        """The body as it travels, ``headers`` saying how (see ``supports_compression``)."""
        if not body:
            return b""
        if self._http_compress:
            headers["content-encoding"] = "gzip"
            return gzip.compress(body)
        if not self.supports_compression and headers.get("content-encoding") == "gzip":
            del headers["content-encoding"]
            return gzip.decompress(body)
        return body


def _gunzip(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        message = f"a gzipped answer that does not decompress: {error}"
        raise ConnectionError(message, errors=(error,)) from error
