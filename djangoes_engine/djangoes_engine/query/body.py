"""Reading a query's body: the field it names, its ``boost``, its ``minimum_should_match``."""

from __future__ import annotations

from typing import Any

import tantivy
from tantivy import Query

from ..errors import IllegalArgument, ParsingError
from ..wording import suggest


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


def check_options(kind: str, options: dict[str, Any], allowed: set[str]) -> None:
    """Elasticsearch's ``[kind] query does not support [key]`` for a key it does not know."""
    for key in options:
        if key not in allowed:
            raise ParsingError(
                f"[{kind}] query does not support [{key}]{suggest(key, sorted(allowed))}"
            )


def field_names(kind: str, value: Any) -> list[str] | None:
    """A query's ``fields``: one name or a list of them, scalars read as their text (as
    Elasticsearch's parser reads a value token), anything else its parse error."""
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if item is None or isinstance(item, dict | list):
            raise ParsingError(f"[{kind}] query does not support [fields]")
        names.append(("true" if item else "false") if isinstance(item, bool) else str(item))
    return names
