"""Writes by query: delete_by_query, update_by_query and reindex.

Like Elasticsearch, each works from a snapshot (the refreshed view when it starts) and applies
its writes with the sequence number it read, so a document changed meanwhile is a version
conflict: counted with ``conflicts=proceed``, or ending the request with ``conflicts=abort``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import jsoncodec
from ..cluster import Cluster
from ..errors import (
    BadRequest,
    Conflict,
    EngineError,
    IllegalArgument,
    Unsupported,
    ValidationError,
)
from ..index import PRIMARY_TERM, Index, stored_doc
from ..scripting import run_update_script
from ..search.collect import make_targets, matching_documents, prepare
from ..search.request import SearchRequest
from ..source import from_body
from .arguments import index_options, integer, uri_query
from .documents import after_write
from .ingest import ingest_write

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
        if int(slices) > 1:  # the response would have to report each slice
            raise Unsupported("[slices] greater than 1 (one shard per index: use auto or 1)")
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


def _failure(index: str, doc_id: str | None, error: EngineError) -> dict[str, Any]:
    return {"index": index, "id": doc_id, "cause": error.cause_dict(), "status": error.status}


@dataclass(slots=True)
class _Write:
    """One document a by-query request writes, before its pipelines."""

    index: str
    doc_id: str | None
    source: dict[str, Any]
    routing: str | None
    if_seq_no: int | None = None
    op_type: str = "index"
    version: int | None = None
    version_type: str | None = None


def _write(
    engine: Cluster, write: _Write, pipeline: str | None, marks: dict[Index, int]
) -> dict[str, Any] | None:
    """Index a document through its pipelines (the request's, its index's): the index response,
    or None if a pipeline dropped it."""
    options: dict[str, Any] = {
        "routing": write.routing,
        "if_seq_no": write.if_seq_no,
        "if_primary_term": None if write.if_seq_no is None else PRIMARY_TERM,
        "version": write.version,
        "version_type": write.version_type,
    }
    name, doc_id, source = write.index, write.doc_id, write.source
    ingested = ingest_write(engine, name, doc_id, source, requested=pipeline, **options)
    if ingested is not None:
        if ingested.dropped:
            return None
        name, doc_id, source = ingested.index, ingested.doc_id, ingested.source
        options = {
            "routing": ingested.routing,
            "if_seq_no": ingested.if_seq_no,
            "if_primary_term": ingested.if_primary_term,
            "version": ingested.version,
            "version_type": ingested.version_type,
        }
    target = engine.write_index(
        name,
        op_type=write.op_type,
        cas=options["if_seq_no"] is not None,
        routing=options["routing"],
    )
    marks.setdefault(target, target.mark())
    encoded = jsoncodec.dumps(source)
    return target.index(doc_id, encoded, source, op_type=write.op_type, **options)


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
                write = _Write(target.name, doc.doc_id, source, doc.routing, if_seq_no=doc.seq_no)
                _write(engine, write, params.get("pipeline"), marks)
                updated += 1  # a document a pipeline dropped counts too, as in Elasticsearch
            docs.succeeded += 1
        except Conflict as error:
            conflicts += 1
            if options["conflicts"] == "abort":
                failures.append(_conflict_failure(target, doc.doc_id, error))
                break
        except EngineError as error:  # a pipeline failed: the request stops there
            failures.append(_failure(target.name, doc.doc_id, error))
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
        raise Unsupported("[remote] reindex")
    source_index = source_spec["index"]
    if isinstance(source_index, list):
        source_index = ",".join(source_index)
    options = _options({k: v for k, v in body.items() if k in ("conflicts", "max_docs")}, params)
    query_body = {"query": source_spec.get("query")} if source_spec.get("query") else {}
    docs = _snapshot(engine, source_index, query_body, {}, options["max_docs"])
    dest_name = dest_spec["index"]
    op_type = dest_spec.get("op_type", "index")
    try:
        # e.g. a data stream, which takes only op_type create
        dest = engine.write_index(dest_name, op_type=op_type)
    except EngineError as error:
        return _refused_batch(started, options, docs, dest_name, error)
    marks = {dest: dest.mark()}
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
        write = _Write(
            dest_name,
            doc_id,
            source,
            doc.routing,
            op_type=op_type,
            version=doc.version if version_type in ("external", "external_gte") else None,
            version_type=version_type,
        )
        try:
            result = _write(engine, write, dest_spec.get("pipeline"), marks)
        except Conflict as error:
            conflicts += 1
            if options["conflicts"] == "abort":
                failures.append(_conflict_failure(dest, doc_id, error))
                break
            continue
        except EngineError as error:  # a pipeline failed: the request stops there
            failures.append(_failure(dest_name, doc_id, error))
            break
        # A document a pipeline dropped counts as updated, as in Elasticsearch.
        if result is not None and result["result"] == "created":
            created += 1
        else:
            updated += 1
        docs.succeeded += 1
    _finish(engine, params, marks)
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


def _refused_batch(
    started: float, options: dict[str, Any], docs: _Snapshot, dest: str, error: EngineError
) -> dict[str, Any]:
    """A reindex whose destination refuses every write: Elasticsearch's bulk fails each item of
    the first batch with that error, and the reindex stops there (nothing is written)."""
    first = [doc for _, doc in docs][: options["scroll_size"]]
    failures = [_failure(dest, doc.doc_id, error) for doc in first]
    counts = {"created": 0, "updated": 0, "deleted": 0, "version_conflicts": 0, "noops": 0}
    return _response(started, options, docs.total, **counts, failures=failures)
