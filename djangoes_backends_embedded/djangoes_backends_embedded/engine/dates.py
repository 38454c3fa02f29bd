"""Elasticsearch's date semantics for the embedded engine.

The engine stores a date as an ``int`` of epoch milliseconds (UTC). Every API that turns text into
such a number, or back, goes through this module so that they all agree with Elasticsearch 8/9 on
the details users notice: which strings a ``format`` accepts, what ``key_as_string`` looks like,
how ``now-1d/d`` rounds for ``lte`` and for ``lt``, and where a ``date_histogram`` bucket starts
across a daylight saving change.

* :class:`DateFormat`: a date field's ``format`` (``a||b||...``), with :meth:`DateFormat.parse`
  and :meth:`DateFormat.format`.
* :func:`looks_like_date` and :func:`detect_date_format`: ``dynamic_date_formats`` detection.
* :func:`parse_date_math`: ``now-1d/d`` or ``2020-01-01||+1M/d`` as range queries read them.
* :class:`Rounding`: ``date_histogram`` bucket keys (calendar and fixed intervals, ``time_zone``,
  ``offset``).
* :func:`parse_time_value`: ``1s``, ``500ms``, ``-1`` as settings and ``keep_alive`` read them.
* :class:`TimeZone`: a ``time_zone`` parameter (``+01:00``, ``Europe/Paris``).

Calendar arithmetic is done on plain integers (proleptic Gregorian calendar), so dates far outside
``datetime``'s years 1..9999 (Elasticsearch prints up to ``+292278994``) format and round without
overflowing; ``zoneinfo`` is only asked for UTC offsets.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BadRequest, IllegalArgument

__all__ = [
    "DEFAULT_DATE_FORMAT",
    "DEFAULT_DYNAMIC_DATE_FORMATS",
    "MAX_MILLIS",
    "MIN_MILLIS",
    "DateFormat",
    "DateParseError",
    "Rounding",
    "TimeZone",
    "detect_date_format",
    "looks_like_date",
    "parse_date_math",
    "parse_time_value",
    "time_value_millis",
]

DEFAULT_DATE_FORMAT = "strict_date_optional_time||epoch_millis"
# The formats of RootObjectMapper.Defaults in Elasticsearch's code (its documentation shows an
# older ``... Z`` variant): pure numbers are never detected, so ``epoch_millis`` only matters for
# the format the new field is mapped with.
DEFAULT_DYNAMIC_DATE_FORMATS = (
    "strict_date_optional_time||epoch_millis",
    "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis",
)

# A date is a Java long of milliseconds.
MIN_MILLIS = -(2**63)
MAX_MILLIS = 2**63 - 1

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_NANOS_PER_MILLI = 1_000_000


class DateParseError(ValueError, BadRequest):
    """A date, a date math expression or a time value Elasticsearch would refuse.

    A :class:`ValueError` for plain callers and an engine error for the HTTP layer: the ``type`` is
    ``illegal_argument_exception`` for a value a format rejects (as document parsing reports it)
    and ``parse_exception`` for date math (as range queries report it).
    """

    def __init__(self, reason: str, *, type: str = "illegal_argument_exception") -> None:
        BadRequest.__init__(self, reason, type=type)


# --------------------------------------------------------------------------------------------
# Calendar arithmetic on days since 1970-01-01 (any year, proleptic Gregorian)
# --------------------------------------------------------------------------------------------


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since the epoch of a valid calendar date."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """The (year, month, day) of a day count since the epoch."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    mp = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return year_of_era + era * 400 + (month <= 2), month, day


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int:
    return 29 if month == 2 and _is_leap(year) else _MONTH_DAYS[month - 1]


def _iso_weekday(days: int) -> int:
    """1 for Monday .. 7 for Sunday (1970-01-01 was a Thursday)."""
    return (days + 3) % 7 + 1


def _iso_week_one(week_year: int) -> int:
    """The Monday that starts ISO week 1 of ``week_year``."""
    jan4 = _days_from_civil(week_year, 1, 4)
    return jan4 - _iso_weekday(jan4) + 1


def _iso_week(days: int) -> tuple[int, int]:
    """The ISO (week-based year, week) of a day."""
    thursday = days - _iso_weekday(days) + 4
    week_year = _civil_from_days(thursday)[0]
    return week_year, (thursday - _days_from_civil(week_year, 1, 1)) // 7 + 1


def _weeks_in(week_year: int) -> int:
    return (_iso_week_one(week_year + 1) - _iso_week_one(week_year)) // 7


def _add_months(local: int, months: int) -> int:
    """Local milliseconds plus calendar months, the day clamped to the month's end as Java does."""
    days, time_of_day = divmod(local, _DAY)
    year, month, day = _civil_from_days(days)
    year, month0 = divmod(year * 12 + month - 1 + months, 12)
    day = min(day, _month_days(year, month0 + 1))
    return _days_from_civil(year, month0 + 1, day) * _DAY + time_of_day


# --------------------------------------------------------------------------------------------
# Time zones
# --------------------------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1)
# datetime covers years 1..9999; instants outside use the offset at the nearest edge.
_MIN_SECONDS = -62135596800 + 2 * 86400
_MAX_SECONDS = 253402300799 - 2 * 86400
_OFFSET_ID = re.compile(r"([+-])(\d{1,2})(?:(:?)(\d{2})(?:\3(\d{2}))?)?")
_PREFIXED_ID = re.compile(r"(UTC|GMT|UT)([+-].*)")
_REGION_ID = re.compile(r"[A-Za-z][A-Za-z0-9~/._+-]+")


def _td_millis(delta: timedelta | None) -> int:
    if delta is None:
        return 0
    return delta.days * _DAY + delta.seconds * _SECOND + delta.microseconds // 1000


def _naive(local: int) -> datetime:
    seconds = min(max(local // _SECOND, _MIN_SECONDS), _MAX_SECONDS)
    return _EPOCH + timedelta(seconds=seconds)


def _offset_millis(text: str) -> int | None:
    """Milliseconds of an offset such as ``+01:00``, ``-0530`` or ``+1``; None if malformed."""
    match = _OFFSET_ID.fullmatch(text)
    if match is None:
        return None
    sign, hours, _colon, minutes, seconds = match.groups()
    h, m, s = int(hours), int(minutes or 0), int(seconds or 0)
    if h > 18 or m > 59 or s > 59 or (h == 18 and (m or s)):
        return None
    total = (h * 3600 + m * 60 + s) * _SECOND
    return -total if sign == "-" else total


def _offset_id(offset: int) -> str:
    """Java's ZoneOffset id: ``Z``, ``+01:00`` or ``-00:09:21``."""
    if offset == 0:
        return "Z"
    sign = "-" if offset < 0 else "+"
    total = abs(offset) // _SECOND
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


class TimeZone:
    """A ``time_zone`` as Elasticsearch (java.time ``ZoneId.of``) accepts it.

    Either a fixed offset (``Z``, ``+01:00``, ``-08``, ``UTC``, ``GMT+2``) or an IANA region
    (``Europe/Paris``) whose offsets come from ``zoneinfo``. Offsets are in milliseconds, added to
    UTC to get local time.
    """

    __slots__ = ("_info", "fixed", "id")

    def __init__(self, zone_id: str, fixed: int | None, info: ZoneInfo | None = None) -> None:
        self.id = zone_id
        self.fixed = fixed
        self._info = info

    @staticmethod
    @functools.lru_cache(maxsize=512)
    def of(name: str | None) -> TimeZone:
        """The zone named ``name`` (None is UTC); :class:`IllegalArgument` if Java refuses it."""
        if name is None or name in ("Z", "UTC", "GMT", "UT"):
            return UTC if name in (None, "Z") else TimeZone(name, 0)
        if name[:1] in "+-":
            offset = _offset_millis(name)
            if offset is None:
                raise IllegalArgument(f"Invalid ID for ZoneOffset, invalid format: {name}")
            return TimeZone(_offset_id(offset), offset)
        prefixed = _PREFIXED_ID.fullmatch(name)
        if prefixed is not None:
            offset = _offset_millis(prefixed.group(2))
            if offset is None:
                raise IllegalArgument(f"Invalid ID for offset-based ZoneId: {name}")
            return TimeZone(prefixed.group(1) + _offset_id(offset).replace("Z", ""), offset)
        if not _REGION_ID.fullmatch(name):
            raise IllegalArgument(f"Invalid ID for region-based ZoneId, invalid format: {name}")
        try:
            return TimeZone(name, None, ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise IllegalArgument(f"Unknown time-zone ID: {name}") from None

    def __repr__(self) -> str:
        return f"TimeZone({self.id!r})"

    def offset_at(self, utc: int) -> int:
        """The offset in force at instant ``utc``."""
        if self._info is None:
            return self.fixed  # type: ignore[return-value]
        seconds = min(max(utc // _SECOND, _MIN_SECONDS), _MAX_SECONDS)
        return _td_millis(datetime.fromtimestamp(seconds, self._info).utcoffset())

    def valid_offsets(self, local: int) -> tuple[int, ...]:
        """Offsets that give local time ``local``: one, two in an overlap, none in a gap.

        In an overlap the offset before the transition comes first, as in java.time.
        """
        if self._info is None:
            return (self.fixed,)  # type: ignore[return-value]
        naive = _naive(local)
        before = _td_millis(self._info.utcoffset(naive))
        after = _td_millis(self._info.utcoffset(naive.replace(fold=1)))
        if before == after:
            return (before,)
        return tuple(o for o in (before, after) if self.offset_at(local - o) == o)

    def local_to_utc(self, local: int, preferred: int | None = None) -> int:
        """The instant of local time ``local`` with java.time's ``ZonedDateTime.ofLocal`` rules.

        In an overlap the ``preferred`` offset wins if valid, else the earlier one; in a gap the
        wall time moves forward by the gap's length.
        """
        if self._info is None:
            return local - self.fixed  # type: ignore[operator]
        offsets = self.valid_offsets(local)
        if len(offsets) == 1:
            return local - offsets[0]
        if offsets:
            return local - (preferred if preferred in offsets else offsets[0])
        return local - _td_millis(self._info.utcoffset(_naive(local)))

    def gap_transition(self, local: int) -> int:
        """The instant of the transition that skipped local time ``local``."""
        naive = _naive(local)
        before = _td_millis(self._info.utcoffset(naive))  # type: ignore[union-attr]
        after = _td_millis(self._info.utcoffset(naive.replace(fold=1)))  # type: ignore[union-attr]
        low = (local - after) // _SECOND
        high = -(-(local - before) // _SECOND)
        while high - low > 1:
            middle = (low + high) // 2
            if self.offset_at(middle * _SECOND) == before:
                low = middle
            else:
                high = middle
        return high * _SECOND

    def previous_transition(self, utc: int, lower: int) -> int | None:
        """The latest offset transition in ``(lower, utc]``, or None."""
        if self._info is None or lower >= utc:
            return None
        target = self.offset_at(utc)
        high = utc
        while high > lower:
            low = max(high - 7 * _DAY, lower)
            if self.offset_at(low) != target:
                low_s, high_s = low // _SECOND, high // _SECOND
                while high_s - low_s > 1:
                    middle = (low_s + high_s) // 2
                    if self.offset_at(middle * _SECOND) == target:
                        high_s = middle
                    else:
                        low_s = middle
                return high_s * _SECOND
            high = low
        return None

    def abbreviation(self, utc: int) -> str:
        """A short name (``CET``, ``EST``) for printing pattern letter ``z``."""
        if self._info is None:
            return self.id
        seconds = min(max(utc // _SECOND, _MIN_SECONDS), _MAX_SECONDS)
        return datetime.fromtimestamp(seconds, self._info).tzname() or self.id


UTC = TimeZone("Z", 0)


def _zone_of(time_zone: str | TimeZone | None) -> TimeZone:
    if time_zone is None:
        return UTC
    if isinstance(time_zone, TimeZone):
        return time_zone
    return TimeZone.of(time_zone)


# --------------------------------------------------------------------------------------------
# Format tokens: each knows its regex, how to store what it matched and how to print itself
# --------------------------------------------------------------------------------------------


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


def _store_zone(fields: dict[str, Any], text: str) -> bool:
    """Record a parsed zone: an offset when fixed, else the region."""
    if text == "Z":
        fields["offset"] = 0
        return True
    if text[0] in "+-":
        offset = _offset_millis(text)
        if offset is None:
            return False
        fields["offset"] = offset
        return True
    try:
        zone = TimeZone.of(text)
    except IllegalArgument:
        return False
    if zone.fixed is not None:
        fields["offset"] = zone.fixed
    else:
        fields["zone"] = zone
    return True


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


# --------------------------------------------------------------------------------------------
# Java DateTimeFormatter patterns
# --------------------------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTHS += ("September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_QUARTERS = ("1st quarter", "2nd quarter", "3rd quarter", "4th quarter")


class _PatternError(Exception):
    """java.time's message for a pattern it refuses."""


def _too_many(letter: str) -> _PatternError:
    return _PatternError(f"Too many pattern letters: {letter}")


def _number(field: str, letter: str, count: int, most: int) -> _Tok:
    """A numeric field of at most ``most`` letters: 1 letter is 1-2 digits, n letters n digits."""
    if count > most:
        raise _too_many(letter)
    if count == 1:
        return _Num(field, 1, 3 if field == "doy" else 2)
    if field == "doy" and count == 2:
        return _Num(field, 2, 3)
    return _Num(field, count, count)


def _year(field: str, count: int) -> _Tok:
    if count == 2:
        return _Reduced(field)
    sign = "normal" if field == "year" else "never"
    if count < 4:
        return _Num(field, count, 10, sign)
    return _Num(field, count, 10, "exceeds")


def _text(field: str, letter: str, count: int, names: tuple[str, ...], first: int) -> _Tok:
    """Names: 1-3 letters short (``Jan``), 4 full (``January``), 5 narrow (``J``)."""
    if count > 5:
        raise _too_many(letter)
    if count == 4:
        return _Text(field, names, first)
    if count == 5:
        return _Text(field, (name[0] for name in names), first)
    return _Text(field, (name[:3] for name in names), first)


def _offset(letter: str, count: int) -> _Tok:
    if count > 5:
        raise _too_many(letter)
    if letter == "Z":
        if count == 4:
            return _LocalizedOffset(full=True)
        if count == 5:
            return _Offset("+HH:MM:ss", "Z")
        return _Offset("+HHMM", "+0000")
    styles = ("+HHmm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss")
    zeros = ("+00", "+0000", "+00:00", "+0000", "+00:00")
    return _Offset(styles[count - 1], "Z" if letter == "X" else zeros[count - 1])


def _letter(letter: str, count: int) -> _Tok:
    """The token of ``count`` repetitions of a pattern letter, as DateTimeFormatterBuilder."""
    if letter in "yuY":
        return _year({"y": "yoe", "u": "year", "Y": "week_year"}[letter], count)
    if letter in "ML":
        if count >= 3:
            return _text("month", letter, count, _MONTHS, 1)
        return _number("month", letter, count, 2)
    if letter in "Qq":
        if count == 3:
            return _Text("quarter", ("Q1", "Q2", "Q3", "Q4"), 1)
        if count >= 4:
            return _text("quarter", letter, count, _QUARTERS, 1)
        return _number("quarter", letter, count, 2)
    if letter == "E":
        return _text("dow", letter, count, _DAYS, 1)
    if letter in "ec":
        if count >= 3:
            return _text("dow", letter, count, _DAYS, 1)
        if letter == "c" and count == 2:
            raise _PatternError('Invalid pattern "cc"')
        return _Num("dow", count, count)
    if letter == "G":
        if count > 5:
            raise _too_many(letter)
        names = ("Before Christ", "Anno Domini") if count == 4 else ("BC", "AD")
        return _Text("era", (n[0] for n in names) if count == 5 else names, 0)
    if letter == "a":
        if count > 1:
            raise _too_many(letter)
        return _Text("ampm", ("AM", "PM"), 0)
    if letter == "S":
        if count > 9:
            raise _PatternError(f"Minimum width must be from 0 to 9 inclusive but was {count}")
        return _Fraction(count, count, point=False)
    if letter in "nNA":
        field = {"n": "nano", "N": "nano_of_day", "A": "milli_of_day"}[letter]
        return _Num(field, count, 19)
    if letter == "V":
        if count != 2:
            raise _PatternError("Pattern letter count must be 2: V")
        return _Zone()
    if letter in "zv":
        if letter == "z" and count > 4:
            raise _too_many(letter)
        if letter == "v" and count not in (1, 4):
            raise _PatternError("Wrong number of pattern letters: v")
        return _ZoneName()
    if letter == "O":
        if count not in (1, 4):
            raise _PatternError("Pattern letter count must be 1 or 4: O")
        return _LocalizedOffset(full=count == 4)
    if letter in "XxZ":
        return _offset(letter, count)
    numbers = {
        "d": ("day", 2),
        "D": ("doy", 3),
        "H": ("hour", 2),
        "h": ("clock_hour", 2),
        "K": ("ampm_hour", 2),
        "k": ("day_hour", 2),
        "m": ("minute", 2),
        "s": ("second", 2),
        "w": ("week", 2),
        "W": ("week_of_month", 1),
        "F": ("week_of_month", 1),
    }
    if letter in numbers:
        field, most = numbers[letter]
        return _number(field, letter, count, most)
    if letter in "gpB":
        raise _PatternError(f"Pattern letter {letter} is not supported by the embedded engine")
    raise _PatternError(f"Unknown pattern letter: {letter}")


# Internal tokens for the built-in formats, written ``{name}`` in their patterns (braces are
# reserved characters in Java patterns, so users cannot reach them).
_EXTENSIONS: dict[str, Callable[[], _Tok]] = {
    "Y4": lambda: _Num("year", 4, 4),
    "YI": lambda: _Num("year", 4, 4, "normal"),
    "YL": lambda: _Num("year", 1, 9, "normal"),
    "YX": lambda: _Num("year", 4, 10, "exceeds"),
    "YN": lambda: _Num("year", 4, 10, "normal"),
    "Y*": lambda: _Num("year", 1, 19, "normal"),
    "WX": lambda: _Num("week_year", 4, 10, "exceeds"),
    "WN": lambda: _Num("week_year", 4, 10, "normal"),
    "W4": lambda: _Num("week_year", 4, 4),
    "W*": lambda: _Num("week_year", 1, 19, "normal"),
    "w": lambda: _Num("week", 1, 2),
    "w*": lambda: _Num("week", 1, 19),
    "M": lambda: _Num("month", 1, 2),
    "M*": lambda: _Num("month", 1, 19),
    "D": lambda: _Num("day", 1, 2),
    "D*": lambda: _Num("day", 1, 19),
    "DOY": lambda: _Num("doy", 1, 3),
    "H": lambda: _Num("hour", 1, 2),
    "m": lambda: _Num("minute", 1, 2),
    "s": lambda: _Num("second", 1, 2),
    "F": lambda: _Fraction(1, 9, point=True),
    "F3": lambda: _Fraction(1, 3, point=True),
    "f": lambda: _Fraction(1, 9, point=False),
    "Z": lambda: _Zone(ids=True),
    "O": lambda: _Zone(ids=False),
}


def _quoted(pattern: str, start: int) -> tuple[str, int]:
    """The literal of a quoted section starting at ``start`` and the index after it."""
    if pattern.startswith("''", start):
        return "'", start + 2
    text = []
    index = start + 1
    while True:
        end = pattern.find("'", index)
        if end == -1:
            raise _PatternError(f"Pattern ends with an incomplete string literal: {pattern}")
        text.append(pattern[index:end])
        if pattern.startswith("''", end):
            text.append("'")
            index = end + 2
            continue
        return "".join(text), end + 1


def _tokens(pattern: str, extensions: bool = False) -> list[_Tok]:
    """Compile a Java DateTimeFormatter pattern to tokens (``_PatternError`` when invalid)."""
    stack: list[list[_Tok]] = [[]]
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char.isascii() and char.isalpha():
            end = index
            while end < size and pattern[end] == char:
                end += 1
            stack[-1].append(_letter(char, end - index))
            index = end
        elif char == "'":
            text, index = _quoted(pattern, index)
            stack[-1].append(_Lit(text))
        elif char == "[":
            stack.append([])
            index += 1
        elif char == "]":
            if len(stack) == 1:
                raise _PatternError("Pattern invalid as it contains ] without previous [")
            inner = stack.pop()
            stack[-1].append(_Optional(inner))
            index += 1
        elif char == "{" and extensions:
            end = pattern.index("}", index)
            stack[-1].append(_EXTENSIONS[pattern[index + 1 : end]]())
            index = end + 1
        elif char in "{}#":
            raise _PatternError(f"Pattern includes reserved character: '{char}'")
        else:
            stack[-1].append(_Lit(char))
            index += 1
    while len(stack) > 1:  # java.time closes sections left open
        inner = stack.pop()
        stack[-1].append(_Optional(inner))
    return stack[0]


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


_SDOT = "{YX}-MM-dd'T'HH:mm:ss.SSSXXX"
_DATE = "{YL}[-{M}[-{D}]]"
_BUILTINS: dict[str, tuple[tuple[str, ...], str]] = {
    "strict_date_optional_time_nanos": (("{Y4}[-MM[-dd]]['T'HH:mm:ss[{F}][,{f}][{Z}]]",), _SDOT),
    "date_optional_time": ((_DATE + "['T'[{H}[:{m}[:{s}][{F}][,{f}][{Z}]]]]",), _SDOT),
    "basic_date": (("{YN}MMdd",), "{YN}MMdd"),
    "basic_date_time": (("{YN}MMdd'T'HHmmss{F}{Z}",), "{YN}MMdd'T'HHmmss.SSSXXX"),
    "basic_date_time_no_millis": (("{YN}MMdd'T'HHmmss{Z}",), "{YN}MMdd'T'HHmmssXXX"),
    "basic_ordinal_date": (("{YX}DDD",), "{YX}DDD"),
    "basic_ordinal_date_time": (("{YX}DDD'T'HHmmss{F}{Z}",), "{YX}DDD'T'HHmmss.SSSXXX"),
    "basic_ordinal_date_time_no_millis": (("{YX}DDD'T'HHmmss{Z}",), "{YX}DDD'T'HHmmssXXX"),
    "basic_time": (("HHmmss{F}{Z}",), "HHmmss.SSSXXX"),
    "basic_time_no_millis": (("HHmmss{Z}",), "HHmmssXXX"),
    "basic_t_time": (("'T'HHmmss{F}{Z}",), "'T'HHmmss.SSSXXX"),
    "basic_t_time_no_millis": (("'T'HHmmss{Z}",), "'T'HHmmssXXX"),
    "basic_week_date": (("{W*}'W'{w}e",), "{WN}'W'wwe"),
    "strict_basic_week_date": (("{W4}'W'{w}e",), "{WN}'W'wwe"),
    "basic_week_date_time": (("{W*}'W'{w}e'T'HHmmss{F}{Z}",), "{WN}'W'wwe'T'HHmmss.SSSX"),
    "strict_basic_week_date_time": (("{W4}'W'{w}e'T'HHmmss{F}{Z}",), "{WN}'W'wwe'T'HHmmss.SSSX"),
    "basic_week_date_time_no_millis": (("{W*}'W'{w}e'T'HHmmss{Z}",), "{WN}'W'wwe'T'HHmmssX"),
    "strict_basic_week_date_time_no_millis": (("{W4}'W'{w}e'T'HHmmss{Z}",), "{WN}'W'wwe'T'HHmmssX"),
    "date": ((_DATE,), "{YX}-MM-dd"),
    "strict_date": (("{YX}-MM-dd",), "{YX}-MM-dd"),
    "date_hour": ((_DATE + "'T'{H}",), "{YX}-MM-dd'T'HH"),
    "strict_date_hour": (("{YX}-MM-dd'T'HH",), "{YX}-MM-dd'T'HH"),
    "date_hour_minute": ((_DATE + "'T'{H}:{m}",), "{YX}-MM-dd'T'HH:mm"),
    "strict_date_hour_minute": (("{YX}-MM-dd'T'HH:mm",), "{YX}-MM-dd'T'HH:mm"),
    "date_hour_minute_second": ((_DATE + "'T'{H}:{m}:{s}",), "{YX}-MM-dd'T'HH:mm:ss"),
    "strict_date_hour_minute_second": (("{YX}-MM-dd'T'HH:mm:ss",), "{YX}-MM-dd'T'HH:mm:ss"),
    "date_hour_minute_second_fraction": (
        (_DATE + "'T'{H}:{m}:{s}{F}",),
        "{YX}-MM-dd'T'HH:mm:ss.SSS",
    ),
    "strict_date_hour_minute_second_fraction": (
        ("{Y4}[-MM[-dd]]'T'HH:mm:ss{F}",),
        "{YX}-MM-dd'T'HH:mm:ss.SSS",
    ),
    "date_hour_minute_second_millis": (
        (_DATE + "'T'{H}:{m}:{s}{F3}",),
        "{YX}-MM-dd'T'HH:mm:ss.SSS",
    ),
    "strict_date_hour_minute_second_millis": (
        ("{Y4}[-MM[-dd]]'T'HH:mm:ss{F}",),
        "{YX}-MM-dd'T'HH:mm:ss.SSS",
    ),
    "date_time": ((_DATE + "'T'{H}:{m}[:{s}{F}]{O}",), _SDOT),
    "strict_date_time": (("{Y4}[-MM[-dd]]'T'HH:mm:ss[{F}]{Z}",), _SDOT),
    "date_time_no_millis": ((_DATE + "'T'{H}:{m}[:{s}][{Z}]",), "{YX}-MM-dd'T'HH:mm:ssVV"),
    "strict_date_time_no_millis": (("{Y4}[-MM[-dd]]'T'HH:mm:ss{Z}",), "{YX}-MM-dd'T'HH:mm:ssXXX"),
    "hour": (("{H}",), "HH"),
    "strict_hour": (("HH",), "HH"),
    "hour_minute": (("{H}:{m}",), "HH:mm"),
    "strict_hour_minute": (("HH:mm",), "HH:mm"),
    "hour_minute_second": (("{H}:{m}:{s}",), "HH:mm:ss"),
    "strict_hour_minute_second": (("HH:mm:ss",), "HH:mm:ss"),
    "hour_minute_second_fraction": (("{H}:{m}:{s}{F}",), "HH:mm:ss.SSS"),
    "strict_hour_minute_second_fraction": (("HH:mm:ss{F}",), "HH:mm:ss.SSS"),
    "hour_minute_second_millis": (("{H}:{m}:{s}{F3}",), "HH:mm:ss.SSS"),
    "strict_hour_minute_second_millis": (("HH:mm:ss{F}",), "HH:mm:ss.SSS"),
    "ordinal_date": (("{YX}-{DOY}",), "{YX}-DDD"),
    "strict_ordinal_date": (("{Y4}-DDD",), "{YX}-DDD"),
    "ordinal_date_time": (("{YX}-{DOY}'T'{H}:{m}[:{s}{F}]{Z}",), "{YX}-DDD'T'HH:mm:ss.SSSXXX"),
    "strict_ordinal_date_time": (("{Y4}-DDD'T'HH:mm[:ss{F}]{Z}",), "{YX}-DDD'T'HH:mm:ss.SSSXXX"),
    "ordinal_date_time_no_millis": (("{YX}-{DOY}'T'{H}:{m}:{s}{Z}",), "{YX}-DDD'T'HH:mm:ssXXX"),
    "strict_ordinal_date_time_no_millis": (("{Y4}-DDD'T'HH:mm:ss{Z}",), "{YX}-DDD'T'HH:mm:ssXXX"),
    "time": (("{H}:{m}:{s}{F}{Z}",), "HH:mm:ss.SSSXXX"),
    "strict_time": (("HH:mm:ss{F}{Z}",), "HH:mm:ss.SSSXXX"),
    "time_no_millis": (("{H}:{m}:{s}{Z}",), "HH:mm:ssXXX"),
    "strict_time_no_millis": (("HH:mm:ss{Z}",), "HH:mm:ssXXX"),
    "t_time": (("'T'{H}:{m}:{s}{F}{Z}",), "'T'HH:mm:ss.SSSXXX"),
    "strict_t_time": (("'T'HH:mm:ss{F}{Z}",), "'T'HH:mm:ss.SSSXXX"),
    "t_time_no_millis": (("'T'{H}:{m}:{s}{Z}",), "'T'HH:mm:ssXXX"),
    "strict_t_time_no_millis": (("'T'HH:mm:ss{Z}",), "'T'HH:mm:ssXXX"),
    "week_date": (("{WX}-'W'{w}-e",), "{WX}-'W'ww-e"),
    "strict_week_date": (("{WX}-'W'ww-e",), "{WX}-'W'ww-e"),
    "week_date_time": (
        ("{WX}-'W'{w}-e'T'{H}:{m}:{s}{F}{Z}",),
        "{WX}-'W'ww-e'T'HH:mm:ss.SSSXXX",
    ),
    "strict_week_date_time": (("{WX}-'W'ww-e'T'HH:mm:ss{F}{Z}",), "{WX}-'W'ww-e'T'HH:mm:ss.SSSXXX"),
    "week_date_time_no_millis": (("{WX}-'W'{w}-e'T'{H}:{m}:{s}{Z}",), "{WX}-'W'ww-e'T'HH:mm:ssXXX"),
    "strict_week_date_time_no_millis": (
        ("{WX}-'W'ww-e'T'HH:mm:ss{Z}",),
        "{WX}-'W'ww-e'T'HH:mm:ssXXX",
    ),
    "weekyear": (("{W*}",), "{W*}"),
    "strict_weekyear": (("{WX}",), "{WX}"),
    "weekyear_week": (("{W*}-'W'{w*}",), "{WX}-'W'ww"),
    "strict_weekyear_week": (("{WX}-'W'ww",), "{WX}-'W'ww"),
    "weekyear_week_day": (("{W*}-'W'{w*}-e",), "{WX}-'W'ww-e"),
    "strict_weekyear_week_day": (("{WX}-'W'ww-e",), "{WX}-'W'ww-e"),
    "year": (("{Y*}",), "{Y*}"),
    "strict_year": (("{Y4}",), "{YX}"),
    "year_month": (("{Y*}-{M*}",), "{YX}-MM"),
    "strict_year_month": (("{Y4}-MM",), "{YX}-MM"),
    "year_month_day": (("{Y*}-{M*}-{D*}",), "{YX}-MM-dd"),
    "strict_year_month_day": (("{Y4}[-MM[-dd]]",), "{YX}-MM-dd"),
}
# java.time's ISO_LOCAL_DATE with the LENIENT resolver: 2020-02-30 is 2020-03-01.
_LENIENT = frozenset({"strict_date"})


@functools.lru_cache(maxsize=256)
def _alternative(element: str) -> _Alternative:
    """Compile one element of a format: a built-in name or a Java pattern."""
    name = element.strip()
    if not name:
        raise IllegalArgument("No date pattern provided")
    if name in ("strict_date_optional_time", "iso8601"):
        printer = _tokens(_SDOT, extensions=True)
        return _IsoAlternative(name, [], printer)
    if name == "epoch_millis":
        return _EpochAlternative(name, 6)
    if name == "epoch_second":
        return _EpochAlternative(name, 9)
    builtin = _BUILTINS.get(name)
    if builtin is not None:
        parsers = [_tokens(p, extensions=True) for p in builtin[0]]
        printer = _tokens(builtin[1], extensions=True)
        return _Alternative(name, parsers, printer, lenient=name in _LENIENT)
    try:
        tokens = _tokens(name)
    except _PatternError as error:
        raise IllegalArgument(f"Invalid format: [{name}]: {error}") from None
    return _Alternative(name, [tokens], tokens)


# --------------------------------------------------------------------------------------------
# DateFormat
# --------------------------------------------------------------------------------------------


def _text_of(value: str | int | float) -> str:
    """The text Elasticsearch would parse for a JSON value."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a date must be a string or a number, not {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e19:
        return str(int(value))
    text = repr(value)
    return format(value, "f") if "e" in text else text


class DateFormat:
    """A date field's ``format``: alternatives separated by ``||``, tried in order.

    Each alternative is a built-in name (``strict_date_optional_time``, ``epoch_millis``, ...) or
    a Java ``DateTimeFormatter`` pattern (``yyyy/MM/dd HH:mm:ss``). Parsing tries them in turn;
    formatting (``key_as_string``, ``docvalue_fields``) uses the first, as Elasticsearch does.
    Instances are cached by spec: ``DateFormat(spec)`` compiles a spec once.
    """

    __slots__ = ("_alternatives", "_first", "spec")

    spec: str

    def __new__(cls, spec: str = DEFAULT_DATE_FORMAT) -> DateFormat:
        return _date_format(spec)

    @property
    def names(self) -> tuple[str, ...]:
        """The alternatives' names or patterns."""
        return tuple(a.name for a in self._alternatives)

    def __repr__(self) -> str:
        return f"DateFormat({self.spec!r})"

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return DateFormat, (self.spec,)

    def parse(
        self,
        value: str | int | float,
        time_zone: str | TimeZone | None = None,
        *,
        round_up: bool = False,
    ) -> int:
        """Epoch milliseconds of ``value`` (:class:`DateParseError` if no alternative parses it).

        A zone-less value is read in ``time_zone`` (UTC by default). ``round_up`` fills missing
        parts with their maximum (``2020-01`` is ``2020-01-01T23:59:59.999``), as ``lte`` and
        ``gt`` bounds of a range do.
        """
        text = value if isinstance(value, str) else _text_of(value)
        millis = self._try(text, UTC if time_zone is None else _zone_of(time_zone), round_up, None)
        if millis is None:
            raise DateParseError(f"failed to parse date field [{text}] with format [{self.spec}]")
        return millis

    def format(self, millis: int, time_zone: str | TimeZone | None = None) -> str:
        """``millis`` printed with the first alternative, in ``time_zone`` (UTC by default)."""
        if not MIN_MILLIS <= millis <= MAX_MILLIS:
            raise ValueError(f"date [{millis}] is out of the range of a long")
        zone = UTC if time_zone is None else _zone_of(time_zone)
        return self._first.format(millis, zone)

    def _try(self, text: str, zone: TimeZone, round_up: bool, preferred: int | None) -> int | None:
        for alternative in self._alternatives:
            millis = alternative.parse(text, zone, round_up, preferred)
            if millis is not None and MIN_MILLIS <= millis <= MAX_MILLIS:
                return millis
        return None


@functools.lru_cache(maxsize=512)
def _date_format(spec: str) -> DateFormat:
    if not isinstance(spec, str) or not spec.strip():
        raise IllegalArgument("No date pattern provided")
    elements = spec.split("||")
    if any(not element.strip() for element in elements):
        raise IllegalArgument(f"Cannot have empty element in multi date format pattern: {spec}")
    instance = object.__new__(DateFormat)
    instance.spec = spec
    instance._alternatives = tuple(_alternative(element) for element in elements)
    instance._first = instance._alternatives[0]
    return instance


# --------------------------------------------------------------------------------------------
# Dynamic date detection
# --------------------------------------------------------------------------------------------

# What Java's Long.parseLong or Double.parseDouble accept: such strings are never dates.
_JAVA_NUMBER = re.compile(
    r"[\x00-\x20]*[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?)[\x00-\x20]*"
).fullmatch


@functools.lru_cache(maxsize=64)
def _detector(formats: tuple[str, ...]) -> tuple[tuple[DateFormat, ...], bool]:
    compiled = tuple(DateFormat(spec) for spec in formats)
    digit_first = all(a.digit_first for f in compiled for a in f._alternatives)
    return compiled, digit_first


def detect_date_format(
    value: str, formats: Iterable[str] = DEFAULT_DYNAMIC_DATE_FORMATS
) -> str | None:
    """The first of ``formats`` that parses ``value``, as dynamic mapping picks a date's format.

    None when the value is not a date, or is a plain number (Elasticsearch never detects those,
    lest ``epoch_millis`` or ``yyyy`` turn every numeric string into a date).
    """
    if not value:
        return None
    compiled, digit_first = _detector(formats if isinstance(formats, tuple) else tuple(formats))
    first = value[0]
    if digit_first and not ("0" <= first <= "9" or first in "+-"):
        return None
    if _JAVA_NUMBER(value):
        return None
    for date_format in compiled:
        if date_format._try(value, UTC, False, None) is not None:
            return date_format.spec
    return None


def looks_like_date(value: str, formats: Iterable[str] = DEFAULT_DYNAMIC_DATE_FORMATS) -> bool:
    """Whether dynamic mapping would map string ``value`` as a date (``dynamic_date_formats``)."""
    return detect_date_format(value, formats) is not None


# --------------------------------------------------------------------------------------------
# Date math
# --------------------------------------------------------------------------------------------


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


def _round_local(local: int, unit: str) -> int:
    """Local time truncated to the start of its unit (weeks start on Monday)."""
    days, _ = divmod(local, _DAY)
    if unit == "y":
        return _days_from_civil(_civil_from_days(days)[0], 1, 1) * _DAY
    if unit == "M":
        year, month, _ = _civil_from_days(days)
        return _days_from_civil(year, month, 1) * _DAY
    if unit == "q":
        year, month, _ = _civil_from_days(days)
        return _days_from_civil(year, month - (month - 1) % 3, 1) * _DAY
    if unit == "w":
        return (days - _iso_weekday(days) + 1) * _DAY
    return local - local % _UNIT_MILLIS[unit]


_UNIT_MILLIS = {"s": _SECOND, "m": _MINUTE, "h": _HOUR, "H": _HOUR, "d": _DAY, "w": 7 * _DAY}


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


# --------------------------------------------------------------------------------------------
# Time values
# --------------------------------------------------------------------------------------------

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


def time_value_millis(value: str | int, setting: str = "") -> int:
    """Milliseconds of a time value, truncated as TimeValue.millis() (``-1`` is -1)."""
    nanos = _time_value_nanos(value, setting)
    if nanos is None:
        return -1
    return nanos // _NANOS_PER_MILLI if nanos >= 0 else -(-nanos // _NANOS_PER_MILLI)


# --------------------------------------------------------------------------------------------
# date_histogram rounding
# --------------------------------------------------------------------------------------------

_CALENDAR_UNITS = {
    "year": "y",
    "1y": "y",
    "quarter": "q",
    "1q": "q",
    "month": "M",
    "1M": "M",
    "week": "w",
    "1w": "w",
    "day": "d",
    "1d": "d",
    "hour": "h",
    "1h": "h",
    "minute": "m",
    "1m": "m",
    "second": "s",
    "1s": "s",
}
_UNIT_NAMES = {"y": "year", "q": "quarter", "M": "month", "w": "week", "d": "day"}
_UNIT_NAMES.update({"h": "hour", "m": "minute", "s": "second"})


def _next_local(local: int, unit: str) -> int:
    """The local start of the unit after the one starting at ``local``."""
    if unit in "yqM":
        return _add_months(local, {"y": 12, "q": 3, "M": 1}[unit])
    return local + _UNIT_MILLIS[unit]


def _parse_offset(offset: str | int | None) -> int:
    """``offset`` of a date_histogram (``+6h``, ``-1d``, or milliseconds)."""
    if offset is None:
        return 0
    if isinstance(offset, int) and not isinstance(offset, bool):
        return offset
    text = str(offset)
    setting = "DateHistogramAggregationBuilder.parseOffset"
    if text.startswith("-"):
        return -time_value_millis(text[1:], setting)
    return time_value_millis(text[1:] if text.startswith("+") else text, setting)


class Rounding:
    """Where ``date_histogram`` buckets start: :meth:`round_down` and :meth:`next`.

    Build it with :meth:`parse` from the aggregation's parameters. Calendar units round in local
    time of ``time_zone`` (DST-correct, as java.time); fixed intervals are multiples of their
    length in local time. ``offset`` shifts bucket starts (``+6h`` starts days at 6am).
    """

    calendar_unit: str | None = None
    interval: int | None = None

    def __init__(self, time_zone: TimeZone, offset: int) -> None:
        self.time_zone = time_zone
        self.offset = offset
        self._bucket = (1, 0)  # the last bucket seen, [start, end): rounding is monotonic

    @classmethod
    def parse(
        cls,
        calendar_interval: str | None = None,
        fixed_interval: str | None = None,
        interval: str | int | None = None,
        time_zone: str | TimeZone | None = None,
        offset: str | int | None = None,
    ) -> Rounding:
        """The rounding of a date_histogram, with Elasticsearch's errors for bad parameters."""
        if interval is not None and (calendar_interval is not None or fixed_interval is not None):
            raise IllegalArgument(
                "Cannot use [interval] with [fixed_interval] or [calendar_interval] "
                "configuration options."
            )
        if calendar_interval is not None and fixed_interval is not None:
            raise IllegalArgument(
                "Cannot use [fixed_interval] with [calendar_interval] configuration option."
            )
        zone, shift = _zone_of(time_zone), _parse_offset(offset)
        if calendar_interval is not None:
            unit = _CALENDAR_UNITS.get(calendar_interval)
            if unit is None:
                raise IllegalArgument(
                    f"The supplied interval [{calendar_interval}] could not be parsed as a "
                    "calendar interval."
                )
            return _CalendarRounding(unit, zone, shift)
        if fixed_interval is not None:
            millis = time_value_millis(fixed_interval, "date_histogram.fixedInterval")
            return _FixedRounding(millis, zone, shift)
        if interval is not None:
            return cls._legacy(interval, zone, shift)
        raise IllegalArgument("Invalid interval specified, must be non-null and non-empty")

    @staticmethod
    def _legacy(interval: str | int, zone: TimeZone, shift: int) -> Rounding:
        """The deprecated ``interval``: a calendar unit name, else a fixed time value."""
        if isinstance(interval, int) and not isinstance(interval, bool):
            return _FixedRounding(interval, zone, shift)
        unit = _CALENDAR_UNITS.get(str(interval))
        if unit is not None:
            return _CalendarRounding(unit, zone, shift)
        try:
            millis = time_value_millis(str(interval), "date_histogram.interval")
        except IllegalArgument:
            raise IllegalArgument(f"Unable to parse interval [{interval}]") from None
        return _FixedRounding(millis, zone, shift)

    def round_down(self, millis: int) -> int:
        """The key of the bucket that holds ``millis``."""
        start, end = self._bucket
        if start <= millis < end:
            return start
        shift = self.offset
        key = self._round(millis - shift) + shift
        self._bucket = (key, self._next(key - shift) + shift)
        return key

    def next(self, rounded: int) -> int:
        """The key of the bucket after the one that starts at ``rounded``."""
        return self._next(rounded - self.offset) + self.offset

    def _round(self, utc: int) -> int:
        raise NotImplementedError

    def _next(self, utc: int) -> int:
        raise NotImplementedError


class _CalendarRounding(Rounding):
    """A calendar unit (Rounding.TimeUnitRounding): truncation of the local date-time."""

    def __init__(self, unit: str, time_zone: TimeZone, offset: int) -> None:
        super().__init__(time_zone, offset)
        self.calendar_unit = unit
        self._to_midnight = unit in "dwMqy"
        self._unit_millis = _UNIT_MILLIS.get(unit, 0)

    def __repr__(self) -> str:
        return f"Rounding({_UNIT_NAMES[self.calendar_unit]} in {self.time_zone.id})"  # type: ignore[index]

    def _round(self, utc: int) -> int:
        zone = self.time_zone
        if zone.fixed is not None:
            return _round_local(utc + zone.fixed, self.calendar_unit) - zone.fixed  # type: ignore[arg-type]
        if self._to_midnight:
            local = utc + zone.offset_at(utc)
            return self._first_instant(_round_local(local, self.calendar_unit))  # type: ignore[arg-type]
        return self._round_time(utc)

    def _first_instant(self, local: int) -> int:
        """The first instant of a local day start: earlier offset, or the gap's transition."""
        offsets = self.time_zone.valid_offsets(local)
        if offsets:
            return local - offsets[0]
        return self.time_zone.gap_transition(local)

    def _round_time(self, utc: int) -> int:
        """Hours, minutes, seconds across DST (JavaTimeNotToMidnightRounding)."""
        zone, unit = self.time_zone, self.calendar_unit
        for _ in range(1000):
            offset = zone.offset_at(utc)
            local = _round_local(utc + offset, unit)  # type: ignore[arg-type]
            if zone.offset_at(local - offset) == offset:
                return local - offset
            truncated = next(
                (local - o for o in reversed(zone.valid_offsets(local)) if local - o <= utc), None
            )
            transition = zone.previous_transition(utc, utc - 2 * self._unit_millis)
            if transition is None or (truncated is not None and transition <= truncated):
                return truncated if truncated is not None else utc
            utc = transition - 1
        return utc

    def _next(self, utc: int) -> int:
        zone = self.time_zone
        if not self._to_midnight:
            following = self._round(utc + self._unit_millis)
            return following if utc < following else self._round(utc + 2 * self._unit_millis)
        if zone.fixed is not None:
            local = _round_local(utc + zone.fixed, self.calendar_unit)  # type: ignore[arg-type]
            return _next_local(local, self.calendar_unit) - zone.fixed  # type: ignore[arg-type]
        local = _round_local(utc + zone.offset_at(utc), self.calendar_unit)  # type: ignore[arg-type]
        return self._first_instant(_next_local(local, self.calendar_unit))  # type: ignore[arg-type]


class _FixedRounding(Rounding):
    """A fixed interval (Rounding.TimeIntervalRounding): multiples of it in local time."""

    def __init__(self, interval: int, time_zone: TimeZone, offset: int) -> None:
        if interval < 1:
            raise IllegalArgument("Zero or negative time interval not supported")
        super().__init__(time_zone, offset)
        self.interval = interval

    def __repr__(self) -> str:
        return f"Rounding({self.interval}ms in {self.time_zone.id})"

    def _round(self, utc: int) -> int:
        zone, interval = self.time_zone, self.interval
        if zone.fixed is not None:
            return (utc + zone.fixed) // interval * interval - zone.fixed  # type: ignore[operator]
        for _ in range(5000):
            offset = zone.offset_at(utc)
            local = (utc + offset) // interval * interval  # type: ignore[operator]
            if zone.offset_at(local - offset) == offset:
                return local - offset
            offsets = zone.valid_offsets(local)
            if not offsets:
                return zone.gap_transition(local)
            transition = zone.previous_transition(utc, local - max(offsets) - 1)
            for candidate_offset in reversed(offsets):
                candidate = local - candidate_offset
                if transition is not None and candidate < transition:
                    utc = transition - 1
                    break
                if candidate <= utc:
                    return candidate
            else:
                return local - offsets[0]
        raise IllegalArgument(f"{self!r} failed to round {utc} down")

    def _next(self, utc: int) -> int:
        zone, interval = self.time_zone, self.interval
        if zone.fixed is not None:
            local = (utc + zone.fixed) // interval * interval  # type: ignore[operator]
            return local + interval - zone.fixed  # type: ignore[operator]
        previous = self._round(utc)
        step, start = interval, previous
        for _ in range(100):  # Rounding.JavaTimeRounding's search for the very next key
            start += step  # type: ignore[operator]
            rounded = self._round(start)
            if rounded <= previous:
                if step < 0:  # type: ignore[operator]
                    step = -step // 2  # type: ignore[operator]
                continue
            if self._round(rounded - 1) > previous:
                if step > 0:  # type: ignore[operator]
                    step = -(step // 2)  # type: ignore[operator]
                continue
            return rounded
        return self._round(start)
