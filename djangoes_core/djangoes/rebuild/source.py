"""``ES_INDICES[...]['SOURCE']``: the callable that yields an index's documents from the project.

It is named by a dotted path (or given as a callable) and called without arguments; it yields
``(id, document)`` pairs, or documents: a dict, whose ``_id`` and ``_routing`` keys (if any) are
taken out as the id and routing, or an action dict with ``_source`` as
``elasticsearch.helpers`` takes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from django.utils.module_loading import import_string

from ..errors import SettingError


class SourceDoc(NamedTuple):
    id: str | None
    document: dict[str, Any]
    routing: str | None = None


def load(source: str | Callable[[], Iterable[Any]], place: str) -> Callable[[], Iterable[Any]]:
    """The callable ``source`` names; a SettingError (E012) if there is none."""
    if callable(source):
        return source
    try:
        found = import_string(source)
    except ImportError as error:
        raise SettingError("E012", f"{place} {source!r} could not be imported: {error}") from None
    if not callable(found):
        raise SettingError("E012", f"{place} {source!r} is not callable")
    return found


def documents(items: Iterable[Any]) -> Iterator[SourceDoc]:
    """What ``SOURCE`` yields, read as documents to index."""
    for item in items:
        if isinstance(item, tuple | list) and len(item) == 2:
            yield SourceDoc(None if item[0] is None else str(item[0]), item[1])
        elif isinstance(item, dict) and "_source" in item:
            routing = item.get("_routing", item.get("routing"))
            yield SourceDoc(_id(item), item["_source"], routing)
        elif isinstance(item, dict):
            document = {k: v for k, v in item.items() if k not in ("_id", "_routing")}
            yield SourceDoc(_id(item), document, item.get("_routing"))
        else:
            raise TypeError(
                "SOURCE yielded a "
                f"{type(item).__name__}: expected (id, document) pairs or document dicts"
            )


def _id(item: dict[str, Any]) -> str | None:
    return None if item.get("_id") is None else str(item["_id"])
