"""JSON for the engine's hot paths: orjson when it can, the standard library when it cannot.

orjson parses and writes several times faster, which matters for bulk loads and search
responses; the standard library takes over for what orjson refuses (integers beyond 64 bits,
which Elasticsearch keeps in ``_source``) and words parse errors for the error responses.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

JSONDecodeError = json.JSONDecodeError


def loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
