"""orjson serializers for the clients of an in-process engine.

In-process, the client's JSON encoding and decoding is a large part of every request's cost
(with no network to hide it), so the clients djangoes builds for the embedded engine use orjson,
with the standard library as fallback for what orjson refuses (integers beyond 64 bits).
They produce the same bytes and values as the default serializers.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from elasticsearch.serializer import NdjsonSerializer, OrjsonSerializer

from djangoes_engine.jsoncodec import loads as _loads


def _dumps(data: Any, default: Any) -> bytes:
    try:
        return orjson.dumps(data, default=default)
    except TypeError:
        text = json.dumps(data, default=default, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")


class FastJsonSerializer(OrjsonSerializer):
    def json_dumps(self, data: Any) -> bytes:
        return _dumps(data, self.default)

    def loads(self, data: bytes) -> Any:
        return _loads(data)


class FastNdjsonSerializer(NdjsonSerializer):
    def json_dumps(self, data: Any) -> bytes:
        return _dumps(data, self.default)

    def json_loads(self, data: bytes) -> Any:
        return _loads(data)


def client_options(options: dict[str, Any]) -> dict[str, Any]:
    """Client options with the fast serializers, unless the caller chose serializers."""
    if "serializer" in options or "serializers" in options:
        return options
    return {
        **options,
        "serializers": {
            "application/json": FastJsonSerializer(),
            "application/x-ndjson": FastNdjsonSerializer(),
        },
    }
