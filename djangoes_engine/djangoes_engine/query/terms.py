"""Term-level queries on exact values: ``term``, ``terms``, ``ids``, ``exists``.

:func:`term_query` searches one value of a field in its indexed form (a number or date converted,
a keyword normalised); the other term-level queries (ranges, patterns) build on its helpers, and
on :func:`regex_escape` and :func:`wildcard_regex`.
"""

from __future__ import annotations

import fnmatch
from typing import Any, NoReturn

import tantivy
from tantivy import Query

from ..dates import DateParseError, parse_date_math
from ..errors import IllegalArgument, ParsingError, QueryShardError, XContentParseError
from ..fields import DateField, FieldType, NumberField
from ..source import extract
from .body import boosted, check_options, single_field
from .context import MATCH_ALL, MATCH_NONE, Context


def term_query(
    ctx: Context, field_type: FieldType, value: Any, case_insensitive: bool = False
) -> tantivy.Query:
    """A query for one exact value of a field, in the field's indexed form."""
    slot = ctx.slot(field_type)
    if slot is None:
        return not_searchable(field_type)
    if isinstance(field_type, NumberField | DateField):
        converted = query_value(field_type, value, ctx)
        if _decimal_on_integral(field_type, converted):
            return MATCH_NONE()
        return Query.term_query(ctx.schema, slot, converted)
    converted = field_type.to_query_value(value)
    if case_insensitive and isinstance(converted, str):
        ctx.note_regex(field_type, "(?i)" + regex_escape(converted))
        return Query.regex_query(ctx.schema, slot, "(?i)" + regex_escape(converted))
    if field_type.is_text_like:
        ctx.note(field_type, str(converted))
    return Query.term_query(ctx.schema, slot, converted)


def query_value(field_type: FieldType, value: Any, ctx: Context) -> Any:
    if isinstance(field_type, DateField):
        try:
            return parse_date_math(value, field_type.date_format, now=ctx.now)
        except DateParseError as error:
            raise QueryShardError(str(error)) from None
    if isinstance(value, bool | dict | list):
        raise QueryShardError(
            f"failed to create query: Can't parse [{value}] as a number for field "
            f"[{field_type.path}]"
            if not isinstance(value, bool)
            else f"failed to create query: Current token (VALUE_{str(value).upper()}) not numeric"
        )
    try:
        return field_type.to_query_value(value)
    except IllegalArgument as error:
        raise QueryShardError(
            f"failed to create query: {error.reason}", caused_by=IllegalArgument(error.reason)
        ) from None


def _decimal_on_integral(field_type: FieldType, value: Any) -> bool:
    """A decimal searched on an integral field (``long``...): no document holds it."""
    return isinstance(value, float) and isinstance(field_type, NumberField) and field_type.integral


def not_searchable(field_type: FieldType) -> NoReturn:
    if field_type.type_name == "geo_point":
        raise QueryShardError(
            "Geo fields do not support exact searching, use dedicated geo queries instead: "
            f"[{field_type.path}]"
        )
    if not field_type.searchable_type:
        raise QueryShardError(
            f"Field [{field_type.path}] of type [{field_type.type_name}] does not support "
            "this query in the djangoes embedded engine"
        )
    raise QueryShardError(f"Cannot search on field [{field_type.path}] since it is not indexed.")


def meta_field(ctx: Context, name: str, values: list[Any]) -> tantivy.Query | None:
    """Term queries on metadata fields: ``_id``, ``_index``, ``_routing``."""
    if name == "_id":
        return Query.term_set_query(ctx.schema, "_id", [str(v) for v in values])
    if name == "_index":
        hit = any(fnmatch.fnmatchcase(ctx.index_name, str(v)) for v in values)
        return MATCH_ALL() if hit else MATCH_NONE()
    if name == "_routing":
        return Query.term_set_query(ctx.schema, "_routing", [str(v) for v in values])
    if name == "_seq_no":
        return Query.term_set_query(ctx.schema, "_seq_no", [int(v) for v in values])
    return None


def q_term(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("term", body, scalars=("value",))
    if "value" not in options:
        raise ParsingError(
            "[term] query does not support [query]"
            if "query" in options
            else "No value specified for term query"
        )
    check_options("term", options, {"value", "case_insensitive", "boost", "_name"})
    value = options["value"]
    if value is None:
        raise IllegalArgument("value cannot be null")
    meta = meta_field(ctx, name, [value])
    if meta is not None:
        return boosted(meta, options)
    field_type = ctx.field(name)
    if field_type is None:
        return MATCH_NONE()
    query = term_query(ctx, field_type, value, bool(options.get("case_insensitive")))
    return boosted(query, options)


def _check_terms_count(ctx: Context, values: list[Any]) -> None:
    """``index.max_terms_count``, checked as Elasticsearch does once the field is mapped."""
    limit = ctx.limit("index.max_terms_count")
    if len(values) > limit:
        raise IllegalArgument(
            f"The number of terms [{len(values)}] used in the Terms Query request has exceeded "
            f"the allowed maximum of [{limit}]. This maximum can be set by changing the "
            "[index.max_terms_count] index level setting."
        )


def q_terms(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    options = {k: v for k, v in body.items() if k in ("boost", "_name")}
    names = [k for k in body if k not in options]
    if len(names) != 1:
        raise ParsingError(
            "[terms] query does not support multiple fields"
            if names
            else "[terms] query requires a field"
        )
    name = names[0]
    values = body[name]
    if isinstance(values, dict):
        values = _terms_lookup(ctx, values)
    if not isinstance(values, list):
        raise ParsingError(f"[terms] query does not support [{name}]")
    meta = meta_field(ctx, name, values)
    if meta is not None:
        _check_terms_count(ctx, values)
        return boosted(Query.const_score_query(meta, 1.0), options)
    field_type = ctx.field(name)
    if field_type is None or not values:
        return MATCH_NONE()
    _check_terms_count(ctx, values)
    slot = ctx.slot(field_type)
    if slot is None:
        return not_searchable(field_type)
    converted = []
    for value in values:
        if value is None:
            continue
        if isinstance(field_type, NumberField | DateField):
            item = query_value(field_type, value, ctx)
            if _decimal_on_integral(field_type, item):
                continue
            converted.append(item)
        else:
            item = field_type.to_query_value(value)
            if field_type.is_text_like:
                ctx.note(field_type, str(item))
            converted.append(item)
    if not converted:
        return MATCH_NONE()
    query = Query.term_set_query(ctx.schema, slot, converted)
    return boosted(Query.const_score_query(query, 1.0), options)


def _terms_lookup(ctx: Context, spec: dict[str, Any]) -> list[Any]:
    for key in ("index", "id", "path"):
        if key not in spec:
            raise ParsingError(f"[terms] query lookup element requires specifying the [{key}]")
    if ctx.lookup is None:
        return []
    source = ctx.lookup(str(spec["index"]), str(spec["id"]))
    if source is None:
        return []
    return extract(source, spec["path"])


def q_ids(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    for key in body:
        if key not in ("values", "boost", "_name"):
            raise XContentParseError(f"[ids] unknown field [{key}]")
    values = body.get("values")
    if not isinstance(values, list):
        raise ParsingError("[ids] query malformed, no values specified")
    if not values:
        return MATCH_NONE()
    query = Query.term_set_query(ctx.schema, "_id", [str(v) for v in values])
    return boosted(Query.const_score_query(query, 1.0), body)


def q_exists(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("exists", body, {"field", "boost", "_name"})
    name = body.get("field")
    if not isinstance(name, str):
        raise ParsingError("[exists] must be provided with a [field]")
    if name in ("_id", "_index", "_seq_no", "_version", "_primary_term"):
        return boosted(Query.const_score_query(MATCH_ALL(), 1.0), body)
    if name == "_routing":
        query = Query.regex_query(ctx.schema, "_routing", ".*")
        return boosted(Query.const_score_query(query, 1.0), body)
    if name == "_source":
        raise QueryShardError("field [_source] of type [_source] is not searchable")
    names = _exists_names(ctx, name)
    if not names:
        return MATCH_NONE()
    query = Query.term_set_query(ctx.schema, "_fields", names)
    return boosted(Query.const_score_query(query, 1.0), body)


def _exists_names(ctx: Context, pattern: str) -> list[str]:
    mapping = ctx.mapping
    if "*" not in pattern:
        found = mapping.field(pattern)
        if found is not None:
            return [found.path]
        return [pattern] if mapping.is_object(pattern) else []

    names = [
        p
        for p in list(mapping.fields) + list(mapping.objects)
        if p and fnmatch.fnmatchcase(p, pattern)
    ]
    return names


# Values in tantivy's regular expressions (prefix, wildcard and case-insensitive queries)

_REGEX_META = set(".+*?()|[]{}^$#&-~\\")


def regex_escape(text: str) -> str:
    return "".join("\\" + c if c in _REGEX_META else c for c in text)


def wildcard_regex(pattern: str) -> str:
    out = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(regex_escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        else:
            out.append(regex_escape(char))
    return "".join(out)
