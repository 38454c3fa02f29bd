"""Mappings: the tree of objects and fields of an index, dynamic mapping, and document parsing.

A :class:`Mapping` is immutable: a dynamic update or a put_mapping builds a new one (see
:meth:`Mapping.merged`), so searches running concurrently keep a consistent view. Documents are
parsed in two passes only when they introduce new fields: the first pass collects the dynamic
mapping update, the index merges it, and the document is parsed again against the new mapping.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .dates import DEFAULT_DATE_FORMAT, DEFAULT_DYNAMIC_DATE_FORMATS, detect_date_format
from .errors import IllegalArgument, MapperParsingError, StrictDynamicMappingError
from .fields import (
    AliasField,
    BooleanField,
    CompletionField,
    DateField,
    DenseVectorField,
    FieldType,
    GeoPointField,
    IpField,
    JoinField,
    KeywordField,
    NumberField,
    PercolatorField,
    TextField,
    Unconvertible,
    build_field,
    document_parsing_error,
    field_error,
)
from .vectors import MAX_DIMS

#: The fewest floats Elasticsearch dynamically maps as a ``dense_vector``.
MIN_DIMS_FOR_DYNAMIC_VECTOR = 128

ROOT_PARAMS = frozenset(
    {
        "properties",
        "dynamic",
        "_source",
        "_routing",
        "_meta",
        "dynamic_templates",
        "date_detection",
        "numeric_detection",
        "dynamic_date_formats",
        "_field_names",
        "enabled",
        "subobjects",
        "_doc_count",
        "_data_stream_timestamp",
        "runtime",
    }
)
OBJECT_PARAMS = frozenset(
    {
        "type",
        "properties",
        "dynamic",
        "enabled",
        "include_in_parent",
        "include_in_root",
        "subobjects",
    }
)

#: Values a field takes when a mapping does not name them, for put_mapping conflict checks.
PARAM_DEFAULTS = {
    "index": True,
    "store": False,
    "norms": True,
    "index_options": "positions",
    "analyzer": "default",
    "coerce": True,
    "ignore_malformed": False,
    "eager_global_ordinals": False,
}


@dataclass(frozen=True)
class FieldDefaults:
    """Index-level defaults of field parameters (``index.mapping.ignore_malformed``,
    ``index.mapping.coerce``, ``index.mapping.ignore_above``): what a field that does not set
    the parameter takes. Static settings: fixed when the index is created."""

    ignore_malformed: bool = False
    coerce: bool = True
    ignore_above: int | None = None


NO_DEFAULTS = FieldDefaults()


@dataclass(frozen=True)
class MappingLimits:
    """``index.mapping.*.limit``: checked when a mapping changes (creation, put_mapping, a
    dynamic update), never when an index is opened, as in Elasticsearch."""

    total_fields: int = 1000
    depth: int = 20
    nested_fields: int = 50
    nested_objects: int = 10000
    field_name_length: int = 2**63 - 1


def is_object_definition(definition: dict[str, Any]) -> bool:
    """Whether a definition describes an object: by its type, or by having only object keys."""
    if "type" in definition:
        return definition["type"] in ("object", "nested")
    return set(definition) <= OBJECT_PARAMS


def parse_dynamic(value: Any, path: str) -> bool | str | None:
    if value is None:
        return None
    if value in (True, "true"):
        return True
    if value in (False, "false"):
        return False
    if value in ("strict", "runtime"):
        return value
    raise MapperParsingError(
        f"Failed to parse mapping: Could not convert [{path or '_doc'}.dynamic] to boolean"
    )


class ObjectMapper:
    """An ``object`` (or ``nested``, indexed flat here) with its properties."""

    def __init__(self, path: str, definition: dict[str, Any], registry: Any, root: bool = False):
        self.path = path
        self.type_name = definition.get("type", "object")
        allowed = ROOT_PARAMS if root else OBJECT_PARAMS
        unknown = set(definition) - allowed
        if unknown:
            name = sorted(unknown)[0]
            if root:
                raise MapperParsingError(
                    "Root mapping definition has unsupported parameters:  "
                    f"[{name} : {definition[name]}]"
                )
            raise MapperParsingError(
                f"unknown parameter [{name}] on mapper [{path}] of type [{self.type_name}]"
            )
        self.definition = {k: v for k, v in definition.items() if k != "properties"}
        self.dynamic = parse_dynamic(definition.get("dynamic"), path)
        self.enabled = definition.get("enabled", True) not in (False, "false")
        self.properties: dict[str, FieldType | ObjectMapper] = {}
        properties = definition.get("properties") or {}
        if not isinstance(properties, dict):
            raise MapperParsingError(
                f"Failed to parse mapping: Expected map for property [properties] on field "
                f"[{path or '_doc'}] but got a class java.lang.String"
            )
        for name, sub in expand_dotted(properties).items():
            self.properties[name] = build_mapper(join(path, name), sub, registry)

    def to_dict(self, root: bool = False) -> dict[str, Any]:
        body = dict(self.definition)
        if root or self.type_name == "object":
            body.pop("type", None)
        if self.properties:
            body["properties"] = {n: m.to_dict() for n, m in self.properties.items()}
        elif not body and not root:
            body["type"] = "object"
        return body


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def expand_dotted(properties: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": {...}}`` -> ``{"a": {"properties": {"b": {...}}}}``, merging siblings."""
    if not any("." in name for name in properties):
        return properties
    expanded: dict[str, Any] = {}
    for name, definition in properties.items():
        if not isinstance(definition, dict):
            raise MapperParsingError(
                f"Failed to parse mapping: Expected map for property [fields] on field [{name}] "
                f"but got a class java.lang.String"
            )
        head, _, rest = name.partition(".")
        if not head or (rest == "" and name.endswith(".")):
            raise MapperParsingError("Failed to parse mapping: field name cannot be empty")
        if rest:
            definition = {"properties": {rest: definition}}
        current = expanded.get(head)
        expanded[head] = merge_definitions(current, definition, head) if current else definition
    return expanded


def build_mapper(path: str, definition: Any, registry: Any) -> FieldType | ObjectMapper:
    if not isinstance(definition, dict):
        raise MapperParsingError(
            f"Failed to parse mapping: Expected map for property [fields] on field "
            f"[{path.rpartition('.')[2]}] but got a class java.lang.String"
        )
    if not path.rpartition(".")[2]:
        raise MapperParsingError(
            "Failed to parse mapping: field name cannot be an empty string",
            caused_by=IllegalArgument("field name cannot be an empty string"),
        )
    if is_object_definition(definition):
        return ObjectMapper(path, definition, registry)
    if "type" not in definition:
        raise MapperParsingError(
            f"Failed to parse mapping: No type specified for field [{path.rpartition('.')[2]}]"
        )
    return build_field(path, definition, registry)


class ParsedDocument:
    """What indexing needs from a document: converted values per field, and field names."""

    __slots__ = (
        "field_names",
        "ignored",
        "nested",
        "nested_objects",
        "routing",
        "sink",
        "update",
        "values",
    )

    def __init__(self) -> None:
        self.values: list[tuple[FieldType, Any]] = []
        self.field_names: set[str] = set()
        self.ignored: set[str] = set()
        #: Objects under ``nested`` fields (``index.mapping.nested_objects.limit`` bounds them).
        self.nested_objects = 0
        #: Those objects, each indexed as a hidden document of its own (see :class:`NestedObject`).
        self.nested: list[NestedObject] = []
        #: The nested object being parsed, which takes a copy of each value (None at the root).
        self.sink: NestedObject | None = None
        #: A mapping update (``{"properties": ...}``) when the document introduced fields.
        self.update: dict[str, Any] | None = None
        #: The write's routing, which a join field's child documents require.
        self.routing: str | None = None


#: Separators of a nested object's key: between levels, and between a level's path and offset.
LEVEL_SEP = "\x1f"
OFFSET_SEP = "\x1e"


class NestedObject:
    """One object under a ``nested`` field: what its hidden document holds.

    As in Elasticsearch, its values are not the root document's (a query, sort or aggregation
    of the root does not see them) unless the mapping says ``include_in_root``, or
    ``include_in_parent`` up to the root; a ``nested`` query and aggregation read the hidden
    documents, where each object's values stay together. ``key`` names it within its root
    document: ``path OFFSET_SEP offset`` per level from the outermost nested object, joined by
    ``LEVEL_SEP`` (the store puts the root's id in front).
    """

    __slots__ = (
        "also",
        "field_names",
        "ignored",
        "in_root",
        "key",
        "outer",
        "path",
        "source",
        "values",
    )

    def __init__(
        self,
        path: str,
        key: str,
        source: dict[str, Any],
        outer: NestedObject | None,
        definition: dict[str, Any],
    ) -> None:
        self.path = path
        self.key = key
        self.source = source
        #: The enclosing nested object (None: the root document).
        self.outer = outer
        in_parent = _truthy(definition.get("include_in_parent"))
        #: The enclosing nested object when this one is ``include_in_parent``: it takes the
        #: values too.
        self.also = outer if in_parent else None
        #: Whether the root document takes the values too.
        self.in_root: bool = _truthy(definition.get("include_in_root")) or (
            in_parent and (outer is None or outer.in_root)
        )
        self.values: list[tuple[FieldType, Any]] = []
        self.field_names: set[str] = set()
        self.ignored: set[str] = set()

    def take(self, mapper: FieldType, value: Any) -> None:
        sink: NestedObject | None = self
        while sink is not None:
            sink.values.append((mapper, value))
            sink.field_names.update(mapper.exists_names)
            sink = sink.also


def _check_timestamp(doc: ParsedDocument) -> None:
    """Elasticsearch's DataStreamTimestampFieldMapper: one ``@timestamp`` value per document."""
    values = sum(1 for field, _ in doc.values if field.path == "@timestamp")
    if values == 1:
        return
    why = "is missing" if values == 0 else "encountered multiple values"
    cause = IllegalArgument(f"data stream timestamp field [@timestamp] {why}")
    raise document_parsing_error(f"failed to parse: {cause.reason}", caused_by=cause)


#: Field types whose :meth:`Mapping._parse_value` does nothing special for a scalar value.
_PLAIN_TYPES = frozenset({KeywordField, TextField, NumberField, DateField, BooleanField, IpField})
#: The JSON scalars (not null) the plain way takes.
_PLAIN_VALUES = frozenset({str, int, float, bool})
_NO_LIMIT = 2**31 - 1
#: What the plain way needs of a field, looked up once per mapping rather than per value: the
#: field, its conversion (these types' ``convert_value`` is their ``convert``), its
#: ``ignore_above`` if it has one, the names its value marks present and its multi-fields.
_Plain = tuple[FieldType, Callable[[Any], Any], int | None, tuple[str, ...], tuple[FieldType, ...]]
_NONE_PLAIN: dict[FieldType | ObjectMapper, _Plain] = {}


def _plain(field: FieldType) -> _Plain:
    limit = field.ignore_above if field.ignore_above < _NO_LIMIT else None
    return field, field.convert, limit, field.exists_names, tuple(field.multi_fields.values())


#: The field types Elasticsearch's ``exclude_vectors`` leaves out of a hit's ``_source``.
VECTOR_TYPES = ("dense_vector", "sparse_vector", "rank_vectors")


class Mapping:
    """The mapping of one index (immutable; see module docstring)."""

    def __init__(
        self,
        body: dict[str, Any] | None,
        registry: Any,
        defaults: FieldDefaults = NO_DEFAULTS,
    ) -> None:
        body = body or {}
        if not isinstance(body, dict):
            raise MapperParsingError("Failed to parse mapping: mapping must be an object")
        if "_doc" in body and isinstance(body["_doc"], dict) and len(body) == 1:
            raise IllegalArgument(
                "The mapping definition cannot be nested under a type [_doc] unless "
                "include_type_name is set to true."
            )
        self.registry = registry
        self.defaults = defaults
        self.body = copy.deepcopy(body)
        self.root = ObjectMapper("", body, registry, root=True)
        self.dynamic = self.root.dynamic if self.root.dynamic is not None else True
        source = body.get("_source") or {}
        self.source_enabled = source.get("enabled", True) not in (False, "false")
        self.source_includes = list(source.get("includes", []))
        self.source_excludes = list(source.get("excludes", []))
        self.routing_required = bool((body.get("_routing") or {}).get("required", False))
        #: A data stream's backing index: every document has exactly one ``@timestamp``.
        self.timestamp_required = (body.get("_data_stream_timestamp") or {}).get(
            "enabled", False
        ) in (True, "true")
        self.date_detection = body.get("date_detection", True) not in (False, "false")
        self.numeric_detection = body.get("numeric_detection", False) in (True, "true")
        self.date_formats = body.get("dynamic_date_formats")
        self.templates = [_Template(t) for t in body.get("dynamic_templates") or []]
        self.fields: dict[str, FieldType] = {}
        self.objects: dict[str, ObjectMapper] = {"": self.root}
        self._index(self.root)
        #: The fields whose scalar values parse the plain way (see :meth:`_parse_object`).
        self._plain: dict[FieldType | ObjectMapper, _Plain] = {
            field: _plain(field)
            for field in self.fields.values()
            if type(field) in _PLAIN_TYPES and not field.copy_to
        }
        #: Whether some field needs a check of the whole parsed document (see ``Index._parse``).
        self.has_percolator = any(isinstance(f, PercolatorField) for f in self.fields.values())
        self.has_completion_contexts = any(
            isinstance(f, CompletionField) and f.contexts for f in self.fields.values()
        )
        joins = [f for f in self.fields.values() if isinstance(f, JoinField)]
        if len(joins) > 1:
            raise IllegalArgument(
                "Only one [parent-join] field can be defined per index, got "
                f"[{', '.join(f.path for f in joins)}]"
            )
        #: The index's join field, if it has one.
        self.join: JoinField | None = joins[0] if joins else None
        for hidden in self.join.parent_id_fields.values() if self.join else ():
            self.fields[hidden.path] = hidden
            hidden.exists_names = (hidden.path,)
        self.aliases = {p: f for p, f in self.fields.items() if isinstance(f, AliasField)}
        #: The vector fields, which a fetch may leave out of ``_source`` or show as indexed.
        self.vector_fields = [
            f for p, f in self.fields.items() if f.type_name in VECTOR_TYPES and p == f.path
        ]
        #: Whether a hit shows the ``_source`` as stored: no filters, no vectors to hide.
        self.whole_source = (
            self.source_enabled
            and not self.source_includes
            and not self.source_excludes
            and not self.vector_fields
        )
        for path, alias in self.aliases.items():
            target = self.fields.get(alias.target)
            if target is None or target.type_name == "alias":
                raise MapperParsingError(
                    f"Invalid [path] value [{alias.target}] for field alias [{path}]: an alias "
                    "must refer to an existing field in the mappings."
                )

    def _index(self, obj: ObjectMapper) -> None:
        for mapper in obj.properties.values():
            if isinstance(mapper, ObjectMapper):
                self.objects[mapper.path] = mapper
                self._index(mapper)
            else:
                for leaf in _with_multi_fields(mapper):
                    self.fields[leaf.path] = leaf
                    leaf.exists_names = _parents(leaf.path)
                    self._default(leaf)

    def _default(self, leaf: FieldType) -> None:
        """Give a field the index's defaults of the parameters it does not set."""
        given, params = leaf.definition, leaf.params
        if "ignore_malformed" in params and "ignore_malformed" not in given:
            leaf.ignore_malformed = self.defaults.ignore_malformed
        if "coerce" in params and "coerce" not in given:
            leaf.coerce = self.defaults.coerce  # type: ignore[attr-defined]
        if (
            self.defaults.ignore_above is not None
            and "ignore_above" in params
            and "ignore_above" not in given
        ):
            leaf.ignore_above = self.defaults.ignore_above

    @property
    def size(self) -> int:
        """Fields (multi-fields and aliases included) and objects, as the total limit counts."""
        return len(self.fields) + len(self.objects) - 1

    def check_limits(self, limits: MappingLimits, added: int = 0) -> None:
        """Elasticsearch's mapping limits, in its order; ``added``: the fields a dynamic update
        adds, which its error names."""
        if self.size > limits.total_fields:
            adding = f" while adding new fields [{added}]" if added > 0 else ""
            raise IllegalArgument(
                f"Limit of total fields [{limits.total_fields}] has been exceeded{adding}"
            )
        for path in self.objects:
            if path and path.count(".") + 2 > limits.depth:
                raise IllegalArgument(
                    f"Limit of mapping depth [{limits.depth}] has been exceeded due to object "
                    f"field [{path}]"
                )
        paths = [*self.objects, *self.fields]
        for path in paths:
            name = path.rpartition(".")[2]
            if path and len(name) > limits.field_name_length:
                raise IllegalArgument(
                    f"Field name [{name}] is longer than the limit of "
                    f"[{limits.field_name_length}] characters"
                )
        nested = sum(1 for obj in self.objects.values() if obj.type_name == "nested")
        if nested > limits.nested_fields:
            raise IllegalArgument(
                f"Limit of nested fields [{limits.nested_fields}] has been exceeded"
            )

    # Lookups

    def field(self, path: str) -> FieldType | None:
        """The field at ``path``, following field aliases."""
        found = self.fields.get(path)
        if isinstance(found, AliasField):
            return self.fields.get(found.target)
        return found

    def fields_matching(self, pattern: str) -> list[FieldType]:
        """Fields whose path matches a wildcard pattern such as ``title*`` or ``*``."""
        if "*" not in pattern and "?" not in pattern:
            found = self.field(pattern)
            return [found] if found is not None else []
        regex = re.compile(fnmatch.translate(pattern))
        matches = [self.field(p) for p in self.fields if regex.match(p)]
        unique: dict[str, FieldType] = {}
        for f in matches:
            if f is not None:
                unique.setdefault(f.path, f)
        return list(unique.values())

    def is_object(self, path: str) -> bool:
        return path in self.objects

    def is_nested(self, path: str) -> bool:
        found = self.objects.get(path)
        return found is not None and found.type_name == "nested"

    def nested_parent(self, path: str) -> str:
        """The path of the innermost nested object a field lies in ("": none, the root)."""
        parent = path.rpartition(".")[0]
        while parent:
            if self.is_nested(parent):
                return parent
            parent = parent.rpartition(".")[0]
        return ""

    def in_root(self, path: str) -> bool:
        """Whether the root documents hold a field's values: it lies in no nested object, or
        only in ones ``include_in_root`` (or ``include_in_parent`` up to the root)."""
        level = self.nested_parent(path)
        while level:
            definition = self.objects[level].definition
            if _truthy(definition.get("include_in_root")):
                return True
            if not _truthy(definition.get("include_in_parent")):
                return False
            level = self.nested_parent(level)
        return True

    # Rendering and merging

    def to_dict(self) -> dict[str, Any]:
        return self.root.to_dict(root=True)

    def merged(self, update: dict[str, Any]) -> Mapping:
        """A new mapping with ``update`` (a put_mapping body or a dynamic update) merged in."""
        if not isinstance(update, dict):
            raise MapperParsingError("Failed to parse mapping: mapping must be an object")
        try:
            root = merge_root(self.to_dict(), update)
        except (AttributeError, TypeError) as error:  # a part of the body of the wrong shape
            raise MapperParsingError(f"Failed to parse mapping: {error}") from None
        return Mapping(root, self.registry, self.defaults)

    # Documents

    def parse(
        self, source: dict[str, Any], doc_id: str | None, routing: str | None = None
    ) -> ParsedDocument:
        """Convert a document's values, collecting a dynamic update if it has new fields."""
        if not isinstance(source, dict):
            raise document_parsing_error("failed to parse, document is empty")
        doc = ParsedDocument()
        doc.routing = routing
        updates: dict[str, Any] = {}
        self._parse_object(self.root, source, doc, doc_id, updates, self.dynamic)
        if updates:
            doc.update = {"properties": updates}
        elif self.timestamp_required:
            _check_timestamp(doc)
        return doc

    def _parse_object(
        self,
        obj: ObjectMapper,
        data: dict,
        doc: ParsedDocument,
        doc_id: str | None,
        updates: dict,
        dynamic: Any,
    ) -> None:
        if obj.dynamic is not None:
            dynamic = obj.dynamic
        properties = obj.properties
        plain = self._plain if doc.sink is None else _NONE_PLAIN
        for key, value in data.items():
            mapper = properties.get(key)
            if mapper is not None:
                fast = plain.get(mapper)
                if fast is not None and value is not None and type(value) in _PLAIN_VALUES:
                    # The common case, without the checks of :meth:`_parse_value` that cannot
                    # apply to it (what it does for such a field and value, nothing else).
                    field, convert, limit, names, subs = fast
                    try:
                        converted = convert(value)
                    except Unconvertible as error:
                        if not field.ignore_malformed:
                            raise field_error(field, doc_id, value, error) from None
                        doc.ignored.add(field.path)
                        continue
                    if limit is not None and len(converted) > limit:
                        doc.ignored.add(field.path)
                    else:
                        doc.values.append((field, converted))
                        doc.field_names.update(names)
                    for sub in subs:
                        self._parse_value(sub, value, doc, doc_id)
                    continue
                if isinstance(mapper, ObjectMapper):
                    self._parse_child_object(mapper, value, doc, doc_id, updates, dynamic)
                elif isinstance(value, list) and not mapper.array_value:
                    self._parse_values(mapper, value, doc, doc_id)
                else:
                    self._parse_value(mapper, value, doc, doc_id)
                    if isinstance(mapper, DenseVectorField) and mapper.dims is None and value:
                        # The first vector gives the dimensions (Elasticsearch 8.11+).
                        dims = mapper.dims_of(doc.values[-1][1])
                        updates[key] = {"type": mapper.type_name, "dims": dims}
                continue
            if "." in key:
                head, _, rest = key.partition(".")
                if not head or not rest:
                    raise document_parsing_error(
                        f"field name cannot contain only whitespace or dots: ['{key}']"
                        if not key.strip(".")
                        else f"object field starting or ending with a [.] makes object resolution "
                        f"ambiguous: [{key}]"
                    )
                self._parse_object(obj, {head: {rest: value}}, doc, doc_id, updates, dynamic)
                continue
            if not key.strip():
                raise document_parsing_error(
                    f"Field name cannot contain only whitespace: [{join(obj.path, key)}]"
                )
            self._dynamic(obj, key, value, doc_id, updates, dynamic)

    def _parse_child_object(
        self,
        mapper: ObjectMapper,
        value: Any,
        doc: ParsedDocument,
        doc_id: str | None,
        updates: dict,
        dynamic: Any,
    ) -> None:
        if value is None:
            return
        if not mapper.enabled:
            doc.field_names.update(_parents(mapper.path))
            return
        child_updates = _child_updates(updates, mapper.path.rpartition(".")[2], mapper.type_name)
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if isinstance(item, list):  # an array of arrays is one flat array of objects
                self._parse_child_object(mapper, item, doc, doc_id, updates, dynamic)
                continue
            if not isinstance(item, dict):
                raise document_parsing_error(
                    f"object mapping for [{mapper.path}] tried to parse field "
                    f"[{mapper.path.rpartition('.')[2]}] as object, but found a concrete value"
                )
            if mapper.type_name != "nested":
                if doc.sink is None or doc.sink.in_root:
                    doc.field_names.update(_parents(mapper.path))
                if doc.sink is not None:
                    doc.sink.field_names.update(_parents(mapper.path))
                self._parse_object(mapper, item, doc, doc_id, child_updates, dynamic)
                continue
            doc.nested_objects += 1
            outer = doc.sink
            offset = sum(1 for o in doc.nested if o.path == mapper.path and _within(o, outer))
            key = f"{mapper.path}{OFFSET_SEP}{offset}"
            if outer is not None:
                key = f"{outer.key}{LEVEL_SEP}{key}"
            doc.sink = NestedObject(mapper.path, key, item, outer, mapper.definition)
            doc.nested.append(doc.sink)
            if doc.sink.in_root:
                doc.field_names.update(_parents(mapper.path))
            if outer is not None:
                outer.field_names.update(_parents(mapper.path))
            try:
                self._parse_object(mapper, item, doc, doc_id, child_updates, dynamic)
            finally:
                doc.sink = outer
        _prune(updates, mapper.path.rpartition(".")[2])

    def _parse_values(
        self, mapper: FieldType, value: Any, doc: ParsedDocument, doc_id: str | None
    ) -> None:
        if isinstance(value, list) and not (
            isinstance(mapper, GeoPointField) and mapper.is_point_array(value)
        ):
            for item in value:
                self._parse_values(mapper, item, doc, doc_id)
        else:
            self._parse_value(mapper, value, doc, doc_id)

    def _parse_value(
        self, mapper: FieldType, value: Any, doc: ParsedDocument, doc_id: str | None
    ) -> None:
        if isinstance(mapper, JoinField):
            if value is not None:
                try:
                    pairs = mapper.relation_values(value, doc_id, doc.routing)
                except IllegalArgument as error:  # not wrapped with the field, as in ES
                    raise document_parsing_error(
                        f"failed to parse: {error.reason}", caused_by=error
                    ) from None
                doc.values.extend(pairs)
                for field, _ in pairs:
                    doc.field_names.update(field.exists_names)
            return
        if value is None:
            if mapper.null_value is None:
                return
            converted = mapper.null_value
        elif isinstance(value, dict) and mapper.type_name != "geo_point" and mapper.searchable_type:
            raise field_error(
                mapper,
                doc_id,
                value,
                IllegalArgument(f"Can't get text on a START_OBJECT at 1:{len(mapper.name) + 4}"),
            )
        else:
            try:
                converted = mapper.convert_value(value, doc_id)
            except Unconvertible as error:
                if mapper.ignore_malformed:
                    doc.ignored.add(mapper.path)
                    return
                raise field_error(mapper, doc_id, value, error) from None
        sink = doc.sink
        if mapper.ignore_above < 2**31 - 1 and len(converted) > mapper.ignore_above:
            doc.ignored.add(mapper.path)
        elif sink is None:
            doc.values.append((mapper, converted))
            doc.field_names.update(mapper.exists_names)
        else:
            if sink.in_root:
                doc.values.append((mapper, converted))
                doc.field_names.update(mapper.exists_names)
            sink.take(mapper, converted)
        if mapper.multi_fields and value is not None:
            for sub in mapper.multi_fields.values():
                if isinstance(mapper, CompletionField) and not isinstance(sub, CompletionField):
                    # A completion field's sub-fields read each input (its MultiFieldParser).
                    for text in converted[0]:
                        self._parse_value(sub, text, doc, doc_id)
                    continue
                self._parse_value(sub, value, doc, doc_id)
        for target in mapper.copy_to:
            copied = self.field(target)
            if copied is None:
                raise document_parsing_error(
                    f"Cannot copy to field [{target}] since it is mapped as an object or does "
                    "not exist"
                )
            if value is not None:
                # The copy goes to the document of the target's own nested object (or root).
                sink, level = doc.sink, self.nested_parent(copied.path)
                while doc.sink is not None and doc.sink.path != level:
                    doc.sink = doc.sink.outer
                try:
                    self._parse_value(copied, value, doc, doc_id)
                finally:
                    doc.sink = sink

    # Dynamic mapping

    def _dynamic(
        self,
        obj: ObjectMapper,
        key: str,
        value: Any,
        doc_id: str | None,
        updates: dict,
        dynamic: Any,
    ) -> None:
        if value is None or value == []:
            return
        if dynamic is False:
            return
        if dynamic == "strict":
            raise StrictDynamicMappingError(
                f"mapping set to strict, dynamic introduction of [{key}] within "
                f"[{obj.path or '_doc'}] is not allowed"
            )
        path = join(obj.path, key)
        existing = updates.get(key)
        definition = self.dynamic_definition(path, key, value)
        if definition is None:
            return
        updates[key] = merge_definitions(existing, definition, path) if existing else definition

    def dynamic_definition(self, path: str, name: str, value: Any) -> dict[str, Any] | None:
        """The mapping Elasticsearch would give a new field holding ``value``."""
        if isinstance(value, list):
            if _is_float_vector(value) and not any(
                t.matches(path, name, "double") for t in self.templates
            ):
                # Elasticsearch 8.11+ maps 128 to 4096 floats as a dense vector.
                return {"type": "dense_vector", "dims": len(value)}
            items = [v for v in _flatten(value) if v is not None]
            if not items:
                return None
            definition: dict[str, Any] | None = None
            for item in items:
                found = self.dynamic_definition(path, name, item)
                if found is None:
                    continue
                definition = merge_definitions(definition, found, path) if definition else found
                if not is_object_definition(found):
                    break
            return definition
        detected = self._detect(value)
        for template in self.templates:
            if template.matches(path, name, detected):
                return template.definition(name, detected)
        if detected == "object":
            properties: dict[str, Any] = {}
            for key, child in value.items():
                if "." in key:
                    head, _, rest = key.partition(".")
                    key, child = head, {rest: child}
                sub = self.dynamic_definition(join(path, key), key, child)
                if sub is not None:
                    current = properties.get(key)
                    properties[key] = merge_definitions(current, sub, path) if current else sub
            return {"properties": properties} if properties else {"type": "object"}
        if detected == "string":
            return {
                "type": "text",
                "fields": {"keyword": {"type": "keyword", "ignore_above": 256}},
            }
        if detected == "date":
            return self._date_definition(value)
        return {"type": {"double": "float"}.get(detected, detected)}

    def _detect(self, value: Any) -> str:
        """The ``match_mapping_type`` of a JSON value."""
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "long"
        if isinstance(value, float):
            return "double"
        if isinstance(value, dict):
            return "object"
        text = str(value)
        if self.date_detection and self._date_format_for(text) is not None:
            return "date"
        if self.numeric_detection:
            try:
                int(text)
                return "long"
            except ValueError:
                try:
                    float(text)
                    return "double"
                except ValueError:
                    pass
        return "string"

    def _date_format_for(self, text: str) -> str | None:
        return detect_date_format(text, self.date_formats or DEFAULT_DYNAMIC_DATE_FORMATS)

    def _date_definition(self, value: str) -> dict[str, Any]:
        spec = self._date_format_for(value)
        if spec in (None, DEFAULT_DATE_FORMAT):
            return {"type": "date"}
        return {"type": "date", "format": spec}


class _Template:
    """One entry of ``dynamic_templates``."""

    def __init__(self, entry: dict[str, Any]) -> None:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise MapperParsingError("Failed to parse mapping: a dynamic template must be a map")
        ((self.name, spec),) = entry.items()
        self.spec = spec
        if "mapping" not in spec and "runtime" not in spec:
            raise MapperParsingError(
                f"Failed to parse mapping: template [{self.name}] must have either mapping or "
                "runtime set"
            )
        regex = spec.get("match_pattern") == "regex"
        self.match = _patterns(spec.get("match"), regex)
        self.unmatch = _patterns(spec.get("unmatch"), regex)
        self.path_match = _patterns(spec.get("path_match"), False)
        self.path_unmatch = _patterns(spec.get("path_unmatch"), False)
        types = spec.get("match_mapping_type")
        self.types = None if types in (None, "*") else set(_as_list(types))

    def matches(self, path: str, name: str, detected: str) -> bool:
        if self.types is not None and detected not in self.types:
            return False
        if self.match and not any(p.match(name) for p in self.match):
            return False
        if any(p.match(name) for p in self.unmatch):
            return False
        if self.path_match and not any(p.match(path) for p in self.path_match):
            return False
        return not any(p.match(path) for p in self.path_unmatch)

    def definition(self, name: str, detected: str) -> dict[str, Any]:
        dynamic_type = {"string": "text", "double": "float"}.get(detected, detected)
        mapping = _substitute(self.spec.get("mapping", {}), name, dynamic_type)
        if "type" not in mapping and detected != "object":
            mapping["type"] = dynamic_type
        return mapping


def _patterns(value: Any, regex: bool) -> list[re.Pattern]:
    return [re.compile(p if regex else fnmatch.translate(p)) for p in _as_list(value)]


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _substitute(value: Any, name: str, dynamic_type: str) -> Any:
    if isinstance(value, str):
        return value.replace("{name}", name).replace("{dynamic_type}", dynamic_type)
    if isinstance(value, dict):
        return {k: _substitute(v, name, dynamic_type) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, name, dynamic_type) for v in value]
    return value


# Merging definitions


def merge_root(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Merge a put_mapping body into the current root mapping, refusing conflicting changes."""
    merged = dict(current)
    for key, value in update.items():
        if key == "properties":
            merged["properties"] = merge_properties(current.get("properties", {}), value or {}, "")
        elif key == "_source":
            old = (current.get("_source") or {}).get("enabled", True)
            new = (value or {}).get("enabled", old)
            if str(old).lower() != str(new).lower():
                raise IllegalArgument(
                    "Mapper for [_source] conflicts with existing mapper:\n\t"
                    f"Cannot update parameter [enabled] from [{str(old).lower()}] to "
                    f"[{str(new).lower()}]"
                )
            merged["_source"] = value
        elif key == "dynamic_templates":
            templates = {next(iter(t)): t for t in current.get("dynamic_templates", [])}
            templates.update({next(iter(t)): t for t in value or []})
            merged["dynamic_templates"] = list(templates.values())
        else:
            merged[key] = value
    return merged


def merge_properties(current: dict[str, Any], update: dict[str, Any], path: str) -> dict:
    merged = dict(current)
    for name, definition in expand_dotted(update).items():
        old = merged.get(name)
        merged[name] = merge_definitions(old, definition, join(path, name)) if old else definition
    return merged


def merge_definitions(old: dict[str, Any] | None, new: dict[str, Any], path: str) -> dict:
    """Merge one field or object definition into another, as put_mapping does."""
    if old is None:
        return new
    old_object, new_object = is_object_definition(old), is_object_definition(new)
    if old_object != new_object:
        if old_object:
            raise IllegalArgument(
                f"can't merge a non object mapping [{path}] with an object mapping"
            )
        raise IllegalArgument(f"can't merge a non object mapping [{path}] with an object mapping")
    if old_object:
        return _merge_objects(old, new, path)
    return _merge_fields(old, new, path)


def _merge_objects(old: dict[str, Any], new: dict[str, Any], path: str) -> dict[str, Any]:
    old_type, new_type = old.get("type", "object"), new.get("type", "object")
    if old_type != new_type:
        raise IllegalArgument(
            f"can't merge a nested mapping [{path}] with a non-nested mapping"
            if old_type == "nested"
            else f"can't merge a non-nested mapping [{path}] with a nested mapping"
        )
    if "enabled" in new and str(new["enabled"]).lower() != str(old.get("enabled", True)).lower():
        raise IllegalArgument(
            f"the [enabled] parameter can't be updated for the object mapping [{path}]"
        )
    merged = {**old, **{k: v for k, v in new.items() if k != "properties"}}
    if "properties" in new or "properties" in old:
        merged["properties"] = merge_properties(
            old.get("properties", {}), new.get("properties") or {}, path
        )
    return merged


def _merge_fields(old: dict[str, Any], new: dict[str, Any], path: str) -> dict[str, Any]:
    old_type, new_type = old.get("type"), new.get("type")
    if old_type != new_type:
        raise IllegalArgument(
            f"mapper [{path}] cannot be changed from type [{old_type}] to [{new_type}]"
        )
    conflicts = []
    for param, value in new.items():
        if param in ("type", "fields"):
            continue
        before = old.get(param, PARAM_DEFAULTS.get(param))
        if param in _UPDATABLE or before == value:
            continue
        if param == "dims" and before is None:  # a dense_vector's, given by its first vector
            continue
        if param == "analyzer" and before == "default" and value == "standard":
            continue
        shown = "default" if param not in old and param == "analyzer" else _shown(before)
        conflicts.append(f"Cannot update parameter [{param}] from [{shown}] to [{_shown(value)}]")
    if conflicts:
        raise IllegalArgument(
            f"Mapper for [{path}] conflicts with existing mapper:\n\t" + "\n\t".join(conflicts)
        )
    merged = {**old, **{k: v for k, v in new.items() if k != "fields"}}
    if "fields" in new:
        fields = dict(old.get("fields", {}))
        for name, sub in new["fields"].items():
            fields[name] = merge_definitions(fields.get(name), sub, f"{path}.{name}")
        merged["fields"] = fields
    return merged


_UPDATABLE = frozenset(
    {
        "ignore_above",
        "search_analyzer",
        "search_quote_analyzer",
        "meta",
        "copy_to",
        "boost",
        "coerce",
        "ignore_malformed",
        "fielddata",
        "eager_global_ordinals",
        "dynamic",
    }
)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Helpers


def _with_multi_fields(mapper: FieldType) -> Iterator[FieldType]:
    yield mapper
    for sub in mapper.multi_fields.values():
        yield from _with_multi_fields(sub)


def _parents(path: str) -> tuple[str, ...]:
    """``a.b.c`` -> ``("a", "a.b", "a.b.c")``: the names an ``exists`` query finds it by."""
    parts = path.split(".")
    return tuple(".".join(parts[: i + 1]) for i in range(len(parts)))


def _within(nested: NestedObject, outer: NestedObject | None) -> bool:
    """Whether a nested object lies inside ``outer`` (None: the root holds everything)."""
    return outer is None or nested.key.startswith(outer.key + LEVEL_SEP)


def _truthy(value: Any) -> bool:
    return value in (True, "true")


def _flatten(values: list) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from _flatten(value)
        else:
            yield value


def _is_float_vector(value: list[Any]) -> bool:
    """An array a dynamic mapping takes for a dense vector: 128 to 4096 numbers, a float first."""
    return (
        MIN_DIMS_FOR_DYNAMIC_VECTOR <= len(value) <= MAX_DIMS
        and isinstance(value[0], float)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def _child_updates(updates: dict, name: str, type_name: str = "object") -> dict:
    """The dynamic-update dict for the properties of child object ``name`` (a ``nested`` one
    says so: an update without the type would be an object, which cannot merge into it)."""
    entry = {"properties": {}} if type_name == "object" else {"type": type_name, "properties": {}}
    return updates.setdefault(name, entry)["properties"]


def _prune(updates: dict, name: str) -> None:
    """Drop the placeholder :func:`_child_updates` made if the child had no new fields."""
    entry = updates.get(name)
    if entry is not None and entry.get("properties") == {} and set(entry) <= {"type", "properties"}:
        del updates[name]


def source_path(mapping: Mapping, field: FieldType) -> str:
    """Where a field's values are in ``_source``: a multi-field (``a.raw``) reads its parent's."""
    path = field.path
    while True:
        parent, _, name = path.rpartition(".")
        parent_field = mapping.fields.get(parent) if parent else None
        if parent_field is None or name not in parent_field.multi_fields:
            return path
        path = parent
