"""``query_string`` and ``simple_query_string``, translated into ordinary query DSL.

Both queries are parsed and rewritten as the plain DSL the query compiler already knows
(``match``, ``multi_match``, ``match_phrase``, ``wildcard``, ``prefix``, ``regexp``, ``range``,
``exists``, ``dis_max``, ``bool``), over field *names*: types, analysis and the expansion of field
patterns such as ``*`` or ``book.*`` stay the compiler's business, so ``price:>10`` becomes
``{"range": {"price": {"gt": "10"}}}`` and the compiler converts ``"10"``.

``query_string`` follows Lucene's classic query parser, which Elasticsearch uses:

* Operators have no precedence. Each clause is optional (``SHOULD``) under the default operator OR
  and required (``MUST``) under AND; ``+`` requires it, ``-``, ``!`` and ``NOT`` prohibit it;
  ``AND`` makes the clauses on both of its sides required, and ``OR`` under the default operator AND
  makes both sides optional. So ``a AND b OR c`` is ``+a +b c`` (and ``+a b c`` under AND), not
  ``(a AND b) OR c``: only parentheses group.
* Whitespace is not an operator. A run of two or more plain words (no field, modifier, boost or
  fuzziness, not followed by ``AND``/``OR``/``:``) is one text, analysed as a whole and joined with
  the default operator, as Elasticsearch does: ``new york`` is one ``match`` with ``operator`` on a
  single field (a keyword field sees the term ``new york``), one ``multi_match`` over several.
  When ``minimum_should_match`` applies to a top-level list that also holds other clauses, the run
  is split into one clause per word so the words are counted, as Lucene flattens them.
* Syntax errors are Elasticsearch's: a ``query_shard_exception`` "Failed to parse query [...]"
  caused by a ``parse_exception`` "Cannot parse '...': Encountered ..." with Lucene's wording and
  0-based column.

``simple_query_string`` follows Lucene's ``SimpleQueryParser``: it never fails, skips what it
cannot use, and reads operators left to right (a change of operator wraps what came before).

What this leaves to the compiler: term-level leaves (``wildcard``, ``prefix``, ``regexp``,
``range``, ``exists``) name their field as written, which may be a pattern (``*``, ``book.*``)
when the default fields or the query use one; Elasticsearch expands it and skips the fields the
query cannot apply to. Elasticsearch also normalises (lowercases) wildcard, prefix and range terms
with the field's analyzer; here they are passed on unchanged.

This module reads the request and runs the parser: :mod:`.options` (the request's options),
:mod:`.classic` and its :mod:`.lexer` (``query_string``), :mod:`.simple`
(``simple_query_string``), and :mod:`.dsl` (the DSL both write).
"""

from __future__ import annotations

from typing import Any

from ...errors import BadRequest
from .classic import QueryStringParser
from .dsl import AnalyzedAway, Leaves, finish
from .lexer import ParseFailure, failed, lucene_escape
from .options import (
    JAVA_BLANK,
    Options,
    check_keys,
    parse_targets,
    read_bool,
    read_default_and,
    read_float,
    read_int,
    read_lenient,
    read_query_text,
    words,
)
from .simple import SimpleParser, simple_flags

__all__ = ["query_string_to_dsl", "simple_query_string_to_dsl"]

_TYPES = {
    "best_fields": "best_fields",
    "boolean": "best_fields",
    "most_fields": "most_fields",
    "cross_fields": "cross_fields",
    "phrase": "phrase",
    "phrase_prefix": "phrase_prefix",
    "bool_prefix": "bool_prefix",
}

_QUERY_STRING_KEYS = words(
    """
    query default_field fields default_operator analyzer quote_analyzer
    allow_leading_wildcard analyze_wildcard auto_generate_synonyms_phrase_query boost
    enable_position_increments escape fuzziness fuzzy_max_expansions fuzzy_prefix_length
    fuzzy_rewrite fuzzy_transpositions lenient max_determinized_states minimum_should_match
    phrase_slop quote_field_suffix rewrite tie_breaker time_zone type _name
    """
)


def query_string_to_dsl(
    body: dict[str, Any],
    default_fields: list[str],
    lenient: bool = False,
    analyzed_away: AnalyzedAway | None = None,
) -> dict[str, Any]:
    """The DSL a ``query_string`` query (the object inside ``{"query_string": ...}``) means.

    ``default_fields`` is searched when the request names neither ``fields`` nor
    ``default_field``: the index setting ``index.query.default_field``, normally ``["*"]``;
    ``lenient`` is the index's ``index.query_string.lenient``, for a query that does not say;
    ``analyzed_away`` (the index's analysis) leaves out the words that mean nothing to a field.
    Raises :class:`QueryShardError` for a syntax error, as Elasticsearch answers it.
    """
    what = "query_string"
    check_keys(body, _QUERY_STRING_KEYS, what, "[query_string] query does not support [{}]")
    query = read_query_text(body, what, "[query_string] must be provided with a [query]")
    options = _query_string_options(body, default_fields, lenient)
    text = lucene_escape(query) if read_bool(body, "escape", what) else query
    if not text.strip(JAVA_BLANK):
        return finish({"match_none": {}}, body, what)
    parser = QueryStringParser(
        text,
        Leaves(options, analyzed_away),
        default_and=options.default_and,
        minimum_should_match=body.get("minimum_should_match"),
    )
    try:
        result = parser.parse()
    except ParseFailure as failure:
        raise failed(query, text, failure) from None
    return finish(result, body, what)


def _query_string_options(
    body: dict[str, Any], default_fields: list[str], lenient: bool
) -> Options:
    what = "query_string"
    fields = body.get("fields")
    if isinstance(fields, str):
        fields = [fields]
    default_field = body.get("default_field")
    if fields and default_field is not None:
        raise BadRequest(
            "Validation Failed: 1: [query_string] cannot use [fields] parameter in conjunction "
            "with [default_field];",
            type="query_validation_exception",
        )
    specs = fields or ([default_field] if default_field is not None else list(default_fields))
    targets = parse_targets(specs, what)
    kind = _TYPES.get(str(body.get("type", "best_fields")).lower())
    if kind is None:
        raise BadRequest(
            f"failed to parse [multi_match] query type [{body['type']}]. unknown type.",
            type="parse_exception",
        )
    tie_breaker = read_float(body, "tie_breaker", what)
    if tie_breaker is None and kind == "most_fields":
        group_tie_breaker: float | None = 1.0
    else:
        group_tie_breaker = tie_breaker
    allow_leading = read_bool(body, "allow_leading_wildcard", what)
    return Options(
        targets=targets,
        lenient=read_lenient(body, targets, what, lenient),
        default_and=read_default_and(body),
        type=kind,
        analyzer=body.get("analyzer"),
        quote_analyzer=body.get("quote_analyzer"),
        quote_field_suffix=body.get("quote_field_suffix"),
        auto_generate_synonyms_phrase_query=read_bool(
            body, "auto_generate_synonyms_phrase_query", what
        ),
        fuzziness=body.get("fuzziness", "AUTO"),
        fuzzy_prefix_length=read_int(body, "fuzzy_prefix_length", what),
        fuzzy_max_expansions=read_int(body, "fuzzy_max_expansions", what),
        fuzzy_transpositions=read_bool(body, "fuzzy_transpositions", what),
        fuzzy_rewrite=body.get("fuzzy_rewrite"),
        phrase_slop=read_int(body, "phrase_slop", what) or 0,
        tie_breaker=tie_breaker,
        group_tie_breaker=group_tie_breaker,
        rewrite=body.get("rewrite"),
        max_determinized_states=read_int(body, "max_determinized_states", what),
        time_zone=body.get("time_zone"),
        allow_leading_wildcard=True if allow_leading is None else allow_leading,
    )


_SIMPLE_KEYS = words(
    """
    query fields default_operator analyzer flags fuzzy_prefix_length fuzzy_max_expansions
    fuzzy_transpositions lenient minimum_should_match quote_field_suffix analyze_wildcard
    auto_generate_synonyms_phrase_query boost _name
    """
)


def simple_query_string_to_dsl(
    body: dict[str, Any],
    default_fields: list[str],
    lenient: bool = False,
    analyzed_away: AnalyzedAway | None = None,
) -> dict[str, Any]:
    """The DSL a ``simple_query_string`` query means; it never fails on the query's syntax.

    ``default_fields`` is searched when the request names no ``fields``; ``lenient`` is the
    index's ``index.query_string.lenient``; ``analyzed_away`` as for ``query_string``.
    """
    what = "simple_query_string"
    check_keys(body, _SIMPLE_KEYS, what, "[simple_query_string] unsupported field [{}]")
    query = read_query_text(body, what, "[simple_query_string] query text missing")
    fields = body.get("fields")
    if isinstance(fields, str):
        fields = [fields]
    targets = parse_targets(fields or list(default_fields), what)
    default_and = read_default_and(body)
    options = Options(
        targets=targets,
        lenient=read_lenient(body, targets, what, lenient),
        default_and=default_and,
        type="most_fields",
        analyzer=body.get("analyzer"),
        quote_field_suffix=body.get("quote_field_suffix"),
        auto_generate_synonyms_phrase_query=read_bool(
            body, "auto_generate_synonyms_phrase_query", what
        ),
        fuzzy_prefix_length=read_int(body, "fuzzy_prefix_length", what),
        fuzzy_max_expansions=read_int(body, "fuzzy_max_expansions", what),
        fuzzy_transpositions=read_bool(body, "fuzzy_transpositions", what),
        group_tie_breaker=1.0,
    )
    parser = SimpleParser(Leaves(options, analyzed_away), default_and=default_and)
    return finish(parser.parse(query, simple_flags(body.get("flags"))), body, what)
