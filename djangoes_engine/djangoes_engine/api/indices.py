"""Index APIs: create, delete, exists, get, mappings, settings, refresh, stats, aliases."""

from __future__ import annotations

import dataclasses
import fnmatch
from typing import Any

from ..analysis import AnalysisRegistry, analyze_api
from ..cluster import Cluster
from ..errors import AliasesNotFound, BadRequest, IllegalArgument, IndexNotFound
from ..fields import KeywordField
from ..http import Request
from ..index import Index, check_blocks
from ..names import Options, split_expression
from ..settings import Settings, expand_replicas, normalize, validate
from .arguments import boolean, consume_deprecated_local, index_options, object_body, split
from .documents import single_index


def create(engine: Cluster, request: Request, index: str):
    body = object_body(request.body)
    engine.create_index(index, body)
    return 200, {"acknowledged": True, "shards_acknowledged": True, "index": index}


def delete(engine: Cluster, request: Request, index: str):
    # As Elasticsearch's DeleteIndexRequest: open and closed indices, by name or wildcard.
    options = index_options(
        request.params,
        defaults=Options(
            ignore_unavailable=False, allow_no_indices=True, expand_closed=True, forbid_closed=False
        ),
    )
    # Deleting an index takes no data stream (DELETE /_data_stream/{name} deletes one).
    options = dataclasses.replace(options, include_data_streams=False)
    parts = split_expression(index)
    if destructive_requires_name(engine) and any("*" in p or p == "_all" for p in parts):
        raise IllegalArgument("Wildcard expressions or all indices are not allowed")
    for part in parts:
        if part in engine.alias_map() and part not in engine.indices:
            raise IllegalArgument(
                f"The provided expression [{part}] matches an alias, specify the corresponding "
                "concrete indices instead."
            )
    names = [r.name for r in engine.resolve(parts, options) if not r.via_aliases]
    check_blocks(
        [engine.indices[name] for name in names if name in engine.indices], "metadata_write"
    )
    engine.check_deletable(names)
    for name in names:
        engine.delete_index(name)
    return 200, {"acknowledged": True}


def destructive_requires_name(engine: Cluster) -> bool:
    """``action.destructive_requires_name``: refuse deleting by wildcard or ``_all``.

    Elasticsearch 8 defaults it to true; the engine defaults to false, the setting of a test
    cluster, and honours it when set.
    """
    return engine.setting("action.destructive_requires_name", "false").lower() == "true"


def exists(engine: Cluster, request: Request, index: str):
    options = index_options(request.params, Options(allow_no_indices=False, forbid_closed=False))
    try:
        found = engine.resolve(index, options)
    except IndexNotFound:
        return 404, None
    return (200 if found else 404), None


def _targets(engine: Cluster, request: Request, index: str | None, **defaults: bool) -> list[Any]:
    options = index_options(request.params, Options(**defaults))
    return engine.resolve_indices(index, options)


def _blocked(targets: list[Index], level: str) -> list[Index]:
    """``targets``, unless one has a block that stops an operation of ``level``."""
    check_blocks(targets, level)
    return targets


def get(engine: Cluster, request: Request, index: str):
    params = request.params
    consume_deprecated_local(params)
    flat = boolean(params, "flat_settings")
    defaults = boolean(params, "include_defaults")
    body = {}
    # As Elasticsearch's get index (strict_expand_open): a wildcard matching nothing gives {}.
    for target in _blocked(_targets(engine, request, index, forbid_closed=False), "metadata_read"):
        body[target.name] = {
            "aliases": _aliases_body(target.aliases),
            "mappings": target.mapping.to_dict(),
            **target.settings.as_response(flat=flat, include_defaults=defaults),
        }
        stream = engine.data_stream_of(target.name)
        if stream is not None:
            body[target.name]["data_stream"] = stream
    return 200, body


def get_mapping(engine: Cluster, request: Request, index: str | None = None):
    consume_deprecated_local(request.params)
    body = {}
    for target in _blocked(_targets(engine, request, index, forbid_closed=False), "metadata_read"):
        body[target.name] = {"mappings": target.mapping.to_dict()}
    return 200, body


def put_mapping(engine: Cluster, request: Request, index: str):
    body = object_body(request.body, required=True)
    targets = _blocked(
        _targets(engine, request, index, allow_no_indices=False, forbid_closed=False),
        "metadata_write",
    )
    for target in targets:
        target.mapping.merged(body)  # validate everywhere before changing anything
    for target in targets:
        target.put_mapping(body)
    return 200, {"acknowledged": True}


def get_field_mapping(engine: Cluster, request: Request, fields: str, index: str | None = None):
    body = {}
    for target in _blocked(_targets(engine, request, index, forbid_closed=False), "metadata_read"):
        mappings = {}
        for pattern in split(fields):
            for field in target.mapping.fields_matching(pattern):
                mappings[field.path] = {
                    "full_name": field.path,
                    "mapping": {field.name: field.to_dict()},
                }
        body[target.name] = {"mappings": mappings}
    return 200, body


def get_settings(
    engine: Cluster, request: Request, index: str | None = None, name: str | None = None
):
    params = request.params
    consume_deprecated_local(params)
    flat = boolean(params, "flat_settings")
    defaults = boolean(params, "include_defaults")
    patterns = split(name)
    body = {}
    for target in _blocked(_targets(engine, request, index, forbid_closed=False), "metadata_read"):
        settings = target.settings
        if patterns:
            settings = Settings(
                {
                    k: v
                    for k, v in settings.flat.items()
                    if any(fnmatch.fnmatchcase(k, p) for p in patterns)
                }
            )
        section = settings.as_response(flat=flat, include_defaults=defaults)
        if patterns and not section["settings"]:
            continue  # asked for settings this index does not have
        body[target.name] = section
    return 200, body


def put_settings(engine: Cluster, request: Request, index: str | None = None):
    body = object_body(request.body, required=True)
    updates = normalize(
        body.get("settings", body) if isinstance(body.get("settings"), dict) else body
    )
    targets = _targets(engine, request, index, allow_no_indices=False, forbid_closed=False)
    # Static settings (analysis, ...) change only on closed indices, as in Elasticsearch.
    opened = [f"{t.name}/{t.uuid}" for t in targets if t.state == "open"]
    validate(updates, creating=False, open_indices=opened)
    if any(not name.startswith("index.blocks.") for name in updates):
        # as Elasticsearch: a request changing only blocks may lift them
        check_blocks(targets, "metadata_write")
    _apply_settings(engine, targets, updates)
    return 200, {"acknowledged": True}


def _apply_settings(engine: Cluster, targets: list[Any], updates: dict[str, Any]) -> None:
    """Each index takes its new settings under its lock: no write is half-way through."""
    for target in targets:
        with target.lock:
            flat = dict(target.settings.flat)
            for key, value in updates.items():
                if value is None:
                    flat.pop(key, None)
                else:
                    flat[key] = value
            expand_replicas(flat)
            analysis_before = target.settings.analysis
            target.settings = Settings(flat)
            target.read_settings()
            if target.settings.analysis != analysis_before:
                target.reanalyze()
    engine.persist()


#: The blocks of ``PUT /{index}/_block/{block}``.
BLOCKS = ("metadata", "read", "read_only", "write")


def add_block(engine: Cluster, request: Request, index: str, block: str):
    """Add an index block. As in Elasticsearch, a write block is in force once this returns:
    writes take the index lock, so none is still in flight."""
    if block not in BLOCKS:
        raise IllegalArgument(f"unknown index block [{block}], expected one of {list(BLOCKS)}")
    targets = _targets(engine, request, index, allow_no_indices=False, forbid_closed=False)
    _apply_settings(engine, targets, {f"index.blocks.{block}": "true"})
    return 200, {
        "acknowledged": True,
        "shards_acknowledged": True,
        "indices": [{"name": target.name, "blocked": True} for target in targets],
    }


def refresh(engine: Cluster, request: Request, index: str | None = None):
    targets = _targets(engine, request, index)
    for target in targets:
        target.refresh()
    count = len(targets)
    return 200, {
        "_shards": {
            "total": count * 2 if any(t.replicas for t in targets) else count,
            "successful": count,
            "failed": 0,
        }
    }


def flush(engine: Cluster, request: Request, index: str | None = None):
    targets = _targets(engine, request, index)
    for target in targets:
        target.flush()
    count = len(targets)
    return 200, {"_shards": {"total": count, "successful": count, "failed": 0}}


def forcemerge(engine: Cluster, request: Request, index: str | None = None):
    targets = _targets(engine, request, index)
    for target in targets:
        target.refresh()
    count = len(targets)
    return 200, {"_shards": {"total": count, "successful": count, "failed": 0}}


def stats(engine: Cluster, request: Request, index: str | None = None, metric: str | None = None):
    targets = _targets(engine, request, index)
    indices = {}
    total_docs = 0
    for target in targets:
        docs = target.count()
        total_docs += docs
        section = {"docs": {"count": docs, "deleted": 0}, "store": {"size_in_bytes": 0}}
        indices[target.name] = {
            "uuid": target.uuid,
            "health": "yellow" if target.replicas else "green",
            "status": "open",
            "primaries": section,
            "total": section,
        }
    totals = {"docs": {"count": total_docs, "deleted": 0}, "store": {"size_in_bytes": 0}}
    count = len(targets)
    return 200, {
        "_shards": {"total": count, "successful": count, "failed": 0},
        "_all": {"primaries": totals, "total": totals},
        "indices": indices,
    }


def open_index(engine: Cluster, request: Request, index: str):
    """Open closed indices (wildcards expand to closed ones, as in Elasticsearch)."""
    options = index_options(
        request.params,
        Options(allow_no_indices=False, expand_closed=True, forbid_closed=False),
    )
    for target in engine.resolve_indices(index, options):
        target.set_state("open")
    return 200, {"acknowledged": True, "shards_acknowledged": True}


def close_index(engine: Cluster, request: Request, index: str):
    """Close indices: what is pending is committed; reads and writes then fail until opened."""
    parts = split_expression(index)
    if destructive_requires_name(engine) and any("*" in p or p == "_all" for p in parts):
        raise IllegalArgument("Wildcard expressions or all indices are not allowed")
    options = index_options(request.params, Options(allow_no_indices=False, forbid_closed=False))
    targets = engine.resolve_indices(parts, options)
    writers = [t.name for t in targets if engine.is_write_index_of_data_stream(t.name)]
    if writers:
        raise IllegalArgument(
            f"cannot close the following data stream write indices [{','.join(writers)}]"
        )
    closed = {}
    for target in targets:
        target.set_state("close")
        engine.contexts.forget_index(target)
        closed[target.name] = {"closed": True}
    return 200, {"acknowledged": True, "shards_acknowledged": True, "indices": closed}


def analyze(engine: Cluster, request: Request, index: str | None = None):
    body = object_body(request.body) or {}
    for key in ("analyzer", "tokenizer", "text", "field", "normalizer"):
        if key in request.params and key not in body:
            body[key] = request.params[key]
    registry = AnalysisRegistry(None)
    field_analyzer = None
    if index is not None:
        target = single_index(engine, index)
        registry = target.registry

        def field_analyzer(path: str) -> Any:
            """The analyzer a field indexes with (a derived one, for sub-fields such as
            ``search_as_you_type``'s, has no name to look up)."""
            field = target.mapping.field(path)
            if field is not None and hasattr(field, "analyzer"):
                return field.analyzer
            if isinstance(field, KeywordField):  # its normalizer, or the keyword analyzer
                return field.normalizer or registry.analyzer("keyword")
            return None

    if "text" not in body:
        raise BadRequest(
            "Validation Failed: 1: text is missing;", type="action_request_validation_exception"
        )
    return 200, analyze_api(registry, body, field_analyzer=field_analyzer)


# Aliases


def _aliases_body(aliases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {name: dict(props) for name, props in sorted(aliases.items())}


def update_aliases(engine: Cluster, request: Request):
    body = object_body(request.body, required=True)
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise BadRequest(
            "Validation Failed: 1: No action specified;", type="action_request_validation_exception"
        )
    parsed = []
    for entry in actions:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise BadRequest(
                "[aliases] failed to parse field [actions]", type="x_content_parse_exception"
            )
        ((kind, action),) = entry.items()
        parsed.append((kind, action or {}))
    results = engine.update_aliases(parsed)
    if any("error" in r for r in results):
        return 200, {"acknowledged": True, "errors": True, "action_results": results}
    return 200, {"acknowledged": True, "errors": False}


def put_alias(engine: Cluster, request: Request, index: str, name: str):
    body = object_body(request.body)
    engine.update_aliases([("add", {"index": index, "alias": name, **body})])
    return 200, {"acknowledged": True}


def delete_alias(engine: Cluster, request: Request, index: str, name: str):
    targets = _targets(
        engine, request, index, allow_no_indices=False, expand_closed=True, forbid_closed=False
    )
    patterns = split(name)

    removed = [
        (t.name, alias)
        for t in targets
        for alias in t.aliases
        if any(p in ("_all", "*") or fnmatch.fnmatchcase(alias, p) for p in patterns)
    ]
    if not removed:
        raise AliasesNotFound(name)
    engine.update_aliases([("remove", {"index": i, "alias": a}) for i, a in removed])
    return 200, {"acknowledged": True}


def get_alias(engine: Cluster, request: Request, index: str | None = None, name: str | None = None):
    # Elasticsearch 9 reads ``?local`` here only under REST compatibility with 8: an
    # unrecognized parameter (rest/parameters.py), like any other this API does not read.
    patterns = split(name)
    targets = _targets(engine, request, index, expand_closed=True, forbid_closed=False)
    body: dict[str, Any] = {}
    found: set[str] = set()
    for target in targets:
        aliases = {
            alias: props
            for alias, props in target.aliases.items()
            if not patterns
            or any(p in ("_all", "*") or fnmatch.fnmatchcase(alias, p) for p in patterns)
        }
        found |= set(aliases)
        if aliases or not patterns:
            body[target.name] = {"aliases": _aliases_body(aliases)}
    missing = [p for p in patterns if "*" not in p and p != "_all" and p not in found]
    if missing:
        shown = ",".join(missing)
        message = f"alias [{shown}] missing" if len(missing) == 1 else f"aliases [{shown}] missing"
        return 404, {"error": message, "status": 404, **body}
    if patterns and not found and index is None:
        return 404, {"error": f"alias [{name}] missing", "status": 404}
    return 200, body


def alias_exists(engine: Cluster, request: Request, name: str, index: str | None = None):
    status, found = get_alias(engine, request, index, name)
    return (200 if status == 200 and found else 404), None
