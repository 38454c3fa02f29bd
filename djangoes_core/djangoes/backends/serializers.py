"""elasticsearch.dsl's objects in requests: written as DSL's own client writes them.

A value read through elasticsearch.dsl (an ``AttrDict``, an ``AttrList``), a query (``Q(...)``)
or a Document, put into a request, would be refused by elasticsearch-py's serializers with a
``SerializationError``; DSL's own clients use a serializer that writes them. djangoes'
connections are DSL's clients too (see :mod:`djangoes.dsl`), whatever serializers their backend
or ``PARAMS`` chose (the embedded engine's use orjson): each JSON serializer of a client is
wrapped so that a body it refuses is tried again with DSL's objects made plain. A body without
them costs nothing more. DSL is never imported here: its objects are known by their module.
"""

from __future__ import annotations

from typing import Any

from elastic_transport import SerializationError, Serializer, SerializerCollection

#: The mimetypes of the JSON and NDJSON serializers elasticsearch-py's clients use.
JSON_MIMETYPES = (
    "application/json",
    "application/x-ndjson",
    "application/vnd.elasticsearch+json",
    "application/vnd.elasticsearch+x-ndjson",
)
_DSL = "elasticsearch.dsl"


def _is_dsl(data: Any) -> bool:
    module = type(data).__module__
    return module == _DSL or module.startswith(_DSL + ".")


def plain(data: Any) -> Any:
    """``data`` with elasticsearch.dsl's objects as the JSON values DSL writes for them."""
    if _is_dsl(data):
        if hasattr(data, "_l_"):  # AttrList
            return plain(data._l_)
        if hasattr(data, "to_dict"):  # AttrDict, a query, a Document...
            return plain(data.to_dict())
        return data
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [plain(item) for item in data]
    return data


class DslAware(Serializer):
    """A JSON serializer that, when it refuses a body, tries it again made plain."""

    mimetype = "application/json"

    def __init__(self, serializer: Serializer) -> None:
        self.serializer = serializer
        # Every answer is read here: the wrapped serializer's own method, not one calling it.
        self.loads = serializer.loads  # type: ignore[method-assign]

    def loads(self, data: bytes) -> Any:
        return self.serializer.loads(data)

    def dumps(self, data: Any) -> bytes:
        try:
            return self.serializer.dumps(data)
        except SerializationError:
            return self.serializer.dumps(plain(data))


def write_dsl_objects(serializers: SerializerCollection) -> None:
    """Wrap the JSON serializers of a client's transport in :class:`DslAware` (once)."""
    wrapped: dict[int, DslAware] = {}
    for mimetype in JSON_MIMETYPES:
        found = serializers.serializers.get(mimetype)
        if found is not None and not isinstance(found, DslAware):
            serializers.serializers[mimetype] = wrapped.setdefault(id(found), DslAware(found))
    default = serializers.default_serializer
    if id(default) in wrapped:
        serializers.default_serializer = wrapped[id(default)]
