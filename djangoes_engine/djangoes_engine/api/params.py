"""Parsing of query-string parameters and request bodies, with Elasticsearch's error messages."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import jsoncodec
from ..errors import (
    IllegalArgument,
    JsonParseError,
    ParsingError,
    XContentParseError,
)
from ..wording import token_name


def boolean(params: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A boolean parameter; present and empty (``?pretty``) means true, as in Elasticsearch."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if value in ("", "true"):
        return True
    if value == "false":
        return False
    raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def integer(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise IllegalArgument(
            f"Failed to parse int parameter [{name}] with value [{value}]"
        ) from None


def long(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise IllegalArgument(f'For input string: "{value}"') from None


def refresh(params: Mapping[str, str]) -> str | None:
    """``true`` (also ``?refresh``), ``wait_for``, or None for no refresh."""
    value = params.get("refresh")
    if value is None or value == "false":
        return None
    if value in ("", "true"):
        return "true"
    if value == "wait_for":
        return "wait_for"
    raise IllegalArgument(f"Unknown value for refresh: [{value}].")


def split(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def json_body(body: bytes, *, required: bool = False, what: str = "request body") -> Any:
    """Decode a JSON body; an empty body is None unless ``required``."""
    if not body or not body.strip():
        if required:
            raise ParsingError(f"{what} is required", type="parse_exception")
        return None
    try:
        return jsoncodec.loads(body)
    except UnicodeDecodeError:
        raise JsonParseError("Invalid UTF-8 start byte") from None
    except json.JSONDecodeError as error:
        raise XContentParseError(
            f"[{error.lineno}:{error.colno}] Unexpected character or end of input: {error.msg}"
        ) from None


def object_body(body: bytes, *, required: bool = False) -> dict[str, Any]:
    parsed = json_body(body, required=required)
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise ParsingError(
            f"Unknown key for a {token_name(parsed)} in [{parsed}].", type="parsing_exception"
        )
    return parsed
