"""Index templates: legacy (``_template``), composable (``_index_template``) and component
templates (``_component_template``), validated as Elasticsearch validates them and applied to a
new index by name pattern.

Which templates shape a new index follows Elasticsearch's MetadataIndexTemplateService: the
composable template of highest priority whose patterns match wins, its component templates merged
in order and its own ``template`` last; only when no composable template matches do the legacy
templates apply, all that match, merged by ascending ``order``. The create request's own
settings, mappings and aliases override every template.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import (
    BadRequest,
    IllegalArgument,
    NotFound,
    Unsupported,
    ValidationError,
    XContentParseError,
)
from .settings import normalize, unflatten, validate

LEGACY = "templates"
COMPOSABLE = "index_templates"
COMPONENT = "component_templates"

_LEGACY_KEYS = {"index_patterns", "order", "version", "settings", "mappings", "aliases"}
_COMPOSABLE_KEYS = {
    "index_patterns",
    "composed_of",
    "priority",
    "version",
    "_meta",
    "template",
    "data_stream",
    "allow_auto_create",
    "ignore_missing_component_templates",
    "deprecated",
}
_COMPONENT_KEYS = {"template", "version", "_meta", "deprecated"}
_TEMPLATE_KEYS = {"settings", "mappings", "aliases", "lifecycle", "data_stream_options"}


class TemplateMissing(NotFound):
    """A legacy or composable template that a request names and the cluster lacks."""

    type = "index_template_missing_exception"

    def __init__(self, names: str) -> None:
        super().__init__(f"index_template [{names}] missing")


def _patterns(body: Mapping[str, Any], kind: str) -> list[str]:
    patterns = body.get("index_patterns")
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns:
        raise ValidationError("index patterns are missing")
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise XContentParseError(f"[{kind}] failed to parse field [index_patterns]")
        if pattern.startswith("_") or " " in pattern or "," in pattern:
            raise BadRequest(
                f"index_template [{kind}] invalid, cause [Validation Failed: 1: index_pattern "
                f"[{pattern}] must not contain a space, a comma or start with '_';]",
                type="invalid_index_template_exception",
            )
    return list(patterns)


def _unknown(body: Mapping[str, Any], allowed: set[str], kind: str) -> None:
    if not isinstance(body, Mapping):
        raise BadRequest("request body is required", type="parse_exception")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise XContentParseError(f"[{kind}] unknown field [{unknown[0]}]")


def _template_part(body: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """Settings (normalised and validated), mappings and aliases of a template body."""
    _unknown(body, _TEMPLATE_KEYS, kind)
    for key in ("lifecycle", "data_stream_options"):
        if body.get(key) is not None:
            raise Unsupported(f"[{key}] in a template")
    part: dict[str, Any] = {}
    if body.get("settings") is not None:
        settings = normalize(body["settings"])
        validate(settings, creating=True)
        part["settings"] = settings
    if body.get("mappings") is not None:
        mappings = body["mappings"]
        if not isinstance(mappings, Mapping):
            raise XContentParseError(f"[{kind}] failed to parse field [mappings]")
        part["mappings"] = dict(mappings)
    if body.get("aliases") is not None:
        part["aliases"] = dict(body["aliases"])
    return part


def legacy_template(body: Mapping[str, Any], order: Any = None) -> dict[str, Any]:
    """A ``PUT _template`` body, validated, in the form it is stored."""
    _unknown(body, _LEGACY_KEYS, "index_template")
    template = {
        "order": int(order if order is not None else body.get("order", 0)),
        "index_patterns": _patterns(body, "index_template"),
        **_template_part(
            {k: body[k] for k in ("settings", "mappings", "aliases") if k in body}, "index_template"
        ),
    }
    if body.get("version") is not None:
        template["version"] = int(body["version"])
    return template


def component_template(body: Mapping[str, Any]) -> dict[str, Any]:
    """A ``PUT _component_template`` body, validated, in the form it is stored."""
    _unknown(body, _COMPONENT_KEYS, "component_template")
    if not isinstance(body.get("template"), Mapping):
        raise ValidationError("template is required")
    stored: dict[str, Any] = {"template": _template_part(body["template"], "template")}
    for key in ("version", "_meta", "deprecated"):
        if body.get(key) is not None:
            stored[key] = body[key]
    return stored


def composable_template(
    name: str,
    body: Mapping[str, Any],
    components: Mapping[str, Any],
    others: Mapping[str, Any],
) -> dict[str, Any]:
    """A ``PUT _index_template`` body, validated against the components and the other
    composable templates (no two of the same priority may share a pattern), as stored."""
    _unknown(body, _COMPOSABLE_KEYS, "index_template")
    stored: dict[str, Any] = {"index_patterns": _patterns(body, "index_template")}
    template = body.get("template")
    stored["template"] = _template_part(template, "template") if template is not None else {}
    composed_of = list(body.get("composed_of") or [])
    ignore_missing = list(body.get("ignore_missing_component_templates") or [])
    missing = [c for c in composed_of if c not in components and c not in ignore_missing]
    if missing:
        raise BadRequest(
            f"index template [{name}] specifies component templates {_list(missing)} that do "
            "not exist",
            type="invalid_index_template_exception",
        )
    stored["composed_of"] = composed_of
    if ignore_missing:
        stored["ignore_missing_component_templates"] = ignore_missing
    priority = body.get("priority")
    if priority is not None:
        if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
            raise ValidationError("index template priority must be >= 0")
        stored["priority"] = priority
    for key in ("version", "_meta", "allow_auto_create", "deprecated"):
        if body.get(key) is not None:
            stored[key] = body[key]
    if body.get("data_stream") is not None:
        stream = body["data_stream"]
        if not isinstance(stream, Mapping):
            raise XContentParseError("[index_template] failed to parse field [data_stream]")
        unknown = sorted(set(stream) - {"hidden", "allow_custom_routing", "failure_store"})
        if unknown:
            raise XContentParseError(
                "[index_template] failed to parse field [data_stream]",
                caused_by=XContentParseError(
                    f"[data_stream_template] unknown field [{unknown[0]}]"
                ),
            )
        if stream.get("failure_store") is True:
            raise Unsupported("a data stream failure store")
        stored["data_stream"] = {
            "hidden": bool(stream.get("hidden", False)),
            "allow_custom_routing": bool(stream.get("allow_custom_routing", False)),
        }
    _check_overlap(name, stored, others)
    return stored


def _check_overlap(name: str, template: dict[str, Any], others: Mapping[str, Any]) -> None:
    priority = template.get("priority", 0)
    for other_name, other in sorted(others.items()):
        if other_name == name or other.get("priority", 0) != priority:
            continue
        if _overlap(template["index_patterns"], other["index_patterns"]):
            raise IllegalArgument(
                f"index template [{name}] has index patterns {_list(template['index_patterns'])} "
                f"matching patterns from existing templates [{other_name}] with patterns "
                f"({other_name} => {_list(other['index_patterns'])}) that have the same priority "
                f"[{priority}], multiple index templates may not match during index creation, "
                "please use a different priority"
            )


def _overlap(first: list[str], second: list[str]) -> bool:
    """Elasticsearch's test: two patterns overlap if either matches the other as a name."""
    return any(
        fnmatch.fnmatchcase(a, b) or fnmatch.fnmatchcase(b, a) for a in first for b in second
    )


def _list(names: list[str]) -> str:
    return "[" + ", ".join(names) + "]"


def _matches(patterns: list[str], name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def composable_candidates(
    name: str, templates: Mapping[str, Any], *, hidden: bool = False
) -> list[str]:
    """The composable templates whose patterns match a name (a template whose patterns include
    a bare ``*`` skips hidden indices, as in Elasticsearch)."""
    return [
        n
        for n, t in templates.items()
        if _matches(t["index_patterns"], name) and not (hidden and "*" in t["index_patterns"])
    ]


def composable_for(
    name: str, templates: Mapping[str, Any], *, hidden: bool = False
) -> tuple[str, dict[str, Any]] | None:
    """The composable template a new index of this name takes, if any (highest priority)."""
    matching = [
        (templates[n].get("priority", 0), n, templates[n])
        for n in composable_candidates(name, templates, hidden=hidden)
    ]
    if not matching:
        return None
    _, chosen, template = max(matching, key=lambda m: m[0])
    return chosen, template


def legacy_for(name: str, templates: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The legacy templates matching a name, lowest ``order`` first (the last wins)."""
    matching = [
        (t.get("order", 0), n, t)
        for n, t in templates.items()
        if _matches(t["index_patterns"], name)
    ]
    return [t for _, _, t in sorted(matching, key=lambda m: (m[0], m[1]))]


def merge_mappings(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings layered: objects merge key by key, anything else the update replaces."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_mappings(merged[key], value)
        else:
            merged[key] = value
    return merged


def layered(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Templates' ``{settings, mappings, aliases}`` parts merged in order, later ones winning."""
    settings: dict[str, Any] = {}
    mappings: dict[str, Any] = {}
    aliases: dict[str, Any] = {}
    for part in parts:
        settings.update(part.get("settings") or {})
        mappings = merge_mappings(mappings, part.get("mappings") or {})
        aliases.update(part.get("aliases") or {})
    return {"settings": settings, "mappings": mappings, "aliases": aliases}


def resolve_composable(
    template: Mapping[str, Any], components: Mapping[str, Any]
) -> dict[str, Any]:
    """A composable template's settings, mappings and aliases with its components merged in."""
    parts = [components[c]["template"] for c in template.get("composed_of", []) if c in components]
    return layered([*parts, template.get("template") or {}])


def for_index(
    name: str,
    metadata: Mapping[str, Mapping[str, Any]],
    *,
    hidden: bool = False,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """What the templates give a new index: ``({settings, mappings, aliases}, composable)``,
    the second being the composable template applied (its ``data_stream`` matters), if any."""
    composable = composable_for(name, metadata.get(COMPOSABLE, {}), hidden=hidden)
    if composable is not None:
        return resolve_composable(composable[1], metadata.get(COMPONENT, {})), composable[1]
    return layered(legacy_for(name, metadata.get(LEGACY, {}))), None


def overlapping(
    name: str, metadata: Mapping[str, Mapping[str, Any]], chosen: str | None
) -> list[dict[str, Any]]:
    """The other templates whose patterns match ``name`` (legacy first), as simulate shows them."""
    return [
        {"name": n, "index_patterns": t["index_patterns"]}
        for section in (LEGACY, COMPOSABLE)
        for n, t in sorted(metadata.get(section, {}).items())
        if n != chosen and _matches(t["index_patterns"], name)
    ]


def as_response(part: Mapping[str, Any]) -> dict[str, Any]:
    """A stored ``{settings, mappings, aliases}`` part as the GET APIs show it."""
    out = dict(part)
    if "settings" in out:
        out["settings"] = unflatten(out["settings"])
    return out
