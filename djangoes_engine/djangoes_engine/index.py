"""One index: its documents, their versions, refreshes, and durability.

Writes are serialised by the index lock. Each write updates three things: ``versions`` (every
live document's ``(seq_no, version)``, for the concurrency checks and ``result``), ``pending``
(the documents written since the last refresh, which is what makes get real-time), and the
tantivy writer. A refresh commits tantivy, publishes a new :class:`Reader` and empties
``pending``; searches use the latest reader and so see exactly the refreshed documents.

An index on disk never acknowledges a write it cannot keep. The translog holds every write since
the last commit, and is trimmed only after a commit that holds every live document. If tantivy's
writer fails (out of file descriptors, disk full, a dead indexing thread) or the translog cannot
be written, the index refuses writes with a 503 and recovers by itself: it throws the writer away,
reopens the last commit and replays the translog over it, exactly as a restart does.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import tantivy

from . import jsoncodec
from .analysis import AnalysisRegistry
from .dates import parse_time_value
from .errors import (
    BadRequest,
    EngineError,
    IllegalArgument,
    IndexClosed,
    ShardUnavailable,
    ValidationError,
    VersionConflict,
)
from .fields import CompletionField, PercolatorField, document_parsing_error, field_error
from .mapping import FieldDefaults, Mapping, MappingLimits, ParsedDocument
from .settings import Settings
from .store import (
    Layout,
    SegmentInfo,
    Store,
    StoreFailed,
    read_json,
    spare_kinds,
    write_json_atomic,
)
from .translog import Translog

logger = logging.getLogger("djangoes.embedded")

PRIMARY_TERM = 1
MAX_ID_BYTES = 512
#: Seconds between two attempts to recover a failed index: the first, then the longest.
RECOVERY_BACKOFF = (0.25, 4.0)


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
    #: The reader of the hidden documents of nested objects (None: the index has none yet).
    nested: Reader | None = None
    #: The nested path this reader's documents are at ("" for root documents).
    level: str = ""

    def slot(self, path: str) -> str | None:
        return self.layout.slot(path)

    def at_level(self, path: str) -> Reader | None:
        """The reader of the nested objects at ``path`` ("": the root documents)."""
        if not path:
            return self if not self.level else None
        found = self if self.level else self.nested
        if found is None:
            return None
        return dataclasses.replace(found, level=path)


@dataclass(frozen=True, slots=True)
class Recovery:
    """How an index came to be open (``_cat/recovery``): a new, empty store, or the store found
    on disk with the translog's operations replayed over it."""

    #: ``empty_store`` or ``existing_store``, as Elasticsearch names the two.
    kind: str
    started: int  # epoch milliseconds
    stopped: int
    #: Files and bytes of the store found on disk (0 for a new one).
    files: int
    size: int
    #: Translog operations replayed.
    operations: int


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
        state: str = "open",
    ) -> None:
        self.name = name
        #: "open", or "close" after ``POST /{index}/_close``: no reads or writes until opened.
        self.state = state
        self.uuid = uuid
        self.settings = settings
        self.aliases: dict[str, dict[str, Any]] = dict(aliases or {})
        self.directory = directory
        self.creation_date = creation_date or int(time.time() * 1000)
        self.on_change = on_change or (lambda index: None)
        self.lock = threading.RLock()
        self.registry = AnalysisRegistry(
            settings.analysis,
            max_ngram_diff=settings.int("index.max_ngram_diff"),
            max_shingle_diff=settings.int("index.max_shingle_diff"),
            max_token_count=settings.int("index.analyze.max_token_count"),
        )
        self.mapping = Mapping(
            mappings,
            self.registry,
            FieldDefaults(
                ignore_malformed=settings.bool("index.mapping.ignore_malformed"),
                coerce=settings.bool("index.mapping.coerce"),
                ignore_above=(
                    settings.int("index.mapping.ignore_above")
                    if settings.get("index.mapping.ignore_above") is not None
                    else None
                ),
            ),
        )
        self.versions: dict[str, tuple[int, int]] = {}
        self.pending: dict[str, StoredDoc] = {}
        self.max_seq_no = -1
        self.dirty = False
        self.last_refresh = time.monotonic()
        #: Refreshes that made writes searchable since the index was opened: each would have
        #: written a Lucene segment in Elasticsearch (tantivy splits a commit across its
        #: indexing threads instead), which the phrase suggester's language model depends on.
        self.write_refreshes = 0
        self.closed = False
        #: Why the store cannot be trusted, until :meth:`_heal` has recovered it; None if healthy.
        self.failure: str | None = None
        #: A failure happened since the last commit checked exactly (see :meth:`_commit`).
        self._suspect = False
        #: The live documents when the index failed, until it has healed (see :meth:`_reopen`).
        self._live_at_failure: dict[str, tuple[int, int]] | None = None
        self._opened = False
        self._heal_at = 0.0
        self._heal_backoff = RECOVERY_BACKOFF[0]
        #: The highest sequence number of a write lost with a translog that could not be written.
        self.lost_seq_no = -1
        self._saved_multi = 0
        #: (the reader it was computed on, bytes of its sources): see :meth:`store_size`.
        self._source_bytes: tuple[Reader, int] | None = None
        started = int(time.time() * 1000)
        self.read_settings()
        existed = directory is not None and os.path.exists(os.path.join(directory, "layout.json"))
        layout = self._load_layout()
        self.store = Store(self._store_directory(layout.generation), layout, self.registry)
        found = self.store.files() if existed else None
        self._publish(self.store.searcher)
        self._assign_slots(self.mapping, opening=existed)
        self.translog: Translog | None = None
        replayed = 0
        if directory is not None:
            self.translog = self._open_translog()
            replayed = self._recover()
        self._opened = True
        self.recovery = Recovery(
            kind="existing_store" if existed else "empty_store",
            started=started,
            stopped=int(time.time() * 1000),
            files=len(found or ()),
            size=sum(size for _, size in found or ()),
            operations=replayed,
        )

    # Settings and metadata

    def read_settings(self) -> None:
        """Cache the settings the write and refresh paths read."""
        interval = str(self.settings.get("index.refresh_interval"))
        seconds = parse_time_value(interval, "index.refresh_interval")
        self.refresh_interval = None if seconds < 0 else seconds
        self.replicas = self.settings.int("index.number_of_replicas")
        self._shards = {"total": 1 + self.replicas, "successful": 1, "failed": 0}
        self.blocks = frozenset(
            name for name in BLOCKS if self.settings.bool(f"index.blocks.{name}")
        )
        self.limits = MappingLimits(
            total_fields=self.settings.int("index.mapping.total_fields.limit"),
            depth=self.settings.int("index.mapping.depth.limit"),
            nested_fields=self.settings.int("index.mapping.nested_fields.limit"),
            nested_objects=self.settings.int("index.mapping.nested_objects.limit"),
            field_name_length=self.settings.int("index.mapping.field_name_length.limit"),
        )
        # the analyzers were built (and checked) at creation; ``_analyze`` reads these now
        self.registry.max_ngram_diff = self.settings.int("index.max_ngram_diff")
        self.registry.max_shingle_diff = self.settings.int("index.max_shingle_diff")
        self.registry.max_token_count = self.settings.int("index.analyze.max_token_count")

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
            "state": self.state,
        }

    def _publish(self, searcher: tantivy.Searcher) -> None:
        nested_searcher = self.store.nested_searcher
        nested = None
        if nested_searcher is not None and self.store.nested is not None:
            # The same layout: its multi-valued fields are those of root documents and nested
            # objects alike (both stores write to it), so a field some object holds several
            # values of is never read as one value from its fast field.
            nested = Reader(
                nested_searcher,
                self.mapping,
                self.store.layout,
                self.store.nested.schema,
                self.registry,
            )
        self.reader = Reader(
            searcher, self.mapping, self.store.layout, self.store.schema, self.registry, nested
        )

    def set_state(self, state: str) -> None:
        """Close (committing what is pending) or open the index."""
        with self.lock:
            if state == "close" and self.dirty:
                self.refresh()
            self.state = state
            self.on_change(self)

    def reanalyze(self) -> None:
        """Take new analysis settings (allowed while closed): every document is analysed anew."""
        with self.lock:
            previous = self.registry, self.mapping
            self.registry = AnalysisRegistry(self.settings.analysis)
            self.mapping = Mapping(self.mapping.to_dict(), self.registry)
            # Slots name their analyzer: every field takes a fresh one in a fresh layout.
            fresh = Layout.new(spare_kinds(self.registry.tantivy_name("standard")))
            fresh.generation = self.store.layout.generation
            fresh.multi = set(self.store.layout.multi)
            needed = {p: f.slot_kind for p, f in self.mapping.fields.items() if f.slot_kind}
            try:
                self.rebuild(fresh.grown(needed), self.mapping)
            except BaseException:
                self.registry, self.mapping = previous
                raise

    # Mapping and slots

    def put_mapping(self, body: dict[str, Any]) -> None:
        with self.lock:
            mapping = self.mapping.merged(body)
            mapping.check_limits(self.limits)
            self._set_mapping(mapping)

    def _set_mapping(self, mapping: Mapping) -> None:
        self._assign_slots(mapping)
        self.mapping = mapping
        self._publish(self.reader.searcher)
        self.on_change(self)

    def _assign_slots(self, mapping: Mapping, opening: bool = False) -> None:
        """Give every indexed field a slot, rebuilding the store if some kind has no spare.

        ``opening`` an index from disk, a field of its mapping without a slot is one an older
        engine did not index (a type it kept in ``_source`` only): its documents are indexed
        again, so that they hold its values.
        """
        layout = self.store.layout
        missing = {}
        for path, field in mapping.fields.items():
            kind = field.slot_kind
            if kind is None:
                continue
            if (opening and path not in layout.slots) or not layout.assign(path, kind):
                missing[path] = kind
        if missing:
            self.rebuild(layout.grown(missing), mapping)
        else:
            self._save_layout(layout)

    def rebuild(self, layout: Layout, mapping: Mapping) -> None:
        """Copy every document into a store with a new layout, keeping what is searchable."""
        old = self.store
        try:
            store = Store(self._store_directory(layout.generation), layout, self.registry)
        except (ValueError, OSError) as error:  # out of descriptors or disk: the live one serves
            raise ShardUnavailable(self.name, f"cannot open a store: {error}") from None
        try:
            for doc in iterate_documents(old.searcher):
                if doc.doc_id not in self.pending:
                    parsed = mapping.parse(doc.source_dict(), doc.doc_id, doc.routing)
                    self._add(store, doc, parsed)
            searcher = store.commit()
            for doc in self.pending.values():
                if doc is not DELETED:
                    parsed = mapping.parse(doc.source_dict(), doc.doc_id, doc.routing)
                    self._add(store, doc, parsed)
        except BaseException as error:
            store.destroy()
            if isinstance(error, StoreFailed):  # the new store failed; the live one is intact
                raise ShardUnavailable(self.name, str(error)) from None
            raise
        self._save_layout(layout)
        self.store = store
        self._publish(searcher)
        old.destroy()

    @staticmethod
    def _document(store: Store, doc: StoredDoc, parsed: ParsedDocument) -> tantivy.Document | str:
        return store.document(doc.doc_id, doc.seq_no, doc.version, doc.source, doc.routing, parsed)

    @staticmethod
    def _nested(store: Store, doc: StoredDoc, parsed: ParsedDocument) -> list:
        """The hidden documents of the document's nested objects (usually none)."""
        return store.nested_documents(doc.doc_id, doc.seq_no, doc.version, doc.routing, parsed)

    def _add(self, store: Store, doc: StoredDoc, parsed: ParsedDocument) -> None:
        store.add(self._document(store, doc, parsed))
        store.add_nested(doc.doc_id, self._nested(store, doc, parsed))

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
            if self.failure is not None or self.closed or self.blocks or self.state == "close":
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
            parsed = self._parse(document, doc_id, routing)
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
                self._store_delete(doc_id)
                self.versions.pop(doc_id)
                self.pending[doc_id] = DELETED
                self.dirty = True
            if self.translog is not None:
                self.translog.add({"op": "delete", "id": doc_id, "s": seq_no, "v": new_version})
        doc = StoredDoc(doc_id, b"", seq_no, new_version, routing)
        if current is None:
            return 404, self._result(doc, "not_found")
        return 200, self._result(doc, "deleted")

    def clear(self) -> int:
        """Delete every live document, refreshed or not, and refresh: the number deleted.

        Not an Elasticsearch request (a delete-by-query sees only refreshed documents, and
        needs a refresh before and after it, two commits): the embedded backend's reset
        between tests (``djangoes_backends_embedded.testing``). Each document is deleted as
        :meth:`delete` does (a new ``_seq_no``, a translog record, durable before this
        returns). When the last commit holds none of them (a test that refreshed nothing),
        the refresh commits nothing: searches already see what a commit would show, and the
        writer keeps the writes that cancel out, and the translog their records, for the next
        commit, which they leave as it would have been.
        """
        with self.lock:
            self._check_writable()
            since = self.mark()
            deleted = list(self.versions.items())
            for doc_id, (_, version) in deleted:
                seq_no = self.max_seq_no = self.max_seq_no + 1
                self._store_delete(doc_id)
                self.versions.pop(doc_id)
                self.pending[doc_id] = DELETED
                self.dirty = True
                if self.translog is not None:
                    self.translog.add({"op": "delete", "id": doc_id, "s": seq_no, "v": version + 1})
            self.sync(since)
            if self.dirty and self._nothing_committed_is_pending():
                self.pending = {}
                self.dirty = False
            else:
                self.refresh()
        return len(deleted)

    def _nothing_committed_is_pending(self) -> bool:
        """Whether every write since the last commit is the deletion of a document that
        commit does not hold, and the index healthy: then that commit shows what a refresh
        would (bounded: a larger number of writes is committed, as a refresh does)."""
        pending = self.pending
        if self._suspect or self.failure is not None or len(pending) > 64:
            return False
        if any(doc is not DELETED for doc in pending.values()):
            return False
        reader = self.reader
        if reader.searcher.num_docs != len(self.versions):
            return False
        return all(lookup(reader, doc_id) is None for doc_id in pending)

    def _parse(self, document: dict[str, Any], doc_id: str, routing: str | None) -> ParsedDocument:
        parsed = self.mapping.parse(document, doc_id, routing)
        mapping = None
        if parsed.update is not None:
            mapping = self.mapping.merged(parsed.update)
            try:
                mapping.check_limits(self.limits, added=mapping.size - self.mapping.size)
            except IllegalArgument as error:
                raise document_parsing_error(
                    f"failed to parse: {error.reason}", caused_by=error
                ) from None
            parsed = mapping.parse(document, doc_id, routing)
        if parsed.nested_objects > self.limits.nested_objects:
            raise document_parsing_error(
                "The number of nested documents has exceeded the allowed limit of "
                f"[{self.limits.nested_objects}]. This limit can be set by changing the "
                "[index.mapping.nested_objects.limit] index level setting."
            )
        current = mapping or self.mapping
        if current.has_percolator and PercolatorField.check is not None:
            self._check_stored_queries(parsed, current, doc_id)
        if current.has_completion_contexts:
            _check_completion_contexts(parsed)
        if mapping is not None:
            self._set_mapping(mapping)
        return parsed

    def _check_stored_queries(self, parsed: ParsedDocument, mapping: Mapping, doc_id: str) -> None:
        """Parse a document's percolator queries against the mapping, as Elasticsearch does
        when it indexes them (one query per document; unmapped fields refused)."""
        queries = [(f, v) for f, v in parsed.values if isinstance(f, PercolatorField)]
        if not queries:
            return
        if len(queries) > 1:
            raise field_error(
                queries[1][0],
                doc_id,
                queries[1][1],
                IllegalArgument("a document can only contain one percolator query"),
            )
        reader = Reader(
            self.store.searcher, mapping, self.store.layout, self.store.schema, self.registry
        )
        for field, query in queries:
            try:
                PercolatorField.check(reader, self.name, self.settings, query)
            except EngineError as error:
                raise field_error(field, doc_id, query, error) from None

    def _write(self, doc: StoredDoc, parsed: ParsedDocument, *, replace: bool) -> None:
        """Apply one indexing; the tantivy document is built first, so a failure changes nothing."""
        try:
            document = self._document(self.store, doc, parsed)
            nested = self._nested(self.store, doc, parsed) if parsed.nested else []
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
        try:
            if replace:
                self.store.delete(doc.doc_id)
            self.store.add(document)
            if nested:
                self.store.add_nested(doc.doc_id, nested)
        except StoreFailed as error:
            raise self._fail(error) from None
        self.versions[doc.doc_id] = (doc.seq_no, doc.version)
        self.pending[doc.doc_id] = doc
        self.dirty = True
        if self.translog is not None:
            record = {"op": "index", "id": doc.doc_id, "s": doc.seq_no, "v": doc.version}
            if doc.routing is not None:
                record["r"] = doc.routing
            self.translog.add(record, doc.source)

    def _store_delete(self, doc_id: str) -> None:
        try:
            self.store.delete(doc_id)
        except StoreFailed as error:
            raise self._fail(error) from None

    def _check_writable(self) -> None:
        if self.state == "close":
            raise IndexClosed(self.name, self.uuid)
        if self.failure is not None:
            self._heal()
        if self.closed:
            raise EngineError(
                f"closed index [{self.name}]",
                status=400,
                type="index_closed_exception",
                index=self.name,
            )
        check_blocks([self], "write")

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
        """Documents as the index statistics count them: nested objects' hidden documents too,
        as Elasticsearch's ``docs.count`` counts Lucene documents (hits and ``_count`` do not)."""
        nested = self.reader.nested
        return self.reader.searcher.num_docs + (nested.searcher.num_docs if nested else 0)

    # Statistics (the _cat APIs)

    def store_size(self) -> int:
        """Bytes the index takes. On disk: the files of its tantivy store (the translog
        aside, as Elasticsearch counts its store). In memory, where tantivy does not say what its
        segments take: the bytes of the ``_source`` of the documents as of the last refresh,
        computed once per refresh."""
        size = self.store.size_in_bytes()
        if size is not None:
            return size
        reader = self.reader
        cached = self._source_bytes
        if cached is None or cached[0] is not reader:
            total = sum(len(doc.source) for doc in iterate_documents(reader.searcher))
            cached = self._source_bytes = (reader, total)
        return cached[1]

    def deleted_docs(self) -> int | None:
        """Deleted documents tantivy still keeps (until a merge drops them), as of the last
        commit on disk; None in memory, where tantivy does not tell."""
        segments = self.store.segment_infos()
        return None if segments is None else sum(s.deleted for s in segments)

    def segment_infos(self) -> list[SegmentInfo] | None:
        return self.store.segment_infos()

    def segment_count(self) -> int:
        """Segments the current searcher reads."""
        return self.reader.searcher.num_segments

    # Refresh, flush, durability

    def refresh(self) -> bool:
        """Make every write so far searchable; False if there was nothing to refresh."""
        with self.lock:
            if self.failure is not None:
                self._heal()  # what it replays, it commits
            if not self.dirty:
                self.last_refresh = time.monotonic()
                return False
            layout = self.store.layout
            if len(layout.multi) != self._saved_multi:
                self._save_layout(layout)  # sorting needs to know multi-valued fields
            self._publish(self._commit())
            self.pending = {}
            self.dirty = False
            self.write_refreshes += 1
            self.last_refresh = time.monotonic()
            if self.translog is not None:
                self._checkpoint()
            return True

    def flush(self) -> None:
        """A tantivy commit is durable, so a flush is a refresh that also trims the translog."""
        with self.lock:
            self.refresh()

    def mark(self) -> int:
        """A point in this index's history of writes, for :meth:`sync`."""
        return self.max_seq_no

    def sync(self, since: int) -> None:
        """Make durable the writes made after ``since`` (a :meth:`mark`), before they are
        acknowledged; 503 if some write after it was lost to a translog that failed."""
        if self.translog is None:
            return
        with self.lock:  # a sync failing in another thread loses these writes too
            if self.translog.buffer:
                self._sync_translog()
            if self.lost_seq_no > since:
                raise ShardUnavailable(
                    self.name, f"the translog could not be written ({self.failure}): not kept"
                )

    def _commit(self) -> tantivy.Searcher:
        """Commit tantivy, and check that the commit holds every live document, no more.

        After a failure, until a commit passes, the check is exact: each write since the last
        commit must be there as written (a document deleted gone, one indexed at its
        ``_seq_no``), since a dying writer may have kept a delete from a commit whose count
        another loss evens out; the translog, not trimmed meanwhile, then repairs it.
        """
        try:
            searcher = self.store.commit()
        except StoreFailed as error:
            raise self._fail(error) from None
        if searcher.num_docs != len(self.versions):
            raise self._fail(
                StoreFailed(
                    f"the commit holds {searcher.num_docs} documents where "
                    f"{len(self.versions)} are live"
                )
            )
        if self._suspect:
            wrong = self._unlike_writes(searcher)
            if wrong:
                raise self._fail(
                    StoreFailed(f"the commit does not hold the writes to {wrong} as written")
                )
            self._suspect = False
        return searcher

    def _unlike_writes(self, searcher: tantivy.Searcher) -> int:
        """How many writes since the last commit ``searcher`` does not show as written."""
        if not self.pending:
            return 0
        ids = list(self.pending)
        live = Counter(doc.seq_no for doc in self.pending.values() if doc is not DELETED)
        query = tantivy.Query.term_set_query(self.store.schema, "_id", ids)
        hits = searcher.search(query, len(ids) + 1, count=False).hits
        values = searcher.fast_field_values("_seq_no", [a for _, a in hits])
        found = Counter(int(v or 0) for v in values)
        return (found - live).total() + (live - found).total()

    def _checkpoint(self) -> None:
        """Trim the translog: a commit holds all of it. Should that fail, it is replayed later."""
        assert self.translog is not None and self.directory is not None
        try:
            write_json_atomic(
                os.path.join(self.directory, "checkpoint.json"), {"max_seq_no": self.max_seq_no}
            )
            self.translog.truncate()
        except OSError as error:
            logger.warning("index [%s]: the translog was not trimmed: %s", self.name, error)

    def _sync_translog(self) -> None:
        """Write the translog's queue; if that fails, its writes are lost and the index fails."""
        assert self.translog is not None
        try:
            self.translog.sync()
        except OSError as error:
            self.lost_seq_no = max(self.lost_seq_no, self.translog.buffered_seq_no)
            raise self._fail(error) from None

    def refresh_due(self) -> float | None:
        """When the refresh schedule next comes round (``time.monotonic()``): an interval after
        the last refresh (or the index's creation), as Elasticsearch schedules it; the next
        attempt at recovery after a failure; None with ``refresh_interval: -1``."""
        if self.failure is not None:
            return self._heal_at
        if self.refresh_interval is None:
            return None
        return self.last_refresh + self.refresh_interval

    def due_for_refresh(self, now: float) -> bool:
        due = self.refresh_due()
        return due is not None and now >= due and (self.dirty or self.failure is not None)

    def catch_up(self, now: float) -> None:
        """Refresh if the schedule is due by ``now`` and has writes to show, so that a search
        sees what that refresh shows even while the refresh thread is a few ms into it (on
        Elasticsearch the schedule starts before the create request is answered, and a client
        that waits out ``refresh_interval`` after its writes finds them)."""
        if self.failure is None and self.due_for_refresh(now):
            self.refresh()

    # Failure and recovery

    def _fail(self, error: BaseException) -> ShardUnavailable:
        """The store or the translog failed: refuse writes until :meth:`_heal` has recovered."""
        self._suspect = True
        if self.failure is None:
            if self._opened and self._live_at_failure is None:
                self._live_at_failure = dict(self.versions)
            logger.error("index [%s] failed, recovering: %s", self.name, error)
            self._heal_at = time.monotonic()
            self._heal_backoff = RECOVERY_BACKOFF[0]
        self.failure = str(error)
        return self._unavailable()

    def _unavailable(self) -> ShardUnavailable:
        return ShardUnavailable(self.name, f"{self.failure} (recovering)")

    def _heal(self) -> None:
        """Recover a failed index, or raise 503 if it is too soon to try again or it fails."""
        started = time.monotonic()
        if started < self._heal_at:
            raise self._unavailable()
        try:
            self._reopen() if self.directory is not None else self._rebuild_in_memory()
        except (ShardUnavailable, StoreFailed, OSError, ValueError) as error:
            if not isinstance(error, ShardUnavailable):  # else _fail has said why
                self.failure = str(error)
            # Never more than half the time spent recovering (a replay can take a while).
            now = time.monotonic()
            self._heal_at = now + max(self._heal_backoff, now - started)
            self._heal_backoff = min(self._heal_backoff * 2, RECOVERY_BACKOFF[1])
            logger.warning("index [%s] not recovered yet: %s", self.name, self.failure)
            raise self._unavailable() from None
        logger.warning("index [%s] recovered: it takes writes again", self.name)
        self.failure = None
        self._live_at_failure = None

    def _reopen(self) -> None:
        """Throw the writer away, reopen the last commit and replay the translog over it."""
        assert self.translog is not None
        if self.translog.buffer:
            # Writes applied but not yet written: keep them if we can; if not, the requests
            # that made them learn it from ``lost_seq_no``.
            with contextlib.suppress(ShardUnavailable):
                self._sync_translog()
        self.store.abandon()
        layout = self.store.layout
        self.store = Store(self._store_directory(layout.generation), layout, self.registry)
        translog, self.translog = self.translog, self._open_translog()
        translog.file.close()
        self.versions = {}
        self.pending = {}
        self.dirty = False
        self._recover()
        if self._live_at_failure is not None:
            self._delete_again(self._live_at_failure)

    def _delete_again(self, live: dict[str, tuple[int, int]]) -> None:
        """Delete again, durably, documents the reopened commit and translog show that were
        gone when the index failed: a writer dying of the failure may have let a commit keep
        a delete the translog no longer holds."""
        back = [doc_id for doc_id in self.versions if doc_id not in live]
        if not back:
            return
        logger.warning(
            "index [%s]: %d deleted documents came back with the last commit: deleted again",
            self.name,
            len(back),
        )
        for doc_id in back:
            self._store_delete(doc_id)
            self.versions.pop(doc_id)
            self.pending[doc_id] = DELETED
        self._publish(self._commit())
        self.pending = {}
        self._checkpoint()

    def _rebuild_in_memory(self) -> None:
        """An index in memory has no translog: its last commit and ``pending`` are the truth."""
        self.rebuild(self.store.layout, self.mapping)

    def _open_translog(self) -> Translog:
        assert self.directory is not None
        fsync = self.settings.get("index.translog.durability") != "async"
        return Translog(os.path.join(self.directory, "translog"), fsync=fsync)

    def _recover(self) -> int:
        """Rebuild ``versions`` from the last commit and replay the translog over it; the number
        of operations replayed."""
        assert self.directory is not None and self.translog is not None
        for doc_id, seq_no, version in iterate_versions(self.store.searcher):
            self.versions[doc_id] = (seq_no, version)
            self.max_seq_no = max(self.max_seq_no, seq_no)
        checkpoint = os.path.join(self.directory, "checkpoint.json")
        if os.path.exists(checkpoint):
            self.max_seq_no = max(self.max_seq_no, read_json(checkpoint)["max_seq_no"])
        replayed = 0
        for record in Translog.replay(self.translog.path):
            replayed += 1
            self.max_seq_no = max(self.max_seq_no, record["s"])
            doc_id = record["id"]
            if record["op"] == "delete":
                if self.versions.pop(doc_id, None) is not None:
                    self._store_delete(doc_id)
                    self.pending[doc_id] = DELETED
                elif self.store.nested is not None:
                    # the nested store may have committed without the root store: no orphans
                    self._store_delete(doc_id)
                continue
            source = jsoncodec.dumps(record["src"])
            doc = StoredDoc(doc_id, source, record["s"], record["v"], record.get("r"))
            parsed = self._parse(record["src"], doc_id, record.get("r"))
            self._write_recovered(doc, parsed)
        if replayed:
            self._publish(self._commit())
            self.pending = {}
            self._checkpoint()
        else:
            self._publish(self.store.searcher)
        return replayed

    def _write_recovered(self, doc: StoredDoc, parsed: ParsedDocument) -> None:
        """Apply a replayed operation; ``pending`` keeps it should a rebuild happen meanwhile."""
        try:
            if doc.doc_id in self.versions:
                self.store.delete(doc.doc_id)
            self._add(self.store, doc, parsed)
        except StoreFailed as error:
            raise self._fail(error) from None
        self.versions[doc.doc_id] = (doc.seq_no, doc.version)
        self.pending[doc.doc_id] = doc

    def close(self) -> None:
        """Commit what is not yet, release the files; what fails to be is in the translog."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            try:
                if self.dirty and self.directory is not None and self.failure is None:
                    self.refresh()
            except ShardUnavailable as error:
                logger.warning("index [%s] closed uncommitted: %s", self.name, error)
            finally:
                if self.translog is not None:
                    with contextlib.suppress(OSError):
                        self.translog.close()
                if self.failure is None:
                    self.store.close()
                else:
                    self.store.abandon()

    def destroy(self) -> None:
        """Close and remove every file of the index."""
        with self.lock:
            self.closed = True
            if self.translog is not None:
                with contextlib.suppress(OSError):
                    self.translog.close()
            self.store.destroy()
            if self.directory is not None:
                shutil.rmtree(self.directory, ignore_errors=True)


class Block(NamedTuple):
    """One of Elasticsearch's index blocks (``IndexMetadata.APIBlock``)."""

    id: int
    description: str
    status: str
    levels: frozenset[str]


_FLOOD_STAGE = (
    "disk usage exceeded flood-stage watermark, index has read-only-allow-delete block; for "
    "more information, see https://www.elastic.co/docs/troubleshoot/elasticsearch/"
    "fix-watermark-errors"
)

#: The blocks by the name of their ``index.blocks.*`` setting, and what they block: ``read``
#: (searches, gets), ``write`` (documents), ``metadata_read`` (settings, mappings) and
#: ``metadata_write`` (their changes, deleting the index).
BLOCKS = {
    "read_only": Block(
        5, "index read-only (api)", "FORBIDDEN", frozenset({"write", "metadata_write"})
    ),
    "read": Block(7, "index read (api)", "FORBIDDEN", frozenset({"read"})),
    "write": Block(8, "index write (api)", "FORBIDDEN", frozenset({"write"})),
    "metadata": Block(
        9, "index metadata (api)", "FORBIDDEN", frozenset({"metadata_read", "metadata_write"})
    ),
    "read_only_allow_delete": Block(12, _FLOOD_STAGE, "TOO_MANY_REQUESTS", frozenset({"write"})),
}
_STATUS = {"FORBIDDEN": 403, "TOO_MANY_REQUESTS": 429}


def check_blocks(indices: Iterable[Index], level: str) -> None:
    """Raise Elasticsearch's ``cluster_block_exception`` if a block of these indices stops an
    operation of ``level``: every blocked index named, with the highest of the statuses."""
    reasons, status = [], 0
    for index in indices:
        found = sorted(BLOCKS[name] for name in index.blocks if level in BLOCKS[name].levels)
        if found:
            shown = ", ".join(f"{b.status}/{b.id}/{b.description}" for b in found)
            reasons.append(f"index [{index.name}] blocked by: [{shown}];")
            status = max(status, *(_STATUS[b.status] for b in found))
    if reasons:
        raise EngineError("".join(reasons), status=status, type="cluster_block_exception")


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
    # Every document a store writes has these (Store.document).
    doc_id = document.get_first("_id")
    source = document.get_first("_source")
    seq_no = document.get_first("_seq_no")
    version = document.get_first("_version")
    assert doc_id is not None and source is not None
    assert seq_no is not None and version is not None
    routing = document.get_first("_routing")
    return StoredDoc(doc_id, bytes(source), seq_no, version, routing)


def _check_completion_contexts(parsed: ParsedDocument) -> None:
    """A context-enabled completion field's inputs each need a context (ContextMappings)."""
    for field, value in parsed.values:
        if isinstance(field, CompletionField) and field.contexts:
            inputs, _, contexts = value
            if not any(text.strip() for text in inputs):
                continue
            if not field.typed_contexts(contexts, parsed.values):
                raise IllegalArgument(
                    f"Contexts are mandatory in context enabled completion field [{field.path}]"
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
