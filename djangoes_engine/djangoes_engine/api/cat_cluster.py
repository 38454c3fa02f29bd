"""The ``_cat`` tables of the cluster and its one node: health, nodes, master, allocation,
templates, and those the engine has no rows for (plugins, pending tasks, thread pools,
fielddata). The tables of indices and shards are in :mod:`.cat`.
"""

from __future__ import annotations

import os
import time
from fnmatch import fnmatchcase
from typing import Any

from ..cluster import CLUSTER_NAME, VERSION, Cluster
from ..http import Request
from . import cat_columns as columns
from . import node
from .arguments import boolean, split
from .cat import MASTER, index_stats, timestamp
from .cluster import health_status
from .node import BUILD_HASH, BUILD_TYPE, NODE_HOST, NODE_ID, NODE_NAME, ROLE_LETTERS
from .table import Bytes, Duration, Lazy, serve

# /_cat/health


def cat_health(engine: Cluster, request: Request) -> Any:
    """The cluster's health in one line, as ``GET _cluster/health`` has it."""

    def rows() -> list[dict[str, Any]]:
        indices = list(engine.indices.values())
        shards = len(indices)
        unassigned = sum(i.replicas for i in indices)
        percent = 100.0 * shards / (shards + unassigned) if shards + unassigned else 100.0
        return [
            {
                **timestamp(),
                "cluster": CLUSTER_NAME,
                "status": health_status(indices),
                "node.total": 1,
                "node.data": 1,
                "shards": shards,
                "pri": shards,
                "relo": 0,
                "init": 0,
                "unassign": unassigned,
                "unassign.pri": 0,
                "pending_tasks": 0,
                "max_task_wait_time": "-",
                "active_shards_percent": f"{percent:.1f}%",
            }
        ]

    return serve(request, columns.HEALTH, rows)


# /_cat/nodes


def cat_nodes(engine: Cluster, request: Request) -> Any:
    """The one node: the machine it runs on (memory, CPU, load, file descriptors, the disk of
    its data directory) and the statistics of the indices it holds. The JVM's figures (heap,
    JDK) and a transport port it does not have are absent."""
    params = request.params

    def rows() -> list[dict[str, Any]]:
        row: dict[str, Any] = {
            "id": NODE_ID if boolean(params, "full_id") else NODE_ID[:4],
            "pid": os.getpid(),
            "ip": NODE_HOST,
            "version": VERSION,
            "type": BUILD_TYPE,
            "build": BUILD_HASH,
            "available_processors": node.processors(),
            "uptime": Duration.of_millis((time.time() - engine.started) * 1000),
            "node.role": ROLE_LETTERS,
            "master": "*",
            "name": NODE_NAME,
            "shard_stats.total_count": len(engine.indices),
            **_node_stats(engine),
        }
        disk = node.disk(engine.path)
        if disk is not None:
            total, available = disk
            row["disk.total"], row["disk.avail"] = Bytes(total), Bytes(available)
            row["disk.used"] = Bytes(total - available)
            used = 100.0 * (total - available) / total if total else 100.0
            row["disk.used_percent"] = f"{used:.2f}"
        memory = node.memory()
        if memory is not None:
            total, available = memory
            row["ram.current"], row["ram.max"] = Bytes(total - available), Bytes(total)
            row["ram.percent"] = round(100 * (total - available) / total) if total else 0
        files = node.open_files()
        if files is not None:
            row["file_desc.current"], row["file_desc.max"] = files
            row["file_desc.percent"] = int(100 * files[0] / files[1]) if files[1] > 0 else 0
        row["cpu"] = node.cpu_percent()
        load = node.load_average()
        if load is not None:
            for name, value in zip(("load_1m", "load_5m", "load_15m"), load, strict=True):
                row[name] = f"{value:.2f}"
        return [row]

    accepts = ("full_id", "include_unloaded_segments", "master_timeout")
    return serve(request, columns.NODES, rows, accepts=accepts)


def _node_stats(engine: Cluster) -> dict[str, Any]:
    """The indices' statistics summed over the node."""
    totals: dict[str, Any] = {}
    for target in engine.indices.values():
        for name, value in index_stats(engine, target).items():
            if name.startswith("seq_no."):
                continue
            previous = totals.get(name)
            if isinstance(value, Bytes):
                value = Bytes(value.value + (previous.value if previous else 0))
            elif previous is not None:
                value += previous
            totals[name] = value
    return totals


# /_cat/master


def cat_master(engine: Cluster, request: Request) -> Any:
    """The elected master: this node."""

    def rows() -> list[dict[str, Any]]:
        return [{"id": NODE_ID, "host": NODE_HOST, "ip": NODE_HOST, "node": NODE_NAME}]

    return serve(request, columns.MASTER, rows, accepts=MASTER)


# /_cat/allocation


def cat_allocation(engine: Cluster, request: Request, node_id: str | None = None) -> Any:
    """Shards and disk of the node (the disk of its data directory; none in memory), and a row
    of the unassigned replicas if some index wants them."""

    def rows() -> list[dict[str, Any]]:
        indices = list(engine.indices.values())
        table = []
        if _node_selected(split(node_id) or ["data:true"]):
            row: dict[str, Any] = {
                "shards": len(indices),
                "shards.undesired": 0,
                "disk.indices": Lazy(lambda: Bytes(sum(i.store_size() for i in indices))),
                "host": NODE_HOST,
                "ip": NODE_HOST,
                "node": NODE_NAME,
                "node.role": ROLE_LETTERS,
            }
            disk = node.disk(engine.path)
            if disk is not None:
                total, available = disk
                row["disk.used"] = Bytes(total - available)
                row["disk.avail"], row["disk.total"] = Bytes(available), Bytes(total)
                row["disk.percent"] = (total - available) * 100 // total if total else None
            table.append(row)
        unassigned = sum(i.replicas for i in indices)
        if unassigned:
            table.append({"shards": unassigned, "node": "UNASSIGNED"})
        return table

    return serve(request, columns.ALLOCATION, rows, accepts=MASTER, path={"node_id": node_id})


def _node_selected(parts: list[str]) -> bool:
    """Whether node filters (ids, names, addresses, wildcards, ``_all``, ``_local``,
    ``_master``, ``role:true``) take this node."""
    for part in parts:
        if part in ("_all", "_local", "_master"):
            return True
        role, colon, flag = part.partition(":")
        if colon:
            if (role in node.ROLES) == (flag == "true"):
                return True
        elif any(fnmatchcase(name, part) for name in (NODE_ID, NODE_NAME, NODE_HOST)):
            return True
    return False


# /_cat/templates


def cat_templates(engine: Cluster, request: Request, name: str | None = None) -> Any:
    """Legacy templates, then composable ones (``index_templates``), those ``name`` matches."""

    def rows() -> list[dict[str, Any]]:
        table = []
        for kind in ("templates", "index_templates"):
            legacy = kind == "templates"
            for template, stored in sorted(engine.stored(kind).items()):
                if name is not None and not fnmatchcase(template, name):
                    continue
                body = stored.get("index_template", stored) if isinstance(stored, dict) else {}
                patterns = body.get("index_patterns") or []
                patterns = [patterns] if isinstance(patterns, str) else patterns
                composed = body.get("composed_of") or []
                table.append(
                    {
                        "name": template,
                        "index_patterns": f"[{', '.join(map(str, patterns))}]",
                        "order": (body.get("order") if legacy else body.get("priority")) or 0,
                        "version": body.get("version"),
                        "composed_of": "" if legacy else f"[{', '.join(map(str, composed))}]",
                    }
                )
        return table

    return serve(request, columns.TEMPLATES, rows, accepts=MASTER, path={"name": name})


# Tables the engine has no rows for


def cat_plugins(engine: Cluster, request: Request) -> Any:
    """No plugins: the engine is one piece."""
    accepts = ("include_bootstrap", *MASTER)
    return serve(request, columns.PLUGINS, list, accepts=accepts)


def cat_pending_tasks(engine: Cluster, request: Request) -> Any:
    """No pending cluster tasks: the cluster's state changes as each request is served."""
    return serve(request, columns.PENDING_TASKS, list, accepts=MASTER)


def cat_thread_pool(
    engine: Cluster, request: Request, thread_pool_patterns: str | None = None
) -> Any:
    """No thread pools: the engine serves a request on the thread of the transport that brought
    it (the caller's, in-process), not on pools of its own as Elasticsearch does."""
    path = {"thread_pool_patterns": thread_pool_patterns}
    return serve(request, columns.THREAD_POOL, list, accepts=MASTER, path=path)


def cat_fielddata(engine: Cluster, request: Request, fields: str | None = None) -> Any:
    """No fielddata: sorting and aggregations read tantivy's columns, nothing is loaded."""
    return serve(request, columns.FIELDDATA, list, accepts=("fields",), path={"fields": fields})
