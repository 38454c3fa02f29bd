"""The pytest plugin (a ``pytest11`` entry point): test indices for pytest-django suites.

Mark a test with ``@pytest.mark.djangoes`` (or request the ``djangoes`` fixture) and it runs in
test mode, with the test indices created once per session (per xdist worker: the names get
the worker's id, ``_gw0``...) and emptied before it. ``--reuse-db`` keeps them between runs, as
pytest-django keeps its test database; ``--create-db`` recreates them.

Whatever created them (the session fixture, or djangoes' test cases run without the marker),
the test indices a process created are deleted when its session ends (each xdist worker's by
the worker), unless ``--reuse-db``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest


def _reuse(config: pytest.Config) -> bool:
    return bool(config.getoption("reuse_db", default=False))


def pytest_configure(config: pytest.Config) -> None:
    if _reuse(config):  # for the test cases that create test indices themselves
        from .indices import created

        created.keep = True
    config.addinivalue_line(
        "markers",
        "djangoes(using=None): the test uses Elasticsearch: it gets djangoes' test indices, "
        "emptied before it (all connections, or those named by using=)",
    )


@pytest.fixture(scope="session")
def djangoes_setup(request: pytest.FixtureRequest) -> Iterator[list[Any]]:
    """Test mode for the session, and every connection's test indices, created once."""
    from .utils import setup_djangoes, teardown_djangoes, test_indices, worker_suffix

    reuse = _reuse(request.config)
    recreate = bool(request.config.getoption("create_db", default=False))
    setup_djangoes(worker_suffix(), keepdb=reuse)
    indices = test_indices()
    for found in indices:
        found.create(keepdb=reuse and not recreate, interactive=False, verbosity=0)
    yield indices
    teardown_djangoes()  # deletes the test indices this process created, unless --reuse-db


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The test indices djangoes' test cases created without the session fixture: deleted."""
    indices = sys.modules.get("djangoes.test.indices")  # not imported: none was created
    if indices is not None and not indices.created.keep:
        try:
            indices.created.destroy()
        except Exception as error:  # the server may be gone: say so, the session still ends
            sys.stderr.write(f"djangoes: test indices not deleted: {error!r}\n")


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
