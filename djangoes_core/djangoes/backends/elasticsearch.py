"""Backends on the official client: ``elasticsearch.Elasticsearch`` over a transport node.

Every backend is :class:`BaseElasticsearchBackend` with a different ``connection_class`` (an
elastic-transport node class), as djangoes 0.3 paired a transport with a connection class. The
methods below are the client's, with ``index`` filled in from the connection's indices; the rest
of the client stays reachable as ``connection.client``. The 0.3 names (``SimpleHttpBackend``...)
resolve to the installed transport distributions.
"""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import cached_property
from elastic_transport import AiohttpHttpNode

from ..compat import LEGACY_BACKENDS, drop_doc_type
from .abstracts import Base
from .async_node import threaded
from .loading import load_backend
from .params import check_client_options, hide_secrets, translate
from .requests_log import scrub
from .serializers import write_dsl_objects
from .transport import AsyncTransport, Transport


class SingleIndexRequired(ValueError):
    """A single-index operation on a connection whose indices resolve to several."""


class BaseElasticsearchBackend(Base):
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

    def options(self, **options: Any) -> BaseElasticsearchBackend:
        """This connection with per-request options (``ignore_status``, ``request_timeout``...).

        ``elasticsearch.helpers`` call ``options()`` on what they are given, so they work on a
        connection as on a client.
        """
        clone = copy.copy(self)
        clone.client = self.client.options(**options)
        return clone

    # What elasticsearch.helpers read from a client besides its API, so they take a connection
    # (except ``helpers.reindex``, which needs ``client.indices``: give it ``connection.client``).

    @property
    def transport(self) -> Any:
        return self.client.transport

    @property
    def _otel(self) -> Any:
        return self.client._otel

    @property
    def _client_meta(self) -> Any:
        return self.client._client_meta

    @_client_meta.setter
    def _client_meta(self, value: Any) -> None:
        self.client._client_meta = value

    # Filling in the index

    def _indices(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        drop_doc_type(kwargs)
        kwargs.setdefault("index", self.indices)
        return kwargs

    def _index(self, kwargs: dict[str, Any], operation: str) -> dict[str, Any]:
        drop_doc_type(kwargs)
        if "index" not in kwargs:
            indices = self.indices
            if len(indices) != 1:
                raise SingleIndexRequired(
                    f"connections[{self.alias!r}].{operation}() acts on one index, but this "
                    f"connection uses {len(indices)} ({', '.join(indices) or 'none'}): pass "
                    "index=..., or use a connection configured with one index"
                )
            kwargs["index"] = indices[0]
        return kwargs

    def _write(self, operation: str, kwargs: dict[str, Any]) -> Any:
        """A write, recorded for a rebuild of its index if one is running (no lost update)."""
        return self._writer(self, operation, kwargs)

    @cached_property
    def _writer(self) -> Callable[[Any, str, dict[str, Any]], Any]:
        """The rebuild journal when an index of this connection may be rebuilt; otherwise the
        write alone, so that a project without rebuilds never loads nor pays for them."""
        if not self.rebuilt_indices:
            return _send
        from ..rebuild.journal import journaled  # only here: see the docstring

        return journaled

    def _default_index(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """For bulk and mget, whose items may name their index: the one index, if only one."""
        drop_doc_type(kwargs)
        if "index" not in kwargs and len(self.indices) == 1:
            kwargs["index"] = self.indices[0]
        return kwargs

    # Server

    def info(self, **kwargs: Any) -> Any:
        return self.client.info(**kwargs)

    def ping(self, **kwargs: Any) -> bool:
        return self.client.ping(**kwargs)

    # Over all the connection's indices

    def search(self, **kwargs: Any) -> Any:
        return self.client.search(**self._indices(kwargs))

    def count(self, **kwargs: Any) -> Any:
        return self.client.count(**self._indices(kwargs))

    def msearch(self, **kwargs: Any) -> Any:
        return self.client.msearch(**self._indices(kwargs))

    def delete_by_query(self, **kwargs: Any) -> Any:
        return self._write("delete_by_query", self._indices(kwargs))

    def update_by_query(self, **kwargs: Any) -> Any:
        return self._write("update_by_query", self._indices(kwargs))

    def open_point_in_time(self, **kwargs: Any) -> Any:
        return self.client.open_point_in_time(**self._indices(kwargs))

    def refresh(self, **kwargs: Any) -> Any:
        return self.client.indices.refresh(**self._indices(kwargs))

    # On one index

    def get(self, **kwargs: Any) -> Any:
        return self.client.get(**self._index(kwargs, "get"))

    def exists(self, **kwargs: Any) -> Any:
        return self.client.exists(**self._index(kwargs, "exists"))

    def get_source(self, **kwargs: Any) -> Any:
        return self.client.get_source(**self._index(kwargs, "get_source"))

    def exists_source(self, **kwargs: Any) -> Any:
        return self.client.exists_source(**self._index(kwargs, "exists_source"))

    def create(self, **kwargs: Any) -> Any:
        return self._write("create", self._index(kwargs, "create"))

    def index(self, **kwargs: Any) -> Any:
        return self._write("index", self._index(kwargs, "index"))

    def update(self, **kwargs: Any) -> Any:
        return self._write("update", self._index(kwargs, "update"))

    def delete(self, **kwargs: Any) -> Any:
        return self._write("delete", self._index(kwargs, "delete"))

    def explain(self, **kwargs: Any) -> Any:
        return self.client.explain(**self._index(kwargs, "explain"))

    def termvectors(self, **kwargs: Any) -> Any:
        return self.client.termvectors(**self._index(kwargs, "termvectors"))

    # Items that may name their own index

    def bulk(self, **kwargs: Any) -> Any:
        return self._write("bulk", self._default_index(kwargs))

    def mget(self, **kwargs: Any) -> Any:
        return self.client.mget(**self._default_index(kwargs))

    # No index at all

    def scroll(self, **kwargs: Any) -> Any:
        return self.client.scroll(**kwargs)

    def clear_scroll(self, **kwargs: Any) -> Any:
        return self.client.clear_scroll(**kwargs)

    def close_point_in_time(self, **kwargs: Any) -> Any:
        return self.client.close_point_in_time(**kwargs)


def _send(connection: BaseElasticsearchBackend, operation: str, kwargs: dict[str, Any]) -> Any:
    """``connection.client.<operation>(**kwargs)``: a write with no rebuild to tell."""
    return getattr(connection.client, operation)(**kwargs)


def __getattr__(name: str) -> type:
    """``SimpleHttpBackend`` and the other 0.3 names, from their distributions."""
    path = f"{__name__}.{name}"
    if path in LEGACY_BACKENDS:
        return load_backend(LEGACY_BACKENDS[path])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
