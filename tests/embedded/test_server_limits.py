"""The engine's HTTP server sheds load: a connection cap with eviction, read and idle timeouts,
refusal (a 429) when every connection is busy, and a stop that a hung handler cannot hold up.

Raw sockets play the idle and slowloris clients, elasticsearch-py the well-behaved one; the
handler is a small function that can be made to wait, so no engine is needed.
"""

from __future__ import annotations

import json
import resource
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from elasticsearch import Elasticsearch

from djangoes_engine.http import Request, Response
from djangoes_engine.server import (
    MAX_CONNECTIONS_CEILING,
    ServerThread,
    default_max_connections,
    start_in_thread,
)

from ..shedding import closed, wait_until
from .test_server import RawConnection, assert_es_error


class Handler:
    """Answers ``/_wait`` once :attr:`release` is set, anything else at once; counts calls."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.calls.append(request.path)
        if request.path == "/_wait":
            self.release.wait()
        return Response(
            200, json.dumps({"path": request.path, "version": {"number": "9"}}).encode()
        )


@pytest.fixture
def handler() -> Iterator[Handler]:
    handler = Handler()
    yield handler
    handler.release.set()


@pytest.fixture
def make_server(handler: Handler) -> Iterator[Callable[..., ServerThread]]:
    servers: list[ServerThread] = []

    def make(**options: object) -> ServerThread:
        server = start_in_thread(handler, graceful_shutdown_timeout=5, **options)
        servers.append(server)
        return server

    yield make
    handler.release.set()
    for server in servers:
        server.stop()


def test_at_the_cap_the_longest_idle_connection_makes_room(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(max_connections=3)
    idle = [RawConnection(server.port) for _ in range(3)]
    for raw in idle:
        assert raw.request("GET", "/").status == 200  # then idle, oldest first
    es = Elasticsearch(server.url, max_retries=0)
    assert es.info()["version"]["number"] == "9"  # its connection evicted the oldest
    es.close()
    assert closed(idle[0].sock)
    assert idle[1].request("GET", "/again").status == 200
    stats = server.stats()
    assert stats["evicted"] >= 1
    assert stats["peak_connections"] <= 3


def test_an_incomplete_request_older_than_the_idle_connections_goes_first(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(max_connections=2)
    trickling = RawConnection(server.port)
    trickling.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    time.sleep(0.05)
    idle = RawConnection(server.port)
    assert idle.request("GET", "/").status == 200
    newcomer = RawConnection(server.port)
    assert newcomer.request("GET", "/").status == 200
    assert closed(trickling.sock)
    assert idle.request("GET", "/").status == 200


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", id="headers"),
        pytest.param(b"POST /x/_doc HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\n\r\n", id="body"),
    ],
)
def test_a_slowloris_is_cut_after_the_read_timeout_and_never_handled(
    make_server: Callable[..., ServerThread], handler: Handler, start: bytes
) -> None:
    server = make_server(read_timeout=0.5, idle_timeout=None)
    slow = RawConnection(server.port)
    slow.send(start)
    sent = 0
    for _ in range(100):  # a byte every 50 ms: 5 s if nobody cuts it
        try:
            slow.send(b"a")
        except OSError:
            break
        sent += 1
        time.sleep(0.05)
    assert closed(slow.sock)
    assert sent < 100
    assert server.stats()["read_timeouts"] == 1
    assert handler.calls == []
    assert RawConnection(server.port).request("GET", "/").status == 200


def test_a_connection_must_send_its_first_request_within_the_read_timeout(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(read_timeout=0.3)
    assert closed(RawConnection(server.port).sock)
    assert server.stats()["read_timeouts"] == 1


def test_between_requests_only_the_idle_timeout_applies(
    make_server: Callable[..., ServerThread],
) -> None:
    server = make_server(read_timeout=0.2, idle_timeout=None)
    raw = RawConnection(server.port)
    assert raw.request("GET", "/").status == 200
    assert not closed(raw.sock, within=1.0)  # idle for five read timeouts: kept
    assert raw.request("GET", "/").status == 200

    server = make_server(idle_timeout=0.3)
    raw = RawConnection(server.port)
    assert raw.request("GET", "/").status == 200
    assert closed(raw.sock)
    assert server.stats()["idle_timeouts"] == 1


def test_when_every_connection_is_busy_a_newcomer_gets_a_429(
    make_server: Callable[..., ServerThread], handler: Handler
) -> None:
    server = make_server(max_connections=2, read_timeout=0.2, idle_timeout=0.2)
    busy = [RawConnection(server.port) for _ in range(2)]
    for raw in busy:
        raw.send(b"GET /_wait HTTP/1.1\r\nHost: x\r\n\r\n")
    assert wait_until(lambda: server.stats()["busy"] == 2)
    time.sleep(0.5)  # longer than both timeouts: a running request is never cut
    refused = RawConnection(server.port)
    error = assert_es_error(refused.request("GET", "/"), 429)
    assert error["type"] == "es_rejected_execution_exception"
    assert closed(refused.sock)
    handler.release.set()
    assert [raw.read_response().status for raw in busy] == [200, 200]
    assert RawConnection(server.port).request("GET", "/").status == 200
    stats = server.stats()
    assert (stats["refused"], stats["read_timeouts"]) == (1, 0)


def test_stop_returns_although_a_handler_hangs(handler: Handler) -> None:
    server = start_in_thread(handler, graceful_shutdown_timeout=1)
    raw = RawConnection(server.port)
    raw.send(b"GET /_wait HTTP/1.1\r\nHost: x\r\n\r\n")
    assert wait_until(lambda: server.stats()["busy"] == 1)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    stopper.join(15)
    assert not stopper.is_alive()  # returned while the handler still waits
    assert not handler.release.is_set()
    handler.release.set()


HUNG_SERVE_SCRIPT = textwrap.dedent(
    """
    import threading
    from djangoes_engine.http import Response
    from djangoes_engine.server import serve

    def handler(request):
        if request.path == "/_hang":
            threading.Event().wait()
        return Response(200, b'{}')

    serve(handler, port=0, graceful_shutdown_timeout=1,
          ready=lambda server: print(server.port, flush=True))
    print("stopped", flush=True)
    """
)


def test_a_process_whose_handler_hangs_still_exits_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", HUNG_SERVE_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(process.stdout.readline())
        raw = RawConnection(port)
        raw.send(b"GET /_hang HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert out.strip() == "stopped"
        raw.close()
    finally:
        process.kill()
        process.communicate()


def test_default_cap_keeps_a_reserve_of_descriptors_for_the_index() -> None:
    assert default_max_connections(1024) == 768  # 256 kept
    assert default_max_connections(8192) == MAX_CONNECTIONS_CEILING  # a quarter kept, capped
    assert default_max_connections(256) == 64  # a very low limit: a quarter for connections
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    server = ServerThread(lambda request: Response(200, b"{}"))
    try:
        assert server.max_connections == default_max_connections(soft)
    finally:
        server._socket.close()


def test_serve_raises_the_open_files_limit_to_the_hard_one() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY or hard <= 512:
        pytest.skip(
            f"needs an open-files hard limit above 512 (it is {hard}, or unlimited): raise it "
            "(ulimit -Hn 4096 in a root shell, LimitNOFILE= in a systemd unit) and run again"
        )
    script = (
        "import resource\n"
        "from djangoes_engine.server import raise_open_files_limit\n"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0], raise_open_files_limit())\n"
    )

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (512, hard))

    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lower,
    )
    assert result.stdout.split() == ["512", str(hard)], result.stderr


def test_a_connection_stuck_mid_request_is_closed_at_stop_not_waited_for(
    handler: Handler,
) -> None:
    server = start_in_thread(handler, graceful_shutdown_timeout=60)
    stuck = RawConnection(server.port)
    stuck.send(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
    time.sleep(0.1)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    stopper.join(20)  # a third of the graceful shutdown timeout, which it does not wait for
    assert not stopper.is_alive()
    assert closed(stuck.sock)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)
