"""What the core needs of a backend's client library, beyond calling its API.

The core (test indices, commands, checks, rebuilds) calls a connection's client with
elasticsearch-py's names and keyword arguments (``client.indices.create(index=..., mappings=...)``,
``client.msearch(searches=...)``). Everything else it needs of the library that made the client
is here: which exceptions mean what, how to read a response, how to ask for a 404 without an
exception, its bulk and scan helpers. A backend on elasticsearch-py has
:func:`elasticsearch`'s; a backend on another client library (opensearch-py, in the
``djangoes-backends-opensearch`` distribution) gives its own :class:`ClientLibrary`, as the
``djangoes_library`` of its client's class (see ``docs/transports.md``, "A backend on another
client library").
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

#: Every library in use, so that code holding an exception but no connection (a command's last
#: resort) knows it as a server's failure.
_LIBRARIES: list[ClientLibrary] = []
_LOCK = threading.Lock()


class ClientLibrary:
    """A client library as the core sees it. Subclasses fill in the class attributes and
    override the methods; :meth:`register` makes its exceptions known to the commands.

    ``api_errors``: the server answered with an error status. ``transport_errors``: no usable
    answer (refused, timed out, TLS, an unreadable body). ``transport_kinds``: what each kind of
    transport error means, most specific first, for one-line messages; ``timeout_errors`` are
    the timeouts among them. A library whose one exception class covers both (opensearch-py's
    ``TransportError``) lists it in ``api_errors``: :meth:`status` tells them apart (None when
    the server did not answer), and the core asks it, not the class.
    """

    #: The library's name, as messages show it (``opensearch-py``).
    name: str = "a client library"
    #: The product it talks to, as ``es_check`` shows it (``OpenSearch``).
    product: str = "Elasticsearch"
    api_errors: tuple[type[Exception], ...] = ()
    transport_errors: tuple[type[Exception], ...] = ()
    timeout_errors: tuple[type[Exception], ...] = ()
    transport_kinds: tuple[tuple[type[Exception], str], ...] = ()

    def register(self) -> ClientLibrary:
        with _LOCK:
            if self not in _LIBRARIES:
                _LIBRARIES.append(self)
        return self

    # Errors

    def status(self, error: BaseException) -> int | None:
        """The HTTP status of an ``api_errors`` exception (None for any other)."""
        raise NotImplementedError

    def error_body(self, error: BaseException) -> Any:
        """The body the server answered with, for an ``api_errors`` exception."""
        raise NotImplementedError

    # Responses and clients

    def body(self, response: Any) -> Any:
        """A response as plain JSON values (dicts, lists...)."""
        return response

    def lenient(self, client: Any, status: int = 404) -> Any:
        """``client``, answering ``status`` with its body instead of raising."""
        raise NotImplementedError

    def without_retries(self, client: Any) -> Any:
        """``client``, trying each request once (``es_check``: a probe, not a workload)."""
        return client

    def product_of(self, info: Any) -> str:
        """The product a server is, from its root endpoint's answer (``es_check`` shows it)."""
        return self.product

    # Helpers

    def bulk(self, client: Any, actions: Iterable[Any], **kwargs: Any) -> Any:
        """The library's ``helpers.bulk``: (successes, errors)."""
        raise NotImplementedError

    def scan(self, client: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """The library's ``helpers.scan``: every hit of a search, page by page."""
        raise NotImplementedError


class ElasticsearchLibrary(ClientLibrary):
    """elasticsearch-py and elastic-transport: the library of djangoes' own transports."""

    name = "elasticsearch-py"
    product = "Elasticsearch"

    def __init__(self) -> None:
        import elastic_transport

        self.api_errors = (elastic_transport.ApiError,)
        self.transport_errors = (elastic_transport.TransportError,)
        self.timeout_errors = (elastic_transport.ConnectionTimeout,)
        self.transport_kinds = (
            (elastic_transport.ConnectionTimeout, "no answer in time"),
            (elastic_transport.TlsError, "TLS failed"),
            (elastic_transport.ConnectionError, "could not connect"),
            (elastic_transport.SerializationError, "unreadable answer"),
        )

    def status(self, error: BaseException) -> int | None:
        meta = getattr(error, "meta", None)
        return getattr(meta, "status", None) if isinstance(error, self.api_errors) else None

    def error_body(self, error: BaseException) -> Any:
        return getattr(error, "body", None)

    def body(self, response: Any) -> Any:
        return getattr(response, "body", response)

    def lenient(self, client: Any, status: int = 404) -> Any:
        return client.options(ignore_status=status)

    def without_retries(self, client: Any) -> Any:
        return client.options(max_retries=0)

    def bulk(self, client: Any, actions: Iterable[Any], **kwargs: Any) -> Any:
        from elasticsearch import helpers

        return helpers.bulk(client, actions, **kwargs)

    def scan(self, client: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        from elasticsearch import helpers

        return iter(helpers.scan(client, **kwargs))


_elasticsearch: ElasticsearchLibrary | None = None


def elasticsearch() -> ElasticsearchLibrary:
    """The elasticsearch-py library (made on first use)."""
    global _elasticsearch
    if _elasticsearch is None:
        _elasticsearch = ElasticsearchLibrary()
        _elasticsearch.register()
    return _elasticsearch


def library_of(client: Any) -> ClientLibrary:
    """The library of ``client``: its class's ``djangoes_library``, else elasticsearch-py."""
    found = getattr(type(client), "djangoes_library", None)
    return found if isinstance(found, ClientLibrary) else elasticsearch()


def api_errors() -> tuple[type[Exception], ...]:
    """The ``api_errors`` of every library in use (elasticsearch-py's always)."""
    elasticsearch()
    return tuple(cls for library in list(_LIBRARIES) for cls in library.api_errors)


def transport_errors() -> tuple[type[Exception], ...]:
    """The ``transport_errors`` of every library in use: a server that did not answer."""
    elasticsearch()
    return tuple(cls for library in list(_LIBRARIES) for cls in library.transport_errors)


def server_errors() -> tuple[type[Exception], ...]:
    """A server's failures, for every library in use: its answers and its silences."""
    elasticsearch()
    return tuple(
        cls
        for library in list(_LIBRARIES)
        for cls in (*library.api_errors, *library.transport_errors)
    )


def library_of_error(error: BaseException) -> ClientLibrary | None:
    """The library whose exception ``error`` is."""
    elasticsearch()
    for library in list(_LIBRARIES):
        if isinstance(error, (*library.api_errors, *library.transport_errors)):
            return library
    return None


# For code that holds a client or an error, not its connection (the rebuild's steps)


def plain(response: Any) -> Any:
    """A response of any library as plain JSON values: elasticsearch-py's ``.body``, or the
    response itself (opensearch-py answers with plain values)."""
    return getattr(response, "body", response)


def lenient(client: Any, status: int = 404) -> Any:
    """``client``, answering ``status`` instead of raising (its library's way)."""
    return library_of(client).lenient(client, status)


def status_of(error: BaseException) -> int | None:
    """The HTTP status a server answered ``error`` with (None if it did not answer)."""
    library = library_of_error(error)
    return None if library is None else library.status(error)


def error_body_of(error: BaseException) -> Any:
    """The body a server answered ``error`` with (None if it did not answer)."""
    library = library_of_error(error)
    return None if library is None else library.error_body(error)
