"""The pytest plugin (a ``pytest11`` entry point): test indices for pytest-django suites.

Mark a test with ``@pytest.mark.djangoes`` (or request the ``djangoes`` fixture) and it runs in
test mode, with the test indices created once per session (per xdist worker: the names get
the worker's id, ``_gw0``...) and emptied before it. ``--reuse-db`` keeps them between runs, as
pytest-django keeps its test database; ``--create-db`` recreates them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "djangoes(using=None): the test uses Elasticsearch: it gets djangoes' test indices, "
        "emptied before it (all connections, or those named by using=)",
    )


@pytest.fixture(scope="session")
def djangoes_setup(request: pytest.FixtureRequest) -> Iterator[list[Any]]:
    """Test mode for the session, and every connection's test indices, created once."""
    from .utils import setup_djangoes, teardown_djangoes, test_indices, worker_suffix

    reuse = bool(request.config.getoption("reuse_db", default=False))
    recreate = bool(request.config.getoption("create_db", default=False))
    setup_djangoes(worker_suffix())
    indices = test_indices()
    for found in indices:
        found.create(keepdb=reuse and not recreate, interactive=False, verbosity=0)
    yield indices
    try:
        if not reuse:
            for found in indices:
                found.destroy(verbosity=0)
    finally:
        teardown_djangoes()


@pytest.fixture
def djangoes(request: pytest.FixtureRequest, djangoes_setup: list[Any]) -> list[Any]:
    """The test indices, existing, configured and empty for this test."""
    marker = request.node.get_closest_marker("djangoes")
    using = marker.kwargs.get("using") if marker else None
    if isinstance(using, str):
        using = [using]
    chosen = [found for found in djangoes_setup if using is None or found.connection.alias in using]
    for found in chosen:
        found.prepare()
    return chosen


@pytest.fixture(autouse=True)
def _djangoes_marker(request: pytest.FixtureRequest) -> None:
    """Tests marked ``djangoes`` get the ``djangoes`` fixture without asking for it."""
    if request.node.get_closest_marker("djangoes") is not None:
        request.getfixturevalue("djangoes")
