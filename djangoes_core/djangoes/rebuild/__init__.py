"""Zero-downtime rebuilds of configured indices, and the journal that keeps writes made meanwhile.

``rebuild(connection, 'blog')`` builds a new versioned index, copies the documents into it (by
reindexing the live index, or from ``ES_INDICES['blog']['SOURCE']``), catches up with the writes
made meanwhile, and moves every alias to it in one atomic call. ``manage.py es_indices rebuild``
is this, with a progress bar. See ``docs/commands.md`` for the protocol and its guarantees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .journal import JournalError
from .process import Rebuild, RebuildError, Result, abort

if TYPE_CHECKING:
    from ..backends.abstracts import Base

__all__ = ["JournalError", "Rebuild", "RebuildError", "Result", "abort", "rebuild"]


def rebuild(connection: Base, index: str, **options: Any) -> Result:
    """Rebuild ``index`` (an ``ES_INDICES`` key) of ``connection``; see :class:`Rebuild`."""
    return Rebuild(connection, index, **options).run()
