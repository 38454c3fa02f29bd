"""Test mode: a handler's connections built on the test indices, as Django's test databases.

Django points a connection at its test database by changing the connection's settings;
djangoes does the same: :func:`enable` gives the handler a :class:`TestMode`, from which it takes
the settings of every connection it builds from then on (``TEST['INDICES']`` for ``INDICES``,
each index's ``TEST`` names with the suffix of a parallel worker) and marks them
``connection.testing``. The handler itself knows nothing of test names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import conf

if TYPE_CHECKING:
    from ..handler import ConnectionHandler


@dataclass(frozen=True)
class TestMode:
    """The test names of a handler's indices, with ``suffix`` appended (``_gw0``, ``_2``)."""

    __test__ = False  # not a test class, whatever pytest's collection thinks of the name

    suffix: str = ""

    def index(self, handler: ConnectionHandler, alias: str) -> dict[str, Any]:
        """The settings of index ``alias`` as a test run sees them (``NAME`` is the test name)."""
        index = handler.indices[alias]
        test = index["TEST"]
        return {
            "NAME": test["NAME"] + self.suffix,
            "ALIASES": [name + self.suffix for name in test["ALIASES"]],
            "SETTINGS": test["SETTINGS"],
            "SOURCE": index.get("SOURCE"),
            "REBUILD": index["REBUILD"],
            "TEST": test,
        }

    def server(self, handler: ConnectionHandler, alias: str) -> dict[str, Any]:
        """A server's settings during tests: ``TEST['INDICES']`` replaces ``INDICES``."""
        server = handler.settings[alias]
        if server["TEST"].get("INDICES") is not None:
            server = {**server, "INDICES": server["TEST"]["INDICES"]}
        return server

    def server_indices(
        self, handler: ConnectionHandler, server: dict[str, Any]
    ) -> dict[str, dict[str, Any]]:
        """The test settings of the indices a server uses during tests, in its order."""
        return {alias: self.index(handler, alias) for alias in server.get("INDICES", [])}


def enable(handler: ConnectionHandler, suffix: str = "") -> None:
    """Make every connection of ``handler`` use test indices (their names + ``suffix``), in
    every thread and in a forked child; a test name that is a live one is refused first."""
    conf.check_test_names(handler.indices, suffix)
    handler.set_test_mode(TestMode(suffix))


def disable(handler: ConnectionHandler) -> None:
    """Back to the live indices."""
    handler.set_test_mode(None)
