"""Management commands against a server that fails: one line on stderr, a non-zero exit.

Every command (``es_indices list``, ``create``, ``delete``, ``delete --noinput``, ``rebuild``,
``rebuild --abort``, ``es_check``) meets a server in each bad state: down (a port that refuses
connections), slow (the engine behind a proxy that answers after the client's timeout),
answering 500 to everything, and silent (accepts connections, never answers). Each must end
with one line on stderr that names the connection (its alias and where it goes, without the
credentials in its settings) and what failed, exit with status 1, and show no traceback. A
question asked without a terminal to answer it (standard input at its end, or closed) fails
naming ``--noinput``.

The whole matrix runs through ``call_command``; most of it again through ``manage.py`` of the
sample project in a subprocess, as a shell runs it. Timeouts are short (``request_timeout``
0.3 s, no retries): the matrix stays bounded; nothing measures a duration.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from elasticsearch import Elasticsearch

from tests.embedded.servers import serve

from .netfaults import BlackHole, ErrorServer, Proxy, refusing_port

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parents[1] / "sample_project"
PASSWORD = f"pw-{uuid.uuid4().hex}"
KEY = f"key-{uuid.uuid4().hex}"
#: Short timeouts, and no retries: a silent server costs 0.3 s per command.
PARAMS = {"request_timeout": 0.3, "max_retries": 0}
#: Longer than the timeout: the slow server answers, too late.
DELAY = 2.0

#: Each command, as its arguments.
COMMANDS = {
    "list": ["es_indices", "list"],
    "create": ["es_indices", "create"],
    "delete": ["es_indices", "delete"],
    "delete --noinput": ["es_indices", "delete", "--noinput"],
    "rebuild": ["es_indices", "rebuild"],
    "rebuild --abort": ["es_indices", "rebuild", "--abort"],
    "es_check": ["es_check"],
}
#: What the one line says failed, by state of the server.
FAILED = {
    "down": "could not connect",
    "slow": "no answer within 0.3 s (PARAMS['request_timeout'])",
    "500": "the server answered 500",  # with the body, but for a HEAD request
    "silent": "no answer within 0.3 s (PARAMS['request_timeout'])",
}


@pytest.fixture(scope="module")
def engine() -> Iterator[str]:
    """An engine of this module's own (the sample project's index is named ``books``)."""
    process, url = serve()
    yield url
    process.terminate()
    process.wait(30)


@pytest.fixture(scope="module")
def servers(engine: str) -> Iterator[dict[str, str]]:
    """The URL of a server in each bad state."""
    proxy = Proxy(urlsplit(engine).port or 0, delay=lambda n: DELAY)
    black_hole = BlackHole()
    failing = ErrorServer()
    yield {
        "down": f"http://127.0.0.1:{refusing_port()}",
        "slow": proxy.url,
        "500": failing.url,
        "silent": black_hole.url,
    }
    for part in (proxy, black_hole, failing):
        part.close()


def with_credentials(url: str) -> str:
    return url.replace("http://", f"http://elastic:{PASSWORD}@")


def check_the_line(line: str, url: str, state: str, command: str) -> None:
    """The one line a failed command ends with."""
    assert "\n" not in line.strip(), line
    assert "'default'" in line, line
    assert urlsplit(url).netloc in line, line  # where it goes
    assert FAILED[state] in line, line
    for secret in (PASSWORD, KEY, "elastic:"):
        assert secret not in line


# The full matrix, through call_command


@pytest.fixture
def settings_for(servers: dict[str, str]) -> Callable[[str], override_settings]:
    def make(state: str) -> override_settings:
        server = {
            "ENGINE": "http",
            "HOSTS": [with_credentials(servers[state])],
            "INDICES": ["books"],
            "PARAMS": {**PARAMS, "api_key": KEY},
        }
        return override_settings(
            INSTALLED_APPS=["djangoes"],
            ES_SERVERS={"default": server},
            ES_INDICES={"books": {"NAME": "books", "ALIASES": ["library"], "REBUILD": True}},
        )

    return make


@pytest.mark.parametrize("state", list(FAILED))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_fails_in_one_line(
    command: str,
    state: str,
    settings_for: Callable[[str], override_settings],
    servers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    figures: Any,
) -> None:
    monkeypatch.setattr("builtins.input", lambda question: "yes")  # a terminal that says yes
    out, err = io.StringIO(), io.StringIO()
    with settings_for(state), pytest.raises(CommandError) as raised:
        call_command(*COMMANDS[command], stdout=out, stderr=err)
    check_the_line(str(raised.value), servers[state], state, command)
    assert err.getvalue() == ""
    assert "Traceback" not in out.getvalue()
    for secret in (PASSWORD, KEY):
        assert secret not in out.getvalue()
    figures(f"command-failures[{command},{state}]", line=str(raised.value))


def test_a_question_without_a_terminal_names_noinput(
    settings_for: Callable[[str], override_settings],
) -> None:
    """pytest's standard input cannot be read: as a closed one, the question cannot be asked."""
    with settings_for("down"), pytest.raises(CommandError) as raised:
        call_command("es_indices", "rebuild", "--abort", stdout=io.StringIO())
    assert "\n" not in str(raised.value)
    assert "--noinput" in str(raised.value)
    assert "no terminal to answer on" in str(raised.value)


# Through manage.py, in a subprocess


def manage(url: str, *args: str, **options: Any) -> subprocess.CompletedProcess:
    """``manage.py *args`` of the sample project on ``url``; standard input is /dev/null unless
    ``options`` say otherwise."""
    if "input" not in options:
        options.setdefault("stdin", subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_SETTINGS", "PYTEST_"))}
    env["DJANGOES_SAMPLE_URL"] = with_credentials(url)
    env["DJANGOES_SAMPLE_PARAMS"] = json.dumps({**PARAMS, "basic_auth": ["elastic", PASSWORD]})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=SAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **options,
    )


def one_line_and_status_1(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CommandError: ")
    for secret in (PASSWORD, f"elastic:{PASSWORD}"):
        assert secret not in result.stdout + result.stderr
    return lines[0]


#: The commands run in subprocesses: every one against a server down or silent, three against
#: a slow one and one answering 500. An interactive one meets the server before its question.
SUBPROCESS = [
    *[(command, state) for command in COMMANDS for state in ("down", "silent")],
    *[
        (command, state)
        for command in ("create", "rebuild", "es_check")
        for state in ("slow", "500")
    ],
]


@pytest.mark.parametrize(("command", "state"), SUBPROCESS)
def test_manage_py_fails_in_one_line(command: str, state: str, servers: dict[str, str]) -> None:
    arguments = COMMANDS[command]
    if command == "rebuild --abort":  # asks before it meets the server
        arguments = [*arguments, "--noinput"]
    line = one_line_and_status_1(manage(servers[state], *arguments))
    check_the_line(line, servers[state], state, command)


@pytest.fixture
def live_books(engine: str) -> Iterator[Elasticsearch]:
    """The sample project's index, there to be asked about."""
    client = Elasticsearch(engine)
    client.options(ignore_status=404).indices.delete(index="books*")
    client.indices.create(index="books", aliases={"library": {}})
    yield client
    client.options(ignore_status=404).indices.delete(index="books*")
    client.close()


@pytest.mark.parametrize(
    "stdin",
    [
        pytest.param({"stdin": subprocess.DEVNULL}, id="dev-null"),
        pytest.param({"input": ""}, id="empty-pipe"),
        pytest.param({"stdin": None, "preexec_fn": lambda: os.close(0)}, id="closed"),
    ],
)
@pytest.mark.parametrize("command", ["delete", "rebuild --abort"])
def test_a_question_without_a_terminal_fails_naming_noinput(
    command: str, stdin: dict[str, Any], engine: str, live_books: Elasticsearch
) -> None:
    result = manage(engine, *COMMANDS[command], **stdin)
    line = one_line_and_status_1(result)
    assert "--noinput" in line and "no terminal to answer on" in line
    assert live_books.indices.exists(index="books")  # nothing was deleted


def test_an_answer_may_be_piped(engine: str, live_books: Elasticsearch) -> None:
    """Standard input that is not a terminal but holds an answer is read, as Django's flush
    reads it: ``yes | manage.py es_indices delete``."""
    result = manage(engine, "es_indices", "delete", input="yes\n")
    assert result.returncode == 0, result.stderr
    assert "Deleted books" in result.stdout
    assert not live_books.indices.exists(index="books")


def test_an_index_the_server_refuses_to_create_is_named_with_its_connection(engine: str) -> None:
    name = f"refused-{uuid.uuid4().hex[:8]}"
    mappings = {"properties": {"title": {"type": "no-such-type"}}}
    servers = {"default": {"ENGINE": "http", "HOSTS": [engine], "INDICES": ["bad"]}}
    indices = {"bad": {"NAME": name, "SETTINGS": {"mappings": mappings}}}
    out = io.StringIO()
    with (
        override_settings(INSTALLED_APPS=["djangoes"], ES_SERVERS=servers, ES_INDICES=indices),
        pytest.raises(CommandError) as raised,
    ):
        call_command("es_indices", "create", stdout=out)
    line = str(raised.value)
    assert line.startswith(f"Not created: {name} on 'default' (http: {engine}): the server ")
    assert "answered 400 (mapper_parsing_exception: " in line and "\n" not in line
