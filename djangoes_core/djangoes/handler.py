"""``ConnectionHandler``: one backend per connection alias per thread, from settings.

Modelled on Django's database connection handler: ``ES_SERVERS`` declares the connections and
``ES_INDICES`` the indices; both are read and completed with defaults once, and each thread
gets its own backend instance for an alias. A process created by ``fork`` never reuses its
parent's connections (their sockets are shared with the parent).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings as django_settings
from django.utils.connection import BaseConnectionHandler
from django.utils.connection import ConnectionDoesNotExist as _Missing

from .backends.loading import load_backend

DEFAULT_ALIAS = "default"
DEFAULT_HOST = "http://localhost:9200"


class ConnectionDoesNotExist(_Missing, KeyError):
    """An alias that ``ES_SERVERS`` does not declare."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class ConnectionHandler(BaseConnectionHandler):
    settings_name = "ES_SERVERS"
    exception_class = ConnectionDoesNotExist

    def __init__(self, servers: dict | None = None, indices: dict | None = None) -> None:
        super().__init__(servers)
        self._indices = indices
        self._pid = os.getpid()

    # Settings

    def configure_settings(self, settings: dict | None) -> dict[str, dict[str, Any]]:
        if settings is None:
            settings = getattr(django_settings, "ES_SERVERS", None)
        if not settings:
            settings = {DEFAULT_ALIAS: {}}
        servers = {alias: dict(server) for alias, server in settings.items()}
        for alias in servers:
            self._ensure_server_defaults(servers, alias)
        return servers

    @property
    def servers(self) -> dict[str, dict[str, Any]]:
        return self.settings

    @property
    def indices(self) -> dict[str, dict[str, Any]]:
        if self._indices is None or not getattr(self, "_indices_ready", False):
            indices = self._indices
            if indices is None:
                indices = getattr(django_settings, "ES_INDICES", None) or {}
            self._indices = {alias: dict(index) for alias, index in indices.items()}
            for alias in self._indices:
                self.ensure_index_defaults(alias)
            self._indices_ready = True
        return self._indices

    def _ensure_server_defaults(self, servers: dict, alias: str) -> None:
        server = servers[alias]
        server.setdefault("ENGINE", "http")
        hosts = server.get("HOSTS") or [DEFAULT_HOST]
        server["HOSTS"] = [hosts] if isinstance(hosts, str) else list(hosts)
        server.setdefault("INDICES", [])
        server["PARAMS"] = dict(server.get("PARAMS") or {})
        server.setdefault("TEST", {})

    def ensure_server_defaults(self, alias: str) -> None:
        """Fill the defaults of one ``ES_SERVERS`` entry (done for all on first use)."""
        if alias not in self.settings:
            raise self.exception_class(f"The server connection '{alias}' doesn't exist.")
        self._ensure_server_defaults(self.settings, alias)

    def ensure_index_defaults(self, alias: str) -> None:
        indices = self._indices
        if alias not in indices:
            raise self.exception_class(f"The index '{alias}' doesn't exist.")
        index = indices[alias]
        index.setdefault("NAME", alias)
        index["ALIASES"] = list(index.get("ALIASES") or [])
        index.setdefault("SETTINGS", None)
        if "TESTS" in index and "TEST" not in index:
            index["TEST"] = index.pop("TESTS")
        index.setdefault("TEST", {})

    def get_server_indices(self, server: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The ``ES_INDICES`` entries a server serves, by index alias."""
        return {alias: self.indices[alias] for alias in server.get("INDICES", [])}

    # Connections

    def load_backend(self, alias: str) -> type:
        return load_backend(self.settings[alias]["ENGINE"], alias)

    def create_connection(self, alias: str) -> Any:
        server = self.settings[alias]
        backend = self.load_backend(alias)
        return backend(alias, server, self.get_server_indices(server))

    def check_for_multiprocess(self) -> None:
        """Forget this thread's connections if the process was forked since they were made."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._connections = self._connections.__class__(self.thread_critical)

    def __getitem__(self, alias: str) -> Any:
        self.check_for_multiprocess()
        return super().__getitem__(alias)

    def close_all(self) -> None:
        for alias in self:
            try:
                connection = getattr(self._connections, alias)
            except AttributeError:
                continue
            close = getattr(connection, "close", None)
            if close is not None:
                close()
            delattr(self._connections, alias)
