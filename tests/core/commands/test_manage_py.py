"""The commands as a project runs them: ``manage.py`` of the sample project, in a subprocess.

Its settings have ``"djangoes"`` in INSTALLED_APPS and a 'books' index; ``DJANGOES_SAMPLE_URL``
points them at this module's server. Exit statuses are the shell's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

SAMPLE = Path(__file__).parents[2] / "sample_project"

pytestmark = pytest.mark.slow


def manage(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_SETTINGS", "PYTEST_"))}
    env["DJANGOES_SAMPLE_URL"] = url
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=SAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_project_checks_creates_rebuilds_and_deletes(server_url: str) -> None:
    client = Elasticsearch(server_url)
    client.options(ignore_status=404).indices.delete(index="books*")

    checked = manage(server_url, "check", "--deploy", "--tag", "djangoes")
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout

    missing = manage(server_url, "es_check")
    assert missing.returncode == 1
    assert "index books missing" in missing.stdout
    assert "CommandError: 2 problem(s)" in missing.stderr

    assert manage(server_url, "es_indices", "create").returncode == 0
    client.index(index="books", id="1", document={"title": "Dune", "year": 1965}, refresh=True)
    rebuilt = manage(server_url, "es_indices", "rebuild", "books")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Rebuilt books: books__" in rebuilt.stdout
    assert client.get(index="library", id="1")["_source"]["title"] == "Dune"

    listed = manage(server_url, "es_indices", "list")
    assert " [X] books\n     name       books -> books__" in listed.stdout
    assert "     aliases    library\n     documents  1\n" in listed.stdout
    assert manage(server_url, "es_check").returncode == 0

    deleted = manage(server_url, "es_indices", "delete", "--noinput")
    assert deleted.returncode == 0 and "Deleted books__" in deleted.stdout
    assert not client.indices.exists(index="books*", allow_no_indices=False)
