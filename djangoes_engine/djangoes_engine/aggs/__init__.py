"""Elasticsearch aggregations over the engine's indices (see :mod:`.core` for the design).

:func:`aggregate` is what a search calls: it parses the ``aggs`` of the request, collects a
partial result per index, reduces them as Elasticsearch's coordinating node does, and renders
the ``aggregations`` section of the response.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import EngineError, ParsingError, SearchPhaseError, Unsupported
from ..search.collect import Target
from ..wording import suggest, token_name
from . import (  # noqa: F401
    buckets,
    geo,
    histograms,
    join,
    metrics,
    nested,
    percentiles,
    ranges,
    terms,
    top_hits,
)
from .composite import misplaced, parent_error
from .core import REGISTRY, Agg, Shard, collect_level

#: Aggregation types Elasticsearch knows: the candidates of "did you mean", and the types that
#: are reported as unsupported rather than unknown.
KNOWN_TYPES = tuple(
    """
    adjacency_matrix auto_date_histogram avg avg_bucket boxplot bucket_count_ks_test
    bucket_correlation bucket_script bucket_selector bucket_sort cardinality cartesian_bounds
    cartesian_centroid categorize_text change_point children composite cumulative_cardinality
    cumulative_sum date_histogram date_range derivative diversified_sampler extended_stats
    extended_stats_bucket filter filters frequent_item_sets geo_bounds geo_centroid
    geo_distance geo_line geohash_grid geohex_grid geotile_grid global histogram inference
    ip_prefix ip_range matrix_stats max max_bucket median_absolute_deviation min min_bucket
    missing moving_fn moving_percentiles multi_terms nested normalize parent percentile_ranks
    percentiles percentiles_bucket random_sampler range rare_terms rate reverse_nested sampler
    scripted_metric serial_diff significant_terms significant_text stats stats_bucket
    string_stats sum sum_bucket t_test terms time_series top_hits top_metrics value_count
    variable_width_histogram weighted_avg
    """.split()  # noqa: SIM905 (a word list, one line per few names)
)


def aggregate(targets: list[Target], spec: dict[str, Any]) -> dict[str, Any]:
    """The ``aggregations`` section of a search response over prepared targets."""
    aggs = parse_aggs(spec)
    if not aggs:
        return {}
    partials = []
    refused = misplaced(aggs)
    for target in targets:
        shard = Shard(target, single=len(targets) == 1)
        try:
            if refused is not None:  # Elasticsearch refuses it on each shard, as it builds
                raise parent_error(refused)
            partials.append(collect_level(aggs, shard, target.compiled)[1])
        except SearchPhaseError:
            raise
        except EngineError as error:
            raise SearchPhaseError(error, target.index.name) from None
    return {name: agg.output(agg.reduce([p[name] for p in partials])) for name, agg in aggs.items()}


_BAD_NAME = re.compile(r"[\[\]>]")


def parse_aggs(spec: Any) -> dict[str, Agg]:
    """The aggregations of an ``aggs`` object, validated as Elasticsearch's parser does."""
    aggs: dict[str, Agg] = {}
    for name, body in spec.items():
        if _BAD_NAME.search(name):
            raise ParsingError(
                f"Invalid aggregation name [{name}]. Aggregation names can contain any character "
                "except '[', ']', and '>'"
            )
        if not isinstance(body, dict):
            raise ParsingError(
                f"Aggregation definition for [{name} starts with a [{token_name(body)}], "
                "expected a [START_OBJECT]."
            )
        aggs[name] = _parse_one(name, body)
    return aggs


def _parse_one(name: str, body: dict[str, Any]) -> Agg:
    kind: str | None = None
    params: dict[str, Any] = {}  # the body under ``kind``
    meta: dict[str, Any] | None = None
    subs: dict[str, Agg] | None = None
    for key, value in body.items():
        if not isinstance(value, dict):
            raise ParsingError(
                f"Expected [START_OBJECT] under [{key}], but got a [{token_name(value)}] in "
                f"[{name}]"
            )
        if key == "meta":
            meta = value
        elif key in ("aggs", "aggregations"):
            if subs is not None:
                raise ParsingError(f"Found two sub aggregation definitions under [{name}]")
            subs = parse_aggs(value)
        else:
            if kind is not None:
                raise ParsingError(
                    f"Found two aggregation type definitions in [{name}]: [{kind}] and [{key}]"
                )
            kind, params = key, value
    if kind is None:
        raise ParsingError(f"Missing definition for aggregation [{name}]")
    cls = REGISTRY.get(kind)
    if cls is None:
        if kind in KNOWN_TYPES:
            raise Unsupported(f"the [{kind}] aggregation")
        raise ParsingError(f"Unknown aggregation type [{kind}]{suggest(kind, KNOWN_TYPES)}")
    return cls(name, params, meta, subs or {})


__all__ = ["aggregate"]
