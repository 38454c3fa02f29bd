"""elasticsearch.dsl's ``using="alias"``, resolved to djangoes connections.

elasticsearch.dsl looks every ``using`` up in its registry (``elasticsearch.dsl.connections``,
and ``async_connections`` for the async classes) each time it sends a request. Once
:func:`install` has run (importing :mod:`djangoes.dsl` runs it), a name that registry does not
hold is a djangoes alias: ``connections[alias]`` of the calling thread, or
``aconnections[alias]`` of the running event loop. Names registered with DSL's own
``create_connection``, ``add_connection`` or ``configure`` keep meaning DSL's clients.

What DSL gets is the connection as a client (:class:`ConnectionClient`): its requests are the
connection's (logged, kept in DEBUG, counted by ``assertNumRequests``), and its writes go
through the connection's write methods, so that a rebuild running on the index journals them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from elasticsearch import AsyncElasticsearch, Elasticsearch
from elasticsearch.dsl import async_connections as dsl_async_connections
from elasticsearch.dsl import connections as dsl_connections

from ..backends.elasticsearch import BaseElasticsearchBackend

if TYPE_CHECKING:
    from collections.abc import Callable

    from elasticsearch.dsl.connections import Connections

    from ..backends.abstracts import Base

#: The connection's methods that write: they record the write for a running rebuild.
WRITES = frozenset(
    ("index", "create", "update", "delete", "bulk", "delete_by_query", "update_by_query")
)
#: What ``elasticsearch.helpers`` read from a client besides its API (see
#: ``BaseElasticsearchBackend``); other private names stay hidden, so that DSL does not write
#: its user agent into the connection's client headers.
HELPER_ATTRIBUTES = frozenset(("_otel",))


class ConnectionClient:
    """A djangoes connection as elasticsearch.dsl uses a client.

    Reads are the connection's client's; writes are the connection's own methods (the rebuild
    journal); ``options()`` keeps both (``elasticsearch.helpers.bulk`` calls it).
    """

    def __init__(self, connection: Base) -> None:
        if not isinstance(connection.client, Elasticsearch | AsyncElasticsearch):
            raise ImproperlyConfigured(
                f"connections[{connection.alias!r}] ({type(connection).__name__}) has a "
                f"{type(connection.client).__module__}.{type(connection.client).__name__} "
                "client: elasticsearch.dsl needs a connection on elasticsearch-py's client"
            )
        self.connection = connection
        self._journals = isinstance(connection, BaseElasticsearchBackend)

    def __repr__(self) -> str:
        return f"<ConnectionClient of {self.connection!r}>"

    def __getattr__(self, name: str) -> Any:
        if name in WRITES and self._journals:
            return getattr(self.connection, name)
        if name.startswith("_") and name not in HELPER_ATTRIBUTES:
            raise AttributeError(name)
        return getattr(self.connection.client, name)

    def options(self, **options: Any) -> ConnectionClient:
        if self._journals:
            connection: Any = self.connection.options(**options)  # type: ignore[attr-defined]
        else:
            connection = _with_client(self.connection, self.connection.client.options(**options))
        return ConnectionClient(connection)

    @property
    def _client_meta(self) -> Any:  # set by elasticsearch.helpers on an options() copy
        return self.connection.client._client_meta

    @_client_meta.setter
    def _client_meta(self, value: Any) -> None:
        self.connection.client._client_meta = value


def _with_client(connection: Base, client: Any) -> Base:
    import copy

    clone = copy.copy(connection)
    clone.client = client
    return clone


def client(alias: str) -> ConnectionClient:
    """``connections[alias]`` of this thread, as elasticsearch.dsl's client."""
    from .. import connections

    return ConnectionClient(connections[alias])


def async_client(alias: str) -> ConnectionClient:
    """``aconnections[alias]`` of the running event loop, as elasticsearch.dsl's client."""
    from .. import aconnections

    return ConnectionClient(aconnections[alias])


class DjangoesAliases(dict[str, Any]):
    """DSL's registry of clients, where a name it lacks is a djangoes alias.

    elasticsearch.dsl's ``get_connection`` reads ``registry._conns[alias]`` first, then builds
    a client from ``registry._kwargs[alias]``: a missing entry gets the djangoes connection
    here, unless DSL has a configuration of that name to build it from. It is made anew on each
    lookup (never stored): a connection belongs to one thread, or one event loop.
    """

    def __init__(self, registry: Connections[Any], resolve: Callable[[str], Any]) -> None:
        super().__init__(registry._conns)
        self.registry = registry
        self.resolve = resolve

    def __missing__(self, alias: str) -> Any:
        if alias in self.registry._kwargs or not settings.configured:
            raise KeyError(alias)  # DSL's own, or no Django project: no djangoes alias
        return self.resolve(alias)


def install() -> None:
    """Make elasticsearch.dsl's registries resolve djangoes aliases (once; idempotent)."""
    for registry, resolve in (
        (dsl_connections.connections, client),
        (dsl_async_connections.connections, async_client),
    ):
        if not isinstance(registry._conns, DjangoesAliases):
            registry._conns = DjangoesAliases(registry, resolve)
