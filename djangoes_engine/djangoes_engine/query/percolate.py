"""The ``percolate`` query: the stored queries (``percolator`` fields) that match documents.

Elasticsearch parses the given documents with the percolating index's mapping into a Lucene
MemoryIndex and runs each candidate stored query against it; a stored query matches when it
finds one of the documents, and scores what it scores there (the best document's score). The
engine does the same with a tantivy index in RAM laid out as the percolating index, and runs
every stored query of the index (it keeps no extracted terms to pre-select candidates, which
changes speed, not answers). Each hit then carries ``_percolator_document_slot`` (the positions
of the documents its query matched; ``_percolator_document_slot_<name>`` when the request has
several percolate queries) and, for a stored query with ``_name``'d parts,
``_percolator_document_slot_<slot>_matched_queries``.

At index time a stored query is parsed against the mapping with unmapped fields refused, as
Elasticsearch's PercolatorFieldMapper does (:func:`check_stored_query`). ``version`` of an
indexed document is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from .. import jsoncodec
from ..errors import (
    EngineError,
    IllegalArgument,
    NotFound,
    ParsingError,
    QueryShardError,
    Unsupported,
    XContentParseError,
)
from ..fields import PercolatorField
from ..highlight import highlight
from ..index import Reader, iterate_documents
from ..settings import Settings
from ..source import extract
from ..store import Layout, Store
from .body import boosted
from .context import MATCH_NONE, Context, compile_query

KEYS = frozenset(
    {
        "field", "document", "documents", "index", "id", "routing", "preference", "version",
        "name", "boost", "_name",
    }
)  # fmt: skip
SLOT_FIELD = "_percolator_document_slot"
#: Query types a stored query may not hold (PercolatorFieldMapper.parseQueryBuilder).
REFUSED_INSIDE = ("has_child", "has_parent", "knn")


@dataclass
class Percolation:
    """What one percolate query matched: per stored query's document id, the slots of the
    documents it matched, per slot the names of its ``_name``'d parts that matched, and the
    context it was compiled in (its terms, for highlighting the documents)."""

    name: str
    documents: list[dict[str, Any]]
    matches: dict[str, tuple[list[int], dict[int, list[str]], Context]] = field(
        default_factory=dict
    )


def q_percolate(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    for key in body:
        if key not in KEYS:
            raise XContentParseError(f"[percolate] unknown field [{key}]")
    name = body.get("field")
    if not isinstance(name, str):
        raise IllegalArgument("[field] is a required argument")
    given = [k for k in ("document", "documents", "id") if k in body]
    if not given:
        raise IllegalArgument(
            "Required one of fields [document, documents, id], but none were specified."
        )
    if len(given) > 1:
        raise IllegalArgument(f"The following fields are not allowed together: {given}")
    if body.get("version") is not None:
        raise Unsupported("[version] of the indexed document in a [percolate] query")
    documents = _documents(ctx, body)
    mapped = ctx.mapping.field(name)
    if mapped is None:
        raise QueryShardError(f"field [{name}] does not exist")
    if not isinstance(mapped, PercolatorField):
        raise QueryShardError(
            f"expected field [{name}] to be of type [percolator], but is of type "
            f"[{mapped.type_name}]"
        )
    percolation = Percolation(str(body.get("name") or name), documents)
    ctx.percolations.append(percolation)
    memory = _memory_reader(ctx.reader, documents)
    scored: list[tuple[str, float]] = []
    for doc in iterate_documents(ctx.reader.searcher):
        source = doc.source_dict()
        stored = extract(source, mapped.path)
        if not stored or not isinstance(stored[0], dict):
            continue
        found = _run_stored(ctx, memory, stored[0])
        if found is None:
            continue
        score, slots, named, inner = found
        percolation.matches[doc.doc_id] = (slots, named, inner)
        scored.append((doc.doc_id, score))
    if not scored:
        return MATCH_NONE()
    clauses = [
        (Occur.Should, Query.const_score_query(Query.term_query(ctx.schema, "_id", i), s))
        for i, s in scored
    ]
    return boosted(Query.boolean_query(clauses), body)


def _documents(ctx: Context, body: dict[str, Any]) -> list[dict[str, Any]]:
    if "document" in body:
        document = body["document"]
        if not isinstance(document, dict):
            raise ParsingError("[percolate] document must be an object")
        return [document]
    if "documents" in body:
        documents = body["documents"]
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise ParsingError("[percolate] documents must be an array of objects")
        if not documents:
            raise IllegalArgument("[document] is a required argument")
        return documents
    index = body.get("index")
    if index is None:
        raise IllegalArgument("[index] is a required argument")
    doc_id = str(body["id"])
    source = ctx.lookup(str(index), doc_id) if ctx.lookup is not None else None
    if source is None:
        raise NotFound(f"indexed document [{index}/{doc_id}] couldn't be found")
    return [source]


def _memory_reader(reader: Reader, documents: list[dict[str, Any]]) -> Reader:
    """The documents, parsed with the index's mapping, in a tantivy index in RAM laid out as
    the index (one document per slot, ``_id`` the slot)."""
    layout = Layout.from_dict(reader.layout.to_dict())
    store = Store(None, layout, reader.registry)
    try:
        for slot, document in enumerate(documents):
            parsed = reader.mapping.parse(document, None)
            source = jsoncodec.dumps(document)
            store.add(store.document(str(slot), 0, 1, source, None, parsed))
        searcher = store.commit()
    finally:
        store.close()  # the writer's threads; the searcher stays readable
    return Reader(searcher, reader.mapping, layout, store.schema, reader.registry)


def _run_stored(
    ctx: Context, memory: Reader, stored: dict[str, Any]
) -> tuple[float, list[int], dict[int, list[str]], Context] | None:
    """A stored query's best score over the documents, the slots it matched (in order) and
    the named parts each slot matched; None when it matches none."""
    inner = Context(memory, ctx.index_name, settings=ctx.settings, now=ctx.now, lookup=ctx.lookup)
    query = compile_query(inner, stored)
    searcher = memory.searcher
    hits = searcher.search(query, searcher.num_docs or 1).hits
    if not hits:
        return None
    best = max(score for score, _ in hits)
    by_slot = sorted(int(str(searcher.doc(address).get_first("_id"))) for _, address in hits)
    named: dict[int, list[str]] = {}
    order = _names_in_clause_order(stored)
    for slot in by_slot:
        found = {n for n, q in inner.named if searcher.search(_on_slot(memory, q, slot), 1).hits}
        if found:
            named[slot] = sorted(found, key=lambda n: order.get(n, len(order)))
    return float(best), by_slot, named, inner


def _names_in_clause_order(query: Any) -> dict[str, int]:
    """The ``_name``s of a query in the order Lucene's NamedMatches.findNamedMatches lists
    them: breadth first through the query Elasticsearch builds, whose bool clauses come as
    must, must_not, should, then filter."""
    order: dict[str, int] = {}
    queue = [query]
    while queue:
        node = queue.pop(0)
        if not isinstance(node, dict) or len(node) != 1:
            continue
        ((kind, body),) = node.items()
        if not isinstance(body, dict):
            continue
        name = body.get("_name")
        if name is None:
            inner = [v for k, v in body.items() if k not in ("boost", "_name")]
            if len(inner) == 1 and isinstance(inner[0], dict):
                name = inner[0].get("_name")
        if isinstance(name, str):
            order.setdefault(name, len(order))
        keys = ("must", "must_not", "should", "filter") if kind == "bool" else _QUERY_KEYS
        for key in keys:
            child = body.get(key)
            queue.extend(child if isinstance(child, list) else [child])
    return order


#: Where compound queries other than bool hold their queries.
_QUERY_KEYS = ("query", "filter", "queries", "positive", "negative")


def _on_slot(memory: Reader, query: tantivy.Query, slot: int) -> tantivy.Query:
    only = Query.term_query(memory.schema, "_id", str(slot))
    return Query.boolean_query([(Occur.Must, query), (Occur.Must, only)])


def percolator_fields(percolations: list[Percolation], doc_id: str) -> dict[str, list[Any]]:
    """A hit's ``_percolator_document_slot`` fields (PercolatorMatchedSlotSubFetchPhase)."""
    fields: dict[str, list[Any]] = {}
    single = len(percolations) == 1
    for percolation in percolations:
        found = percolation.matches.get(doc_id)
        if found is None:
            continue
        slots, named, _ = found
        name = SLOT_FIELD if single else f"{SLOT_FIELD}_{percolation.name}"
        fields[name] = list(slots)
        for slot, names in named.items():
            fields[f"{name}_{slot}_matched_queries"] = list(names)
    return fields


def percolator_highlights(
    percolations: list[Percolation], doc_id: str, index: Any, spec: dict[str, Any]
) -> dict[str, list[str]]:
    """A hit's highlights of the documents its query matched, named as
    PercolatorHighlightSubFetchPhase names them (the slot and the percolate query's name
    before the field when there are several documents or several percolate queries)."""
    out: dict[str, list[str]] = {}
    single = len(percolations) == 1
    for percolation in percolations:
        found = percolation.matches.get(doc_id)
        if found is None:
            continue
        slots, _, inner = found
        for slot in slots:
            fragments = highlight(inner, index, percolation.documents[slot], spec, slot)
            for path, texts in fragments.items():
                key = path if len(percolation.documents) == 1 else f"{slot}_{path}"
                out[key if single else f"{percolation.name}_{key}"] = texts
    return out


def check_stored_query(reader: Reader, index_name: str, settings: Settings, query: Any) -> None:
    """Parse a stored query against the index's mapping, unmapped fields refused."""
    _refuse_inside(query)
    ctx = Context(reader, index_name, settings=settings, strict_fields=True)
    try:
        compile_query(ctx, query)
    except EngineError:
        raise
    except ValueError as error:  # a value tantivy refuses
        raise IllegalArgument(str(error)) from None


def _refuse_inside(query: Any) -> None:
    if isinstance(query, dict):
        for key, value in query.items():
            if key in REFUSED_INSIDE:
                raise IllegalArgument(f"the [{key}] query is unsupported inside a percolator query")
            _refuse_inside(value)
    elif isinstance(query, list):
        for value in query:
            _refuse_inside(value)


PercolatorField.check = check_stored_query
