"""Cluster-level APIs: info, health, state and nodes (the ``_cat`` tables are in :mod:`.cat`)."""

from __future__ import annotations

from typing import Any

from .. import datastreams
from ..cluster import CLUSTER_NAME, VERSION, Cluster
from ..errors import IllegalArgument
from ..http import Request
from ..names import Options
from .arguments import index_options, split
from .node import BUILD_HASH, BUILD_TYPE, NODE_HOST, NODE_ID, NODE_NAME, ROLES

_BUILD_DATE = "2025-04-09T22:07:56.396Z"
#: The OpenSearch release whose API the engine answers opensearch-py with: the 2.x line, whose
#: documents have no ``_type`` (as the engine's), and which opensearch-py 2 and 3 both speak.
OPENSEARCH_VERSION = "2.19.0"


def info(engine: Cluster, request: Request):
    if request.opensearch:
        return 200, opensearch_info(engine)
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


def opensearch_info(engine: Cluster) -> dict[str, Any]:
    """The root endpoint as OpenSearch answers it: ``distribution`` names the product, the
    number is OpenSearch's, the tagline its own (clients and tools tell the two apart so)."""
    return {
        "name": NODE_NAME,
        "cluster_name": CLUSTER_NAME,
        "cluster_uuid": engine.cluster_uuid,
        "version": {
            "distribution": "opensearch",
            "number": OPENSEARCH_VERSION,
            "build_type": BUILD_TYPE,
            "build_hash": BUILD_HASH,
            "build_date": _BUILD_DATE,
            "build_snapshot": False,
            "lucene_version": "9.12.1",
            "minimum_wire_compatibility_version": "7.10.0",
            "minimum_index_compatibility_version": "7.0.0",
        },
        "tagline": "The OpenSearch Project: https://opensearch.org/",
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
    options = index_options(
        request.params, Options(allow_no_indices=True, expand_closed=True, forbid_closed=False)
    )
    targets = engine.resolve_indices(index, options) if index else list(engine.indices.values())
    body: dict[str, Any] = {"cluster_name": CLUSTER_NAME, "cluster_uuid": engine.cluster_uuid}
    if "version" in metrics:
        body["version"] = 1
        body["state_uuid"] = engine.cluster_uuid
    if "master_node" in metrics:
        body["master_node"] = NODE_ID
    if "blocks" in metrics:
        body["blocks"] = {}
    if "nodes" in metrics:
        body["nodes"] = {NODE_ID: {"name": NODE_NAME, "transport_address": f"{NODE_HOST}:9300"}}
    if "metadata" in metrics:
        body["metadata"] = {
            "cluster_uuid": engine.cluster_uuid,
            "cluster_uuid_committed": True,
            "templates": engine.stored("templates"),
            "indices": {i.name: _index_metadata(i) for i in targets},
            "index_template": {"index_template": engine.stored("index_templates")},
            "component_template": {"component_template": engine.stored("component_templates")},
            "data_stream": {
                "data_stream": _data_streams_metadata(engine, {i.name for i in targets}),
                "data_stream_aliases": {},
            },
        }
    if "routing_table" in metrics:
        body["routing_table"] = {
            "indices": {
                i.name: {"shards": {"0": [_shard_routing(i)]}} for i in targets if i.state == "open"
            }
        }
    return 200, body


def _data_streams_metadata(engine: Cluster, shown: set[str]) -> dict[str, Any]:
    """The data streams of the shown indices, as the metadata serializes them
    (DataStream.toXContent): an index filter keeps those one of whose backing indices it shows."""
    found: dict[str, Any] = {}
    for name, stream in sorted(engine.data_streams().items()):
        if not shown.intersection(stream["indices"]):
            continue
        body: dict[str, Any] = {
            "name": name,
            "timestamp_field": {"name": datastreams.TIMESTAMP_FIELD},
            "indices": [
                {"index_name": i, "index_uuid": engine.indices[i].uuid}
                for i in stream["indices"]
                if i in engine.indices
            ],
            "generation": stream["generation"],
        }
        if stream.get("_meta") is not None:
            body["_meta"] = stream["_meta"]
        body.update(
            hidden=bool(stream.get("hidden")),
            replicated=False,
            system=False,
            allow_custom_routing=bool(stream.get("allow_custom_routing")),
            rollover_on_write=False,
        )
        found[name] = body
    return found


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
        "node": NODE_ID,
        "shard": 0,
        "index": index.name,
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
