"""The sample project's tests: they index, search, and check that nothing leaks."""

import os
import time

from djangoes import connection
from djangoes.test import TestCase, TransactionTestCase

from . import search


def worker_suffix() -> str:
    """The suffix this process's test indices carry (empty unless a parallel worker)."""
    from djangoes import connections

    return connections.test_suffix


class IndexNamesTests(TestCase):
    def test_uses_test_names(self):
        self.assertEqual(connection.index_names, [f"books_test{worker_suffix()}"])
        self.assertEqual(connection.indices, [f"library_test{worker_suffix()}"])


def leak_checks(name):
    """Test methods that each start empty, write, and see only their own documents."""

    def check(self):
        self.assertEqual(search.count(), 0, "a previous test's documents are still there")
        for number in range(5):
            search.add_book(f"{name}-{number}", f"{name} book", 2000 + number)
        time.sleep(0.01)  # let a worker sharing this index (it must not) write too
        self.assertEqual(search.count(), 5)
        self.assertEqual(len(search.find(name)), 5)

    return check


def make_case(base, letter):
    attributes = {f"test_{n}": leak_checks(f"{letter}{n}") for n in range(4)}
    return type(f"Leak{letter.upper()}Tests", (base,), attributes)


LeakATests = make_case(TestCase, "a")
LeakBTests = make_case(TestCase, "b")
LeakCTests = make_case(TransactionTestCase, "c")
LeakDTests = make_case(TransactionTestCase, "d")


class ClassDataTests(TestCase):
    """Documents from setUpTestData are there for every test; a test's own are not."""

    @classmethod
    def setUpTestData(cls):
        search.add_book("dune", "Dune", 1965)

    def test_a_sees_class_data_and_writes(self):
        self.assertEqual(search.find("dune"), ["dune"])
        search.add_book("extra", "Extra Dune", 2000)
        self.assertEqual(search.count(), 2)

    def test_b_sees_class_data_only(self):
        self.assertEqual(search.find("dune"), ["dune"])
        self.assertEqual(search.count(), 1)

    def test_c_mapping_changes_are_undone(self):
        connection.client.indices.put_mapping(
            index=connection.index_names[0], properties={"isbn": {"type": "keyword"}}
        )
        search.add_book("other", "Other", 1)

    def test_d_mapping_is_as_configured(self):
        mapping = connection.client.indices.get_mapping(index=connection.index_names[0])
        properties = next(iter(mapping.values()))["mappings"]["properties"]
        self.assertNotIn("isbn", properties)
        self.assertEqual(search.count(), 1)


class RequestCountTests(TestCase):
    def test_assert_num_requests(self):
        with self.assertNumRequests(2):
            search.add_book("one", "One", 1)
            search.count()


class RunMarkerTests(TestCase):
    """Leaves a mark for the next run: with --keepdb, it must not find the previous one."""

    def test_no_document_from_a_previous_run(self):
        self.assertEqual(search.count(), 0)
        search.add_book(f"run-{os.getpid()}", "run marker", 1)
