"""The ``convert`` processor: a field's value (or each of a list's) as another type.

Conversions follow Java's parsers, as Elasticsearch's ``ConvertProcessor``: ``integer`` and
``long`` take decimal digits (or ``0x`` hexadecimal), ``float`` keeps a 32-bit float's
precision, ``boolean`` takes ``true``/``false`` in any case, ``auto`` tries boolean, integer,
long, float and double in turn and keeps the string if none fits.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...decimals import java_float
from ...errors import IllegalArgument
from ...scripting.values import jstr
from ..document import MISSING, IngestDocument
from ..processor import Factory, Processor

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser

_INTEGER = re.compile(r"[+-]?[0-9]+")
_HEX = re.compile(r"-?0[xX][0-9a-fA-F]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?")
INT_RANGE = (-(2**31), 2**31 - 1)
LONG_RANGE = (-(2**63), 2**63 - 1)


def _whole(value: Any, kind: str, bounds: tuple[int, int]) -> int:
    text = jstr(value)
    number: int | None = None
    if _HEX.fullmatch(text):
        number = int(text, 16)
    elif _INTEGER.fullmatch(text):
        number = int(text)
    if number is None or not bounds[0] <= number <= bounds[1]:
        raise IllegalArgument(f"unable to convert [{text}] to {kind}")
    return number


def _real(value: Any, kind: str) -> float:
    text = jstr(value)
    if not _FLOAT.fullmatch(text.strip(" \t\n\r\x0b\x0c")):
        raise IllegalArgument(f"unable to convert [{text}] to {kind}")
    number = float(text.strip().rstrip("fFdD"))
    if kind == "float":
        number = _float32(number)
    return number


def _float32(number: float) -> float:
    """The double that prints as Java prints the nearest ``float``: its shortest digits."""
    single = java_float(number)
    if math.isinf(single):
        return single
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if java_float(float(text)) == single:
            return float(text)
    return float(single)


def _boolean(value: Any) -> bool:
    text = jstr(value)
    if text.lower() == "true":
        return True
    if text.lower() == "false":
        return False
    raise IllegalArgument(f"[{text}] is not a boolean value, cannot convert to boolean")


def _ip(value: Any) -> str:
    text = jstr(value)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise IllegalArgument(f"[{text}] is not a valid ip") from None
    return text


def _auto(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    for convert in (
        _boolean,
        lambda v: _whole(v, "integer", INT_RANGE),
        lambda v: _whole(v, "long", LONG_RANGE),
        lambda v: _real(v, "float"),
    ):
        try:
            return convert(value)
        except IllegalArgument:
            continue
    return value


CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "integer": lambda v: _whole(v, "integer", INT_RANGE),
    "long": lambda v: _whole(v, "long", LONG_RANGE),
    "float": lambda v: _real(v, "float"),
    "double": lambda v: _real(v, "double"),
    "boolean": _boolean,
    "ip": _ip,
    "string": jstr,
    "auto": _auto,
}


class ConvertProcessor(Processor):
    type = "convert"

    def __init__(self, field: str, target: str, kind: str, ignore_missing: bool) -> None:
        super().__init__(None, None)
        self.field, self.target, self.kind = field, target, kind
        self.ignore_missing = ignore_missing
        self.convert = CONVERSIONS[kind]

    def execute(self, document: IngestDocument, run: Run) -> bool:
        value = document.get(self.field, ignore_missing=self.ignore_missing)
        if value is MISSING or (value is None and self.ignore_missing):
            return True
        if value is None:
            raise IllegalArgument(
                f"Field [{self.field}] is null, cannot be converted to type [{self.kind}]"
            )
        if isinstance(value, list):
            converted: Any = [self.convert(item) for item in value]
        else:
            converted = self.convert(value)
        document.set(self.target, converted)
        return True


def _convert(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    kind = options.string("type")
    if kind.lower() not in CONVERSIONS:
        raise options.error("type", f"type [{kind}] not supported, cannot convert field.")
    target = options.string("target_field", field)
    ignore_missing = options.boolean("ignore_missing", False)
    return ConvertProcessor(field, target, kind.lower(), ignore_missing)


FACTORIES: dict[str, Factory] = {"convert": _convert}
