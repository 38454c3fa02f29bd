"""Format tokens: the pieces of a compiled format (literals, numbers, names, zones, optional
sections). Each knows its regex, how to store what it matched and how to print itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from .civil import (
    _DAY,
    _HOUR,
    _MINUTE,
    _NANOS_PER_MILLI,
    _SECOND,
    _civil_from_days,
    _days_from_civil,
    _iso_week,
    _iso_weekday,
)
from .zones import TimeZone, _offset_millis, _store_zone


class _Broken:
    """An instant broken down into local fields, for printing."""

    __slots__ = (
        "day",
        "days",
        "hour",
        "milli",
        "millis",
        "minute",
        "month",
        "offset",
        "second",
        "year",
        "zone",
    )

    def __init__(self, millis: int, zone: TimeZone) -> None:
        self.millis = millis
        self.zone = zone
        self.offset = zone.offset_at(millis)
        days, time_of_day = divmod(millis + self.offset, _DAY)
        self.days = days
        self.year, self.month, self.day = _civil_from_days(days)
        self.hour, rest = divmod(time_of_day, _HOUR)
        self.minute, rest = divmod(rest, _MINUTE)
        self.second, self.milli = divmod(rest, _SECOND)


_GETTERS: dict[str, Callable[[_Broken], int]] = {
    "year": lambda t: t.year,
    "yoe": lambda t: t.year if t.year > 0 else 1 - t.year,
    "era": lambda t: int(t.year > 0),
    "month": lambda t: t.month,
    "quarter": lambda t: (t.month - 1) // 3 + 1,
    "day": lambda t: t.day,
    "doy": lambda t: t.days - _days_from_civil(t.year, 1, 1) + 1,
    "dow": lambda t: _iso_weekday(t.days),
    "week_year": lambda t: _iso_week(t.days)[0],
    "week": lambda t: _iso_week(t.days)[1],
    "week_of_month": lambda t: (t.day - 1) // 7 + 1,
    "hour": lambda t: t.hour,
    "clock_hour": lambda t: t.hour % 12 or 12,
    "ampm_hour": lambda t: t.hour % 12,
    "day_hour": lambda t: t.hour or 24,
    "ampm": lambda t: int(t.hour >= 12),
    "minute": lambda t: t.minute,
    "second": lambda t: t.second,
    "nano": lambda t: t.milli * _NANOS_PER_MILLI,
    "milli_of_day": lambda t: ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.milli,
    "nano_of_day": lambda t: _GETTERS["milli_of_day"](t) * _NANOS_PER_MILLI,
}


class _Tok:
    """A piece of a format: a literal, a number, a name, a zone, or an optional section."""

    regex = ""
    groups = 0
    digit_first = False

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        return True

    def emit(self, t: _Broken) -> str:
        return ""


class _Lit(_Tok):
    def __init__(self, text: str) -> None:
        self.text = text
        self.regex = re.escape(text)
        self.digit_first = text[:1].isdigit()

    def emit(self, t: _Broken) -> str:
        return self.text


class _Num(_Tok):
    """A decimal field; ``sign`` is java.time's SignStyle (never, normal, exceeds_pad)."""

    groups = 1
    digit_first = True

    def __init__(self, field: str, low: int, high: int, sign: str = "never") -> None:
        self.field = field
        self.width = low
        self.sign = sign
        prefix = {"never": "", "normal": "-?", "exceeds": "[+-]?"}[sign]
        self.regex = f"({prefix}\\d{{{low},{high}}})"
        self.get = _GETTERS[field]

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        fields[self.field] = int(values[index])
        return True

    def emit(self, t: _Broken) -> str:
        value = self.get(t)
        digits = str(abs(value)).zfill(self.width)
        if value < 0:
            return "-" + digits
        if self.sign == "exceeds" and len(digits) > self.width:
            return "+" + digits
        return digits


class _Reduced(_Tok):
    """A two-digit year (``yy``), read in 2000..2099 as java.time does."""

    groups = 1
    digit_first = True
    regex = r"(\d{2})"

    def __init__(self, field: str) -> None:
        self.field = field
        self.get = _GETTERS[field]

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        fields[self.field] = 2000 + int(values[index])
        return True

    def emit(self, t: _Broken) -> str:
        return f"{self.get(t) % 100:02d}"


class _Fraction(_Tok):
    """Fraction of second digits, after a ``.`` when ``point`` (java.time's appendFraction)."""

    groups = 1

    def __init__(self, low: int, high: int, point: bool) -> None:
        self.low, self.high, self.point = low, high, point
        self.regex = ("\\." if point else "") + f"(\\d{{{low},{high}}})"
        self.digit_first = not point

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        fields["nano"] = int(values[index][:9].ljust(9, "0"))
        return True

    def emit(self, t: _Broken) -> str:
        digits = f"{t.milli:03d}000000"[: self.high].rstrip("0").ljust(self.low, "0")
        if not digits:
            return ""
        return "." + digits if self.point else digits


class _Text(_Tok):
    """A field printed as a name (month, day of week, AM/PM, era, quarter)."""

    groups = 1

    def __init__(self, field: str, names: Iterable[str], first: int) -> None:
        self.field = field
        self.names = tuple(names)
        self.first = first
        self.values = {name: first + i for i, name in enumerate(self.names)}
        alternatives = sorted(set(self.names), key=len, reverse=True)
        self.regex = "(" + "|".join(re.escape(name) for name in alternatives) + ")"
        self.get = _GETTERS[field]

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        fields[self.field] = self.values[values[index]]
        return True

    def emit(self, t: _Broken) -> str:
        return self.names[self.get(t) - self.first]


_OFFSET_STYLES = {
    # pattern: (colon, minutes, seconds) where each part is "no", "opt" or "req"
    "+HH": (False, "no", "no"),
    "+HHmm": (False, "opt", "no"),
    "+HH:mm": (True, "opt", "no"),
    "+HHMM": (False, "req", "no"),
    "+HH:MM": (True, "req", "no"),
    "+HHMMss": (False, "req", "opt"),
    "+HH:MM:ss": (True, "req", "opt"),
    "+HHMMSS": (False, "req", "req"),
    "+HH:MM:SS": (True, "req", "req"),
}


class _Offset(_Tok):
    """java.time's ``appendOffset(pattern, noOffsetText)`` (pattern letters X, x and Z)."""

    groups = 1

    def __init__(self, pattern: str, no_offset: str) -> None:
        self.colon, self.minutes, self.seconds = _OFFSET_STYLES[pattern]
        self.no_offset = no_offset
        sep = ":" if self.colon else ""
        seconds = {"no": "", "opt": f"(?:{sep}\\d{{2}})?", "req": f"{sep}\\d{{2}}"}[self.seconds]
        minutes = {
            "no": "",
            "opt": f"(?:{sep}\\d{{2}}{seconds})?",
            "req": f"{sep}\\d{{2}}{seconds}",
        }[self.minutes]
        self.regex = f"({re.escape(no_offset)}|[+-]\\d{{2}}{minutes})"
        self.digit_first = no_offset[:1].isdigit()

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        text = values[index]
        if text == self.no_offset:
            fields["offset"] = 0
            return True
        offset = _offset_millis(text[0] + text[1:].replace(":", ""))
        if offset is None:
            return False
        fields["offset"] = offset
        return True

    def emit(self, t: _Broken) -> str:
        total = t.offset // _SECOND
        if total == 0:
            return self.no_offset
        sign = "-" if total < 0 else "+"
        hours, rest = divmod(abs(total), 3600)
        minutes, seconds = divmod(rest, 60)
        sep = ":" if self.colon else ""
        text = f"{sign}{hours:02d}"
        if self.minutes == "req" or (self.minutes == "opt" and (minutes or seconds)):
            text += f"{sep}{minutes:02d}"
            if self.seconds == "req" or (self.seconds == "opt" and seconds):
                text += f"{sep}{seconds:02d}"
        return text


class _Zone(_Tok):
    """A zone id or offset (java.time's appendZoneOrOffsetId, pattern letters VV).

    ``ids`` False accepts offsets only (``Z``, ``+01:00``, ``+0100``, ``+01``).
    """

    groups = 1

    def __init__(self, ids: bool = True) -> None:
        offsets = r"Z|[+-]\d{2}(?::\d{2}(?::\d{2})?|\d{2}(?:\d{2})?)?"
        self.regex = f"({offsets}|[A-Za-z][A-Za-z0-9~/._+-]*)" if ids else f"({offsets})"

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        return _store_zone(fields, values[index])

    def emit(self, t: _Broken) -> str:
        return t.zone.id


class _ZoneName(_Tok):
    """Pattern letters z and v: printed as the zone's abbreviation (``CET``)."""

    groups = 1
    regex = r"([A-Za-z][A-Za-z0-9~/._+-]*)"

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        return _store_zone(fields, values[index])

    def emit(self, t: _Broken) -> str:
        if t.zone.fixed is not None:
            return t.zone.id
        return t.zone.abbreviation(t.millis)


class _LocalizedOffset(_Tok):
    """Pattern letters O and ZZZZ: ``GMT``, ``GMT+1`` (short) or ``GMT+01:00`` (full)."""

    groups = 1
    regex = r"(GMT(?:[+-]\d{1,2}(?::\d{2}(?::\d{2})?)?)?)"

    def __init__(self, full: bool) -> None:
        self.full = full

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        text = values[index][3:]
        offset = _offset_millis(text) if text else 0
        if offset is None:
            return False
        fields["offset"] = offset
        return True

    def emit(self, t: _Broken) -> str:
        total = t.offset // _SECOND
        if total == 0:
            return "GMT"
        sign = "-" if total < 0 else "+"
        hours, rest = divmod(abs(total), 3600)
        minutes, seconds = divmod(rest, 60)
        if self.full:
            text = f"GMT{sign}{hours:02d}:{minutes:02d}"
        else:
            text = f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes or seconds else "")
        return text + (f":{seconds:02d}" if seconds else "")


class _Optional(_Tok):
    """An optional section (``[...]``): parsed if present, always printed."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.regex = "(?:" + "".join(t.regex for t in tokens) + ")?"
        self.groups = sum(t.groups for t in tokens)

    def store(self, fields: dict[str, Any], values: tuple, index: int) -> bool:
        if all(v is None for v in values[index : index + self.groups]):
            return True
        for token in self.tokens:
            if token.groups:
                present = token.groups > 1 or values[index] is not None
                if present and not token.store(fields, values, index):
                    return False
                index += token.groups
        return True

    def emit(self, t: _Broken) -> str:
        return "".join(token.emit(t) for token in self.tokens)
