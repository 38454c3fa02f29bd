"""Writes by query: delete_by_query, update_by_query and reindex.

Like Elasticsearch, each works from a snapshot (the refreshed view when it starts) and applies
its writes with the sequence number it read, so a document changed meanwhile is a version
conflict: counted with ``conflicts=proceed``, or ending the request with ``conflicts=abort``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

from .. import jsoncodec
from ..cluster import Cluster
from ..errors import BadRequest, Conflict, EngineError, IllegalArgument, ValidationError
from ..index import Index, stored_doc
from ..scripting import run_update_script
from ..search.collect import make_targets, matching_documents, prepare
from ..search.request import SearchRequest
from ..source import from_body
from .arguments import index_options, integer, uri_query
from .documents import after_write

BODY_KEYS = {
    "query",
    "max_docs",
    "conflicts",
    "script",
    "slice",
    "sort",
    "_source",
    "size",
    "stored_fields",
}


def _options(body: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    for key in body:
        if key not in BODY_KEYS:
            raise BadRequest(
                f"Unknown key for a START_OBJECT in [{key}].", type="parsing_exception"
            )
    if "stored_fields" in body:
        raise ValidationError("stored_fields is not supported in this context")
    conflicts = body.get("conflicts", params.get("conflicts", "abort"))
    if conflicts not in ("abort", "proceed"):
        raise IllegalArgument(f'conflicts may only be "proceed" or "abort" but was [{conflicts}]')
    max_docs = params.get("max_docs")
    if (
        max_docs is not None
        and body.get("max_docs") is not None
        and (int(max_docs) != int(body["max_docs"]))
    ):
        raise ValidationError(
            f"[max_docs] set to two different values [{body['max_docs']}] and [{max_docs}]"
        )
    max_docs = body.get("max_docs", integer(params, "max_docs"))
    if max_docs is not None and int(max_docs) < 0:
        raise IllegalArgument(f"[max_docs] parameter cannot be negative, found [{max_docs}]")
    slices = params.get("slices", "1")
    if slices != "auto":
        if not slices.isdigit() or int(slices) < 1:
            raise IllegalArgument('[slices] must be a positive integer or the string "auto"')
        if max_docs is not None and int(max_docs) < int(slices):
            raise ValidationError("[max_docs] should be >= [slices]")
    scroll_size = integer(params, "scroll_size", 1000)
    if scroll_size is not None and scroll_size <= 0:
        raise ValidationError(f"scroll_size must be greater than 0 but was [{scroll_size}]")
    requests_per_second = params.get("requests_per_second", "-1")
    try:
        rate = float(requests_per_second)
    except ValueError:
        raise IllegalArgument(
            "[requests_per_second] must be a float greater than 0. Use -1 to disable throttling."
        ) from None
    if rate <= 0 and rate != -1:
        raise IllegalArgument(
            "[requests_per_second] must be a float greater than 0. Use -1 to disable throttling."
        )
    return {
        "conflicts": conflicts,
        "max_docs": None if max_docs is None else int(max_docs),
        "scroll_size": scroll_size,
        "rate": -1.0 if rate == -1 else rate,
    }


class _Snapshot:
    """The documents the query matched when the request started, read in index order.

    ``total`` is what Elasticsearch reports: the matches, at most ``max_docs``. Iteration (as
    (index, stored document) pairs) ends once ``max_docs`` documents were processed successfully
    (created, updated or deleted; the caller counts them in ``succeeded``): as in Elasticsearch,
    a noop or, with ``conflicts=proceed``, a version conflict lets a further match take its place.
    """

    def __init__(self, found: list[tuple[Any, Any]], max_docs: int | None) -> None:
        self.found = found
        self.max_docs = max_docs
        self.total = len(found) if max_docs is None else min(len(found), max_docs)
        self.succeeded = 0

    def __iter__(self) -> Iterator[tuple[Index, Any]]:
        for target, address in self.found:
            if self.max_docs is not None and self.succeeded >= self.max_docs:
                return
            yield target.index, stored_doc(target.reader.searcher.doc(address))


def _snapshot(
    engine: Cluster, index: str, body: dict[str, Any], params: dict[str, Any], max_docs: int | None
) -> _Snapshot:
    """The documents the query matches now (see :class:`_Snapshot`)."""

    resolved = engine.resolve(index, index_options(params))
    targets = make_targets(engine, resolved)
    query = uri_query(params) or body.get("query")
    request = SearchRequest(query=query)
    prepare(engine, targets, request, int(time.time() * 1000))
    found = [(target, address) for target in targets for address in matching_documents(target)]
    return _Snapshot(found, max_docs)


def _response(started: float, options: dict[str, Any], total: int, **counts: Any) -> dict:
    """The by-query response: ``counts`` holds created/updated/deleted, conflicts, failures."""
    return {
        "took": int((time.perf_counter() - started) * 1000),
        "timed_out": False,
        "total": total,
        "batches": math.ceil(total / options["scroll_size"]) if total else 0,
        "retries": {"bulk": 0, "search": 0},
        "throttled_millis": 0,
        "requests_per_second": options["rate"],
        "throttled_until_millis": 0,
        **counts,
    }


def _conflict_failure(index: Index, doc_id: str, error: EngineError) -> dict[str, Any]:
    return {"index": index.name, "id": doc_id, "cause": error.cause_dict(), "status": 409}


def _finish(engine: Cluster, params: dict[str, Any], marks: dict[Index, int]) -> None:
    for index, since in marks.items():
        after_write(index, params, None, since)


def delete_by_query(engine: Cluster, index: str, body: dict[str, Any], params: dict[str, Any]):
    started = time.perf_counter()
    options = _options(body, params)
    if "query" not in body and "q" not in params:
        raise ValidationError("query is missing")
    docs = _snapshot(engine, index, body, params, options["max_docs"])
    deleted = conflicts = 0
    failures: list[dict[str, Any]] = []
    marks: dict[Index, int] = {}
    for target, doc in docs:
        marks.setdefault(target, target.mark())
        try:
            target.delete(doc.doc_id, if_seq_no=doc.seq_no, if_primary_term=1)
            deleted += 1
            docs.succeeded += 1
        except Conflict as error:
            conflicts += 1
            if options["conflicts"] == "abort":
                failures.append(_conflict_failure(target, doc.doc_id, error))
                break
    _finish(engine, params, marks)
    return _response(
        started,
        options,
        docs.total,
        deleted=deleted,
        version_conflicts=conflicts,
        noops=0,
        failures=failures,
    )


def update_by_query(engine: Cluster, index: str, body: dict[str, Any], params: dict[str, Any]):
    started = time.perf_counter()
    options = _options(body, params)
    docs = _snapshot(engine, index, body, params, options["max_docs"])
    updated = deleted = noops = conflicts = 0
    failures: list[dict[str, Any]] = []
    marks: dict[Index, int] = {}
    script = body.get("script")
    for target, doc in docs:
        if not target.mapping.source_enabled:
            raise IllegalArgument(f"[{target.name}][{doc.doc_id}] didn't store _source")
        source = doc.source_dict()
        op = "index"
        if script is not None:
            ctx = {
                "_source": source,
                "op": "index",
                "_id": doc.doc_id,
                "_index": target.name,
                "_version": doc.version,
                "_routing": doc.routing,
                "_now": int(time.time() * 1000),
            }
            run_update_script(script, ctx)
            source, op = ctx["_source"], ctx["op"]
        marks.setdefault(target, target.mark())
        try:
            if op in ("noop", "none"):
                noops += 1
                continue
            if op == "delete":
                target.delete(doc.doc_id, if_seq_no=doc.seq_no, if_primary_term=1)
                deleted += 1
            else:
                encoded = jsoncodec.dumps(source)
                target.index(
                    doc.doc_id,
                    encoded,
                    source,
                    routing=doc.routing,
                    if_seq_no=doc.seq_no,
                    if_primary_term=1,
                )
                updated += 1
            docs.succeeded += 1
        except Conflict as error:
            conflicts += 1
            if options["conflicts"] == "abort":
                failures.append(_conflict_failure(target, doc.doc_id, error))
                break
    _finish(engine, params, marks)
    return _response(
        started,
        options,
        docs.total,
        updated=updated,
        deleted=deleted,
        version_conflicts=conflicts,
        noops=noops,
        failures=failures,
    )


def reindex(engine: Cluster, body: dict[str, Any], params: dict[str, Any]):
    """Copy documents from a source index (with a query) into a destination index."""
    started = time.perf_counter()
    source_spec = body.get("source") or {}
    dest_spec = body.get("dest") or {}
    if not source_spec.get("index") or not dest_spec.get("index"):
        raise ValidationError(
            *(
                []
                if source_spec.get("index")
                else ["use _all if you really want to copy from all existing indexes"]
            ),
            *([] if dest_spec.get("index") else ["index must be specified"]),
        )
    if "remote" in source_spec:
        raise BadRequest("[remote] reindex is not supported by the djangoes embedded engine")
    source_index = source_spec["index"]
    if isinstance(source_index, list):
        source_index = ",".join(source_index)
    options = _options({k: v for k, v in body.items() if k in ("conflicts", "max_docs")}, params)
    query_body = {"query": source_spec.get("query")} if source_spec.get("query") else {}
    docs = _snapshot(engine, source_index, query_body, {}, options["max_docs"])
    dest = engine.write_index(dest_spec["index"])
    since = dest.mark()
    op_type = dest_spec.get("op_type", "index")
    version_type = dest_spec.get("version_type")
    script = body.get("script")
    filter_ = None
    if source_spec.get("_source") not in (None, True):
        filter_ = from_body(source_spec["_source"])
    created = updated = noops = conflicts = 0
    failures: list[dict[str, Any]] = []
    for _, doc in docs:
        source = doc.source_dict()
        if filter_:
            source = filter_.apply(source)
        doc_id = doc.doc_id
        if script is not None:
            ctx = {
                "_source": source,
                "op": "index",
                "_id": doc_id,
                "_index": dest.name,
                "_version": doc.version,
                "_routing": doc.routing,
                "_now": int(time.time() * 1000),
            }
            run_update_script(script, ctx)
            if ctx["op"] in ("noop", "none"):
                noops += 1
                continue
            source, doc_id = ctx["_source"], ctx["_id"]
        encoded = jsoncodec.dumps(source)
        try:
            result = dest.index(
                doc_id,
                encoded,
                source,
                op_type=op_type,
                routing=doc.routing,
                version=doc.version if version_type in ("external", "external_gte") else None,
                version_type=version_type,
            )
        except Conflict as error:
            conflicts += 1
            if options["conflicts"] == "abort":
                failures.append(_conflict_failure(dest, doc_id, error))
                break
            continue
        if result["result"] == "created":
            created += 1
        else:
            updated += 1
        docs.succeeded += 1
    _finish(engine, params, {dest: since})
    return _response(
        started,
        options,
        docs.total,
        created=created,
        updated=updated,
        deleted=0,
        version_conflicts=conflicts,
        noops=noops,
        failures=failures,
    )
