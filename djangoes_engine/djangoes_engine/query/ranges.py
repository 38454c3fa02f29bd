"""The ``range`` query: numbers and dates as tantivy ranges, other values as ranges of terms."""

from __future__ import annotations

import math
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..dates import DateFormat, DateParseError, parse_date_math
from ..errors import BadRequest, ParsingError, QueryShardError
from ..fields import DateField, NumberField
from .body import boosted, single_field
from .context import MATCH_NONE, Context
from .terms import not_searchable, query_value

FieldTypeEnum = tantivy.FieldType


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
        return not_searchable(field_type)
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
    low = None if lower is None else query_value(field_type, lower, ctx)
    high = None if upper is None else query_value(field_type, upper, ctx)
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
