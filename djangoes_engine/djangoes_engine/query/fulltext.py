"""Full-text queries: text analysed, then matched against the terms it was indexed as.

``match`` and its phrase and prefix forms, ``multi_match``, ``combined_fields``, and
``query_string`` and ``simple_query_string`` (translated to those by :mod:`.querystring`). Text is
analysed with the field's search analyzer, so a query matches what the same text matched
when it was indexed; on other fields the text is one exact value, as in a ``term`` query.
"""

from __future__ import annotations

from typing import Any

import tantivy
from tantivy import Occur, Query

from ..deprecation import deprecated
from ..errors import EngineError, ParsingError, QueryShardError, Unsupported, XContentParseError
from ..fields import FieldType, TextField
from .body import boosted, check_options, field_names, minimum_should_match, single_field
from .context import MATCH_ALL, MATCH_NONE, Context, compile_query, resolve_fields
from .multiterm import fuzziness, fuzzy_term, prefix_length_option, q_prefix
from .querystring import query_string_to_dsl, simple_query_string_to_dsl
from .querystring.dsl import AnalyzedAway
from .terms import meta_field, not_searchable, regex_escape, term_query

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
    "slop",
}


def q_match(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("match", body)
    check_options("match", options, MATCH_OPTIONS)
    if "query" not in options:
        raise ParsingError("[match] requires query value")
    query = match_field(ctx, name, options)
    return boosted(query, options)


def match_field(
    ctx: Context, name: str, options: dict[str, Any], field_type: FieldType | None = None
) -> tantivy.Query:
    """A ``match`` on one field; text is analysed, other types match their converted value."""
    if field_type is None:
        if name.startswith("_") and name in ("_id", "_index", "_routing"):
            meta = meta_field(ctx, name, [options["query"]])
            assert meta is not None  # these three are metadata fields
            return meta
        field_type = ctx.field(name)
        if field_type is None:
            return MATCH_NONE()
    text = options["query"]
    lenient = bool(options.get("lenient"))
    if not isinstance(field_type, TextField):
        if ctx.slot(field_type) is None:
            if lenient:
                return MATCH_NONE()
            return not_searchable(field_type)
        try:
            return term_query(ctx, field_type, text)
        except EngineError:
            if lenient:
                return MATCH_NONE()
            raise
    slot = ctx.slot(field_type)
    if slot is None:
        return not_searchable(field_type)
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
                    fuzzy_term(
                        ctx,
                        field_type,
                        slot,
                        term,
                        distance,
                        options.get("fuzzy_transpositions", True),
                        prefix_length_option(options),
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
    check_options(
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
        return not_searchable(field_type)
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
        slop = int(options.get("slop", 0) or 0)
        return _phrase_prefix(ctx, field_type, slot, words, slop, _max_expansions(options))
    if len(words) == 1:
        return Query.term_query(ctx.schema, slot, words[0][1])
    _require_positions(field_type)
    return Query.phrase_query(ctx.schema, slot, [*words], int(options.get("slop", 0)))


def _require_positions(field_type: TextField) -> None:
    """A phrase of several words needs the positions of the field's terms: Elasticsearch
    refuses one on a field indexed without them, rather than matching the words anywhere."""
    if not field_type.positions:
        raise QueryShardError(
            f"field:[{field_type.path}] was indexed without position data; cannot run PhraseQuery"
        )


#: How many terms the prefix of a phrase prefix query expands to, unless ``max_expansions``
#: says otherwise (Elasticsearch's default).
DEFAULT_MAX_EXPANSIONS = 50


def _max_expansions(options: dict[str, Any]) -> int:
    """``max_expansions``, at least one: Lucene adds a term before it checks the limit, so
    ``0`` still expands the prefix to its first term."""
    return max(1, int(options.get("max_expansions", DEFAULT_MAX_EXPANSIONS)))


def _phrase_prefix(
    ctx: Context,
    field_type: TextField,
    slot: str,
    words: list[tuple[int, str]],
    slop: int,
    max_expansions: int,
) -> tantivy.Query:
    """A phrase whose last word is a prefix, as Elasticsearch's ``MultiPhrasePrefixQuery``.

    Each word keeps the position the analyzer gave it, so the gap a removed stopword leaves
    (``alpha beta the gam`` is alpha@0 beta@1 gam*@3) must be there in the document too, and
    ``slop`` loosens the phrase as in ``match_phrase``. The prefix stands for the first
    ``max_expansions`` terms of the dictionary that start with it, any one of which may take the
    last position. tantivy's own phrase prefix query, given two words or more before the
    prefix, looks for it right after the last of them whatever its offset (``alpha beta the
    gam`` never matched) and has no slop, so the prefix is expanded here and each expansion
    searched as a phrase with the words' own positions.
    """
    _require_positions(field_type)
    *leading, (offset, prefix) = words
    phrases = [
        Query.phrase_query(ctx.schema, slot, [*leading, (offset, term)], slop)
        for term in _prefix_expansions(ctx, slot, prefix, max_expansions)
    ]
    if not phrases:
        return MATCH_NONE()
    if len(phrases) == 1:
        return phrases[0]
    return Query.boolean_query([(Occur.Should, phrase) for phrase in phrases])


def _prefix_expansions(ctx: Context, slot: str, prefix: str, limit: int) -> list[str]:
    """The first ``limit`` terms of a field starting with ``prefix``, in the dictionary's
    order, as Lucene enumerates them: Python orders strings by code point, which is the UTF-8
    byte order of Lucene's terms. The terms are those of the documents the query runs on (a
    nested query's objects, inside one)."""
    reader = ctx.reader.at_level(ctx.scope)
    if reader is None:
        return []
    terms = sorted(term for term, _ in reader.searcher.terms_with_prefix(slot, prefix))
    return terms[:limit]


def q_match_phrase_prefix(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("match_phrase_prefix", body)
    check_options(
        "match_phrase_prefix",
        options,
        {"query", "slop", "analyzer", "boost", "_name", "max_expansions", "zero_terms_query"},
    )
    return boosted(phrase_field(ctx, name, options, prefix=True), options)


MATCH_BOOL_PREFIX_OPTIONS = {
    "query", "analyzer", "operator", "minimum_should_match", "boost", "_name",
    "fuzziness", "prefix_length", "max_expansions", "fuzzy_transpositions", "fuzzy_rewrite",
}  # fmt: skip


def q_match_bool_prefix(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    name, options = single_field("match_bool_prefix", body)
    check_options("match_bool_prefix", options, MATCH_BOOL_PREFIX_OPTIONS)
    if "fuzziness" in options:
        raise Unsupported("[fuzziness] in a [match_bool_prefix] query")
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
    if slot is None:
        return not_searchable(field_type)
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


def q_multi_match(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    check_options("multi_match", body, MATCH_OPTIONS | {"fields", "type", "tie_breaker"})
    if "query" not in body:
        raise ParsingError("No text specified for multi_match query")
    fields = field_names("multi_match", body.get("fields"))
    kind = _multi_match_type(body.get("type", "best_fields"))
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
        else:
            query = match_field(ctx, field_type.path, options, field_type)
        per_field.append(Query.boost_query(query, weight) if weight != 1.0 else query)
    if len(per_field) == 1:
        return boosted(per_field[0], body)
    if kind == "most_fields":
        query = Query.boolean_query([(Occur.Should, q) for q in per_field])
    else:
        query = Query.disjunction_max_query(per_field, float(body.get("tie_breaker", 0.0)))
    return boosted(query, body)


_MULTI_MATCH_TYPES = frozenset(
    {"best_fields", "most_fields", "cross_fields", "phrase", "phrase_prefix", "bool_prefix"}
)


def _multi_match_type(value: Any) -> str:
    """The type, as Elasticsearch reads it: any case, ``boolean`` its deprecated
    ``best_fields``."""
    kind = str(value).lower()
    if kind == "boolean":
        deprecated("Deprecated field [boolean] used, expected [best_fields] instead")
        return "best_fields"
    if kind not in _MULTI_MATCH_TYPES:
        raise EngineError(
            f"failed to parse [multi_match] query type [{value}]. unknown type.",
            status=400,
            type="parse_exception",
        )
    return kind


def _cross_fields(
    ctx: Context, targets: list[tuple[FieldType, float]], options: dict[str, Any]
) -> tantivy.Query:
    """Term-centric matching: each term may match in any of the fields."""
    text_fields = [
        (f, slot, w) for f, w in targets if isinstance(f, TextField) and (slot := ctx.slot(f))
    ]
    if not text_fields:
        return MATCH_NONE()
    analyzer = text_fields[0][0].search_analyzer
    terms = [t.term for t in analyzer.analyze(_text(options["query"]))]
    if not terms:
        return MATCH_NONE()
    clauses = []
    for term in terms:
        per_field = []
        for field_type, slot, weight in text_fields:
            ctx.note(field_type, term)
            query = Query.term_query(ctx.schema, slot, term)
            per_field.append(Query.boost_query(query, weight) if weight != 1.0 else query)
        clauses.append(
            Query.disjunction_max_query(per_field, float(options.get("tie_breaker", 0.0)))
        )
    if str(options.get("operator", "or")).lower() == "and":
        return Query.boolean_query([(Occur.Must, q) for q in clauses])
    minimum = minimum_should_match(options.get("minimum_should_match"), len(clauses))
    return Query.boolean_query([(Occur.Should, q) for q in clauses], minimum or None)


COMBINED_FIELDS_OPTIONS = {
    "query", "fields", "operator", "minimum_should_match", "zero_terms_query",
    "auto_generate_synonyms_phrase_query", "boost", "_name",
}  # fmt: skip


def q_combined_fields(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    for key in body:
        if key not in COMBINED_FIELDS_OPTIONS:
            raise XContentParseError(f"[combined_fields] unknown field [{key}]")
    targets = resolve_fields(ctx, body.get("fields"))
    return boosted(_cross_fields(ctx, targets, body), body)


def _analyzed_away(ctx: Context) -> AnalyzedAway:
    """Whether a text analyses to no token on every text field a name (or pattern) targets."""

    def away(name: str, analyzer: str | None, text: str, quoted: bool) -> bool:
        fields = [field_type for field_type, _ in resolve_fields(ctx, [name])]
        return bool(fields) and all(
            isinstance(field_type, TextField)
            and ctx.slot(field_type) is not None
            and not _search_analyzer(ctx, field_type, analyzer, quoted).analyze(_text(text))
            for field_type in fields
        )

    return away


def q_query_string(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    lenient = ctx.settings.bool("index.query_string.lenient")
    dsl = query_string_to_dsl(body, ctx.default_fields, lenient, _analyzed_away(ctx))
    return compile_query(ctx, dsl)


def q_simple_query_string(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    lenient = ctx.settings.bool("index.query_string.lenient")
    dsl = simple_query_string_to_dsl(body, ctx.default_fields, lenient, _analyzed_away(ctx))
    return compile_query(ctx, dsl)
