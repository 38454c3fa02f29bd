"""Field types: what each Elasticsearch field type accepts and how its values are indexed.

A field type turns the raw JSON value of a document into the values its tantivy slot holds
(:meth:`FieldType.convert`), and says which kind of slot that is (:attr:`FieldType.slot_kind`).
Query-side conversions (a term on a ``long`` field, a range on a ``date``) use the same
:meth:`FieldType.convert`, so a value matches at search time exactly when it would at index time.
"""

from __future__ import annotations

import ipaddress
import math
import re
import struct
from typing import Any, ClassVar

from . import geo
from .dates import DateFormat, DateParseError
from .decimals import java_double, java_float
from .errors import EngineError, IllegalArgument, MapperParsingError, ParsingError, Unsupported
from .vectors import (
    BBQ_DIMS_DEFAULT_THRESHOLD,
    BBQ_MIN_DIMS,
    ELEMENT_TYPES,
    MAX_DIMS,
    MAX_DIMS_BIT,
    SIMILARITIES,
    bytes_from_string,
    check_bytes,
    check_floats,
    check_magnitude,
    decode_base64,
    float32,
    floats_from_bytes,
    shortest,
    signed,
)
from .wording import token_name

#: Parameters every field type accepts.
COMMON = frozenset({"type", "meta", "copy_to", "fields", "store", "boost", "similarity"})


#: Tuples rather than ``int | float`` unions: isinstance with a tuple is faster on hot paths.
_NUMBERS_TYPES = (int, float)
_SCALARS = (int, float, str)


class Unconvertible(IllegalArgument):
    """A value the field type cannot take; the document parser wraps it with the field name."""


class FieldType:
    """One mapped leaf field. Subclasses define :attr:`type_name`, params and conversion."""

    type_name: ClassVar[str] = ""
    params: ClassVar[frozenset[str]] = frozenset()
    #: Parameters put_mapping may change on an existing field.
    updatable: ClassVar[frozenset[str]] = frozenset({"meta", "copy_to", "fields", "boost"})
    #: Whether the values are kept as strings (keyword-like) rather than numbers.
    is_text_like: ClassVar[bool] = False
    #: Whether term/range queries on the field may run (unsupported types are stored only).
    searchable_type: ClassVar[bool] = True
    #: The field's path and its parents' paths: what an ``exists`` query finds it by.
    exists_names: tuple[str, ...] = ()
    #: Longer (keyword) values are kept in ``_source`` but not indexed.
    ignore_above: int = 2**31 - 1
    #: Whether a JSON array is one value (a dense vector) rather than several.
    array_value: ClassVar[bool] = False

    def __init__(self, path: str, definition: dict[str, Any], registry: Any) -> None:
        self.path = path
        self.name = path.rpartition(".")[2]
        unknown = set(definition) - COMMON - self.params
        if unknown:
            raise MapperParsingError(
                f"unknown parameter [{sorted(unknown)[0]}] on mapper [{path}] of type "
                f"[{self.type_name}]"
            )
        self.definition = definition
        self.index = _flag(definition, "index", True, path)
        self.doc_values = _flag(definition, "doc_values", self.default_doc_values, path)
        self.store = _flag(definition, "store", False, path)
        copy_to = definition.get("copy_to", [])
        self.copy_to: list[str] = [copy_to] if isinstance(copy_to, str) else list(copy_to)
        self.null_value = definition.get("null_value")
        self.ignore_malformed = _flag(definition, "ignore_malformed", False, path)
        self.multi_fields: dict[str, FieldType] = {}
        self.configure(definition, registry)
        if self.null_value is not None:
            self.null_value = self.convert_or_fail(self.null_value, "null_value")

    default_doc_values: ClassVar[bool] = True

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        """Read type-specific parameters."""

    # What is stored in tantivy

    @property
    def slot_kind(self) -> tuple | None:
        """A hashable description of the tantivy field this type needs, or None for none."""
        return None

    @property
    def searchable(self) -> bool:
        return self.searchable_type and (self.index or self.doc_values)

    def convert(self, value: Any) -> Any:
        """The indexed form of one JSON value; raise :class:`Unconvertible` if impossible."""
        raise NotImplementedError

    def convert_value(self, value: Any, doc_id: str | None) -> Any:
        """:meth:`convert` for a document's value (whose errors may name the document)."""
        return self.convert(value)

    def convert_or_fail(self, value: Any, what: str) -> Any:
        try:
            return self.convert(value)
        except Unconvertible as error:
            raise MapperParsingError(
                f"Failed to parse mapping: {what} [{value}] of field [{self.path}] is invalid: "
                f"{error.reason}"
            ) from None

    def to_query_value(self, value: Any) -> Any:
        """A query value in indexed form (a term query on a long field takes "5")."""
        try:
            return self.convert(value)
        except Unconvertible as error:
            raise IllegalArgument(error.reason) from None

    def format(self, value: Any) -> Any:
        """How an indexed value reads back (sort values, aggregation keys, docvalue_fields)."""
        return value

    def to_dict(self) -> dict[str, Any]:
        """The field as GET _mapping shows it: the parameters it was given, and its type."""
        skip = ("type", "fields")
        body: dict[str, Any] = {"type": self.type_name}
        body.update((k, v) for k, v in self.definition.items() if k not in skip)
        if self.multi_fields:
            body["fields"] = {name: sub.to_dict() for name, sub in self.multi_fields.items()}
        return body


def _flag(definition: dict[str, Any], name: str, default: bool, path: str) -> bool:
    value = definition.get(name, default)
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise MapperParsingError(
        f"Failed to parse mapping: Cannot parse value [{value}] for parameter [{name}] "
        f"of field [{path}]: only [true] or [false] are allowed"
    )


def _preview(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_preview(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def document_parsing_error(reason: str, caused_by: EngineError | None = None) -> MapperParsingError:
    """A document that does not fit its mapping: ``document_parsing_exception``.

    Elasticsearch 8.8+ reports documents so; ``mapper_parsing_exception`` remains the error of a
    mapping definition that is invalid.
    """
    return MapperParsingError(reason, type="document_parsing_exception", caused_by=caused_by)


def field_error(field: FieldType, doc_id: str | None, value: Any, cause: Exception) -> Exception:
    """Elasticsearch's message for a value a field cannot take, naming field and document."""
    where = f" in document with id '{doc_id}'" if doc_id is not None else ""
    caused_by = cause if isinstance(cause, EngineError) else IllegalArgument(str(cause))
    return document_parsing_error(
        f"failed to parse field [{field.path}] of type [{field.type_name}]{where}. "
        f"Preview of field's value: '{_preview(value)}'",
        caused_by=caused_by,
    )


# Strings


class KeywordField(FieldType):
    type_name = "keyword"
    params = frozenset(
        {
            "index",
            "doc_values",
            "ignore_above",
            "normalizer",
            "null_value",
            "eager_global_ordinals",
            "split_queries_on_whitespace",
            "index_options",
            "norms",
            "time_series_dimension",
            "script",
            "on_script_error",
            "similarity",
            "dimension",
        }
    )
    updatable = FieldType.updatable | {"ignore_above"}
    is_text_like = True

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        self.ignore_above = int(definition.get("ignore_above", 2**31 - 1))
        normalizer = definition.get("normalizer")
        try:
            self.normalizer = registry.normalizer(normalizer) if normalizer else None
        except IllegalArgument:
            raise MapperParsingError(
                f"Failed to parse mapping: normalizer [{normalizer}] not found for field "
                f"[{self.path}]"
            ) from None

    @property
    def slot_kind(self) -> tuple | None:
        if not (self.index or self.doc_values):
            return None
        return ("keyword", self.doc_values)

    def convert(self, value: Any) -> str:
        text = _as_text(value)
        return self.normalizer.normalize(text) if self.normalizer else text


class WildcardField(KeywordField):
    type_name = "wildcard"
    params = frozenset({"ignore_above", "null_value", "doc_values"})


class ConstantKeywordField(KeywordField):
    type_name = "constant_keyword"
    params = frozenset({"value"})


class VersionField(KeywordField):
    type_name = "version"
    params = frozenset()


class TextField(FieldType):
    type_name = "text"
    params = frozenset(
        {
            "analyzer",
            "search_analyzer",
            "search_quote_analyzer",
            "index",
            "index_options",
            "index_phrases",
            "index_prefixes",
            "norms",
            "position_increment_gap",
            "fielddata",
            "fielddata_frequency_filter",
            "eager_global_ordinals",
            "term_vector",
        }
    )
    updatable = FieldType.updatable | {"search_analyzer", "search_quote_analyzer", "fielddata"}
    default_doc_values = False
    is_text_like = True

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        self.analyzer = _configured_analyzer(registry, definition.get("analyzer", "default"))
        search = definition.get("search_analyzer")
        self.search_analyzer = _configured_analyzer(registry, search) if search else self.analyzer
        quote = definition.get("search_quote_analyzer")
        self.search_quote_analyzer = (
            _configured_analyzer(registry, quote) if quote else self.search_analyzer
        )
        options = definition.get("index_options", "positions")
        if options not in ("docs", "freqs", "positions", "offsets"):
            raise MapperParsingError(
                f"Failed to parse mapping: Unknown value [{options}] for field [index_options] - "
                "accepted values are [positions, docs, freqs, offsets]"
            )
        self.index_options = options
        self.tantivy_tokenizer = registry.tantivy_name(self.analyzer.name)
        if not self.index and definition.get("fielddata") in (True, "true"):
            # fielddata is the uninverted index: a field that is not indexed has none
            reason = f"Cannot enable fielddata on a [text] field that is not indexed: [{self.path}]"
            raise MapperParsingError(
                f"Failed to parse mapping: {reason}", caused_by=IllegalArgument(reason)
            )

    @property
    def positions(self) -> bool:
        return self.index_options in ("positions", "offsets")

    @property
    def slot_kind(self) -> tuple | None:
        if not self.index:
            return None
        option = {"docs": "basic", "freqs": "freq"}.get(self.index_options, "position")
        tokenizer = self.tantivy_tokenizer if self.analyzer.native else None
        return ("text", tokenizer, option)

    def convert(self, value: Any) -> str:
        return _as_text(value)


def _configured_analyzer(registry: Any, name: str) -> Any:
    """The analyzer a mapping names, or Elasticsearch's error for one the index does not have."""
    try:
        return registry.analyzer(name)
    except IllegalArgument:
        reason = f"analyzer [{name}] has not been configured in mappings"
        raise MapperParsingError(
            f"Failed to parse mapping: {reason}", caused_by=IllegalArgument(reason)
        ) from None


class MatchOnlyTextField(TextField):
    type_name = "match_only_text"
    params = frozenset()


class SearchAsYouTypeField(TextField):
    """A text field with the sub-fields Elasticsearch indexes for it: ``._2gram`` up to
    ``._{max_shingle_size}gram`` (shingles of the words) and ``._index_prefix`` (the
    prefixes of the largest shingles), which ``bool_prefix`` queries search."""

    type_name = "search_as_you_type"
    params = frozenset(
        {
            "analyzer",
            "search_analyzer",
            "search_quote_analyzer",
            "index",
            "index_options",
            "norms",
            "term_vector",
            "max_shingle_size",
            "doc_values",
            "similarity",
        }
    )
    updatable = FieldType.updatable | {"search_analyzer", "search_quote_analyzer"}

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        super().configure(definition, registry)
        if self.doc_values:
            raise MapperParsingError(
                "Failed to parse mapping: Cannot set [doc_values] on field of type "
                "[search_as_you_type]"
            )
        size = definition.get("max_shingle_size", 3)
        if isinstance(size, bool) or not isinstance(size, int | str) or not str(size).isdigit():
            raise MapperParsingError(f'Failed to parse mapping: For input string: "{size}"')
        self.max_shingle_size = int(size)
        if not 2 <= self.max_shingle_size <= 4:
            raise MapperParsingError(
                "Failed to parse mapping: [max_shingle_size] must be at least [2] and at most "
                f"[4], got [{self.max_shingle_size}]"
            )
        for shingles in range(2, self.max_shingle_size + 1):
            self._subfield(f"_{shingles}gram", registry.shingled, shingles)
        self._subfield("_index_prefix", registry.shingled, self.max_shingle_size, True)

    def _subfield(self, name: str, derive: Any, size: int, prefixes: bool = False) -> None:
        """A hidden multi-field analysed as the field is, then shingled."""
        options = {"index_options": self.index_options}
        sub = TextField(f"{self.path}.{name}", {"type": "text", **options}, _NoRegistry())
        sub.analyzer = derive(self.analyzer, size, prefixes)
        # queries on ._index_prefix analyse with shingles only, as Elasticsearch's do
        sub.search_analyzer = sub.search_quote_analyzer = derive(self.search_analyzer, size)
        sub.tantivy_tokenizer = ""
        sub.index = self.index
        self.multi_fields[name] = sub

    @property
    def hidden(self) -> frozenset[str]:
        return frozenset(n for n in self.multi_fields if n.startswith("_"))

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body["doc_values"] = False
        body["max_shingle_size"] = self.max_shingle_size
        shown = {n: f for n, f in (body.get("fields") or {}).items() if n not in self.hidden}
        body.pop("fields", None)
        if shown:
            body["fields"] = shown
        return body


class _NoRegistry:
    """What a derived sub-field is built with: its analyzers are set by its field."""

    def analyzer(self, name: str) -> Any:
        return _Placeholder()

    def tantivy_name(self, name: str) -> str:
        return ""


class _Placeholder:
    name = ""
    native = None


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _NUMBERS_TYPES):
        return _number_text(value)
    raise Unconvertible(f"Can't get text on a {_json_kind(value)} at 1:1")


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return repr(value)
    return str(value)


def _json_kind(value: Any) -> str:
    return "START_OBJECT" if isinstance(value, dict) else "START_ARRAY"


# Numbers

_INT_RANGES = {
    "long": (-(2**63), 2**63 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsigned_long": (0, 2**64 - 1),
}


def _out_of_range(type_name: str, raw: Any, low: int = 0, high: int = 0) -> str:
    """Elasticsearch's words for an integral value out of its type's range.

    A JSON number read as an ``int``/``long`` fails in the JSON parser (Jackson's message); a
    string, or a number for the other types, fails in the field type's own check.
    """
    if isinstance(raw, int) and not isinstance(raw, bool) and type_name in ("integer", "long"):
        java = "int" if type_name == "integer" else "long"
        return f"Numeric value ({raw}) out of range of {java} ({low} - {high})"
    if type_name == "unsigned_long":
        return f"Value [{raw}] is out of range for unsigned long"
    article = "an" if type_name == "integer" else "a"
    return f"Value [{raw}] is out of range for {article} {type_name}"


class NumberField(FieldType):
    params = frozenset(
        {
            "index",
            "doc_values",
            "null_value",
            "coerce",
            "ignore_malformed",
            "script",
            "on_script_error",
            "time_series_metric",
            "time_series_dimension",
            "scaling_factor",
        }
    )
    updatable = FieldType.updatable | {"coerce", "ignore_malformed"}

    def __init__(self, type_name: str, path: str, definition: dict, registry: Any) -> None:
        self.type_name = type_name  # type: ignore[misc]
        super().__init__(path, definition, registry)

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        self.coerce = _flag(definition, "coerce", True, self.path)
        self.integral = self.type_name in _INT_RANGES
        if self.type_name == "scaled_float":
            if "scaling_factor" not in definition:
                raise MapperParsingError(
                    "Failed to parse mapping: Field [scaling_factor] is required"
                )
            self.scaling_factor = float(definition["scaling_factor"])
        elif "scaling_factor" in definition:
            raise MapperParsingError(
                f"unknown parameter [scaling_factor] on mapper [{self.path}] of type "
                f"[{self.type_name}]"
            )

    @property
    def slot_kind(self) -> tuple | None:
        if not (self.index or self.doc_values):
            return None
        kind = "u64" if self.type_name == "unsigned_long" else "i64" if self.integral else "f64"
        return (kind, self.doc_values, self.index)

    def convert(self, value: Any) -> int | float:
        if type(value) is int and self.integral:  # the common case: a JSON integer in range
            low, high = _INT_RANGES[self.type_name]
            if low <= value <= high:
                return value
        number = self._number(value)
        if self.integral:
            return self._integral(number, value)
        return self._floating(float(number))

    def _number(self, value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, _SCALARS):
            if isinstance(value, bool):
                raise Unconvertible(f"Current token (VALUE_{str(value).upper()}) not numeric")
            raise Unconvertible(f"Current token ({_json_kind(value)}) not numeric")
        if isinstance(value, str):
            if not self.coerce:
                raise Unconvertible("[coerce] is false, strings are not accepted")
            text = value.strip()
            try:
                return int(text)
            except ValueError:
                try:
                    return float(text)
                except ValueError:
                    raise Unconvertible(f'For input string: "{value}"') from None
        return value

    def _integral(self, number: int | float, raw: Any) -> int:
        if isinstance(number, float):
            if not math.isfinite(number):
                raise Unconvertible(_out_of_range(self.type_name, raw))
            if not number.is_integer() and not self.coerce:
                raise Unconvertible(f"Value [{raw}] has a decimal part")
            number = int(number)
        low, high = _INT_RANGES[self.type_name]
        if not low <= number <= high:
            raise Unconvertible(_out_of_range(self.type_name, raw, low, high))
        return number

    def _floating(self, number: float) -> float:
        if not math.isfinite(number):
            raise Unconvertible(
                f"[{self.type_name}] supports only finite values, but got [{number}]"
            )
        if self.type_name == "float":
            single = java_float(number)
            if not math.isfinite(single):  # beyond float's range: it would be stored as inf
                raise Unconvertible(f"[float] supports only finite values, but got [{single}]")
            return single
        if self.type_name == "half_float":
            try:
                return struct.unpack("e", struct.pack("e", number))[0]
            except OverflowError:
                raise Unconvertible(
                    f"[half_float] supports only finite values, but got [{number}]"
                ) from None
        if self.type_name == "scaled_float":
            return round(number * self.scaling_factor) / self.scaling_factor
        return number

    def to_query_value(self, value: Any) -> int | float:
        """Queries accept decimals on integral fields; the caller decides how to round."""
        try:
            number = self._number(value) if isinstance(value, str) else value
            if isinstance(number, bool) or not isinstance(number, _NUMBERS_TYPES):
                raise Unconvertible(f"Current token ({_json_kind(number)}) not numeric")
            if self.integral:
                if isinstance(number, float) and not number.is_integer():
                    return number
                return self._integral(number, value)
            return self._floating(float(number))
        except Unconvertible as error:
            raise IllegalArgument(error.reason) from None


# Dates


class DateField(FieldType):
    params = frozenset(
        {
            "index",
            "doc_values",
            "format",
            "locale",
            "null_value",
            "ignore_malformed",
            "script",
            "on_script_error",
            "print_format",
        }
    )
    updatable = FieldType.updatable | {"ignore_malformed"}

    def __init__(self, type_name: str, path: str, definition: dict, registry: Any) -> None:
        self.type_name = type_name  # type: ignore[misc]
        super().__init__(path, definition, registry)

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        spec = definition.get("format", "strict_date_optional_time||epoch_millis")
        try:
            self.date_format = DateFormat(spec)
        except IllegalArgument as error:
            raise MapperParsingError(
                f"Failed to parse mapping: Invalid format: [{spec}]: {error.reason}",
            ) from None

    @property
    def slot_kind(self) -> tuple | None:
        if not (self.index or self.doc_values):
            return None
        return ("i64", self.doc_values, self.index)

    def convert(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, _SCALARS):
            raise Unconvertible(
                f"failed to parse date field [{_preview(value)}] with format "
                f"[{self.date_format.spec}]"
            )
        try:
            return self.date_format.parse(value)
        except DateParseError as error:
            raise Unconvertible(str(error)) from None

    def format(self, value: Any) -> Any:
        return self.date_format.format(value)


# Others


class BooleanField(FieldType):
    type_name = "boolean"
    params = frozenset(
        {"index", "doc_values", "null_value", "script", "on_script_error", "ignore_malformed"}
    )

    @property
    def slot_kind(self) -> tuple | None:
        if not (self.index or self.doc_values):
            return None
        return ("bool", self.doc_values, self.index)

    def convert(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value in ("true", "false", ""):
            return value == "true"
        raise Unconvertible(
            f"Failed to parse value [{_preview(value)}] as only [true] or [false] are allowed."
        )

    def format(self, value: Any) -> Any:
        return "true" if value else "false"


class IpField(FieldType):
    type_name = "ip"
    params = frozenset(
        {
            "index",
            "doc_values",
            "null_value",
            "ignore_malformed",
            "script",
            "on_script_error",
            "time_series_dimension",
        }
    )
    is_text_like = True

    @property
    def slot_kind(self) -> tuple | None:
        if not (self.index or self.doc_values):
            return None
        return ("keyword", self.doc_values)

    def convert(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Unconvertible(f"'{_preview(value)}' is not an IP string literal.")
        try:
            return ipaddress.ip_address(value.strip()).compressed
        except ValueError:
            raise Unconvertible(f"'{value}' is not an IP string literal.") from None


class BinaryField(FieldType):
    """Stored in ``_source`` only, as Elasticsearch's binary (not searchable)."""

    type_name = "binary"
    params = frozenset({"doc_values"})
    default_doc_values = False
    searchable_type = False

    def convert(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise Unconvertible(f"Current token ({_json_kind(value)}) is not a string")
        return value


class GeoPointField(FieldType):
    """A point, indexed as Lucene's doc values hold it: one signed 64-bit integer (see
    :mod:`.geo`). Searched by the geo queries; term-level queries refuse it, as Elasticsearch's
    "Geo fields do not support exact searching"."""

    type_name = "geo_point"
    params = frozenset(
        {
            "index",
            "doc_values",
            "null_value",
            "ignore_malformed",
            "ignore_z_value",
            "script",
            "on_script_error",
        }
    )
    searchable_type = False

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        self.ignore_z_value = _flag(definition, "ignore_z_value", True, self.path)

    @property
    def slot_kind(self) -> tuple | None:
        if not (self.index or self.doc_values):
            return None
        return ("i64", True, True)

    @staticmethod
    def is_point_array(value: Any) -> bool:
        """``[lon, lat]`` (or with z): one point, not an array of values (Elasticsearch looks
        at the first element only)."""
        return geo.is_point_array(value)

    def point(self, value: Any) -> tuple[float, float]:
        """(lat, lon) of one value, validated (or normalised under ``ignore_malformed``)."""
        try:
            if geo.is_point_array(value):
                lat, lon = geo.document_array_point(value, self.ignore_z_value)
            else:
                lat, lon = geo.parse_point(value, self.ignore_z_value)
        except EngineError as error:
            raise Unconvertible(error.reason, type=error.type) from None
        if not self.ignore_malformed:
            if lat > 90.0 or lat < -90.0:
                raise Unconvertible(f"illegal latitude value [{java_double(lat)}] for {self.path}")
            if lon > 180.0 or lon < -180.0:
                raise Unconvertible(f"illegal longitude value [{java_double(lon)}] for {self.path}")
            if math.isnan(lat) or math.isnan(lon):
                which, number = ("latitude", lat) if math.isnan(lat) else ("longitude", lon)
                limit = "90.0" if which == "latitude" else "180.0"
                raise Unconvertible(
                    f"invalid {which} {java_double(number)}; must be between -{limit} and {limit}"
                )
            return lat, lon
        if not all(math.isfinite(v) for v in (lat, lon)):
            raise Unconvertible("cannot normalize the point - not a number", type="parse_exception")
        return geo.normalize(lat, lon)

    def convert(self, value: Any) -> int:
        return geo.pack(*self.point(value))

    def format(self, value: Any) -> Any:
        lat, lon = geo.unpack(value)
        return {"lat": lat, "lon": lon}


class JoinField(KeywordField):
    """The ``join`` field: each document's relation name, indexed as a keyword, and for each
    parent relation a hidden keyword field ``{field}#{parent}`` holding the parent's id (in
    its children) or the document's own id (in the parent), which the join queries and
    aggregations match on, as Elasticsearch's ParentJoinFieldMapper indexes them."""

    type_name = "join"
    params = frozenset({"relations", "eager_global_ordinals"})
    updatable = FieldType.updatable | {"relations", "eager_global_ordinals"}

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        self.normalizer = None
        if "." in self.path:
            raise MapperParsingError(
                f"Failed to parse mapping: join field [{self.path}] cannot be added inside an "
                "object or in a multi-field"
            )
        self.eager_global_ordinals = _flag(definition, "eager_global_ordinals", True, self.path)
        relations = definition.get("relations") or {}
        if not isinstance(relations, dict):
            raise MapperParsingError(
                f"Failed to parse mapping: [relations] of join field [{self.path}] must be an "
                "object"
            )
        #: Each parent relation's children, and each child's parent.
        self.children: dict[str, list[str]] = {}
        self.parents: dict[str, str] = {}
        for parent, children in relations.items():
            names = [children] if isinstance(children, str) else list(children or [])
            self.children[parent] = names
            for child in names:
                if child in self.parents:
                    raise MapperParsingError(
                        f"Failed to parse mapping: [{child}] cannot have multiple parents"
                    )
                self.parents[child] = parent
        #: The hidden parent-id fields, by parent relation.
        self.parent_id_fields = {
            parent: KeywordField(self.parent_id_path(parent), {"type": "keyword"}, registry)
            for parent in self.children
        }

    def parent_id_path(self, parent: str) -> str:
        return f"{self.path}#{parent}"

    def relation_values(
        self, value: Any, doc_id: str | None, routing: str | None
    ) -> list[tuple[FieldType, str]]:
        """What a document's join value indexes: its relation name, the id of its parent if
        it is a child, and its own id if it is a parent (Elasticsearch's errors otherwise)."""
        name = parent = None
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in ("name", "parent") or not isinstance(item, str | int | float):
                    raise IllegalArgument(f"unknown field name [{key}] in join field [{self.path}]")
                if key == "name":
                    name = item if isinstance(item, str) else None
                else:
                    parent = _number_text(item) if not isinstance(item, str) else item
        elif isinstance(value, str):
            name = value
        else:
            kind = (
                "VALUE_BOOLEAN"
                if isinstance(value, bool)
                else "VALUE_NUMBER"
                if isinstance(value, int | float)
                else "START_ARRAY"
            )
            raise IllegalArgument(
                f"[{self.path}] expected START_OBJECT or VALUE_STRING but was: {kind}"
            )
        if name is None:
            raise IllegalArgument(f"null join name in field [{self.path}]")
        if name not in self.children and name not in self.parents:
            raise IllegalArgument(f"unknown join name [{name}] for field [{self.path}]")
        values: list[tuple[FieldType, str]] = [(self, name)]
        if name in self.parents:
            if parent is None:
                raise IllegalArgument(f"[parent] is missing for join field [{self.path}]")
            if routing is None:
                raise IllegalArgument(f"[routing] is missing for join field [{self.path}]")
            values.append((self.parent_id_fields[self.parents[name]], parent))
        if name in self.children and doc_id is not None:
            values.append((self.parent_id_fields[name], doc_id))
        return values

    def to_dict(self) -> dict[str, Any]:
        relations = {p: c[0] if len(c) == 1 else c for p, c in self.children.items()}
        body: dict[str, Any] = {"type": "join"}
        body["eager_global_ordinals"] = self.eager_global_ordinals
        body["relations"] = relations
        return body


class StoredOnlyField(FieldType):
    """A field type this engine keeps in ``_source`` without indexing it."""

    params = frozenset(
        {
            "index",
            "doc_values",
            "dims",
            "similarity",
            "element_type",
            "index_options",
            "analyzer",
            "search_analyzer",
            "preserve_separators",
            "preserve_position_increments",
            "max_input_length",
            "contexts",
            "positive_score_impact",
            "enable_position_increments",
            "orientation",
            "ignore_malformed",
            "ignore_z_value",
            "coerce",
            "format",
            "relations",
            "eager_global_ordinals",
            "depth_limit",
            "ignore_above",
            "null_value",
            "split_queries_on_whitespace",
            "time_series_dimensions",
            "metrics",
            "default_metric",
            "inference_id",
            "search_inference_id",
        }
    )
    searchable_type = False

    def __init__(self, type_name: str, path: str, definition: dict, registry: Any) -> None:
        self.type_name = type_name  # type: ignore[misc]
        super().__init__(path, definition, registry)

    def convert(self, value: Any) -> Any:
        return value


class AliasField(FieldType):
    type_name = "alias"
    params = frozenset({"path"})
    searchable_type = False

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        if "path" not in definition:
            raise MapperParsingError(
                f"Failed to parse mapping: The [path] property must be specified for field "
                f"[{self.path}]."
            )
        self.target = definition["path"]

    def convert(self, value: Any) -> Any:
        raise MapperParsingError(f"Cannot write to a field alias [{self.path}].")


class CompletionField(FieldType):
    """A ``completion`` field: each value's inputs with a weight, which the completion
    suggester (search/completion.py) matches by the prefix of their analysed forms.

    Values parse as Elasticsearch's CompletionFieldMapper parses them: a string is one input of
    weight 1, an object holds ``input`` (a string or an array of strings) and ``weight`` (an
    integer in [0, 2^31-1], or a string holding one) and ``contexts`` (values per category
    context the mapping defines). Category contexts are supported (with ``path``, the values of
    another field of the document join each input's); geo contexts are refused by name.
    """

    type_name = "completion"
    params = frozenset(
        {
            "analyzer",
            "search_analyzer",
            "preserve_separators",
            "preserve_position_increments",
            "max_input_length",
            "contexts",
        }
    )
    updatable = FieldType.updatable | {"search_analyzer", "max_input_length"}
    searchable_type = False
    default_doc_values = False

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        #: The category contexts: (name, path or None), in mapping order (their type ids).
        self.contexts: list[tuple[str, str | None]] = _completion_contexts(
            definition.get("contexts")
        )
        self.analyzer = _configured_analyzer(registry, definition.get("analyzer", "simple"))
        search = definition.get("search_analyzer")
        self.search_analyzer = _configured_analyzer(registry, search) if search else self.analyzer
        self.preserve_separators = _flag(definition, "preserve_separators", True, self.path)
        self.preserve_position_increments = _flag(
            definition, "preserve_position_increments", True, self.path
        )
        length = definition.get("max_input_length", 50)
        try:
            self.max_input_length = int(length)
        except (TypeError, ValueError):
            raise MapperParsingError(
                f'Failed to parse mapping: For input string: "{length}"'
            ) from None
        if self.max_input_length <= 0:
            raise MapperParsingError(
                f"Failed to parse mapping: [max_input_length] must be > 0 but was "
                f"[{self.max_input_length}]"
            )

    def to_dict(self) -> dict[str, Any]:
        """In CompletionFieldMapper's order, its always-serialised parameters included."""
        given = super().to_dict()
        body: dict[str, Any] = {"type": "completion", "analyzer": given.get("analyzer", "simple")}
        if "search_analyzer" in given:
            body["search_analyzer"] = given["search_analyzer"]
        body["preserve_separators"] = given.get("preserve_separators", True)
        body["preserve_position_increments"] = given.get("preserve_position_increments", True)
        body["max_input_length"] = given.get("max_input_length", 50)
        if self.contexts:
            body["contexts"] = [
                {"name": n, "type": "category", **({"path": p} if p else {})}
                for n, p in self.contexts
            ]
        body.update((k, v) for k, v in given.items() if k not in body and k != "contexts")
        return body

    def convert(self, value: Any) -> tuple[tuple[str, ...], int, dict[str, tuple[str, ...]]]:
        """``(inputs, weight, contexts)`` of one value (a string or an object)."""
        if isinstance(value, str):
            return (value,), 1, {}
        if not isinstance(value, dict):
            raise Unconvertible(
                f"failed to parse [{self.name}]: expected text or object, but got "
                f"{token_name(value)}"
            )
        inputs: list[str] = []
        weight = 1
        contexts: dict[str, tuple[str, ...]] = {}
        for key, item in value.items():
            if key not in ("input", "weight", "contexts"):
                raise Unconvertible(
                    f"unknown field name [{key}], must be one of [input, weight, contexts]"
                )
            if key == "input":
                if isinstance(item, str):
                    inputs.append(item)
                elif isinstance(item, list):
                    for one in item:
                        if not isinstance(one, str):
                            raise Unconvertible(
                                f"input array must have string values, but was [{token_name(one)}]"
                            )
                        inputs.append(one)
                else:
                    raise Unconvertible(
                        f"input must be a string or array, but was [{token_name(item)}]"
                    )
            elif key == "weight":
                weight = _completion_weight(item)
            else:
                contexts = self._contexts_of(item)
        return tuple(dict.fromkeys(inputs)), weight, contexts

    def typed_contexts(
        self, contexts: dict[str, tuple[str, ...]], values: list[tuple[FieldType, Any]]
    ) -> set[tuple[int, str]]:
        """An input's contexts as ``(type id, value)``: its own, and the values of each
        context's ``path`` among the document's ``values`` (CategoryContextMapping)."""
        typed = set()
        for type_id, (name, path) in enumerate(self.contexts):
            for value in contexts.get(name, ()):
                typed.add((type_id, value))
            if path is None:
                continue
            for mapped, value in values:
                if mapped.path != path:
                    continue
                if not isinstance(mapped, KeywordField | TextField):
                    raise IllegalArgument(
                        f"Failed to parse context field [{path}], only keyword and text fields "
                        "are accepted"
                    )
                typed.add((type_id, str(value)))
        return typed

    def _contexts_of(self, item: Any) -> dict[str, tuple[str, ...]]:
        """An input's ``contexts`` (ContextMappings and CategoryContextMapping.parseContext)."""
        if not self.contexts:
            raise Unconvertible(f"contexts field is not supported for field: [{self.path}]")
        if not isinstance(item, dict):
            raise Unconvertible(
                f"contexts must be an object or an array , but was [{token_name(item)}]"
            )
        names = [n for n, _ in self.contexts]
        contexts: dict[str, tuple[str, ...]] = {}
        for name, values in item.items():
            if name not in names:
                raise Unconvertible(
                    f"Unknown context name [{name}], must be one of [{', '.join(sorted(names))}]"
                )
            if isinstance(values, list):
                for one in values:
                    if not isinstance(one, str | int | float):
                        raise Unconvertible(
                            "context array must have string, number or boolean values, but was "
                            f"[{token_name(one)}]"
                        )
                contexts[name] = tuple(dict.fromkeys(context_text(v) for v in values))
            elif isinstance(values, str | int | float):
                contexts[name] = (context_text(values),)
            else:
                raise Unconvertible(
                    "contexts must be a string, number or boolean or a list of string, number or "
                    f"boolean, but was [{token_name(values)}]"
                )
        return contexts


def context_text(value: Any) -> str:
    """A category context as Jackson's ``text()`` reads a JSON scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _completion_contexts(spec: Any) -> list[tuple[str, str | None]]:
    """A completion field's context mappings (ContextMappings.load); geo ones refused."""
    if spec is None:
        return []
    entries = spec if isinstance(spec, list) else [spec] if isinstance(spec, dict) else None
    if entries is None:
        raise MapperParsingError(
            "Failed to parse mapping: expected a list or an entry of context mapping"
        )
    if not entries:
        raise MapperParsingError("Failed to parse mapping: expected at least one context mapping")
    if len(entries) > 10:
        raise MapperParsingError(
            "Failed to parse mapping: Limit of completion field contexts [10] has been exceeded"
        )
    contexts: list[tuple[str, str | None]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise MapperParsingError("Failed to parse mapping: expected a map of context mapping")
        for key in ("name", "type"):
            if entry.get(key) is None:
                raise MapperParsingError(
                    f"Failed to parse mapping: missing [{key}] in context mapping"
                )
        kind = str(entry["type"]).lower()
        if kind == "geo":
            raise Unsupported("[geo] contexts of a [completion] field")
        if kind != "category":
            raise MapperParsingError(f"Failed to parse mapping: No context type for [{kind}]")
        extra = {k: v for k, v in entry.items() if k not in ("name", "type", "path")}
        if extra:
            shown = ", ".join(f"{k} : {v}" for k, v in extra.items())
            raise MapperParsingError(
                f"Failed to parse mapping: Mapping definition for [{entry['name']}] has "
                f"unsupported parameters:  [{shown}]"
            )
        path = entry.get("path")
        contexts.append((str(entry["name"]), None if path is None else str(path)))
    return contexts


def _completion_weight(item: Any) -> int:
    if isinstance(item, str):
        if not _LONG.fullmatch(item):
            raise Unconvertible(f"weight must be an integer, but was [{item}]")
        number = int(item)
    elif isinstance(item, int) and not isinstance(item, bool):
        number = item
    elif isinstance(item, float):
        raise Unconvertible(f"weight must be an integer, but was [{item}]")
    else:
        raise Unconvertible(f"weight must be a number or string, but was [{token_name(item)}]")
    if not 0 <= number <= 2**31 - 1:
        raise Unconvertible(f"weight must be in the interval [0..2147483647], but was [{number}]")
    return number


_LONG = re.compile(r"[+-]?[0-9]+")


class PercolatorField(FieldType):
    """A ``percolator`` field: each document's stored query, which the ``percolate`` query
    (query/percolate.py) runs against the documents it is given.

    Elasticsearch parses a stored query at index time against the mapping, unmapped fields
    refused; :attr:`check`, which the query layer sets, does that when a document is parsed.
    """

    type_name = "percolator"
    params = frozenset()
    searchable_type = False
    default_doc_values = False
    #: Validates one stored query against a reader of the index: set by query/percolate.py.
    check: ClassVar[Any] = None

    def convert(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise Unconvertible("[_na] query malformed, must start with start_object")
        return value


class DenseVectorField(FieldType):
    """``dense_vector``: float, byte or bit vectors, searched with ``knn`` (exactly, here).

    A document's vector is one value (an array, or a base64 or hex string); it is checked as
    Elasticsearch checks it (dimensions, element range, unit length for ``dot_product``) and
    kept, in its decoded form, for kNN search and for the source fetch.
    """

    type_name = "dense_vector"
    params = frozenset({"dims", "element_type", "index", "index_options"})
    updatable = FieldType.updatable | {"dims"}
    array_value = True
    searchable_type = False
    default_doc_values = False

    def configure(self, definition: dict[str, Any], registry: Any) -> None:
        element_type = definition.get("element_type", "float")
        if element_type == "bfloat16":
            raise Unsupported(
                f"[element_type] [bfloat16] of the [dense_vector] field [{self.path}]"
            )
        if element_type not in ELEMENT_TYPES:
            raise MapperParsingError(
                f"Failed to parse mapping: invalid element_type [{element_type}]; available "
                "types are [float, byte, bit, bfloat16]"
            )
        self.element_type: str = element_type
        self.dims: int | None = self._dims(definition.get("dims"))
        similarity = definition.get("similarity")
        if not self.index:
            if similarity is not None:
                _mapping_error(
                    "Field [similarity] can only be specified for a field of type [dense_vector] "
                    "when it is indexed"
                )
            if definition.get("index_options") is not None:
                _mapping_error(
                    "Field [index_options] can only be specified for a field of type "
                    "[dense_vector] when it is indexed"
                )
            self.similarity: str | None = None
        else:
            if similarity is None:
                similarity = "l2_norm" if element_type == "bit" else "cosine"
            if similarity not in SIMILARITIES:
                raise MapperParsingError(
                    f"Failed to parse mapping: Unknown value [{similarity}] for field "
                    "[similarity] - accepted values are [l2_norm, dot_product, cosine, "
                    "max_inner_product]"
                )
            if element_type == "bit" and similarity != "l2_norm":
                _mapping_error(
                    "The [l2_norm] similarity is the only supported similarity for bit vectors"
                )
            self.similarity = similarity
        self.index_options = self._index_options(definition.get("index_options"))

    def _dims(self, dims: Any) -> int | None:
        if dims is None:
            return None
        if isinstance(dims, bool) or not isinstance(dims, int):
            raise MapperParsingError(
                f"Failed to parse mapping: Property [dims] on field [{self.path}] must be an "
                f"integer but got [{dims}]"
            )
        low, high = (8, MAX_DIMS_BIT) if self.element_type == "bit" else (1, MAX_DIMS)
        if not low <= dims <= high:
            raise MapperParsingError(
                f"Failed to parse mapping: The number of dimensions should be in the range "
                f"[{low}, {high}] but was [{dims}]"
            )
        if self.element_type == "bit" and dims % 8:
            raise MapperParsingError(
                "Failed to parse mapping: The number of dimensions for should be a multiple of 8 "
                f"but was [{dims}]"
            )
        return dims

    def _index_options(self, given: Any) -> dict[str, Any] | None:
        """The index options as GET _mapping shows them, with Elasticsearch's defaults."""
        if not self.index:
            return None
        if given is None:
            if self.element_type != "float" or self.dims is None:
                return None  # chosen once the first document gives the dimensions
            if self.dims >= BBQ_DIMS_DEFAULT_THRESHOLD:
                return {
                    "type": "bbq_hnsw",
                    "m": 16,
                    "ef_construction": 100,
                    "rescore_vector": {"oversample": 3.0},
                }
            return {"type": "int8_hnsw", "m": 16, "ef_construction": 100}
        if not isinstance(given, dict):
            _mapping_error(f"Expected a map for [index_options] of field [{self.path}]")
        options = dict(given)
        kind = options.pop("type", None)
        if kind is None:
            _mapping_error("[index_options] requires field [type] to be configured")
        if kind == "bbq_disk":
            raise Unsupported(f"[index_options] type [bbq_disk] of the field [{self.path}]")
        if kind not in _VECTOR_INDEX_TYPES:
            _mapping_error(f"Unsupported index options type [{kind}]")
        shown: dict[str, Any] = {"type": kind}
        if kind.endswith("_hnsw") or kind == "hnsw":
            shown["m"] = _int_option(options.pop("m", 16), "m")
            shown["ef_construction"] = _int_option(
                options.pop("ef_construction", 100), "ef_construction"
            )
        if kind.startswith(("int8", "int4")):
            interval = options.pop("confidence_interval", None)
            if interval is not None:
                shown["confidence_interval"] = float32(float(interval))
            elif kind.startswith("int4"):
                shown["confidence_interval"] = 0.0
        on_disk = options.pop("on_disk_rescore", False)
        if on_disk in (True, "true"):
            if kind in ("hnsw", "flat", "int8_flat", "int4_flat", "bbq_flat"):
                _mapping_error(
                    "on_disk_rescore is only supported for indexed and quantized vector types"
                )
            shown["on_disk_rescore"] = True
        if kind not in ("hnsw", "flat"):
            rescore = options.pop("rescore_vector", None)
            if rescore is None and kind.startswith("bbq"):
                rescore = {"oversample": 3.0}
            if rescore is not None:
                shown["rescore_vector"] = _rescore_vector(rescore)
        if options:
            unsupported = ", ".join(f"{k} : {v}" for k, v in options.items())
            _mapping_error(
                f"Mapping definition for [{self.path}] has unsupported parameters:  [{unsupported}]"
            )
        if self.element_type != "float" and kind not in ("hnsw", "flat"):
            _mapping_error(
                f"[element_type] cannot be [{self.element_type}] when using index type [{kind}]"
            )
        if self.dims is not None:
            if kind.startswith("int4") and self.dims % 2:
                _mapping_error(f"{kind} only supports even dimensions; provided={self.dims}")
            if kind.startswith("bbq") and self.dims < BBQ_MIN_DIMS:
                _mapping_error(f"{kind} only supports even dimensions; provided={self.dims}")
        return shown

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type_name}
        if self.element_type != "float":  # a parameter at its default is not shown
            body["element_type"] = self.element_type
        if self.dims is not None:
            body["dims"] = self.dims
        body["index"] = self.index
        if self.similarity is not None:
            body["similarity"] = self.similarity
        if self.index_options is not None:
            body["index_options"] = self.index_options
        skip = ("type", "element_type", "dims", "index", "similarity", "index_options")
        body.update((k, v) for k, v in self.definition.items() if k not in skip)
        return body

    # Values

    def convert(self, value: Any) -> list[Any]:
        return self.convert_value(value, None)

    def convert_value(self, value: Any, doc_id: str | None) -> list[Any]:
        """The vector a document gives: floats (float32 values) or ints (bytes)."""
        where = f"document with id '{doc_id}'" if doc_id is not None else "document"
        vector = self.decode(value)
        size = len(vector) * 8 if self.element_type == "bit" else len(vector)
        if self.dims is not None and size != self.dims:
            if size > self.dims:
                raise Unconvertible(
                    f"The [dense_vector] field [{self.path}] in doc [{where}] has more "
                    f"dimensions than defined in the mapping [{self.dims}]"
                )
            raise Unconvertible(
                f"The [dense_vector] field [{self.path}] in doc [{where}] has a different number "
                f"of dimensions [{size}] than defined in the mapping [{self.dims}]"
            )
        if not vector:
            raise Unconvertible("cannot index an empty vector")
        try:
            check_magnitude(vector, self.element_type, self.similarity)
        except IllegalArgument as error:
            raise Unconvertible(error.reason) from None
        return vector

    def decode(self, value: Any, dims: int | None = None) -> list[Any]:
        """An array, base64 or hex string as the vector's elements, checked for range."""
        dims = self.dims if dims is None else dims
        if self.element_type == "bit" and dims is not None:
            dims //= 8
        try:
            if isinstance(value, str):
                if self.element_type == "float":
                    floats = floats_from_bytes(decode_base64(value), dims)
                    check_floats(floats)
                    return [float32(v) for v in floats]
                return signed(bytes_from_string(value, dims))
            if not isinstance(value, list):
                kind = "VALUE_NUMBER" if isinstance(value, int | float) else "START_OBJECT"
                raise Unconvertible(
                    f"Unsupported type [{kind}] for provided value [{_preview(value)}]"
                )
            numbers = []
            for item in value:
                if isinstance(item, list):
                    raise Unconvertible(
                        f"Field [{self.path}] of type [dense_vector] doesn't support indexing "
                        "multiple values for the same field in the same document"
                    )
                if isinstance(item, bool) or not isinstance(item, int | float):
                    token = "VALUE_STRING" if isinstance(item, str) else "VALUE_BOOLEAN"
                    if item is None:
                        token = "VALUE_NULL"
                    elif isinstance(item, dict):
                        token = "START_OBJECT"
                    raise Unconvertible(
                        "Failed to parse object: expecting token of type [VALUE_NUMBER] but "
                        f"found [{token}]"
                    )
                numbers.append(float(item))
            if self.element_type == "float":
                floats = [float32(v) for v in numbers]
                check_floats(floats)
                return floats
            return check_bytes(numbers, self.element_type)
        except Unconvertible:
            raise
        except (IllegalArgument, ParsingError) as error:
            raise Unconvertible(error.reason) from None

    def source_value(self, value: Any) -> Any:
        """A stored value as the index holds it: float32s printed as Java prints them."""
        if value is None:
            return None
        vector = self.decode(value)
        return [shortest(v) for v in vector] if self.element_type == "float" else vector

    def dims_of(self, vector: list[Any]) -> int:
        """The dimensions a decoded vector has (a bit vector's are its bits)."""
        return len(vector) * 8 if self.element_type == "bit" else len(vector)

    def query_vector(self, value: Any) -> list[Any]:
        """A kNN ``query_vector`` (an array, or a base64 or hex string) for this field."""
        try:
            vector = self.decode(value)
        except Unconvertible as error:
            raise IllegalArgument(error.reason) from None
        size = len(vector) * 8 if self.element_type == "bit" else len(vector)
        if self.dims is not None and size != self.dims:
            raise IllegalArgument(
                f"The query vector has a different number of dimensions [{size}] than the "
                f"document vectors [{self.dims}]."
            )
        if self.similarity in ("cosine", "dot_product"):  # as for a document's vector
            check_magnitude(vector, self.element_type, self.similarity)
        return vector


_VECTOR_INDEX_TYPES = (
    "hnsw",
    "int8_hnsw",
    "int4_hnsw",
    "bbq_hnsw",
    "flat",
    "int8_flat",
    "int4_flat",
    "bbq_flat",
)


def _mapping_error(reason: str) -> None:
    raise MapperParsingError(
        f"Failed to parse mapping: {reason}", caused_by=IllegalArgument(reason)
    )


def _int_option(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        _mapping_error(f"[{name}] must be an integer but was [{value}]")
    try:
        return int(value)
    except ValueError:
        _mapping_error(f"[{name}] must be an integer but was [{value}]")
        raise


def _rescore_vector(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != {"oversample"}:
        _mapping_error("[rescore_vector] takes one field, [oversample]")
    oversample = value["oversample"]
    if isinstance(oversample, bool) or not isinstance(oversample, int | float):
        _mapping_error("[oversample] must be a number")
    if oversample != 0 and not 1.0 <= oversample <= 10_000:
        _mapping_error(f"oversample must be between [1.0] and [10000.0], got [{oversample}]")
    return {"oversample": float32(float(oversample))}


_NUMBERS = (
    "long",
    "integer",
    "short",
    "byte",
    "double",
    "float",
    "half_float",
    "scaled_float",
    "unsigned_long",
)
_STORED_ONLY = (
    "sparse_vector",
    "rank_feature",
    "rank_features",
    "histogram",
    "geo_shape",
    "shape",
    "point",
    "integer_range",
    "long_range",
    "float_range",
    "double_range",
    "date_range",
    "ip_range",
    "flattened",
    "semantic_text",
    "aggregate_metric_double",
    "counted_keyword",
    "token_count",
    "murmur3",
    "annotated_text",
)

SIMPLE_TYPES: dict[str, type[FieldType]] = {
    "text": TextField,
    "match_only_text": MatchOnlyTextField,
    "search_as_you_type": SearchAsYouTypeField,
    "keyword": KeywordField,
    "wildcard": WildcardField,
    "constant_keyword": ConstantKeywordField,
    "version": VersionField,
    "boolean": BooleanField,
    "ip": IpField,
    "binary": BinaryField,
    "geo_point": GeoPointField,
    "join": JoinField,
    "alias": AliasField,
    "completion": CompletionField,
    "percolator": PercolatorField,
    "dense_vector": DenseVectorField,
}


def build_field(path: str, definition: dict[str, Any], registry: Any) -> FieldType:
    """Construct the field type a mapping definition names, with its multi-fields."""
    type_name = definition.get("type")
    if type_name in SIMPLE_TYPES:
        field = SIMPLE_TYPES[type_name](path, definition, registry)
    elif type_name in _NUMBERS:
        field = NumberField(type_name, path, definition, registry)
    elif type_name in ("date", "date_nanos"):
        field = DateField(type_name, path, definition, registry)
    elif type_name in _STORED_ONLY:
        field = StoredOnlyField(type_name, path, definition, registry)
    else:
        raise MapperParsingError(
            f"Failed to parse mapping: No handler for type [{type_name}] declared on field "
            f"[{path.rpartition('.')[2]}]"
        )
    for name, sub in (definition.get("fields") or {}).items():
        if not isinstance(sub, dict):
            raise MapperParsingError(
                f"Failed to parse mapping: Expected map for property [fields] on field [{name}] "
                f"but got a class java.lang.String"
            )
        sub = dict(sub)
        sub.setdefault("type", "object")
        if sub["type"] in ("object", "nested"):
            raise MapperParsingError(
                f"Failed to parse mapping: Type [{sub['type']}] cannot be used in multi field"
            )
        field.multi_fields[name] = build_field(f"{path}.{name}", sub, registry)
    return field
