"""geo_point fields and the geo searches: every input form, quantised storage, geo_distance and
geo_bounding_box queries, sorting by _geo_distance, and the geo_distance, geo_bounds and
geo_centroid aggregations, with Elasticsearch's figures and errors.

The expected distances are Elasticsearch's: Lucene's haversine (with its table-driven cosine and
arc sine) between the query point and the point as Lucene stores it (32 bits per coordinate).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from djangoes_engine import geo

CITIES = {
    "paris": {"lat": 48.8566, "lon": 2.3522},
    "london": [-0.1276, 51.5072],
    "berlin": "52.52,13.405",
    "madrid": "POINT (-3.7038 40.4168)",
    "rome": {"type": "Point", "coordinates": [12.4964, 41.9028]},
    "amsterdam": "u173zq37x014",
}


@pytest.fixture
def cities(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(index="cities", mappings={"properties": {"loc": {"type": "geo_point"}}})
    for name, loc in CITIES.items():
        any_es.index(index="cities", id=name, document={"loc": loc})
    any_es.index(index="cities", id="nowhere", document={"name": "no location"})
    any_es.indices.refresh(index="cities")
    return any_es


def ids(es: Elasticsearch, query: dict[str, Any], **kwargs: Any) -> list[str]:
    result = es.search(index="cities", query=query, size=20, **kwargs)
    return sorted(hit["_id"] for hit in result["hits"]["hits"])


def bad(es: Elasticsearch, **body: Any) -> BadRequestError:
    with pytest.raises(BadRequestError) as caught:
        es.search(index="cities", **body)
    return caught.value


def reason(error: BadRequestError) -> str:
    return str(error.body["error"]["reason"])


def cause(error: BadRequestError) -> dict[str, Any]:
    return dict(error.body["error"]["root_cause"][0])


# Indexing


def test_every_input_form_is_one_point(cities: Elasticsearch) -> None:
    near_paris = {"geo_distance": {"distance": "1km", "loc": {"lat": 48.8566, "lon": 2.3522}}}
    assert ids(cities, near_paris) == ["paris"]
    for name, (lat, lon) in {
        "london": (51.5072, -0.1276),
        "berlin": (52.52, 13.405),
        "madrid": (40.4168, -3.7038),
        "rome": (41.9028, 12.4964),
    }.items():
        query = {"geo_distance": {"distance": "10m", "loc": [lon, lat]}}
        assert ids(cities, query) == [name]


def test_a_geohash_is_the_bottom_left_corner_of_its_cell(cities: Elasticsearch) -> None:
    lat, lon = geo.geohash_point("u173zq37x014")
    query = {"geo_distance": {"distance": "1cm", "loc": {"lat": lat, "lon": lon}}}
    assert ids(cities, query) == ["amsterdam"]


def test_arrays_of_points(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="multi", mappings={"properties": {"loc": {"type": "geo_point"}}})
    any_es.index(
        index="multi", id="1", document={"loc": [[2.35, 48.85], "51.5,-0.12", {"lat": 0, "lon": 0}]}
    )
    any_es.index(index="multi", id="2", document={"loc": [13.4, 52.5]}, refresh=True)
    found = any_es.search(
        index="multi", query={"geo_distance": {"distance": "5km", "loc": "51.5,-0.12"}}
    )
    assert [h["_id"] for h in found["hits"]["hits"]] == ["1"]
    found = any_es.search(
        index="multi", query={"geo_distance": {"distance": "5km", "loc": "52.5,13.4"}}
    )
    assert [h["_id"] for h in found["hits"]["hits"]] == ["2"]


@pytest.mark.parametrize(
    ("value", "kind", "message"),
    [
        (
            {"lat": 91, "lon": 0},
            "illegal_argument_exception",
            "illegal latitude value [91.0] for loc",
        ),
        ([181, 0], "illegal_argument_exception", "illegal longitude value [181.0] for loc"),
        ("0,-180.5", "illegal_argument_exception", "illegal longitude value [-180.5] for loc"),
        ({"lat": 1}, "parse_exception", "Required [lon]"),
        ({"lon": 1}, "parse_exception", "Required [lat]"),
        (
            {"lat": 1, "lng": 2},
            "parse_exception",
            "field [lng] not supported - must be one of: lon, lat, z, type, coordinates, geohash",
        ),
        ({"lat": "x", "lon": 2}, "parse_exception", "[latitude] must be a valid double value"),
        (
            {"lat": 1, "lon": 2, "geohash": "u1"},
            "parse_exception",
            "fields matching more than one point format found: [geohash, lon/lat]",
        ),
        (
            {"type": "LineString", "coordinates": [1, 2]},
            "parse_exception",
            "[type] for geo_point can only be 'Point'",
        ),
        (
            {"type": "Point", "coordinates": [1]},
            "parse_exception",
            "[coordinates] must contain at least two values",
        ),
        ("a,2", "parse_exception", "latitude must be a number"),
        (
            "1,2,3,4",
            "parse_exception",
            "failed to parse [4], expected 2 or 3 coordinates but found: [{}]",
        ),
        ("u1a", "parse_exception", "unsupported symbol [a] in geohash [u1a]"),
        (
            "LINESTRING (1 2, 3 4) point",
            "parse_exception",
            "[geo_point] supports only POINT among WKT primitives, but found LINESTRING",
        ),
        # An array is one point when its first element is a number, else an array of points.
        (["a", 1], "parse_exception", "unsupported symbol [a] in geohash [a]"),
        ([1, "a"], "number_format_exception", 'For input string: "a"'),
        ([1, 2, 3, 4], "parse_exception", "field type does not accept > 3 dimensions"),
        (
            {"type": "Point", "coordinates": [1, 2, 3, 4]},
            "parse_exception",
            "[geo_point] field type does not accept > 3 dimensions",
        ),
        (True, "parse_exception", "geo_point expected"),
    ],
)
def test_malformed_points_are_refused_in_elasticsearchs_words(
    any_es: Elasticsearch, value: Any, kind: str, message: str
) -> None:
    any_es.indices.create(index="p", mappings={"properties": {"loc": {"type": "geo_point"}}})
    with pytest.raises(BadRequestError) as caught:
        any_es.index(index="p", id="1", document={"loc": value})
    error = caught.value.body["error"]
    assert error["type"] == "document_parsing_exception"
    assert error["reason"].startswith("failed to parse field [loc] of type [geo_point]")
    assert error["caused_by"] == {"type": kind, "reason": message}


def test_z_values_need_ignore_z_value(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="z",
        mappings={
            "properties": {
                "strict": {"type": "geo_point", "ignore_z_value": False},
                "lenient": {"type": "geo_point"},
            }
        },
    )
    any_es.index(index="z", id="1", document={"lenient": [1, 2, 3]})
    any_es.index(index="z", id="2", document={"lenient": "2,1,3"})
    with pytest.raises(BadRequestError) as caught:
        any_es.index(index="z", id="3", document={"strict": [1, 2, 3]})
    assert caught.value.body["error"]["caused_by"] == {
        "type": "parse_exception",
        "reason": "Exception parsing coordinates: found Z value [3.0] but [ignore_z_value] "
        "parameter is [false]",
    }


def test_ignore_malformed_skips_bad_points_and_normalises_out_of_range_ones(
    any_es: Elasticsearch,
) -> None:
    any_es.indices.create(
        index="m", mappings={"properties": {"loc": {"type": "geo_point", "ignore_malformed": True}}}
    )
    any_es.index(index="m", id="bad", document={"loc": "not a point"})
    any_es.index(index="m", id="wrapped", document={"loc": {"lat": 10, "lon": 190}})
    any_es.indices.refresh(index="m")
    bad_doc = any_es.search(index="m", query={"ids": {"values": ["bad"]}})["hits"]["hits"][0]
    assert bad_doc["_ignored"] == ["loc"]
    # 190 degrees east is 170 degrees west.
    found = any_es.search(
        index="m", query={"geo_distance": {"distance": "1m", "loc": {"lat": 10, "lon": -170}}}
    )
    assert [h["_id"] for h in found["hits"]["hits"]] == ["wrapped"]


def test_fields_return_points_as_geojson(cities: Elasticsearch) -> None:
    hit = cities.search(index="cities", query={"ids": {"values": ["london"]}}, fields=["loc"])
    assert hit["hits"]["hits"][0]["fields"] == {
        "loc": [{"type": "Point", "coordinates": [-0.1276, 51.5072]}]
    }
    hit = cities.search(
        index="cities",
        query={"ids": {"values": ["london"]}},
        fields=[{"field": "loc", "format": "wkt"}],
    )
    assert hit["hits"]["hits"][0]["fields"] == {"loc": ["POINT (-0.1276 51.5072)"]}
    error = bad(cities, fields=[{"field": "loc", "format": "mvt"}])
    assert "mvt" in cause(error)["reason"] and "not supported" in cause(error)["reason"]
    error = bad(cities, docvalue_fields=["loc"])
    assert "docvalue_fields" in cause(error)["reason"]
    assert "not supported" in cause(error)["reason"]


# geo_distance


def test_geo_distance_units_and_scores(cities: Elasticsearch) -> None:
    paris = {"lat": 48.8566, "lon": 2.3522}
    # London is 343.53 km from Paris.
    assert ids(cities, {"geo_distance": {"distance": "343km", "loc": paris}}) == ["paris"]
    assert ids(cities, {"geo_distance": {"distance": "344km", "loc": paris}}) == [
        "london",
        "paris",
    ]
    assert ids(cities, {"geo_distance": {"distance": 213.5, "unit": "mi", "loc": paris}}) == [
        "london",
        "paris",
    ]
    assert ids(cities, {"geo_distance": {"distance": "186NM", "loc": paris}}) == [
        "london",
        "paris",
    ]
    hits = cities.search(
        index="cities",
        query={"geo_distance": {"distance": "1km", "loc": paris, "boost": 2.5}},
    )["hits"]["hits"]
    assert [h["_score"] for h in hits] == [2.5]


def test_geo_distance_point_forms(cities: Elasticsearch) -> None:
    for point in (
        {"lat": 48.8566, "lon": 2.3522},
        [2.3522, 48.8566],
        "48.8566,2.3522",
        "POINT (2.3522 48.8566)",
        {"geohash": "u09tvw0f6szy"},
        "u09tvw0f6szy",
    ):
        assert ids(cities, {"geo_distance": {"distance": "100m", "loc": point}}) == ["paris"]
    split = {"geo_distance": {"distance": "100m", "loc.lat": 48.8566, "loc.lon": 2.3522}}
    assert ids(cities, split) == ["paris"]


def test_geo_distance_matches_the_quantised_point_at_the_boundary(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="q", mappings={"properties": {"loc": {"type": "geo_point"}}})
    any_es.index(index="q", id="1", document={"loc": {"lat": 0.001, "lon": 0}}, refresh=True)
    stored_lat, stored_lon = geo.quantize(0.001, 0)
    exact = geo.arc_distance(0, 0, stored_lat, stored_lon)
    assert exact != geo.arc_distance(0, 0, 0.001, 0)
    hit = {"geo_distance": {"distance": f"{exact!r}m", "loc": [0, 0]}}
    miss = {"geo_distance": {"distance": f"{exact * (1 - 1e-12)!r}m", "loc": [0, 0]}}
    assert len(any_es.search(index="q", query=hit)["hits"]["hits"]) == 1
    assert len(any_es.search(index="q", query=miss)["hits"]["hits"]) == 0


def test_geo_distance_validation(cities: Elasticsearch) -> None:
    error = bad(cities, query={"geo_distance": {"distance": "1km", "loc": {"lat": 100, "lon": 0}}})
    assert cause(error)["type"] == "query_shard_exception"
    assert cause(error)["reason"] == "couldn't validate latitude/ longitude values"
    assert error.body["error"]["caused_by"]["caused_by"] == {
        "type": "query_validation_exception",
        "reason": "Validation Failed: 1: center point latitude is invalid: 100.0;",
    }
    # Elasticsearch lets the point through, and Lucene refuses it.
    lenient = {
        "distance": "1km",
        "loc": {"lat": 100, "lon": 0},
        "validation_method": "ignore_malformed",
    }
    error = bad(cities, query={"geo_distance": lenient})
    assert cause(error)["reason"] == (
        "failed to create query: invalid latitude 100.0; must be between -90.0 and 90.0"
    )
    coerced = {
        "distance": "1km",
        "loc": {"lat": 48.8566, "lon": 2.3522 + 360},
        "validation_method": "COERCE",
    }
    assert ids(cities, {"geo_distance": coerced}) == ["paris"]
    error = bad(
        cities, query={"geo_distance": {"distance": "1km", "loc": [0, 0], "validation_method": "x"}}
    )
    assert reason(error) == (
        "operator needs to be either [COERCE, IGNORE_MALFORMED, STRICT], but not [x]"
    )


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        ({"loc": [0, 0]}, "parsing_exception", "geo_distance requires 'distance' to be specified"),
        (
            {"distance": "0km", "loc": [0, 0]},
            "illegal_argument_exception",
            "distance must be greater than zero",
        ),
        (
            {"distance": "1km", "unit": "parsec", "loc": [0, 0]},
            "illegal_argument_exception",
            "No distance unit match [parsec]",
        ),
        (
            {"distance": "1km", "distance_type": "sloppy", "loc": [0, 0]},
            "illegal_argument_exception",
            "No geo distance for [sloppy]",
        ),
        ({"distance": "far", "loc": [0, 0]}, "number_format_exception", 'For input string: "far"'),
        (
            {"distance": "1km", "loc": {"lat": 0, "lon": 0, "alt": 3}},
            "parsing_exception",
            "[geo_distance] query does not support [loc]",
        ),
    ],
)
def test_geo_distance_parse_errors(
    cities: Elasticsearch, body: dict[str, Any], kind: str, message: str
) -> None:
    error = bad(cities, query={"geo_distance": body})
    assert cause(error)["type"] == kind
    assert cause(error)["reason"] == message


def test_geo_distance_field_errors(cities: Elasticsearch) -> None:
    cities.indices.put_mapping(index="cities", properties={"label": {"type": "keyword"}})
    error = bad(cities, query={"geo_distance": {"distance": "1km", "nope": [0, 0]}})
    assert cause(error) == {
        "type": "query_shard_exception",
        "reason": "failed to find geo field [nope]",
        "index_uuid": cause(error)["index_uuid"],
        "index": "cities",
    }
    query = {"geo_distance": {"distance": "1km", "nope": [0, 0], "ignore_unmapped": True}}
    assert ids(cities, query) == []
    error = bad(cities, query={"geo_distance": {"distance": "1km", "label": [0, 0]}})
    assert cause(error)["reason"] == (
        "Field [label] is of unsupported type [keyword] for [geo_distance] query"
    )


# geo_bounding_box


def test_geo_bounding_box_forms(cities: Elasticsearch) -> None:
    west_europe = [
        {"top_left": {"lat": 53, "lon": -1}, "bottom_right": {"lat": 48, "lon": 3}},
        {"top_left": [-1, 53], "bottom_right": [3, 48]},
        {"top_left": "53,-1", "bottom_right": "48,3"},
        {"top_left": "POINT (-1 53)", "bottom_right": "POINT (3 48)"},
        {"top": 53, "left": -1, "bottom": 48, "right": 3},
        {"top_right": [3, 53], "bottom_left": [-1, 48]},
        {"wkt": "BBOX (-1, 3, 53, 48)"},
    ]
    for box in west_europe:
        assert ids(cities, {"geo_bounding_box": {"loc": box}}) == ["london", "paris"]


def test_geo_bounding_box_geohash_corners_take_the_cells_outer_corners(
    cities: Elasticsearch,
) -> None:
    # "gc" is Ireland and Britain, "u0" covers Paris: the box spans both cells entirely.
    box = {"top_left": "gc", "bottom_right": "u0"}
    top, left, _, _ = geo.geohash_box("gc")
    _, _, bottom, right = geo.geohash_box("u0")
    assert (top, left, bottom, right) == (56.25, -11.25, 45.0, 11.25)
    assert ids(cities, {"geo_bounding_box": {"loc": box}}) == ["amsterdam", "london", "paris"]


def test_geo_bounding_box_across_the_dateline(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="d", mappings={"properties": {"loc": {"type": "geo_point"}}})
    any_es.index(index="d", id="fiji", document={"loc": [178.4, -18.1]})
    any_es.index(index="d", id="samoa", document={"loc": [-171.8, -13.8]})
    any_es.index(index="d", id="sydney", document={"loc": [151.2, -33.9]}, refresh=True)
    query = {"geo_bounding_box": {"loc": {"top_left": [170, 0], "bottom_right": [-170, -20]}}}
    found = any_es.search(index="d", query=query)["hits"]["hits"]
    assert sorted(h["_id"] for h in found) == ["fiji", "samoa"]


def test_geo_bounding_box_errors(cities: Elasticsearch) -> None:
    error = bad(
        cities,
        query={"geo_bounding_box": {"loc": {"top": 10, "bottom": 20, "left": 0, "right": 1}}},
    )
    assert cause(error) == {
        "type": "illegal_argument_exception",
        "reason": "top is below bottom corner: 10.0 vs. 20.0",
    }
    error = bad(cities, query={"geo_bounding_box": {"loc": {"top": 10, "left": 0, "right": 1}}})
    assert reason(error) == "bottom latitude is invalid: NaN"
    error = bad(cities, query={"geo_bounding_box": {"loc": {"middle": 1}}})
    assert cause(error) == {
        "type": "parse_exception",
        "reason": "failed to parse [geo_bounding_box] query. [failed to parse bounding box. "
        "unexpected field [middle]]",
    }
    error = bad(cities, query={"geo_bounding_box": {"loc": {"wkt": "POINT (1 2)"}}})
    assert reason(error) == (
        "failed to parse [geo_bounding_box] query. [failed to parse WKT bounding box. [POINT] "
        "found. expected [ENVELOPE]]"
    )
    error = bad(cities, query={"geo_bounding_box": {"validation_method": "strict"}})
    assert reason(error) == "failed to parse [geo_bounding_box] query. bounding box not provided"
    box = {"top": 95, "left": 0, "bottom": 10, "right": 1}
    error = bad(cities, query={"geo_bounding_box": {"loc": box}})
    assert error.body["error"]["caused_by"]["caused_by"]["reason"] == (
        "Validation Failed: 1: top latitude is invalid: 95.0;"
    )


def test_geo_polygon_is_unknown_as_in_elasticsearch_9(cities: Elasticsearch) -> None:
    query = {"geo_polygon": {"loc": {"points": [[0, 0], [1, 1], [1, 0]]}}}
    error = bad(cities, query=query)
    assert cause(error)["type"] == "parsing_exception"
    assert cause(error)["reason"].endswith("unknown query [geo_polygon]")


def test_geo_shape_is_refused_by_name(cities: Elasticsearch) -> None:
    query = {"geo_shape": {"loc": {"shape": {"type": "envelope", "coordinates": [[0, 1], [1, 0]]}}}}
    error = bad(cities, query=query)
    assert "geo_shape" in reason(error) and "not supported" in reason(error)


def test_term_queries_on_a_geo_point_are_refused(cities: Elasticsearch) -> None:
    error = bad(cities, query={"term": {"loc": "u09"}})
    assert cause(error)["reason"] == (
        "Geo fields do not support exact searching, use dedicated geo queries instead: [loc]"
    )


# Sorting by _geo_distance


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The textbook haversine on Elasticsearch's earth radius (Lucene's is within a micrometre)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.7714 * math.asin(math.sqrt(h))


def sorted_hits(es: Elasticsearch, sort: dict[str, Any], **kwargs: Any) -> list[tuple[str, Any]]:
    hits = es.search(index="cities", sort=[{"_geo_distance": sort}], size=20, **kwargs)
    return [(h["_id"], h["sort"][0]) for h in hits["hits"]["hits"]]


def test_sort_by_distance_shows_the_distance_to_the_stored_point(cities: Elasticsearch) -> None:
    hits = sorted_hits(cities, {"loc": {"lat": 48.8566, "lon": 2.3522}})
    assert [name for name, _ in hits] == [
        "paris",
        "london",
        "amsterdam",
        "berlin",
        "madrid",
        "rome",
        "nowhere",
    ]
    assert hits[-1] == ("nowhere", "Infinity")
    london = dict(hits)["london"]
    assert london == 343530.3369052352
    stored = geo.quantize(51.5072, -0.1276)
    assert abs(london - haversine(48.8566, 2.3522, *stored)) < 1e-3
    assert abs(london - haversine(48.8566, 2.3522, 51.5072, -0.1276)) > 1e-3
    # Paris to its own stored point: Lucene's haversine rounds the centimetre away.
    assert dict(hits)["paris"] == 0.0


def test_sort_units_types_order_and_modes(cities: Elasticsearch) -> None:
    paris = [2.3522, 48.8566]
    in_km = dict(sorted_hits(cities, {"loc": paris, "unit": "km"}))
    assert in_km["london"] == 343.5303369052352
    plane = dict(sorted_hits(cities, {"loc": paris, "distance_type": "plane"}))
    assert plane["london"] != 343530.3369052352
    assert abs(plane["london"] - 343530.3) < 500
    descending = sorted_hits(cities, {"loc": paris, "order": "desc"})
    # A document without a point is at +Infinity: first in descending order.
    assert [name for name, _ in descending][:2] == ["nowhere", "rome"]
    # Two points: the nearest of them (min), or the farthest (max).
    two = {"loc": [[2.3522, 48.8566], [13.405, 52.52]]}
    nearest = dict(sorted_hits(cities, two))
    assert nearest["berlin"] < 1 and nearest["paris"] < 1
    farthest = dict(sorted_hits(cities, {**two, "mode": "max"}))
    # Each city's farthest point is the other city (stored points: not quite symmetric).
    assert farthest["berlin"] != farthest["paris"]
    assert abs(farthest["berlin"] - farthest["paris"]) < 0.1
    average = dict(sorted_hits(cities, {**two, "mode": "avg"}))
    assert average["berlin"] == (nearest["berlin"] + farthest["berlin"]) / 2


def test_sort_point_forms_and_search_after(cities: Elasticsearch) -> None:
    expected = sorted_hits(cities, {"loc": {"lat": 48.8566, "lon": 2.3522}})
    for point in ("48.8566,2.3522", [2.3522, 48.8566], "POINT (2.3522 48.8566)"):
        assert sorted_hits(cities, {"loc": point}) == expected
    page = cities.search(
        index="cities",
        sort=[{"_geo_distance": {"loc": "48.8566,2.3522"}}],
        size=2,
        search_after=[expected[1][1]],
    )
    assert [h["_id"] for h in page["hits"]["hits"]] == ["amsterdam", "berlin"]
    last = cities.search(
        index="cities",
        sort=[{"_geo_distance": {"loc": "48.8566,2.3522"}}],
        search_after=[expected[-2][1]],
    )
    assert [(h["_id"], h["sort"]) for h in last["hits"]["hits"]] == [("nowhere", ["Infinity"])]


def test_sort_errors(cities: Elasticsearch) -> None:
    error = bad(cities, sort=[{"_geo_distance": {"nope": [0, 0]}}])
    assert cause(error) == {
        "type": "illegal_argument_exception",
        "reason": "failed to find mapper for [nope] for geo distance based sort",
    }
    unmapped = cities.search(
        index="cities", sort=[{"_geo_distance": {"nope": [0, 0], "ignore_unmapped": True}}]
    )
    assert {tuple(h["sort"]) for h in unmapped["hits"]["hits"]} == {("Infinity",)}
    error = bad(cities, sort=[{"_geo_distance": {"loc": {"lat": 100, "lon": 0}}}])
    assert cause(error) == {
        "type": "parse_exception",
        "reason": "illegal latitude value [100.0] for [GeoDistanceSort] for field [loc].",
    }
    error = bad(cities, sort=[{"_geo_distance": {"loc": [0, 0], "mode": "sum"}}])
    assert reason(error) == "sort_mode [sum] isn't supported for sorting by geo distance"
    error = bad(cities, sort=[{"_geo_distance": {"loc": [0, 0], "unit": "lightyears"}}])
    assert reason(error) == "No distance unit match [lightyears]"
    error = bad(cities, sort=[{"_geo_distance": {"loc": [0, 0], "colour": 3}}])
    assert reason(error) == "[_geo_distance] does not support [colour]"
    error = bad(cities, sort=[{"_geo_distance": {"order": "asc"}}])
    assert reason(error) == "Geo distance sorting needs at least one point."
    error = bad(cities, sort=[{"_geo_distance": {"loc": [0, 0], "nested": {"path": "x"}}}])
    assert "nested" in reason(error) and "not supported" in reason(error)


# Aggregations (the museums of Elasticsearch's documentation, with its published figures)

MUSEUMS = [
    ("POINT (4.912350 52.374081)", "NEMO Science Museum"),
    ("POINT (4.901618 52.369219)", "Museum Het Rembrandthuis"),
    ("POINT (4.914722 52.371667)", "Nederlands Scheepvaartmuseum"),
    ("POINT (4.405200 51.222900)", "Letterenhuis"),
    ("POINT (2.336389 48.861111)", "Musée du Louvre"),
    ("POINT (2.327000 48.860000)", "Musée d'Orsay"),
]


@pytest.fixture
def museums(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="museums",
        mappings={"properties": {"location": {"type": "geo_point"}, "name": {"type": "text"}}},
    )
    for number, (location, name) in enumerate(MUSEUMS, 1):
        any_es.index(index="museums", id=str(number), document={"location": location, "name": name})
    any_es.indices.refresh(index="museums")
    return any_es


def aggs(es: Elasticsearch, spec: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return dict(es.search(index="museums", size=0, aggs=spec, **kwargs)["aggregations"])


def test_geo_centroid_is_elasticsearchs_to_the_last_digit(museums: Elasticsearch) -> None:
    found = aggs(museums, {"centroid": {"geo_centroid": {"field": "location"}}})
    assert found["centroid"] == {
        "location": {"lat": 51.00982965203002, "lon": 3.9662131341174245},
        "count": 6,
    }
    none = aggs(
        museums,
        {"centroid": {"geo_centroid": {"field": "location"}}},
        query={"match": {"name": "nothing"}},
    )
    assert none["centroid"] == {"count": 0}


def test_geo_centroid_per_bucket(museums: Elasticsearch) -> None:
    found = aggs(
        museums,
        {
            "near": {
                "filter": {"match": {"name": "musée"}},
                "aggs": {"centroid": {"geo_centroid": {"field": "location"}}},
            }
        },
    )
    assert found["near"]["centroid"]["count"] == 2
    assert found["near"]["centroid"]["location"]["lat"] == pytest.approx(48.8605555, abs=1e-6)


def test_geo_bounds_is_elasticsearchs_to_the_last_digit(museums: Elasticsearch) -> None:
    found = aggs(
        museums,
        {"viewport": {"geo_bounds": {"field": "location", "wrap_longitude": True}}},
        query={"match": {"name": "musée"}},
    )
    assert found["viewport"] == {
        "bounds": {
            "top_left": {"lat": 48.86111099738628, "lon": 2.3269999679178},
            "bottom_right": {"lat": 48.85999997612089, "lon": 2.3363889567553997},
        }
    }
    empty = aggs(
        museums,
        {"viewport": {"geo_bounds": {"field": "location"}}},
        query={"match": {"name": "nothing"}},
    )
    assert empty["viewport"] == {}


def test_geo_bounds_wraps_the_dateline_only_when_narrower(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="pacific", mappings={"properties": {"p": {"type": "geo_point"}}})
    any_es.index(index="pacific", id="1", document={"p": [178.0, -18.0]})
    any_es.index(index="pacific", id="2", document={"p": [-172.0, -14.0]}, refresh=True)
    wrapped = any_es.search(index="pacific", size=0, aggs={"b": {"geo_bounds": {"field": "p"}}})[
        "aggregations"
    ]["b"]["bounds"]
    assert wrapped["top_left"]["lon"] == pytest.approx(178.0, abs=1e-6)
    assert wrapped["bottom_right"]["lon"] == pytest.approx(-172.0, abs=1e-6)
    flat = any_es.search(
        index="pacific",
        size=0,
        aggs={"b": {"geo_bounds": {"field": "p", "wrap_longitude": False}}},
    )["aggregations"]["b"]["bounds"]
    assert flat["top_left"]["lon"] == pytest.approx(-172.0, abs=1e-6)
    assert flat["bottom_right"]["lon"] == pytest.approx(178.0, abs=1e-6)


def test_geo_distance_aggregation(museums: Elasticsearch) -> None:
    spec = {
        "field": "location",
        "origin": "POINT (4.894 52.3760)",
        "ranges": [{"to": 100000}, {"from": 100000, "to": 300000}, {"from": 300000}],
    }
    found = aggs(museums, {"rings": {"geo_distance": spec}})
    assert found["rings"] == {
        "buckets": [
            {"key": "*-100000.0", "from": 0.0, "to": 100000.0, "doc_count": 3},
            {"key": "100000.0-300000.0", "from": 100000.0, "to": 300000.0, "doc_count": 1},
            {"key": "300000.0-*", "from": 300000.0, "doc_count": 2},
        ]
    }
    keyed = {
        **spec,
        "origin": "52.3760, 4.894",
        "unit": "km",
        "ranges": [{"to": 100, "key": "near"}, {"from": 100, "to": 300}, {"from": 300}],
        "keyed": True,
    }
    found = aggs(
        museums,
        {
            "rings": {
                "geo_distance": keyed,
                "aggs": {"centre": {"geo_centroid": {"field": "location"}}},
            }
        },
    )
    buckets = found["rings"]["buckets"]
    assert list(buckets) == ["near", "100.0-300.0", "300.0-*"]
    assert buckets["near"]["doc_count"] == 3 and buckets["near"]["centre"]["count"] == 3
    assert buckets["300.0-*"]["centre"]["count"] == 2
    for origin in ({"lat": 52.376, "lon": 4.894}, [4.894, 52.376]):
        again = aggs(museums, {"rings": {"geo_distance": {**spec, "origin": origin}}})
        assert [b["doc_count"] for b in again["rings"]["buckets"]] == [3, 1, 2]


def test_geo_aggregation_errors(museums: Elasticsearch) -> None:
    def refused(spec: dict[str, Any]) -> dict[str, Any]:
        with pytest.raises(BadRequestError) as caught:
            museums.search(index="museums", size=0, aggs={"a": spec})
        return dict(caught.value.body["error"]["root_cause"][0])

    assert (
        refused({"geo_distance": {"field": "location", "ranges": [{"to": 1}]}})["reason"]
        == "Aggregation [a] must define an [origin]."
    )
    assert refused({"geo_distance": {"field": "location", "origin": "0,0"}})["reason"] == (
        "No [ranges] specified for the [a] aggregation"
    )
    assert refused({"geo_centroid": {"field": "name"}})["reason"] == (
        "Field [name] of type [text] is not supported for aggregation [geo_centroid]"
    )
    for kind in ("geotile_grid", "geohex_grid"):
        error = refused({kind: {"field": "location"}})
        assert kind in error["reason"] and "not supported" in error["reason"]


def test_geohash_grid(museums: Elasticsearch) -> None:
    found = aggs(museums, {"grid": {"geohash_grid": {"field": "location", "precision": 3}}})
    # Elasticsearch's documented answer for its museums.
    assert found["grid"] == {
        "buckets": [
            {"key": "u17", "doc_count": 3},
            {"key": "u09", "doc_count": 2},
            {"key": "u15", "doc_count": 1},
        ]
    }
    # Ties: the highest geohash first.
    tied = aggs(museums, {"grid": {"geohash_grid": {"field": "location", "precision": 8}}})
    keys = [b["key"] for b in tied["grid"]["buckets"]]
    assert len(keys) == 6 and keys == sorted(keys, reverse=True)
    assert tied["grid"]["buckets"][0]["key"] == geo.geohash_of(
        *geo.quantize(52.374081, 4.912350), 8
    )
    bounded = aggs(
        museums,
        {
            "grid": {
                "geohash_grid": {
                    "field": "location",
                    "precision": "1000km",  # cells of 3 characters
                    "size": 1,
                    "bounds": {"top_left": "52, 2", "bottom_right": "48, 5"},
                },
                "aggs": {"c": {"geo_centroid": {"field": "location"}}},
            }
        },
    )
    # Amsterdam is north of the bounds: Paris's two museums make the largest cell.
    assert [(b["key"], b["doc_count"]) for b in bounded["grid"]["buckets"]] == [("u09", 2)]
    assert bounded["grid"]["buckets"][0]["c"]["count"] == 2
    # Bounds keep the cells they intersect, with every point of them: around the Louvre only,
    # the cell also counts the Musée d'Orsay, outside the bounds.
    louvre = {"top_left": [2.335, 48.8615], "bottom_right": [2.337, 48.8605]}
    cells = aggs(
        museums,
        {"grid": {"geohash_grid": {"field": "location", "precision": 3, "bounds": louvre}}},
    )
    assert cells["grid"]["buckets"] == [{"key": "u09", "doc_count": 2}]


def test_geohash_grid_errors(museums: Elasticsearch) -> None:
    def refused(spec: dict[str, Any]) -> str:
        with pytest.raises(BadRequestError) as caught:
            museums.search(index="museums", size=0, aggs={"g": {"geohash_grid": spec}})
        return str(caught.value.body["error"]["root_cause"][0]["reason"])

    assert refused({"field": "location", "precision": 13}) == (
        "Invalid geohash aggregation precision of 13. Must be between 1 and 12."
    )
    assert refused({"field": "location", "precision": "1mm"}) == "precision too high [1mm]"
    assert refused({"field": "location", "size": 0}) == (
        "[size] must be greater than 0. Found [0] in [g]"
    )
