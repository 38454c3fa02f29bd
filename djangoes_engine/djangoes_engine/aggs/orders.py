"""Bucket orders: ``_count``, ``_key`` and sub-aggregation paths (``avg``, ``stats.max``,
``filter>avg``, ``percentiles[99]``), compared as Elasticsearch compares them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import IllegalArgument
from .body import Params
from .core import Agg, Bucket, InvalidPath


@dataclass(frozen=True)
class OrderBy:
    """One criterion of a bucket order: ``_count``, ``_key`` or a sub-aggregation path."""

    target: str
    ascending: bool


def parse_order(params: Params, default: list[OrderBy]) -> list[OrderBy]:
    """``order`` of terms and histograms, with the ``_key asc`` tie-breaker Elasticsearch adds."""
    spec = params.get("order")
    if spec is None:
        return default
    entries = spec if isinstance(spec, list) else [spec]
    order = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise params.failed("order")
        for target, direction in entry.items():
            if not isinstance(direction, str) or direction.lower() not in ("asc", "desc"):
                raise params.failed(
                    "order", IllegalArgument(f"Unknown order direction [{direction}]")
                )
            order.append(OrderBy(target, direction.lower() == "asc"))
    if not order or order[-1].target != "_key":
        order.append(OrderBy("_key", True))
    return order


def compare_values(a: Any, b: Any) -> int:
    """Java's comparison: NaN after every number (for sub-aggregation values)."""
    if isinstance(a, float) and math.isnan(a):
        return 0 if isinstance(b, float) and math.isnan(b) else 1
    if isinstance(b, float) and math.isnan(b):
        return -1
    return (a > b) - (a < b)


def sort_buckets(
    buckets: list[Bucket],
    order: list[OrderBy],
    subs: dict[str, Agg],
    sort_key: Callable[[Any], Any],
) -> list[Bucket]:
    """Buckets in a compound order (counts, keys via ``sort_key``, sub-aggregation values)."""
    if order == [OrderBy("_key", True)]:
        return sorted(buckets, key=lambda b: sort_key(b.key))
    if order == [OrderBy("_count", False), OrderBy("_key", True)]:
        return sorted(buckets, key=lambda b: (-b.doc_count, sort_key(b.key)))
    getters = [_getter(item, subs, sort_key) for item in order]

    def compare(a: Bucket, b: Bucket) -> int:
        for item, get in zip(order, getters, strict=True):
            result = compare_values(get(a), get(b))
            if result:
                return result if item.ascending else -result
        return 0

    return sorted(buckets, key=functools.cmp_to_key(compare))


def _getter(
    item: OrderBy, subs: dict[str, Agg], sort_key: Callable[[Any], Any]
) -> Callable[[Bucket], Any]:
    if item.target == "_count":
        return lambda b: b.doc_count
    if item.target == "_key":
        return lambda b: sort_key(b.key)
    return lambda b: path_value(item.target, subs, b.subs)


def path_value(path: str, subs: dict[str, Agg], partials: dict[str, Any]) -> float:
    """The value of an order path (``agg``, ``agg.metric``, ``a>b.metric``, ``p[99]``)."""
    steps = path.split(">")
    for position, step in enumerate(steps):
        name, metric = _split_step(step)
        agg = subs.get(name)
        if agg is None:
            raise InvalidPath(
                f"Invalid aggregator order path [{path}]. Unknown aggregation [{name}]"
            )
        partial = partials.get(name, agg.empty())
        if position == len(steps) - 1:
            return agg.value(partial, metric)
        if not agg.single_bucket:
            raise InvalidPath(
                f"Invalid aggregator order path [{path}]. Buckets can only be sorted on a "
                "sub-aggregator path that is built out of zero or more single-bucket "
                "aggregations within the path and a final single-bucket or a metrics "
                "aggregation at the path end."
            )
        subs, partials = agg.subs, partial.subs
    return math.nan


def _split_step(step: str) -> tuple[str, str | None]:
    if step.endswith("]") and "[" in step:
        name, _, metric = step[:-1].partition("[")
        return name, metric
    name, _, metric = step.partition(".")
    return name, metric or None


def validate_order(order: list[OrderBy], subs: dict[str, Agg]) -> None:
    """Check the sub-aggregation paths of an order against the sub-aggregations."""
    for item in order:
        if item.target not in ("_count", "_key"):
            path_value(item.target, subs, {})
