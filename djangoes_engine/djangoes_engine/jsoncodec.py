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


def raw(data: bytes) -> Any:
    """A JSON object's encoded bytes, to be written as they are by :func:`dumps` instead of
    parsed and written again (a hit's stored ``_source``); parsed when they may not be one
    object in UTF-8 (a byte order mark, UTF-16 or UTF-32, which the standard library reads)."""
    if data[:1] == b"{" and b"\x00" not in data:
        return _Raw(data)
    return loads(data)


class _Raw:
    """Bytes :func:`dumps` writes as they are (an ``orjson.Fragment``, which keeps no way to
    read them back); :func:`parsed` reads them."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


def _fragment(value: Any) -> orjson.Fragment:
    if isinstance(value, _Raw):
        return orjson.Fragment(value.data)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def parsed(value: Any) -> Any:
    """The value with the raw JSON in it (:func:`raw`) parsed, for whatever reads it."""
    if isinstance(value, _Raw):
        return loads(value.data)
    if isinstance(value, dict):
        return {key: parsed(child) for key, child in value.items()}
    if isinstance(value, list):
        return [parsed(child) for child in value]
    return value


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    try:
        return orjson.dumps(value, default=_fragment)
    except TypeError:
        value = parsed(value)
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate (JSON allows "\ud800"): kept escaped
        return json.dumps(value, separators=(",", ":")).encode()
