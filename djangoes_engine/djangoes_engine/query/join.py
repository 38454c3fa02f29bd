"""The parent-join queries: ``has_child``, ``has_parent`` and ``parent_id``.

A ``join`` field indexes each document's relation name under the field and, for each parent
relation, the parent's id under ``{field}#{parent}``, in the children and in the parent itself
(see :class:`~djangoes_engine.fields.JoinField`). A join query runs its inner query first, on
the index the outer query is compiled for, and turns the ids it finds into a query on the other
side of the relation, scored as Elasticsearch's JoinUtil scores it.
"""

from __future__ import annotations

from typing import Any

import tantivy
from tantivy import Occur, Query

from .. import jsoncodec
from ..errors import IllegalArgument, ParsingError, QueryShardError
from ..fields import JoinField
from ..index import stored_doc
from .body import boosted, check_options
from .context import MATCH_NONE, Context, compile_query
from .inner_hits import add_inner_hits

#: How tantivy's terms aggregation is asked for every parent id at once; past this many, the
#: ids are read from the documents' sources instead.
_BUCKETS = 60000

HAS_CHILD_OPTIONS = {
    "type", "query", "score_mode", "min_children", "max_children", "ignore_unmapped",
    "inner_hits", "boost", "_name",
}  # fmt: skip
HAS_PARENT_OPTIONS = {
    "parent_type", "query", "score", "ignore_unmapped", "inner_hits", "boost", "_name",
}  # fmt: skip
PARENT_ID_OPTIONS = {"type", "id", "ignore_unmapped", "boost", "_name"}

_SCORE_MODES = ("none", "avg", "max", "min", "sum")


def q_has_child(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("has_child", body, HAS_CHILD_OPTIONS)
    child = _required("has_child", body, "type")
    inner_dsl = _required("has_child", body, "query")
    score_mode = str(body.get("score_mode", "none")).lower()
    if score_mode not in _SCORE_MODES:
        raise IllegalArgument(f"illegal score_mode for nested query [{body['score_mode']}]")
    low = _count(body, "min_children", 1)
    high = _count(body, "max_children", 2**31 - 1)
    if high < low:
        raise IllegalArgument("[has_child] 'max_children' is less than 'min_children'")
    join = _joined(ctx, "has_child", body, child, "child")
    if join is None:
        return MATCH_NONE()
    parent = join.parents[child]
    parent_id_field = join.parent_id_fields[parent]
    children = _narrowed(compile_query(ctx, inner_dsl), relation(ctx, join, child))
    if "inner_hits" in body:
        add_inner_hits(
            ctx,
            child,
            body["inner_hits"],
            lambda doc_id, source: _bool(
                inner_dsl, {join.path: child}, {parent_id_field.path: doc_id}
            ),
        )
    if score_mode == "none":
        counts = _values_counted(ctx, children, join, parent)
        ids = [pid for pid, n in counts.items() if low <= n <= high]
        matched = _narrowed(_ids_query(ctx, ids), relation(ctx, join, parent))
        return boosted(Query.const_score_query(matched, 1.0), body)
    scores: dict[str, list[float]] = {}
    for score, pid in _scored_values(ctx, children, join, parent):
        scores.setdefault(pid, []).append(score)
    combined = {
        pid: _combine(values, score_mode)
        for pid, values in scores.items()
        if low <= len(values) <= high
    }
    return boosted(_scored(ctx, "_id", combined, relation(ctx, join, parent)), body)


def q_has_parent(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("has_parent", body, HAS_PARENT_OPTIONS)
    parent = _required("has_parent", body, "parent_type")
    inner_dsl = _required("has_parent", body, "query")
    join = _joined(ctx, "has_parent", body, parent, "parent")
    if join is None:
        return MATCH_NONE()
    parent_id_field = join.parent_id_fields[parent]
    children = Query.boolean_query(
        [(Occur.Should, relation(ctx, join, c)) for c in join.children[parent]]
    )
    parents = _narrowed(compile_query(ctx, inner_dsl), relation(ctx, join, parent))
    if "inner_hits" in body:
        add_inner_hits(
            ctx,
            parent,
            body["inner_hits"],
            lambda doc_id, source: _parent_scope(join, parent, inner_dsl, source),
        )
    slot = _slot(ctx, parent_id_field.path)
    if not _flag(body.get("score", False)):
        ids = list(_values_counted(ctx, parents, join, parent))
        matched = _narrowed(Query.term_set_query(ctx.schema, slot, ids), children)
        return boosted(Query.const_score_query(matched, 1.0), body)
    best: dict[str, float] = {}
    for score, pid in _scored_values(ctx, parents, join, parent):
        best[pid] = max(score, best.get(pid, score))
    return boosted(_scored(ctx, slot, best, children), body)


def q_parent_id(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("parent_id", body, PARENT_ID_OPTIONS)
    child = _required("parent_id", body, "type")
    parent_id = _required("parent_id", body, "id")
    join = _joined(ctx, "parent_id", body, child, "child")
    if join is None:
        return MATCH_NONE()
    slot = _slot(ctx, join.parent_id_fields[join.parents[child]].path)
    return boosted(
        _narrowed(Query.term_query(ctx.schema, slot, str(parent_id)), relation(ctx, join, child)),
        body,
    )


# Building blocks


def relation(ctx: Context, join: JoinField, name: str) -> tantivy.Query:
    """The documents of one relation (``join`` field = name)."""
    return Query.term_query(ctx.schema, _slot(ctx, join.path), name)


def parent_ids(ctx: Context, query: tantivy.Query, join: JoinField, parent: str) -> list[str]:
    """The values of ``{join}#{parent}`` in the documents ``query`` matches: the parents' own
    ids in parent documents, their parent's id in children."""
    return list(_values_counted(ctx, query, join, parent))


def ids_of_relation(
    ctx: Context, join: JoinField, name: str, parent: str, ids: list[str]
) -> tantivy.Query:
    """Documents of relation ``name`` whose ``{join}#{parent}`` is one of ``ids``."""
    slot = _slot(ctx, join.parent_id_fields[parent].path)
    return _narrowed(Query.term_set_query(ctx.schema, slot, ids), relation(ctx, join, name))


def _joined(
    ctx: Context, kind: str, body: dict[str, Any], name: str, role: str
) -> JoinField | None:
    """The index's join field, if it holds ``name`` as a ``role`` (child or parent); None,
    to match nothing, where ``ignore_unmapped`` allows it; else Elasticsearch's error."""
    join = ctx.mapping.join
    known = () if join is None else join.parents if role == "child" else join.children
    if join is not None and name in known:
        return join
    if body.get("ignore_unmapped"):
        return None
    if join is None:
        raise QueryShardError(f"[{kind}] no join field has been configured")
    raise QueryShardError(f"[{kind}] join field [{join.path}] doesn't hold [{name}] as a {role}")


def _required(kind: str, body: dict[str, Any], key: str) -> Any:
    """A required option; a name or an id is read as text, as Elasticsearch reads a value."""
    value = body.get(key)
    if value is None:
        raise ParsingError(f"[{kind}] requires '{key}' field")
    if key == "query":
        return value
    if isinstance(value, dict | list):
        raise ParsingError(f"[{kind}] query does not support [{key}]")
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _count(body: dict[str, Any], key: str, default: int) -> int:
    try:
        value = int(body.get(key, default))
    except (TypeError, ValueError):
        raise ParsingError(f"[has_child] failed to parse field [{key}]") from None
    if value < 0:
        raise IllegalArgument(f"[has_child] requires non-negative '{key}' field")
    return value


def _flag(value: Any) -> bool:
    if value in (True, "true"):
        return True
    if value in (False, "false"):
        return False
    raise ParsingError(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def _slot(ctx: Context, path: str) -> str:
    slot = ctx.reader.slot(path)
    assert slot is not None, f"the join field [{path}] has no slot"
    return slot


def _narrowed(query: tantivy.Query, condition: tantivy.Query) -> tantivy.Query:
    """``query`` among the documents ``condition`` matches, scored by ``query`` alone."""
    return Query.boolean_query(
        [(Occur.Must, query), (Occur.Must, Query.boost_query(condition, 0.0))]
    )


def _ids_query(ctx: Context, ids: list[str]) -> tantivy.Query:
    return Query.term_set_query(ctx.schema, "_id", ids)


def _scored(
    ctx: Context, slot: str, scores: dict[str, float], condition: tantivy.Query
) -> tantivy.Query:
    """The documents whose ``slot`` holds one of the keys of ``scores``, each scoring its
    value (a parent its children's combined score, a child its parent's)."""
    if not scores:
        return MATCH_NONE()
    clauses = [
        (Occur.Should, Query.const_score_query(Query.term_query(ctx.schema, slot, key), score))
        for key, score in scores.items()
    ]
    return _narrowed(Query.boolean_query(clauses), condition)


def _combine(scores: list[float], mode: str) -> float:
    if mode == "max":
        return max(scores)
    if mode == "min":
        return min(scores)
    if mode == "sum":
        return sum(scores)
    return sum(scores) / len(scores)


def _values_counted(
    ctx: Context, query: tantivy.Query, join: JoinField, parent: str
) -> dict[str, int]:
    """Each value of ``{join}#{parent}`` among the documents ``query`` matches, with how many
    hold it: from tantivy's terms aggregation, or from the sources past its bucket limit."""
    slot = _slot(ctx, join.parent_id_fields[parent].path)
    request = {"v": {"terms": {"field": slot, "size": _BUCKETS, "segment_size": 2**32 - 1}}}
    found = ctx.reader.searcher.aggregate(query, request)["v"]
    if not found.get("sum_other_doc_count"):
        return {str(b["key"]): int(b["doc_count"]) for b in found["buckets"]}
    counts: dict[str, int] = {}
    for _, pid in _scored_values(ctx, query, join, parent):
        counts[pid] = counts.get(pid, 0) + 1
    return counts


def _scored_values(
    ctx: Context, query: tantivy.Query, join: JoinField, parent: str
) -> list[tuple[float, str]]:
    """(score, value of ``{join}#{parent}``) of each document ``query`` matches."""
    searcher = ctx.reader.searcher
    found = []
    for score, address in searcher.search(query, max(searcher.num_docs, 1)).hits:
        doc = stored_doc(searcher.doc(address))
        value = _parent_id_of(join, parent, doc.doc_id, jsoncodec.loads(doc.source))
        if value is not None:
            found.append((score, value))
    return found


def _parent_id_of(join: JoinField, parent: str, doc_id: str, source: dict[str, Any]) -> str | None:
    value = source.get(join.path)
    name = value.get("name") if isinstance(value, dict) else value
    if name == parent:
        return doc_id
    if isinstance(value, dict) and join.parents.get(str(name)) == parent:
        given = value.get("parent")
        return given if isinstance(given, str) else jsoncodec.dumps(given).decode()
    return None


def _bool(inner: Any, *terms: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"must": [inner], "filter": [{"term": t} for t in terms]}}


def _parent_scope(
    join: JoinField, parent: str, inner: Any, source: dict[str, Any]
) -> dict[str, Any] | None:
    """The inner hits of a child under ``has_parent``: its parent, if it matches."""
    value = source.get(join.path)
    if not isinstance(value, dict) or join.parents.get(str(value.get("name"))) != parent:
        return None
    pid = _parent_id_of(join, parent, "", source)
    return {
        "bool": {
            "must": [inner],
            "filter": [{"term": {join.path: parent}}, {"ids": {"values": [pid]}}],
        }
    }
