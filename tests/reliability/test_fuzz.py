"""Bad input to the servers the project ships: the engine's HTTP server and both gateways.

Each server gets at least 10,000 malformed requests over many sockets at once, in rounds
that hypothesis drives (``fuzzcases``, from the ``random.Random`` of ``st.randoms()``;
derandomized, so every run is the same, and a failing round is reported as its example).
Well-framed requests with a bad body, method, path or parameters are pipelined, many to a
connection, and every answer is read and checked: one answer per request, nothing garbled,
never a 5xx, every error in Elasticsearch's JSON shape. The others (broken framing, garbage,
mutations) go one to a connection. Documents are indexed before and between the rounds; at
the end the server must still answer correctly and every acknowledged document must be
there, as written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from djangoes import ConnectionHandler
from djangoes_engine import Engine, Request
from djangoes_engine.server import start_in_thread

from ..embedded.servers import serve
from .conftest import GATEWAYS
from .fuzzcases import Case, HttpCases, gateway_cases, http_request
from .netfaults import Proxy, close_socket, port_of

pytestmark = pytest.mark.slow

CASES = 10_500
ROUNDS = 10
PER_ROUND = CASES // ROUNDS
PIPELINE = 25
SOCKETS = 16
#: A request to end a pipelined batch: its answer closes the connection.
SENTINEL = http_request("GET", "/", close=True)


#: The 500s Elasticsearch itself answers to bad input, which the engine answers alike.
ELASTICSEARCH_500S = (
    # RestTable: a _cat `s` naming no column is an UnsupportedOperationException
    b'"type":"unsupported_operation_exception","reason":"Unable to sort by unknown sort key',
)


def elasticsearch_own_500(body: bytes) -> bool:
    return any(known in body for known in ELASTICSEARCH_500S)


@dataclass
class Tally:
    """What the server answered, over a whole run."""

    outcomes: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    non_json_errors: list[str] = field(default_factory=list)
    garbled: list[str] = field(default_factory=list)
    unanswered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, case: Case, status: int | str, body: bytes = b"") -> None:
        with self.lock:
            self.kinds[case.kind] += 1
            kind = status if isinstance(status, str) else f"{status // 100}xx"
            self.outcomes[kind] += 1
            if isinstance(status, int) and status >= 500 and not elasticsearch_own_500(body):
                self.server_errors.append(
                    f"{status} {case.kind}: {case.data[:200]!r} -> {body[:300]!r}"
                )


def parse_responses(data: bytes, methods: list[str]) -> tuple[list[tuple[int, bytes]], bytes]:
    """The HTTP responses at the start of ``data`` to requests of ``methods``; what is left."""
    responses: list[tuple[int, bytes]] = []
    position = 0
    for method in methods:
        end = data.find(b"\r\n\r\n", position)
        if end < 0:
            break
        lines = data[position:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])
        }
        # (An answer to a request the parser refused has a body, whatever its method.)
        refused = headers.get("connection", "").lower() == "close" and status == 400
        bodiless = (method == "HEAD" and not refused) or status in (204, 304) or status < 200
        length = 0 if bodiless else int(headers.get("content-length", "0"))
        body = data[end + 4 : end + 4 + length]
        if len(body) < length:
            break
        responses.append((status, body))
        position = end + 4 + length
        if headers.get("connection", "").lower() == "close":
            break
    return responses, data[position:]


def receive(sock: socket.socket, deadline: float, enough: Any = None) -> bytes:
    """Read until the peer closes, ``deadline`` passes or ``enough(data)`` says so."""
    data = b""
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        if enough is not None and enough(data):
            break
    return data


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def run_pipelined(port: int, batch: list[Case], tally: Tally) -> None:
    """Well-framed cases on one connection, then the sentinel: each answer checked."""
    sock = connect(port)
    try:
        sock.sendall(b"".join(case.data for case in batch) + SENTINEL)
        data = receive(sock, time.monotonic() + 30)
    finally:
        close_socket(sock)
    responses, rest = parse_responses(data, [case.method for case in batch] + ["GET"])
    for case, (status, body) in zip(batch, responses, strict=False):
        tally.answer(case, status, body)
        filtered = b"filter_path=" in case.data.split(b"\r\n", 1)[0]
        if (
            status >= 400
            and case.method != "HEAD"
            and not filtered
            and not is_es_error(body, status)
        ):
            tally.non_json_errors.append(f"{status} {case.data[:200]!r} -> {body[:200]!r}")
    with tally.lock:
        if rest:
            tally.garbled.append(f"{rest[:200]!r} after {len(responses)} answers")
        if len(responses) < len(batch) + 1:
            tally.unanswered += len(batch) + 1 - len(responses)


def is_es_error(body: bytes, status: int) -> bool:
    """Whether ``body`` is an error as Elasticsearch gives it (a missing document: found; a
    missing legacy template or pipeline: an empty object)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and (
        "error" in parsed or (status == 404 and ("found" in parsed or parsed == {}))
    )


def run_single(port: int, case: Case, tally: Tally) -> None:
    """One case on its own connection: sent, then (if unanswered) the write side shut."""
    sock = connect(port)

    def answered(data: bytes) -> bool:
        return bool(parse_responses(data, [case.method])[0])

    try:
        with contextlib.suppress(OSError):  # the server gave up before it was all sent
            sock.sendall(case.data)
        data = receive(sock, time.monotonic() + 0.3, answered)
        if not answered(data):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
            data += receive(sock, time.monotonic() + 5, answered)
    finally:
        close_socket(sock)
    responses = parse_responses(data, [case.method])[0]
    if responses:
        tally.answer(case, *responses[0])
    else:
        tally.answer(case, "closed" if data == b"" else "unparsed")


def run_raw(port: int, case: Case, tally: Tally) -> None:
    """One case of any protocol on its own connection: sent, the write side shut, then read
    until the server closes (it must: nothing more will come)."""
    sock = connect(port)
    deadline = time.monotonic() + 10
    try:
        with contextlib.suppress(OSError):  # the server gave up before it was all sent
            sock.sendall(case.data)
            sock.shutdown(socket.SHUT_WR)
        data = receive(sock, deadline)
    finally:
        close_socket(sock)
    closed = time.monotonic() < deadline
    tally.answer(case, ("answered" if data else "closed") if closed else "left open")


def fuzz_rounds(run_round: Any) -> None:
    """``run_round(rng)`` for ``ROUNDS`` rounds, each from a ``random.Random`` hypothesis seeds.

    Derandomized (the same rounds every run) and without a database, as a CI test must be.
    The Random is hypothesis' seeded one (``use_true_random``): a round makes thousands of
    choices, more than hypothesis' own choice sequence holds.
    """

    @settings(
        max_examples=ROUNDS,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.randoms(use_true_random=True))
    def rounds(rng: Any) -> None:
        run_round(rng)

    rounds()


def run_cases(port: int, cases: list[Case], tally: Tally, executor: ThreadPoolExecutor) -> None:
    pipelined = [c for c in cases if c.pipelined]
    batches = [pipelined[i : i + PIPELINE] for i in range(0, len(pipelined), PIPELINE)]
    futures = [executor.submit(run_pipelined, port, batch, tally) for batch in batches]
    futures += [executor.submit(run_single, port, c, tally) for c in cases if not c.pipelined]
    for future in futures:
        future.result()


class Canary:
    """Documents written through a real client before and between the batches; each one
    acknowledged is remembered, to be found again at the end."""

    def __init__(self, write: Any, read: Any) -> None:
        self.write, self.read = write, read
        self.acknowledged: dict[str, dict[str, Any]] = {}

    def feed(self, step: int, count: int = 30) -> None:
        for n in range(count):
            doc_id = f"{step}-{n}"
            document = {"step": step, "n": n, "text": f"canary {step} {n}"}
            if self.write(doc_id, document)["result"] in ("created", "updated"):
                self.acknowledged[doc_id] = document

    def missing(self) -> list[str]:
        return [
            doc_id
            for doc_id, document in self.acknowledged.items()
            if self.read(doc_id) != document
        ]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, Path]]:
    """A server of its own (``djangoes-embedded serve``), its error output kept in a file."""
    log = tmp_path_factory.mktemp("fuzz") / "stderr.log"
    with log.open("w") as stderr:
        process, url = serve(stderr=stderr)
        yield process, url, log
        process.terminate()
        process.wait(30)


def test_fuzz_the_engine_http_server(fuzz_server: tuple[Any, str, Path], figures: Any) -> None:
    process, url, log = fuzz_server
    port = port_of(url)
    es = Elasticsearch(url)
    canary = Canary(
        lambda i, d: es.index(index="acked-docs", id=i, document=d),
        lambda i: es.get(index="acked-docs", id=i)["_source"],
    )
    cases: list[Case] = []
    tally = Tally()
    started = time.monotonic()
    canary.feed(-1)
    with ThreadPoolExecutor(SOCKETS) as executor:

        def run_round(rng: Any) -> None:
            batch = HttpCases(rng).cases(PER_ROUND)
            cases.extend(batch)
            run_cases(port, batch, tally, executor)
            canary.feed(len(cases))
            assert tally.server_errors == [] and tally.garbled == []

        fuzz_rounds(run_round)
    elapsed = time.monotonic() - started
    alive = process.poll() is None
    info = es.info()
    missing = canary.missing()
    es.indices.refresh(index="acked-docs")
    counted = es.count(index="acked-docs")["count"]
    es.close()
    logged = log.read_text()
    figures(
        "fuzz[engine-http]",
        generator="hypothesis, derandomized",
        cases=len(cases),
        pipelined=sum(c.pipelined for c in cases),
        one_per_connection=sum(not c.pipelined for c in cases),
        seconds=round(elapsed, 1),
        outcomes=dict(tally.outcomes),
        kinds=dict(tally.kinds),
        server_errors=len(tally.server_errors),
        non_json_errors=len(tally.non_json_errors),
        garbled=len(tally.garbled),
        unanswered_in_pipelines=tally.unanswered,
        acknowledged_documents=len(canary.acknowledged),
        missing_documents=len(missing),
        tracebacks_logged=logged.count("Traceback"),
    )
    assert len(cases) >= 10_000
    assert alive
    assert info["tagline"] == "You Know, for Search"
    assert missing == []
    assert counted == len(canary.acknowledged)
    assert tally.garbled == []
    assert tally.server_errors == []
    assert tally.non_json_errors == []
    assert tally.unanswered == 0
    assert "Traceback" not in logged


@pytest.mark.parametrize("transport_endpoint", GATEWAYS, indirect=True)
def test_fuzz_a_gateway(
    transport_endpoint: dict[str, Any],
    transport_name: str,
    prefix: str,
    figures: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The gateway's own clients' traffic, recorded, then damaged and replayed raw."""
    host = transport_endpoint["HOSTS"][0]
    index = prefix + "acked"
    handler = ConnectionHandler(servers={"default": transport_endpoint}, indices={})
    connection = handler["default"]
    seeds = record_traffic(transport_endpoint, prefix)
    canary = Canary(
        lambda i, d: connection.index(index=index, id=i, document=d),
        lambda i: connection.get(index=index, id=i)["_source"],
    )
    cases: list[Case] = []
    tally = Tally()
    threads_before = threading.active_count()
    started = time.monotonic()
    canary.feed(-1)
    with ThreadPoolExecutor(SOCKETS) as executor:

        def run_round(rng: Any) -> None:
            batch = gateway_cases(rng, seeds, PER_ROUND)
            cases.extend(batch)
            futures = [executor.submit(run_raw, port_of(host), c, tally) for c in batch]
            for future in futures:
                future.result()
            canary.feed(len(cases))

        fuzz_rounds(run_round)
    elapsed = time.monotonic() - started
    info = connection.info()
    missing = canary.missing()
    handler.close_all()
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    figures(
        f"fuzz[{transport_name}]",
        generator="hypothesis, derandomized",
        cases=len(cases),
        recorded_seeds=len(seeds),
        seconds=round(elapsed, 1),
        outcomes=dict(tally.outcomes),
        kinds=dict(tally.kinds),
        acknowledged_documents=len(canary.acknowledged),
        missing_documents=len(missing),
        threads_before=threads_before,
        threads_after=threading.active_count(),
        tracebacks_logged=len(tracebacks),
    )
    assert tracebacks == []  # bad input is the client's error, never an exception in the gateway
    assert len(cases) >= 10_000
    assert info["tagline"] == "You Know, for Search"
    assert missing == []
    assert tally.outcomes["left open"] == 0  # the gateway closed every connection it was done with


def record_traffic(endpoint: dict[str, Any], prefix: str) -> list[bytes]:
    """What a real client of the gateway sends for a range of requests: one connection each."""
    host = endpoint["HOSTS"][0]
    seeds: list[bytes] = []
    calls = [
        lambda c: c.info(),
        lambda c: c.index(index="fz-1", id="1", document={"title": "fuzz", "n": 1}),
        lambda c: c.get(index="fz-1", id="1"),
        lambda c: c.search(index="fz-1", query={"match": {"title": "fuzz"}}, size=3),
        lambda c: c.count(index="fz-1"),
        lambda c: c.bulk(operations=[{"index": {"_index": "fz-2", "_id": "b"}}, {"x": 1}]),
        lambda c: c.mget(index="fz-1", ids=["1", "2"]),
        lambda c: c.exists(index="fz-1", id="1"),
        lambda c: c.indices.refresh(index="fz-1"),
        lambda c: c.update(index="fz-1", id="1", doc={"n": 2}),
        lambda c: c.msearch(searches=[{"index": "fz-1"}, {"query": {"match_all": {}}}]),
    ]
    for call in calls:
        with Proxy(port_of(host), record=True) as proxy:
            handler = ConnectionHandler(
                servers={"default": {**endpoint, "HOSTS": [proxy.url]}}, indices={}
            )
            call(handler["default"].client)
            handler.close_all()
            seeds += [bytes(stream) for stream in proxy.recorded if stream]
    return seeds


def test_a_client_that_half_closes_is_no_server_error(caplog: pytest.LogCaptureFixture) -> None:
    """A client may shut its side once its requests are sent. uvloop then closes the
    connection, and the server used to fail on answering there: a traceback ("Exception in
    ASGI application") each time. (uvicorn still notes, in one line, pipelined requests
    it could not answer.)"""
    engine = Engine()
    server = start_in_thread(engine.handle, "127.0.0.1", 0)
    requests = http_request("GET", "/") + http_request("PUT", "/half/_doc/1", b'{"a": 1}')
    try:
        with caplog.at_level(logging.INFO):
            for _ in range(20):
                sock = connect(server.port)
                sock.sendall(requests)
                sock.shutdown(socket.SHUT_WR)
                receive(sock, time.monotonic() + 5)
                close_socket(sock)
            time.sleep(1.5)
    finally:
        server.stop()
        engine.close()
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    assert tracebacks == []


#: What the first fuzz runs found answered with a 500 (an exception inside the engine), and
#: what Elasticsearch answers instead: (method, path, body, status, error type).
FOUND_BY_FUZZING = [
    ("POST", "/found/_search", b"[" * 100_000, 400, "x_content_parse_exception"),
    ("PUT", "/found/_doc/1", b'{"a": ' + b"[" * 100_000, 400, "document_parsing_exception"),
    ("PUT", "/found/_doc/2", b'{"v": 1.5}', 201, None),
    ("PUT", "/found/_doc/3", b'{"v": 1.5e308}', 400, "document_parsing_exception"),
    ("POST", "/found/_search", b'{"qu\\ud800ery": 1}', 400, "parsing_exception"),
    ("PUT", "/found/_mapping", b'{"properties": [["x"]]}', 400, "mapper_parsing_exception"),
    ("POST", "/found/_search", b'{"fields": -1}', 400, "parsing_exception"),
    ("POST", "/found/_search", b'{"fields": [[], 1]}', 400, "parsing_exception"),
    ("POST", "/found/_search", b'{"highlight": []}', 400, "parsing_exception"),
    ("POST", "/_msearch", b"1\n{}\n", 200, "parsing_exception"),
    ("POST", "/_msearch", b'{}\n"q"\n', 200, "parsing_exception"),
    ("POST", "/_msearch", b'{}\n{"query": {"match": {"t": "\xff"}}}\n', 200, "x_content_parse"),
]


def test_what_fuzzing_found_is_a_client_error() -> None:
    """Nesting deeper than Python's stack, a float beyond float's range, a lone surrogate in
    an error message, msearch lines that are not objects or not UTF-8, mappings, fields and
    highlights of the wrong shape: each was a 500."""
    engine = Engine()
    try:
        for method, path, body, status, error in FOUND_BY_FUZZING:
            content_type = "application/x-ndjson" if "msearch" in path else "application/json"
            request = Request.from_target(method, path, body, {"content-type": content_type})
            response = engine.handle(request)
            assert response.status == status, (path, body[:40], response.body[:300])
            answer = json.loads(response.body)
            if error is not None:
                errors = [item["error"] for item in answer.get("responses", [answer])]
                assert all(e["type"].startswith(error) for e in errors), answer
    finally:
        engine.close()
