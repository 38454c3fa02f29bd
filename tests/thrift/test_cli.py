"""``djangoes-thrift-gateway`` as users run it: a process, stopped by SIGTERM."""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from djangoes_backends_memcached.gateway import build_parser
from djangoes_backends_thrift.gateway import main, parser

from .conftest import connect

LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+) \(buffered transport\)")


@pytest.fixture
def gateway_process(engine_url: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """The gateway in its own process, on a free port, in front of the engine's HTTP server."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "djangoes_backends_thrift.gateway",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            engine_url,
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if found := LISTENING.search(line):
            break
    else:
        pytest.fail(f"the gateway did not start (exit code {process.wait(5)})")
    yield process, int(found.group(1))
    if process.poll() is None:
        process.kill()
        process.wait(5)


def test_the_gateway_answers_and_exits_cleanly_on_sigterm(
    gateway_process: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = gateway_process
    connection = connect(f"http://127.0.0.1:{port}")
    assert connection.info()["tagline"] == "You Know, for Search"
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    assert process.stderr is not None
    assert "stopped" in process.stderr.read()
    connection.close()


def test_defaults_listen_on_loopback_port_9500_before_a_local_elasticsearch() -> None:
    defaults = parser().parse_args([])
    assert (defaults.listen, defaults.upstream) == ("127.0.0.1:9500", "http://127.0.0.1:9200")
    assert not defaults.framed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--upstream", "ftp://nowhere"], "unknown upstream 'ftp://nowhere'"),
        (["--listen", "127.0.0.1:99999"], "invalid port"),
        (["--keyfile", "key.pem"], "--keyfile needs --certfile"),
        (["--max-connections", "0"], "--max-connections must be at least 1"),
        (["--read-timeout", "-1"], "--read-timeout must be 0 (never) or more"),
    ],
)
def test_bad_arguments_exit_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_connection_options_shed_idle_connections_and_are_the_memcached_gateway_s(
    engine_url: str,
) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "djangoes_backends_thrift.gateway",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            engine_url,
            "--max-connections",
            "2",
            "--read-timeout",
            "0.5",
            "--idle-timeout",
            "300",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if found := LISTENING.search(line):
                break
        else:
            pytest.fail(f"the gateway did not start (exit code {process.wait(5)})")
        port = int(found.group(1))
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
        connection = connect(f"http://127.0.0.1:{port}", max_retries=0)
        assert connection.info()["tagline"] == "You Know, for Search"  # room made at the cap
        connection.close()
        for sock in idle:  # each evicted or, sending nothing, cut after 0.5 s
            with sock, contextlib.suppress(ConnectionResetError):
                assert sock.recv(1) == b""
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        assert "evicted" in process.stderr.read()  # the counts, logged on the way out
    finally:
        process.kill()
        process.wait(5)
    thrift, memcached = vars(parser().parse_args([])), vars(build_parser().parse_args([]))
    shared = ("max_connections", "idle_timeout", "read_timeout")
    assert [thrift[k] for k in shared] == [memcached[k] for k in shared] == [256, 300.0, 60.0]
