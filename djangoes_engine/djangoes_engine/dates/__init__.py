"""Elasticsearch's date semantics for the embedded engine.

The engine stores a date as an ``int`` of epoch milliseconds (UTC). Every API that turns text into
such a number, or back, goes through this package so that they all agree with Elasticsearch 8/9 on
the details users notice: which strings a ``format`` accepts, what ``key_as_string`` looks like,
how ``now-1d/d`` rounds for ``lte`` and for ``lt``, and where a ``date_histogram`` bucket starts
across a daylight saving change.

* :class:`DateFormat`: a date field's ``format`` (``a||b||...``), with :meth:`DateFormat.parse`
  and :meth:`DateFormat.format` (:mod:`.formats`, built from :mod:`.alternatives`,
  :mod:`.patterns` and :mod:`.tokens`).
* :func:`looks_like_date` and :func:`detect_date_format`: ``dynamic_date_formats`` detection
  (:mod:`.formats`).
* :func:`parse_date_math`: ``now-1d/d`` or ``2020-01-01||+1M/d`` as range queries read them
  (:mod:`.datemath`).
* :class:`Rounding`: ``date_histogram`` bucket keys (calendar and fixed intervals, ``time_zone``,
  ``offset``) (:mod:`.rounding`).
* :func:`parse_time_value`: ``1s``, ``500ms``, ``-1`` as settings and ``keep_alive`` read them
  (:mod:`.timevalues`).
* :class:`TimeZone`: a ``time_zone`` parameter (``+01:00``, ``Europe/Paris``) (:mod:`.zones`).

Calendar arithmetic is done on plain integers (proleptic Gregorian calendar, :mod:`.civil`), so
dates far outside ``datetime``'s years 1..9999 (Elasticsearch prints up to ``+292278994``) format
and round without overflowing; ``zoneinfo`` is only asked for UTC offsets.
"""

from __future__ import annotations

from .civil import MAX_MILLIS, MIN_MILLIS
from .datemath import parse_date_math
from .formats import (
    DEFAULT_DATE_FORMAT,
    DEFAULT_DYNAMIC_DATE_FORMATS,
    DateFormat,
    DateParseError,
    detect_date_format,
    looks_like_date,
)
from .rounding import Rounding
from .timevalues import parse_time_value, time_value_millis, time_value_nanos
from .zones import TimeZone

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
    "time_value_nanos",
]
