"""Time zones: a ``time_zone`` parameter, or the zone of a parsed date, as java.time reads it.

``zoneinfo`` is only asked for UTC offsets; all the arithmetic is on epoch milliseconds.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import IllegalArgument
from .civil import _DAY, _SECOND

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
