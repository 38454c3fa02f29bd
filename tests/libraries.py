"""What tests say of a connection's client library: its exceptions, by kind, and its helpers.

A connection on elasticsearch-py raises elasticsearch-py's exceptions; one on opensearch-py
(``ENGINE: 'opensearch'``), opensearch-py's. Tests that run over both name the kind of failure
(``error(connection, "not found")``) and use the library's helpers (``bulk(connection, ...)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any

import elasticsearch
import elasticsearch.helpers
import opensearchpy
import opensearchpy.helpers

#: Each client library's exceptions for the same failures.
ERRORS: dict[str, dict[str, type[Exception]]] = {
    "elasticsearch-py": {
        "not found": elasticsearch.NotFoundError,
        "conflict": elasticsearch.ConflictError,
        "bad request": elasticsearch.BadRequestError,
        "forbidden": elasticsearch.AuthorizationException,
        "refused": elasticsearch.ConnectionError,
        "timeout": elasticsearch.ConnectionTimeout,
    },
    "opensearch-py": {
        "not found": opensearchpy.NotFoundError,
        "conflict": opensearchpy.ConflictError,
        "bad request": opensearchpy.RequestError,
        "forbidden": opensearchpy.AuthorizationException,
        "refused": opensearchpy.ConnectionError,
        "timeout": opensearchpy.ConnectionTimeout,
    },
}
#: Each client library's helpers module (``bulk``, ``scan``, ``streaming_bulk``).
HELPERS: dict[str, ModuleType] = {
    "elasticsearch-py": elasticsearch.helpers,
    "opensearch-py": opensearchpy.helpers,
}


def error(connection: Any, kind: str) -> type[Exception]:
    """The exception ``connection``'s library raises for ``kind`` of failure."""
    return ERRORS[connection.library.name][kind]


def helpers(connection: Any) -> ModuleType:
    return HELPERS[connection.library.name]


def bulk(connection: Any, actions: Iterable[Any], **kwargs: Any) -> Any:
    """The library's ``helpers.bulk`` on ``connection`` itself (its writes journaled)."""
    return helpers(connection).bulk(connection, actions, **kwargs)
