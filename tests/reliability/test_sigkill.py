"""Durability of the embedded engine: SIGKILL at random points during a bulk load, 20 times.

``djangoes-embedded serve --data DIR`` runs in a subprocess; a thread loads documents with
bulk requests (new documents, and new versions of documents already acknowledged) while the
test kills the server with SIGKILL after a random delay. The server is restarted on the same
directory: the index must open, and every document acknowledged in any round must be there
with its last acknowledged content (or the content of the one bulk request that was in
flight when the server died, which may or may not have been applied). ``tests/embedded``
checks a kill after a load; this is a kill during one, over and over on the same directory.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from ..embedded.servers import kill, serve

pytestmark = pytest.mark.slow

ROUNDS = 20
SEED = int(os.environ.get("DJANGOES_FUZZ_SEED", "20240611"))
NEW_PER_BULK = 40
REWRITES_PER_BULK = 10
INDEX = "load"


class Loader:
    """Bulk requests until the server dies, remembering what each acknowledged."""

    def __init__(self, acknowledged: dict[str, dict[str, Any]], rng: random.Random) -> None:
        self.acknowledged = acknowledged
        self.rng = rng
        #: The request in flight now: if the server dies, it may or may not have been applied.
        self.in_flight: dict[str, dict[str, Any]] = {}
        #: What each document may hold instead of its acknowledged content: the content of
        #: requests that were in flight at a kill (until a later write is acknowledged).
        self.possible: dict[str, list[dict[str, Any]]] = {}
        self.bulks = 0

    def killed(self) -> bool:
        """Note the request in flight at the kill; whether there was one."""
        for doc_id, document in self.in_flight.items():
            self.possible.setdefault(doc_id, []).append(document)
        in_flight, self.in_flight = bool(self.in_flight), {}
        return in_flight

    def run(self, es: Elasticsearch, step: int) -> None:
        batch = 0
        while True:
            documents = {
                f"{step}-{batch}-{n}": {"step": step, "batch": batch, "n": n, "version": 1}
                for n in range(NEW_PER_BULK)
            }
            older = self.rng.sample(
                sorted(self.acknowledged), min(REWRITES_PER_BULK, len(self.acknowledged))
            )
            for doc_id in older:
                documents[doc_id] = {
                    **self.acknowledged[doc_id],
                    "version": self.acknowledged[doc_id]["version"] + 1,
                }
            self.in_flight = documents
            try:
                response = es.bulk(
                    index=INDEX,
                    operations=[
                        line
                        for doc_id, document in documents.items()
                        for line in ({"index": {"_id": doc_id}}, document)
                    ],
                )
            except Exception:  # the kill
                return
            for item in response["items"]:
                result = item["index"]
                if result["status"] in (200, 201):
                    self.acknowledged[result["_id"]] = documents[result["_id"]]
                    self.possible.pop(result["_id"], None)
            self.in_flight = {}
            self.bulks += 1
            batch += 1


def wrong_documents(es: Elasticsearch, loader: Loader) -> list[str]:
    """The acknowledged documents that are missing, or hold neither their acknowledged content
    nor one a request in flight at a kill may have written."""
    acknowledged = loader.acknowledged
    wrong: list[str] = []
    ids = sorted(acknowledged)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for doc in es.mget(index=INDEX, ids=chunk)["docs"]:
            doc_id = doc["_id"]
            found = doc.get("_source") if doc.get("found") else None
            if found != acknowledged[doc_id] and found not in loader.possible.get(doc_id, []):
                wrong.append(doc_id)
    return wrong


def test_sigkill_during_bulk_loads(tmp_path: Path, figures: Any) -> None:
    rng = random.Random(SEED)
    acknowledged: dict[str, dict[str, Any]] = {}
    loader = Loader(acknowledged, rng)
    wrong_after_restart: list[int] = []
    delays: list[float] = []
    starts: list[float] = []
    in_flight_at_kill = 0
    for step in range(ROUNDS + 1):
        thread: threading.Thread | None = None
        started = time.monotonic()
        process, url = serve(tmp_path)
        starts.append(time.monotonic() - started)
        es = Elasticsearch(url, request_timeout=60)
        try:
            if step:  # after a kill: the index opens, with every acknowledged document
                assert es.indices.exists(index=INDEX)
                wrong_after_restart.append(len(wrong_documents(es, loader)))
                es.indices.refresh(index=INDEX)
                assert es.count(index=INDEX)["count"] >= len(acknowledged)
            else:
                es.indices.create(index=INDEX, settings={"refresh_interval": "-1"})
            if step == ROUNDS:
                break
            thread = threading.Thread(target=loader.run, args=(es, step))
            thread.start()
            delays.append(rng.uniform(0.02, 0.4))
            time.sleep(delays[-1])
        finally:
            kill(process)
            if thread is not None:
                thread.join(60)
            es.close()
        in_flight_at_kill += loader.killed()
    figures(
        "sigkill",
        rounds=ROUNDS,
        acknowledged_documents=len(acknowledged),
        acknowledged_bulk_requests=loader.bulks,
        kills_with_a_request_in_flight=in_flight_at_kill,
        kill_delay_seconds=f"{min(delays):.2f}-{max(delays):.2f}",
        wrong_or_missing_after_restarts=sum(wrong_after_restart),
        slowest_restart_seconds=round(max(starts), 2),
    )
    assert len(wrong_after_restart) == ROUNDS
    assert wrong_after_restart == [0] * ROUNDS
    assert loader.bulks > ROUNDS  # the kills did fall during loads, not after them
