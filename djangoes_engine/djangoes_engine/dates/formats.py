"""A date field's ``format``: :class:`DateFormat`, the built-in formats, and the
``dynamic_date_formats`` detection of dynamic mapping.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ..errors import BadRequest, IllegalArgument
from .alternatives import _Alternative, _EpochAlternative, _IsoAlternative
from .civil import MAX_MILLIS, MIN_MILLIS
from .patterns import _PatternError, _tokens
from .timevalues import _JAVA_NUMBER
from .zones import UTC, TimeZone, _zone_of

DEFAULT_DATE_FORMAT = "strict_date_optional_time||epoch_millis"
# The formats of RootObjectMapper.Defaults in Elasticsearch's code (its documentation shows an
# older ``... Z`` variant): pure numbers are never detected, so ``epoch_millis`` only matters for
# the format the new field is mapped with.
DEFAULT_DYNAMIC_DATE_FORMATS = (
    "strict_date_optional_time||epoch_millis",
    "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis",
)


class DateParseError(ValueError, BadRequest):
    """A date, a date math expression or a time value Elasticsearch would refuse.

    A :class:`ValueError` for plain callers and an engine error for the HTTP layer: the ``type`` is
    ``illegal_argument_exception`` for a value a format rejects (as document parsing reports it)
    and ``parse_exception`` for date math (as range queries report it).
    """

    def __init__(self, reason: str, *, type: str = "illegal_argument_exception") -> None:
        BadRequest.__init__(self, reason, type=type)


# --------------------------------------------------------------------------------------------
# Elements: one of a ``a||b`` format, a built-in name or a Java pattern
# --------------------------------------------------------------------------------------------

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

    __slots__ = ("_alternatives", "_first", "_memo", "spec")

    spec: str
    _alternatives: tuple[_Alternative, ...]
    _first: _Alternative
    #: Epoch milliseconds of texts recently parsed in UTC, not rounded up: documents repeat
    #: dates (a day, a month) far more often than not, and parsing one costs microseconds.
    _memo: dict[str, int]

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
        plain = time_zone is None and not round_up and type(value) is str
        if plain:
            known = self._memo.get(value)  # type: ignore[arg-type]
            if known is not None:
                return known
        text = value if isinstance(value, str) else _text_of(value)
        millis = self._try(text, UTC if time_zone is None else _zone_of(time_zone), round_up, None)
        if millis is None:
            raise DateParseError(f"failed to parse date field [{text}] with format [{self.spec}]")
        if plain:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = millis
        return millis

    def format(self, millis: int, time_zone: str | TimeZone | None = None) -> str:
        """``millis`` printed with the first alternative, in ``time_zone`` (UTC by default)."""
        if not MIN_MILLIS <= millis <= MAX_MILLIS:
            raise ValueError(f"date [{millis}] is out of the range of a long")
        if type(millis) is int and (time_zone is None or isinstance(time_zone, str)):
            # The bucket keys of date aggregations come back request after request.
            return _format_cached(self, millis, time_zone)
        return self._first.format(millis, _zone_of(time_zone))

    def _try(self, text: str, zone: TimeZone, round_up: bool, preferred: int | None) -> int | None:
        for alternative in self._alternatives:
            millis = alternative.parse(text, zone, round_up, preferred)
            if millis is not None and MIN_MILLIS <= millis <= MAX_MILLIS:
                return millis
        return None


@functools.lru_cache(maxsize=16384)
def _format_cached(date_format: DateFormat, millis: int, time_zone: str | None) -> str:
    zone = UTC if time_zone is None else _zone_of(time_zone)
    return date_format._first.format(millis, zone)


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
    instance._memo = {}
    return instance


#: Texts a date format remembers at most (then it starts again).
_MEMO_SIZE = 4096


# --------------------------------------------------------------------------------------------
# Dynamic date detection
# --------------------------------------------------------------------------------------------


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
