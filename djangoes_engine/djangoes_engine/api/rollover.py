"""The rollover API (``POST /{target}/_rollover[/{new_index}]``): a new write index for a data
stream or for an alias with a write index, when the conditions hold, as Elasticsearch's
TransportRolloverAction and MetadataRolloverService do it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import templates
from ..cluster import Cluster
from ..dates import time_value_nanos
from ..deprecation import deprecated
from ..errors import (
    EngineError,
    IllegalArgument,
    InvalidIndexName,
    NotFound,
    ResourceAlreadyExists,
    Unsupported,
    ValidationError,
    XContentParseError,
)
from ..http import Request
from ..index import Index
from ..names import validate_index_name
from ..wording import token_name
from .arguments import boolean, object_body
from .table import byte_size, time_value

_BODY_KEYS = ("conditions", "settings", "mappings", "aliases")
_INDEX_NAME = re.compile(r"^.*-\d+$")


@dataclass(frozen=True)
class Stats:
    """What the conditions are evaluated on: the write index's documents, age and size."""

    docs: int
    created: int
    size: int

    @classmethod
    def of(cls, index: Index) -> Stats:
        docs = index.count()
        # Elasticsearch counts the size of the documents: none is no size, whatever the store
        # keeps on disk for an empty index.
        return cls(docs, index.creation_date, index.store_size() if docs else 0)


@dataclass(frozen=True)
class Condition:
    """One condition: ``max_*`` ones (any may trigger) and ``min_*`` ones (all must hold)."""

    name: str
    value: int
    shown: str
    measure: Callable[[Stats, int], int]

    @property
    def kind(self) -> str:
        return self.name[:3]

    def key(self) -> str:
        """How the response names it: ``[max_docs: 1]``, ``[max_age: 7d]``, ``[max_size: 5gb]``."""
        return f"[{self.name}: {self.shown}]"

    def holds(self, stats: Stats, now: int) -> bool:
        return self.measure(stats, now) >= self.value


def _age(stats: Stats, now: int) -> int:
    return (now - stats.created) * 1_000_000


def _docs(stats: Stats, now: int) -> int:
    return stats.docs


def _size(stats: Stats, now: int) -> int:
    return stats.size


# One shard per index here: the largest primary shard is the index.
_MEASURES: dict[str, tuple[str, Callable[[Stats, int], int]]] = {
    "max_age": ("time", _age),
    "max_docs": ("long", _docs),
    "max_size": ("bytes", _size),
    "max_primary_shard_size": ("bytes", _size),
    "max_primary_shard_docs": ("long", _docs),
    "min_age": ("time", _age),
    "min_docs": ("long", _docs),
    "min_size": ("bytes", _size),
    "min_primary_shard_size": ("bytes", _size),
    "min_primary_shard_docs": ("long", _docs),
}


def rollover(engine: Cluster, request: Request, index: str, new_index: str | None = None):
    params = request.params
    body = object_body(request.body)
    for key in body:
        if key not in _BODY_KEYS:
            raise XContentParseError(f"[rollover] unknown field [{key}]")
    conditions = _conditions(body.get("conditions"))
    kinds = {c.kind for c in conditions}
    if "min" in kinds and "max" not in kinds:
        raise ValidationError(
            "at least one max_* rollover condition must be set when using min_* conditions"
        )
    dry_run = boolean(params, "dry_run")
    if boolean(params, "lazy"):
        raise Unsupported("a lazy rollover")
    create = {k: body[k] for k in ("settings", "mappings", "aliases") if body.get(k)}
    with engine.lock:
        if index in engine.data_streams():
            return 200, _roll_stream(engine, index, new_index, create, conditions, dry_run)
        return 200, _roll_alias(engine, index, new_index, create, conditions, dry_run)


def _conditions(body: Any) -> list[Condition]:
    if body is None:
        return []
    if not isinstance(body, dict):
        raise XContentParseError(
            f"[rollover] conditions doesn't support values of type: {token_name(body)}"
        )
    conditions = []
    for name, value in body.items():
        if name not in _MEASURES:
            raise _field_error(XContentParseError(f"[rollover_conditions] unknown field [{name}]"))
        kind, measure = _MEASURES[name]
        try:
            amount, shown = _parse(kind, name, value)
        except EngineError as error:
            raise _field_error(
                XContentParseError(
                    f"[rollover_conditions] failed to parse field [{name}]", caused_by=error
                )
            ) from None
        conditions.append(Condition(name, amount, shown, measure))
    return conditions


def _field_error(cause: EngineError) -> XContentParseError:
    return XContentParseError("[rollover] failed to parse field [conditions]", caused_by=cause)


def _parse(kind: str, name: str, value: Any) -> tuple[int, str]:
    if kind == "long":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise XContentParseError(
                f"[rollover_conditions] {name} doesn't support values of type: {token_name(value)}"
            )
        try:
            amount = int(float(value)) if not isinstance(value, int) else value
        except ValueError:
            raise IllegalArgument(f'For input string: "{value}"') from None
        return amount, str(amount)
    if not isinstance(value, str):
        raise XContentParseError(
            f"[rollover_conditions] {name} doesn't support values of type: {token_name(value)}"
        )
    if kind == "time":
        nanos = time_value_nanos(value, name)
        return nanos, time_value(nanos)
    size = parse_bytes(value, name)
    return size, byte_size(size)


_BYTE_SUFFIXES = (
    ("k", 1024),
    ("kb", 1024),
    ("m", 1024**2),
    ("mb", 1024**2),
    ("g", 1024**3),
    ("gb", 1024**3),
    ("t", 1024**4),
    ("tb", 1024**4),
    ("p", 1024**5),
    ("pb", 1024**5),
)


def parse_bytes(value: str, setting: str) -> int:
    """Elasticsearch's ``ByteSizeValue.parseBytesSizeValue``: ``10b``, ``5gb``, ``1.5mb``
    (fractions are deprecated), ``0`` and ``-1`` without a unit."""
    normalized = value.lower().strip()
    for suffix, size in _BYTE_SUFFIXES:
        if normalized.endswith(suffix):
            number = normalized[: -len(suffix)].strip()
            try:
                return int(number) * size
            except ValueError:
                pass
            try:
                fraction = float(number)
            except ValueError:
                raise _bytes_error(
                    f"failed to parse setting [{setting}] with value [{value}]"
                ) from None
            deprecated(
                "Fractional bytes values are deprecated. Use non-fractional bytes values "
                f"instead: [{value}] found for setting [{setting}]"
            )
            return int(fraction * size)
    if normalized.endswith("b"):
        try:
            return int(normalized[:-1].strip())
        except ValueError:
            raise _bytes_error(
                f"failed to parse setting [{setting}] with value [{value}]"
            ) from None
    if normalized in ("-1", "0"):
        return int(normalized)
    raise _bytes_error(
        f"failed to parse setting [{setting}] with value [{value}] as a size in bytes: unit is "
        "missing or unrecognized"
    )


def _bytes_error(reason: str) -> EngineError:
    return EngineError(reason, status=400, type="parse_exception")


# Data streams


def _roll_stream(
    engine: Cluster,
    name: str,
    new_index: str | None,
    create: dict[str, Any],
    conditions: list[Condition],
    dry_run: bool,
) -> dict[str, Any]:
    if new_index:
        raise IllegalArgument("new index name may not be specified when rolling over a data stream")
    if create:
        raise IllegalArgument(
            "aliases, mappings, and index settings may not be specified when rolling over a data "
            "stream"
        )
    old, trial = engine.roll_over_data_stream(name, dry_run=True)
    results, met = _evaluate(conditions, engine.indices[old])
    if dry_run or not met:
        return _response(old, trial, results, dry_run=dry_run, rolled_over=False)
    old, created = engine.roll_over_data_stream(name)
    return _response(old, created, results, dry_run=False, rolled_over=True)


# Aliases


def _roll_alias(
    engine: Cluster,
    alias: str,
    new_index: str | None,
    create: dict[str, Any],
    conditions: list[Condition],
    dry_run: bool,
) -> dict[str, Any]:
    holders = [i for i in engine.indices.values() if alias in i.aliases]
    if not holders:
        if alias in engine.indices:
            raise IllegalArgument(
                "rollover target is a [concrete index] but one of [alias,data_stream] was expected"
            )
        raise NotFound(f"rollover target [{alias}] does not exist")
    source = _write_index(alias, holders)
    properties = source.aliases[alias]
    provided = str(source.settings.get("index.provided_name") or source.name)
    target = new_index or _next_name(provided)
    if target.startswith("<") and target.endswith(">"):
        raise Unsupported("date math in a rollover's new index name")
    validate_index_name(target)
    if target in engine.indices:
        existing = engine.indices[target]
        raise ResourceAlreadyExists(
            f"index [{target}/{existing.uuid}] already exists",
            index=target,
            index_uuid=existing.uuid,
        )
    if target in engine.alias_map():
        raise InvalidIndexName(target, "already exists as alias")
    _check_template_aliases(engine, target, alias, create)
    results, met = _evaluate(conditions, source)
    if dry_run or not met:
        return _response(source.name, target, results, dry_run=dry_run, rolled_over=False)
    engine.create_index(target, create)
    hidden = {"is_hidden": properties["is_hidden"]} if "is_hidden" in properties else {}
    if properties.get("is_write_index") is True:
        actions = [
            ("add", {"index": target, "alias": alias, "is_write_index": True, **hidden}),
            ("add", {"index": source.name, "alias": alias, "is_write_index": False, **hidden}),
        ]
    else:
        actions = [
            ("add", {"index": target, "alias": alias, **hidden}),
            ("remove", {"index": source.name, "alias": alias}),
        ]
    engine.update_aliases(actions)
    return _response(source.name, target, results, dry_run=False, rolled_over=True)


def _write_index(alias: str, holders: list[Index]) -> Index:
    flagged = [i for i in holders if i.aliases[alias].get("is_write_index") is True]
    if flagged:
        return flagged[0]
    if len(holders) == 1 and holders[0].aliases[alias].get("is_write_index") is None:
        return holders[0]
    raise IllegalArgument(f"rollover target [{alias}] does not point to a write index")


def _next_name(source: str) -> str:
    """``logs-1`` -> ``logs-000002`` (MetadataRolloverService.generateRolloverIndexName)."""
    if not _INDEX_NAME.match(source):
        raise IllegalArgument(f"index name [{source}] does not match pattern '^.*-\\d+$'")
    head, _, number = source.rpartition("-")
    return f"{head}-{int(number) + 1:06d}"


def _check_template_aliases(
    engine: Cluster, target: str, alias: str, create: dict[str, Any]
) -> None:
    """A template that would give the new index the rolled alias too is refused, as
    Elasticsearch refuses it (the alias would point to two write indices)."""
    hidden = str((create.get("settings") or {}).get("index.hidden", "")).lower() == "true"
    chosen = templates.composable_for(
        target, engine.metadata.get(templates.COMPOSABLE, {}), hidden=hidden
    )
    if chosen is not None:
        aliases = templates.resolve_composable(
            chosen[1], engine.metadata.get(templates.COMPONENT, {})
        )["aliases"]
        matched = [(chosen[0], aliases)]
    else:
        matched = [
            (name, template.get("aliases") or {})
            for name, template in sorted(engine.metadata.get(templates.LEGACY, {}).items())
            if template in templates.legacy_for(target, engine.metadata.get(templates.LEGACY, {}))
        ]
    for name, aliases in matched:
        if alias in aliases:
            raise IllegalArgument(
                f"Rollover alias [{alias}] can point to multiple indices, found duplicated alias "
                f"[[{', '.join(aliases)}]] in index template [{name}]"
            )


# Conditions and response


def _evaluate(conditions: list[Condition], index: Index) -> tuple[dict[str, bool], bool]:
    """Each condition's result, and whether they call for a rollover: none at all, or all the
    ``min_*`` ones and one ``max_*`` one."""
    stats = Stats.of(index)
    now = int(time.time() * 1000)
    results = {c.key(): c.holds(stats, now) for c in conditions}
    if not conditions:
        return results, True
    minimums = all(results[c.key()] for c in conditions if c.kind == "min")
    maximum = any(results[c.key()] for c in conditions if c.kind == "max")
    return results, minimums and maximum


def _response(
    old: str, new: str, conditions: dict[str, bool], *, dry_run: bool, rolled_over: bool
) -> dict[str, Any]:
    return {
        "acknowledged": rolled_over,
        "shards_acknowledged": rolled_over,
        "old_index": old,
        "new_index": new,
        "rolled_over": rolled_over,
        "dry_run": dry_run,
        "lazy": False,
        "conditions": conditions,
    }
