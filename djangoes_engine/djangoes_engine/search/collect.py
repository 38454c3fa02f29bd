"""Collecting a search's hits: the targets (one per index, with the reader captured at the start,
the compiled query and the hit query, the query with ``post_filter``), their candidates merged
across indices by sort key, the total, and ``search_after``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import heapq
import time
from dataclasses import dataclass
from typing import Any

import tantivy
from tantivy import Occur, Query

from .. import geo, jsoncodec, sorting
from ..cluster import Cluster
from ..dates import DateFormat
from ..errors import (
    EngineError,
    IllegalArgument,
    QueryShardError,
    SearchPhaseError,
)
from ..fields import DateField, FieldType, GeoPointField, KeywordField, NumberField, TextField
from ..index import Index, Reader, check_blocks
from ..mapping import source_path
from ..names import Resolved
from ..query import Context, compile_query
from ..query.geo import points_of as geo_points_of
from ..query.knn import KnnSpec, Neighbour, nearest, scored
from ..source import extract
from .request import SearchRequest
from .rrf import StandardRetriever, fuse


@dataclass
class Target:
    """One index of a search, with everything captured when the search started."""

    index: Index
    reader: Reader
    position: int
    via_aliases: tuple[str, ...] = ()
    ctx: Context | None = None
    query: tantivy.Query | None = None
    hits_query: tantivy.Query | None = None
    boost: float = 1.0
    #: Whether the hits query is a bare ``match_all`` (no filter of any kind): its hits are
    #: then all the index's documents, counted without a search.
    matches_all: bool = False

    @property
    def context(self) -> Context:
        """The query context, which :func:`prepare` sets."""
        assert self.ctx is not None, "the target is not prepared"
        return self.ctx

    @property
    def compiled(self) -> tantivy.Query:
        """The query (without ``post_filter``), which :func:`prepare` sets."""
        assert self.query is not None, "the target is not prepared"
        return self.query

    @property
    def matching(self) -> tantivy.Query:
        """The hits query, which :func:`prepare` sets."""
        assert self.hits_query is not None, "the target is not prepared"
        return self.hits_query


@dataclass(slots=True)
class Candidate:
    key: tuple
    target: Target
    address: tantivy.DocAddress
    score: float | None
    sort_values: list[Any] | None


def make_targets(engine: Cluster, resolved: list[Resolved]) -> list[Target]:
    """The indices a search reads, refused as a whole if one has a read block, each with the
    writes its refresh schedule has made searchable by now."""
    indices = [engine.indices[r.name] for r in resolved if r.name in engine.indices]
    check_blocks(indices, "read")
    now = time.monotonic()
    for index in indices:
        index.catch_up(now)
    return [
        Target(engine.indices[r.name], engine.indices[r.name].reader, position, r.via_aliases)
        for position, r in enumerate(resolved)
        if r.name in engine.indices
    ]


def prepare(engine: Cluster, targets: list[Target], request: SearchRequest, now: int) -> None:
    """Compile the query for every target, with alias filters and ``post_filter``."""
    knn_hits = _knn_neighbours(engine, targets, request, now) if request.knn else {}
    fused = (
        _rank(engine, targets, request.rrf, request.rrf.rank_window_size, now)
        if (request.rrf is not None)
        else None
    )
    for target in targets:
        index = target.index
        default = index.settings.get("index.query.default_field")
        ctx = Context(
            target.reader,
            index.name,
            default_fields=default if isinstance(default, list) else [default],
            settings=index.settings,
            now=now,
            lookup=lambda name, doc_id: _lookup(engine, name, doc_id),
            request_size=request.size,
        )
        target.ctx = ctx
        try:
            if request.docvalue_fields:
                _check_docvalue_fields(index, request.docvalue_fields)
            query = compile_query(ctx, request.query)
            if request.knn:
                query = _with_knn(ctx, request, query, knn_hits[target.position])
            if fused is not None:
                query = _fused_query(ctx, target, fused)
            alias_filter = _alias_filter(ctx, target)
            if alias_filter is not None:
                query = Query.boolean_query([(Occur.Must, query), (Occur.Must, alias_filter)])
            hits_query = query
            if request.post_filter is not None:
                post = compile_query(ctx, request.post_filter)
                hits_query = Query.boolean_query(
                    [(Occur.Must, query), (Occur.Must, Query.boost_query(post, 0.0))]
                )
        except QueryShardError as error:
            error.extra.setdefault("index", index.name)
            error.extra.setdefault("index_uuid", index.uuid)
            raise SearchPhaseError(error, index.name) from None
        except IllegalArgument as error:
            if type(error) is IllegalArgument:
                raise SearchPhaseError(error, index.name) from None
            raise
        target.ctx, target.query, target.hits_query = ctx, query, hits_query
        target.matches_all = (
            request.query in (None, {"match_all": {}})
            and not request.knn
            and fused is None
            and alias_filter is None
            and request.post_filter is None
        )
        for pattern, boost in request.indices_boost.items():
            if fnmatch.fnmatchcase(index.name, pattern) or pattern in target.via_aliases:
                target.boost = float(boost)
                break


def _knn_neighbours(
    engine: Cluster, targets: list[Target], request: SearchRequest, now: int
) -> dict[int, list[list[Neighbour]]]:
    """The top-level ``knn`` searches: each one's ``k`` nearest across all the indices (as
    Elasticsearch's DFS phase merges the shards'), by target."""
    found: dict[int, list[list[Neighbour]]] = {t.position: [] for t in targets}
    for spec in request.knn:
        merged: list[tuple[Neighbour, int]] = []
        for target in targets:
            ctx = Context(target.reader, target.index.name, settings=target.index.settings, now=now)
            try:
                alias_filter = _alias_filter(ctx, target)
                merged.extend((n, target.position) for n in nearest(ctx, spec, alias_filter))
            except QueryShardError as error:
                error.extra.setdefault("index", target.index.name)
                error.extra.setdefault("index_uuid", target.index.uuid)
                raise SearchPhaseError(error, target.index.name) from None
            except IllegalArgument as error:
                if type(error) is IllegalArgument:
                    raise SearchPhaseError(error, target.index.name) from None
                raise
        merged.sort(key=lambda pair: (-pair[0].score, pair[1], pair[0].seq_no))
        kept = merged[: spec.k]
        for target in targets:
            found[target.position].append([n for n, p in kept if p == target.position])
    return found


@dataclass
class _Ranked:
    """What a retriever found: its top documents, best first, as ``(target position, segment,
    doc, _id)``, their scores (an rrf's), and the query of what it matches, by target."""

    keys: list[tuple[int, int, int, str]]
    scores: dict[tuple[int, int, int, str], float]
    matching: dict[int, list[tantivy.Query]]


def _rank(engine: Cluster, targets: list[Target], retriever: Any, window: int, now: int) -> _Ranked:
    """Run a retriever of an ``rrf`` tree: a leaf's top ``window`` documents across the
    indices, or an ``rrf``'s fusion of its children's."""
    if isinstance(retriever, KnnSpec):
        merged: list[tuple[Neighbour, Target]] = []
        contexts = {}
        for target in targets:
            ctx = Context(target.reader, target.index.name, settings=target.index.settings, now=now)
            contexts[target.position] = ctx
            merged.extend((n, target) for n in nearest(ctx, retriever, _alias_filter(ctx, target)))
        merged.sort(key=lambda pair: (-pair[0].score, pair[1].position, pair[0].seq_no))
        kept = merged[: retriever.k]
        keys = [(t.position, n.order[0], n.order[1], n.doc_id) for n, t in kept]
        matching = {
            p: [scored(ctx, [n for n, t in kept if t.position == p])] for p, ctx in contexts.items()
        }
        return _Ranked(keys[:window], {}, matching)
    if isinstance(retriever, StandardRetriever):
        sub = SearchRequest(
            query=retriever.query,
            size=window,
            sort=retriever.sort,
            search_after=retriever.search_after,
            terminate_after=retriever.terminate_after,
            min_score=retriever.min_score,
        )
        clones = [Target(t.index, t.reader, t.position, t.via_aliases) for t in targets]
        prepare(engine, clones, sub, now)
        candidates, _ = collect(clones, sub)
        keys = []
        for candidate in candidates[:window]:
            document = candidate.target.reader.searcher.doc(candidate.address)
            address = candidate.address
            doc_id = str(document.get_first("_id"))
            keys.append((candidate.target.position, address.segment_ord, address.doc, doc_id))
        return _Ranked(keys, {}, {t.position: [t.matching] for t in clones})
    children = [
        (_rank(engine, targets, child, retriever.rank_window_size, now), weight)
        for child, weight in retriever.children
    ]
    fused = fuse(
        [(ranked.keys, weight) for ranked, weight in children],
        retriever.rank_constant,
        retriever.rank_window_size,
    )
    union: dict[int, list[tantivy.Query]] = {t.position: [] for t in targets}
    for ranked, _ in children:
        for position, queries in ranked.matching.items():
            union[position].extend(queries)
    return _Ranked([k for k, _ in fused][:window], dict(fused), union)


def _fused_query(ctx: Context, target: Target, fused: _Ranked) -> tantivy.Query:
    """An rrf's query on one index: its fused documents with their scores, and (scoring 0, for
    the total and the aggregations) every document one of its retrievers matches."""
    mine = [
        Neighbour(fused.scores[key], key[3], (key[1], key[2]))
        for key in fused.keys
        if key[0] == target.position
    ]
    clauses = [(Occur.Should, scored(ctx, mine))]
    clauses += [(Occur.Should, Query.boost_query(q, 0.0)) for q in fused.matching[target.position]]
    return Query.boolean_query(clauses)


def _with_knn(
    ctx: Context, request: SearchRequest, query: tantivy.Query, found: list[list[Neighbour]]
) -> tantivy.Query:
    """The query with the kNN hits: documents either matches, their scores summed."""
    clauses = [] if request.query is None else [(Occur.Should, query)]
    for spec, neighbours in zip(request.knn, found, strict=True):
        knn_query = scored(ctx, neighbours)
        if spec.name is not None:
            ctx.named.append((spec.name, knn_query))
        clauses.append((Occur.Should, knn_query))
    return Query.boolean_query(clauses)


def _check_docvalue_fields(index: Index, specs: list[Any]) -> None:
    """``index.max_docvalue_fields_search``: the distinct mapped fields ``docvalue_fields``
    names (patterns expanded), as Elasticsearch counts them."""
    names: set[str] = set()
    for spec in specs:
        pattern = spec["field"] if isinstance(spec, dict) else str(spec)
        names.update(field.path for field in index.mapping.fields_matching(pattern))
    limit = index.settings.int("index.max_docvalue_fields_search")
    if len(names) > limit:
        raise IllegalArgument(
            "Trying to retrieve too many docvalue_fields. Must be less than or equal to: "
            f"[{limit}] but was [{len(names)}]. This limit can be set by changing the "
            "[index.max_docvalue_fields_search] index level setting."
        )


def _alias_filter(ctx: Context, target: Target) -> tantivy.Query | None:
    if not target.via_aliases:
        return None
    filters = []
    for alias in target.via_aliases:
        spec = target.index.aliases.get(alias, {}).get("filter")
        if spec is None:
            return None
        filters.append(compile_query(ctx, spec))
    if len(filters) == 1:
        return Query.boost_query(filters[0], 0.0)
    return Query.boost_query(Query.boolean_query([(Occur.Should, f) for f in filters]), 0.0)


def _lookup(engine: Cluster, name: str, doc_id: str) -> dict[str, Any] | None:
    index = engine.indices.get(name)
    if index is None:
        return None
    doc = index.get(doc_id)
    return doc.source_dict() if doc is not None else None


# Candidates


def collect(
    targets: list[Target], request: SearchRequest, *, everything: bool = False
) -> tuple[list[Candidate], int]:
    """The ordered candidates for the hits, and the total number of hits."""
    if request.search_after is not None and request.sorts_by_score:
        # Elasticsearch drops a lone ``_score`` (descending) sort: nothing to search after.
        raise IllegalArgument("Sort must contain at least one field.")
    wanted = request.start + request.size
    candidates: list[Candidate] = []
    total = 0
    for target in targets:
        found, count = _target_candidates(target, request, wanted, everything)
        candidates.extend(found)
        total += count
    candidates.sort(key=lambda c: c.key)
    if request.rrf is not None:  # the hits are the fused documents, which score above 0
        candidates = candidates[: request.rrf.rank_window_size]
    if request.search_after is not None:
        after = _after_key(request, targets)
        candidates = [c for c in candidates if c.key[: len(after)] > after]
    return candidates, total


def _target_candidates(
    target: Target, request: SearchRequest, wanted: int, everything: bool
) -> tuple[list[Candidate], int]:
    searcher = target.reader.searcher
    query = target.matching
    if target.boost != 1.0:
        query = Query.boost_query(query, target.boost)
    simple = (
        request.sorts_by_score
        and request.search_after is None
        and request.min_score is None
        and not everything
    )
    hits: list[Any]
    seq_nos: list[int] | None = None  # the hits' _seq_no, when finding them read it
    if simple and wanted == 0 and target.matches_all:
        # No hits wanted, only their number: the index's documents (all root documents, the
        # nested objects live in a reader of their own), without scoring each of them.
        hits, count = [], searcher.num_docs
    elif simple:
        hits, count, seq_nos = _best_by_score(target, query, wanted, request)
    else:
        result = _run(searcher, query, max(searcher.num_docs, 1))
        hits, count = result.hits, result.count
    if request.terminate_after:
        count = min(count, request.terminate_after)
        hits = hits[: request.terminate_after]
        seq_nos = None if seq_nos is None else seq_nos[: request.terminate_after]
    if request.min_score is not None:
        hits = [(s, a) for s, a in hits if s >= request.min_score]
        count = len(hits)
    if request.sorts_by_score:
        return _by_score(target, hits, seq_nos), count
    return _sorted_candidates(target, request, hits), count


def _by_score(target: Target, hits: list[Any], seq_nos: list[int] | None) -> list[Candidate]:
    if seq_nos is None:
        seq_nos = _seq_nos(target, [address for _, address in hits])
    return [
        Candidate((-score, target.position, seq_no), target, address, score, None)
        for (score, address), seq_no in zip(hits, seq_nos, strict=True)
    ]


def _best_by_score(
    target: Target, query: tantivy.Query, wanted: int, request: SearchRequest
) -> tuple[list[Any], int, list[int] | None]:
    """At least the ``wanted`` best hits, with every hit tied with the last of them: ties are
    broken by index order (:func:`_seq_nos`), which tantivy's top-k does not know. Returns
    them, the number of matches and the hits' ``_seq_no`` when breaking a tie read them.

    The first search reads more hits than wanted (:data:`_TIE_ROOM`): they show whether a tie
    crosses the edge, and hold the whole tie when it is among few documents. When they do not,
    a query that scores every document alike is read in ``_seq_no`` order by tantivy itself;
    any other reads the first of the tie in ``_seq_no`` ranges (:func:`_first_tied_by_seq_no`)
    or, failing that, more hits, sixteen times as many each time (at most all), until one
    scores below the tie.
    """
    searcher = target.reader.searcher
    limit = wanted + _TIE_ROOM if wanted else 1
    result = _run(searcher, query, limit)
    hits = result.hits
    if wanted == 0 or len(hits) <= wanted or hits[wanted - 1][0] != hits[wanted][0]:
        return hits[: wanted or 1], result.count, None
    if _holds_tie(hits, limit, wanted):
        best, numbers = _first_of_tie(target, hits, wanted)
        return best, result.count, numbers
    if _scores_alike(request.query):
        ordered = searcher.search(
            query, wanted, count=False, order_by_field="_seq_no", order=tantivy.Order.Asc
        ).hits
        best = [(hits[0][0], address) for _, address in ordered]
        return best, result.count, [int(seq_no or 0) for seq_no, _ in ordered]
    if not target.reader.level and _scored_alike_on_every_path(query):
        first = _first_tied_by_seq_no(target, query, hits, wanted, result.count)
        if first is not None:
            return first[0], result.count, first[1]
    while not _holds_tie(hits, limit, wanted):
        limit = limit * 16 if limit * 16 < result.count else result.count + 1
        hits = searcher.search(query, limit, count=False).hits
    best, seq_nos = _first_of_tie(target, hits, wanted)
    return best, result.count, seq_nos


def _first_tied_by_seq_no(
    target: Target, query: tantivy.Query, hits: list[Any], wanted: int, count: int
) -> tuple[list[Any], list[int]] | None:
    """The ``wanted`` best hits when ``hits`` (more than the ``wanted`` best of ``count`` matches)
    end in a tie, found without reading the whole tie: the query restricted to the first
    ``_seq_no`` (a range sized to hold a page of the matches, were they spread evenly), each
    match in it scored, until the ranges read hold enough of the tie. The first of the tie in
    ``_seq_no`` order are then the first in the ranges: a range starts where the last ended.

    Most ties hold most of the matching documents (a one-word match on short titles), so the
    first range is usually enough; None when a range holds none of the tie, more matches than
    one search reads or the ranges run past a few pages (a tie among few documents, or many
    documents written since the search's reader), for the caller to read the whole tie."""
    searcher = target.reader.searcher
    schema = target.reader.schema
    edge = hits[wanted - 1][0]
    start = _tie_start(hits, wanted)
    need = wanted - start
    above: list[int] | None = None  # the _seq_no of the hits above the tie, read with the first
    first: list[tuple[int, tantivy.DocAddress]] = []
    span = target.index.max_seq_no + 1  # at least the reader's _seq_no: ranges stop there
    page, low, read = max(2 * wanted, 32), 0, 0
    while low < span and read + page <= _TIE_SCAN_LIMIT:
        high = low + max(1, span * page // count)
        only_these = Query.range_query(schema, "_seq_no", tantivy.FieldType.Integer, low, high - 1)
        restricted = Query.boolean_query(
            [(Occur.Must, query), (Occur.Must, Query.boost_query(only_these, 0.0))]
        )
        result = _run(searcher, restricted, 2 * page)
        scored = result.hits
        if not scored:  # no match written in the range: a wider one next
            low, page = high, 2 * page
            continue
        if result.count > len(scored) and scored[-1][0] >= edge:
            return None  # more of the range ties than one search reads
        tied = [address for score, address in scored if score == edge]
        if not tied:
            return None  # a tie among few of the matches: cheaper read whole
        if above is None:
            values = _seq_nos(target, [address for _, address in hits[:start]] + tied)
            above, values = values[:start], values[start:]
        else:
            values = _seq_nos(target, tied)
        first.extend(zip(values, tied, strict=True))
        if len(first) >= need:
            first.sort(key=lambda pair: pair[0])
            chosen = first[:need]
            return (
                hits[:start] + [(edge, address) for _, address in chosen],
                above + [seq_no for seq_no, _ in chosen],
            )
        read += result.count
        # the next range: twice as many matches as the tie's share of this one says are needed
        page = 2 * (need - len(first)) * max(result.count, 1) // len(tied)
        low = high
    return None


_TIE_ROOM = 64
"""How many hits beyond those wanted :func:`_best_by_score` reads first: a few microseconds
more than one, and most ties among few documents fall within them."""

_TIE_SCAN_LIMIT = 1024
"""How many matching documents :func:`_first_tied_by_seq_no` reads in index order before
leaving the tie to :func:`_first_of_tie`."""


def _scored_alike_on_every_path(query: tantivy.Query) -> bool:
    """Whether the query scores a document the same whether tantivy runs it alone or within a
    conjunction: all but a top-level disjunction of three or more clauses, which tantivy's
    block-max WAND may sum in another order (a difference in the last bit)."""
    text = repr(query)
    return not (text.startswith("Query(BooleanQuery") and text.count("(Should,") > 2)


def _holds_tie(hits: list[Any], limit: int, wanted: int) -> bool:
    """Whether ``hits``, a search's best ``limit``, hold the whole tie at the edge of the
    ``wanted`` best: one of them scores below it, or they are every match."""
    return len(hits) < limit or hits[-1][0] != hits[wanted - 1][0]


def _tie_start(hits: list[Any], wanted: int) -> int:
    """Where the tie at the edge of the ``wanted`` best hits begins (how many score above it)."""
    edge = hits[wanted - 1][0]
    start = wanted - 1
    while start and hits[start - 1][0] == edge:
        start -= 1
    return start


def _first_of_tie(target: Target, hits: list[Any], wanted: int) -> tuple[list[Any], list[int]]:
    """The ``wanted`` best of ``hits`` (best first, holding the whole tie at the edge): those
    that score above the tie, then the tied ones indexed first; and their ``_seq_no``."""
    edge = hits[wanted - 1][0]
    start = _tie_start(hits, wanted)
    end = wanted
    while end < len(hits) and hits[end][0] == edge:
        end += 1
    above, tied = hits[:start], hits[start:end]
    seq_nos = _seq_nos(target, [address for _, address in above + tied])
    # _seq_no is unique: the pairs never compare their hits
    first = heapq.nsmallest(wanted - start, zip(seq_nos[start:], tied, strict=True))
    return above + [hit for _, hit in first], seq_nos[:start] + [seq_no for seq_no, _ in first]


def _scores_alike(query: Any) -> bool:
    """Whether a query gives every document it matches the same score (post filters and alias
    filters do not score)."""
    if query is None:
        return True
    if not isinstance(query, dict) or len(query) != 1:
        return False
    ((kind, body),) = query.items()
    if kind in ("match_all", "constant_score"):
        return True
    return (
        kind == "bool"
        and isinstance(body, dict)
        and not body.get("must")
        and not body.get("should")
    )


def _seq_nos(target: Target, addresses: list[tantivy.DocAddress]) -> list[int]:
    """The documents' ``_seq_no``: their order of indexing, the order Elasticsearch gives
    documents that tie on one shard (Lucene's doc ids; tantivy's segments come in no order)."""
    if not addresses:
        return []
    return [int(v or 0) for v in target.reader.searcher.fast_field_values("_seq_no", addresses)]


def _run(searcher: tantivy.Searcher, query: tantivy.Query, limit: int) -> Any:
    try:
        return searcher.search(query, limit, count=True)
    except ValueError as error:
        raise SearchPhaseError(QueryShardError(f"failed to create query: {error}")) from None


class _Descending:
    """Reverses the order of a string (or any value) inside a sort key."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Descending) -> bool:
        return other.value < self.value

    def __gt__(self, other: _Descending) -> bool:
        return other.value > self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


def key_part(value: Any, sort: sorting.SortField) -> tuple:
    """One component of a sort key: missing values first or last, present ones in order."""
    if value is None:
        return (0 if sort.missing == "_first" else 2, 0)
    if sort.reverse:
        value = (
            -value
            if isinstance(value, int | float) and not isinstance(value, bool)
            else (_Descending(value))
        )
    return (1, value)


def _sorted_candidates(target: Target, request: SearchRequest, hits: list) -> list[Candidate]:
    addresses = [address for _, address in hits]
    seq_nos = _seq_nos(target, addresses)
    columns: list[tuple[list[Any], FieldType | None]] = []
    for sort in request.sort:
        if sort.name == "_score":
            columns.append(([score for score, _ in hits], None))
        elif sort.name in ("_doc", "_shard_doc"):
            columns.append(([_doc_number(target, a) for a in addresses], None))
        elif isinstance(sort, sorting.GeoDistanceSort):
            try:
                columns.append((_geo_distances(target, sort, addresses), None))
            except EngineError as error:
                raise SearchPhaseError(error, target.index.name) from None
        elif sort.name in ("_seq_no", "_version"):  # metadata fields with doc values
            values = target.reader.searcher.fast_field_values(sort.name, addresses)
            columns.append((values, None))
        else:
            try:
                field = sorting.sortable_field(target.reader.mapping, sort, target.index.name)
                nested = _nested_sort_values(target, field, sort, hits)
            except EngineError as error:
                raise SearchPhaseError(error, target.index.name) from None
            if nested is not None:
                columns.append((nested, field))
                continue
            columns.append((_field_values(target, field, sort, addresses), field))
    candidates = []
    for row, (score, address) in enumerate(hits):
        key: list[Any] = []
        shown = []
        for sort, (values, field) in zip(request.sort, columns, strict=True):
            value = values[row]
            if value is None and sort.missing not in ("_last", "_first"):
                value = _convert_missing(sort.missing, field)
            if value is None and _substitutes_missing(field):
                # Elasticsearch sorts a missing number as the extreme value it shows
                # (Long.MAX_VALUE, Infinity, ...): keyed so, search_after moves past it.
                value = sorting.missing_value(sort, field)
            key.append(key_part(value, sort))
            if value is None and sort.name not in ("_score",):
                value = sorting.missing_value(sort, field)
            shown.append(sorting.output(value, sort, field))
        key.append((target.position, seq_nos[row]))
        tracked = (
            score if request.track_scores or any(s.name == "_score" for s in request.sort) else None
        )
        candidates.append(Candidate(tuple(key), target, address, tracked, shown))
    return candidates


def _substitutes_missing(field: Any) -> bool:
    return isinstance(field, NumberField | DateField)


def _convert_missing(value: Any, field: Any) -> Any:
    if field is None:
        return value
    try:
        return field.to_query_value(value)
    except EngineError:
        raise IllegalArgument(
            f"Failed to parse missing value [{value}] for sort on [{field.path}]"
        ) from None


def _doc_number(target: Target, address: tantivy.DocAddress) -> int:
    return (target.position << 48) | (address.segment_ord << 32) | address.doc


def _field_values(
    target: Target, field: Any, sort: sorting.SortField, addresses: list[tantivy.DocAddress]
) -> list[Any]:
    """Each document's value for a sort: its values reduced by the sort's mode."""
    if field is None or not addresses:
        return [None] * len(addresses)
    reader = target.reader
    slot = _single_number_slot(reader, field)
    if slot is not None and sort.mode is None:
        return reader.searcher.fast_field_values(slot, addresses)
    return [sorting.reduce(each, sort, field) for each in _all_values(reader, field, addresses)]


def _single_number_slot(reader: Reader, field: Any) -> str | None:
    """The fast field of a numeric field no document holds several values of, if it has one."""
    slot = reader.slot(field.path)
    kind = reader.layout.slots.get(field.path, [None, [None]])[1][0]
    if slot is None or field.path in reader.layout.multi:
        return None
    return slot if kind in ("i64", "u64", "f64", "bool") else None


def _all_values(reader: Reader, field: Any, addresses: list[tantivy.DocAddress]) -> list[list]:
    """Every value of a field in each document: from its fast field when it has one value at
    most, else from its ``_source``."""
    slot = _single_number_slot(reader, field)
    if slot is not None:
        found = reader.searcher.fast_field_values(slot, addresses)
        return [[] if value is None else [value] for value in found]
    values = []
    path = source_path(reader.mapping, field)
    if reader.level and path.startswith(reader.level + "."):  # a nested object's own source
        path = path[len(reader.level) + 1 :]
    for address in addresses:
        stored = reader.searcher.doc(address).get_first("_source")
        assert stored is not None  # every document a store writes has one
        source = jsoncodec.loads(stored)
        converted = []
        for item in extract(source, path):
            try:
                converted.append(field.convert(item))
            except EngineError:
                continue
        if isinstance(field, TextField):  # fielddata: the terms, as the index is uninverted
            converted = sorting.fielddata_terms(field, converted)
        values.append(converted)
    return values


def _nested_sort_values(
    target: Target, field: FieldType | None, sort: sorting.SortField, hits: list
) -> list[Any] | None:
    """The values of a sort on a field of nested objects, per root document: those of the
    objects at the innermost ``nested.path`` that the sort keeps (see
    :func:`_nested_sort_objects`), reduced by the sort's mode; None for a field the documents
    hold themselves."""
    reader = target.reader
    mapping = reader.mapping
    if field is None or reader.level:  # inner hits and nested aggregations: already there
        return None
    if sort.nested is None:
        if mapping.in_root(field.path):
            return None
        raise QueryShardError(
            f"it is mandatory to set the [nested] context on the nested sort field: [{sort.name}]."
        )
    levels = sorting.nested_levels(mapping, sort.nested)
    if levels is None:  # no nesting after all: the roots' own values
        return None if mapping.in_root(field.path) else [None] * len(hits)
    innermost = levels[-1].path
    nested_reader = reader.at_level(innermost)
    if nested_reader is None or not hits or not sorting.held_at(mapping, innermost, field.path):
        return [None] * len(hits)
    roots = _root_ids(target, hits)
    objects = _nested_sort_objects(
        target, nested_reader, levels, [r for r in roots if r is not None]
    )
    if sort.mode == "median":  # Elasticsearch's nested sort modes: min, max, sum and avg
        raise IllegalArgument("Unsupported sort mode: MEDIAN")
    # The mode reduces the values of all the objects together (an avg weighs every value, not
    # every object), as Elasticsearch's MultiValueMode over a root's children.
    values = _all_values(nested_reader, field, [a for _, a in objects])
    per_root: dict[str, list[Any]] = {}
    for (root, _), each in zip(objects, values, strict=True):
        if each:
            per_root.setdefault(root, []).extend(each)
    return [
        sorting.reduce(per_root[root], sort, field) if root in per_root else None for root in roots
    ]


def _root_ids(target: Target, hits: list) -> list[str | None]:
    """Each hit's ``_id``: the nested store knows an object's root document by it."""
    searcher = target.reader.searcher
    everything = max(searcher.num_docs, 1)
    keyed = searcher.search(target.matching, everything, count=False, order_by_field="_id").hits
    ids = {(a.segment_ord, a.doc): doc_id for doc_id, a in keyed}
    return [ids.get((a.segment_ord, a.doc)) for _, a in hits]


def _nested_sort_objects(
    target: Target, reader: Reader, levels: list[sorting.NestedLevel], roots: list[str]
) -> list[tuple[str, tantivy.DocAddress]]:
    """The objects whose values a nested sort reads, each with its root's id.

    As Elasticsearch chains its levels (a block join from each level's objects to their
    children), an object counts when it is at the innermost level's path in one of the roots,
    matches that level's ``filter``, and lies in an object the level above counts: one search
    per level, each restricted to the objects (by ``_parent``) the one above kept.
    """
    searcher = reader.searcher
    limit = max(searcher.num_docs, 1)
    kept: list[str] | None = None
    for level in levels[:-1]:
        query = _nested_level_query(target, reader, level, roots, kept)
        found = searcher.search(query, limit, count=False, order_by_field="_nid").hits
        kept = [nid for nid, _ in found]
        if not kept:
            return []
    query = _nested_level_query(target, reader, levels[-1], roots, kept)
    return searcher.search(query, limit, count=False, order_by_field="_id").hits


def _nested_level_query(
    target: Target,
    reader: Reader,
    level: sorting.NestedLevel,
    roots: list[str],
    outer: list[str] | None,
) -> tantivy.Query:
    """The objects at one level of a nested sort: at its path, in the roots, inside one of the
    ``outer`` objects (by ``_nid``; None: the top level) and matching its ``filter``."""
    schema = reader.schema
    clauses = [
        (Occur.Must, Query.term_query(schema, "_path", level.path)),
        (Occur.Must, Query.term_set_query(schema, "_id", roots)),
    ]
    if outer is not None:
        clauses.append((Occur.Must, Query.term_set_query(schema, "_parent", outer)))
    if level.filter is not None:
        ctx = dataclasses.replace(target.context, scope=level.path)
        clauses.append((Occur.Must, compile_query(ctx, level.filter)))
    return Query.boolean_query(clauses)


def _geo_distances(
    target: Target, sort: sorting.GeoDistanceSort, addresses: list[tantivy.DocAddress]
) -> list[float]:
    """Each document's ``_geo_distance`` sort value: its points' distances to the sort's
    points (from the points as stored, quantised), reduced by the sort's mode."""
    origins = sort.origins()
    field = target.reader.mapping.field(sort.field)
    if field is None:
        if sort.ignore_unmapped:
            return [float("inf")] * len(addresses)
        raise IllegalArgument(
            f"failed to find mapper for [{sort.field}] for geo distance based sort"
        )
    if not isinstance(field, GeoPointField):
        sorting.sortable_field(target.reader.mapping, sorting.SortField(sort.field, "asc"))
        fielddata = (
            "SortedSetOrdinalsIndexFieldData"
            if field.is_text_like or isinstance(field, KeywordField)
            else "SortedNumericIndexFieldData"
        )
        raise EngineError(
            f"class org.elasticsearch.index.fielddata.plain.{fielddata} cannot be cast to class "
            "org.elasticsearch.index.fielddata.IndexGeoPointFieldData",
            type="class_cast_exception",
        )
    values = []
    for points in geo_points_of(target.reader, field, addresses):
        distances = []
        for packed in points:
            lat, lon = geo.unpack(packed)
            for origin_lat, origin_lon in origins:
                distances.append(
                    geo.calculate(sort.distance_type, origin_lat, origin_lon, lat, lon, sort.unit)
                )
        values.append(sort.value(distances))
    return values


def _after_key(request: SearchRequest, targets: list[Target]) -> tuple:
    after = request.search_after or []
    if len(after) != len(request.sort):
        raise IllegalArgument(
            f"search_after has {len(after)} value(s) but sort has {len(request.sort)}."
        )
    return tuple(
        key_part(_after_value(v, s, targets), s) for v, s in zip(after, request.sort, strict=True)
    )


def _after_value(value: Any, sort: sorting.SortField, targets: list[Target]) -> Any:
    """A ``search_after`` value in the form sort keys hold, as the sort field parses it.

    Hits show some sort values as strings (``"Infinity"`` for a missing double, a date in the
    sort's ``format``), and clients send them back as they got them.
    """
    if value is None or sort.name in sorting.SPECIAL:
        return value
    if isinstance(sort, sorting.GeoDistanceSort):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise IllegalArgument(
                f"Failed to parse search_after value [{value}] for sort on [{sort.name}]"
            ) from None
    field = next(
        (f for f in (t.reader.mapping.field(sort.name) for t in targets) if f is not None), None
    )
    try:
        if isinstance(field, NumberField) and isinstance(value, str):
            if value in ("Infinity", "-Infinity", "NaN"):
                return float(value)
            return field.to_query_value(value)
        if isinstance(field, DateField) and isinstance(value, str):
            date_format = DateFormat(sort.format) if sort.format else field.date_format
            for extreme in (sorting.LONG_MAX, sorting.LONG_MIN):  # a missing date, formatted
                if value == date_format.format(extreme):
                    return extreme
            return date_format.parse(value)
    except EngineError:
        raise IllegalArgument(
            f"Failed to parse search_after value [{value}] for sort on [{sort.name}]"
        ) from None
    if isinstance(field, KeywordField) and not isinstance(value, str):
        return str(value)
    return value


def count_hits(
    engine: Cluster,
    targets: list[Target],
    query: Any,
    *,
    min_score: float | None = None,
    terminate_after: int | None = None,
) -> int:
    request = SearchRequest(
        query=query, size=0, min_score=min_score, terminate_after=terminate_after
    )
    prepare(engine, targets, request, int(time.time() * 1000))
    total = 0
    for target in targets:
        searcher = target.reader.searcher
        if min_score is None:
            result: Any = searcher.search(target.matching, 1, count=True)  # tantivy's stub
            total += min(result.count, terminate_after) if terminate_after else result.count
        else:
            hits = searcher.search(target.matching, max(searcher.num_docs, 1)).hits
            total += sum(1 for score, _ in hits if score >= min_score)
    return total


def matching_documents(target: Target) -> list[tantivy.DocAddress]:
    """Every document a prepared target's query matches, in index order."""
    searcher = target.reader.searcher
    hits = searcher.search(target.matching, max(searcher.num_docs, 1), count=False).hits
    return sorted((a for _, a in hits), key=lambda a: (a.segment_ord, a.doc))
