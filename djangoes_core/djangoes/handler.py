"""``ConnectionHandler``: one backend per connection alias per thread, from settings.

Modelled on Django's database connection handler: ``ES_SERVERS`` declares the connections and
``ES_INDICES`` the indices; both are read, completed with defaults and validated once (see
:mod:`djangoes.conf`), and each thread gets its own backend instance for an alias. A process
created by ``fork`` never reuses its parent's connections: they hold sockets the parent uses.
"""

from __future__ import annotations

import os
import weakref
from typing import TYPE_CHECKING, Any

from asgiref.local import Local
from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.connection import BaseConnectionHandler
from django.utils.connection import ConnectionDoesNotExist as _DoesNotExist
from django.utils.functional import cached_property

from . import conf
from .backends.abstracts import Base
from .backends.loading import load_backend
from .compat import HandlerCompat
from .signals import connection_created

if TYPE_CHECKING:
    from .test.mode import TestMode

DEFAULT_ALIAS = conf.DEFAULT_ALIAS
#: Every handler, so that a forked child drops their connections (their sockets are the
#: parent's): weakly, as handlers made in tests come and go.
_HANDLERS: weakref.WeakSet[ConnectionHandler] = weakref.WeakSet()


class ConnectionDoesNotExist(_DoesNotExist, KeyError):
    """An alias ``ES_SERVERS`` (or ``ES_INDICES``) does not declare."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


if TYPE_CHECKING:  # generic in django-stubs only
    _Handler = BaseConnectionHandler[Base]
else:
    _Handler = BaseConnectionHandler


class ConnectionHandler(HandlerCompat, _Handler):
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
        #: Set by the test tooling (``djangoes.test.mode``): the test indices' settings.
        self.test_mode: TestMode | None = None
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

    def get_server_indices(self, server: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The ``ES_INDICES`` entries a server serves, by index alias, in its order."""
        return {alias: self.indices[alias] for alias in server.get("INDICES", [])}

    # Test mode (see djangoes.test.mode): connections built on the test indices

    @property
    def testing(self) -> bool:
        return self.test_mode is not None

    @property
    def test_suffix(self) -> str:
        """The suffix of this process's test names (a parallel worker's), or ``""``."""
        return self.test_mode.suffix if self.test_mode is not None else ""

    def set_test_mode(self, mode: TestMode | None) -> None:
        """Build every connection, in every thread, on ``mode``'s settings (None: the live
        ones): the connections of every thread are dropped (a new thread-local storage)."""
        self.close_all()
        self.test_mode = mode
        self._connections = Local(self.thread_critical)

    # Connections

    def load_backend(self, alias: str) -> Base:
        """The backend of a connection, built from its settings (its client not yet)."""
        if alias not in self.settings:
            raise self.exception_class(f"The connection {alias!r} doesn't exist.")
        server = self.settings[alias]
        if self.test_mode is None:
            indices = self.get_server_indices(server)
        else:
            server = self.test_mode.server(self, alias)
            indices = self.test_mode.server_indices(self, server)
        connection = load_backend(server["ENGINE"], alias)(alias, server, indices)
        connection.testing = self.test_mode is not None
        return connection

    def create_connection(self, alias: str, asynchronous: bool = False) -> Base:
        """A new connection; ``asynchronous``: on an asynchronous client, for ``aconnections``."""
        connection = self.load_backend(alias)
        if asynchronous:
            connection.asynchronous = True
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
