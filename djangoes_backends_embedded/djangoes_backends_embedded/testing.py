"""The reset between tests of ``djangoes.test``, served by the engine in this process.

Over requests, a reset after a test that wrote refreshes (a tantivy commit of the test's
documents), then deletes them by query and refreshes again (a second commit): milliseconds
per test. With the engine at hand it asks the indices directly: their uuid and highest
``_seq_no`` tell whether anything was written (refreshed or not) or the index recreated, and
:meth:`djangoes_engine.index.Index.clear` deletes every document, refreshed or not, each
with its own ``_seq_no`` and translog record as a delete request would, and refreshes,
committing nothing when the test refreshed nothing. Mappings and aliases are still compared
through the client (``djangoes.test.indices``), as for any server.
"""

from __future__ import annotations

from typing import Any

from djangoes_engine.engine import Engine


class EngineReset:
    """:class:`djangoes.backends.abstracts.InProcessReset` for an embedded engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def state(self, names: list[str]) -> dict[str, Any]:
        """(uuid, highest ``_seq_no``) of each index; None for a missing one."""
        indices = self.engine.indices
        return {
            name: (index.uuid, index.max_seq_no)
            if (index := indices.get(name)) is not None
            else None
            for name in names
        }

    def clear(self, names: list[str]) -> None:
        for name in names:
            self.engine.index(name).clear()
