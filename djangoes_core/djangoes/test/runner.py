"""``DiscoverRunner``: Django's test runner that also sets up the test indices.

Set ``TEST_RUNNER = "djangoes.test.runner.DiscoverRunner"``. Like Django's test databases, the
test indices of the connections the suite's test cases use are created once per run and deleted
at the end; ``--keepdb`` keeps and reuses them; ``--parallel N`` gives each worker its own
indices (the test names with ``_1``, ``_2``... appended, as Django's database clones); an index
left behind by an interrupted run is recreated after a prompt (silently with ``--noinput``), and
one left under a worker's suffix this run does not use is deleted.

The runner's process creates every worker's indices and deletes them (the ones it created:
:data:`djangoes.test.indices.created`); its workers delete none.
"""

from __future__ import annotations

from typing import Any

from django.test import runner as django_runner
from django.test.utils import iter_test_cases  # type: ignore[attr-defined]  # not in django-stubs

from .indices import TestIndices, created
from .utils import destroy_test_indices, setup_djangoes, teardown_djangoes


def _init_worker(*args: Any, **kwargs: Any) -> None:
    """A parallel worker: Django's set-up, then this worker's own test indices."""
    # Django's private worker set-up and id, which django-stubs does not declare.
    django_runner._init_worker(*args, **kwargs)  # type: ignore[attr-defined]
    created.provided = True  # the runner's process made this worker's indices, and deletes them
    setup_djangoes(suffix=f"_{django_runner._worker_id}")  # type: ignore[attr-defined]


class ParallelTestSuite(django_runner.ParallelTestSuite):
    init_worker = _init_worker


class DiscoverRunner(django_runner.DiscoverRunner):
    parallel_test_suite = ParallelTestSuite

    def setup_test_environment(self, **kwargs: Any) -> None:
        super().setup_test_environment(**kwargs)
        setup_djangoes(keepdb=self.keepdb)

    def teardown_test_environment(self, **kwargs: Any) -> None:
        teardown_djangoes()
        super().teardown_test_environment(**kwargs)

    def build_suite(self, *args: Any, **kwargs: Any) -> Any:
        suite = super().build_suite(*args, **kwargs)
        self.es_aliases = self.get_es_connections(suite)
        return suite

    def get_es_connections(self, suite: Any) -> list[str]:
        """The connections the suite's djangoes test cases use (their ``es_connections``)."""
        from djangoes import connections

        used: set[str] = set()
        for test in iter_test_cases(suite):
            wanted = getattr(test, "es_connections", None)
            if wanted == "__all__":
                return list(connections)
            used.update(wanted or ())
        return [alias for alias in connections if alias in used]

    def _es_suffixes(self) -> list[str]:
        if self.parallel > 1:
            return [""] + [f"_{worker}" for worker in range(1, self.parallel + 1)]
        return [""]

    def _es_indices(self, suffix: str) -> list[TestIndices]:
        from djangoes import connections

        setup_djangoes(suffix)
        return [
            found
            for found in (TestIndices(connections[a]) for a in getattr(self, "es_aliases", []))
            if found
        ]

    def setup_databases(self, **kwargs: Any) -> Any:
        old_config = super().setup_databases(**kwargs)
        created.suffixes = self._es_suffixes()  # an interrupted run's other suffixes: removed
        for suffix in self._es_suffixes():
            for indices in self._es_indices(suffix):
                indices.create(
                    keepdb=self.keepdb, interactive=self.interactive, verbosity=self.verbosity
                )
        setup_djangoes()
        return old_config

    def teardown_databases(self, old_config: Any, **kwargs: Any) -> None:
        try:
            if not self.keepdb:
                destroy_test_indices(verbosity=self.verbosity)
        finally:
            super().teardown_databases(old_config, **kwargs)
