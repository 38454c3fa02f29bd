"""Index settings: the flat ``index.*`` form Elasticsearch stores, with its validation.

Elasticsearch accepts settings nested (``{"index": {"number_of_shards": 1}}``), flat
(``{"index.number_of_shards": 1}``) or without the ``index.`` prefix, stores every value as a
string, and answers in nested form unless ``flat_settings`` is asked for. This module holds that
normalisation, the validation of a request's settings against :mod:`.index_settings` (which
says what Elasticsearch accepts and what the engine does with each), and typed access to the
values the engine reads.

A null value means "not set" everywhere but in storage. ``PUT /{index}/_settings`` removes the
setting; index creation and templates keep the key with its null, as Elasticsearch's
``Settings.Builder`` does (``GET _settings`` shows ``null``, ``include_defaults`` leaves the
setting out of ``defaults``), and every read of it gives its default (``Setting.get``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from .dates import parse_time_value
from .errors import IllegalArgument, Unsupported
from .index_settings import REFUSED, SETTINGS, Spec, spec
from .wording import suggest

#: Settings the engine writes itself and a request may not set.
PRIVATE = ("index.uuid", "index.version.created", "index.creation_date", "index.provided_name")

DEFAULTS = {
    "index.number_of_shards": "1",
    "index.number_of_replicas": "1",
    "index.refresh_interval": "1s",
    "index.max_result_window": "10000",
    "index.max_inner_result_window": "100",
    "index.max_ngram_diff": "1",
    "index.max_shingle_diff": "3",
    "index.analyze.max_token_count": "10000",
    "index.max_terms_count": "65536",
    "index.max_docvalue_fields_search": "100",
    "index.max_regex_length": "1000",
    "index.query.default_field": "*",
    "index.query_string.lenient": "false",
    "index.mapping.total_fields.limit": "1000",
    "index.mapping.depth.limit": "20",
    "index.mapping.nested_fields.limit": "50",
    "index.mapping.nested_objects.limit": "10000",
    "index.mapping.field_name_length.limit": "9223372036854775807",
    "index.mapping.ignore_malformed": "false",
    "index.mapping.coerce": "true",
    # true: indexed vectors left out of _source and fetched from the index, Elasticsearch
    # 9.2+'s default; false as in the 9.0 the engine reports itself as
    "index.mapping.exclude_source_vectors": "false",
    "index.translog.durability": "request",
    "index.highlight.max_analyzed_offset": "1000000",
    "index.hidden": "false",
    "index.blocks.read_only": "false",
    "index.blocks.write": "false",
    "index.blocks.read": "false",
    "index.blocks.read_only_allow_delete": "false",
    "index.blocks.metadata": "false",
}


def flatten(settings: Mapping[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    """``{"index": {"a": {"b": 1}}}`` -> ``{"index.a.b": 1}``; lists and scalars stay leaves."""
    flat: dict[str, Any] = {}
    for key, value in (settings or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`flatten`, used to answer in Elasticsearch's nested form."""
    nested: dict[str, Any] = {}
    for name, value in sorted(flat.items()):
        node = nested
        parts = name.split(".")
        for depth, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # both "a" and "a.b" are set: keep "a.b" flat
                node[".".join(parts[depth:])] = value
                break
            node = child
        else:
            node[parts[-1]] = value
    return nested


def as_string(value: Any) -> Any:
    """Elasticsearch stores setting values as strings; lists keep string elements."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [as_string(v) for v in value]
    if value is None:
        return None
    return str(value)


def display(value: Any) -> str:
    """A value as Elasticsearch's messages show it: Java's ``toString`` of what ``Settings``
    holds (``null``, ``true``, ``[1, 2]``), not Python's (``None``, ``True``, ``['1', '2']``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(display(v) for v in value) + "]"
    return str(value)


def normalize(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """Flatten request settings, prefix them with ``index.`` and stringify their values."""
    normalized = {}
    for name, value in flatten(settings).items():
        if not name.startswith("index."):
            name = "index." + name
        normalized[name] = as_string(value)
    return normalized


def validate(
    settings: Mapping[str, Any], *, creating: bool, open_indices: list[str] | None = None
) -> None:
    """Refuse what Elasticsearch refuses (unknown or private settings, static ones on an open
    index, values it cannot parse) and what this engine does not implement (by name).

    When updating, ``open_indices`` are the open targets as ``name/uuid``: static settings can
    change only when there are none (the indices are closed); None means any target may be open.
    """
    for name, value in settings.items():
        if name in PRIVATE:
            if not creating:
                raise IllegalArgument(f"final index setting [{name}], not updateable")
            continue
        found = spec(name)
        if found is None:
            raise IllegalArgument(f"unknown setting [{name}]{_suggestion(name)}")
        if not creating and not found.dynamic and value is not None:
            if open_indices is None:
                raise IllegalArgument(
                    f"Can't update non dynamic settings [[{name}]] for open indices"
                )
            if open_indices:
                shown = ", ".join(f"[{n}]" for n in open_indices)
                raise IllegalArgument(
                    f"Can't update non dynamic settings [[{name}]] for open indices [{shown}]"
                )
        if value is None:
            continue  # not set: the default applies (and update removes it)
        check_value(name, value, found)
        if found.status == REFUSED and display(value) not in found.accepted:
            shown = f" with value [{display(value)}]" if found.accepted else ""
            raise Unsupported(f"index setting [{name}]{shown}")
    _validate_together(Settings(settings), creating=creating)


def _validate_together(settings: Settings, *, creating: bool) -> None:
    """Elasticsearch's checks of one setting against another, on the values it reads: a null
    one reads as its default (``Settings.get``), so it passes as an absent one does."""
    if creating and display(settings.get("index.soft_deletes.enabled")).lower() == "false":
        raise IllegalArgument(
            "Creating indices with soft-deletes disabled is no longer supported. "
            "Please do not specify a value for setting [index.soft_deletes.enabled]."
        )
    routing_shards = settings.get("index.number_of_routing_shards")
    if routing_shards is not None:
        shards = settings.int("index.number_of_shards")
        if parse_int(routing_shards, "index.number_of_routing_shards") < shards:
            raise IllegalArgument(
                f"index.number_of_routing_shards [{routing_shards}] must be >= "
                f"index.number_of_shards [{shards}]"
            )


def _suggestion(name: str) -> str:
    """Elasticsearch's `` did you mean [x]?`` for an unknown setting, or its plugins hint."""
    found = suggest(name, SETTINGS, threshold=0.7)
    return found or (
        " please check that any required plugins are installed, or check the breaking "
        "changes documentation for removed settings"
    )


#: Elasticsearch's words for an enum value it does not know, where they are its own.
_ENUM_ERRORS = {
    "index.translog.durability": "No enum constant "
    "org.elasticsearch.index.translog.Translog.Durability.{upper}",
    "index.shard.check_on_startup": "unknown value for [index.shard.check_on_startup] must be one "
    "of [true, false, checksum] but was: {value}",
}


def check_value(name: str, value: Any, found: Spec) -> None:
    """Parse ``value`` as Elasticsearch parses the setting, raising its error if it cannot."""
    if found.kind == "int":
        number = parse_int(value, name)
        if found.minimum is not None and number < found.minimum:
            raise IllegalArgument(
                f"Failed to parse value [{display(value)}] for setting [{name}] must be >= "
                f"{found.minimum}"
            )
        if found.maximum is not None and number > found.maximum:
            raise IllegalArgument(
                f"Failed to parse value [{display(value)}] for setting [{name}] must be <= "
                f"{found.maximum}"
            )
    elif found.kind == "bool":
        parse_bool(value, name)
    elif found.kind == "time":
        parse_time_value(display(value), name)
    elif found.kind == "auto_expand":
        auto_expand_range(value)
    elif found.kind == "enum" and display(value).lower() not in found.choices:
        template = _ENUM_ERRORS.get(name, "Failed to parse value [{value}] for setting [{name}]")
        text = display(value)
        raise IllegalArgument(template.format(value=text, upper=text.upper(), name=name))


def auto_expand_range(value: Any) -> tuple[int, int | None] | None:
    """``index.auto_expand_replicas`` as (min, max) replicas (max None: ``all``), or None when
    ``false``; Elasticsearch's errors for anything else."""
    text = display(value)
    if text == "false":
        return None
    dash = text.find("-")
    where = f"failed to parse [index.auto_expand_replicas] from value: [{text}] at index {dash}"
    if dash == -1:
        raise IllegalArgument(where)
    low, high = text[:dash], text[dash + 1 :]
    try:
        minimum = int(low)
        maximum = None if high == "all" else int(high)
    except ValueError:
        raise IllegalArgument(where) from None
    if maximum is not None and minimum > maximum:
        raise IllegalArgument(
            "[index.auto_expand_replicas] minReplicas must be =< maxReplicas but wasn't "
            f"{minimum} > {maximum}"
        )
    return minimum, maximum


def expand_replicas(flat: dict[str, Any]) -> None:
    """Apply ``index.auto_expand_replicas`` to ``index.number_of_replicas`` as Elasticsearch's
    allocation does on a cluster of one data node: a range from 0 means no replica; a range
    from more than 0 cannot be met, and leaves the number as it is."""
    expand = flat.get("index.auto_expand_replicas")
    found = auto_expand_range(expand) if expand is not None else None
    if found is not None and found[0] == 0:
        flat["index.number_of_replicas"] = "0"


def parse_int(value: Any, name: str) -> int:
    try:
        return int(display(value))
    except ValueError:
        raise IllegalArgument(
            f"Failed to parse value [{display(value)}] for setting [{name}]"
        ) from None


def parse_bool(value: Any, name: str) -> bool:
    text = display(value).lower()
    if text in ("true", "false"):
        return text == "true"
    raise IllegalArgument(
        f"Failed to parse value [{display(value)}] as only [true] or [false] are allowed."
    )


class Settings:
    """The stored settings of one index, flat, with typed access to what the engine reads."""

    def __init__(self, flat: Mapping[str, Any]) -> None:
        self.flat = dict(flat)

    def get(self, name: str) -> Any:
        """The value the engine applies: a setting stored null (set so at creation) reads as
        unset, its default, as Elasticsearch's ``Setting.get`` reads it."""
        value = self.flat.get(name)
        return DEFAULTS.get(name) if value is None else value

    def int(self, name: str) -> int:
        return parse_int(self.get(name), name)

    def bool(self, name: str) -> bool:
        return parse_bool(self.get(name), name)

    @property
    def analysis(self) -> dict[str, Any]:
        """``index.analysis.*`` in nested form, for the analysis registry."""
        prefix = "index.analysis."
        section = {k[len(prefix) :]: v for k, v in self.flat.items() if k.startswith(prefix)}
        return unflatten(section)

    # ``bool`` is the method above inside this class
    def as_response(
        self, *, flat: builtins.bool, include_defaults: builtins.bool = False
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"settings": self.flat if flat else unflatten(self.flat)}
        if include_defaults:
            defaults = {k: v for k, v in DEFAULTS.items() if k not in self.flat}
            body["defaults"] = defaults if flat else unflatten(defaults)
        return body
