"""Search APIs: search, count, msearch, scroll, point in time, and the by-query writes."""

from __future__ import annotations

import json
import time
from typing import Any

from tantivy import Occur, Query

from .. import jsoncodec
from ..cluster import Cluster
from ..contexts import PointInTime, keep_alive_seconds
from ..errors import BadRequest, EngineError, IllegalArgument, ParsingError, Unsupported
from ..http import Request
from ..index import check_blocks
from ..names import Options
from ..query import Context, compile_query
from ..search.collect import Target, count_hits, make_targets, prepare
from ..search.hits import explanation as explained
from ..search.plain import plain_body, plain_search
from ..search.request import SearchRequest
from ..search.response import next_scroll_page, run
from ..sorting import SortField
from ..wording import token_name
from . import by_query
from .arguments import boolean, index_options, integer, object_body, search_params, uri_query
from .documents import single_index

SEARCH_DEFAULTS = Options(ignore_unavailable=False, allow_no_indices=True)


def _targets(engine: Cluster, index: str | None, params: dict[str, Any]) -> list[Any]:
    options = index_options(params, SEARCH_DEFAULTS)
    return make_targets(engine, engine.resolve(index, options))


def search(engine: Cluster, request: Request, index: str | None = None):
    params = request.params
    body = object_body(request.body)
    if not params and index is not None and plain_body(body):
        answer = plain_search(engine, _targets(engine, index, params), body)
        if answer is not None:
            return 200, answer
    query = uri_query(params)
    if query is not None:
        body["query"] = query
    if boolean(params, "include_named_queries_score", False):
        raise Unsupported("[include_named_queries_score]")
    parsed = SearchRequest.parse(body, search_params(params))
    parsed.raw_source = "filter_path" not in params  # nothing reads the hits but the encoder
    scroll = params.get("scroll")
    if parsed.pit is not None:
        if index is not None:
            raise IllegalArgument(
                "[indices] cannot be used with point in time. Do not specify any index with "
                "point in time."
            )
        return 200, _search_pit(engine, parsed)
    keep_alive = keep_alive_seconds(scroll, "scroll") if scroll is not None else None
    if keep_alive is not None:
        parsed.scroll_like = True
        if parsed.search_after is not None:
            raise ParsingError("[search_after] cannot be used in a scroll context")
    targets = _targets(engine, index, params)
    return 200, run(engine, targets, parsed, scroll=keep_alive)


def _search_pit(engine: Cluster, parsed: Any) -> dict[str, Any]:
    pit_id = parsed.pit.get("id")
    if not pit_id:
        raise ParsingError("[pit] requires [id]")
    keep_alive = parsed.pit.get("keep_alive")
    pit = engine.contexts.pit(pit_id, keep_alive_seconds(keep_alive) if keep_alive else None)
    targets = [Target(t.index, t.reader, t.position, t.via_aliases) for t in pit.targets]
    if parsed.sort and not any(s.name == "_shard_doc" for s in parsed.sort):
        parsed.sort.append(SortField("_shard_doc", "asc"))
    return run(engine, targets, parsed, pit_id=pit_id)


def count(engine: Cluster, request: Request, index: str | None = None):
    params = request.params
    body = object_body(request.body)
    for key in body:
        if key not in ("query",):
            raise ParsingError(f"request does not support [{key}]")
    query = uri_query(params) or body.get("query")
    targets = _targets(engine, index, params)
    min_score = params.get("min_score")
    total = count_hits(
        engine,
        targets,
        query,
        min_score=float(min_score) if min_score is not None else None,
        terminate_after=integer(params, "terminate_after"),
    )
    shards = len(targets)
    return 200, {
        "count": total,
        "_shards": {"total": shards, "successful": shards, "skipped": 0, "failed": 0},
    }


def validate_query(engine: Cluster, request: Request, index: str | None = None):
    """Whether a query is valid on the indices, as Elasticsearch answers it: a query it
    cannot read or build is ``valid: false`` with status 200. ``explain`` and ``rewrite`` show
    Lucene's query and are refused; so is a query the engine does not support (it may well be
    valid on Elasticsearch)."""
    params = request.params
    for name in ("explain", "rewrite"):
        if boolean(params, name, False):
            raise Unsupported(f"[{name}] of the validate query API")
    targets = _targets(engine, index, params)
    shards = {"total": len(targets), "successful": len(targets), "failed": 0}
    # A body wins over ``q``, as in Elasticsearch.
    from_body = bool(request.body.strip()) or "q" not in params
    try:
        body = object_body(request.body)
        for key in body:
            if key != "query":
                raise ParsingError(f"request does not support [{key}]")
        query = body.get("query") if from_body else uri_query(params)
        prepare(engine, targets, SearchRequest(query=query, size=0), int(time.time() * 1000))
    except Unsupported:
        raise
    except EngineError as error:
        if error.status != 400:
            raise
        # Elasticsearch reads the body before it reaches the shards: a body it cannot parse
        # gets no shard header. ``q`` is parsed on the shards.
        if error.type in _PARSE_ERRORS and from_body:
            return 200, {"valid": False}
        return 200, {"_shards": shards, "valid": False}
    return 200, {"_shards": shards, "valid": True}


_PARSE_ERRORS = frozenset({"parsing_exception", "x_content_parse_exception"})


def msearch(engine: Cluster, request: Request, index: str | None = None):
    lines = [line for line in request.body.split(b"\n") if line.strip()]
    if len(lines) % 2:
        raise IllegalArgument("msearch request must have pairs of header and body lines")
    responses = []
    started = time.perf_counter()
    for number in range(0, len(lines), 2):
        try:
            header = jsoncodec.loads(lines[number])
            body = jsoncodec.loads(lines[number + 1])
            for line in (header, body):
                if not isinstance(line, dict):
                    raise ParsingError(f"Unknown key for a {token_name(line)} in [{line}].")
            params = {
                k: str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in header.items()
                if k != "index"
            }
            target = header.get("index", index)
            if isinstance(target, list):
                target = ",".join(target)
            if header.get("search_type") not in (None, "query_then_fetch", "dfs_query_then_fetch"):
                raise IllegalArgument(f"No search type for [{header['search_type']}]")
            parsed = SearchRequest.parse(body, search_params(params))
            targets = _targets(engine, target, params)
            result = run(engine, targets, parsed)
            result["status"] = 200
            responses.append(result)
        except EngineError as error:
            responses.append(error.to_dict())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            responses.append(BadRequest(str(error), type="x_content_parse_exception").to_dict())
    return 200, {"took": int((time.perf_counter() - started) * 1000), "responses": responses}


def scroll(engine: Cluster, request: Request, scroll_id: str | None = None):
    body = object_body(request.body)
    scroll_id = scroll_id or body.get("scroll_id") or request.params.get("scroll_id")
    if not scroll_id:
        raise BadRequest(
            "Validation Failed: 1: scrollId is missing;", type="action_request_validation_exception"
        )
    keep = body.get("scroll", request.params.get("scroll"))
    keep_alive = keep_alive_seconds(keep, "scroll") if keep else None
    return 200, next_scroll_page(engine, scroll_id, keep_alive)


def clear_scroll(engine: Cluster, request: Request, scroll_id: str | None = None):
    body = object_body(request.body)
    ids = body.get("scroll_id", scroll_id)
    if isinstance(ids, str):
        ids = ids.split(",")
    if ids is None:
        raise BadRequest(
            "Validation Failed: 1: no scroll ids specified;",
            type="action_request_validation_exception",
        )
    freed = engine.contexts.clear_scrolls(None if ids == ["_all"] else ids)
    status = 200 if freed or ids == ["_all"] else 404
    return status, {"succeeded": True, "num_freed": freed}


def _open_pit(
    engine: Cluster, request: Request, index: str, no_keep_alive: str, created: int = 0
) -> tuple[str, dict[str, int]]:
    """A point in time on the request's indices: its id and the ``_shards`` of the answer."""
    params = request.params
    if "keep_alive" not in params:
        raise BadRequest(
            f"Validation Failed: 1: {no_keep_alive};", type="action_request_validation_exception"
        )
    targets = _targets(engine, index, params)
    keep_alive = keep_alive_seconds(params["keep_alive"])
    pit_id = engine.contexts.open_pit(PointInTime(targets, keep_alive, created=created))
    shards = len(targets)
    return pit_id, {"total": shards, "successful": shards, "skipped": 0, "failed": 0}


def open_point_in_time(engine: Cluster, request: Request, index: str):
    pit_id, shards = _open_pit(engine, request, index, "[keep_alive] is not specified")
    return 200, {"id": pit_id, "_shards": shards}


def close_point_in_time(engine: Cluster, request: Request):
    body = object_body(request.body, required=True)
    pit_id = body.get("id")
    if not pit_id:
        raise BadRequest(
            "Validation Failed: 1: [id] is not specified;",
            type="action_request_validation_exception",
        )
    closed = engine.contexts.close_pit(pit_id)
    return (200 if closed else 404), {"succeeded": True, "num_freed": 1 if closed else 0}


# OpenSearch's point in time API (``/_search/point_in_time``): the engine's points in time,
# with OpenSearch's requests and answers (``pit_id``, ``creation_time``, ``pits``).


def opensearch_create_pit(engine: Cluster, request: Request, index: str):
    created = int(time.time() * 1000)
    pit_id, shards = _open_pit(engine, request, index, "Keep alive cannot be empty", created)
    return 200, {"pit_id": pit_id, "_shards": shards, "creation_time": created}


def opensearch_delete_pits(engine: Cluster, request: Request):
    body = object_body(request.body, required=True)
    ids = body.get("pit_id")
    if isinstance(ids, str):
        ids = [ids]
    if not ids or not isinstance(ids, list):
        raise BadRequest(
            "Validation Failed: 1: No pit ids specified;",
            type="action_request_validation_exception",
        )
    return 200, {
        "pits": [
            {"successful": engine.contexts.close_pit(pit_id), "pit_id": pit_id} for pit_id in ids
        ]
    }


def opensearch_delete_all_pits(engine: Cluster, request: Request):
    return 200, {
        "pits": [
            {"successful": engine.contexts.close_pit(pit_id), "pit_id": pit_id}
            for pit_id in engine.contexts.pits()
        ]
    }


def opensearch_get_all_pits(engine: Cluster, request: Request):
    return 200, {
        "pits": [
            {
                "pit_id": pit_id,
                "creation_time": pit.created,
                "keep_alive": int(pit.keep_alive * 1000),
            }
            for pit_id, pit in engine.contexts.pits().items()
        ]
    }


# Writes by query


def delete_by_query(engine: Cluster, request: Request, index: str):
    return _by_query(engine, request, index, by_query.delete_by_query, require_body=False)


def update_by_query(engine: Cluster, request: Request, index: str):
    return _by_query(engine, request, index, by_query.update_by_query, require_body=False)


def _by_query(engine: Cluster, request: Request, index: str, run: Any, *, require_body: bool):
    params = request.params
    body = object_body(request.body, required=require_body)
    result = run(engine, index, body, params)
    if not boolean(params, "wait_for_completion", True):
        return 200, {"task": engine.tasks_add(result)}
    return _status(result), result


def reindex(engine: Cluster, request: Request):
    params = request.params
    body = object_body(request.body, required=True)
    result = by_query.reindex(engine, body, params)
    if not boolean(params, "wait_for_completion", True):
        return 200, {"task": engine.tasks_add(result)}
    return _status(result), result


def _status(result: dict[str, Any]) -> int:
    """A by-query response's status: its failures' highest, as Elasticsearch's."""
    return max([200, *(failure["status"] for failure in result["failures"])])


def rethrottle(engine: Cluster, request: Request, task_id: str):
    node, _, number = task_id.partition(":")
    if node != "embedded" or not number.isdigit():
        return 200, {
            "nodes": {},
            "node_failures": [
                {
                    "type": "failed_node_exception",
                    "reason": f"Failed node [{node}]",
                    "node_id": node,
                    "caused_by": {
                        "type": "no_such_node_exception",
                        "reason": f"No such node [{node}]",
                        "node_id": node,
                    },
                }
            ],
        }
    return 200, {"nodes": {}}


def explain(engine: Cluster, request: Request, index: str, id: str):
    body = object_body(request.body)
    target = single_index(engine, index)
    check_blocks([target], "read")
    reader = target.reader
    query = compile_query(
        Context(reader, target.name, settings=target.settings),
        uri_query(request.params) or body.get("query"),
    )

    restricted = Query.boolean_query(
        [
            (Occur.Must, query),
            (Occur.Must, Query.boost_query(Query.term_query(reader.schema, "_id", id), 0.0)),
        ]
    )
    hits = reader.searcher.search(restricted, 1).hits
    result: dict[str, Any] = {"_index": target.name, "_id": id, "matched": bool(hits)}
    if hits:
        explanation = jsoncodec.loads(query.explain(reader.searcher, hits[0][1]).to_json())
        result["explanation"] = explained(explanation)
    return 200, result
