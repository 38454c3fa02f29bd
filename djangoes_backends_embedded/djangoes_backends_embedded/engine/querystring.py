"""``query_string`` and ``simple_query_string``, translated into ordinary query DSL.

Both queries are parsed here and rewritten as the plain DSL the query compiler already knows
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
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .errors import BadRequest, IllegalArgument, ParsingError, QueryShardError

_MUST, _SHOULD, _MUST_NOT = "must", "should", "must_not"
_MAX_DEPTH = 100  # parenthesised groups: deeper input is refused, never a RecursionError
_JAVA_BLANK = "".join(chr(code) for code in range(33))  # what Java's String.trim() removes


def _words(text: str) -> frozenset[str]:
    """A set of names written as one blank-separated string, to keep long lists readable."""
    return frozenset(text.split())


# Queries whose parameters sit under the field name: {"match": {"title": {...}}}.
_FIELD_KEYED = _words(
    """
    match match_phrase match_phrase_prefix match_bool_prefix wildcard prefix regexp fuzzy
    range term
    """
)
_TYPES = {
    "best_fields": "best_fields",
    "boolean": "best_fields",
    "most_fields": "most_fields",
    "cross_fields": "cross_fields",
    "phrase": "phrase",
    "phrase_prefix": "phrase_prefix",
    "bool_prefix": "bool_prefix",
}
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
    "match": _words(
        """
        query operator analyzer fuzziness prefix_length max_expansions fuzzy_transpositions
        fuzzy_rewrite lenient auto_generate_synonyms_phrase_query
        """
    ),
    "match_phrase": frozenset({"query", "analyzer", "slop"}),
    "match_phrase_prefix": frozenset({"query", "analyzer", "slop"}),
    "match_bool_prefix": frozenset({"query", "analyzer", "operator"}),
}


# ---------------------------------------------------------------------------------------------
# DSL helpers


def _params(query: dict[str, Any]) -> tuple[str, dict[str, Any]]:
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


def _boosted(query: dict[str, Any], factor: float) -> dict[str, Any]:
    """``query`` boosted by ``factor`` (boosts multiply, as nested Lucene BoostQuery do)."""
    _, body = _params(query)
    return _with_param(query, "boost", body.get("boost", 1.0) * factor)


def _field_boosted(query: dict[str, Any], boost: float | None) -> dict[str, Any]:
    """A per-field ``^boost``: Elasticsearch leaves 1.0 out."""
    return query if boost is None or boost == 1.0 else _boosted(query, boost)


def _apply_minimum_should_match(query: dict[str, Any], msm: Any) -> dict[str, Any]:
    """``minimum_should_match`` on the top query, where Elasticsearch applies it.

    It applies to a top-level boolean query only: a bool, or the bool a single-field ``match``
    (``cross_fields``: ``multi_match``) analyses into. A boosted query is a BoostQuery in Lucene
    and is left alone, as are the dis_max queries several fields produce.
    """
    if msm is None:
        return query
    kind, body = _params(query)
    if "boost" in body:
        return query
    if kind in ("bool", "match") or (kind == "multi_match" and body["type"] == "cross_fields"):
        return _with_param(query, "minimum_should_match", msm)
    return query


def _finish(query: dict[str, Any] | None, body: dict[str, Any], what: str) -> dict[str, Any]:
    """The top-level options every query takes: ``minimum_should_match``, ``boost``, ``_name``."""
    result = query if query is not None else {"match_none": {}}
    result = _apply_minimum_should_match(result, body.get("minimum_should_match"))
    boost = _float(body, "boost", what)
    if boost is not None and boost != 1.0:
        result = _boosted(result, boost)
    if body.get("_name") is not None:
        result = _with_param(result, "_name", body["_name"])
    return result


# ---------------------------------------------------------------------------------------------
# Request options


@dataclass(frozen=True)
class _Target:
    """A field name to search, its ``^boost``, and ``spec``: the name as written, boost included."""

    name: str
    boost: float | None
    spec: str

    @property
    def is_pattern(self) -> bool:
        return "*" in self.name


def _parse_targets(specs: list[Any], what: str) -> list[_Target]:
    targets = []
    for spec in specs:
        if not isinstance(spec, str):
            raise ParsingError(f"[{what}] field names must be strings, got [{spec}]")
        name, caret, boost = spec.rpartition("^")
        if not caret:
            targets.append(_Target(spec, None, spec))
            continue
        try:
            targets.append(_Target(name, float(boost), spec))
        except ValueError:
            raise IllegalArgument(f"[{what}] failed to parse the boost of field [{spec}]") from None
    return targets


def _suffixed(target: _Target, suffix: str) -> _Target:
    """The field phrases search with ``quote_field_suffix`` (patterns are left to the compiler)."""
    if target.is_pattern:
        return target
    name = target.name + suffix
    return _Target(name, target.boost, name if target.boost is None else f"{name}^{target.boost:g}")


@dataclass
class _Options:
    """What the parsers need from the request, already validated."""

    targets: list[_Target]
    lenient: bool | None
    default_and: bool
    type: str = "best_fields"
    analyzer: str | None = None
    quote_analyzer: str | None = None
    quote_field_suffix: str | None = None
    auto_generate_synonyms_phrase_query: bool | None = None
    fuzziness: Any = "AUTO"
    fuzzy_prefix_length: int | None = None
    fuzzy_max_expansions: int | None = None
    fuzzy_transpositions: bool | None = None
    fuzzy_rewrite: str | None = None
    phrase_slop: int = 0
    tie_breaker: float | None = None
    group_tie_breaker: float | None = None
    rewrite: str | None = None
    max_determinized_states: int | None = None
    time_zone: str | None = None
    allow_leading_wildcard: bool = True


def _check_keys(body: Any, allowed: frozenset[str], what: str, message: str) -> None:
    if not isinstance(body, dict):
        raise ParsingError(f"[{what}] query malformed, no start_object after query name")
    for key in body:
        if key not in allowed:
            raise ParsingError(message.format(key))


def _query_text(body: dict[str, Any], what: str, missing: str) -> str:
    value = body.get("query")
    if value is None:
        raise ParsingError(missing)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ParsingError(f"[{what}] unknown token [START_OBJECT] after [query]")


def _bool(body: dict[str, Any], key: str, what: str) -> bool | None:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ParsingError(f"[{what}] failed to parse field [{key}]: [{value}] is not a boolean")


def _int(body: dict[str, Any], key: str, what: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        return int(value)
    except (TypeError, ValueError):
        message = f"[{what}] failed to parse field [{key}]: [{value}] is not an integer"
        raise ParsingError(message) from None


def _float(body: dict[str, Any], key: str, what: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        return float(value)
    except (TypeError, ValueError):
        message = f"[{what}] failed to parse field [{key}]: [{value}] is not a number"
        raise ParsingError(message) from None


def _default_and(body: dict[str, Any]) -> bool:
    value = body.get("default_operator", "or")
    name = str(value).upper()
    if name not in ("AND", "OR"):
        raise IllegalArgument(f"No enum constant org.elasticsearch.index.query.Operator.{name}")
    return name == "AND"


def _lenient(body: dict[str, Any], targets: list[_Target], what: str) -> bool | None:
    """``lenient`` as given; when absent, true if the default fields include ``*``, as in ES."""
    given = _bool(body, "lenient", what)
    if given is not None:
        return given
    return True if any(target.name == "*" for target in targets) else None


# ---------------------------------------------------------------------------------------------
# Leaves: one searchable piece of text over the fields it targets


class _Leaves:
    """Builds the DSL of one leaf (text, phrase, wildcard, range...) over its target fields.

    ``field`` is the field named in the query string (``None``: the default fields).
    """

    def __init__(self, options: _Options) -> None:
        self.options = options

    def targets(self, field: str | None, *, quoted: bool = False) -> list[_Target]:
        targets = self.options.targets if field is None else [_Target(field, None, field)]
        suffix = self.options.quote_field_suffix
        if quoted and suffix:
            targets = [_suffixed(target, suffix) for target in targets]
        return targets

    def text(
        self,
        field: str | None,
        text: str,
        mode: str = "text",
        *,
        slop: int = 0,
        fuzziness: Any = None,
    ) -> dict[str, Any]:
        """Analysed text: ``mode`` is ``text`` (by ``type``), ``phrase`` or ``fuzzy``."""
        options = self.options
        targets = self.targets(field, quoted=mode == "phrase")
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
            raise _ParseFailure("'*' or '?' not allowed as first character in WildcardQuery")
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
        self, targets: list[_Target], build: Callable[[str], dict[str, Any]]
    ) -> dict[str, Any]:
        """One query per field, combined with ``dis_max`` as Elasticsearch does for term queries."""
        queries = [_field_boosted(build(target.name), target.boost) for target in targets]
        if len(queries) == 1:
            return queries[0]
        body: dict[str, Any] = {"queries": queries}
        if self.options.group_tie_breaker:
            body["tie_breaker"] = self.options.group_tie_breaker
        return {"dis_max": body}


# ---------------------------------------------------------------------------------------------
# query_string: errors


class _ParseFailure(Exception):
    """A Lucene ``ParseException`` (or ``TokenMgrError``): the message and the cause's type."""

    def __init__(self, message: str, kind: str = "parse_exception") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def _failed(original: str, parsed: str, failure: _ParseFailure) -> QueryShardError:
    """The error Elasticsearch answers, three causes deep."""
    cause = BadRequest(failure.message, type=failure.kind)
    parse = BadRequest(
        f"Cannot parse '{parsed}': {failure.message}", type="parse_exception", caused_by=cause
    )
    return QueryShardError(f"Failed to parse query [{original}]", caused_by=parse)


def _java_escape(text: str) -> str:
    """JavaCC's ``addEscapes``: how token images appear inside error messages."""
    named = {
        "\b": "\\b",
        "\t": "\\t",
        "\n": "\\n",
        "\f": "\\f",
        "\r": "\\r",
        '"': '\\"',
        "'": "\\'",
        "\\": "\\\\",
    }
    out = []
    for char in text:
        if char in named:
            out.append(named[char])
        elif char == "\0":
            continue
        elif " " <= char <= "~":
            out.append(char)
        else:
            units = char.encode("utf-16-be")
            out.extend(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))
    return "".join(out)


def _lexical_error(column: int, found: str | None, after: str) -> _ParseFailure:
    seen = "<EOF> " if found is None else f'"{_java_escape(found)}" ({ord(found)}), '
    message = (
        f"Lexical error at line 1, column {column}.  Encountered: {seen}"
        f'after : "{_java_escape(after)}"'
    )
    return _ParseFailure(message, "token_mgr_error")


def _unescape(text: str) -> str:
    """Lucene's ``discardEscapeChar``: ``\\x`` is ``x``, ``\\uXXXX`` a code unit."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        if index + 1 == len(text):
            raise _ParseFailure("Term can not end with escape character.")
        escaped = text[index + 1]
        if escaped != "u":
            out.append(escaped)
            index += 2
            continue
        digits = text[index + 2 : index + 6]
        if len(digits) < 4:
            raise _ParseFailure("Truncated unicode escape sequence.")
        for digit in digits:
            if digit not in "0123456789abcdefABCDEF":
                raise _ParseFailure(f"Non-hex character in Unicode escape sequence: {digit}")
        out.append(chr(int(digits, 16)))
        index += 6
    return "".join(out)


def _lucene_escape(text: str) -> str:
    """Lucene's ``QueryParser.escape``, applied when the request sets ``escape``."""
    return "".join("\\" + c if c in '\\+-!():^[]"{}~*?|&/' else c for c in text)


# ---------------------------------------------------------------------------------------------
# query_string: tokens


class _K(Enum):
    """Token kinds, in Lucene's order, valued by how its error messages name them."""

    EOF = "<EOF>"
    AND = "<AND>"
    OR = "<OR>"
    NOT = "<NOT>"
    PLUS = '"+"'
    MINUS = '"-"'
    BAREOPER = "<BAREOPER>"
    LPAREN = '"("'
    RPAREN = '")"'
    COLON = '":"'
    STAR = '"*"'
    CARAT = '"^"'
    QUOTED = "<QUOTED>"
    TERM = "<TERM>"
    FUZZY_SLOP = "<FUZZY_SLOP>"
    PREFIXTERM = "<PREFIXTERM>"
    WILDTERM = "<WILDTERM>"
    REGEXPTERM = "<REGEXPTERM>"
    RANGEIN_START = '"["'
    RANGEEX_START = '"{"'
    NUMBER = "<NUMBER>"
    RANGE_TO = '"TO"'
    RANGEIN_END = '"]"'
    RANGEEX_END = '"}"'
    RANGE_QUOTED = "<RANGE_QUOTED>"
    RANGE_GOOP = "<RANGE_GOOP>"


_ORDER = {kind: index for index, kind in enumerate(_K)}
_WHITESPACE = frozenset(" \t\n\r\u3000")
_SPECIAL = _WHITESPACE | frozenset('+-!():^[]"{}~*?\\/')  # not a term's first character
_DIGITS = frozenset("0123456789")
_PUNCTUATION = {
    "+": _K.PLUS,
    "-": _K.MINUS,
    "!": _K.NOT,
    "(": _K.LPAREN,
    ")": _K.RPAREN,
    ":": _K.COLON,
    "^": _K.CARAT,
    "[": _K.RANGEIN_START,
    "{": _K.RANGEEX_START,
}
_WORDS = {"AND": _K.AND, "&&": _K.AND, "OR": _K.OR, "||": _K.OR, "NOT": _K.NOT}


@dataclass(frozen=True)
class _Token:
    kind: _K
    image: str
    position: int


class _Lexer:
    """Lucene's classic query tokens, read on demand (states: default, boost, range)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.state = "default"

    def next(self) -> _Token:
        if self.state == "boost":
            return self._number()
        if self._skip_whitespace():
            return _Token(_K.EOF, "", len(self.text))
        if self.state == "range":
            return self._range_token()
        return self._default_token()

    def _skip_whitespace(self) -> bool:
        """Skip blanks; true at the end of the text."""
        while self.position < len(self.text) and self.text[self.position] in _WHITESPACE:
            self.position += 1
        return self.position >= len(self.text)

    def _emit(self, kind: _K, end: int, state: str | None = None) -> _Token:
        token = _Token(kind, self.text[self.position : end], self.position)
        self.position = end
        if state is not None:
            self.state = state
        return token

    def _default_token(self) -> _Token:
        text, start = self.text, self.position
        char = text[start]
        if char in "+-!" and start + 1 < len(text) and text[start + 1] in _WHITESPACE:
            return self._emit(_K.BAREOPER, start + 2)
        if char in _PUNCTUATION:
            kind = _PUNCTUATION[char]
            state = {_K.CARAT: "boost", _K.RANGEIN_START: "range", _K.RANGEEX_START: "range"}
            return self._emit(kind, start + 1, state.get(kind))
        if char == '"':
            return self._emit(_K.QUOTED, self._quoted_end(start))
        if char == "~":
            return self._emit(_K.FUZZY_SLOP, self._word_end(start + 1, wildcards=False))
        if char == "/":
            return self._emit(_K.REGEXPTERM, self._regexp_end(start))
        if char in "]}":
            raise _lexical_error(start + 1, char, "")
        return self._word(start)

    def _word_end(self, start: int, *, wildcards: bool) -> int:
        """Where a run of term characters (with ``*``/``?`` if ``wildcards``) ends."""
        text, index = self.text, start
        while index < len(text):
            char = text[index]
            if char == "\\":
                if index + 1 == len(text):
                    break  # a trailing backslash starts the next token, a lexical error
                index += 2
                continue
            if char in "*?":
                if not wildcards:
                    break
            elif char not in "+-" and char in _SPECIAL:
                break
            index += 1
        return index

    def _word(self, start: int) -> _Token:
        end = self._word_end(start, wildcards=True)
        if end == start:  # a lone backslash at the end
            raise _lexical_error(len(self.text) + 1, None, self.text[start:])
        image = self.text[start:end]
        wild = _wildcard_positions(image)
        if image == "*":
            kind = _K.STAR
        elif wild == [len(image) - 1] and image.endswith("*"):
            kind = _K.PREFIXTERM
        elif wild:
            kind = _K.WILDTERM
        else:
            kind = _WORDS.get(image, _K.TERM)
        return self._emit(kind, end)

    def _quoted_end(self, start: int) -> int:
        text, index = self.text, start + 1
        while index < len(text):
            if text[index] == "\\" and index + 1 < len(text):
                index += 2
                continue
            if text[index] == '"':
                return index + 1
            index += 1
        raise _lexical_error(len(text) + 1, None, text[start:])

    def _regexp_end(self, start: int) -> int:
        text, index = self.text, start + 1
        while index < len(text):
            if text.startswith("\\/", index):
                index += 2
                continue
            if text[index] == "/":
                return index + 1
            index += 1
        raise _lexical_error(len(text) + 1, None, text[start:])

    def _number(self) -> _Token:
        """A boost: digits, optionally ``.digits``; nothing else is allowed after ``^``."""
        text, start = self.text, self.position
        if start >= len(text):
            return _Token(_K.EOF, "", len(text))
        index = start
        while index < len(text) and text[index] in _DIGITS:
            index += 1
        if index == start:
            raise _lexical_error(start + 1, text[start], "")
        if text[index : index + 1] == "." and text[index + 1 : index + 2] in _DIGITS:
            index += 1
            while index < len(text) and text[index] in _DIGITS:
                index += 1
        return self._emit(_K.NUMBER, index, "default")

    def _range_token(self) -> _Token:
        text, start = self.text, self.position
        if text[start] in "]}":
            kind = _K.RANGEIN_END if text[start] == "]" else _K.RANGEEX_END
            return self._emit(kind, start + 1, "default")
        goop_end = start
        while goop_end < len(text) and text[goop_end] not in " ]}":
            goop_end += 1
        quoted_end = self._range_quoted_end(start) if text[start] == '"' else None
        if quoted_end is not None and quoted_end >= goop_end:  # the longest match wins
            return self._emit(_K.RANGE_QUOTED, quoted_end)
        kind = _K.RANGE_TO if text[start:goop_end] == "TO" else _K.RANGE_GOOP
        return self._emit(kind, goop_end)

    def _range_quoted_end(self, start: int) -> int | None:
        text, index = self.text, start + 1
        while index < len(text):
            if text.startswith('\\"', index):
                index += 2
                continue
            if text[index] == '"':
                return index + 1 if index > start + 1 else None
            index += 1
        return None


def _wildcard_positions(image: str) -> list[int]:
    """Where the unescaped ``*`` and ``?`` of a word are."""
    positions = []
    index = 0
    while index < len(image):
        if image[index] == "\\":
            index += 2
            continue
        if image[index] in "*?":
            positions.append(index)
        index += 1
    return positions


# ---------------------------------------------------------------------------------------------
# query_string: parser

_MOD_NONE, _MOD_REQ, _MOD_NOT = 0, 1, 2
_CONJ_NONE, _CONJ_AND, _CONJ_OR = 0, 1, 2
_NOT_AFTER_RUN = frozenset({_K.COLON, _K.STAR, _K.FUZZY_SLOP, _K.CARAT, _K.AND, _K.OR})
_TERM_KINDS = frozenset(
    {
        _K.TERM,
        _K.STAR,
        _K.PREFIXTERM,
        _K.WILDTERM,
        _K.REGEXPTERM,
        _K.NUMBER,
        _K.BAREOPER,
    }
)
_TERM_START = (
    _K.BAREOPER,
    _K.LPAREN,
    _K.STAR,
    _K.QUOTED,
    _K.TERM,
    _K.PREFIXTERM,
    _K.WILDTERM,
    _K.REGEXPTERM,
    _K.RANGEIN_START,
    _K.RANGEEX_START,
    _K.NUMBER,
)
_CLAUSE_FIRST = frozenset({_K.AND, _K.OR, _K.NOT, _K.PLUS, _K.MINUS, *_TERM_START})
# Expected-token lists of the errors, as Lucene prints them (the trailing <TERM> and "*" come
# from its two-token lookahead for a field name).
_AFTER_FIELD = _TERM_START
_AFTER_MODIFIER = (*_TERM_START, _K.TERM, _K.STAR)
_CLAUSE_START = (_K.NOT, _K.PLUS, _K.MINUS, *_AFTER_MODIFIER)
_RANGE_BOUND = (_K.RANGE_TO, _K.RANGE_QUOTED, _K.RANGE_GOOP)
_RANGE_END = (_K.RANGEIN_END, _K.RANGEEX_END)


@dataclass
class _Run:
    """Consecutive plain words, searched as one text (Lucene's MultiTerm)."""

    field: str | None
    words: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class _Clause:
    occur: str
    query: dict[str, Any] | _Run
    direct_run: bool = False  # a run of this very clause list, which Lucene may flatten


_Parsed = dict[str, Any] | _Run | None


class _QueryStringParser:
    """Recursive descent over Lucene's classic grammar, building DSL as it goes."""

    def __init__(
        self, text: str, leaves: _Leaves, *, default_and: bool, minimum_should_match: Any
    ) -> None:
        self.text = text
        self.lexer = _Lexer(text)
        self.lookahead: list[_Token] = []
        self.leaves = leaves
        self.default_and = default_and
        self.minimum_should_match = minimum_should_match
        self.tail: tuple[_K, ...] = ()  # optional tokens that could still follow the last clause

    def parse(self) -> dict[str, Any] | None:
        query = self._query(None, 0)
        if self._peek().kind is not _K.EOF:
            raise self._unexpected(self._peek(), self._more_clauses(group=False))
        return self.resolve(query)

    def resolve(self, query: _Parsed) -> dict[str, Any] | None:
        return self._field_text(query.field, query.text) if isinstance(query, _Run) else query

    # Token access

    def _peek(self, ahead: int = 0) -> _Token:
        while len(self.lookahead) <= ahead:
            self.lookahead.append(self.lexer.next())
        return self.lookahead[ahead]

    def _take(self) -> _Token:
        token = self._peek()
        self.lookahead.pop(0)
        return token

    def _expect(self, kinds: tuple[_K, ...], expected: tuple[_K, ...]) -> _Token:
        if self._peek().kind not in kinds:
            raise self._unexpected(self._peek(), expected)
        return self._take()

    def _unexpected(self, token: _Token, expected: tuple[_K, ...]) -> _ParseFailure:
        """Lucene's ParseException message, column included (0-based, as Lucene counts)."""
        if token.kind is _K.EOF:
            found = "<EOF>"
        else:
            found = f' {token.kind.value} "{_java_escape(token.image)} "'
        heading = "Was expecting:" if len(expected) == 1 else "Was expecting one of:"
        listed = "".join(
            f"{kind.value} \n    " if kind is _K.EOF else f"{kind.value} ...\n    "
            for kind in expected
        )
        return _ParseFailure(
            f'Encountered "{found}" at line 1, column {token.position}.\n{heading}\n    {listed}'
        )

    def _more_clauses(self, *, group: bool) -> tuple[_K, ...]:
        kinds = set(_CLAUSE_FIRST) | set(self.tail) | {_K.RPAREN if group else _K.EOF}
        return tuple(sorted(kinds, key=_ORDER.__getitem__))

    # Grammar

    def _query(self, field: str | None, depth: int) -> _Parsed:
        """Clauses joined by conjunctions and modifiers; a lone unmodified clause is itself."""
        clauses: list[_Clause] = []
        first: _Parsed = None
        if self._at_run():
            first = self._run(field)
            clauses.append(_Clause(self._default_occur(), first, direct_run=True))
        else:
            modifier = self._modifier()
            query = self._clause(field, depth, _AFTER_MODIFIER if modifier else _CLAUSE_START)
            self._add(clauses, _CONJ_NONE, modifier, query)
            if modifier == _MOD_NONE:
                first = query
        while True:
            if self._at_run():
                clauses.append(_Clause(self._default_occur(), self._run(field), direct_run=True))
            elif self._peek().kind in _CLAUSE_FIRST:
                conjunction = self._conjunction()
                modifier = self._modifier()
                expected = _AFTER_MODIFIER if modifier else _CLAUSE_START
                self._add(clauses, conjunction, modifier, self._clause(field, depth, expected))
            else:
                break
        if len(clauses) == 1 and first is not None:
            return first
        return self._boolean(clauses, top=depth == 0)

    def _at_run(self) -> bool:
        return (
            self._peek().kind is _K.TERM
            and self._peek(1).kind is _K.TERM
            and self._peek(2).kind not in _NOT_AFTER_RUN
        )

    def _run(self, field: str | None) -> _Run:
        images = [self._take().image]
        while self._peek().kind is _K.TERM and self._peek(1).kind not in _NOT_AFTER_RUN:
            images.append(self._take().image)
        self.tail = ()
        return _Run(field, [_unescape(image) for image in images])

    def _default_occur(self) -> str:
        return _MUST if self.default_and else _SHOULD

    def _modifier(self) -> int:
        kind = self._peek().kind
        if kind is _K.PLUS:
            self._take()
            return _MOD_REQ
        if kind in (_K.MINUS, _K.NOT):
            self._take()
            return _MOD_NOT
        return _MOD_NONE

    def _conjunction(self) -> int:
        kind = self._peek().kind
        if kind in (_K.AND, _K.OR):
            self._take()
            return _CONJ_AND if kind is _K.AND else _CONJ_OR
        return _CONJ_NONE

    def _add(self, clauses: list[_Clause], conjunction: int, modifier: int, query: _Parsed) -> None:
        """Lucene's ``addClause``: the conjunction may also change the previous clause."""
        previous = clauses[-1] if clauses else None
        if previous is not None and previous.occur != _MUST_NOT:
            if conjunction == _CONJ_AND:
                previous.occur = _MUST
            elif conjunction == _CONJ_OR and self.default_and:
                previous.occur = _SHOULD
        if query is None:  # analysed away: the conjunction still counted
            return
        prohibited = modifier == _MOD_NOT
        if self.default_and:
            required = not prohibited and conjunction != _CONJ_OR
        else:
            required = modifier == _MOD_REQ or (conjunction == _CONJ_AND and not prohibited)
        occur = _MUST if required else _MUST_NOT if prohibited else _SHOULD
        clauses.append(_Clause(occur, query))

    def _boolean(self, clauses: list[_Clause], *, top: bool) -> dict[str, Any] | None:
        if not clauses:
            return None
        body: dict[str, list[dict[str, Any]]] = {}
        for clause in clauses:
            for query in self._clause_queries(clause, top):
                body.setdefault(clause.occur, []).append(query)
        return {"bool": body}

    def _clause_queries(self, clause: _Clause, top: bool) -> list[dict[str, Any]]:
        """A clause's DSL: a run counted by a top-level ``minimum_should_match`` is split."""
        if not isinstance(clause.query, _Run):
            return [clause.query]
        run = clause.query
        query = self._field_text(run.field, run.text)
        split = clause.direct_run and top and self.minimum_should_match is not None
        if split and "match" in query and "boost" not in _params(query)[1]:
            return [self.leaves.text(run.field, word) for word in run.words]
        return [query]

    def _clause(self, field: str | None, depth: int, expected: tuple[_K, ...]) -> _Parsed:
        """``[field:] (term | "(" query ")" [^boost])``."""
        name, colon = self._peek(), self._peek(1)
        if name.kind in (_K.TERM, _K.STAR) and colon.kind is _K.COLON:
            self._take()
            self._take()
            field = "*" if name.kind is _K.STAR else _unescape(name.image)
            expected = _AFTER_FIELD
        if self._peek().kind is _K.LPAREN:
            return self._group(field, depth)
        return self._term(field, expected)

    def _group(self, field: str | None, depth: int) -> _Parsed:
        self._take()
        if depth >= _MAX_DEPTH:
            raise _ParseFailure(f"query is nested too deeply (more than {_MAX_DEPTH} levels)")
        query = self._query(field, depth + 1)
        self._expect((_K.RPAREN,), self._more_clauses(group=True))
        boost = self._boost()
        self.tail = () if boost is not None else (_K.CARAT,)
        return self._with_boost(query, boost)

    def _term(self, field: str | None, expected: tuple[_K, ...]) -> _Parsed:
        token = self._peek()
        if token.kind in _TERM_KINDS:
            self._take()
            boost, slop = self._boost_and_slop()
            return self._with_boost(self._bare(field, token, slop), boost)
        if token.kind in (_K.RANGEIN_START, _K.RANGEEX_START):
            return self._range(field)
        if token.kind is _K.QUOTED:
            self._take()
            boost, slop = self._boost_and_slop()
            phrase = self._phrase(field, _unescape(token.image[1:-1]), slop)
            return self._with_boost(phrase, boost)
        raise self._unexpected(token, expected)

    def _boost_and_slop(self) -> tuple[float | None, str | None]:
        """``[^boost [~slop] | ~slop [^boost]]`` after a term or phrase."""
        boost = slop = None
        if self._peek().kind is _K.CARAT:
            boost = self._boost()
            if self._peek().kind is _K.FUZZY_SLOP:
                slop = self._take().image
        elif self._peek().kind is _K.FUZZY_SLOP:
            slop = self._take().image
            boost = self._boost()
        self.tail = tuple(
            kind for kind, value in ((_K.CARAT, boost), (_K.FUZZY_SLOP, slop)) if value is None
        )
        return boost, slop

    def _boost(self) -> float | None:
        if self._peek().kind is not _K.CARAT:
            return None
        self._take()
        return float(self._expect((_K.NUMBER,), (_K.NUMBER,)).image)

    def _with_boost(self, query: _Parsed, boost: float | None) -> _Parsed:
        """Lucene wraps even ``^1`` in a BoostQuery, which keeps it from minimum_should_match."""
        resolved = self.resolve(query) if boost is not None else query
        if boost is None or resolved is None:
            return resolved
        return _boosted(resolved, boost)

    def _range(self, field: str | None) -> _Parsed:
        start = self._take()
        low = self._expect(_RANGE_BOUND, _RANGE_BOUND)
        self._expect((_K.RANGE_TO,), (_K.RANGE_TO,))
        high = self._expect(_RANGE_BOUND, _RANGE_BOUND)
        end = self._expect(_RANGE_END, _RANGE_END)
        boost = self._boost()
        self.tail = () if boost is not None else (_K.CARAT,)
        query = self.leaves.range(
            field,
            _range_bound(low),
            _range_bound(high),
            start.kind is _K.RANGEIN_START,
            end.kind is _K.RANGEIN_END,
        )
        return self._with_boost(query, boost)

    # Leaves

    def _bare(self, field: str | None, token: _Token, slop: str | None) -> _Parsed:
        """An unquoted term: wildcard, prefix, regexp, fuzzy or plain text."""
        kind = token.kind
        if kind is _K.BAREOPER:
            return None  # a lone + - ! is punctuation, which analysis drops
        if kind in (_K.WILDTERM, _K.STAR):
            return self.leaves.wildcard(field, token.image)
        if kind is _K.PREFIXTERM:
            return self.leaves.prefix(field, _unescape(token.image[:-1]))
        if kind is _K.REGEXPTERM:
            return self.leaves.regexp(field, token.image[1:-1])
        text = _unescape(token.image)
        if slop is not None:
            return self.leaves.text(field, text, "fuzzy", fuzziness=self._fuzziness(slop))
        return self._field_text(field, text)

    def _field_text(self, field: str | None, text: str) -> dict[str, Any]:
        """Lucene's ``getFieldQuery`` as Elasticsearch overrides it: _exists_, ``>``/``<``, text."""
        if field == "_exists_":
            return self.leaves.exists(text)
        if field is not None and len(text) > 1 and text[0] in "<>":
            inclusive = len(text) > 2 and text[1] == "="
            bound = text[2:] if inclusive else text[1:]
            if text[0] == ">":
                return self.leaves.range(field, bound, None, inclusive, True)
            return self.leaves.range(field, None, bound, True, inclusive)
        return self.leaves.text(field, text)

    def _phrase(self, field: str | None, text: str, slop: str | None) -> dict[str, Any]:
        if field == "_exists_":
            return self.leaves.exists(text)
        distance = self.leaves.options.phrase_slop
        if slop is not None:
            # "~" alone or not a number keeps the default slop, as Lucene does.
            with contextlib.suppress(ValueError, OverflowError):
                distance = int(float(slop[1:]))
        return self.leaves.text(field, text, "phrase", slop=distance)

    def _fuzziness(self, slop: str) -> Any:
        """``~`` alone: the request's ``fuzziness``; ``~N``: N edits (at most 2); else as given."""
        spec = slop[1:]
        if not spec:
            return self.leaves.options.fuzziness
        try:
            value = float(spec)
            if value >= 0:
                return min(2, int(value))
        except (ValueError, OverflowError):
            pass
        return spec  # AUTO, AUTO:3,6 or nonsense: the compiler validates it


def _range_bound(token: _Token) -> str | None:
    if token.kind is _K.RANGE_QUOTED:
        return _unescape(token.image[1:-1])
    if token.image == "*":
        return None
    return _unescape(token.image)


# ---------------------------------------------------------------------------------------------
# query_string: entry point

_QUERY_STRING_KEYS = _words(
    """
    query default_field fields default_operator analyzer quote_analyzer
    allow_leading_wildcard analyze_wildcard auto_generate_synonyms_phrase_query boost
    enable_position_increments escape fuzziness fuzzy_max_expansions fuzzy_prefix_length
    fuzzy_rewrite fuzzy_transpositions lenient max_determinized_states minimum_should_match
    phrase_slop quote_field_suffix rewrite tie_breaker time_zone type _name
    """
)


def query_string_to_dsl(body: dict[str, Any], default_fields: list[str]) -> dict[str, Any]:
    """The DSL a ``query_string`` query (the object inside ``{"query_string": ...}``) means.

    ``default_fields`` is searched when the request names neither ``fields`` nor
    ``default_field``: the index setting ``index.query.default_field``, normally ``["*"]``.
    Raises :class:`QueryShardError` for a syntax error, as Elasticsearch answers it.
    """
    what = "query_string"
    _check_keys(body, _QUERY_STRING_KEYS, what, "[query_string] query does not support [{}]")
    query = _query_text(body, what, "[query_string] must be provided with a [query]")
    options = _query_string_options(body, default_fields)
    text = _lucene_escape(query) if _bool(body, "escape", what) else query
    if not text.strip(_JAVA_BLANK):
        return _finish({"match_none": {}}, body, what)
    parser = _QueryStringParser(
        text,
        _Leaves(options),
        default_and=options.default_and,
        minimum_should_match=body.get("minimum_should_match"),
    )
    try:
        result = parser.parse()
    except _ParseFailure as failure:
        raise _failed(query, text, failure) from None
    return _finish(result, body, what)


def _query_string_options(body: dict[str, Any], default_fields: list[str]) -> _Options:
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
    targets = _parse_targets(specs, what)
    kind = _TYPES.get(str(body.get("type", "best_fields")).lower())
    if kind is None:
        raise BadRequest(
            f"failed to parse [multi_match] query type [{body['type']}]. unknown type.",
            type="parse_exception",
        )
    tie_breaker = _float(body, "tie_breaker", what)
    if tie_breaker is None and kind == "most_fields":
        group_tie_breaker: float | None = 1.0
    else:
        group_tie_breaker = tie_breaker
    allow_leading = _bool(body, "allow_leading_wildcard", what)
    return _Options(
        targets=targets,
        lenient=_lenient(body, targets, what),
        default_and=_default_and(body),
        type=kind,
        analyzer=body.get("analyzer"),
        quote_analyzer=body.get("quote_analyzer"),
        quote_field_suffix=body.get("quote_field_suffix"),
        auto_generate_synonyms_phrase_query=_bool(
            body, "auto_generate_synonyms_phrase_query", what
        ),
        fuzziness=body.get("fuzziness", "AUTO"),
        fuzzy_prefix_length=_int(body, "fuzzy_prefix_length", what),
        fuzzy_max_expansions=_int(body, "fuzzy_max_expansions", what),
        fuzzy_transpositions=_bool(body, "fuzzy_transpositions", what),
        fuzzy_rewrite=body.get("fuzzy_rewrite"),
        phrase_slop=_int(body, "phrase_slop", what) or 0,
        tie_breaker=tie_breaker,
        group_tie_breaker=group_tie_breaker,
        rewrite=body.get("rewrite"),
        max_determinized_states=_int(body, "max_determinized_states", what),
        time_zone=body.get("time_zone"),
        allow_leading_wildcard=True if allow_leading is None else allow_leading,
    )


# ---------------------------------------------------------------------------------------------
# simple_query_string

_FLAG_AND, _FLAG_NOT, _FLAG_OR, _FLAG_PREFIX = 1, 2, 4, 8
_FLAG_PHRASE, _FLAG_PRECEDENCE, _FLAG_ESCAPE, _FLAG_WHITESPACE = 16, 32, 64, 128
_FLAG_FUZZY, _FLAG_NEAR = 256, 512
_FLAGS = {
    "ALL": -1,
    "NONE": 0,
    "AND": _FLAG_AND,
    "NOT": _FLAG_NOT,
    "OR": _FLAG_OR,
    "PREFIX": _FLAG_PREFIX,
    "PHRASE": _FLAG_PHRASE,
    "PRECEDENCE": _FLAG_PRECEDENCE,
    "ESCAPE": _FLAG_ESCAPE,
    "WHITESPACE": _FLAG_WHITESPACE,
    "FUZZY": _FLAG_FUZZY,
    "NEAR": _FLAG_NEAR,
    "SLOP": _FLAG_NEAR,
}
_SIMPLE_BLANKS = frozenset(" \t\n\r")


def _simple_flags(value: Any) -> int:
    """``flags``: ``ALL``, ``NONE``, ``AND|OR|...`` or the bit mask as a number."""
    if value is None:
        return -1
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise ParsingError(f"[simple_query_string] failed to parse field [flags]: [{value}]")
    if not value:
        return -1
    flags = 0
    for part in value.split("|"):
        if not part:
            continue
        name = part.upper()
        if name not in _FLAGS:
            raise IllegalArgument(f"Unknown simple_query_string flag [{part}]")
        if name in ("ALL", "NONE"):
            return _FLAGS[name]
        flags |= _FLAGS[name]
    return flags


@dataclass
class _Group:
    """A boolean query being built, clause by clause."""

    clauses: list[tuple[str, Any]]


def _simple_dsl(node: dict[str, Any] | _Group) -> dict[str, Any]:
    if isinstance(node, dict):
        return node
    body: dict[str, list[dict[str, Any]]] = {}
    for occur, child in node.clauses:
        body.setdefault(occur, []).append(_simple_dsl(child))
    return {"bool": body}


@dataclass
class _SimpleState:
    """The position and pending operators while reading one (sub-)query."""

    text: str
    index: int
    end: int
    flags: int
    top: dict[str, Any] | _Group | None = None
    current: str | None = None
    previous: str | None = None
    negations: int = 0

    def has(self, flag: int) -> bool:
        return bool(self.flags & flag)

    def finishes_token(self, char: str) -> bool:
        """Whether ``char`` ends a word: an operator or blank enabled by the flags."""
        return (
            (char == '"' and self.has(_FLAG_PHRASE))
            or (char == "|" and self.has(_FLAG_OR))
            or (char == "+" and self.has(_FLAG_AND))
            or (char in "()" and self.has(_FLAG_PRECEDENCE))
            or (char in _SIMPLE_BLANKS and self.has(_FLAG_WHITESPACE))
        )


class _SimpleParser:
    """Lucene's ``SimpleQueryParser``: forgiving, left to right, never an error."""

    def __init__(self, leaves: _Leaves, *, default_and: bool) -> None:
        self.leaves = leaves
        self.default_occur = _MUST if default_and else _SHOULD

    def parse(self, text: str, flags: int) -> dict[str, Any] | None:
        if text.strip(_JAVA_BLANK) == "*":
            return {"match_all": {}}
        top = self._parse(text, 0, len(text), flags, 0)
        return None if top is None else _simple_dsl(top)

    def _parse(
        self, text: str, start: int, end: int, flags: int, depth: int
    ) -> dict[str, Any] | _Group | None:
        if depth >= _MAX_DEPTH:
            flags &= ~_FLAG_PRECEDENCE  # deeper parentheses are read as plain characters
        state = _SimpleState(text, start, end, flags)
        while state.index < end:
            char = text[state.index]
            if char == "(" and state.has(_FLAG_PRECEDENCE):
                self._sub_query(state, depth)
            elif char == ")" and state.has(_FLAG_PRECEDENCE):
                state.index += 1  # unbalanced: ignored
            elif char == '"' and state.has(_FLAG_PHRASE):
                self._phrase(state)
            elif char == "+" and state.has(_FLAG_AND):
                self._operator(state, _MUST)
            elif char == "|" and state.has(_FLAG_OR):
                self._operator(state, _SHOULD)
            elif char == "-" and state.has(_FLAG_NOT):
                state.negations += 1  # kept for the next word; two negations cancel out
                state.index += 1
                continue
            elif char in _SIMPLE_BLANKS and state.has(_FLAG_WHITESPACE):
                state.index += 1
            else:
                self._word(state)
            state.negations = 0
        return state.top

    def _operator(self, state: _SimpleState, occur: str) -> None:
        """An explicit operator counts only between two clauses, and only the first one."""
        if state.current is None and state.top is not None:
            state.current = occur
        state.index += 1

    def _sub_query(self, state: _SimpleState, depth: int) -> None:
        text, start = state.text, state.index + 1
        index, level, escaped = start, 1, False
        while index < state.end:
            char = text[index]
            if not escaped:
                if char == "\\" and state.has(_FLAG_ESCAPE):
                    escaped = True
                    index += 1
                    continue
                if char == "(":
                    level += 1
                elif char == ")":
                    level -= 1
                    if level == 0:
                        break
            escaped = False
            index += 1
        if index == state.end:  # never closed: the "(" is ignored
            state.index = start
        elif index == start:  # "()": nothing to apply the pending operator to
            state.current = None
            state.index = index + 1
        else:
            self._attach(state, self._parse(text, start, index, state.flags, depth + 1))
            state.index = index + 1

    def _phrase(self, state: _SimpleState) -> None:
        text, start = state.text, state.index + 1
        index, chars, escaped, has_slop = start, [], False, False
        while index < state.end:
            char = text[index]
            if not escaped:
                if char == "\\" and state.has(_FLAG_ESCAPE):
                    escaped = True
                    index += 1
                    continue
                if char == '"':
                    if index + 1 < state.end and text[index + 1] == "~" and state.has(_FLAG_NEAR):
                        index += 1
                        has_slop = index + 1 < state.end
                    break
            escaped = False
            chars.append(char)
            index += 1
        if index == state.end:  # never closed: the quote is ignored
            state.index = start
            return
        if index == start:  # ""
            state.current = None
            state.index = index + 1
            return
        state.index = index
        slop = self._distance(state) if has_slop else 0
        self._attach(state, self.leaves.text(None, "".join(chars), "phrase", slop=slop))
        state.index += 1  # past the closing quote, or past what ended the slop (as Lucene)

    def _word(self, state: _SimpleState) -> None:
        chars: list[str] = []
        escaped = prefix = fuzzy = False
        while state.index < state.end:
            char = state.text[state.index]
            if not escaped:
                if char == "\\" and state.has(_FLAG_ESCAPE):
                    escaped = True
                    prefix = False
                    state.index += 1
                    continue
                if state.finishes_token(char):
                    break
                if chars and char == "~" and state.has(_FLAG_FUZZY):
                    fuzzy = True
                    break
                prefix = bool(chars) and char == "*" and state.has(_FLAG_PREFIX)
            escaped = False
            chars.append(char)
            state.index += 1
        if not chars:
            return
        word = "".join(chars)
        if fuzzy:
            distance = min(self._distance(state), 2)
            if distance == 0:
                branch = self.leaves.text(None, word)
            else:
                branch = self.leaves.text(None, word, "fuzzy", fuzziness=distance)
        elif prefix:
            branch = self.leaves.prefix(None, word[:-1])
        else:
            branch = self.leaves.text(None, word)
        self._attach(state, branch)

    def _distance(self, state: _SimpleState) -> int:
        """The number after ``~`` (fuzziness or slop): none is 2, nonsense is 0."""
        if state.text[state.index] != "~":
            return 0
        digits = []
        while state.index < state.end:
            state.index += 1
            if state.index < state.end:
                if state.finishes_token(state.text[state.index]):
                    break
                digits.append(state.text[state.index])
        spec = "".join(digits)
        if not spec:
            return 2
        if not re.fullmatch(r"[+-]?[0-9]+", spec):
            return 0  # Java's parseInt fails: Lucene falls back to 0
        value = int(spec)
        return value if 0 <= value < 2**31 else 0

    def _attach(self, state: _SimpleState, branch: dict[str, Any] | _Group | None) -> None:
        """Add a clause; an operator different from the previous one wraps all before it."""
        if branch is None:
            return
        if state.negations % 2:
            branch = {"bool": {"must_not": [_simple_dsl(branch)], "should": [{"match_all": {}}]}}
        if state.top is None:
            state.top = branch
        else:
            occur = state.current or self.default_occur
            if state.previous != occur:
                state.top = _Group([(occur, state.top)])
            assert isinstance(state.top, _Group)
            state.top.clauses.append((occur, branch))
            state.previous = occur
        state.current = None


_SIMPLE_KEYS = _words(
    """
    query fields default_operator analyzer flags fuzzy_prefix_length fuzzy_max_expansions
    fuzzy_transpositions lenient minimum_should_match quote_field_suffix analyze_wildcard
    auto_generate_synonyms_phrase_query boost _name
    """
)


def simple_query_string_to_dsl(body: dict[str, Any], default_fields: list[str]) -> dict[str, Any]:
    """The DSL a ``simple_query_string`` query means; it never fails on the query's syntax.

    ``default_fields`` is searched when the request names no ``fields``.
    """
    what = "simple_query_string"
    _check_keys(body, _SIMPLE_KEYS, what, "[simple_query_string] unsupported field [{}]")
    query = _query_text(body, what, "[simple_query_string] query text missing")
    fields = body.get("fields")
    if isinstance(fields, str):
        fields = [fields]
    targets = _parse_targets(fields or list(default_fields), what)
    default_and = _default_and(body)
    options = _Options(
        targets=targets,
        lenient=_lenient(body, targets, what),
        default_and=default_and,
        type="most_fields",
        analyzer=body.get("analyzer"),
        quote_field_suffix=body.get("quote_field_suffix"),
        auto_generate_synonyms_phrase_query=_bool(
            body, "auto_generate_synonyms_phrase_query", what
        ),
        fuzzy_prefix_length=_int(body, "fuzzy_prefix_length", what),
        fuzzy_max_expansions=_int(body, "fuzzy_max_expansions", what),
        fuzzy_transpositions=_bool(body, "fuzzy_transpositions", what),
        group_tie_breaker=1.0,
    )
    parser = _SimpleParser(_Leaves(options), default_and=default_and)
    return _finish(parser.parse(query, _simple_flags(body.get("flags"))), body, what)
