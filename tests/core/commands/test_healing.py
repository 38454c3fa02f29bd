"""A rebuild that dies heals: its lease expires, and the next write or command undoes it.

A rebuild is "killed" here at each of its steps as a SIGKILL would leave it: the
``rebuild_step`` signal raises an exception nothing catches, and the rebuild's own clean-up is
switched off (its lease is no longer renewed, as its thread would die with the process).
``tests/reliability/test_rebuild_crash.py`` kills real ``manage.py`` processes.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, execute_from_command_line
from django.test import override_settings

from djangoes import AsyncConnectionHandler, connections
from djangoes.backends.library import plain
from djangoes.live import live_index
from djangoes.rebuild import RebuildError, healing, lease, rebuild, steps
from djangoes.rebuild.healing import KEPT
from djangoes.rebuild.lease import LEASE_ID
from djangoes.rebuild.names import marker
from djangoes.rebuild.process import Rebuild
from djangoes.signals import rebuild_step
from tests.libraries import bulk, error

from .helpers import TTL, create, documents, handler_of, run

pytestmark = pytest.mark.usefixtures("configured")

#: ES_REBUILD_LEASE in these tests: a killed rebuild heals this long after its last renewal.
LEASE = 0.5


class Killed(BaseException):
    """What SIGKILL is to a rebuild, in this process: nothing of it runs after this."""


@contextmanager
def at(step: str, action: Any) -> Iterator[None]:
    """Run ``action(rebuild)`` when a rebuild reaches ``step``."""

    def receiver(sender: Any, rebuild: Rebuild, step: str, **kwargs: Any) -> None:
        if step == wanted:
            action(rebuild)

    wanted = step
    rebuild_step.connect(receiver, weak=False)
    try:
        yield
    finally:
        rebuild_step.disconnect(receiver)


def kill(rebuild: Rebuild) -> None:
    raise Killed


def killed_at(connection: Any, step: str, monkeypatch: pytest.MonkeyPatch, **options: Any) -> str:
    """Rebuild 'blog' and kill it at ``step``; the name of its journal."""
    assert step in Rebuild.STEPS
    seen: list[Rebuild] = []
    with monkeypatch.context() as patched, at(step, lambda r: (seen.append(r), kill(r))):
        patched.setattr(Rebuild, "_undo", lambda self, live: "")
        with pytest.raises(Killed):
            rebuild(connection, "blog", **options)
    return seen[0].journal


def expire() -> None:
    """Let the lease of a killed rebuild run out (it is no longer renewed)."""
    time.sleep(LEASE * 1.5)


def state(connection: Any, prefix: str) -> tuple[str | None, set[str], set[str], bool]:
    """(the live index, its aliases, every index of the test, whether the live one is blocked)."""
    client = connection.client
    live = live_index(client, f"{prefix}blog")
    found = client.indices.get(index=f"{prefix}*", expand_wildcards="all")
    blocked = found[live.index]["settings"]["index"].get("blocks", {}).get("write") == "true"
    return live.index, set(live.aliases), set(plain(found)), blocked


def requests_of(connection: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (method, path) of every request ``connection`` sends from now on."""
    sent: list[tuple[str, str]] = []
    transport = connection.client.transport
    original = transport.perform_request

    def perform_request(method: str, target: str, **kwargs: Any) -> Any:
        sent.append((method, target))
        return original(method, target, **kwargs)

    monkeypatch.setattr(transport, "perform_request", perform_request)
    return sent


@pytest.fixture(autouse=True)
def short_lease() -> Iterator[None]:
    with override_settings(ES_REBUILD_LEASE=LEASE):
        yield


@pytest.fixture
def handler(server: dict[str, Any], prefix: str) -> Any:
    return handler_of(server, {"blog": {"NAME": f"{prefix}blog", "ALIASES": [f"{prefix}b"]}})


@pytest.fixture
def connection(handler: Any) -> Any:
    connection = handler["default"]
    create(connection, "blog")
    bulk(connection, ({"_id": str(n), "n": n} for n in range(20)), refresh=True)
    return connection


# Before the swap: rolled back by the next write


@pytest.mark.parametrize("step", Rebuild.STEPS[:6])
def test_a_rebuild_killed_before_its_swap_is_rolled_back_by_a_write(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    journal = killed_at(connection, step, monkeypatch)
    blocked = step in ("final_pass", "swapping")
    assert state(connection, prefix)[3] is blocked
    if not blocked:  # within the lease, writes are journaled: the rebuild may be alive
        time.sleep(TTL * 2)  # the marker is known
        connection.index(id="during", document={"n": -1})
        connection.client.indices.refresh(index=journal)
        assert connection.client.count(index=journal, query={"term": {"id": "during"}})["count"]
    expire()

    connection.index(id="after", document={"n": -2})  # held by the block, if any, then healed

    assert state(connection, prefix) == (
        f"{prefix}blog",
        {f"{prefix}b"},
        {f"{prefix}blog"},
        False,
    )
    found = documents(connection, f"{prefix}b")
    assert len(found) == 20 + (not blocked) + 1
    assert found["after"] == {"n": -2}


def test_a_write_held_by_the_block_of_a_dead_rebuild_goes_through(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed_at(connection, "final_pass", monkeypatch)
    with pytest.raises(error(connection, "forbidden")):  # writes not through djangoes are refused
        connection.client.index(index=f"{prefix}blog", id="x", document={})
    started = time.monotonic()
    connection.index(id="held", document={"n": 1})
    bulk = connection.bulk(operations=[{"index": {"_id": "bulk"}}, {"n": 2}])
    assert not bulk["errors"]
    print(f"held for {time.monotonic() - started:.2f} s (lease {LEASE} s)")
    assert documents(connection, f"{prefix}b")["held"] == {"n": 1}


def healer_dies_after_removing_the_marker(connection: Any, journal: str, prefix: str) -> None:
    expire()
    found = steps.run(healing.read(journal), connection.client)
    steps.run(lease.take(found.marker, found.lease, "healer (dies)", LEASE), connection.client)
    connection.client.indices.delete_alias(index=journal, name=marker(f"{prefix}blog"))
    expire()


def test_a_write_unaware_of_the_rebuild_heals_a_block_left_behind(
    handler: Any, connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A healer that died after removing the marker leaves the block alone: a write that meets
    it, knowing of no rebuild, finds the journal behind it once the healer's lease expires."""
    journal = killed_at(connection, "final_pass", monkeypatch)
    healer_dies_after_removing_the_marker(connection, journal, prefix)
    fresh = handler_of(connection.server, {"blog": connection.server_indices["blog"]})["default"]
    fresh.index(id="after", document={"n": 1})
    assert state(fresh, prefix) == (f"{prefix}blog", {f"{prefix}b"}, {f"{prefix}blog"}, False)
    bulk(fresh, [{"_id": "bulk", "n": 2}])  # bulk items meet no block now either


def test_a_bulk_unaware_of_the_rebuild_heals_a_block_left_behind(
    handler: Any, connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = killed_at(connection, "final_pass", monkeypatch)
    healer_dies_after_removing_the_marker(connection, journal, prefix)
    fresh = handler_of(connection.server, {"blog": connection.server_indices["blog"]})["default"]
    response = fresh.bulk(operations=[{"index": {"_id": "a"}}, {"n": 1}, {"delete": {"_id": "1"}}])
    assert not response["errors"]
    assert state(fresh, prefix)[2:] == ({f"{prefix}blog"}, False)


def test_a_block_that_is_no_rebuild_s_fails_writes_at_once(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection.client.indices.add_block(index=f"{prefix}blog", block="write")
    sent = requests_of(connection, monkeypatch)
    with pytest.raises(error(connection, "forbidden")):
        connection.index(id="x", document={})
    assert [target for _, target in sent if "/_doc/x" in target] == [f"/{prefix}b/_doc/x"]


def test_an_async_write_heals(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed_at(connection, "final_pass", monkeypatch)
    expire()
    handler = handler_of(connection.server, {"blog": connection.server_indices["blog"]})

    aconnections = AsyncConnectionHandler(handler)

    async def write() -> None:
        await aconnections["default"].index(id="async", document={"n": 1})

    asyncio.run(write())
    assert state(connection, prefix) == (f"{prefix}blog", {f"{prefix}b"}, {f"{prefix}blog"}, False)


def test_many_writers_heal_once(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    killed_at(connection, "final_pass", monkeypatch)
    expire()
    indices = {"blog": connection.server_indices["blog"]}
    handlers = [handler_of(connection.server, indices) for _ in range(6)]
    start = threading.Barrier(len(handlers))
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            start.wait()
            handlers[number]["default"].index(id=f"w{number}", document={"n": number})
        except BaseException as error:
            errors.append(error)

    with caplog.at_level(logging.WARNING, logger="djangoes.rebuild"):
        threads = [threading.Thread(target=write, args=(n,)) for n in range(len(handlers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    healed = [r for r in caplog.records if "rolled back the rebuild" in r.getMessage()]
    assert len(healed) == 1, [r.getMessage() for r in healed]
    assert state(connection, prefix)[2:] == ({f"{prefix}blog"}, False)
    assert {f"w{n}" for n in range(6)} <= documents(connection, f"{prefix}b").keys()


# After the swap: writes are not affected; commands finish the rebuild


@pytest.mark.parametrize("step", ["swapped", "cleaning"])
def test_a_rebuild_killed_after_its_swap_is_finished_by_a_command(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    first = rebuild(connection, "blog").new
    journal = killed_at(connection, step, monkeypatch)
    new = journal.removesuffix(".djangoes-journal")
    connection.index(id="after", document={"n": 1}, refresh=True)  # to the new index
    assert live_index(connection.client, f"{prefix}blog").index == new
    assert connection.get(id="after", index=new)["found"]
    expire()

    output = run("es_indices", "create", "blog")

    assert f"  Finished a rebuild of blog that died on 'default' ({first} -> {new})" in output
    assert state(connection, prefix) == (
        new,
        {f"{prefix}blog", f"{prefix}b"},
        {new},
        False,
    )


def test_a_killed_keep_old_rebuild_keeps_the_old_index(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = rebuild(connection, "blog").new
    journal = killed_at(connection, "swapped", monkeypatch, keep_old=True)
    expire()
    run("es_indices", "rebuild", "blog")
    mappings = connection.client.indices.get_mapping(index=first)[first]["mappings"]
    assert KEPT in mappings["_meta"]
    connection.client.index(index=first, id="writable", document={})
    assert not connection.client.indices.exists(index=journal)


# Never a rebuild whose lease is renewed


def test_a_rebuild_paused_longer_than_its_lease_is_not_undone(
    handler: Any, connection: Any, prefix: str
) -> None:
    """Its thread renews the lease: writes held all along by its final pass never undo it."""
    paused, resume = threading.Event(), threading.Event()
    results: list[Any] = []
    written: list[Any] = []

    def pause(rebuild: Rebuild) -> None:
        paused.set()
        resume.wait(30)

    def write(number: int) -> None:
        written.append(handler["default"].index(id=f"held{number}", document={"n": number}))

    with at("final_pass", pause):
        rebuilding = threading.Thread(target=lambda: results.append(rebuild(connection, "blog")))
        rebuilding.start()
        assert paused.wait(30)
        writers = []
        for number in range(4):  # one more write held each lease
            writers.append(threading.Thread(target=write, args=(number,)))
            writers[-1].start()
            time.sleep(LEASE)
        assert written == []
        assert state(connection, prefix)[3] is True
        assert connection.client.indices.exists_alias(
            name=marker(f"{prefix}blog"), expand_wildcards="all"
        )
        resume.set()
        rebuilding.join()
    for writer in writers:
        writer.join()
    assert len(written) == 4
    assert live_index(connection.client, f"{prefix}blog").index == results[0].new
    assert {f"held{n}" for n in range(4)} <= documents(connection, f"{prefix}b").keys()


def test_a_rebuild_whose_lease_was_taken_fails_cleanly(connection: Any, prefix: str) -> None:
    errors: list[BaseException] = []

    def freeze(rebuild: Rebuild) -> None:
        rebuild.renewal.stop()  # as a process paused (or cut off) for longer than its lease
        expire()
        connection.index(id="meanwhile", document={"n": 1})  # heals: takes the lease over

    with at("catching_up", freeze):
        try:
            rebuild(connection, "blog")
        except RebuildError as error:
            errors.append(error)
    assert "Run it again" in str(errors[0])
    assert state(connection, prefix) == (f"{prefix}blog", {f"{prefix}b"}, {f"{prefix}blog"}, False)
    assert documents(connection, f"{prefix}b")["meanwhile"] == {"n": 1}


def test_a_renewed_lease_is_read_once_per_renewal_not_per_write(
    connection: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, str]] = []

    def write_many(rebuild: Rebuild) -> None:
        with monkeypatch.context() as patched:
            requests = requests_of(connection, patched)
            for number in range(30):
                connection.index(id=f"w{number}", document={"n": number})
            sent.extend(requests)

    with override_settings(ES_REBUILD_LEASE=60), at("catching_up", write_many):
        rebuild(connection, "blog")
    reads = [target for method, target in sent if method == "GET" and LEASE_ID in target]
    assert len(reads) == 1


# The journal


def test_the_journal_has_no_replica_on_one_node(connection: Any, prefix: str) -> None:
    seen: list[tuple[Any, Any]] = []

    def look(rebuild: Rebuild) -> None:
        client = connection.client
        settings = client.indices.get_settings(index=rebuild.journal)[rebuild.journal]
        health = client.cluster.health(index=rebuild.journal, level="indices")
        seen.append((settings["settings"]["index"], health["status"]))

    with at("created", look):
        rebuild(connection, "blog")
    index_settings, status = seen[0]
    assert (index_settings["number_of_replicas"], index_settings["auto_expand_replicas"]) == (
        "0",
        "0-1",
    )
    assert status == "green"


# What es_check and es_indices list report, and how --abort fixes it


def check_fails() -> str:
    with pytest.raises(CommandError) as raised:
        run("es_check", "blog")
    return str(raised.value)


FIX = "run: manage.py es_indices rebuild --abort blog --using default"


def test_a_running_rebuild_is_reported_as_such(prefix: str) -> None:
    connection = connections["default"]
    create(connection, "blog")
    reported: list[str] = []

    def look(rebuild: Rebuild) -> None:
        reported.append(run("es_check", "blog"))
        reported.append(run("es_indices", "list", "blog"))

    with at("final_pass", look):
        rebuild(connection, "blog")
    checked, listed = reported
    assert f"  OK rebuild running ({prefix}blog -> {prefix}blog__" in checked
    assert "holding writes for its final pass): its lease, held by rebuild " in checked
    assert "     rebuild    rebuild running (" in listed


def test_a_dead_rebuild_is_an_error_until_fixed(
    prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = connections["default"]
    create(connection, "blog")
    killed_at(connection, "final_pass", monkeypatch)
    expire()

    failed = check_fails()
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "es_check", "blog"])
    assert exited.value.code == 1
    listed = run("es_indices", "list", "blog", "--verbosity", "0")
    abort = run("es_indices", "rebuild", "--abort", "blog", "--noinput")

    assert "a rebuild died" in failed and f"the write block on {prefix}blog" in failed
    assert FIX in failed
    assert listed.startswith(" [X] blog\n     ERROR      a rebuild died (")
    assert FIX in listed
    assert f"  Rolled back the rebuild {prefix}blog -> {prefix}blog__" in abort
    assert "ERROR" not in run("es_check", "blog")


def test_an_orphan_journal_is_an_error(prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    connection = connections["default"]
    create(connection, "blog")
    rebuild(connection, "blog")
    journal = killed_at(connection, "cleaning", monkeypatch)
    expire()
    failed = check_fails()
    assert f"orphan journal {journal} of a rebuild that ended or died" in failed and FIX in failed
    assert "  Finished the rebuild " in run("es_indices", "rebuild", "--abort", "--noinput")
    run("es_check", "blog")


def test_a_write_block_left_on_the_live_index_is_an_error(prefix: str) -> None:
    connection = connections["default"]
    create(connection, "blog")
    connection.client.indices.add_block(index=f"{prefix}blog", block="write")
    failed = check_fails()
    assert f"write block on the live index {prefix}blog, and no rebuild running" in failed
    assert FIX in failed
    output = run("es_indices", "rebuild", "--abort", "blog", "--noinput")
    assert f"  Lifted the write block on {prefix}blog (blog on 'default')" in output
    connection.index(index=f"{prefix}blog", id="x", document={})


def test_an_orphan_versioned_index_is_an_error_a_kept_one_is_not(prefix: str) -> None:
    connection = connections["default"]
    create(connection, "blog")
    rebuild(connection, "blog")
    kept = rebuild(connection, "blog", keep_old=True).old
    orphan = f"{prefix}blog__20200101t000000"
    connection.client.indices.create(index=orphan)

    failed = check_fails()
    assert f"orphan index {orphan}: no alias points to it, and no rebuild owns it" in failed
    assert kept not in failed
    listed = run("es_indices", "list", "blog")
    assert f"WARNING    index {kept} kept by a rebuild (--keep-old), unused" in listed
    aborted = run("es_indices", "rebuild", "--abort", "blog", "--noinput")
    assert f"  Deleted the orphan index {orphan}" in aborted
    assert connection.client.indices.exists(index=kept)
    run("es_check", "blog")
