"""The tantivy side of an index: a schema of typed slots, the writer, and searchers.

tantivy fixes its schema when an index is created, while Elasticsearch adds fields whenever a
mapping grows. The store bridges the two with *slots*: each indexed field of the mapping is given
a tantivy field of the right kind (``f0``, ``f1``, ...), and the schema carries spare slots of the
kinds dynamic mapping creates (text, keyword, long, double, boolean), so that most new fields
take a spare. When no spare fits, the index is rebuilt with a larger layout (see
:meth:`djangoes_engine.index.Index.rebuild`), which is cheap while an index is
small, as it is when its mapping is still growing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from binascii import b2a_base64
from dataclasses import dataclass, field
from typing import Any

import orjson
import tantivy

from . import jsoncodec
from .fields import TextField
from .mapping import LEVEL_SEP, NestedObject, ParsedDocument

#: Spare slots a new layout carries, per kind, before any field needs them.
#: How the analysis registry names analyzers for tantivy (see ``AnalysisRegistry.tantivy_name``).
TOKENIZER_PREFIX = "es:"
SPARES = {
    "text": 8,
    "keyword": 8,
    "i64": 8,
    "f64": 4,
    "bool": 4,
}


@dataclass
class Layout:
    """Which tantivy slot holds which field, and the spare slots not yet given out."""

    generation: int = 0
    slots: dict[str, list] = field(default_factory=dict)  # field path -> [slot name, kind]
    spares: list[list] = field(default_factory=list)  # [slot name, kind]
    next_slot: int = 0
    #: Fields some document gave several values: sorting them needs every value, not the first.
    multi: set[str] = field(default_factory=set)

    @classmethod
    def new(cls, spare_kinds: dict[tuple, int]) -> Layout:
        """An empty layout with spare slots of the given kinds."""
        layout = cls()
        for kind, count in spare_kinds.items():
            for _ in range(count):
                layout.spares.append([layout._name(), list(kind)])
        return layout

    def _name(self) -> str:
        name = f"f{self.next_slot}"
        self.next_slot += 1
        return name

    def slot(self, path: str) -> str | None:
        entry = self.slots.get(path)
        return entry[0] if entry else None

    def assign(self, path: str, kind: tuple) -> bool:
        """Give ``path`` a slot of ``kind``; False if a rebuild is needed for it."""
        entry = self.slots.get(path)
        if entry is not None:
            return tuple(entry[1]) == kind
        for position, (name, spare_kind) in enumerate(self.spares):
            if tuple(spare_kind) == kind:
                del self.spares[position]
                self.slots[path] = [name, list(kind)]
                return True
        return False

    def grown(self, needed: dict[str, tuple]) -> Layout:
        """A layout for the next generation: current slots, ``needed`` ones, and fresh spares.

        Each kind that ran out gets as many spares as it has fields (at least 4), so that the
        number of rebuilds grows with the logarithm of the number of fields.
        """
        layout = Layout(
            generation=self.generation + 1, next_slot=self.next_slot, multi=set(self.multi)
        )
        layout.slots = {p: list(e) for p, e in self.slots.items()}
        layout.spares = [list(e) for e in self.spares]
        for path, kind in needed.items():
            existing = layout.slots.get(path)
            if existing is None or tuple(existing[1]) != kind:
                layout.slots[path] = [layout._name(), list(kind)]
        for kind in set(needed.values()):
            fields = sum(1 for _, k in layout.slots.values() if tuple(k) == kind)
            spares = sum(1 for _, k in layout.spares if tuple(k) == kind)
            for _ in range(max(4, fields) - spares):
                layout.spares.append([layout._name(), list(kind)])
        return layout

    def analyzers(self) -> list[str]:
        """The analyzers the slots index with natively, which tantivy must know by name."""
        return sorted(
            {
                kind[1][len(TOKENIZER_PREFIX) :]
                for _, kind in [*self.slots.values(), *self.spares]
                if kind[0] == "text" and kind[1] and kind[1].startswith(TOKENIZER_PREFIX)
            }
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "slots": self.slots,
            "spares": self.spares,
            "next_slot": self.next_slot,
            "multi": sorted(self.multi),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Layout:
        return cls(**{**data, "multi": set(data.get("multi", ()))})

    def schema(self, nested: bool = False) -> tantivy.Schema:
        """The schema of the store, or with ``nested`` of its nested store: the same slots, and
        the fields that place a hidden nested document (see :attr:`Store.nested`)."""
        builder = tantivy.SchemaBuilder()
        builder.add_text_field(
            "_id", stored=True, fast=True, tokenizer_name="raw", index_option="basic"
        )
        builder.add_bytes_field("_source", stored=True)
        builder.add_integer_field("_seq_no", stored=True, indexed=True, fast=True)
        builder.add_integer_field("_version", stored=True, fast=True)
        builder.add_text_field("_routing", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_text_field("_fields", tokenizer_name="raw", index_option="basic")
        builder.add_text_field("_ignored", stored=True, tokenizer_name="raw", index_option="basic")
        if nested:
            for name in ("_path", "_parent"):
                builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
            builder.add_text_field(
                "_nid", stored=True, fast=True, tokenizer_name="raw", index_option="basic"
            )
        entries = sorted([*self.slots.values(), *self.spares], key=lambda e: int(e[0][1:]))
        for name, kind in entries:
            _add_slot(builder, name, tuple(kind))
        return builder.build()


def _add_slot(builder: tantivy.SchemaBuilder, name: str, kind: tuple) -> None:
    match kind:
        case ("text", tokenizer, option):
            builder.add_text_field(name, tokenizer_name=tokenizer or "raw", index_option=option)
        case ("keyword", fast):
            builder.add_text_field(name, fast=fast, tokenizer_name="raw", index_option="basic")
        case ("i64", fast, indexed):
            builder.add_integer_field(name, fast=fast, indexed=indexed)
        case ("u64", fast, indexed):
            builder.add_unsigned_field(name, fast=fast, indexed=indexed)
        case ("f64", fast, indexed):
            builder.add_float_field(name, fast=fast, indexed=indexed)
        case ("bool", fast, indexed):
            builder.add_boolean_field(name, fast=fast, indexed=indexed)
        case _:
            raise ValueError(f"unknown slot kind {kind!r}")


def spare_kinds(standard_tokenizer: str) -> dict[tuple, int]:
    return {
        ("text", standard_tokenizer, "position"): SPARES["text"],
        ("keyword", True): SPARES["keyword"],
        ("i64", True, True): SPARES["i64"],
        ("f64", True, True): SPARES["f64"],
        ("bool", True, True): SPARES["bool"],
    }


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """One segment of a store on disk, as its last commit (tantivy's ``meta.json``) lists it."""

    #: tantivy's segment id (its files are named after it).
    name: str
    #: Documents the segment was written with, deleted ones included.
    max_doc: int
    deleted: int
    #: Bytes of the segment's files.
    size: int


class StoreFailed(Exception):
    """tantivy's writer or directory failed (an I/O error, a dead indexing thread).

    Once it has, the writer cannot be trusted with anything not yet committed: tantivy may
    have dropped documents it had accepted, and a later commit may succeed without them. The
    index throws the writer away and recovers from the last commit and its translog.
    """


#: How tantivy words the errors of a document it cannot take, as opposed to a failing writer.
_DOCUMENT_ERRORS = ("The field", "The provided string is not valid JSON")


class Store:
    """A tantivy index with one writer; searchers change only on :meth:`commit`."""

    #: tantivy's writer memory budget: enough for large bulks, allocated as it fills.
    HEAP = 64_000_000

    def __init__(
        self, directory: str | None, layout: Layout, registry: Any, *, nested: bool = False
    ) -> None:
        self.directory = directory
        self.layout = layout
        self.registry = registry
        self.schema = layout.schema(nested)
        if directory is not None:
            os.makedirs(directory, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=directory)
        registry.register(self.index, layout.analyzers())
        self.index.config_reader("manual")
        #: None once the store is abandoned or closed (unusable then).
        self.writer: tantivy.IndexWriter | None = self.index.writer(
            heap_size=self.HEAP, num_threads=1 if nested else 2
        )
        #: field path -> (slot, pre-tokenised): a cache of the layout for the write path.
        self.targets: dict[str, tuple[str, bool]] = {}
        self.searcher = self.index.searcher()
        #: The hidden documents of nested objects, in a tantivy index of their own (so that
        #: nothing that reads this one meets them), opened with the first of them.
        self.nested: Store | None = None
        if not nested and directory is not None and os.path.exists(self._nested_directory()):
            self.nested = Store(self._nested_directory(), layout, registry, nested=True)

    def _nested_directory(self) -> str:
        assert self.directory is not None
        return self.directory + "-nested"

    @property
    def nested_searcher(self) -> tantivy.Searcher | None:
        """The searcher of the nested objects as of the last commit (None: there are none)."""
        return None if self.nested is None else self.nested.searcher

    def nested_documents(
        self, doc_id: str, seq_no: int, version: int, routing: str | None, parsed: ParsedDocument
    ) -> list[tantivy.Document | str]:
        """The hidden documents of a document's nested objects (none for most documents)."""
        if not parsed.nested:
            return []
        if self.nested is None:
            directory = None if self.directory is None else self._nested_directory()
            self.nested = Store(directory, self.layout, self.registry, nested=True)
        return [
            self.nested.document(
                doc_id,
                seq_no,
                version,
                jsoncodec.dumps(obj.source),
                routing,
                obj,
                _place(doc_id, obj),
            )
            for obj in parsed.nested
        ]

    def add_nested(self, doc_id: str, documents: list[tantivy.Document | str]) -> None:
        """Replace the nested documents of ``doc_id`` with ``documents``."""
        if not documents:
            return
        assert self.nested is not None  # nested_documents opened it
        self.nested.delete(doc_id)
        for document in documents:
            self.nested.add(document)

    def document(
        self,
        doc_id: str,
        seq_no: int,
        version: int,
        source: bytes | None,
        routing: str | None,
        parsed: ParsedDocument | NestedObject,
        place: dict[str, Any] | None = None,
    ) -> tantivy.Document | str:
        """The tantivy document of one write (as JSON when tantivy can take it so)."""
        values: dict[str, Any] = {"_id": doc_id, "_seq_no": seq_no, "_version": version}
        if place is not None:
            values.update(place)
        if source is not None:
            values["_source"] = source
        if routing is not None:
            values["_routing"] = routing
        if parsed.field_names:
            values["_fields"] = list(parsed.field_names)
        if parsed.ignored:
            values["_ignored"] = sorted(parsed.ignored)
        pretokenized: dict[str, tuple[Any, list[str]]] | None = None
        targets = self.targets
        for mapper, value in parsed.values:
            target = targets.get(mapper.path) or self._target(mapper.path)
            if target is None:
                continue
            name, analysed_here = target
            if analysed_here:
                assert isinstance(mapper, TextField)  # the one type whose slot is "text"
                if pretokenized is None:
                    pretokenized = {}
                pretokenized.setdefault(name, (mapper.analyzer, []))[1].append(value)
                continue
            existing = values.get(name)
            if existing is None:
                values[name] = value
                continue
            if isinstance(existing, list):
                existing.append(value)
            else:
                values[name] = [existing, value]
            self.layout.multi.add(mapper.path)
        if pretokenized is None:
            # tantivy parses JSON faster than it converts a Python dict; bytes go as base64.
            if source is not None:
                values["_source"] = b64encode(source).decode()
            try:
                return orjson.dumps(values).decode()
            except orjson.JSONEncodeError:  # e.g. a lone surrogate: the slower way takes it
                if source is not None:
                    values["_source"] = source
        document = tantivy.Document.from_dict(values, self.schema)
        for name, (analyzer, texts) in (pretokenized or {}).items():
            document.add_pre_tokenized_text(name, analyzer.pre_tokenize_values(texts))
        return document

    def _target(self, path: str) -> tuple[str, bool] | None:
        """A field's slot, and whether its text is analysed in Python (pre-tokenised)."""
        entry = self.layout.slots.get(path)
        if entry is None:
            return None
        kind = entry[1]
        target = (entry[0], kind[0] == "text" and kind[1] is None)
        self.targets[path] = target
        return target

    def add(self, document: tantivy.Document | str) -> None:
        """Add a document built by :meth:`document` (a tantivy Document, or its JSON)."""
        assert self.writer is not None, "the store is closed"
        try:
            if isinstance(document, str):
                self.writer.add_json(document)
            else:
                self.writer.add_document(document)
        except ValueError as error:
            if str(error).startswith(_DOCUMENT_ERRORS):
                raise
            raise StoreFailed(f"indexing failed: {error}") from error

    def delete(self, doc_id: str) -> None:
        """Delete a document (and its nested objects' documents)."""
        assert self.writer is not None, "the store is closed"
        try:
            self.writer.delete_documents_by_term("_id", doc_id)
        except ValueError as error:
            raise StoreFailed(f"deleting failed: {error}") from error
        if self.nested is not None:
            self.nested.delete(doc_id)

    def commit(self) -> tantivy.Searcher:
        """Make every write so far durable (on disk) and searchable; return the new searcher.

        The nested store commits first: a crash between the two leaves the translog untrimmed,
        and its replay replaces a document's nested objects whole (:meth:`add_nested`)."""
        assert self.writer is not None, "the store is closed"
        if self.nested is not None:
            self.nested.commit()
        try:
            self.writer.commit()
            self.index.reload()
            self.searcher = self.index.searcher()
        except (ValueError, OSError) as error:
            raise StoreFailed(f"commit failed: {error}") from error
        return self.searcher

    def size_in_bytes(self) -> int | None:
        """Bytes of the store's files on disk (its segments and tantivy's metadata); None for a
        store in memory, whose size tantivy does not tell."""
        files = self.files()
        if files is None:
            return None
        nested = self.nested.size_in_bytes() if self.nested is not None else 0
        return sum(size for _, size in files) + (nested or 0)

    def files(self) -> list[tuple[str, int]] | None:
        """(name, bytes) of the store's files on disk; None for a store in memory."""
        return None if self.directory is None else _files(self.directory)

    def segment_infos(self) -> list[SegmentInfo] | None:
        """The segments of the last commit on disk (a merge may have replaced those the current
        searcher reads); None for a store in memory."""
        if self.directory is None:
            return None
        try:
            meta = read_json(os.path.join(self.directory, "meta.json"))
        except (OSError, ValueError):
            return []
        sizes: dict[str, int] = {}
        for name, size in _files(self.directory):
            stem = name.split(".", 1)[0]
            sizes[stem] = sizes.get(stem, 0) + size
        return [
            SegmentInfo(
                name=segment["segment_id"].replace("-", ""),
                max_doc=segment["max_doc"],
                deleted=(segment.get("deletes") or {}).get("num_deleted_docs", 0),
                size=sizes.get(segment["segment_id"].replace("-", ""), 0),
            )
            for segment in meta.get("segments", [])
        ]

    def abandon(self) -> None:
        """Drop a failed writer without asking anything more of it, releasing its lock."""
        self.writer = None
        if self.nested is not None:
            self.nested.abandon()

    def close(self) -> None:
        """Release the writer (and its threads); the store is unusable afterwards."""
        if self.nested is not None:
            self.nested.close()
        writer, self.writer = self.writer, None
        if writer is not None:
            try:
                writer.rollback()
                writer.wait_merging_threads()
            except ValueError:
                pass  # a failed writer: what it holds is not committed, and is dropped

    def destroy(self) -> None:
        self.close()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            if self.nested is None:  # else its own destroy removes it
                shutil.rmtree(self._nested_directory(), ignore_errors=True)
        if self.nested is not None:
            self.nested.destroy()


def b64encode(data: bytes) -> bytes:
    """Standard base64 without a newline (``base64.b64encode`` without its Python wrapper)."""
    return b2a_base64(data, newline=False)


def _place(doc_id: str, obj: NestedObject) -> dict[str, Any]:
    """Where a nested object's hidden document stands: its path, its id (``_nid``: the root's
    id, then each level's path and offset) and the ids of the nested objects around it."""
    levels = obj.key.split(LEVEL_SEP)
    ancestors = [LEVEL_SEP.join([doc_id, *levels[:depth]]) for depth in range(1, len(levels))]
    place: dict[str, Any] = {"_path": obj.path, "_nid": LEVEL_SEP.join([doc_id, obj.key])}
    if ancestors:
        place["_parent"] = ancestors
    return place


def _files(directory: str) -> list[tuple[str, int]]:
    """(name, size) of the files in a directory; one removed meanwhile (a merge) is left out."""
    files = []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_file():
                    files.append((entry.name, entry.stat().st_size))
    return files


def read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_json_atomic(path: str, data: Any) -> None:
    """Write a small metadata file so that a crash leaves the old or the new one, never half."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
