"""Sort specifications, and the per-document values a sort compares.

A sort is a list of :class:`SortField`. Values come from tantivy fast fields when a field holds
one value per document, and from ``_source`` otherwise (a multi-valued field sorts by its
``mode``: min for ascending, max for descending, or avg/sum/median).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from . import geo
from .dates import DateFormat
from .errors import BadRequest, IllegalArgument, ParsingError, QueryShardError, Unsupported
from .fields import BooleanField, DateField, FieldType, KeywordField, NumberField, TextField
from .mapping import Mapping

LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)
SPECIAL = ("_score", "_doc", "_shard_doc")


@dataclass
class SortField:
    name: str
    order: str  # "asc" | "desc"
    mode: str | None = None
    missing: Any = "_last"
    unmapped_type: str | None = None
    format: str | None = None
    numeric_type: str | None = None
    #: ``nested``: the nested objects whose values a root document sorts by (``path``,
    #: ``filter``, and a ``nested`` inside for a deeper level; see :func:`nested_levels`),
    #: read by the search's collection.
    nested: dict[str, Any] | None = None

    @property
    def reverse(self) -> bool:
        return self.order == "desc"


def parse_sort(spec: Any) -> list[SortField]:
    """Parse ``sort`` from a body (strings, objects, lists) or the ``sort`` URL parameter."""
    if spec is None:
        return []
    if isinstance(spec, str):
        return [_from_string(part) for part in spec.split(",") if part.strip()]
    if isinstance(spec, dict):
        spec = [spec]
    if not isinstance(spec, list):
        raise ParsingError("[sort] malformed sort specification")
    fields = []
    for entry in spec:
        if isinstance(entry, str):
            fields.append(_from_string(entry, body=True))
        elif isinstance(entry, dict):
            for name, options in entry.items():
                if name in GEO_DISTANCE_NAMES:
                    fields.append(parse_geo_distance(options))
                    continue
                fields.append(_from_options(name, options))
        else:
            raise ParsingError("[sort] malformed sort specification")
    return fields


def _from_string(text: str, body: bool = False) -> SortField:
    name, _, order = text.strip().partition(":") if not body else (text, "", "")
    name = name.strip()
    order = order.strip() or ("desc" if name == "_score" else "asc")
    _check_order(order)
    return SortField(name, order)


def _from_options(name: str, options: Any) -> SortField:
    if isinstance(options, str):
        _check_order(options)
        return SortField(name, options)
    if not isinstance(options, dict):
        raise ParsingError(f"[sort] malformed options for [{name}]")
    known = {"order", "mode", "missing", "unmapped_type", "format", "numeric_type", "nested"}
    unknown = set(options) - known
    if unknown:
        raise ParsingError(f"[field_sort] unknown field [{sorted(unknown)[0]}]")
    order = options.get("order", "desc" if name == "_score" else "asc")
    _check_order(order)
    mode = options.get("mode")
    if mode is not None and mode not in ("min", "max", "avg", "sum", "median"):
        raise IllegalArgument(f"Unknown SortMode [{mode}]")
    nested = options.get("nested")
    if nested is not None and not isinstance(nested, dict):
        raise ParsingError("[nested] must be an object")
    return SortField(
        name,
        order,
        mode,
        options.get("missing", "_last"),
        options.get("unmapped_type"),
        options.get("format"),
        options.get("numeric_type"),
        nested,
    )


def _check_order(order: str) -> None:
    if order not in ("asc", "desc"):
        raise IllegalArgument(f"Unknown SortOrder [{order}]")


def sortable_field(mapping: Mapping, sort: SortField, index_name: str = "") -> FieldType | None:
    """The field a sort reads; errors for unmapped or unsortable fields as Elasticsearch."""
    field = mapping.field(sort.name)
    if field is None:
        if sort.unmapped_type is not None:
            return None
        raise QueryShardError(f"No mapping found for [{sort.name}] in order to sort on")
    if isinstance(field, TextField) and not field.definition.get("fielddata"):
        raise fielddata_disabled(sort.name, index_name)
    if isinstance(field, TextField) and field.definition.get("fielddata_frequency_filter"):
        raise Unsupported(f"[fielddata_frequency_filter] on the text field [{sort.name}]")
    if not field.doc_values and not isinstance(field, TextField):
        raise IllegalArgument(
            f"Can't load fielddata on [{sort.name}] because fielddata is unsupported on fields of "
            f"type [{field.type_name}]. Use doc values instead."
        )
    return field


def fielddata_disabled(path: str, index: str) -> IllegalArgument:
    """Elasticsearch 8.5+'s refusal to sort, aggregate or read doc values of a text field."""
    return IllegalArgument(
        f"Fielddata is disabled on [{path}] in [{index}]. "
        "Text fields are not optimised for operations that require per-document field data like "
        "aggregations and sorting, so these operations are disabled by default. Please use a "
        f"keyword field instead. Alternatively, set fielddata=true on [{path}] in order to load "
        "field data by uninverting the inverted index. Note that this can use significant memory."
    )


def fielddata_terms(field: TextField, texts: list[str]) -> list[str]:
    """A fielddata text field's values: the terms its analyzer makes of the texts."""
    return [term for text in texts for term in field.analyzer.terms(text)]


def reduce(values: list[Any], sort: SortField, field: FieldType) -> Any:
    """One value per document from several: the sort's ``mode``."""
    if not values:
        return None
    mode = sort.mode or ("max" if sort.reverse else "min")
    if mode == "min":
        return min(values)
    if mode == "max":
        return max(values)
    if not isinstance(field, NumberField | DateField):
        raise IllegalArgument(f"Sort mode [{mode}] is only supported on numeric fields")
    if mode == "sum":
        return _wrap_long(sum(values)) if _integral(field) else float(sum(values))
    if mode == "avg":
        if _integral(field):
            return _java_round(float(_wrap_long(sum(values))) / len(values))
        return sum(values) / len(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    median = (float(ordered[middle - 1]) + float(ordered[middle])) / 2
    return _java_round(median) if _integral(field) else median


def _integral(field: FieldType) -> bool:
    return isinstance(field, DateField) or (isinstance(field, NumberField) and field.integral)


def _wrap_long(value: int) -> int:
    """Java ``long`` arithmetic, which Elasticsearch's sum sort mode overflows with."""
    return (value + 2**63) % 2**64 - 2**63


def _java_round(value: float) -> int:
    """Java's ``Math.round`` of a double: half up, clamped to the long range."""
    import math

    return max(LONG_MIN, min(LONG_MAX, math.floor(value + 0.5)))


def missing_value(sort: SortField, field: FieldType | None) -> Any:
    """The sort value of a document without the field, as Elasticsearch reports it."""
    if sort.missing not in ("_last", "_first"):
        return sort.missing
    if field is None or isinstance(field, KeywordField) or field.is_text_like:
        return None
    last = sort.missing == "_last"
    high = last != sort.reverse
    if isinstance(field, NumberField) and not field.integral:
        return float("inf") if high else float("-inf")
    return LONG_MAX if high else LONG_MIN


def output(value: Any, sort: SortField, field: FieldType | None) -> Any:
    """How a sort value is shown in a hit's ``sort`` array."""
    if value is None:
        return None
    if isinstance(field, BooleanField):
        return 1 if value else 0
    if isinstance(field, DateField) and sort.format:
        return DateFormat(sort.format).format(value)
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return value


# Sorting by fields of nested objects


#: ``max_children`` when a request does not set it (Java's ``Integer.MAX_VALUE``).
UNLIMITED_CHILDREN = 2**31 - 1


@dataclass(frozen=True)
class NestedLevel:
    """One level of a sort's ``nested``: the nested objects at ``path`` that match ``filter``
    (None: all of them)."""

    path: str
    filter: Any = None


def nested_levels(mapping: Mapping, spec: dict[str, Any]) -> list[NestedLevel] | None:
    """The levels of a sort's ``nested``, outermost first (each ``nested`` inside goes one
    level deeper), checked as Elasticsearch's ``FieldSortBuilder`` and ``SortBuilder``'s
    ``resolveNested`` check them.

    None when a level below the top names no ``path``: Elasticsearch then resolves no nesting at
    all, and the sort reads the root documents' own values. A level whose path does not lie
    inside the one above is refused: Elasticsearch's block join would then pair objects by
    where Lucene happens to store them, which no other store reproduces.
    """
    chain = _nested_chain(spec)
    if any(
        inner.get("max_children", UNLIMITED_CHILDREN) != UNLIMITED_CHILDREN for inner in chain[1:]
    ):
        raise QueryShardError("max_children is only supported on top level of nested sort")
    if "max_children" in spec:
        raise Unsupported("[max_children] in a nested sort")
    levels: list[NestedLevel] = []
    for inner in chain:
        if inner.get("path") is None and levels:
            return None
        path = str(inner.get("path"))
        _check_nested_path(mapping, path)
        if levels and not path.startswith(levels[-1].path + "."):
            raise Unsupported(
                f"the nested sort path [{path}] outside the path [{levels[-1].path}] above it"
            )
        levels.append(NestedLevel(path, inner.get("filter")))
    return levels


def _nested_chain(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A sort's ``nested`` and the ones inside it, outermost first, with their keys checked."""
    chain = [spec]
    while chain[-1].get("nested") is not None:
        inner = chain[-1]["nested"]
        if not isinstance(inner, dict):
            raise ParsingError("[nested] must be an object")
        chain.append(inner)
    for level in chain:
        for key in level:
            if key not in ("path", "filter", "max_children", "nested"):
                raise ParsingError(f"[nested] unknown field [{key}]")
    return chain


def _check_nested_path(mapping: Mapping, path: str) -> None:
    if path not in mapping.objects:
        raise QueryShardError(f"[nested] failed to find nested object under path [{path}]")
    if not mapping.is_nested(path):
        raise QueryShardError(f"[nested] nested object under path [{path}] is not of nested type")


def held_at(mapping: Mapping, level: str, path: str) -> bool:
    """Whether the hidden documents of the nested objects at ``level`` hold a field's values.

    Elasticsearch reads a nested sort's values from the doc values of the innermost level's
    documents: those have the fields of their own objects, and those of objects inside them
    that are ``include_in_parent`` up to them, but not their enclosing objects' or deeper
    objects' fields (the sort then finds no value, it does not fail).
    """
    holder = mapping.nested_parent(path)
    while holder != level:
        include_in_parent = holder and mapping.objects[holder].definition.get("include_in_parent")
        if include_in_parent not in (True, "true"):
            return False
        holder = mapping.nested_parent(holder)
    return True


# Sorting by distance to points


GEO_DISTANCE_NAMES = ("_geo_distance", "_geoDistance")


@dataclass
class GeoDistanceSort(SortField):
    """``_geo_distance``: documents by their distance to one or more points (their nearest
    point under ``min``); a document without a point sorts as +Infinity either way."""

    field: str = ""
    points: list[tuple[float, float]] = dataclass_field(default_factory=list)
    unit: float = 1.0
    distance_type: str = "arc"
    validation: str = "STRICT"
    ignore_unmapped: bool = False

    def origins(self) -> list[tuple[float, float]]:
        """The points, validated or normalised as ``validation_method`` says."""
        if self.validation == "STRICT":
            for lat, lon in self.points:
                if not geo.valid_lat(lat):
                    raise geo.GeoParseError(
                        f"illegal latitude value [{geo.java_double(lat)}] for [GeoDistanceSort] "
                        f"for field [{self.field}]."
                    )
                if not geo.valid_lon(lon):
                    raise geo.GeoParseError(
                        f"illegal longitude value [{geo.java_double(lon)}] for [GeoDistanceSort] "
                        f"for field [{self.field}]."
                    )
        if self.validation == "COERCE":
            return [geo.normalize(lat, lon) for lat, lon in self.points]
        return list(self.points)

    def value(self, distances: list[float]) -> float:
        """One document's sort value from its distances (``mode``; Infinity for none)."""
        if not distances:
            return float("inf")
        mode = self.mode or ("max" if self.reverse else "min")
        if mode == "min":
            return min(distances)
        if mode == "max":
            return max(distances)
        if mode == "avg":
            return sum(distances) / len(distances)
        ordered = sorted(distances)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2


def parse_geo_distance(options: Any) -> GeoDistanceSort:
    """``GeoDistanceSortBuilder.fromXContent``: the field's points and the sort's options."""
    if not isinstance(options, dict):
        raise ParsingError("[_geo_distance] sort must be an object")
    sort = GeoDistanceSort("_geo_distance", "asc")
    name: str | None = None
    for key, value in options.items():
        if isinstance(value, list):
            sort.points.extend(_geo_points(value))
            name = key
        elif isinstance(value, dict):
            if key == "nested":
                raise Unsupported("[nested] in a [_geo_distance] sort")
            if name is not None and name != key:
                raise ParsingError(
                    f"Trying to reset fieldName to [{key}], already set to [{name}]."
                )
            name = key
            sort.points.append(geo.parse_point(value, ignore_z=False))
        elif key == "order":
            _check_order(str(value))
            sort.order = str(value)
        elif key == "unit":
            sort.unit = geo.unit_meters(value)
        elif key == "distance_type":
            sort.distance_type = geo.distance_type(value)
        elif key == "validation_method":
            sort.validation = geo.validation_method(value)
        elif key in ("mode", "sort_mode"):
            mode = str(value).lower()
            if mode not in ("min", "max", "avg", "sum", "median"):
                raise IllegalArgument(f"Unknown SortMode [{value}]")
            if mode == "sum":
                raise IllegalArgument("sort_mode [sum] isn't supported for sorting by geo distance")
            sort.mode = mode
        elif key == "ignore_unmapped":
            if not isinstance(value, bool) and value not in ("true", "false"):
                raise ParsingError(
                    f"Failed to parse value [{value}] as only [true] or [false] are allowed."
                )
            sort.ignore_unmapped = value in (True, "true")
        elif isinstance(value, str):
            if name is not None and name != key:
                raise ParsingError(
                    f"Trying to reset fieldName to [{key}], already set to [{name}]."
                )
            sort.points.append(geo.parse_point_string(value, ignore_z=False))
            name = key
        elif key == name:
            raise ParsingError(f"Only geohashes of type string supported for field [{key}]")
        else:
            raise ParsingError(f"[_geo_distance] does not support [{key}]")
    if not sort.points:
        raise BadRequest("Geo distance sorting needs at least one point.")
    sort.field = name or ""
    return sort


def _geo_points(values: list[Any]) -> list[tuple[float, float]]:
    """``GeoDistanceSortBuilder.parseGeoPoints``: numbers in (lon, lat) pairs, or points."""
    points = []
    position = 0
    while position < len(values):
        item = values[position]
        if isinstance(item, int | float) and not isinstance(item, bool):
            following = values[position + 1] if position + 1 < len(values) else None
            if not isinstance(following, int | float) or isinstance(following, bool):
                token = "END_ARRAY" if position + 1 >= len(values) else _token(following)
                raise geo.GeoParseError(
                    f"geo point parsing: expected second number but got [{token}] instead"
                )
            points.append((float(following), float(item)))
            position += 2
            continue
        points.append(geo.parse_point(item, ignore_z=False))
        position += 1
    return points


def _token(value: Any) -> str:
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if value is None:
        return "VALUE_NULL"
    return "START_ARRAY" if isinstance(value, list) else "START_OBJECT"
