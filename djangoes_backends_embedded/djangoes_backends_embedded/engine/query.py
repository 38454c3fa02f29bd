"""The query DSL: Elasticsearch queries compiled to tantivy queries over an index's slots.

:func:`compile_query` walks the DSL; each query type has a small function that validates its
body and builds the tantivy query from the field's type and slot, analysing text with the field's
search analyzer, so a query matches what the same value matched when it was indexed.
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from . import jsoncodec
from .errors import BadRequest, EngineError, IllegalArgument, ParsingError, QueryShardError
from .fields import DateField, FieldType, KeywordField, NumberField, TextField

FieldTypeEnum = tantivy.FieldType
MATCH_NONE = Query.empty_query


def MATCH_ALL() -> tantivy.Query:
    """Every document, scoring 1.0.

    A bare ``all_query`` is not enough: tantivy drops an ``AllScorer`` from a conjunction, with
    its score, so ``match_all`` next to a filter (``bool.filter``, ``post_filter``, an alias
    filter) scored 0 instead of 1.
    """
    return Query.const_score_query(Query.all_query(), 1.0)


@dataclass
class Context:
    """What compiling a query needs: the index's reader, and the request's clock."""

    reader: Any  # index.Reader
    index_name: str = ""
    default_fields: list[str] = field(default_factory=lambda: ["*"])
    now: int = field(default_factory=lambda: int(time.time() * 1000))
    #: Terms and phrases per field, gathered for highlighting.
    highlight: dict[str, set[str]] = field(default_factory=dict)
    lookup: Callable[[str, str], Any] | None = None

    @property
    def mapping(self) -> Any:
        return self.reader.mapping

    @property
    def schema(self) -> tantivy.Schema:
        return self.reader.schema

    def field(self, name: str) -> FieldType | None:
        return self.reader.mapping.field(name)

    def slot(self, field_type: FieldType) -> str | None:
        return self.reader.layout.slot(field_type.path)

    def note(self, field_type: FieldType, term: str) -> None:
        self.highlight.setdefault(field_type.path, set()).add(term)

    def note_regex(self, field_type: FieldType, pattern: str) -> None:
        """Terms matching a pattern (wildcard, regexp), for highlighting."""
        from .highlight import REGEX_NOTE

        self.note(field_type, REGEX_NOTE + pattern)

    def note_phrase(
        self, field_type: FieldType, words: list[tuple[int, str]], slop: int, prefix: bool
    ) -> None:
        """A phrase (terms at relative positions), highlighted only where it matches."""
        from .highlight import PHRASE_NOTE

        self.note(field_type, PHRASE_NOTE + jsoncodec.dumps([slop, prefix, words]).decode())

    def note_fuzzy(
        self,
        field_type: FieldType,
        term: str,
        distance: int,
        transpositions: bool,
        prefix_length: int = 0,
    ) -> None:
        """Terms within an edit distance of a term (fuzzy queries), for highlighting."""
        from .highlight import FUZZY_NOTE

        self.note(
            field_type, f"{FUZZY_NOTE}{distance}:{int(transpositions)}:{prefix_length}:{term}"
        )


def compile_query(ctx: Context, dsl: Any) -> tantivy.Query:
    """Compile one query clause (``{"match": {...}}``) to a tantivy query."""
    if dsl is None:
        return MATCH_ALL()
    if not isinstance(dsl, dict):
        raise ParsingError("[_na] query malformed, must start with start_object")
    if len(dsl) != 1:
        if not dsl:
            raise ParsingError("query malformed, empty clause found")
        names = list(dsl)
        raise ParsingError(
            f"[{names[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]"
        )
    ((kind, body),) = dsl.items()
    builder = QUERIES.get(kind)
    if builder is None:
        raise ParsingError(f"unknown query [{kind}]", type="parsing_exception")
    if body is None or (not isinstance(body, dict) and kind not in ("match_all", "match_none")):
        raise ParsingError(f"[{kind}] query malformed, no start_object after query name")
    if kind in FIELD_QUERIES:
        names = [k for k in body if k not in ("boost", "_name")]
        if len(names) == 1 and ("*" in names[0] or "?" in names[0]):
            return _over_fields(ctx, builder, body, names[0])
    return builder(ctx, body or {})


#: Queries on one field, whose field may be a pattern such as ``title*`` or ``*``.
FIELD_QUERIES = frozenset(
    {
        "term",
        "prefix",
        "wildcard",
        "regexp",
        "fuzzy",
        "range",
        "match",
        "match_phrase",
        "match_phrase_prefix",
        "match_bool_prefix",
    }
)


def _over_fields(
    ctx: Context, builder: Callable, body: dict[str, Any], pattern: str
) -> tantivy.Query:
    """A field-level query on every field a pattern names, leniently, as query_string does."""
    queries = []
    for field_type, _ in resolve_fields(ctx, [pattern]):
        try:
            queries.append(
                builder(
                    ctx,
                    {
                        **{k: v for k, v in body.items() if k != pattern},
                        field_type.path: body[pattern],
                    },
                )
            )
        except EngineError:
            continue
    if not queries:
        return MATCH_NONE()
    return queries[0] if len(queries) == 1 else Query.disjunction_max_query(queries, 0.0)


def validate_filter(dsl: Any) -> None:
    """Check that an alias filter is a query the engine knows (its fields may come later)."""
    if not isinstance(dsl, dict) or len(dsl) != 1:
        raise BadRequest("failed to parse filter for alias", type="illegal_argument_exception")
    kind = next(iter(dsl))
    if kind not in QUERIES:
        raise BadRequest(
            f"failed to parse filter for alias: unknown query [{kind}]",
            type="illegal_argument_exception",
        )


# Helpers


def boosted(query: tantivy.Query, body: dict[str, Any]) -> tantivy.Query:
    boost = body.get("boost")
    if boost is None:
        return query
    try:
        value = float(boost)
    except (TypeError, ValueError):
        raise ParsingError(f"[boost] must be a number, got [{boost}]") from None
    if value < 0:
        raise IllegalArgument("negative [boost] are not allowed.")
    return Query.boost_query(query, value) if value != 1.0 else query


def single_field(
    kind: str, body: dict[str, Any], *, scalars: tuple[str, ...] = ("query",)
) -> tuple[str, dict[str, Any]]:
    """``{"field": value}`` or ``{"field": {"query": value, ...}}``, as match-like queries take."""
    options = {k: v for k, v in body.items() if k in ("boost", "_name")}
    names = [k for k in body if k not in ("boost", "_name")]
    if not names:
        raise ParsingError(
            f"[{kind}] query malformed, no field specified"
            if kind != "term"
            else "No field specified for term query"
        )
    if len(names) > 1:
        raise ParsingError(
            f"[{kind}] query doesn't support multiple fields, found [{names[0]}] and [{names[1]}]"
        )
    name = names[0]
    value = body[name]
    if isinstance(value, dict):
        return name, {**options, **value}
    if isinstance(value, list):
        raise ParsingError(f"[{kind}] unknown token [START_ARRAY] after [{name}]")
    return name, {**options, scalars[0]: value}


def combine(
    clauses: list[tuple[Occur, tantivy.Query]], minimum: int | None = None
) -> tantivy.Query:
    if len(clauses) == 1 and clauses[0][0] is Occur.Must and not minimum:
        return clauses[0][1]
    return Query.boolean_query(clauses, minimum)


def minimum_should_match(spec: Any, optional: int) -> int:
    """Elasticsearch's ``minimum_should_match``: ``2``, ``-1``, ``75%``, ``-25%``, ``3<90%``."""
    if spec is None or optional == 0:
        return 0
    text = str(spec).strip()
    for part in text.split():
        if "<" in part:
            limit, _, rest = part.partition("<")
            if optional > int(limit):
                text = rest
            else:
                return optional
    if "<" in text:
        return optional
    try:
        if text.endswith("%"):
            percent = float(text[:-1])
            count = int(optional * abs(percent) / 100)
            result = count if percent >= 0 else optional - count
        else:
            number = int(text)
            result = number if number >= 0 else optional + number
    except ValueError:
        raise IllegalArgument(f"Invalid minimum_should_match: [{spec}]") from None
    return max(0, min(optional, result))


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


# Term-level values


def term_query(
    ctx: Context, field_type: FieldType, value: Any, case_insensitive: bool = False
) -> tantivy.Query:
    """A query for one exact value of a field, in the field's indexed form."""
    slot = ctx.slot(field_type)
    if slot is None:
        return _not_searchable(field_type)
    if isinstance(field_type, NumberField | DateField):
        converted = _query_value(field_type, value, ctx)
        if isinstance(converted, float) and field_type.type_name in (
            "long",
            "integer",
            "short",
            "byte",
            "unsigned_long",
        ):
            return MATCH_NONE()
        return Query.term_query(ctx.schema, slot, converted)
    converted = field_type.to_query_value(value)
    if case_insensitive and isinstance(converted, str):
        ctx.note_regex(field_type, "(?i)" + regex_escape(converted))
        return Query.regex_query(ctx.schema, slot, "(?i)" + regex_escape(converted))
    if field_type.is_text_like:
        ctx.note(field_type, str(converted))
    return Query.term_query(ctx.schema, slot, converted)


def _query_value(field_type: FieldType, value: Any, ctx: Context) -> Any:
    if isinstance(field_type, DateField):
        from .dates import DateParseError, parse_date_math

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


def _not_searchable(field_type: FieldType) -> tantivy.Query:
    if not field_type.searchable_type:
        raise QueryShardError(
            f"Field [{field_type.path}] of type [{field_type.type_name}] does not support "
            "this query in the djangoes embedded engine"
        )
    raise QueryShardError(f"Cannot search on field [{field_type.path}] since it is not indexed.")


def _meta_field(ctx: Context, name: str, values: list[Any]) -> tantivy.Query | None:
    """Term queries on metadata fields: ``_id``, ``_index``, ``_routing``."""
    if name == "_id":
        return Query.term_set_query(ctx.schema, "_id", [str(v) for v in values])
    if name == "_index":
        import fnmatch

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
    value = options["value"]
    if value is None:
        raise IllegalArgument("value cannot be null")
    meta = _meta_field(ctx, name, [value])
    if meta is not None:
        return boosted(meta, options)
    field_type = ctx.field(name)
    if field_type is None:
        return MATCH_NONE()
    query = term_query(ctx, field_type, value, bool(options.get("case_insensitive")))
    return boosted(query, options)


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
    meta = _meta_field(ctx, name, values)
    if meta is not None:
        return boosted(Query.const_score_query(meta, 1.0), options)
    field_type = ctx.field(name)
    if field_type is None or not values:
        return MATCH_NONE()
    slot = ctx.slot(field_type)
    if slot is None:
        return _not_searchable(field_type)
    converted = []
    for value in values:
        if value is None:
            continue
        if isinstance(field_type, NumberField | DateField):
            item = _query_value(field_type, value, ctx)
            if isinstance(item, float) and field_type.type_name in (
                "long",
                "integer",
                "short",
                "byte",
                "unsigned_long",
            ):
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
    from .source import extract

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
    values = body.get("values")
    if not isinstance(values, list):
        raise ParsingError("[ids] query malformed, no values specified")
    if not values:
        return MATCH_NONE()
    query = Query.term_set_query(ctx.schema, "_id", [str(v) for v in values])
    return boosted(Query.const_score_query(query, 1.0), body)


def q_exists(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
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
    import fnmatch

    names = [
        p
        for p in list(mapping.fields) + list(mapping.objects)
        if p and fnmatch.fnmatchcase(p, pattern)
    ]
    return names


def q_range(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("range", body, scalars=("gte",))
    known = {
        "gt",
        "gte",
        "lt",
        "lte",
        "from",
        "to",
        "include_lower",
        "include_upper",
        "format",
        "time_zone",
        "boost",
        "relation",
        "_name",
    }
    unknown = set(options) - known
    if unknown:
        raise ParsingError(f"[range] query does not support [{sorted(unknown)[0]}]")
    lower, include_lower, upper, include_upper = _bounds(options)
    if name == "_seq_no":
        return boosted(
            _range(
                ctx.schema,
                "_seq_no",
                FieldTypeEnum.Integer,
                lower,
                upper,
                include_lower,
                include_upper,
            ),
            options,
        )
    field_type = ctx.field(name)
    if field_type is None:
        return MATCH_NONE()
    slot = ctx.slot(field_type)
    if slot is None:
        return _not_searchable(field_type)
    if isinstance(field_type, DateField):
        query = _date_range(
            ctx, field_type, slot, options, lower, include_lower, upper, include_upper
        )
    elif isinstance(field_type, NumberField):
        query = _number_range(ctx, field_type, slot, lower, include_lower, upper, include_upper)
    elif field_type.type_name == "boolean":
        # Two values only (false < true): the range is a set of terms.
        low = None if lower is None else field_type.to_query_value(lower)
        high = None if upper is None else field_type.to_query_value(upper)
        inside = [
            value
            for value in (False, True)
            if (low is None or value > low or (value == low and include_lower))
            and (high is None or value < high or (value == high and include_upper))
        ]
        query = (
            Query.boolean_query(
                [(Occur.Should, Query.term_query(ctx.schema, slot, v)) for v in inside]
            )
            if inside
            else MATCH_NONE()
        )
    else:
        low = None if lower is None else str(field_type.to_query_value(lower))
        high = None if upper is None else str(field_type.to_query_value(upper))
        query = _term_range(ctx, slot, low, high, include_lower, include_upper)
    return boosted(Query.const_score_query(query, 1.0), options)


def _bounds(options: dict[str, Any]) -> tuple[Any, bool, Any, bool]:
    lower, include_lower = options.get("from"), options.get("include_lower", True)
    upper, include_upper = options.get("to"), options.get("include_upper", True)
    if "gte" in options:
        lower, include_lower = options["gte"], True
    if "gt" in options:
        lower, include_lower = options["gt"], False
    if "lte" in options:
        upper, include_upper = options["lte"], True
    if "lt" in options:
        upper, include_upper = options["lt"], False
    return lower, bool(include_lower), upper, bool(include_upper)


def _range(
    schema: tantivy.Schema,
    slot: str,
    kind: Any,
    lower: Any,
    upper: Any,
    include_lower: bool,
    include_upper: bool,
    inverted: bool = False,
) -> tantivy.Query:
    if (lower is not None and upper is not None) and (
        lower > upper or (lower == upper and not (include_lower and include_upper))
    ):
        return MATCH_NONE()
    try:
        return Query.range_query(
            schema,
            slot,
            kind,
            lower,
            upper,
            include_lower,
            include_upper,
            use_inverted_index=inverted,
        )
    except ValueError as error:
        raise QueryShardError(f"failed to create query: {error}") from None


def _term_range(
    ctx: Context,
    slot: str,
    low: str | None,
    high: str | None,
    include_lower: bool,
    include_upper: bool,
) -> tantivy.Query:
    """A range of terms (keyword, text): the terms of the dictionary between the bounds.

    tantivy has no range query over strings, so the matching terms are listed from the term
    dictionary (under the bounds' common prefix) and searched as a set. Python compares strings
    by code point, which is the UTF-8 byte order Lucene compares terms in.
    """
    if (
        low is not None
        and high is not None
        and (low > high or (low == high and not (include_lower and include_upper)))
    ):
        return MATCH_NONE()
    prefix = ""
    if low is not None and high is not None:
        while len(prefix) < min(len(low), len(high)) and low[len(prefix)] == high[len(prefix)]:
            prefix += low[len(prefix)]
    terms = []
    for term, _ in ctx.reader.searcher.terms_with_prefix(slot, prefix):
        if low is not None and (term < low or (term == low and not include_lower)):
            continue
        if high is not None and (term > high or (term == high and not include_upper)):
            continue
        terms.append(term)
    if not terms:
        return MATCH_NONE()
    return Query.term_set_query(ctx.schema, slot, terms)


def _number_range(
    ctx: Context,
    field_type: NumberField,
    slot: str,
    lower: Any,
    include_lower: bool,
    upper: Any,
    include_upper: bool,
) -> tantivy.Query:
    low = None if lower is None else _query_value(field_type, lower, ctx)
    high = None if upper is None else _query_value(field_type, upper, ctx)
    if field_type.integral:
        if isinstance(low, float):
            low, include_lower = (
                math.ceil(low) if low != math.floor(low) else int(low),
                (include_lower if low == math.floor(low) else True),
            )
        if isinstance(high, float):
            high, include_upper = (
                math.floor(high) if high != math.ceil(high) else int(high),
                (include_upper if high == math.ceil(high) else True),
            )
        if low is not None and not include_lower:
            low, include_lower = low + 1, True
        if high is not None and not include_upper:
            high, include_upper = high - 1, True
        kind = (
            FieldTypeEnum.Unsigned
            if field_type.type_name == "unsigned_long"
            else (FieldTypeEnum.Integer)
        )
        if kind is FieldTypeEnum.Unsigned:
            low = None if low is None else max(low, 0)
            if high is not None and high < 0:
                return MATCH_NONE()
        return _range(ctx.schema, slot, kind, low, high, True, True)
    low = None if low is None else float(low)
    high = None if high is None else float(high)
    return _range(ctx.schema, slot, FieldTypeEnum.Float, low, high, include_lower, include_upper)


def _date_range(
    ctx: Context,
    field_type: DateField,
    slot: str,
    options: dict[str, Any],
    lower: Any,
    include_lower: bool,
    upper: Any,
    include_upper: bool,
) -> tantivy.Query:
    from .dates import DateFormat, DateParseError, parse_date_math

    date_format = field_type.date_format
    if options.get("format"):
        date_format = DateFormat(options["format"])
    zone = options.get("time_zone")
    try:
        # gt and lte round up (to the end of a rounded unit), as Elasticsearch's date math does.
        low = (
            None
            if lower is None
            else parse_date_math(
                lower, date_format, now=ctx.now, round_up=not include_lower, time_zone=zone
            )
        )
        high = (
            None
            if upper is None
            else parse_date_math(
                upper, date_format, now=ctx.now, round_up=include_upper, time_zone=zone
            )
        )
    except DateParseError as error:
        raise QueryShardError(
            str(error), caused_by=BadRequest(str(error), type="parse_exception")
        ) from None
    return _range(ctx.schema, slot, FieldTypeEnum.Integer, low, high, include_lower, include_upper)


def _text_like(ctx: Context, kind: str, name: str) -> tuple[FieldType, str] | None:
    field_type = ctx.field(name)
    if field_type is None:
        return None
    if not field_type.is_text_like:
        raise QueryShardError(
            f"Can only use {kind} queries on keyword and text fields - not on [{name}] which is "
            f"of type [{field_type.type_name}]"
        )
    slot = ctx.slot(field_type)
    if slot is None:
        _not_searchable(field_type)
    return field_type, slot


def q_prefix(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("prefix", body, scalars=("value",))
    if name == "_id":
        return boosted(
            Query.regex_query(ctx.schema, "_id", regex_escape(str(options["value"])) + ".*"),
            options,
        )
    found = _text_like(ctx, "prefix", name)
    if found is None:
        return MATCH_NONE()
    field_type, slot = found
    prefix = str(options.get("value", ""))
    if isinstance(field_type, KeywordField) and field_type.normalizer:
        prefix = field_type.normalizer.normalize(prefix)
    flags = "(?i)" if options.get("case_insensitive") else ""
    ctx.note(field_type, prefix + "*")
    query = Query.regex_query(ctx.schema, slot, flags + regex_escape(prefix) + ".*")
    return boosted(Query.const_score_query(query, 1.0), options)


def q_wildcard(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("wildcard", body, scalars=("value",))
    pattern = options.get("value", options.get("wildcard"))
    if pattern is None:
        raise ParsingError("[wildcard] query malformed, no value specified")
    if name == "_id":
        return boosted(Query.regex_query(ctx.schema, "_id", wildcard_regex(str(pattern))), options)
    found = _text_like(ctx, "wildcard", name)
    if found is None:
        return MATCH_NONE()
    field_type, slot = found
    pattern = str(pattern)
    if isinstance(field_type, KeywordField) and field_type.normalizer:
        pattern = field_type.normalizer.normalize(pattern)
    flags = "(?i)" if options.get("case_insensitive") else ""
    query = _regex(ctx, slot, flags + wildcard_regex(pattern))
    ctx.note_regex(field_type, flags + wildcard_regex(pattern))
    return boosted(Query.const_score_query(query, 1.0), options)


def q_regexp(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("regexp", body, scalars=("value",))
    found = _text_like(ctx, "regexp", name)
    if found is None:
        return MATCH_NONE()
    field_type, slot = found
    flags = "(?i)" if options.get("case_insensitive") else ""
    query = _regex(ctx, slot, flags + str(options.get("value", "")))
    ctx.note_regex(field_type, flags + str(options.get("value", "")))
    return boosted(Query.const_score_query(query, 1.0), options)


def _regex(ctx: Context, slot: str, pattern: str) -> tantivy.Query:
    try:
        return Query.regex_query(ctx.schema, slot, pattern)
    except ValueError as error:
        raise QueryShardError(
            f"failed to create query: invalid regular expression: {error}"
        ) from None


def q_fuzzy(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("fuzzy", body, scalars=("value",))
    found = _text_like(ctx, "fuzzy", name)
    if found is None:
        return MATCH_NONE()
    field_type, slot = found
    value = str(options.get("value", ""))
    distance = fuzziness(options.get("fuzziness", "AUTO"), value)
    return boosted(
        _fuzzy_term(
            ctx,
            field_type,
            slot,
            value,
            distance,
            options.get("transpositions", True),
            _prefix_length(options),
        ),
        options,
    )


def _prefix_length(options: dict[str, Any]) -> int:
    try:
        return max(0, int(options.get("prefix_length") or 0))
    except (TypeError, ValueError):
        raise ParsingError(
            f"[prefix_length] must be an integer, got [{options.get('prefix_length')}]"
        ) from None


def fuzziness(spec: Any, term: str) -> int:
    """Edit distance: ``0``/``1``/``2`` or ``AUTO[:low,high]`` by term length."""
    text = str(spec).upper()
    if text.startswith("AUTO"):
        low, high = 3, 6
        if ":" in text:
            low, high = (int(x) for x in text.partition(":")[2].split(","))
        length = len(term)
        return 0 if length < low else 1 if length < high else 2
    try:
        return min(2, int(float(text)))
    except ValueError:
        raise IllegalArgument(f"failed to parse [{spec}] as fuzziness") from None


def _fuzzy_term(
    ctx: Context,
    field_type: FieldType,
    slot: str,
    term: str,
    distance: int,
    transpositions: bool = True,
    prefix_length: int = 0,
) -> tantivy.Query:
    ctx.note(field_type, term)
    exact = Query.term_query(ctx.schema, slot, term)
    if distance == 0:
        return exact
    fuzzy = Query.fuzzy_term_query(ctx.schema, slot, term, distance, bool(transpositions))
    if prefix_length:
        # The first prefix_length characters must match exactly.
        prefix = Query.regex_query(ctx.schema, slot, regex_escape(term[:prefix_length]) + ".*")
        fuzzy = Query.boolean_query(
            [(Occur.Must, fuzzy), (Occur.Must, Query.boost_query(prefix, 0.0))]
        )
    ctx.note_fuzzy(field_type, term, distance, bool(transpositions), prefix_length)
    # tantivy scores fuzzy matches flatly: an exact match should still rank first.
    return Query.boolean_query([(Occur.Should, exact), (Occur.Should, fuzzy)])


# Full-text queries

MATCH_OPTIONS = {
    "query",
    "operator",
    "minimum_should_match",
    "fuzziness",
    "prefix_length",
    "max_expansions",
    "fuzzy_transpositions",
    "lenient",
    "zero_terms_query",
    "analyzer",
    "boost",
    "_name",
    "auto_generate_synonyms_phrase_query",
    "fuzzy_rewrite",
    "cutoff_frequency",
    "slop",
}


def q_match(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("match", body)
    _check_options("match", options, MATCH_OPTIONS)
    if "query" not in options:
        raise ParsingError("[match] requires query value")
    query = match_field(ctx, name, options)
    return boosted(query, options)


def _check_options(kind: str, options: dict[str, Any], allowed: set[str]) -> None:
    from .api.params import did_you_mean

    for key in options:
        if key not in allowed:
            raise ParsingError(
                f"[{kind}] query does not support [{key}]{did_you_mean(key, sorted(allowed))}"
            )


def match_field(
    ctx: Context, name: str, options: dict[str, Any], field_type: FieldType | None = None
) -> tantivy.Query:
    """A ``match`` on one field; text is analysed, other types match their converted value."""
    if field_type is None:
        if name.startswith("_") and name in ("_id", "_index", "_routing"):
            return _meta_field(ctx, name, [options["query"]])
        field_type = ctx.field(name)
        if field_type is None:
            return MATCH_NONE()
    text = options["query"]
    lenient = bool(options.get("lenient"))
    if not isinstance(field_type, TextField):
        if ctx.slot(field_type) is None:
            if lenient:
                return MATCH_NONE()
            return _not_searchable(field_type)
        try:
            if isinstance(field_type, KeywordField) or field_type.is_text_like:
                return term_query(ctx, field_type, text)
            return term_query(ctx, field_type, text)
        except EngineError:
            if lenient:
                return MATCH_NONE()
            raise
    slot = ctx.slot(field_type)
    if slot is None:
        return _not_searchable(field_type)
    analyzer = _search_analyzer(ctx, field_type, options.get("analyzer"))
    tokens = analyzer.analyze(_text(text))
    if not tokens:
        return MATCH_ALL() if options.get("zero_terms_query") == "all" else MATCH_NONE()
    distance_spec = options.get("fuzziness")
    clauses = []
    for position_terms in _by_position(tokens):
        alternatives = []
        for term in position_terms:
            if distance_spec is not None:
                distance = fuzziness(distance_spec, term)
                alternatives.append(
                    _fuzzy_term(
                        ctx,
                        field_type,
                        slot,
                        term,
                        distance,
                        options.get("fuzzy_transpositions", True),
                        _prefix_length(options),
                    )
                )
            else:
                ctx.note(field_type, term)
                alternatives.append(Query.term_query(ctx.schema, slot, term))
        clauses.append(
            alternatives[0]
            if len(alternatives) == 1
            else Query.boolean_query([(Occur.Should, q) for q in alternatives])
        )
    operator = str(options.get("operator", "or")).lower()
    if operator not in ("or", "and"):
        raise ParsingError(f"Unknown operator [{options.get('operator')}]")
    if len(clauses) == 1:
        return clauses[0]
    if operator == "and":
        return Query.boolean_query([(Occur.Must, q) for q in clauses])
    minimum = minimum_should_match(options.get("minimum_should_match"), len(clauses))
    return Query.boolean_query([(Occur.Should, q) for q in clauses], minimum or None)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise ParsingError(f"[match] unknown token [{type(value).__name__}]")


def _by_position(tokens: list[Any]) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for token in tokens:
        groups.setdefault(token.position, []).append(token.term)
    return [groups[p] for p in sorted(groups)]


def _search_analyzer(
    ctx: Context, field_type: TextField, name: str | None, quote: bool = False
) -> Any:
    if name is not None:
        return ctx.reader.registry.analyzer(name)
    return field_type.search_quote_analyzer if quote else field_type.search_analyzer


def q_match_phrase(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("match_phrase", body)
    _check_options(
        "match_phrase", options, {"query", "slop", "analyzer", "boost", "_name", "zero_terms_query"}
    )
    return boosted(phrase_field(ctx, name, options), options)


def phrase_field(
    ctx: Context,
    name: str,
    options: dict[str, Any],
    field_type: FieldType | None = None,
    prefix: bool = False,
) -> tantivy.Query:
    if field_type is None:
        field_type = ctx.field(name)
        if field_type is None:
            return MATCH_NONE()
    if not isinstance(field_type, TextField):
        try:
            if prefix and field_type.is_text_like:
                return q_prefix(ctx, {field_type.path: {"value": options["query"]}})
            return term_query(ctx, field_type, options["query"])
        except EngineError:
            if options.get("lenient"):
                return MATCH_NONE()
            raise
    slot = ctx.slot(field_type)
    if slot is None:
        return _not_searchable(field_type)
    analyzer = _search_analyzer(ctx, field_type, options.get("analyzer"), quote=True)
    tokens = analyzer.analyze(_text(options["query"]))
    if not tokens:
        return MATCH_ALL() if options.get("zero_terms_query") == "all" else MATCH_NONE()
    first = tokens[0].position
    words: list[tuple[int, str]] = []
    seen: set[int] = set()
    for token in tokens:
        if token.position not in seen:
            seen.add(token.position)
            words.append((token.position - first, token.term))
    if len(words) == 1:
        ctx.note(field_type, words[0][1] + ("*" if prefix else ""))
    else:
        ctx.note_phrase(field_type, words, int(options.get("slop", 0) or 0), prefix)
    if prefix:
        if len(words) == 1:
            return Query.regex_query(ctx.schema, slot, regex_escape(words[0][1]) + ".*")
        return Query.phrase_prefix_query(ctx.schema, slot, words)
    if len(words) == 1:
        return Query.term_query(ctx.schema, slot, words[0][1])
    if not field_type.positions:
        raise QueryShardError(
            f"field:[{field_type.path}] was indexed without position data; cannot run PhraseQuery"
        )
    return Query.phrase_query(ctx.schema, slot, words, int(options.get("slop", 0)))


def q_match_phrase_prefix(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("match_phrase_prefix", body)
    _check_options(
        "match_phrase_prefix",
        options,
        {"query", "slop", "analyzer", "boost", "_name", "max_expansions", "zero_terms_query"},
    )
    return boosted(phrase_field(ctx, name, options, prefix=True), options)


def q_match_bool_prefix(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("match_bool_prefix", body)
    return boosted(bool_prefix_field(ctx, name, options), options)


def bool_prefix_field(
    ctx: Context, name: str, options: dict[str, Any], field_type: FieldType | None = None
) -> tantivy.Query:
    field_type = field_type or ctx.field(name)
    if field_type is None:
        return MATCH_NONE()
    if not isinstance(field_type, TextField):
        return match_field(ctx, name, options, field_type)
    slot = ctx.slot(field_type)
    analyzer = _search_analyzer(ctx, field_type, options.get("analyzer"))
    terms = [t.term for t in analyzer.analyze(_text(options["query"]))]
    if not terms:
        return MATCH_NONE()
    clauses = [Query.term_query(ctx.schema, slot, t) for t in terms[:-1]]
    clauses.append(Query.regex_query(ctx.schema, slot, regex_escape(terms[-1]) + ".*"))
    for term in terms[:-1]:
        ctx.note(field_type, term)
    ctx.note(field_type, terms[-1] + "*")
    operator = str(options.get("operator", "or")).lower()
    occur = Occur.Must if operator == "and" else Occur.Should
    minimum = minimum_should_match(options.get("minimum_should_match"), len(clauses))
    return Query.boolean_query(
        [(occur, q) for q in clauses], minimum or None if occur is Occur.Should else None
    )


def resolve_fields(ctx: Context, specs: list[str] | None) -> list[tuple[FieldType, float]]:
    """``["title^2", "body*"]`` -> mapped fields with their boosts (``*``: all searchable)."""
    specs = specs or ctx.default_fields
    found: dict[str, tuple[FieldType, float]] = {}
    for spec in specs:
        name, _, boost = str(spec).partition("^")
        weight = float(boost) if boost else 1.0
        for field_type in ctx.mapping.fields_matching(name):
            if name == "*" or "*" in name:
                if not field_type.searchable or ctx.slot(field_type) is None:
                    continue
                if field_type.type_name in ("binary", "geo_point", "alias"):
                    continue
            found[field_type.path] = (field_type, weight)
    return list(found.values())


def q_multi_match(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    _check_options("multi_match", body, MATCH_OPTIONS | {"fields", "type", "tie_breaker"})
    if "query" not in body:
        raise ParsingError("No text specified for multi_match query")
    fields = body.get("fields")
    if isinstance(fields, str):
        fields = [fields]
    kind = body.get("type", "best_fields")
    wildcard = fields is None or any("*" in f for f in fields)
    options = dict(body)
    if wildcard:
        options.setdefault("lenient", True)
    targets = resolve_fields(ctx, fields)
    if not targets:
        return MATCH_NONE()
    if kind in ("cross_fields",):
        return boosted(_cross_fields(ctx, targets, options), body)
    per_field = []
    for field_type, weight in targets:
        if kind in ("phrase", "phrase_prefix"):
            query = phrase_field(
                ctx, field_type.path, options, field_type, prefix=kind == "phrase_prefix"
            )
        elif kind == "bool_prefix":
            query = bool_prefix_field(ctx, field_type.path, options, field_type)
        elif kind in ("best_fields", "most_fields"):
            query = match_field(ctx, field_type.path, options, field_type)
        else:
            raise ParsingError(f"[multi_match] query does not support type [{kind}]")
        per_field.append(Query.boost_query(query, weight) if weight != 1.0 else query)
    if len(per_field) == 1:
        return boosted(per_field[0], body)
    if kind == "most_fields":
        query = Query.boolean_query([(Occur.Should, q) for q in per_field])
    else:
        query = Query.disjunction_max_query(per_field, float(body.get("tie_breaker", 0.0)))
    return boosted(query, body)


def _cross_fields(
    ctx: Context, targets: list[tuple[FieldType, float]], options: dict[str, Any]
) -> tantivy.Query:
    """Term-centric matching: each term may match in any of the fields."""
    text_fields = [(f, w) for f, w in targets if isinstance(f, TextField) and ctx.slot(f)]
    if not text_fields:
        return MATCH_NONE()
    analyzer = text_fields[0][0].search_analyzer
    terms = [t.term for t in analyzer.analyze(_text(options["query"]))]
    if not terms:
        return MATCH_NONE()
    clauses = []
    for term in terms:
        per_field = []
        for field_type, weight in text_fields:
            ctx.note(field_type, term)
            query = Query.term_query(ctx.schema, ctx.slot(field_type), term)
            per_field.append(Query.boost_query(query, weight) if weight != 1.0 else query)
        clauses.append(
            Query.disjunction_max_query(per_field, float(options.get("tie_breaker", 0.0)))
        )
    if str(options.get("operator", "or")).lower() == "and":
        return Query.boolean_query([(Occur.Must, q) for q in clauses])
    minimum = minimum_should_match(options.get("minimum_should_match"), len(clauses))
    return Query.boolean_query([(Occur.Should, q) for q in clauses], minimum or None)


def q_combined_fields(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    targets = resolve_fields(ctx, body.get("fields"))
    return boosted(_cross_fields(ctx, targets, body), body)


def q_query_string(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    from .querystring import query_string_to_dsl

    return compile_query(ctx, query_string_to_dsl(body, ctx.default_fields))


def q_simple_query_string(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    from .querystring import simple_query_string_to_dsl

    return compile_query(ctx, simple_query_string_to_dsl(body, ctx.default_fields))


# Compound queries


def q_bool(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    allowed = {
        "must",
        "should",
        "filter",
        "must_not",
        "minimum_should_match",
        "boost",
        "_name",
        "adjust_pure_negative",
    }
    for key in body:
        if key not in allowed:
            raise ParsingError(f"[bool] query does not support [{key}]")
    clauses: list[tuple[Occur, tantivy.Query]] = []
    must = _clauses(ctx, body.get("must"))
    filters = _clauses(ctx, body.get("filter"))
    should = _clauses(ctx, body.get("should"))
    must_not = _clauses(ctx, body.get("must_not"))
    clauses += [(Occur.Must, q) for q in must]
    clauses += [(Occur.Must, Query.boost_query(q, 0.0)) for q in filters]
    clauses += [(Occur.MustNot, q) for q in must_not]
    spec = body.get("minimum_should_match")
    minimum = 0
    if should:
        if spec is None:
            minimum = 0 if must or filters else 1
        else:
            minimum = minimum_should_match(spec, len(should))
        clauses += [(Occur.Should, q) for q in should]
        if minimum > len(should):
            return MATCH_NONE()
    if not must and not filters and not should:
        # A purely negative bool matches everything else, with no score of its own.
        clauses.append((Occur.Must, Query.const_score_query(MATCH_ALL(), 0.0)))
        if not must_not:
            clauses = [(Occur.Must, MATCH_ALL())]
    elif not must and not should and filters:
        pass
    query = Query.boolean_query(clauses, minimum if should and minimum else None)
    return boosted(query, body)


def _clauses(ctx: Context, value: Any) -> list[tantivy.Query]:
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ParsingError("[bool] query malformed, expected an object or an array")
    return [compile_query(ctx, clause) for clause in value]


def q_constant_score(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    if "filter" not in body:
        raise ParsingError("[constant_score] requires a 'filter' element")
    inner = compile_query(ctx, body["filter"])
    return Query.const_score_query(inner, float(body.get("boost", 1.0)))


def q_dis_max(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    queries = body.get("queries")
    if not isinstance(queries, list) or not queries:
        raise ParsingError("[dis_max] requires 'queries' field with at least one clause")
    compiled = [compile_query(ctx, q) for q in queries]
    return boosted(Query.disjunction_max_query(compiled, float(body.get("tie_breaker", 0.0))), body)


def q_boosting(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    for key in ("positive", "negative", "negative_boost"):
        if key not in body:
            raise ParsingError(f"[boosting] query requires '{key}' query to be set'")
    positive = compile_query(ctx, body["positive"])
    negative = compile_query(ctx, body["negative"])
    factor = float(body["negative_boost"])
    # score(positive) for documents that do not match negative, scaled down for those that do.
    demoted = Query.boolean_query(
        [
            (Occur.Must, positive),
            (Occur.Must, Query.boost_query(Query.const_score_query(negative, 0.0), 0.0)),
        ]
    )
    clean = Query.boolean_query([(Occur.Must, positive), (Occur.MustNot, negative)])
    return boosted(
        Query.boolean_query(
            [
                (Occur.Should, clean),
                (Occur.Should, Query.boost_query(demoted, factor) if factor else demoted),
            ],
            1,
        ),
        body,
    )


def q_nested(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    if "path" not in body or "query" not in body:
        raise ParsingError("[nested] requires 'path' and 'query' field")
    if not ctx.mapping.is_object(body["path"]):
        if body.get("ignore_unmapped"):
            return MATCH_NONE()
        raise QueryShardError(f"[nested] failed to find nested object under path [{body['path']}]")
    return boosted(compile_query(ctx, body["query"]), body)


def q_match_all(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    return boosted(MATCH_ALL(), body)


def q_match_none(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    return MATCH_NONE()


def q_wrapper(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    try:
        inner = jsoncodec.loads(base64.b64decode(body["query"]))
    except Exception:
        raise ParsingError("[wrapper] query malformed") from None
    return compile_query(ctx, inner)


def q_unsupported(kind: str) -> Callable[[Context, dict[str, Any]], tantivy.Query]:
    def build(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
        raise BadRequest(
            f"query [{kind}] is not supported by the djangoes embedded engine",
            type="illegal_argument_exception",
        )

    return build


QUERIES: dict[str, Callable[[Context, dict[str, Any]], tantivy.Query]] = {
    "match_all": q_match_all,
    "match_none": q_match_none,
    "term": q_term,
    "terms": q_terms,
    "ids": q_ids,
    "exists": q_exists,
    "range": q_range,
    "prefix": q_prefix,
    "wildcard": q_wildcard,
    "regexp": q_regexp,
    "fuzzy": q_fuzzy,
    "match": q_match,
    "match_phrase": q_match_phrase,
    "match_phrase_prefix": q_match_phrase_prefix,
    "match_bool_prefix": q_match_bool_prefix,
    "multi_match": q_multi_match,
    "combined_fields": q_combined_fields,
    "query_string": q_query_string,
    "simple_query_string": q_simple_query_string,
    "bool": q_bool,
    "constant_score": q_constant_score,
    "dis_max": q_dis_max,
    "boosting": q_boosting,
    "nested": q_nested,
    "wrapper": q_wrapper,
}
for _kind in (
    "function_score",
    "script",
    "script_score",
    "more_like_this",
    "geo_distance",
    "geo_bounding_box",
    "geo_shape",
    "geo_polygon",
    "has_child",
    "has_parent",
    "parent_id",
    "percolate",
    "rank_feature",
    "distance_feature",
    "pinned",
    "span_term",
    "span_near",
    "span_or",
    "span_not",
    "span_first",
    "span_multi",
    "span_containing",
    "span_within",
    "field_masking_span",
    "intervals",
    "terms_set",
    "knn",
    "sparse_vector",
    "semantic",
    "text_expansion",
    "shape",
    "rule",
):
    QUERIES[_kind] = q_unsupported(_kind)
