"""Java's numbers where Elasticsearch shows them: DecimalFormat, for the number formats it
takes (docvalue_fields, aggs), and float rounding (float fields, Lucene's float scores)."""

from __future__ import annotations

import math
import struct
from decimal import Decimal


def java_float(value: float) -> float:
    """``(float) value``: the nearest float, infinite beyond its range, as Java casts."""
    try:
        single: float = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")
    return single


def decimal_format(value: float, pattern: str) -> str:
    """Java's DecimalFormat for the simple patterns docvalue_fields takes (``#.0``, ``0.00``)."""
    _, _, decimals = pattern.partition(".")
    minimum = decimals.count("0")
    maximum = len(decimals)
    text = f"{value:.{maximum}f}" if maximum else str(round(value))
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0")
        fraction = fraction + "0" * (minimum - len(fraction))
        text = f"{whole}.{fraction}" if fraction else whole
    if pattern.startswith("#") and text.startswith("0."):
        text = text[1:]
    return text


def java_double(value: float) -> str:
    """Java's ``Double.toString``: ``1.0``, ``1.0E7``, ``1.5E-4`` (range keys, percentiles)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # digits before the decimal point
    prefix = "-" if sign else ""
    if 1e-3 <= abs(value) < 1e7:
        if point <= 0:
            return f"{prefix}0.{'0' * -point}{text}"
        if point >= len(text):
            return f"{prefix}{text}{'0' * (point - len(text))}.0"
        return f"{prefix}{text[:point]}.{text[point:]}"
    return f"{prefix}{text[0]}.{text[1:] or '0'}E{point - 1}"
