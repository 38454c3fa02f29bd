"""Aggregations of ``geo_point`` fields: ``geo_distance`` (distance ranges from an origin),
``geo_bounds`` and ``geo_centroid``.

Each reads the points as Lucene stores them (quantised, see :mod:`djangoes_engine.geo`) and does
Elasticsearch's arithmetic in its order: Lucene's haversine for distances, the bounds with their
choice of whether to wrap across the dateline, and the centroid as a compensated (Kahan) sum per
index that the coordinating node reduces by weighting each index's centroid with its count.
``geohash_grid`` buckets the points by their geohash cell; ``geotile_grid`` and ``geohex_grid``
are refused by name (see :data:`.KNOWN_TYPES`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import tantivy
from tantivy import Query

from .. import geo
from ..errors import BadRequest, IllegalArgument, ParsingError, XContentParseError
from ..fields import GeoPointField
from ..query.geo import points_of
from .body import Params
from .core import Agg, Bucket, Shard, empty_subs, merge_buckets, register, render_subs, subs_on


def _geo_field(agg: Agg, shard: Shard, path: str) -> GeoPointField | None:
    """The aggregated geo_point field on one index (None: unmapped there)."""
    found = shard.mapping.field(path)
    if found is None:
        return None
    if not isinstance(found, GeoPointField):
        raise IllegalArgument(
            f"Field [{path}] of type [{found.type_name}] is not supported for aggregation "
            f"[{agg.kind}]"
        )
    if not found.doc_values:
        raise IllegalArgument(
            f"Can't load fielddata on [{path}] because fielddata is unsupported on fields of "
            f"type [{found.type_name}]. Use doc values instead."
        )
    return found


def _documents(
    shard: Shard, query: tantivy.Query, field: GeoPointField | None, missing: Any
) -> tuple[list[Any], list[list[tuple[float, float]]]]:
    """The documents ``query`` matches, with each one's points (decoded, as stored)."""
    searcher = shard.searcher
    hits = searcher.search(query, max(searcher.num_docs, 1)).hits
    addresses = sorted((a for _, a in hits), key=lambda a: (a.segment_ord, a.doc))
    if field is not None and addresses:
        packed = points_of(shard.reader, field, addresses)
    else:
        packed = [[] for _ in addresses]
    fallback = [] if missing is None else [geo.unpack(geo.pack(*missing))]
    points = [[geo.unpack(p) for p in values] or fallback for values in packed]
    return addresses, points


def _missing_point(params: Params) -> tuple[float, float] | None:
    value = params.get("missing")
    if value is None:
        return None
    return geo.parse_point(value, ignore_z=True)


# --------------------------------------------------------------------------------------------
# geo_distance
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistanceRange:
    key: str
    low: float
    high: float


@dataclass
class DistanceResult:
    buckets: list[Bucket] = field(default_factory=list)


@register
class GeoDistanceAgg(Agg):
    kind = "geo_distance"
    buckets = True

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        self.missing = _missing_point(params)
        origin = None
        for alias in ("origin", "center", "point", "por"):
            value = params.get(alias)
            if value is not None:
                origin = self._origin(value, alias)
        if origin is None:
            raise IllegalArgument(f"Aggregation [{self.name}] must define an [origin].")
        self.origin = origin
        unit = params.get("unit")
        self.unit = 1.0 if unit is None else geo.unit_meters(str(unit))
        kind = params.get("distance_type")
        self.distance_type = "arc" if kind is None else geo.distance_type(kind)
        self.keyed = params.boolean("keyed", False)
        ranges = params.get("ranges")
        if ranges is not None and not isinstance(ranges, list):
            raise params.failed("ranges")
        self.ranges = sorted(
            (self._range(entry) for entry in ranges or []), key=lambda r: (r.low, r.high)
        )

    @staticmethod
    def _origin(value: Any, alias: str) -> tuple[float, float]:
        if isinstance(value, str):
            return geo.parse_point_string(value, ignore_z=False)
        if isinstance(value, list):
            if len(value) > 2:
                raise ParsingError(
                    "malformed [origin]: a geo point array must be of the form [lon, lat]"
                )
            numbers = [float(v) for v in value]
            numbers += [math.nan] * (2 - len(numbers))
            return numbers[1], numbers[0]
        if isinstance(value, dict):
            lat = value.get("lat")
            lon = value.get("lon")
            if not _number(lat) or not _number(lon):
                last = list(value)[-1] if value else alias
                raise ParsingError(
                    f"malformed [{last}] geo point object. either [lat] or [lon] (or both) are "
                    "missing"
                )
            return float(lat), float(lon)
        raise IllegalArgument(f"Unexpected token [{value}] while parsing geo point")

    @staticmethod
    def _range(entry: Any) -> DistanceRange:
        if not isinstance(entry, dict):
            raise XContentParseError("[geo_distance] failed to parse field [ranges]")
        low, high, key = 0.0, math.inf, None
        low_text = high_text = None
        for name, value in entry.items():
            if name not in ("from", "to", "key"):
                raise XContentParseError(f"[range] unknown field [{name}]")
            if value is None:
                continue
            if name == "key":
                key = str(value)
            elif isinstance(value, str):
                if name == "from":
                    low_text = value
                else:
                    high_text = value
            elif _number(value):
                if name == "from":
                    low = float(value)
                else:
                    high = float(value)
        if low_text is not None or high_text is not None:
            try:
                low = geo.parse_double(low_text or "")
                high = geo.parse_double(high_text or "")
            except ValueError as error:
                raise BadRequest(str(error), type="number_format_exception") from None
        if key is None:
            shown_low = "*" if low == 0 else geo.java_double(low)
            shown_high = "*" if math.isinf(high) else geo.java_double(high)
            key = f"{shown_low}-{shown_high}"
        return DistanceRange(key, low, high)

    def collect(self, shard: Shard, query: tantivy.Query) -> DistanceResult:
        if not self.ranges:
            raise IllegalArgument(f"No [ranges] specified for the [{self.name}] aggregation")
        field_type = _geo_field(self, shard, self.field)
        addresses, points = _documents(shard, query, field_type, self.missing)
        lat, lon = self.origin
        distances = [
            [
                geo.calculate(self.distance_type, lat, lon, p_lat, p_lon, self.unit)
                for p_lat, p_lon in doc_points
            ]
            for doc_points in points
        ]
        result = DistanceResult()
        for span in self.ranges:
            inside = [
                address
                for address, values in zip(addresses, distances, strict=True)
                if any(span.low <= d < span.high for d in values)
            ]
            subs = empty_subs(self.subs)
            if self.subs and inside:
                ids = [str(shard.searcher.doc(a).get_first("_id")) for a in inside]
                narrowed = shard.refine(
                    query, Query.term_set_query(shard.reader.schema, "_id", ids)
                )
                subs = subs_on(shard, self.subs, narrowed)
            result.buckets.append(Bucket(span.key, len(inside), subs))
        return result

    def reduce(self, partials: list[DistanceResult]) -> DistanceResult:
        if not partials:
            return self.empty()
        buckets = [
            merge_buckets(self.subs, list(same))
            for same in zip(*(p.buckets for p in partials), strict=True)
        ]
        return DistanceResult(buckets)

    def empty(self) -> DistanceResult:
        return DistanceResult([Bucket(r.key, 0, empty_subs(self.subs)) for r in self.ranges])

    def render(self, partial: DistanceResult) -> dict[str, Any]:
        entries = []
        for span, bucket in zip(self.ranges, partial.buckets, strict=True):
            body: dict[str, Any] = {}
            if not math.isinf(span.low):
                body["from"] = span.low
            if not math.isinf(span.high):
                body["to"] = span.high
            body["doc_count"] = bucket.doc_count
            body.update(render_subs(self.subs, bucket.subs))
            entries.append((span.key, body))
        if self.keyed:
            return {"buckets": dict(entries)}
        return {"buckets": [{"key": key, **body} for key, body in entries]}


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------
# geo_bounds
# --------------------------------------------------------------------------------------------


@dataclass
class Bounds:
    top: float = -math.inf
    bottom: float = math.inf
    pos_left: float = math.inf
    pos_right: float = -math.inf
    neg_left: float = math.inf
    neg_right: float = -math.inf

    def add(self, lat: float, lon: float) -> None:
        self.top = max(self.top, lat)
        self.bottom = min(self.bottom, lat)
        if lon >= 0:
            self.pos_left = min(self.pos_left, lon)
            self.pos_right = max(self.pos_right, lon)
        else:
            self.neg_left = min(self.neg_left, lon)
            self.neg_right = max(self.neg_right, lon)

    def merge(self, other: Bounds) -> None:
        self.top = max(self.top, other.top)
        self.bottom = min(self.bottom, other.bottom)
        self.pos_left = min(self.pos_left, other.pos_left)
        self.pos_right = max(self.pos_right, other.pos_right)
        self.neg_left = min(self.neg_left, other.neg_left)
        self.neg_right = max(self.neg_right, other.neg_right)


@register
class GeoBoundsAgg(Agg):
    kind = "geo_bounds"

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        self.missing = _missing_point(params)
        self.wrap_longitude = params.boolean("wrap_longitude", True)

    def collect(self, shard: Shard, query: tantivy.Query) -> Bounds:
        bounds = Bounds()
        field_type = _geo_field(self, shard, self.field)
        for points in _documents(shard, query, field_type, self.missing)[1]:
            for lat, lon in points:
                bounds.add(lat, lon)
        return bounds

    def reduce(self, partials: list[Bounds]) -> Bounds:
        total = Bounds()
        for partial in partials:
            total.merge(partial)
        return total

    def render(self, partial: Bounds) -> dict[str, Any]:
        b = partial
        if math.isinf(b.top):
            return {}
        if math.isinf(b.pos_left):
            left, right = b.neg_left, b.neg_right
        elif math.isinf(b.neg_left):
            left, right = b.pos_left, b.pos_right
        elif self.wrap_longitude:
            unwrapped = b.pos_right - b.neg_left
            wrapped = (180 - b.pos_left) - (-180 - b.neg_right)
            if unwrapped <= wrapped:
                left, right = b.neg_left, b.pos_right
            else:
                left, right = b.pos_left, b.neg_right
        else:
            left, right = b.neg_left, b.pos_right
        return {
            "bounds": {
                "top_left": {"lat": b.top, "lon": left},
                "bottom_right": {"lat": b.bottom, "lon": right},
            }
        }


# --------------------------------------------------------------------------------------------
# geo_centroid
# --------------------------------------------------------------------------------------------


class CompensatedSum:
    """Elasticsearch's CompensatedSum: Kahan summation, as its geo_centroid adds."""

    def __init__(self) -> None:
        self.value = 0.0
        self.delta = 0.0

    def add(self, value: float) -> None:
        if not math.isfinite(value):
            self.value = value + self.value
        if math.isfinite(self.value):
            corrected = value + self.delta
            updated = self.value + corrected
            self.delta = corrected - (updated - self.value)
            self.value = updated


@dataclass
class Centroid:
    """One index's centroid (the mean of its points) and how many points it is the mean of."""

    lat: float = math.nan
    lon: float = math.nan
    count: int = 0


@register
class GeoCentroidAgg(Agg):
    kind = "geo_centroid"

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        self.missing = _missing_point(params)

    def collect(self, shard: Shard, query: tantivy.Query) -> Centroid:
        lat_sum, lon_sum = CompensatedSum(), CompensatedSum()
        count = 0
        field_type = _geo_field(self, shard, self.field)
        for points in _documents(shard, query, field_type, self.missing)[1]:
            for lat, lon in points:
                lat_sum.add(lat)
                lon_sum.add(lon)
                count += 1
        if not count:
            return Centroid()
        return Centroid(lat_sum.value / count, lon_sum.value / count, count)

    def reduce(self, partials: list[Centroid]) -> Centroid:
        lat_sum, lon_sum = CompensatedSum(), CompensatedSum()
        total = 0
        for partial in partials:
            if partial.count > 0:
                total += partial.count
                lat_sum.add(partial.count * partial.lat)
                lon_sum.add(partial.count * partial.lon)
        if not total:
            return Centroid()
        return Centroid(lat_sum.value / total, lon_sum.value / total, total)

    def render(self, partial: Centroid) -> dict[str, Any]:
        if partial.count == 0:
            return {"count": 0}
        return {"location": {"lat": partial.lat, "lon": partial.lon}, "count": partial.count}


# --------------------------------------------------------------------------------------------
# geohash_grid
# --------------------------------------------------------------------------------------------


@dataclass
class GridResult:
    """Cells by geohash: (document count, sub-aggregation partials)."""

    cells: dict[str, Bucket] = field(default_factory=dict)


@register
class GeohashGridAgg(Agg):
    kind = "geohash_grid"
    buckets = True

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        self.precision = self._precision(params.get("precision", 5))
        self.size = self._positive(params.get("size", 10000), "size")
        shard_size = params.get("shard_size")
        if shard_size is not None:
            self._positive(shard_size, "shardSize")
        bounds = params.get("bounds")
        self.bounds = None if bounds is None else geo.parse_box(bounds)

    def _positive(self, value: Any, name: str) -> int:
        number = _integer(value)
        if number <= 0:
            raise IllegalArgument(
                f"[{name}] must be greater than 0. Found [{number}] in [{self.name}]"
            )
        return number

    @staticmethod
    def _precision(value: Any) -> int:
        if isinstance(value, str):
            try:
                precision = _integer(value)
            except BadRequest:
                levels = geo.geohash_levels_for_precision(geo.parse_distance(value, 1.0))
                if not 1 <= levels <= 12:
                    raise IllegalArgument(f"precision too high [{value}]") from None
                return levels
        else:
            precision = _integer(value)
        if not 1 <= precision <= 12:
            raise IllegalArgument(
                f"Invalid geohash aggregation precision of {precision}. Must be between 1 and 12."
            )
        return precision

    def _valid(self, cell: str) -> bool:
        """Whether a cell shares an interior point with ``bounds`` (Elasticsearch keeps the
        cells the bounds intersect, not only the points inside them)."""
        if self.bounds is None:
            return True
        top, left, bottom, right = geo.geohash_box(cell)
        if right < left:
            return self._intersects(-180, right, bottom, top) or self._intersects(
                left, 180, bottom, top
            )
        return self._intersects(left, right, bottom, top)

    def _intersects(self, min_x: float, max_x: float, min_y: float, max_y: float) -> bool:
        box = self.bounds
        assert box is not None
        if box.top > min_y and box.bottom < max_y:
            if box.right < box.left:
                return box.left < max_x or box.right > min_x
            return box.left < max_x and box.right > min_x
        return False

    def collect(self, shard: Shard, query: tantivy.Query) -> GridResult:
        field_type = _geo_field(self, shard, self.field)
        addresses, points = _documents(shard, query, field_type, None)
        members: dict[str, list[Any]] = {}
        for address, doc_points in zip(addresses, points, strict=True):
            cells = {geo.geohash_of(lat, lon, self.precision) for lat, lon in doc_points}
            cells = {cell for cell in cells if self._valid(cell)}
            for cell in cells:
                members.setdefault(cell, []).append(address)
        result = GridResult()
        for cell, inside in members.items():
            subs = empty_subs(self.subs)
            if self.subs:
                ids = [str(shard.searcher.doc(a).get_first("_id")) for a in inside]
                narrowed = shard.refine(
                    query, Query.term_set_query(shard.reader.schema, "_id", ids)
                )
                subs = subs_on(shard, self.subs, narrowed)
            result.cells[cell] = Bucket(cell, len(inside), subs)
        return result

    def reduce(self, partials: list[GridResult]) -> GridResult:
        grouped: dict[str, list[Bucket]] = {}
        for partial in partials:
            for cell, bucket in partial.cells.items():
                grouped.setdefault(cell, []).append(bucket)
        return GridResult({cell: merge_buckets(self.subs, b) for cell, b in grouped.items()})

    def render(self, partial: GridResult) -> dict[str, Any]:
        # Elasticsearch's order: the most documents first; ties by the cell's hash, highest
        # first (for cells of one precision, the geohash in reverse alphabetical order).
        ordered = sorted(
            partial.cells.values(),
            key=lambda b: (-b.doc_count, [-geo.BASE32.index(c) for c in b.key]),
        )[: self.size]
        return {
            "buckets": [
                {"key": b.key, "doc_count": b.doc_count, **render_subs(self.subs, b.subs)}
                for b in ordered
            ]
        }


def _integer(value: Any) -> int:
    """``XContentMapValues.nodeIntegerValue``: a number, or a string holding an integer."""
    if isinstance(value, bool):
        raise BadRequest(f'For input string: "{value}"', type="number_format_exception")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise BadRequest(f'For input string: "{value}"', type="number_format_exception") from None


__all__ = ["GeoBoundsAgg", "GeoCentroidAgg", "GeoDistanceAgg", "GeohashGridAgg"]
