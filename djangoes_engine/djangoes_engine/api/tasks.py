"""The task management API (``GET /_tasks``, ``GET /_tasks/{task_id}``).

The engine runs nothing in the background: listing tasks finds only the listing itself (a
``cluster:monitor/tasks/lists`` task and its node-level child, as Elasticsearch lists them), and
a task is found by id only if a ``wait_for_completion=false`` request stored its result.
Everything else is Elasticsearch's answer for a task that is not running and left no result.
"""

from __future__ import annotations

import fnmatch
import time
from typing import Any

from ..cluster import Cluster
from ..errors import IllegalArgument, IndexNotFound, NotFound
from ..http import Request
from .arguments import boolean, split
from .node import NODE_HOST, NODE_ID, NODE_NAME, ROLES

LIST_ACTION = "cluster:monitor/tasks/lists"
#: Where Elasticsearch keeps the results of finished tasks (never created here).
TASK_INDEX = ".tasks"
_GROUPS = ("nodes", "parents", "none")


def list_tasks(engine: Cluster, request: Request):
    params = request.params
    started = time.time_ns()
    detailed = boolean(params, "detailed")
    actions = split(params.get("actions"))
    parent_given = params.get("parent_task_id")
    # -1 (or unset) asks for every task, as Elasticsearch's TaskId reads it
    parent_filter = (
        _task_id(parent_given) if parent_given not in (None, "", "unset", "-1") else None
    )
    boolean(params, "wait_for_completion")
    group_by = params.get("group_by", "nodes")
    parent = engine.next_task_id()
    child = engine.next_task_id()
    headers = {}
    if "x-opaque-id" in request.headers:
        headers["X-Opaque-Id"] = request.headers["x-opaque-id"]
    tasks = [
        _task(parent, "transport", LIST_ACTION, started, detailed, None, headers),
        _task(child, "direct", f"{LIST_ACTION}[n]", started, detailed, parent, headers),
    ]
    if _on_this_node(split(params.get("nodes"))):
        tasks = [
            t
            for t in tasks
            if (not actions or any(fnmatch.fnmatchcase(t["action"], a) for a in actions))
            and (parent_filter is None or t.get("parent_task_id") == parent_filter)
        ]
    else:
        tasks = []
    if group_by not in _GROUPS:
        raise IllegalArgument(
            f"[group_by] must be one of [nodes], [parents] or [none] but was [{group_by}]"
        )
    if group_by == "none":
        return 200, {"tasks": tasks}
    if group_by == "parents":
        return 200, {"tasks": _by_parent(tasks)}
    if not tasks:
        return 200, {"nodes": {}}
    return 200, {
        "nodes": {
            NODE_ID: {
                "name": NODE_NAME,
                "transport_address": f"{NODE_HOST}:9300",
                "host": NODE_HOST,
                "ip": f"{NODE_HOST}:9300",
                "roles": list(ROLES),
                "tasks": {f"{t['node']}:{t['id']}": t for t in tasks},
            }
        }
    }


def _on_this_node(nodes: list[str]) -> bool:
    """Whether a ``nodes`` filter selects the one node (by id, name, address or role)."""
    if not nodes:
        return True
    chosen = False
    for spec in nodes:
        selects = spec in ("_all", "_local", "_master", "*", NODE_ID, NODE_NAME, NODE_HOST)
        selects = (
            selects or fnmatch.fnmatchcase(NODE_ID, spec) or fnmatch.fnmatchcase(NODE_NAME, spec)
        )
        role, _, value = spec.partition(":")
        if value and role in ROLES:
            selects = value == "true"
        chosen = chosen or selects
    return chosen


def _task(
    number: int,
    kind: str,
    action: str,
    started: int,
    detailed: bool,
    parent: int | None,
    headers: dict[str, str],
) -> dict[str, Any]:
    """One task as TaskInfo renders it."""
    task: dict[str, Any] = {"node": NODE_ID, "id": number, "type": kind, "action": action}
    if detailed:
        task["description"] = ""
    task["start_time_in_millis"] = started // 1_000_000
    task["running_time_in_nanos"] = time.time_ns() - started
    task["cancellable"] = False
    if parent is not None:
        task["parent_task_id"] = f"{NODE_ID}:{parent}"
    task["headers"] = dict(headers)
    return task


def _by_parent(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """``group_by=parents``: top-level tasks by id, each with its ``children``."""
    ids = {f"{t['node']}:{t['id']}" for t in tasks}
    groups: dict[str, Any] = {}
    for task in tasks:
        if task.get("parent_task_id") not in ids:
            groups[f"{task['node']}:{task['id']}"] = dict(task)
    for task in tasks:
        parent = task.get("parent_task_id")
        if parent in groups:
            groups[parent].setdefault("children", []).append(task)
    return groups


def get_task(engine: Cluster, request: Request, task_id: str):
    task_id = _task_id(task_id)
    node = task_id.partition(":")[0]
    task = engine.tasks_get(task_id)
    if task is not None:
        return 200, task
    missing = IndexNotFound(TASK_INDEX)
    missing.extra["resource.type"] = "index_expression"
    error = NotFound(
        f"task [{task_id}] isn't running and hasn't stored its results", caused_by=missing
    )
    error.cause_is_root = True
    if node != NODE_ID:
        error = NotFound(
            f"task [{task_id}] belongs to the node [{node}] which isn't part of the cluster and "
            "there is no record of the task",
            caused_by=error,
        )
        error.cause_is_root = True
    raise error


def _task_id(text: str) -> str:
    """A task id as Elasticsearch's TaskId reads it: ``node:number``."""
    node, colon, number = text.partition(":")
    if not colon or ":" in number or not node or not number.lstrip("-").isdigit():
        raise IllegalArgument(f"malformed task id {text}")
    return f"{node}:{int(number)}"
