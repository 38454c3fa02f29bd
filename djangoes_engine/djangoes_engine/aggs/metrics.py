"""Metric aggregations: min, max, avg, sum, stats, extended_stats, value_count and cardinality.

Per index, a metric is kept in mergeable form (count, sum, min, max, sum of squares; a set of
distinct values; value counts) so that several indices reduce exactly as Elasticsearch's
coordinating node does. tantivy computes the numbers (``stats``, ``extended_stats``,
``value_count``; distinct values with a ``terms`` request); booleans, which tantivy does not
aggregate as numbers, are counted per value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import tantivy

from ..errors import EngineError, IllegalArgument
from ..fields import FieldType
from .body import Params, value_printer
from .core import (
    ALL_TERMS,
    ANY,
    NUMBERS,
    TANTIVY_BUCKETS,
    Agg,
    Shard,
    Source,
    TantivyLimit,
    register,
)


class FieldMetric(Agg):
    """A metric of one field's values, with ``missing`` and ``format``."""

    accepted = NUMBERS

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        self.missing = params.get("missing")
        self.format = params.string("format")
        params.get("value_type")
        self.configure_metric(params)

    def configure_metric(self, params: Params) -> None:
        """Type-specific parameters."""

    def source(self, shard: Shard) -> Source:
        return shard.source(self, self.field, self.accepted)

    def missing_number(self, source: Source) -> float:
        """``missing`` as the number a document without value contributes."""
        try:
            if source.field is not None:
                converted = source.field.to_query_value(self.missing)
                return float(converted)
            return float(self.missing)
        except (EngineError, TypeError, ValueError):
            raise IllegalArgument(
                f"failed to parse [{self.missing}] as the missing value of [{self.field}]"
            ) from None

    def formatter(self, shard_field: FieldType | None) -> Any:
        """How values print as ``value_as_string`` (None: not printed)."""
        return value_printer(shard_field, self.format)


# --------------------------------------------------------------------------------------------
# Statistics: min, max, avg, sum, stats, extended_stats
# --------------------------------------------------------------------------------------------


@dataclass
class Stats:
    """Mergeable statistics of numbers (and how to print them)."""

    count: int = 0
    sum: float = 0.0
    min: float = math.inf
    max: float = -math.inf
    squares: float = 0.0
    printer: Any = None

    def merged(self, other: Stats) -> Stats:
        return Stats(
            self.count + other.count,
            self.sum + other.sum,
            min(self.min, other.min),
            max(self.max, other.max),
            self.squares + other.squares,
            self.printer or other.printer,
        )

    def add(self, value: float, times: int) -> Stats:
        if times <= 0:
            return self
        return self.merged(Stats(times, value * times, value, value, value * value * times))


class StatsMetric(FieldMetric):
    """The metrics tantivy's ``stats`` gives: collected the same way, rendered differently."""

    tantivy_kind = "stats"

    def request(self, shard: Shard) -> dict[str, Any] | None:
        source = self.source(shard)
        if not source.mapped or source.slot_kind == "bool":
            return None
        body: dict[str, Any] = {"field": source.slot}
        if self.missing is not None:
            body["missing"] = self.missing_number(source)
        return {self.tantivy_kind: body}

    def from_response(self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]) -> Stats:
        source = self.source(shard)
        count = int(raw.get("count") or 0)
        if not count:
            return Stats(printer=self.formatter(source.field))
        return Stats(
            count,
            float(raw["sum"]),
            float(raw["min"]),
            float(raw["max"]),
            float(raw.get("sum_of_squares") or 0.0),
            self.formatter(source.field),
        )

    def collect(self, shard: Shard, query: tantivy.Query) -> Stats:
        if shard.plan(self) is not None:
            return super().collect(shard, query)
        source = self.source(shard)
        stats = Stats(printer=self.formatter(source.field))
        if source.mapped and source.slot_kind == "bool":
            raw = shard.run(query, {"t": {"terms": {"field": source.slot, "size": 2}}})
            for bucket in raw["t"]["buckets"]:
                stats = stats.add(float(bucket["key"]), int(bucket["doc_count"]))
        if self.missing is not None:
            stats = stats.add(
                self.missing_number(source), shard.count(shard.without_value(query, source))
            )
        return stats

    def reduce(self, partials: list[Stats]) -> Stats:
        total = Stats()
        for partial in partials:
            total = total.merged(partial)
        return total

    def number(self, stats: Stats, name: str) -> float | None:
        if name == "count":
            return stats.count
        if name == "sum":
            return stats.sum
        if not stats.count:
            return None
        return {"min": stats.min, "max": stats.max, "avg": stats.sum / stats.count}[name]

    def shown(self, stats: Stats, names: tuple[str, ...]) -> dict[str, Any]:
        body = {name: self.number(stats, name) for name in names}
        if stats.printer is not None and stats.count:
            for name in names:
                if name != "count":
                    body[f"{name}_as_string"] = stats.printer(body[name])
        return body

    def value(self, partial: Stats, metric: str | None) -> float:
        name = metric or self.kind
        empty = {"min": math.inf, "max": -math.inf}.get(name, math.nan)
        number = (
            self.number(partial, name) if name in ("count", "sum", "min", "max", "avg") else None
        )
        return empty if number is None else float(number)


class SingleStat(StatsMetric):
    def render(self, partial: Stats) -> dict[str, Any]:
        value = self.number(partial, self.kind)
        body: dict[str, Any] = {"value": value}
        if partial.printer is not None and value is not None and partial.count:
            body["value_as_string"] = partial.printer(value)
        return body

    def value(self, partial: Stats, metric: str | None) -> float:
        return super().value(partial, None)


@register
class Min(SingleStat):
    kind = "min"


@register
class Max(SingleStat):
    kind = "max"


@register
class Avg(SingleStat):
    kind = "avg"


@register
class Sum(SingleStat):
    kind = "sum"


@register
class StatsAgg(StatsMetric):
    kind = "stats"

    def render(self, partial: Stats) -> dict[str, Any]:
        return self.shown(partial, ("count", "min", "max", "avg", "sum"))


@register
class ExtendedStats(StatsMetric):
    kind = "extended_stats"
    tantivy_kind = "extended_stats"
    BOUNDS = (
        "upper",
        "lower",
        "upper_population",
        "lower_population",
        "upper_sampling",
        "lower_sampling",
    )

    def configure_metric(self, params: Params) -> None:
        self.sigma = params.number("sigma", 2.0)
        params.check(
            "sigma",
            self.sigma >= 0,
            f"[sigma] must be greater than or equal to 0. Found [{self.sigma}] in [{self.name}]",
        )

    def variances(self, stats: Stats) -> dict[str, float | None]:
        if not stats.count:
            return dict.fromkeys(("variance", "variance_population", "variance_sampling"))
        spread = stats.squares - stats.sum * stats.sum / stats.count
        population = max(spread / stats.count, 0.0)
        sampling = max(spread / (stats.count - 1), 0.0) if stats.count > 1 else None
        return {
            "variance": population,
            "variance_population": population,
            "variance_sampling": sampling,
        }

    def render(self, partial: Stats) -> dict[str, Any]:
        body = self.shown(partial, ("count", "min", "max", "avg", "sum"))
        variances = self.variances(partial)
        deviations = {
            name.replace("variance", "std_deviation"): (None if value is None else math.sqrt(value))
            for name, value in variances.items()
        }
        body["sum_of_squares"] = partial.squares if partial.count else None
        body.update(variances)
        body.update(deviations)
        body["std_deviation_bounds"] = self.bounds(partial, deviations)
        if partial.printer is not None and partial.count:
            for name in ("sum_of_squares", *variances, *deviations):
                if body[name] is not None:
                    body[f"{name}_as_string"] = partial.printer(body[name])
        return body

    def bounds(self, stats: Stats, deviations: dict[str, float | None]) -> dict[str, Any]:
        if not stats.count:
            return dict.fromkeys(self.BOUNDS)
        avg = stats.sum / stats.count
        bounds = {}
        for suffix, name in (
            ("", "std_deviation"),
            ("_population", "std_deviation_population"),
            ("_sampling", "std_deviation_sampling"),
        ):
            deviation = deviations[name]
            bounds[f"upper{suffix}"] = None if deviation is None else avg + self.sigma * deviation
            bounds[f"lower{suffix}"] = None if deviation is None else avg - self.sigma * deviation
        return {name: bounds[name] for name in self.BOUNDS}

    def value(self, partial: Stats, metric: str | None) -> float:
        variances = self.variances(partial)
        if metric in variances:
            found = variances[metric]
            return math.nan if found is None else found
        if metric and metric.startswith("std_deviation"):
            found = variances.get(metric.replace("std_deviation", "variance"))
            return math.nan if found is None else math.sqrt(found)
        if metric == "sum_of_squares":
            return partial.squares if partial.count else math.nan
        return super().value(partial, metric)


# --------------------------------------------------------------------------------------------
# Counting: value_count, cardinality
# --------------------------------------------------------------------------------------------


@register
class ValueCount(FieldMetric):
    kind = "value_count"
    accepted = ANY

    def request(self, shard: Shard) -> dict[str, Any] | None:
        source = self.source(shard)
        if not source.mapped or source.slot_kind == "text" or self.missing is not None:
            return None
        return {"value_count": {"field": source.slot}}

    def from_response(self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]) -> int:
        return int(raw.get("value") or 0)

    def collect(self, shard: Shard, query: tantivy.Query) -> int:
        source = self.source(shard)
        total = 0
        if source.slot_kind == "text":  # fielddata: a document's distinct terms
            total = sum(count for _, count in shard.text_terms(source, query))
        elif source.mapped:
            raw = shard.run(query, {"c": {"value_count": {"field": source.slot}}})
            total = int(raw["c"]["value"] or 0)
        if self.missing is not None:
            total += shard.count(shard.without_value(query, source))
        return total

    def reduce(self, partials: list[int]) -> int:
        return sum(partials)

    def render(self, partial: int) -> dict[str, Any]:
        return {"value": partial}

    def value(self, partial: int, metric: str | None) -> float:
        return float(partial)


@dataclass
class Distinct:
    """Distinct values (exact), or an estimate of their number where they were too many."""

    values: set[Any] | None
    estimate: float = 0.0

    @property
    def count(self) -> int:
        return len(self.values) if self.values is not None else round(self.estimate)


@register
class Cardinality(FieldMetric):
    kind = "cardinality"
    accepted = ANY

    def configure_metric(self, params: Params) -> None:
        threshold = params.integer("precision_threshold", 3000)
        params.check(
            "precision_threshold",
            threshold >= 0,
            f"[precisionThreshold] must be greater than or equal to 0. Found "
            f"[{threshold}] in [{self.name}]",
        )
        params.get("execution_hint")
        params.get("rehash")

    def request(self, shard: Shard) -> dict[str, Any] | None:
        source = self.source(shard)
        if shard.lean or self.missing is not None:
            return None
        if not source.mapped or source.slot_kind == "text":
            return None
        return {"terms": {"field": source.slot, "size": TANTIVY_BUCKETS, "segment_size": ALL_TERMS}}

    def from_response(self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]) -> Distinct:
        if raw.get("sum_other_doc_count"):
            return self.estimate(shard, query)
        return Distinct({bucket["key"] for bucket in raw["buckets"]})

    def estimate(self, shard: Shard, query: tantivy.Query) -> Distinct:
        source = self.source(shard)
        raw = shard.run(query, {"c": {"cardinality": {"field": source.slot}}})
        return Distinct(None, float(raw["c"]["value"] or 0.0))

    def collect(self, shard: Shard, query: tantivy.Query) -> Distinct:
        source = self.source(shard)
        found = Distinct(set())
        if source.slot_kind == "text":  # fielddata: the terms of the documents
            found = Distinct({term for term, _ in shard.text_terms(source, query)})
        elif source.mapped:
            request = {"field": source.slot, "size": TANTIVY_BUCKETS, "segment_size": ALL_TERMS}
            try:
                raw = shard.run(query, {"t": {"terms": request}})["t"]
            except TantivyLimit:  # too many values for one request: an estimate, as Elasticsearch
                raw = {"sum_other_doc_count": 1}
            found = self.from_response(shard, query, raw)
        if self.missing is not None and shard.count(shard.without_value(query, source)):
            missing = self.missing if not source.mapped else source.convert(self.missing)
            if found.values is not None:
                found.values.add(missing)
            else:
                found.estimate += 1
        return found

    def reduce(self, partials: list[Distinct]) -> Distinct:
        union: set[Any] = set()
        for partial in partials:
            if partial.values is None:
                return Distinct(None, sum(p.count for p in partials))
            union |= {_normal(v) for v in partial.values}
        return Distinct(union)

    def render(self, partial: Distinct) -> dict[str, Any]:
        return {"value": partial.count}

    def value(self, partial: Distinct, metric: str | None) -> float:
        return float(partial.count)


def _normal(value: Any) -> Any:
    """Integral floats as ints, so that 1 (long) and 1.0 (double) are one value across indices."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
