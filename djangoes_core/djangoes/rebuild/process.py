"""A zero-downtime rebuild of one configured index, step by step.

1. A new index ``NAME__<time>`` is created with the current ``SETTINGS`` (no alias yet).
2. A journal index is created with the marker alias; the rebuild waits longer than
   ``ES_REBUILD_TTL``, so every connection writing from then on journals its writes.
3. The documents are copied: the live index reindexed, or ``SOURCE``'s documents indexed.
4. Catch-up passes re-copy the documents written meanwhile (see :mod:`.catchup`), until few are
   left; then a write block on the live index holds writes (connections send them again) for
   the final pass.
5. One ``update_aliases`` call moves every alias to the new index and removes the marker (which
   must still exist: a by-query write cancels a rebuild by removing it). A concrete ``NAME``
   (before the first rebuild) is removed by the same call, so that ``NAME`` becomes an alias.
6. The journal is deleted, and the old index too, unless kept (then its block is lifted).

Any failure before step 5 undoes what was done: the aliases never left the live index.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, TransportError

from .. import conf
from ..live import LiveIndex, live_index
from . import fill, markers, names, source
from .catchup import CatchUp

#: How much longer than ``ES_REBUILD_TTL`` the rebuild waits before copying.
WAIT_FACTOR = 1.25
#: Catch-up passes run until one copies fewer documents than a batch, or this many have run.
MAX_PASSES = 5
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


class Rebuild:
    """Rebuild ``index`` (an ``ES_INDICES`` key) of ``connection``.

    ``notify(message, verbosity)`` hears of each step (verbosity 2: a detail), and
    ``progress(done, total)`` of the copy.
    """

    def __init__(
        self,
        connection: Any,
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
        self._finish(live)
        return Result(
            self.index,
            live.index,
            self.new,
            copied,
            caught_up,
            self.keep_old,
            time.monotonic() - started,
        )

    # Before anything is created

    def _check(self) -> LiveIndex:
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
        if self._marker_exists():
            raise RebuildError(
                f"a rebuild of {self.name!r} is running, or was interrupted "
                f"({names.marker(self.name)!r} exists): wait for it to end, or clean it up with "
                f"manage.py es_indices rebuild --abort {self.index}"
            )
        return live

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
        catch_up = CatchUp(self.client, self.journal, live.index, self.new, self.batch_size)
        caught_up = 0
        for _ in range(MAX_PASSES):
            self._check_marker()
            done = catch_up.run()
            caught_up += done
            if done < self.batch_size:
                break
        self.notify(f"Holding writes to {live.index!r} for the final pass", 1)
        self.blocked = live.index  # set first: a block that was put but not answered is lifted
        self.client.indices.add_block(index=live.index, block="write")
        caught_up += catch_up.run()
        self.client.indices.refresh(index=self.new)
        return copied, caught_up

    def _create(self, live: LiveIndex) -> None:
        """The new index (its aliases come at the swap), then the journal with the marker."""
        body = {k: v for k, v in (self.settings.get("SETTINGS") or {}).items() if k != "aliases"}
        self.notify(f"Creating {self.new!r}", 2)
        self.client.indices.create(index=self.new, **body)
        self.client.indices.create(
            index=self.journal,
            settings={"index.hidden": True, "number_of_shards": 1},
            mappings={**JOURNAL_MAPPINGS, "_meta": {"djangoes_rebuild": self._meta(live)}},
            aliases={names.marker(self.name): {"is_hidden": True}},
        )

    def _copy(self, live: LiveIndex, documents: Callable[[], Any] | None) -> int:
        options = {"batch_size": self.batch_size, "progress": self.progress}
        if documents is None:
            self.notify(f"Copying the documents of {live.index!r}", 1)
            return fill.reindex(self.client, live.index, self.new, **options)
        self.notify(f"Indexing the documents of {self.settings['SOURCE']!r}", 1)
        return fill.from_source(self.client, self.new, documents, **options)

    def _meta(self, live: LiveIndex) -> dict[str, str]:
        """What ``--abort`` needs to clean up after an interrupted rebuild."""
        return {"index": self.index, "name": self.name, "old": live.index, "new": self.new}

    def _marker_exists(self) -> bool:
        # The marker is hidden: as in Elasticsearch's default, look among hidden aliases too.
        marker = names.marker(self.name)
        return bool(self.client.indices.exists_alias(name=marker, expand_wildcards="all"))

    def _check_marker(self) -> None:
        if not self._marker_exists():
            raise RebuildError(_CANCELLED)

    # Swapping

    def _swap(self, live: LiveIndex) -> None:
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
        try:
            self.client.indices.update_aliases(actions=actions)
        except ApiError as error:
            if error.meta.status == 404 and not self._marker_exists():
                raise RebuildError(_CANCELLED) from error
            raise
        except TransportError:
            if live_index(self.client, self.name).index != self.new:
                raise  # no answer, and the aliases did not move

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
        lenient = self.client.options(ignore_status=404)
        lenient.indices.delete(index=self.journal)
        if self._replaces_name(live):
            return  # removed by the swap
        if self.keep_old:
            self._unblock()
            self.notify(f"Kept {live.index!r}", 1)
        else:
            lenient.indices.delete(index=live.index)
            self.notify(f"Deleted {live.index!r}", 1)

    def _unblock(self) -> None:
        if self.blocked:
            self.client.indices.put_settings(
                index=self.blocked, settings={"index.blocks.write": None}
            )
            self.blocked = None

    def _undo(self, live: LiveIndex) -> str:
        """Lift the block first (writes are waiting), then delete what the rebuild created."""
        problems = []
        lenient = self.client.options(ignore_status=404)
        steps = (
            self._unblock,
            lambda: lenient.indices.delete(index=self.journal),
            lambda: lenient.indices.delete(index=self.new),
        )
        for step in steps:
            try:
                step()
            except Exception as error:  # each clean-up step is tried
                problems.append(str(error))
        return f" (clean-up problems: {'; '.join(problems)})" if problems else ""


_CANCELLED = (
    "the rebuild was cancelled: a delete_by_query or update_by_query ran on the index while it "
    "ran (its documents cannot be journaled; see the djangoes.rebuild log). Run it again"
)


def abort(connection: Any, index: str) -> str | None:
    """Clean up after an interrupted rebuild of ``index``: lift the write block on the live
    index, delete the half-built index and the journal. The name of that journal, or None."""
    client = connection.client
    name = connection.server_indices[index]["NAME"]
    lenient = client.options(ignore_status=404)
    found = markers.journals(
        lenient.indices.get_alias(name=names.marker(name), expand_wildcards="all").body
    )
    journal = found.get(names.marker(name))
    if journal is None:
        return None
    meta = client.indices.get_mapping(index=journal)[journal]["mappings"].get("_meta") or {}
    state = meta.get("djangoes_rebuild") or {}
    live = live_index(client, name)
    if state.get("old") and client.indices.exists(index=state["old"]):
        client.indices.put_settings(index=state["old"], settings={"index.blocks.write": None})
    if state.get("new") and state["new"] != live.index:
        lenient.indices.delete(index=state["new"])
    lenient.indices.delete(index=journal)
    return journal
