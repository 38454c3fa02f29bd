"""The HTTP hop with the CPUs kept awake: how much of a search over HTTP is the machine waking.

bench/engine.py sets a match query's median over HTTP beside its median in-process plus the
server's bare round trip (``client.info()``, bench/http_server.py). Between two requests the
server sleeps; on a virtual machine whose guest halts an idle CPU (Linux's cpuidle driver
"none": every idle CPU is handed back to the host), the request that wakes it pays for the
wake, and runs on caches the host has since used. The bare round trip pays it too, but a
search, which does more, pays more.

This script measures, in one run, the in-process match median, the match median over HTTP
(``djangoes-embedded serve`` in a subprocess) and the bare ``info()`` median: first as they
are, then with one busy loop per CPU at the lowest priority (nice 19), which gives way to any
other work at once but keeps the CPUs from halting. Prints one line for each, with whether
HTTP costs at most the bare round trip more than in-process, and the cpuidle driver.

    .venv/bin/python bench/http_wake.py [--docs 20000] [--queries 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from elasticsearch import Elasticsearch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from engine import client_queries, latencies, load, serve  # bench/ is not a package
from http_server import bare_info_median

CPUIDLE_DRIVER = Path("/sys/devices/system/cpu/cpuidle/current_driver")


@contextlib.contextmanager
def busy_loops() -> Iterator[int]:
    """One busy loop per CPU at nice 19 for the block's duration: how many."""
    count = os.cpu_count() or 1
    loops = [
        subprocess.Popen([sys.executable, "-c", "import os\nos.nice(19)\nwhile True: pass"])
        for _ in range(count)
    ]
    try:
        yield count
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def line(label: str, inprocess: float, http: float, bare: float) -> str:
    verdict = "yes" if http <= inprocess + bare else "no"
    return (
        f"{label}: match median in-process {inprocess:.3f} ms, over http {http:.3f} ms,"
        f" bare info() {bare:.3f} ms; http <= in-process + info: {verdict}"
        f" ({http - inprocess:.3f} ms for {bare:.3f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    driver = CPUIDLE_DRIVER.read_text().strip() if CPUIDLE_DRIVER.exists() else "unknown"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, cpuidle driver {driver}")

    from djangoes_backends_embedded import client

    inprocess = client(name="http-wake")
    load(inprocess, "bench", args.docs)
    process, url = serve()
    try:
        http = Elasticsearch(url)
        load(http, "bench", args.docs)

        def figures() -> tuple[float, float, float]:
            return (
                latencies(client_queries(inprocess)[0], args.queries)[0],
                latencies(client_queries(http)[0], args.queries)[0],
                bare_info_median(args.queries),
            )

        print(line("CPUs idle between requests", *figures()))
        with busy_loops() as count:
            print(line(f"CPUs kept awake ({count} busy loops at nice 19)", *figures()))
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
