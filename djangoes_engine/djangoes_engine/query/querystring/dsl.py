"""The DSL the two parsers write: leaves over their target fields, boosts, top-level options.

:class:`Leaves` builds one searchable piece of text (a word, a phrase, a wildcard, a range...) as
the plain DSL the query compiler knows, over the fields it targets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .lexer import ParseFailure
from .options import Options, Target, read_float, suffixed, words

MUST, SHOULD, MUST_NOT = "must", "should", "must_not"

#: Whether a field's search analysis leaves nothing of a text: ``(field, analyzer, text, quoted)``.
AnalyzedAway = Callable[[str, str | None, str, bool], bool]

# Queries whose parameters sit under the field name: {"match": {"title": {...}}}.
_FIELD_KEYED = words(
    """
    match match_phrase match_phrase_prefix match_bool_prefix wildcard prefix regexp fuzzy
    range term
    """
)
# The single-field query each multi_match type amounts to, and the options it accepts.
_SINGLE_FIELD = {
    "best_fields": "match",
    "most_fields": "match",
    "cross_fields": "match",
    "phrase": "match_phrase",
    "phrase_prefix": "match_phrase_prefix",
    "bool_prefix": "match_bool_prefix",
}
_SINGLE_FIELD_OPTIONS = {
    "match": words(
        """
        query operator analyzer fuzziness prefix_length max_expansions fuzzy_transpositions
        fuzzy_rewrite lenient auto_generate_synonyms_phrase_query
        """
    ),
    "match_phrase": frozenset({"query", "analyzer", "slop"}),
    "match_phrase_prefix": frozenset({"query", "analyzer", "slop"}),
    "match_bool_prefix": frozenset({"query", "analyzer", "operator"}),
}


def query_params(query: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The query's kind and the dict its parameters live in."""
    ((kind, body),) = query.items()
    if kind in _FIELD_KEYED:
        ((_, body),) = body.items()
    return kind, body


def _with_param(query: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of ``query`` with one parameter set where that kind of query keeps it."""
    ((kind, body),) = query.items()
    if kind in _FIELD_KEYED:
        ((name, options),) = body.items()
        return {kind: {name: {**options, key: value}}}
    return {kind: {**body, key: value}}


def boosted(query: dict[str, Any], factor: float) -> dict[str, Any]:
    """``query`` boosted by ``factor`` (boosts multiply, as nested Lucene BoostQuery do)."""
    _, body = query_params(query)
    return _with_param(query, "boost", body.get("boost", 1.0) * factor)


def _field_boosted(query: dict[str, Any], boost: float | None) -> dict[str, Any]:
    """A per-field ``^boost``: Elasticsearch leaves 1.0 out."""
    return query if boost is None or boost == 1.0 else boosted(query, boost)


def _apply_minimum_should_match(query: dict[str, Any], msm: Any) -> dict[str, Any]:
    """``minimum_should_match`` on the top query, where Elasticsearch applies it.

    It applies to a top-level boolean query only: a bool, or the bool a single-field ``match``
    (``cross_fields``: ``multi_match``) analyses into. A boosted query is a BoostQuery in Lucene
    and is left alone, as are the dis_max queries several fields produce.
    """
    if msm is None:
        return query
    kind, body = query_params(query)
    if "boost" in body:
        return query
    if kind in ("bool", "match") or (kind == "multi_match" and body["type"] == "cross_fields"):
        return _with_param(query, "minimum_should_match", msm)
    return query


def finish(query: dict[str, Any] | None, body: dict[str, Any], what: str) -> dict[str, Any]:
    """The top-level options every query takes: ``minimum_should_match``, ``boost``, ``_name``."""
    result = query if query is not None else {"match_none": {}}
    result = _apply_minimum_should_match(result, body.get("minimum_should_match"))
    boost = read_float(body, "boost", what)
    if boost is not None and boost != 1.0:
        result = boosted(result, boost)
    if body.get("_name") is not None:
        result = _with_param(result, "_name", body["_name"])
    return result


class Leaves:
    """Builds the DSL of one leaf (text, phrase, wildcard, range...) over its target fields.

    ``field`` is the field named in the query string (``None``: the default fields).
    ``analyzed_away`` tells which fields a text means nothing to (all stopwords, say): Lucene's
    parsers get no query for those (``ZeroTermsQueryOption.NULL``) and leave the clause out,
    where a ``match`` would match nothing and, under AND, take the whole query down.
    """

    def __init__(self, options: Options, analyzed_away: AnalyzedAway | None = None) -> None:
        self.options = options
        self.analyzed_away = analyzed_away

    def targets(self, field: str | None, *, quoted: bool = False) -> list[Target]:
        targets = self.options.targets if field is None else [Target(field, None, field)]
        suffix = self.options.quote_field_suffix
        if quoted and suffix:
            targets = [suffixed(target, suffix) for target in targets]
        return targets

    def text(
        self,
        field: str | None,
        text: str,
        mode: str = "text",
        *,
        slop: int = 0,
        fuzziness: Any = None,
    ) -> dict[str, Any] | None:
        """Analysed text: ``mode`` is ``text`` (by ``type``), ``phrase`` or ``fuzzy``.

        ``None`` when the text is analysed away on every target field.
        """
        options = self.options
        targets = self._meaningful(self.targets(field, quoted=mode == "phrase"), text, mode)
        if not targets:
            return None
        if mode == "phrase":
            kind = "phrase"
        elif mode == "fuzzy":
            kind = "most_fields" if options.type == "most_fields" else "best_fields"
        else:
            kind = options.type
        if mode == "text":
            slop = options.phrase_slop  # used by the phrase types
        params = self._text_params(kind, mode, slop, fuzziness)
        if len(targets) == 1 and not targets[0].is_pattern:
            single = _SINGLE_FIELD[kind]
            allowed = _SINGLE_FIELD_OPTIONS[single]
            kept = {key: value for key, value in params.items() if key in allowed}
            query = {single: {targets[0].name: {"query": text, **kept}}}
            return _field_boosted(query, targets[0].boost)
        body = {"query": text, "fields": [t.spec for t in targets], "type": kind, **params}
        if options.tie_breaker is not None:
            body["tie_breaker"] = options.tie_breaker
        return {"multi_match": body}

    def _meaningful(self, targets: list[Target], text: str, mode: str) -> list[Target]:
        """The targets whose analysis keeps something of ``text``."""
        if self.analyzed_away is None:
            return targets
        quoted = mode == "phrase"
        analyzer = self.options.analyzer
        if quoted and self.options.quote_analyzer is not None:
            analyzer = self.options.quote_analyzer
        away = self.analyzed_away
        return [target for target in targets if not away(target.name, analyzer, text, quoted)]

    def _text_params(self, kind: str, mode: str, slop: int, fuzziness: Any) -> dict[str, Any]:
        options = self.options
        analyzer = options.analyzer
        if mode == "phrase" and options.quote_analyzer is not None:
            analyzer = options.quote_analyzer
        params: dict[str, Any] = {"analyzer": analyzer}
        if kind in ("phrase", "phrase_prefix"):
            params["slop"] = slop or None
        elif options.default_and:
            params["operator"] = "and"
        if fuzziness is not None:
            params["fuzziness"] = fuzziness
            params["prefix_length"] = options.fuzzy_prefix_length
            params["max_expansions"] = options.fuzzy_max_expansions
            params["fuzzy_transpositions"] = options.fuzzy_transpositions
            params["fuzzy_rewrite"] = options.fuzzy_rewrite
        params["lenient"] = options.lenient
        params["auto_generate_synonyms_phrase_query"] = options.auto_generate_synonyms_phrase_query
        return {key: value for key, value in params.items() if value is not None}

    def exists(self, name: str) -> dict[str, Any]:
        return {"exists": {"field": name}}

    def wildcard(self, field: str | None, pattern: str) -> dict[str, Any]:
        """A wildcard term; a lone ``*`` is ``exists`` (on the field ``*``: everything)."""
        targets = self.targets(field)
        if pattern == "*":
            if len(targets) == 1 and targets[0].name == "*":
                return {"match_all": {}}
            return self._per_field(
                targets, lambda name: {"match_all": {}} if name == "*" else self.exists(name)
            )
        if not self.options.allow_leading_wildcard and pattern[0] in "*?":
            raise ParseFailure("'*' or '?' not allowed as first character in WildcardQuery")
        params = self._multi_term_params({"value": pattern})
        return self._per_field(targets, lambda name: {"wildcard": {name: dict(params)}})

    def prefix(self, field: str | None, text: str) -> dict[str, Any]:
        params = self._multi_term_params({"value": text})
        return self._per_field(self.targets(field), lambda name: {"prefix": {name: dict(params)}})

    def regexp(self, field: str | None, pattern: str) -> dict[str, Any]:
        params = self._multi_term_params({"value": pattern})
        if self.options.max_determinized_states is not None:
            params["max_determinized_states"] = self.options.max_determinized_states
        return self._per_field(self.targets(field), lambda name: {"regexp": {name: dict(params)}})

    def range(
        self,
        field: str | None,
        low: str | None,
        high: str | None,
        include_low: bool,
        include_high: bool,
    ) -> dict[str, Any]:
        """A range; a bound of ``*`` (quoted or not) is open, as Elasticsearch reads it."""
        params: dict[str, Any] = {}
        if low is not None and low != "*":
            params["gte" if include_low else "gt"] = low
        if high is not None and high != "*":
            params["lte" if include_high else "lt"] = high
        if self.options.time_zone is not None:
            params["time_zone"] = self.options.time_zone
        return self._per_field(self.targets(field), lambda name: {"range": {name: dict(params)}})

    def _multi_term_params(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.options.rewrite is not None:
            params["rewrite"] = self.options.rewrite
        return params

    def _per_field(
        self, targets: list[Target], build: Callable[[str], dict[str, Any]]
    ) -> dict[str, Any]:
        """One query per field, combined with ``dis_max`` as Elasticsearch does for term queries."""
        queries = [_field_boosted(build(target.name), target.boost) for target in targets]
        if len(queries) == 1:
            return queries[0]
        body: dict[str, Any] = {"queries": queries}
        if self.options.group_tie_breaker:
            body["tie_breaker"] = self.options.group_tie_breaker
        return {"dis_max": body}
