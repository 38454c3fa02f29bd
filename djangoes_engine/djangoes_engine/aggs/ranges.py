"""range and date_range.

Ranges are ``[from, to)`` over the field's values, sorted by ``from`` then ``to`` in the
response as Elasticsearch sorts them. Ranges that do not overlap are one tantivy ``range``
aggregation (with bounds rounded to the integers an integral field can hold); overlapping ones
are counted one query each, since tantivy's range aggregation needs disjoint ranges.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..dates import DateFormat, DateParseError, parse_date_math
from ..decimals import decimal_format
from ..errors import IllegalArgument
from ..fields import DateField
from .body import Params, java_double
from .core import (
    DATE,
    NUMBERS,
    NUMERIC,
    Agg,
    Bucket,
    Shard,
    Source,
    bucket_subs,
    collect_level,
    empty_subs,
    merge_buckets,
    register,
    render_subs,
    subs_on,
    with_subs,
)


@dataclass(frozen=True)
class Span:
    """One range as an index resolved it: numeric bounds and how they print."""

    key: str
    low: float
    high: float
    low_text: str | None
    high_text: str | None


@dataclass
class RangeResult:
    spans: list[Span]
    buckets: list[Bucket] = field(default_factory=list)
    printed: bool = False  # whether bounds print as strings (dates, formats)


@register
class RangeAgg(Agg):
    kind = "range"
    buckets = True
    accepted = NUMBERS

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        ranges = params.get("ranges")
        if ranges is not None and not isinstance(ranges, list):
            raise params.failed("ranges")
        self.ranges = []
        for entry in ranges or []:
            if not isinstance(entry, dict) or set(entry) - {"from", "to", "key"}:
                raise params.failed("ranges")
            self.ranges.append(entry)
        self.keyed = params.boolean("keyed", False)
        self.missing = params.get("missing")
        self.format = params.string("format")
        self.time_zone = params.string("time_zone") if self.kind == "date_range" else None

    # Per index

    def source(self, shard: Shard) -> Source:
        return shard.source(self, self.field, self.accepted)

    def spans(self, shard: Shard, source: Source) -> list[Span]:
        if not self.ranges:
            raise IllegalArgument(f"No [ranges] specified for the [{self.name}] aggregation")
        parse, show = self._converters(shard, source)
        spans = []
        for entry in self.ranges:
            low = -math.inf if entry.get("from") is None else parse(entry["from"])
            high = math.inf if entry.get("to") is None else parse(entry["to"])
            low_text = None if math.isinf(low) else show(low)
            high_text = None if math.isinf(high) else show(high)
            key = entry.get("key")
            if key is None:
                key = f"{low_text or '*'}-{high_text or '*'}"
            spans.append(Span(str(key), low, high, low_text, high_text))
        # Elasticsearch sorts ranges by from, then to (a stable sort).
        return sorted(spans, key=lambda s: (s.low, s.high))

    def _converters(
        self, shard: Shard, source: Source
    ) -> tuple[Callable[[Any], float], Callable[[float], str]]:
        date_field = source.field if isinstance(source.field, DateField) else None
        if date_field is not None or (self.kind == "date_range" and source.field is None):
            date_format = (
                DateFormat(self.format)
                if self.format
                else (date_field.date_format if date_field is not None else DateFormat())
            )

            def parse(value: Any) -> float:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return float(value)
                try:
                    return float(
                        parse_date_math(
                            str(value),
                            date_format,
                            now=shard.target.context.now,
                            time_zone=self.time_zone,
                        )
                    )
                except DateParseError as error:
                    raise IllegalArgument(str(error)) from None

            return parse, lambda value: date_format.format(int(value), self.time_zone)

        def number(value: Any) -> float:
            try:
                return float(value)
            except (TypeError, ValueError):
                raise IllegalArgument(f'For input string: "{value}"') from None

        if self.format:
            return number, lambda value: decimal_format(value, self.format)
        return number, java_double

    def printed(self, source: Source) -> bool:
        return (
            bool(self.format)
            or isinstance(source.field, DateField)
            or (self.kind == "date_range" and source.field is None)
        )

    def request(self, shard: Shard) -> dict[str, Any] | None:
        source = self.source(shard)
        if not source.mapped or source.slot_kind == "bool":
            return None
        bounds = [self._slot_bounds(source, s) for s in self.spans(shard, source)]
        ordered = sorted((b for b in bounds if b[0] < b[1]), key=lambda b: b[0])
        if any(a[1] > b[0] for a, b in itertools.pairwise(ordered)):
            return None
        ranges = []
        for position, (low, high) in enumerate(bounds):
            if low < high:
                entry: dict[str, Any] = {"key": f"r{position}"}
                if not math.isinf(low):
                    entry["from"] = low
                if not math.isinf(high):
                    entry["to"] = high
                ranges.append(entry)
        if not ranges:
            return None
        return with_subs({"range": {"field": source.slot, "ranges": ranges}}, shard, self.subs)

    @staticmethod
    def _slot_bounds(source: Source, span: Span) -> tuple[float, float]:
        """Bounds tantivy compares the slot's values with (integral slots hold integers)."""
        low, high = span.low, span.high
        if source.slot_kind in ("i64", "u64"):
            low = low if math.isinf(low) else float(math.ceil(low))
            high = high if math.isinf(high) else float(math.ceil(high))
            if source.slot_kind == "u64":
                low = max(low, 0.0)
        return low, high

    def from_response(self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]) -> RangeResult:
        source = self.source(shard)
        spans = self.spans(shard, source)
        entries = {e.get("key"): e for e in raw["buckets"]}
        result = RangeResult(spans, printed=self.printed(source))
        for position, span in enumerate(spans):
            entry = entries.get(f"r{position}")
            if entry is None:
                result.buckets.append(Bucket(span.key, 0, empty_subs(self.subs)))
                continue
            result.buckets.append(
                Bucket(
                    span.key,
                    int(entry["doc_count"]),
                    bucket_subs(
                        shard,
                        self.subs,
                        entry,
                        shard.range_refiner(query, source, span.low, span.high),
                    ),
                )
            )
        self._add_missing(shard, query, source, result)
        return result

    def collect(self, shard: Shard, query: tantivy.Query) -> RangeResult:
        if shard.plan(self) is not None:
            return super().collect(shard, query)
        source = self.source(shard)
        spans = self.spans(shard, source)
        result = RangeResult(spans, printed=self.printed(source))
        for span in spans:
            if not source.mapped:
                result.buckets.append(Bucket(span.key, 0, empty_subs(self.subs)))
                continue
            narrowed = shard.refine(query, self._span_query(shard, source, span))
            count, subs = collect_level(self.subs, shard, narrowed, count=True)
            result.buckets.append(Bucket(span.key, count or 0, subs))
        self._add_missing(shard, query, source, result)
        return result

    @staticmethod
    def _span_query(shard: Shard, source: Source, span: Span) -> tantivy.Query:
        if source.slot_kind == "bool":
            values = [v for v in (0, 1) if span.low <= v < span.high]
            if not values:
                return Query.empty_query()
            return Query.boolean_query([(Occur.Should, shard.term(source, v)) for v in values])
        low = None if math.isinf(span.low) else span.low
        high = None if math.isinf(span.high) else span.high
        return shard.range(source, low, high)

    def _add_missing(
        self, shard: Shard, query: tantivy.Query, source: Source, result: RangeResult
    ) -> None:
        """Documents without a value count in the ranges that hold ``missing``."""
        if self.missing is None:
            return
        absent = shard.without_value(query, source)
        count = shard.count(absent)
        if not count:
            return
        parse, _ = self._converters(shard, source)
        value = parse(self.missing)
        for position, span in enumerate(result.spans):
            if span.low <= value < span.high:
                bucket = result.buckets[position]
                either = absent
                if source.mapped:
                    within = shard.refine(query, self._span_query(shard, source, span))
                    either = Query.boolean_query([(Occur.Should, within), (Occur.Should, absent)])
                result.buckets[position] = Bucket(
                    bucket.key, bucket.doc_count + count, subs_on(shard, self.subs, either)
                )

    # Reduce and render

    def reduce(self, partials: list[RangeResult]) -> RangeResult:
        if not partials:
            return self.empty()
        reference = next((p for p in partials if p.printed), partials[0])
        buckets = [
            merge_buckets(self.subs, list(same))
            for same in zip(*(p.buckets for p in partials), strict=True)
        ]
        return RangeResult(reference.spans, buckets, reference.printed)

    def empty(self) -> RangeResult:
        """Ranges with no documents (those with date bounds need an index to parse them)."""
        spans = []
        for entry in self.ranges:
            bounds = [entry.get(side) for side in ("from", "to")]
            if any(isinstance(b, str) for b in bounds) or self.kind == "date_range" or self.format:
                return RangeResult([])
            low = -math.inf if bounds[0] is None else float(bounds[0])
            high = math.inf if bounds[1] is None else float(bounds[1])
            low_text = None if math.isinf(low) else java_double(low)
            high_text = None if math.isinf(high) else java_double(high)
            key = entry.get("key") or f"{low_text or '*'}-{high_text or '*'}"
            spans.append(Span(str(key), low, high, low_text, high_text))
        spans.sort(key=lambda s: (s.low, s.high))
        return RangeResult(spans, [Bucket(s.key, 0, empty_subs(self.subs)) for s in spans])

    def render(self, partial: RangeResult) -> dict[str, Any]:
        entries = []
        for span, bucket in zip(partial.spans, partial.buckets, strict=True):
            entries.append((span.key, self._bucket(span, bucket, partial.printed)))
        if self.keyed:
            return {"buckets": dict(entries)}
        return {"buckets": [{"key": key, **body} for key, body in entries]}

    def _bucket(self, span: Span, bucket: Bucket, printed: bool) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if not math.isinf(span.low):
            body["from"] = span.low
            if printed:
                body["from_as_string"] = span.low_text
        if not math.isinf(span.high):
            body["to"] = span.high
            if printed:
                body["to_as_string"] = span.high_text
        body["doc_count"] = bucket.doc_count
        body.update(render_subs(self.subs, bucket.subs))
        return body


@register
class DateRange(RangeAgg):
    kind = "date_range"
    accepted = frozenset({DATE, NUMERIC})
