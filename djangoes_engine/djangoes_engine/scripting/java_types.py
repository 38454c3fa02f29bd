"""The Java types a script may name, and what declarations, casts and ``instanceof`` accept.

A typed variable checks each value stored in it, widening an integer to a double or, in an
explicit cast, narrowing a double to an integer as Java does; ``def`` accepts anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import cast_fault
from .values import INT_MAX, INT_MIN, NUMBERS, truncate

JAVA_NAMES = {
    "def": "def",
    "Object": "java.lang.Object",
    "String": "java.lang.String",
    "Number": "java.lang.Number",
    "Integer": "java.lang.Integer",
    "Long": "java.lang.Long",
    "Short": "java.lang.Short",
    "Byte": "java.lang.Byte",
    "Double": "java.lang.Double",
    "Float": "java.lang.Float",
    "Boolean": "java.lang.Boolean",
    "Character": "java.lang.Character",
    "Math": "java.lang.Math",
    "Objects": "java.util.Objects",
    "Map": "java.util.Map",
    "HashMap": "java.util.HashMap",
    "LinkedHashMap": "java.util.LinkedHashMap",
    "List": "java.util.List",
    "ArrayList": "java.util.ArrayList",
    "LinkedList": "java.util.LinkedList",
    "Collection": "java.util.Collection",
    **{
        name: name
        for name in ("int", "long", "short", "byte", "char", "double", "float", "boolean")
    },
}
TYPES = frozenset(JAVA_NAMES)
_INTEGRAL = frozenset({"int", "long", "short", "byte", "Integer", "Long", "Short", "Byte"})
_FLOATING = frozenset({"double", "float", "Double", "Float"})
_MAPS = frozenset({"Map", "HashMap", "LinkedHashMap"})
_LISTS = frozenset({"List", "ArrayList", "LinkedList", "Collection"})
_PRIMITIVES = frozenset({"int", "long", "short", "byte", "char", "double", "float", "boolean"})
DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(("int", "long", "short", "byte"), 0),
    **dict.fromkeys(("double", "float"), 0.0),
    "boolean": False,
    "char": "\0",
}

Conversion = Callable[[Any], Any]

# The Python types a reference type accepts (besides null).
_VALUE_KINDS: dict[str, frozenset[type]] = {
    **dict.fromkeys(("boolean", "Boolean"), frozenset({bool})),
    **dict.fromkeys(("String", "char", "Character"), frozenset({str})),
    **dict.fromkeys(_MAPS, frozenset({dict})),
    **dict.fromkeys(_LISTS, frozenset({list})),
    **dict.fromkeys(_FLOATING, frozenset({float})),
    "Number": NUMBERS,
}


def conversion(type_name: str, explicit: bool) -> Conversion | None:
    """The check (and widening or narrowing) a value goes through to enter a typed slot."""
    target = JAVA_NAMES[type_name]
    nullable = type_name not in _PRIMITIVES
    if type_name in _FLOATING:
        return _float_conversion(target, nullable)
    if type_name in _INTEGRAL:
        return _integral_conversion(target, nullable, explicit)
    kinds = _VALUE_KINDS.get(type_name)
    return None if kinds is None else _kind_conversion(kinds, target, nullable)


def _integral_conversion(target: str, nullable: bool, explicit: bool) -> Conversion:
    def convert(value: Any) -> Any:
        if type(value) is int or (value is None and nullable):
            return value
        if explicit and type(value) is float:
            return truncate(value)
        raise cast_fault(value, target)

    return convert


def _float_conversion(target: str, nullable: bool) -> Conversion:
    def convert(value: Any) -> Any:
        if type(value) in NUMBERS:
            return float(value)
        if value is None and nullable:
            return None
        raise cast_fault(value, target)

    return convert


def _kind_conversion(kinds: frozenset[type], target: str, nullable: bool) -> Conversion:
    def convert(value: Any) -> Any:
        if type(value) in kinds or (value is None and nullable):
            return value
        raise cast_fault(value, target)

    return convert


def instance_check(type_name: str) -> Callable[[Any], bool] | None:
    if type_name in ("def", "Object"):
        return lambda v: v is not None
    if type_name in ("int", "Integer", "short", "Short", "byte", "Byte"):
        return lambda v: type(v) is int and INT_MIN <= v <= INT_MAX
    if type_name in ("long", "Long"):
        return lambda v: type(v) is int and not INT_MIN <= v <= INT_MAX
    kinds = _VALUE_KINDS.get(type_name)
    return None if kinds is None else (lambda v: type(v) in kinds)
