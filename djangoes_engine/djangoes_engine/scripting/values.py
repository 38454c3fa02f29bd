"""Java values: what class, text and equality Java gives the JSON values a script works on.

Scripts run on the Python values of a parsed document (dicts, lists, strings, numbers, booleans
and None); Elasticsearch's scripts see them as Java objects, and what a client can observe of that
is kept: an integer is an ``Integer`` or a ``Long`` by its size, doubles print as
``Double.toString`` prints them, and ``equals`` never promotes numbers. :class:`Entry` is the only
value of the engine's own, the ``Map.Entry`` that ``entrySet()`` gives.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
NUMBERS = frozenset({int, float})


class Entry:
    """A ``Map.Entry`` from ``entrySet()``: reads and writes through to its map."""

    __slots__ = ("key", "map")

    def __init__(self, mapping: dict[Any, Any], key: Any) -> None:
        self.map = mapping
        self.key = key

    @property
    def value(self) -> Any:
        return self.map.get(self.key)

    def set(self, value: Any) -> Any:
        old = self.map.get(self.key)
        self.map[self.key] = value
        return old


class AnalysisToken:
    """The ``token`` an analysis predicate script sees (AnalysisPredicateScript.Token): its
    getters, and Painless's getter shortcuts (``token.term``)."""

    __slots__ = ("end", "keyword", "position", "position_increment", "start", "term", "type")

    def __init__(
        self, term: str, position: int, increment: int, start: int, end: int, kind: str, kw: bool
    ) -> None:
        self.term, self.position, self.position_increment = term, position, increment
        self.start, self.end, self.type, self.keyword = start, end, kind, kw

    GETTERS = {
        "term": lambda t: t.term,
        "position": lambda t: t.position,
        "positionIncrement": lambda t: t.position_increment,
        "positionLength": lambda t: 1,
        "startOffset": lambda t: t.start,
        "endOffset": lambda t: t.end,
        "type": lambda t: t.type,
        "keyword": lambda t: t.keyword,
    }


class DocValues:
    """A search script's ``doc['field']``: the field's values in the document, sorted (its doc
    values), or a dense vector (``vectorValue``, ``magnitude``) whose element type ``vector``
    names."""

    __slots__ = ("error", "field", "values", "vector")

    def __init__(
        self,
        field: str,
        values: list[Any],
        *,
        vector: str | None = None,
        error: str | None = None,
    ) -> None:
        self.field, self.values, self.vector = field, values, vector
        #: Why a script may not read this field's values (a text field without fielddata).
        self.error = error


class DocMap:
    """A search script's ``doc``: the document's fields, read-only; an unmapped name is an
    error, as in Elasticsearch."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, DocValues]) -> None:
        self.fields = fields


def jclass(value: Any) -> str:
    """The Java class Elasticsearch would report for a value parsed from JSON."""
    kind = type(value)
    if kind is int:
        return "java.lang.Integer" if INT_MIN <= value <= INT_MAX else "java.lang.Long"
    return _JCLASSES.get(kind, "java.lang.Object") if value is not None else "null"


_JCLASSES = {
    bool: "java.lang.Boolean",
    float: "java.lang.Double",
    str: "java.lang.String",
    dict: "java.util.HashMap",
    list: "java.util.ArrayList",
    Entry: "java.util.HashMap$Node",
    AnalysisToken: "org.elasticsearch.analysis.common.AnalysisPredicateScript$Token",
    DocValues: "org.elasticsearch.index.fielddata.ScriptDocValues",
    DocMap: "org.elasticsearch.search.lookup.LeafDocLookup",
}


def jstr(value: Any) -> str:
    """``String.valueOf``: what concatenation and ``toString()`` produce."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is float:
        return double_str(value)
    if kind is list:
        return "[" + ", ".join(jstr(item) for item in value) + "]"
    if kind is dict:
        return "{" + ", ".join(f"{jstr(k)}={jstr(v)}" for k, v in value.items()) + "}"
    if kind is Entry:
        return f"{jstr(value.key)}={jstr(value.value)}"
    return str(value)


def double_str(x: float) -> str:
    """``Double.toString``: plain between 10^-3 and 10^7, otherwise ``d.dddE±n``."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    if 1e-3 <= abs(x) < 1e7:
        text = repr(x)
        return text if "." in text else text + ".0"
    _, digits, exponent = Decimal(repr(abs(x))).as_tuple()
    digits_text = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) - 1 + int(exponent)
    sign = "-" if x < 0 else ""
    return f"{sign}{digits_text[0]}.{digits_text[1:] or '0'}E{power}"


def jequals(a: Any, b: Any) -> bool:
    """``Object.equals``: no numeric promotion (an Integer never equals a Double)."""
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is list:
        return len(a) == len(b) and all(jequals(x, y) for x, y in zip(a, b, strict=True))
    if kind is dict:
        return a.keys() == b.keys() and all(jequals(v, b[k]) for k, v in a.items())
    if kind is Entry:
        return jequals(a.key, b.key) and jequals(a.value, b.value)
    return bool(a == b)


def truncate(x: float) -> int:
    """A Java narrowing cast of a double to an integral type."""
    if x != x:
        return 0
    if math.isinf(x):
        return LONG_MAX if x > 0 else LONG_MIN
    return int(x)
