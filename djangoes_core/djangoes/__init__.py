"""djangoes: Elasticsearch connections for Django, declared in settings like ``django.db``'s.

``connections[alias]`` is the backend of a connection for the current thread, and
``connection`` is ``connections['default']``; ``aconnections`` and ``aconnection`` are their
asynchronous twins, one per event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.signals import request_started
from django.utils.connection import ConnectionProxy

from .async_handler import AsyncConnectionHandler
from .handler import DEFAULT_ALIAS, ConnectionDoesNotExist, ConnectionHandler

if TYPE_CHECKING:
    from .backends.abstracts import Base

connections = ConnectionHandler()
connection = ConnectionProxy(connections, DEFAULT_ALIAS)
aconnections = AsyncConnectionHandler(connections)
# ConnectionProxy only indexes what it is given; django-stubs asks for a BaseConnectionHandler.
aconnection: ConnectionProxy[Base] = ConnectionProxy(aconnections, DEFAULT_ALIAS)  # type: ignore[arg-type]


def reset_queries(**kwargs: Any) -> None:
    """Forget the requests kept in DEBUG, at the start of every request Django serves."""
    for conn in [*connections.all(initialized_only=True), *aconnections.every_loop()]:
        conn.queries_log.clear()


request_started.connect(reset_queries)

__all__ = [
    "DEFAULT_ALIAS",
    "AsyncConnectionHandler",
    "ConnectionDoesNotExist",
    "ConnectionHandler",
    "aconnection",
    "aconnections",
    "connection",
    "connections",
    "reset_queries",
]
