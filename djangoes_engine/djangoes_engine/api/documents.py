"""Document APIs: index, create, get, exists, get_source, delete, update, mget, bulk."""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from .. import jsoncodec
from .. import source as sources
from ..cluster import Cluster
from ..errors import (
    BadRequest,
    EngineError,
    IllegalArgument,
    IndexClosed,
    IndexNotFound,
    NotFound,
    Unsupported,
    ValidationError,
    VersionConflict,
)
from ..fields import document_parsing_error
from ..http import Request
from ..index import PRIMARY_TERM, Index, StoredDoc, check_blocks
from ..ingest import AUTO_GENERATED, Ingested, dropped_response
from ..names import excluded_data_stream
from ..search.hits import vector_source
from ..update import update
from .arguments import boolean, json_body, long, object_body, refresh, source_filter
from .ingest import has_pipelines, ingest_write

WRITE_PARAMS = ("routing", "if_seq_no", "if_primary_term", "version", "version_type")
DATA_STREAM_CREATE_ONLY = "only write ops with an op_type of create are allowed in data streams"


# Targets


def single_index(engine: Cluster, name: str) -> Index:
    """The one index a single-document read names: an index, or an alias of exactly one."""
    index = engine.indices.get(name)
    if index is not None:
        if index.state == "close":
            raise IndexClosed(index.name, index.uuid)
        return index
    names = engine.alias_map().get(name)
    if not names:
        if name in engine.data_streams():  # single-document reads take no data stream
            raise excluded_data_stream(name)
        raise IndexNotFound(name)
    if len(names) > 1:
        raise IllegalArgument(
            f"alias [{name}] has more than one index associated with it "
            f"[{', '.join(sorted(names))}], can't execute a single index op"
        )
    return single_index(engine, names[0])


def write_target(
    engine: Cluster,
    name: str,
    params: dict[str, Any],
    op_type: str,
    options: dict[str, Any] | None = None,
) -> Index:
    """The index a single-document write goes to, with the checks its op type calls for."""
    options = options or {}
    return engine.write_index(
        name,
        require_alias=boolean(params, "require_alias"),
        require_data_stream=boolean(params, "require_data_stream"),
        op_type=op_type,
        cas=options.get("if_seq_no") is not None or options.get("if_primary_term") is not None,
        routing=options.get("routing"),
    )


def after_write(
    index: Index, params: dict[str, Any], result: dict[str, Any] | None, since: int
) -> None:
    """Make the writes made since the mark ``since`` durable, then refresh as ``?refresh`` asks."""
    index.sync(since)
    refresh_as_asked(index, params, result)


def refresh_as_asked(index: Index, params: dict[str, Any], result: dict[str, Any] | None) -> None:
    mode = refresh(params)
    if mode is None:
        return
    index.refresh()
    if mode == "true" and result is not None:
        result["forced_refresh"] = True


def write_options(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "routing": params.get("routing"),
        "if_seq_no": long(params, "if_seq_no"),
        "if_primary_term": long(params, "if_primary_term"),
        "version": long(params, "version"),
        "version_type": params.get("version_type"),
    }


# Index and create


def document_body(body: bytes) -> Any:
    try:
        document = jsoncodec.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        if not body.strip():  # checked only here: a document parses in a bulk load's loop
            raise ValidationError("source is missing") from None
        # Elasticsearch 8.8+ reports a source that is not JSON as a document parsing failure.
        if isinstance(error, json.JSONDecodeError):
            reason = f"[{error.lineno}:{error.colno}] failed to parse: {error.msg}"
        else:
            reason = f"failed to parse: {error}"
        raise document_parsing_error(
            reason, caused_by=BadRequest(str(error), type="x_content_parse_exception")
        ) from None
    if not isinstance(document, dict):
        raise document_parsing_error("Malformed content, must start with an object")
    return document


def index_document(engine: Cluster, request: Request, index: str, id: str | None = None):
    # A document without an id is created unless the request says otherwise, as Elasticsearch
    # does (data streams take it so).
    op_type = request.params.get("op_type", "create" if id is None else "index")
    if op_type not in ("index", "create"):
        raise IllegalArgument(f"opType must be 'create' or 'index', found: [{op_type}]")
    return _index(engine, request, index, id, op_type)


def create_document(engine: Cluster, request: Request, index: str, id: str):
    return _index(engine, request, index, id, "create")


def _index(engine: Cluster, request: Request, name: str, doc_id: str | None, op_type: str):
    params = request.params
    if not request.body:
        raise BadRequest("request body is required", type="parse_exception")
    document = document_body(request.body)
    options = write_options(params)
    source = bytes(request.body)
    ingested = ingest_write(
        engine, name, doc_id, document, requested=params.get("pipeline"), **options
    )
    if ingested is not None:
        if ingested.dropped:
            return 200, dropped_response(name, doc_id, options["version"])
        name, doc_id, document = ingested.index, ingested.doc_id, ingested.source
        options = _ingested_options(ingested)
        source = jsoncodec.dumps(document)
    index = write_target(engine, name, params, op_type, options)
    since = index.mark()
    result = index.index(doc_id, source, document, op_type=op_type, **options)
    after_write(index, params, result, since)
    return (201 if result["result"] == "created" else 200), result


def _ingested_options(ingested: Ingested) -> dict[str, Any]:
    """The write options of a document as its pipelines left it (``_routing``, ``_version``...)."""
    return {
        "routing": ingested.routing,
        "if_seq_no": ingested.if_seq_no,
        "if_primary_term": ingested.if_primary_term,
        "version": ingested.version,
        "version_type": ingested.version_type,
    }


# Reads


def get_document(engine: Cluster, request: Request, index: str, id: str):
    params = request.params
    target, doc = _read(engine, params, index, id)
    if doc is None:
        return 404, {"_index": target.name, "_id": id, "found": False}
    return 200, render_doc(target, doc, params)


def render_doc(
    index: Index, doc: StoredDoc, params: dict[str, Any], fetch: Any = ...
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "_index": index.name,
        "_id": doc.doc_id,
        "_version": doc.version,
        "_seq_no": doc.seq_no,
        "_primary_term": PRIMARY_TERM,
    }
    if doc.routing is not None:
        body["_routing"] = doc.routing
    body["found"] = True
    stored_fields = params.get("stored_fields")
    if fetch is ...:
        fetch = source_filter(params)
        if stored_fields is not None and "_source" not in params:
            fetch = False
    if fetch is not False and index.mapping.source_enabled:
        source = _fetched_source(index, doc.source_dict(), fetch)
        body["_source"] = source if fetch is None else fetch.apply(source)
    if stored_fields:
        fields = _stored_fields(index, doc, stored_fields)
        if fields:
            body["fields"] = fields
    return body


def _fetched_source(
    index: Index, source: dict[str, Any], fetch: sources.SourceFilter | None
) -> dict[str, Any]:
    """The stored source with the index's source filter, and its vectors as the fetch asks."""
    exclude = fetch.exclude_vectors if fetch is not None else None
    return vector_source(index, _stored_source(index, source), exclude)


def _stored_source(index: Index, source: dict[str, Any]) -> dict[str, Any]:
    mapping = index.mapping
    if mapping.source_includes or mapping.source_excludes:
        return sources.SourceFilter(mapping.source_includes, mapping.source_excludes).apply(source)
    return source


def _stored_fields(index: Index, doc: StoredDoc, names: Any) -> dict[str, list[Any]]:
    names = names.split(",") if isinstance(names, str) else list(names)
    fields: dict[str, list[Any]] = {}
    source = doc.source_dict()
    for name in names:
        for field in index.mapping.fields_matching(name):
            if field.store:
                values = sources.extract(source, field.path)
                if values:
                    fields[field.path] = values
    return fields


def _read(engine: Cluster, params: dict[str, Any], name: str, doc_id: str):
    index = single_index(engine, name)
    check_blocks([index], "read")
    # Reads need the routing a ``_routing.required`` index was written with, as writes do.
    index._check_routing(doc_id, params.get("routing"))
    if boolean(params, "refresh"):
        index.refresh()
    doc = index.get(doc_id, realtime=boolean(params, "realtime", True))
    if doc is not None:
        _check_version(index, doc, params)
    return index, doc


def _check_version(index: Index, doc: StoredDoc, params: dict[str, Any]) -> None:
    version = long(params, "version")
    if version is None:
        return
    # For reads every version type asks for exactly this version, as Elasticsearch's do.
    if doc.version != version:
        raise VersionConflict(
            index.name,
            index.uuid,
            doc.doc_id,
            f"current version [{doc.version}] is different than the one provided [{version}]",
        )


def document_exists(engine: Cluster, request: Request, index: str, id: str):
    _, doc = _read(engine, request.params, index, id)
    return (200 if doc is not None else 404), None


def get_source(engine: Cluster, request: Request, index: str, id: str):
    target, doc = _read(engine, request.params, index, id)
    if doc is None:
        raise NotFound(f"Document not found [{target.name}]/[{id}]")
    if not target.mapping.source_enabled:
        raise NotFound(f"source disabled: [{target.name}]/[{id}]")
    fetch = source_filter(request.params)
    source = _fetched_source(target, doc.source_dict(), fetch or None)
    return 200, source if not fetch else fetch.apply(source)


def source_exists(engine: Cluster, request: Request, index: str, id: str):
    target, doc = _read(engine, request.params, index, id)
    found = doc is not None and target.mapping.source_enabled
    return (200 if found else 404), None


# Delete and update


def delete_document(engine: Cluster, request: Request, index: str, id: str):
    params = request.params
    if index in engine.data_streams():
        raise IllegalArgument(DATA_STREAM_CREATE_ONLY)
    target = single_index(engine, index)
    since = target.mark()
    status, result = target.delete(id, **write_options(params))
    after_write(target, params, result, since)
    return status, result


def update_document(engine: Cluster, request: Request, index: str, id: str):
    params = request.params
    body = object_body(request.body, required=True)
    target = write_target(engine, index, params, "update")
    fetch = source_filter(params)
    if (
        "_source" not in params
        and "_source_includes" not in params
        and ("_source_excludes" not in params)
    ):
        fetch = sources.from_body(body.get("_source")) if "_source" in body else False
    options = write_options(params)
    options.pop("version")
    options.pop("version_type")
    since = target.mark()
    status, result = update(target, id, body, fetch=fetch, **options)
    after_write(target, params, result, since)
    return status, result


# Multi get


def mget(engine: Cluster, request: Request, index: str | None = None):
    params = request.params
    body = object_body(request.body, required=True)
    docs = body.get("docs")
    ids = body.get("ids")
    if docs is None and ids is None:
        raise ValidationError("no documents to get")
    if ids is not None:
        if not isinstance(ids, list):
            raise BadRequest("ids must be an array", type="parse_exception")
        if index is None:
            raise ValidationError(*[f"index is missing for doc {n}" for n in range(len(ids))])
        docs = [{"_id": i} for i in ids]
    if not docs:
        raise ValidationError("no documents to get")
    problems = []
    for number, entry in enumerate(docs):
        if not isinstance(entry, dict):
            raise BadRequest("docs array element should include an object", type="parse_exception")
        if entry.get("_index", index) is None:
            problems.append(f"index is missing for doc {number}")
        if entry.get("_id") is None:
            problems.append(f"id is missing for doc {number}")
    if problems:
        raise ValidationError(*problems)
    return 200, {"docs": [_mget_one(engine, params, index, entry) for entry in docs]}


def _mget_one(
    engine: Cluster, params: dict[str, Any], default: str | None, entry: dict[str, Any]
) -> dict[str, Any]:
    name = entry.get("_index", default)
    doc_id = str(entry["_id"])
    assert name is not None  # mget reports a doc without an index before reading any
    if "routing" in entry:
        params = {**params, "routing": entry["routing"]}
    try:
        target, doc = _read(engine, params, name, doc_id)
    except EngineError as error:
        return {"_index": name, "_id": doc_id, "error": _item_error(error)}
    if doc is None:
        return {"_index": target.name, "_id": doc_id, "found": False}
    fetch: Any = ...
    if "_source" in entry:
        fetch = sources.from_body(entry["_source"])
    doc_params = dict(params)
    if "stored_fields" in entry:
        doc_params["stored_fields"] = entry["stored_fields"]
    return render_doc(target, doc, doc_params, fetch)


def _item_error(error: EngineError) -> dict[str, Any]:
    body = error.to_dict()["error"]
    return body


# Bulk

ACTIONS = ("index", "create", "update", "delete")
ACTION_FIELDS = frozenset(
    {
        "_index",
        "_id",
        "routing",
        "if_seq_no",
        "if_primary_term",
        "version",
        "version_type",
        "require_alias",
        "retry_on_conflict",
        "_source",
        "pipeline",
        "dynamic_templates",
        "op_type",
        "require_data_stream",
        "list_executed_pipelines",
    }
)


def bulk(engine: Cluster, request: Request, index: str | None = None):
    started = time.perf_counter()
    params = request.params
    # The whole request is parsed before any item runs: a malformed line fails the request and
    # leaves every index as it was, as Elasticsearch's bulk parser does.
    operations = _parse_bulk(request.body.split(b"\n"))
    if not operations:
        raise ValidationError("no requests added")
    context = _BulkContext(engine, params, index)
    items = [{action: context.run(action, meta, line)} for action, meta, line in operations]
    for target, since in context.marks.items():
        try:
            target.sync(since)
        except EngineError as error:  # not kept: each of its items says so, the others stand
            context.errors = True
            for item in items:
                ((action, result),) = item.items()
                if "error" not in result and result["_index"] == target.name:
                    item[action] = _bulk_failure(target.name, result["_id"], error)
    for target in context.marks:
        refresh_as_asked(target, params, None)
    if context.marks and refresh(params) == "true":
        # Every item that was written reports the refresh it forced, as Elasticsearch's do.
        for item in items:
            result = next(iter(item.values()))
            if "error" not in result and id(result) not in context.dropped:
                result["forced_refresh"] = True
    took = int((time.perf_counter() - started) * 1000)
    return 200, {"errors": context.errors, "took": took, "items": items}


def _parse_bulk(lines: list[bytes]) -> list[tuple[str, dict[str, Any], bytes | None]]:
    """``(action, metadata, source line)`` of every operation, or the request's parse error."""
    operations: list[tuple[str, dict[str, Any], bytes | None]] = []
    number = 0
    while number < len(lines):
        line = lines[number].strip()
        number += 1
        if not line:
            continue
        action, meta = _action(line, number)
        source_line = None
        if action != "delete":
            if number >= len(lines) or not lines[number].strip():
                raise IllegalArgument(
                    "The bulk request must be terminated by a newline [\\n]"
                    if number >= len(lines)
                    else "Validation Failed: 1: source is missing;"
                )
            source_line = lines[number]
            number += 1
        if action == "index" and meta.get("op_type") == "create":
            action = "create"
        operations.append((action, meta, source_line))
    return operations


def _action(line: bytes, number: int) -> tuple[str, dict[str, Any]]:
    try:
        parsed = jsoncodec.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IllegalArgument(
            f"Malformed action/metadata line [{number}], expected START_OBJECT or END_OBJECT "
            "but found [VALUE_STRING]"
        ) from None
    if parsed == {}:
        raise IllegalArgument(
            f"Malformed action/metadata line [{number}], expected FIELD_NAME but found [END_OBJECT]"
        )
    if not isinstance(parsed, dict) or len(parsed) != 1:
        raise IllegalArgument(
            f"Malformed action/metadata line [{number}], expected START_OBJECT but found "
            f"[{'START_ARRAY' if isinstance(parsed, list) else 'VALUE_STRING'}]"
        )
    ((action, meta),) = parsed.items()
    if action not in ACTIONS:
        raise IllegalArgument(
            f"Malformed action/metadata line [{number}], expected field [create], [delete], "
            f"[index] or [update] but found [{action}]"
        )
    if not isinstance(meta, dict):
        raise IllegalArgument(
            f"Malformed action/metadata line [{number}], expected START_OBJECT but found "
            "[VALUE_STRING]"
        )
    if not ACTION_FIELDS.issuperset(meta):
        unknown = meta.keys() - ACTION_FIELDS
        raise IllegalArgument(
            f"Action/metadata line [{number}] contains an unknown parameter [{sorted(unknown)[0]}]"
        )
    return action, meta


#: The action fields of the items :meth:`_BulkContext.run_plain` takes.
_PLAIN_META = frozenset({"_index", "_id"})


class _BulkContext:
    """What the items of one bulk request share: URL defaults and resolved target indices."""

    def __init__(self, engine: Cluster, params: dict[str, Any], default_index: str | None) -> None:
        self.engine = engine
        self.params = params
        self.default_index = default_index
        self.require_alias = boolean(params, "require_alias")
        self.require_data_stream = boolean(params, "require_data_stream")
        self.routing = params.get("routing")
        self.pipeline = params.get("pipeline")
        self.targets: dict[tuple[Any, ...], Index] = {}
        #: The targets of :meth:`run_plain`'s items, by index name and action.
        self.plain_targets: dict[tuple[str, str], Index] = {}
        #: Each index written to, with its mark before the first write (see ``Index.sync``).
        self.marks: dict[Index, int] = {}
        self.errors = False
        #: The items a pipeline dropped (by identity): never written, so never refreshed.
        self.dropped: set[int] = set()
        #: Indices found to have no pipeline: their items skip ingest (unless a line names one).
        self.unpiped: set[str] = set()

    def target(self, name: str, action: str, meta: dict[str, Any]) -> Index:
        """The index an item writes to; the same name with the same checks resolves once."""
        op_type = "create" if action == "create" else meta.get("op_type", action)
        routing = meta.get("routing", self.routing)
        key = (
            name,
            op_type,
            meta.get("if_seq_no") is not None or meta.get("if_primary_term") is not None,
            routing is not None,
            bool(meta.get("require_alias", self.require_alias)),
            bool(meta.get("require_data_stream", self.require_data_stream)),
        )
        index = self.targets.get(key)
        if index is None or key[4]:
            index = self.engine.write_index(
                name,
                require_alias=key[4],
                require_data_stream=key[5],
                op_type=op_type,
                cas=key[2],
                routing=routing,
                # as in Elasticsearch, a delete creates no index (unless versioned externally)
                auto_create=action != "delete"
                or meta.get("version_type") in ("external", "external_gte"),
            )
            self.targets[key] = index
        if index not in self.marks:
            self.marks[index] = index.mark()
        return index

    def plain_target(self, name: str, action: str, meta: dict[str, Any]) -> Index:
        """:meth:`target` for :meth:`run_plain`, whose items of one index and action all
        resolve alike (no routing, versions or options of their own): remembered once found,
        unless ``require_alias`` asks to check it each time."""
        index = self.target(name, action, meta)
        if not self.require_alias:
            self.plain_targets[name, action] = index
        return index

    def run(self, action: str, meta: dict[str, Any], line: bytes | None) -> dict[str, Any]:
        """One item's result: the write's response with its status, or its error."""
        if (
            (action == "index" or action == "create")
            and self.pipeline is None
            and _PLAIN_META.issuperset(meta)
            and meta.get("_index", self.default_index) in self.unpiped
        ):
            assert line is not None  # index and create have a source line (_parse_bulk)
            return self.run_plain(action, meta, line)
        name = meta.get("_index", self.default_index)
        doc_id = meta.get("_id")
        if doc_id is not None:
            doc_id = str(doc_id)
        try:
            if name is None:
                raise ValidationError("index is missing")
            document = None
            if action in ("index", "create"):
                assert line is not None  # index and create have a source line (_parse_bulk)
                document = document_body(line)
                try:
                    ingested = self.ingest(name, doc_id, document, meta)
                except EngineError as error:  # this item fails; its neighbours are written
                    self.errors = True
                    return _bulk_failure(name, AUTO_GENERATED if doc_id is None else doc_id, error)
                if ingested is not None and ingested.dropped:
                    dropped = {**dropped_response(name, doc_id, meta.get("version")), "status": 200}
                    self.dropped.add(id(dropped))
                    return dropped
                if ingested is not None:
                    name, doc_id, document = ingested.index, ingested.doc_id, ingested.source
                    meta = {**meta, **_ingested_options(ingested)}
                    line = jsoncodec.dumps(document)
            elif action == "update" and "pipeline" in meta:
                raise Unsupported("a [pipeline] on a bulk [update] action")
            index = self.target(name, action, meta)
            options = {
                "routing": meta.get("routing", self.routing),
                "if_seq_no": meta.get("if_seq_no"),
                "if_primary_term": meta.get("if_primary_term"),
            }
            status, result = _bulk_apply(
                index, action, doc_id, meta, line, options, self.params, document
            )
        except EngineError as error:
            self.errors = True
            return _bulk_failure(name, doc_id, error)
        result["status"] = status
        return result

    def run_plain(self, action: str, meta: dict[str, Any], line: bytes) -> dict[str, Any]:
        """:meth:`run` for the common item, which a bulk load is made of: an index or create
        naming at most its index and id, to an index without pipelines. The same steps, less
        those that cannot apply (options, pipelines, versions)."""
        name = meta.get("_index", self.default_index)
        assert name is not None  # ``run`` found it in ``unpiped``
        doc_id = meta.get("_id")
        if doc_id is not None:
            doc_id = str(doc_id)
        try:
            document = document_body(line)
            index = self.plain_targets.get((name, action)) or self.plain_target(name, action, meta)
            if doc_id == "":
                raise IllegalArgument("if _id is specified it must not be empty")
            result = index.index(doc_id, line, document, op_type=action, routing=self.routing)
        except EngineError as error:
            self.errors = True
            return _bulk_failure(name, doc_id, error)
        result["status"] = 201 if result["result"] == "created" else 200
        return result

    def ingest(
        self, name: str, doc_id: str | None, document: Any, meta: dict[str, Any]
    ) -> Ingested | None:
        """The item's document through its pipelines (the line's, the URL's, the index's)."""
        requested = meta.get("pipeline", self.pipeline)
        if requested is None:
            if name in self.unpiped:
                return None
            index = self.engine.indices.get(name)
            if index is not None and not has_pipelines(index):
                self.unpiped.add(name)
                return None
        return ingest_write(
            self.engine,
            name,
            doc_id,
            document,
            requested=requested,
            routing=meta.get("routing", self.routing),
            version=meta.get("version"),
            version_type=meta.get("version_type"),
            if_seq_no=meta.get("if_seq_no"),
            if_primary_term=meta.get("if_primary_term"),
        )


def _bulk_failure(index: str | None, doc_id: str | None, error: EngineError) -> dict[str, Any]:
    return {"_index": index, "_id": doc_id, "status": error.status, "error": error.cause_dict()}


def _bulk_apply(
    index: Index,
    action: str,
    doc_id: str | None,
    meta: dict[str, Any],
    source_line: bytes | None,
    options: dict[str, Any],
    params: dict[str, Any],
    document: Any = None,
) -> tuple[int, dict[str, Any]]:
    if action == "delete":
        if doc_id is None:
            raise ValidationError("id is missing")
        return index.delete(
            doc_id, version=meta.get("version"), version_type=meta.get("version_type"), **options
        )
    assert source_line is not None  # every action but delete has one (_parse_bulk)
    if action == "update":
        if doc_id is None:
            raise ValidationError("id is missing")
        body = json_body(source_line)
        if not isinstance(body, dict):
            raise BadRequest("failed to parse update request", type="parse_exception")
        fetch: sources.SourceFilter | Literal[False] | None = False
        if "_source" in body:
            fetch = sources.from_body(body["_source"])
        elif "_source" in meta:
            fetch = sources.from_body(meta["_source"])
        elif "_source" in params or "_source_includes" in params:
            fetch = source_filter(params)
        return update(index, doc_id, body, fetch=fetch, **options)
    if document is None:
        document = document_body(source_line)
    op_type = "create" if action == "create" else meta.get("op_type", "index")
    if doc_id == "":
        raise IllegalArgument("if _id is specified it must not be empty")
    result = index.index(
        doc_id,
        bytes(source_line),
        document,
        op_type=op_type,
        version=meta.get("version"),
        version_type=meta.get("version_type"),
        **options,
    )
    return (201 if result["result"] == "created" else 200), result
