"""``djangoes-memcached-gateway`` as a process: it serves, and SIGTERM stops it cleanly."""

from __future__ import annotations

import contextlib
import re
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from djangoes.gateway import HttpUpstream
from djangoes_backends_memcached.gateway import build_parser, main
from djangoes_backends_memcached.server import GatewayServer

from .conftest import memcached_client

SCRIPT = Path(sys.executable).parent / "djangoes-memcached-gateway"


def test_the_gateway_serves_until_sigterm(engine_url: str) -> None:
    command = [sys.executable, "-m", "djangoes_backends_memcached.gateway"]
    process = subprocess.Popen(
        [*command, "--listen", "127.0.0.1:0", "--upstream", engine_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 15)
        assert ready, "the gateway did not say where it listens"
        line = process.stdout.readline()
        match = re.fullmatch(r"djangoes-memcached-gateway listening on 127\.0\.0\.1:(\d+)\n", line)
        assert match, line
        client = memcached_client(int(match[1]), max_retries=0)
        assert client.info()["tagline"] == "You Know, for Search"
        client.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.communicate()


def test_a_bad_upstream_is_refused_by_the_console_script() -> None:
    assert SCRIPT.exists()
    result = subprocess.run(
        [str(SCRIPT), "--listen", "127.0.0.1:0", "--upstream", "ftp://somewhere"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "unknown upstream 'ftp://somewhere'" in result.stderr


def test_the_gateway_listens_on_loopback_by_default(upstream: HttpUpstream) -> None:
    assert build_parser().parse_args([]).listen == "127.0.0.1:11311"
    server = GatewayServer(upstream, port=0)
    try:
        assert server.socket.getsockname()[0] == "127.0.0.1"
    finally:
        server.stop()


def test_connection_options_shed_idle_connections(engine_url: str) -> None:
    command = [sys.executable, "-m", "djangoes_backends_memcached.gateway"]
    process = subprocess.Popen(
        [
            *command,
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            engine_url,
            "--max-connections",
            "2",
            "--read-timeout",
            "0.5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 15)
        assert ready, "the gateway did not say where it listens"
        port = int(process.stdout.readline().rpartition(":")[2])
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
        client = memcached_client(port, max_retries=0)
        assert client.info()["tagline"] == "You Know, for Search"  # room made at the cap
        client.close()
        for sock in idle:  # each evicted or, sending nothing, cut after 0.5 s
            with sock, contextlib.suppress(ConnectionResetError):
                assert sock.recv(1) == b""
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.communicate()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--max-connections", "0"], "--max-connections must be at least 1"),
        (["--idle-timeout", "-5"], "--idle-timeout must be 0 (never) or more"),
    ],
)
def test_connection_options_out_of_range_are_refused(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--listen", "127.0.0.1:0", *argv]) == 2
    assert message in capsys.readouterr().err
