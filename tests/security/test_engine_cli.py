"""``djangoes-embedded serve`` with its security options, as a separate process: a user added
with the ``users`` subcommand logs in over HTTPS, the listening line says https, a key created
through the API outlives a restart, and a server beyond loopback without authentication, or
with unusable certificate files, refuses to start with a message on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import AuthenticationException, Elasticsearch

from tests.docs.blocks import code_blocks
from tests.embedded.servers import serve, terminate

from .engine_servers import PASSWORD, USER, WRONG, Pki, pki

__all__ = ["pki"]  # fixtures

pytestmark = pytest.mark.slow

COMMAND = [sys.executable, "-m", "djangoes_engine.cli"]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def users_add(users: Path, name: str, password: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, "users", "add", name, "--file", str(users), "--password-stdin"],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_a_user_added_by_the_command_logs_in_over_https(tmp_path: Path, pki: Pki) -> None:
    users = tmp_path / "users"
    added = users_add(users, USER, PASSWORD)
    assert PASSWORD not in added.stdout + added.stderr
    assert PASSWORD not in users.read_text()
    data = tmp_path / "data"
    tls = ["--certfile", str(pki.cert), "--keyfile", str(pki.key)]
    process, url = serve(data, args=["--users", str(users), *tls])
    try:
        assert url.startswith("https://127.0.0.1:")
        es = Elasticsearch(url, basic_auth=(USER, PASSWORD), ca_certs=str(pki.ca), max_retries=0)
        assert es.security.authenticate()["username"] == USER
        key = es.security.create_api_key(name="cli")
        es.index(index="posts", id="1", document={"title": "over TLS"}, refresh=True)
        wrong = Elasticsearch(url, basic_auth=(USER, WRONG), ca_certs=str(pki.ca), max_retries=0)
        with pytest.raises(AuthenticationException):
            wrong.info()
        with pytest.raises(AuthenticationException):
            Elasticsearch(url, ca_certs=str(pki.ca), max_retries=0).info()
    finally:
        terminate(process, 30)
    output = process.stdout.read() + process.stderr.read()  # type: ignore[union-attr]
    for secret in (PASSWORD, WRONG, key["api_key"], key["encoded"]):
        assert secret not in output
    assert "authentication failed from 127.0.0.1" in output  # logged, without the secret
    stored = (data / "_security" / "api_keys.json").read_text()
    assert key["api_key"] not in stored

    process, url = serve(data, args=["--users", str(users), *tls])
    try:
        keyed = Elasticsearch(url, api_key=key["encoded"], ca_certs=str(pki.ca), max_retries=0)
        assert keyed.get(index="posts", id="1")["_source"] == {"title": "over TLS"}
    finally:
        terminate(process, 30)


def run_serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, "serve", "--port", "0", *args], capture_output=True, text=True, timeout=60
    )


def test_beyond_loopback_without_users_it_refuses_to_start() -> None:
    """With the message docs/embedded.md shows ("Running beyond loopback")."""
    refused = run_serve("--host", "0.0.0.0")
    assert refused.returncode == 1
    assert refused.stdout == ""  # never listened
    [shown] = [
        block.text
        for block in code_blocks(DOCS / "embedded.md")
        if block.text.startswith("djangoes-embedded: refusing")
    ]
    assert refused.stderr == shown


def test_unusable_certificate_files_are_named(tmp_path: Path, pki: Pki) -> None:
    missing = run_serve("--certfile", str(tmp_path / "none.pem"))
    assert missing.returncode == 1 and missing.stdout == ""
    assert f"--certfile {tmp_path / 'none.pem'}" in missing.stderr
    swapped = run_serve("--certfile", str(pki.key), "--keyfile", str(pki.cert))
    assert swapped.returncode == 1
    assert "cannot use the TLS certificate and key" in swapped.stderr
    assert "PRIVATE KEY" not in swapped.stderr  # the files are named, never shown
    alone = run_serve("--keyfile", str(pki.key))
    assert alone.returncode == 1 and "--keyfile needs --certfile" in alone.stderr


def test_an_empty_users_file_is_said_at_start(tmp_path: Path) -> None:
    process, url = serve(args=["--users", str(tmp_path / "nobody")])
    try:
        with pytest.raises(AuthenticationException):
            Elasticsearch(url, basic_auth=(USER, PASSWORD), max_retries=0).info()
    finally:
        terminate(process, 30)
    assert "has no users yet" in process.stderr.read()  # type: ignore[union-attr]
