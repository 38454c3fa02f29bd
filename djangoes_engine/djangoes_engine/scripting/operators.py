"""Painless's operators on ``def`` values, with Java's arithmetic.

Integer division truncates toward zero, ``+`` concatenates as soon as one side is a String, shifts
work on 32-bit ``int`` or 64-bit ``long`` values, ``==`` compares numbers by value across types
and ``===`` compares maps and lists by identity. An operand of the wrong type, or ``null``, throws
what Painless throws.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .errors import Fault, cast_fault, cce, npe, operands_fault
from .values import INT_MAX, INT_MIN, NUMBERS, jclass, jequals, jstr


def add(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a + b
    if ta is str or tb is str:
        return jstr(a) + jstr(b)
    if ta in NUMBERS and tb in NUMBERS:
        return a + b
    raise operands_fault("+", a, b)


def sub(a: Any, b: Any) -> Any:
    if type(a) in NUMBERS and type(b) in NUMBERS:
        return a - b
    raise operands_fault("-", a, b)


def _mul(a: Any, b: Any) -> Any:
    if type(a) in NUMBERS and type(b) in NUMBERS:
        return a * b
    raise operands_fault("*", a, b)


def _div(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0:
            raise Fault("arithmetic_exception", "/ by zero")
        quotient = abs(a) // abs(b)
        return quotient if (a < 0) == (b < 0) else -quotient
    if ta in NUMBERS and tb in NUMBERS:
        if b == 0:
            if a == 0 or a != a:
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    raise operands_fault("/", a, b)


def _rem(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0:
            raise Fault("arithmetic_exception", "/ by zero")
        remainder = abs(a) % abs(b)
        return remainder if a >= 0 else -remainder
    if ta in NUMBERS and tb in NUMBERS:
        return math.nan if b == 0 else math.fmod(a, b)
    raise operands_fault("%", a, b)


def wrap(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _int_width(a: int, b: int) -> int:
    """Integers that fit an ``int`` shift as 32-bit values, others as 64-bit ``long`` values."""
    return 32 if INT_MIN <= a <= INT_MAX and INT_MIN <= b <= INT_MAX else 64


def _shift(op: str) -> Callable[[Any, Any], Any]:
    def shift(a: Any, b: Any) -> Any:
        if type(a) is not int or type(b) is not int:
            raise operands_fault(op, a, b)
        bits = _int_width(a, b)
        distance = b & (bits - 1)
        if op == "<<":
            return wrap(a << distance, bits)
        if op == ">>":
            return a >> distance
        return wrap((a & ((1 << bits) - 1)) >> distance, bits)

    return shift


def _bitwise(op: str, combine: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def bitwise(a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if (ta is int and tb is int) or (ta is bool and tb is bool):
            return combine(a, b)
        raise operands_fault(op, a, b)

    return bitwise


def _ordering(op: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def ordering(a: Any, b: Any) -> bool:
        if type(a) in NUMBERS and type(b) in NUMBERS:
            return compare(a, b)
        raise operands_fault(op, a, b)

    return ordering


def _eq(a: Any, b: Any) -> bool:
    """Painless ``==``: numbers compare by value across types, everything else with ``equals``."""
    if a is b:
        return True
    if a is None or b is None:
        return False
    if type(a) in NUMBERS and type(b) in NUMBERS:
        return a == b
    return jequals(a, b)


def _same(a: Any, b: Any) -> bool:
    """Painless ``===``: identity for maps and lists, value equality for the rest."""
    if type(a) in (dict, list) or type(b) in (dict, list):
        return a is b
    return _eq(a, b)


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": add,
    "-": sub,
    "*": _mul,
    "/": _div,
    "%": _rem,
    "<<": _shift("<<"),
    ">>": _shift(">>"),
    ">>>": _shift(">>>"),
    "&": _bitwise("&", lambda a, b: a & b),
    "|": _bitwise("|", lambda a, b: a | b),
    "^": _bitwise("^", lambda a, b: a ^ b),
    "<": _ordering("<", lambda a, b: a < b),
    "<=": _ordering("<=", lambda a, b: a <= b),
    ">": _ordering(">", lambda a, b: a > b),
    ">=": _ordering(">=", lambda a, b: a >= b),
    "==": _eq,
    "!=": lambda a, b: not _eq(a, b),
    "===": _same,
    "!==": lambda a, b: not _same(a, b),
}
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!=", "===", "!=="})


def _negate(value: Any) -> Any:
    if type(value) in NUMBERS:
        return -value
    raise _unary_fault("-", value)


def _plus(value: Any) -> Any:
    if type(value) in NUMBERS:
        return value
    raise _unary_fault("+", value)


def _not(value: Any) -> bool:
    if value is True or value is False:
        return not value
    raise cast_fault(value, "boolean")


def _complement(value: Any) -> int:
    if type(value) is int:
        return ~value
    raise _unary_fault("~", value)


def _unary_fault(op: str, value: Any) -> Fault:
    if value is None:
        return npe(f"Cannot apply [{op}] operation to a null value")
    return cce(f"Cannot apply [{op}] operation to type [{jclass(value)}].")


UNARY = {"-": _negate, "+": _plus, "!": _not, "~": _complement}


def truth(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise cast_fault(value, "boolean")
