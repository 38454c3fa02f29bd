"""Template APIs: legacy ``_template``, composable ``_index_template`` and
``_component_template`` (put, get, exists, delete, simulate)."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from typing import Any

from .. import templates
from ..analysis import AnalysisRegistry
from ..cluster import Cluster
from ..deprecation import deprecated
from ..errors import EngineError, IllegalArgument, NotFound
from ..http import Request
from ..mapping import Mapping as IndexMapping
from ..settings import unflatten
from .arguments import boolean, consume_deprecated_local, object_body, split


def _match_all(pattern: str) -> bool:
    return pattern in ("*", "_all") or set(pattern) == {"*"}


def _selected(
    names: str, existing: Mapping[str, Any], missing: Callable[[str], EngineError]
) -> list[str]:
    """The templates a delete names: several exact names, or one pattern (Elasticsearch's rule).

    A match-all pattern matching nothing is fine; any other name matching nothing is an error.
    """
    parts = split(names)
    if len(parts) > 1:
        absent = [n for n in parts if n not in existing]
        if absent:
            raise missing(",".join(absent))
        return parts
    chosen = [n for n in existing if fnmatch.fnmatchcase(n, parts[0]) or _match_all(parts[0])]
    if not chosen and not _match_all(parts[0]):
        raise missing(parts[0])
    return chosen


def _found(names: str | None, existing: Mapping[str, Any]) -> list[str]:
    """The templates a GET names (comma-separated patterns), sorted."""
    patterns = split(names) or ["*"]
    return sorted(
        n for n in existing if any(_match_all(p) or fnmatch.fnmatchcase(n, p) for p in patterns)
    )


def _found_or_missing(names: str | None, existing: Mapping[str, Any], what: str) -> list[str]:
    """What a GET of composable or component templates names; names without a wildcard that
    match nothing are Elasticsearch's 404."""
    found = _found(names, existing)
    if names and not found and not any("*" in p for p in split(names)):
        raise NotFound(f"{what} matching [{names}] not found")
    return found


def _check_create(engine: Cluster, request: Request, section: str, name: str, what: str) -> None:
    if boolean(request.params, "create") and name in engine.stored(section):
        raise IllegalArgument(f"{what} [{name}] already exists")


def _check_mappings(part: Mapping[str, Any]) -> None:
    """Template mappings must be valid mappings (with the template's own analysis)."""
    if part.get("mappings"):
        analysis = {
            k[len("index.analysis.") :]: v
            for k, v in (part.get("settings") or {}).items()
            if k.startswith("index.analysis.")
        }
        IndexMapping(part["mappings"], AnalysisRegistry(unflatten(analysis)))


# Legacy templates


def put_legacy(engine: Cluster, request: Request, name: str):
    deprecated("Legacy index templates are deprecated in favor of composable templates.")
    body = object_body(request.body, required=True)
    stored = templates.legacy_template(body, request.params.get("order"))
    _check_mappings(stored)
    _check_create(engine, request, templates.LEGACY, name, "index_template")
    engine.store(templates.LEGACY, name, stored)
    return 200, {"acknowledged": True}


def get_legacy(engine: Cluster, request: Request, name: str | None = None):
    consume_deprecated_local(request.params)
    existing = engine.stored(templates.LEGACY)
    found = _found(name, existing)
    if name and not found and not any("*" in p for p in split(name)):
        return 404, {}
    body = {}
    for each in found:
        stored = existing[each]
        body[each] = {
            "order": stored["order"],
            **({"version": stored["version"]} if "version" in stored else {}),
            "index_patterns": stored["index_patterns"],
            "settings": templates.as_response(stored).get("settings", {}),
            "mappings": stored.get("mappings", {}),
            "aliases": stored.get("aliases", {}),
        }
    return 200, body


def legacy_exists(engine: Cluster, request: Request, name: str):
    consume_deprecated_local(request.params)
    return (200 if _found(name, engine.stored(templates.LEGACY)) else 404), None


def delete_legacy(engine: Cluster, request: Request, name: str):
    existing = engine.stored(templates.LEGACY)
    parts = split(name)
    chosen = [n for n in existing if any(_match_all(p) or fnmatch.fnmatchcase(n, p) for p in parts)]
    if not chosen and not all(_match_all(p) for p in parts):
        raise templates.TemplateMissing(name)
    for each in chosen:
        engine.store(templates.LEGACY, each, None)
    return 200, {"acknowledged": True}


# Composable templates


def put_composable(engine: Cluster, request: Request, name: str):
    body = object_body(request.body, required=True)
    _check_create(engine, request, templates.COMPOSABLE, name, "index template")
    with engine.lock:
        stored = templates.composable_template(
            name,
            body,
            engine.stored(templates.COMPONENT),
            engine.stored(templates.COMPOSABLE),
        )
        _check_mappings(templates.resolve_composable(stored, engine.stored(templates.COMPONENT)))
        engine.store(templates.COMPOSABLE, name, stored)
    return 200, {"acknowledged": True}


def get_composable(engine: Cluster, request: Request, name: str | None = None):
    consume_deprecated_local(request.params)
    existing = engine.stored(templates.COMPOSABLE)
    found = _found_or_missing(name, existing, "index template")
    return 200, {
        "index_templates": [
            {"name": n, "index_template": _composable_response(existing[n])} for n in found
        ]
    }


def _composable_response(stored: Mapping[str, Any]) -> dict[str, Any]:
    return {**stored, "template": templates.as_response(stored.get("template") or {})}


def composable_exists(engine: Cluster, request: Request, name: str):
    consume_deprecated_local(request.params)
    return (200 if _found(name, engine.stored(templates.COMPOSABLE)) else 404), None


def delete_composable(engine: Cluster, request: Request, name: str):
    with engine.lock:
        existing = engine.stored(templates.COMPOSABLE)
        chosen = _selected(name, existing, templates.TemplateMissing)
        in_use = _data_streams_using(engine, chosen)
        if in_use:
            raise IllegalArgument(
                f"unable to remove composable templates [{', '.join(sorted(set(chosen)))}] as "
                f"they are in use by a data streams [{', '.join(in_use)}]"
            )
        for each in chosen:
            engine.store(templates.COMPOSABLE, each, None)
    return 200, {"acknowledged": True}


def _data_streams_using(engine: Cluster, removed: list[str]) -> list[str]:
    """The data streams that only the removed templates match: they would have none left."""
    existing = engine.stored(templates.COMPOSABLE)
    patterns = [p for n in removed if n in existing for p in existing[n]["index_patterns"]]
    return sorted(
        stream
        for stream, body in engine.data_streams().items()
        if any(fnmatch.fnmatchcase(stream, p) for p in patterns)
        and all(
            candidate in removed
            for candidate in templates.composable_candidates(
                stream, existing, hidden=bool(body.get("hidden"))
            )
        )
    )


def simulate_index(engine: Cluster, request: Request, name: str):
    """What a new index of this name would get from the templates (``_simulate_index``)."""
    hidden = name.startswith(".")
    part, _ = templates.for_index(name, engine.metadata, hidden=hidden)
    chosen = templates.composable_for(
        name, engine.metadata.get(templates.COMPOSABLE, {}), hidden=hidden
    )
    settings = {
        "index.number_of_shards": "1",
        "index.number_of_replicas": "1",
        **part["settings"],
    }
    return 200, {
        "template": {
            "settings": templates.as_response({"settings": settings})["settings"],
            "mappings": part["mappings"],
            "aliases": part["aliases"],
        },
        "overlapping": templates.overlapping(name, engine.metadata, chosen[0] if chosen else None),
    }


# Component templates


def put_component(engine: Cluster, request: Request, name: str):
    body = object_body(request.body, required=True)
    stored = templates.component_template(body)
    _check_mappings(stored["template"])
    _check_create(engine, request, templates.COMPONENT, name, "component template")
    engine.store(templates.COMPONENT, name, stored)
    return 200, {"acknowledged": True}


def get_component(engine: Cluster, request: Request, name: str | None = None):
    consume_deprecated_local(request.params)
    existing = engine.stored(templates.COMPONENT)
    found = _found_or_missing(name, existing, "component template")
    return 200, {
        "component_templates": [
            {
                "name": n,
                "component_template": {
                    **existing[n],
                    "template": templates.as_response(existing[n]["template"]),
                },
            }
            for n in found
        ]
    }


def component_exists(engine: Cluster, request: Request, name: str):
    consume_deprecated_local(request.params)
    return (200 if _found(name, engine.stored(templates.COMPONENT)) else 404), None


def delete_component(engine: Cluster, request: Request, name: str):
    with engine.lock:
        chosen = _selected(name, engine.stored(templates.COMPONENT), NotFound)
        users = {
            t: c
            for t, c in engine.stored(templates.COMPOSABLE).items()
            if set(c.get("composed_of", [])) & set(chosen)
        }
        if users:
            raise IllegalArgument(
                f"component templates [{','.join(sorted(chosen))}] cannot be removed as they are "
                f"still in use by index templates [{','.join(sorted(users))}]"
            )
        for each in chosen:
            engine.store(templates.COMPONENT, each, None)
    return 200, {"acknowledged": True}
