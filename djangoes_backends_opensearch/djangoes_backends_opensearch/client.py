"""opensearch-py's clients as djangoes uses them: requests logged, keyword bodies, ``options()``.

`Client` and ``AsyncClient`` are ``opensearchpy.OpenSearch`` and
``AsyncOpenSearch`` (every call of theirs works as opensearch-py documents it) that also:

* take a request body as elasticsearch-py's keyword arguments (see :mod:`.keywords`), which is
  how the djangoes core calls a client;
* record every request in their connection's log (``connection.queries``, the
  ``djangoes.requests`` logger, ``assertNumRequests``), through :class:`Transport`;
* give copies with per-call options, ``client.options(ignore_status=404, request_timeout=5)``;
* name their library (:data:`LIBRARY`) for the core: its exceptions and helpers;
* show their hosts without credentials.

:class:`AsyncClient` is in :mod:`.asynchronous`: opensearch-py has its asynchronous client only
with aiohttp installed.
"""

from __future__ import annotations

import contextvars
import copy
import functools
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

import opensearchpy
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError

from djangoes.backends.library import ClientLibrary
from djangoes.backends.requests_log import RequestsLog
from djangoes.backends.transport import name

from .keywords import DEFAULTS, install_namespaces, keyword_class

#: What the connection that served the current request answered: (status, body, mimetype).
_ANSWER: contextvars.ContextVar[tuple[int, Any, str | None] | None] = contextvars.ContextVar(
    "djangoes_opensearch_answer", default=None
)


class OpenSearchLibrary(ClientLibrary):
    """opensearch-py, for the core: its exceptions, helpers and per-call options.

    opensearch-py raises one ``TransportError`` hierarchy for both an error answer (an integer
    ``status_code``) and no answer (``ConnectionError``, whose ``status_code`` is ``'N/A'``):
    ``api_errors`` is the whole hierarchy and :meth:`status` tells the two apart.
    """

    name = "opensearch-py"
    product = "OpenSearch"
    api_errors = (opensearchpy.TransportError,)
    transport_errors = (OpenSearchConnectionError, opensearchpy.SerializationError)
    timeout_errors = (opensearchpy.ConnectionTimeout,)
    transport_kinds = (
        (opensearchpy.ConnectionTimeout, "no answer in time"),
        (opensearchpy.SSLError, "TLS failed"),
        (OpenSearchConnectionError, "could not connect"),
        (opensearchpy.SerializationError, "unreadable answer"),
    )

    def status(self, error: BaseException) -> int | None:
        status = getattr(error, "status_code", None)
        return status if isinstance(status, int) else None

    def error_body(self, error: BaseException) -> Any:
        return getattr(error, "info", None) if self.status(error) is not None else None

    def lenient(self, client: Any, status: int = 404) -> Any:
        return client.options(ignore_status=status)

    def without_retries(self, client: Any) -> Any:
        return client.options(max_retries=0)

    def product_of(self, info: Any) -> str:
        distribution = (info.get("version") or {}).get("distribution")
        return "OpenSearch" if distribution in (None, "opensearch") else str(distribution)

    def bulk(self, client: Any, actions: Iterable[Any], **kwargs: Any) -> Any:
        return opensearchpy.helpers.bulk(client, actions, **kwargs)

    def scan(self, client: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return iter(opensearchpy.helpers.scan(client, **kwargs))


LIBRARY = OpenSearchLibrary().register()


# Recording requests


def _target(url: str, params: Any) -> str:
    """The request target as sent, without the call options opensearch-py reads itself."""
    shown = {
        k: v for k, v in (params or {}).items() if k not in ("ignore", "request_timeout", "timeout")
    }
    return f"{url}?{urlencode(shown)}" if shown else url


def _dumps(serializer: Any) -> Any:
    def dumps(body: Any, mimetype: str | None) -> Any:
        return body if isinstance(body, str | bytes) else serializer.dumps(body)

    return dumps


class _Recorded:
    """A request of a transport: logged once (its retries inside), with what was answered."""

    def __init__(self, log: RequestsLog, transport: Any, method: str, url: str, kwargs: Any):
        self.request = log.request(
            method,
            _target(url, kwargs.get("params")),
            kwargs.get("body"),
            "application/json",
            _dumps(transport.serializer),
        )
        self.log = log
        self.token = _ANSWER.set(None)

    def answered(self) -> None:
        answer = _ANSWER.get()
        if answer is not None:
            self.request.answered(*answer)

    def failed(self, error: opensearchpy.TransportError) -> bool:
        """Whether ``error`` is an answer (recorded as one; the caller raises it after). Either
        way it names its connection (``error.connection_alias``), for the commands' messages."""
        name(error, self.log)
        if isinstance(error.status_code, int):
            self.request.answered(error.status_code, error.info, "application/json")
            return True
        return False


class Transport(opensearchpy.Transport):
    """opensearch-py's Transport, recording each request in its connection's log."""

    requests_log: RequestsLog | None = None

    def perform_request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if self.requests_log is None:
            return super().perform_request(method, url, *args, **kwargs)
        kwargs.update(zip(("params", "body", "timeout", "ignore", "headers"), args, strict=False))
        recorded = _Recorded(self.requests_log, self, method, url, kwargs)
        answer: opensearchpy.TransportError | None = None
        with recorded.request:
            try:
                result = super().perform_request(method, url, **kwargs)
            except opensearchpy.TransportError as error:
                if not recorded.failed(error):
                    raise
                answer = error
            else:
                recorded.answered()
        if answer is not None:
            raise answer
        return result


def _remember(status: int, headers: Any, data: Any) -> None:
    mimetype = next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), None)
    _ANSWER.set((status, data, mimetype))


def _remember_error(error: BaseException) -> None:
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        _ANSWER.set((status, getattr(error, "info", None), "application/json"))


class _RecordingSync:
    """Mixed in before an opensearch-py Connection: each answer told to the transport."""

    def perform_request(self, *args: Any, **kwargs: Any) -> Any:
        try:
            status, headers, data = super().perform_request(*args, **kwargs)  # type: ignore[misc]
        except opensearchpy.TransportError as error:
            _remember_error(error)
            raise
        _remember(status, headers, data)
        return status, headers, data


@functools.cache
def recording(connection_class: type) -> type:
    """``connection_class`` (an opensearch-py Connection) telling its transport each answer's
    status: opensearch-py's transport returns only the body."""
    if issubclass(connection_class, _RecordingSync):
        return connection_class
    return type(
        connection_class.__name__, (_RecordingSync, connection_class), {"__module__": __name__}
    )


# The clients


def host_url(host: dict[str, Any]) -> str:
    """An opensearch-py host dict as a URL, without credentials."""
    scheme = "https" if host.get("use_ssl") else "http"
    return f"{scheme}://{host.get('host')}:{host.get('port')}{host.get('url_prefix') or ''}"


#: ``options()`` names (elasticsearch-py's) -> opensearch-py's per-call argument.
CALL_OPTIONS = {"ignore_status": "ignore", "request_timeout": "request_timeout"}


class _Options:
    """``options()``: a copy of the client whose calls have defaults (one transport shared,
    unless ``max_retries`` asks for a transport of its own)."""

    transport: Any

    def options(self, **options: Any) -> Any:
        clone = copy.copy(self)
        defaults = dict(getattr(self, DEFAULTS, None) or {})
        for key, value in options.items():
            if key == "max_retries":
                transport = copy.copy(self.transport)
                transport.max_retries = value
                clone.transport = transport
            elif key in CALL_OPTIONS:
                if key == "ignore_status" and isinstance(value, int):
                    value = (value,)
                defaults[CALL_OPTIONS[key]] = value
            elif key == "headers":
                defaults["headers"] = {**defaults.get("headers", {}), **value}
            else:
                raise TypeError(
                    f"options() takes ignore_status, request_timeout, max_retries and headers "
                    f"with opensearch-py, not {key!r}"
                )
        setattr(clone, DEFAULTS, defaults)
        install_namespaces(clone)
        return clone

    def __repr__(self) -> str:
        hosts = [host_url(host) for host in getattr(self.transport, "hosts", None) or []]
        return f"<{type(self).__name__}({hosts})>"


_Sync = keyword_class(OpenSearch)


class Client(_Options, _Sync):  # type: ignore[misc, valid-type]
    """``opensearchpy.OpenSearch`` for a djangoes connection (see the module)."""

    djangoes_library = LIBRARY

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_namespaces(self)
