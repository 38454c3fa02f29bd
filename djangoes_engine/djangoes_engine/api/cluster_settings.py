"""Cluster settings (persistent and transient) and pending cluster tasks.

The engine recognises the cluster settings that mean something to it: those it applies and
those that cannot change anything on a single in-process node (allocation, recovery, logging);
any other name is refused as Elasticsearch refuses an unknown one. Persistent settings are kept
in the data directory, transient ones for the life of the process, as in Elasticsearch.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from ..cluster import Cluster
from ..errors import IllegalArgument, ValidationError
from ..http import Request
from ..settings import as_string, flatten, unflatten
from .arguments import boolean, consume_deprecated_local, object_body

#: Settings the engine applies.
APPLIED = {
    "action.auto_create_index": "true",
    "action.destructive_requires_name": "false",
}
#: Settings that have no effect on one node in one process, accepted and kept.
NO_EFFECT = re.compile(
    r"(cluster\.routing\..+|cluster\.info\..+|cluster\.max_shards_per_node(\.frozen)?"
    r"|indices\.recovery\..+|indices\.breaker\..+|indices\.memory\..+|logger\..+"
    r"|cluster\.indices\.close\.enable|cluster\.persistent_tasks\..+|xpack\.monitoring\..+"
    r"|cluster\.service\.slow_task_logging_threshold|ingest\.geoip\.downloader\.enabled)\Z"
)


def _known(name: str) -> bool:
    return name in APPLIED or bool(NO_EFFECT.match(name))


def get_settings(engine: Cluster, request: Request):
    consume_deprecated_local(request.params)
    flat = boolean(request.params, "flat_settings")
    body = {
        "persistent": engine.stored("persistent_settings"),
        "transient": engine.transient_settings,
    }
    if boolean(request.params, "include_defaults"):
        body["defaults"] = dict(APPLIED)
    return 200, body if flat else {k: unflatten(v) for k, v in body.items()}


def put_settings(engine: Cluster, request: Request):
    body = object_body(request.body, required=True)
    unknown = sorted(set(body) - {"persistent", "transient"})
    if unknown:
        raise IllegalArgument(f"request body contains unknown key [{unknown[0]}]")
    updates = {kind: flatten(body.get(kind) or {}) for kind in ("persistent", "transient")}
    if not any(updates.values()):
        raise ValidationError("no settings to update")
    for kind, changes in updates.items():
        for name, value in changes.items():
            if value is not None and not _known(name):
                raise IllegalArgument(f"{kind} setting [{name}], not recognized")
    changed: dict[str, dict[str, Any]] = {}
    with engine.lock:
        for kind, changes in updates.items():
            current = dict(
                engine.stored("persistent_settings")
                if kind == "persistent"
                else engine.transient_settings
            )
            for name, value in changes.items():
                if value is None:  # a reset: by name, or by pattern ("cluster.*")
                    for key in [k for k in current if fnmatch.fnmatchcase(k, name)]:
                        del current[key]
                else:
                    current[name] = as_string(value)
            changed[kind] = {k: as_string(v) for k, v in changes.items() if v is not None}
            if kind == "persistent":
                engine.store_all("persistent_settings", current)
            else:
                engine.transient_settings = current
    flat = boolean(request.params, "flat_settings")
    return 200, {
        "acknowledged": True,
        **{k: v if flat else unflatten(v) for k, v in changed.items()},
    }


def pending_tasks(engine: Cluster, request: Request):
    """Cluster state updates waiting to run: none, as the engine applies each at once."""
    return 200, {"tasks": []}
