"""Index settings: the flat ``index.*`` form Elasticsearch stores, with its validation.

Elasticsearch accepts settings nested (``{"index": {"number_of_shards": 1}}``), flat
(``{"index.number_of_shards": 1}``) or without the ``index.`` prefix, stores every value as a
string, and answers in nested form unless ``flat_settings`` is asked for. This module holds that
normalisation and the few typed values the engine reads.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from typing import Any

from .errors import IllegalArgument

#: Settings this engine understands or accepts, as (prefix) patterns of their flat names.
KNOWN = re.compile(
    r"index\.("
    r"number_of_shards|number_of_replicas|number_of_routing_shards|auto_expand_replicas"
    r"|refresh_interval|max_result_window|max_inner_result_window|max_rescore_window"
    r"|max_docvalue_fields_search|max_script_fields|max_ngram_diff|max_shingle_diff"
    r"|max_refresh_listeners|max_terms_count|max_regex_length|max_slices_per_scroll"
    r"|analyze\.max_token_count|highlight\.max_analyzed_offset|query\.default_field"
    r"|query_string\.lenient|default_pipeline|final_pipeline|hidden|codec|priority"
    r"|search\.idle\.after|gc_deletes|shard\.check_on_startup|load_fixed_bitset_filters_eagerly"
    r"|mapping\..+|analysis\..+|similarity\..+|blocks\..+|translog\..+|routing\..+"
    r"|routing_partition_size|soft_deletes\..+|sort\..+|store\..+|merge\..+|lifecycle\..+"
    r"|unassigned\..+|write\.wait_for_active_shards|queries\..+|requests\..+|indexing\..+"
    r"|search\.slowlog\..+|indexing\.slowlog\..+|fielddata\..+|version\.created"
    r"|creation_date|uuid|provided_name|frozen|verified_before_close|format|default_pipeline"
    r"|mode|time_series\..+|look_ahead_time|recovery\..+|allocation\..+|history\..+"
    r"|shard_limit\..+|number_of_shards_per_node|data_path|compound_format"
    r")\Z"
)

#: Settings that only take effect at creation and may not change afterwards.
STATIC = (
    "index.number_of_shards",
    "index.analysis.",
    "index.sort.",
    "index.codec",
    "index.number_of_routing_shards",
    "index.soft_deletes.",
    "index.mapping.source.mode",
)

#: Settings the engine writes itself and a request may not set.
PRIVATE = ("index.uuid", "index.version.created", "index.creation_date", "index.provided_name")

DEFAULTS = {
    "index.number_of_shards": "1",
    "index.number_of_replicas": "1",
    "index.refresh_interval": "1s",
    "index.max_result_window": "10000",
    "index.max_ngram_diff": "1",
    "index.max_shingle_diff": "3",
    "index.max_terms_count": "65536",
    "index.max_regex_length": "1000",
    "index.query.default_field": "*",
    "index.mapping.total_fields.limit": "1000",
    "index.mapping.depth.limit": "20",
    "index.mapping.nested_fields.limit": "50",
    "index.translog.durability": "request",
    "index.highlight.max_analyzed_offset": "1000000",
    "index.hidden": "false",
    "index.blocks.read_only": "false",
    "index.blocks.write": "false",
    "index.blocks.read": "false",
    "index.blocks.read_only_allow_delete": "false",
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
    """Refuse unknown or private settings, and impossible values, as Elasticsearch does.

    When updating, ``open_indices`` are the open targets as ``name/uuid``: static settings can
    change only when there are none (the indices are closed); None means any target may be open.
    """
    for name, value in settings.items():
        if not KNOWN.match(name):
            raise IllegalArgument(
                f"unknown setting [{name}] please check that any required plugins are installed, "
                "or check the breaking changes documentation for removed settings"
            )
        if name in PRIVATE and not creating:
            raise IllegalArgument(f"final index setting [{name}], not updateable")
        if not creating and name.startswith(STATIC) and value is not None:
            if open_indices is None:
                raise IllegalArgument(
                    f"Can't update non dynamic settings [[{name}]] for open indices"
                )
            if open_indices:
                shown = ", ".join(f"[{n}]" for n in open_indices)
                raise IllegalArgument(
                    f"Can't update non dynamic settings [[{name}]] for open indices [{shown}]"
                )
    for name in ("index.number_of_shards", "index.number_of_replicas"):
        if name in settings:
            number = parse_int(settings[name], name)
            low = 1 if name.endswith("shards") else 0
            if number < low:
                raise IllegalArgument(
                    f"Failed to parse value [{number}] for setting [{name}] must be >= {low}"
                )
    if "index.max_result_window" in settings:
        parse_int(settings["index.max_result_window"], "index.max_result_window")


def parse_int(value: Any, name: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise IllegalArgument(f"Failed to parse value [{value}] for setting [{name}]") from None


def parse_bool(value: Any, name: str) -> bool:
    text = str(value).lower()
    if text in ("true", "false"):
        return text == "true"
    raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


class Settings:
    """The stored settings of one index, flat, with typed access to what the engine reads."""

    def __init__(self, flat: Mapping[str, Any]) -> None:
        self.flat = dict(flat)

    def get(self, name: str) -> Any:
        return self.flat.get(name, DEFAULTS.get(name))

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
