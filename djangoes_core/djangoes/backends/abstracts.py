"""The abstract backend: a connection that knows its indices and aliases.

A backend is built with its alias, its server settings and the settings of the indices it
serves, so that calls needing index names take them from here and callers never pass
``index=``. Settings arrive completed with their defaults (see :mod:`djangoes.conf`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import cached_property

from ..compat import indices_by_name
from ..conf import rebuilds
from .library import ClientLibrary, library_of
from .requests_log import RequestsLog, scrub


class InProcessReset(Protocol):
    """What a backend whose engine is in this process offers the test tooling's reset between
    tests (see :meth:`Base.in_process_reset`): the same isolation as its requests, without them."""

    def state(self, names: list[str]) -> dict[str, Any]:
        """A value per index that any write to it, or its recreation, changes."""

    def clear(self, names: list[str]) -> None:
        """Delete every document of these indices, refreshed or not, and refresh them."""


def _unique(names: list[str]) -> list[str]:
    """Names in order of first appearance, without repeats."""
    return list(dict.fromkeys(names))


def _url(host: Any) -> str:
    """A ``HOSTS`` entry as a URL (entries are URLs, or dicts once completed)."""
    if not isinstance(host, Mapping):
        return str(host)
    url = f"{host.get('scheme', 'http')}://{host['host']}:{host.get('port', 9200)}"
    return url + (host.get("path_prefix") or "")


class Base:
    """Elasticsearch connection wrapper base."""

    #: Whether the indices are test indices: set on the connections a handler builds in test
    #: mode (see :mod:`djangoes.test.mode`).
    testing: bool = False
    #: Whether the server lives in this process's memory and goes with it: what a command
    #: creates there is gone when the command exits (the embedded engine without a data
    #: directory). Commands and ``check --deploy`` warn about it (``djangoes.W012``).
    ephemeral: bool = False
    #: Whether ``client`` is asynchronous: set on the connections of ``aconnections``.
    asynchronous: bool = False

    def __init__(
        self,
        alias: str,
        server: Mapping[str, Any],
        indices: Mapping[str, Mapping[str, Any]] | list[Mapping[str, Any]],
    ) -> None:
        self.alias = alias
        self.server = server
        self.server_indices = indices_by_name(indices)
        self.client: Any = None
        self.requests_log = RequestsLog(alias)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} alias={self.alias!r} indices={self.indices!r}>"

    def configure_client(self) -> None:
        """Build ``self.client``; each backend says how."""
        raise NotImplementedError

    def configure_async_client(self) -> None:
        """Build ``self.client`` as an asynchronous client (for ``aconnections``)."""
        raise ImproperlyConfigured(
            f"djangoes backend {type(self).__name__} of connection {self.alias!r} has no "
            "asynchronous client: aconnections needs a backend that builds one"
        )

    @property
    def library(self) -> ClientLibrary:
        """What the core needs of the client's library beyond its API (see
        :mod:`djangoes.backends.library`): the ``djangoes_library`` of the client's class, or
        elasticsearch-py's."""
        return library_of(self.client)

    def check_server(self) -> None:
        """Check ``HOSTS`` and ``PARAMS`` as the client would take them, without connecting
        (``manage.py check``): ImproperlyConfigured names the setting. Backends on
        elasticsearch-py are checked by the core; a backend on another library checks here."""

    def location(self) -> str:
        """Where the connection goes, without credentials: what commands and their errors
        show after its alias (``https://es.example.com:443``). From ``HOSTS``; a backend whose
        server has no host (one in this process) says where it is instead."""
        hosts = self.server.get("HOSTS") or []
        return ", ".join(sorted({scrub(_url(host)) for host in hosts})) or "no host"

    def close(self) -> None:
        """Release the client's connections (``close_all``, the end of a test run)."""
        close = getattr(self.client, "close", None)
        if close is not None:
            close()

    async def aclose(self) -> None:
        """Release an asynchronous client's connections (``aconnections.aclose_all()``)."""
        close = getattr(self.client, "close", None)
        if close is not None:
            await close()

    def in_process_reset(self) -> InProcessReset | None:
        """The test tooling's fast path between tests, for an engine in this process (the
        embedded backend's); None, as here: the requests any Elasticsearch answers."""
        return None

    # The requests kept in DEBUG, as ``connection.queries`` (see :mod:`.requests_log`)

    @property
    def queries(self) -> list[dict[str, Any]]:
        return self.requests_log.queries

    @property
    def queries_log(self) -> deque[dict[str, Any]]:
        return self.requests_log.queries_log

    @property
    def queries_logged(self) -> bool:
        return self.requests_log.queries_logged

    @property
    def force_queries_log(self) -> bool:
        return self.requests_log.force_queries_log

    @force_queries_log.setter
    def force_queries_log(self, value: bool) -> None:
        self.requests_log.force_queries_log = value

    def get_indices(self) -> list[str]:
        """The names requests use: an index's aliases stand in for it when it has some."""
        names: list[str] = []
        for index in self.server_indices.values():
            names.extend(index.get("ALIASES") or [index["NAME"]])
        return _unique(names)

    def get_index_names(self) -> list[str]:
        """The index names themselves, e.g. to create the indices."""
        return _unique([index["NAME"] for index in self.server_indices.values()])

    def get_alias_names(self) -> list[str]:
        return _unique(
            [
                alias
                for index in self.server_indices.values()
                for alias in index.get("ALIASES") or []
            ]
        )

    def get_indices_with_settings(self) -> dict[str, dict[str, Any]]:
        """Each index name with the body that creates it (``SETTINGS`` plus its aliases)."""
        bodies: dict[str, dict[str, Any]] = {}
        for index in self.server_indices.values():
            body = dict(index.get("SETTINGS") or {})
            aliases = dict(body.get("aliases") or {})
            for alias in index.get("ALIASES") or []:
                aliases.setdefault(alias, {})
            if aliases:
                body["aliases"] = aliases
            bodies[index["NAME"]] = body
        return bodies

    @cached_property
    def rebuilt_indices(self) -> dict[str, Mapping[str, Any]]:
        """The indices a rebuild may swap under this connection (``REBUILD``, or a ``SOURCE``):
        only writes to these go through the rebuild journal; with none, a write is one request.

        Test indices are left out: they belong to one test run, which no rebuild runs under.
        """
        return {
            key: index
            for key, index in self.server_indices.items()
            if rebuilds(index) and not self.testing
        }

    @cached_property
    def indices(self) -> list[str]:
        return self.get_indices()

    @cached_property
    def index_names(self) -> list[str]:
        return self.get_index_names()

    @cached_property
    def alias_names(self) -> list[str]:
        return self.get_alias_names()
