"""Django's test cases, with clean test indices for every test.

Indices are created once (by the runner or the pytest plugin; by the first test case that needs
them otherwise) and *reset* before each test rather than recreated: after a refresh, two cheap
requests tell whether anything changed since the class's baseline (documents, mappings or
aliases), and only then are documents deleted, or the index recreated. For ``TestCase``, the
baseline includes the documents ``setUpTestData`` indexed, which every test starts with. An
engine in this process (the embedded backend's) is asked directly instead, without the
refresh (see :meth:`djangoes.backends.abstracts.Base.in_process_reset`).

``es_connections`` says which connections a test case uses (``{"default"}``, or ``"__all__"``);
the others are not touched.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from django import test as django_test

from .indices import Baseline, TestIndices
from .utils import CaptureRequestsContext, setup_djangoes, worker_suffix

#: Django 5.2 made ``_pre_setup`` a classmethod (it may run eagerly in ``setUpClass``).
_CLASS_PRE_SETUP = isinstance(
    inspect.getattr_static(django_test.SimpleTestCase, "_pre_setup"), classmethod
)

# The mixin is only ever combined with Django's test cases: the type checker sees it as one.
if TYPE_CHECKING:
    _TestCase = django_test.SimpleTestCase
else:
    _TestCase = object


class DjangoesTestMixin(_TestCase):
    """What the three test cases add: test indices reset before each test, and assertions."""

    #: The connections this test case uses: a set of aliases, or ``"__all__"``.
    es_connections: ClassVar[set[str] | str] = {"default"}
    _es_indices: ClassVar[list[TestIndices]]
    #: None while ``setUpClass`` runs, then the state each test starts from.
    _es_baselines: ClassVar[list[Baseline] | None]

    @classmethod
    def _es_aliases(cls) -> list[str]:
        from djangoes import connections

        if cls.es_connections == "__all__":
            return list(connections)
        return [alias for alias in connections if alias in cls.es_connections]

    @classmethod
    def setUpClass(cls) -> None:
        from djangoes import connections

        if not connections.testing:
            setup_djangoes(worker_suffix())  # never let a test case write to live indices
        cls._es_indices = [TestIndices(connections[a]) for a in cls._es_aliases()]
        cls._es_indices = [indices for indices in cls._es_indices if indices]
        cls._es_baselines = None
        for indices in cls._es_indices:
            indices.prepare()
        super().setUpClass()
        cls._es_baselines = [indices.capture() for indices in cls._es_indices]

    @classmethod
    def _es_reset(cls) -> None:
        if cls._es_baselines is None:  # Django 5.2 runs _pre_setup inside setUpClass
            return
        for indices, baseline in zip(cls._es_indices, cls._es_baselines, strict=True):
            indices.reset(baseline)

    # (Type-checked as Django 5.2's classmethod: TYPE_CHECKING skips the older variant.)
    if TYPE_CHECKING or _CLASS_PRE_SETUP:

        @classmethod
        def _pre_setup(cls) -> None:
            super()._pre_setup()  # type: ignore[misc]  # private in Django, not in django-stubs
            cls._es_reset()

    else:

        def _pre_setup(self) -> None:
            super()._pre_setup()
            self._es_reset()

    # Assertions

    @contextmanager
    def assertNumRequests(self, num: int, using: str = "default"):
        """Assert that the block sends ``num`` requests through connection ``using``."""
        from djangoes import connections

        with CaptureRequestsContext(connections[using]) as context:
            yield context
        executed = len(context)
        self.assertEqual(
            executed,
            num,
            f"{executed} requests sent, {num} expected\nCaptured requests were:\n"
            + "\n".join(
                f"{n}. {r['method']} {r['path']} -> {r['status']}"
                for n, r in enumerate(context, start=1)
            ),
        )

    def refresh_test_indices(self, using: Any = None) -> None:
        """Make the writes of this test searchable, in every test index it uses."""
        from .utils import refresh_test_indices

        refresh_test_indices(self._es_aliases() if using is None else using)


class SimpleTestCase(DjangoesTestMixin, django_test.SimpleTestCase):
    pass


class TransactionTestCase(DjangoesTestMixin, django_test.TransactionTestCase):
    pass


class TestCase(DjangoesTestMixin, django_test.TestCase):
    pass
