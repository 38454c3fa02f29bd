"""Load: active clients keep being served while idle and slowloris connections press on.

For the engine's HTTP server and for both gateways (in front of the engine's HTTP server), each
in its own process: 64 clients (the real ones: elasticsearch-py through djangoes' transports)
run mixed requests (index, get, search, bulk) for a bounded time, while 500 idle connections
(250 that never send a byte, 250 idle after one request) and 200 slowloris connections (a
partial request, then a byte a second) are held open against the same server: each one the
server closes is opened again a second later. The servers run with a cap of 256 connections
and a read timeout of 3 s, so the attack is shed by eviction at the cap and by the timeout.

What is asserted: every client completed requests of every kind, and no request failed, the
client's own retries (elastic-transport's defaults: up to 3, on a connection error or a 429,
502, 503 or 504) included; retries are counted and recorded. A retry happens when an active
client's keep-alive connection, idle between two of its requests longer than the attack's
connections have lived, is the one evicted: the server had not read its next request, so
retrying it is safe. What is recorded (``figures``):
requests/s, p50/p99 latency, errors and retries, the connections of the attack the server
closed (seen by the attacker, and counted by the server: evicted, timed out), and the server
process's connections, threads and open descriptors at the peak.

Also here: the thrift gateway's old lock-out (500 idle connections at its cap of 256 left no
room for an active client) is gone, for every server; and the gateways' upstream pools no
longer open and drop connections with 32 concurrent clients.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import logging
import os
import random
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.transport.TTransport import TMemoryBuffer

from djangoes import ConnectionHandler
from djangoes_backends_memcached.server import MemcachedGateway
from djangoes_backends_thrift.generated import Rest
from djangoes_backends_thrift.generated.ttypes import Method, RestRequest
from djangoes_backends_thrift.server import ThriftGateway
from djangoes_engine.http import Response
from djangoes_engine.server import ServerThread
from djangoes_gateway.upstreams import HttpUpstream

from .netfaults import Proxy, port_of

pytestmark = pytest.mark.slow

CLIENTS = 64
IDLE = 500
SLOWLORIS = 200
#: How long the clients run, per server.
DURATION = 10.0
MAX_CONNECTIONS = 256
READ_TIMEOUT = 3.0
#: A connection of the attack that the server closed is opened again this long after.
RECONNECT_AFTER = 1.0
#: A slowloris connection sends a byte this often.
TRICKLE_EVERY = 1.0
#: Descriptors this process needs: the attack, the clients, and a margin.
NEEDED_DESCRIPTORS = 2048
SERVERS = ["http", "thrift", "memcached"]


@pytest.fixture(scope="module", autouse=True)
def open_files() -> Iterator[None]:
    """Room for 700 attacking sockets and the clients': the soft limit raised to the hard."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < NEEDED_DESCRIPTORS:
        pytest.skip(
            f"needs an open-files hard limit of {NEEDED_DESCRIPTORS} (it is {hard}): this test "
            f"holds {IDLE + SLOWLORIS} idle and slowloris sockets besides {CLIENTS} clients'; "
            f"raise it (ulimit -Hn {NEEDED_DESCRIPTORS} in a root shell) and run again"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# --- the server under load, in its own process -----------------------------------------------

SERVER_SCRIPT = textwrap.dedent(
    """
    import json, sys
    kind, upstream_url, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if kind == "http":
        from djangoes_engine import Engine
        from djangoes_engine.server import start_in_thread
        engine = Engine()
        server = start_in_thread(engine.handle, "127.0.0.1", 0, **options)
        close = engine.close
    else:
        from djangoes_gateway.upstreams import upstream
        if kind == "thrift":
            from djangoes_backends_thrift.server import start_in_thread
        else:
            from djangoes_backends_memcached.server import start_in_thread
        target = upstream(upstream_url, maxsize=options["max_connections"])
        server = start_in_thread(target, "127.0.0.1", 0, **options)
        close = target.close
    print(server.port, flush=True)
    sys.stdin.read()  # until the test closes it
    server.stop()
    print(json.dumps(server.stats()), flush=True)
    close()
    """
)


class ServerProcess:
    """A server (``http``: the engine's; ``thrift``, ``memcached``: a gateway in front of
    ``upstream_url``) in a process of its own, its threads and descriptors sampled."""

    def __init__(self, kind: str, upstream_url: str, **options: Any) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER_SCRIPT, kind, upstream_url, json.dumps(options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.process.kill()
            raise AssertionError(f"the {kind} server did not start: {line!r}")
        self.port = int(line)
        self.peak_threads = self.peak_descriptors = 0
        self._sampling = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        proc = f"/proc/{self.process.pid}"
        while not self._sampling.wait(0.2):
            with contextlib.suppress(OSError, ValueError):
                self.peak_descriptors = max(self.peak_descriptors, len(os.listdir(f"{proc}/fd")))
                with open(f"{proc}/status") as status:
                    threads = next(line for line in status if line.startswith("Threads:"))
                self.peak_threads = max(self.peak_threads, int(threads.split()[1]))

    def stop(self) -> dict[str, int]:
        """Stop the server; its counts (:meth:`ThreadedServer.stats` or the engine's)."""
        self._sampling.set()
        out, _ = self.process.communicate(input="", timeout=60)
        assert self.process.returncode == 0
        return json.loads(out.strip().splitlines()[-1])


# --- the attack: idle and slowloris connections ----------------------------------------------


def thrift_call(request: RestRequest) -> bytes:
    buffer = TMemoryBuffer()
    Rest.Client(TBinaryProtocol(buffer)).send_execute(request)
    return buffer.getvalue()


def attack_bytes(kind: str) -> tuple[bytes, list[bytes], bytes]:
    """What an idle-after-one-request connection sends, how slowloris connections begin (one
    way or another), and the byte they trickle, in ``kind``'s protocol."""
    if kind == "http":
        return (
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            [
                b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ",  # the headers never end
                b"POST /slow/_doc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n{",  # nor does the body
            ],
            b"a",
        )
    if kind == "thrift":
        body = b" " * 100000
        call = thrift_call(RestRequest(method=Method.PUT, uri="/slow/_doc/1", body=body))
        return thrift_call(RestRequest(method=Method.GET, uri="/")), [call[:64]], b" "
    return b"version\r\n", [b"set /slow/_doc/1 0 0 100000\r\n"], b" "


class Attack:
    """``idle`` + ``slowloris`` connections held against 127.0.0.1:``port`` from one thread.

    Half the idle ones send a request first (then idle between requests), half never send a
    byte; the slowloris ones send the start of a request, then a byte every
    :data:`TRICKLE_EVERY`. Each connection the server closes is counted and opened again
    :data:`RECONNECT_AFTER` later.
    """

    def __init__(self, port: int, kind: str, idle: int = IDLE, slowloris: int = SLOWLORIS) -> None:
        self.port = port
        self.hello, self.starts, self.trickle = attack_bytes(kind)
        self.kinds = ["fresh"] * (idle // 2) + ["used"] * (idle - idle // 2)
        self.kinds += ["slow"] * slowloris
        self.cut = {"fresh": 0, "used": 0, "slow": 0}
        self.connect_errors = 0
        self.peak_open = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="attack", daemon=True)

    def __enter__(self) -> Attack:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        alive: dict[socket.socket, str] = {}
        sequence = 0
        due: list[tuple[float, int, str]] = [(0.0, n, k) for n, k in enumerate(self.kinds)]
        trickles: list[tuple[float, int, socket.socket]] = []

        def cut(sock: socket.socket, now: float) -> None:
            nonlocal sequence
            kind = alive.pop(sock)
            selector.unregister(sock)
            sock.close()
            self.cut[kind] += 1
            sequence += 1
            heapq.heappush(due, (now + RECONNECT_AFTER, sequence, kind))

        while not self._stop.is_set():
            now = time.monotonic()
            while due and due[0][0] <= now:
                _, _, kind = heapq.heappop(due)
                try:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                    sock.setblocking(False)
                    if kind == "used":
                        sock.send(self.hello)
                    elif kind == "slow":
                        sock.send(random.choice(self.starts))
                except OSError:
                    self.connect_errors += 1
                    sequence += 1
                    heapq.heappush(due, (now + RECONNECT_AFTER, sequence, kind))
                    continue
                alive[sock] = kind
                selector.register(sock, selectors.EVENT_READ)
                if kind == "slow":
                    sequence += 1
                    first = now + random.uniform(0, TRICKLE_EVERY)
                    heapq.heappush(trickles, (first, sequence, sock))
            self.peak_open = max(self.peak_open, len(alive))
            while trickles and trickles[0][0] <= now:
                _, _, sock = heapq.heappop(trickles)
                if sock not in alive:
                    continue
                try:
                    sock.send(self.trickle)
                except OSError:
                    cut(sock, now)
                    continue
                sequence += 1
                heapq.heappush(trickles, (now + TRICKLE_EVERY, sequence, sock))
            for key, _ in selector.select(0.05):
                sock = key.fileobj  # type: ignore[assignment]
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    cut(sock, time.monotonic())
        for sock in alive:
            sock.close()
        selector.close()


# --- the clients -------------------------------------------------------------------------------


class RetryCounter(logging.Handler):
    """Counts elastic-transport's retries (it logs each one)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries = 0
        #: Why, by the failure's type (the status, or the exception's class).
        self.causes: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Retrying request"):
            self.retries += 1
            cause = message.partition("after ")[2].partition(" (attempt")[0]
            if record.exc_info and record.exc_info[1] is not None:
                cause = type(record.exc_info[1]).__name__
            self.causes[cause] = self.causes.get(cause, 0) + 1


@pytest.fixture
def retries() -> Iterator[RetryCounter]:
    counter = RetryCounter()
    logger = logging.getLogger("elastic_transport.transport")
    logger.addHandler(counter)
    yield counter
    logger.removeHandler(counter)


OPERATIONS = ("index", "get", "search", "bulk")


class Client:
    """One client (its own connection handler and pool) running mixed requests."""

    def __init__(self, number: int, endpoint: dict[str, Any], index: str) -> None:
        params = {**endpoint.get("PARAMS", {}), "request_timeout": 60}
        self.handler = ConnectionHandler(
            servers={"default": {**endpoint, "PARAMS": params}}, indices={}
        )
        self.client = self.handler["default"].client
        self.number = number
        self.index = index
        self.latencies: list[float] = []
        self.done = dict.fromkeys(OPERATIONS, 0)
        self.errors: list[str] = []

    def run(self, until: float) -> None:
        n = 0
        while time.monotonic() < until:
            operation = OPERATIONS[n % len(OPERATIONS)]
            started = time.perf_counter()
            try:
                self.request(operation, n)
            except Exception as error:
                self.errors.append(f"{operation}: {type(error).__name__}: {error}")
            else:
                self.done[operation] += 1
            self.latencies.append(time.perf_counter() - started)
            n += 1
        self.handler.close_all()

    def request(self, operation: str, n: int) -> None:
        doc_id = f"{self.number}-{n}"
        if operation == "index":
            self.client.index(index=self.index, id=doc_id, document={"title": f"load {n}"})
        elif operation == "get":
            seed = f"seed-{n % 20}"
            assert self.client.get(index=self.index, id=seed)["_id"] == seed
        elif operation == "search":
            self.client.search(index=self.index, query={"match": {"title": "load"}}, size=5)
        else:
            operations: list[dict[str, Any]] = []
            for k in range(5):
                operations += [{"index": {"_index": self.index, "_id": f"{doc_id}-{k}"}}]
                operations += [{"title": f"load bulk {k}"}]
            assert self.client.bulk(operations=operations)["errors"] is False


def endpoint_of(kind: str, port: int) -> dict[str, Any]:
    host = f"http://127.0.0.1:{port}"
    return {"ENGINE": kind, "HOSTS": [host], "PARAMS": {}}


def seed(endpoint: dict[str, Any], index: str) -> None:
    handler = ConnectionHandler(servers={"default": endpoint}, indices={})
    client = handler["default"].client
    client.indices.create(index=index)
    operations: list[dict[str, Any]] = []
    for n in range(20):
        operations += [{"index": {"_index": index, "_id": f"seed-{n}"}}, {"title": f"load {n}"}]
    client.bulk(operations=operations, refresh=True)
    handler.close_all()


def run_clients(endpoint: dict[str, Any], index: str) -> tuple[list[Client], float]:
    clients = [Client(n, endpoint, index) for n in range(CLIENTS)]
    until = time.monotonic() + DURATION
    threads = [threading.Thread(target=c.run, args=(until,)) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DURATION + 120)
    return clients, time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


@pytest.mark.parametrize("kind", SERVERS)
def test_active_clients_are_served_through_idle_and_slowloris_connections(
    kind: str, engine_url: str, retries: RetryCounter, figures: Callable[..., None]
) -> None:
    options = {"max_connections": MAX_CONNECTIONS, "read_timeout": READ_TIMEOUT}
    server = ServerProcess(kind, engine_url, **options)
    try:
        endpoint = endpoint_of(kind, server.port)
        index = f"load-{kind}-{uuid.uuid4().hex[:8]}"
        seed(endpoint, index)
        with Attack(server.port, kind) as attack:
            time.sleep(READ_TIMEOUT)  # the attack at full strength before the clients start
            clients, elapsed = run_clients(endpoint, index)
    finally:
        stats = server.stop()
    latencies = sorted(t for c in clients for t in c.latencies)
    errors = [e for c in clients for e in c.errors]
    requests = sum(sum(c.done.values()) for c in clients)
    figures(
        f"load[{kind}]",
        clients=CLIENTS,
        seconds=round(elapsed, 1),
        requests=requests,
        requests_per_s=round(requests / elapsed),
        p50_ms=round(percentile(latencies, 0.50) * 1e3, 1),
        p99_ms=round(percentile(latencies, 0.99) * 1e3, 1),
        errors=len(errors),
        retries=retries.retries,
        retry_causes=retries.causes,
        fewest_requests_of_a_client=min(sum(c.done.values()) for c in clients),
        attack_open_at_peak=attack.peak_open,
        idle_cut=attack.cut["fresh"] + attack.cut["used"],
        slowloris_cut=attack.cut["slow"],
        attack_connect_errors=attack.connect_errors,
        server_evicted=stats["evicted"],
        server_read_timeouts=stats["read_timeouts"],
        server_idle_timeouts=stats["idle_timeouts"],
        server_refused=stats["refused"],
        server_accepted=stats["accepted"],
        peak_connections=stats["peak_connections"],
        peak_threads=server.peak_threads,
        peak_descriptors=server.peak_descriptors,
    )
    assert errors == [], errors[:5]
    assert all(min(c.done.values()) >= 1 for c in clients)  # every client, every kind
    assert stats["peak_connections"] <= MAX_CONNECTIONS
    assert stats["evicted"] + stats["read_timeouts"] > 0  # the attack was shed, not held
    assert attack.cut["slow"] > 0 and attack.cut["fresh"] + attack.cut["used"] > 0


# --- the old lock-out, and the upstream pools --------------------------------------------------


def start_server(
    kind: str, upstream: HttpUpstream
) -> ServerThread | ThriftGateway | MemcachedGateway:
    if kind == "http":
        server = ServerThread(
            lambda request: Response(200, b'{"tagline": "ok"}'), max_connections=256
        )
        return server.start()
    if kind == "thrift":
        from djangoes_backends_thrift.server import start_in_thread as thrift_gateway

        return thrift_gateway(upstream)  # its defaults: 256 connections
    from djangoes_backends_memcached.server import start_in_thread as memcached_gateway

    return memcached_gateway(upstream)


@pytest.mark.parametrize("kind", SERVERS)
def test_500_idle_connections_at_the_cap_no_longer_lock_an_active_client_out(
    kind: str, engine_url: str, figures: Callable[..., None]
) -> None:
    """The thrift gateway's cap of 256 used to leave an active client no room (0 requests in
    20 s) once 500 idle connections were open; now the longest idle makes room."""
    upstream = HttpUpstream(engine_url)
    server = start_server(kind, upstream)
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(IDLE)]
    try:
        deadline = time.monotonic() + 30
        while server.stats()["accepted"] < IDLE and time.monotonic() < deadline:
            time.sleep(0.05)
        handler = ConnectionHandler(
            servers={"default": {**endpoint_of(kind, server.port), "PARAMS": {"max_retries": 0}}},
            indices={},
        )
        started = time.perf_counter()
        answers = [handler["default"].client.info() for _ in range(10)]
        elapsed = time.perf_counter() - started
        handler.close_all()
        stats = server.stats()
    finally:
        for sock in idle:
            sock.close()
        server.stop()
        upstream.close()
    figures(
        f"lockout[{kind}]",
        idle_connections=IDLE,
        cap=256,
        evicted=stats["evicted"],
        open_at_the_end=stats["open"],
        ten_requests_ms=round(elapsed * 1e3, 1),
    )
    assert len(answers) == 10  # every one of them answered, without a retry
    assert stats["evicted"] >= IDLE - 256 + 1
    assert stats["peak_connections"] <= 256


@pytest.mark.parametrize("kind", ["thrift", "memcached"])
def test_32_clients_through_a_gateway_never_churn_upstream_connections(
    kind: str, engine_url: str, figures: Callable[..., None], caplog: pytest.LogCaptureFixture
) -> None:
    requests_each = 40
    with Proxy(port_of(engine_url)) as proxy:
        upstream = HttpUpstream(proxy.url)
        gateway = start_server(kind, upstream)
        index = f"churn-{kind}-{uuid.uuid4().hex[:8]}"
        endpoint = endpoint_of(kind, gateway.port)
        seed(endpoint, index)
        opened_before = proxy.accepted
        errors: list[str] = []
        start = threading.Barrier(32)

        def work(number: int) -> None:
            client = Client(number, endpoint, index)
            start.wait()
            for n in range(requests_each):
                try:
                    client.request(OPERATIONS[n % len(OPERATIONS)], n)
                except Exception as error:
                    errors.append(repr(error))
            client.handler.close_all()

        with caplog.at_level(logging.WARNING, logger="urllib3"):
            threads = [threading.Thread(target=work, args=(n,)) for n in range(32)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        opened = proxy.accepted - opened_before
        gateway.stop()
        upstream.close()
    pool_full = [r for r in caplog.records if "pool is full" in r.getMessage()]
    figures(
        f"upstream-churn[{kind}]",
        clients=32,
        requests=32 * requests_each,
        upstream_connections_opened=opened,
        pool_full_warnings=len(pool_full),
        errors=len(errors),
    )
    assert errors == []
    assert pool_full == []
    assert opened <= 32  # at most one per concurrent request, each kept and reused
