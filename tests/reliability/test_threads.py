"""Threads: 32 threads, 200 requests each, on one alias, mixed reads and writes.

Twice: through a ``ConnectionHandler`` as ``djangoes.connections`` is used (each thread looks
the alias up and gets its own connection object), and through one connection shared by every
thread. Each write carries a document that only its thread knows (thread, sequence number and a
random token) and each read checks that it got its own thread's document back, so a response
delivered to the wrong caller is seen. A counting proxy in front of the server counts the TCP
connections the clients open: they must stay within one per thread for per-thread
connections, and within ``connections_per_node`` for a shared one. It runs once through each
node class (HTTP with urllib3 and with requests, thrift, memcached).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from .conftest import NODE_CLASSES, behind_a_proxy

pytestmark = pytest.mark.slow

THREADS = 32
REQUESTS = 200
#: The connections elastic-transport keeps per node by default.
CONNECTIONS_PER_NODE = 10


class Worker:
    """One thread's requests: writes of its own documents, reads that check them."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.errors: list[str] = []
        self.wrong = 0
        self.done = 0
        #: The connection objects the thread was given (kept, so that no id is reused).
        self.connections: list[Any] = []

    def run(self, connection_of: Any) -> None:
        written: dict[str, dict[str, Any]] = {}
        for n in range(REQUESTS):
            connection = connection_of()
            if not any(connection is seen for seen in self.connections):
                self.connections.append(connection)
            try:
                self.wrong += not self.request(connection, n, written)
            except Exception as error:
                self.errors.append(f"{type(error).__name__}: {error}")
            self.done += 1

    def request(self, connection: Any, n: int, written: dict[str, dict[str, Any]]) -> bool:
        if n % 4 in (0, 1) or not written:  # a write
            doc_id = f"{self.number}-{n}"
            document = {"thread": self.number, "n": n, "token": uuid.uuid4().hex}
            response = connection.index(id=doc_id, document=document)
            written[doc_id] = document
            return response["_id"] == doc_id and response["result"] == "created"
        recent = list(written)[-3:]
        if n % 4 == 2:  # a read of the last document written
            response = connection.get(id=recent[-1])
            return response["_id"] == recent[-1] and response["_source"] == written[recent[-1]]
        response = connection.mget(ids=recent)  # a read of several
        return [d["_source"] for d in response["docs"]] == [written[i] for i in recent]


def run_threads(connection_of: Any, cleanup: Any = None) -> tuple[list[Worker], float]:
    workers = [Worker(n) for n in range(THREADS)]
    start = threading.Barrier(THREADS)

    def target(worker: Worker) -> None:
        start.wait()
        worker.run(connection_of)
        if cleanup is not None:
            cleanup()

    threads = [threading.Thread(target=target, args=(w,)) for w in workers]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return workers, time.monotonic() - started


@pytest.mark.parametrize("mode", ["per-thread", "shared"])
@pytest.mark.parametrize("transport_endpoint", NODE_CLASSES, indirect=True)
def test_32_threads_200_requests_each(
    transport_endpoint: dict[str, Any], transport_name: str, mode: str, prefix: str, figures: Any
) -> None:
    with behind_a_proxy(transport_endpoint, prefix + "docs") as (handler, proxy):
        handler.close_all()
        opened_before = proxy.accepted
        if mode == "per-thread":
            workers, elapsed = run_threads(lambda: handler["default"], handler.close_all)
        else:
            shared = handler["default"]
            workers, elapsed = run_threads(lambda: shared)
            shared.close()
        opened = proxy.accepted - opened_before
    errors = [e for w in workers for e in w.errors]
    wrong = sum(w.wrong for w in workers)
    objects = {id(c) for w in workers for c in w.connections}
    figures(
        f"threads[{transport_name},{mode}]",
        threads=THREADS,
        requests=sum(w.done for w in workers),
        errors=len(errors),
        wrong_answers=wrong,
        connection_objects=len(objects),
        tcp_connections_opened=opened,
        seconds=round(elapsed, 2),
    )
    assert errors == []
    assert wrong == 0
    assert sum(w.done for w in workers) == THREADS * REQUESTS
    if mode == "per-thread":
        # One connection object per thread, the same for all of a thread's lookups.
        assert all(len(w.connections) == 1 for w in workers)
        assert len(objects) == THREADS
        assert opened <= THREADS
    else:
        assert len(objects) == 1
        assert opened <= CONNECTIONS_PER_NODE
