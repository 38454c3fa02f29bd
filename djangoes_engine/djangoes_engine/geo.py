"""Geo points as Elasticsearch reads, stores and measures them.

Elasticsearch parses a ``geo_point`` from an object (``lat``/``lon``, ``geohash``, or GeoJSON
``type``/``coordinates``), a ``[lon, lat]`` array, a ``"lat,lon"`` string, a WKT ``POINT`` or a
geohash, each with its own error. Lucene then keeps the point quantised to 32 bits per coordinate
(``GeoEncodingUtils``), and every distance, bound and centroid Elasticsearch reports is computed
from the quantised point with Lucene's table-based haversine (``SloppyMath``). This module does
the same arithmetic in the same order, so that the figures the engine answers are Elasticsearch's
to the last bit, and the distances of a query match exactly the points Elasticsearch matches.

A point is indexed as one signed 64-bit integer, latitude in the high half and longitude in the
low half, exactly as Lucene's ``LatLonDocValuesField`` encodes it.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from typing import Any

from .decimals import java_double
from .errors import BadRequest

#: Elasticsearch's (and Lucene's) mean earth radius, in meters.
EARTH_MEAN_RADIUS = 6371008.7714
#: The WGS 84 semi-major axis, in meters (the equator's length divides it).
EARTH_SEMI_MAJOR_AXIS = 6378137.0


class GeoParseError(BadRequest):
    """Elasticsearch's ElasticsearchParseException: a malformed geo value (400)."""

    type = "parse_exception"


# --------------------------------------------------------------------------------------------
# Java numbers
# --------------------------------------------------------------------------------------------

_JAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)")


def parse_double(text: str) -> float:
    """Java's ``Double.parseDouble``: ValueError where it throws NumberFormatException."""
    stripped = text.strip(" \t\n\r\x0b\x0c\x00")
    if not _JAVA_DOUBLE.fullmatch(stripped):
        raise ValueError(f'For input string: "{text}"')
    return float(stripped.rstrip("fFdD") if stripped[-1:] in "fFdD" else stripped)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------
# Quantisation (Lucene's GeoEncodingUtils)
# --------------------------------------------------------------------------------------------

_LAT_DECODE = 1 / ((1 << 32) / 180.0)
_LON_DECODE = 1 / ((1 << 32) / 360.0)


def encode_lat(lat: float, ceil: bool = False) -> int:
    if lat == 90.0:
        lat = math.nextafter(90.0, 0.0)
    scaled = lat / _LAT_DECODE
    return math.ceil(scaled) if ceil else math.floor(scaled)


def encode_lon(lon: float, ceil: bool = False) -> int:
    if lon == 180.0:
        lon = math.nextafter(180.0, 0.0)
    scaled = lon / _LON_DECODE
    return math.ceil(scaled) if ceil else math.floor(scaled)


def decode_lat(encoded: int) -> float:
    return encoded * _LAT_DECODE


def decode_lon(encoded: int) -> float:
    return encoded * _LON_DECODE


def pack(lat: float, lon: float) -> int:
    """The point as Lucene's doc values hold it: a signed long, latitude in the high half."""
    value = (encode_lat(lat) << 32) | (encode_lon(lon) & 0xFFFFFFFF)
    return value - (1 << 64) if value >= 1 << 63 else value


def unpack_encoded(value: int) -> tuple[int, int]:
    """(encoded latitude, encoded longitude) of a packed point."""
    low = value & 0xFFFFFFFF
    return value >> 32, low - (1 << 32) if low >= 1 << 31 else low


def unpack(value: int) -> tuple[float, float]:
    """(lat, lon) of a packed point, as Elasticsearch reads it back."""
    lat, lon = unpack_encoded(value)
    return decode_lat(lat), decode_lon(lon)


def quantize(lat: float, lon: float) -> tuple[float, float]:
    return decode_lat(encode_lat(lat)), decode_lon(encode_lon(lon))


# --------------------------------------------------------------------------------------------
# Distances (Lucene's SloppyMath, Elasticsearch's GeoUtils)
# --------------------------------------------------------------------------------------------


class _Sloppy:
    """Lucene's table-driven cosine and arc sine, built on first use."""

    def __init__(self) -> None:
        pio2_hi = struct.unpack(">d", bytes.fromhex("3FF921FB54400000"))[0]
        pio2_lo = struct.unpack(">d", bytes.fromhex("3DD0B4611A626331"))[0]
        twopi_hi, twopi_lo = 4 * pio2_hi, 4 * pio2_lo
        size = (1 << 11) + 1
        self.delta_hi = twopi_hi / (size - 1)
        self.delta_lo = twopi_lo / (size - 1)
        self.indexer = 1 / (self.delta_hi + self.delta_lo)
        self.max_for_modulo = ((0x7FFFFFFF >> 9) / self.indexer) * 0.99
        self.mask = size - 2
        pi_index = (size - 1) // 2
        self.sin: list[float] = []
        self.cos: list[float] = []
        for i in range(size):
            angle = i * self.delta_hi + i * self.delta_lo
            sin, cos = math.sin(angle), math.cos(angle)
            if i in (pi_index, 2 * pi_index):
                sin = 0.0
            elif i in (pi_index // 2, 3 * pi_index // 2):
                cos = 0.0
            self.sin.append(sin)
            self.cos.append(cos)
        self.asin_max = math.sin(math.radians(73.0))
        asin_size = (1 << 13) + 1
        self.asin_delta = self.asin_max / (asin_size - 1)
        self.asin_indexer = 1 / self.asin_delta
        self.asin_tab: list[tuple[float, float, float, float, float]] = []
        for i in range(asin_size):
            x = i * self.asin_delta
            inv = 1.0 / (1 - x * x)
            inv05 = math.sqrt(inv)
            inv15 = inv05 * inv
            inv25 = inv15 * inv
            inv35 = inv25 * inv
            self.asin_tab.append(
                (
                    math.asin(x),
                    inv05,
                    (x * inv15) * (1 / 2.0),
                    ((1 + 2 * x * x) * inv25) * (1 / 6.0),
                    ((5 + 2 * x * (2 + x * (5 - 2 * x))) * inv35) * (1 / 24.0),
                )
            )

    def cosine(self, a: float) -> float:
        if a < 0.0:
            a = -a
        if a > self.max_for_modulo:
            return math.cos(a)
        index = int(a * self.indexer + 0.5)
        delta = (a - index * self.delta_hi) - index * self.delta_lo
        index &= self.mask
        c, s = self.cos[index], self.sin[index]
        return c + delta * (
            -s + delta * (-c * (1 / 2.0) + delta * (s * (1 / 6.0) + delta * c * (1 / 24.0)))
        )

    _PS = tuple(
        struct.unpack(">d", bytes.fromhex(h))[0]
        for h in (
            "3fc5555555555555",
            "bfd4d61203eb6f7d",
            "3fc9c1550e884455",
            "bfa48228b5688f3b",
            "3f49efe07501b288",
            "3f023de10dfdf709",
        )
    )
    _QS = tuple(
        struct.unpack(">d", bytes.fromhex(h))[0]
        for h in ("c0033a271c8a2d4b", "40002ae59c598ac8", "bfe6066c1b8d0159", "3fb3b8c5b12e9282")
    )
    _PIO2_HI = struct.unpack(">d", bytes.fromhex("3FF921FB54442D18"))[0]
    _PIO2_LO = struct.unpack(">d", bytes.fromhex("3C91A62633145C07"))[0]

    def arcsine(self, a: float) -> float:
        negate = a < 0.0
        if negate:
            a = -a
        if a <= self.asin_max:
            index = int(a * self.asin_indexer + 0.5)
            delta = a - index * self.asin_delta
            t0, t1, t2, t3, t4 = self.asin_tab[index]
            result = t0 + delta * (t1 + delta * (t2 + delta * (t3 + delta * t4)))
        elif a < 1.0:
            ps0, ps1, ps2, ps3, ps4, ps5 = self._PS
            qs1, qs2, qs3, qs4 = self._QS
            t = (1.0 - a) * 0.5
            p = t * (ps0 + t * (ps1 + t * (ps2 + t * (ps3 + t * (ps4 + t * ps5)))))
            q = 1.0 + t * (qs1 + t * (qs2 + t * (qs3 + t * qs4)))
            s = math.sqrt(t)
            z = s + s * (p / q)
            result = self._PIO2_HI - ((z + z) - self._PIO2_LO)
        elif a == 1.0:
            result = math.pi / 2
        else:
            return math.nan
        return -result if negate else result


_SLOPPY: _Sloppy | None = None


def _sloppy() -> _Sloppy:
    global _SLOPPY
    if _SLOPPY is None:
        _SLOPPY = _Sloppy()
    return _SLOPPY


def haversin_sort_key(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Lucene's ``haversinSortKey``: orders as the distance does, cheaper to compute."""
    sloppy = _sloppy()
    x1 = math.radians(lat1)
    x2 = math.radians(lat2)
    h1 = 1 - sloppy.cosine(x1 - x2)
    h2 = 1 - sloppy.cosine(math.radians(lon1 - lon2))
    h = h1 + sloppy.cosine(x1) * sloppy.cosine(x2) * h2
    bits = struct.unpack("<q", struct.pack("<d", h))[0] & ~7
    return float(struct.unpack("<d", struct.pack("<q", bits))[0])


def haversin_meters(sort_key: float) -> float:
    return EARTH_MEAN_RADIUS * 2 * _sloppy().arcsine(min(1.0, math.sqrt(sort_key * 0.5)))


def arc_distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Elasticsearch's ``GeoUtils.arcDistance`` in meters."""
    return haversin_meters(haversin_sort_key(lat1, lon1, lat2, lon2))


def plane_distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Elasticsearch's ``GeoUtils.planeDistance`` in meters."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat2 + lat1) / 2.0))
    y = math.radians(lat2 - lat1)
    return math.sqrt(x * x + y * y) * EARTH_MEAN_RADIUS


#: DistanceUnit: (meters per unit, names) in Elasticsearch's order, which parsing depends on.
UNITS: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.0254, ("in", "inch")),
    (0.9144, ("yd", "yards")),
    (0.3048, ("ft", "feet")),
    (1000.0, ("km", "kilometers")),
    (1852.0, ("NM", "nmi", "nauticalmiles")),
    (0.001, ("mm", "millimeters")),
    (0.01, ("cm", "centimeters")),
    (1609.344, ("mi", "miles")),
    (1.0, ("m", "meters")),
)


def unit_meters(name: Any) -> float:
    """``DistanceUnit.fromString``: meters per unit of a unit's name."""
    for meters, names in UNITS:
        if name in names:
            return meters
    raise BadRequest(f"No distance unit match [{name}]")


def convert(distance: float, from_meters: float, to_meters: float) -> float:
    """``DistanceUnit.convert``."""
    if from_meters == to_meters:
        return distance
    return distance * from_meters / to_meters


def parse_distance(text: str, default_unit: float, to_unit: float = 1.0) -> float:
    """``DistanceUnit.parse``: ``"12km"`` (or a number in ``default_unit``) in ``to_unit``."""
    for meters, names in UNITS:
        for name in names:
            if text.endswith(name):
                try:
                    value = parse_double(text[: len(text) - len(name)])
                except ValueError as error:
                    raise BadRequest(str(error), type="number_format_exception") from None
                return convert(value, meters, to_unit)
    try:
        value = parse_double(text)
    except ValueError as error:
        raise BadRequest(str(error), type="number_format_exception") from None
    return convert(value, default_unit, to_unit)


def distance_type(name: Any) -> str:
    """``GeoDistance.fromString``: ``arc`` or ``plane``."""
    lowered = str(name).lower()
    if lowered in ("arc", "plane"):
        return lowered
    raise BadRequest(f"No geo distance for [{lowered}]")


def calculate(kind: str, lat1: float, lon1: float, lat2: float, lon2: float, unit: float) -> float:
    """``GeoDistance.calculate``: the distance in ``unit`` (meters per unit)."""
    meters = (plane_distance if kind == "plane" else arc_distance)(lat1, lon1, lat2, lon2)
    return convert(meters, 1.0, unit)


VALIDATION_METHODS = ("COERCE", "IGNORE_MALFORMED", "STRICT")


def validation_method(name: Any) -> str:
    """``GeoValidationMethod.fromString``."""
    for method in VALIDATION_METHODS:
        if str(name).upper() == method:
            return method
    raise BadRequest(
        f"operator needs to be either [{', '.join(VALIDATION_METHODS)}], but not [{name}]"
    )


# --------------------------------------------------------------------------------------------
# Normalisation (GeoUtils.normalizePoint)
# --------------------------------------------------------------------------------------------


def _centered_modulus(dividend: float, divisor: float) -> float:
    rtn = math.fmod(dividend, divisor)
    if rtn <= 0:
        rtn += divisor
    if rtn > divisor / 2:
        rtn -= divisor
    return rtn


def normalize(
    lat: float, lon: float, norm_lat: bool = True, norm_lon: bool = True
) -> tuple[float, float]:
    """(lat, lon) wrapped into range as Elasticsearch's ``normalizePoint`` does."""
    norm_lat = norm_lat and (lat > 90 or lat < -90)
    norm_lon = norm_lon and (lon > 180 or lon < -180 or norm_lat)
    if norm_lat:
        lat = _centered_modulus(lat, 360)
        shift = True
        if lat < -90:
            lat = -180 - lat
        elif lat > 90:
            lat = 180 - lat
        else:
            shift = False
        if shift:
            if norm_lon:
                lon += 180
            else:
                lon += -180 if _normalize_lon(lon) > 0 else 180
    if norm_lon:
        lon = _centered_modulus(lon, 360)
    return lat, lon


def _normalize_lon(lon: float) -> float:
    if lon > 180 or lon <= -180:
        lon = _centered_modulus(lon, 360)
    return lon + 0.0


def valid_lat(lat: float) -> bool:
    return not math.isnan(lat) and not math.isinf(lat) and -90.0 <= lat <= 90.0


def valid_lon(lon: float) -> bool:
    return not math.isnan(lon) and not math.isinf(lon) and -180.0 <= lon <= 180.0


# --------------------------------------------------------------------------------------------
# Geohashes
# --------------------------------------------------------------------------------------------

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
_LAT_SCALE31 = (1 << 31) / 180.0
_LON_SCALE31 = (1 << 31) / 360.0


def _geohash_cells(geohash: str) -> tuple[int, int, int, int]:
    """(lon cell, lat cell, lon bits, lat bits) of a geohash's first 12 characters."""
    if not geohash:
        raise GeoParseError("empty geohash")
    lon_cell = lat_cell = lon_bits = lat_bits = 0
    position = 0
    for char in geohash[:12]:
        value = BASE32.find(char)
        if value < 0:
            raise GeoParseError(f"unsupported symbol [{char}] in geohash [{geohash}]")
        for shift in range(4, -1, -1):
            bit = (value >> shift) & 1
            if position % 2 == 0:
                lon_cell, lon_bits = (lon_cell << 1) | bit, lon_bits + 1
            else:
                lat_cell, lat_bits = (lat_cell << 1) | bit, lat_bits + 1
            position += 1
    return lon_cell, lat_cell, lon_bits, lat_bits


def _corner(lat_cell: int, lon_cell: int, lat_bits: int, lon_bits: int) -> tuple[float, float]:
    lat = ((lat_cell << (31 - lat_bits)) / _LAT_SCALE31) - 90
    lon = ((lon_cell << (31 - lon_bits)) / _LON_SCALE31) - 180
    return lat, lon


def geohash_point(geohash: str) -> tuple[float, float]:
    """(lat, lon) of a geohash: the bottom left corner of its cell, as Elasticsearch reads it."""
    lon_cell, lat_cell, lon_bits, lat_bits = _geohash_cells(geohash)
    return _corner(lat_cell, lon_cell, lat_bits, lon_bits)


def geohash_box(geohash: str) -> tuple[float, float, float, float]:
    """(top, left, bottom, right) of a geohash's cell (``Geohash.toBoundingBox``)."""
    lon_cell, lat_cell, lon_bits, lat_bits = _geohash_cells(geohash)
    bottom, left = _corner(lat_cell, lon_cell, lat_bits, lon_bits)
    if lat_cell < (1 << lat_bits) - 1:
        top, right = _corner(lat_cell + 1, lon_cell + 1, lat_bits, lon_bits)
    else:
        top = 90.0
        right = _corner(lat_cell, lon_cell + 1, lat_bits, lon_bits)[1]
    return top, left, bottom, right


def _encode_for_geohash(lat: float, lon: float) -> tuple[int, int]:
    if lat == 90.0:
        lat = math.nextafter(90.0, 0.0)
    if lon == 180.0:
        lon = math.nextafter(180.0, 0.0)
    lat_enc = math.floor(lat / (180.0 / (1 << 32))) ^ 0x80000000
    lon_enc = math.floor(lon / (360.0 / (1 << 32))) ^ 0x80000000
    return lat_enc & 0xFFFFFFFF, lon_enc & 0xFFFFFFFF


EARTH_EQUATOR = 2 * math.pi * EARTH_SEMI_MAJOR_AXIS
EARTH_POLAR_DISTANCE = math.pi * 6356752.314245


def geohash_levels_for_precision(meters: float) -> int:
    """``GeoUtils.geoHashLevelsForPrecision``: the geohash length whose cells are no larger
    (diagonally) than ``meters``."""
    if meters == 0:
        return 24
    ratio = 1 + (EARTH_POLAR_DISTANCE / EARTH_EQUATOR)
    width = math.sqrt((meters * meters) / (ratio * ratio))
    part = math.ceil(EARTH_EQUATOR / width)
    if part == 1:
        return 1
    bits = round(math.ceil(math.log(part) / math.log(2)))
    full = bits // 5
    left = bits - full * 5
    even = full + (1 if left > 0 else 0)
    odd = full + (1 if left > 3 else 0)
    return even + odd


def geohash_of(lat: float, lon: float, level: int = 12) -> str:
    """The geohash of a point at a precision (``Geohash.stringEncode``)."""
    lat_enc, lon_enc = _encode_for_geohash(lat, lon)
    chars = []
    bits = []
    for i in range(31, -1, -1):
        bits.append((lon_enc >> i) & 1)
        bits.append((lat_enc >> i) & 1)
    for c in range(level):
        value = 0
        for bit in bits[c * 5 : c * 5 + 5]:
            value = (value << 1) | bit
        chars.append(BASE32[value])
    return "".join(chars)


# --------------------------------------------------------------------------------------------
# Parsing a point
# --------------------------------------------------------------------------------------------

#: Which corner of a geohash cell a point written as a geohash stands for.
BOTTOM_LEFT, TOP_LEFT, TOP_RIGHT, BOTTOM_RIGHT = "bl", "tl", "tr", "br"

_OBJECT_FIELDS = ("lon", "lat", "z", "type", "coordinates", "geohash")
_FIELD_ERROR = "field must be either lat/lon, geohash string or type/coordinates"


def _z_value(ignore_z: bool, z: float) -> None:
    if not ignore_z:
        raise GeoParseError(
            f"Exception parsing coordinates: found Z value [{java_double(z)}] but "
            "[ignore_z_value] parameter is [false]"
        )


def _valid_double(value: Any, description: str) -> float:
    if _number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_double(value)
        except ValueError:
            raise GeoParseError(f"[{description}] must be a valid double value") from None
    raise GeoParseError(f"{description} must be a number")


def parse_point(
    value: Any, ignore_z: bool = True, corner: str = BOTTOM_LEFT
) -> tuple[float, float]:
    """(lat, lon) of a geo point in any of the forms Elasticsearch reads; unvalidated."""
    if isinstance(value, dict):
        return _from_object(value, ignore_z, corner)
    if isinstance(value, list):
        lon = lat = math.nan
        for element, item in enumerate(value, 1):
            if not _number(item):
                raise GeoParseError("numeric value expected")
            if element == 1:
                lon = float(item)
            elif element == 2:
                lat = float(item)
            elif element == 3:
                _z_value(ignore_z, float(item))
            else:
                raise GeoParseError("[geo_point] field type does not accept > 3 dimensions")
        return lat, lon
    if isinstance(value, str):
        return parse_point_string(value, ignore_z, corner)
    raise GeoParseError("geo_point expected")


def _from_object(value: dict[str, Any], ignore_z: bool, corner: str) -> tuple[float, float]:
    x = y = math.nan
    geohash: str | None = None
    kind: str | None = None
    coordinates: list[float] | None = None
    for key, item in value.items():
        if key not in _OBJECT_FIELDS:
            raise GeoParseError(
                f"field [{key}] not supported - must be one of: {', '.join(_OBJECT_FIELDS)}"
            )
        if key == "lon":
            x = _valid_double(item, "longitude")
        elif key == "lat":
            y = _valid_double(item, "latitude")
        elif key == "z":
            _z_value(ignore_z, _valid_double(item, "z"))
        elif key in ("geohash", "type"):
            if not isinstance(item, str):
                raise GeoParseError(f"[{key}] must be a string")
            if key == "geohash":
                geohash = item
            else:
                kind = item
        else:
            if not isinstance(item, list):
                raise GeoParseError("[coordinates] must be an array")
            coordinates = [_valid_double(c, "coordinates") for c in item]
    has_x, has_y = not math.isnan(x), not math.isnan(y)
    found = []
    if geohash is not None:
        found.append("geohash")
    if has_x and has_y:
        found.append("lon/lat")
    if coordinates is not None and kind is not None:
        found.append("GeoJSON")
    if len(found) > 1:
        raise GeoParseError(
            f"fields matching more than one point format found: [{', '.join(found)}]"
        )
    if geohash is not None:
        if has_x or has_y or kind is not None or coordinates is not None:
            raise GeoParseError(_FIELD_ERROR)
        return _geohash_corner(geohash, corner)
    if not found:
        if has_x:
            raise GeoParseError("Required [lat]")
        if has_y:
            raise GeoParseError("Required [lon]")
        if coordinates is not None:
            raise GeoParseError("Required [type]")
        if kind is not None:
            raise GeoParseError("Required [coordinates]")
        raise GeoParseError(_FIELD_ERROR)
    if coordinates is not None:
        if kind is None or kind.lower() != "point":
            raise GeoParseError("[type] for geo_point can only be 'Point'")
        if len(coordinates) < 2:
            raise GeoParseError("[coordinates] must contain at least two values")
        if len(coordinates) == 3:
            _z_value(ignore_z, coordinates[2])
        if len(coordinates) > 3:
            raise GeoParseError("[geo_point] field type does not accept > 3 dimensions")
        return coordinates[1], coordinates[0]
    return y, x


def _geohash_corner(geohash: str, corner: str) -> tuple[float, float]:
    if corner == BOTTOM_LEFT:
        return geohash_point(geohash)
    top, left, bottom, right = geohash_box(geohash)
    return {TOP_LEFT: (top, left), TOP_RIGHT: (top, right), BOTTOM_RIGHT: (bottom, right)}[corner]


_WKT_POINT = re.compile(
    r"\s*POINT\s*(?:EMPTY|\(\s*(?P<x>\S+)\s+(?P<y>[^\s)]+)(?:\s+(?P<z>[^\s)]+))?\s*\))\s*",
    re.IGNORECASE,
)
_WKT_TYPE = re.compile(r"\s*([A-Za-z]+)")


def parse_point_string(
    text: str, ignore_z: bool = True, corner: str = BOTTOM_LEFT
) -> tuple[float, float]:
    """``GeoPoint.resetFromString``: WKT, ``"lat,lon"`` or a geohash."""
    if "point" in text.lower():
        return _from_wkt(text, ignore_z)
    if "," in text:
        parts = text.split(",")
        while parts and parts[-1] == "":
            parts.pop()  # Java's split drops trailing empty strings
        if len(parts) > 3:
            raise GeoParseError(
                f"failed to parse [{len(parts)}], expected 2 or 3 coordinates but found: [{{}}]"
            )
        try:
            lat = parse_double(parts[0])
        except (ValueError, IndexError):
            raise GeoParseError("latitude must be a number") from None
        try:
            lon = parse_double(parts[1])
        except (ValueError, IndexError):
            raise GeoParseError("longitude must be a number") from None
        if len(parts) > 2:
            try:
                z = parse_double(parts[2])
            except ValueError as error:
                raise BadRequest(str(error), type="number_format_exception") from None
            _z_value(ignore_z, z)
        return lat, lon
    return _geohash_corner(text, corner)


#: The WKT shapes Elasticsearch's parser knows (BBOX is its ENVELOPE), for its errors.
_WKT_SHAPES = frozenset(
    {
        "POINT", "MULTIPOINT", "LINESTRING", "POLYGON", "MULTILINESTRING", "MULTIPOLYGON",
        "GEOMETRYCOLLECTION", "BBOX",
    }
)  # fmt: skip


def _from_wkt(text: str, ignore_z: bool) -> tuple[float, float]:
    match = _WKT_POINT.fullmatch(text)
    if match is None:
        kind = _WKT_TYPE.match(text)
        name = kind.group(1).upper() if kind else ""
        if name in _WKT_SHAPES and name != "POINT":
            shown = "ENVELOPE" if name == "BBOX" else name
            raise GeoParseError(
                f"[geo_point] supports only POINT among WKT primitives, but found {shown}"
            )
        raise GeoParseError("Invalid WKT format")
    if match.group("x") is None:
        raise GeoParseError("Invalid WKT format")  # POINT EMPTY has no coordinates
    try:
        x, y = parse_double(match.group("x")), parse_double(match.group("y"))
        z = parse_double(match.group("z")) if match.group("z") else None
    except ValueError:
        raise GeoParseError("Invalid WKT format") from None
    if z is not None and not ignore_z:
        raise GeoParseError("Invalid WKT format")
    return y, x


# --------------------------------------------------------------------------------------------
# Bounding boxes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    top: float
    left: float
    bottom: float
    right: float


_BBOX = re.compile(
    r"\s*BBOX\s*\(\s*(\S+?)\s*,\s*(\S+?)\s*,\s*(\S+?)\s*,\s*(\S+?)\s*\)\s*", re.IGNORECASE
)


def parse_box(body: Any) -> Box:
    """``GeoBoundingBox.parseBoundingBox``: corners, sides or WKT ``BBOX``."""
    if not isinstance(body, dict):
        raise GeoParseError(
            "failed to parse bounding box. Expected start object but found [START_ARRAY]"
        )
    top = left = bottom = right = math.nan
    envelope: Box | None = None
    for key, value in body.items():
        if key == "wkt":
            envelope = _wkt_box(value)
        elif key in ("top", "bottom", "left", "right"):
            number = _side(value)
            if key == "top":
                top = number
            elif key == "bottom":
                bottom = number
            elif key == "left":
                left = number
            else:
                right = number
        elif key == "top_left":
            top, left = parse_point(value, False, TOP_LEFT)
        elif key == "bottom_right":
            bottom, right = parse_point(value, False, BOTTOM_RIGHT)
        elif key == "top_right":
            top, right = parse_point(value, False, TOP_RIGHT)
        elif key == "bottom_left":
            bottom, left = parse_point(value, False, BOTTOM_LEFT)
        else:
            raise GeoParseError(f"failed to parse bounding box. unexpected field [{key}]")
    if envelope is not None:
        if not all(math.isnan(v) for v in (top, bottom, left, right)):
            raise GeoParseError(
                "failed to parse bounding box. Conflicting definition found using well-known "
                "text and explicit corners."
            )
        return envelope
    return Box(top, left, bottom, right)


def _side(value: Any) -> float:
    if _number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_double(value)
        except ValueError as error:
            raise GeoParseError(str(error)) from None
    raise GeoParseError(
        f"Current token ({_token(value)}) not numeric, can not use numeric value accessors"
    )


def _token(value: Any) -> str:
    if value is None:
        return "VALUE_NULL"
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, list):
        return "START_ARRAY"
    return "START_OBJECT"


def _wkt_box(value: Any) -> Box:
    text = str(value)
    match = _BBOX.fullmatch(text)
    if match is None:
        kind = _WKT_TYPE.match(text)
        name = kind.group(1).upper() if kind else ""
        if name in _WKT_SHAPES and name != "BBOX":
            raise GeoParseError(
                f"failed to parse WKT bounding box. [{name}] found. expected [ENVELOPE]"
            )
        raise GeoParseError("failed to parse WKT bounding box")
    try:
        min_lon, max_lon, max_lat, min_lat = (parse_double(g) for g in match.groups())
    except ValueError:
        raise GeoParseError("failed to parse WKT bounding box") from None
    return Box(max_lat, min_lon, min_lat, max_lon)


def is_point_array(value: Any) -> bool:
    """Whether a document's array is one point (``[lon, lat]``) rather than several values:
    Elasticsearch decides on its first element."""
    return isinstance(value, list) and bool(value) and _number(value[0])


def document_array_point(value: list[Any], ignore_z: bool) -> tuple[float, float]:
    """(lat, lon) of a ``[lon, lat(, z)]`` array in a document, as the field mapper reads it."""
    if len(value) < 2 or isinstance(value[1], bool) or not isinstance(value[1], int | float | str):
        raise GeoParseError("numeric value expected")
    lat = value[1]
    if isinstance(lat, str):  # read as a number, as Elasticsearch's parser coerces it
        try:
            lat = parse_double(lat)
        except ValueError as error:
            raise BadRequest(str(error), type="number_format_exception") from None
    if len(value) > 2:
        if not _number(value[2]):
            raise GeoParseError("field type does not accept > 3 dimensions")
        _z_value(ignore_z, float(value[2]))
        if len(value) > 3:
            raise GeoParseError("field type does not accept > 3 dimensions")
    return float(lat), float(value[0])


def raw_points(source: Any, path: str) -> list[Any]:
    """The raw values of a geo_point at a dotted path of ``_source``: arrays flattened, except
    a ``[lon, lat]`` array, which is one point."""
    found: list[Any] = []
    _collect_points(source, path.split("."), found)
    return found


def _collect_points(node: Any, parts: list[str], out: list[Any]) -> None:
    if not parts:
        if is_point_array(node):
            out.append(node)
        elif isinstance(node, list):
            for item in node:
                _collect_points(item, parts, out)
        elif node is not None:
            out.append(node)
        return
    if isinstance(node, list):
        for item in node:
            _collect_points(item, parts, out)
        return
    if not isinstance(node, dict):
        return
    for split in range(len(parts), 0, -1):
        key = ".".join(parts[:split])
        if key in node:
            _collect_points(node[key], parts[split:], out)
