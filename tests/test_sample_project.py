"""The sample project's test suite, run as a user runs it: ``manage.py test`` and ``pytest``.

Serial, parallel (``--parallel 2``, ``-n 2``) and with ``--keepdb``, on the embedded engine
in-process and over HTTP; its tests index documents, find them, and fail on any leak between
tests, workers or runs. Over HTTP, a live index on the same server must come out untouched.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.embedded.servers import serve

SAMPLE = Path(__file__).parent / "sample_project"
UNITTEST_TESTS = 23
PYTEST_TESTS = 36

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = serve()
    yield url
    process.terminate()
    process.wait(30)


def run(
    command: list[str], url: str | None, *, python: list[str] | None = None
) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_SETTINGS", "PYTEST_"))
    }
    env.pop("DJANGOES_SAMPLE_URL", None)
    if url is not None:
        env["DJANGOES_SAMPLE_URL"] = url
    result = subprocess.run(
        [*(python or [sys.executable]), *command],
        cwd=SAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return result


def ran(result: subprocess.CompletedProcess) -> int:
    output = result.stdout + result.stderr
    found = re.search(r"Ran (\d+) tests?", output) or re.search(r"(\d+) passed", output)
    assert found, output
    return int(found.group(1))


MANAGE = [
    pytest.param([], id="serial"),
    pytest.param(["--parallel", "2"], id="parallel-2"),
]
PYTEST = [
    pytest.param([], id="serial"),
    pytest.param(["-n", "2"], id="xdist-2"),
]


@pytest.fixture(params=["in-process", "http"])
def url(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("server") if request.param == "http" else None


@pytest.mark.parametrize("options", MANAGE)
def test_manage_py_test(url: str | None, options: list[str]) -> None:
    result = run(["manage.py", "test", "--noinput", *options], url)
    assert ran(result) == UNITTEST_TESTS


@pytest.mark.parametrize("options", PYTEST)
def test_pytest(url: str | None, options: list[str], tmp_path: Path) -> None:
    basetemp = ["--basetemp", str(tmp_path / "basetemp")]  # not in the temporary directory
    result = run(["-m", "pytest", "-q", "-p", "no:cacheprovider", *basetemp, *options], url)
    assert ran(result) == PYTEST_TESTS


def test_keepdb_keeps_the_test_index_between_runs(server: str) -> None:
    es = Elasticsearch(server)
    first = run(["manage.py", "test", "--keepdb", "--noinput"], server)
    assert ran(first) == UNITTEST_TESTS
    assert es.indices.exists(index="books_test")
    second = run(["manage.py", "test", "--keepdb", "--noinput"], server)
    assert "Using existing test index 'books_test'" in second.stdout + second.stderr
    assert ran(second) == UNITTEST_TESTS  # RunMarkerTests: nothing left from the first run
    assert es.indices.exists(index="books_test")
    run(["manage.py", "test", "--noinput"], server)  # without --keepdb: deleted at the end
    assert not es.indices.exists(index="books_test")


def test_an_index_left_behind_is_recreated_with_noinput(server: str) -> None:
    es = Elasticsearch(server)
    es.options(ignore_status=404).indices.delete(index="books_test")
    es.indices.create(index="books_test")
    es.index(index="books_test", id="stale", document={"title": "stale"}, refresh=True)
    result = run(["manage.py", "test", "--noinput"], server)
    assert "Destroying old test index 'books_test'" in result.stdout + result.stderr
    assert not es.indices.exists(index="books_test")


def test_django_4_2(url: str | None) -> None:
    uv = os.environ.get("UV")
    if uv is None:
        pytest.skip(
            "needs uv to add Django 4.2 to the environment: run the suite under uv run "
            "(which sets UV), or set UV=$(which uv)"
        )
    result = run(
        ["manage.py", "test", "--noinput"],
        url,
        python=[uv, "run", "--quiet", "--with", "django>=4.2,<5", "python"],
    )
    assert ran(result) == UNITTEST_TESTS


def test_a_live_index_is_untouched_by_full_test_runs(server: str, tmp_path: Path) -> None:
    es = Elasticsearch(server)
    es.indices.create(
        index="books", aliases={"library": {}}, mappings={"properties": {"title": {"type": "text"}}}
    )
    for number in range(20):
        es.index(index="books", id=str(number), document={"title": f"live {number}"})
    es.indices.refresh(index="books")
    before = es.indices.get(index="books")["books"]
    documents = {
        hit["_id"]: (hit["_source"], hit["_seq_no"], hit["_version"])
        for hit in es.search(index="books", size=100, seq_no_primary_term=True, version=True)[
            "hits"
        ]["hits"]
    }
    try:
        run(["manage.py", "test", "--noinput"], server)
        run(["manage.py", "test", "--noinput", "--parallel", "2"], server)
        basetemp = ["--basetemp", str(tmp_path / "basetemp")]
        run(["-m", "pytest", "-q", "-p", "no:cacheprovider", *basetemp, "-n", "2"], server)
        es.indices.refresh(index="books")
        after = es.indices.get(index="books")["books"]
        assert after["mappings"] == before["mappings"]
        assert after["aliases"] == before["aliases"]
        assert after["settings"]["index"]["uuid"] == before["settings"]["index"]["uuid"]
        now = {
            hit["_id"]: (hit["_source"], hit["_seq_no"], hit["_version"])
            for hit in es.search(index="books", size=100, seq_no_primary_term=True, version=True)[
                "hits"
            ]["hits"]
        }
        assert now == documents
        test_indices = [
            row["index"] for row in es.cat.indices(format="json") if row["index"] != "books"
        ]
        assert test_indices == []  # every test index was deleted at the end
    finally:
        es.indices.delete(index="books")
