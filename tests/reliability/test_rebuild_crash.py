"""A rebuild killed with SIGKILL at each of its steps heals, with writers writing all along.

``manage.py es_indices rebuild`` of the sample project runs in a subprocess against the engine
served from its own process; its ``crashpoints`` app stops it at a chosen step of
``Rebuild.STEPS`` (its lease still renewed by its thread), and the test kills it there with
SIGKILL, 5 times per step. Writer threads write through djangoes connections the whole time
(index, update, delete, bulk, auto ids), each keeping the state of its documents as
acknowledged. After each kill, with no human:

* writes succeed: a write sent just after the kill is acknowledged within
  ``ES_REBUILD_HOLD_TIMEOUT``, set here to the lease plus a margin (held by a write block left
  behind, it goes through once a write heals the rebuild);
* the rebuild heals within that bound: its marker and write block are gone (a rebuild killed
  after its swap has no marker left, and its orphan journal is reported until the next
  rebuild finishes it);
* nothing acknowledged is lost: every document is in whichever index the aliases point to,
  with its last acknowledged content, and deleted ones stay deleted;
* ``NAME`` and the alias point to one and the same index, which has no write block.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from elasticsearch import Elasticsearch, helpers

from djangoes import ConnectionHandler
from djangoes.live import live_index
from djangoes.rebuild import leftovers
from djangoes.rebuild.names import marker
from djangoes.rebuild.process import Rebuild

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parents[1] / "sample_project"
KILLS_PER_STEP = int(os.environ.get("DJANGOES_CRASH_KILLS_PER_STEP", "5"))
WRITERS = 4
#: The rebuild timings of the sample project's crash settings, and so of the writers.
TTL, LEASE = 0.1, 1.0
#: How long after a kill writes may wait, and the rebuild may take to heal.
BOUND = LEASE + 9.0
#: A write that takes longer than this was held (by a write block).
HELD = 0.25
SEED = int(os.environ.get("DJANGOES_FUZZ_SEED", "20240611"))


class Writer(threading.Thread):
    """Writes to its own documents through its thread's connection; ``model`` holds what was
    acknowledged ({id: source}, or None once deleted)."""

    def __init__(self, handler: ConnectionHandler, number: int) -> None:
        super().__init__(daemon=True)
        self.handler = handler
        self.number = number
        self.random = random.Random(SEED + number)
        self.model: dict[str, dict[str, Any] | None] = {}
        #: Documents whose last write failed: their state is not known.
        self.uncertain: set[str] = set()
        self.failures: list[str] = []
        self.latencies: list[float] = []
        #: Held while a write is under way: the test takes it to pause the writer.
        self.gate = threading.Lock()
        self.stopped = False

    def pause(self) -> None:
        """Once this returns, no write of this writer is under way, and none starts."""
        self.gate.acquire()

    def resume(self) -> None:
        self.gate.release()

    def run(self) -> None:
        connection = self.handler["default"]
        count = 0
        while not self.stopped:
            count += 1
            with self.gate:
                self.write(connection, count)
            time.sleep(0.005)

    def write(self, connection: Any, count: int) -> None:
        doc_id = f"w{self.number}-{self.random.randrange(30)}"
        operation = self.random.choice(["index", "update", "delete", "bulk", "auto-id"])
        existing = self.model.get(doc_id) is not None and doc_id not in self.uncertain
        changes: dict[str, dict[str, Any] | None] = {}
        started = time.monotonic()
        try:
            if operation == "index" or (operation in ("update", "delete") and not existing):
                changes[doc_id] = {"title": f"index {count}"}
                connection.index(id=doc_id, document=changes[doc_id])
            elif operation == "update":
                changes[doc_id] = {**self.model[doc_id], "extra": count}
                connection.update(id=doc_id, doc={"extra": count})
            elif operation == "delete":
                changes[doc_id] = None
                connection.delete(id=doc_id)
            elif operation == "bulk":
                actions = []
                for other in {f"w{self.number}-{self.random.randrange(30)}" for _ in range(4)}:
                    if self.model.get(other) is not None and self.random.random() < 0.4:
                        changes[other] = None
                        actions.append({"_op_type": "delete", "_id": other})
                    else:
                        changes[other] = {"title": f"bulk {count}"}
                        actions.append({"_id": other, **changes[other]})
                helpers.bulk(connection, actions)
            else:
                document = {"title": f"auto {count}"}
                changes[connection.index(document=document)["_id"]] = document
        except Exception as error:
            self.failures.append(f"{operation}: {error}")
            self.uncertain.update(changes)
            return
        self.latencies.append(time.monotonic() - started)
        self.model.update(changes)
        self.uncertain.difference_update(changes)


class Rebuilding:
    """``manage.py es_indices rebuild books`` in a subprocess, stopped at ``step``; started
    ahead (Python, Django and the client take a second or so to load), it waits for
    :meth:`go`."""

    def __init__(self, url: str, name: str, step: str | None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="sampleproject.crash_settings",
            DJANGOES_SAMPLE_URL=url,
            DJANGOES_SAMPLE_INDEX=name,
            DJANGOES_SAMPLE_REBUILD_TTL=str(TTL),
            DJANGOES_SAMPLE_REBUILD_LEASE=str(LEASE),
            DJANGOES_SAMPLE_PAUSE_AT=step or "",
            DJANGOES_SAMPLE_WAIT_FOR_GO="1",
        )
        command = [sys.executable, "manage.py", "es_indices", "rebuild", "books", "-v", "2"]
        self.process = subprocess.Popen(
            command,
            cwd=SAMPLE,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def go(self) -> Rebuilding:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.close()
        return self

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while (line := self.lines.get(timeout=max(0.0, deadline - time.monotonic()))) is not None:
            self.output.append(line)
            if text in line:
                return
        self.process.wait(10)
        raise AssertionError(f"the rebuild ended before {text!r}: {''.join(self.output)}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def finish(self) -> str:
        self.wait_for("Rebuilt books:")
        assert self.process.wait(60) == 0, "".join(self.output)
        return "".join(self.output)


@pytest.fixture
def rebuilds(engine_url: str, prefix: str) -> Iterator[Any]:
    """``rebuilds(step)``: a :class:`Rebuilding` of the index; any left running are killed."""
    started: list[Rebuilding] = []

    def start(step: str | None) -> Rebuilding:
        started.append(Rebuilding(engine_url, f"{prefix}books", step))
        return started[-1]

    yield start
    for rebuilding in started:
        if rebuilding.process.poll() is None:
            rebuilding.kill()


@pytest.fixture
def writers(engine_url: str, prefix: str) -> Iterator[tuple[ConnectionHandler, list[Writer]]]:
    name = f"{prefix}books"
    indices = {"books": {"NAME": name, "ALIASES": [f"{name}-library"], "REBUILD": True}}
    servers = {"default": {"ENGINE": "http", "HOSTS": [engine_url], "INDICES": ["books"]}}
    handler = ConnectionHandler(servers=servers, indices=indices)
    handler["default"].client.indices.create(index=name, aliases={f"{name}-library": {}})
    with override_settings(
        ES_REBUILD_TTL=TTL, ES_REBUILD_LEASE=LEASE, ES_REBUILD_HOLD_TIMEOUT=BOUND
    ):
        started = [Writer(handler, number) for number in range(WRITERS)]
        for writer in started:
            writer.start()
        yield handler, started
        for writer in started:
            writer.stopped = True
        for writer in started:
            writer.join(60)


def check(client: Elasticsearch, name: str, writers: list[Writer]) -> int:
    """The aliases, the block and every acknowledged document; the number of documents checked."""
    live = live_index(client, name)
    library = client.indices.get_alias(name=f"{name}-library")
    assert list(library.body) == [live.index], (live, library.body)
    settings = client.indices.get_settings(index=live.index)[live.index]["settings"]["index"]
    assert (settings.get("blocks") or {}).get("write") != "true"
    assert not client.indices.exists_alias(name=marker(name), expand_wildcards="all")
    expected = {
        doc_id: state
        for writer in writers
        for doc_id, state in writer.model.items()
        if doc_id not in writer.uncertain
    }
    found: dict[str, Any] = {}
    ids = sorted(expected)
    for start in range(0, len(ids), 1000):
        for doc in client.mget(index=name, ids=ids[start : start + 1000])["docs"]:
            found[doc["_id"]] = doc["_source"] if doc.get("found") else None
    wrong = sorted(doc_id for doc_id in ids if found[doc_id] != expected[doc_id])
    assert wrong == [], [(d, expected[d], found[d]) for d in wrong[:5]]
    return len(ids)


def wait_until_healed(client: Elasticsearch, name: str, killed: float) -> float:
    """Seconds from the kill until the marker and the write block are gone (writes heal them)."""
    while time.monotonic() - killed < BOUND:
        live = live_index(client, name)
        settings = client.indices.get_settings(index=live.index)[live.index]["settings"]["index"]
        blocked = (settings.get("blocks") or {}).get("write") == "true"
        if not blocked and not client.indices.exists_alias(
            name=marker(name), expand_wildcards="all"
        ):
            return time.monotonic() - killed
        time.sleep(0.02)
    raise AssertionError(f"not healed {BOUND} s after the kill")


def wait_for_orphan_report(handler: ConnectionHandler, killed: float) -> float:
    """A rebuild killed after its swap leaves an orphan journal, an error once its lease
    expired; seconds from the kill until es_check would report it."""
    while time.monotonic() - killed < BOUND:
        errors = [f for f in leftovers.inspect(handler["default"], "books") if f.level == "error"]
        if errors:
            assert len(errors) == 1 and "orphan journal" in errors[0].message, errors
            return time.monotonic() - killed
        time.sleep(0.05)
    raise AssertionError(f"no orphan journal reported {BOUND} s after the kill")


def test_a_rebuild_killed_at_each_step_heals(
    engine_url: str,
    prefix: str,
    writers: tuple[ConnectionHandler, list[Writer]],
    rebuilds: Any,
    figures: Any,
) -> None:
    handler, threads = writers
    name = f"{prefix}books"
    client = Elasticsearch(engine_url, request_timeout=60)
    helpers.bulk(client, ({"_index": name, "_id": f"seed-{n}", "n": n} for n in range(200)))
    connection = handler["default"]
    heal_times: dict[str, list[float]] = {step: [] for step in Rebuild.STEPS}
    probe_times: dict[str, list[float]] = {step: [] for step in Rebuild.STEPS}
    finished_by_next = 0
    checked = 0
    after_swap = False
    kills = [(n, step) for n in range(KILLS_PER_STEP) for step in Rebuild.STEPS]
    # each process is started while the last kill is checked, and told to go after
    following = rebuilds(kills[0][1])
    for position, (round_number, step) in enumerate(kills):
        rebuilding = following.go()
        upcoming = kills[position + 1][1] if position + 1 < len(kills) else None
        following = rebuilds(upcoming)
        rebuilding.wait_for(f"paused at {step}")
        if after_swap:  # the rebuild killed last time after its swap: this one finishes it
            assert "Finished a rebuild of books that died" in "".join(rebuilding.output)
            finished_by_next += 1
        rebuilding.kill()
        killed = time.monotonic()
        connection.index(id=f"probe-{round_number}-{step}", document={"step": step})
        probe_times[step].append(time.monotonic() - killed)
        heal_times[step].append(wait_until_healed(client, name, killed))
        if step in ("swapped", "cleaning"):
            wait_for_orphan_report(handler, killed)
        for writer in threads:
            writer.pause()
        try:
            checked = check(client, name, threads)
            assert connection.get(id=f"probe-{round_number}-{step}")["found"]
        finally:
            for writer in threads:
                writer.resume()
        after_swap = step in ("swapped", "cleaning")
    output = following.go().finish()
    if after_swap:
        assert "Finished a rebuild of books that died" in output
        finished_by_next += 1
    for writer in threads:
        writer.pause()
    checked = check(client, name, threads)
    assert leftovers.inspect(connection, "books") == []
    for writer in threads:
        writer.resume()
    latencies = [latency for writer in threads for latency in writer.latencies]
    failures = [failure for writer in threads for failure in writer.failures]
    figures(
        "rebuild_crash",
        kills=KILLS_PER_STEP * len(Rebuild.STEPS),
        lease_seconds=LEASE,
        heal_seconds_by_step={
            step: f"{statistics.median(times):.2f} (max {max(times):.2f})"
            for step, times in heal_times.items()
        },
        write_after_kill_seconds_max={
            step: round(max(times), 2) for step, times in probe_times.items()
        },
        writes_acknowledged=len(latencies),
        writes_held=sum(latency > HELD for latency in latencies),
        slowest_write_seconds=round(max(latencies), 2),
        writes_failed=len(failures),
        documents_checked=checked,
        orphan_journals_finished_by_the_next_rebuild=finished_by_next,
    )
    assert failures == []
