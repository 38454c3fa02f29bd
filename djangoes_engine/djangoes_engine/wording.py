"""Elasticsearch's wording in parse errors: Jackson token names and "did you mean" suggestions.

Shared by the request parsers (search bodies, aggregations, update requests) so that a
misspelled key gets the same suggestion wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import BadRequest


def similar(name: str, candidates: Iterable[str], threshold: float = 0.5) -> list[str]:
    """The candidates close to ``name`` (Lucene's Levenshtein similarity above ``threshold``),
    closest first, as Elasticsearch lists them in its "did you mean"."""
    scored = [(-_similarity(name, c), c) for c in candidates]
    return [c for score, c in sorted(scored) if -score > threshold]


def suggest(name: str, candidates: Iterable[str], threshold: float = 0.5) -> str:
    """`` did you mean [x]?`` as Elasticsearch words it (0.5 for request keys, 0.7 for
    settings)."""
    names = similar(name, candidates, threshold)
    if not names:
        return ""
    if len(names) == 1:
        return f" did you mean [{names[0]}]?"
    return f" did you mean any of [{', '.join(names)}]?"


def _similarity(target: str, other: str) -> float:
    if not target or not other:
        return 1.0 if target == other else 0.0
    previous = list(range(len(target) + 1))
    for j, char in enumerate(other, 1):
        current = [j] + [0] * len(target)
        for i, mine in enumerate(target, 1):
            cost = 0 if mine == char else 1
            current[i] = min(current[i - 1] + 1, previous[i] + 1, previous[i - 1] + cost)
        previous = current
    return 1.0 - previous[-1] / max(len(target), len(other))


def token_name(value: Any) -> str:
    """The Jackson token Elasticsearch names in its parse errors."""
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, bool):
        return "VALUE_BOOLEAN"
    if isinstance(value, int | float):
        return "VALUE_NUMBER"
    return "VALUE_NULL"


def unknown_field(parser: str, name: str, candidates: Iterable[str]) -> BadRequest:
    """The error of a body key ``parser`` does not know, with a suggestion when one is close."""
    return BadRequest(
        f"[{parser}] unknown field [{name}]{suggest(name, candidates)}",
        type="x_content_parse_exception",
    )
