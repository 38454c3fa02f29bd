"""Fork: a parent with live connections forks 4 workers that each make 200 requests.

The parent has used its connection (its pooled socket is open) before forking; each worker
(multiprocessing's ``fork`` start method) looks the alias up in the same handler, which must
give it a connection of its own, writes its own documents and reads each back. Meanwhile the
parent keeps making requests on its connection. No response may be garbled or crossed, and the
parent's connection must still work, as the same object, afterwards. A counting proxy in front
of the server shows that each worker opened its own TCP connection.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

import pytest

from djangoes import ConnectionHandler

from .conftest import TRANSPORTS, behind_a_proxy

pytestmark = pytest.mark.slow

WORKERS = 4
REQUESTS = 200


def exchange(connection: Any, owner: str, n: int) -> bool:
    """Write a document only ``owner`` knows, read it back: whether every answer was its own."""
    doc_id = f"{owner}-{n}"
    document = {"owner": owner, "n": n, "pid": os.getpid()}
    written = connection.index(id=doc_id, document=document)
    read = connection.get(id=doc_id)
    return (
        written["_id"] == doc_id
        and written["result"] == "created"
        and read["_id"] == doc_id
        and read["_source"] == document
    )


def worker(handler: ConnectionHandler, number: int, parent_id: int, queue: Any) -> None:
    connection = handler["default"]
    errors: list[str] = []
    wrong = 0
    for n in range(REQUESTS // 2):  # two requests each
        try:
            wrong += not exchange(connection, f"w{number}", n)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
    queue.put((number, id(connection) != parent_id, wrong, errors))
    handler.close_all()


@pytest.mark.parametrize("transport_endpoint", TRANSPORTS, indirect=True)
def test_forked_workers_get_their_own_connections(
    transport_endpoint: dict[str, Any], transport_name: str, prefix: str, figures: Any
) -> None:
    with behind_a_proxy(transport_endpoint, prefix + "docs") as (handler, proxy):
        parent = handler["default"]
        assert exchange(parent, "parent", -1)  # the parent's socket is open and pooled
        opened_before = proxy.accepted

        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        processes = [
            context.Process(target=worker, args=(handler, n, id(parent), queue))
            for n in range(WORKERS)
        ]
        started = time.monotonic()
        for process in processes:
            process.start()
        # The parent works on while its children do.
        parent_wrong = sum(not exchange(parent, "parent", n) for n in range(REQUESTS // 2))
        results = sorted(queue.get(timeout=120) for _ in processes)
        for process in processes:
            process.join(30)
        elapsed = time.monotonic() - started
        opened = proxy.accepted - opened_before

        # Every worker's documents are there, as it wrote them.
        owners = [f"w{n}" for n in range(WORKERS)]
        ids = [f"{owner}-{n}" for owner in owners for n in range(REQUESTS // 2)]
        found = parent.mget(ids=ids)["docs"]
        intact = sum(
            1
            for doc in found
            if doc["found"] and doc["_id"] == f"{doc['_source']['owner']}-{doc['_source']['n']}"
        )
        after = parent.info()
        same_object = handler["default"] is parent
        handler.close_all()

    figures(
        f"fork[{transport_name}]",
        workers=WORKERS,
        requests_per_worker=REQUESTS,
        worker_errors=sum(len(r[3]) for r in results),
        worker_wrong_answers=sum(r[2] for r in results),
        parent_wrong_answers=parent_wrong,
        documents_intact=intact,
        tcp_connections_opened_by_workers=opened,
        seconds=round(elapsed, 2),
    )
    assert [p.exitcode for p in processes] == [0] * WORKERS
    assert [r[0] for r in results] == list(range(WORKERS))
    assert all(fresh for _, fresh, _, _ in results)
    assert [(wrong, errors) for _, _, wrong, errors in results] == [(0, [])] * WORKERS
    assert parent_wrong == 0
    assert intact == WORKERS * REQUESTS // 2
    assert after["tagline"] == "You Know, for Search"
    assert same_object
    # Each worker opened one connection of its own; the parent kept its one.
    assert opened == WORKERS
