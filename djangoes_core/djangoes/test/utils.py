"""Switching djangoes to its test indices, and observing requests in tests."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from django.core.signals import request_started

from djangoes import reset_queries

from . import mode
from .indices import TestIndices, created

if TYPE_CHECKING:
    from ..backends.abstracts import Base


def _handler(handler: Any = None) -> Any:
    if handler is None:
        from djangoes import connections as handler
    return handler


def worker_suffix() -> str:
    """The suffix of this process's test names when it is a pytest-xdist worker (``_gw0``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


def setup_djangoes(suffix: str = "", handler: Any = None, *, keepdb: bool | None = None) -> None:
    """Switch every connection (every thread's, and a forked child's) to the test names.

    ``suffix`` is added to every test name and alias: a parallel worker's own indices.
    Refuses, before anything is done, a test name that is a live name. ``keepdb=True`` keeps
    the test indices this process creates, and reuses those it finds (``--keepdb``);
    ``False`` deletes them at the end of the run; None (the default) leaves that as it was
    (deleted, unless the runner or pytest plugin said otherwise).
    """
    mode.enable(_handler(handler), suffix)
    if keepdb is not None:
        created.keep = keepdb


def teardown_djangoes(handler: Any = None, *, keepdb: bool | None = None) -> None:
    """Delete the test indices this process created (unless kept, see :func:`setup_djangoes`;
    ``keepdb`` overrides it), and switch every connection back to the live names."""
    handler = _handler(handler)
    try:
        if not (created.keep if keepdb is None else keepdb):
            created.destroy(handler)
    finally:
        mode.disable(handler)


def destroy_test_indices(
    handler: Any = None, *, verbosity: int = 0, stdout: TextIO | None = None
) -> None:
    """Delete the test indices this process created and has not deleted yet, of ``handler``
    (all handlers by default), whatever ``keepdb`` says: the end of a run that keeps none."""
    created.destroy(handler, verbosity=verbosity, stdout=stdout)


def test_indices(using: Iterable[str] | None = None, handler: Any = None) -> list[TestIndices]:
    """The test indices of the given connections (all by default), in test mode."""
    handler = _handler(handler)
    aliases = list(handler) if using is None else list(using)
    return [found for found in (TestIndices(handler[a], handler) for a in aliases) if found]


test_indices.__test__ = False  # type: ignore[attr-defined]  # pytest: a helper, not a test


def refresh_test_indices(using: Iterable[str] | None = None, handler: Any = None) -> None:
    """Make every write so far searchable in the test indices: one refresh per connection."""
    for indices in test_indices(using, handler):
        indices.refresh()


class CaptureRequestsContext:
    """Record the requests a connection sends while the context is active.

    Like Django's ``CaptureQueriesContext``, on the same mechanism as ``connection.queries``:
    ``captured_requests`` lists ``{"method", "path", "status", "duration", "error"}`` for each
    request sent through the connection (its ``client`` and every ``options()`` copy of it:
    they share one transport), the connection keeping its requests meanwhile even without
    ``DEBUG``.
    """

    def __init__(self, connection: Base) -> None:
        self.connection = connection

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.captured_requests)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.captured_requests[index]

    def __len__(self) -> int:
        return len(self.captured_requests)

    @property
    def captured_requests(self) -> list[dict[str, Any]]:
        return self.connection.requests_log.between(self.initial_requests, self.final_requests)

    def __enter__(self) -> CaptureRequestsContext:
        self.force_queries_log = self.connection.force_queries_log
        self.connection.force_queries_log = True
        self.initial_requests = self.connection.requests_log.kept
        self.final_requests: int | None = None
        request_started.disconnect(reset_queries)
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        self.connection.force_queries_log = self.force_queries_log
        request_started.connect(reset_queries)
        if exc_type is None:
            self.final_requests = self.connection.requests_log.kept
