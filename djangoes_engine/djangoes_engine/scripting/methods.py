"""The methods a script calls on values, resolved by the receiver's type, name and arity.

Receivers are ``def``: a call is looked up when it runs, in the table of the receiver's runtime
type (``Map``, ``List``, ``String``, numbers, booleans, ``Map.Entry``). Each method gives Java's
result and throws Java's exception (``List.remove(int)`` removes at an index, ``String.split``
drops trailing empty strings...). Calls that would change ``ctx`` are checked as writes to it are.
The argument checks here are shared with the static methods.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .access import CTX_READ_ONLY, check_ctx_put, check_ctx_remove, hashable
from .errors import Fault, cast_fault, cce, iae, npe, out_of_bounds
from .frame import CTX
from .operators import wrap
from .scoring import DOC_MAP_METHODS, DOC_VALUES_METHODS
from .values import (
    NUMBERS,
    AnalysisToken,
    DocMap,
    DocValues,
    Entry,
    jclass,
    jequals,
    jstr,
    truncate,
)


def int_arg(value: Any) -> int:
    if type(value) is int:
        return value
    raise cast_fault(value, "int")


def str_arg(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        raise npe('Cannot invoke "String.length()" because "str" is null')
    raise cce(f"Cannot cast {jclass(value)} to java.lang.String")


def list_arg(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    if value is None:
        raise npe()
    raise cce(f"Cannot cast {jclass(value)} to java.util.Collection")


def map_arg(value: Any) -> dict[Any, Any]:
    if type(value) is dict:
        return value
    if value is None:
        raise npe()
    raise cce(f"Cannot cast {jclass(value)} to java.util.Map")


def num_arg(value: Any) -> int | float:
    if type(value) in NUMBERS:
        return value
    raise cast_fault(value, "double")


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
    hashable(key)
    old = m.get(key)
    m[key] = value
    return old


def _map_remove(m: dict[Any, Any], key: Any) -> Any:
    try:
        return m.pop(key, None)
    except TypeError:
        return None


def _map_put_if_absent(m: dict[Any, Any], key: Any, value: Any) -> Any:
    hashable(key)
    old = m.get(key)
    if old is None:
        m[key] = value
    return old


def _map_put_all(m: dict[Any, Any], other: Any) -> None:
    m.update(map_arg(other))


def _list_add_at(items: list[Any], index: Any, value: Any) -> None:
    index = int_arg(index)
    if not 0 <= index <= len(items):
        raise Fault("index_out_of_bounds_exception", f"Index: {index}, Size: {len(items)}")
    items.insert(index, value)


def _list_add_all(items: list[Any], other: Any) -> bool:
    other = list(list_arg(other))
    items.extend(other)
    return bool(other)


def _list_add_all_at(items: list[Any], index: Any, other: Any) -> bool:
    index, other = int_arg(index), list(list_arg(other))
    if not 0 <= index <= len(items):
        raise Fault("index_out_of_bounds_exception", f"Index: {index}, Size: {len(items)}")
    items[index:index] = other
    return bool(other)


def _list_get(items: list[Any], index: Any) -> Any:
    return items[_list_get_index(items, int_arg(index))]


def _list_set(items: list[Any], index: Any, value: Any) -> Any:
    old = _list_get(items, index)
    items[index] = value
    return old


def _list_find(items: list[Any], value: Any) -> int:
    for position, item in enumerate(items):
        if jequals(item, value):
            return position
    return -1


def _list_find_last(items: list[Any], value: Any) -> int:
    for position in range(len(items) - 1, -1, -1):
        if jequals(items[position], value):
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
        raise out_of_bounds(index, len(items))
    return index


def _list_sub(items: list[Any], start: Any, end: Any) -> list[Any]:
    start, end = int_arg(start), int_arg(end)
    if start < 0 or end > len(items) or start > end:
        raise Fault(
            "index_out_of_bounds_exception",
            f"fromIndex: {start}, toIndex: {end}, size: {len(items)}",
        )
    return items[start:end]


def _list_remove_all(items: list[Any], other: Any) -> bool:
    other = list_arg(other)
    kept = [item for item in items if _list_find(other, item) < 0]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


def _list_retain_all(items: list[Any], other: Any) -> bool:
    other = list_arg(other)
    kept = [item for item in items if _list_find(other, item) >= 0]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


def _string_bounds(begin: int, end: int, length: int) -> Fault:
    return Fault(
        "string_index_out_of_bounds_exception", f"begin {begin}, end {end}, length {length}"
    )


def _substring(s: str, begin: Any, end: Any = None) -> str:
    begin = int_arg(begin)
    end = len(s) if end is None else int_arg(end)
    if begin < 0 or end > len(s) or begin > end:
        raise _string_bounds(begin, end, len(s))
    return s[begin:end]


def _char_at(s: str, index: Any) -> str:
    index = int_arg(index)
    if not 0 <= index < len(s):
        raise Fault(
            "string_index_out_of_bounds_exception",
            f"Index {index} out of bounds for length {len(s)}",
        )
    return s[index]


def java_trim(s: str) -> str:
    start, end = 0, len(s)
    while start < end and s[start] <= " ":
        start += 1
    while end > start and s[end - 1] <= " ":
        end -= 1
    return s[start:end]


def _compare_strings(a: str, b: Any) -> int:
    b = str_arg(b)
    for x, y in zip(a, b, strict=False):
        if x != y:
            return ord(x) - ord(y)
    return len(a) - len(b)


def _split(s: str, separator: Any) -> list[str]:
    """``String.split`` with a literal separator: Java drops the trailing empty strings."""
    separator = str_arg(separator)
    if not s:
        return [""]
    parts = list(s) if separator == "" else s.split(separator)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return parts


def _split_on_token(s: str, token: Any, limit: Any = 0) -> list[str]:
    """Painless's ``splitOnToken``: a literal split that keeps trailing empty strings."""
    token, limit = str_arg(token), int_arg(limit)
    if token == "":
        raise iae("Cannot split on empty token")
    return s.split(token, limit - 1) if limit > 0 else s.split(token)


def _string_hash(s: str) -> int:
    """``String.hashCode``, over UTF-16 code units as Java computes it."""
    data, value = s.encode("utf-16-be"), 0
    for i in range(0, len(data), 2):
        value = (31 * value + (data[i] << 8 | data[i + 1])) & 0xFFFFFFFF
    return wrap(value, 32)


def _compare_numbers(a: Any, b: Any) -> int:
    b = num_arg(b)
    return (a > b) - (a < b)


def _compare_booleans(a: bool, b: Any) -> int:
    if type(b) is not bool:
        raise cast_fault(b, "java.lang.Boolean")
    return int(a) - int(b)


_OBJECT_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("toString", 0): jstr,
    ("equals", 1): jequals,
}

_MAP_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("containsKey", 1): _map_contains_key,
    ("containsValue", 1): lambda m, v: any(jequals(x, v) for x in m.values()),
    ("get", 1): _map_get,
    ("getOrDefault", 2): _map_get,
    ("put", 2): _map_put,
    ("putIfAbsent", 2): _map_put_if_absent,
    ("putAll", 1): _map_put_all,
    ("remove", 1): _map_remove,
    ("keySet", 0): list,
    ("values", 0): lambda m: list(m.values()),
    ("entrySet", 0): lambda m: [Entry(m, k) for k in m],
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
    ("containsAll", 1): lambda items, o: all(_list_find(items, v) >= 0 for v in list_arg(o)),
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
    ("trim", 0): java_trim,
    ("strip", 0): str.strip,
    ("contains", 1): lambda s, x: str_arg(x) in s,
    ("startsWith", 1): lambda s, x: s.startswith(str_arg(x)),
    ("startsWith", 2): lambda s, x, i: s.startswith(str_arg(x), int_arg(i)),
    ("endsWith", 1): lambda s, x: s.endswith(str_arg(x)),
    ("substring", 1): _substring,
    ("substring", 2): _substring,
    ("replace", 2): lambda s, a, b: s.replace(str_arg(a), str_arg(b)),
    ("indexOf", 1): lambda s, x: s.find(str_arg(x)),
    ("indexOf", 2): lambda s, x, i: s.find(str_arg(x), max(0, int_arg(i))),
    ("lastIndexOf", 1): lambda s, x: s.rfind(str_arg(x)),
    ("charAt", 1): _char_at,
    ("equalsIgnoreCase", 1): lambda s, x: type(x) is str and s.casefold() == x.casefold(),
    ("compareTo", 1): _compare_strings,
    ("concat", 1): lambda s, x: s + str_arg(x),
    ("repeat", 1): lambda s, n: s * int_arg(n),
    ("split", 1): _split,
    ("splitOnToken", 1): _split_on_token,
    ("splitOnToken", 2): _split_on_token,
    ("hashCode", 0): _string_hash,
    **_OBJECT_METHODS,
}

_NUMBER_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    ("intValue", 0): lambda n: n if type(n) is int else truncate(n),
    ("longValue", 0): lambda n: n if type(n) is int else truncate(n),
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
    ("setValue", 1): Entry.set,
    **_OBJECT_METHODS,
}

_TOKEN_METHODS: dict[tuple[str, int], Callable[..., Any]] = {
    **{
        (("is" if name == "keyword" else "get") + name[0].upper() + name[1:], 0): getter
        for name, getter in AnalysisToken.GETTERS.items()
    },
    **_OBJECT_METHODS,
}

_METHODS: dict[type, dict[tuple[str, int], Callable[..., Any]]] = {
    dict: _MAP_METHODS,
    list: _LIST_METHODS,
    str: _STRING_METHODS,
    int: _NUMBER_METHODS,
    float: _NUMBER_METHODS,
    bool: _BOOLEAN_METHODS,
    Entry: _ENTRY_METHODS,
    AnalysisToken: _TOKEN_METHODS,
    DocValues: {**DOC_VALUES_METHODS, **_OBJECT_METHODS},
    DocMap: {**DOC_MAP_METHODS, **_OBJECT_METHODS},
}

_CTX_GUARDED = frozenset({"put", "putIfAbsent", "putAll", "remove", "clear"})


def invoke(frame: list[Any], obj: Any, key: tuple[str, int], args: tuple[Any, ...]) -> Any:
    """A call on a ``def`` receiver: resolved by the receiver's runtime type, name and arity."""
    methods = _METHODS.get(type(obj))
    method = methods.get(key) if methods is not None else None
    if method is None:
        if obj is None:
            raise npe()
        raise iae(f"dynamic method [{jclass(obj)}, {key[0]}/{key[1]}] not found")
    if obj is frame[CTX] and key[0] in _CTX_GUARDED:
        _check_ctx_call(obj, key[0], args)
    return method(obj, *args)


def _check_ctx_call(ctx: dict[str, Any], name: str, args: tuple[Any, ...]) -> None:
    if name in ("put", "putIfAbsent"):
        check_ctx_put(ctx, args[0], args[1])
    elif name == "putAll":
        for key, value in map_arg(args[0]).items():
            check_ctx_put(ctx, key, value)
    elif name == "remove":
        check_ctx_remove(ctx, args[0])
    else:
        for key in CTX_READ_ONLY:
            check_ctx_remove(ctx, key)
