"""Reading an aggregation's body: parameter objects with Elasticsearch's parse errors, and the
texts Elasticsearch shows (parser token names, "did you mean" suggestions, Java doubles).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, overload

from ..dates import DateFormat
from ..decimals import decimal_format, java_double  # noqa: F401 (re-exported)
from ..errors import EngineError, IllegalArgument, Unsupported, XContentParseError
from ..fields import DateField
from ..wording import suggest

# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


class Params:
    """An aggregation's parameter object, read once with Elasticsearch's parse errors."""

    def __init__(self, kind: str, body: dict[str, Any]) -> None:
        self.kind = kind
        self.body = body
        self.allowed: set[str] = set()

    def __contains__(self, key: str) -> bool:
        self.allowed.add(key)
        return key in self.body

    def get(self, key: str, default: Any = None) -> Any:
        self.allowed.add(key)
        return self.body.get(key, default)

    def source_field(self) -> str:
        """The ``field`` a values-source aggregation reads (scripts are not supported)."""
        if self.get("script") is not None:
            raise Unsupported("[script]")
        field = self.string("field")
        if field is None:
            raise IllegalArgument(
                "Required one of fields [field, script], but none were specified. "
            )
        return field

    def failed(self, key: str, cause: EngineError | None = None) -> EngineError:
        return XContentParseError(f"[{self.kind}] failed to parse field [{key}]", caused_by=cause)

    @overload
    def integer(self, key: str, default: int) -> int: ...
    @overload
    def integer(self, key: str, default: None) -> int | None: ...
    def integer(self, key: str, default: int | None) -> int | None:
        return self._numeric(key, default, int)

    @overload
    def number(self, key: str, default: float) -> float: ...
    @overload
    def number(self, key: str, default: None) -> float | None: ...
    def number(self, key: str, default: float | None) -> float | None:
        return self._numeric(key, default, float)

    def _numeric(self, key: str, default: Any, kind: type) -> Any:
        """``key`` as ``kind``: a number, or a string of one, as Elasticsearch's parser takes."""
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.failed(key)
        try:
            return kind(value)
        except ValueError:
            raise self.failed(key, IllegalArgument(f'For input string: "{value}"')) from None

    def boolean(self, key: str, default: bool) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise self.failed(
            key,
            IllegalArgument(
                f"Failed to parse value [{value}] as only [true] or [false] are allowed."
            ),
        )

    @overload
    def string(self, key: str, default: str) -> str: ...
    @overload
    def string(self, key: str, default: None = None) -> str | None: ...
    def string(self, key: str, default: str | None = None) -> str | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, dict | list):
            raise self.failed(key)
        return value if isinstance(value, str) else str(value)

    def check(self, key: str, ok: bool, message: str) -> None:
        """A parameter setter's validation: Elasticsearch wraps it in a parse error."""
        if not ok:
            raise self.failed(key, IllegalArgument(message))

    def finish(self) -> None:
        for key in self.body:
            if key not in self.allowed:
                raise XContentParseError(
                    f"[{self.kind}] unknown field [{key}]{suggest(key, sorted(self.allowed))}"
                )


# --------------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------------


def value_printer(field_type: Any, fmt: str | None) -> Callable[[Any], str] | None:
    """How a value or key prints as ``*_as_string``: dates in their format, numbers in ``fmt``."""
    if isinstance(field_type, DateField):
        date_format = DateFormat(fmt) if fmt else field_type.date_format
        return lambda value: date_format.format(math.floor(value))
    if fmt:
        return lambda value: decimal_format(value, fmt)
    return None
