"""Sending documents to the index a rebuild builds: a refused one fails the rebuild, named."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class CopyError(Exception):
    """A document could not be copied into the new index."""


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def send(client: Any, operations: list[Any]) -> None:
    """One bulk request; the first refused action is an error (a missing document deleted is
    not: it is what was asked)."""
    if not operations:
        return
    response = client.bulk(operations=operations)
    if not response["errors"]:
        return
    for item in response["items"]:
        ((action, result),) = item.items()
        error = result.get("error")
        if error:
            raise CopyError(
                f"{action} of document {result.get('_id')!r} refused by index "
                f"{result.get('_index')!r}: {error.get('type')}: {error.get('reason')}"
            )
