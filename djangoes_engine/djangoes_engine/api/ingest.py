"""Ingest pipeline APIs (``/_ingest/pipeline``: put, get, delete, simulate) and the glue that
runs pipelines on the cluster's writes.

Pipelines are stored with the cluster's metadata (section ``pipelines``); the :mod:`..ingest`
package compiles and runs them without knowing the cluster: :func:`ingest_write` hands it the
stored definitions and the target index's ``default_pipeline`` and ``final_pipeline``.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from .. import templates
from ..cluster import Cluster
from ..errors import EngineError, IllegalArgument, NotFound
from ..http import Request
from ..index import Index
from ..ingest import (
    SIMULATED_PIPELINE_ID,
    Ingested,
    Pipelines,
    compile_pipeline,
    ingest,
    parse_documents,
    simulate,
)
from ..ingest.errors import config_error
from ..scripting.values import jclass
from .arguments import boolean, integer, object_body, split

SECTION = "pipelines"

_REGISTRIES: weakref.WeakKeyDictionary[Cluster, Pipelines] = weakref.WeakKeyDictionary()


def pipelines_of(engine: Cluster) -> Pipelines:
    """The cluster's stored pipelines, compiled once per definition."""
    registry = _REGISTRIES.get(engine)
    if registry is None:
        registry = _REGISTRIES.setdefault(engine, Pipelines(lambda: engine.stored(SECTION)))
    return registry


# Put, get, delete


def put_pipeline(engine: Cluster, request: Request, id: str):
    body = object_body(request.body, required=True)
    compile_pipeline(id, body)  # a definition Elasticsearch refuses is never stored
    if_version = integer(request.params, "if_version")
    with engine.lock:
        if if_version is not None:
            body = _checked_version(engine, id, body, if_version)
        engine.store(SECTION, id, body)
    return 200, {"acknowledged": True}


def _checked_version(engine: Cluster, pipeline_id: str, body: dict[str, Any], required: int):
    """``if_version``: the stored pipeline must have this version; the new one gets the next."""
    current = engine.stored(SECTION).get(pipeline_id)
    if current is None:
        raise IllegalArgument(
            f"version conflict, required version [{required}] for pipeline [{pipeline_id}] but "
            "no pipeline was found"
        )
    version = current.get("version")
    if version != required:
        raise IllegalArgument(
            f"version conflict, required version [{required}] for pipeline [{pipeline_id}] but "
            f"current version is [{_text(version)}]"
        )
    if "version" in body and body["version"] == version:
        raise IllegalArgument(
            f"cannot update pipeline [{pipeline_id}] with the same version [{required}]"
        )
    if body.get("version") is None:
        body = {**body, "version": required + 1}
    return body


def get_pipeline(engine: Cluster, request: Request, id: str | None = None):
    stored = engine.stored(SECTION)
    summary = boolean(request.params, "summary")
    if id is None:
        found = dict(stored)
    else:
        found = {}
        for name in split(id):
            if "*" in name:
                found.update({k: v for k, v in stored.items() if _simple_match(name, k)})
            elif name in stored:
                found[name] = stored[name]
    body = {name: ({} if summary else definition) for name, definition in found.items()}
    # No pipeline found is a 404 with an empty body, as Elasticsearch answers.
    return (200 if body else 404), body


def delete_pipeline(engine: Cluster, request: Request, id: str):
    with engine.lock:
        stored = engine.stored(SECTION)
        matched = [name for name in stored if _simple_match(id, name)]
        if not matched:
            if id == "*":
                return 200, {"acknowledged": True}
            raise NotFound(f"pipeline [{id}] is missing")
        for name in matched:
            _check_not_in_use(engine, name)
        for name in matched:
            engine.store(SECTION, name, None)
    return 200, {"acknowledged": True}


def _check_not_in_use(engine: Cluster, pipeline_id: str) -> None:
    defaults, finals = [], []
    for name, index in engine.indices.items():
        if index.settings.get("index.default_pipeline") == pipeline_id:
            defaults.append(name)
        if index.settings.get("index.final_pipeline") == pipeline_id:
            finals.append(name)
    if not defaults and not finals:
        return
    uses = []
    if defaults:
        shown = ",".join(sorted(defaults)[:3])
        uses.append(f"the default pipeline for {len(defaults)} index(es) including [{shown}]")
    if finals:
        shown = ",".join(sorted(finals)[:3])
        uses.append(f"the final pipeline for {len(finals)} index(es) including [{shown}]")
    raise IllegalArgument(
        f"pipeline [{pipeline_id}] cannot be deleted because it is {' and '.join(uses)}"
    )


# Simulate


def simulate_pipeline(engine: Cluster, request: Request, id: str | None = None):
    body = object_body(request.body, required=True)
    verbose = boolean(request.params, "verbose")
    registry = pipelines_of(engine)
    if id is not None:
        pipeline = registry.get(id)
        if pipeline is None:
            raise IllegalArgument(f"pipeline [{id}] does not exist")
    else:
        definition = body.get("pipeline")
        if definition is None:
            raise config_error(None, None, "pipeline", "required property is missing")
        if not isinstance(definition, dict):
            raise config_error(
                None, None, "pipeline", f"property isn't a map, but of type [{jclass(definition)}]"
            )
        pipeline = compile_pipeline(SIMULATED_PIPELINE_ID, definition)
    documents = parse_documents(body)
    return 200, simulate(pipeline, documents, registry.get, verbose=verbose)


# The write path


def index_pipelines(engine: Cluster, name: str) -> tuple[str | None, str | None]:
    """The default and final pipelines of the index a write to ``name`` goes to; for one the
    write will create, those its templates give it, as Elasticsearch resolves them."""
    index = _existing_write_index(engine, name)
    if index is None:
        part, _ = templates.for_index(name, engine.metadata, hidden=name.startswith("."))
        settings = part["settings"]
        return settings.get("index.default_pipeline"), settings.get("index.final_pipeline")
    return index.settings.get("index.default_pipeline"), index.settings.get("index.final_pipeline")


def has_pipelines(index: Index) -> bool:
    """Whether the index names a default or a final pipeline."""
    flat = index.settings.flat
    return "index.default_pipeline" in flat or "index.final_pipeline" in flat


def _existing_write_index(engine: Cluster, name: str) -> Index | None:
    index = engine.indices.get(name)
    if index is not None:
        return index
    try:
        # a data stream's pipelines are its write index's (only creates reach it)
        return engine.write_index(name, auto_create=False, op_type="create")
    except EngineError:
        return None


def ingest_write(
    engine: Cluster,
    index: str,
    doc_id: str | None,
    document: dict[str, Any],
    *,
    requested: str | None,
    routing: str | None = None,
    version: int | None = None,
    version_type: str | None = None,
    if_seq_no: int | None = None,
    if_primary_term: int | None = None,
) -> Ingested | None:
    """Run the pipelines a write goes through (see :func:`..ingest.ingest`); None if none."""
    if requested is None:  # the common case, kept cheap: an index without pipelines
        target = engine.indices.get(index)
        if target is not None and not has_pipelines(target):
            return None
    return ingest(
        pipelines_of(engine),
        lambda name: index_pipelines(engine, name),
        index,
        doc_id,
        document,
        requested=requested,
        routing=routing,
        version=version,
        version_type=version_type,
        if_seq_no=if_seq_no,
        if_primary_term=if_primary_term,
    )


def _simple_match(pattern: str, name: str) -> bool:
    """Elasticsearch's ``Regex.simpleMatch``: ``*`` matches any characters, nothing else is
    special."""
    if "*" not in pattern:
        return pattern == name
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), name, re.S) is not None


def _text(value: Any) -> str:
    return "null" if value is None else str(value)
