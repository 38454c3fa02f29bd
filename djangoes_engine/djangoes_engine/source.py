"""``_source`` filtering: includes and excludes with wildcards, as Elasticsearch applies them.

A pattern matches a field by its full dotted path, or any object above it: ``obj`` keeps the
whole object, ``obj.*`` everything under it, ``*.name`` every ``name`` one level down.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal

from .deprecation import deprecated
from .errors import IllegalArgument, ParsingError
from .wording import token_name


class SourceFilter:
    """Keeps what ``includes`` name (everything if empty), minus what ``excludes`` name."""

    __slots__ = ("exclude_vectors", "excludes", "includes")

    def __init__(
        self,
        includes: list[str] | None = None,
        excludes: list[str] | None = None,
        *,
        exclude_vectors: bool | None = None,
    ):
        self.includes = _compile(tuple(includes or ()))
        self.excludes = _compile(tuple(excludes or ()))
        #: Leave the index's vector fields out (Elasticsearch 9.1's ``exclude_vectors``); None:
        #: as the index's ``index.mapping.exclude_source_vectors`` says.
        self.exclude_vectors = exclude_vectors

    def without(self, paths: list[str]) -> SourceFilter:
        """This filter, excluding ``paths`` too."""
        combined = SourceFilter()
        combined.includes = self.includes
        extra = _compile(tuple(paths))
        if self.excludes is None or extra is None:
            combined.excludes = self.excludes or extra
        else:
            combined.excludes = re.compile(f"(?:{self.excludes.pattern})|(?:{extra.pattern})")
        return combined

    @property
    def is_noop(self) -> bool:
        return self.includes is None and self.excludes is None

    def apply(self, source: Mapping[str, Any]) -> dict[str, Any]:
        if self.is_noop:
            return dict(source)
        return self._object(source, "", self.includes is None)

    def _object(self, source: Mapping[str, Any], prefix: str, included: bool) -> dict[str, Any]:
        result = {}
        for key, value in source.items():
            path = f"{prefix}{key}"
            if self.excludes is not None and self.excludes.match(path):
                continue
            inside = included or (self.includes is not None and bool(self.includes.match(path)))
            kept = self._value(value, path, inside)
            if kept is not _DROP:
                result[key] = kept
        return result

    def _value(self, value: Any, path: str, included: bool) -> Any:
        if isinstance(value, Mapping):
            if not included and not self._may_include_below(path):
                return _DROP
            kept = self._object(value, path + ".", included)
            return kept if kept or included else _DROP
        if isinstance(value, list):
            items = [self._value(v, path, included) for v in value]
            items = [v for v in items if v is not _DROP]
            if not items and not included:
                return _DROP
            return items
        return value if included else _DROP

    def _may_include_below(self, path: str) -> bool:
        """Whether some include pattern could match a field under the object at ``path``."""
        return self.includes is not None and bool(self.includes.match(path + ".\x00"))


_DROP = object()


@lru_cache(maxsize=512)
def _compile(patterns: tuple[str, ...]) -> re.Pattern | None:
    """One regex matching a path that a pattern names, or that lies under what it names.

    The extra alternative matches ``path + ".\\x00"`` when a pattern could name something below
    the object at ``path``, so that objects are entered only when worth it.
    """
    if not patterns:
        return None
    alternatives = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise IllegalArgument(f"[_source] include/exclude patterns must be strings: {pattern}")
        body = fnmatch.translate(pattern)[4:-3]  # strip (?s: ... )\Z
        alternatives.append(f"(?:{body})(?:\\..*)?")
        prefix = _prefixes(pattern)
        if prefix:
            alternatives.append(f"(?:{prefix})\\.\\x00")
    return re.compile("(?s:" + "|".join(alternatives) + r")\Z")


def _prefixes(pattern: str) -> str:
    """A regex of the object paths above the fields a pattern names: ``a.b.c`` -> ``a|a\\.b``."""
    parts = pattern.split(".")
    if len(parts) == 1:
        return ".*" if "*" in pattern else ""
    options = []
    for end in range(1, len(parts)):
        options.append(fnmatch.translate(".".join(parts[:end]))[4:-3])
    if "*" in pattern:
        options.append(".*")
    return "|".join(options)


def from_body(value: Any) -> SourceFilter | Literal[False] | None:
    """The filter a body's ``_source`` asks for (search, mget docs, bulk updates)."""
    if value is None or value is True:
        return None
    if value is False:
        return False
    if isinstance(value, str):
        return SourceFilter([value])
    if isinstance(value, list):
        return SourceFilter([str(v) for v in value])
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key not in ("includes", "include", "excludes", "exclude", "exclude_vectors"):
                raise ParsingError(f"Unknown key for a {token_name(item)} in [{key}].")
            if key in ("include", "exclude"):
                deprecated(f"Deprecated field [{key}] used, expected [{key}s] instead")
        includes = value.get("includes", value.get("include", []))
        excludes = value.get("excludes", value.get("exclude", []))
        vectors = value.get("exclude_vectors")
        if vectors is not None and not isinstance(vectors, bool):
            raise ParsingError(f"Unknown key for a {token_name(vectors)} in [exclude_vectors].")
        return SourceFilter(_as_list(includes), _as_list(excludes), exclude_vectors=vectors)
    raise IllegalArgument(
        f"Expected one of [TRUE, FALSE, VALUE_STRING, START_ARRAY, START_OBJECT] "
        f"but found [{type(value).__name__}]"
    )


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or []]


def extract(source: Mapping[str, Any], path: str) -> list[Any]:
    """Every value at a dotted path, flattening arrays, as ``fields`` and sorting read them."""
    values: list[Any] = []
    _collect(source, path.split("."), values)
    return values


def _collect(node: Any, parts: list[str], out: list[Any]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect(item, parts, out)
        return
    if not parts:
        if node is not None:
            out.append(node)
        return
    if not isinstance(node, Mapping):
        return
    # A document may spell an object path with dots in one key: {"a.b": 1}.
    for split in range(len(parts), 0, -1):
        key = ".".join(parts[:split])
        if key in node:
            _collect(node[key], parts[split:], out)


def extract_whole(source: Mapping[str, Any], path: str) -> list[Any]:
    """Every value at a dotted path, an array at the path kept whole (a dense vector is one
    value); arrays of objects above it are entered."""
    values: list[Any] = []
    _collect_whole(source, path.split("."), values)
    return values


def _collect_whole(node: Any, parts: list[str], out: list[Any]) -> None:
    if isinstance(node, list):
        for item in node:
            if isinstance(item, Mapping | list):
                _collect_whole(item, parts, out)
        return
    if not isinstance(node, Mapping):
        return
    for split in range(len(parts), 0, -1):
        key = ".".join(parts[:split])
        if key in node:
            if split == len(parts):
                if node[key] is not None:
                    out.append(node[key])
            else:
                _collect_whole(node[key], parts[split:], out)
