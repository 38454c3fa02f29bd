"""Static members and constructors: ``Math``, ``Integer``, ``Long``, ``Double``, ``Boolean``,
``String``, ``Objects``, and ``new`` for lists and maps.

They are resolved when a script compiles, so an unknown one is a compile error as in Painless.
Parsing functions follow Java's syntax, not Python's (``Double.parseDouble`` takes no ``inf`` and
no ``1_0``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .errors import Fault, iae, npe
from .methods import int_arg, java_trim, list_arg, map_arg, num_arg, str_arg
from .operators import truth
from .values import (
    INT_MAX,
    INT_MIN,
    LONG_MAX,
    LONG_MIN,
    NUMBERS,
    double_str,
    jequals,
    jstr,
    truncate,
)


def _math_max(a: Any, b: Any) -> Any:
    a, b = num_arg(a), num_arg(b)
    if type(a) is int and type(b) is int:
        return max(a, b)
    return math.nan if a != a or b != b else float(max(a, b))


def _math_min(a: Any, b: Any) -> Any:
    a, b = num_arg(a), num_arg(b)
    if type(a) is int and type(b) is int:
        return min(a, b)
    return math.nan if a != a or b != b else float(min(a, b))


def _math_round(x: Any) -> int:
    x = num_arg(x)
    return x if type(x) is int else truncate(math.floor(x + 0.5) if math.isfinite(x) else x)


def _math_floor(x: Any) -> float:
    x = float(num_arg(x))
    return float(math.floor(x)) if math.isfinite(x) else x


def _math_ceil(x: Any) -> float:
    x = float(num_arg(x))
    return float(math.ceil(x)) if math.isfinite(x) else x


def _math_sqrt(x: Any) -> float:
    x = float(num_arg(x))
    return math.nan if x < 0 or x != x else math.sqrt(x)


def _math_pow(a: Any, b: Any) -> float:
    a, b = float(num_arg(a)), float(num_arg(b))
    try:
        return math.pow(a, b)
    except OverflowError:
        return math.inf if a > 0 or b % 2 == 0 else -math.inf
    except ValueError:
        return math.nan


def _math_log(x: Any, log: Callable[[float], float] = math.log) -> float:
    x = float(num_arg(x))
    if x != x or x < 0:
        return math.nan
    return -math.inf if x == 0 else log(x)


def _math_exp(x: Any) -> float:
    try:
        return math.exp(float(num_arg(x)))
    except OverflowError:
        return math.inf


def _number_format(text: str) -> Fault:
    return Fault("number_format_exception", f'For input string: "{text}"')


def _parse_integral(text: Any, radix: Any = 10, low: int = INT_MIN, high: int = INT_MAX) -> int:
    if text is None:
        raise Fault("number_format_exception", "Cannot parse null string: null")
    text, radix = str_arg(text), int_arg(radix)
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not body.isascii() or not body.isalnum():
        raise _number_format(text)
    try:
        value = int(text, radix)
    except ValueError:
        raise _number_format(text) from None
    if not low <= value <= high:
        raise _number_format(text)
    return value


def _parse_long(text: Any, radix: Any = 10) -> int:
    return _parse_integral(text, radix, LONG_MIN, LONG_MAX)


def _parse_double(text: Any) -> float:
    """``Double.parseDouble``: Java's syntax, not Python's (no ``inf``, ``nan`` or ``1_0``)."""
    if text is None:
        raise npe()
    raw = str_arg(text)
    text = java_trim(raw)
    if not text:
        raise Fault("number_format_exception", "empty String")
    sign = text[0] if text[0] in ("+", "-") else ""
    body = text[len(sign) :]
    if body in ("NaN", "Infinity"):
        return float(sign + ("nan" if body == "NaN" else "inf"))
    if body[-1:] in ("f", "F", "d", "D"):
        body = body[:-1]
    if not body or any(char not in "0123456789.eE+-" for char in body):
        raise _number_format(raw)
    try:
        return float(sign + body)
    except ValueError:
        raise _number_format(raw) from None


def _value_of_integral(value: Any) -> int:
    return value if type(value) is int else _parse_integral(value)


def _value_of_double(value: Any) -> float:
    return float(value) if type(value) in NUMBERS else _parse_double(value)


def _parse_boolean(value: Any) -> bool:
    return type(value) is str and value.lower() == "true"


def _string_join(separator: Any, items: Any) -> str:
    return str_arg(separator).join(jstr(item) for item in list_arg(items))


STATIC_METHODS: dict[tuple[str, str, int], Callable[..., Any]] = {
    ("Math", "max", 2): _math_max,
    ("Math", "min", 2): _math_min,
    ("Math", "abs", 1): lambda x: abs(num_arg(x)),
    ("Math", "round", 1): _math_round,
    ("Math", "floor", 1): _math_floor,
    ("Math", "ceil", 1): _math_ceil,
    ("Math", "sqrt", 1): _math_sqrt,
    ("Math", "cbrt", 1): lambda x: math.copysign(abs(float(num_arg(x))) ** (1 / 3), x),
    ("Math", "pow", 2): _math_pow,
    ("Math", "log", 1): _math_log,
    ("Math", "log10", 1): lambda x: _math_log(x, math.log10),
    ("Math", "exp", 1): _math_exp,
    ("Math", "signum", 1): lambda x: float((num_arg(x) > 0) - (x < 0)) if x == x else x,
    ("Math", "hypot", 2): lambda a, b: math.hypot(num_arg(a), num_arg(b)),
    ("String", "valueOf", 1): jstr,
    ("String", "join", 2): _string_join,
    ("Integer", "parseInt", 1): _parse_integral,
    ("Integer", "parseInt", 2): _parse_integral,
    ("Integer", "valueOf", 1): _value_of_integral,
    ("Integer", "toString", 1): lambda x: jstr(int_arg(x)),
    ("Long", "parseLong", 1): _parse_long,
    ("Long", "parseLong", 2): _parse_long,
    ("Long", "valueOf", 1): lambda x: x if type(x) is int else _parse_long(x),
    ("Long", "toString", 1): lambda x: jstr(int_arg(x)),
    ("Double", "parseDouble", 1): _parse_double,
    ("Double", "valueOf", 1): _value_of_double,
    ("Double", "toString", 1): lambda x: double_str(float(num_arg(x))),
    ("Double", "isNaN", 1): lambda x: num_arg(x) != x,
    ("Boolean", "parseBoolean", 1): _parse_boolean,
    ("Boolean", "valueOf", 1): lambda x: x if type(x) is bool else _parse_boolean(x),
    ("Boolean", "toString", 1): lambda x: jstr(truth(x)),
    ("Objects", "equals", 2): lambda a, b: a is b or (a is not None and jequals(a, b)),
    ("Objects", "isNull", 1): lambda x: x is None,
    ("Objects", "nonNull", 1): lambda x: x is not None,
    ("Objects", "toString", 1): jstr,
}

STATIC_FIELDS: dict[tuple[str, str], Any] = {
    ("Math", "PI"): math.pi,
    ("Math", "E"): math.e,
    ("Integer", "MAX_VALUE"): INT_MAX,
    ("Integer", "MIN_VALUE"): INT_MIN,
    ("Long", "MAX_VALUE"): LONG_MAX,
    ("Long", "MIN_VALUE"): LONG_MIN,
    ("Double", "MAX_VALUE"): 1.7976931348623157e308,
    ("Double", "MIN_VALUE"): 5e-324,
    ("Double", "POSITIVE_INFINITY"): math.inf,
    ("Double", "NEGATIVE_INFINITY"): -math.inf,
    ("Double", "NaN"): math.nan,
}


def _new_list(source: Any = None) -> list[Any]:
    if source is None or type(source) is int:
        if type(source) is int and source < 0:
            raise iae(f"Illegal Capacity: {source}")
        return []
    return list(list_arg(source))


def _new_map(source: Any = None) -> dict[Any, Any]:
    if source is None or type(source) is int:
        if type(source) is int and source < 0:
            raise iae(f"Illegal initial capacity: {source}")
        return {}
    return dict(map_arg(source))


CONSTRUCTORS: dict[tuple[str, int], Callable[..., Any]] = {
    **{(name, arity): _new_list for name in ("ArrayList", "LinkedList") for arity in (0, 1)},
    **{(name, arity): _new_map for name in ("HashMap", "LinkedHashMap") for arity in (0, 1)},
}
