"""The gateways' threaded server: a cap with eviction, read and idle timeouts, bounded stop.

A line protocol stands in for thrift and memcached (both gateways run on the same base): each
line is a request, ``sleep S`` and ``hang`` run as requests do (the connection is busy), any
other line is echoed. Real sockets on 127.0.0.1 drive it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from djangoes_gateway.connections import IDLE
from djangoes_gateway.replies import Reply
from djangoes_gateway.serving import Connection, ConnectionUpstream, ThreadedServer

from ..shedding import closed, wait_until


class LineServer(ThreadedServer):
    name = "line"

    def __init__(self, **options: object) -> None:
        super().__init__("127.0.0.1", 0, **options)  # type: ignore[arg-type]
        self.release = threading.Event()
        self.served: list[Connection] = []

    def serve_connection(self, connection: Connection) -> None:
        self.served.append(connection)
        with connection.makefile() as stream:
            while line := stream.readline():
                command, _, argument = line.strip().partition(b" ")
                if command in (b"sleep", b"hang"):
                    if not connection.begin():
                        return
                    try:
                        if command == b"sleep":
                            time.sleep(float(argument))
                        else:
                            self.release.wait()
                    finally:
                        connection.end()
                connection.reply(b"ok " + line)


@pytest.fixture
def make_server() -> Iterator[Callable[..., LineServer]]:
    servers: list[LineServer] = []

    def make(**options: object) -> LineServer:
        server = LineServer(**options).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.release.set()
        server.stop(timeout=5)


class Client:
    def __init__(self, server: ThreadedServer) -> None:
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)

    def ask(self, line: bytes) -> bytes:
        self.sock.sendall(line + b"\n")
        return self.sock.recv(1024)

    def close(self) -> None:
        self.sock.close()


def test_requests_are_answered_and_counted(make_server: Callable[..., LineServer]) -> None:
    server = make_server()
    client = Client(server)
    assert client.ask(b"hello") == b"ok hello\n"
    assert client.ask(b"sleep 0.01") == b"ok sleep 0.01\n"
    client.close()
    assert wait_until(lambda: server.connections == 0)
    stats = server.stats()
    assert (stats["accepted"], stats["peak_connections"], stats["evicted"]) == (1, 1, 0)


def test_at_the_cap_the_longest_idle_connection_makes_room(
    make_server: Callable[..., LineServer],
) -> None:
    server = make_server(max_connections=3)
    clients = []
    for n in range(3):
        client = Client(server)
        assert client.ask(b"hi %d" % n) == b"ok hi %d\n" % n
        # The reply is sent before the connection is marked idle: wait for it, or a thread
        # slow to do so would make another connection the oldest idle one.
        assert wait_until(lambda: server.table.state(server.served[-1]) == IDLE)
        clients.append(client)
    newcomer = Client(server)
    assert newcomer.ask(b"let me in") == b"ok let me in\n"
    assert closed(clients[0].sock)  # idle the longest: evicted
    assert clients[1].ask(b"still here") == b"ok still here\n"
    assert server.stats()["evicted"] == 1
    assert server.connections <= 3


def test_an_incomplete_request_older_than_the_idle_connections_goes_first(
    make_server: Callable[..., LineServer],
) -> None:
    server = make_server(max_connections=2)
    trickling = Client(server)
    trickling.sock.sendall(b"half a requ")  # incomplete since its connection opened
    time.sleep(0.05)
    idle = Client(server)
    assert idle.ask(b"done") == b"ok done\n"
    newcomer = Client(server)
    assert newcomer.ask(b"hi") == b"ok hi\n"
    assert closed(trickling.sock)
    assert idle.ask(b"again") == b"ok again\n"


def test_a_slowloris_is_cut_after_the_read_timeout(make_server: Callable[..., LineServer]) -> None:
    server = make_server(read_timeout=0.5, idle_timeout=None)
    slow = Client(server)
    sent = 0
    for _ in range(100):  # a byte every 50 ms, never a whole line: 5 s if nobody cuts it
        try:
            slow.sock.sendall(b"x")
        except OSError:
            break
        sent += 1
        time.sleep(0.05)
    assert closed(slow.sock)
    assert sent < 100  # cut before it was done trickling
    assert server.stats()["read_timeouts"] == 1
    assert Client(server).ask(b"fine") == b"ok fine\n"


def test_a_connection_must_send_its_first_request_within_the_read_timeout(
    make_server: Callable[..., LineServer],
) -> None:
    server = make_server(read_timeout=0.3, idle_timeout=None)
    silent = Client(server)
    assert closed(silent.sock)
    assert server.stats()["read_timeouts"] == 1


def test_between_requests_only_the_idle_timeout_applies(
    make_server: Callable[..., LineServer],
) -> None:
    server = make_server(read_timeout=0.2, idle_timeout=None)
    client = Client(server)
    assert client.ask(b"one") == b"ok one\n"
    assert not closed(client.sock, within=1.0)  # idle 1 s, five read timeouts: kept
    assert client.ask(b"two") == b"ok two\n"

    server = make_server(idle_timeout=0.3)
    client = Client(server)
    assert client.ask(b"one") == b"ok one\n"
    assert closed(client.sock)
    assert server.stats()["idle_timeouts"] == 1


def test_a_running_request_is_never_cut(make_server: Callable[..., LineServer]) -> None:
    server = make_server(read_timeout=0.2, idle_timeout=0.2, max_connections=1)
    client = Client(server)
    client.sock.sendall(b"sleep 1\n")
    assert wait_until(lambda: server.stats()["busy"] == 1)
    others = [Client(server) for _ in range(3)]  # each refused: the only connection is busy
    assert all(closed(other.sock) for other in others)
    assert client.sock.recv(1024) == b"ok sleep 1\n"
    stats = server.stats()
    assert (stats["read_timeouts"], stats["idle_timeouts"], stats["evicted"]) == (0, 0, 0)
    assert stats["refused"] == 3


def test_when_every_connection_is_busy_a_newcomer_is_refused_until_one_is_free(
    make_server: Callable[..., LineServer],
) -> None:
    server = make_server(max_connections=2)
    hung = [Client(server) for _ in range(2)]
    for client in hung:
        client.sock.sendall(b"hang\n")
    assert wait_until(lambda: server.stats()["busy"] == 2)
    refused = Client(server)
    assert closed(refused.sock)
    assert server.stats()["refused"] == 1
    server.release.set()
    assert [client.sock.recv(1024) for client in hung] == [b"ok hang\n"] * 2
    assert Client(server).ask(b"now") == b"ok now\n"  # evicts an idle one


def test_a_request_on_a_connection_cut_meanwhile_never_reaches_the_upstream(
    make_server: Callable[..., LineServer],
) -> None:
    calls: list[str] = []

    class Counting:
        def execute(self, method: str, target: str, headers: object, body: object) -> Reply:
            calls.append(target)
            return Reply(200)

        def close(self) -> None:
            pass

    server = make_server(max_connections=1)
    first = Client(server)
    assert first.ask(b"hi") == b"ok hi\n"
    connection = server.served[0]
    assert ConnectionUpstream(Counting(), connection).execute("GET", "/", {}, None).status == 200
    Client(server).ask(b"evicting the first")
    assert closed(first.sock)
    reply = ConnectionUpstream(Counting(), connection).execute("GET", "/late", {}, None)
    assert reply.status == 503
    assert calls == ["/"]


def test_stop_lets_a_running_request_reply_then_closes(
    make_server: Callable[..., LineServer],
) -> None:
    server = make_server()
    busy, idle = Client(server), Client(server)
    assert idle.ask(b"hi") == b"ok hi\n"
    busy.sock.sendall(b"sleep 0.3\n")
    assert wait_until(lambda: server.stats()["busy"] == 1)
    server.stop(timeout=10)
    assert closed(idle.sock)
    assert busy.sock.recv(1024) == b"ok sleep 0.3\n"
    assert closed(busy.sock)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)


def test_stop_returns_although_a_request_hangs_forever(
    make_server: Callable[..., LineServer],
) -> None:
    server = make_server()
    client = Client(server)
    client.sock.sendall(b"hang\n")
    assert wait_until(lambda: server.stats()["busy"] == 1)
    stopper = threading.Thread(target=server.stop, kwargs={"timeout": 0.3})
    stopper.start()
    stopper.join(10)
    assert not stopper.is_alive()  # it returned, the request still hanging
    assert closed(client.sock)  # its connection was closed all the same
    assert any(t.name.startswith("line:") for t in threading.enumerate())  # left behind


def test_options_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="max_connections"):
        LineServer(max_connections=0)
    with pytest.raises(ValueError, match="read_timeout"):
        LineServer(read_timeout=0)
