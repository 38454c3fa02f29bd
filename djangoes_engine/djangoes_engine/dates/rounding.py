"""``date_histogram`` rounding: where buckets start, for calendar and fixed intervals, in a
``time_zone`` and with an ``offset``.
"""

from __future__ import annotations

from ..errors import IllegalArgument
from .civil import _UNIT_MILLIS, _add_months, _round_local
from .timevalues import time_value_millis
from .zones import TimeZone, _zone_of

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
