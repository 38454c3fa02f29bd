"""Painless update scripts: a tokenizer, a parser and an interpreter of the subset updates use.

The ``update`` API's ``script``, ``_update_by_query``, bulk ``update`` actions and
``scripted_upsert`` run small Painless programs that edit ``ctx``. Elasticsearch compiles them to
JVM bytecode; here the parse tree is turned once into nested Python closures (no ``eval``), cached
per source text, so a one-line script runs in a few microseconds.

Values keep the Java semantics a client can observe: integer division truncates toward zero, ``+``
concatenates as soon as one side is a String, doubles print as Java prints them, reading a missing
map key gives ``null`` and using ``null`` throws. Failures are Elasticsearch's ``script_exception``
("compile error" or "runtime error") with ``script_stack``, ``script``, ``lang``, ``position`` and
the Java exception as ``caused_by``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from .errors import BadRequest, EngineError, IllegalArgument

LANG = "painless"
MAX_LOOP_COUNTER = 1_000_000  # Painless's default ``max_loop_counter``
LOOP_MESSAGE = "The maximum number of statements that can be executed in a loop has been reached."

Fn = Callable[[list[Any]], Any]  # a compiled expression or statement, called with the frame

# A frame is a list: [loop budget, ctx, params, local variables...].
_BUDGET, _CTX, _PARAMS = 0, 1, 2
_BREAK, _CONTINUE, _RETURN = 1, 2, 3  # what a statement returns to stop its enclosing block


# ---------------------------------------------------------------------------------------------
# Errors


class ScriptException(BadRequest):
    """Elasticsearch's ``script_exception``: a script that failed to compile or to run."""

    type = "script_exception"


class _Fault(Exception):
    """A Java exception thrown by a running script; the failing node records where it is."""

    def __init__(self, java_type: str, message: str | None, offset: int | None = None) -> None:
        super().__init__(message)
        self.java_type = java_type
        self.message = message
        self.offset = offset

    def locate(self, offset: int) -> None:
        """Keep the innermost location: the first node to see a fault is where it happened."""
        if self.offset is None:
            self.offset = offset


class _CompileProblem(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


_NULL_RECEIVER = 'Cannot invoke "Object.getClass()" because "callArgs[0]" is null'


def _npe(message: str = _NULL_RECEIVER) -> _Fault:
    return _Fault("null_pointer_exception", message)


def _cce(message: str) -> _Fault:
    return _Fault("class_cast_exception", message)


def _iae(message: str) -> _Fault:
    return _Fault("illegal_argument_exception", message)


def _out_of_bounds(index: int, length: int) -> _Fault:
    message = f"Index {index} out of bounds for length {length}"
    return _Fault("index_out_of_bounds_exception", message)


def _cast_fault(value: Any, target: str) -> _Fault:
    if value is None:
        return _npe(f"Cannot unbox a null value to [{target}]")
    return _cce(f"Cannot cast {_jclass(value)} to {target}")


def _operands_fault(op: str, a: Any, b: Any) -> _Fault:
    if a is None or b is None:
        return _npe(f"Cannot apply [{op}] operation to a null value")
    return _cce(f"Cannot apply [{op}] operation to types [{_jclass(a)}] and [{_jclass(b)}].")


def _compile_error(source: str, message: str, offset: int) -> ScriptException:
    """Painless's compile error: the problem shown in a window of 25 characters either side."""
    offset = max(0, min(offset, len(source)))
    start, end = max(0, offset - 25), min(len(source), offset + 25)
    snippet = ("... " if start else "") + source[start:end] + (" ..." if end < len(source) else "")
    pointer = ("    " if start else "") + " " * (offset - start) + "^---- HERE"
    return ScriptException(
        "compile error",
        caused_by=IllegalArgument(message),
        script_stack=[snippet, pointer],
        script=source,
        lang=LANG,
        position={"offset": offset, "start": start, "end": end},
    )


def _runtime_error(program: _Program, fault: _Fault) -> ScriptException:
    """Painless's runtime error: the statement that failed, with a pointer at the failing node."""
    source = program.source
    cause = EngineError(fault.message, status=400, type=fault.java_type)  # type: ignore[arg-type]
    if fault.offset is None:
        return ScriptException(
            "runtime error",
            caused_by=cause,
            script_stack=["<<< unknown portion of script >>>"],
            script=source,
            lang=LANG,
        )
    starts = program.starts
    at = bisect_right(starts, fault.offset) - 1
    start = starts[at] if at >= 0 else 0
    end = starts[at + 1] if at + 1 < len(starts) else len(source)
    pointer = " " * (fault.offset - start) + "^---- HERE"
    return ScriptException(
        "runtime error",
        caused_by=cause,
        script_stack=[source[start:end], pointer],
        script=source,
        lang=LANG,
        position={"offset": fault.offset, "start": start, "end": end},
    )


def update_script_failure(error: EngineError) -> IllegalArgument:
    """How the update API reports a script that failed: wrapped as "failed to execute script"."""
    return IllegalArgument("failed to execute script", caused_by=error)


# ---------------------------------------------------------------------------------------------
# Java values


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_NUMBERS = frozenset({int, float})


class _Entry:
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


def _jclass(value: Any) -> str:
    """The Java class Elasticsearch would report for a value parsed from JSON."""
    kind = type(value)
    if kind is int:
        return "java.lang.Integer" if _INT_MIN <= value <= _INT_MAX else "java.lang.Long"
    return _JCLASSES.get(kind, "java.lang.Object") if value is not None else "null"


_JCLASSES = {
    bool: "java.lang.Boolean",
    float: "java.lang.Double",
    str: "java.lang.String",
    dict: "java.util.HashMap",
    list: "java.util.ArrayList",
    _Entry: "java.util.HashMap$Node",
}


def _jstr(value: Any) -> str:
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
        return _double_str(value)
    if kind is list:
        return "[" + ", ".join(_jstr(item) for item in value) + "]"
    if kind is dict:
        return "{" + ", ".join(f"{_jstr(k)}={_jstr(v)}" for k, v in value.items()) + "}"
    if kind is _Entry:
        return f"{_jstr(value.key)}={_jstr(value.value)}"
    return str(value)


def _double_str(x: float) -> str:
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


def _jequals(a: Any, b: Any) -> bool:
    """``Object.equals``: no numeric promotion (an Integer never equals a Double)."""
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is list:
        return len(a) == len(b) and all(_jequals(x, y) for x, y in zip(a, b, strict=True))
    if kind is dict:
        return a.keys() == b.keys() and all(_jequals(v, b[k]) for k, v in a.items())
    if kind is _Entry:
        return _jequals(a.key, b.key) and _jequals(a.value, b.value)
    return bool(a == b)


def _truncate(x: float) -> int:
    """A Java narrowing cast of a double to an integral type."""
    if x != x:
        return 0
    if math.isinf(x):
        return _LONG_MAX if x > 0 else _LONG_MIN
    return int(x)


# ---------------------------------------------------------------------------------------------
# Operators


def _add(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a + b
    if ta is str or tb is str:
        return _jstr(a) + _jstr(b)
    if ta in _NUMBERS and tb in _NUMBERS:
        return a + b
    raise _operands_fault("+", a, b)


def _sub(a: Any, b: Any) -> Any:
    if type(a) in _NUMBERS and type(b) in _NUMBERS:
        return a - b
    raise _operands_fault("-", a, b)


def _mul(a: Any, b: Any) -> Any:
    if type(a) in _NUMBERS and type(b) in _NUMBERS:
        return a * b
    raise _operands_fault("*", a, b)


def _div(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0:
            raise _Fault("arithmetic_exception", "/ by zero")
        quotient = abs(a) // abs(b)
        return quotient if (a < 0) == (b < 0) else -quotient
    if ta in _NUMBERS and tb in _NUMBERS:
        if b == 0:
            if a == 0 or a != a:
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    raise _operands_fault("/", a, b)


def _rem(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0:
            raise _Fault("arithmetic_exception", "/ by zero")
        remainder = abs(a) % abs(b)
        return remainder if a >= 0 else -remainder
    if ta in _NUMBERS and tb in _NUMBERS:
        return math.nan if b == 0 else math.fmod(a, b)
    raise _operands_fault("%", a, b)


def _wrap(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _int_width(a: int, b: int) -> int:
    """Integers that fit an ``int`` shift as 32-bit values, others as 64-bit ``long`` values."""
    return 32 if _INT_MIN <= a <= _INT_MAX and _INT_MIN <= b <= _INT_MAX else 64


def _shift(op: str) -> Callable[[Any, Any], Any]:
    def shift(a: Any, b: Any) -> Any:
        if type(a) is not int or type(b) is not int:
            raise _operands_fault(op, a, b)
        bits = _int_width(a, b)
        distance = b & (bits - 1)
        if op == "<<":
            return _wrap(a << distance, bits)
        if op == ">>":
            return a >> distance
        return _wrap((a & ((1 << bits) - 1)) >> distance, bits)

    return shift


def _bitwise(op: str, combine: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def bitwise(a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if (ta is int and tb is int) or (ta is bool and tb is bool):
            return combine(a, b)
        raise _operands_fault(op, a, b)

    return bitwise


def _ordering(op: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def ordering(a: Any, b: Any) -> bool:
        if type(a) in _NUMBERS and type(b) in _NUMBERS:
            return compare(a, b)
        raise _operands_fault(op, a, b)

    return ordering


def _eq(a: Any, b: Any) -> bool:
    """Painless ``==``: numbers compare by value across types, everything else with ``equals``."""
    if a is b:
        return True
    if a is None or b is None:
        return False
    if type(a) in _NUMBERS and type(b) in _NUMBERS:
        return a == b
    return _jequals(a, b)


def _same(a: Any, b: Any) -> bool:
    """Painless ``===``: identity for maps and lists, value equality for the rest."""
    if type(a) in (dict, list) or type(b) in (dict, list):
        return a is b
    return _eq(a, b)


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": _add,
    "-": _sub,
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
_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!=", "===", "!=="})


def _negate(value: Any) -> Any:
    if type(value) in _NUMBERS:
        return -value
    raise _unary_fault("-", value)


def _plus(value: Any) -> Any:
    if type(value) in _NUMBERS:
        return value
    raise _unary_fault("+", value)


def _not(value: Any) -> bool:
    if value is True or value is False:
        return not value
    raise _cast_fault(value, "boolean")


def _complement(value: Any) -> int:
    if type(value) is int:
        return ~value
    raise _unary_fault("~", value)


def _unary_fault(op: str, value: Any) -> _Fault:
    if value is None:
        return _npe(f"Cannot apply [{op}] operation to a null value")
    return _cce(f"Cannot apply [{op}] operation to type [{_jclass(value)}].")


_UNARY = {"-": _negate, "+": _plus, "!": _not, "~": _complement}


def _truth(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise _cast_fault(value, "boolean")


# ---------------------------------------------------------------------------------------------
# Field, index and ctx access

# Update metadata that scripts may read but not change (Elasticsearch's UpdateMetadata).
_CTX_READ_ONLY = frozenset({"_index", "_id", "_version", "_routing", "_type", "_now"})


def _check_ctx_put(ctx: dict[str, Any], key: Any, value: Any) -> None:
    if key in _CTX_READ_ONLY and key in ctx:
        raise _iae(f"{key} cannot be updated")
    if key == "op" and value is not None and type(value) is not str:
        raise _iae(
            f"op [{_jstr(value)}] is wrong type, expected assignable to "
            f"[java.lang.String], not [{_jclass(value)}]"
        )


def _check_ctx_remove(ctx: dict[str, Any], key: Any) -> None:
    if key in _CTX_READ_ONLY and key in ctx:
        raise _iae(f"{key} cannot be removed")


def _load_field(obj: Any, name: str) -> Any:
    kind = type(obj)
    if kind is dict:
        return obj.get(name)
    if obj is None:
        raise _npe()
    if kind is list:
        if name.isdigit():
            return obj[_list_index(obj, int(name))]
        if name == "length":
            return len(obj)
    if kind is _Entry and name in ("key", "value"):
        return obj.key if name == "key" else obj.value
    raise _iae(f"dynamic getter [{_jclass(obj)}, {name}] not found")


def _store_field(frame: list[Any], obj: Any, name: str, value: Any) -> None:
    kind = type(obj)
    if kind is dict:
        if obj is frame[_CTX]:
            _check_ctx_put(obj, name, value)
        obj[name] = value
    elif obj is None:
        raise _npe()
    elif kind is list and name.isdigit():
        obj[_list_index(obj, int(name))] = value
    elif kind is _Entry and name == "value":
        obj.set(value)
    else:
        raise _iae(f"dynamic setter [{_jclass(obj)}, {name}] not found")


def _list_index(items: list[Any], index: Any) -> int:
    """A brace index into a list: negative indexes count from the end, as in Painless."""
    if type(index) is not int:
        raise _cast_fault(index, "int")
    position = index + len(items) if index < 0 else index
    if not 0 <= position < len(items):
        raise _out_of_bounds(position, len(items))
    return position


def _not_array(obj: Any) -> _Fault:
    if obj is None:
        return _npe()
    return _iae(f"Attempting to address a non-array-like type [{_jclass(obj)}] as an array.")


def _load_index(obj: Any, key: Any) -> Any:
    kind = type(obj)
    if kind is dict:
        try:
            return obj.get(key)
        except TypeError:  # an unhashable key is never present
            return None
    if kind is list:
        return obj[_list_index(obj, key)]
    raise _not_array(obj)


def _store_index(frame: list[Any], obj: Any, key: Any, value: Any) -> None:
    kind = type(obj)
    if kind is dict:
        _hashable(key)
        if obj is frame[_CTX]:
            _check_ctx_put(obj, key, value)
        obj[key] = value
    elif kind is list:
        obj[_list_index(obj, key)] = value
    else:
        raise _not_array(obj)


def _hashable(key: Any) -> None:
    if type(key) in (dict, list, _Entry):
        raise _iae(f"map keys of type [{_jclass(key)}] are not supported")


# ---------------------------------------------------------------------------------------------
# Methods


def _int_arg(value: Any) -> int:
    if type(value) is int:
        return value
    raise _cast_fault(value, "int")


def _str_arg(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        raise _npe('Cannot invoke "String.length()" because "str" is null')
    raise _cce(f"Cannot cast {_jclass(value)} to java.lang.String")


def _list_arg(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    if value is None:
        raise _npe()
    raise _cce(f"Cannot cast {_jclass(value)} to java.util.Collection")


def _map_arg(value: Any) -> dict[Any, Any]:
    if type(value) is dict:
        return value
    if value is None:
        raise _npe()
    raise _cce(f"Cannot cast {_jclass(value)} to java.util.Map")


def _num_arg(value: Any) -> int | float:
    if type(value) in _NUMBERS:
        return value  # type: ignore[no-any-return]
    raise _cast_fault(value, "double")


def _map_get(m: dict[Any, Any], key: Any, default: Any = None) -> Any:
    try:
        return m.get(key, default)
    except TypeError:
        return default


def _map_contains_key(m: dict[Any, Any], key: Any) -> bool:
    try:
        return key in m
    except TypeError:
        return False


def _map_put(m: dict[Any, Any], key: Any, value: Any) -> Any:
    _hashable(key)
    old = m.get(key)
    m[key] = value
    return old


def _map_remove(m: dict[Any, Any], key: Any) -> Any:
    try:
        return m.pop(key, None)
    except TypeError:
        return None


def _map_put_if_absent(m: dict[Any, Any], key: Any, value: Any) -> Any:
    _hashable(key)
    old = m.get(key)
    if old is None:
        m[key] = value
    return old


def _map_put_all(m: dict[Any, Any], other: Any) -> None:
    m.update(_map_arg(other))


def _list_add_at(items: list[Any], index: Any, value: Any) -> None:
    index = _int_arg(index)
    if not 0 <= index <= len(items):
        raise _Fault("index_out_of_bounds_exception", f"Index: {index}, Size: {len(items)}")
    items.insert(index, value)


def _list_add_all(items: list[Any], other: Any) -> bool:
    other = list(_list_arg(other))
    items.extend(other)
    return bool(other)


def _list_add_all_at(items: list[Any], index: Any, other: Any) -> bool:
    index, other = _int_arg(index), list(_list_arg(other))
    if not 0 <= index <= len(items):
        raise _Fault("index_out_of_bounds_exception", f"Index: {index}, Size: {len(items)}")
    items[index:index] = other
    return bool(other)


def _list_get(items: list[Any], index: Any) -> Any:
    index = _int_arg(index)
    if not 0 <= index < len(items):
        raise _out_of_bounds(index, len(items))
    return items[index]


def _list_set(items: list[Any], index: Any, value: Any) -> Any:
    old = _list_get(items, index)
    items[index] = value
    return old


def _list_find(items: list[Any], value: Any) -> int:
    for position, item in enumerate(items):
        if _jequals(item, value):
            return position
    return -1


def _list_find_last(items: list[Any], value: Any) -> int:
    for position in range(len(items) - 1, -1, -1):
        if _jequals(items[position], value):
            return position
    return -1


def _list_remove(items: list[Any], target: Any) -> Any:
    """``remove(int)`` removes at an index and returns the element; otherwise by value."""
    if type(target) is int:
        return items.pop(_list_get_index(items, target))
    position = _list_find(items, target)
    if position < 0:
        return False
    del items[position]
    return True


def _list_get_index(items: list[Any], index: int) -> int:
    if not 0 <= index < len(items):
        raise _out_of_bounds(index, len(items))
    return index


def _list_sub(items: list[Any], start: Any, end: Any) -> list[Any]:
    start, end = _int_arg(start), _int_arg(end)
    if start < 0 or end > len(items) or start > end:
        raise _Fault(
            "index_out_of_bounds_exception",
            f"fromIndex: {start}, toIndex: {end}, size: {len(items)}",
        )
    return items[start:end]


def _list_remove_all(items: list[Any], other: Any) -> bool:
    other = _list_arg(other)
    kept = [item for item in items if _list_find(other, item) < 0]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


def _list_retain_all(items: list[Any], other: Any) -> bool:
    other = _list_arg(other)
    kept = [item for item in items if _list_find(other, item) >= 0]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


def _string_bounds(begin: int, end: int, length: int) -> _Fault:
    return _Fault(
        "string_index_out_of_bounds_exception", f"begin {begin}, end {end}, length {length}"
    )


def _substring(s: str, begin: Any, end: Any = None) -> str:
    begin = _int_arg(begin)
    end = len(s) if end is None else _int_arg(end)
    if begin < 0 or end > len(s) or begin > end:
        raise _string_bounds(begin, end, len(s))
    return s[begin:end]


def _char_at(s: str, index: Any) -> str:
    index = _int_arg(index)
    if not 0 <= index < len(s):
        raise _Fault(
            "string_index_out_of_bounds_exception",
            f"Index {index} out of bounds for length {len(s)}",
        )
    return s[index]


def _java_trim(s: str) -> str:
    start, end = 0, len(s)
    while start < end and s[start] <= " ":
        start += 1
    while end > start and s[end - 1] <= " ":
        end -= 1
    return s[start:end]


def _compare_strings(a: str, b: Any) -> int:
    b = _str_arg(b)
    for x, y in zip(a, b, strict=False):
        if x != y:
            return ord(x) - ord(y)
    return len(a) - len(b)


def _split(s: str, separator: Any) -> list[str]:
    """``String.split`` with a literal separator: Java drops the trailing empty strings."""
    separator = _str_arg(separator)
    if not s:
        return [""]
    parts = list(s) if separator == "" else s.split(separator)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return parts


def _split_on_token(s: str, token: Any, limit: Any = 0) -> list[str]:
    """Painless's ``splitOnToken``: a literal split that keeps trailing empty strings."""
    token, limit = _str_arg(token), _int_arg(limit)
    if token == "":
        raise _iae("Cannot split on empty token")
    return s.split(token, limit - 1) if limit > 0 else s.split(token)


def _string_hash(s: str) -> int:
    """``String.hashCode``, over UTF-16 code units as Java computes it."""
    data, value = s.encode("utf-16-be"), 0
    for i in range(0, len(data), 2):
        value = (31 * value + (data[i] << 8 | data[i + 1])) & 0xFFFFFFFF
    return _wrap(value, 32)


def _compare_numbers(a: Any, b: Any) -> int:
    b = _num_arg(b)
    return (a > b) - (a < b)


def _compare_booleans(a: bool, b: Any) -> int:
    if type(b) is not bool:
        raise _cast_fault(b, "java.lang.Boolean")
    return int(a) - int(b)


_OBJECT_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("toString", 0): _jstr,
    ("equals", 1): _jequals,
}

_MAP_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("containsKey", 1): _map_contains_key,
    ("containsValue", 1): lambda m, v: any(_jequals(x, v) for x in m.values()),
    ("get", 1): _map_get,
    ("getOrDefault", 2): _map_get,
    ("put", 2): _map_put,
    ("putIfAbsent", 2): _map_put_if_absent,
    ("putAll", 1): _map_put_all,
    ("remove", 1): _map_remove,
    ("keySet", 0): list,
    ("values", 0): lambda m: list(m.values()),
    ("entrySet", 0): lambda m: [_Entry(m, k) for k in m],
    ("size", 0): len,
    ("isEmpty", 0): lambda m: not m,
    ("clear", 0): dict.clear,
    **_OBJECT_METHODS,
}

_LIST_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("add", 1): lambda items, v: items.append(v) or True,
    ("add", 2): _list_add_at,
    ("addAll", 1): _list_add_all,
    ("addAll", 2): _list_add_all_at,
    ("remove", 1): _list_remove,
    ("removeAll", 1): _list_remove_all,
    ("retainAll", 1): _list_retain_all,
    ("contains", 1): lambda items, v: _list_find(items, v) >= 0,
    ("containsAll", 1): lambda items, o: all(_list_find(items, v) >= 0 for v in _list_arg(o)),
    ("indexOf", 1): _list_find,
    ("lastIndexOf", 1): _list_find_last,
    ("get", 1): _list_get,
    ("set", 2): _list_set,
    ("size", 0): len,
    ("isEmpty", 0): lambda items: not items,
    ("clear", 0): list.clear,
    ("subList", 2): _list_sub,
    ("getLength", 0): len,
    **_OBJECT_METHODS,
}

_STRING_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("length", 0): len,
    ("isEmpty", 0): lambda s: not s,
    ("toUpperCase", 0): str.upper,
    ("toLowerCase", 0): str.lower,
    ("trim", 0): _java_trim,
    ("strip", 0): str.strip,
    ("contains", 1): lambda s, x: _str_arg(x) in s,
    ("startsWith", 1): lambda s, x: s.startswith(_str_arg(x)),
    ("startsWith", 2): lambda s, x, i: s.startswith(_str_arg(x), _int_arg(i)),
    ("endsWith", 1): lambda s, x: s.endswith(_str_arg(x)),
    ("substring", 1): _substring,
    ("substring", 2): _substring,
    ("replace", 2): lambda s, a, b: s.replace(_str_arg(a), _str_arg(b)),
    ("indexOf", 1): lambda s, x: s.find(_str_arg(x)),
    ("indexOf", 2): lambda s, x, i: s.find(_str_arg(x), max(0, _int_arg(i))),
    ("lastIndexOf", 1): lambda s, x: s.rfind(_str_arg(x)),
    ("charAt", 1): _char_at,
    ("equalsIgnoreCase", 1): lambda s, x: type(x) is str and s.casefold() == x.casefold(),
    ("compareTo", 1): _compare_strings,
    ("concat", 1): lambda s, x: s + _str_arg(x),
    ("repeat", 1): lambda s, n: s * _int_arg(n),
    ("split", 1): _split,
    ("splitOnToken", 1): _split_on_token,
    ("splitOnToken", 2): _split_on_token,
    ("hashCode", 0): _string_hash,
    **_OBJECT_METHODS,
}

_NUMBER_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("intValue", 0): lambda n: n if type(n) is int else _truncate(n),
    ("longValue", 0): lambda n: n if type(n) is int else _truncate(n),
    ("doubleValue", 0): float,
    ("floatValue", 0): float,
    ("compareTo", 1): _compare_numbers,
    ("isNaN", 0): lambda n: n != n,
    ("isInfinite", 0): lambda n: type(n) is float and math.isinf(n),
    **_OBJECT_METHODS,
}

_BOOLEAN_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("booleanValue", 0): lambda b: b,
    ("compareTo", 1): _compare_booleans,
    **_OBJECT_METHODS,
}

_ENTRY_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("getKey", 0): lambda e: e.key,
    ("getValue", 0): lambda e: e.value,
    ("setValue", 1): _Entry.set,
    **_OBJECT_METHODS,
}

_METHODS: dict[type, dict[tuple[str, int], Callable[..., Any]]] = {
    dict: _MAP_METHODS,
    list: _LIST_METHODS,
    str: _STRING_METHODS,
    int: _NUMBER_METHODS,
    float: _NUMBER_METHODS,
    bool: _BOOLEAN_METHODS,
    _Entry: _ENTRY_METHODS,
}

_CTX_GUARDED = frozenset({"put", "putIfAbsent", "putAll", "remove", "clear"})


def _invoke(frame: list[Any], obj: Any, key: tuple[str, int], args: tuple[Any, ...]) -> Any:
    """A call on a ``def`` receiver: resolved by the receiver's runtime type, name and arity."""
    methods = _METHODS.get(type(obj))
    method = methods.get(key) if methods is not None else None
    if method is None:
        if obj is None:
            raise _npe()
        raise _iae(f"dynamic method [{_jclass(obj)}, {key[0]}/{key[1]}] not found")
    if obj is frame[_CTX] and key[0] in _CTX_GUARDED:
        _check_ctx_call(obj, key[0], args)
    return method(obj, *args)


def _check_ctx_call(ctx: dict[str, Any], name: str, args: tuple[Any, ...]) -> None:
    if name in ("put", "putIfAbsent"):
        _check_ctx_put(ctx, args[0], args[1])
    elif name == "putAll":
        for key, value in _map_arg(args[0]).items():
            _check_ctx_put(ctx, key, value)
    elif name == "remove":
        _check_ctx_remove(ctx, args[0])
    else:
        for key in _CTX_READ_ONLY:
            _check_ctx_remove(ctx, key)


# ---------------------------------------------------------------------------------------------
# Static members and constructors


def _math_max(a: Any, b: Any) -> Any:
    a, b = _num_arg(a), _num_arg(b)
    if type(a) is int and type(b) is int:
        return max(a, b)
    return math.nan if a != a or b != b else float(max(a, b))


def _math_min(a: Any, b: Any) -> Any:
    a, b = _num_arg(a), _num_arg(b)
    if type(a) is int and type(b) is int:
        return min(a, b)
    return math.nan if a != a or b != b else float(min(a, b))


def _math_round(x: Any) -> int:
    x = _num_arg(x)
    return x if type(x) is int else _truncate(math.floor(x + 0.5) if math.isfinite(x) else x)


def _math_floor(x: Any) -> float:
    x = float(_num_arg(x))
    return float(math.floor(x)) if math.isfinite(x) else x


def _math_ceil(x: Any) -> float:
    x = float(_num_arg(x))
    return float(math.ceil(x)) if math.isfinite(x) else x


def _math_sqrt(x: Any) -> float:
    x = float(_num_arg(x))
    return math.nan if x < 0 or x != x else math.sqrt(x)


def _math_pow(a: Any, b: Any) -> float:
    a, b = float(_num_arg(a)), float(_num_arg(b))
    try:
        return math.pow(a, b)
    except OverflowError:
        return math.inf if a > 0 or b % 2 == 0 else -math.inf
    except ValueError:
        return math.nan


def _math_log(x: Any, log: Callable[[float], float] = math.log) -> float:
    x = float(_num_arg(x))
    if x != x or x < 0:
        return math.nan
    return -math.inf if x == 0 else log(x)


def _math_exp(x: Any) -> float:
    try:
        return math.exp(float(_num_arg(x)))
    except OverflowError:
        return math.inf


def _number_format(text: str) -> _Fault:
    return _Fault("number_format_exception", f'For input string: "{text}"')


def _parse_integral(text: Any, radix: Any = 10, low: int = _INT_MIN, high: int = _INT_MAX) -> int:
    if text is None:
        raise _Fault("number_format_exception", "Cannot parse null string: null")
    text, radix = _str_arg(text), _int_arg(radix)
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
    return _parse_integral(text, radix, _LONG_MIN, _LONG_MAX)


def _parse_double(text: Any) -> float:
    """``Double.parseDouble``: Java's syntax, not Python's (no ``inf``, ``nan`` or ``1_0``)."""
    if text is None:
        raise _npe()
    raw = _str_arg(text)
    text = _java_trim(raw)
    if not text:
        raise _Fault("number_format_exception", "empty String")
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
    return float(value) if type(value) in _NUMBERS else _parse_double(value)


def _parse_boolean(value: Any) -> bool:
    return type(value) is str and value.lower() == "true"


def _string_join(separator: Any, items: Any) -> str:
    return _str_arg(separator).join(_jstr(item) for item in _list_arg(items))


_STATIC_METHODS: dict[tuple[str, str, int], Callable[..., Any]] = {
    ("Math", "max", 2): _math_max,
    ("Math", "min", 2): _math_min,
    ("Math", "abs", 1): lambda x: abs(_num_arg(x)),
    ("Math", "round", 1): _math_round,
    ("Math", "floor", 1): _math_floor,
    ("Math", "ceil", 1): _math_ceil,
    ("Math", "sqrt", 1): _math_sqrt,
    ("Math", "cbrt", 1): lambda x: math.copysign(abs(float(_num_arg(x))) ** (1 / 3), x),
    ("Math", "pow", 2): _math_pow,
    ("Math", "log", 1): _math_log,
    ("Math", "log10", 1): lambda x: _math_log(x, math.log10),
    ("Math", "exp", 1): _math_exp,
    ("Math", "signum", 1): lambda x: float((_num_arg(x) > 0) - (x < 0)) if x == x else x,
    ("Math", "hypot", 2): lambda a, b: math.hypot(_num_arg(a), _num_arg(b)),
    ("String", "valueOf", 1): _jstr,
    ("String", "join", 2): _string_join,
    ("Integer", "parseInt", 1): _parse_integral,
    ("Integer", "parseInt", 2): _parse_integral,
    ("Integer", "valueOf", 1): _value_of_integral,
    ("Integer", "toString", 1): lambda x: _jstr(_int_arg(x)),
    ("Long", "parseLong", 1): _parse_long,
    ("Long", "parseLong", 2): _parse_long,
    ("Long", "valueOf", 1): lambda x: x if type(x) is int else _parse_long(x),
    ("Long", "toString", 1): lambda x: _jstr(_int_arg(x)),
    ("Double", "parseDouble", 1): _parse_double,
    ("Double", "valueOf", 1): _value_of_double,
    ("Double", "toString", 1): lambda x: _double_str(float(_num_arg(x))),
    ("Double", "isNaN", 1): lambda x: _num_arg(x) != x,
    ("Boolean", "parseBoolean", 1): _parse_boolean,
    ("Boolean", "valueOf", 1): lambda x: x if type(x) is bool else _parse_boolean(x),
    ("Boolean", "toString", 1): lambda x: _jstr(_truth(x)),
    ("Objects", "equals", 2): lambda a, b: a is b or (a is not None and _jequals(a, b)),
    ("Objects", "isNull", 1): lambda x: x is None,
    ("Objects", "nonNull", 1): lambda x: x is not None,
    ("Objects", "toString", 1): _jstr,
}

_STATIC_FIELDS: dict[tuple[str, str], Any] = {
    ("Math", "PI"): math.pi,
    ("Math", "E"): math.e,
    ("Integer", "MAX_VALUE"): _INT_MAX,
    ("Integer", "MIN_VALUE"): _INT_MIN,
    ("Long", "MAX_VALUE"): _LONG_MAX,
    ("Long", "MIN_VALUE"): _LONG_MIN,
    ("Double", "MAX_VALUE"): 1.7976931348623157e308,
    ("Double", "MIN_VALUE"): 5e-324,
    ("Double", "POSITIVE_INFINITY"): math.inf,
    ("Double", "NEGATIVE_INFINITY"): -math.inf,
    ("Double", "NaN"): math.nan,
}


def _new_list(source: Any = None) -> list[Any]:
    if source is None or type(source) is int:
        if type(source) is int and source < 0:
            raise _iae(f"Illegal Capacity: {source}")
        return []
    return list(_list_arg(source))


def _new_map(source: Any = None) -> dict[Any, Any]:
    if source is None or type(source) is int:
        if type(source) is int and source < 0:
            raise _iae(f"Illegal initial capacity: {source}")
        return {}
    return dict(_map_arg(source))


_CONSTRUCTORS: dict[tuple[str, int], Callable[..., Any]] = {
    **{(name, arity): _new_list for name in ("ArrayList", "LinkedList") for arity in (0, 1)},
    **{(name, arity): _new_map for name in ("HashMap", "LinkedHashMap") for arity in (0, 1)},
}


# ---------------------------------------------------------------------------------------------
# Types: what declarations, casts and ``instanceof`` accept


_JAVA_NAMES = {
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
_TYPES = frozenset(_JAVA_NAMES)
_INTEGRAL = frozenset({"int", "long", "short", "byte", "Integer", "Long", "Short", "Byte"})
_FLOATING = frozenset({"double", "float", "Double", "Float"})
_MAPS = frozenset({"Map", "HashMap", "LinkedHashMap"})
_LISTS = frozenset({"List", "ArrayList", "LinkedList", "Collection"})
_PRIMITIVES = frozenset({"int", "long", "short", "byte", "char", "double", "float", "boolean"})
_DEFAULTS: dict[str, Any] = {
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
    "Number": _NUMBERS,
}


def _conversion(type_name: str, explicit: bool) -> Conversion | None:
    """The check (and widening or narrowing) a value goes through to enter a typed slot."""
    target = _JAVA_NAMES[type_name]
    nullable = type_name not in _PRIMITIVES
    if type_name in _FLOATING:
        return _float_conversion(target, nullable)
    if type_name in _INTEGRAL:
        return _integral_conversion(target, nullable, explicit)
    kinds = _VALUE_KINDS.get(type_name)
    return None if kinds is None else _kind_conversion(kinds, target, nullable)


def _integral_conversion(target: str, nullable: bool, explicit: bool) -> Conversion:
    def conversion(value: Any) -> Any:
        if type(value) is int or (value is None and nullable):
            return value
        if explicit and type(value) is float:
            return _truncate(value)
        raise _cast_fault(value, target)

    return conversion


def _float_conversion(target: str, nullable: bool) -> Conversion:
    def conversion(value: Any) -> Any:
        if type(value) in _NUMBERS:
            return float(value)
        if value is None and nullable:
            return None
        raise _cast_fault(value, target)

    return conversion


def _kind_conversion(kinds: frozenset[type], target: str, nullable: bool) -> Conversion:
    def conversion(value: Any) -> Any:
        if type(value) in kinds or (value is None and nullable):
            return value
        raise _cast_fault(value, target)

    return conversion


def _instance_check(type_name: str) -> Callable[[Any], bool] | None:
    if type_name in ("def", "Object"):
        return lambda v: v is not None
    if type_name in ("int", "Integer", "short", "Short", "byte", "Byte"):
        return lambda v: type(v) is int and _INT_MIN <= v <= _INT_MAX
    if type_name in ("long", "Long"):
        return lambda v: type(v) is int and not _INT_MIN <= v <= _INT_MAX
    kinds = _VALUE_KINDS.get(type_name)
    return None if kinds is None else (lambda v: type(v) in kinds)


# ---------------------------------------------------------------------------------------------
# Tokenizer


_KEYWORDS = frozenset(
    {
        "if",
        "else",
        "while",
        "do",
        "for",
        "continue",
        "break",
        "return",
        "new",
        "try",
        "catch",
        "throw",
        "this",
        "instanceof",
        "true",
        "false",
        "null",
    }
)
_OPERATORS = (
    frozenset({">>>="}),
    frozenset({">>>", "===", "!==", "<<=", ">>="}),
    frozenset(
        {
            "==",
            "!=",
            "<=",
            ">=",
            "&&",
            "||",
            "++",
            "--",
            "+=",
            "-=",
            "*=",
            "/=",
            "%=",
            "&=",
            "|=",
            "^=",
            "<<",
            ">>",
            "?.",
            "?:",
            "->",
            "::",
        }
    ),
    frozenset("{}[]().,;:?+-*/%<>=!~&|^"),
)


@dataclass(slots=True)
class _Token:
    kind: str  # "id", "type", "kw", "op", "num", "str" or "eof"
    text: str
    pos: int
    value: Any = None
    suffix: str = ""  # for numbers: "" (int), "L" (long) or "D" (double)


def _is_word_start(char: str) -> bool:
    return char == "_" or (char.isascii() and char.isalpha())


def _is_word_char(char: str) -> bool:
    return char == "_" or (char.isascii() and char.isalnum())


class _Lexer:
    """Splits a script into tokens. After a dot, a word or an integer is always a member name."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0

    def tokens(self) -> list[_Token]:
        tokens: list[_Token] = []
        after_dot = False
        while True:
            self._skip_blanks()
            if self.i >= len(self.src):
                tokens.append(_Token("eof", "<EOF>", len(self.src)))
                return tokens
            token = self._member() if after_dot else None
            token = token or self._next()
            tokens.append(token)
            after_dot = token.kind == "op" and token.text in (".", "?.")

    def _skip_blanks(self) -> None:
        src = self.src
        while self.i < len(src):
            char = src[self.i]
            if char in " \t\r\n":
                self.i += 1
            elif src.startswith("//", self.i):
                end = src.find("\n", self.i)
                self.i = len(src) if end < 0 else end + 1
            elif src.startswith("/*", self.i):
                end = src.find("*/", self.i + 2)
                if end < 0:
                    raise _CompileProblem("unexpected character [/*].", self.i)
                self.i = end + 2
            else:
                return

    def _scan(self, start: int, accepts: Callable[[str], bool]) -> int:
        end = start
        while end < len(self.src) and accepts(self.src[end]):
            end += 1
        return end

    def _member(self) -> _Token | None:
        start, char = self.i, self.src[self.i]
        if char.isascii() and char.isdigit():
            self.i = self._scan(start, lambda c: c.isascii() and c.isdigit())
        elif _is_word_start(char):
            self.i = self._scan(start, _is_word_char)
        else:
            return None
        return _Token("id", self.src[start : self.i], start)

    def _next(self) -> _Token:
        start, src = self.i, self.src
        char = src[start]
        if _is_word_start(char):
            self.i = self._scan(start, _is_word_char)
            word = src[start : self.i]
            kind = "kw" if word in _KEYWORDS else "type" if word in _TYPES else "id"
            return _Token(kind, word, start)
        if char.isascii() and char.isdigit():
            return self._number()
        if char in "'\"":
            return self._string()
        for length, operators in zip((4, 3, 2, 1), _OPERATORS, strict=True):
            text = src[start : start + length]
            if text in operators:
                self.i = start + length
                return _Token("op", text, start)
        raise _CompileProblem(f"unexpected character [{char}].", start)

    def _digits(self, start: int) -> int:
        return self._scan(start, lambda c: c.isascii() and c.isdigit())

    def _number(self) -> _Token:
        src, start = self.src, self.i
        if src[start : start + 2] in ("0x", "0X"):
            return self._hex(start)
        end = self._digits(start)
        decimal = False
        if src[end : end + 1] == "." and src[end + 1 : end + 2].isdigit():
            end, decimal = self._digits(end + 1), True
        if src[end : end + 1] in ("e", "E"):
            exponent = end + 1 + (src[end + 1 : end + 2] in ("+", "-"))
            if src[exponent : exponent + 1].isdigit():
                end, decimal = self._digits(exponent), True
        digits = src[start:end]
        suffix = src[end : end + 1]
        if suffix in ("l", "L") and not decimal:
            self.i = end + 1
            return _Token("num", src[start : end + 1], start, self._integer(digits, start), "L")
        if suffix in ("f", "F", "d", "D"):
            end, decimal = end + 1, True
        self.i = end
        if decimal:
            return _Token("num", src[start:end], start, float(digits), "D")
        return _Token("num", digits, start, self._integer(digits, start))

    def _integer(self, digits: str, start: int) -> int:
        if len(digits) > 1 and digits[0] == "0":
            if any(char not in "01234567" for char in digits):
                raise _CompileProblem(f"unexpected character [{digits}].", start)
            return int(digits, 8)
        return int(digits)

    def _hex(self, start: int) -> _Token:
        end = self._scan(start + 2, lambda c: c in "0123456789abcdefABCDEF")
        if end == start + 2:
            raise _CompileProblem(f"unexpected character [{self.src[start:end]}].", start)
        value = int(self.src[start + 2 : end], 16)
        suffix = ""
        if self.src[end : end + 1] in ("l", "L"):
            end, suffix = end + 1, "L"
        self.i = end
        return _Token("num", self.src[start:end], start, value, suffix)

    def _string(self) -> _Token:
        """A quoted string: the only escapes Painless knows are the quote and the backslash."""
        src, start = self.src, self.i
        quote, parts, j = src[start], [], start + 1
        while True:
            if j >= len(src):
                raise _CompileProblem(f"unexpected character [{src[start:j][:30]}].", start)
            char = src[j]
            if char == quote:
                break
            if char == "\\":
                escaped = src[j + 1 : j + 2]
                if escaped not in ("\\", quote):
                    raise _CompileProblem(
                        f"unexpected character [{src[start : j + 2][:30]}].", start
                    )
                parts.append(escaped)
                j += 2
                continue
            parts.append(char)
            j += 1
        self.i = j + 1
        return _Token("str", src[start : j + 1], start, "".join(parts))


# ---------------------------------------------------------------------------------------------
# Syntax tree: ``pos`` is where an error at the node points.


@dataclass(slots=True, eq=False)
class _Lit:
    pos: int
    value: Any


@dataclass(slots=True, eq=False)
class _Name:
    pos: int
    name: str


@dataclass(slots=True, eq=False)
class _Field:
    pos: int
    obj: Any
    name: str
    nullsafe: bool


@dataclass(slots=True, eq=False)
class _Index:
    pos: int
    obj: Any
    key: Any


@dataclass(slots=True, eq=False)
class _Call:
    pos: int
    obj: Any
    name: str
    args: list[Any]
    nullsafe: bool


@dataclass(slots=True, eq=False)
class _StaticCall:
    pos: int
    cls: str
    name: str
    args: list[Any]


@dataclass(slots=True, eq=False)
class _StaticField:
    pos: int
    cls: str
    name: str


@dataclass(slots=True, eq=False)
class _New:
    pos: int
    cls: str
    args: list[Any]


@dataclass(slots=True, eq=False)
class _ListInit:
    pos: int
    items: list[Any]


@dataclass(slots=True, eq=False)
class _MapInit:
    pos: int
    pairs: list[tuple[Any, Any]]


@dataclass(slots=True, eq=False)
class _Unary:
    pos: int
    op: str
    operand: Any


@dataclass(slots=True, eq=False)
class _Binary:
    pos: int
    op: str
    left: Any
    right: Any


@dataclass(slots=True, eq=False)
class _Logic:
    pos: int
    op: str
    left: Any
    right: Any


@dataclass(slots=True, eq=False)
class _Ternary:
    pos: int
    cond: Any
    then: Any
    other: Any


@dataclass(slots=True, eq=False)
class _Elvis:
    pos: int
    left: Any
    right: Any


@dataclass(slots=True, eq=False)
class _Assign:
    pos: int
    op: str  # "=" or a compound operator such as "+="
    target: Any
    value: Any


@dataclass(slots=True, eq=False)
class _Step:
    pos: int
    op: str  # "++" or "--"
    target: Any
    prefix: bool


@dataclass(slots=True, eq=False)
class _Cast:
    pos: int
    type: str
    operand: Any


@dataclass(slots=True, eq=False)
class _InstanceOf:
    pos: int
    operand: Any
    type: str


@dataclass(slots=True, eq=False)
class _ExprStmt:
    pos: int
    expr: Any


@dataclass(slots=True, eq=False)
class _Decl:
    pos: int
    type: str
    vars: list[tuple[str, int, Any, int]]  # name, its position, initializer, its position


@dataclass(slots=True, eq=False)
class _If:
    pos: int
    cond: Any
    then: Any
    other: Any


@dataclass(slots=True, eq=False)
class _While:
    pos: int
    cond: Any
    body: Any


@dataclass(slots=True, eq=False)
class _DoWhile:
    pos: int
    body: Any
    cond: Any


@dataclass(slots=True, eq=False)
class _For:
    pos: int
    init: Any
    cond: Any
    update: Any
    body: Any


@dataclass(slots=True, eq=False)
class _ForEach:
    pos: int
    type: str
    name: str
    name_pos: int
    iterable: Any
    body: Any


@dataclass(slots=True, eq=False)
class _Return:
    pos: int
    value: Any


@dataclass(slots=True, eq=False)
class _Break:
    pos: int


@dataclass(slots=True, eq=False)
class _Continue:
    pos: int


@dataclass(slots=True, eq=False)
class _Block:
    pos: int
    stmts: list[Any]


@dataclass(slots=True, eq=False)
class _Empty:
    pos: int


def _start(node: Any) -> int:
    """Where the source text of an expression begins."""
    while True:
        if isinstance(node, (_Field, _Index, _Call)):
            node = node.obj
        elif isinstance(node, (_Assign, _Step)):
            node = node.target
        else:
            return int(node.pos)


# ---------------------------------------------------------------------------------------------
# Parser


_ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>="})
_PRECEDENCE = {
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
    "==": 6, "!=": 6, "===": 6, "!==": 6,
    "<": 7, "<=": 7, ">": 7, ">=": 7, "instanceof": 7,
    "<<": 8, ">>": 8, ">>>": 8,
    "+": 9, "-": 9,
    "*": 10, "/": 10, "%": 10,
}  # fmt: skip
_UNSUPPORTED = {"try": "try/catch", "catch": "try/catch", "throw": "throw"}


class _Parser:
    """A recursive-descent parser following Painless's grammar, statement by statement."""

    def __init__(self, source: str) -> None:
        self.tokens = _Lexer(source).tokens()
        self.i = 0

    # -- tokens

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def peek(self, ahead: int) -> _Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        token = self.tokens[self.i]
        if token.kind != "eof":
            self.i += 1
        return token

    def at(self, text: str) -> bool:
        token = self.tokens[self.i]
        return token.text == text and token.kind in ("op", "kw")

    def expect(self, text: str) -> _Token:
        if not self.at(text):
            raise self.unexpected()
        return self.advance()

    def unexpected(self, token: _Token | None = None) -> _CompileProblem:
        token = token or self.tok
        if token.kind == "eof":
            return _CompileProblem("unexpected end of script.", token.pos)
        return _CompileProblem(f"invalid sequence of tokens near ['{token.text}'].", token.pos)

    # -- statements

    def program(self) -> list[Any]:
        statements = []
        while self.tok.kind != "eof":
            statements.append(self.statement())
        return statements

    def statement(self) -> Any:
        token = self.tok
        if token.kind == "op" and token.text in ("{", ";"):
            if token.text == "{":
                return self.block()
            self.advance()
            return _Empty(token.pos)
        if token.kind == "kw":
            if token.text == "if":
                return self.if_statement()
            if token.text == "while":
                return self.while_statement()
            if token.text == "for":
                return self.for_statement()
            if token.text in _UNSUPPORTED:
                raise _CompileProblem(
                    f"{_UNSUPPORTED[token.text]} is not supported by the "
                    "djangoes embedded Painless interpreter",
                    token.pos,
                )
        statement = self.simple_statement()
        if self.at(";"):
            self.advance()
        elif not (self.at("}") or self.tok.kind == "eof"):
            raise self.unexpected()
        return statement

    def simple_statement(self) -> Any:
        token = self.tok
        if token.kind == "kw" and token.text in ("do", "return", "break", "continue"):
            self.advance()
            if token.text == "do":
                return self.do_statement(token.pos)
            if token.text == "break":
                return _Break(token.pos)
            if token.text == "continue":
                return _Continue(token.pos)
            ends = self.at(";") or self.at("}") or self.tok.kind == "eof"
            return _Return(token.pos, None if ends else self.expression())
        if token.kind == "type" and self.peek(1).kind == "id":
            return self.declaration()
        if token.kind == "type" and self.peek(1).text == "[":
            raise _CompileProblem(
                "arrays are not supported by the djangoes embedded Painless interpreter", token.pos
            )
        return _ExprStmt(token.pos, self.expression())

    def declaration(self) -> _Decl:
        type_token = self.advance()
        variables = []
        while True:
            name = self.advance()
            if name.kind != "id":
                raise self.unexpected(name)
            value, value_pos = None, name.pos
            if self.at("="):
                self.advance()
                value_pos = self.tok.pos
                value = self.expression()
            variables.append((name.text, name.pos, value, value_pos))
            if not self.at(","):
                return _Decl(type_token.pos, type_token.text, variables)
            self.advance()

    def block(self) -> _Block:
        start = self.expect("{").pos
        statements = []
        while not self.at("}"):
            if self.tok.kind == "eof":
                raise self.unexpected()
            statements.append(self.statement())
        self.advance()
        return _Block(start, statements)

    def condition(self) -> Any:
        self.expect("(")
        condition = self.expression()
        self.expect(")")
        return condition

    def loop_body(self) -> Any:
        if self.at(";"):
            return _Empty(self.advance().pos)
        return self.statement()

    def if_statement(self) -> _If:
        start = self.advance().pos
        condition = self.condition()
        then = self.statement()
        other = None
        if self.at("else"):
            self.advance()
            other = self.statement()
        return _If(start, condition, then, other)

    def while_statement(self) -> _While:
        start = self.advance().pos
        condition = self.condition()
        return _While(start, condition, self.loop_body())

    def do_statement(self, start: int) -> _DoWhile:
        body = self.block()
        self.expect("while")
        return _DoWhile(start, body, self.condition())

    def for_statement(self) -> Any:
        start = self.advance().pos
        self.expect("(")
        first, second, third = self.tok, self.peek(1), self.peek(2)
        if first.kind == "type" and second.kind == "id" and third.text == ":":
            self.i += 3
            return self.for_each(start, first.text, second)
        if first.kind == "id" and second.kind == "id" and second.text == "in":
            self.i += 2
            return self.for_each(start, "def", first)
        init = None
        if not self.at(";"):
            init = self.declaration() if first.kind == "type" else self.expression()
        self.expect(";")
        condition = None if self.at(";") else self.expression()
        self.expect(";")
        update = None if self.at(")") else self.expression()
        self.expect(")")
        return _For(start, init, condition, update, self.loop_body())

    def for_each(self, start: int, type_name: str, name: _Token) -> _ForEach:
        iterable = self.expression()
        self.expect(")")
        return _ForEach(start, type_name, name.text, name.pos, iterable, self.statement())

    # -- expressions

    def expression(self) -> Any:
        start = self.tok.pos
        left = self.ternary()
        token = self.tok
        if token.kind == "op" and token.text in _ASSIGN_OPS:
            self.advance()
            value = self.expression()
            self.check_assignable(left, start)
            return _Assign(left.pos, token.text, left, value)
        return left

    def check_assignable(self, node: Any, start: int) -> None:
        if not isinstance(node, (_Name, _Field, _Index)) or getattr(node, "nullsafe", False):
            raise _CompileProblem(
                "invalid assignment: cannot assign a value to this expression", start
            )

    def ternary(self) -> Any:
        start = self.tok.pos
        condition = self.elvis()
        if not self.at("?"):
            return condition
        self.advance()
        then = self.expression()
        self.expect(":")
        return _Ternary(start, condition, then, self.expression())

    def elvis(self) -> Any:
        start = self.tok.pos
        left = self.binary(1)
        if self.at("?:"):
            self.advance()
            return _Elvis(start, left, self.elvis())
        return left

    def binary(self, lowest: int) -> Any:
        start = self.tok.pos
        left = self.unary()
        while True:
            token = self.tok
            precedence = _PRECEDENCE.get(token.text) if token.kind in ("op", "kw") else None
            if precedence is None or precedence < lowest:
                return left
            self.advance()
            if token.text == "instanceof":
                type_token = self.advance()
                if type_token.kind != "type":
                    raise _CompileProblem(
                        f"cannot resolve type [{type_token.text}]", type_token.pos
                    )
                left = _InstanceOf(start, left, type_token.text)
                continue
            right = self.binary(precedence + 1)
            kind = _Logic if token.text in ("&&", "||") else _Binary
            left = kind(start, token.text, left, right)

    def unary(self) -> Any:
        token = self.tok
        if token.kind != "op":
            return self.postfix()
        if token.text in ("++", "--"):
            self.advance()
            target = self.postfix(allow_step=False)
            self.check_assignable(target, token.pos)
            return _Step(target.pos, token.text, target, True)
        if token.text in ("-", "+", "!", "~"):
            self.advance()
            operand = self.unary()
            if token.text == "-" and isinstance(operand, _Lit) and type(operand.value) in _NUMBERS:
                return _Lit(token.pos, -operand.value)
            return _Unary(token.pos, token.text, operand)
        if token.text == "(" and self.peek(1).kind == "type" and self.peek(2).text == ")":
            type_name = self.peek(1).text
            self.i += 3
            return _Cast(token.pos, type_name, self.unary())
        return self.postfix()

    def postfix(self, allow_step: bool = True) -> Any:
        node = self.primary()
        while True:
            token = self.tok
            if token.kind == "op" and token.text in (".", "?."):
                self.advance()
                name = self.advance()
                if name.kind != "id":
                    raise self.unexpected(name)
                nullsafe = token.text == "?."
                if self.at("("):
                    node = _Call(name.pos, node, name.text, self.arguments()[0], nullsafe)
                else:
                    node = _Field(name.pos, node, name.text, nullsafe)
            elif self.at("["):
                self.advance()
                key = self.expression()
                self.expect("]")
                node = _Index(token.pos, node, key)
            else:
                break
        if allow_step and (self.at("++") or self.at("--")):
            token = self.advance()
            self.check_assignable(node, token.pos)
            return _Step(node.pos, token.text, node, False)
        return node

    def arguments(self) -> tuple[list[Any], int]:
        self.expect("(")
        args = []
        if not self.at(")"):
            args.append(self.expression())
            while self.at(","):
                self.advance()
                args.append(self.expression())
        return args, self.expect(")").pos

    def primary(self) -> Any:
        token = self.tok
        if token.kind == "num":
            return self.number()
        if token.kind == "str":
            self.advance()
            return _Lit(token.pos, token.value)
        if token.kind == "kw" and token.text in ("true", "false", "null", "new"):
            self.advance()
            if token.text == "new":
                return self.new(token.pos)
            return _Lit(token.pos, {"true": True, "false": False, "null": None}[token.text])
        if token.kind == "id":
            self.advance()
            if self.at("("):
                count = len(self.arguments()[0])
                raise _CompileProblem(
                    f"Unknown call [{token.text}] with [{count}] arguments.", token.pos
                )
            return _Name(token.pos, token.text)
        if token.kind == "type" and self.peek(1).text == ".":
            return self.static_member()
        if self.at("("):
            self.advance()
            inner = self.expression()
            self.expect(")")
            return inner
        if self.at("["):
            return self.collection()
        raise self.unexpected()

    def number(self) -> _Lit:
        token = self.advance()
        value = token.value
        negated = self.tokens[self.i - 2].text == "-" if self.i >= 2 else False
        if token.suffix == "" and value > _INT_MAX + negated:
            raise _CompileProblem(f"Invalid int constant [{token.text}].", token.pos)
        if token.suffix == "L" and value > _LONG_MAX + negated:
            raise _CompileProblem(f"Invalid long constant [{token.text}].", token.pos)
        return _Lit(token.pos, value)

    def static_member(self) -> Any:
        owner = self.advance()
        self.advance()  # the dot
        name = self.advance()
        if name.kind != "id":
            raise self.unexpected(name)
        if not self.at("("):
            return _StaticField(name.pos, owner.text, name.text)
        args, close = self.arguments()
        return _StaticCall(close, owner.text, name.text, args)

    def new(self, start: int) -> _New:
        type_token = self.advance()
        if type_token.kind not in ("type", "id"):
            raise self.unexpected(type_token)
        if self.at("["):
            raise _CompileProblem(
                "arrays are not supported by the djangoes embedded Painless interpreter",
                type_token.pos,
            )
        return _New(start, type_token.text, self.arguments()[0])

    def collection(self) -> Any:
        start = self.advance().pos
        if self.at("]"):
            self.advance()
            return _ListInit(start, [])
        if self.at(":"):
            self.advance()
            self.expect("]")
            return _MapInit(start, [])
        first = self.expression()
        if self.at(":"):
            return self.map_rest(start, first)
        items = [first]
        while self.at(","):
            self.advance()
            items.append(self.expression())
        self.expect("]")
        return _ListInit(start, items)

    def map_rest(self, start: int, key: Any) -> _MapInit:
        pairs = []
        while True:
            self.expect(":")
            pairs.append((key, self.expression()))
            if not self.at(","):
                break
            self.advance()
            key = self.expression()
        self.expect("]")
        return _MapInit(start, pairs)


# ---------------------------------------------------------------------------------------------
# Compiler: syntax tree to closures


class _Scope:
    """Variables visible in a block; Painless forbids shadowing one in an enclosing block."""

    def __init__(self, parent: _Scope | None) -> None:
        self.parent = parent
        self.names: dict[str, tuple[int, str]] = {}

    def lookup(self, name: str) -> tuple[int, str] | None:
        scope: _Scope | None = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


def _noop(frame: list[Any]) -> None:
    return None


def _sequence(steps: list[Fn]) -> Fn:
    if not steps:
        return _noop
    if len(steps) == 1:
        return steps[0]

    def run(frame: list[Any]) -> Any:
        for step in steps:
            signal = step(frame)
            if signal:
                return signal
        return None

    return run


def _is_boolean(node: Any) -> bool:
    """Whether an expression can only produce a boolean, so its truth needs no check."""
    if isinstance(node, _Binary):
        return node.op in _COMPARISONS
    if isinstance(node, _Unary):
        return node.op == "!"
    if isinstance(node, _Lit):
        return type(node.value) is bool
    return isinstance(node, (_Logic, _InstanceOf))


def _loop_cost(body: Any) -> int:
    """What one iteration takes from the loop budget: its statement count, at least one."""
    if isinstance(body, _Block):
        return max(1, sum(not isinstance(s, _Empty) for s in body.stmts))
    return 1


def _spend(frame: list[Any], cost: int, pos: int) -> None:
    frame[_BUDGET] -= cost
    if frame[_BUDGET] <= 0:
        raise _Fault("painless_error", LOOP_MESSAGE, pos)


class _Compiler:
    """Resolves names to frame slots, makes Painless's compile-time checks, builds closures."""

    def __init__(self) -> None:
        self.starts: set[int] = set()
        self.slots = 3
        self.loops = 0

    def program(self, statements: list[Any]) -> Fn:
        root = _Scope(None)
        root.names = {"ctx": (_CTX, "Map"), "params": (_PARAMS, "Map")}
        return self.block(statements, _Scope(root))

    def new_slot(self) -> int:
        self.slots += 1
        return self.slots - 1

    # -- statements

    def block(self, statements: list[Any], scope: _Scope) -> Fn:
        steps, escaped = [], False
        for statement in statements:
            if isinstance(statement, _Empty):
                continue
            if escaped:
                raise _CompileProblem("Unreachable statement.", statement.pos)
            steps.append(self.statement(statement, scope))
            escaped = isinstance(statement, (_Return, _Break, _Continue))
        return _sequence(steps)

    def statement(self, node: Any, scope: _Scope) -> Fn:
        if not isinstance(node, (_Decl, _Block, _Empty)):
            self.starts.add(node.pos)
        handler: Callable[[Any, _Scope], Fn] = getattr(self, "s" + type(node).__name__)
        return handler(node, scope)

    def nested(self, node: Any, scope: _Scope) -> Fn:
        """A statement that is the body of an ``if`` or a loop: it gets a scope of its own."""
        inner = _Scope(scope)
        if isinstance(node, _Block):
            return self.block(node.stmts, inner)
        return self.block([node], inner)

    def s_Empty(self, node: _Empty, scope: _Scope) -> Fn:
        return _noop

    def s_Block(self, node: _Block, scope: _Scope) -> Fn:
        return self.block(node.stmts, _Scope(scope))

    def s_ExprStmt(self, node: _ExprStmt, scope: _Scope) -> Fn:
        if not isinstance(node.expr, (_Assign, _Step, _Call, _StaticCall, _New)):
            raise _CompileProblem("Not a statement.", node.pos)
        expression = self.expr(node.expr, scope)

        def run(frame: list[Any]) -> None:
            expression(frame)

        return run

    def s_Decl(self, node: _Decl, scope: _Scope) -> Fn:
        steps = []
        for name, pos, value, value_pos in node.vars:
            self.starts.add(pos)
            if scope.lookup(name) is not None:
                raise _CompileProblem(f"variable [{name}] is already defined", pos)
            slot = self.new_slot()
            if value is None:
                steps.append(_store_constant(slot, _DEFAULTS.get(node.type)))
            else:
                compiled = self.expr(value, scope)
                steps.append(_store_slot(slot, compiled, _conversion(node.type, False), value_pos))
            scope.names[name] = (slot, node.type)
        return _sequence(steps)

    def s_If(self, node: _If, scope: _Scope) -> Fn:
        condition = self.condition(node.cond, scope)
        then = self.nested(node.then, scope)
        if node.other is None:

            def run(frame: list[Any]) -> Any:
                return then(frame) if condition(frame) else None

            return run
        other = self.nested(node.other, scope)

        def run_else(frame: list[Any]) -> Any:
            return then(frame) if condition(frame) else other(frame)

        return run_else

    def loop_body(self, node: Any, scope: _Scope) -> Fn:
        self.loops += 1
        try:
            return self.nested(node, scope)
        finally:
            self.loops -= 1

    def s_While(self, node: _While, scope: _Scope) -> Fn:
        condition = self.condition(node.cond, scope)
        body, cost, pos = self.loop_body(node.body, scope), _loop_cost(node.body), node.pos

        def run(frame: list[Any]) -> Any:
            while condition(frame):
                _spend(frame, cost, pos)
                signal = body(frame)
                if signal == _BREAK:
                    break
                if signal == _RETURN:
                    return signal
            return None

        return run

    def s_DoWhile(self, node: _DoWhile, scope: _Scope) -> Fn:
        body, cost, pos = self.loop_body(node.body, scope), _loop_cost(node.body), node.pos
        condition = self.condition(node.cond, scope)

        def run(frame: list[Any]) -> Any:
            while True:
                _spend(frame, cost, pos)
                signal = body(frame)
                if signal == _BREAK:
                    break
                if signal == _RETURN:
                    return signal
                if not condition(frame):
                    break
            return None

        return run

    def s_For(self, node: _For, scope: _Scope) -> Fn:
        inner = _Scope(scope)
        init: Fn = _noop
        if isinstance(node.init, _Decl):
            init = self.statement(node.init, inner)
        elif node.init is not None:
            init = self.expr(node.init, inner)
        condition = self.condition(node.cond, inner) if node.cond is not None else None
        update = self.expr(node.update, inner) if node.update is not None else _noop
        body, cost, pos = self.loop_body(node.body, inner), _loop_cost(node.body), node.pos

        def run(frame: list[Any]) -> Any:
            init(frame)
            while condition is None or condition(frame):
                _spend(frame, cost, pos)
                signal = body(frame)
                if signal == _BREAK:
                    break
                if signal == _RETURN:
                    return signal
                update(frame)
            return None

        return run

    def s_ForEach(self, node: _ForEach, scope: _Scope) -> Fn:
        inner = _Scope(scope)
        iterable = self.expr(node.iterable, inner)
        if inner.lookup(node.name) is not None:
            raise _CompileProblem(f"variable [{node.name}] is already defined", node.name_pos)
        slot = self.new_slot()
        inner.names[node.name] = (slot, node.type)
        convert = _conversion(node.type, False)
        body, cost, pos = self.loop_body(node.body, inner), _loop_cost(node.body), node.pos
        iterable_pos, name_pos = _start(node.iterable), node.name_pos

        def run(frame: list[Any]) -> Any:
            items = iterable(frame)
            if type(items) is not list:
                raise _not_iterable(items, iterable_pos)
            size, cursor = len(items), 0
            while cursor < len(items):
                if len(items) != size:
                    raise _Fault("concurrent_modification_exception", None, pos)
                _spend(frame, cost, pos)
                item = items[cursor]
                cursor += 1
                frame[slot] = item if convert is None else _convert_at(convert, item, name_pos)
                signal = body(frame)
                if signal == _BREAK:
                    break
                if signal == _RETURN:
                    return signal
            return None

        return run

    def s_Return(self, node: _Return, scope: _Scope) -> Fn:
        if node.value is None:
            return lambda frame: _RETURN
        value = self.expr(node.value, scope)

        def run(frame: list[Any]) -> int:
            value(frame)
            return _RETURN

        return run

    def s_Break(self, node: _Break, scope: _Scope) -> Fn:
        if not self.loops:
            raise _CompileProblem("invalid break statement: not inside a loop", node.pos)
        return lambda frame: _BREAK

    def s_Continue(self, node: _Continue, scope: _Scope) -> Fn:
        if not self.loops:
            raise _CompileProblem("invalid continue statement: not inside a loop", node.pos)
        return lambda frame: _CONTINUE

    def condition(self, node: Any, scope: _Scope) -> Fn:
        """An expression used as a condition: it must produce a boolean."""
        compiled = self.expr(node, scope)
        if _is_boolean(node):
            return compiled
        pos = _start(node)

        def run(frame: list[Any]) -> bool:
            value = compiled(frame)
            if value is True or value is False:
                return value
            fault = _cast_fault(value, "boolean")
            fault.locate(pos)
            raise fault

        return run

    # -- expressions

    def expr(self, node: Any, scope: _Scope) -> Fn:
        handler: Callable[[Any, _Scope], Fn] = getattr(self, "e" + type(node).__name__)
        return handler(node, scope)

    def e_Lit(self, node: _Lit, scope: _Scope) -> Fn:
        value = node.value
        return lambda frame: value

    def resolve(self, node: _Name, scope: _Scope) -> tuple[int, str]:
        found = scope.lookup(node.name)
        if found is None:
            raise _CompileProblem(f"cannot resolve symbol [{node.name}]", node.pos)
        return found

    def e_Name(self, node: _Name, scope: _Scope) -> Fn:
        return itemgetter(self.resolve(node, scope)[0])

    def e_Field(self, node: _Field, scope: _Scope) -> Fn:
        obj, name, pos, nullsafe = self.expr(node.obj, scope), node.name, node.pos, node.nullsafe

        def run(frame: list[Any]) -> Any:
            target = obj(frame)
            if type(target) is dict:
                return target.get(name)
            if target is None and nullsafe:
                return None
            try:
                return _load_field(target, name)
            except _Fault as fault:
                fault.locate(pos)
                raise

        return run

    def e_Index(self, node: _Index, scope: _Scope) -> Fn:
        obj, key, pos = self.expr(node.obj, scope), self.expr(node.key, scope), node.pos

        def run(frame: list[Any]) -> Any:
            target, index = obj(frame), key(frame)
            try:
                return _load_index(target, index)
            except _Fault as fault:
                fault.locate(pos)
                raise

        return run

    def e_Call(self, node: _Call, scope: _Scope) -> Fn:
        obj = self.expr(node.obj, scope)
        args = [self.expr(arg, scope) for arg in node.args]
        key, pos, nullsafe = (node.name, len(args)), node.pos, node.nullsafe

        def run(frame: list[Any]) -> Any:
            target = obj(frame)
            if target is None and nullsafe:
                return None
            values = (args[0](frame),) if len(args) == 1 else tuple([a(frame) for a in args])
            try:
                return _invoke(frame, target, key, values)
            except _Fault as fault:
                fault.locate(pos)
                raise

        return run

    def e_StaticCall(self, node: _StaticCall, scope: _Scope) -> Fn:
        method = _STATIC_METHODS.get((node.cls, node.name, len(node.args)))
        if method is None:
            raise _CompileProblem(
                f"static method [{_JAVA_NAMES[node.cls]}, {node.name}/{len(node.args)}] not found",
                node.pos,
            )
        args = [self.expr(arg, scope) for arg in node.args]
        return _located_call(method, args, node.pos)

    def e_StaticField(self, node: _StaticField, scope: _Scope) -> Fn:
        key = (node.cls, node.name)
        if key not in _STATIC_FIELDS:
            raise _CompileProblem(
                f"static field [{_JAVA_NAMES[node.cls]}, {node.name}] not found", node.pos
            )
        value = _STATIC_FIELDS[key]
        return lambda frame: value

    def e_New(self, node: _New, scope: _Scope) -> Fn:
        if node.cls not in _TYPES:
            raise _CompileProblem(f"cannot resolve type [{node.cls}]", node.pos)
        constructor = _CONSTRUCTORS.get((node.cls, len(node.args)))
        if constructor is None:
            raise _CompileProblem(
                f"constructor [{_JAVA_NAMES[node.cls]}, <init>/{len(node.args)}] not found",
                node.pos,
            )
        args = [self.expr(arg, scope) for arg in node.args]
        return _located_call(constructor, args, node.pos)

    def e_ListInit(self, node: _ListInit, scope: _Scope) -> Fn:
        items = [self.expr(item, scope) for item in node.items]
        return lambda frame: [item(frame) for item in items]

    def e_MapInit(self, node: _MapInit, scope: _Scope) -> Fn:
        pairs = [(self.expr(k, scope), self.expr(v, scope)) for k, v in node.pairs]
        pos = node.pos

        def run(frame: list[Any]) -> dict[Any, Any]:
            result = {}
            for key, value in pairs:
                name = key(frame)
                try:
                    _hashable(name)
                except _Fault as fault:
                    fault.locate(pos)
                    raise
                result[name] = value(frame)
            return result

        return run

    def e_Unary(self, node: _Unary, scope: _Scope) -> Fn:
        return _located_call(_UNARY[node.op], [self.expr(node.operand, scope)], node.pos)

    def e_Binary(self, node: _Binary, scope: _Scope) -> Fn:
        operator = _BINARY[node.op]
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)
        if isinstance(node.left, _Lit) and isinstance(node.right, _Lit):
            try:
                value = operator(node.left.value, node.right.value)
                return lambda frame: value
            except _Fault:
                pass  # fails when run, like Java does
        return _located_call(operator, [left, right], node.pos)

    def e_Logic(self, node: _Logic, scope: _Scope) -> Fn:
        left, right = self.condition(node.left, scope), self.condition(node.right, scope)
        if node.op == "&&":
            return lambda frame: left(frame) and right(frame)
        return lambda frame: left(frame) or right(frame)

    def e_Ternary(self, node: _Ternary, scope: _Scope) -> Fn:
        condition = self.condition(node.cond, scope)
        then, other = self.expr(node.then, scope), self.expr(node.other, scope)
        return lambda frame: then(frame) if condition(frame) else other(frame)

    def e_Elvis(self, node: _Elvis, scope: _Scope) -> Fn:
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)

        def run(frame: list[Any]) -> Any:
            value = left(frame)
            return right(frame) if value is None else value

        return run

    def e_Cast(self, node: _Cast, scope: _Scope) -> Fn:
        operand = self.expr(node.operand, scope)
        convert = _conversion(node.type, True)
        if convert is None:
            return operand
        return _located_call(convert, [operand], node.pos)

    def e_InstanceOf(self, node: _InstanceOf, scope: _Scope) -> Fn:
        check = _instance_check(node.type)
        if check is None:
            raise _CompileProblem(f"cannot resolve type [{node.type}]", node.pos)
        operand = self.expr(node.operand, scope)
        return lambda frame: check(operand(frame))

    def e_Assign(self, node: _Assign, scope: _Scope) -> Fn:
        value = self.expr(node.value, scope)
        operator = None if node.op == "=" else _BINARY[node.op[:-1]]
        return self.update(node.target, scope, operator, value, post=False)

    def e_Step(self, node: _Step, scope: _Scope) -> Fn:
        operator = _add if node.op == "++" else _sub
        return self.update(node.target, scope, operator, None, post=not node.prefix)

    def update(
        self,
        target: Any,
        scope: _Scope,
        operator: Callable[[Any, Any], Any] | None,
        value: Fn | None,
        post: bool,
    ) -> Fn:
        """An assignment (``operator`` None), a compound assignment or an increment (``value``
        None, adds or subtracts one), returning the new value or, for ``x++``, the old one."""
        if isinstance(target, _Name):
            slot, type_name = self.resolve(target, scope)
            if slot < 3:
                raise _CompileProblem(
                    f"invalid assignment: cannot assign a value to read-only "
                    f"variable [{target.name}]",
                    target.pos,
                )
            convert = _conversion(type_name, operator is not None)
            return _update_slot(slot, convert, operator, value, post, target.pos)
        obj = self.expr(target.obj, scope)
        if isinstance(target, _Field):
            return _update_field(obj, target.name, operator, value, post, target.pos)
        key = self.expr(target.key, scope)
        return _update_index(obj, key, operator, value, post, target.pos)


def _not_iterable(items: Any, pos: int) -> _Fault:
    if items is None:
        return _Fault("null_pointer_exception", _NULL_RECEIVER, pos)
    return _Fault("illegal_argument_exception", f"Cannot iterate over [{_jclass(items)}]", pos)


def _convert_at(convert: Conversion, value: Any, pos: int) -> Any:
    try:
        return convert(value)
    except _Fault as fault:
        fault.locate(pos)
        raise


def _located_call(function: Callable[..., Any], args: list[Fn], pos: int) -> Fn:
    """Calls ``function`` with the values of ``args``; a fault it raises points at ``pos``."""
    if len(args) == 1:
        (only,) = args

        def run_one(frame: list[Any]) -> Any:
            value = only(frame)
            try:
                return function(value)
            except _Fault as fault:
                fault.locate(pos)
                raise

        return run_one
    if len(args) == 2:
        first, second = args

        def run_two(frame: list[Any]) -> Any:
            a, b = first(frame), second(frame)
            try:
                return function(a, b)
            except _Fault as fault:
                fault.locate(pos)
                raise

        return run_two

    def run(frame: list[Any]) -> Any:
        values = [arg(frame) for arg in args]
        try:
            return function(*values)
        except _Fault as fault:
            fault.locate(pos)
            raise

    return run


def _store_constant(slot: int, value: Any) -> Fn:
    def run(frame: list[Any]) -> None:
        frame[slot] = value

    return run


def _store_slot(slot: int, value: Fn, convert: Conversion | None, pos: int) -> Fn:
    if convert is None:

        def run(frame: list[Any]) -> None:
            frame[slot] = value(frame)

        return run

    def run_converted(frame: list[Any]) -> None:
        frame[slot] = _convert_at(convert, value(frame), pos)

    return run_converted


def _update_slot(
    slot: int,
    convert: Conversion | None,
    operator: Callable[[Any, Any], Any] | None,
    value: Fn | None,
    post: bool,
    pos: int,
) -> Fn:
    def run(frame: list[Any]) -> Any:
        old = frame[slot]
        try:
            if operator is None:
                new = value(frame)  # type: ignore[misc]
            else:
                new = operator(old, 1 if value is None else value(frame))
            if convert is not None:
                new = convert(new)
        except _Fault as fault:
            fault.locate(pos)
            raise
        frame[slot] = new
        return old if post else new

    return run


def _update_field(
    obj: Fn,
    name: str,
    operator: Callable[[Any, Any], Any] | None,
    value: Fn | None,
    post: bool,
    pos: int,
) -> Fn:
    if operator is None:

        def assign(frame: list[Any]) -> Any:
            target = obj(frame)
            new = value(frame)  # type: ignore[misc]
            if type(target) is dict and target is not frame[_CTX]:
                target[name] = new
                return new
            try:
                _store_field(frame, target, name, new)
            except _Fault as fault:
                fault.locate(pos)
                raise
            return new

        return assign

    def update(frame: list[Any]) -> Any:
        target = obj(frame)
        try:
            old = target.get(name) if type(target) is dict else _load_field(target, name)
            new = operator(old, 1 if value is None else value(frame))
            _store_field(frame, target, name, new)
        except _Fault as fault:
            fault.locate(pos)
            raise
        return old if post else new

    return update


def _update_index(
    obj: Fn,
    key: Fn,
    operator: Callable[[Any, Any], Any] | None,
    value: Fn | None,
    post: bool,
    pos: int,
) -> Fn:
    def run(frame: list[Any]) -> Any:
        target, index = obj(frame), key(frame)
        try:
            if operator is None:
                old, new = None, value(frame)  # type: ignore[misc]
            else:
                old = _load_index(target, index)
                new = operator(old, 1 if value is None else value(frame))
            _store_index(frame, target, index, new)
        except _Fault as fault:
            fault.locate(pos)
            raise
        return old if post else new

    return run


# ---------------------------------------------------------------------------------------------
# Public interface


@dataclass(slots=True, frozen=True)
class _Program:
    source: str
    run: Fn
    locals: tuple[None, ...]  # the initial values of the frame's local variable slots
    starts: list[int]  # where each statement begins, for runtime ``script_stack``


@lru_cache(maxsize=512)
def _compile_source(source: str) -> _Program:
    try:
        statements = _Parser(source).program()
        compiler = _Compiler()
        run = compiler.program(statements)
    except _CompileProblem as problem:
        raise _compile_error(source, problem.message, problem.offset) from None
    except RecursionError:
        raise _compile_error(source, "the script is nested too deeply", 0) from None
    blanks = (None,) * (compiler.slots - 3)
    return _Program(source, run, blanks, sorted(compiler.starts))


class CompiledScript:
    """A compiled update script with its ``params``, ready to run against any number of ctx maps."""

    __slots__ = ("_program", "params")

    def __init__(self, program: _Program, params: dict[str, Any]) -> None:
        self._program = program
        self.params = params

    @property
    def source(self) -> str:
        return self._program.source

    def execute(self, ctx: dict[str, Any]) -> None:
        """Run the script; it edits ``ctx`` (``_source``, ``op``...) in place."""
        program = self._program
        params = _copy_tree(self.params) if self.params else self.params
        frame = [MAX_LOOP_COUNTER, ctx, params, *program.locals]
        try:
            program.run(frame)
        except _Fault as fault:
            raise _runtime_error(program, fault) from None
        except RecursionError:
            raise _runtime_error(program, _Fault("stack_overflow_error", None)) from None
        except (ArithmeticError, TypeError, ValueError, LookupError) as exc:  # a safety net
            fault = _Fault("illegal_argument_exception", f"{type(exc).__name__}: {exc}")
            raise _runtime_error(program, fault) from None


def _copy_tree(value: Any) -> Any:
    """A copy of the maps and lists of a JSON tree, so that values a script takes from ``params``
    never alias between the documents one request updates (Elasticsearch serializes each one)."""
    kind = type(value)
    if kind is dict:
        return {key: _copy_tree(item) for key, item in value.items()}
    if kind is list:
        return [_copy_tree(item) for item in value]
    return value


def _read_script(script: dict[str, Any] | str) -> tuple[str, dict[str, Any]]:
    """The source and params of a script given as a string or as Elasticsearch's object."""
    if isinstance(script, str):
        return script, {}
    if not isinstance(script, dict):
        raise IllegalArgument("[script] must be a string or an object")
    if "id" in script:
        if "source" in script:
            raise IllegalArgument("[script] only one of [id] or [source] may be specified")
        raise IllegalArgument("stored scripts are not supported by the djangoes embedded engine")
    lang = script.get("lang") or LANG
    if lang != LANG:
        raise IllegalArgument(f"script_lang not supported [{lang}]")
    source = script.get("source")
    if source is None:
        raise IllegalArgument(
            "must specify either [source] for an inline script or [id] for a stored script"
        )
    if not isinstance(source, str):
        raise IllegalArgument("[script] [source] must be a string")
    params = script.get("params")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise IllegalArgument("[script] [params] must be an object")
    return source, params


def compile_script(script: dict[str, Any] | str) -> CompiledScript:
    """Compile a script (``{"source", "lang", "params"}`` or a plain source string).

    Compilation is cached per source text, so only the first use of a source pays for parsing.
    """
    source, params = _read_script(script)
    return CompiledScript(_compile_source(source), params)


def run_update_script(script: dict[str, Any] | str, ctx: dict[str, Any]) -> None:
    """Compile (cached) and run an update script against ``ctx``, which it edits in place."""
    compile_script(script).execute(ctx)
