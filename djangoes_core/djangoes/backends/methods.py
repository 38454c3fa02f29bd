"""The index-less methods of a connection: the client's API with ``index`` filled in.

A connection knows its indices, so ``connection.search(query=...)`` searches them and
``connection.index(id=..., document=...)`` writes to its one index; an explicit ``index=`` is
always taken. Every backend whose client takes elasticsearch-py's names and keyword arguments
(elasticsearch-py's own, or opensearch-py's through ``djangoes-backends-opensearch``) has them
from :class:`IndexlessMethods`. Writes go through the rebuild journal when an index of the
connection may be rebuilt.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.utils.functional import cached_property

from ..compat import drop_doc_type


class SingleIndexRequired(ValueError):
    """A single-index operation on a connection whose indices resolve to several."""


class IndexlessMethods:
    """The methods; the class that mixes them in is a :class:`~.abstracts.Base`."""

    alias: str
    client: Any
    indices: list[str]
    rebuilt_indices: dict[str, Any]

    def options(self, **options: Any) -> Any:
        """This connection with per-request options (``ignore_status``, ``request_timeout``...).

        The client libraries' helpers (``elasticsearch.helpers``, ``opensearchpy.helpers``) call
        ``options()`` and read ``transport`` on what they are given, so they take a connection
        as they take a client.
        """
        clone = copy.copy(self)
        clone.client = self.client.options(**options)
        return clone

    @property
    def transport(self) -> Any:
        return self.client.transport

    # Filling in the index

    def _indices(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if "doc_type" in kwargs:
            drop_doc_type(kwargs)
        if "index" not in kwargs:
            kwargs["index"] = self._joined_indices
        return kwargs

    @cached_property
    def _joined_indices(self) -> str:
        """The indices as the client writes a list in the path: cheaper for it than a list."""
        return ",".join(self.indices)

    def _index(self, kwargs: dict[str, Any], operation: str) -> dict[str, Any]:
        drop_doc_type(kwargs)
        if "index" not in kwargs:
            indices = self.indices
            if len(indices) != 1:
                raise SingleIndexRequired(
                    f"connections[{self.alias!r}].{operation}() acts on one index, but this "
                    f"connection uses {len(indices)} ({', '.join(indices) or 'none'}): pass "
                    "index=..., or use a connection configured with one index"
                )
            kwargs["index"] = indices[0]
        return kwargs

    def _write(self, operation: str, kwargs: dict[str, Any]) -> Any:
        """A write, recorded for a rebuild of its index if one is running (no lost update)."""
        return self._writer(self, operation, kwargs)

    @cached_property
    def _writer(self) -> Callable[[Any, str, dict[str, Any]], Any]:
        """The rebuild journal when an index of this connection may be rebuilt; otherwise the
        write alone, so that a project without rebuilds never loads nor pays for them."""
        if not self.rebuilt_indices:
            return _send
        from ..rebuild.journal import journaled  # only here: see the docstring

        return journaled

    def _default_index(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """For bulk and mget, whose items may name their index: the one index, if only one."""
        drop_doc_type(kwargs)
        if "index" not in kwargs and len(self.indices) == 1:
            kwargs["index"] = self.indices[0]
        return kwargs

    # Server

    def info(self, **kwargs: Any) -> Any:
        return self.client.info(**kwargs)

    def ping(self, **kwargs: Any) -> bool:
        return self.client.ping(**kwargs)

    # Over all the connection's indices

    def search(self, **kwargs: Any) -> Any:
        return self.client.search(**self._indices(kwargs))

    def count(self, **kwargs: Any) -> Any:
        return self.client.count(**self._indices(kwargs))

    def msearch(self, **kwargs: Any) -> Any:
        return self.client.msearch(**self._indices(kwargs))

    def delete_by_query(self, **kwargs: Any) -> Any:
        return self._write("delete_by_query", self._indices(kwargs))

    def update_by_query(self, **kwargs: Any) -> Any:
        return self._write("update_by_query", self._indices(kwargs))

    def open_point_in_time(self, **kwargs: Any) -> Any:
        return self.client.open_point_in_time(**self._indices(kwargs))

    def refresh(self, **kwargs: Any) -> Any:
        return self.client.indices.refresh(**self._indices(kwargs))

    # On one index

    def get(self, **kwargs: Any) -> Any:
        return self.client.get(**self._index(kwargs, "get"))

    def exists(self, **kwargs: Any) -> Any:
        return self.client.exists(**self._index(kwargs, "exists"))

    def get_source(self, **kwargs: Any) -> Any:
        return self.client.get_source(**self._index(kwargs, "get_source"))

    def exists_source(self, **kwargs: Any) -> Any:
        return self.client.exists_source(**self._index(kwargs, "exists_source"))

    def create(self, **kwargs: Any) -> Any:
        return self._write("create", self._index(kwargs, "create"))

    def index(self, **kwargs: Any) -> Any:
        return self._write("index", self._index(kwargs, "index"))

    def update(self, **kwargs: Any) -> Any:
        return self._write("update", self._index(kwargs, "update"))

    def delete(self, **kwargs: Any) -> Any:
        return self._write("delete", self._index(kwargs, "delete"))

    def explain(self, **kwargs: Any) -> Any:
        return self.client.explain(**self._index(kwargs, "explain"))

    def termvectors(self, **kwargs: Any) -> Any:
        return self.client.termvectors(**self._index(kwargs, "termvectors"))

    # Items that may name their own index

    def bulk(self, **kwargs: Any) -> Any:
        return self._write("bulk", self._default_index(kwargs))

    def mget(self, **kwargs: Any) -> Any:
        return self.client.mget(**self._default_index(kwargs))

    # No index at all

    def scroll(self, **kwargs: Any) -> Any:
        return self.client.scroll(**kwargs)

    def clear_scroll(self, **kwargs: Any) -> Any:
        return self.client.clear_scroll(**kwargs)

    def close_point_in_time(self, **kwargs: Any) -> Any:
        return self.client.close_point_in_time(**kwargs)


def _send(connection: Any, operation: str, kwargs: dict[str, Any]) -> Any:
    """``connection.client.<operation>(**kwargs)``: a write with no rebuild to tell."""
    return getattr(connection.client, operation)(**kwargs)
