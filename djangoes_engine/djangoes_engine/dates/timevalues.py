"""Time values: ``1s``, ``500ms``, ``-1`` as settings, ``keep_alive`` and intervals read them."""

from __future__ import annotations

import re

from ..errors import IllegalArgument
from .civil import _NANOS_PER_MILLI

_TIME_UNITS = (
    ("nanos", 1),
    ("micros", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
    ("d", 86_400_000_000_000),
)
_JAVA_LONG = re.compile(r"[+-]?\d+").fullmatch
_MINUS_ONE = re.compile(r"-0*1").fullmatch
_ZEROS = re.compile(r"0+").fullmatch
# What Java's Long.parseLong or Double.parseDouble accept: not a time value when fractional, and
# never a date for dynamic mapping.
_JAVA_NUMBER = re.compile(
    r"[\x00-\x20]*[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?)[\x00-\x20]*"
).fullmatch


def _time_amount(value: str, number: str, setting: str) -> int:
    if _JAVA_LONG(number) and -(2**63) <= int(number) < 2**63:
        amount = int(number)
        if amount < -1:
            raise IllegalArgument(
                f"failed to parse setting [{setting}] with value [{value}] as a time value: "
                "negative durations are not supported"
            )
        return amount
    if _JAVA_NUMBER(number):
        raise IllegalArgument(
            f"failed to parse [{value}], fractional time values are not supported"
        )
    raise IllegalArgument(f"failed to parse [{value}]")


def _time_value_nanos(value: str | int, setting: str) -> int | None:
    """Nanoseconds of a time value; None for the bare ``-1`` (TimeValue.MINUS_ONE)."""
    text = value if isinstance(value, str) else str(value)
    normalized = text.lower().strip()
    for suffix, nanos in _TIME_UNITS:
        # minutes are case sensitive: ``M`` would be months elsewhere
        if (text if suffix == "m" else normalized).endswith(suffix):
            number = normalized[: -len(suffix)].strip()
            return _time_amount(text, number, setting) * nanos
    if _MINUS_ONE(normalized):
        return None
    if _ZEROS(normalized):
        return 0
    raise IllegalArgument(
        f"failed to parse setting [{setting}] with value [{text}] as a time value: "
        "unit is missing or unrecognized"
    )


def parse_time_value(value: str | int, setting: str = "") -> float:
    """Seconds of an Elasticsearch time value (``1s``, ``500ms``, ``2m``, ``1d``, ``0``, ``-1``).

    ``-1`` (disabled, as for ``refresh_interval``) is ``-1.0``. Errors are Elasticsearch's,
    naming ``setting``.
    """
    nanos = _time_value_nanos(value, setting)
    return -1.0 if nanos is None else nanos / 1e9


def time_value_nanos(value: str | int, setting: str = "") -> int:
    """Nanoseconds of a time value (``-1`` is -1), for those who render it back as
    Elasticsearch's ``TimeValue.toString`` does."""
    nanos = _time_value_nanos(value, setting)
    return -1 if nanos is None else nanos


def time_value_millis(value: str | int, setting: str = "") -> int:
    """Milliseconds of a time value, truncated as TimeValue.millis() (``-1`` is -1)."""
    nanos = _time_value_nanos(value, setting)
    if nanos is None:
        return -1
    return nanos // _NANOS_PER_MILLI if nanos >= 0 else -(-nanos // _NANOS_PER_MILLI)
