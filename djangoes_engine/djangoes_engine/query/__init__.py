"""The query DSL: Elasticsearch queries compiled to tantivy queries over an index's slots.

:func:`compile_query` walks the DSL; each query type has a small function that validates its
body and builds the tantivy query from the field's type and slot, analysing text with the field's
search analyzer, so a query matches what the same value matched when it was indexed.

The modules, by kind of query: :mod:`.context` (the compiling context and the dispatch),
:mod:`.body` (reading a query's body), :mod:`.terms`, :mod:`.ranges` and :mod:`.multiterm`
(term-level queries), :mod:`.fulltext`, :mod:`.compound`, and :mod:`.querystring` (the
``query_string`` and ``simple_query_string`` parsers). This module holds the table of query types,
:data:`QUERIES`.
"""

from __future__ import annotations

from typing import Any

import tantivy

from ..deprecation import deprecated
from ..errors import Unsupported
from .body import boosted, check_options, minimum_should_match, single_field
from .compound import q_bool, q_boosting, q_constant_score, q_dis_max, q_wrapper
from .context import (
    FIELD_QUERIES,
    MATCH_ALL,
    MATCH_NONE,
    QUERIES,
    Builder,
    Context,
    compile_query,
    resolve_fields,
    validate_filter,
)
from .fulltext import (
    bool_prefix_field,
    match_field,
    phrase_field,
    q_combined_fields,
    q_match,
    q_match_bool_prefix,
    q_match_phrase,
    q_match_phrase_prefix,
    q_multi_match,
    q_query_string,
    q_simple_query_string,
)
from .geo import q_geo_bounding_box, q_geo_distance
from .join import q_has_child, q_has_parent, q_parent_id
from .knn import q_knn
from .more_like_this import q_more_like_this
from .multiterm import fuzziness, q_fuzzy, q_prefix, q_regexp, q_wildcard
from .nested import parent_key, q_nested
from .percolate import percolator_fields, percolator_highlights, q_percolate
from .querystring import query_string_to_dsl, simple_query_string_to_dsl
from .ranges import q_range
from .script_score import q_script_score
from .terms import q_exists, q_ids, q_term, q_terms, regex_escape, term_query, wildcard_regex

__all__ = [
    "FIELD_QUERIES",
    "MATCH_ALL",
    "MATCH_NONE",
    "QUERIES",
    "Builder",
    "Context",
    "bool_prefix_field",
    "boosted",
    "compile_query",
    "fuzziness",
    "match_field",
    "minimum_should_match",
    "parent_key",
    "percolator_fields",
    "percolator_highlights",
    "phrase_field",
    "query_string_to_dsl",
    "regex_escape",
    "resolve_fields",
    "simple_query_string_to_dsl",
    "single_field",
    "term_query",
    "validate_filter",
    "wildcard_regex",
]


def q_match_all(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("match_all", body, {"boost", "_name"})
    return boosted(MATCH_ALL(), body)


def q_match_none(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("match_none", body, {"boost", "_name"})
    return MATCH_NONE()


def q_unsupported(kind: str) -> Builder:
    def build(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
        raise Unsupported(f"query [{kind}]")

    return build


QUERIES.update(
    {
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
        "more_like_this": q_more_like_this,
        "has_child": q_has_child,
        "has_parent": q_has_parent,
        "parent_id": q_parent_id,
        "geo_distance": q_geo_distance,
        "geo_bounding_box": q_geo_bounding_box,
        "percolate": q_percolate,
        "knn": q_knn,
        "script_score": q_script_score,
    }
)
for _kind in (
    "function_score",
    "script",
    "geo_shape",
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
    "span_field_masking",
    "intervals",
    "terms_set",
    "sparse_vector",
    "semantic",
    "text_expansion",
    "shape",
    "rule",
):
    QUERIES[_kind] = q_unsupported(_kind)


def q_unsupported_field_masking_span(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    """``field_masking_span``, the deprecated name Elasticsearch still reads for
    ``span_field_masking`` (refused here as every span query is), with its warning."""
    deprecated("Deprecated field [field_masking_span] used, expected [span_field_masking] instead")
    return QUERIES["span_field_masking"](ctx, body)


QUERIES["field_masking_span"] = q_unsupported_field_masking_span
