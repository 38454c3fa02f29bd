"""The latency of an authenticated client while 200 connections flood the server with wrong
passwords (docs/embedded.md, "Running beyond loopback").

Why: a server that checks passwords slowly on purpose (scrypt) and delays its refusals must not
let a guesser take the threads its users' requests run in. The engine's server
(``djangoes-embedded serve --users FILE``, in a subprocess of its own) is asked ``_search`` by
elasticsearch-py with right credentials, sequentially, first alone, then while
``tests/security/flood.py`` keeps 200 connections sending wrong passwords (8 different ones);
the median and p99 latency of each run are printed, with the flood's refusals.

    .venv/bin/python bench/auth_flood.py [--requests 500] [--connections 200]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from elasticsearch import Elasticsearch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the flood is the test's: tests/security/flood.py

from tests.security.flood import Flood  # noqa: E402

USER, PASSWORD = "bench", "bench-password-1234"


def latencies(client: Elasticsearch, requests: int) -> list[float]:
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.search(index="posts", query={"match": {"title": "bench"}})
        timings.append(time.perf_counter() - started)
    return timings


def show(label: str, timings: list[float]) -> None:
    median = statistics.median(timings) * 1000
    p99 = statistics.quantiles(timings, n=100)[98] * 1000
    print(f"{label:<28} median {median:6.2f} ms   p99 {p99:7.2f} ms   ({len(timings)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--connections", type=int, default=200)
    args = parser.parse_args()
    command = [sys.executable, "-m", "djangoes_engine.cli"]
    with tempfile.TemporaryDirectory() as directory:
        users = Path(directory) / "users"
        subprocess.run(
            [*command, "users", "add", USER, "--file", str(users), "--password-stdin"],
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
        )
        server = subprocess.Popen(
            [*command, "serve", "--port", "0", "--users", str(users)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            url = server.stdout.readline().strip().rpartition(" ")[2]  # type: ignore[union-attr]
            client = Elasticsearch(url, basic_auth=(USER, PASSWORD), request_timeout=60)
            client.index(index="posts", id="1", document={"title": "bench"}, refresh=True)
            latencies(client, 50)  # warm up: the password is checked once, then remembered
            show("alone", latencies(client, args.requests))
            port = int(url.rpartition(":")[2])
            with Flood("127.0.0.1", port, USER, connections=args.connections) as flood:
                while flood.answered() == 0:
                    time.sleep(0.05)
                show(
                    f"during a {args.connections}-connection flood",
                    latencies(client, args.requests),
                )
                refused = flood.answered()
            print(f"the flood was refused {refused} times meanwhile (401, delayed)")
        finally:
            server.terminate()
            server.wait(60)


if __name__ == "__main__":
    main()
