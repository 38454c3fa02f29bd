"""Geo queries on ``geo_point`` fields: ``geo_distance`` and ``geo_bounding_box``.

A point is one signed 64-bit integer with the latitude in its high half (see
:mod:`djangoes_engine.geo`), so a band of latitudes is one tantivy range query on the slot. The
documents of that band are then tested in Python, point by point, with Lucene's own predicate
(the quantised point within the haversine distance, or within the quantised box), and the query
matches those documents by ``_id`` with a constant score, as Elasticsearch's geo queries score.

``geo_polygon`` is gone from Elasticsearch 9 (it was kept for REST compatibility with 7 only), so
it is an unknown query here too; ``geo_shape`` is refused by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import tantivy
from tantivy import Query

from .. import geo, jsoncodec
from ..errors import BadRequest, EngineError, ParsingError, QueryShardError, Unsupported
from ..fields import FieldType, GeoPointField
from ..mapping import source_path
from .body import boosted
from .context import MATCH_NONE, Context

#: Options a geo query body takes besides its field.
_DISTANCE_OPTIONS = ("distance", "unit", "distance_type", "validation_method", "ignore_unmapped")


class QueryValidationError(BadRequest):
    """Elasticsearch's QueryValidationException (the cause of a shard's refusal)."""

    type = "query_validation_exception"


def _boolean(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ParsingError(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def _java_text(value: Any) -> str:
    """A JSON scalar as Jackson's ``text()`` gives it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return geo.java_double(value)
    return str(value)


# --------------------------------------------------------------------------------------------
# geo_distance
# --------------------------------------------------------------------------------------------


def q_geo_distance(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    field_name: str | None = None
    lat = lon = math.nan
    distance: Any = None
    unit = 1.0
    validation = "STRICT"
    ignore_unmapped = False
    for key, value in body.items():
        if isinstance(value, list):
            field_name = key
            lat, lon = geo.parse_point(value, ignore_z=False)
        elif isinstance(value, dict):
            if field_name is not None and field_name != key:
                raise ParsingError(
                    f"[geo_distance] query doesn't support multiple fields, found [{field_name}] "
                    f"and [{key}]"
                )
            field_name = key
            for name, item in value.items():
                if isinstance(item, dict | list):
                    continue
                if name == "lat":
                    lat = _coordinate(item)
                elif name == "lon":
                    lon = _coordinate(item)
                elif name == "geohash":
                    lat, lon = geo.geohash_point(_java_text(item))
                else:
                    raise ParsingError(f"[geo_distance] query does not support [{key}]")
        elif key == "distance":
            distance = value
        elif key == "unit":
            unit = geo.unit_meters(_java_text(value))
        elif key == "distance_type":
            geo.distance_type(_java_text(value))  # read and checked; the query is haversine
        elif key.endswith(".lat") and _number(value):
            lat, field_name = float(value), key[: -len(".lat")]
        elif key.endswith(".lon") and _number(value):
            lon, field_name = float(value), key[: -len(".lon")]
        elif key in ("_name", "boost"):
            continue
        elif key == "ignore_unmapped":
            ignore_unmapped = _boolean(value, key)
        elif key == "validation_method":
            validation = geo.validation_method(_java_text(value))
        elif field_name is None:
            lat, lon = geo.parse_point_string(_java_text(value), ignore_z=False)
            field_name = key
        else:
            raise ParsingError(f"failed to parse [geo_distance] query. unexpected field [{key}]")
    if distance is None:
        raise ParsingError("geo_distance requires 'distance' to be specified")
    if not field_name:
        raise BadRequest("fieldName must not be null or empty")
    text = geo.java_double(float(distance)) if _number(distance) else _java_text(distance)
    if not text:
        raise BadRequest("distance must not be null or empty")
    meters = geo.parse_distance(text, unit, 1.0)
    if not meters > 0.0:
        raise BadRequest("distance must be greater than zero")

    field = _geo_field(ctx, field_name, "geo_distance", ignore_unmapped)
    if field is None:
        return MATCH_NONE()
    if validation == "STRICT":
        problems = []
        if not geo.valid_lat(lat):
            problems.append(f"center point latitude is invalid: {geo.java_double(lat)}")
        if not geo.valid_lon(lon):
            problems.append(f"center point longitude is invalid: {geo.java_double(lon)}")
        _check(problems)
    if validation == "COERCE":
        lat, lon = geo.normalize(lat, lon)
    _check_lucene_point(lat, lon)
    if not math.isfinite(meters):
        raise QueryShardError(
            f"failed to create query: radiusMeters: '{geo.java_double(meters)}' is invalid"
        )
    # The latitudes a point within the distance can have, with a margin for Lucene's sloppy math.
    spread = math.degrees(meters / geo.EARTH_MEAN_RADIUS) * 1.01 + 1e-5
    band = (max(-90.0, lat - spread), min(90.0, lat + spread))

    def within(packed: int) -> bool:
        point_lat, point_lon = geo.unpack(packed)
        key = geo.haversin_sort_key(lat, lon, point_lat, point_lon)
        return geo.haversin_meters(key) <= meters

    return boosted(_matching(ctx, field, band, within), body)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coordinate(value: Any) -> float:
    if _number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return geo.parse_double(value)
        except ValueError as error:
            raise BadRequest(str(error), type="number_format_exception") from None
    raise ParsingError(f"Current token ({_java_text(value)}) not numeric")


def _check_lucene_point(lat: float, lon: float) -> None:
    """Lucene's own range check, which a point let through by ``validation_method`` meets."""
    for value, limit, what in ((lat, 90.0, "latitude"), (lon, 180.0, "longitude")):
        if math.isnan(value) or not -limit <= value <= limit:
            raise QueryShardError(
                f"failed to create query: invalid {what} {geo.java_double(value)}; must be "
                f"between -{geo.java_double(limit)} and {geo.java_double(limit)}"
            )


def _check(problems: list[str]) -> None:
    if problems:
        listed = "".join(f"{n}: {p};" for n, p in enumerate(problems, 1))
        raise QueryShardError(
            "couldn't validate latitude/ longitude values",
            caused_by=QueryValidationError(f"Validation Failed: {listed}"),
        )


def _geo_field(ctx: Context, name: str, query: str, ignore_unmapped: bool) -> FieldType | None:
    field = ctx.field(name)
    if field is None:
        if ignore_unmapped:
            return None
        raise QueryShardError(f"failed to find geo field [{name}]")
    if field.type_name in ("geo_shape", "shape", "point"):
        raise Unsupported(f"the [{query}] query on the [{field.type_name}] field [{name}]")
    if not isinstance(field, GeoPointField):
        raise QueryShardError(
            f"Field [{name}] is of unsupported type [{field.type_name}] for [{query}] query"
        )
    return field


# --------------------------------------------------------------------------------------------
# geo_bounding_box
# --------------------------------------------------------------------------------------------


def q_geo_bounding_box(ctx: Context, body: dict[str, Any]) -> tantivy.Query:
    field_name: str | None = None
    box: geo.Box | None = None
    validation = "STRICT"
    ignore_unmapped = False
    for key, value in body.items():
        if isinstance(value, dict):
            try:
                box = geo.parse_box(value)
            except EngineError as error:
                raise geo.GeoParseError(
                    f"failed to parse [geo_bounding_box] query. [{error.reason}]"
                ) from None
            field_name = key
        elif isinstance(value, list):
            continue  # Elasticsearch skips an array here
        elif key in ("_name", "boost"):
            continue
        elif key == "validation_method":
            validation = geo.validation_method(_java_text(value))
        elif key == "ignore_unmapped":
            ignore_unmapped = _boolean(value, key)
        else:
            raise ParsingError(
                f"failed to parse [geo_bounding_box] query. unexpected field [{key}]"
            )
    if box is None or field_name is None:
        raise geo.GeoParseError(
            "failed to parse [geo_bounding_box] query. bounding box not provided"
        )
    # Elasticsearch checks the corners when it parses them, before reading validation_method.
    for value, what in (
        (box.top, "top latitude"),
        (box.left, "left longitude"),
        (box.bottom, "bottom latitude"),
        (box.right, "right longitude"),
    ):
        if not math.isfinite(value):
            raise BadRequest(f"{what} is invalid: {geo.java_double(value)}")
    if box.top < box.bottom:
        raise BadRequest(
            f"top is below bottom corner: {geo.java_double(box.top)} vs. "
            f"{geo.java_double(box.bottom)}"
        )

    field = _geo_field(ctx, field_name, "geo_bounding_box", ignore_unmapped)
    if field is None:
        return MATCH_NONE()
    top, left, bottom, right = box.top, box.left, box.bottom, box.right
    if validation == "STRICT":
        problems = []
        if not geo.valid_lat(top):
            problems.append(f"top latitude is invalid: {geo.java_double(top)}")
        if not geo.valid_lon(left):
            problems.append(f"left longitude is invalid: {geo.java_double(left)}")
        if not geo.valid_lat(bottom):
            problems.append(f"bottom latitude is invalid: {geo.java_double(bottom)}")
        if not geo.valid_lon(right):
            problems.append(f"right longitude is invalid: {geo.java_double(right)}")
        _check(problems)
    if validation == "COERCE":
        complete = math.fmod(right - left, 360) == 0 and right > left
        top, left = geo.normalize(top, left, True, not complete)
        bottom, right = geo.normalize(bottom, right, True, not complete)
        if complete:
            left, right = -180.0, 180.0
    _check_lucene_point(bottom, left)
    _check_lucene_point(top, right)
    if bottom == 90.0:
        return MATCH_NONE()
    if left == 180.0:
        if right == 180.0:
            return MATCH_NONE()
        if right < left:
            left = -180.0
    min_lat, max_lat = geo.encode_lat(bottom, ceil=True), geo.encode_lat(top)
    min_lon, max_lon = geo.encode_lon(left, ceil=True), geo.encode_lon(right)
    crosses = right < left

    def inside(packed: int) -> bool:
        point_lat, point_lon = geo.unpack_encoded(packed)
        if not min_lat <= point_lat <= max_lat:
            return False
        if crosses:
            return point_lon >= min_lon or point_lon <= max_lon
        return min_lon <= point_lon <= max_lon

    if min_lat > max_lat:
        return MATCH_NONE()
    band = (geo.decode_lat(min_lat), geo.decode_lat(max_lat))
    return boosted(_matching(ctx, field, band, inside), body)


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


def _matching(
    ctx: Context, field: FieldType, band: tuple[float, float], test: Callable[[int], bool]
) -> tantivy.Query:
    """The documents with a point of ``field`` that passes ``test``, by ``_id``, scoring 1."""
    ids = matching_ids(ctx.reader, field, band, test)
    if not ids:
        return MATCH_NONE()
    return Query.const_score_query(Query.term_set_query(ctx.schema, "_id", ids), 1.0)


def matching_ids(
    reader: Any, field: FieldType, band: tuple[float, float], test: Callable[[int], bool]
) -> list[str]:
    slot = reader.slot(field.path)
    if slot is None:
        raise QueryShardError(
            f"failed to create query: Cannot search on field [{field.path}] since it is not "
            "indexed nor has doc values."
        )
    low = geo.encode_lat(band[0], ceil=True) << 32
    high = (geo.encode_lat(band[1]) << 32) | 0xFFFFFFFF
    candidates = Query.range_query(reader.schema, slot, tantivy.FieldType.Integer, low, high)
    searcher = reader.searcher
    hits = searcher.search(candidates, max(searcher.num_docs, 1)).hits
    addresses = [address for _, address in hits]
    if not addresses:
        return []
    ids = []
    for address, values in zip(addresses, points_of(reader, field, addresses), strict=True):
        if any(test(value) for value in values):
            document = searcher.doc(address)
            ids.append(str(document.get_first("_id")))
    return ids


def points_of(reader: Any, field: FieldType, addresses: list[Any]) -> list[list[int]]:
    """Every packed point of ``field`` in each document (fast column, or ``_source``)."""
    slot = reader.slot(field.path)
    if slot is not None and field.path not in reader.layout.multi:
        return [
            [] if v is None else [int(v)]
            for v in reader.searcher.fast_field_values(slot, addresses)
        ]
    path = source_path(reader.mapping, field)
    found = []
    for address in addresses:
        stored = reader.searcher.doc(address).get_first("_source")
        values: list[int] = []
        if stored is not None:
            for raw in geo.raw_points(jsoncodec.loads(stored), path):
                try:
                    values.append(field.convert(raw))
                except EngineError:
                    continue
        found.append(values)
    return found
