"""The engine never acknowledges a write it cannot keep, and recovers by itself.

Real descriptor exhaustion and full disks are in ``tests/reliability/test_exhaustion.py``, with
the server in its own process. Here, in this process, the faults that cannot be produced for real
on demand are injected where they would arise: a translog whose writes fail with ENOSPC (it is
pointed at ``/dev/full``, which fails every write so), a tantivy writer whose indexing threads
die, and one that drops a document without a word (what tantivy does after such a death).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import ApiError

from djangoes_backends_embedded import client as embedded_client
from djangoes_engine import Engine
from djangoes_engine.engines import close_engine, get_engine
from djangoes_engine.errors import ShardUnavailable
from djangoes_engine.translog import Translog

KILLED = (
    "An error occurred in a thread: 'An index writer was killed.. A worker thread "
    "encountered an error (io::Error most likely) or panicked.'"
)


class DyingWriter:
    """A tantivy writer whose indexing threads die: every call fails as tantivy's then do."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> None:
            raise ValueError(KILLED)

        return fail


class ForgetfulWriter:
    """Wraps a real writer, and drops the next document without a word."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.dropped = False

    def add_json(self, document: str) -> None:
        if not self.dropped:
            self.dropped = True
            return
        self.writer.add_json(document)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.writer, name)


@pytest.fixture
def disk_es(tmp_path: Path) -> Any:
    client = embedded_client(str(tmp_path)).options(max_retries=0)  # to see each 503
    client.indices.create(index="docs", settings={"refresh_interval": "-1"})
    yield client, get_engine(str(tmp_path)).indices["docs"]
    client.close()
    close_engine(str(tmp_path))


@pytest.fixture
def memory_es() -> Any:
    engine = Engine(refresh_thread=False)
    index = engine.create_index("docs", {"settings": {"refresh_interval": "-1"}})
    yield engine, index
    engine.close()


def test_a_dead_writer_refuses_writes_then_heals_from_the_translog(disk_es: Any) -> None:
    es, index = disk_es
    es.index(index="docs", id="committed", document={"n": 1}, refresh=True)
    es.index(index="docs", id="pending", document={"n": 2})
    index.store.writer = DyingWriter()
    with pytest.raises(ApiError) as refused:
        es.index(index="docs", id="refused", document={"n": 3})
    assert refused.value.meta.status == 503
    assert refused.value.error == "unavailable_shards_exception"
    assert "[docs][0] primary shard is not active" in str(refused.value.info)
    assert "An index writer was killed" in str(refused.value.info)
    assert index.failure is not None
    # The next write recovers first: a new writer, the last commit, the translog replayed.
    es.index(index="docs", id="after", document={"n": 4}, refresh=True)
    assert index.failure is None
    assert {hit["_id"] for hit in es.search(index="docs")["hits"]["hits"]} == {
        "committed",
        "pending",
        "after",
    }
    assert not es.exists(index="docs", id="refused")


def test_a_dead_writer_in_a_bulk_fails_only_its_items(disk_es: Any) -> None:
    es, index = disk_es
    index.store.writer = DyingWriter()
    response = es.bulk(
        operations=[
            {"index": {"_index": "docs", "_id": "lost"}},
            {"n": 1},
            {"index": {"_index": "other", "_id": "kept"}},
            {"n": 2},
        ]
    )
    assert response["errors"]
    assert response["items"][0]["index"]["status"] == 503
    assert response["items"][1]["index"]["status"] == 201
    assert es.get(index="other", id="kept")["_source"] == {"n": 2}


def test_a_commit_that_lost_a_document_keeps_the_translog(disk_es: Any, tmp_path: Path) -> None:
    es, index = disk_es
    es.index(index="docs", id="a", document={"n": 1})
    index.store.writer = ForgetfulWriter(index.store.writer)
    es.index(index="docs", id="b", document={"n": 2})  # accepted, then dropped by tantivy
    es.index(index="docs", id="c", document={"n": 3})
    # The commit holds two documents where three are live: it is not trusted with the translog.
    with pytest.raises(ApiError) as refused:
        es.indices.refresh(index="docs")
    assert refused.value.meta.status == 503
    assert "the commit holds 2 documents where 3 are live" in str(refused.value.info)
    assert os.path.getsize(tmp_path / "indices" / index.uuid / "translog") > 0
    index._heal_at = 0
    es.indices.refresh(index="docs")  # recovers: the translog replayed over the last commit
    assert es.count(index="docs")["count"] == 3
    es.close()
    close_engine(str(tmp_path))
    reopened = embedded_client(str(tmp_path))
    assert reopened.get(index="docs", id="b")["_source"] == {"n": 2}
    assert reopened.count(index="docs")["count"] == 3
    reopened.close()


def test_a_translog_that_cannot_be_written_fails_every_write_it_held(disk_es: Any) -> None:
    es, index = disk_es
    es.index(index="docs", id="before", document={"n": 0})
    first = index.mark()
    index.index("a", b'{"n":1}', {"n": 1})
    second = index.mark()
    index.index("b", b'{"n":2}', {"n": 2})
    real = index.translog.file
    index.translog.file = open("/dev/full", "ab", buffering=0)  # noqa: SIM115 (every write: ENOSPC)
    with pytest.raises(ShardUnavailable, match="No space left on device"):
        index.sync(second)
    # The write of "a" was in the same lost write of the translog: its request is told too.
    with pytest.raises(ShardUnavailable, match="not kept"):
        index.sync(first)
    index.translog.file.close()
    real.close()
    index._heal_at = 0
    # Recovery reopens the translog and replays it: what was acknowledged, no more.
    es.index(index="docs", id="after", document={"n": 3}, refresh=True)
    assert es.get(index="docs", id="before")["_source"] == {"n": 0}
    assert not es.exists(index="docs", id="a")
    assert not es.exists(index="docs", id="b")
    assert es.count(index="docs")["count"] == 2


def test_recovery_backs_off_while_the_cause_lasts(disk_es: Any) -> None:
    es, index = disk_es
    index.store.writer = DyingWriter()
    with pytest.raises(ApiError):
        es.index(index="docs", id="1", document={"n": 1})
    index._heal_backoff = 3600  # the next attempt is the first: the one after, in an hour
    attempts = 0
    real_reopen = index._reopen

    def failing_reopen() -> None:
        nonlocal attempts
        attempts += 1
        raise OSError(24, "Too many open files")

    index._reopen = failing_reopen
    for _ in range(20):  # writes in a tight loop: refused at once, recovery tried once
        with pytest.raises(ApiError) as refused:
            es.index(index="docs", id="1", document={"n": 1})
        assert refused.value.meta.status == 503
    assert attempts == 1
    assert "Too many open files" in str(refused.value.info)
    index._reopen = real_reopen
    index._heal_at = 0
    es.index(index="docs", id="1", document={"n": 1})
    assert index.failure is None


def test_an_index_in_memory_heals_from_its_last_commit_and_pending_writes(
    memory_es: Any,
) -> None:
    _, index = memory_es
    index.index("committed", b'{"n":1}', {"n": 1})
    index.refresh()
    index.index("pending", b'{"n":2}', {"n": 2})
    index.delete("committed")
    index.store.writer = DyingWriter()
    with pytest.raises(ShardUnavailable):
        index.index("refused", b'{"n":3}', {"n": 3})
    index.index("after", b'{"n":4}', {"n": 4})
    index.refresh()
    assert index.failure is None
    assert index.count() == 2
    assert index.get("pending").source_dict() == {"n": 2}
    assert index.get("committed") is None
    assert index.get("refused") is None


def test_a_torn_tail_is_cut_off_so_later_records_are_replayed(tmp_path: Path) -> None:
    path = str(tmp_path / "translog")
    translog = Translog(path)
    translog.add({"op": "index", "id": "1", "s": 0, "v": 1}, b"{}")
    translog.close()
    with open(path, "ab") as handle:  # a record torn by a crash: its header, half its payload
        handle.write(struct.pack("<II", 100, 0) + b'{"op":')
    translog = Translog(path)
    translog.add({"op": "index", "id": "2", "s": 1, "v": 1}, b"{}")
    translog.close()
    assert [record["id"] for record in Translog.replay(path)] == ["1", "2"]


def test_a_client_that_retries_never_sees_a_passing_failure(tmp_path: Path) -> None:
    es = embedded_client(str(tmp_path))  # elasticsearch-py retries a 503 by default
    try:
        es.index(index="docs", id="1", document={"n": 1})
        get_engine(str(tmp_path)).indices["docs"].store.writer = DyingWriter()
        assert es.index(index="docs", id="2", document={"n": 2})["result"] == "created"
        es.indices.refresh(index="docs")
        assert es.count(index="docs")["count"] == 2
    finally:
        es.close()
        close_engine(str(tmp_path))


def test_stopping_gives_up_on_an_engine_that_does_not_close(tmp_path: Path) -> None:
    """A request stuck in an index (holding its lock) must not keep the server from stopping."""
    script = f"""
import threading, time
from djangoes_engine.cli import close_in_time
from djangoes_engine import Engine
engine = Engine({str(tmp_path)!r})
index = engine.create_index("docs")
index.index("1", b'{{"n":1}}', {{"n": 1}})
index.sync(-1)
held = threading.Event()
def hold():
    index.lock.acquire()  # held, never released
    held.set()
    # Stay alive: a finished thread's ident is reused, and an RLock whose owner's ident the
    # closing thread happens to get lets it in.
    threading.Event().wait()
threading.Thread(target=hold, daemon=True).start()
held.wait()  # on a loaded machine the thread may start late: close only once it holds the lock
close_in_time(engine, 1.0)
print("not reached")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "not reached" not in done.stdout
    assert "did not close within 1 s" in done.stderr
    assert "the next start replays the translogs" in done.stderr
    # And the acknowledged write is there at the next start.
    es = embedded_client(str(tmp_path))
    try:
        assert es.get(index="docs", id="1")["_source"] == {"n": 1}
    finally:
        es.close()
        close_engine(str(tmp_path))
