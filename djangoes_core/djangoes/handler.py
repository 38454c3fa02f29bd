"""``ConnectionHandler``: one backend per connection alias per thread, from settings.

Modelled on Django's database connection handler: ``ES_SERVERS`` declares the connections and
``ES_INDICES`` the indices; both are read, completed with defaults and validated once (see
:mod:`djangoes.conf`), and each thread gets its own backend instance for an alias. A process
created by ``fork`` never reuses its parent's connections: they hold sockets the parent uses.
"""

from __future__ import annotations

import os
import weakref
from typing import Any

from asgiref.local import Local
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.connection import BaseConnectionHandler
from django.utils.connection import ConnectionDoesNotExist as _DoesNotExist
from django.utils.functional import cached_property

from . import conf
from .backends.loading import load_backend
from .signals import connection_created

DEFAULT_ALIAS = conf.DEFAULT_ALIAS
#: Every handler, so that a forked child drops their connections (their sockets are the
#: parent's): weakly, as handlers made in tests come and go.
_HANDLERS: weakref.WeakSet[ConnectionHandler] = weakref.WeakSet()


class ConnectionDoesNotExist(_DoesNotExist, KeyError):
    """An alias ``ES_SERVERS`` (or ``ES_INDICES``) does not declare."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class ConnectionHandler(BaseConnectionHandler):
    settings_name = "ES_SERVERS"
    exception_class = ConnectionDoesNotExist
    #: One connection per thread, as Django's database connections (asgiref's thread-critical
    #: storage is also the fast one).
    thread_critical = True

    def __init__(self, servers: dict | None = None, indices: dict | None = None) -> None:
        super().__init__(servers)
        self._indices = indices
        #: Whether settings come from Django's (and so follow ``override_settings``).
        self.from_settings = servers is None and indices is None
        self._pid = os.getpid()
        self.testing = False
        self.test_suffix = ""
        _HANDLERS.add(self)

    # Settings

    @cached_property
    def indices(self) -> dict[str, dict[str, Any]]:
        """``ES_INDICES`` with defaults and test names, checked."""
        indices = self._indices
        if indices is None:
            indices = getattr(django_settings, "ES_INDICES", None)
        indices = conf.indices_settings(indices)
        for alias, index in indices.items():
            index["TEST"] = conf.test_index_settings(alias, index)
        conf.check_test_names(indices)
        return indices

    def configure_settings(self, settings: dict | None) -> dict[str, dict[str, Any]]:
        if settings is None:
            settings = getattr(django_settings, "ES_SERVERS", None)
        return conf.servers_settings(settings, self.indices)

    @property
    def servers(self) -> dict[str, dict[str, Any]]:
        return self.settings

    def ensure_server_defaults(self, alias: str) -> None:
        """Fill the defaults of one ``ES_SERVERS`` entry (all are filled on first use)."""
        try:
            server = self.settings[alias]
        except KeyError:
            raise self.exception_class(f"The connection {alias!r} doesn't exist.") from None
        self.settings[alias] = conf.server_settings(alias, server, self.indices)

    def ensure_index_defaults(self, alias: str) -> None:
        """Fill the defaults of one ``ES_INDICES`` entry (all are filled on first use)."""
        try:
            index = self.indices[alias]
        except KeyError:
            raise self.exception_class(f"The index {alias!r} doesn't exist.") from None
        test = index["TEST"]
        self.indices[alias] = conf.index_settings(alias, index)
        self.indices[alias]["TEST"] = test

    def prepare_server_test_settings(self, alias: str) -> None:
        """Make sure ``TEST`` is there: ``TEST['INDICES']`` replaces ``INDICES`` during tests."""
        self.ensure_server_defaults(alias)
        self.settings[alias].setdefault("TEST", {})

    def prepare_index_test_settings(self, alias: str) -> None:
        """Make sure ``TEST`` holds the test ``NAME``, ``ALIASES`` and ``SETTINGS``."""
        self.ensure_index_defaults(alias)
        index = self.indices[alias]
        index["TEST"] = conf.test_index_settings(alias, index)
        conf.check_test_names(self.indices)

    def get_server_indices(self, server: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The ``ES_INDICES`` entries a server serves, by index alias, in its order."""
        return {alias: self.indices[alias] for alias in server.get("INDICES", [])}

    # Test mode: connections use the test names

    def enable_test_mode(self, suffix: str = "") -> None:
        """Make every connection use test indices (their names + ``suffix``), in all threads.

        The connections of every thread are dropped (a new thread-local storage), so the next
        lookup anywhere builds a connection on the test names; a forked child inherits the mode.
        """
        self.check_test_names(suffix)
        self.testing, self.test_suffix = True, suffix
        self._renew()

    def disable_test_mode(self) -> None:
        self.testing, self.test_suffix = False, ""
        self._renew()

    def _renew(self) -> None:
        self.close_all()
        self._connections = Local(self.thread_critical)

    def test_index(self, alias: str, suffix: str | None = None) -> dict[str, Any]:
        """The settings of index ``alias`` as a test run sees them (``NAME`` is the test name)."""
        suffix = self.test_suffix if suffix is None else suffix
        index = self.indices[alias]
        test = index["TEST"]
        return {
            "NAME": test["NAME"] + suffix,
            "ALIASES": [name + suffix for name in test["ALIASES"]],
            "SETTINGS": test["SETTINGS"],
            "SOURCE": index.get("SOURCE"),
            "REBUILD": index["REBUILD"],
            "TEST": test,
            "LIVE_NAME": index["NAME"],
        }

    def test_server(self, alias: str) -> dict[str, Any]:
        """A server's settings during tests: ``TEST['INDICES']`` replaces ``INDICES``."""
        server = self.settings[alias]
        if server["TEST"].get("INDICES") is not None:
            server = {**server, "INDICES": server["TEST"]["INDICES"]}
        return server

    def live_names(self) -> set[str]:
        """Every live index name and alias: what test tooling must never touch."""
        return {
            name for index in self.indices.values() for name in (index["NAME"], *index["ALIASES"])
        }

    def check_test_names(self, suffix: str = "") -> None:
        """Refuse a test name (with ``suffix``) that is a live one, before anything is done."""
        live = self.live_names()
        for alias in self.indices:
            test = self.test_index(alias, suffix)
            for name in (test["NAME"], *test["ALIASES"]):
                if name in live:
                    raise ImproperlyConfigured(
                        f"ES_INDICES[{alias!r}]['TEST'] gives the test name {name!r}, which is "
                        "also a live index name or alias: test indices must never be live ones"
                    )

    # Connections

    def load_backend(self, alias: str) -> Any:
        """The backend of a connection, built from its settings (its client not yet)."""
        if alias not in self.settings:
            raise self.exception_class(f"The connection {alias!r} doesn't exist.")
        server = self.test_server(alias) if self.testing else self.settings[alias]
        backend = load_backend(server["ENGINE"], alias)
        if self.testing:
            indices = {a: self.test_index(a) for a in server.get("INDICES", [])}
        else:
            indices = self.get_server_indices(server)
        return backend(alias, server, indices)

    def create_connection(self, alias: str, asynchronous: bool = False) -> Any:
        """A new connection; ``asynchronous``: on ``AsyncElasticsearch``, for ``aconnections``."""
        connection = self.load_backend(alias)
        if asynchronous:
            connection.configure_async_client()
        else:
            connection.configure_client()
        connection_created.send(sender=type(connection), connection=connection)
        return connection

    def check_for_multiprocess(self) -> None:
        """Forget this process's connections if it was forked since they were made.

        Done for every handler right after a fork (see ``_after_fork``), so that a lookup
        costs no more than Django's; kept for callers of djangoes 0.3's API.
        """
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._connections = Local(self.thread_critical)

    def close_all(self) -> None:
        """Close this thread's connections; the next use opens new ones."""
        for alias in self:
            connection = getattr(self._connections, alias, None)
            if connection is not None:
                connection.close()
                delattr(self._connections, alias)

    def reset(self) -> None:
        """Read the settings again, with new connections (after ``override_settings``)."""
        if "settings" in self.__dict__:  # else no connection was made: none to close, and
            self.close_all()  # reading the new settings here would raise their mistakes
        for name in ("settings", "indices"):
            self.__dict__.pop(name, None)
        self._settings = None
        self._connections = Local(self.thread_critical)


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs: Any) -> None:
    """``override_settings(ES_SERVERS=...)`` and ``ES_INDICES`` take effect at once."""
    if setting in ("ES_SERVERS", "ES_INDICES"):
        from . import connections

        if connections.from_settings:
            connections.reset()


def _after_fork() -> None:
    for handler in list(_HANDLERS):
        handler.check_for_multiprocess()


os.register_at_fork(after_in_child=_after_fork)
