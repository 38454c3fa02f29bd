"""The update API: partial documents, upserts, scripts and noop detection on top of an index."""

from __future__ import annotations

import time
from typing import Any, Literal

from . import jsoncodec
from .errors import BadRequest, DocumentMissing
from .index import PRIMARY_TERM, Index, StoredDoc
from .scripting import ScriptException, run_update_script, update_script_failure
from .source import SourceFilter
from .wording import unknown_field

BODY_FIELDS = [
    "doc",
    "upsert",
    "doc_as_upsert",
    "scripted_upsert",
    "script",
    "detect_noop",
    "_source",
    "lang",
    "params",
]


def validate_body(body: dict[str, Any]) -> None:

    for key in body:
        if key not in BODY_FIELDS:
            raise unknown_field("UpdateRequest", key, BODY_FIELDS)
    if "doc" not in body and "script" not in body:
        raise BadRequest(
            "Validation Failed: 1: script or doc is missing;",
            type="action_request_validation_exception",
        )
    if "doc" in body and "script" in body:
        raise BadRequest(
            "Validation Failed: 1: can't provide both script and doc;",
            type="action_request_validation_exception",
        )
    if body.get("doc_as_upsert") and "upsert" in body:
        raise BadRequest(
            "Validation Failed: 1: upsert requests don't support `doc_as_upsert`;",
            type="action_request_validation_exception",
        )


def update(
    index: Index,
    doc_id: str,
    body: dict[str, Any],
    *,
    routing: str | None = None,
    if_seq_no: int | None = None,
    if_primary_term: int | None = None,
    fetch: SourceFilter | Literal[False] | None = False,
) -> tuple[int, dict[str, Any]]:
    """Apply one update request; returns (status, response body)."""
    validate_body(body)
    index._check_routing(doc_id, routing)
    with index.lock:
        current = index.get(doc_id)
        if current is None:
            return _upsert(index, doc_id, body, routing, fetch)
        if if_seq_no is not None or if_primary_term is not None:
            index.check_cas(doc_id, (current.seq_no, current.version), if_seq_no, if_primary_term)
        source = current.source_dict()
        if "doc" in body:
            doc = body["doc"]
            if not isinstance(doc, dict):
                raise BadRequest(
                    "[UpdateRequest] doc must be an object", type="x_content_parse_exception"
                )
            updated = merge(source, doc)
            if body.get("detect_noop", True) and updated == source:
                return 200, _noop(index, current, fetch)
            op = "index"
        else:
            ctx = _script_context(index, current, source, "index")
            _run(body["script"], ctx)
            updated, op = ctx["_source"], ctx["op"]
            if op in ("none", "noop"):
                return 200, _noop(index, current, fetch)
        if op == "delete":
            status, result = index.delete(
                doc_id, routing=routing, if_seq_no=if_seq_no, if_primary_term=if_primary_term
            )
            return status, result
        encoded = jsoncodec.dumps(updated)
        result = index.index(
            doc_id,
            encoded,
            updated,
            routing=routing or current.routing,
            if_seq_no=if_seq_no,
            if_primary_term=if_primary_term,
        )
        _attach_get(result, updated, fetch)
        return 200, result


def _upsert(
    index: Index,
    doc_id: str,
    body: dict[str, Any],
    routing: str | None,
    fetch: SourceFilter | Literal[False] | None,
) -> tuple[int, dict[str, Any]]:
    if body.get("doc_as_upsert"):
        document = body["doc"]
    elif "upsert" in body:
        document = body["upsert"]
        if body.get("scripted_upsert") and "script" in body:
            ctx = {
                "_source": document,
                "op": "create",
                "_id": doc_id,
                "_index": index.name,
                "_now": int(time.time() * 1000),
            }
            _run(body["script"], ctx)
            if ctx["op"] in ("none", "noop"):
                return 200, {
                    "_index": index.name,
                    "_id": doc_id,
                    "_version": 0,
                    "result": "noop",
                    "_shards": index.shards(0),
                    "_primary_term": 0,
                }
            document = ctx["_source"]
    else:
        raise DocumentMissing(index.name, index.uuid, doc_id)
    encoded = jsoncodec.dumps(document)
    result = index.index(doc_id, encoded, document, routing=routing, op_type="create")
    _attach_get(result, document, fetch)
    return 201, result


def _noop(
    index: Index, current: StoredDoc, fetch: SourceFilter | Literal[False] | None
) -> dict[str, Any]:
    result = {
        "_index": index.name,
        "_id": current.doc_id,
        "_version": current.version,
        "result": "noop",
        "_shards": {"total": 0, "successful": 0, "failed": 0},
        "_seq_no": current.seq_no,
        "_primary_term": PRIMARY_TERM,
    }
    _attach_get(result, current.source_dict(), fetch)
    return result


def _attach_get(
    result: dict[str, Any], source: dict[str, Any], fetch: SourceFilter | Literal[False] | None
) -> None:
    """The ``get`` section an update response has when ``_source`` is asked for."""
    if fetch is False:
        return
    result["get"] = {
        "_seq_no": result.get("_seq_no"),
        "_primary_term": PRIMARY_TERM,
        "found": True,
        "_source": source if fetch is None else fetch.apply(source),
    }


def _script_context(
    index: Index, current: StoredDoc, source: dict[str, Any], op: str
) -> dict[str, Any]:
    return {
        "_source": source,
        "op": op,
        "_id": current.doc_id,
        "_index": index.name,
        "_version": current.version,
        "_routing": current.routing,
        "_now": int(time.time() * 1000),
    }


def _run(script: Any, ctx: dict[str, Any]) -> None:
    """Run an update script; its failures arrive as Elasticsearch's "failed to execute script"."""
    try:
        run_update_script(script, ctx)
    except ScriptException as error:
        raise update_script_failure(error) from None
    if ctx["op"] not in ("index", "create", "none", "noop", "delete"):
        ctx["op"] = "noop"  # Elasticsearch ignores an unknown operation, with a warning


def merge(source: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """Merge a partial document: objects merge key by key, anything else is replaced."""
    merged = dict(source)
    for key, value in doc.items():
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = merge(current, value)
        else:
            merged[key] = value
    return merged
