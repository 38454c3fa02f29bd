"""The same checks written for pytest and pytest-django."""

import pytest

from djangoes import connection, connections

from . import search


@pytest.mark.djangoes
def test_uses_worker_test_names():
    assert connection.index_names == [f"books_test{connections.test_suffix}"]


@pytest.mark.parametrize("number", range(12))
@pytest.mark.djangoes
def test_each_test_starts_empty(number):
    assert search.count() == 0
    for n in range(3):
        search.add_book(f"p{number}-{n}", f"pytest book {number}", n)
    assert search.find(f"{number}") == sorted(f"p{number}-{n}" for n in range(3))
