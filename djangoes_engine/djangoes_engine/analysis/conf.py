"""Reading component settings: index settings arrive as strings ("2", "true") as often as typed
values, and Elasticsearch words the errors about them its own way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import EngineError, IllegalArgument


def _setting_error(reason: str) -> EngineError:
    return EngineError(reason, status=400, type="settings_exception")


def _int(conf: Mapping[str, Any], key: str, default: int) -> int:
    value = conf.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        raise _setting_error(f"Failed to parse int setting [{key}] with value [{value}]")
    try:
        return int(str(value).strip())
    except ValueError:
        raise _setting_error(f"Failed to parse int setting [{key}] with value [{value}]") from None


def _bool(conf: Mapping[str, Any], key: str, default: bool) -> bool:
    value = conf.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value)
    if text in ("true", "false"):
        return text == "true"
    raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def _list(conf: Mapping[str, Any], key: str, *, split: bool = True) -> list[str] | None:
    """A list setting; ``None`` when absent. A string is comma-split as Settings.getAsList."""
    value = conf.get(key)
    if value is None:
        return None
    if isinstance(value, Mapping):  # flattened "key.0", "key.1" that came back nested
        value = [value[k] for k in sorted(value, key=lambda k: int(k) if k.isdigit() else k)]
    if isinstance(value, str):
        if not split:
            return [value]
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Sequence):
        return [str(item) for item in value]
    return [str(value)]


def _java_map(conf: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in conf.items()) + "}"
