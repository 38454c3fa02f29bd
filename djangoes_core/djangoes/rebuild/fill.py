"""A rebuild's first copy: the live index reindexed, or the documents of ``SOURCE``."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from elastic_transport import TransportWarning

from ..backends.library import plain
from . import bulk, source

#: ``progress(done, total)``; ``total`` is None when it is not known in advance.
Progress = Callable[[int, int | None], None]
#: Seconds between two looks at a reindex task.
POLL = 0.2


def reindex(client: Any, old: str, new: str, *, batch_size: int, progress: Progress) -> int:
    """Copy ``old`` into ``new`` with the reindex API, run as a task whose progress is shown.

    The refresh first makes every write acknowledged so far part of the copy.
    """
    client.indices.refresh(index=old)
    total = client.count(index=old)["count"]
    progress(0, total)
    task = client.reindex(
        source={"index": old, "size": batch_size}, dest={"index": new}, wait_for_completion=False
    )["task"]
    while True:
        with warnings.catch_warnings():  # the tasks API is a "technical preview"
            warnings.simplefilter("ignore", TransportWarning)
            status = plain(client.tasks.get(task_id=task))
        if status.get("completed"):
            break
        progress(_copied(status["task"].get("status") or {}), total)
        time.sleep(POLL)
    response = status.get("response") or {}
    failures = response.get("failures") or ([status["error"]] if status.get("error") else [])
    if failures:
        raise bulk.CopyError(f"the reindex from {old!r} into {new!r} failed: {failures[0]}")
    copied = _copied(response)
    progress(copied, total)
    return copied


def from_source(
    client: Any,
    new: str,
    documents: Callable[[], Iterable[Any]],
    *,
    batch_size: int,
    progress: Progress,
) -> int:
    """Index what ``SOURCE`` yields into ``new``, in bulk requests of ``batch_size``."""
    items = documents()
    total = len(items) if isinstance(items, list | tuple) else None
    progress(0, total)
    copied = 0
    for chunk in bulk.chunks(source.documents(items), batch_size):
        operations: list[Any] = []
        for doc in chunk:
            meta: dict[str, Any] = {"_index": new}
            if doc.id is not None:
                meta["_id"] = doc.id
            if doc.routing is not None:
                meta["routing"] = doc.routing
            operations += [{"index": meta}, doc.document]
        bulk.send(client, operations)
        copied += len(chunk)
        progress(copied, total)
    return copied


def _copied(counts: dict[str, Any]) -> int:
    return sum(counts.get(key) or 0 for key in ("created", "updated"))
