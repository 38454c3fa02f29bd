"""Every index setting Elasticsearch 9 honours, and what this engine does with each.

Elasticsearch registers its index settings in ``IndexScopedSettings`` (plus a few from its
bundled plugins: lifecycle management, data tiers). Each one here is either

* **applied**: the engine does what Elasticsearch does with it (docs/embedded.md, "Index
  settings", says where);
* **no effect**: on one node with one shard per index it changes nothing a client can observe
  (shard counts, merges, storage, allocation, slow logs...): accepted, stored, returned;
* **refused**: it changes results and the engine does not implement it, so setting it answers
  400 naming it (``errors.Unsupported``) rather than being silently ignored. Some are refused
  only for values other than the default (``index.mode`` other than ``standard``).

A name in none of these is Elasticsearch's ``unknown setting``. Values are checked as
Elasticsearch parses them (integers with their bounds, booleans, time values, enums), so a bad
value gets Elasticsearch's error whatever the setting's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["applied", "no_effect", "refused"]
Kind = Literal["int", "bool", "time", "enum", "string", "list", "auto_expand", "any"]

APPLIED: Status = "applied"
NO_EFFECT: Status = "no_effect"
REFUSED: Status = "refused"


@dataclass(frozen=True)
class Spec:
    """What Elasticsearch accepts for one setting, and what the engine does with it."""

    status: Status
    kind: Kind = "any"
    #: Whether put_settings may change it on an open index (Elasticsearch's ``Dynamic``).
    dynamic: bool = True
    minimum: int | None = None
    maximum: int | None = None
    #: The values an ``enum`` takes.
    choices: tuple[str, ...] = ()
    #: For a refused setting: the values it is accepted with all the same (its defaults).
    accepted: tuple[str, ...] = ()


def _int(status: Status, minimum: int, *, dynamic: bool = True, maximum: int | None = None) -> Spec:
    return Spec(status, "int", dynamic, minimum, maximum)


def _bool(status: Status, *, dynamic: bool = True) -> Spec:
    return Spec(status, "bool", dynamic)


def _time(status: Status, *, dynamic: bool = True) -> Spec:
    return Spec(status, "time", dynamic)


def _enum(status: Status, *choices: str, dynamic: bool = True) -> Spec:
    return Spec(status, "enum", dynamic, choices=choices)


def _any(status: Status, *, dynamic: bool = True) -> Spec:
    return Spec(status, "any", dynamic)


def _refused(*accepted: str, dynamic: bool = True) -> Spec:
    return Spec(REFUSED, "any", dynamic, accepted=accepted)


_SLOWLOG_LEVELS = ("warn", "info", "debug", "trace")

#: Settings by exact flat name.
SETTINGS: dict[str, Spec] = {
    # -- applied ------------------------------------------------------------------------------
    # shards and replicas
    "index.number_of_shards": _int(APPLIED, 1, maximum=1024, dynamic=False),
    "index.number_of_replicas": _int(APPLIED, 0),
    "index.auto_expand_replicas": Spec(APPLIED, "auto_expand"),
    # refresh, durability, visibility
    "index.refresh_interval": _time(APPLIED),
    "index.translog.durability": Spec(APPLIED, "enum", choices=("request", "async")),
    "index.hidden": _bool(APPLIED),
    # blocks
    "index.blocks.read_only": _bool(APPLIED),
    "index.blocks.read": _bool(APPLIED),
    "index.blocks.write": _bool(APPLIED),
    "index.blocks.metadata": _bool(APPLIED),
    "index.blocks.read_only_allow_delete": _bool(APPLIED),
    # search
    "index.max_result_window": _int(APPLIED, 1),
    "index.max_inner_result_window": _int(APPLIED, 1),
    "index.max_docvalue_fields_search": _int(APPLIED, 0),
    "index.max_terms_count": _int(APPLIED, 1),
    "index.max_regex_length": _int(APPLIED, 1),
    "index.query.default_field": Spec(APPLIED, "list"),
    "index.query_string.lenient": _bool(APPLIED, dynamic=False),
    "index.highlight.max_analyzed_offset": _int(APPLIED, 1),
    # analysis
    "index.max_ngram_diff": _int(APPLIED, 0),
    "index.max_shingle_diff": _int(APPLIED, 0),
    "index.analyze.max_token_count": _int(APPLIED, 1),
    # mappings
    "index.mapping.total_fields.limit": _int(APPLIED, 0),
    "index.mapping.depth.limit": _int(APPLIED, 1),
    "index.mapping.nested_fields.limit": _int(APPLIED, 0),
    "index.mapping.nested_objects.limit": _int(APPLIED, 0),
    "index.mapping.field_name_length.limit": _int(APPLIED, 1),
    "index.mapping.ignore_malformed": _bool(APPLIED, dynamic=False),
    "index.mapping.coerce": _bool(APPLIED, dynamic=False),
    "index.mapping.exclude_source_vectors": _bool(APPLIED, dynamic=False),
    "index.mapping.ignore_above": _int(APPLIED, 0, dynamic=False),
    # ingest pipelines (a write runs them: the ingest module)
    "index.default_pipeline": Spec(APPLIED, "string"),
    "index.final_pipeline": Spec(APPLIED, "string"),
    # -- no observable effect on one node with one shard ---------------------------------------
    "index.number_of_routing_shards": _int(NO_EFFECT, 1, dynamic=False),
    "index.codec": _any(NO_EFFECT, dynamic=False),
    "index.priority": _int(NO_EFFECT, 0),
    "index.write.wait_for_active_shards": _any(NO_EFFECT),
    "index.shard.check_on_startup": _enum(NO_EFFECT, "false", "true", "checksum", dynamic=False),
    "index.load_fixed_bitset_filters_eagerly": _bool(NO_EFFECT, dynamic=False),
    "index.warmer.enabled": _bool(NO_EFFECT),
    "index.queries.cache.enabled": _bool(NO_EFFECT, dynamic=False),
    "index.requests.cache.enable": _bool(NO_EFFECT),
    "index.fielddata.cache": _any(NO_EFFECT, dynamic=False),
    "index.data_path": _any(NO_EFFECT, dynamic=False),
    "index.format": _int(NO_EFFECT, 0, dynamic=False),
    "index.fast_refresh": _bool(NO_EFFECT, dynamic=False),
    "index.verified_before_close": _bool(NO_EFFECT),
    "index.bloom_filter_for_id_field.enabled": _bool(NO_EFFECT),
    "index.search.idle.after": _time(NO_EFFECT),
    "index.max_refresh_listeners": _int(NO_EFFECT, 0),
    "index.gc_deletes": _time(NO_EFFECT),
    # limits of features the engine refuses (script_fields, rescore, sliced scrolls)
    "index.max_script_fields": _int(NO_EFFECT, 0),
    "index.max_rescore_window": _int(NO_EFFECT, 1),
    "index.max_slices_per_scroll": _int(NO_EFFECT, 1),
    # the unified highlighter's mode (the engine's highlighter is the plain one)
    "index.highlight.weight_matches_mode.enabled": _bool(NO_EFFECT),
    # storage
    "index.store.type": _any(NO_EFFECT, dynamic=False),
    "index.store.preload": _any(NO_EFFECT, dynamic=False),
    "index.store.stats_refresh_interval": _time(NO_EFFECT, dynamic=False),
    "index.store.fs.fs_lock": _enum(NO_EFFECT, "native", "simple", dynamic=False),
    "index.compound_format": _any(NO_EFFECT),
    "index.flush_after_merge": _any(NO_EFFECT),
    "index.merge.scheduler.max_thread_count": _int(NO_EFFECT, 1),
    "index.merge.scheduler.max_merge_count": _int(NO_EFFECT, 1),
    "index.merge.scheduler.auto_throttle": _bool(NO_EFFECT),
    "index.merge.policy.type": _any(NO_EFFECT),
    "index.merge.policy.deletes_pct_allowed": _any(NO_EFFECT),
    "index.merge.policy.expunge_deletes_allowed": _any(NO_EFFECT),
    "index.merge.policy.floor_segment": _any(NO_EFFECT),
    "index.merge.policy.max_merge_at_once": _int(NO_EFFECT, 2),
    "index.merge.policy.max_merge_at_once_explicit": _int(NO_EFFECT, 2),
    "index.merge.policy.max_merged_segment": _any(NO_EFFECT),
    "index.merge.policy.segments_per_tier": _any(NO_EFFECT),
    "index.merge.policy.merge_factor": _int(NO_EFFECT, 2),
    "index.merge.intra_merge_parallelism_enabled": _bool(NO_EFFECT),
    "index.translog.sync_interval": _time(NO_EFFECT),
    "index.translog.flush_threshold_size": _any(NO_EFFECT),
    "index.translog.flush_threshold_age": _time(NO_EFFECT),
    "index.translog.generation_threshold_size": _any(NO_EFFECT),
    "index.translog.retention.age": _time(NO_EFFECT),
    "index.translog.retention.size": _any(NO_EFFECT),
    "index.soft_deletes.enabled": _bool(NO_EFFECT, dynamic=False),
    "index.soft_deletes.retention.operations": _int(NO_EFFECT, 0),
    "index.soft_deletes.retention_lease.period": _time(NO_EFFECT),
    "index.recovery.type": _any(NO_EFFECT, dynamic=False),
    "index.recovery.use_synthetic_source": _bool(NO_EFFECT, dynamic=False),
    "index.mapping.use_doc_values_skipper": _bool(NO_EFFECT, dynamic=False),
    "index.seq_no.index_options": _any(NO_EFFECT, dynamic=False),
    "index.use_time_series_doc_values_format": _bool(NO_EFFECT, dynamic=False),
    "index.use_time_series_doc_values_format_large_block_size": _bool(NO_EFFECT, dynamic=False),
    "index.use_legacy_postings_format": _bool(NO_EFFECT, dynamic=False),
    "index.mapping.dimension_fields.limit": _int(NO_EFFECT, 0),
    # allocation and recovery
    "index.unassigned.node_left.delayed_timeout": _time(NO_EFFECT),
    "index.allocation.max_retries": _int(NO_EFFECT, 0),
    "index.allocation.existing_shards_allocator": _any(NO_EFFECT, dynamic=False),
    "index.routing.allocation.enable": _enum(
        NO_EFFECT, "all", "primaries", "new_primaries", "none"
    ),
    "index.routing.rebalance.enable": _enum(NO_EFFECT, "all", "primaries", "replicas", "none"),
    "index.routing.allocation.total_shards_per_node": _int(NO_EFFECT, -1),
    "index.routing.allocation.disk.watermark.ignore": _bool(NO_EFFECT),
    "index.shard_limit.group": _enum(NO_EFFECT, "normal", "frozen", dynamic=False),
    # slow logs
    **{
        f"index.search.slowlog.threshold.{phase}.{level}": _time(NO_EFFECT)
        for phase in ("query", "fetch")
        for level in _SLOWLOG_LEVELS
    },
    "index.search.slowlog.include.user": _bool(NO_EFFECT),
    **{
        f"index.indexing.slowlog.threshold.index.{level}": _time(NO_EFFECT)
        for level in _SLOWLOG_LEVELS
    },
    "index.indexing.slowlog.reformat": _bool(NO_EFFECT),
    "index.indexing.slowlog.source": _any(NO_EFFECT),
    "index.indexing.slowlog.include.user": _bool(NO_EFFECT),
    # index lifecycle management: no policy runs here (as if it never acted)
    "index.lifecycle.name": _any(NO_EFFECT),
    "index.lifecycle.indexing_complete": _bool(NO_EFFECT),
    "index.lifecycle.origination_date": _int(NO_EFFECT, -1),
    "index.lifecycle.parse_origination_date": _bool(NO_EFFECT),
    "index.lifecycle.prefer_ilm": _bool(NO_EFFECT),
    "index.lifecycle.rollover_alias": _any(NO_EFFECT),
    "index.lifecycle.skip": _bool(NO_EFFECT),
    "index.lifecycle.step.wait_time_threshold": _time(NO_EFFECT),
    # -- refused ------------------------------------------------------------------------------
    "index.mode": _refused("standard", dynamic=False),
    "index.routing_partition_size": _refused("1", dynamic=False),
    "index.routing_path": _refused(dynamic=False),
    "index.dimensions": _refused(dynamic=False),
    "index.dimensions_tsid_strategy_enabled": _refused(dynamic=False),
    "index.look_ahead_time": _refused(),
    "index.mapping.source.mode": _refused("stored", dynamic=False),
    "index.mapping.total_fields.ignore_dynamic_beyond_limit": _refused("false"),
    "index.mapping.synthetic_source_keep": _refused("none", dynamic=False),
    "index.query.parse.allow_unmapped_fields": _refused("true", dynamic=False),
    "index.percolator.map_unmapped_fields_as_text": _refused("false", dynamic=False),
}

#: Families registered as a group (any name under the prefix), longest prefix first.
GROUPS: tuple[tuple[str, Spec], ...] = (
    ("index.routing.allocation.include.", _any(NO_EFFECT)),
    ("index.routing.allocation.exclude.", _any(NO_EFFECT)),
    ("index.routing.allocation.require.", _any(NO_EFFECT)),
    ("index.analysis.", _any(APPLIED, dynamic=False)),
    ("index.similarity.", _refused(dynamic=False)),
    ("index.sort.", _refused(dynamic=False)),
    ("index.time_series.", _refused(dynamic=False)),
    ("index.logsdb.", _refused(dynamic=False)),
    ("index.downsample.", _refused(dynamic=False)),
)


def spec(name: str) -> Spec | None:
    """The spec of a flat setting name, or None if Elasticsearch does not know it."""
    found = SETTINGS.get(name)
    if found is not None:
        return found
    for prefix, group in GROUPS:
        if name.startswith(prefix) and len(name) > len(prefix):
            return group
    return None
