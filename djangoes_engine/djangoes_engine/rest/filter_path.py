"""``filter_path``: the response filtering every Elasticsearch API accepts.

Paths are dotted; ``*`` matches within one key, ``**`` any number of keys, arrays are
transparent, and a leading ``-`` excludes instead of includes.
"""

from __future__ import annotations

import fnmatch
from typing import Any

_MISSING = object()


def filter_path(body: Any, spec: str) -> Any:
    paths = [p.strip() for p in spec.split(",") if p.strip()]
    includes = [p.split(".") for p in paths if not p.startswith("-")]
    excludes = [p[1:].split(".") for p in paths if p.startswith("-")]
    if includes:
        body = _include(body, includes)
        if body is _MISSING:
            return {}
    for path in excludes:
        body = _exclude(body, path)
    return body


def _include(value: Any, paths: list[list[str]]) -> Any:
    if any(not path for path in paths):
        return value
    if isinstance(value, list):
        kept = [item for item in (_include(v, paths) for v in value) if item is not _MISSING]
        return kept if kept else _MISSING
    if not isinstance(value, dict):
        return _MISSING
    result = {}
    for key, child in value.items():
        rest = []
        for path in paths:
            head = path[0]
            if head == "**":
                rest.append(path)  # ** may match more keys
                rest.append(path[1:])
                if len(path) > 1 and fnmatch.fnmatchcase(key, path[1]):
                    rest.append(path[2:])
            elif fnmatch.fnmatchcase(key, head):
                rest.append(path[1:])
        if rest:
            kept = _include(child, rest)
            if kept is not _MISSING:
                result[key] = kept
    return result if result else _MISSING


def _exclude(value: Any, path: list[str]) -> Any:
    if isinstance(value, list):
        return [_exclude(v, path) for v in value]
    if not isinstance(value, dict) or not path:
        return value
    head, rest = path[0], path[1:]
    result = {}
    for key, child in value.items():
        if fnmatch.fnmatchcase(key, head):
            if not rest:
                continue
            child = _exclude(child, rest)
        result[key] = child
    return result
