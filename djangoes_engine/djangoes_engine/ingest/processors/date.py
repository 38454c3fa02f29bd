"""The ``date`` processor: a date read with one of several formats, written in another.

``formats`` are tried in order: ``ISO8601``, ``UNIX`` (seconds, with a fraction), ``UNIX_MS``, or
a Java pattern or built-in name, read through the engine's :mod:`~djangoes_engine.dates`. The
result goes to ``target_field`` (``@timestamp``) printed with ``output_format``
(``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``) in ``timezone`` (UTC), as Elasticsearch's ``DateProcessor``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...dates import DateFormat, TimeZone
from ...errors import EngineError, IllegalArgument, Unsupported
from ...scripting.values import jstr
from ..document import IngestDocument
from ..processor import Factory, Processor
from ..templates import Template

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser

DEFAULT_OUTPUT_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
_UNIX = re.compile(r"\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?\s*")
_LONG = re.compile(r"[+-]?[0-9]+")
_YEAR_LETTERS = re.compile(r"[yuY]")

#: Reads a date string in a zone: epoch milliseconds (ValueError or EngineError if it cannot).
Reader = Callable[[str, TimeZone], int]


def _iso8601(text: str, zone: TimeZone) -> int:
    return DateFormat("iso8601").parse(text, zone)


def _unix(text: str, zone: TimeZone) -> int:
    if not _UNIX.fullmatch(text):
        raise ValueError(text)
    return int(float(text.strip().rstrip("fFdD")) * 1000)


def _unix_ms(text: str, zone: TimeZone) -> int:
    if not _LONG.fullmatch(text):
        raise ValueError(text)
    return int(text)


def _pattern(spec: str) -> Reader:
    # A bad pattern is found when a date is read, as in Elasticsearch: it parses nothing.
    if "||" in spec or _is_named(spec) or _YEAR_LETTERS.search(_unquoted(spec)):
        return lambda text, zone: DateFormat(spec).parse(text, zone)

    def without_year(text: str, zone: TimeZone) -> int:
        # A pattern without a year reads dates of the current year, as Elasticsearch's does.
        year = time.gmtime(time.time() + zone.offset_at(int(time.time() * 1000)) / 1000).tm_year
        return DateFormat(f"uuuu {spec}").parse(f"{year:04d} {text}", zone)

    return without_year


def _is_named(spec: str) -> bool:
    return spec.replace("_", "").isalpha() and spec.lower() == spec


def _unquoted(spec: str) -> str:
    return re.sub(r"'[^']*'", "", spec)


def _reader(spec: str) -> Reader:
    if spec == "ISO8601":
        return _iso8601
    if spec == "UNIX":
        return _unix
    if spec == "UNIX_MS":
        return _unix_ms
    if spec == "TAI64N":
        raise Unsupported("the date processor's [TAI64N] format")
    return _pattern(spec)


class DateProcessor(Processor):
    type = "date"

    def __init__(
        self,
        field: str,
        target: str,
        readers: list[Reader],
        timezone: Template | None,
        locale: Template | None,
        output: DateFormat,
    ) -> None:
        super().__init__(None, None)
        self.field, self.target, self.readers = field, target, readers
        self.timezone, self.locale, self.output = timezone, locale, output

    def execute(self, document: IngestDocument, run: Run) -> bool:
        value = document.get(self.field)
        text = jstr(value)
        if self.locale is not None:
            _check_locale(self.locale.render(document))
        try:
            zone = TimeZone.of(None if self.timezone is None else self.timezone.render(document))
        except EngineError:
            zone = None  # every format fails in an unknown zone, as Elasticsearch's do
        for reader in self.readers:
            if value is None or zone is None:
                break
            try:
                millis = reader(text, zone)
            except (ValueError, EngineError):
                continue
            document.set(self.target, self.output.format(millis, zone))
            return True
        raise IllegalArgument(f"unable to parse date [{text}]")


def _check_locale(locale: str) -> None:
    """Dates are read and printed in English: other locales' month and day names are not."""
    if locale.replace("-", "_").split("_")[0].lower() not in ("en", "root", ""):
        raise Unsupported(f"the date processor's locale [{locale}]")


def _date(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    target = options.string("target_field", "@timestamp")
    timezone = options.optional_template("timezone")
    locale = options.optional_template("locale")
    if locale is not None and not locale.is_template:
        _check_locale(locale.source)
    formats = options.list("formats") or []
    output_format = options.string("output_format", DEFAULT_OUTPUT_FORMAT)
    try:
        output = DateFormat(output_format)
    except EngineError:
        raise IllegalArgument(f"invalid output format [{output_format}]") from None
    readers = [_reader(str(spec)) for spec in formats]
    return DateProcessor(field, target, readers, timezone, locale, output)


FACTORIES: dict[str, Factory] = {"date": _date}
