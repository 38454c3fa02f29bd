"""The document a pipeline works on: its source with its metadata, and the ``_ingest`` map.

As in Elasticsearch's ``IngestDocument``, processors address fields with dotted paths:
``a.b.0.c`` walks maps by key and lists by index; ``_source.x`` is the field ``x``;
``_ingest.x`` is ingest metadata (``timestamp``, ``pipeline``, ``on_failure_message``...); the
metadata fields ``_index``, ``_id``, ``_routing``, ``_version``... sit next to the source fields,
so a processor may change where a document goes. Failures carry Elasticsearch's messages
(``field [x] not present as part of path [a.x]``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..errors import IllegalArgument
from ..scripting.values import jclass, jstr

#: The metadata a document's ctx holds next to its source fields, in Elasticsearch's order.
METADATA = (
    "_index",
    "_id",
    "_routing",
    "_version",
    "_version_type",
    "_if_seq_no",
    "_if_primary_term",
    "_dynamic_templates",
)
#: ``Versions.MATCH_ANY``: the version of a write that asks for none.
MATCH_ANY = -3
VERSION_TYPES = ("internal", "external", "external_gte")
INGEST_PREFIX = "_ingest."
SOURCE_PREFIX = "_source."


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def now_timestamp() -> str:
    """``_ingest.timestamp``: when ingest began, as Java prints a UTC ``ZonedDateTime``."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def self_referencing(value: Any, ancestors: tuple[int, ...] = ()) -> bool:
    """Whether a map or list holds itself (a script can write ``ctx.foo = ctx``)."""
    if not isinstance(value, (dict, list)):
        return False
    if id(value) in ancestors:
        return True
    inner = (*ancestors, id(value))
    items = value.values() if isinstance(value, dict) else value
    return any(self_referencing(item, inner) for item in items)


def copy_tree(value: Any) -> Any:
    """A deep copy of a JSON tree (maps and lists), cheaper than ``copy.deepcopy``."""
    kind = type(value)
    if kind is dict:
        return {key: copy_tree(item) for key, item in value.items()}
    if kind is list:
        return [copy_tree(item) for item in value]
    return value


class IngestDocument:
    """One document in a pipeline: ``ctx`` (source and metadata) and ``ingest`` (``_ingest``)."""

    __slots__ = ("ctx", "ingest", "pipelines", "scripted")

    def __init__(
        self,
        index: str | None,
        doc_id: str | None,
        source: dict[str, Any],
        *,
        routing: str | None = None,
        version: int = MATCH_ANY,
        version_type: str | None = None,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        timestamp: str | None = None,
    ) -> None:
        clashes = sorted(key for key in source if key in METADATA)
        if clashes:
            shown = ", ".join(f"{key}:{_java_text(source[key])}" for key in clashes)
            raise IllegalArgument(f"unexpected metadata [{shown}] in source")
        self.ctx: dict[str, Any] = dict(source)
        self.ctx["_index"] = index
        self.ctx["_id"] = doc_id
        self.ctx["_version"] = version
        for key, value in (
            ("_routing", routing),
            ("_version_type", version_type),
            ("_if_seq_no", if_seq_no),
            ("_if_primary_term", if_primary_term),
        ):
            if value is not None:
                self.ctx[key] = value
        self.ingest: dict[str, Any] = {"timestamp": timestamp or now_timestamp()}
        #: The pipelines running on this document, outermost first (cycle detection).
        self.pipelines: list[str] = []
        #: Whether a script changed the document, which may then hold itself.
        self.scripted = False

    def copy(self) -> IngestDocument:
        self.check_no_self_references()
        twin = object.__new__(IngestDocument)
        twin.ctx = copy_tree(self.ctx)
        twin.ingest = copy_tree(self.ingest)
        twin.pipelines = list(self.pipelines)
        twin.scripted = self.scripted
        return twin

    def check_no_self_references(self) -> None:
        if self.scripted and self_referencing(self.ctx):
            raise IllegalArgument("Iterable object is self-referencing itself")

    # Metadata

    def meta(self, key: str) -> Any:
        return self.ctx.get(key)

    @property
    def source(self) -> dict[str, Any]:
        """The source fields, without the metadata."""
        return {key: value for key, value in self.ctx.items() if key not in METADATA}

    def check_metadata(self) -> None:
        """Refuse metadata a processor set to a value of the wrong type, as ``IngestCtxMap``."""
        ctx = self.ctx
        for key in ("_index", "_id", "_routing", "_version_type"):
            value = ctx.get(key)
            if value is not None and not isinstance(value, str):
                raise IllegalArgument(_wrong_type(key, value, "java.lang.String"))
        version_type = ctx.get("_version_type")
        if version_type is not None and version_type not in VERSION_TYPES:
            raise IllegalArgument(
                f"_version_type must be a null or one of [{', '.join(VERSION_TYPES)}] but was "
                f"[{version_type}] with type [java.lang.String]"
            )
        if "_version" not in ctx or ctx["_version"] is None:
            raise IllegalArgument("_version cannot be removed")
        for key in ("_version", "_if_seq_no", "_if_primary_term"):
            value = ctx.get(key)
            if value is None:
                continue
            if isinstance(value, float):
                raise IllegalArgument(
                    f"{key} may only be set to an int or a long but was [{_java_text(value)}] "
                    "with type [java.lang.Double]"
                )
            if isinstance(value, bool) or not isinstance(value, int):
                raise IllegalArgument(_wrong_type(key, value, "java.lang.Number"))

    def to_dict(self) -> dict[str, Any]:
        """The document as the simulate API shows it: metadata as strings, source, ``_ingest``."""
        self.check_no_self_references()
        body: dict[str, Any] = {}
        for key in METADATA:
            value = self.ctx.get(key)
            if value is not None:
                body[key] = _java_text(value)
        body["_source"] = copy_tree(self.source)
        body["_ingest"] = copy_tree(self.ingest)
        return body

    # Fields

    def _start(self, path: str) -> tuple[Any, list[str]]:
        """The map a path starts from and its elements, as ``IngestDocument.FieldPath``."""
        if not isinstance(path, str) or not path:
            raise IllegalArgument("path cannot be null nor empty")
        context: Any = self.ctx
        rest = path
        if path.startswith(INGEST_PREFIX):
            context, rest = self.ingest, path[len(INGEST_PREFIX) :]
        elif path.startswith(SOURCE_PREFIX):
            rest = path[len(SOURCE_PREFIX) :]
        parts = rest.split(".")
        while len(parts) > 1 and parts[-1] == "":  # Java's split drops trailing empty strings
            parts.pop()
        if len(parts) == 1 and parts[0] == "":
            raise IllegalArgument(f"path [{path}] is not valid")
        return context, parts

    def _walk(self, path: str, context: Any, parts: list[str]) -> Any:
        """Resolve all of ``parts`` from ``context``: the value, or IllegalArgument."""
        for part in parts:
            context = _step(path, context, part, create=False)
        return context

    def get(self, path: str, *, ignore_missing: bool = False) -> Any:
        """The value at ``path``; MISSING if absent and ``ignore_missing``, else IllegalArgument."""
        context, parts = self._start(path)
        try:
            return self._walk(path, context, parts)
        except IllegalArgument:
            if ignore_missing:
                return MISSING
            raise

    def get_typed(self, path: str, kind: type, java: str, *, ignore_missing: bool = False) -> Any:
        """The value at ``path`` if it is a ``kind`` (or null); Java's cast failure otherwise."""
        value = self.get(path, ignore_missing=ignore_missing)
        if value is MISSING or value is None:
            return value
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise IllegalArgument(
                f"field [{path}] of type [{jclass(value)}] cannot be cast to [{java}]"
            )
        return value

    def has(self, path: str) -> bool:
        context, parts = self._start(path)
        for part in parts[:-1]:
            if isinstance(context, dict):
                if part not in context:
                    return False
                context = context[part]
            elif isinstance(context, list):
                try:
                    index = int(part)
                except ValueError:
                    return False
                if not 0 <= index < len(context):
                    return False
                context = context[index]
            else:
                return False
        leaf = parts[-1]
        if isinstance(context, dict):
            return leaf in context
        if isinstance(context, list):
            try:
                index = int(leaf)
            except ValueError:
                return False
            return 0 <= index < len(context)
        return False

    def set(self, path: str, value: Any) -> None:
        """Set ``path`` to ``value``, creating the maps on the way."""
        self._put(path, value, append=False, allow_duplicates=True)

    def append(self, path: str, value: Any, *, allow_duplicates: bool = True) -> None:
        """Append ``value`` (or each of a list of values) to the list at ``path``."""
        self._put(path, value, append=True, allow_duplicates=allow_duplicates)

    def _put(self, path: str, value: Any, *, append: bool, allow_duplicates: bool) -> None:
        context, parts = self._start(path)
        for part in parts[:-1]:
            context = _step(path, context, part, create=True)
        leaf = parts[-1]
        if context is None:
            raise IllegalArgument(f"cannot set [{leaf}] with null parent as part of path [{path}]")
        if isinstance(context, dict):
            if append:
                if leaf not in context:
                    context[leaf] = _appended([], value, True)
                else:
                    context[leaf] = _appended(context[leaf], value, allow_duplicates)
            else:
                context[leaf] = value
        elif isinstance(context, list):
            index = _list_index(path, leaf)
            if not 0 <= index < len(context):
                raise IllegalArgument(_out_of_bounds(path, index, len(context)))
            if append:
                context[index] = _appended(context[index], value, allow_duplicates)
            else:
                context[index] = value
        else:
            raise IllegalArgument(
                f"cannot set [{leaf}] with parent object of type [{jclass(context)}] as part of "
                f"path [{path}]"
            )

    def remove(self, path: str, *, ignore_missing: bool = False) -> None:
        context, parts = self._start(path)
        try:
            context = self._walk(path, context, parts[:-1])
        except IllegalArgument:
            if ignore_missing:
                return
            raise
        leaf = parts[-1]
        if isinstance(context, dict):
            if leaf in context:
                del context[leaf]
            elif not ignore_missing:
                raise IllegalArgument(f"field [{leaf}] not present as part of path [{path}]")
        elif isinstance(context, list):
            try:
                index = int(leaf)
            except ValueError:
                if ignore_missing:
                    return
                raise IllegalArgument(_not_integer(path, leaf)) from None
            if 0 <= index < len(context):
                del context[index]
            elif not ignore_missing:
                raise IllegalArgument(_out_of_bounds(path, index, len(context)))
        elif not ignore_missing:
            if context is None:
                raise IllegalArgument(f"cannot remove [{leaf}] from null as part of path [{path}]")
            raise IllegalArgument(
                f"cannot remove [{leaf}] from object of type [{jclass(context)}] as part of "
                f"path [{path}]"
            )


def _appended(current: Any, value: Any, allow_duplicates: bool) -> Any:
    """``current`` with ``value`` appended; a scalar becomes a list, unless nothing was added."""
    items = current if isinstance(current, list) else [current]
    values = value if isinstance(value, list) else [value]
    added = False
    for item in values:
        if allow_duplicates or item not in items:
            items.append(item)
            added = True
    return items if added or isinstance(current, list) else current


def _list_index(path: str, part: str) -> int:
    try:
        return int(part)
    except ValueError:
        raise IllegalArgument(_not_integer(path, part)) from None


def _not_integer(path: str, part: str) -> str:
    return f"[{part}] is not an integer, cannot be used as an index as part of path [{path}]"


def _out_of_bounds(path: str, index: int, length: int) -> str:
    return f"[{index}] is out of bounds for array with length [{length}] as part of path [{path}]"


def _wrong_type(key: str, value: Any, expected: str) -> str:
    return (
        f"{key} [{_java_text(value)}] is wrong type, expected assignable to [{expected}], "
        f"not [{jclass(value)}]"
    )


def _java_text(value: Any) -> str:
    return jstr(value)


def _step(path: str, context: Any, part: str, *, create: bool) -> Any:
    """One step of ``path`` down from ``context``: into a map (making a missing one when
    ``create``) or a list, with Elasticsearch's errors for anything else."""
    if context is None:
        raise IllegalArgument(f"cannot resolve [{part}] from null as part of path [{path}]")
    if isinstance(context, dict):
        if part not in context:
            if not create:
                raise IllegalArgument(f"field [{part}] not present as part of path [{path}]")
            context[part] = {}
        return context[part]
    if isinstance(context, list):
        index = _list_index(path, part)
        if not 0 <= index < len(context):
            raise IllegalArgument(_out_of_bounds(path, index, len(context)))
        return context[index]
    raise IllegalArgument(
        f"cannot resolve [{part}] from object of type [{jclass(context)}] as part of path [{path}]"
    )
