"""The percentiles aggregation.

Per index the values are counted exactly (a tantivy ``terms`` request over the numeric field),
so that indices merge exactly and percentiles interpolate between the sorted values as
Elasticsearch's digest does for samples of up to a few thousand values. Where a field has more
distinct values than one request holds, tantivy's estimate (a DDSketch) is used instead.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import tantivy

from ..errors import IllegalArgument
from .body import Params, java_double
from .core import ALL_TERMS, TANTIVY_BUCKETS, Shard, TantivyLimit, register
from .metrics import FieldMetric

DEFAULT_PERCENTS = (1.0, 5.0, 25.0, 50.0, 75.0, 95.0, 99.0)


@dataclass
class Distribution:
    """Value counts (exact), or tantivy's estimated percentiles where values were too many."""

    counts: Counter
    estimates: dict[float, float | None] | None = None
    total: int = 0
    printer: Any = None


@register
class Percentiles(FieldMetric):
    kind = "percentiles"

    def configure_metric(self, params: Params) -> None:
        percents = params.get("percents", DEFAULT_PERCENTS)
        if not isinstance(percents, list | tuple):
            raise params.failed("percents")
        params.check("percents", bool(percents), f"[percents] must not be empty: [{self.name}]")
        self.percents = []
        for percent in percents:
            if isinstance(percent, bool) or not isinstance(percent, int | float):
                raise params.failed("percents")
            params.check(
                "percents",
                0 <= percent <= 100,
                f"percent must be in [0,100], got [{float(percent)}]: [{self.name}]",
            )
            self.percents.append(float(percent))
        self.keyed = params.boolean("keyed", True)
        params.get("tdigest")
        params.get("hdr")

    def request(self, shard: Shard) -> dict[str, Any] | None:
        source = self.source(shard)
        if not source.mapped or self.missing is not None or shard.lean:
            return None
        return {"terms": {"field": source.slot, "size": TANTIVY_BUCKETS, "segment_size": ALL_TERMS}}

    def from_response(
        self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]
    ) -> Distribution:
        source = self.source(shard)
        printer = self.formatter(source.field)
        if raw.get("sum_other_doc_count"):
            return self.estimate(shard, query, printer)
        counts = Counter({float(b["key"]): int(b["doc_count"]) for b in raw["buckets"]})
        return Distribution(counts, total=sum(counts.values()), printer=printer)

    def estimate(self, shard: Shard, query: tantivy.Query, printer: Any) -> Distribution:
        source = self.source(shard)
        request = {"percentiles": {"field": source.slot, "percents": self.percents}}
        raw = shard.run(query, {"p": request, "n": {"value_count": {"field": source.slot}}})
        values = raw["p"]["values"]
        estimates = (
            {float(k): v for k, v in values.items()}
            if isinstance(values, dict)
            else {float(e["key"]): e["value"] for e in values}
        )
        return Distribution(Counter(), estimates, int(raw["n"]["value"] or 0), printer)

    def collect(self, shard: Shard, query: tantivy.Query) -> Distribution:
        source = self.source(shard)
        printer = self.formatter(source.field)
        found = Distribution(Counter(), printer=printer)
        if source.mapped:
            request = {"field": source.slot, "size": TANTIVY_BUCKETS, "segment_size": ALL_TERMS}
            try:
                raw = shard.run(query, {"t": {"terms": request}})["t"]
            except TantivyLimit:  # too many distinct values: tantivy's estimate
                raw = {"sum_other_doc_count": 1}
            found = self.from_response(shard, query, raw)
        if self.missing is not None:
            times = shard.count(shard.without_value(query, source))
            if times:
                found.counts[self.missing_number(source)] += times
                found.total += times
        return found

    def reduce(self, partials: list[Distribution]) -> Distribution:
        printer = next((p.printer for p in partials if p.printer is not None), None)
        estimated = [(p.estimates, p.total) for p in partials if p.estimates is not None]
        counts: Counter = Counter()
        for partial in partials:
            counts.update(partial.counts)
        total = sum(p.total for p in partials)
        if not estimated:
            return Distribution(counts, total=total, printer=printer)
        weights: dict[float, float | None] = {}
        for percent in self.percents:
            parts = [(estimates.get(percent), n) for estimates, n in estimated]
            parts += [
                (_quantile(p.counts, percent), p.total)
                for p in partials
                if p.estimates is None and p.total
            ]
            known = [(v, w) for v, w in parts if v is not None and w]
            weights[percent] = (
                sum(v * w for v, w in known) / sum(w for _, w in known) if known else None
            )
        return Distribution(Counter(), weights, total, printer)

    def result(self, partial: Distribution, percent: float) -> float | None:
        if partial.estimates is not None:
            return partial.estimates.get(percent)
        return _quantile(partial.counts, percent)

    def render(self, partial: Distribution) -> dict[str, Any]:
        if self.keyed:
            values: Any = {}
            for percent in self.percents:
                value = self.result(partial, percent)
                values[java_double(percent)] = value
                if partial.printer is not None and value is not None:
                    values[f"{java_double(percent)}_as_string"] = partial.printer(value)
            return {"values": values}
        entries = []
        for percent in self.percents:
            value = self.result(partial, percent)
            entry = {"key": percent, "value": value}
            if partial.printer is not None and value is not None:
                entry["value_as_string"] = partial.printer(value)
            entries.append(entry)
        return {"values": entries}

    def value(self, partial: Distribution, metric: str | None) -> float:
        if metric is None:
            raise IllegalArgument(f"percentiles [{self.name}] needs a percent in an order path")
        result = self.result(partial, float(metric))
        return math.nan if result is None else result


def _quantile(counts: Counter, percent: float) -> float | None:
    """The percentile of value counts, interpolated as Elasticsearch's exact (sorting) digest."""
    total = sum(counts.values())
    if not total:
        return None
    index = percent / 100 * (total - 1)
    low_index = max(0, min(total - 1, math.floor(index)))
    weight = index - low_index if 0 < index < total - 1 else 0.0
    high_index = min(total - 1, low_index + 1) if weight else low_index
    low = high = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_index:
            low = value
        if seen > high_index:
            high = value
            break
    assert low is not None and high is not None  # the counts add up to total
    return low + weight * (high - low)
