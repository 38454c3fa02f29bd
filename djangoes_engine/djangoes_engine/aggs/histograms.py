"""histogram and date_histogram.

Per index only non-empty buckets are collected; empty buckets (``min_doc_count: 0``, the
default), ``extended_bounds`` and ``hard_bounds`` are applied after the reduce, as Elasticsearch
does, so that gaps between indices fill correctly.

A numeric histogram is tantivy's ``histogram``. A date_histogram whose buckets all have one
length (a fixed interval, or a day or shorter calendar unit, in a zone without daylight saving)
is too, with the offset that puts bucket starts where the rounding does. Other date_histograms
(months, years, zones with daylight saving) become a tantivy ``range`` over the bucket bounds
computed by :class:`~djangoes_engine.dates.Rounding` between the index's
smallest and largest date.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..dates import DateFormat, DateParseError, Rounding, parse_date_math
from ..errors import EngineError, IllegalArgument
from ..fields import DateField
from .body import Params, java_double, value_printer
from .core import (
    DATE,
    MAX_BUCKETS,
    NUMBERS,
    NUMERIC,
    Agg,
    Bucket,
    Shard,
    Source,
    TooManyBuckets,
    bucket_subs,
    check_buckets,
    collect_level,
    empty_subs,
    merge_buckets,
    register,
    render_subs,
    subs_on,
    with_subs,
)
from .orders import OrderBy, parse_order, sort_buckets, validate_order

KEY_ASC = [OrderBy("_key", True)]
_CALENDAR_MILLIS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000}


@dataclass
class HistogramResult:
    """Non-empty buckets by key, and what rendering and gap filling need from the index."""

    buckets: dict[Any, Bucket] = field(default_factory=dict)
    printer: Callable[[Any], str] | None = None
    bounds: tuple[Any, Any] | None = None  # extended_bounds, parsed
    hard: tuple[Any, Any] | None = None  # hard_bounds, parsed


class HistogramBase(Agg):
    """What both histograms share: collection shape, gap filling, order and rendering."""

    buckets = True
    accepted = NUMBERS

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        self.min_doc_count = params.integer("min_doc_count", 0)
        params.check(
            "min_doc_count",
            self.min_doc_count >= 0,
            "[minDocCount] must be greater "
            f"than or equal to 0. Found [{self.min_doc_count}] in [{self.name}]",
        )
        self.keyed = params.boolean("keyed", False)
        self.order = parse_order(params, KEY_ASC)
        self.missing = params.get("missing")
        self.format = params.string("format")
        self.extended = self._bounds(params, "extended_bounds")
        self.hard_spec = self._bounds(params, "hard_bounds")
        self.configure_interval(params)

    def configure_interval(self, params: Params) -> None:
        raise NotImplementedError

    @staticmethod
    def _bounds(params: Params, name: str) -> dict[str, Any] | None:
        spec = params.get(name)
        if spec is None:
            return None
        if not isinstance(spec, dict) or set(spec) - {"min", "max"}:
            raise params.failed(name)
        return spec

    # Per index: subclasses give keys

    def source(self, shard: Shard) -> Source:
        return shard.source(self, self.field, self.accepted)

    def bucket_bounds(self, key: Any) -> tuple[Any, Any]:
        """The values ``[low, high)`` of the bucket with ``key``."""
        raise NotImplementedError

    def key_of(self, value: float) -> Any:
        raise NotImplementedError

    def keys_from(self, shard: Shard, raw: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
        """Bucket keys and tantivy buckets of a response to :meth:`request`."""
        raise NotImplementedError

    def from_response(
        self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]
    ) -> HistogramResult:
        source = self.source(shard)
        result = self.result(shard)
        for key, entry in self.keys_from(shard, raw):
            count = int(entry["doc_count"])
            if not count:
                continue
            if not self.subs:
                result.buckets[key] = Bucket(key, count)
                continue
            low, high = self.bucket_bounds(key)
            result.buckets[key] = Bucket(
                key,
                count,
                bucket_subs(
                    shard,
                    self.subs,
                    entry,
                    shard.range_refiner(query, source, low, high),
                ),
            )
        self.add_missing(shard, query, source, result)
        return result

    def collect(self, shard: Shard, query: tantivy.Query) -> HistogramResult:
        validate_order(self.order, self.subs)
        if shard.plan(self) is not None:
            return super().collect(shard, query)
        source = self.source(shard)
        result = self.result(shard)
        if source.mapped and source.slot_kind == "bool":
            for value in (0, 1):
                narrowed = shard.refine(query, shard.term(source, value))
                count, subs = collect_level(self.subs, shard, narrowed, count=True)
                if count:
                    key = self.key_of(value)
                    result.buckets[key] = Bucket(key, count, subs)
        self.add_missing(shard, query, source, result)
        return result

    def add_missing(
        self, shard: Shard, query: tantivy.Query, source: Source, result: HistogramResult
    ) -> None:
        """Documents without a value counted in the bucket of ``missing``."""
        if self.missing is None:
            return
        absent = shard.without_value(query, source)
        count = shard.count(absent)
        if not count:
            return
        key = self.key_of(self.missing_value(shard, source))
        low, high = self.bucket_bounds(key)
        either = absent
        if source.mapped:
            within = shard.refine(query, shard.range(source, low, high))
            either = Query.boolean_query([(Occur.Should, within), (Occur.Should, absent)])
        existing = result.buckets.get(key)
        total = count + (existing.doc_count if existing else 0)
        result.buckets[key] = Bucket(key, total, subs_on(shard, self.subs, either))

    def missing_value(self, shard: Shard, source: Source) -> float:
        try:
            if source.field is not None:
                return float(source.field.to_query_value(self.missing))
            return float(self.missing)
        except (EngineError, TypeError, ValueError):
            raise IllegalArgument(f"failed to parse missing value [{self.missing}]") from None

    def result(self, shard: Shard) -> HistogramResult:
        return HistogramResult(printer=self.printer(self.source(shard).field))

    def printer(self, field_type: Any) -> Callable[[Any], str] | None:
        raise NotImplementedError

    # Reduce

    def reduce(self, partials: list[HistogramResult]) -> HistogramResult:
        groups: dict[Any, list[Bucket]] = {}
        for partial in partials:
            for key, bucket in partial.buckets.items():
                groups.setdefault(key, []).append(bucket)
        found = next((p for p in partials if p.printer is not None), None)
        reference = partials[0] if partials else HistogramResult()
        merged = {key: merge_buckets(self.subs, same) for key, same in groups.items()}
        result = HistogramResult(
            merged, found.printer if found else None, reference.bounds, reference.hard
        )
        result.buckets = self.finish(result)
        return result

    def finish(self, result: HistogramResult) -> dict[Any, Bucket]:
        """Buckets in response order: filtered, gaps filled, bounded, sorted."""
        buckets = {k: b for k, b in result.buckets.items() if self.within(k, result.hard)}
        if self.min_doc_count > 0:
            buckets = {k: b for k, b in buckets.items() if b.doc_count >= self.min_doc_count}
        else:
            self.fill(buckets, result)
        check_buckets(len(buckets))
        ordered = sort_buckets(list(buckets.values()), self.order, self.subs, lambda key: key)
        return {bucket.key: bucket for bucket in ordered}

    def within(self, key: Any, hard: tuple[Any, Any] | None) -> bool:
        if hard is None:
            return True
        low, high = hard
        return (low is None or key >= low) and (high is None or key <= high)

    def fill(self, buckets: dict[Any, Bucket], result: HistogramResult) -> None:
        """``min_doc_count: 0``: empty buckets between the first and last, and the bounds."""
        keys = list(buckets)
        if result.bounds is not None:
            keys += [self.key_of(b) for b in result.bounds if b is not None]
        if not keys:
            return
        first, last = min(keys), max(keys)
        if result.hard is not None:
            low, high = result.hard
            first = first if low is None else max(first, self.key_of(low))
            last = last if high is None else min(last, high)
        key = first
        steps = 0
        while key <= last:
            if key not in buckets and self.within(key, result.hard):
                buckets[key] = Bucket(key, 0, empty_subs(self.subs))
            key = self.next_key(key)
            steps += 1
            if steps > MAX_BUCKETS:
                raise TooManyBuckets(steps)

    def next_key(self, key: Any) -> Any:
        raise NotImplementedError

    # Render

    def render(self, partial: HistogramResult) -> dict[str, Any]:
        entries = [self._bucket(b, partial.printer) for b in partial.buckets.values()]
        if self.keyed:
            return {"buckets": {self.keyed_name(entry): entry for entry in entries}}
        return {"buckets": entries}

    def keyed_name(self, entry: dict[str, Any]) -> str:
        return entry.get("key_as_string") or java_double(entry["key"])

    def _bucket(self, bucket: Bucket, printer: Callable[[Any], str] | None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if printer is not None:
            body["key_as_string"] = printer(bucket.key)
        body["key"] = bucket.key
        body["doc_count"] = bucket.doc_count
        if self.subs:
            body.update(render_subs(self.subs, bucket.subs))
        return body


@register
class Histogram(HistogramBase):
    kind = "histogram"

    def configure_interval(self, params: Params) -> None:
        interval = params.number("interval", None)
        if interval is None or interval <= 0:
            raise params.failed(
                "interval",
                IllegalArgument(f"[interval] must be >0 for histogram aggregation [{self.name}]"),
            )
        self.interval = interval
        self.offset = params.number("offset", 0.0)
        for name, spec in (("extended_bounds", self.extended), ("hard_bounds", self.hard_spec)):
            if spec is not None:
                for side in ("min", "max"):
                    if spec.get(side) is not None and not isinstance(spec[side], int | float):
                        raise params.failed(name)
        if self.extended is not None and None not in (
            self.extended.get("min"),
            self.extended.get("max"),
        ):
            low, high = self.extended["min"], self.extended["max"]
            if low > high:
                raise IllegalArgument(
                    f"[extendedBounds.min][{float(low)}] cannot be greater than "
                    f"[extendedBounds.max][{float(high)}] for histogram aggregation "
                    f"[{self.name}]"
                )

    def index_of(self, value: float) -> int:
        return math.floor((value - self.offset) / self.interval)

    def key_of(self, value: float) -> float:
        return self.index_of(value) * self.interval + self.offset

    def next_key(self, key: float) -> float:
        return (round((key - self.offset) / self.interval) + 1) * self.interval + self.offset

    def bucket_bounds(self, key: float) -> tuple[float, float]:
        return key, self.next_key(key)

    def request(self, shard: Shard) -> dict[str, Any] | None:
        validate_order(self.order, self.subs)
        source = self.source(shard)
        if not source.mapped or source.slot_kind == "bool":
            return None
        body = {
            "field": source.slot,
            "interval": self.interval,
            "offset": self.offset,
            "min_doc_count": 1,
        }
        return with_subs({"histogram": body}, shard, self.subs)

    def keys_from(self, shard: Shard, raw: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
        found = []
        for entry in raw["buckets"]:
            index = round((float(entry["key"]) - self.offset) / self.interval)
            found.append((index * self.interval + self.offset, entry))
        return found

    def result(self, shard: Shard) -> HistogramResult:
        result = super().result(shard)
        if self.extended is not None:
            result.bounds = (self.extended.get("min"), self.extended.get("max"))
        if self.hard_spec is not None:
            result.hard = (self.hard_spec.get("min"), self.hard_spec.get("max"))
        return result

    def within(self, key: float, hard: tuple[Any, Any] | None) -> bool:
        # Elasticsearch compares the bucket's start without the offset with the hard bounds.
        if hard is None:
            return True
        start = key - self.offset
        low, high = hard
        return (low is None or start >= low) and (high is None or start <= high)

    def printer(self, field_type: Any) -> Callable[[Any], str] | None:
        return value_printer(field_type, self.format)


@register
class DateHistogram(HistogramBase):
    kind = "date_histogram"
    accepted = frozenset({DATE, NUMERIC})

    def configure_interval(self, params: Params) -> None:
        self.spec = {
            "calendar_interval": params.get("calendar_interval"),
            "fixed_interval": params.get("fixed_interval"),
            "time_zone": params.string("time_zone"),
            "offset": params.get("offset"),
        }
        if "interval" in params.body:
            # Elasticsearch reads the legacy [interval] only under REST compatibility with 7:
            # an unknown field, refused while parsing (before any interval check).
            params.finish()
        self.time_zone = self.spec["time_zone"]
        self._rounding: Rounding | None = None
        self.rounding()  # Elasticsearch's errors for bad intervals, zones and offsets

    def rounding(self) -> Rounding:
        """The aggregation's rounding (its last-bucket cache is valid for any date)."""
        if self._rounding is None:
            self._rounding = Rounding.parse(**self.spec)
        return self._rounding

    # Per index

    def request(self, shard: Shard) -> dict[str, Any] | None:
        validate_order(self.order, self.subs)
        source = self.source(shard)
        if not source.mapped:
            return None
        length = self.fixed_length()
        if length is not None:
            offset = self.rounding().round_down(0) % length
            body = {"field": source.slot, "interval": length, "offset": offset, "min_doc_count": 1}
            return with_subs({"histogram": body}, shard, self.subs)
        keys = self.index_keys(shard, source)
        if keys is None:
            return None
        ranges = [
            {"key": f"r{i}", "from": low, "to": high}
            for i, (low, high) in enumerate(itertools.pairwise(keys))
        ]
        if not ranges:
            return None
        return with_subs({"range": {"field": source.slot, "ranges": ranges}}, shard, self.subs)

    def collect(self, shard: Shard, query: tantivy.Query) -> HistogramResult:
        source = self.source(shard)
        if source.mapped and shard.plan(self) is None and self.fixed_length() is None:
            return self._collect_ranges(shard, query, source)
        return super().collect(shard, query)

    def fixed_length(self) -> int | None:
        """The bucket length when every bucket has it (no calendar months, no DST)."""
        rounding = self.rounding()
        if rounding.time_zone.fixed is None:
            return None
        if rounding.interval is not None:
            return rounding.interval
        return _CALENDAR_MILLIS.get(rounding.calendar_unit or "")

    def index_keys(self, shard: Shard, source: Source) -> list[int] | None:
        """Bucket starts (and the end of the last) over all of the index's dates."""
        cache = shard.cache
        if id(self) not in cache:
            raw = shard.run(Query.all_query(), {"s": {"stats": {"field": source.slot}}})["s"]
            cache[id(self)] = self._keys_between(raw.get("min"), raw.get("max"))
        return cache[id(self)]

    def _keys_between(self, low: float | None, high: float | None) -> list[int] | None:
        if low is None or high is None:
            return []
        rounding = self.rounding()
        key = rounding.round_down(int(low))
        keys = [key]
        while key <= high:
            key = rounding.next(key)
            keys.append(key)
            if len(keys) > MAX_BUCKETS:
                return None
        return keys

    def _collect_ranges(
        self, shard: Shard, query: tantivy.Query, source: Source
    ) -> HistogramResult:
        """Buckets between this query's own first and last date (the index's span was too big)."""
        raw = shard.run(query, {"s": {"stats": {"field": source.slot}}})["s"]
        keys = self._keys_between(raw.get("min"), raw.get("max"))
        if keys is None:
            raise TooManyBuckets(MAX_BUCKETS + 1)
        result = self.result(shard)
        for low, high in itertools.pairwise(keys):
            narrowed = shard.refine(query, shard.range(source, low, high))
            count, subs = collect_level(self.subs, shard, narrowed, count=True)
            if count:
                result.buckets[low] = Bucket(low, count, subs)
        self.add_missing(shard, query, source, result)
        return result

    def keys_from(self, shard: Shard, raw: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
        if self.fixed_length() is not None:
            rounding = self.rounding()
            return [(rounding.round_down(round(float(e["key"]))), e) for e in raw["buckets"]]
        keys = self.index_keys(shard, self.source(shard)) or []
        found = []
        for entry in raw["buckets"]:
            name = entry.get("key")
            if isinstance(name, str) and name.startswith("r") and name[1:].isdigit():
                found.append((keys[int(name[1:])], entry))
        return found

    def key_of(self, value: float) -> int:
        return self.rounding().round_down(math.floor(value))

    def next_key(self, key: int) -> int:
        return self.rounding().next(key)

    def bucket_bounds(self, key: int) -> tuple[int, int]:
        return key, self.next_key(key)

    def missing_value(self, shard: Shard, source: Source) -> float:
        if isinstance(self.missing, str):
            return float(self.parse_date(shard, source, self.missing))
        return super().missing_value(shard, source)

    def result(self, shard: Shard) -> HistogramResult:
        result = super().result(shard)
        source = self.source(shard)
        if self.extended is not None:
            result.bounds = self.parse_bounds(shard, source, self.extended, "extended_bounds")
        if self.hard_spec is not None:
            result.hard = self.parse_bounds(shard, source, self.hard_spec, "hard_bounds")
        return result

    def parse_bounds(
        self, shard: Shard, source: Source, spec: dict[str, Any], name: str
    ) -> tuple[Any, Any]:
        low, high = (
            None if spec.get(side) is None else self.parse_date(shard, source, spec[side])
            for side in ("min", "max")
        )
        if low is not None and high is not None and low > high:
            raise IllegalArgument(
                f"[{name}.min][{low}] cannot be greater than [{name}.max][{high}] for "
                f"histogram aggregation [{self.name}]"
            )
        return low, high

    def parse_date(self, shard: Shard, source: Source, value: Any) -> int:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value)
        if self.format:
            date_format = DateFormat(self.format)
        elif isinstance(source.field, DateField):
            date_format = source.field.date_format
        else:
            date_format = DateFormat()
        try:
            return parse_date_math(
                str(value), date_format, now=shard.target.context.now, time_zone=self.time_zone
            )
        except DateParseError as error:
            raise IllegalArgument(str(error)) from None

    def printer(self, field_type: Any) -> Callable[[Any], str] | None:
        if self.format:
            date_format = DateFormat(self.format)
        elif isinstance(field_type, DateField):
            date_format = field_type.date_format
        else:
            return str
        zone = self.time_zone
        return lambda key: date_format.format(int(key), zone)

    def keyed_name(self, entry: dict[str, Any]) -> str:
        return entry.get("key_as_string") or str(entry["key"])
