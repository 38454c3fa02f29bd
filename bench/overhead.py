"""What djangoes costs on top of elasticsearch-py.

Prints the ratio of ``connections['default'].search(...)`` to the raw client's ``search(...)``
against the same server (``djangoes-embedded serve`` in a subprocess, over HTTP), as the
median of many alternating calls (20,000 by default: with 3,000 the ratio moves by a few
tenths of a percent from run to run), and the cost of a ``connections[alias]`` lookup beside
Django's own ``django.db.connections['default']``.

    .venv/bin/python bench/overhead.py [--calls 20000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import timeit

import django
from django.conf import settings


def serve() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "djangoes_engine.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, process.stdout.readline().strip().rpartition(" ")[2]


def alternate(first, second, calls: int) -> tuple[float, float]:
    """Median seconds of each of two calls, run in alternation so that drift hits both."""
    for _ in range(200):
        first()
        second()
    a, b = [], []
    for _ in range(calls):
        started = time.perf_counter()
        first()
        a.append(time.perf_counter() - started)
        started = time.perf_counter()
        second()
        b.append(time.perf_counter() - started)
    return statistics.median(a), statistics.median(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    process, url = serve()
    try:
        settings.configure(
            ES_SERVERS={"default": {"ENGINE": "http", "HOSTS": [url], "INDICES": ["books"]}},
            ES_INDICES={"books": {"NAME": "books"}},
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        )
        django.setup()
        from django.db import connections as db_connections
        from elasticsearch import Elasticsearch

        from djangoes import connections

        raw = Elasticsearch(url)
        raw.indices.create(index="books")
        raw.index(index="books", id="1", document={"title": "Snow Crash"}, refresh=True)
        query = {"match": {"title": "snow"}}
        connection = connections["default"]

        wrapped, direct = alternate(
            lambda: connection.search(query=query),
            lambda: raw.search(index="books", query=query),
            args.calls,
        )
        print(
            f"search over HTTP: djangoes {wrapped * 1e3:.3f} ms, elasticsearch-py "
            f"{direct * 1e3:.3f} ms, ratio {wrapped / direct:.4f} (median of {args.calls})"
        )

        db_connections["default"]  # create it once, as connections["default"] was
        runs = 200_000
        ours = min(timeit.repeat(lambda: connections["default"], number=runs, repeat=5)) / runs
        django_db = (
            min(timeit.repeat(lambda: db_connections["default"], number=runs, repeat=5)) / runs
        )
        print(
            f"lookup: connections['default'] {ours * 1e9:.0f} ns, "
            f"django.db.connections['default'] {django_db * 1e9:.0f} ns"
        )
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
