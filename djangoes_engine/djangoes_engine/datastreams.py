"""Data streams: append-only targets of timestamped documents, each a name over hidden backing
indices (``.ds-<name>-<yyyy.MM.dd>-<generation>``) of which the last takes the writes.

A data stream is kept in the cluster metadata section ``data_streams`` as a plain dict (see
:func:`new`). This module holds what needs no cluster, as Elasticsearch's
MetadataCreateDataStreamService and DataStream do it: the rules for names, the template a stream
takes, the mappings its backing indices get, and the names of the next generation.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Container, Mapping
from datetime import UTC, datetime
from typing import Any

from . import templates
from .errors import IllegalArgument, IndexNotFound, InvalidIndexName
from .names import split_expression, validate_index_or_alias_name

#: The cluster metadata section the data streams are kept in.
SECTION = "data_streams"
TIMESTAMP_FIELD = "@timestamp"
BACKING_PREFIX = ".ds-"
#: The mapping every backing index gets: the timestamp is checked on each document.
TIMESTAMP_META = "_data_stream_timestamp"
_TIMESTAMP_TYPES = ("date", "date_nanos")


def validate_name(name: str) -> None:
    """Elasticsearch's checks of a new data stream's name, in its order."""
    try:
        validate_index_or_alias_name(name)
    except InvalidIndexName as error:
        why = error.reason[len(f"Invalid index name [{name}], ") :]
        raise IllegalArgument(f"data_stream [{name}] {why}") from None
    if name.lower() != name:
        raise IllegalArgument(f"data_stream [{name}] must be lowercase")
    if name.startswith(BACKING_PREFIX):
        raise IllegalArgument(f"data_stream [{name}] must not start with '{BACKING_PREFIX}'")


def backing_index_name(name: str, generation: int, millis: int | None = None) -> str:
    """``.ds-<name>-<yyyy.MM.dd>-<generation, six digits>``, the date that of creation (UTC)."""
    when = datetime.fromtimestamp((millis if millis is not None else _now()) / 1000, UTC)
    return f"{BACKING_PREFIX}{name}-{when:%Y.%m.%d}-{generation:06d}"


def _now() -> int:
    return int(time.time() * 1000)


def matching_template(
    name: str, metadata: Mapping[str, Mapping[str, Any]]
) -> tuple[str, dict[str, Any]] | None:
    """The composable template a data stream of this name matches (a hidden one is looked up as
    visible, as Elasticsearch does), whether or not it creates data streams."""
    return templates.composable_for(name, metadata.get(templates.COMPOSABLE, {}), hidden=False)


def template_for(
    name: str, metadata: Mapping[str, Mapping[str, Any]]
) -> tuple[str, dict[str, Any]]:
    """The composable template a new data stream takes, or Elasticsearch's refusal."""
    found = matching_template(name, metadata)
    if found is None:
        raise IllegalArgument(f"no matching index template found for data stream [{name}]")
    template_name, template = found
    if template.get("data_stream") is None:
        raise IllegalArgument(
            f"matching index template [{template_name}] for data stream [{name}] has no data "
            "stream template"
        )
    return template_name, template


def backing_mappings(mappings: Mapping[str, Any]) -> dict[str, Any]:
    """A backing index's mappings: the template's, over a ``date`` ``@timestamp`` that every
    document must have once (``_data_stream_timestamp``)."""
    properties = dict(mappings.get("properties") or {})
    timestamp = {"type": "date", **(properties.get(TIMESTAMP_FIELD) or {})}
    kind = timestamp.get("type")
    if kind not in _TIMESTAMP_TYPES:
        raise IllegalArgument(
            f"data stream timestamp field [{TIMESTAMP_FIELD}] is of type [{kind}], but "
            f"[{','.join(_TIMESTAMP_TYPES)}] is expected"
        )
    properties[TIMESTAMP_FIELD] = timestamp
    return {TIMESTAMP_META: {"enabled": True}, **mappings, "properties": properties}


def new(
    name: str, template: Mapping[str, Any], first_index: str, *, generation: int = 1
) -> dict[str, Any]:
    """A data stream as the metadata keeps it."""
    options = template.get("data_stream") or {}
    stream: dict[str, Any] = {
        "name": name,
        "indices": [first_index],
        "generation": generation,
        "hidden": bool(options.get("hidden", False)),
        "allow_custom_routing": bool(options.get("allow_custom_routing", False)),
    }
    if template.get("_meta") is not None:
        stream["_meta"] = dict(template["_meta"])
    return stream


def write_index(stream: Mapping[str, Any]) -> str:
    """The backing index that takes the writes: the last."""
    return str(stream["indices"][-1])


def next_generation(
    stream: Mapping[str, Any], taken: Container[str], millis: int | None = None
) -> tuple[str, int]:
    """The name and generation of the next write index: the generation after the stream's, and
    after that while the name is taken (DataStream.nextWriteIndexAndGeneration)."""
    generation = int(stream["generation"])
    now = millis if millis is not None else _now()
    while True:
        generation += 1
        name = backing_index_name(str(stream["name"]), generation, now)
        if name not in taken:
            return name, generation


def rolled_over(stream: Mapping[str, Any], index: str, generation: int) -> dict[str, Any]:
    """The stream with ``index`` as its new write index."""
    return {**stream, "indices": [*stream["indices"], index], "generation": generation}


def without(stream: Mapping[str, Any], index: str) -> dict[str, Any]:
    """The stream without one of its backing indices (not the write index): a new generation."""
    indices = [i for i in stream["indices"] if i != index]
    return {**stream, "indices": indices, "generation": int(stream["generation"]) + 1}


def select(
    expression: str | None, streams: Mapping[str, Mapping[str, Any]], *, expand_hidden: bool
) -> list[str]:
    """The data streams an expression names, sorted: exact names (a missing one is Elasticsearch's
    missing index), wildcards over visible ones (hidden ones too if ``expand_hidden``, or if the
    pattern and the name start with a dot), ``-pattern`` after a wildcard to leave some out."""
    parts = split_expression(expression)
    chosen: list[str] = []
    wildcard_seen = False
    for part in parts or ["*"]:
        if part.startswith("-") and wildcard_seen:
            chosen = [n for n in chosen if not fnmatch.fnmatchcase(n, part[1:])]
            continue
        if part == "_all" or "*" in part or "?" in part:
            wildcard_seen = True
            pattern = "*" if part == "_all" else part
            chosen += [
                name
                for name, stream in streams.items()
                if fnmatch.fnmatchcase(name, pattern)
                and (
                    expand_hidden
                    or not stream.get("hidden")
                    or (name.startswith(".") and pattern.startswith("."))
                )
            ]
        elif part in streams:
            chosen.append(part)
        else:
            raise IndexNotFound(part)
    return sorted(set(chosen))
