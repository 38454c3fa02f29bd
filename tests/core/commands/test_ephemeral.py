"""An in-memory embedded engine dies with the process: ``es_indices`` and ``es_check`` warn on
stderr, ``check --deploy`` reports ``djangoes.W012``; a data directory or an HTTP server does not.

The commands run as a project runs them (``manage.py`` of the sample project, in a subprocess,
where the engine does die with the command), and through ``call_command`` for each kind of
server.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.test import override_settings

from djangoes import connections
from djangoes.checks import check_deploy
from djangoes_engine.engines import close_engine

SAMPLE = Path(__file__).parents[2] / "sample_project"
WARNING = (
    "Warning (djangoes.W012): ES_SERVERS['default'] is an in-memory embedded engine (ENGINE "
    "'embedded' without PARAMS['path']): its indices live in one process's memory and go when "
    "that process exits"
)
HINT = "set ES_SERVERS['default']['PARAMS']['path'], e.g. BASE_DIR / 'search'."


@pytest.fixture(params=["in memory", "data directory", "http"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def server(kind: str, server_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An ES_SERVERS entry of each kind; only the first is in-memory."""
    if kind == "http":
        yield {"ENGINE": "http", "HOSTS": [server_url]}
    elif kind == "data directory":
        yield {"ENGINE": "embedded", "PARAMS": {"path": tmp_path / "search"}}
        connections.close_all()
        close_engine(str(tmp_path / "search"))
    else:
        name = f"ephemeral-{uuid.uuid4().hex}"
        yield {"ENGINE": "embedded", "PARAMS": {"name": name}}
        close_engine(name=name)


@pytest.fixture
def configured(server: dict[str, Any]) -> Iterator[None]:
    name = f"ephemeral-{uuid.uuid4().hex[:12]}"
    with override_settings(
        INSTALLED_APPS=["djangoes"],
        ES_SERVERS={"default": {**server, "INDICES": ["posts"]}},
        ES_INDICES={"posts": {"NAME": name, "ALIASES": [f"{name}-read"]}},
    ):
        yield
        connections.close_all()


def command(*args: str) -> tuple[str, str]:
    """(stdout, stderr) of a command that succeeds."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize(
    "args", [("es_indices", "create"), ("es_indices", "list"), ("es_check",)], ids=" ".join
)
def test_the_commands_warn_of_an_in_memory_engine_only(kind: str, args: tuple[str, ...]) -> None:
    if args == ("es_check",):
        command("es_indices", "create", "--verbosity", "0")
    out, err = command(*args)
    if kind == "in memory":
        assert err.startswith(WARNING), err
        assert (
            f"  Keep the engine's data in a directory, as SQLite keeps db.sqlite3: {HINT}\n" in err
        )
        assert "djangoes.W012" not in out
    else:
        assert err == ""
    assert out  # the command's own report, on stdout


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize("kind", ["in memory"], indirect=True)
def test_verbosity_0_and_silenced_checks_keep_the_commands_quiet(kind: str) -> None:
    assert command("es_indices", "create", "--verbosity", "0") == ("", "")
    with override_settings(SILENCED_SYSTEM_CHECKS=["djangoes.W012"]):
        out, err = command("es_check")
    assert err == ""
    assert "OK index ephemeral-" in out


@pytest.mark.usefixtures("configured")
def test_check_deploy_reports_w012_for_an_in_memory_engine_only(kind: str) -> None:
    found = [message for message in check_deploy() if message.id == "djangoes.W012"]
    if kind != "in memory":
        assert found == []
        return
    (warning,) = found
    assert isinstance(warning, checks.Warning)
    assert warning.msg.startswith(WARNING.removeprefix("Warning (djangoes.W012): "))
    assert warning.hint.endswith(HINT)


def test_a_backend_says_whether_its_server_dies_with_the_process(tmp_path: Path) -> None:
    servers = {
        "memory": {"ENGINE": "embedded"},
        "named": {"ENGINE": "embedded", "PARAMS": {"name": "x"}},
        "directory": {"ENGINE": "embedded", "PARAMS": {"path": tmp_path / "search"}},
        "http": {"ENGINE": "http", "HOSTS": ["http://localhost:9200"]},
    }
    with override_settings(ES_SERVERS={"default": servers["memory"], **servers}, ES_INDICES={}):
        ephemeral = {alias: connections[alias].ephemeral for alias in servers}
    assert ephemeral == {"memory": True, "named": True, "directory": False, "http": False}


# As a project runs them: each command its own process


def manage(*args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    """``manage.py *args`` of the sample project: an in-memory engine, unless ``url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST_"))}
    if url:
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


@pytest.mark.slow
def test_manage_py_on_an_in_memory_engine_says_why_the_index_is_missing() -> None:
    created = manage("es_indices", "create")
    assert created.returncode == 0, created.stderr
    assert "Created books" in created.stdout
    assert created.stderr.startswith(WARNING)

    checked = manage("es_check")  # another process: another, empty engine
    assert checked.returncode == 1
    assert "index books missing" in checked.stdout
    assert checked.stderr.startswith(WARNING)
    assert HINT in checked.stderr

    deploy = manage("check", "--deploy", "--tag", "djangoes")
    assert deploy.returncode == 0, deploy.stderr
    assert "?: (djangoes.W012) ES_SERVERS['default'] is an in-memory embedded engine" in (
        deploy.stderr
    )
    assert f"HINT: Keep the engine's data in a directory, as SQLite keeps db.sqlite3: {HINT}" in (
        deploy.stderr
    )


@pytest.mark.slow
def test_manage_py_on_an_http_server_does_not_warn(server_url: str) -> None:
    deploy = manage("check", "--deploy", "--tag", "djangoes", url=server_url)
    assert deploy.returncode == 0, deploy.stderr
    assert "djangoes.W012" not in deploy.stdout + deploy.stderr
    listed = manage("es_indices", "list", url=server_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr == ""
