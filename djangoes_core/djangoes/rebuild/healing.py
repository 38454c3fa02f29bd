"""Undoing a rebuild whose process died, without a human.

A rebuild killed part-way leaves what it made: its journal (whose ``_meta`` names the live index
and the index being built), perhaps its marker, perhaps the write block of its final pass, the
half-built index. Once its lease has expired (see :mod:`.lease`), :func:`heal` puts things right,
whoever runs it: a write of any process that meets the marker or the block, or a command.

1. While the marker is there, the lease is taken over first (one process only succeeds, and none
   while the rebuild renews it), then the marker is removed: the swap requires it, so from then
   on the rebuild cannot move the aliases, even if it was only paused and wakes up.
2. Where ``NAME`` points decides. At the index the rebuild built: the swap was made, and the
   rebuild is finished (its old index deleted, or kept). Anywhere else: it is rolled back (the
   write block lifted from the live index, the half-built index deleted).
3. The journal is deleted, last: until then it records what is left to do, so that a heal that
   dies too is finished by the next one.

Each step may be done twice (by two processes, or by a rebuild that wakes up): none does harm
the second time.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..backends.library import api_errors, lenient, plain, status_of
from ..live import from_aliases
from . import lease as leases
from . import markers, names
from .lease import LEASE_ID, Lease
from .operations import GONE, held_error
from .steps import Step, Steps, run

logger = logging.getLogger("djangoes.rebuild")

#: Where a rebuild records its state: the ``_meta`` key of its journal's mappings.
META = "djangoes_rebuild"
#: Where a kept old index records that it was kept: the ``_meta`` key of its mappings.
KEPT = "djangoes_kept"


@dataclass(frozen=True)
class Journal:
    """A rebuild's journal as found on the server: what the rebuild was doing, and its lease."""

    #: The journal index.
    index: str
    #: Its ``_meta``: the ``ES_INDICES`` key, ``name``, the ``old`` and ``new`` indices...
    state: dict[str, Any]
    #: Whether the marker is still on it (the rebuild may still swap).
    marked: bool
    lease: Lease

    @property
    def name(self) -> str:
        return self.state["name"]

    @property
    def marker(self) -> str:
        return names.marker(self.name)

    @property
    def old(self) -> str | None:
        return self.state.get("old")

    @property
    def new(self) -> str | None:
        return self.state.get("new")

    @classmethod
    def parse(cls, index: str, entry: dict[str, Any], document: dict[str, Any]) -> Journal:
        """From its entry in a get-index answer, and the answer for its lease document."""
        state = (entry.get("mappings") or {}).get("_meta", {}).get(META) or {}
        if "name" not in state:  # not written by a rebuild: no lease, never healed
            state = {**state, "name": index.partition("__")[0]}
        marked = names.marker(state["name"]) in (entry.get("aliases") or {})
        return cls(index, state, marked, leases.from_document(document) or leases.initial(state))


def read(journal: str) -> Steps:
    """The :class:`Journal` ``journal``, or None if it is gone (or going)."""
    try:
        found = yield lambda client: _lenient(client).indices.get(index=journal)
        document = yield lambda client: _lenient(client).get(index=journal, id=LEASE_ID)
    except api_errors() as error:
        if held_error(error, GONE):
            return None
        raise
    if journal not in plain(found) or "found" not in plain(document):  # deleted meanwhile
        return None
    return Journal.parse(journal, found[journal], plain(document))


def of(name: str, found: Any = None) -> Steps:
    """Every journal of a rebuild of ``name``: [:class:`Journal`].

    ``found``: a get-index answer for ``names.pattern(name)`` already at hand.
    """
    if found is None:
        found = yield lambda client: _lenient(client).indices.get(
            index=names.pattern(name), expand_wildcards="all"
        )
    journals = sorted(index for index in found if names.is_journal(name, index))
    if not journals:
        return []
    documents = yield lambda client: client.mget(
        docs=[{"_index": journal, "_id": LEASE_ID} for journal in journals]
    )
    return [
        Journal.parse(journal, found[journal], document)
        for journal, document in zip(journals, documents["docs"], strict=True)
        if "error" not in document  # deleted meanwhile
    ]


def heal(journal: Journal, *, force: bool = False) -> Steps:
    """Finish or roll back the rebuild of ``journal`` if its lease has expired (or, ``force``:
    ``--abort``, whatever its lease). What was done: ``'finished'`` or ``'rolled back'``; None
    when it was not this process's to do (the lease is renewed, or another process heals it).
    """
    if not (force or journal.lease.expired()):
        return None
    if journal.marked:
        try:
            yield from leases.take(
                journal.marker, journal.lease, leases.owner("healer"), leases.seconds()
            )
        except api_errors() as error:
            if status_of(error) not in (404, 409) and not held_error(error, GONE):
                raise
            if not force:
                return None  # renewed, or taken by a process that heals it (or has healed it)
        remove = {"index": journal.index, "alias": journal.marker, "must_exist": True}
        try:
            yield lambda client: client.indices.update_aliases(actions=[{"remove": remove}])
        except api_errors() as error:
            if status_of(error) != 404:
                raise  # else moved by the swap, or removed by another process: NAME tells
    found = yield lambda client: _lenient(client).indices.get_alias(index=journal.name)
    live = from_aliases(journal.name, plain(found))
    if live.index is not None and live.index == journal.new:  # it exists, and is the new one
        outcome = "finished"
        if journal.old and journal.old != journal.name:  # else removed by the swap
            if journal.state.get("keep_old"):
                yield from unblock(journal.old)
                yield from keep(journal.old, live.index)
            else:
                yield lambda client: _lenient(client).indices.delete(index=journal.old)
    else:
        outcome = "rolled back"
        if journal.old:
            yield from unblock(journal.old)
        if journal.new and journal.new != live.index:
            yield lambda client: _lenient(client).indices.delete(index=journal.new)
    yield lambda client: _lenient(client).indices.delete(index=journal.index)
    logger.warning(
        "djangoes %s the rebuild of %r (%s -> %s)%s",
        outcome,
        journal.name,
        journal.old,
        journal.new,
        " on request" if force else f": its lease expired {-journal.lease.remaining():.1f} s ago",
    )
    return outcome


def unblock(index: str) -> Steps:
    """Lift the write block of a rebuild's final pass from ``index`` (if it still exists)."""
    yield lambda client: _lenient(client).indices.put_settings(
        index=index, settings={"index.blocks.write": None}
    )


def keep(old: str, new: str) -> Steps:
    """Record in ``old``'s ``_meta`` that a rebuild kept it (``--keep-old``): not an orphan."""
    found = yield lambda client: client.indices.get_mapping(index=old)
    meta = dict(found[old]["mappings"].get("_meta") or {})
    meta[KEPT] = {"replaced_by": new, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    yield lambda client: client.indices.put_mapping(index=old, meta=meta)


# What writes do (see .journal): the lease is read only when a marker or a block is met


def vet(connection: Any, running: dict[str, str], touched: Iterable[str]) -> Steps:
    """Before a write is journaled for the rebuilds of ``touched`` (markers): heal those whose
    lease has expired, and forget their markers.

    A lease read is trusted until it expires: writes during a rebuild read it about once per
    renewal, not once per write.
    """
    known = markers.of(connection)
    for marker in sorted(touched):
        journal = running.get(marker)
        if journal is None or time.time() < known.expires.get(journal, -math.inf):
            continue
        try:
            document = yield _lease_of(journal)
        except api_errors() as error:
            if not held_error(error, GONE):
                raise
            known.forget(marker)  # its journal is being deleted: that rebuild has ended
            continue
        current = leases.from_document(plain(document))
        if current is not None and not current.expired():
            known.expires[journal] = current.expires
            continue
        found = yield from read(journal)
        if found is None:
            known.forget(marker)  # that rebuild has ended
        elif not found.lease.expired():
            known.expires[journal] = found.lease.expires
        elif (yield from heal(found)) is not None:
            known.forget(marker)


def blocked(connection: Any, touched: Iterable[str]) -> Steps:
    """A write to the indices of ``touched`` (markers) met a write block: heal the rebuilds
    behind it whose lease has expired.

    Seconds until looking again is worth it (0: healed now), or None when no rebuild is behind
    the block (the write fails as it would have). Leases known to be valid cost no request.
    """
    known = markers.of(connection)
    wait = math.inf
    found_any = False
    for marker in sorted(touched):
        journal = known.journals.get(marker)
        if journal is not None and (remaining := known.expires.get(journal, 0) - time.time()) > 0:
            found_any = True
            wait = min(wait, remaining)
            continue
        for found in (yield from of(marker.removesuffix(names.MARKER_SUFFIX))):
            found_any = True
            if not found.lease.expired():
                known.expires[found.index] = found.lease.expires
                wait = min(wait, found.lease.remaining())
            elif (yield from heal(found)) is not None:
                known.forget(marker)
                wait = 0
            else:  # another process heals it; if it dies, its lease expires in turn
                wait = min(wait, leases.seconds() / leases.RENEWALS)
    return wait if found_any else None


# What commands do


def heal_expired(client: Any, name: str) -> list[tuple[Journal, str]]:
    """Heal every rebuild of ``name`` whose lease has expired: [(journal, what was done)]."""
    healed = []
    for journal in run(of(name), client):
        outcome = run(heal(journal), client)
        if outcome is not None:
            healed.append((journal, outcome))
    return healed


def _lease_of(journal: str) -> Step:
    """The request that reads ``journal``'s lease document (404 answered, not raised)."""
    return lambda client: _lenient(client).get(index=journal, id=LEASE_ID)


def _lenient(client: Any) -> Any:
    return lenient(client)
