"""Measure candidate HTTP servers for the embedded engine, with the real elasticsearch-py client.

Why: the engine's HTTP server is chosen by measurement, not by reputation. Each candidate serves
the same trivial handler (a ``Request -> Response`` function, as the engine has) in a
subprocess of its own, so the client and the server do not share a GIL; this process then
drives it with ``Elasticsearch("http://127.0.0.1:PORT")`` (urllib3, keep-alive) and prints:

* median and p99 round-trip latency of sequential ``client.info()`` calls;
* requests/s of ``client.info()`` from 8 client threads sharing one client;
* requests/s from 8 client threads against a handler that sleeps 5 ms, i.e. whether slow
  requests run concurrently (1600/s is the ceiling; a server that runs the handler on its
  event loop gets 200/s);
* how many TCP connections the client opened in the sequential run (1 = keep-alive held);
* the median over ``http.client`` instead: the server's share, without elasticsearch-py's own
  ~0.15 ms of client-side work.

Everything runs on one machine: with 2 CPUs, client and server share them, and runs vary by
10-20 %; compare candidates within one run.

The candidate libraries are not dependencies of the project; run it as::

    uv run --with uvicorn --with httptools --with uvloop --with waitress --with cheroot \\
        --with aiohttp --with tornado --with hypercorn --with granian \\
        python bench/http_server.py [--requests 5000] [--only NAME ...]

A candidate whose library is missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

from djangoes_engine.http import Request, Response

INFO_BODY = (
    b'{"name":"bench","cluster_name":"bench","cluster_uuid":"x","version":{"number":"9.0.0",'
    b'"build_flavor":"default","lucene_version":"10.0.0"},"tagline":"You Know, for Search"}'
)
SLEEP_PATH = "/_bench/sleep"
SLEEP_SECONDS = 0.005
THREADS = 16  # worker threads on the server side, the same for every threaded candidate


def handler(request: Request) -> Response:
    """The engine stand-in: a tiny JSON answer, or a 5 ms sleep that releases the GIL."""
    if request.path == SLEEP_PATH:
        time.sleep(SLEEP_SECONDS)
        return Response(200, b"{}")
    return Response(200, INFO_BODY)


# --- adapters: the same handler behind each library's interface -------------------------------


def _asgi_app(inline: bool) -> Callable[..., Any]:
    pool = ThreadPoolExecutor(THREADS)

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        target = scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        request = Request.from_target(scope["method"], target, body, headers)
        if inline:
            response = handler(request)
        else:
            response = await asyncio.get_running_loop().run_in_executor(pool, handler, request)
        out = [(k.encode(), v.encode()) for k, v in response.all_headers().items()]
        out.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": out})
        await send({"type": "http.response.body", "body": response.body})

    return app


def wsgi_app(environ: dict, start_response: Callable) -> list[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    target = environ.get("PATH_INFO", "/")
    if environ.get("QUERY_STRING"):
        target += "?" + environ["QUERY_STRING"]
    headers = {k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
    response = handler(Request.from_target(environ["REQUEST_METHOD"], target, body, headers))
    out = list(response.all_headers().items())
    out.append(("Content-Length", str(len(response.body))))
    start_response(f"{response.status} OK", out)
    return [response.body]


# --- candidates: each blocks serving on 127.0.0.1:port -----------------------------------------


def serve_uvicorn(port: int, loop: str = "asyncio", inline: bool = False) -> None:
    import uvicorn

    config = uvicorn.Config(
        _asgi_app(inline),
        host="127.0.0.1",
        port=port,
        loop=loop,
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
    )
    uvicorn.Server(config).run()


def serve_waitress(port: int) -> None:
    import waitress

    waitress.serve(wsgi_app, host="127.0.0.1", port=port, threads=THREADS, _quiet=True)


def serve_cheroot(port: int) -> None:
    from cheroot import wsgi

    wsgi.Server(("127.0.0.1", port), wsgi_app, numthreads=THREADS).safe_start()


def serve_aiohttp(port: int) -> None:
    from aiohttp import web

    pool = ThreadPoolExecutor(THREADS)

    async def handle(http_request: web.BaseRequest) -> web.Response:
        body = await http_request.read()
        request = Request.from_target(
            http_request.method, http_request.raw_path, body, dict(http_request.headers)
        )
        response = await asyncio.get_running_loop().run_in_executor(pool, handler, request)
        return web.Response(
            status=response.status, body=response.body, headers=response.all_headers()
        )

    async def main() -> None:
        runner = web.ServerRunner(web.Server(handle), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


def serve_tornado(port: int) -> None:
    from tornado.httpserver import HTTPServer
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, ResponseStartLine
    from tornado.ioloop import IOLoop

    pool = ThreadPoolExecutor(THREADS)

    async def handle(http_request: HTTPServerRequest) -> None:
        request = Request.from_target(
            http_request.method, http_request.uri, http_request.body, dict(http_request.headers)
        )
        response = await asyncio.get_running_loop().run_in_executor(pool, handler, request)
        headers = response.all_headers()
        headers["Content-Length"] = str(len(response.body))
        http_request.connection.write_headers(
            ResponseStartLine("HTTP/1.1", response.status, "OK"),
            HTTPHeaders(headers),
            response.body,
        )
        http_request.connection.finish()

    def callback(http_request: HTTPServerRequest) -> None:
        IOLoop.current().add_future(asyncio.ensure_future(handle(http_request)), lambda f: None)

    async def main() -> None:
        HTTPServer(callback).listen(port, "127.0.0.1")
        await asyncio.Event().wait()

    asyncio.run(main())


def serve_hypercorn(port: int) -> None:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    asyncio.run(serve(_asgi_app(inline=False), config))


def serve_granian(port: int) -> None:
    # Granian runs the app in worker processes (MPServer); a single-process server (MTServer)
    # exists only for free-threaded builds. One worker is the closest to one process.
    from granian.constants import Interfaces
    from granian.server import MPServer

    MPServer(
        "http_server:wsgi_app",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=THREADS,
        log_level="warning",
        working_dir=Path(__file__).resolve().parent,
    ).serve()


def serve_stdlib(port: int) -> None:
    # Reference only: what a naive HTTP/1.1 server does (headers and body in two writes).
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            response = handler(Request.from_target("GET", self.path, body, dict(self.headers)))
            self.send_response(response.status)
            for key, value in response.all_headers().items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def serve_djangoes(port: int) -> None:
    from djangoes_engine.server import serve

    serve(handler, host="127.0.0.1", port=port)


CANDIDATES: dict[str, Callable[[int], None]] = {
    "djangoes server.py": serve_djangoes,
    "uvicorn+httptools, thread pool": serve_uvicorn,
    "uvicorn+httptools+uvloop, thread pool": lambda port: serve_uvicorn(port, loop="uvloop"),
    "uvicorn+httptools, inline (no concurrency)": lambda port: serve_uvicorn(port, inline=True),
    "waitress": serve_waitress,
    "cheroot": serve_cheroot,
    "aiohttp, thread pool": serve_aiohttp,
    "tornado, thread pool": serve_tornado,
    "hypercorn (h11), thread pool": serve_hypercorn,
    "granian WSGI (1 worker process)": serve_granian,
    "stdlib http.server (reference)": serve_stdlib,
}


# --- the client side ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def connections_opened(client: Any) -> int:
    return sum(node.pool.num_connections for node in client.transport.node_pool.all())


def sequential(client: Any, count: int) -> list[float]:
    """Round-trip times in milliseconds of ``count`` sequential ``info()`` calls."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        client.info()
        times.append((time.perf_counter() - start) * 1000)
    return times


def sequential_raw(port: int, count: int) -> list[float]:
    """Round-trip times in milliseconds over http.client: the server's share, less client."""
    connection = HTTPConnection("127.0.0.1", port)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", "/")
        connection.getresponse().read()
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    return times


def threaded(call: Callable[[], Any], threads: int, per_thread: int) -> float:
    """Requests per second of ``threads`` threads each making ``per_thread`` calls."""
    barrier = threading.Barrier(threads + 1)

    def work() -> None:
        barrier.wait()
        for _ in range(per_thread):
            call()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    for worker in workers:
        worker.join()
    return threads * per_thread / (time.perf_counter() - start)


def measure(port: int, requests: int) -> dict[str, float]:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(f"http://127.0.0.1:{port}")
    sequential(client, 200)  # warm up both sides
    times = sorted(sequential(client, requests))
    result = {
        "median_ms": statistics.median(times),
        "p99_ms": times[int(len(times) * 0.99) - 1],
        "connections": connections_opened(client),
    }
    result["raw_median_ms"] = statistics.median(sequential_raw(port, requests))
    result["rps_8"] = threaded(client.info, 8, max(requests // 8, 50))
    slow = client.options(request_timeout=30)
    result["rps_8_sleep"] = threaded(
        lambda: slow.perform_request("GET", SLEEP_PATH, headers={"accept": "application/json"}),
        8,
        100,
    )
    client.close()
    return result


def bare_info_median(requests: int, name: str = "djangoes server.py") -> float:
    """The median of sequential ``client.info()`` against a candidate serving the stand-in
    handler: the server's bare round trip, which bench/engine.py sets beside its match medians."""
    with _candidate(name) as port:
        from elasticsearch import Elasticsearch

        client = Elasticsearch(f"http://127.0.0.1:{port}")
        sequential(client, 200)
        median = statistics.median(sequential(client, requests))
        client.close()
        return median


@contextlib.contextmanager
def _candidate(name: str) -> Iterator[int]:
    """A candidate serving in a subprocess, for the block's duration: its port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve", name, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not wait_listening(port, process):
            raise RuntimeError(f"{name} did not start")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_candidate(name: str, requests: int) -> dict[str, float] | str:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve", name, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        if not wait_listening(port, process):
            process.kill()
            err = process.communicate()[1].decode(errors="replace").strip().splitlines()
            return "skipped: " + (err[-1] if err else "did not start")
        return measure(port, requests)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--only", nargs="*", help="candidate names (substrings) to run")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        CANDIDATES[args.serve](args.port)
        return
    names = [n for n in CANDIDATES if not args.only or any(o in n for o in args.only)]
    print(f"{args.requests} sequential client.info(); 8 client threads; {os.cpu_count()} CPUs")
    header = (
        f"{'candidate':44} {'median':>8} {'p99':>8} {'req/s x8':>9} {'5ms x8':>7} conns"
        f" {'raw median':>10}"
    )
    print(header)
    print("-" * len(header))
    for name in names:
        result = run_candidate(name, args.requests)
        if isinstance(result, str):
            print(f"{name:44} {result}")
            continue
        print(
            f"{name:44} {result['median_ms']:6.3f}ms {result['p99_ms']:6.3f}ms"
            f" {result['rps_8']:9.0f} {result['rps_8_sleep']:7.0f} {result['connections']:5d}"
            f" {result['raw_median_ms']:8.3f}ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
