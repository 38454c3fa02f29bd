"""Cluster-level APIs: info, health, and the ``_cat`` views people read in a terminal."""

from __future__ import annotations

import time
from typing import Any

from ..cluster import CLUSTER_NAME, VERSION, Cluster
from ..errors import IllegalArgument
from ..http import Request
from ..names import Options
from .arguments import index_options, split

_BUILD_DATE = "2025-04-09T22:07:56.396Z"


def info(engine: Cluster, request: Request):
    return 200, {
        "name": "embedded",
        "cluster_name": CLUSTER_NAME,
        "cluster_uuid": engine.cluster_uuid,
        "version": {
            "number": VERSION,
            "build_flavor": "default",
            "build_type": "djangoes-embedded",
            "build_hash": "djangoes",
            "build_date": _BUILD_DATE,
            "build_snapshot": False,
            "lucene_version": "10.1.0",
            "minimum_wire_compatibility_version": "8.18.0",
            "minimum_index_compatibility_version": "8.0.0",
        },
        "tagline": "You Know, for Search",
    }


def ping(engine: Cluster, request: Request):
    return 200, None


def _health_status(indices: list[Any]) -> str:
    return "yellow" if any(i.replicas > 0 for i in indices) else "green"


def health(engine: Cluster, request: Request, index: str | None = None):
    targets = (
        engine.resolve_indices(index, Options(allow_no_indices=True))
        if index
        else list(engine.indices.values())
    )
    status = _health_status(targets)
    wanted = request.params.get("wait_for_status")
    timed_out = wanted == "green" and status != "green"
    shards = len(targets)
    unassigned = sum(i.replicas for i in targets)
    body = {
        "cluster_name": CLUSTER_NAME,
        "status": status,
        "timed_out": timed_out,
        "number_of_nodes": 1,
        "number_of_data_nodes": 1,
        "active_primary_shards": shards,
        "active_shards": shards,
        "relocating_shards": 0,
        "initializing_shards": 0,
        "unassigned_shards": unassigned,
        "unassigned_primary_shards": 0,
        "delayed_unassigned_shards": 0,
        "number_of_pending_tasks": 0,
        "number_of_in_flight_fetch": 0,
        "task_max_waiting_in_queue_millis": 0,
        "active_shards_percent_as_number": 100.0 * shards / (shards + unassigned)
        if shards + unassigned
        else 100.0,
    }
    if request.params.get("level") in ("indices", "shards"):
        body["indices"] = {
            i.name: {
                "status": _health_status([i]),
                "number_of_shards": 1,
                "number_of_replicas": i.replicas,
                "active_primary_shards": 1,
                "active_shards": 1,
                "relocating_shards": 0,
                "initializing_shards": 0,
                "unassigned_shards": i.replicas,
                "unassigned_primary_shards": 0,
            }
            for i in targets
        }
    return (408 if timed_out else 200), body


STATE_METRICS = (
    "version",
    "master_node",
    "blocks",
    "nodes",
    "metadata",
    "routing_table",
    "routing_nodes",
)


def state(engine: Cluster, request: Request, metric: str | None = None, index: str | None = None):
    """``_cluster/state[/{metric}[/{index}]]``: the parts asked for, of the indices asked for."""
    metrics = set(split(metric)) or {"_all"}
    unknown = sorted(metrics - {*STATE_METRICS, "_all"})
    if unknown:
        raise IllegalArgument(
            f"request [/_cluster/state/{metric}] contains unrecognized metric: [{unknown[0]}]"
        )
    if "_all" in metrics:
        metrics = set(STATE_METRICS)
    options = index_options(request.params, Options(allow_no_indices=True, expand_closed=True))
    targets = engine.resolve_indices(index, options) if index else list(engine.indices.values())
    body: dict[str, Any] = {"cluster_name": CLUSTER_NAME, "cluster_uuid": engine.cluster_uuid}
    if "version" in metrics:
        body["version"] = 1
        body["state_uuid"] = engine.cluster_uuid
    if "master_node" in metrics:
        body["master_node"] = "embedded"
    if "blocks" in metrics:
        body["blocks"] = {}
    if "nodes" in metrics:
        body["nodes"] = {"embedded": {"name": "embedded", "transport_address": "127.0.0.1:9300"}}
    if "metadata" in metrics:
        body["metadata"] = {
            "cluster_uuid": engine.cluster_uuid,
            "cluster_uuid_committed": True,
            "templates": engine.stored("templates"),
            "indices": {i.name: _index_metadata(i) for i in targets},
            "index_template": {"index_template": engine.stored("index_templates")},
            "component_template": {"component_template": engine.stored("component_templates")},
        }
    if "routing_table" in metrics:
        body["routing_table"] = {
            "indices": {
                i.name: {"shards": {"0": [_shard_routing(i)]}} for i in targets if i.state == "open"
            }
        }
    return 200, body


def _index_metadata(index: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "state": index.state,
        "settings": index.settings.as_response(flat=False)["settings"],
        "mappings": {"_doc": index.mapping.to_dict()},
        "aliases": sorted(index.aliases),
        "primary_terms": {"0": 1},
        "in_sync_allocations": {"0": []},
    }


def _shard_routing(index: Any) -> dict[str, Any]:
    return {
        "state": "STARTED",
        "primary": True,
        "node": "embedded",
        "shard": 0,
        "index": index.name,
    }


def nodes(engine: Cluster, request: Request):
    return 200, {
        "_nodes": {"total": 1, "successful": 1, "failed": 0},
        "cluster_name": CLUSTER_NAME,
        "nodes": {
            "embedded": {
                "name": "embedded",
                "version": VERSION,
                "roles": ["data", "ingest", "master"],
                "http": {"publish_address": "127.0.0.1:9200"},
            }
        },
    }


def _table(rows: list[list[Any]], headers: list[str], request: Request) -> Any:
    """``_cat`` output: JSON when ``format=json``, else aligned text (``v`` adds headers)."""
    if request.params.get("format") == "json":
        return [dict(zip(headers, map(str, row), strict=True)) for row in rows]
    table = (
        [headers] + [[str(c) for c in row] for row in rows]
        if "v" in request.params
        else [[str(c) for c in row] for row in rows]
    )
    if not table:
        return ""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return "".join(
        " ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in table
    )


def cat_indices(engine: Cluster, request: Request, index: str | None = None):
    targets = engine.resolve_indices(index) if index else list(engine.indices.values())
    rows = [
        [_health_status([i]), "open", i.name, i.uuid, 1, i.replicas, i.count(), 0]
        for i in sorted(targets, key=lambda i: i.name)
    ]
    headers = ["health", "status", "index", "uuid", "pri", "rep", "docs.count", "docs.deleted"]
    return 200, _table(rows, headers, request)


def cat_health(engine: Cluster, request: Request):
    now = int(time.time())
    status = _health_status(list(engine.indices.values()))
    rows = [[now, time.strftime("%H:%M:%S", time.gmtime(now)), CLUSTER_NAME, status, 1, 1]]
    return 200, _table(
        rows, ["epoch", "timestamp", "cluster", "status", "node.total", "node.data"], request
    )


def cat_count(engine: Cluster, request: Request, index: str | None = None):
    targets = engine.resolve_indices(index) if index else list(engine.indices.values())
    now = int(time.time())
    total = sum(i.count() for i in targets)
    return 200, _table(
        [[now, time.strftime("%H:%M:%S", time.gmtime(now)), total]],
        ["epoch", "timestamp", "count"],
        request,
    )


def cat_aliases(engine: Cluster, request: Request, name: str | None = None):
    rows = []
    for index in sorted(engine.indices.values(), key=lambda i: i.name):
        for alias, props in sorted(index.aliases.items()):
            if name and alias != name:
                continue
            rows.append(
                [
                    alias,
                    index.name,
                    "*" if props.get("filter") else "-",
                    props.get("index_routing", "-"),
                    props.get("search_routing", "-"),
                    str(props.get("is_write_index", "-")).lower(),
                ]
            )
    headers = ["alias", "index", "filter", "routing.index", "routing.search", "is_write_index"]
    return 200, _table(rows, headers, request)
