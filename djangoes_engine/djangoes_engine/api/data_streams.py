"""Data stream APIs: create, get, delete and stats (``/_data_stream``), answered as
Elasticsearch 9.0 answers them. No lifecycle, ILM or failure store runs here: a data stream
says it is unmanaged and its failure store is disabled."""

from __future__ import annotations

from typing import Any

from .. import datastreams, templates
from ..cluster import Cluster
from ..http import Request
from ..index import Index
from ..names import Options, Resolved
from ..search.collect import make_targets
from ..search.request import SearchParams, SearchRequest
from ..search.response import run
from .arguments import boolean, index_options, refuse_unknown
from .table import byte_size

UNMANAGED = "Unmanaged"
ILM = "Index Lifecycle Management"


def create(engine: Cluster, request: Request, name: str):
    engine.create_data_stream(name)
    return 200, {"acknowledged": True}


def get(engine: Cluster, request: Request, name: str | None = None):
    # Stricter than the route's check (rest/parameters.py): of the index options Elasticsearch
    # reads here, the engine reads only expand_wildcards, and refuses the others.
    refuse_unknown(request, ("expand_wildcards", "include_defaults", "master_timeout", "verbose"))
    names = _selected(engine, request, name)
    verbose = boolean(request.params, "verbose")
    streams = engine.data_streams()
    return 200, {"data_streams": [_info(engine, streams[n], verbose) for n in names]}


def delete(engine: Cluster, request: Request, name: str):
    """Delete data streams; wildcards matching none are fine, a missing name is not."""
    refuse_unknown(request, ("expand_wildcards", "master_timeout"))
    with engine.lock:
        for each in _selected(engine, request, name):
            engine.delete_data_stream(each)
    return 200, {"acknowledged": True}


def stats(engine: Cluster, request: Request, name: str | None = None):
    refuse_unknown(request, ("expand_wildcards",))
    streams = engine.data_streams()
    human = boolean(request.params, "human")
    entries = []
    total_size = 0
    backing = 0
    shards = {"total": 0, "successful": 0, "failed": 0}
    for each in _selected(engine, request, name):
        indices = [engine.indices[i] for i in streams[each]["indices"] if i in engine.indices]
        size = sum(index.store_size() for index in indices)
        total_size += size
        backing += len(indices)
        for index in indices:
            shards["total"] += 1 + index.replicas
            shards["successful"] += 1
        entry: dict[str, Any] = {"data_stream": each, "backing_indices": len(indices)}
        if human:
            entry["store_size"] = byte_size(size)
        entry["store_size_bytes"] = size
        entry["maximum_timestamp"] = _maximum_timestamp(engine, indices)
        entries.append(entry)
    body: dict[str, Any] = {
        "_shards": shards,
        "data_stream_count": len(entries),
        "backing_indices": backing,
    }
    if human:
        body["total_store_size"] = byte_size(total_size)
    body["total_store_size_bytes"] = total_size
    body["data_streams"] = entries
    return 200, body


def _selected(engine: Cluster, request: Request, name: str | None) -> list[str]:
    options = index_options(request.params, Options(expand_open=True, expand_closed=True))
    return datastreams.select(name, engine.data_streams(), expand_hidden=options.expand_hidden)


def _info(engine: Cluster, stream: dict[str, Any], verbose: bool) -> dict[str, Any]:
    """One data stream as ``GET /_data_stream`` shows it (GetDataStreamAction.DataStreamInfo)."""
    name = stream["name"]
    indices = [engine.indices[i] for i in stream["indices"] if i in engine.indices]
    found = datastreams.matching_template(name, engine.metadata)
    settings: dict[str, Any] = {}
    if found is not None:
        settings = templates.resolve_composable(
            found[1], engine.metadata.get(templates.COMPONENT, {})
        )["settings"]
    policy = settings.get("index.lifecycle.name")
    body: dict[str, Any] = {
        "name": name,
        "timestamp_field": {"name": datastreams.TIMESTAMP_FIELD},
        "indices": [_backing_index(index) for index in indices],
        "generation": stream["generation"],
    }
    if stream.get("_meta") is not None:
        body["_meta"] = stream["_meta"]
    body["status"] = "YELLOW" if any(index.replicas for index in indices) else "GREEN"
    if found is not None:
        body["template"] = found[0]
    if policy is not None:
        body["ilm_policy"] = policy
    body["next_generation_managed_by"] = ILM if policy is not None else UNMANAGED
    body["prefer_ilm"] = _prefer_ilm(settings.get("index.lifecycle.prefer_ilm"))
    body["hidden"] = bool(stream.get("hidden"))
    body["system"] = False
    body["allow_custom_routing"] = bool(stream.get("allow_custom_routing"))
    body["replicated"] = False
    body["rollover_on_write"] = False
    if verbose:
        body["maximum_timestamp"] = _maximum_timestamp(engine, indices)
    body["failure_store"] = {"enabled": False, "rollover_on_write": True, "indices": []}
    return body


def _backing_index(index: Index) -> dict[str, Any]:
    policy = index.settings.get("index.lifecycle.name")
    body: dict[str, Any] = {
        "index_name": index.name,
        "index_uuid": index.uuid,
        "prefer_ilm": _prefer_ilm(index.settings.get("index.lifecycle.prefer_ilm")),
    }
    if policy is not None:
        body["ilm_policy"] = policy
    body["managed_by"] = ILM if policy is not None else UNMANAGED
    return body


def _prefer_ilm(value: Any) -> bool:
    return str(value).lower() != "false"


def _maximum_timestamp(engine: Cluster, indices: list[Index]) -> int:
    """The highest ``@timestamp`` searchable in the backing indices, in milliseconds (0 if none)."""
    readable = [Resolved(index.name) for index in indices if index.state == "open"]
    if not readable:
        return 0
    request = SearchRequest.parse(
        {
            "size": 0,
            "track_total_hits": False,
            "aggs": {"max": {"max": {"field": datastreams.TIMESTAMP_FIELD}}},
        },
        SearchParams(),
    )
    value = run(engine, make_targets(engine, readable), request)["aggregations"]["max"]["value"]
    return int(value) if value is not None else 0
