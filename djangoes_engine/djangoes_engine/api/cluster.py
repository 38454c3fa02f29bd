"""Cluster-level APIs: info, health, state and nodes (the ``_cat`` tables are in :mod:`.cat`)."""

from __future__ import annotations

from typing import Any

from ..cluster import CLUSTER_NAME, VERSION, Cluster
from ..http import Request
from ..names import Options
from .node import BUILD_HASH, BUILD_TYPE, NODE_HOST, NODE_ID, NODE_NAME, ROLES

_BUILD_DATE = "2025-04-09T22:07:56.396Z"


def info(engine: Cluster, request: Request):
    return 200, {
        "name": NODE_NAME,
        "cluster_name": CLUSTER_NAME,
        "cluster_uuid": engine.cluster_uuid,
        "version": {
            "number": VERSION,
            "build_flavor": "default",
            "build_type": BUILD_TYPE,
            "build_hash": BUILD_HASH,
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


def health_status(indices: list[Any]) -> str:
    """Green, or yellow when some index wants replicas: this one node cannot hold them."""
    return "yellow" if any(i.replicas > 0 for i in indices) else "green"


def health(engine: Cluster, request: Request, index: str | None = None):
    targets = (
        engine.resolve_indices(index, Options(allow_no_indices=True))
        if index
        else list(engine.indices.values())
    )
    status = health_status(targets)
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
                "status": health_status([i]),
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


def state(engine: Cluster, request: Request):
    return 200, {
        "cluster_name": CLUSTER_NAME,
        "cluster_uuid": engine.cluster_uuid,
        "master_node": NODE_ID,
        "metadata": {
            "indices": {
                name: {
                    "state": "open",
                    "settings": index.settings.as_response(flat=False)["settings"],
                    "mappings": {"_doc": index.mapping.to_dict()},
                    "aliases": sorted(index.aliases),
                }
                for name, index in engine.indices.items()
            }
        },
    }


def nodes(engine: Cluster, request: Request):
    return 200, {
        "_nodes": {"total": 1, "successful": 1, "failed": 0},
        "cluster_name": CLUSTER_NAME,
        "nodes": {
            NODE_ID: {
                "name": NODE_NAME,
                "version": VERSION,
                "roles": list(ROLES),
                "http": {"publish_address": f"{NODE_HOST}:9200"},
            }
        },
    }
