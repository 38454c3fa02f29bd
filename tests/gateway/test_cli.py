"""Both gateways' command lines, as users run them: the same options, announce line, exit codes.

Each test runs for ``djangoes-thrift-gateway`` and ``djangoes-memcached-gateway`` alike; the
processes are real, in front of the engine's HTTP server or of an engine in their own process,
and are spoken to by elasticsearch-py through the transport.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from djangoes_backends_memcached import gateway as memcached_gateway
from djangoes_backends_thrift import gateway as thrift_gateway
from djangoes_gateway.cli import GatewayCommand
from djangoes_gateway.upstreams import HttpUpstream
from tests.endpoints import memcached_client
from tests.endpoints import thrift_connection as connect

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Gateway:
    """One gateway's command, and a client of it."""

    command: GatewayCommand
    client: Callable[[int], Any]
    #: Options of its own that it refuses, and what it says.
    refused: list[tuple[list[str], str]]

    @property
    def prog(self) -> str:
        return self.command.prog

    @property
    def script(self) -> Path:
        return Path(sys.executable).parent / self.prog


GATEWAYS = {
    "thrift": Gateway(
        thrift_gateway.Command(),
        lambda port: connect(f"http://127.0.0.1:{port}", max_retries=0),
        [
            (["--keyfile", "key.pem"], "--keyfile needs --certfile"),
            (["--certfile", "/nonexistent/cert.pem"], "No such file or directory"),
        ],
    ),
    "memcached": Gateway(
        memcached_gateway.Command(),
        lambda port: memcached_client(port, max_retries=0),
        [(["--max-value-size", "0"], "argument --max-value-size: must be at least 1, not 0")],
    ),
}

#: Arguments every gateway refuses, and what it says.
REFUSED = [
    (["--upstream", "ftp://nowhere"], "unknown upstream 'ftp://nowhere'"),
    (["--upstream", "nothing"], "or the name of an installed upstream ('embedded')"),
    (["--listen", "127.0.0.1:99999"], "invalid port in --listen '127.0.0.1:99999'"),
    (["--max-connections", "0"], "argument --max-connections: must be at least 1, not 0"),
    (["--read-timeout", "-1"], "argument --read-timeout: must be 0 (never) or more"),
    (["--idle-timeout", "soon"], "argument --idle-timeout: invalid seconds value: 'soon'"),
    (["--log-level", "LOUD"], "argument --log-level: invalid choice: 'LOUD'"),
    (["--no-such-option"], "unrecognized arguments: --no-such-option"),
]


@pytest.fixture(params=sorted(GATEWAYS))
def gateway(request: pytest.FixtureRequest) -> Gateway:
    return GATEWAYS[request.param]


class Running:
    """A gateway's console script in a process of its own, listening on a free port."""

    def __init__(self, gateway: Gateway, *argv: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [str(gateway.script), "--listen", "127.0.0.1:0", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        line = self.process.stdout.readline() if ready else ""
        announced = re.fullmatch(rf"{gateway.prog} listening on 127\.0\.0\.1:(\d+)\n", line)
        if not announced:
            self.process.kill()
            _, errors = self.process.communicate()
            pytest.fail(f"{gateway.prog} did not say where it listens: {line!r}\n{errors}")
        self.port = int(announced[1])

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        """Send ``signum``; the exit code and what the gateway logged."""
        self.process.send_signal(signum)
        _, errors = self.process.communicate(timeout=30)
        return self.process.returncode, errors

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


@contextlib.contextmanager
def running(gateway: Gateway, *argv: str, env: dict[str, str] | None = None) -> Iterator[Running]:
    process = Running(gateway, *argv, env=env)
    try:
        yield process
    finally:
        process.kill()


def test_a_gateway_serves_until_sigterm_then_exits_with_0(
    gateway: Gateway, engine_url: str
) -> None:
    with running(gateway, "--upstream", engine_url) as process:
        client = gateway.client(process.port)
        assert client.info()["tagline"] == "You Know, for Search"
        client.close()
        status, logged = process.stop(signal.SIGTERM)
    assert status == 0, logged
    assert "stopped: accepted 1," in logged


#: A sitecustomize that makes importing Django, or djangoes' core, fail in the whole process.
NO_DJANGO = """
import sys


class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("django", "djangoes"):
            raise ImportError(f"{name} may not be imported in this process")
        return None


sys.meta_path.insert(0, NoDjango())
"""


def test_a_gateway_starts_serves_and_stops_without_django(gateway: Gateway, tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(NO_DJANGO)
    path = [str(tmp_path), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, path))}
    refused = subprocess.run(
        [sys.executable, "-c", "import django"], env=env, capture_output=True, text=True
    )
    assert "django may not be imported in this process" in refused.stderr
    with running(gateway, "--upstream", "embedded", env=env) as process:
        client = gateway.client(process.port)  # this process has Django: the client may
        assert client.info()["tagline"] == "You Know, for Search"
        client.close()
        status, logged = process.stop(signal.SIGINT)
    assert status == 0, logged
    assert "Traceback" not in logged


def test_connection_options_shed_idle_connections(gateway: Gateway, engine_url: str) -> None:
    argv = ["--upstream", engine_url, "--max-connections", "2", "--read-timeout", "0.5"]
    with running(gateway, *argv) as process:
        idle = [socket.create_connection(("127.0.0.1", process.port), timeout=10) for _ in range(5)]
        client = gateway.client(process.port)
        assert client.info()["tagline"] == "You Know, for Search"  # room made at the cap
        client.close()
        for sock in idle:  # each evicted or, sending nothing, cut after 0.5 s
            with sock, contextlib.suppress(ConnectionResetError):
                assert sock.recv(1) == b""
        status, logged = process.stop()
    assert status == 0
    assert "at the cap of 2 connections" in logged
    assert re.search(r"stopped: .*evicted [1-9]", logged)


@pytest.mark.parametrize(
    ("kind", "argv", "message"),
    [
        (kind, argv, message)
        for kind, gateway in sorted(GATEWAYS.items())
        for argv, message in [*REFUSED, *gateway.refused]
    ],
)
def test_bad_arguments_exit_with_2_and_a_message(
    kind: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    command = GATEWAYS[kind].command
    assert command.main(argv) == 2
    errors = capsys.readouterr().err
    assert f"{command.prog}: error: " in errors
    assert message in errors


def test_an_address_in_use_exits_with_1(
    gateway: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        argv = ["--listen", f"127.0.0.1:{port}", "--upstream", "http://127.0.0.1:9"]
        assert gateway.command.main(argv) == 1
    assert f"{gateway.prog}: cannot listen on 127.0.0.1:{port}: " in capsys.readouterr().err


def test_help_exits_with_0(gateway: Gateway, capsys: pytest.CaptureFixture[str]) -> None:
    assert gateway.command.main(["--help"]) == 0
    assert "--max-connections N" in capsys.readouterr().out


def test_both_gateways_have_the_same_options_and_defaults() -> None:
    thrift, memcached = (GATEWAYS[kind].command for kind in ("thrift", "memcached"))
    shared = {"listen", "upstream", "log_level", "max_connections", "idle_timeout", "read_timeout"}
    shared |= {"users", "allow_unauthenticated"}
    thrift_defaults = vars(thrift.create_parser().parse_args([]))
    memcached_defaults = vars(memcached.create_parser().parse_args([]))
    assert set(thrift_defaults) - {"framed", "certfile", "keyfile", "forward_credentials"} == shared
    assert set(memcached_defaults) - {"max_value_size"} == shared
    shared.remove("listen")
    assert {k: thrift_defaults[k] for k in shared} == {k: memcached_defaults[k] for k in shared}
    assert thrift_defaults["upstream"] == "http://127.0.0.1:9200"
    assert (thrift_defaults["max_connections"], thrift_defaults["read_timeout"]) == (256, 60.0)
    assert (thrift_defaults["listen"], memcached_defaults["listen"]) == (
        "127.0.0.1:9500",
        "127.0.0.1:11311",
    )


def test_a_gateway_listens_on_loopback_by_default(gateway: Gateway) -> None:
    target = HttpUpstream("http://127.0.0.1:9")
    server = gateway.command.server_class(target, port=0)
    try:
        server.listen()
        assert server.socket.getsockname() == ("127.0.0.1", server.port)
    finally:
        server.stop()
        target.close()
