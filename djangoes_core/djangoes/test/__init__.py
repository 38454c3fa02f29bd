"""Testing with djangoes: test indices that never touch the live ones.

``djangoes.test.TestCase`` and friends are Django's test cases that also give each test clean
test indices; ``djangoes.test.runner.DiscoverRunner`` creates them once per run; the pytest
plugin (:mod:`djangoes.test.pytest_plugin`, a ``pytest11`` entry point: installed, it is on)
does the same for pytest-django. See ``docs/testing.md``.
"""

from .testcases import SimpleTestCase, TestCase, TransactionTestCase
from .utils import (
    CaptureRequestsContext,
    refresh_test_indices,
    setup_djangoes,
    teardown_djangoes,
)

__all__ = [
    "CaptureRequestsContext",
    "SimpleTestCase",
    "TestCase",
    "TransactionTestCase",
    "refresh_test_indices",
    "setup_djangoes",
    "teardown_djangoes",
]
