"""``ENGINE: 'opensearch'``: OpenSearch and Amazon OpenSearch Service through opensearch-py.

:class:`~.backend.OpenSearchBackend` is djangoes' backend on a client library other than
elasticsearch-py (see ``docs/transports.md``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["OpenSearchBackend"]


def __getattr__(name: str) -> Any:
    # The backend needs Django and the core; import them only when asked for.
    if name == "OpenSearchBackend":
        from .backend import OpenSearchBackend

        return OpenSearchBackend
    raise AttributeError(name)
