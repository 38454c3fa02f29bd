"""Java's numbers where Elasticsearch shows them: DecimalFormat, for the number formats it
takes (docvalue_fields, aggs), and float rounding (float fields, Lucene's float scores)."""

from __future__ import annotations

import struct


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
