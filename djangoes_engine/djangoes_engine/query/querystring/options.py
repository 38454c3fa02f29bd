"""What the two parsers read from the request, validated as Elasticsearch validates it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import IllegalArgument, ParsingError

MAX_DEPTH = 100  # parenthesised groups: deeper input is refused, never a RecursionError
JAVA_BLANK = "".join(chr(code) for code in range(33))  # what Java's String.trim() removes


def words(text: str) -> frozenset[str]:
    """A set of names written as one blank-separated string, to keep long lists readable."""
    return frozenset(text.split())


@dataclass(frozen=True)
class Target:
    """A field name to search, its ``^boost``, and ``spec``: the name as written, boost included."""

    name: str
    boost: float | None
    spec: str

    @property
    def is_pattern(self) -> bool:
        return "*" in self.name


def parse_targets(specs: list[Any], what: str) -> list[Target]:
    targets = []
    for spec in specs:
        if not isinstance(spec, str):
            raise ParsingError(f"[{what}] field names must be strings, got [{spec}]")
        name, caret, boost = spec.rpartition("^")
        if not caret:
            targets.append(Target(spec, None, spec))
            continue
        try:
            targets.append(Target(name, float(boost), spec))
        except ValueError:
            raise IllegalArgument(f"[{what}] failed to parse the boost of field [{spec}]") from None
    return targets


def suffixed(target: Target, suffix: str) -> Target:
    """The field phrases search with ``quote_field_suffix`` (patterns are left to the compiler)."""
    if target.is_pattern:
        return target
    name = target.name + suffix
    return Target(name, target.boost, name if target.boost is None else f"{name}^{target.boost:g}")


@dataclass
class Options:
    """What the parsers need from the request, already validated."""

    targets: list[Target]
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


def check_keys(body: Any, allowed: frozenset[str], what: str, message: str) -> None:
    if not isinstance(body, dict):
        raise ParsingError(f"[{what}] query malformed, no start_object after query name")
    for key in body:
        if key not in allowed:
            raise ParsingError(message.format(key))


def read_query_text(body: dict[str, Any], what: str, missing: str) -> str:
    value = body.get("query")
    if value is None:
        raise ParsingError(missing)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ParsingError(f"[{what}] unknown token [START_OBJECT] after [query]")


def read_bool(body: dict[str, Any], key: str, what: str) -> bool | None:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ParsingError(f"[{what}] failed to parse field [{key}]: [{value}] is not a boolean")


def read_int(body: dict[str, Any], key: str, what: str) -> int | None:
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


def read_float(body: dict[str, Any], key: str, what: str) -> float | None:
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


def read_default_and(body: dict[str, Any]) -> bool:
    value = body.get("default_operator", "or")
    name = str(value).upper()
    if name not in ("AND", "OR"):
        raise IllegalArgument(f"No enum constant org.elasticsearch.index.query.Operator.{name}")
    return name == "AND"


def read_lenient(
    body: dict[str, Any], targets: list[Target], what: str, index_default: bool = False
) -> bool | None:
    """``lenient`` as given; when absent, true if the default fields include ``*``, as in ES,
    else the index's ``index.query_string.lenient`` (``index_default``)."""
    given = read_bool(body, "lenient", what)
    if given is not None:
        return given
    return True if index_default or any(target.name == "*" for target in targets) else None
