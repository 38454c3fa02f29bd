"""Alternatives: one element of a ``a||b`` format, how it parses a text and prints an instant.

Parsed fields become an instant with java.time's STRICT resolver and Elasticsearch's defaults;
``strict_date_optional_time`` and the epoch formats have dedicated fast parsers.
"""

from __future__ import annotations

import re
from typing import Any

from .civil import (
    _DAY,
    _HOUR,
    _MINUTE,
    _NANOS_PER_MILLI,
    _SECOND,
    _add_months,
    _civil_from_days,
    _days_from_civil,
    _is_leap,
    _iso_week_one,
    _iso_weekday,
    _month_days,
    _weeks_in,
)
from .tokens import _Broken, _Tok
from .zones import TimeZone, _store_zone

# --------------------------------------------------------------------------------------------
# Resolving parsed fields to an instant (java.time's STRICT resolver, Elasticsearch defaults)
# --------------------------------------------------------------------------------------------


def _resolve_year(fields: dict[str, Any]) -> int | None:
    year = fields.get("year")
    if year is None and "yoe" in fields:
        year_of_era = fields["yoe"]
        year = year_of_era if fields.get("era", 1) == 1 else 1 - year_of_era
    return year


def _resolve_days(fields: dict[str, Any], lenient: bool) -> int | None:
    """The day of the parsed fields; missing parts are the start of 1970 as in Elasticsearch."""
    year = _resolve_year(fields)
    if year is None and "week_year" in fields:
        week_year = fields["week_year"]
        week, dow = fields.get("week", 1), fields.get("dow", 1)
        if not (1 <= week <= _weeks_in(week_year) and 1 <= dow <= 7):
            return None
        return _iso_week_one(week_year) + (week - 1) * 7 + dow - 1
    if year is None:
        year = 1970
    day_of_year = fields.get("doy")
    if day_of_year is not None:
        if not 1 <= day_of_year <= (366 if _is_leap(year) else 365):
            return None
        days = _days_from_civil(year, 1, 1) + day_of_year - 1
    else:
        month = fields.get("month")
        if month is None:
            quarter = fields.get("quarter", 1)
            if not 1 <= quarter <= 4:
                return None
            month = quarter * 3 - 2
        day = fields.get("day", 1)
        if lenient:
            start = _add_months(_days_from_civil(year, 1, 1) * _DAY, month - 1) // _DAY
            days = start + day - 1
        elif 1 <= month <= 12 and 1 <= day <= _month_days(year, month):
            days = _days_from_civil(year, month, day)
        else:
            return None
    dow = fields.get("dow")
    if dow is not None and dow != _iso_weekday(days):
        return None
    return days


def _resolve_hour(fields: dict[str, Any], round_up: bool) -> int | None:
    if "hour" in fields:
        return fields["hour"]
    pm = 12 * fields.get("ampm", 0)
    if "clock_hour" in fields:
        hour = fields["clock_hour"]
        return hour % 12 + pm if 1 <= hour <= 12 else None
    if "ampm_hour" in fields:
        hour = fields["ampm_hour"]
        return hour + pm if 0 <= hour <= 11 else None
    if "day_hour" in fields:
        hour = fields["day_hour"]
        return hour % 24 if 1 <= hour <= 24 else None
    return 23 if round_up else 0


def _resolve_time(fields: dict[str, Any], round_up: bool) -> int | None:
    """Milliseconds of the day; missing parts are 0, or their maximum when rounding up."""
    if "milli_of_day" in fields or "nano_of_day" in fields:
        millis = fields.get("milli_of_day")
        if millis is None:
            millis = fields["nano_of_day"] // _NANOS_PER_MILLI
        return millis if 0 <= millis < _DAY else None
    hour = _resolve_hour(fields, round_up)
    minute = fields.get("minute", 59 if round_up else 0)
    second = fields.get("second", 59 if round_up else 0)
    nano = fields.get("nano", 999_999_999 if round_up else 0)
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None
    return hour * _HOUR + minute * _MINUTE + second * _SECOND + nano // _NANOS_PER_MILLI


def _resolve(
    fields: dict[str, Any], zone: TimeZone, round_up: bool, lenient: bool, preferred: int | None
) -> int | None:
    days = _resolve_days(fields, lenient)
    if days is None:
        return None
    time_of_day = _resolve_time(fields, round_up)
    if time_of_day is None:
        return None
    local = days * _DAY + time_of_day
    if "offset" in fields:
        return local - fields["offset"]
    if "zone" in fields:
        return fields["zone"].local_to_utc(local)
    return zone.local_to_utc(local, preferred)


# --------------------------------------------------------------------------------------------
# Alternatives: one element of a ``a||b`` format
# --------------------------------------------------------------------------------------------


class _Grammar:
    """One compiled parser: a regex and the tokens that read its groups."""

    __slots__ = ("digit_first", "match", "readers")

    def __init__(self, tokens: list[_Tok]) -> None:
        self.match = re.compile("".join(t.regex for t in tokens)).fullmatch
        readers, index = [], 0
        for token in tokens:
            if token.groups:
                readers.append((token, index))
                index += token.groups
        self.readers = tuple(readers)
        self.digit_first = bool(tokens) and tokens[0].digit_first

    def fields(self, text: str) -> dict[str, Any] | None:
        match = self.match(text)
        if match is None:
            return None
        values = match.groups()
        fields: dict[str, Any] = {}
        for token, index in self.readers:
            if not token.store(fields, values, index):
                return None
        return fields


class _Alternative:
    """A built-in format or a pattern: how it parses and how it prints."""

    def __init__(
        self, name: str, parsers: list[list[_Tok]], printer: list[_Tok], lenient: bool = False
    ) -> None:
        self.name = name
        self.grammars = [_Grammar(tokens) for tokens in parsers]
        self.printer = printer
        self.lenient = lenient
        self.digit_first = all(g.digit_first for g in self.grammars)

    def parse(self, text: str, zone: TimeZone, round_up: bool, preferred: int | None) -> int | None:
        for grammar in self.grammars:
            fields = grammar.fields(text)
            if fields is not None:
                millis = _resolve(fields, zone, round_up, self.lenient, preferred)
                if millis is not None:
                    return millis
        return None

    def format(self, millis: int, zone: TimeZone) -> str:
        broken = _Broken(millis, zone)
        return "".join(token.emit(broken) for token in self.printer)


# strict_date_optional_time, the default: a dedicated regex and integer arithmetic, since every
# document and every query date goes through it.
_ISO = re.compile(
    r"(-?\d{4})(?:-(\d\d)(?:-(\d\d))?)?"
    r"(?:T(?:(\d\d)(?::(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?)?"
    r"(Z|[+-]\d\d(?::\d\d(?::\d\d)?|\d\d(?:\d\d)?)?|[A-Za-z][A-Za-z0-9~/._+-]*)?)?)?"
).fullmatch


class _IsoAlternative(_Alternative):
    def parse(self, text: str, zone: TimeZone, round_up: bool, preferred: int | None) -> int | None:
        match = _ISO(text)
        if match is None:
            return None
        year_s, month_s, day_s, hour_s, minute_s, second_s, fraction, zone_s = match.groups()
        year = int(year_s)
        month = int(month_s) if month_s else 1
        day = int(day_s) if day_s else 1
        if not 1 <= month <= 12 or day < 1 or (day > 28 and day > _month_days(year, month)):
            return None
        if hour_s is None:
            time_of_day = _DAY - 1 if round_up else 0
        else:
            hour = int(hour_s)
            minute = int(minute_s) if minute_s else (59 if round_up else 0)
            second = int(second_s) if second_s else (59 if round_up else 0)
            if hour > 23 or minute > 59 or second > 59:
                return None
            default = 999 if round_up else 0
            millis = int(fraction[:3].ljust(3, "0")) if fraction else default
            time_of_day = hour * _HOUR + minute * _MINUTE + second * _SECOND + millis
        local = _days_from_civil(year, month, day) * _DAY + time_of_day
        if zone_s is None:
            if zone.fixed is not None:
                return local - zone.fixed
            return zone.local_to_utc(local, preferred)
        if zone_s == "Z":
            return local
        fields: dict[str, Any] = {}
        if not _store_zone(fields, zone_s):
            return None
        if "offset" in fields:
            return local - fields["offset"]
        return fields["zone"].local_to_utc(local)

    def format(self, millis: int, zone: TimeZone) -> str:
        if zone.fixed != 0 or not -62135596800000 <= millis <= 253402300799999:
            return super().format(millis, zone)
        days, time_of_day = divmod(millis, _DAY)
        year, month, day = _civil_from_days(days)
        hour, rest = divmod(time_of_day, _HOUR)
        minute, rest = divmod(rest, _MINUTE)
        second, milli = divmod(rest, _SECOND)
        return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"


_EPOCH_MILLIS = re.compile(r"(-)?(\d{1,19})(?:\.(\d{0,6}))?").fullmatch
_EPOCH_SECOND = re.compile(r"(-)?(\d{1,19})(?:\.(\d{0,9}))?").fullmatch


class _EpochAlternative(_Alternative):
    """``epoch_millis`` and ``epoch_second``: signed, with an optional fraction."""

    def __init__(self, name: str, unit_digits: int) -> None:
        self.name = name
        self.digits = unit_digits  # 6 fraction digits for millis (nanos), 9 for seconds
        self.match = _EPOCH_MILLIS if unit_digits == 6 else _EPOCH_SECOND
        self.grammars = []
        self.digit_first = True

    def parse(self, text: str, zone: TimeZone, round_up: bool, preferred: int | None) -> int | None:
        match = self.match(text)
        if match is None:
            return None
        negative, whole, fraction = match.groups()
        scale = 10**self.digits
        if fraction:
            sub = int(fraction.ljust(self.digits, "0"))
        else:
            sub = scale - 1 if round_up and not negative else 0
        total = int(whole) * scale + sub  # in nanoseconds (seconds) or nanos of milli (millis)
        if negative:
            total = -total
        return total // (scale // 1000) if self.digits == 9 else total // scale

    def format(self, millis: int, zone: TimeZone) -> str:
        if self.digits == 6:
            return str(millis)
        seconds, milli = divmod(abs(millis), _SECOND)
        text = f"{seconds}.{milli:03d}".rstrip("0").rstrip(".")
        return "-" + text if millis < 0 else text
