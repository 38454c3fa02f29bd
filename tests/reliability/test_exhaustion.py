"""Resources running out under the embedded engine: file descriptors, disk space, I/O errors.

``djangoes-embedded serve --data DIR`` runs in its own process; writer threads index and delete
documents with bulk requests through elasticsearch-py, remembering what each response
acknowledged, while the test takes a resource away from the server:

* descriptors: the server is limited to 256 and 400 idle connections are opened against it, so
  that tantivy's index writer cannot open its files;
* disk space: the data directory is a small tmpfs (in a user namespace of its own, so no
  privileges are needed) that fills up, then grows;
* another I/O error: writes past a file size limit (``RLIMIT_FSIZE``, EFBIG), set on the running
  server and lifted.

Each test checks that the fault really hit (writes were refused), that writes succeed again
once the cause is gone and how soon, then that every acknowledged write is there with its
content (deletes stay deleted), live, after SIGTERM (which must stop the server in time) and
after a restart. A write whose response was an error may or may not have been applied: its
document is not checked.
"""

from __future__ import annotations

import contextlib
import resource
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from ..embedded.servers import serve, terminate

pytestmark = pytest.mark.slow

INDEX = "load"
#: The longest SIGTERM may take: the server's graceful timeout for requests (30 s) and the
#: engine's for closing (10 s), and a margin.
STOP_WITHIN = 45.0
#: How soon writes must succeed again once the cause is gone (recovery backs off up to 4 s
#: between attempts, and replays the translog).
RECOVER_WITHIN = 30.0


class Ledger:
    """What the writers were told: the acknowledged state of each document."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        #: Document id -> its acknowledged value, or None once its delete was acknowledged.
        self.state: dict[str, int | None] = {}
        #: Documents whose last write got an error: applied or not, nobody was told.
        self.uncertain: set[str] = set()
        self.statuses: Counter[int] = Counter()
        #: Document id -> the status of its last acknowledged operation (for failure reports).
        self.last_status: dict[str, int] = {}
        self.acknowledged = 0
        self.refused = 0

    def record(self, operations: list[tuple[str, str, int]], response: Any) -> None:
        with self.lock:
            for (action, doc_id, value), item in zip(operations, response["items"], strict=True):
                result = item[action]
                status = result["status"]
                self.statuses[status] += 1
                if status < 300 or (action == "delete" and status == 404):
                    self.acknowledged += 1
                    self.state[doc_id] = None if action == "delete" else value
                    self.last_status[doc_id] = status
                    self.uncertain.discard(doc_id)
                else:
                    self.refused += 1
                    self.uncertain.add(doc_id)

    def failed(self, operations: list[tuple[str, str, int]], status: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.refused += len(operations)
            self.uncertain.update(doc_id for _, doc_id, _ in operations)

    def expected(self) -> dict[str, int | None]:
        with self.lock:
            return {k: v for k, v in self.state.items() if k not in self.uncertain}


class Writers:
    """Threads writing bulk requests (new documents, deletes of acknowledged ones) until stopped."""

    def __init__(
        self, url: str, ledger: Ledger, count: int, *, padding: int = 0, retries: int = 0
    ) -> None:
        self.url = url
        self.retries = retries
        self.ledger = ledger
        self.padding = "x" * padding
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(n,), name=f"writer-{n}", daemon=True)
            for n in range(count)
        ]

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)

    def _run(self, number: int) -> None:
        client = Elasticsearch(self.url, request_timeout=60, max_retries=self.retries)
        mine: list[str] = []
        batch = 0
        while not self.stopping.is_set():
            batch += 1
            operations = [("index", f"{number}-{batch}-{n}", batch * 100 + n) for n in range(40)]
            acknowledged = [d for d in mine[-40:] if self.ledger.state.get(d) is not None]
            operations += [("delete", doc_id, 0) for doc_id in acknowledged[::8]]
            body: list[dict[str, Any]] = []
            for action, doc_id, value in operations:
                body.append({action: {"_index": INDEX, "_id": doc_id}})
                if action == "index":
                    body.append({"value": value, "padding": self.padding})
            try:
                response = client.bulk(operations=body)
            except ApiError as error:
                self.ledger.failed(operations, error.meta.status)
                time.sleep(0.02)
                continue
            except TransportError:
                self.ledger.failed(operations, 0)
                time.sleep(0.02)
                continue
            self.ledger.record(operations, response)
            mine += [doc_id for action, doc_id, _ in operations if action == "index"]
        client.close()

    def wait(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        """Seconds until ``condition`` held; AssertionError naming ``what`` after ``timeout``."""
        started = time.monotonic()
        while not condition():
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{what}: not within {timeout} s ({self.ledger.statuses})")
            time.sleep(0.02)
        return time.monotonic() - started

    def recovered(self, timeout: float = RECOVER_WITHIN) -> float:
        """Seconds until a write is acknowledged again."""
        before = self.ledger.acknowledged
        return self.wait(lambda: self.ledger.acknowledged > before, timeout, "writes resumed")


def check(url: str, ledger: Ledger) -> tuple[int, int]:
    """Every acknowledged write against the server: (documents checked, documents wrong)."""
    es = Elasticsearch(url, request_timeout=60, max_retries=10, retry_on_status=(503,))
    try:
        es.indices.refresh(index=INDEX)
        found = {
            hit["_id"]: hit["_source"]["value"]
            for hit in helpers.scan(es, index=INDEX, _source_includes=["value"])
        }
    finally:
        es.close()
    expected = ledger.expected()
    wrong = [doc_id for doc_id, value in expected.items() if found.get(doc_id) != value]
    for doc_id in wrong[:5]:  # what a failure needs to be understood
        status = ledger.last_status.get(doc_id)
        print(f"wrong: {doc_id} acknowledged {expected[doc_id]!r} ({status}),", end=" ")
        print(f"found {found.get(doc_id)!r}")
    return len(expected), len(wrong)


def check_through_restart(
    process: subprocess.Popen,
    url: str,
    ledger: Ledger,
    restart: Callable[[], tuple[subprocess.Popen, str]],
) -> tuple[int, float]:
    """Every acknowledged write live, then after SIGTERM and a restart: (documents checked,
    seconds SIGTERM took)."""
    try:
        checked, wrong = check(url, ledger)
        assert wrong == 0
        stopped = terminate(process, STOP_WITHIN)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    process, url = restart()
    try:
        assert check(url, ledger) == (checked, 0)
    finally:
        terminate(process, STOP_WITHIN)
    return checked, stopped


def create_index(url: str) -> None:
    with Elasticsearch(url) as es:
        es.indices.create(index=INDEX, settings={"refresh_interval": "100ms"})


@contextlib.contextmanager
def idle_connections(url: str, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that send nothing, held open (some may wait in the backlog)."""
    parts = urlsplit(url)
    sockets = []
    try:
        for _ in range(count):
            with contextlib.suppress(OSError):
                sockets.append(socket.create_connection((parts.hostname, parts.port), timeout=2))
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture
def descriptors() -> None:
    """Room for the test's own sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1024:
        pytest.skip(
            f"needs an open-files hard limit of 1024 (it is {hard}): raise it (ulimit -Hn 1024 "
            "in a root shell, LimitNOFILE= in a systemd unit) and run again"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1024), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_out_of_file_descriptors(tmp_path: Path, descriptors: None, figures: Any) -> None:
    """With the connection cap lifted, idle connections take every descriptor: the index writer
    fails, writes are refused, and none acknowledged is lost."""
    log = (tmp_path / "server.log").open("w")
    process, url = serve(tmp_path / "data", log, nofile=256, args=["--max-connections", "4096"])
    ledger = Ledger()
    try:
        create_index(url)
        with Writers(url, ledger, 4) as writers:
            writers.wait(lambda: ledger.acknowledged >= 2000, 60, "a first load")
            with idle_connections(url, 400):
                writers.wait(lambda: ledger.refused > 0, 60, "writes refused without descriptors")
                time.sleep(2)
            refused = ledger.refused
            recovered = writers.recovered()
            time.sleep(1)
    finally:
        log.close()
    checked, stopped = check_through_restart(process, url, ledger, lambda: serve(tmp_path / "data"))
    assert ledger.statuses[503] > 0
    assert set(ledger.statuses) <= {200, 201, 404, 503}, ledger.statuses
    figures(
        "exhaustion.descriptors",
        acknowledged=ledger.acknowledged,
        refused=refused,
        checked=checked,
        lost=0,
        recovered_in_s=round(recovered, 2),
        sigterm_s=round(stopped, 2),
    )


def test_the_connection_cap_keeps_descriptors_for_the_index(
    tmp_path: Path, descriptors: None, figures: Any
) -> None:
    """With the default cap (64 connections under 256 descriptors), the same idle connections
    are evicted or wait, and the index never lacks a descriptor: no write is refused."""
    process, url = serve(tmp_path / "data", nofile=256)
    ledger = Ledger()
    create_index(url)
    with Writers(url, ledger, 4, retries=3) as writers:
        writers.wait(lambda: ledger.acknowledged >= 2000, 60, "a first load")
        before = ledger.acknowledged
        with idle_connections(url, 400) as idle:
            time.sleep(4)
        during = ledger.acknowledged - before
    checked, _ = check_through_restart(process, url, ledger, lambda: serve(tmp_path / "data"))
    assert during > 0
    assert ledger.refused == 0, ledger.statuses
    figures(
        "exhaustion.descriptors_capped",
        idle_opened=len(idle),
        acknowledged_while_idle_held=during,
        refused=ledger.refused,
        checked=checked,
        lost=0,
    )


class Tmpfs:
    """A size-limited tmpfs at ``path``, mounted in a user and mount namespace of its own.

    A process started with :attr:`prefix` runs in that namespace and sees the tmpfs; the
    namespace lives as long as this object, so a server restarted in it finds its data.
    """

    def __init__(self, path: Path, size: str) -> None:
        path.mkdir()
        self.path = path
        script = f"mount -t tmpfs -o size={size} djangoes-test {path} && echo mounted && exec cat"
        command = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]
        self.holder = subprocess.Popen(
            [*command, "sh", "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if self.holder.stdout.readline().strip() != "mounted":
            why = self.holder.stderr.read().strip()
            self.holder.kill()
            pytest.skip(
                f"needs unprivileged user namespaces to mount a tmpfs ({why}): allow them "
                "(sysctl kernel.unprivileged_userns_clone=1, or in a container --privileged)"
            )
        self.prefix = ["nsenter", "-t", str(self.holder.pid), "-U", "-m", "--preserve-credentials"]

    def resize(self, size: str) -> None:
        options = f"remount,size={size}"
        subprocess.run([*self.prefix, "mount", "-o", options, str(self.path)], check=True)

    def close(self) -> None:
        self.holder.stdin.close()
        self.holder.wait(10)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Tmpfs]:
    if not (shutil.which("unshare") and shutil.which("nsenter")):
        pytest.skip("needs unshare and nsenter on PATH to mount a tmpfs (apt install util-linux)")
    disk = Tmpfs(tmp_path / "disk", "8m")
    yield disk
    disk.close()


def test_disk_full_then_file_size_limit(tmp_path: Path, tmpfs: Tmpfs, figures: Any) -> None:
    data = tmpfs.path / "data"
    log = (tmp_path / "server.log").open("w")
    process, url = serve(data, log, prefix=tmpfs.prefix)
    ledger = Ledger()
    try:
        create_index(url)
        with Writers(url, ledger, 2, padding=400) as writers:
            writers.wait(lambda: ledger.refused > 0, 120, "writes refused on a full disk")
            full = ledger.refused
            time.sleep(1)
            tmpfs.resize("512m")
            after_full = writers.recovered()
            time.sleep(1)
            limits = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (4096, limits[1]))
            before = ledger.refused
            writers.wait(lambda: ledger.refused > before, 60, "writes refused past a size limit")
            too_large = ledger.refused - before
            time.sleep(1)
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, limits)
            after_too_large = writers.recovered()
            time.sleep(1)
    finally:
        log.close()
    restart = lambda: serve(data, prefix=tmpfs.prefix)  # noqa: E731
    checked, stopped = check_through_restart(process, url, ledger, restart)
    assert set(ledger.statuses) <= {200, 201, 404, 503}, ledger.statuses
    figures(
        "exhaustion.disk",
        acknowledged=ledger.acknowledged,
        refused_full=full,
        refused_file_size=too_large,
        checked=checked,
        lost=0,
        recovered_after_full_s=round(after_full, 2),
        recovered_after_file_size_s=round(after_too_large, 2),
        sigterm_s=round(stopped, 2),
    )
