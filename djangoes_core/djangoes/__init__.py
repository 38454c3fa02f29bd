"""djangoes: Elasticsearch connections for Django, declared in settings like ``django.db``'s.

``connections[alias]`` is the backend of a connection for the current thread, and
``connection`` is ``connections['default']``.
"""

from django.utils.connection import ConnectionProxy

from .handler import DEFAULT_ALIAS, ConnectionDoesNotExist, ConnectionHandler

connections = ConnectionHandler()
connection = ConnectionProxy(connections, DEFAULT_ALIAS)

__all__ = [
    "DEFAULT_ALIAS",
    "ConnectionDoesNotExist",
    "ConnectionHandler",
    "connection",
    "connections",
]
