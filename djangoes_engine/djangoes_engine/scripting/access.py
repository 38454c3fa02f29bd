"""Field and index access (``a.b``, ``a[i]``), and the guard on ``ctx``'s metadata.

A map's fields are its keys and a missing key reads as ``null``; a list takes integer indexes,
negative ones counting from the end as in Painless. Writes to ``ctx`` are checked: a script may
read the update metadata (``_index``, ``_id``, ``_version``...) but not change it.
"""

from __future__ import annotations

from typing import Any

from .errors import Fault, cast_fault, iae, npe, out_of_bounds
from .frame import CTX
from .scoring import DOC_VALUES_GETTERS, DOC_VALUES_METHODS, doc_field
from .values import AnalysisToken, DocMap, DocValues, Entry, jclass, jstr

# Update metadata that scripts may read but not change (Elasticsearch's UpdateMetadata).
CTX_READ_ONLY = frozenset({"_index", "_id", "_version", "_routing", "_type", "_now"})


def check_ctx_put(ctx: dict[str, Any], key: Any, value: Any) -> None:
    if key in CTX_READ_ONLY and key in ctx:
        raise iae(f"{key} cannot be updated")
    if key == "op" and value is not None and type(value) is not str:
        raise iae(
            f"op [{jstr(value)}] is wrong type, expected assignable to "
            f"[java.lang.String], not [{jclass(value)}]"
        )


def check_ctx_remove(ctx: dict[str, Any], key: Any) -> None:
    if key in CTX_READ_ONLY and key in ctx:
        raise iae(f"{key} cannot be removed")


def load_field(obj: Any, name: str) -> Any:
    kind = type(obj)
    if kind is dict:
        return obj.get(name)
    if obj is None:
        raise npe()
    if kind is list:
        if name.isdigit():
            return obj[_list_index(obj, int(name))]
        if name == "length":
            return len(obj)
    if kind is Entry and name in ("key", "value"):
        return obj.key if name == "key" else obj.value
    if kind is AnalysisToken and name in AnalysisToken.GETTERS:
        return AnalysisToken.GETTERS[name](obj)
    if kind is DocValues and name in DOC_VALUES_GETTERS:
        return DOC_VALUES_GETTERS[name](obj)
    if kind is DocMap:
        return doc_field(obj, name)
    raise iae(f"dynamic getter [{jclass(obj)}, {name}] not found")


def store_field(frame: list[Any], obj: Any, name: str, value: Any) -> None:
    kind = type(obj)
    if kind is dict:
        if obj is frame[CTX]:
            check_ctx_put(obj, name, value)
        obj[name] = value
    elif obj is None:
        raise npe()
    elif kind is list and name.isdigit():
        obj[_list_index(obj, int(name))] = value
    elif kind is Entry and name == "value":
        obj.set(value)
    else:
        raise iae(f"dynamic setter [{jclass(obj)}, {name}] not found")


def _list_index(items: list[Any], index: Any) -> int:
    """A brace index into a list: negative indexes count from the end, as in Painless."""
    if type(index) is not int:
        raise cast_fault(index, "int")
    position = index + len(items) if index < 0 else index
    if not 0 <= position < len(items):
        raise out_of_bounds(position, len(items))
    return position


def _not_array(obj: Any) -> Fault:
    if obj is None:
        return npe()
    return iae(f"Attempting to address a non-array-like type [{jclass(obj)}] as an array.")


def load_index(obj: Any, key: Any) -> Any:
    kind = type(obj)
    if kind is dict:
        try:
            return obj.get(key)
        except TypeError:  # an unhashable key is never present
            return None
    if kind is list:
        return obj[_list_index(obj, key)]
    if kind is DocMap:
        return doc_field(obj, key)
    if kind is DocValues:
        return DOC_VALUES_METHODS[("get", 1)](obj, key)
    raise _not_array(obj)


def store_index(frame: list[Any], obj: Any, key: Any, value: Any) -> None:
    kind = type(obj)
    if kind is dict:
        hashable(key)
        if obj is frame[CTX]:
            check_ctx_put(obj, key, value)
        obj[key] = value
    elif kind is list:
        obj[_list_index(obj, key)] = value
    else:
        raise _not_array(obj)


def hashable(key: Any) -> None:
    if type(key) in (dict, list, Entry):
        raise iae(f"map keys of type [{jclass(key)}] are not supported")
