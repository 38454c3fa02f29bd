"""What a write call touches: its documents, and the rebuild markers of their indices.

A write names a configured index by its ``NAME`` or one of its aliases (the connection fills
that in); each configured index has one marker (see :mod:`djangoes.rebuild.names`). Bulk
operations come as dicts or as serialised lines (``elasticsearch.helpers`` sends the latter);
they are read into :class:`Item` objects only when a rebuild is running.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from elastic_transport import ObjectApiResponse

from ..backends.library import error_body_of, plain
from . import names

SINGLE = ("index", "create", "update", "delete")
BY_QUERY = ("delete_by_query", "update_by_query")
#: Errors of a write that reached the old index as the rebuild ended: blocked by its final pass,
#: or sent to it just before the aliases moved and it was removed. Sent again, they reach the
#: new index.
HELD = ("cluster_block_exception", "index_closed_exception", "index_not_found_exception")
#: The error of a write refused by a write block, such as the one a rebuild that died left.
BLOCKED = ("cluster_block_exception",)
#: The errors of a request to a journal that is gone, or being deleted: its rebuild has ended.
GONE = ("index_not_found_exception", "index_closed_exception")


def targets(indices: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Every name a write may use for a configured index (its NAME, its aliases), and the
    marker of that index; ``indices`` are those a rebuild may swap (``Base.rebuilt_indices``).
    """
    found: dict[str, str] = {}
    for index in indices.values():
        marker = names.marker(index["NAME"])
        aliases = (index.get("SETTINGS") or {}).get("aliases") or {}
        for name in (index["NAME"], *(index.get("ALIASES") or []), *aliases):
            found[name] = marker
    return found


def new_id() -> str:
    """A 20-character id as Elasticsearch makes them: chosen here, so a journal can name it."""
    return base64.urlsafe_b64encode(os.urandom(15)).decode()


@dataclass(frozen=True)
class Doc:
    """A document a write touches, and the marker of its index."""

    marker: str
    id: str
    routing: str | None = None


@dataclass
class Item:
    """One action of a bulk request."""

    action: str
    meta: dict[str, Any]
    source: Any = None

    def lines(self) -> list[Any]:
        head = {self.action: self.meta}
        return [head] if self.action == "delete" else [head, self.source]


class Write:
    """One write call of a connection: ``operation`` and its keyword arguments."""

    def __init__(self, operation: str, kwargs: dict[str, Any], targets: Mapping[str, str]) -> None:
        self.operation = operation
        self.kwargs = kwargs
        self.targets = targets

    @cached_property
    def items(self) -> list[Item]:
        """The actions of a bulk call, parsed only when a rebuild needs them."""
        return _items(self.kwargs) if self.operation == "bulk" else []

    def markers(self) -> set[str]:
        """The markers of the configured indices this write touches."""
        written: Sequence[str | None]
        if self.operation == "bulk":
            written = [self._index_of(item) for item in self.items]
        else:
            index = self.kwargs.get("index")
            written = index.split(",") if isinstance(index, str) else list(index or [])
        return {self.targets[name] for name in written if name is not None and name in self.targets}

    def assign_ids(self) -> None:
        """Give each new document without an id one now (a create, as the server would)."""
        if self.operation == "index" and self.kwargs.get("id") is None:
            self.kwargs["id"] = new_id()
            self.kwargs.setdefault("op_type", "create")
        for item in self.items:
            if item.action in ("index", "create") and item.meta.get("_id") is None:
                item.meta["_id"] = new_id()
        if self.items:
            self._set_items(self.items)

    def docs(self, markers: Iterable[str], response: Any = None) -> list[Doc]:
        """The documents this write touches in indices whose marker is in ``markers``; the ids
        the server chose are read from ``response``."""
        markers = set(markers)
        if self.operation != "bulk":
            marker = self._marker_of(self.kwargs.get("index"))
            doc_id = self.kwargs.get("id") or (response or {}).get("_id")
            if marker not in markers or doc_id is None:
                return []
            return [Doc(marker, doc_id, self.kwargs.get("routing"))]
        results = (response or {}).get("items") or [{}] * len(self.items)
        found = []
        for item, result in zip(self.items, results, strict=False):
            marker = self._marker_of(self._index_of(item))
            answer: dict[str, Any] = next(iter(result.values()), {})  # {"index": {"_id": ...}}
            doc_id = item.meta.get("_id") or answer.get("_id")
            routing = item.meta.get("routing", item.meta.get("_routing"))
            if marker in markers and doc_id is not None:
                found.append(Doc(marker, doc_id, routing))
        return found

    # Held by the end of a rebuild: what to send again

    def held(self, response: Any, errors: tuple[str, ...] = HELD) -> list[int]:
        """The positions of the bulk items the end of a rebuild refused (see ``HELD``)."""
        if not response["errors"]:
            return []
        return [
            position
            for position, result in enumerate(response["items"])
            if (next(iter(result.values())).get("error") or {}).get("type") in errors
        ]

    def retry(self, positions: list[int]) -> dict[str, Any]:
        """The keyword arguments of a bulk call with only the items at ``positions``."""
        operations = [line for p in positions for line in self.items[p].lines()]
        return {**self._without_operations(), "operations": operations}

    @staticmethod
    def merge(response: Any, positions: list[int], retried: Any) -> Any:
        """``response`` with the items at ``positions`` replaced by those of ``retried``."""
        items = list(response["items"])
        for position, item in zip(positions, retried["items"], strict=True):
            items[position] = item
        errors = any("error" in next(iter(item.values())) for item in items)
        body = {**plain(response), "items": items, "errors": errors}
        meta = getattr(response, "meta", None)
        return body if meta is None else ObjectApiResponse(body=body, meta=meta)

    def _marker_of(self, index: str | None) -> str | None:
        return None if index is None else self.targets.get(index)

    def _index_of(self, item: Item) -> str | None:
        return item.meta.get("_index", self.kwargs.get("index"))

    def _set_items(self, items: list[Item]) -> None:
        self.kwargs.pop("body", None)
        self.kwargs["operations"] = [line for item in items for line in item.lines()]

    def _without_operations(self) -> dict[str, Any]:
        return {k: v for k, v in self.kwargs.items() if k not in ("operations", "body")}


def held_error(error: Exception, errors: tuple[str, ...] = HELD) -> bool:
    """Whether a request failed as the end of a rebuild makes it fail (see ``HELD``)."""
    body = error_body_of(error)
    return isinstance(body, dict) and (body.get("error") or {}).get("type") in errors


def _items(kwargs: Mapping[str, Any]) -> list[Item]:
    """The actions of a bulk call, whatever form its ``operations`` take."""
    operations = kwargs.get("operations", kwargs.get("body"))
    if isinstance(operations, str | bytes):
        operations = [line for line in operations.splitlines() if line.strip()]
    lines = [json.loads(line) if isinstance(line, str | bytes) else line for line in operations]
    items = []
    position = 0
    while position < len(lines):
        ((action, meta),) = lines[position].items()
        if action == "delete":
            items.append(Item(action, dict(meta or {})))
            position += 1
        else:
            items.append(Item(action, dict(meta or {}), lines[position + 1]))
            position += 2
    return items
