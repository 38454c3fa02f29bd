"""A rebuild's catch-up: the writes made since the copy began, re-read from the live index.

Each pass reads the journal entries it has not seen (the *done* ones, in ``_seq_no`` order, so
a cursor is enough) and every *intent* still there (a write in flight, or one whose writer died),
then copies the current state of each document they name from the live index: indexed if it is
there, deleted if it is not. Only the rebuild writes into the new index, so the last copy of a
document wins; the final pass runs under a write block, when the live index no longer changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import bulk
from .journal import DONE, INTENT


class CatchUp:
    def __init__(self, client: Any, journal: str, old: str, new: str, batch_size: int) -> None:
        self.client = client
        self.journal = journal
        self.old = old
        self.new = new
        self.batch_size = batch_size
        #: The ``_seq_no`` of the last *done* entry read.
        self.cursor = -1

    def run(self) -> int:
        """One pass: the number of documents copied again."""
        self.client.indices.refresh(index=self.journal)
        named: dict[tuple[str, str | None], None] = {}
        for hit in self._entries(DONE, self.cursor):
            named[_key(hit)] = None
            self.cursor = hit["sort"][0]
        for hit in self._entries(INTENT, -1):
            named[_key(hit)] = None
        for chunk in bulk.chunks(named, self.batch_size):
            self._copy(chunk)
        return len(named)

    def _entries(self, kind: str, after: int) -> Iterator[dict[str, Any]]:
        while True:
            hits = self.client.search(
                index=self.journal,
                query={"term": {"kind": kind}},
                sort=[{"_seq_no": "asc"}],
                search_after=[after],
                size=self.batch_size,
            )["hits"]["hits"]
            if not hits:
                return
            yield from hits
            after = hits[-1]["sort"][0]

    def _copy(self, keys: list[tuple[str, str | None]]) -> None:
        requested = [{"_id": doc_id, **_routing(routing)} for doc_id, routing in keys]
        found = self.client.mget(index=self.old, docs=requested)["docs"]
        operations: list[Any] = []
        for (doc_id, routing), doc in zip(keys, found, strict=True):
            if "error" in doc:
                raise bulk.CopyError(f"document {doc_id!r} could not be read: {doc['error']}")
            meta = {"_index": self.new, "_id": doc_id, **_routing(routing)}
            if doc.get("found"):
                operations += [{"index": meta}, doc["_source"]]
            else:
                operations.append({"delete": meta})
        bulk.send(self.client, operations)


def _key(hit: dict[str, Any]) -> tuple[str, str | None]:
    return hit["_source"]["id"], hit["_source"].get("routing")


def _routing(routing: str | None) -> dict[str, str]:
    return {"routing": routing} if routing is not None else {}
