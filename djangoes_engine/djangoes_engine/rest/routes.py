"""The REST API: routes from (method, path) to handlers, and error rendering.

A handler takes the engine, the request and the path's named parts, and returns
``(status, body)`` with a JSON-serialisable body (or a ready :class:`Response`). Every
:class:`EngineError` becomes Elasticsearch's error JSON; anything else is a 500 whose reason
names the request, logged with its traceback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from .. import jsoncodec
from ..api import (
    cat,
    cat_cluster,
    cluster,
    cluster_settings,
    data_streams,
    documents,
    indices,
    ingest,
    rollover,
    search,
    security,
    snapshots,
    tasks,
    templates,
    termvectors,
)
from ..cluster import Cluster
from ..deprecation import collecting, warning_header
from ..errors import BadRequest, EngineError
from ..http import Request, Response
from . import compatibility, parameters
from .filter_path import filter_path
from .unsupported import refusals

logger = logging.getLogger("djangoes.embedded")

Handler = Callable[..., Any]
ROUTES: list[tuple[str, str, Handler]] = [
    # Cluster
    ("GET", "/", cluster.info),
    ("HEAD", "/", cluster.ping),
    ("GET", "/_cluster/health", cluster.health),
    ("GET", "/_cluster/health/{index}", cluster.health),
    ("GET", "/_cluster/state", cluster.state),
    ("GET", "/_cluster/state/{metric}", cluster.state),
    ("GET", "/_cluster/state/{metric}/{index}", cluster.state),
    ("GET", "/_cluster/settings", cluster_settings.get_settings),
    ("PUT", "/_cluster/settings", cluster_settings.put_settings),
    ("GET", "/_cluster/pending_tasks", cluster_settings.pending_tasks),
    # Security: API keys and who is asking (on a server started with --users)
    ("GET", "/_security/_authenticate", security.authenticate),
    ("POST,PUT", "/_security/api_key", security.create_api_key),
    ("GET", "/_security/api_key", security.get_api_key),
    ("DELETE", "/_security/api_key", security.invalidate_api_key),
    # Snapshots (no repositories)
    ("GET", "/_snapshot", snapshots.get_repository),
    ("GET", "/_snapshot/{name}", snapshots.get_repository),
    ("PUT,POST", "/_snapshot/{name}", snapshots.put_repository),
    ("DELETE", "/_snapshot/{name}", snapshots.missing_repository),
    ("GET", "/_snapshot/_status", snapshots.status),
    ("POST", "/_snapshot/{name}/_verify", snapshots.missing_repository),
    ("POST", "/_snapshot/{name}/_cleanup", snapshots.missing_repository),
    ("GET", "/_snapshot/{name}/_status", snapshots.missing_repository),
    ("GET,PUT,POST,DELETE", "/_snapshot/{name}/{snapshot}", snapshots.missing_repository),
    ("GET", "/_snapshot/{name}/{snapshot}/_status", snapshots.missing_repository),
    ("POST", "/_snapshot/{name}/{snapshot}/_restore", snapshots.missing_repository),
    ("PUT,POST", "/_snapshot/{name}/{snapshot}/_clone/{target}", snapshots.missing_repository),
    # Templates
    ("PUT,POST", "/_template/{name}", templates.put_legacy),
    ("GET", "/_template", templates.get_legacy),
    ("GET", "/_template/{name}", templates.get_legacy),
    ("HEAD", "/_template/{name}", templates.legacy_exists),
    ("DELETE", "/_template/{name}", templates.delete_legacy),
    ("PUT,POST", "/_index_template/{name}", templates.put_composable),
    ("GET", "/_index_template", templates.get_composable),
    ("GET", "/_index_template/{name}", templates.get_composable),
    ("HEAD", "/_index_template/{name}", templates.composable_exists),
    ("DELETE", "/_index_template/{name}", templates.delete_composable),
    ("POST", "/_index_template/_simulate_index/{name}", templates.simulate_index),
    ("PUT,POST", "/_component_template/{name}", templates.put_component),
    ("GET", "/_component_template", templates.get_component),
    ("GET", "/_component_template/{name}", templates.get_component),
    ("HEAD", "/_component_template/{name}", templates.component_exists),
    ("DELETE", "/_component_template/{name}", templates.delete_component),
    ("GET", "/_nodes", cluster.nodes),
    # Tasks (nothing runs in the background: see api/tasks.py)
    ("GET", "/_tasks", tasks.list_tasks),
    ("GET", "/_tasks/{task_id}", tasks.get_task),
    # Data streams
    ("GET", "/_data_stream", data_streams.get),
    ("GET", "/_data_stream/{name}", data_streams.get),
    ("PUT", "/_data_stream/{name}", data_streams.create),
    ("DELETE", "/_data_stream/{name}", data_streams.delete),
    ("GET", "/_data_stream/_stats", data_streams.stats),
    ("GET", "/_data_stream/{name}/_stats", data_streams.stats),
    # The _cat tables (GET, as in Elasticsearch; count also takes its query in a POST body)
    ("GET", "/_cat", cat.cat),
    ("GET", "/_cat/indices", cat.cat_indices),
    ("GET", "/_cat/indices/{index}", cat.cat_indices),
    ("GET", "/_cat/health", cat_cluster.cat_health),
    ("GET,POST", "/_cat/count", cat.cat_count),
    ("GET,POST", "/_cat/count/{index}", cat.cat_count),
    ("GET", "/_cat/aliases", cat.cat_aliases),
    ("GET", "/_cat/aliases/{alias}", cat.cat_aliases),
    ("GET", "/_cat/shards", cat.cat_shards),
    ("GET", "/_cat/shards/{index}", cat.cat_shards),
    ("GET", "/_cat/nodes", cat_cluster.cat_nodes),
    ("GET", "/_cat/master", cat_cluster.cat_master),
    ("GET", "/_cat/allocation", cat_cluster.cat_allocation),
    ("GET", "/_cat/allocation/{node_id}", cat_cluster.cat_allocation),
    ("GET", "/_cat/templates", cat_cluster.cat_templates),
    ("GET", "/_cat/templates/{name}", cat_cluster.cat_templates),
    ("GET", "/_cat/plugins", cat_cluster.cat_plugins),
    ("GET", "/_cat/pending_tasks", cat_cluster.cat_pending_tasks),
    ("GET", "/_cat/thread_pool", cat_cluster.cat_thread_pool),
    ("GET", "/_cat/thread_pool/{thread_pool_patterns}", cat_cluster.cat_thread_pool),
    ("GET", "/_cat/segments", cat.cat_segments),
    ("GET", "/_cat/segments/{index}", cat.cat_segments),
    ("GET", "/_cat/recovery", cat.cat_recovery),
    ("GET", "/_cat/recovery/{index}", cat.cat_recovery),
    ("GET", "/_cat/fielddata", cat_cluster.cat_fielddata),
    ("GET", "/_cat/fielddata/{fields}", cat_cluster.cat_fielddata),
    # Documents
    ("PUT,POST", "/{index}/_doc/{id}", documents.index_document),
    ("POST", "/{index}/_doc", documents.index_document),
    ("PUT,POST", "/{index}/_create/{id}", documents.create_document),
    ("GET", "/{index}/_doc/{id}", documents.get_document),
    ("HEAD", "/{index}/_doc/{id}", documents.document_exists),
    ("GET", "/{index}/_source/{id}", documents.get_source),
    ("HEAD", "/{index}/_source/{id}", documents.source_exists),
    ("DELETE", "/{index}/_doc/{id}", documents.delete_document),
    ("POST", "/{index}/_update/{id}", documents.update_document),
    ("GET,POST", "/_mget", documents.mget),
    ("GET,POST", "/{index}/_mget", documents.mget),
    ("PUT,POST", "/_bulk", documents.bulk),
    ("PUT,POST", "/{index}/_bulk", documents.bulk),
    # Search
    ("GET,POST", "/_search", search.search),
    ("GET,POST", "/{index}/_search", search.search),
    ("GET,POST", "/_count", search.count),
    ("GET,POST", "/{index}/_count", search.count),
    ("GET,POST", "/_validate/query", search.validate_query),
    ("GET,POST", "/{index}/_validate/query", search.validate_query),
    ("GET,POST", "/_msearch", search.msearch),
    ("GET,POST", "/{index}/_msearch", search.msearch),
    ("GET,POST", "/_search/scroll", search.scroll),
    ("GET,POST", "/_search/scroll/{scroll_id}", search.scroll),
    ("DELETE", "/_search/scroll", search.clear_scroll),
    ("DELETE", "/_search/scroll/{scroll_id}", search.clear_scroll),
    ("POST", "/{index}/_pit", search.open_point_in_time),
    ("DELETE", "/_pit", search.close_point_in_time),
    # OpenSearch's point in time API (opensearch-py's create_pit, delete_pit...)
    ("POST", "/{index}/_search/point_in_time", search.opensearch_create_pit),
    ("DELETE", "/_search/point_in_time", search.opensearch_delete_pits),
    ("DELETE", "/_search/point_in_time/_all", search.opensearch_delete_all_pits),
    ("GET", "/_search/point_in_time/_all", search.opensearch_get_all_pits),
    ("POST", "/{index}/_delete_by_query", search.delete_by_query),
    ("POST", "/{index}/_update_by_query", search.update_by_query),
    ("POST", "/_delete_by_query/{task_id}/_rethrottle", search.rethrottle),
    ("POST", "/_update_by_query/{task_id}/_rethrottle", search.rethrottle),
    ("POST", "/_reindex/{task_id}/_rethrottle", search.rethrottle),
    ("POST", "/_reindex", search.reindex),
    ("GET,POST", "/{index}/_explain/{id}", search.explain),
    ("GET,POST", "/{index}/_termvectors/{id}", termvectors.termvectors),
    ("GET,POST", "/{index}/_termvectors", termvectors.termvectors),
    # Indices
    ("PUT", "/{index}", indices.create),
    ("DELETE", "/{index}", indices.delete),
    ("HEAD", "/{index}", indices.exists),
    ("GET", "/{index}", indices.get),
    ("GET", "/_mapping", indices.get_mapping),
    ("GET", "/{index}/_mapping", indices.get_mapping),
    ("PUT,POST", "/{index}/_mapping", indices.put_mapping),
    ("GET", "/_mapping/field/{fields}", indices.get_field_mapping),
    ("GET", "/{index}/_mapping/field/{fields}", indices.get_field_mapping),
    ("GET", "/_settings", indices.get_settings),
    ("GET", "/_settings/{name}", indices.get_settings),
    ("GET", "/{index}/_settings", indices.get_settings),
    ("GET", "/{index}/_settings/{name}", indices.get_settings),
    ("PUT", "/_settings", indices.put_settings),
    ("PUT", "/{index}/_settings", indices.put_settings),
    ("GET,POST", "/_refresh", indices.refresh),
    ("GET,POST", "/{index}/_refresh", indices.refresh),
    ("GET,POST", "/_flush", indices.flush),
    ("GET,POST", "/{index}/_flush", indices.flush),
    ("POST", "/_forcemerge", indices.forcemerge),
    ("POST", "/{index}/_forcemerge", indices.forcemerge),
    ("GET", "/_stats", indices.stats),
    ("GET", "/_stats/{metric}", indices.stats),
    ("GET", "/{index}/_stats", indices.stats),
    ("GET", "/{index}/_stats/{metric}", indices.stats),
    ("POST", "/{index}/_rollover", rollover.rollover),
    ("POST", "/{index}/_rollover/{new_index}", rollover.rollover),
    ("POST", "/{index}/_open", indices.open_index),
    ("POST", "/{index}/_close", indices.close_index),
    ("PUT", "/{index}/_block/{block}", indices.add_block),
    ("GET,POST", "/_analyze", indices.analyze),
    ("GET,POST", "/{index}/_analyze", indices.analyze),
    ("POST", "/_aliases", indices.update_aliases),
    ("GET", "/_alias", indices.get_alias),
    ("GET", "/_aliases", indices.get_alias),
    ("GET", "/_alias/{name}", indices.get_alias),
    ("GET", "/{index}/_alias", indices.get_alias),
    ("GET", "/{index}/_aliases", indices.get_alias),
    ("GET", "/{index}/_alias/{name}", indices.get_alias),
    ("HEAD", "/_alias/{name}", indices.alias_exists),
    ("HEAD", "/{index}/_alias/{name}", indices.alias_exists),
    ("PUT,POST", "/{index}/_alias/{name}", indices.put_alias),
    ("PUT,POST", "/{index}/_aliases/{name}", indices.put_alias),
    ("DELETE", "/{index}/_alias/{name}", indices.delete_alias),
    ("DELETE", "/{index}/_aliases/{name}", indices.delete_alias),
    # Ingest
    ("PUT", "/_ingest/pipeline/{id}", ingest.put_pipeline),
    ("GET", "/_ingest/pipeline", ingest.get_pipeline),
    ("GET", "/_ingest/pipeline/{id}", ingest.get_pipeline),
    ("DELETE", "/_ingest/pipeline/{id}", ingest.delete_pipeline),
    ("GET,POST", "/_ingest/pipeline/_simulate", ingest.simulate_pipeline),
    ("GET,POST", "/_ingest/pipeline/{id}/_simulate", ingest.simulate_pipeline),
]


class Router:
    """Matches paths segment by segment; literal segments beat ``{placeholders}``."""

    def __init__(self, routes: list[tuple[str, str, Handler]]) -> None:
        self.routes = []
        for methods, pattern, handler in routes:
            segments = tuple(s for s in pattern.split("/") if s)
            literals = sum(1 for s in segments if not s.startswith("{"))
            # The URL parameters each method accepts (None: the route checks none).
            accepts = {m: parameters.accepted(m, pattern) for m in methods.split(",")}
            self.routes.append((segments, accepts, handler, literals))
        self.routes.sort(key=lambda route: (-route[3], len(route[0])))
        #: The routes by number of segments (a path can only match routes of its own length).
        self.by_length: dict[int, list[Any]] = {}
        for route in self.routes:
            self.by_length.setdefault(len(route[0]), []).append(route)

    def match(
        self, method: str, path: str, uri: str = ""
    ) -> tuple[Handler, dict[str, str], frozenset[str] | None]:
        """The handler of a request, the path's named parts and the URL parameters the route
        accepts; the most literal matching paths decide, as in ES's trie.

        ``DELETE /_search`` is therefore a 405, never a deletion of an index named _search.
        The errors quote ``uri``, the path with its query string (default: the path).
        """
        try:
            handler, names, accepted = self._found(method, path)
        except _NoRoute as missing:
            raise missing.error(uri or path) from None
        return handler, dict(names), accepted

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (the router lives as long as the process)
    def _found(
        self, method: str, path: str
    ) -> tuple[Handler, dict[str, str], frozenset[str] | None]:
        """:meth:`match`, remembered: requests repeat their paths (an index's _search)."""
        parts = [unquote(s) for s in path.split("/") if s]
        allowed: set[str] = set()
        best = None
        for segments, methods, handler, literals in self.by_length.get(len(parts), ()):
            if best is not None and literals < best:
                break  # sorted by literals: no later route can be as literal
            names = _match(segments, parts)
            if names is None:
                continue
            best = literals
            if method in methods:
                return handler, names, methods[method]
            allowed |= set(methods)
        raise _NoRoute(method, frozenset(allowed))


class _NoRoute(Exception):
    """No route takes a method on a path (``allowed``: the methods routes of it take)."""

    def __init__(self, method: str, allowed: frozenset[str]) -> None:
        super().__init__(method)
        self.method, self.allowed = method, allowed

    def error(self, uri: str) -> RouteError:
        method = self.method
        if self.allowed:
            shown = ", ".join(sorted(self.allowed))
            return RouteError(
                405,
                {
                    "error": f"Incorrect HTTP method for uri [{uri}] and method [{method}], "
                    f"allowed: [{shown}]",
                    "status": 405,
                },
                {"Allow": ",".join(sorted(self.allowed))},
            )
        return RouteError(400, {"error": f"no handler found for uri [{uri}] and method [{method}]"})


class RouteError(Exception):
    """A request no route takes: Elasticsearch answers these with a plain ``error`` string."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(body["error"])
        self.status, self.body, self.headers = status, body, headers or {}


def _match(segments: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    names = {}
    for segment, part in zip(segments, parts, strict=True):
        if segment.startswith("{"):
            names[segment[1:-1]] = part
        elif segment != part:
            return None
    return names


ROUTER = Router(ROUTES + refusals(ROUTES))  # Elasticsearch's other endpoints: refused by name


def dispatch(engine: Cluster, request: Request) -> Response:
    """The response to one request, with the deprecation warnings it raised as headers."""
    with collecting() as warnings:
        response = _dispatch(engine, request)
    if warnings:
        response.headers = {**response.headers, "Warning": warning_header(warnings)}
    if request.opensearch:
        response.product = False
    return response


def _dispatch(engine: Cluster, request: Request) -> Response:
    try:
        compatibility.check(request)
        if "source" in request.params:
            request = _source_as_body(request)
        handler, names, accepts = ROUTER.match(request.method, request.path, request.uri)
        parameters.check(request, accepts)  # before the handler: nothing runs, nothing is written
        result = handler(engine, request, **names)
    except EngineError as error:
        result = error.status, error.to_dict()
    except RouteError as error:
        return Response(error.status, dumps(error.body), headers=error.headers)
    except Exception as error:  # a bug: answer as Elasticsearch would, and keep serving
        logger.exception("request %s %s failed", request.method, request.path)
        failure = EngineError(f"{type(error).__name__}: {error}")
        result = 500, failure.to_dict()
    if isinstance(result, Response):
        return result
    status, body = result
    if request.method == "HEAD":
        return Response(status, b"")
    if body is None:
        return Response(status, b"", content_type="")
    if isinstance(body, str):
        return Response(status, body.encode(), content_type="text/plain; charset=UTF-8")
    paths = request.params.get("filter_path")
    if paths:
        body = filter_path(body, paths)
    return Response(status, dumps(body))


def _source_as_body(request: Request) -> Request:
    """The ``source`` parameter carries the body, as Elasticsearch allows (for clients that
    cannot send a body with GET): ``source_content_type`` must say what it is."""
    params = dict(request.params)
    source = params.pop("source")
    content_type = params.pop("source_content_type", None)
    if not content_type:
        raise EngineError(
            "source and source_content_type parameters are required",
            status=400,
            type="illegal_state_exception",
        )
    if request.body:
        raise BadRequest("request body and the source parameter cannot both be given")
    headers = {**request.headers, "content-type": content_type}
    return Request(request.method, request.path, params, source.encode(), headers)


def dumps(body: Any) -> bytes:
    return jsoncodec.dumps(body)
