"""Test indices are deleted by whoever created them, however a project's tests are run.

A small Django project, written here, runs its tests as its developers would (``pytest``,
``pytest -n 2``, ``--reuse-db``, ``manage.py test`` with and without ``--keepdb``, plain
``python -m unittest`` after ``setup_djangoes()``) against ``djangoes-embedded serve``; after
each run the server's indices are listed: no test index is left unless the run was told to
keep them, and what a killed run left is gone after the next one. A live index and an index
that merely starts like a test name are never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.embedded.servers import serve

pytestmark = pytest.mark.slow

SETTINGS = """
import os

SECRET_KEY = "not-secret"
INSTALLED_APPS = ["djangoes", "blog"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
TEST_RUNNER = "djangoes.test.runner.DiscoverRunner"
ES_SERVERS = {
    "default": {"ENGINE": "http", "HOSTS": [os.environ["DJANGOES_URL"]], "INDICES": ["posts"]}
}
ES_INDICES = {"posts": {"NAME": "posts_live", "ALIASES": ["posts"]}}
"""

# Each test writes the test index it used to $SEEN, and dies if it runs in $KILL_WORKER.
COMMON = """
import os
import signal

from djangoes import connection


def used():
    with open(os.environ["SEEN"], "a") as seen:
        seen.write(connection.index_names[0] + "\\n")
    if os.environ["KILL_WORKER"] == os.environ.get("PYTEST_XDIST_WORKER", "serial"):
        os.kill(os.getpid(), signal.SIGKILL)  # a run interrupted with its indices created
"""

# djangoes' test cases, without the pytest marker: they create their indices themselves.
TESTS = """
from djangoes import connection
from djangoes.test import TestCase

from .common import used


class PostTests(TestCase):
    def test_starts_empty_and_writes(self):
        used()
        self.assertEqual(connection.count()["count"], 0)
        connection.index(id="1", document={"title": "hello"}, refresh=True)
""" + "".join(
    f"""
    def test_{number}(self):
        used()
        self.assertEqual(connection.count()["count"], 0)
"""
    for number in range(4)
)

MARKED = """
import pytest

from djangoes import connection

from .common import used


@pytest.mark.djangoes
@pytest.mark.parametrize("number", range(3))
def test_marked(number):
    used()
    assert connection.count()["count"] == 0
"""

# Plain unittest: the module switches to the test names itself.
PLAIN = """
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")
django.setup()

from djangoes.test import SimpleTestCase  # noqa: E402
from djangoes.test.utils import setup_djangoes  # noqa: E402

from .common import used  # noqa: E402

setup_djangoes()


class PlainTests(SimpleTestCase):
    def test_plain(self):
        used()
        from djangoes import connection

        self.assertEqual(connection.count()["count"], 0)
"""

MANAGE = """
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")
from django.core.management import execute_from_command_line

execute_from_command_line(sys.argv)
"""

FILES = {
    "site_settings.py": SETTINGS,
    "manage.py": MANAGE,
    "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = site_settings\n"
    "python_files = tests.py test_*.py\n",
    "blog/__init__.py": "",
    "blog/common.py": COMMON,
    "blog/tests.py": TESTS,
    "blog/test_marked.py": MARKED,
    "blog/plain.py": PLAIN,
}

#: Indices of the server that no test run may touch: a live one, and one that starts like a
#: test name without being one.
OTHERS = ("posts_live", "posts_live_test_archive")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cleanup_project")
    for name, text in FILES.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text.lstrip())
    return root


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = serve()
    yield url
    process.terminate()
    process.wait(30)


@pytest.fixture
def es(server: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(server)
    for name in OTHERS:
        client.indices.create(index=name)
        client.index(index=name, id="kept", document={"title": "live"}, refresh=True)
    yield client
    for name in OTHERS:
        assert client.get(index=name, id="kept")["found"]  # untouched by every run
    client.indices.delete(index=",".join(test_indices(client) + list(OTHERS)))


def test_indices(es: Elasticsearch) -> list[str]:
    return sorted(
        row["index"] for row in es.cat.indices(format="json") if row["index"] not in OTHERS
    )


test_indices.__test__ = False  # type: ignore[attr-defined]  # a helper


def run(project: Path, server: str, *command: str, expect: int = 0, kill: str = "none") -> set[str]:
    """Run ``command`` in the project; the test index names its tests used. ``kill``: the
    process (``serial``, or an xdist worker's id) killed in its first test."""
    seen = project / "seen.txt"
    seen.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DJANGOES_URL=server, SEEN=str(seen), KILL_WORKER=kill)
    result = subprocess.run(
        [sys.executable, *command],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == expect, result.stdout + result.stderr
    return set(seen.read_text().split()) if seen.exists() else set()


PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly")


def test_pytest_xdist_workers_delete_what_they_created(
    project: Path, server: str, es: Elasticsearch
) -> None:
    # The marked tests' session fixture and the unmarked test cases both create indices.
    used = run(project, server, *PYTEST, "-n", "2")
    assert used == {"posts_live_test_gw0", "posts_live_test_gw1"}
    assert test_indices(es) == []


def test_reuse_db_keeps_them_and_manage_py_test_deletes_them(
    project: Path, server: str, es: Elasticsearch
) -> None:
    assert run(project, server, *PYTEST, "--reuse-db") == {"posts_live_test"}
    assert test_indices(es) == ["posts_live_test"]
    assert run(project, server, "manage.py", "test", "--noinput") == {"posts_live_test"}
    assert test_indices(es) == []


def test_keepdb_keeps_them_and_plain_unittest_deletes_them(
    project: Path, server: str, es: Elasticsearch
) -> None:
    assert run(project, server, "manage.py", "test", "--keepdb") == {"posts_live_test"}
    assert test_indices(es) == ["posts_live_test"]
    # Plain unittest finds the kept index, takes it as its own (emptied), deletes it at exit.
    assert run(project, server, "-m", "unittest", "-q", "blog.plain") == {"posts_live_test"}
    assert test_indices(es) == []


def test_what_a_killed_run_left_goes_with_the_next_run(
    project: Path, server: str, es: Elasticsearch
) -> None:
    # A serial run killed in its first test, its index created, with a document in it...
    assert run(project, server, *PYTEST, expect=-9, kill="serial") == {"posts_live_test"}
    es.index(index="posts_live_test", id="stale", document={"title": "stale"}, refresh=True)
    # ... and what killed parallel workers leave (as pytest-xdist's and manage.py test's).
    for name in ("posts_live_test_gw1", "posts_live_test_3"):
        es.index(index=name, id="stale", document={"title": "stale"}, refresh=True)
    # The next (serial) run starts every test empty, and leaves nothing behind.
    assert run(project, server, *PYTEST) == {"posts_live_test"}
    assert test_indices(es) == []
