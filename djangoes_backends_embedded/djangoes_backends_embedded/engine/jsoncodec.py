"""JSON for the engine's hot paths: orjson when it can, the standard library when it cannot.

orjson parses and writes several times faster, which matters for bulk loads and search
responses; the standard library takes over for what orjson refuses or would change: integers
beyond 64 bits, which Elasticsearch keeps exactly in ``_source`` (orjson would read them as
floats), and the wording of parse errors.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

JSONDecodeError = json.JSONDecodeError
#: 20 digits in a row: a number orjson might not keep exactly.
_LONG_NUMBER = re.compile(rb"\d{20}")
_LONG_NUMBER_TEXT = re.compile(r"\d{20}")


def loads(data: bytes | str) -> Any:
    long_number = _LONG_NUMBER if isinstance(data, bytes | bytearray) else _LONG_NUMBER_TEXT
    if long_number.search(data) is None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
