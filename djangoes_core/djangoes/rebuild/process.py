"""A zero-downtime rebuild of one configured index, step by step.

1. A journal index is created with the marker alias and the rebuild's lease (see :mod:`.lease`),
   which a thread renews from then on; it records what the rebuild does, so that whoever finds
   the lease expired can undo it (see :mod:`.healing`). It is deleted last.
2. A new index ``NAME__<time>`` is created with the current ``SETTINGS`` (no alias yet); the
   rebuild waits longer than ``ES_REBUILD_TTL``, so every connection writing from then on
   journals its writes.
3. The documents are copied: the live index reindexed, or ``SOURCE``'s documents indexed.
4. Catch-up passes re-copy the documents written meanwhile (see :mod:`.catchup`), until few are
   left; then a write block on the live index holds writes (connections send them again) for
   the final pass.
5. One ``update_aliases`` call moves every alias to the new index and removes the marker (which
   must still exist: a by-query write cancels a rebuild by removing it). A concrete ``NAME``
   (before the first rebuild) is removed by the same call, so that ``NAME`` becomes an alias.
6. The old index is deleted, unless kept (then its block is lifted); the journal last.

Any failure before step 5 undoes what was done: the aliases never left the live index. A
rebuild whose process dies is undone by the writes or commands that find its lease expired.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import conf, signals
from ..backends.library import lenient, server_errors, status_of
from ..live import LiveIndex, live_index
from . import fill, healing, markers, names, source, steps
from . import lease as leases
from .catchup import CatchUp
from .leftovers import clean_up

if TYPE_CHECKING:
    from ..backends.abstracts import Base

#: How much longer than ``ES_REBUILD_TTL`` the rebuild waits before copying.
WAIT_FACTOR = 1.25
#: Catch-up passes run until one copies fewer documents than a batch, or this many have run.
MAX_PASSES = 5
#: A journal has one shard, and no replica on a one-node cluster (it would stay unassigned, and
#: the cluster yellow): as Elasticsearch's own system indices, one replica once there are nodes
#: to hold it.
JOURNAL_SETTINGS = {
    "index.hidden": True,
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "auto_expand_replicas": "0-1",
}
JOURNAL_MAPPINGS = {
    "dynamic": False,
    "properties": {
        "kind": {"type": "keyword"},
        "id": {"type": "keyword"},
        "routing": {"type": "keyword"},
    },
}


class RebuildError(Exception):
    """A rebuild failed; the live index and its aliases are as they were."""


@dataclass(frozen=True)
class Result:
    index: str
    old: str
    new: str
    copied: int
    caught_up: int
    kept_old: bool
    seconds: float


def _ignore(*args: Any) -> None:
    pass


def _old(live: LiveIndex) -> str:
    """The index a rebuild replaces: ``Rebuild._check`` refuses to start without one."""
    assert live.index is not None
    return live.index


class Rebuild:
    """Rebuild ``index`` (an ``ES_INDICES`` key) of ``connection``.

    ``notify(message, verbosity)`` hears of each step (verbosity 2: a detail), and
    ``progress(done, total)`` of the copy. The ``djangoes.signals.rebuild_step`` signal is
    sent at each of ``STEPS``.
    """

    #: Where a rebuild is, in order: its journal and marker made (with its lease), the new
    #: index made, documents copied, a catch-up pass done, the live index blocked for the final
    #: pass, the aliases about to move, moved, the old index gone (or kept) and the journal next.
    STEPS = (
        "journal",
        "created",
        "copying",
        "catching_up",
        "final_pass",
        "swapping",
        "swapped",
        "cleaning",
    )

    def __init__(
        self,
        connection: Base,
        index: str,
        *,
        keep_old: bool = False,
        batch_size: int = 500,
        notify: Callable[[str, int], None] = _ignore,
        progress: fill.Progress = _ignore,
    ) -> None:
        if index not in connection.server_indices:
            raise RebuildError(
                f"connection {connection.alias!r} does not serve the index {index!r} "
                f"(it serves: {', '.join(connection.server_indices) or 'none'})"
            )
        if not conf.rebuilds(connection.server_indices[index]):
            raise RebuildError(
                f"ES_INDICES[{index!r}]['REBUILD'] is not True: writes to that index are not "
                "journaled, so a rebuild would lose those made during its copy; set it (in the "
                "settings of every process that writes to the index) to rebuild it"
            )
        self.connection = connection
        self.client = connection.client
        self.index = index
        self.settings = connection.server_indices[index]
        self.name = self.settings["NAME"]
        self.keep_old = keep_old
        self.batch_size = batch_size
        self.notify = notify
        self.progress = progress
        self.blocked: str | None = None
        self.new = self.journal = ""
        self.renewal: leases.Renewal | None = None

    def run(self) -> Result:
        started = time.monotonic()
        live = self._check()
        documents = self._source()
        self.new = names.versioned(self.name, lambda n: bool(self.client.indices.exists(index=n)))
        self.journal = names.journal(self.new)
        try:
            copied, caught_up = self._build(live, documents)
            self._swap(live)
        except BaseException as error:
            problems = self._undo(live)
            if not isinstance(error, Exception):
                raise
            raise RebuildError(
                f"The rebuild of {self.name!r} failed, and {live.index!r} is still live: "
                f"{error}{problems}"
            ) from error
        finally:
            self._stop_renewal()  # the swap has moved the marker: no lease can be renewed
        self._finish(live)
        return Result(
            self.index,
            _old(live),
            self.new,
            copied,
            caught_up,
            self.keep_old,
            time.monotonic() - started,
        )

    # Before anything is created

    def _check(self) -> LiveIndex:
        self._heal()
        live = live_index(self.client, self.name)
        if not live.exists:
            raise RebuildError(
                f"{self.name!r} (ES_INDICES[{self.index!r}]) does not exist on connection "
                f"{self.connection.alias!r}: create it first (manage.py es_indices create)"
            )
        if self._replaces_name(live) and self.keep_old:
            raise RebuildError(
                f"{self.name!r} is an index, not an alias: the rebuild makes it an alias of the "
                "new index, which deletes the index of that name, so --keep-old cannot keep it"
            )
        return live

    def _heal(self) -> None:
        """Undo the rebuilds of this index that died; refuse to start while one runs."""
        running = []
        for journal in steps.run(healing.of(self.name), self.client):
            outcome = steps.run(healing.heal(journal), self.client)
            if outcome is None:
                running.append(f"{journal.index!r} exists, its lease held by {journal.lease.owner}")
            else:
                self.notify(
                    f"{outcome.capitalize()} a rebuild of {self.index} that died "
                    f"({journal.old} -> {journal.new}; its lease expired "
                    f"{-journal.lease.remaining():.0f} s ago)",
                    1,
                )
        if not running and self._marker_exists():  # on an index that is no journal of ours
            running.append(f"{names.marker(self.name)!r} exists")
        if running:
            raise RebuildError(
                f"a rebuild of {self.name!r} is running, or was interrupted ({running[0]}): "
                "wait for it to end, or clean it up with "
                f"manage.py es_indices rebuild --abort {self.index}"
            )

    def _source(self) -> Callable[[], Any] | None:
        path = self.settings.get("SOURCE")
        if path is None:
            return None
        return source.load(path, conf.where("ES_INDICES", self.index, "SOURCE"))

    def _replaces_name(self, live: LiveIndex) -> bool:
        return not live.is_alias

    # Building

    def _build(self, live: LiveIndex, documents: Callable[[], Any] | None) -> tuple[int, int]:
        self._create(live)
        time.sleep(markers.ttl() * WAIT_FACTOR)  # every connection now knows of the marker
        copied = self._copy(live, documents)
        catch_up = CatchUp(self.client, self.journal, _old(live), self.new, self.batch_size)
        caught_up = 0
        for _ in range(MAX_PASSES):
            self._check_running()
            done = catch_up.run()
            caught_up += done
            self._step("catching_up")
            if done < self.batch_size:
                break
        self._check_running()
        self.notify(f"Holding writes to {live.index!r} for the final pass", 1)
        self.blocked = live.index  # set first: a block that was put but not answered is lifted
        self.client.indices.add_block(index=live.index, block="write")
        self._step("final_pass")
        caught_up += catch_up.run()
        self.client.indices.refresh(index=self.new)
        return copied, caught_up

    def _create(self, live: LiveIndex) -> None:
        """The journal with the marker and the lease, then the new index (its aliases come at
        the swap): whatever the rebuild makes is recorded before it exists."""
        body = {k: v for k, v in (self.settings.get("SETTINGS") or {}).items() if k != "aliases"}
        self.notify(f"Creating {self.new!r}", 2)
        marker = names.marker(self.name)
        length = leases.seconds()
        owner = leases.owner("rebuild")
        state = {**self._meta(live), "lease": length, "owner": owner}
        state["expires"] = time.time() + length
        self.client.indices.create(
            index=self.journal,
            settings=JOURNAL_SETTINGS,
            mappings={**JOURNAL_MAPPINGS, "_meta": {healing.META: state}},
            aliases={marker: {"is_hidden": True}},
        )
        self.renewal = leases.Renewal(
            self.client, marker, self.journal, leases.initial(state), length
        )
        self.renewal.start()
        self._step("journal")
        self.client.indices.create(index=self.new, **body)
        self._step("created")

    def _copy(self, live: LiveIndex, documents: Callable[[], Any] | None) -> int:
        started: list[bool] = []

        def progress(done: int, total: int | None) -> None:
            self.progress(done, total)
            if done and not started:
                started.append(True)
                self._step("copying")

        if documents is None:
            self.notify(f"Copying the documents of {live.index!r}", 1)
            return fill.reindex(
                self.client, _old(live), self.new, batch_size=self.batch_size, progress=progress
            )
        self.notify(f"Indexing the documents of {self.settings['SOURCE']!r}", 1)
        return fill.from_source(
            self.client, self.new, documents, batch_size=self.batch_size, progress=progress
        )

    def _meta(self, live: LiveIndex) -> dict[str, Any]:
        """What healing or ``--abort`` needs to clean up after an interrupted rebuild."""
        return {
            "index": self.index,
            "name": self.name,
            "old": live.index,
            "new": self.new,
            "keep_old": self.keep_old,
        }

    def _step(self, step: str) -> None:
        signals.rebuild_step.send(sender=Rebuild, rebuild=self, step=step)

    def _marker_exists(self) -> bool:
        # The marker is hidden: as in Elasticsearch's default, look among hidden aliases too.
        marker = names.marker(self.name)
        return bool(self.client.indices.exists_alias(name=marker, expand_wildcards="all"))

    def _check_running(self) -> None:
        """Fail (and undo) if a by-query write cancelled the rebuild, or its lease was lost."""
        if (self.renewal is not None and self.renewal.lost) or not self._marker_exists():
            raise self._cancelled()

    def _cancelled(self) -> RebuildError:
        if self.renewal is not None and self.renewal.taken_by:
            return RebuildError(_LOST.format(taken_by=self.renewal.taken_by))
        return RebuildError(_CANCELLED)

    def _stop_renewal(self) -> None:
        if self.renewal is not None:
            self.renewal.stop()

    # Swapping

    def _swap(self, live: LiveIndex) -> None:
        self._check_running()
        moving = self._aliases(live)
        self.notify(f"Moving {', '.join(sorted(moving))} to {self.new!r}", 1)
        marker = names.marker(self.name)
        actions: list[dict[str, Any]] = [
            {"remove": {"index": self.journal, "alias": marker, "must_exist": True}}
        ]
        if self._replaces_name(live):
            actions.append({"remove_index": {"index": live.index}})
        else:
            actions += [
                {"remove": {"index": live.index, "alias": alias}}
                for alias in moving
                if alias in live.aliases
            ]
        actions += [
            {"add": {"index": self.new, "alias": alias, **properties}}
            for alias, properties in moving.items()
        ]
        self._step("swapping")
        try:
            self.client.indices.update_aliases(actions=actions)
        except server_errors() as error:
            status = status_of(error)
            if status is None:  # no answer (a library may raise both kinds as one class)
                if live_index(self.client, self.name).index != self.new:
                    raise  # and the aliases did not move
            elif status == 404 and not self._marker_exists():
                raise self._cancelled() from error
            else:
                raise
        self._step("swapped")

    def _aliases(self, live: LiveIndex) -> dict[str, dict[str, Any]]:
        """Every alias of the live index and every configured one, with their properties."""
        configured = (self.settings.get("SETTINGS") or {}).get("aliases") or {}
        moving = {alias: dict(properties) for alias, properties in live.aliases.items()}
        for alias in [self.name, *self.settings.get("ALIASES", [])]:
            moving.setdefault(alias, {})
        moving.update({alias: dict(properties or {}) for alias, properties in configured.items()})
        return moving

    # Afterwards

    def _finish(self, live: LiveIndex) -> None:
        """The old index (unless removed by the swap), then the journal, which records it."""
        tolerant = lenient(self.client)
        if self.keep_old:  # (refused on a first rebuild)
            self._unblock()
            steps.run(healing.keep(_old(live), self.new), self.client)
            self.notify(f"Kept {live.index!r}", 1)
        elif not self._replaces_name(live):  # else removed by the swap
            tolerant.indices.delete(index=live.index)
            self.notify(f"Deleted {live.index!r}", 1)
        self._step("cleaning")
        tolerant.indices.delete(index=self.journal)

    def _unblock(self) -> None:
        if self.blocked:
            self.client.indices.put_settings(
                index=self.blocked, settings={"index.blocks.write": None}
            )
            self.blocked = None

    def _undo(self, live: LiveIndex) -> str:
        """Lift the block first (writes are waiting), then delete what the rebuild created: the
        journal last, as it records the rest."""
        problems = []
        tolerant = lenient(self.client)
        undoing = (
            self._stop_renewal,
            self._unblock,
            lambda: tolerant.indices.delete(index=self.new),
            lambda: tolerant.indices.delete(index=self.journal),
        )
        for step in undoing:
            try:
                step()
            except Exception as error:  # each clean-up step is tried
                problems.append(str(error))
        return f" (clean-up problems: {'; '.join(problems)})" if problems else ""


_CANCELLED = (
    "the rebuild was cancelled: a delete_by_query or update_by_query ran on the index while it "
    "ran (its documents cannot be journaled), or its lease expired and it was undone (see the "
    "djangoes.rebuild log). Run it again"
)
_LOST = (
    "the rebuild lost its lease to {taken_by}: it had not renewed it for ES_REBUILD_LEASE "
    "seconds (its process paused that long, or cut off from the cluster), so it was thought "
    "dead and undone. Run it again"
)


def abort(connection: Base, index: str) -> str | None:
    """Clean up after an interrupted rebuild of ``index``, whatever its lease: lift the write
    block on the live index, delete the half-built index and the journal (see
    :func:`.leftovers.clean_up`, which also deletes orphan versioned indices). The name of that
    journal, or None."""
    journals = clean_up(connection, index).journals
    return journals[0] if journals else None
