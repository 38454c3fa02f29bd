"""A DSL Document in a project's own test suite: ``manage.py test`` and ``pytest``, run as a user
runs them, serial and parallel, on the embedded engine in-process and over HTTP.

A small project is written to a temporary folder: a ``PostDocument`` on ``ES_INDICES['posts']``
(which names it as its ``DOCUMENT``), and tests that save and find posts, each recording the
index its documents landed in. Every run must write to its test indices only (``posts_test``,
a worker's ``posts_test_1`` or ``posts_test_gw0``), leave none behind, and leave the live
index, on the same server, untouched.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.embedded.servers import serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[3]

FILES = {
    "manage.py": """
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dslproject.settings")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
    """,
    "pytest.ini": """
        [pytest]
        DJANGO_SETTINGS_MODULE = dslproject.settings
        python_files = tests.py test_*.py
    """,
    "dslproject/__init__.py": "",
    "dslproject/settings.py": """
        import os

        SECRET_KEY = "dsl-project-not-secret"
        INSTALLED_APPS = ["djangoes", "blog"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
        USE_TZ = True
        TEST_RUNNER = "djangoes.test.runner.DiscoverRunner"
        URL = os.environ.get("DSL_PROJECT_URL")
        SERVER = (
            {"ENGINE": "http", "HOSTS": [URL]}
            if URL
            else {"ENGINE": "embedded", "PARAMS": {"name": "dslproject"}}
        )
        ES_SERVERS = {"default": {**SERVER, "INDICES": ["posts"]}}
        ES_INDICES = {"posts": {"DOCUMENT": "blog.search.PostDocument"}}
    """,
    "blog/__init__.py": "",
    "blog/search.py": """
        from elasticsearch.dsl import Keyword, Text

        from djangoes.dsl import AsyncDocument, Document


        class PostDocument(Document):
            title = Text()
            tags = Keyword(multi=True)

            class Index:
                name = "posts"


        class AsyncPostDocument(AsyncDocument):
            title = Text()

            class Index:
                name = "posts"
    """,
    "blog/record.py": """
        import os
        import uuid


        def record(index):
            \"\"\"Tell the test that ran this project where a document landed.\"\"\"
            folder = os.environ["DSL_PROJECT_RECORD"]
            with open(os.path.join(folder, uuid.uuid4().hex), "w") as out:
                out.write(index)
    """,
    "blog/tests.py": """
        from djangoes import connections
        from djangoes.test import TestCase, TransactionTestCase

        from .record import record
        from .search import AsyncPostDocument, PostDocument


        def posts_tests(letter):
            def test_each_test_starts_empty_and_writes_its_test_index(self):
                self.assertEqual(PostDocument.search().count(), 0)
                with self.assertNumRequests(1):
                    PostDocument(meta={"id": letter}, title=f"post {letter}").save(refresh=True)
                (hit,) = PostDocument.search().query("match", title=letter).execute()
                self.assertIsInstance(hit, PostDocument)
                self.assertEqual(hit.meta.index, f"posts_test{connections.test_suffix}")
                record(hit.meta.index)

            def test_mappings_come_from_the_document(self):
                mappings = connections["default"].client.indices.get_mapping(
                    index=f"posts_test{connections.test_suffix}"
                )
                ((_, found),) = mappings.body.items()
                self.assertEqual(found["mappings"]["properties"]["tags"], {"type": "keyword"})

            return {
                "test_writes": test_each_test_starts_empty_and_writes_its_test_index,
                "test_mappings": test_mappings_come_from_the_document,
            }


        ATests = type("ATests", (TestCase,), posts_tests("a"))
        BTests = type("BTests", (TestCase,), posts_tests("b"))
        CTests = type("CTests", (TransactionTestCase,), posts_tests("c"))
        DTests = type("DTests", (TransactionTestCase,), posts_tests("d"))


        class AsyncTests(TestCase):
            async def test_an_async_document_writes_to_the_test_index(self):
                await AsyncPostDocument(meta={"id": "x"}, title="async post").save(refresh=True)
                found = await AsyncPostDocument.get("x")
                self.assertEqual(found.meta.index, f"posts_test{connections.test_suffix}")
                record(found.meta.index)
    """,
    "blog/test_pytest_style.py": """
        import asyncio

        import pytest

        from djangoes import connections

        from .record import record
        from .search import AsyncPostDocument, PostDocument


        @pytest.mark.parametrize("number", range(6))
        @pytest.mark.djangoes
        def test_each_test_starts_empty_and_writes_its_test_index(number):
            assert PostDocument.search().count() == 0
            PostDocument(meta={"id": str(number)}, title=f"post {number}").save(refresh=True)
            (hit,) = PostDocument.search().execute()
            assert hit.meta.index == f"posts_test{connections.test_suffix}"
            record(hit.meta.index)


        @pytest.mark.djangoes
        def test_an_async_document_writes_to_the_test_index():
            async def main():
                await AsyncPostDocument(meta={"id": "x"}, title="async").save(refresh=True)
                return (await AsyncPostDocument.get("x")).meta.index

            index = asyncio.run(main())
            assert index == f"posts_test{connections.test_suffix}"
            record(index)
    """,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dslproject")
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return folder


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = serve()
    yield url
    process.terminate()
    process.wait(30)


@pytest.fixture(params=["in-process", "http"])
def url(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("server") if request.param == "http" else None


def run(project: Path, command: list[str], url: str | None, record: Path) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_SETTINGS", "PYTEST_", "DSL_PROJECT"))
    }
    env["PYTHONPATH"] = os.pathsep.join([str(project), str(ROOT)])
    env["DSL_PROJECT_RECORD"] = str(record)
    if url is not None:
        env["DSL_PROJECT_URL"] = url
    result = subprocess.run(
        [sys.executable, *command],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def written(record: Path) -> list[str]:
    return sorted(path.read_text() for path in record.iterdir())


#: (command, the tests it runs, the test indices its documents may land in): pytest runs the
#: project's Django test cases too.
RUNS = [
    pytest.param(["manage.py", "test", "--noinput"], 9, {"posts_test"}, id="manage.py-test"),
    pytest.param(
        ["manage.py", "test", "--noinput", "--parallel", "2"],
        9,
        {"posts_test_1", "posts_test_2"},
        id="manage.py-test-parallel-2",
    ),
    pytest.param(["-m", "pytest", "-q", "-p", "no:cacheprovider"], 16, {"posts_test"}, id="pytest"),
    pytest.param(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2"],
        16,
        {"posts_test_gw0", "posts_test_gw1"},
        id="pytest-n-2",
    ),
]


@pytest.mark.parametrize(("command", "tests", "indices"), RUNS)
def test_a_document_writes_to_the_test_indices(
    project: Path,
    url: str | None,
    tmp_path: Path,
    command: list[str],
    tests: int,
    indices: set[str],
) -> None:
    live = None
    if url is not None:  # a live index on the same server, which the run must not touch
        live = Elasticsearch(url)
        live.options(ignore_status=404).indices.delete(index="posts")
        live.index(index="posts", id="live", document={"title": "live post"}, refresh=True)
    try:
        output = run(project, command, url, tmp_path)
        found = re.search(r"Ran (\d+) tests?", output) or re.search(r"(\d+) passed", output)
        assert found and int(found.group(1)) == tests, output
        landed = written(tmp_path)
        writes = 5 if "manage.py" in command else 12  # one per writing test (pytest runs both)
        assert len(landed) == writes
        assert set(landed) <= indices and landed, landed  # each worker: its own index
        if live is not None:
            assert live.count(index="posts")["count"] == 1
            assert live.get(index="posts", id="live")["_source"] == {"title": "live post"}
            assert sorted(live.indices.get(index="*").body) == ["posts"]  # none left behind
    finally:
        if live is not None:
            live.options(ignore_status=404).indices.delete(index="posts")
