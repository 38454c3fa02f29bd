"""``manage.py es_check``: reachable servers, present indices and aliases, or a non-zero exit."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.test import override_settings

from djangoes import connections
from tests.support import free_port

from .helpers import run

pytestmark = pytest.mark.usefixtures("configured")


def test_everything_in_place(prefix: str) -> None:
    run("es_indices", "create")
    output = run("es_check")
    lines = output.splitlines()
    assert lines[0].startswith("'default' (")
    # The product the server says it is (the engine answers opensearch-py as OpenSearch).
    opensearch = connections["default"].server["ENGINE"] == "opensearch"
    product = "OpenSearch 2.19.0" if opensearch else "Elasticsearch 9.0.0"
    assert f"{product}, cluster 'djangoes-embedded': " in lines[1]
    assert lines[2:] == [
        f"  OK index {prefix}blog",
        f"  OK alias {prefix}blog-read",
        f"  OK index {prefix}books",
    ]


def test_missing_indices_and_aliases_fail(prefix: str) -> None:
    client = connections["default"].client
    client.indices.create(index=f"{prefix}blog")
    with pytest.raises(CommandError) as raised:
        run("es_check")
    assert str(raised.value) == (
        f"2 problem(s): alias '{prefix}blog-read' of '{prefix}blog' missing on 'default'; "
        f"index '{prefix}books' missing on 'default'."
    )


def test_verbosity_0_shows_problems_only(prefix: str) -> None:
    run("es_indices", "create", "blog")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("es_check", verbosity=0, stdout=out)
    assert out.getvalue() == f"  ERROR index {prefix}books missing\n"
    connections["default"].client.indices.create(index=f"{prefix}books")
    assert run("es_check", "--verbosity", "0") == ""


def test_an_unreachable_server_exits_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    servers = {
        "default": {
            "ENGINE": "http",
            "HOSTS": [f"http://admin:s3cret-pw@127.0.0.1:{port}"],
            "PARAMS": {"basic_auth": ("admin", "other-secret-pw")},
        }
    }
    with override_settings(ES_SERVERS=servers), pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "es_check"])
    assert exited.value.code == 1
    output = capsys.readouterr()
    assert "'default' is unreachable: " in output.out
    assert f"127.0.0.1:{port}" in output.out + output.err
    for secret in ("admin", "s3cret-pw", "other-secret-pw"):
        assert secret not in output.out + output.err


def test_the_exit_status_is_zero_when_all_is_well(capsys: pytest.CaptureFixture[str]) -> None:
    run("es_indices", "create")
    execute_from_command_line(["manage.py", "es_check", "--using", "default"])
    assert "OK index" in capsys.readouterr().out
