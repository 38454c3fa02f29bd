"""Rendering hits: source filtering, stored, docvalue and fetched fields, highlights, explain."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from typing import Any

from tantivy import Query

from .. import geo, jsoncodec, sorting
from ..dates import DateFormat
from ..decimals import decimal_format
from ..errors import (
    EngineError,
    IllegalArgument,
    SearchPhaseError,
    Unsupported,
)
from ..fields import (
    BooleanField,
    DateField,
    DenseVectorField,
    GeoPointField,
    NumberField,
    TextField,
)
from ..highlight import highlight
from ..index import PRIMARY_TERM, Index, stored_doc
from ..mapping import LEVEL_SEP, OFFSET_SEP, source_path
from ..query import compile_query, percolator_fields, percolator_highlights
from ..source import SourceFilter, extract, extract_whole
from .collect import Candidate, collect
from .inner_hits import check_inner_window, nested_inner_hits
from .request import SearchRequest


def render_hits(candidates: list[Candidate], request: SearchRequest) -> list[dict[str, Any]]:
    if not _plain_request(request):
        return [render_hit(c, request) for c in candidates]
    plain: dict[int, bool] = {}  # by target
    hits = []
    for candidate in candidates:
        target = candidate.target
        simple = plain.get(target.position)
        if simple is None:
            simple = plain[target.position] = plain_target(target)
        hits.append(
            _plain_hit(candidate, request.raw_source) if simple else render_hit(candidate, request)
        )
    return hits


def _plain_request(request: SearchRequest) -> bool:
    """Whether the hits are just the whole ``_source`` with the metadata (most searches)."""
    return (
        request.source is None
        and request.stored_fields is None
        and not request.version
        and not request.seq_no_primary_term
        and not request.fields
        and not request.docvalue_fields
        and not request.highlight
        and not request.explain
    )


def plain_target(target: Any) -> bool:
    """Whether :func:`render_hit` shows this index's documents as they are stored: a root
    document's whole source (no mapping filters or vectors) and nothing that names queries."""
    ctx = target.ctx
    return (
        not target.reader.level
        and (ctx is None or not (ctx.percolations or ctx.named or ctx.inner_hits))
        and target.index.mapping.whole_source
    )


def _plain_hit(candidate: Candidate, raw_source: bool) -> dict[str, Any]:
    """:func:`render_hit` for a plain request (:func:`_plain_request`) on a plain index
    (:func:`plain_target`): the same hit, without the per-hit checks; with ``raw_source``
    (:attr:`SearchRequest.raw_source`) the ``_source`` goes out as stored, unparsed."""
    document = candidate.target.reader.searcher.doc(candidate.address)
    source = document.get_first("_source")
    assert source is not None  # every document a store writes has one (Store.document)
    hit: dict[str, Any] = {
        "_index": candidate.target.index.name,
        "_id": document.get_first("_id"),
        "_score": candidate.score,
    }
    ignored = document.get_all("_ignored")
    if ignored:
        hit["_ignored"] = ignored
    routing = document.get_first("_routing")
    if routing is not None:
        hit["_routing"] = routing
    hit["_source"] = jsoncodec.raw(bytes(source)) if raw_source else jsoncodec.loads(bytes(source))
    if candidate.sort_values is not None:
        hit["sort"] = candidate.sort_values
    return hit


def render_hit(candidate: Candidate, request: SearchRequest) -> dict[str, Any]:
    target = candidate.target
    index = target.index
    document = target.reader.searcher.doc(candidate.address)
    doc = stored_doc(document)
    hit: dict[str, Any] = {"_index": index.name, "_id": doc.doc_id}
    level = target.reader.level  # a nested object's hidden document: which one it is
    if level:
        nid = document.get_first("_nid")
        assert nid is not None  # every nested document has one (Store.nested_documents)
        hit["_nested"] = nested_identity(nid)
    if request.version:
        hit["_version"] = doc.version
    if request.seq_no_primary_term:
        hit["_seq_no"] = doc.seq_no
        hit["_primary_term"] = PRIMARY_TERM
    hit["_score"] = candidate.score
    ignored = document.get_all("_ignored")
    if ignored:
        hit["_ignored"] = ignored
    if doc.routing is not None and not level:
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
    source: dict[str, Any] = {}  # read below only when something uses it
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
            mapped = SourceFilter(mapping.source_includes, mapping.source_excludes)
            source = nested_source(mapped, level, source) if level else mapped.apply(source)
    if request.stored_fields == ["_none_"]:
        return {"_index": index.name, "_id": doc.doc_id, "_score": candidate.score}
    if source_needed:
        if level:
            hit["_source"] = (
                source if request.source is None else nested_source(request.source, level, source)
            )
        else:
            hit["_source"] = _filtered(request.source, index, source)
    fields = {}
    if request.stored_fields:
        fields.update(_stored_fields(index, source, request.stored_fields))
    if request.docvalue_fields:
        fields.update(_docvalue_fields(index, source, request.docvalue_fields))
    if request.fields:
        fields.update(_fetch_fields(index, source, request.fields))
    if target.ctx is not None and target.ctx.percolations:
        fields.update(percolator_fields(target.ctx.percolations, doc.doc_id))
    if fields:
        hit["fields"] = fields
    if request.highlight:
        found = highlight(target.ctx, index, source, request.highlight, candidate.address.doc)
        if target.ctx is not None and target.ctx.percolations:
            found.update(
                percolator_highlights(target.ctx.percolations, doc.doc_id, index, request.highlight)
            )
        if found:
            hit["highlight"] = found
    if candidate.sort_values is not None:
        hit["sort"] = candidate.sort_values
    if target.ctx is not None and target.ctx.named:
        matched = _matched_queries(target, candidate.address)
        if matched:
            hit["matched_queries"] = matched
    if target.ctx is not None and target.ctx.inner_hits and not level:
        hit["inner_hits"] = render_inner_hits(target, doc.doc_id, jsoncodec.loads(doc.source))
    if request.explain:
        explained = jsoncodec.loads(
            target.matching.explain(target.reader.searcher, candidate.address).to_json()
        )
        hit["_shard"] = f"[{index.name}][0]"
        hit["_node"] = "embedded"
        hit["_explanation"] = explanation(explained)
    return hit


def render_inner_hits(target: Any, doc_id: str, source: dict[str, Any]) -> dict[str, Any]:
    """A hit's ``inner_hits``: for each definition of the query, the documents of its scope
    for this hit, searched and rendered as a search's hits are."""
    sections = {}
    for spec in target.context.inner_hits.values():
        if spec.nested is not None:  # nested objects: documents of the nested store
            sections[spec.name] = nested_inner_hits(target, spec, doc_id, render_hit)
            continue
        request = SearchRequest.parse(spec.options)
        request.track_total_hits = True
        check_inner_window(target.index, spec.name, request.start + request.size)
        scope = spec.scope(doc_id, source)
        ctx = dataclasses.replace(target.context, named=[], highlight={}, inner_hits={})
        query = compile_query(ctx, scope) if scope is not None else Query.empty_query()
        inner = dataclasses.replace(target, ctx=ctx, query=query, hits_query=query, boost=1.0)
        candidates, total = collect([inner], request)
        scores = [c.score for c in candidates if c.score is not None]
        page = candidates[request.start : request.start + request.size]
        sections[spec.name] = {
            "hits": {
                "total": {"value": total, "relation": "eq"},
                "max_score": max(scores) if scores else None,
                "hits": render_hits(page, request),
            }
        }
    return sections


def nested_identity(nid: str) -> dict[str, Any]:
    """A nested object's ``_nested`` from its ``_nid``: the field and offset of each level,
    outermost first, each level's field relative to the one around it."""
    chain: list[tuple[str, int]] = []
    previous = ""
    for level in nid.split(LEVEL_SEP)[1:]:
        path, _, position = level.rpartition(OFFSET_SEP)
        chain.append((path[len(previous) + 1 :] if previous else path, int(position)))
        previous = path
    identity: dict[str, Any] = {}
    for name, offset in reversed(chain):
        node: dict[str, Any] = {"field": name, "offset": offset}
        if identity:
            node["_nested"] = identity
        identity = node
    return identity


def nested_source(source_filter: SourceFilter, path: str, source: dict[str, Any]) -> dict[str, Any]:
    """A nested object's source filtered as Elasticsearch filters it: by full paths, as the
    object stands in its root's source."""
    names = path.split(".")
    wrapped: dict[str, Any] = source
    for name in reversed(names):
        wrapped = {name: wrapped}
    kept: Any = source_filter.apply(wrapped)
    for name in names:
        kept = kept.get(name) if isinstance(kept, dict) else None
    return kept if isinstance(kept, dict) else {}


def _matched_queries(target: Any, address: Any) -> list[str]:
    """The names of the named queries (``_name``) the document matches, each once."""
    searcher = target.reader.searcher
    matched: list[str] = []
    for name, query in target.context.named:
        if name in matched:
            continue
        try:
            query.explain(searcher, address)
        except ValueError:  # tantivy: the document does not match
            continue
        matched.append(name)
    return matched


def explanation(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "value": node.get("value", 0.0),
        "description": node.get("description", ""),
        "details": [explanation(d) for d in node.get("details", []) or []],
    }


def _stored_fields(index: Index, source: dict[str, Any], names: list[str]) -> dict[str, Any]:
    fields = {}
    for name in names:
        if name in ("_source", "_none_", "*") and name != "*":
            continue
        for mapped in index.mapping.fields_matching(name):
            if mapped.store and index.mapping.in_root(mapped.path):  # else its objects' own
                values = extract(source, source_path(index.mapping, mapped))
                if values:
                    fields[mapped.path] = values
    return fields


def _docvalue_fields(index: Index, source: dict[str, Any], specs: list[Any]) -> dict[str, Any]:
    fields = {}
    for spec in specs:
        if isinstance(spec, dict):
            name, fmt = spec["field"], spec.get("format")  # a str (SearchRequest.parse)
        else:
            name, fmt = str(spec), None
        for mapped in index.mapping.fields_matching(name):
            if not index.mapping.in_root(mapped.path):
                continue  # a nested object's doc values are its hidden document's
            if isinstance(mapped, DenseVectorField):  # each vector, as the index holds it
                found = _vectors(mapped, source)
                if found:
                    fields[mapped.path] = found
                continue
            if isinstance(mapped, TextField) and mapped.type_name == "text":
                terms = _fielddata(index, mapped, source, wildcard="*" in name)
                if terms:
                    fields[mapped.path] = terms
                continue
            if not mapped.doc_values:
                if "*" in name:
                    continue
                raise SearchPhaseError(
                    IllegalArgument(
                        f"Can't load fielddata on [{mapped.path}] because fielddata is unsupported "
                        f"on fields of type [{mapped.type_name}]. Use doc values instead."
                    )
                )
            if mapped.type_name == "geo_point":
                raise SearchPhaseError(
                    Unsupported(f"docvalue_fields on the geo_point [{mapped.path}]")
                )
            values = _converted(mapped, extract(source, source_path(index.mapping, mapped)))
            if values:
                fields[mapped.path] = [_format_docvalue(mapped, v, fmt) for v in sorted(values)]
    return fields


def _vectors(field: DenseVectorField, source: dict[str, Any]) -> list[Any]:
    found = []
    for value in extract_whole(source, field.path):
        with contextlib.suppress(EngineError):
            found.append(field.source_value(value))
    return found


def _fielddata(
    index: Index, field: TextField, source: dict[str, Any], *, wildcard: bool
) -> list[str]:
    """A text field's doc values: its distinct terms with ``fielddata``, refused without."""
    if field.definition.get("fielddata") not in (True, "true"):
        if wildcard:
            return []
        raise SearchPhaseError(sorting.fielddata_disabled(field.path, index.name), index.name)
    texts = _converted(field, extract(source, source_path(index.mapping, field)))
    return sorted(set(sorting.fielddata_terms(field, texts)))


def _converted(field: Any, raw: list[Any]) -> list[Any]:
    converted = []
    for value in raw:
        try:
            converted.append(field.convert(value))
        except EngineError:
            continue
    return converted


def _format_docvalue(field: Any, value: Any, fmt: str | None) -> Any:
    if isinstance(field, DateField):
        if fmt:
            return DateFormat(fmt).format(value)
        return field.format(value)
    if isinstance(field, NumberField) and fmt:
        return decimal_format(value, fmt)
    if isinstance(field, BooleanField):
        return bool(value)
    return value


def _fetch_fields(index: Index, source: dict[str, Any], specs: list[Any]) -> dict[str, Any]:
    """The ``fields`` option: mapped values from ``_source``, dates formatted, text as sent;
    the fields of nested objects grouped per object under their nested path, as Elasticsearch
    groups them (``{"user": [{"first": ["John"]}, ...]}``)."""
    mapping = index.mapping
    fields = {}
    nested: dict[str, str | None] = {}  # path -> format, for fields inside nested objects
    for spec in specs:
        name = spec["field"] if isinstance(spec, dict) else str(spec)  # a str (SearchRequest)
        fmt = spec.get("format") if isinstance(spec, dict) else None
        for mapped in mapping.fields_matching(name):
            if mapping.nested_parent(mapped.path):
                nested.setdefault(mapped.path, fmt)
                continue
            if isinstance(mapped, DenseVectorField):  # the vectors' elements, in one list
                elements = [e for vector in _vectors(mapped, source) for e in vector]
                if elements:
                    fields[mapped.path] = elements
                continue
            values = _fetched(mapped, source, source_path(mapping, mapped), fmt)
            if values:
                fields[mapped.path] = values
    if nested:
        for path in sorted({_outermost_nested(mapping, p) for p in nested}):
            objects = _nested_fields(mapping, extract(source, path), path, nested)
            if objects:
                fields[path] = objects
    return fields


def _fetched(mapped: Any, source: Any, path: str, fmt: str | None) -> list[Any]:
    """The values at ``path`` of ``source`` as the ``fields`` option shows them."""
    values = []
    raw = geo.raw_points(source, path) if mapped.type_name == "geo_point" else None
    for value in extract(source, path) if raw is None else raw:
        try:
            converted = mapped.convert(value)
        except EngineError:
            continue
        if isinstance(mapped, GeoPointField):  # as read (not quantised)
            converted = _geo_format(mapped, value, fmt)
        elif mapped.type_name in ("date", "date_nanos"):
            converted = _format_docvalue(mapped, converted, fmt)
        elif mapped.type_name == "text":
            converted = value
        values.append(converted)
    return values


def _outermost_nested(mapping: Any, path: str) -> str:
    level = mapping.nested_parent(path)
    while mapping.nested_parent(level):
        level = mapping.nested_parent(level)
    return str(level)


def _nested_fields(
    mapping: Any, objects: list[Any], level: str, wanted: dict[str, str | None]
) -> list[dict[str, Any]]:
    """Per object at nested path ``level``: its wanted fields, and those of the nested objects
    inside it, by path relative to ``level``; objects with none are left out."""
    inner = {
        _child_level(mapping, path, level)
        for path in wanted
        if path.startswith(level + ".") and mapping.nested_parent(path) != level
    }
    found = []
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        entry: dict[str, Any] = {}
        for path, fmt in wanted.items():
            if mapping.nested_parent(path) != level:
                continue
            mapped = mapping.field(path)
            relative = source_path(mapping, mapped)[len(level) + 1 :]
            values = _fetched(mapped, obj, relative, fmt)
            if values:
                entry[path[len(level) + 1 :]] = values
        for child in sorted(inner):
            below = _nested_fields(mapping, extract(obj, child[len(level) + 1 :]), child, wanted)
            if below:
                entry[child[len(level) + 1 :]] = below
        if entry:
            found.append(entry)
    return found


def _child_level(mapping: Any, path: str, level: str) -> str:
    """The nested path right inside ``level`` that holds the field ``path``."""
    child = mapping.nested_parent(path)
    while mapping.nested_parent(child) != level:
        child = mapping.nested_parent(child)
    return str(child)


def _geo_format(field: GeoPointField, value: Any, fmt: str | None) -> Any:
    """A geo_point in the ``fields`` option: GeoJSON by default, or WKT."""
    lat, lon = field.point(value)
    if fmt in (None, "geojson"):
        return {"type": "Point", "coordinates": [lon, lat]}
    if fmt == "wkt":
        return f"POINT ({geo.java_double(lon)} {geo.java_double(lat)})"
    raise SearchPhaseError(Unsupported(f"the format [{fmt}] of the geo_point [{field.path}]"))


def _filtered(
    source_filter: SourceFilter | None, index: Index, source: dict[str, Any]
) -> dict[str, Any]:
    source = vector_source(index, source, source_filter.exclude_vectors if source_filter else None)
    return source if source_filter is None else source_filter.apply(source)


def vector_source(index: Index, source: dict[str, Any], exclude: bool | None) -> dict[str, Any]:
    """A document's ``_source`` as a fetch shows its vector fields.

    ``exclude`` is the request's ``exclude_vectors`` (None: not given). An index with
    ``index.mapping.exclude_source_vectors`` (true by default, as in Elasticsearch 9.2+) keeps
    its indexed vectors out of ``_source``: a fetch leaves them out unless asked for them, and
    then shows them as the index holds them (float32 values, a base64 string decoded).
    """
    fields = index.mapping.vector_fields
    if not fields:
        return source
    by_index = index.settings.bool("index.mapping.exclude_source_vectors")
    if exclude or (exclude is None and by_index):
        dropped = [f.path for f in fields if exclude or _excluded_by_index(f)]
        return SourceFilter(excludes=dropped).apply(source) if dropped else source
    if not by_index:
        return source
    shown = copy.deepcopy(source)
    for field in fields:
        if isinstance(field, DenseVectorField) and field.index:
            _rehydrate(shown, field.path.split("."), field)
    return shown


def _excluded_by_index(field: Any) -> bool:
    """Vector fields Elasticsearch leaves out of a stored source: not unindexed dense vectors."""
    return not isinstance(field, DenseVectorField) or field.index


def _rehydrate(node: Any, parts: list[str], field: DenseVectorField) -> None:
    """Replace the vector at ``parts`` (under objects, arrays of objects) by its indexed form."""
    if isinstance(node, list):
        for item in node:
            _rehydrate(item, parts, field)
        return
    if not isinstance(node, dict):
        return
    for split in range(len(parts), 0, -1):
        key = ".".join(parts[:split])
        if key not in node:
            continue
        if split == len(parts):
            with contextlib.suppress(EngineError):  # a value indexed before a mapping change
                node[key] = field.source_value(node[key])
        else:
            _rehydrate(node[key], parts[split:], field)
