"""Writes made while an index is rebuilt: recorded in the rebuild's journal, so none is lost.

Every write method of a connection (``index``, ``create``, ``update``, ``delete``, ``bulk``,
and the by-query ones) runs :func:`journaled`. While a rebuild of the index written to runs:

1. before the write, an *intent* entry per document goes to the journal (through the marker
   alias, with ``require_alias``: once the rebuild has ended, nothing is written);
2. the write is sent; refused by the rebuild's write block (its final pass), or by the old
   index being removed under it, it is sent again until the aliases have moved, for
   ``ES_REBUILD_HOLD_TIMEOUT`` seconds at most;
3. after it, a *done* entry per document replaces the intents.

A write that meets a marker or a write block also looks at the rebuild's lease, and undoes a
rebuild whose process died (see :mod:`.healing`); with no rebuild running, writes send nothing
more than the marker lookup.

The rebuild copies the current state of every document named in its journal from the live
index; the intents left over name the writes that were in flight. A write that learns of the
rebuild only afterwards records *done* entries. A by-query write cannot name its documents:
it cancels the rebuild (which then fails, and leaves everything as it was) rather than be lost.
See ``docs/commands.md`` for the whole protocol.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from typing import Any

from .. import conf
from ..backends.library import api_errors, lenient
from . import healing
from . import markers as markers_module
from .operations import BLOCKED, BY_QUERY, GONE, Doc, Write, held_error, targets
from .steps import Sleep, Steps, arun, run

logger = logging.getLogger("djangoes.rebuild")

INTENT, DONE = "intent", "done"
#: Seconds between two tries of a write held by a write block.
POLL = 0.02


class JournalError(Exception):
    """A write was not sent: the running rebuild of its index could not record it."""


def journaled(connection: Any, operation: str, kwargs: dict[str, Any]) -> Any:
    """``connection.client.<operation>(**kwargs)``, recorded for a running rebuild.

    With an asynchronous client, the coroutine that does it.
    """
    steps = _write(connection, operation, kwargs)
    if connection.asynchronous:
        return arun(steps, connection.client)
    return run(steps, connection.client)


def _write(connection: Any, operation: str, kwargs: dict[str, Any]) -> Steps:
    names = targets(connection.rebuilt_indices)
    write = _send(operation, kwargs)
    call = Write(operation, kwargs, names)
    if not names or (operation != "bulk" and not call.markers()):
        return (yield write)
    running = yield from markers_module.lookup(connection, names.values())
    touched = call.markers() & running.keys()
    if operation in BY_QUERY and touched:
        for marker in touched:
            yield from _cancel(connection, marker, running[marker], operation)
        return (yield write)
    if touched:
        yield from healing.vet(connection, running, touched)
        touched &= running.keys()  # less those of the rebuilds it healed
    if not touched:
        if operation in BY_QUERY:
            response = yield write
        else:
            response = yield from _unmarked(connection, call)
        yield from _learnt_late(connection, call, response)
        return response
    call.assign_ids()
    intents = yield from _record(connection, call.docs(touched), INTENT)
    response = yield from _held(connection, call)
    yield from _confirm(connection, call.docs(touched, response), intents)
    return response


def _send(operation: str, kwargs: dict[str, Any]) -> Any:
    return lambda client: getattr(client, operation)(**kwargs)


def _unmarked(connection: Any, call: Write) -> Steps:
    """A write with no rebuild known: sent once, unless a write block refuses it and a rebuild
    is behind the block (one that died and left it, most likely: it is healed)."""
    try:
        response = yield _send(call.operation, call.kwargs)
    except api_errors() as error:
        if not held_error(error, BLOCKED):
            raise
        if (yield from healing.blocked(connection, call.markers())) is None:
            raise
        return (yield from _held(connection, call))
    if call.operation != "bulk" or not call.held(response, BLOCKED):
        return response
    if (yield from healing.blocked(connection, call.markers())) is None:
        return response
    return (yield from _held(connection, call, response))


def _held(connection: Any, call: Write, response: Any = None) -> Steps:
    """Send the write; while the end of the rebuild refuses it (or some bulk items), try again,
    and heal the rebuild if it died meanwhile."""
    deadline = time.monotonic() + conf.rebuild_setting("ES_REBUILD_HOLD_TIMEOUT")
    look_at = -math.inf

    def look() -> Steps:
        nonlocal look_at
        if time.monotonic() >= look_at:
            wait = yield from healing.blocked(connection, call.markers())
            look_at = time.monotonic() + max(POLL, wait or 0)

    while response is None:
        try:
            response = yield _send(call.operation, call.kwargs)
        except api_errors() as error:
            if not held_error(error) or time.monotonic() > deadline:
                raise
            yield from look()
            yield Sleep(POLL)
    if call.operation != "bulk":
        return response
    while (positions := call.held(response)) and time.monotonic() <= deadline:
        yield from look()
        yield Sleep(POLL)
        retried = yield _send("bulk", call.retry(positions))
        response = call.merge(response, positions, retried)
    return response


def _record(connection: Any, docs: list[Doc], kind: str) -> Steps:
    """Journal entries for ``docs``; returns those written: [(marker, entry id)]."""
    if not docs:
        return []
    entries = [(doc, uuid.uuid4().hex) for doc in docs]
    operations: list[Any] = []
    for doc, entry in entries:
        operations.append({"index": {"_index": doc.marker, "_id": entry}})
        operations.append(_entry(kind, doc))
    response = yield lambda client: client.bulk(operations=operations, require_alias=True)
    written = []
    for (doc, entry), result in zip(entries, response["items"], strict=True):
        error = result["index"].get("error")
        if error is None:
            written.append((doc.marker, entry))
        elif error.get("type") in GONE:
            markers_module.of(connection).forget(doc.marker)  # that rebuild has just ended
        else:
            raise JournalError(
                f"connections[{connection.alias!r}]: a rebuild is running and could not record "
                f"the write of document {doc.id!r} in its journal ({error.get('reason')}): "
                "the write was not sent"
            )
    return written


def _confirm(connection: Any, docs: list[Doc], intents: list[tuple[str, str]]) -> Steps:
    """*done* entries, then the intents removed; a failure only leaves intents to re-read."""
    if not intents:
        return
    live = {marker for marker, _ in intents}
    operations: list[Any] = []
    for doc in docs:
        if doc.marker in live:
            operations += [{"index": {"_index": doc.marker}}, _entry(DONE, doc)]
    operations += [{"delete": {"_index": marker, "_id": entry}} for marker, entry in intents]
    try:
        yield lambda client: client.bulk(operations=operations, require_alias=True)
    except api_errors() as error:
        logger.warning("djangoes could not confirm writes in a rebuild journal: %s", error)


def _learnt_late(connection: Any, call: Write, response: Any) -> Steps:
    """After a write sent with no rebuild known: *done* entries if one has started since."""
    running = yield from markers_module.lookup(connection, call.targets.values())
    if not running:
        return
    touched = call.markers() & running.keys()
    if not touched:
        return
    if call.operation in BY_QUERY:
        for marker in touched:
            yield from _cancel(connection, marker, running[marker], call.operation)
        return
    try:
        yield from _record(connection, call.docs(touched, response), DONE)
    except (*api_errors(), JournalError) as error:  # type: ignore[misc]
        logger.error("djangoes could not journal a write for a rebuild: %s", error)
        for marker in touched:
            yield from _cancel(connection, marker, running[marker], call.operation)


def _cancel(connection: Any, marker: str, journal: str, operation: str) -> Steps:
    """Remove the marker: the rebuild's swap requires it, so the rebuild fails cleanly."""
    logger.warning(
        "connections[%r].%s() during a rebuild (%s): its documents cannot be journaled, so the "
        "rebuild is cancelled; run it again",
        connection.alias,
        operation,
        marker,
    )
    yield lambda client: lenient(client).indices.delete_alias(index=journal, name=marker)
    markers_module.of(connection).forget(marker)


def _entry(kind: str, doc: Doc) -> dict[str, Any]:
    entry = {"kind": kind, "id": doc.id}
    if doc.routing is not None:
        entry["routing"] = doc.routing
    return entry
