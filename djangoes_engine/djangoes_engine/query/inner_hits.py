"""``inner_hits`` requested by a query: what each hit's inner hits are the matches of.

A query that can return inner hits (``has_child``, ``has_parent``) registers them on the
context while it compiles; rendering each hit then runs the registered query for that hit
(:func:`djangoes_engine.search.hits.render_inner_hits`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import IllegalArgument, ParsingError, Unsupported
from .context import Context

#: The options of an inner hits definition that are a search's own (from, size, sort...).
SEARCH_OPTIONS = (
    "from", "size", "sort", "_source", "highlight", "explain", "version", "seq_no_primary_term",
    "stored_fields", "docvalue_fields", "fields", "track_scores",
)  # fmt: skip

#: The query a hit's inner hits match, from the hit's id and source (None: no inner hits).
Scope = Callable[[str, dict[str, Any]], Any]


@dataclass(frozen=True)
class NestedInnerHits:
    """What a ``nested`` query's inner hits are: its objects at ``path`` that ``query``
    matches, inside the hit (a document at level ``scope``: "" for the root); ``children``,
    the inner hits asked for inside it, hang on each of those objects."""

    path: str
    scope: str
    query: Any  # tantivy.Query on the nested store
    children: dict[str, InnerHits]


@dataclass(frozen=True)
class InnerHits:
    name: str
    #: The search options of the definition (``size`` defaults to 3).
    options: dict[str, Any]
    scope: Scope
    #: A nested query's (``search.inner_hits`` renders them); None for the join queries'.
    nested: NestedInnerHits | None = None


def add_inner_hits(
    ctx: Context,
    default_name: str,
    definition: Any,
    scope: Scope,
    nested: NestedInnerHits | None = None,
) -> None:
    """Register the ``inner_hits`` of a query, named as given or after its relation."""
    if not isinstance(definition, dict):
        raise ParsingError("[inner_hits] must be an object")
    for key in definition:
        if key in ("script_fields", "collapse"):
            raise Unsupported(f"[{key}] in [inner_hits]")
        if key not in SEARCH_OPTIONS and key not in ("name", "ignore_unmapped"):
            raise ParsingError(f"[inner_hits] unknown field [{key}]")
    name = str(definition.get("name") or default_name)
    if name in ctx.inner_hits:
        raise IllegalArgument(f"[inner_hits] already contains an entry for key [{name}]")
    options = {k: v for k, v in definition.items() if k in SEARCH_OPTIONS}
    options.setdefault("size", 3)
    ctx.inner_hits[name] = InnerHits(name, options, scope, nested)
