"""Reading a request: parameter objects with Elasticsearch's parse errors, and the texts
Elasticsearch shows (parser token names, "did you mean" suggestions, Java doubles).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..errors import EngineError, IllegalArgument, XContentParseError


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` did you mean [x]?`` as Elasticsearch words it (Lucene's Levenshtein similarity)."""
    scored = []
    for candidate in candidates:
        similarity = _similarity(name, candidate)
        if similarity > 0.5:
            scored.append((-similarity, candidate))
    if not scored:
        return ""
    names = [candidate for _, candidate in sorted(scored)]
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


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


class Params:
    """An aggregation's parameter object, read once with Elasticsearch's parse errors."""

    def __init__(self, kind: str, body: dict[str, Any]) -> None:
        self.kind = kind
        self.body = body
        self.allowed: set[str] = set()

    def __contains__(self, key: str) -> bool:
        self.allowed.add(key)
        return key in self.body

    def get(self, key: str, default: Any = None) -> Any:
        self.allowed.add(key)
        return self.body.get(key, default)

    def failed(self, key: str, cause: EngineError | None = None) -> EngineError:
        return XContentParseError(f"[{self.kind}] failed to parse field [{key}]", caused_by=cause)

    def integer(self, key: str, default: int | None) -> int | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.failed(key)
        try:
            return int(value)
        except ValueError:
            raise self.failed(key, IllegalArgument(f'For input string: "{value}"')) from None

    def number(self, key: str, default: float | None) -> float | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.failed(key)
        try:
            return float(value)
        except ValueError:
            raise self.failed(key, IllegalArgument(f'For input string: "{value}"')) from None

    def boolean(self, key: str, default: bool) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise self.failed(
            key,
            IllegalArgument(
                f"Failed to parse value [{value}] as only [true] or [false] are allowed."
            ),
        )

    def string(self, key: str, default: str | None = None) -> str | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, dict | list):
            raise self.failed(key)
        return value if isinstance(value, str) else str(value)

    def check(self, key: str, ok: bool, message: str) -> None:
        """A parameter setter's validation: Elasticsearch wraps it in a parse error."""
        if not ok:
            raise self.failed(key, IllegalArgument(message))

    def finish(self) -> None:
        for key in self.body:
            if key not in self.allowed:
                raise XContentParseError(
                    f"[{self.kind}] unknown field [{key}]{suggest(key, sorted(self.allowed))}"
                )


# --------------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------------


def java_double(value: float) -> str:
    """Java's ``Double.toString``: ``1.0``, ``1.0E7``, ``1.5E-4`` (range keys, percentiles)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # digits before the decimal point
    prefix = "-" if sign else ""
    if 1e-3 <= abs(value) < 1e7:
        if point <= 0:
            return f"{prefix}0.{'0' * -point}{text}"
        if point >= len(text):
            return f"{prefix}{text}{'0' * (point - len(text))}.0"
        return f"{prefix}{text[:point]}.{text[point:]}"
    return f"{prefix}{text[0]}.{text[1:] or '0'}E{point - 1}"
