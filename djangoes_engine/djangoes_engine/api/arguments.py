"""Parsing of query-string parameters and request bodies, with Elasticsearch's error messages."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal
from urllib.parse import unquote

from .. import jsoncodec
from ..deprecation import deprecated
from ..errors import (
    IllegalArgument,
    JsonParseError,
    ParsingError,
    XContentParseError,
)
from ..http import Request
from ..names import Options
from ..search.request import SearchParams
from ..source import SourceFilter
from ..wording import similar, token_name

#: Parameters every API takes, whatever it is: the response's (BaseRestHandler's always
#: supported ones and ``error_trace``), and ``source`` with its content type (``_common.json``).
GLOBAL_PARAMS = frozenset(
    ("pretty", "human", "error_trace", "filter_path", "format", "source", "source_content_type")
)


def refuse_unknown(
    request: Request, accepts: Iterable[str] = (), given: Iterable[str] | None = None
) -> None:
    """Refuse, as Elasticsearch's BaseRestHandler does, the parameters an API does not read.

    ``accepts`` are the API's own (:data:`GLOBAL_PARAMS` come with them); ``given`` are the names
    the request sets (default: its URL parameters). The message names each unknown parameter,
    sorted, with a "did you mean" when accepted names are close to it.
    """
    names = request.params if given is None else given
    if not names:  # most requests: nothing to look up
        return
    allowed = GLOBAL_PARAMS | set(accepts)
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise IllegalArgument(unrecognized(request, unknown, allowed))


def unrecognized(request: Request, unknown: Iterable[str], candidates: Iterable[str]) -> str:
    """Elasticsearch's message, with its "did you mean" (Lucene's Levenshtein above 0.5)."""
    names, pool = list(unknown), set(candidates)
    parts = []
    for name in names:
        close = similar(name, pool)
        part = f"[{name}]"
        if len(close) == 1:
            part += f" -> did you mean [{close[0]}]?"
        elif close:
            part += f" -> did you mean any of [{', '.join(close)}]?"
        parts.append(part)
    plural = "s" if len(names) > 1 else ""
    return f"request [{unquote(request.path)}] contains unrecognized parameter{plural}: " + (
        ", ".join(parts)
    )


def boolean(params: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A boolean parameter; present and empty (``?pretty``) means true, as in Elasticsearch."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if value in ("", "true"):
        return True
    if value == "false":
        return False
    raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


#: Elasticsearch's warning for ``?local=true`` where the node answers from its own cluster
#: state anyway (RestUtils.consumeDeprecatedLocalParameter).
LOCAL_HAS_NO_EFFECT = (
    "the [?local] query parameter to this API has no effect, is now deprecated, "
    "and will be removed in a future version"
)


def consume_deprecated_local(params: Mapping[str, str]) -> None:
    """Read ``?local`` as the get index, mapping, settings and template APIs do: accepted,
    without effect, and with Elasticsearch's deprecation warning when it is true."""
    if boolean(params, "local"):
        deprecated(LOCAL_HAS_NO_EFFECT)


def integer(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise IllegalArgument(
            f"Failed to parse int parameter [{name}] with value [{value}]"
        ) from None


def long(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise IllegalArgument(f'For input string: "{value}"') from None


def refresh(params: Mapping[str, str]) -> str | None:
    """``true`` (also ``?refresh``), ``wait_for``, or None for no refresh."""
    value = params.get("refresh")
    if value is None or value == "false":
        return None
    if value in ("", "true"):
        return "true"
    if value == "wait_for":
        return "wait_for"
    raise IllegalArgument(f"Unknown value for refresh: [{value}].")


def split(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def json_body(body: bytes, *, required: bool = False, what: str = "request body") -> Any:
    """Decode a JSON body; an empty body is None unless ``required``."""
    if not body or not body.strip():
        if required:
            raise ParsingError(f"{what} is required", type="parse_exception")
        return None
    try:
        return jsoncodec.loads(body)
    except UnicodeDecodeError:
        raise JsonParseError("Invalid UTF-8 start byte") from None
    except json.JSONDecodeError as error:
        raise XContentParseError(
            f"[{error.lineno}:{error.colno}] Unexpected character or end of input: {error.msg}"
        ) from None


def object_body(body: bytes, *, required: bool = False) -> dict[str, Any]:
    parsed = json_body(body, required=required)
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise ParsingError(
            f"Unknown key for a {token_name(parsed)} in [{parsed}].", type="parsing_exception"
        )
    return parsed


def uri_query(params: dict[str, Any]) -> dict[str, Any] | None:
    """The query of a URI search (``?q=...``): a query_string query."""
    if "q" not in params:
        return None
    body: dict[str, Any] = {"query": params["q"]}
    if "df" in params:
        body["default_field"] = params["df"]
    for key in ("default_operator", "analyzer", "lenient", "analyze_wildcard"):
        if key in params:
            body[key] = params[key] if key != "lenient" else boolean(params, key)
    return {"query_string": body}


def index_options(params: Mapping[str, Any], defaults: Options | None = None) -> Options:
    """``ignore_unavailable``, ``allow_no_indices`` and ``expand_wildcards``, over ``defaults``."""
    base = defaults or Options()
    if not params:
        return base
    expand = params.get("expand_wildcards")
    kinds = set(str(expand).split(",")) if expand is not None else None
    return Options(
        ignore_unavailable=boolean(params, "ignore_unavailable", base.ignore_unavailable),
        allow_no_indices=boolean(params, "allow_no_indices", base.allow_no_indices),
        expand_open=base.expand_open if kinds is None else bool(kinds & {"open", "all"}),
        expand_hidden=base.expand_hidden if kinds is None else bool(kinds & {"hidden", "all"}),
        expand_closed=base.expand_closed if kinds is None else bool(kinds & {"closed", "all"}),
        forbid_closed=base.forbid_closed,
    )


def source_filter(params: Mapping[str, str]) -> SourceFilter | Literal[False] | None:
    """The filter the ``_source``, ``_source_includes`` and ``_source_excludes`` params ask for.

    Returns False for no source, None for the whole source, or a filter.
    """
    value = params.get("_source")
    includes = _names(params.get("_source_includes") or params.get("_source_include"))
    excludes = _names(params.get("_source_excludes") or params.get("_source_exclude"))
    if value is not None:
        if value == "false":
            return False
        if value not in ("true", ""):
            includes = _names(value)
    vectors = params.get("_source_exclude_vectors")
    exclude_vectors = None if vectors is None else vectors in ("true", "")
    if not includes and not excludes and exclude_vectors is None:
        return None
    return SourceFilter(includes, excludes, exclude_vectors=exclude_vectors)


def _names(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _search_source(params: Mapping[str, str]) -> SourceFilter | Literal[False] | None:
    """A search's ``_source`` params; ``_source=true`` asks for the whole source explicitly,
    which brings it back beside stored_fields too."""
    found = source_filter(params)
    if found is None and params.get("_source") == "true":
        return SourceFilter()
    return found


_NO_SEARCH_PARAMS = SearchParams()


def search_params(params: Mapping[str, str]) -> SearchParams:
    """What a search's URL says, for ``SearchRequest.parse``."""
    if not params:
        return _NO_SEARCH_PARAMS
    return SearchParams(
        start=integer(params, "from"),
        size=integer(params, "size"),
        sort=params.get("sort"),
        source=_search_source(params),
        track_total_hits=params.get("track_total_hits"),
        total_as_int=boolean(params, "rest_total_hits_as_int"),
        stored_fields=params.get("stored_fields"),
        docvalue_fields=params.get("docvalue_fields"),
        version=boolean(params, "version"),
        seq_no_primary_term=boolean(params, "seq_no_primary_term"),
        explain=boolean(params, "explain"),
        track_scores=boolean(params, "track_scores"),
        terminate_after=integer(params, "terminate_after"),
    )
