"""The engine's HTTP server, driven by the real elasticsearch-py client and by raw sockets.

The handler here is a small echo function, so these tests need no engine: they check what the
server itself promises (keep-alive, concurrency, gzip, HEAD, chunked bodies, limits, errors).
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from elasticsearch import Elasticsearch

from djangoes_engine.cli import main as cli_main
from djangoes_engine.http import Request, Response
from djangoes_engine.server import MAX_CONTENT_LENGTH, ServerThread, start_in_thread

SMALL_LIMIT = 64 * 1024
slow_started = threading.Semaphore(0)


def echo(request: Request) -> Response:
    """Answer with what was received; ``/_slow`` sleeps first, ``/_boom`` fails."""
    if request.path == "/_slow":
        slow_started.release()
        time.sleep(float(request.params.get("seconds", "1")))
    if request.path == "/_boom":
        raise RuntimeError("boom")
    if request.path == "/_big":
        return Response(200, json.dumps({"text": "x" * 5000}).encode())
    body = {
        "method": request.method,
        "path": request.path,
        "params": request.params,
        "body": request.body.decode("utf-8", "replace"),
        "headers": request.headers,
        "version": {"number": "9.0.0"},  # enough of GET / for client.info()
    }
    return Response(200, json.dumps(body).encode())


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with start_in_thread(echo) as running:
        yield running


@pytest.fixture(scope="module")
def small_server() -> Iterator[ServerThread]:
    """A server whose body limit is small enough to exceed cheaply."""
    with start_in_thread(echo, max_content_length=SMALL_LIMIT) as running:
        yield running


@pytest.fixture
def client(server: ServerThread) -> Iterator[Elasticsearch]:
    es = Elasticsearch(server.url, request_timeout=30)
    yield es
    es.close()


def connections_opened(client: Elasticsearch) -> int:
    return sum(node.pool.num_connections for node in client.transport.node_pool.all())


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class RawConnection:
    """One TCP connection speaking HTTP/1.1 by hand, to send what no client library would."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.file = self.sock.makefile("rb")

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def request(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        head: bool = False,
    ) -> RawResponse:
        lines = [f"{method} {target} HTTP/1.1", "Host: test"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        return self.read_response(head=head)

    def read_response(self, head: bool = False) -> RawResponse:
        status_line = self.file.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        headers = {}
        while (line := self.file.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head else int(headers.get("content-length", "0"))
        return RawResponse(int(status_line.split()[1]), headers, self.file.read(length))


@pytest.fixture
def raw(server: ServerThread) -> Iterator[RawConnection]:
    connection = RawConnection(server.port)
    yield connection
    connection.close()


def assert_es_error(response: RawResponse, status: int) -> dict:
    assert response.status == status
    assert response.headers["x-elastic-product"] == "Elasticsearch"
    body = response.json()
    assert body["status"] == status
    assert body["error"]["type"] == body["error"]["root_cause"][0]["type"]
    assert body["error"]["reason"]
    return body["error"]


# --- the client's view -------------------------------------------------------------------------


def test_binds_loopback_and_a_free_port(server: ServerThread) -> None:
    assert server.host == "127.0.0.1"
    assert server.port != 0
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_elasticsearch_client_sees_the_product_header(client: Elasticsearch) -> None:
    response = client.info()  # elasticsearch-py refuses a server without the header
    assert response.meta.status == 200
    assert response.meta.headers["x-elastic-product"] == "Elasticsearch"
    assert response.meta.headers["content-type"] == "application/json"


def test_request_reaches_the_handler_as_sent(client: Elasticsearch) -> None:
    response = client.perform_request(
        "PUT",
        "/my-index/_doc/a%2Fb",
        params={"refresh": "true"},
        body={"title": "héllo"},
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    echoed = response.body
    assert echoed["method"] == "PUT"
    assert echoed["path"] == "/my-index/_doc/a%2Fb"  # still percent-encoded
    assert echoed["params"] == {"refresh": "true"}
    assert json.loads(echoed["body"]) == {"title": "héllo"}
    assert "json" in echoed["headers"]["content-type"]


def test_keep_alive_reuses_one_connection(client: Elasticsearch) -> None:
    for _ in range(50):
        client.info()
    assert connections_opened(client) == 1


def test_keep_alive_on_a_raw_connection(raw: RawConnection) -> None:
    for number in range(5):
        response = raw.request("GET", f"/n/{number}")
        assert response.status == 200
        assert response.json()["path"] == f"/n/{number}"


def test_response_bytes_on_the_wire(server: ServerThread) -> None:
    """The status line, headers and body as sent (written at once since issue 18), twice on one
    connection: what a client parses must not change with how the server writes it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        for number in range(2):
            sock.sendall(f"GET /w/{number} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            expected = echo(Request.from_target("GET", f"/w/{number}", b"", {"Host": "test"}))
            while len(body) < len(expected.body):
                body += sock.recv(65536)
            assert head.split(b"\r\n") == [
                b"HTTP/1.1 200 OK",
                b"x-elastic-product: Elasticsearch",
                b"content-type: application/json",
                b"content-length: " + str(len(expected.body)).encode(),
            ]
            assert body == expected.body


def test_no_nagle_stall(client: Elasticsearch) -> None:
    """A server that writes headers and body apart without TCP_NODELAY takes 40 ms a request."""
    times = []
    for _ in range(30):
        start = time.perf_counter()
        client.perform_request(
            "POST", "/i/_search", body={"query": {"match_all": {}}},
            headers={"content-type": "application/json", "accept": "application/json"},
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.02


def test_slow_requests_do_not_stall_fast_ones(client: Elasticsearch) -> None:
    slow_count = 4
    slow_done: list[float] = []

    def slow() -> None:
        client.perform_request(
            "GET", "/_slow", params={"seconds": "1.5"}, headers={"accept": "application/json"}
        )
        slow_done.append(time.monotonic())

    threads = [threading.Thread(target=slow) for _ in range(slow_count)]
    for thread in threads:
        thread.start()
    for _ in range(slow_count):
        assert slow_started.acquire(timeout=10)  # every slow request is inside the handler
    start = time.monotonic()
    for _ in range(20):
        client.info()
    fast_elapsed = time.monotonic() - start
    for thread in threads:
        thread.join()
    assert fast_elapsed < 0.5
    assert not slow_done or min(slow_done) > start + fast_elapsed
    assert len(slow_done) == slow_count


def test_gzip_request_body_from_the_client(server: ServerThread) -> None:
    es = Elasticsearch(server.url, http_compress=True)
    try:
        document = {"text": "compressible " * 1000}
        response = es.perform_request(
            "POST", "/i/_doc", body=document,
            headers={"content-type": "application/json", "accept": "application/json"},
        )  # fmt: skip
        assert json.loads(response.body["body"]) == document
        assert "content-encoding" not in response.body["headers"]
    finally:
        es.close()


def test_gzip_request_body_raw(raw: RawConnection) -> None:
    response = raw.request(
        "POST", "/i/_doc", gzip.compress(b'{"a": 1}'), {"Content-Encoding": "gzip"}
    )
    assert response.status == 200
    assert response.json()["body"] == '{"a": 1}'


def test_invalid_gzip_body_is_a_400(raw: RawConnection) -> None:
    response = raw.request("POST", "/i/_doc", b"not gzip", {"Content-Encoding": "gzip"})
    assert_es_error(response, 400)
    assert raw.request("GET", "/after").status == 200


def test_response_gzipped_only_when_asked_and_worth_it(raw: RawConnection) -> None:
    plain = raw.request("GET", "/_big")
    assert "content-encoding" not in plain.headers
    zipped = raw.request("GET", "/_big", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) == len(zipped.body) < len(plain.body)
    assert gzip.decompress(zipped.body) == plain.body
    refused = raw.request("GET", "/_big", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    small = raw.request("GET", "/small", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_client_reads_gzipped_responses(server: ServerThread) -> None:
    es = Elasticsearch(server.url, http_compress=True)
    try:
        response = es.perform_request("GET", "/_big", headers={"accept": "application/json"})
        assert response.meta.headers["content-encoding"] == "gzip"
        assert response.body == {"text": "x" * 5000}
    finally:
        es.close()


def test_head_has_get_headers_and_no_body(raw: RawConnection, client: Elasticsearch) -> None:
    get = raw.request("GET", "/_big")
    head = raw.request("HEAD", "/_big", head=True)
    assert head.status == 200
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["x-elastic-product"] == "Elasticsearch"
    # No stray body bytes: the next response on the connection parses cleanly.
    assert raw.request("GET", "/next").json()["path"] == "/next"
    assert client.indices.exists(index="anything")


def test_chunked_request_body(raw: RawConnection) -> None:
    chunks = [b'{"text": ', b'"chunked', b' body"}']
    raw.send(
        b"POST /i/_doc HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
        + b"0\r\n\r\n"
    )
    response = raw.read_response()
    assert response.status == 200
    assert response.json()["body"] == '{"text": "chunked body"}'


def test_malformed_request_does_not_kill_the_server(
    server: ServerThread, client: Elasticsearch
) -> None:
    bad = RawConnection(server.port)
    try:
        bad.send(b"THIS IS NOT HTTP\r\n\r\n")
        assert bad.read_response().status == 400
    finally:
        bad.close()
    garbage = socket.create_connection(("127.0.0.1", server.port))
    garbage.sendall(b"\x00\xff" * 100)
    garbage.close()
    good = RawConnection(server.port)
    try:
        assert good.request("GET", "/fine").status == 200
    finally:
        good.close()
    assert client.info().meta.status == 200


def test_handler_error_is_a_500_in_elasticsearch_shape(raw: RawConnection) -> None:
    error = assert_es_error(raw.request("GET", "/_boom"), 500)
    assert "boom" in error["reason"]
    assert raw.request("GET", "/after").status == 200


def test_declared_oversized_body_is_a_413(raw: RawConnection) -> None:
    raw.send(
        b"POST /_bulk HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
        b"Content-Length: %d\r\n\r\n" % (MAX_CONTENT_LENGTH + 1)
    )
    error = assert_es_error(raw.read_response(), 413)
    assert str(MAX_CONTENT_LENGTH) in error["reason"]


def test_oversized_chunked_body_is_a_413_and_the_connection_lives(
    small_server: ServerThread,
) -> None:
    raw = RawConnection(small_server.port)
    try:
        chunk = b"x" * 8192
        raw.send(b"POST /_bulk HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(2 * SMALL_LIMIT // len(chunk)):
            raw.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        raw.send(b"0\r\n\r\n")
        assert_es_error(raw.read_response(), 413)
        assert raw.request("GET", "/after").status == 200
    finally:
        raw.close()


def test_oversized_body_from_the_client_is_a_413(small_server: ServerThread) -> None:
    from elasticsearch import ApiError

    es = Elasticsearch(small_server.url)
    try:
        with pytest.raises(ApiError) as raised:
            es.perform_request(
                "POST", "/_bulk", body="x" * (SMALL_LIMIT + 1),
                headers={"content-type": "application/json", "accept": "application/json"},
            )  # fmt: skip
        assert raised.value.meta.status == 413
        assert es.info().meta.status == 200
    finally:
        es.close()


def test_gzip_bomb_is_a_413(small_server: ServerThread) -> None:
    raw = RawConnection(small_server.port)
    try:
        bomb = gzip.compress(b"0" * (4 * SMALL_LIMIT))
        assert len(bomb) < SMALL_LIMIT
        response = raw.request("POST", "/_bulk", bomb, {"Content-Encoding": "gzip"})
        assert_es_error(response, 413)
    finally:
        raw.close()


def test_stop_waits_for_running_requests() -> None:
    running = start_in_thread(echo)
    es = Elasticsearch(running.url)
    results: list[int] = []
    thread = threading.Thread(
        target=lambda: results.append(
            es.perform_request(
                "GET", "/_slow", params={"seconds": "0.5"}, headers={"accept": "application/json"}
            ).meta.status
        )
    )
    thread.start()
    assert slow_started.acquire(timeout=10)
    running.stop()
    thread.join()
    es.close()
    assert results == [200]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=1)


# --- serve() and the command line -------------------------------------------------------------

SERVE_SCRIPT = textwrap.dedent(
    """
    import sys
    from djangoes_engine.http import Response
    from djangoes_engine.server import serve

    serve(
        lambda request: Response(200, b'{"version": {"number": "9.0.0"}}'),
        port=0,
        ready=lambda server: print(server.url, flush=True),
    )
    print("stopped", flush=True)
    """
)


def wait_for_line(process: subprocess.Popen, timeout: float = 60) -> str:
    """The first line the process prints, or fail (with its stderr) if it dies first."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()))
    reader.start()
    reader.join(timeout)
    if not lines or not lines[0]:
        process.kill()
        pytest.fail(f"no line from the server; stderr: {process.communicate()[1]}")
    return lines[0].strip()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly_on_signal(signum: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = wait_for_line(process)
    assert url.startswith("http://127.0.0.1:")
    es = Elasticsearch(url)
    assert es.info()["version"]["number"] == "9.0.0"
    es.close()
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.strip() == "stopped"
    assert "Traceback" not in err


def test_cli_help_documents_serve(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main(["--help"])
    assert exited.value.code == 0
    assert "serve" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli_main(["serve", "--help"])
    usage = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--data",
        "--threads",
        "--max-content-length",
        "--max-connections",
        "--idle-timeout",
        "--read-timeout",
    ):
        assert option in usage


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "djangoes_engine.cli", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.slow
def test_cli_serves_the_engine_until_sigterm() -> None:
    process = start_cli()
    line = wait_for_line(process)
    prefix = "djangoes-embedded listening on "
    assert line.startswith(prefix + "http://127.0.0.1:")
    url = line.removeprefix(prefix)
    es = Elasticsearch(url)
    try:
        assert es.info().meta.headers["x-elastic-product"] == "Elasticsearch"
    finally:
        es.close()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err


@pytest.mark.slow
def test_cli_refuses_a_data_directory_in_use(tmp_path: object) -> None:
    first = start_cli("--data", str(tmp_path))
    try:
        wait_for_line(first)
        second = start_cli("--data", str(tmp_path))
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1
        assert err.strip()
        assert "Traceback" not in err
        assert "listening" not in out
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
