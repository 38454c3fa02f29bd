"""Backends on the official client: ``elasticsearch.Elasticsearch`` over a transport node.

Every backend is this class with a different ``connection_class`` (an elastic-transport node
class). The 0.3 names (``SimpleHttpBackend``...) resolve to the installed transport
distributions; one that is not installed says which extra to install.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from elastic_transport import Transport

from .abstracts import Base
from .loading import LEGACY, load_backend

#: Client methods that act on documents of the connection's indices: ``index=`` is filled in.
INDEXED = (
    "search",
    "count",
    "msearch",
    "get",
    "mget",
    "exists",
    "get_source",
    "create",
    "index",
    "update",
    "delete",
    "bulk",
    "delete_by_query",
    "update_by_query",
    "explain",
    "exists_source",
    "open_point_in_time",
    "termvectors",
    "mtermvectors",
    "search_template",
    "field_caps",
    "validate",
)


class BaseElasticsearchBackend(Base):
    """A connection through ``elasticsearch.Elasticsearch``.

    ``transport_class`` is elastic-transport's Transport; ``connection_class`` is the node class
    each backend provides. ``HOSTS`` and ``PARAMS`` go to the client.
    """

    transport_class: type | None = Transport
    connection_class: type | None = None

    def __init__(self, alias: str, server: Any, indices: Any) -> None:
        super().__init__(alias, server, indices)
        self.configure_client()

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments of the client: ``PARAMS``."""
        return dict(self.server.get("PARAMS") or {})

    def configure_client(self) -> None:
        from elasticsearch import Elasticsearch

        if not self.transport_class:
            raise ImproperlyConfigured(
                f"djangoes backend {type(self).__name__} of connection {self.alias!r} is not "
                "properly configured: no transport_class"
            )
        if not self.connection_class:
            raise ImproperlyConfigured(
                f"djangoes backend {type(self).__name__} of connection {self.alias!r} is not "
                "properly configured: no connection_class"
            )
        self.client = Elasticsearch(
            self.server.get("HOSTS") or ["http://localhost:9200"],
            transport_class=self.transport_class,
            node_class=self.connection_class,
            **self.client_options(),
        )

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def __getattr__(self, name: str) -> Any:
        """Client methods, with this connection's indices when the method takes ``index``."""
        if name.startswith("_") or name in ("client",):
            raise AttributeError(name)
        method = getattr(self.client, name)
        if name not in INDEXED:
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            if name not in ("mget", "msearch", "bulk") or "index" in kwargs:
                kwargs.setdefault("index", ",".join(self.indices))
            return method(*args, **kwargs)

        call.__name__ = name
        call.__doc__ = method.__doc__
        return call


def __getattr__(name: str) -> type:
    """``SimpleHttpBackend`` and the other 0.3 names, from their distributions."""
    path = f"{__name__}.{name}"
    if path in LEGACY:
        return load_backend(LEGACY[path])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
