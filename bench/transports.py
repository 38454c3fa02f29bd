"""Requests per second through each transport, against the same engine.

One engine (``djangoes-embedded serve``) runs in a subprocess with an index of 1,000 small
documents; the thrift and memcached gateways run in their own subprocesses in front of its
HTTP server. Each transport then makes sequential calls from one thread: a get by id, and a
small search (a match query, ten hits). ``embedded`` is the same engine in this process,
holding the same documents, with no network at all.

Each figure is the median of ``--rounds`` rounds of ``--seconds`` seconds.

    .venv/bin/python bench/transports.py [--seconds 2] [--rounds 3] [--only http,thrift]
"""

from __future__ import annotations

import argparse
import itertools
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from djangoes import ConnectionHandler

TRANSPORTS = ["http", "requests", "thrift", "memcached", "embedded"]
WORDS = ["snow", "crash", "neuromancer", "diamond", "age", "cryptonomicon", "anathem", "reamde"]
INDICES = {"books": {"NAME": "bench-books"}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{process.args} is not listening on {port}")


def script(name: str) -> str:
    """A console script of the environment this benchmark runs in."""
    return str(Path(sys.executable).with_name(name))


@contextmanager
def running(command: list[str], port: int) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield
    finally:
        process.terminate()
        process.wait(10)


def servers(stack: ExitStack, only: list[str]) -> dict[str, dict[str, Any]]:
    """Start the engine and the gateways; the ``ES_SERVERS`` entry of each transport."""
    engine_port = free_port()
    stack.enter_context(
        running(
            [script("djangoes-embedded"), "serve", "--port", str(engine_port)],
            engine_port,
        )
    )
    url = f"http://127.0.0.1:{engine_port}"
    entries: dict[str, dict[str, Any]] = {
        "http": {"ENGINE": "http", "HOSTS": [url]},
        "requests": {"ENGINE": "requests", "HOSTS": [url]},
        "embedded": {"ENGINE": "embedded"},
    }
    for name in ("thrift", "memcached"):
        if name not in only:
            continue
        port = free_port()
        gateway = [script(f"djangoes-{name}-gateway"), "--listen", f"127.0.0.1:{port}"]
        stack.enter_context(running([*gateway, "--upstream", url], port))
        entries[name] = {"ENGINE": name, "HOSTS": [f"http://127.0.0.1:{port}"]}
    return {name: entries[name] for name in only}


def load(connection: Any, documents: int) -> None:
    rng = random.Random(7)
    lines: list[dict[str, Any]] = []
    for number in range(documents):
        lines.append({"index": {"_id": str(number)}})
        lines.append({"title": " ".join(rng.choices(WORDS, k=4)), "year": 1950 + number % 70})
    connection.client.indices.create(index="bench-books")
    connection.bulk(operations=lines, refresh=True)


def rate(call: Callable[[], Any], seconds: float, rounds: int) -> float:
    """Median calls per second over ``rounds`` rounds of ``seconds`` each."""
    for _ in range(100):
        call()
    rates = []
    for _ in range(rounds):
        calls = 0
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            for _ in range(20):
                call()
            calls += 20
        rates.append(calls / (time.perf_counter() - started))
    return statistics.median(rates)


def measure(connection: Any, args: argparse.Namespace) -> tuple[float, float]:
    """Gets by id (cycling over the documents) and small searches per second."""
    ids = itertools.cycle([str(number) for number in range(args.documents)])
    get = rate(lambda: connection.get(id=next(ids)), args.seconds, args.rounds)
    search = rate(
        lambda: connection.search(query={"match": {"title": "snow"}}, size=10),
        args.seconds,
        args.rounds,
    )
    return get, search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--only", default=",".join(TRANSPORTS))
    args = parser.parse_args()
    only = [name for name in args.only.split(",") if name]

    with ExitStack() as stack:
        entries = servers(stack, only)
        entries["default"] = entries[only[0]]  # a handler needs one; any will do
        handler = ConnectionHandler(
            servers={name: {**entry, "INDICES": ["books"]} for name, entry in entries.items()},
            indices=INDICES,
        )
        stack.callback(handler.close_all)
        load(handler[only[0]], args.documents)
        if "embedded" in only and only[0] != "embedded":
            load(handler["embedded"], args.documents)

        print(f"{'transport':<10} {'get by id':>12} {'search':>12}   (requests per second)")
        for name in only:
            get, search = measure(handler[name], args)
            print(f"{name:<10} {get:>12,.0f} {search:>12,.0f}")


if __name__ == "__main__":
    main()
