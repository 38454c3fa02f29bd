"""One index: its documents, their versions, refreshes, and durability.

Writes are serialised by the index lock. Each write updates three things: ``versions`` (every
live document's ``(seq_no, version)``, for the concurrency checks and ``result``), ``pending``
(the documents written since the last refresh, which is what makes get real-time), and the
tantivy writer. A refresh commits tantivy, publishes a new :class:`Reader` and empties
``pending``; searches use the latest reader and so see exactly the refreshed documents.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import tantivy

from . import jsoncodec
from .analysis import AnalysisRegistry
from .errors import (
    BadRequest,
    EngineError,
    IllegalArgument,
    ValidationError,
    VersionConflict,
)
from .mapping import Mapping, ParsedDocument
from .settings import Settings
from .store import Layout, Store, read_json, spare_kinds, write_json_atomic
from .translog import Translog

PRIMARY_TERM = 1
MAX_ID_BYTES = 512


class StoredDoc(NamedTuple):
    """A document as get and search return it (a tuple: one is made per write)."""

    doc_id: str
    source: bytes
    seq_no: int
    version: int
    routing: str | None = None

    def source_dict(self) -> dict[str, Any]:
        return jsoncodec.loads(self.source)


#: Marks a document deleted since the last refresh, in ``pending``.
DELETED = StoredDoc("", b"", -1, -1)


@dataclass(frozen=True, slots=True)
class Reader:
    """What a search needs, captured together so that a rebuild or refresh cannot tear it."""

    searcher: tantivy.Searcher
    mapping: Mapping
    layout: Layout
    schema: tantivy.Schema
    registry: AnalysisRegistry

    def slot(self, path: str) -> str | None:
        return self.layout.slot(path)


class Index:
    def __init__(
        self,
        *,
        name: str,
        uuid: str,
        settings: Settings,
        mappings: dict[str, Any] | None,
        aliases: dict[str, dict[str, Any]] | None = None,
        directory: str | None = None,
        creation_date: int | None = None,
        on_change: Callable[[Index], None] | None = None,
    ) -> None:
        self.name = name
        self.uuid = uuid
        self.settings = settings
        self.aliases: dict[str, dict[str, Any]] = dict(aliases or {})
        self.directory = directory
        self.creation_date = creation_date or int(time.time() * 1000)
        self.on_change = on_change or (lambda index: None)
        self.lock = threading.RLock()
        self.registry = AnalysisRegistry(settings.analysis)
        self.mapping = Mapping(mappings, self.registry)
        self.versions: dict[str, tuple[int, int]] = {}
        self.pending: dict[str, StoredDoc] = {}
        self.max_seq_no = -1
        self.dirty = False
        self.last_refresh = time.monotonic()
        self.closed = False
        self._saved_multi = 0
        self.read_settings()
        layout = self._load_layout()
        self.store = Store(self._store_directory(layout.generation), layout, self.registry)
        self._publish(self.store.searcher)
        self._assign_slots(self.mapping)
        self.translog: Translog | None = None
        if directory is not None:
            self._recover()
            fsync = self.settings.get("index.translog.durability") != "async"
            self.translog = Translog(os.path.join(directory, "translog"), fsync=fsync)

    # Settings and metadata

    def read_settings(self) -> None:
        """Cache the settings the write and refresh paths read."""
        from .dates import parse_time_value

        interval = str(self.settings.get("index.refresh_interval"))
        seconds = parse_time_value(interval, "index.refresh_interval")
        self.refresh_interval = None if seconds < 0 else seconds
        self.replicas = self.settings.int("index.number_of_replicas")
        self._shards = {"total": 1 + self.replicas, "successful": 1, "failed": 0}
        self.blocks_write = self.settings.bool("index.blocks.write") or self.settings.bool(
            "index.blocks.read_only"
        )

    def shards(self, successful: int = 1) -> dict[str, int]:
        """The ``_shards`` of a write response (one shared dict: responses never change it)."""
        if successful == 1:
            return self._shards
        return {"total": 1 + self.replicas, "successful": successful, "failed": 0}

    def metadata(self) -> dict[str, Any]:
        """What the engine persists about this index."""
        return {
            "uuid": self.uuid,
            "settings": self.settings.flat,
            "mappings": self.mapping.to_dict(),
            "aliases": self.aliases,
            "creation_date": self.creation_date,
        }

    def _publish(self, searcher: tantivy.Searcher) -> None:
        self.reader = Reader(
            searcher, self.mapping, self.store.layout, self.store.schema, self.registry
        )

    # Mapping and slots

    def put_mapping(self, body: dict[str, Any]) -> None:
        with self.lock:
            self._set_mapping(self.mapping.merged(body))

    def _set_mapping(self, mapping: Mapping) -> None:
        self._assign_slots(mapping)
        self.mapping = mapping
        self._publish(self.reader.searcher)
        self.on_change(self)

    def _assign_slots(self, mapping: Mapping) -> None:
        """Give every indexed field a slot, rebuilding the store if some kind has no spare."""
        layout = self.store.layout
        missing = {}
        for path, field in mapping.fields.items():
            kind = field.slot_kind
            if kind is not None and not layout.assign(path, kind):
                missing[path] = kind
        if missing:
            self.rebuild(layout.grown(missing), mapping)
        else:
            self._save_layout(layout)

    def rebuild(self, layout: Layout, mapping: Mapping) -> None:
        """Copy every document into a store with a new layout, keeping what is searchable."""
        old = self.store
        store = Store(self._store_directory(layout.generation), layout, self.registry)
        try:
            for doc in iterate_documents(old.searcher):
                if doc.doc_id not in self.pending:
                    store.add(self._document(store, doc, mapping.parse(doc.source_dict(), None)))
            searcher = store.commit()
            for doc in self.pending.values():
                if doc is not DELETED:
                    parsed = mapping.parse(doc.source_dict(), None)
                    store.add(self._document(store, doc, parsed))
        except BaseException:
            store.destroy()
            raise
        self._save_layout(layout)
        self.store = store
        self._publish(searcher)
        old.destroy()

    @staticmethod
    def _document(store: Store, doc: StoredDoc, parsed: ParsedDocument) -> tantivy.Document:
        return store.document(doc.doc_id, doc.seq_no, doc.version, doc.source, doc.routing, parsed)

    def _store_directory(self, generation: int) -> str | None:
        if self.directory is None:
            return None
        return os.path.join(self.directory, f"store-{generation}")

    def _load_layout(self) -> Layout:
        if self.directory is not None:
            path = os.path.join(self.directory, "layout.json")
            if os.path.exists(path):
                return Layout.from_dict(read_json(path))
        return Layout.new(spare_kinds(self.registry.tantivy_name("standard")))

    def _save_layout(self, layout: Layout) -> None:
        self._saved_multi = len(layout.multi)
        if self.directory is not None:
            os.makedirs(self.directory, exist_ok=True)
            write_json_atomic(os.path.join(self.directory, "layout.json"), layout.to_dict())

    # Writes

    def index(
        self,
        doc_id: str | None,
        source: bytes,
        document: Any,
        *,
        op_type: str = "index",
        routing: str | None = None,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        version: int | None = None,
        version_type: str | None = None,
    ) -> dict[str, Any]:
        """Index or create one document; the result is Elasticsearch's response body."""
        if doc_id is None:
            doc_id = new_id()
            op_type = "create" if op_type == "index" else op_type
        elif not doc_id or len(doc_id) > MAX_ID_BYTES // 4:  # only then can it be too long
            check_id(doc_id)
        if routing is None and self.mapping.routing_required:
            self._check_routing(doc_id, routing)
        if not isinstance(document, dict):
            raise BadRequest(
                "failed to parse: request body must be a JSON object",
                type="mapper_parsing_exception",
            )
        with self.lock:
            self._check_writable()
            current = self.versions.get(doc_id)
            if op_type == "create" and current is not None:
                raise self._conflict(
                    doc_id, f"document already exists (current version [{current[1]}])"
                )
            if (
                if_seq_no is None
                and if_primary_term is None
                and version is None
                and (version_type is None)
            ):
                new_version = 1 if current is None else current[1] + 1
            else:
                self.check_cas(doc_id, current, if_seq_no, if_primary_term)
                new_version = self._next_version(doc_id, current, version, version_type)
            parsed = self._parse(document, doc_id)
            seq_no = self.max_seq_no = self.max_seq_no + 1
            doc = StoredDoc(doc_id, source, seq_no, new_version, routing)
            self._write(doc, parsed, replace=current is not None or doc_id in self.pending)
            result = "created" if current is None else "updated"
        return self._result(doc, result)

    def delete(
        self,
        doc_id: str,
        *,
        routing: str | None = None,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        version: int | None = None,
        version_type: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Delete one document: (status, body), 404 with ``result: not_found`` if missing."""
        check_id(doc_id)
        self._check_routing(doc_id, routing)
        with self.lock:
            self._check_writable()
            current = self.versions.get(doc_id)
            self.check_cas(doc_id, current, if_seq_no, if_primary_term)
            new_version = self._next_version(doc_id, current, version, version_type)
            seq_no = self.max_seq_no = self.max_seq_no + 1
            if current is not None:
                self.versions.pop(doc_id)
                self.pending[doc_id] = DELETED
                self.store.delete(doc_id)
                self.dirty = True
            if self.translog is not None:
                self.translog.add({"op": "delete", "id": doc_id, "s": seq_no, "v": new_version})
        doc = StoredDoc(doc_id, b"", seq_no, new_version, routing)
        if current is None:
            return 404, self._result(doc, "not_found")
        return 200, self._result(doc, "deleted")

    def _parse(self, document: dict[str, Any], doc_id: str) -> ParsedDocument:
        parsed = self.mapping.parse(document, doc_id)
        if parsed.update is not None:
            mapping = self.mapping.merged(parsed.update)
            parsed = mapping.parse(document, doc_id)
            self._set_mapping(mapping)
        return parsed

    def _write(self, doc: StoredDoc, parsed: ParsedDocument, *, replace: bool) -> None:
        """Apply one indexing; the tantivy document is built first, so a failure changes nothing."""
        try:
            document = self._document(self.store, doc, parsed)
        except ValueError as error:  # a value tantivy refuses, such as a lone surrogate
            fields = [
                p
                for p, (slot, _) in self.store.layout.slots.items()
                if f"field {slot}," in str(error)
            ]
            where = f" in field [{fields[0]}]" if fields else ""
            raise BadRequest(
                f"failed to parse document with id '{doc.doc_id}': a value{where} is not valid "
                "text (for example a lone UTF-16 surrogate)",
                type="document_parsing_exception",
            ) from None
        if replace:
            self.store.delete(doc.doc_id)
        self.store.add(document)
        self.versions[doc.doc_id] = (doc.seq_no, doc.version)
        self.pending[doc.doc_id] = doc
        self.dirty = True
        if self.translog is not None:
            record = {"op": "index", "id": doc.doc_id, "s": doc.seq_no, "v": doc.version}
            if doc.routing is not None:
                record["r"] = doc.routing
            self.translog.add(record, doc.source)

    def _check_writable(self) -> None:
        if self.closed:
            raise EngineError(
                f"closed index [{self.name}]",
                status=400,
                type="index_closed_exception",
                index=self.name,
            )
        if self.blocks_write:
            raise EngineError(
                f"index [{self.name}] blocked by: [FORBIDDEN/8/index write (api)];",
                status=403,
                type="cluster_block_exception",
            )

    def _check_routing(self, doc_id: str, routing: str | None) -> None:
        if routing is None and self.mapping.routing_required:
            raise BadRequest(
                f"routing is required for [{self.name}]/[{doc_id}]",
                type="routing_missing_exception",
                index=self.name,
            )

    def check_cas(
        self,
        doc_id: str,
        current: tuple[int, int] | None,
        if_seq_no: int | None,
        if_primary_term: int | None,
    ) -> None:
        if if_seq_no is None and if_primary_term is None:
            return
        if current is None:
            raise self._conflict(
                doc_id,
                f"required seqNo [{if_seq_no}], primary term [{if_primary_term}]. but no document "
                "was found",
            )
        if current[0] != if_seq_no or if_primary_term != PRIMARY_TERM:
            raise self._conflict(
                doc_id,
                f"required seqNo [{if_seq_no}], primary term [{if_primary_term}]. current "
                f"document has seqNo [{current[0]}] and primary term [{PRIMARY_TERM}]",
            )

    def _next_version(
        self,
        doc_id: str,
        current: tuple[int, int] | None,
        version: int | None,
        version_type: str | None,
    ) -> int:
        if version_type in (None, "internal"):
            if version is not None:
                raise ValidationError(
                    "internal versioning can not be used for optimistic concurrency control. "
                    "Please use `if_seq_no` and `if_primary_term` instead"
                )
            return 1 if current is None else current[1] + 1
        if version_type not in ("external", "external_gte"):
            raise IllegalArgument(f"No version type match [{version_type}]")
        if version is None:
            raise ValidationError("an external version must be set")
        if current is not None:
            newer = version > current[1] if version_type == "external" else version >= current[1]
            if not newer:
                relation = "higher or equal to" if version_type == "external" else "higher than"
                raise self._conflict(
                    doc_id,
                    f"current version [{current[1]}] is {relation} the one provided [{version}]",
                )
        return version

    def _conflict(self, doc_id: str, why: str) -> VersionConflict:
        return VersionConflict(self.name, self.uuid, doc_id, why)

    def _result(self, doc: StoredDoc, result: str) -> dict[str, Any]:
        return {
            "_index": self.name,
            "_id": doc.doc_id,
            "_version": doc.version,
            "result": result,
            "_shards": self._shards,
            "_seq_no": doc.seq_no,
            "_primary_term": PRIMARY_TERM,
        }

    # Reads

    def get(self, doc_id: str, *, realtime: bool = True) -> StoredDoc | None:
        if realtime:
            doc = self.pending.get(doc_id)
            if doc is not None:
                return None if doc is DELETED else doc
            if doc_id not in self.versions:
                return None
        return lookup(self.reader, doc_id)

    def current(self, doc_id: str) -> tuple[int, int] | None:
        """The live ``(seq_no, version)`` of a document, or None."""
        return self.versions.get(doc_id)

    def count(self) -> int:
        return self.reader.searcher.num_docs

    # Refresh, flush, durability

    def refresh(self) -> bool:
        """Make every write so far searchable; False if there was nothing to refresh."""
        with self.lock:
            if not self.dirty:
                self.last_refresh = time.monotonic()
                return False
            layout = self.store.layout
            if len(layout.multi) != self._saved_multi:
                self._save_layout(layout)  # sorting needs to know multi-valued fields
            searcher = self.store.commit()
            self._publish(searcher)
            self.pending = {}
            self.dirty = False
            self.last_refresh = time.monotonic()
            if self.translog is not None:
                self._checkpoint()
            return True

    def flush(self) -> None:
        """A tantivy commit is durable, so a flush is a refresh that also trims the translog."""
        with self.lock:
            self.refresh()

    def sync(self) -> None:
        """Make this request's writes durable before it is acknowledged."""
        translog = self.translog
        if translog is not None and translog.buffer:
            with self.lock:
                translog.sync()

    def _checkpoint(self) -> None:
        write_json_atomic(
            os.path.join(self.directory, "checkpoint.json"), {"max_seq_no": self.max_seq_no}
        )
        self.translog.truncate()

    def due_for_refresh(self, now: float) -> bool:
        return (
            self.dirty
            and self.refresh_interval is not None
            and now - self.last_refresh >= self.refresh_interval
        )

    def _recover(self) -> None:
        """Rebuild ``versions`` from the last commit and replay the translog over it."""
        for doc_id, seq_no, version in iterate_versions(self.store.searcher):
            self.versions[doc_id] = (seq_no, version)
            self.max_seq_no = max(self.max_seq_no, seq_no)
        checkpoint = os.path.join(self.directory, "checkpoint.json")
        if os.path.exists(checkpoint):
            self.max_seq_no = max(self.max_seq_no, read_json(checkpoint)["max_seq_no"])
        path = os.path.join(self.directory, "translog")
        replayed = False
        for record in Translog.replay(path):
            replayed = True
            self.max_seq_no = max(self.max_seq_no, record["s"])
            doc_id = record["id"]
            if record["op"] == "delete":
                if self.versions.pop(doc_id, None) is not None:
                    self.store.delete(doc_id)
                    self.pending[doc_id] = DELETED
                continue
            source = jsoncodec.dumps(record["src"])
            doc = StoredDoc(doc_id, source, record["s"], record["v"], record.get("r"))
            parsed = self._parse(record["src"], doc_id)
            self._write_recovered(doc, parsed)
        if replayed:
            self._publish(self.store.commit())
            self.pending = {}
            write_json_atomic(checkpoint, {"max_seq_no": self.max_seq_no})
            with open(path, "wb"):
                pass

    def _write_recovered(self, doc: StoredDoc, parsed: ParsedDocument) -> None:
        """Apply a replayed operation; ``pending`` keeps it should a rebuild happen meanwhile."""
        if doc.doc_id in self.versions:
            self.store.delete(doc.doc_id)
        self.store.add(self._document(self.store, doc, parsed))
        self.versions[doc.doc_id] = (doc.seq_no, doc.version)
        self.pending[doc.doc_id] = doc

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            if self.dirty and self.directory is not None:
                self.refresh()
            self.closed = True
            if self.translog is not None:
                self.translog.close()
            self.store.close()

    def destroy(self) -> None:
        """Close and remove every file of the index."""
        with self.lock:
            self.closed = True
            if self.translog is not None:
                self.translog.close()
            self.store.destroy()
            if self.directory is not None:
                import shutil

                shutil.rmtree(self.directory, ignore_errors=True)


def new_id() -> str:
    """A 20-character URL-safe id, as Elasticsearch generates."""
    return base64.urlsafe_b64encode(os.urandom(15)).decode()


def check_id(doc_id: str) -> None:
    size = len(doc_id.encode())
    if size > MAX_ID_BYTES:
        raise ValidationError(
            f"id [{doc_id}] is too long, must be no longer than 512 bytes but was: {size}"
        )
    if not doc_id:
        raise ValidationError("if _id is specified it must not be empty")


def lookup(reader: Reader, doc_id: str) -> StoredDoc | None:
    """The committed document with this id, as of the reader's refresh."""
    query = tantivy.Query.term_query(reader.schema, "_id", doc_id)
    hits = reader.searcher.search(query, 1, count=False).hits
    if not hits:
        return None
    return stored_doc(reader.searcher.doc(hits[0][1]))


def stored_doc(document: tantivy.Document) -> StoredDoc:
    routing = document.get_first("_routing")
    return StoredDoc(
        document.get_first("_id"),
        bytes(document.get_first("_source")),
        document.get_first("_seq_no"),
        document.get_first("_version"),
        routing,
    )


def iterate_documents(searcher: tantivy.Searcher):
    """Every live document of a searcher."""
    total = searcher.num_docs
    if not total:
        return
    for _, address in searcher.search(tantivy.Query.all_query(), total, count=False).hits:
        yield stored_doc(searcher.doc(address))


def iterate_versions(searcher: tantivy.Searcher):
    """``(id, seq_no, version)`` of every live document, read from fast fields in bulk."""
    total = searcher.num_docs
    if not total:
        return
    hits = searcher.search(tantivy.Query.all_query(), total, count=False, order_by_field="_id").hits
    addresses = [address for _, address in hits]
    seq_nos = searcher.fast_field_values("_seq_no", addresses)
    versions = searcher.fast_field_values("_version", addresses)
    for (doc_id, _), seq_no, version in zip(hits, seq_nos, versions, strict=True):
        yield doc_id, seq_no, version
