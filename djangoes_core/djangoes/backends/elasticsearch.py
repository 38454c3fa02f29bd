"""Backends on the official client: ``elasticsearch.Elasticsearch`` over a transport node.

Every backend is :class:`BaseElasticsearchBackend` with a different ``connection_class`` (an
elastic-transport node class), as djangoes 0.3 paired a transport with a connection class. The
methods below are the client's, with ``index`` filled in from the connection's indices; the rest
of the client stays reachable as ``connection.client``. The 0.3 names (``SimpleHttpBackend``...)
resolve to the installed transport distributions.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from elastic_transport import AiohttpHttpNode

from ..compat import LEGACY_BACKENDS
from .abstracts import Base
from .async_node import threaded
from .loading import load_backend
from .methods import IndexlessMethods, SingleIndexRequired
from .params import check_client_options, hide_secrets, translate
from .requests_log import scrub
from .serializers import write_dsl_objects
from .transport import AsyncTransport, Transport

__all__ = ["BaseElasticsearchBackend", "SingleIndexRequired"]


class BaseElasticsearchBackend(IndexlessMethods, Base):
    """A connection through ``elasticsearch.Elasticsearch``.

    ``transport_class`` is elastic-transport's Transport (djangoes' subclass logs every
    request); ``connection_class`` is the node class each backend provides. ``HOSTS`` and
    ``PARAMS`` go to the client (``client_hosts()``, ``client_options()``). The same connection
    with an ``AsyncElasticsearch`` client is ``aconnections[alias]``: its node class is
    ``async_connection_class``, or ``connection_class`` run in threads when there is none.
    """

    transport_class: type | None = Transport
    connection_class: type | None = None
    async_transport_class: type | None = AsyncTransport
    async_connection_class: type | None = None
    #: ``PARAMS`` of the transport itself (read by the backend, never given to the client).
    transport_params: tuple[str, ...] = ()

    def client_hosts(self) -> list[Any]:
        """The hosts of the client: ``HOSTS``."""
        return self.server.get("HOSTS") or ["http://localhost:9200"]

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments of the client: ``PARAMS``, 0.3's names translated."""
        place = f"ES_SERVERS[{self.alias!r}]['PARAMS']"
        params = self.server.get("PARAMS") or {}
        return translate({k: v for k, v in params.items() if k not in self.transport_params}, place)

    def location(self) -> str:
        """The nodes of the client's pool, without credentials (those the client really uses:
        ``HOSTS`` as elastic-transport completed them)."""
        nodes = self.client.transport.node_pool.all()
        return ", ".join(sorted({scrub(node.base_url) for node in nodes}))

    def configure_client(self) -> None:
        from elasticsearch import Elasticsearch

        self.client = self.create_client(
            Elasticsearch, self.configured("transport_class"), self.configured("connection_class")
        )

    def configure_async_client(self) -> None:
        from elasticsearch import AsyncElasticsearch

        self.client = self.create_client(
            AsyncElasticsearch,
            self.configured("async_transport_class"),
            self.get_async_connection_class(),
        )

    def get_async_connection_class(self) -> type:
        """``async_connection_class``, or else ``connection_class`` run in worker threads."""
        if self.async_connection_class is None:
            self.check_configured("connection_class")
            return threaded(self.connection_class)
        aiohttp = issubclass(self.async_connection_class, AiohttpHttpNode)
        if aiohttp and importlib.util.find_spec("aiohttp") is None:
            raise ImproperlyConfigured(
                f'aconnections[{self.alias!r}] needs aiohttp: pip install "djangoes[async]"'
            )
        return self.async_connection_class

    def configured(self, attribute: str) -> type:
        """The class ``attribute`` names; ImproperlyConfigured if the backend sets none."""
        self.check_configured(attribute)
        value: type = getattr(self, attribute)
        return value

    def check_configured(self, *attributes: str) -> None:
        for attribute in attributes:
            if not getattr(self, attribute):
                raise ImproperlyConfigured(
                    f"djangoes backend {type(self).__name__} of connection {self.alias!r} is "
                    f"not properly configured: no {attribute}"
                )

    def create_client(self, client_class: type, transport_class: type, node_class: type) -> Any:
        """A client whose transport records its requests in this connection's log.

        ``PARAMS`` are checked first, and an error of the client's own is given as an
        ImproperlyConfigured: either names the connection, not a place inside elasticsearch-py.
        """
        options = self.client_options()
        place = f"ES_SERVERS[{self.alias!r}]['PARAMS']"
        check_client_options(options, place)
        try:
            client = client_class(
                self.client_hosts(),
                transport_class=transport_class,
                node_class=node_class,
                **options,
            )
        except (TypeError, ValueError) as error:
            message = hide_secrets(f"{type(error).__name__}: {error}", options)
            raise ImproperlyConfigured(f"{place} is refused by the client: {message}") from None
        client.transport.requests_log = self.requests_log
        write_dsl_objects(client.transport.serializers)  # elasticsearch.dsl's objects too
        return client

    # What elasticsearch.helpers read from a client besides its API and ``options()``/``transport``
    # (IndexlessMethods), so they take a connection (except ``helpers.reindex``, which needs
    # ``client.indices``: give it ``connection.client``).

    @property
    def _otel(self) -> Any:
        return self.client._otel

    @property
    def _client_meta(self) -> Any:
        return self.client._client_meta

    @_client_meta.setter
    def _client_meta(self, value: Any) -> None:
        self.client._client_meta = value


def __getattr__(name: str) -> type:
    """``SimpleHttpBackend`` and the other 0.3 names, from their distributions."""
    path = f"{__name__}.{name}"
    if path in LEGACY_BACKENDS:
        return load_backend(LEGACY_BACKENDS[path])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
