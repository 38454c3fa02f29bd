"""Queries on the terms a pattern matches: ``prefix``, ``wildcard``, ``regexp``, ``fuzzy``.

Only keyword and text fields take them (prefix and wildcard also ``_id``); the pattern runs over
the field's term dictionary.
"""

from __future__ import annotations

from typing import Any

import tantivy
from tantivy import Occur, Query

from ..errors import IllegalArgument, ParsingError, QueryShardError, Unsupported
from ..fields import FieldType, KeywordField
from .body import boosted, check_options, single_field
from .context import MATCH_NONE, Context
from .terms import not_searchable, regex_escape, wildcard_regex


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
        not_searchable(field_type)
    return field_type, slot


#: ``boost`` and ``_name``, which every query takes.
NAMED = ("boost", "_name")
REGEXP_OPTIONS = {
    "value", "flags", "flags_value", "max_determinized_states", "rewrite", "case_insensitive",
    *NAMED,
}  # fmt: skip
FUZZY_OPTIONS = {
    "value", "fuzziness", "prefix_length", "max_expansions", "transpositions", "rewrite", *NAMED,
}  # fmt: skip


def q_prefix(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("prefix", body, scalars=("value",))
    check_options("prefix", options, {"value", "rewrite", "case_insensitive", *NAMED})
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
    check_options("wildcard", options, {"value", "wildcard", "rewrite", "case_insensitive", *NAMED})
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
    check_options("regexp", options, REGEXP_OPTIONS)
    if str(options.get("flags", "ALL")).upper() != "ALL" or "flags_value" in options:
        raise Unsupported("[flags] other than ALL in a [regexp] query")
    if ctx.field(name) is not None:
        _check_regex_length(ctx, str(options.get("value", "")))
    found = _text_like(ctx, "regexp", name)
    if found is None:
        return MATCH_NONE()
    field_type, slot = found
    flags = "(?i)" if options.get("case_insensitive") else ""
    query = _regex(ctx, slot, flags + str(options.get("value", "")))
    ctx.note_regex(field_type, flags + str(options.get("value", "")))
    return boosted(Query.const_score_query(query, 1.0), options)


def _check_regex_length(ctx: Context, pattern: str) -> None:
    """``index.max_regex_length``, counted in UTF-16 units as Java's ``String.length()``."""
    length = len(pattern) + sum(1 for char in pattern if ord(char) > 0xFFFF)
    limit = ctx.limit("index.max_regex_length")
    if length > limit:
        raise IllegalArgument(
            f"The length of regex [{length}] used in the Regexp Query request has exceeded the "
            f"allowed maximum of [{limit}]. This maximum can be set by changing the "
            "[index.max_regex_length] index level setting."
        )


def _regex(ctx: Context, slot: str, pattern: str) -> tantivy.Query:
    try:
        return Query.regex_query(ctx.schema, slot, pattern)
    except ValueError as error:
        raise QueryShardError(
            f"failed to create query: invalid regular expression: {error}"
        ) from None


def q_fuzzy(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("fuzzy", body, scalars=("value",))
    check_options("fuzzy", options, FUZZY_OPTIONS)
    found = _text_like(ctx, "fuzzy", name)
    if found is None:
        return MATCH_NONE()
    field_type, slot = found
    value = str(options.get("value", ""))
    distance = fuzziness(options.get("fuzziness", "AUTO"), value)
    return boosted(
        fuzzy_term(
            ctx,
            field_type,
            slot,
            value,
            distance,
            options.get("transpositions", True),
            prefix_length_option(options),
        ),
        options,
    )


def prefix_length_option(options: dict[str, Any]) -> int:
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


def fuzzy_term(
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
