"""Epoch milliseconds and the proleptic Gregorian calendar, on plain integers.

A date is an ``int`` of epoch milliseconds (UTC); local times are the same count shifted by a UTC
offset. Calendar arithmetic works on days since 1970-01-01, so dates far outside ``datetime``'s
years 1..9999 (Elasticsearch prints up to ``+292278994``) format and round without overflowing.
"""

from __future__ import annotations

# A date is a Java long of milliseconds.
MIN_MILLIS = -(2**63)
MAX_MILLIS = 2**63 - 1

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_NANOS_PER_MILLI = 1_000_000
_UNIT_MILLIS = {"s": _SECOND, "m": _MINUTE, "h": _HOUR, "H": _HOUR, "d": _DAY, "w": 7 * _DAY}


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
