"""Faceted searches over Documents on ``ES_INDICES`` entries.

elasticsearch.dsl's ``FacetedSearch`` searches ``index`` (every index when it is None) through
``using`` (``"default"``). These read both from their ``doc_types`` when left out: the indices
of those Documents, named when the search is made, and the connection of the first.
"""

from __future__ import annotations

from typing import Any

from elasticsearch.dsl import AsyncFacetedSearch as DslAsyncFacetedSearch
from elasticsearch.dsl import AsyncSearch, FacetedResponse, Search
from elasticsearch.dsl import FacetedSearch as DslFacetedSearch

from ..handler import DEFAULT_ALIAS
from .indices import ConfiguredIndexMixin


def _target(faceted: Any) -> tuple[Any, Any]:
    """The ``index`` and ``using`` of a faceted search: its own, or its Documents'."""
    indices = [
        doc._index
        for doc in faceted.doc_types or []
        if isinstance(getattr(doc, "_index", None), ConfiguredIndexMixin)
    ]
    index = faceted.index
    if index is None and indices:
        index = list(dict.fromkeys(i._name for i in indices))
    using = faceted.using
    if using is None:
        using = indices[0]._using if indices else DEFAULT_ALIAS
    return index, using


class FacetedSearch(DslFacetedSearch[Any]):
    """elasticsearch.dsl's ``FacetedSearch``, on the indices and connection of its
    ``doc_types`` (djangoes.dsl Documents) unless ``index`` and ``using`` say otherwise."""

    using: Any = None

    def search(self) -> Search[Any]:
        index, using = _target(self)
        search = Search[Any](doc_type=self.doc_types, index=index, using=using)
        return search.response_class(FacetedResponse)


class AsyncFacetedSearch(DslAsyncFacetedSearch[Any]):
    """:class:`FacetedSearch` for coroutines."""

    using: Any = None

    def search(self) -> AsyncSearch[Any]:
        index, using = _target(self)
        search = AsyncSearch[Any](doc_type=self.doc_types, index=index, using=using)
        return search.response_class(FacetedResponse)
