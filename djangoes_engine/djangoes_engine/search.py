"""Search execution: hits (sorted, paged, filtered), totals, and the response body.

A search runs on *targets*: one per index, each with the reader captured at the start, the
compiled query and the hit query (the query with ``post_filter``). Each target contributes
candidates; candidates are merged across indices by their sort key, paged, and only the page
is loaded from the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from . import jsoncodec, sorting
from .errors import (
    BadRequest,
    EngineError,
    IllegalArgument,
    ParsingError,
    QueryShardError,
    SearchPhaseError,
    ValidationError,
)
from .index import PRIMARY_TERM, Index, Reader, stored_doc
from .query import Context, compile_query
from .source import SourceFilter, extract, from_body

#: Search body keys this engine refuses with a clear error rather than ignores.
UNSUPPORTED = (
    "collapse",
    "rescore",
    "suggest",
    "script_fields",
    "runtime_mappings",
    "knn",
    "rank",
    "retriever",
    "slice",
)
BODY_KEYS = {
    "query", "from", "size", "sort", "_source", "track_total_hits", "search_after", "aggs",
    "aggregations", "post_filter", "highlight", "min_score", "stored_fields", "docvalue_fields",
    "fields", "version", "seq_no_primary_term", "explain", "track_scores", "terminate_after",
    "timeout", "pit", "indices_boost", "profile", "stats", "ext", *UNSUPPORTED,
}  # fmt: skip
DEFAULT_TRACK = 10000


@dataclass
class SearchRequest:
    """A search body and URL parameters, parsed and validated once."""

    query: Any = None
    start: int = 0
    size: int = 10
    sort: list[sorting.SortField] = field(default_factory=list)
    source: Any = None  # None: whole source; False: none; SourceFilter
    track_total_hits: bool | int = DEFAULT_TRACK
    total_as_int: bool = False
    search_after: list[Any] | None = None
    aggs: dict[str, Any] | None = None
    post_filter: Any = None
    highlight: dict[str, Any] | None = None
    min_score: float | None = None
    stored_fields: list[str] | None = None
    docvalue_fields: list[Any] | None = None
    fields: list[Any] | None = None
    version: bool = False
    seq_no_primary_term: bool = False
    explain: bool = False
    track_scores: bool = False
    terminate_after: int | None = None
    pit: dict[str, Any] | None = None
    indices_boost: dict[str, float] = field(default_factory=dict)
    profile: bool = False

    @classmethod
    def parse(cls, body: dict[str, Any] | None, params: dict[str, str]) -> SearchRequest:
        from .api.params import boolean, integer

        body = dict(body or {})
        for key in body:
            if key not in BODY_KEYS:
                raise ParsingError(f"Unknown key for a START_OBJECT in [{key}].")
        for key in UNSUPPORTED:
            if body.get(key) is not None:
                raise BadRequest(
                    f"[{key}] is not supported by the djangoes embedded engine",
                    type="illegal_argument_exception",
                )
        request = cls()
        request.query = body.get("query")
        if "from" in body:
            request.start = _int(body["from"], "from")
            if request.start < 0:
                raise IllegalArgument(
                    f"[from] parameter cannot be negative, found [{request.start}]"
                )
        if "size" in body:
            request.size = _int(body["size"], "size")
            if request.size < 0:
                raise IllegalArgument(
                    f"[size] parameter cannot be negative, found [{request.size}]"
                )
        if params.get("from") is not None:
            request.start = integer(params, "from")
            if request.start < 0:
                raise IllegalArgument("[from] parameter cannot be negative")
        if params.get("size") is not None:
            request.size = integer(params, "size")
            if request.size < 0:
                raise IllegalArgument("[size] parameter cannot be negative")
        request.sort = sorting.parse_sort(params["sort"] if "sort" in params else body.get("sort"))
        request.source = from_body(body["_source"]) if "_source" in body else None
        from .source import from_params

        url_source = from_params(params)
        if url_source is not None:
            request.source = url_source
        track = body.get("track_total_hits", params.get("track_total_hits", DEFAULT_TRACK))
        request.track_total_hits = _track(track)
        request.total_as_int = boolean(params, "rest_total_hits_as_int")
        if request.total_as_int and request.track_total_hits not in (True, False):
            if "track_total_hits" in body or "track_total_hits" in params:
                raise IllegalArgument(
                    "[rest_total_hits_as_int] cannot be used if the tracking of total hits is not "
                    f"accurate, got {request.track_total_hits}"
                )
            request.track_total_hits = True
        request.search_after = body.get("search_after")
        if request.search_after is not None and not isinstance(request.search_after, list):
            raise ParsingError("[search_after] must be an array")
        if request.search_after is not None and request.start > 0:
            raise ValidationError("[from] parameter must be set to 0 when [search_after] is used")
        request.aggs = body.get("aggs", body.get("aggregations"))
        if request.aggs is not None and not isinstance(request.aggs, dict):
            raise ParsingError("Expected [START_OBJECT] under [aggs], but got a [VALUE_STRING]")
        request.post_filter = body.get("post_filter")
        request.highlight = body.get("highlight")
        if request.highlight is not None and not isinstance(request.highlight, dict):
            raise ParsingError("Expected [START_OBJECT] under [highlight], but got an array")
        request.min_score = body.get("min_score")
        request.stored_fields = _names(body.get("stored_fields", params.get("stored_fields")))
        request.docvalue_fields = _field_specs(
            body.get("docvalue_fields", params.get("docvalue_fields")), "docvalue_fields"
        )
        request.fields = _field_specs(body.get("fields"), "fields")
        request.version = bool(body.get("version", boolean(params, "version")))
        request.seq_no_primary_term = bool(
            body.get("seq_no_primary_term", boolean(params, "seq_no_primary_term"))
        )
        request.explain = bool(body.get("explain", boolean(params, "explain")))
        request.track_scores = bool(body.get("track_scores", boolean(params, "track_scores")))
        request.terminate_after = body.get("terminate_after", integer(params, "terminate_after"))
        request.pit = body.get("pit")
        boosts = body.get("indices_boost") or []
        for entry in boosts if isinstance(boosts, list) else [boosts]:
            request.indices_boost.update(entry)
        request.profile = bool(body.get("profile"))
        if request.search_after is not None and request.scroll_like:
            raise ParsingError("[search_after] cannot be used in a scroll context")
        return request

    scroll_like = False

    @property
    def sorts_by_score(self) -> bool:
        return not self.sort or (
            len(self.sort) == 1 and self.sort[0].name == "_score" and self.sort[0].order == "desc"
        )


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParsingError(f"[{name}] failed to parse field [{name}]")
    try:
        return int(value)
    except ValueError:
        raise ParsingError(f"[{name}] failed to parse field [{name}]") from None


def _track(value: Any) -> bool | int:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "false"):
            return value == "true"
        try:
            value = int(value)
        except ValueError:
            raise IllegalArgument(f"Failed to parse track_total_hits [{value}]") from None
    if isinstance(value, int):
        if value < 0:
            raise IllegalArgument(
                f"[track_total_hits] parameter must be positive or equals to -1, got {value}"
            )
        return value
    raise ParsingError("[track_total_hits] must be a boolean or an integer")


def _names(value: Any) -> list[str] | None:
    listed = _list(value)
    return None if listed is None else [str(v) for v in listed]


def _field_specs(value: Any, option: str) -> list[Any] | None:
    """``fields`` and ``docvalue_fields``: names, or objects with a ``field`` name."""
    specs = _list(value)
    for spec in specs or []:
        named = isinstance(spec, dict) and isinstance(spec.get("field"), str)
        if not (isinstance(spec, str) or named):
            raise ParsingError(f"[{option}] takes field names or objects with a [field]: [{spec}]")
    return specs


def _list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    if not isinstance(value, list | tuple):  # a number, an object: not a list of fields
        raise ParsingError(f"Expected an array of fields, but got [{value}]")
    return list(value)


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


@dataclass(slots=True)
class Candidate:
    key: tuple
    target: Target
    address: tantivy.DocAddress
    score: float | None
    sort_values: list[Any] | None


def make_targets(engine: Any, resolved: list[Any]) -> list[Target]:
    return [
        Target(engine.indices[r.name], engine.indices[r.name].reader, position, r.via_aliases)
        for position, r in enumerate(resolved)
        if r.name in engine.indices
    ]


def prepare(engine: Any, targets: list[Target], request: SearchRequest, now: int) -> None:
    """Compile the query for every target, with alias filters and ``post_filter``."""
    for target in targets:
        index = target.index
        default = index.settings.get("index.query.default_field")
        ctx = Context(
            target.reader,
            index.name,
            default_fields=default if isinstance(default, list) else [default],
            now=now,
            lookup=lambda name, doc_id: _lookup(engine, name, doc_id),
        )
        try:
            query = compile_query(ctx, request.query)
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
        for pattern, boost in request.indices_boost.items():
            import fnmatch

            if fnmatch.fnmatchcase(index.name, pattern) or pattern in target.via_aliases:
                target.boost = float(boost)
                break


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


def _lookup(engine: Any, name: str, doc_id: str) -> dict[str, Any] | None:
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
    if request.search_after is not None:
        after = _after_key(request, targets)
        candidates = [c for c in candidates if c.key[: len(after)] > after]
    return candidates, total


def _target_candidates(
    target: Target, request: SearchRequest, wanted: int, everything: bool
) -> tuple[list[Candidate], int]:
    searcher = target.reader.searcher
    query = target.hits_query
    if target.boost != 1.0:
        query = Query.boost_query(query, target.boost)
    simple = (
        request.sorts_by_score
        and request.search_after is None
        and request.min_score is None
        and not everything
    )
    limit = max(wanted, 1) if simple else max(searcher.num_docs, 1)
    result = _run(searcher, query, limit)
    hits = result.hits
    count = result.count
    if request.terminate_after:
        count = min(count, request.terminate_after)
        hits = hits[: request.terminate_after]
    if request.min_score is not None:
        hits = [(s, a) for s, a in hits if s >= request.min_score]
        count = len(hits)
    if request.sorts_by_score:
        return [_score_candidate(target, score, address) for score, address in hits], count
    return _sorted_candidates(target, request, hits), count


def _run(searcher: tantivy.Searcher, query: tantivy.Query, limit: int) -> Any:
    try:
        return searcher.search(query, limit, count=True)
    except ValueError as error:
        raise SearchPhaseError(QueryShardError(f"failed to create query: {error}")) from None


def _score_candidate(target: Target, score: float, address: tantivy.DocAddress) -> Candidate:
    key = (-score, target.position, address.segment_ord, address.doc)
    return Candidate(key, target, address, score, None)


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
    columns = []
    for sort in request.sort:
        if sort.name == "_score":
            columns.append(([score for score, _ in hits], None))
        elif sort.name in ("_doc", "_shard_doc"):
            columns.append(([_doc_number(target, a) for a in addresses], None))
        elif sort.name in ("_seq_no", "_version"):  # metadata fields with doc values
            values = target.reader.searcher.fast_field_values(sort.name, addresses)
            columns.append((values, None))
        else:
            try:
                field = sorting.sortable_field(target.reader.mapping, sort, target.index.name)
            except EngineError as error:
                raise SearchPhaseError(error, target.index.name) from None
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
        key.append((target.position, address.segment_ord, address.doc))
        tracked = (
            score if request.track_scores or any(s.name == "_score" for s in request.sort) else None
        )
        candidates.append(Candidate(tuple(key), target, address, tracked, shown))
    return candidates


def _substitutes_missing(field: Any) -> bool:
    from .fields import DateField, NumberField

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
    if field is None or not addresses:
        return [None] * len(addresses)
    reader = target.reader
    slot = reader.slot(field.path)
    kind = reader.layout.slots.get(field.path, [None, [None]])[1][0]
    multi = field.path in reader.layout.multi
    if (
        slot is not None
        and not multi
        and sort.mode is None
        and kind in ("i64", "u64", "f64", "bool")
    ):
        return reader.searcher.fast_field_values(slot, addresses)
    values = []
    path = source_path(reader.mapping, field)
    for address in addresses:
        source = jsoncodec.loads(reader.searcher.doc(address).get_first("_source"))
        raw = extract(source, path)
        converted = []
        for item in raw:
            try:
                converted.append(field.convert(item))
            except EngineError:
                continue
        values.append(sorting.reduce(converted, sort, field))
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
    from .fields import DateField, KeywordField, NumberField

    if value is None or sort.name in sorting.SPECIAL:
        return value
    field = next(
        (f for f in (t.reader.mapping.field(sort.name) for t in targets) if f is not None), None
    )
    try:
        if isinstance(field, NumberField) and isinstance(value, str):
            if value in ("Infinity", "-Infinity", "NaN"):
                return float(value)
            return field.to_query_value(value)
        if isinstance(field, DateField) and isinstance(value, str):
            from .dates import DateFormat

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


# Hits


def render_hits(candidates: list[Candidate], request: SearchRequest) -> list[dict[str, Any]]:
    return [render_hit(c, request) for c in candidates]


def render_hit(candidate: Candidate, request: SearchRequest) -> dict[str, Any]:
    target = candidate.target
    index = target.index
    document = target.reader.searcher.doc(candidate.address)
    doc = stored_doc(document)
    hit: dict[str, Any] = {"_index": index.name, "_id": doc.doc_id}
    if request.version:
        hit["_version"] = doc.version
    if request.seq_no_primary_term:
        hit["_seq_no"] = doc.seq_no
        hit["_primary_term"] = PRIMARY_TERM
    hit["_score"] = candidate.score
    ignored = document.get_all("_ignored")
    if ignored:
        hit["_ignored"] = ignored
    if doc.routing is not None:
        hit["_routing"] = doc.routing
    source_needed = (
        request.source is not False
        and index.mapping.source_enabled
        and (
            request.stored_fields is None
            or request.source is not None
            or "_source" in request.stored_fields
        )
    )
    source = None
    if (
        source_needed
        or request.fields
        or request.highlight
        or request.docvalue_fields
        or (request.stored_fields)
    ):
        source = jsoncodec.loads(doc.source)
        mapping = index.mapping
        if mapping.source_includes or mapping.source_excludes:
            source = SourceFilter(mapping.source_includes, mapping.source_excludes).apply(source)
    if request.stored_fields == ["_none_"]:
        return {"_index": index.name, "_id": doc.doc_id, "_score": candidate.score}
    if source_needed:
        hit["_source"] = source if request.source is None else request.source.apply(source)
    fields = {}
    if request.stored_fields:
        fields.update(_stored_fields(index, source, request.stored_fields))
    if request.docvalue_fields:
        fields.update(_docvalue_fields(index, source, request.docvalue_fields))
    if request.fields:
        fields.update(_fetch_fields(index, source, request.fields))
    if fields:
        hit["fields"] = fields
    if request.highlight:
        from .highlight import highlight

        found = highlight(target.ctx, index, source, request.highlight)
        if found:
            hit["highlight"] = found
    if candidate.sort_values is not None:
        hit["sort"] = candidate.sort_values
    if request.explain:
        explanation = jsoncodec.loads(
            target.hits_query.explain(target.reader.searcher, candidate.address).to_json()
        )
        hit["_shard"] = f"[{index.name}][0]"
        hit["_node"] = "embedded"
        hit["_explanation"] = _explanation(explanation)
    return hit


def _explanation(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "value": node.get("value", 0.0),
        "description": node.get("description", ""),
        "details": [_explanation(d) for d in node.get("details", []) or []],
    }


def _stored_fields(index: Index, source: dict[str, Any], names: list[str]) -> dict[str, Any]:
    fields = {}
    for name in names:
        if name in ("_source", "_none_", "*") and name != "*":
            continue
        for mapped in index.mapping.fields_matching(name):
            if mapped.store:
                values = extract(source, source_path(index.mapping, mapped))
                if values:
                    fields[mapped.path] = values
    return fields


def _docvalue_fields(index: Index, source: dict[str, Any], specs: list[Any]) -> dict[str, Any]:
    fields = {}
    for spec in specs:
        if isinstance(spec, dict):
            name, fmt = spec.get("field"), spec.get("format")
        else:
            name, fmt = str(spec), None
        for mapped in index.mapping.fields_matching(name):
            if not mapped.doc_values:
                if "*" in name:
                    continue
                raise SearchPhaseError(
                    IllegalArgument(
                        f"Can't load fielddata on [{mapped.path}] because fielddata is unsupported "
                        f"on fields of type [{mapped.type_name}]. Use doc values instead."
                    )
                )
            values = _converted(mapped, extract(source, source_path(index.mapping, mapped)))
            if values:
                fields[mapped.path] = [_format_docvalue(mapped, v, fmt) for v in sorted(values)]
    return fields


def _converted(field: Any, raw: list[Any]) -> list[Any]:
    converted = []
    for value in raw:
        try:
            converted.append(field.convert(value))
        except EngineError:
            continue
    return converted


def _format_docvalue(field: Any, value: Any, fmt: str | None) -> Any:
    from .fields import BooleanField, DateField, NumberField

    if isinstance(field, DateField):
        if fmt:
            from .dates import DateFormat

            return DateFormat(fmt).format(value)
        return field.format(value)
    if isinstance(field, NumberField) and fmt:
        return decimal_format(value, fmt)
    if isinstance(field, BooleanField):
        return bool(value)
    return value


def decimal_format(value: float, pattern: str) -> str:
    """Java's DecimalFormat for the simple patterns docvalue_fields takes (``#.0``, ``0.00``)."""
    _, _, decimals = pattern.partition(".")
    minimum = decimals.count("0")
    maximum = len(decimals)
    text = f"{value:.{maximum}f}" if maximum else str(round(value))
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0")
        fraction = fraction + "0" * (minimum - len(fraction))
        text = f"{whole}.{fraction}" if fraction else whole
    if pattern.startswith("#") and text.startswith("0."):
        text = text[1:]
    return text


def _fetch_fields(index: Index, source: dict[str, Any], specs: list[Any]) -> dict[str, Any]:
    """The ``fields`` option: mapped values from ``_source``, dates formatted, text as sent."""
    fields = {}
    for spec in specs:
        name = spec.get("field") if isinstance(spec, dict) else str(spec)
        fmt = spec.get("format") if isinstance(spec, dict) else None
        for mapped in index.mapping.fields_matching(name):
            values = []
            for value in extract(source, source_path(index.mapping, mapped)):
                try:
                    converted = mapped.convert(value)
                except EngineError:
                    continue
                if mapped.type_name in ("date", "date_nanos"):
                    converted = _format_docvalue(mapped, converted, fmt)
                elif mapped.type_name == "text":
                    converted = value
                values.append(converted)
            if values:
                fields[mapped.path] = values
    return fields


def source_path(mapping: Any, field: Any) -> str:
    """Where a field's values are in ``_source``: a multi-field (``a.raw``) reads its parent's."""
    path = field.path
    while True:
        parent, _, name = path.rpartition(".")
        parent_field = mapping.fields.get(parent) if parent else None
        if parent_field is None or name not in parent_field.multi_fields:
            return path
        path = parent


# Response


def total_hits(request: SearchRequest, count: int) -> Any:
    track = request.track_total_hits
    if track is False:
        return -1 if request.total_as_int else None
    if track is True:
        value, relation = count, "eq"
    else:
        value, relation = (count, "eq") if count <= track else (track, "gte")
    if request.total_as_int:
        return value
    return {"value": value, "relation": relation}


def check_window(targets: list[Target], request: SearchRequest) -> None:
    for target in targets:
        limit = target.index.settings.int("index.max_result_window")
        window = request.start + request.size
        if window > limit:
            raise SearchPhaseError(
                IllegalArgument(
                    f"Result window is too large, from + size must be less than or equal to: "
                    f"[{limit}] but was [{window}]. See the scroll api for a more efficient way to "
                    "request large data sets. This limit can be set by changing the "
                    "[index.max_result_window] index level setting."
                ),
                target.index.name,
            )


def search(
    engine: Any,
    targets: list[Target],
    request: SearchRequest,
    *,
    scroll: float | None = None,
    pit_id: str | None = None,
) -> dict[str, Any]:
    """Run a search over targets and return Elasticsearch's response body."""
    started = time.perf_counter()
    now = int(time.time() * 1000)
    if scroll is None:
        check_window(targets, request)
    prepare(engine, targets, request, now)
    candidates, total = collect(targets, request, everything=scroll is not None)
    page = candidates[request.start : request.start + request.size]
    hits_total = total_hits(request, total)
    scored = [c.score for c in candidates if c.score is not None]
    max_score = None
    # With size 0 no hits are collected, so Elasticsearch has no max_score either.
    if (request.sorts_by_score or request.track_scores) and request.size > 0:
        max_score = max(scored) if scored else None
    hits: dict[str, Any] = {}
    if hits_total is not None:
        hits["total"] = hits_total
    hits["max_score"] = max_score
    hits["hits"] = render_hits(page, request)
    body: dict[str, Any] = {
        "took": 0,
        "timed_out": False,
        "_shards": {"total": len(targets), "successful": len(targets), "skipped": 0, "failed": 0},
        "hits": hits,
    }
    if pit_id is not None:
        body = {"pit_id": pit_id, **body}
    if scroll is not None:
        from .contexts import ScrollContext

        context = ScrollContext(
            candidates, targets, request, total, scroll, position=request.start + len(page)
        )
        body = {"_scroll_id": engine.contexts.add_scroll(context), **body}
    if request.terminate_after:
        body["terminated_early"] = total >= request.terminate_after
    if request.aggs:
        from .aggregations import aggregate

        body["aggregations"] = aggregate(targets, request.aggs)
    if request.profile:
        body["profile"] = {"shards": []}
    body["took"] = int((time.perf_counter() - started) * 1000)
    return body


def next_scroll_page(engine: Any, scroll_id: str, keep_alive: float | None) -> dict[str, Any]:
    context = engine.contexts.scroll(scroll_id, keep_alive)
    request = context.request
    page = context.candidates[context.position : context.position + request.size]
    context.position += len(page)
    scored = [c.score for c in context.candidates if c.score is not None]
    return {
        "_scroll_id": scroll_id,
        "took": 0,
        "timed_out": False,
        "_shards": {
            "total": len(context.targets),
            "successful": len(context.targets),
            "skipped": 0,
            "failed": 0,
        },
        "hits": {
            "total": total_hits(request, context.total),
            "max_score": max(scored) if scored and request.sorts_by_score else None,
            "hits": render_hits(page, request),
        },
    }


def count(
    engine: Any,
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
            result = searcher.search(target.hits_query, 1, count=True)
            total += min(result.count, terminate_after) if terminate_after else result.count
        else:
            hits = searcher.search(target.hits_query, max(searcher.num_docs, 1)).hits
            total += sum(1 for score, _ in hits if score >= min_score)
    return total


def matching_documents(target: Target) -> list[tantivy.DocAddress]:
    """Every document a prepared target's query matches, in index order."""
    searcher = target.reader.searcher
    hits = searcher.search(target.hits_query, max(searcher.num_docs, 1), count=False).hits
    return sorted((a for _, a in hits), key=lambda a: (a.segment_ord, a.doc))


__all__ = ["SearchRequest", "Target", "count", "make_targets", "search"]
