"""Date math: range bounds such as ``now-1d/d`` or ``2020-01-01||+1M/d``, as
JavaDateMathParser reads them.
"""

from __future__ import annotations

from .civil import _UNIT_MILLIS, MAX_MILLIS, MIN_MILLIS, _add_months, _round_local
from .formats import DateFormat, DateParseError
from .zones import UTC, TimeZone, _zone_of


def _math_error(message: str) -> DateParseError:
    return DateParseError(message, type="parse_exception")


def _at_instant(zone: TimeZone, utc: int) -> tuple[int, int]:
    """(local, offset) of an instant, a ZonedDateTime."""
    offset = zone.offset_at(utc)
    return utc + offset, offset


def _at_local(zone: TimeZone, local: int, offset: int) -> tuple[int, int]:
    """ZonedDateTime.ofLocal: keep ``offset`` if still valid, else java.time's choice."""
    if zone.fixed is not None:
        return local, offset
    return _at_instant(zone, zone.local_to_utc(local, offset))


def _plus(zone: TimeZone, local: int, offset: int, unit: str, amount: int) -> tuple[int, int]:
    """ZonedDateTime.plus: calendar units on the local time-line, time units on the instant."""
    if unit in "yM":
        return _at_local(zone, _add_months(local, amount * (12 if unit == "y" else 1)), offset)
    if unit in "wd":
        return _at_local(zone, local + amount * _UNIT_MILLIS[unit], offset)
    return _at_instant(zone, local - offset + amount * _UNIT_MILLIS[unit])


def _apply_math(math: str, millis: int, round_up: bool, zone: TimeZone) -> int:
    """Apply ``+1d``, ``-2h``, ``/M``... to ``millis`` as JavaDateMathParser.parseMath."""
    local, offset = _at_instant(zone, millis)
    index, size = 0, len(math)
    while index < size:
        operator = math[index]
        index += 1
        if operator not in "+-/":
            raise _math_error(f"operator not supported for date math [{math}]")
        if index >= size:
            raise _math_error(f"truncated date math [{math}]")
        start = index
        while index < size and "0" <= math[index] <= "9":
            index += 1
        if start != index and index >= size:
            raise _math_error(f"truncated date math [{math}]")
        amount = int(math[start:index]) if start != index else 1
        if amount > 2**31 - 1:
            raise _math_error(f"failed to parse date math [{math}]: number too large")
        if operator == "/" and amount != 1:
            raise _math_error(f"rounding `/` can only be used on single unit types [{math}]")
        unit = math[index]
        index += 1
        if unit not in "yMwdhHms":
            raise _math_error(f"unit [{unit}] not supported for date math [{math}]")
        if operator != "/":
            local, offset = _plus(zone, local, offset, unit, amount if operator == "+" else -amount)
            continue
        local, offset = _at_local(zone, _round_local(local, unit), offset)
        if round_up:
            local, offset = _plus(zone, local, offset, unit, 1)
            local, offset = _at_instant(zone, local - offset - 1)
    return local - offset


def parse_date_math(
    expr: str | int | float,
    fmt: DateFormat,
    *,
    now: int,
    round_up: bool = False,
    time_zone: str | TimeZone | None = None,
) -> int:
    """Epoch milliseconds of a range bound such as ``now-1d/d`` or ``2020-01-01||+1M/d``.

    ``round_up`` is True for ``lte`` and ``gt``: rounding then goes to the last millisecond of
    the unit, and a date without ``||`` math gets its missing parts at their maximum. Numbers are
    epoch milliseconds (Elasticsearch's rule for numeric bounds without an explicit ``format``;
    pass ``str(value)`` to read them with ``fmt``). ``time_zone`` applies to zone-less dates and
    to rounding, never to ``now`` itself or to epoch values.
    """
    zone = _zone_of(time_zone)
    if isinstance(expr, bool) or not isinstance(expr, str | int | float):
        raise _math_error(f"failed to parse date field [{expr}] with format [{fmt.spec}]")
    if not isinstance(expr, str):
        return _epoch_millis_of_number(expr)
    if not expr:
        raise _math_error("cannot parse empty datetime")
    if expr.startswith("now"):
        return _apply_math(expr[3:], now, round_up, zone)
    split = expr.find("||")
    if split == -1:
        return _parse_bound(expr, fmt, zone, round_up)
    return _apply_math(
        expr[split + 2 :], _parse_bound(expr[:split], fmt, zone, False), round_up, zone
    )


def _epoch_millis_of_number(value: int | float) -> int:
    if isinstance(value, float) and not -9.3e18 < value < 9.3e18:  # also NaN
        raise _math_error(f"failed to parse date field [{value}] with format [epoch_millis]")
    millis = value if isinstance(value, int) else int(value // 1)
    if not MIN_MILLIS <= millis <= MAX_MILLIS:
        raise _math_error(f"failed to parse date field [{value}] with format [epoch_millis]")
    return millis


def _parse_bound(text: str, fmt: DateFormat, zone: TimeZone, round_up: bool) -> int:
    if not text:
        raise _math_error("cannot parse empty datetime")
    # An explicit time_zone reads local times as java.time's withZoneSameLocal does: from UTC,
    # which keeps the UTC offset when an overlap offers it.
    preferred = None if zone is UTC else 0
    millis = fmt._try(text, zone, round_up, preferred)
    if millis is None:
        reason = f"failed to parse date field [{text}] with format [{fmt.spec}]"
        raise _math_error(f"{reason}: [{reason}]")
    return millis
