"""Benchmark of the embedded engine: bulk indexing rate, match and terms-aggregation latency.

Loads N small documents (default 100,000) with the stock elasticsearch-py client, in-process
(``EmbeddedNode``) and over HTTP (``djangoes-embedded serve`` in a subprocess, keep-alive), then
times a match query and a terms aggregation. Before that, the engine alone (its bulk and search
API, no client): in memory, with the resident memory it keeps, then on a data directory
(``--data``, else a temporary one) with the index's size on disk. Prints one line per figure.

The documents (:func:`documents`) and the queries (:func:`query_words`, :data:`TERMS`) are
shared with bench/tantivy_compare.py, which loads the same ones into tantivy-py.

    .venv/bin/python bench/engine.py [--docs 100000] [--queries 2000] [--only inprocess|http]
        [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator

from elasticsearch import Elasticsearch

WORDS = 2000
CATEGORIES = 50
BATCH = 1000
MAPPING = {
    "properties": {
        "title": {"type": "text"},
        "category": {"type": "keyword"},
        "price": {"type": "long"},
        "published": {"type": "date"},
    }
}


def vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < WORDS:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))))
    return sorted(words)


def documents(count: int, seed: int = 42) -> Iterator[tuple[str, dict]]:
    """Small documents: a 6-word title (Zipf-like word use), a category, a price, a date."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(WORDS)]
    for number in range(count):
        title = " ".join(rng.choices(words, weights, k=6))
        yield (
            str(number),
            {
                "title": title,
                "category": f"category-{rng.randrange(CATEGORIES)}",
                "price": rng.randrange(1, 10_000),
                "published": f"20{rng.randrange(10, 25)}-0{rng.randrange(1, 10)}"
                f"-1{rng.randrange(10)}",
            },
        )


#: The match queries pick their word among the most used ones, in this seeded order.
QUERY_SEED = 7
COMMON_WORDS = 200
#: The terms aggregation (on the keyword field, default size) both benchmarks time.
TERMS = {"categories": {"terms": {"field": "category"}}}


def query_words() -> Iterator[str]:
    """The words of the match queries, one per query, endless (the same in every run)."""
    rng = random.Random(QUERY_SEED)
    common = vocabulary(random.Random(42))[:COMMON_WORDS]
    while True:
        yield rng.choice(common)


def load(es: Elasticsearch, index: str, count: int) -> float:
    """Index ``count`` documents with bulk requests of BATCH; return documents per second."""
    es.options(ignore_status=404).indices.delete(index=index)
    es.indices.create(index=index, settings={"refresh_interval": "-1"}, mappings=MAPPING)
    operations = []
    for doc_id, doc in documents(count):
        operations += [{"index": {"_id": doc_id}}, doc]
    started = time.perf_counter()
    for start in range(0, len(operations), 2 * BATCH):
        _send(es, index, operations[start : start + 2 * BATCH])
    es.indices.refresh(index=index)
    elapsed = time.perf_counter() - started
    assert es.count(index=index)["count"] == count
    return count / elapsed


def bulk_bodies(count: int) -> list[bytes]:
    """The NDJSON bodies of bulk requests of BATCH documents, built before any clock starts."""
    bodies: list[bytes] = []
    lines: list[bytes] = []
    for doc_id, doc in documents(count):
        lines.append(
            json.dumps({"index": {"_id": doc_id}}).encode()
            + b"\n"
            + json.dumps(doc).encode()
            + b"\n"
        )
        if len(lines) == BATCH:
            bodies.append(b"".join(lines))
            lines = []
    if lines:
        bodies.append(b"".join(lines))
    return bodies


def engine_load(engine, bodies: list[bytes], count: int) -> float:
    """Documents per second of the engine's bulk API alone: the request bodies handed to
    ``Engine.handle`` with no client, to separate the engine from the client's JSON."""
    from djangoes_engine import Request

    mapping = {"settings": {"refresh_interval": "-1"}, "mappings": MAPPING}
    engine.handle(Request.from_target("DELETE", "/bench"))
    engine.handle(Request.from_target("PUT", "/bench", json.dumps(mapping).encode()))
    started = time.perf_counter()
    for body in bodies:
        response = engine.handle(Request.from_target("POST", "/bench/_bulk", body))
        assert response.status == 200 and b'"errors":false' in response.body
    engine.handle(Request.from_target("POST", "/bench/_refresh"))
    elapsed = time.perf_counter() - started
    return count / elapsed


def engine_queries(engine) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """The match query and the terms aggregation, through the engine's search API (no client);
    each call returns the response body."""
    from djangoes_engine import Request

    words = query_words()
    terms_body = json.dumps({"size": 0, "aggs": TERMS}).encode()

    def search(body: bytes) -> bytes:
        response = engine.handle(Request.from_target("POST", "/bench/_search", body))
        assert response.status == 200, response.body
        return response.body

    def match() -> bytes:
        return search(json.dumps({"query": {"match": {"title": next(words)}}, "size": 10}).encode())

    def terms() -> bytes:
        return search(terms_body)

    return match, terms


def resident() -> int | None:
    """This process's resident memory in bytes (Linux's /proc; None elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def memory_line(label: str, count: int, before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return f"{label}: resident memory after load: unknown (no /proc)"
    grown = after - before
    return (
        f"{label}: resident memory after load: {after / 1e6:,.0f} MB, "
        f"+{grown / 1e6:,.0f} MB over the load ({grown / count:,.0f} bytes/doc)"
    )


def disk_size(directory: str) -> tuple[int, int]:
    """Bytes of the files under ``directory``, and of those in its translogs."""
    total = translog = 0
    for root, _dirs, files in os.walk(directory):
        for name in files:
            size = os.path.getsize(os.path.join(root, name))
            total += size
            if "translog" in os.path.relpath(os.path.join(root, name), directory):
                translog += size
    return total, translog


def engine_alone(count: int, runs: int, data: str | None) -> None:
    """The engine's own figures, no client: in memory (load rate, resident memory, query
    latencies through its search API), then on a data directory (load rate, size on disk)."""
    import gc

    from djangoes_engine import Engine, Request

    bodies = bulk_bodies(count)
    engine = Engine()
    before = resident()
    rate = engine_load(engine, bodies, count)
    after = resident()
    print(f"engine alone: bulk API, {count} docs: {rate:,.0f} docs/s")
    print(memory_line("engine alone", count, before, after))
    match, terms = engine_queries(engine)
    median, p99 = latencies(match, runs)
    print(f"engine alone: match query (size 10): median {median:.3f} ms, p99 {p99:.3f} ms")
    median, p99 = latencies(terms, max(50, runs // 10))
    print(f"engine alone: terms aggregation (50 buckets): median {median:.3f} ms, p99 {p99:.3f} ms")
    engine.close()
    del engine, match, terms
    gc.collect()

    directory = data if data is not None else tempfile.mkdtemp(prefix="bench-engine-")
    try:
        engine = Engine(directory)
        before = resident()
        rate = engine_load(engine, bodies, count)
        after = resident()
        print(f"engine on disk: bulk API, {count} docs: {rate:,.0f} docs/s")
        print(memory_line("engine on disk", count, before, after))
        loaded, translog = disk_size(directory)
        engine.handle(Request.from_target("POST", "/bench/_flush"))
        total, _ = disk_size(directory)
        print(
            f"engine on disk: size on disk: {total / 1e6:,.1f} MB ({total / count:,.0f} "
            f"bytes/doc) after a flush; {loaded / 1e6:,.1f} MB before it, of which translog "
            f"{translog / 1e6:,.1f} MB"
        )
        engine.close()
    finally:
        if data is None:
            shutil.rmtree(directory, ignore_errors=True)


def _send(es: Elasticsearch, index: str, operations: list) -> None:
    response = es.bulk(index=index, operations=operations)
    if response["errors"]:
        raise RuntimeError("bulk had errors")


def latencies(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and p99 in milliseconds, after a warm-up."""
    return interleaved({"call": call}, runs)["call"]


def interleaved(
    calls: dict[str, Callable[[], object]], runs: int
) -> dict[str, tuple[float, float]]:
    """Each call's median and p99 in milliseconds, after a warm-up, the calls taking turns (one
    of each, then again), so that what slows the machine for a while slows them all alike."""
    for call in calls.values():
        for _ in range(min(200, runs)):
            call()
    timings: dict[str, list[float]] = {label: [] for label in calls}
    for _ in range(runs):
        for label, call in calls.items():
            started = time.perf_counter()
            call()
            timings[label].append((time.perf_counter() - started) * 1000)
    figures = {}
    for label, values in timings.items():
        values.sort()
        figures[label] = (statistics.median(values), values[int(len(values) * 0.99) - 1])
    return figures


def client_queries(
    es: Elasticsearch, index: str = "bench"
) -> tuple[Callable[[], object], Callable[[], object]]:
    """The match query (a new word each call) and the terms aggregation, through a client."""
    words = query_words()

    def match() -> object:
        return es.search(index=index, query={"match": {"title": next(words)}}, size=10)

    def terms() -> object:
        return es.search(index=index, size=0, aggs=TERMS)

    return match, terms


def measure(label: str, es: Elasticsearch, count: int, runs: int) -> float:
    """Load, time and print the figures of one client; return the match median (ms)."""
    index = "bench"
    rate = load(es, index, count)
    print(f"{label}: bulk indexing {count} docs: {rate:,.0f} docs/s")
    match, terms = client_queries(es, index)
    match_median, p99 = latencies(match, runs)
    print(f"{label}: match query (size 10): median {match_median:.3f} ms, p99 {p99:.3f} ms")
    median, p99 = latencies(terms, max(50, runs // 10))
    print(f"{label}: terms aggregation (50 buckets): median {median:.3f} ms, p99 {p99:.3f} ms")
    es.indices.delete(index=index)
    return match_median


def http_hop(inprocess: float, http: float, runs: int) -> None:
    """The HTTP hop of a match query beside the server's bare round trip, in this run: issue 18
    asks that a search over HTTP cost at most that round trip more than in-process."""
    from http_server import bare_info_median  # bench/ is the script's directory

    bare = bare_info_median(runs)
    verdict = "yes" if http <= inprocess + bare else "no"
    print(
        f"http hop: match median in-process {inprocess:.3f} ms, over http {http:.3f} ms,"
        f" bare info() {bare:.3f} ms (bench/http_server.py); http <= in-process + info:"
        f" {verdict} ({http - inprocess:.3f} ms for {bare:.3f} ms)"
    )


def serve() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "djangoes_engine.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    url = line.strip().rpartition(" ")[2]
    if not url.startswith("http"):
        process.kill()
        raise RuntimeError(f"server did not start: {line!r}")
    return process, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--only", choices=("inprocess", "http"))
    parser.add_argument(
        "--data",
        help="the engine's data directory for the on-disk figures (default: a temporary one)",
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.only in (None, "inprocess"):
        from djangoes_backends_embedded import client

        engine_alone(args.docs, args.queries, args.data)
        inprocess = measure("in-process", client(name="bench"), args.docs, args.queries)
    if args.only in (None, "http"):
        process, url = serve()
        try:
            http = measure("http", Elasticsearch(url), args.docs, args.queries)
        finally:
            process.terminate()
            process.wait(10)
    if args.only is None:
        http_hop(inprocess, http, args.queries)


if __name__ == "__main__":
    main()
