"""JSON for the engine's hot paths: orjson when it can, the standard library when it cannot.

orjson parses and writes several times faster, which matters for bulk loads and search
responses; the standard library takes over for what orjson refuses or would change: integers
beyond 64 bits, which Elasticsearch keeps exactly in ``_source`` (orjson would read them as
floats), and the wording of parse errors.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

JSONDecodeError = json.JSONDecodeError
#: Digits to "0", everything else to " ": then 20 zeros in a row mark a number orjson might
#: not keep exactly. (A translate and a substring search cost a third of a regex search.)
_DIGITS = bytes(48 if 48 <= code <= 57 else 32 for code in range(256))
_TWENTY_DIGITS = b"0" * 20


def loads(data: bytes | str) -> Any:
    raw = data.encode() if isinstance(data, str) else data
    if _TWENTY_DIGITS not in raw.translate(_DIGITS):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(data)
    except RecursionError:  # nesting deeper than the interpreter's stack: malformed input
        raise JSONDecodeError("the document is nested too deeply", "", 0) from None


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate (JSON allows "\ud800"): kept escaped
        return json.dumps(value, separators=(",", ":")).encode()
