"""Index names: validation, and resolution of index expressions to indices.

An expression such as ``logs-*,-logs-old,books`` names indices, aliases and wildcards over both,
as Elasticsearch's index name expression resolver accepts them.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import IndexClosed, IndexNotFound, InvalidIndexName

_FORBIDDEN = frozenset('\\/*?"<>| ,')
_FORBIDDEN_SHOWN = '[ , ", *, \\, <, |, ,, >, /, ?]'


def validate_index_or_alias_name(name: str) -> None:
    """The rules index and alias names share, checked in Elasticsearch's order."""
    if not name:
        raise InvalidIndexName(name, "must not be empty")
    if _FORBIDDEN & set(name):
        why = f"must not contain the following characters {_FORBIDDEN_SHOWN}"
        raise InvalidIndexName(name, why)
    if "#" in name:
        raise InvalidIndexName(name, "must not contain '#'")
    if ":" in name:
        raise InvalidIndexName(name, "must not contain ':'")
    if name[0] in "_-+":
        raise InvalidIndexName(name, "must not start with '_', '-', or '+'")
    size = len(name.encode())
    if size > 255:
        raise InvalidIndexName(name, f"index name is too long, ({size} > 255)")
    if name in (".", ".."):
        raise InvalidIndexName(name, "must not be '.' or '..'")


def validate_index_name(name: str) -> None:
    """Raise Elasticsearch's error for a name it would refuse as a new index name."""
    validate_index_or_alias_name(name)
    if name != name.lower():
        raise InvalidIndexName(name, "must be lowercase")


def split_expression(expression: str | Iterable[str] | None) -> list[str]:
    if expression is None:
        return []
    if isinstance(expression, str):
        return [part for part in (p.strip() for p in expression.split(",")) if part]
    return [p for p in expression if p]


def is_all(parts: list[str]) -> bool:
    return not parts or parts == ["_all"] or parts == ["*"]


@dataclass(frozen=True)
class Options:
    """``ignore_unavailable``, ``allow_no_indices`` and ``expand_wildcards``, and whether a
    closed index named outright is an error (reads and writes) or a target (metadata APIs)."""

    ignore_unavailable: bool = False
    allow_no_indices: bool = True
    expand_open: bool = True
    expand_hidden: bool = False
    expand_closed: bool = False
    forbid_closed: bool = True
    #: Whether a data stream stands for its backing indices; APIs that take no data streams
    #: (deleting an index, alias actions) answer a data stream named outright as a missing index.
    include_data_streams: bool = True


STRICT = Options(ignore_unavailable=False, allow_no_indices=False)


@dataclass(frozen=True)
class Resolved:
    """An index an expression resolved to, with the aliases it was reached through.

    ``via_aliases`` is empty when the index was named directly (or by a wildcard over index
    names): alias filters then do not apply.
    """

    name: str
    via_aliases: tuple[str, ...] = ()


def resolve(
    expression: str | Iterable[str] | None,
    indices: Mapping[str, Any],
    aliases: Mapping[str, list[str]],
    options: Options = Options(),
    *,
    hidden: Iterable[str] = (),
    closed: Iterable[str] = (),
    streams: Mapping[str, Sequence[str]] | None = None,
    hidden_streams: Iterable[str] = (),
) -> list[Resolved]:
    """Resolve an expression over ``indices`` (name -> index) and ``aliases`` (alias -> names).

    Wildcards and ``_all`` leave out ``hidden`` and ``closed`` indices unless the options
    expand them; a closed index named outright is an error if the options forbid closed ones.
    ``streams`` (data stream -> its backing indices, which are hidden) stand for their backing
    indices when named, or when a wildcard matches them and they are visible.
    """
    parts = split_expression(expression)
    hidden = set(hidden)
    closed = set(closed)
    all_streams = streams or {}
    streams = all_streams if options.include_data_streams else {}
    hidden_streams = set(hidden_streams)
    if is_all(parts):
        shown = {
            index
            for name, backing in streams.items()
            if options.expand_hidden or name not in hidden_streams
            for index in backing
        }
        names = [
            n
            for n in indices
            if (options.expand_hidden or n not in hidden or n in shown)
            and (
                (n in closed and options.expand_closed) or (n not in closed and options.expand_open)
            )
        ]
        if not names and not options.allow_no_indices:
            raise IndexNotFound(parts[0] if parts else "_all")
        return [Resolved(n) for n in sorted(names)]
    found: dict[str, set[str]] = {}
    direct: set[str] = set()
    wildcard_seen = False
    for part in parts:
        if part.startswith("-") and wildcard_seen:
            _exclude(part[1:], found, direct)
            continue
        if "*" in part or "?" in part:
            wildcard_seen = True
            unexpanded = _unexpanded(closed, indices, options)
            matched = _expand(part, indices, aliases, options, hidden | unexpanded, found, direct)
            for name in _matching_streams(part, streams, options, hidden_streams):
                for index in streams[name]:
                    if index not in unexpanded:
                        found.setdefault(index, set())
                        direct.add(index)
                matched = True
            if not matched and not options.allow_no_indices:
                raise IndexNotFound(part)
            continue
        if part in indices:
            direct.add(part)
            found.setdefault(part, set())
        elif part in aliases:
            for name in aliases[part]:
                found.setdefault(name, set()).add(part)
        elif part in streams:
            for name in streams[part]:
                direct.add(name)
                found.setdefault(name, set())
        elif not options.ignore_unavailable:
            if part in all_streams:
                raise excluded_data_stream(part)
            raise IndexNotFound(part)
    for name in [n for n in found if n in closed and (n in direct or found[n])]:
        if options.forbid_closed and not _by_wildcard(name, parts):
            if not options.ignore_unavailable:
                raise IndexClosed(name, getattr(indices[name], "uuid", "_na_"))
            del found[name]
    if not found and not options.allow_no_indices:
        raise IndexNotFound(",".join(parts))
    return [
        Resolved(name, () if name in direct else tuple(sorted(via)))
        for name, via in sorted(found.items())
    ]


def excluded_data_stream(name: str) -> IndexNotFound:
    """A data stream named where an API takes none: a missing index, as Elasticsearch says it
    (with the ``excluded_ds`` mark it gives callers)."""
    error = IndexNotFound(name)
    error.extra["excluded_ds"] = "true"
    return error


def _matching_streams(
    pattern: str, streams: Mapping[str, Any], options: Options, hidden: set[str]
) -> list[str]:
    """The data streams a wildcard matches: visible ones, hidden ones if expanded (or if both
    the pattern and the name start with a dot)."""
    if not streams or not (options.expand_open or options.expand_closed):
        return []
    regex = re.compile(fnmatch.translate(pattern))
    return [
        name
        for name in streams
        if regex.match(name)
        and (options.expand_hidden or name not in hidden or _implicitly_visible(pattern, name))
    ]


def _implicitly_visible(pattern: str, name: str) -> bool:
    """Elasticsearch's ``isVisibleDueToImplicitHidden``: a dot pattern shows hidden dot names."""
    return name.startswith(".") and pattern.startswith(".")


def _unexpanded(closed: set[str], indices: Mapping[str, Any], options: Options) -> set[str]:
    """The indices a wildcard passes over: closed ones, unless expanded; open ones, likewise."""
    if options.expand_closed and options.expand_open:
        return set()
    if options.expand_closed:
        return set(indices) - closed
    return closed


def _by_wildcard(name: str, parts: list[str]) -> bool:
    """Whether a name came only from wildcards (a closed one then was expanded on purpose)."""
    return name not in parts and any("*" in p or "?" in p for p in parts)


def _expand(
    pattern: str,
    indices: Mapping[str, Any],
    aliases: Mapping[str, list[str]],
    options: Options,
    hidden: set[str],
    found: dict[str, set[str]],
    direct: set[str],
) -> bool:
    regex = re.compile(fnmatch.translate(pattern))
    matched = False
    if options.expand_open or options.expand_closed:
        for name in indices:
            if regex.match(name) and (
                options.expand_hidden or name not in hidden or _implicitly_visible(pattern, name)
            ):
                found.setdefault(name, set())
                direct.add(name)
                matched = True
        for alias, names in aliases.items():
            if regex.match(alias):
                for name in names:
                    found.setdefault(name, set()).add(alias)
                matched = True
    return matched


def _exclude(pattern: str, found: dict[str, set[str]], direct: set[str]) -> None:
    regex = re.compile(fnmatch.translate(pattern))
    for name in [n for n in found if regex.match(n)]:
        del found[name]
        direct.discard(name)
