"""Many threads on one engine: no lost write, no error, every read consistent."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from elasticsearch import Elasticsearch

THREADS = 8
PER_THREAD = 150


def _work(es: Elasticsearch, worker: int) -> list[str]:
    written = []
    for n in range(PER_THREAD):
        doc_id = f"{worker}-{n}"
        es.index(
            index="shared",
            id=doc_id,
            document={"worker": worker, "n": n, "text": f"word{n % 7} shared"},
        )
        written.append(doc_id)
        # A realtime get sees the thread's own write immediately.
        assert es.get(index="shared", id=doc_id)["_source"]["n"] == n
        if n % 10 == 0:
            es.search(index="shared", query={"match": {"text": "shared"}}, size=5)
        if n % 25 == 0:
            es.update(index="shared", id=doc_id, doc={"updated": True})
    return written


def _hammer(es: Elasticsearch) -> None:
    es.indices.create(index="shared", mappings={"properties": {"worker": {"type": "long"}}})
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda w: _work(es, w), range(THREADS)))
    es.indices.refresh(index="shared")
    total = THREADS * PER_THREAD
    assert es.count(index="shared")["count"] == total
    assert sum(len(r) for r in results) == total
    counts = es.search(index="shared", size=0, query={"term": {"worker": 3}})
    assert counts["hits"]["total"]["value"] == PER_THREAD
    updated = es.count(index="shared", query={"term": {"updated": True}})["count"]
    assert updated == THREADS * len(range(0, PER_THREAD, 25))


def test_threads_in_process(es: Elasticsearch) -> None:
    _hammer(es)


def test_threads_over_http(es_http: Elasticsearch) -> None:
    _hammer(es_http)


def test_concurrent_index_creation_by_auto_create(es: Elasticsearch) -> None:
    """Threads writing to the same missing index all succeed: it is created once."""
    barrier = threading.Barrier(THREADS)

    def write(worker: int) -> str:
        barrier.wait()
        return es.index(index="auto", id=str(worker), document={"w": worker})["result"]

    with ThreadPoolExecutor(THREADS) as pool:
        assert set(pool.map(write, range(THREADS))) == {"created"}
    es.indices.refresh(index="auto")
    assert es.count(index="auto")["count"] == THREADS
