"""The per-test cost of ``djangoes.test.TestCase`` over Django's own ``TestCase``.

Runs a class of 100 tests with each, in-process (``ENGINE: 'embedded'``) and over HTTP
(``djangoes-embedded serve`` in a subprocess), and prints the difference per test: for tests
that leave the index untouched, and for tests that each index a document (which the next test
must not see).

    .venv/bin/python bench/testcase.py [--tests 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
import unittest

import django
from django.conf import settings


def make_class(base: type, tests: int, writes: bool) -> type:
    def check(self) -> None:
        if writes:
            from djangoes import connection

            connection.index(id="1", document={"title": "written by a test"})

    return type(
        f"Bench{base.__module__.split('.')[0]}",
        (base,),
        {f"test_{n:03d}": check for n in range(tests)},
    )


def run_class(case: type) -> float:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    started = time.perf_counter()
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    elapsed = time.perf_counter() - started
    if not result.wasSuccessful():
        raise RuntimeError(result.errors or result.failures)
    return elapsed


def measure(label: str, tests: int, repeat: int) -> None:
    from django import test as django_test

    from djangoes import test as djangoes_test

    for writes in (False, True):
        django_times, djangoes_times = [], []
        for _ in range(repeat):
            django_times.append(run_class(make_class(django_test.TestCase, tests, False)))
            djangoes_times.append(run_class(make_class(djangoes_test.TestCase, tests, writes)))
        overhead = (statistics.median(djangoes_times) - statistics.median(django_times)) / tests
        kind = (
            "each test indexes a document, a request counted in the figure"
            if writes
            else "tests leave the index as is"
        )
        print(
            f"{label}: djangoes TestCase costs {overhead * 1e3:.2f} ms more per test than "
            f"Django's ({kind}; class of {tests}, median of {repeat})"
        )


def configure(server: dict) -> None:
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        ES_SERVERS={"default": {**server, "INDICES": ["books"]}},
        ES_INDICES={
            "books": {"SETTINGS": {"mappings": {"properties": {"title": {"type": "text"}}}}}
        },
        INSTALLED_APPS=[],
    )
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mode", choices=("in-process", "http"))
    args = parser.parse_args()
    if args.mode is None:  # each mode in its own process: Django is configured once
        for mode in ("in-process", "http"):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--mode",
                    mode,
                    "--tests",
                    str(args.tests),
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
            )
        return
    if args.mode == "in-process":
        configure({"ENGINE": "embedded"})
        measure("in-process", args.tests, args.repeat)
        return
    process = subprocess.Popen(
        [sys.executable, "-m", "djangoes_engine.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    url = process.stdout.readline().strip().rpartition(" ")[2]
    try:
        configure({"ENGINE": "http", "HOSTS": [url]})
        measure("over HTTP", args.tests, args.repeat)
        from djangoes.test.utils import teardown_djangoes

        teardown_djangoes()  # while the server is up, not at exit once it is gone
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
