"""The ``_cat`` APIs: the cluster as tables people read in a terminal (or scripts parse).

This module has the list of tables and those of indices and shards (indices, count, aliases,
shards, segments, recovery); :mod:`.cat_cluster` those of the cluster and its node. Each handler
gives the rows of its table; :mod:`.table` renders them as Elasticsearch does, and
:mod:`.cat_columns` names the columns. The engine is one node holding one shard per index (its
replicas, if an index asks for some, have nowhere to go and stay unassigned, which is what
cluster health reports too), so the shards, segments and recovery tables have a row per index.
A figure the engine does not have (JVM heap, the counters of operations it does not keep) is
absent from the row, and the table shows it as Elasticsearch shows a missing value.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from ..cluster import Cluster
from ..errors import IllegalArgument, ParsingError
from ..http import Request
from ..index import Index
from ..names import Options
from ..search.collect import count_hits, make_targets
from . import cat_columns as columns
from .arguments import boolean, index_options, object_body, split, uri_query
from .cluster import health_status
from .node import NODE_HOST, NODE_ID, NODE_NAME
from .search import SEARCH_DEFAULTS
from .table import Bytes, Duration, Lazy, serve

#: The parameters that choose indices (IndicesOptions.fromRequest).
INDICES_OPTIONS = ("expand_wildcards", "ignore_unavailable", "allow_no_indices", "ignore_throttled")
#: Read by the APIs that ask the master for the cluster state (nothing to wait for here).
MASTER = ("master_timeout", "local")

# Elasticsearch's _cat/indices resolves indices as strict_expand: open and closed, not hidden.
_INDICES_DEFAULTS = Options(
    ignore_unavailable=False, allow_no_indices=True, expand_closed=True, forbid_closed=False
)


def _once(function: Callable[[], Any]) -> Lazy:
    """A lazy cell computed at most once, for cells that share it (sizes of all and primaries)."""
    return Lazy(functools.cache(function))


def timestamp() -> dict[str, Any]:
    """The ``epoch`` and ``timestamp`` cells of the tables that have them."""
    now = time.time()
    return {"epoch": int(now), "timestamp": time.strftime("%H:%M:%S", time.gmtime(now))}


def _date_time(millis: int) -> str:
    """Elasticsearch's ``strict_date_time`` in UTC: ``2025-04-09T22:07:56.396Z``."""
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


def index_stats(engine: Cluster, index: Index) -> dict[str, Any]:
    """The statistics the engine has of an index, as the ``_cat`` tables name them.

    Caches the engine does not have (fielddata, query, request, completion) hold nothing; the
    counters of operations it does not keep (indexing, get, search, refresh, merge times and
    totals) are left out.
    """
    scrolls, pits = engine.contexts.open_on(index)
    stats: dict[str, Any] = {
        "completion.size": Bytes(0),
        "fielddata.memory_size": Bytes(0),
        "fielddata.evictions": 0,
        "query_cache.memory_size": Bytes(0),
        "query_cache.evictions": 0,
        "query_cache.hit_count": 0,
        "query_cache.miss_count": 0,
        "request_cache.memory_size": Bytes(0),
        "request_cache.evictions": 0,
        "request_cache.hit_count": 0,
        "request_cache.miss_count": 0,
        "search.open_contexts": scrolls + pits,
        "search.scroll_current": scrolls,
        "segments.count": index.segment_count(),
    }
    # One copy of every operation: the primary's checkpoints are the global ones.
    for name in ("seq_no.max", "seq_no.local_checkpoint", "seq_no.global_checkpoint"):
        stats[name] = index.max_seq_no
    return stats


# /_cat/indices


def cat_indices(engine: Cluster, request: Request, index: str | None = None) -> Any:
    """Every index: health, status, shards, documents, sizes, and the statistics the engine has.

    ``store.size`` (and ``pri.store.size``, ``dataset.size``: the one copy is the primary) is
    :meth:`Index.store_size`: the files of an index on disk, the ``_source`` bytes of one in
    memory. ``docs.deleted`` is absent for an index in memory (tantivy does not say).
    """
    params = request.params
    wanted = params.get("health")
    if wanted is not None and wanted.lower() not in ("green", "yellow", "red"):
        raise IllegalArgument(f"unknown cluster health status [{wanted}]")

    def rows() -> list[dict[str, Any]]:
        targets = engine.resolve_indices(index, index_options(params, _INDICES_DEFAULTS))
        table = []
        for target in sorted(targets, key=lambda i: i.name):
            health = health_status([target])
            if wanted is not None and health != wanted.lower():
                continue
            if target.state == "close":  # no statistics for a closed index, as in Elasticsearch
                table.append(_closed_row(target, health))
                continue
            size = _once(functools.partial(_store_size, target))
            row = {
                "health": health,
                "status": "open",
                "index": target.name,
                "uuid": target.uuid,
                "pri": 1,
                "rep": target.replicas,
                "docs.count": target.count(),
                "docs.deleted": Lazy(target.deleted_docs),
                "creation.date": target.creation_date,
                "creation.date.string": _date_time(target.creation_date),
                "store.size": size,
                "pri.store.size": size,
                "dataset.size": size,
            }
            for name, value in index_stats(engine, target).items():
                row[name] = row[f"pri.{name}"] = value
            table.append(row)
        return table

    accepts = (*INDICES_OPTIONS, *MASTER, "health", "include_unloaded_segments")
    return serve(request, columns.INDICES, rows, accepts=accepts, path={"index": index})


def _closed_row(target: Index, health: str) -> dict[str, Any]:
    return {
        "health": health,
        "status": "close",
        "index": target.name,
        "uuid": target.uuid,
        "pri": 1,
        "rep": target.replicas,
        "creation.date": target.creation_date,
        "creation.date.string": _date_time(target.creation_date),
    }


def _store_size(index: Index) -> Bytes:
    return Bytes(index.store_size())


# /_cat/count


def cat_count(engine: Cluster, request: Request, index: str | None = None) -> Any:
    """Documents matching a query (``q`` or a body's ``query``; all of them by default)."""

    def rows() -> list[dict[str, Any]]:
        body = object_body(request.body)
        for key in body:
            if key != "query":
                raise ParsingError(f"request does not support [{key}]")
        query = uri_query(request.params) or body.get("query")
        targets = make_targets(engine, engine.resolve(index, SEARCH_DEFAULTS))
        return [{**timestamp(), "count": count_hits(engine, targets, query)}]

    accepts = ("q", "df", "analyzer", "analyze_wildcard", "default_operator", "lenient")
    return serve(request, columns.COUNT, rows, accepts=accepts, path={"index": index})


# /_cat/aliases


def cat_aliases(engine: Cluster, request: Request, alias: str | None = None) -> Any:
    """Every alias of every index (hidden ones too), or those ``alias`` names."""

    def rows() -> list[dict[str, Any]]:
        options = index_options(request.params, Options(expand_hidden=True))
        table = []
        for target in sorted(engine.resolve_indices(None, options), key=lambda i: i.name):
            for name, props in sorted(target.aliases.items()):
                if not _alias_wanted(name, split(alias)):
                    continue
                writer = props.get("is_write_index")
                table.append(
                    {
                        "alias": name,
                        "index": target.name,
                        "filter": "*" if props.get("filter") else "-",
                        "routing.index": props.get("index_routing") or "-",
                        "routing.search": props.get("search_routing") or "-",
                        "is_write_index": "-" if writer is None else str(writer).lower(),
                    }
                )
        return table

    accepts = ("expand_wildcards", *MASTER)
    return serve(request, columns.ALIASES, rows, accepts=accepts, path={"alias": alias})


def _alias_wanted(alias: str, patterns: list[str]) -> bool:
    """Whether alias patterns take ``alias``: the last pattern that matches it decides, and
    ``-pattern`` after a wildcard excludes, as Elasticsearch resolves alias names."""
    if not patterns or patterns in (["_all"], ["*"]):
        return True
    wanted = False
    wildcard_seen = False
    for pattern in patterns:
        include = True
        if pattern.startswith("-") and wildcard_seen:
            pattern, include = pattern[1:], False
        wildcard_seen = wildcard_seen or "*" in pattern or pattern == "_all"
        if pattern == "_all" or fnmatchcase(alias, pattern):
            wanted = include
    return wanted


# /_cat: the list


#: The tables, in Elasticsearch's order, each with the paths its ``/_cat`` listing shows.
_LISTING = (
    "/_cat/allocation",
    "/_cat/shards",
    "/_cat/shards/{index}",
    "/_cat/master",
    "/_cat/nodes",
    "/_cat/indices",
    "/_cat/indices/{index}",
    "/_cat/segments",
    "/_cat/segments/{index}",
    "/_cat/count",
    "/_cat/count/{index}",
    "/_cat/recovery",
    "/_cat/recovery/{index}",
    "/_cat/health",
    "/_cat/pending_tasks",
    "/_cat/aliases",
    "/_cat/aliases/{alias}",
    "/_cat/thread_pool",
    "/_cat/thread_pool/{thread_pools}",
    "/_cat/plugins",
    "/_cat/fielddata",
    "/_cat/fielddata/{fields}",
    "/_cat/templates",
)


def cat(engine: Cluster, request: Request) -> Any:
    """``GET /_cat``: the cat, and the tables there are."""
    return 200, "=^.^=\n" + "".join(f"{path}\n" for path in _LISTING)


# /_cat/shards


def cat_shards(engine: Cluster, request: Request, index: str | None = None) -> Any:
    """Each index's shard, started on this node, and its replicas, unassigned (there is no
    other node to put them on), as ``_cat/indices`` and cluster health count them."""

    def rows() -> list[dict[str, Any]]:
        targets = engine.resolve_indices(index, Options(expand_hidden=True))
        table = []
        now = time.time() * 1000
        for target in sorted(targets, key=lambda i: i.name):
            size = _once(functools.partial(_store_size, target))
            table.append(
                {
                    "index": target.name,
                    "shard": 0,
                    "prirep": "p",
                    "state": "STARTED",
                    "docs": target.count(),
                    "store": size,
                    "dataset": size,
                    "ip": NODE_HOST,
                    "id": NODE_ID,
                    "node": NODE_NAME,
                    "path.data": target.directory,
                    "path.state": target.directory,
                    **index_stats(engine, target),
                }
            )
            recovered = target.recovery.kind == "existing_store"
            since = target.recovery.started if recovered else target.creation_date
            for _ in range(target.replicas):
                table.append(
                    {
                        "index": target.name,
                        "shard": 0,
                        "prirep": "r",
                        "state": "UNASSIGNED",
                        "unassigned.reason": "CLUSTER_RECOVERED" if recovered else "INDEX_CREATED",
                        "unassigned.at": _date_time(since),
                        "unassigned.for": Duration.of_millis(max(0.0, now - since)),
                        "recoverysource.type": "peer",
                    }
                )
        return table

    return serve(request, columns.SHARDS, rows, accepts=("master_timeout",), path={"index": index})


# /_cat/segments


def cat_segments(engine: Cluster, request: Request, index: str | None = None) -> Any:
    """The segments of each index. On disk, those of its last commit (tantivy's ``meta.json``),
    with their documents and files; in memory, one row per segment the searcher reads, whose
    name and size tantivy does not tell."""
    params = request.params

    def rows() -> list[dict[str, Any]]:
        table = []
        for target in sorted(
            engine.resolve_indices(index, index_options(params)), key=lambda i: i.name
        ):
            where = {"index": target.name, "shard": 0, "prirep": "p", "ip": NODE_HOST}
            where |= {"id": NODE_ID, "compound": False}
            infos = target.segment_infos()
            if infos is None:
                table += [
                    {**where, "committed": False, "searchable": True}
                    for _ in range(target.segment_count())
                ]
                continue
            for info in infos:
                table.append(
                    {
                        **where,
                        "segment": info.name,
                        "docs.count": info.max_doc - info.deleted,
                        "docs.deleted": info.deleted,
                        "size": Bytes(info.size),
                        "committed": True,
                    }
                )
        return table

    accepts = (*INDICES_OPTIONS, *MASTER, "allow_closed")
    return serve(request, columns.SEGMENTS, rows, accepts=accepts, path={"index": index})


# /_cat/recovery


def cat_recovery(engine: Cluster, request: Request, index: str | None = None) -> Any:
    """How each index came to be open: a new empty store, or the store on disk with the
    translog replayed over it (:class:`~djangoes_engine.index.Recovery`). Every recovery is
    done: ``active_only`` shows none."""
    params = request.params

    def rows() -> list[dict[str, Any]]:
        if boolean(params, "active_only"):
            return []
        table = []
        for target in sorted(
            engine.resolve_indices(index, index_options(params)), key=lambda i: i.name
        ):
            recovery = target.recovery
            done = "100.0%" if recovery.files else "0.0%"
            table.append(
                {
                    "index": target.name,
                    "shard": 0,
                    "start_time": _date_time(recovery.started),
                    "start_time_millis": recovery.started,
                    "stop_time": _date_time(recovery.stopped),
                    "stop_time_millis": recovery.stopped,
                    "time": Duration.of_millis(recovery.stopped - recovery.started),
                    "type": recovery.kind,
                    "stage": "done",
                    "source_host": "n/a",
                    "source_node": "n/a",
                    "target_host": NODE_HOST,
                    "target_node": NODE_NAME,
                    "repository": "n/a",
                    "snapshot": "n/a",
                    "files": 0,
                    "files_recovered": 0,
                    "files_percent": done,
                    "files_total": recovery.files,
                    "bytes": Bytes(0),
                    "bytes_recovered": Bytes(0),
                    "bytes_percent": done,
                    "bytes_total": Bytes(recovery.size),
                    "translog_ops": recovery.operations,
                    "translog_ops_recovered": recovery.operations,
                    "translog_ops_percent": "100.0%",
                }
            )
        return table

    accepts = (*INDICES_OPTIONS, "active_only", "detailed")
    return serve(request, columns.RECOVERY, rows, accepts=accepts, path={"index": index})
