"""Elasticsearch date semantics of the embedded engine: formats, date math, rounding, time values.

Expected values come from the Elasticsearch reference (mapping ``format``, range query "date math
and rounding", ``date_histogram``) and from java.time's behaviour that Elasticsearch inherits.
"""

from __future__ import annotations

import pickle
import re

import pytest

from djangoes_engine.dates import (
    DEFAULT_DATE_FORMAT,
    MAX_MILLIS,
    MIN_MILLIS,
    DateFormat,
    DateParseError,
    Rounding,
    TimeZone,
    detect_date_format,
    looks_like_date,
    parse_date_math,
    parse_time_value,
    time_value_millis,
)
from djangoes_engine.errors import EngineError, IllegalArgument

ISO = DateFormat("strict_date_optional_time")


def iso(millis: int, time_zone: str | None = None) -> str:
    return ISO.format(millis, time_zone)


def ms(text: str) -> int:
    return ISO.parse(text)


# --------------------------------------------------------------------------------------------
# DateFormat: parsing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the three documents of the `date` field type page
        ("2015-01-01", "2015-01-01T00:00:00.000Z"),
        ("2015-01-01T12:10:30Z", "2015-01-01T12:10:30.000Z"),
        (1420070400001, "2015-01-01T00:00:00.001Z"),
        ("1420070400001", "2015-01-01T00:00:00.001Z"),
        ("2020", "2020-01-01T00:00:00.000Z"),
        (2020, "2020-01-01T00:00:00.000Z"),  # a JSON number is read as its text, as in ES
        ("2020-03", "2020-03-01T00:00:00.000Z"),
        ("2020-03-10T10", "2020-03-10T10:00:00.000Z"),
        ("2020-03-10T10:34", "2020-03-10T10:34:00.000Z"),
        ("2020-03-10T10:34:56.7", "2020-03-10T10:34:56.700Z"),
        ("2020-03-10T10:34:56,789", "2020-03-10T10:34:56.789Z"),
        ("2020-03-10T10:34:56.123456789Z", "2020-03-10T10:34:56.123Z"),
        ("2020-01-01T10:00:00+01:00", "2020-01-01T09:00:00.000Z"),
        ("2020-01-01T10:00:00+0100", "2020-01-01T09:00:00.000Z"),
        ("2020-01-01T10:00:00-05", "2020-01-01T15:00:00.000Z"),
        ("2020-01-01T10:00:00.5-05:30", "2020-01-01T15:30:00.500Z"),
        ("2020-07-01T10:00:00Europe/Paris", "2020-07-01T08:00:00.000Z"),
        ("2020-01-01T10Z", "2020-01-01T10:00:00.000Z"),
        ("1969-07-20T20:17:40Z", "1969-07-20T20:17:40.000Z"),
        ("0001-01-01", "0001-01-01T00:00:00.000Z"),
        ("-0001-01-01", "-0001-01-01T00:00:00.000Z"),
        ("2020-02-29", "2020-02-29T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1.5e12, "2017-07-14T02:40:00.000Z"),
    ],
)
def test_default_format_parses(value: str | int | float, expected: str) -> None:
    assert iso(DateFormat().parse(value)) == expected


@pytest.mark.parametrize(
    "value",
    [
        "xyz",
        "",
        "20200101T10",
        "2020-1-01",
        "2020-01-1",
        "2020-01-01 10:00:00",  # a space is not the ISO separator
        "2020-01-01t10:00:00",
        "2020-13-01",
        "2021-02-29",
        "2020-04-31",
        "2020-01-01T24:00:00",
        "2020-01-01T10:60",
        "2020-01-01T10:00:00+25:00",
        "2020-01-01T10:00:00Mars/Olympus",
        "2020-01-01Z",
        "1.5e3",
        "0x10",
    ],
)
def test_default_format_rejects(value: str) -> None:
    with pytest.raises(DateParseError) as caught:
        DateFormat().parse(value)
    assert str(caught.value) == (
        f"failed to parse date field [{value}] with format "
        "[strict_date_optional_time||epoch_millis]"
    )


def test_parse_error_is_a_value_error_and_an_engine_error() -> None:
    with pytest.raises(ValueError, match="failed to parse date field"):
        DateFormat("yyyy").parse("abc")
    error = DateParseError("failed to parse date field [abc] with format [yyyy]")
    assert isinstance(error, EngineError)
    assert error.status == 400
    assert error.to_dict()["error"]["type"] == "illegal_argument_exception"


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ("yyyy-MM-dd", "2015-01-01", "2015-01-01T00:00:00.000Z"),
        ("yyyy/MM/dd HH:mm:ss", "2015/09/02 10:11:12", "2015-09-02T10:11:12.000Z"),
        ("yyyy/MM/dd HH:mm:ss||yyyy/MM/dd", "2015/09/02", "2015-09-02T00:00:00.000Z"),
        ("dd/MM/yyyy||yyyy", "01/01/2012", "2012-01-01T00:00:00.000Z"),
        ("dd/MM/yyyy||yyyy", "2013", "2013-01-01T00:00:00.000Z"),
        ("yyyy.MM.dd", "2001.02.01", "2001-02-01T00:00:00.000Z"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2020-03-10T10:34:56.789+0100", "2020-03-10T09:34:56.789Z"),
        ("yyyy-MM-dd'T'HH:mm:ssXXX", "2020-03-10T10:34:56Z", "2020-03-10T10:34:56.000Z"),
        ("yyyy-MM-dd'T'HH:mm:ssXXX", "2020-03-10T10:34:56-08:00", "2020-03-10T18:34:56.000Z"),
        ("yyyy-MM-dd'T'HH:mm:ssX", "2020-03-10T10:34:56+0530", "2020-03-10T05:04:56.000Z"),
        ("yyyy-MM-dd'T'HH:mm:ssVV", "2020-07-10T10:34:56Europe/Paris", "2020-07-10T08:34:56.000Z"),
        ("yyyyMMddHHmmssSSS", "20200310103456789", "2020-03-10T10:34:56.789Z"),
        ("yy-M-d", "20-3-7", "2020-03-07T00:00:00.000Z"),
        ("d MMM uuuu", "7 Mar 2020", "2020-03-07T00:00:00.000Z"),
        ("MMMM d, yyyy h:mm a", "March 7, 2020 12:05 AM", "2020-03-07T00:05:00.000Z"),
        ("MMMM d, yyyy h:mm a", "March 7, 2020 12:05 PM", "2020-03-07T12:05:00.000Z"),
        (
            "EEE, dd MMM yyyy HH:mm:ss Z",
            "Tue, 10 Mar 2020 10:34:56 -0500",
            "2020-03-10T15:34:56.000Z",
        ),
        ("EEEE dd/MM/yyyy", "Tuesday 10/03/2020", "2020-03-10T00:00:00.000Z"),
        ("uuuu-DDD", "2020-070", "2020-03-10T00:00:00.000Z"),
        ("YYYY-'W'ww-e", "2020-W11-2", "2020-03-10T00:00:00.000Z"),
        ("QQQ yyyy", "Q3 2020", "2020-07-01T00:00:00.000Z"),
        ("HH 'o''clock'", "10 o'clock", "1970-01-01T10:00:00.000Z"),
        ("yyyy-MM-dd[ HH:mm[:ss]]", "2020-03-10", "2020-03-10T00:00:00.000Z"),
        ("yyyy-MM-dd[ HH:mm[:ss]]", "2020-03-10 10:34", "2020-03-10T10:34:00.000Z"),
        ("yyyy-MM-dd[ HH:mm[:ss]]", "2020-03-10 10:34:56", "2020-03-10T10:34:56.000Z"),
        ("HH:mm", "10:34", "1970-01-01T10:34:00.000Z"),  # missing date: the epoch's
        ("G yyyy", "BC 0001", "0000-01-01T00:00:00.000Z"),
    ],
)
def test_custom_patterns_parse(spec: str, value: str, expected: str) -> None:
    assert iso(DateFormat(spec).parse(value)) == expected


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ("yyyy-MM-dd", "2020-02-30"),  # java.time's STRICT resolver
        ("yyyy-MM-dd", "2020-3-10"),  # MM is exactly two digits
        ("yyyy-MM-dd", "20-03-10"),
        ("yyyy-MM-dd", "2020-03-10T00:00"),
        ("EEE yyyy-MM-dd", "Mon 2020-03-10"),  # 2020-03-10 was a Tuesday
        ("hh:mm a", "13:30 PM"),
        ("HH:mm", "24:00"),
        ("dd MMM yyyy", "10 mar 2020"),  # names are case sensitive
        ("yyyy/MM/dd HH:mm:ss Z", "2020/03/10 10:34:56 Z"),  # Z prints and reads +0000
    ],
)
def test_custom_patterns_reject(spec: str, value: str) -> None:
    with pytest.raises(DateParseError):
        DateFormat(spec).parse(value)


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ("epoch_millis", "0", "1970-01-01T00:00:00.000Z"),
        ("epoch_millis", "-1", "1969-12-31T23:59:59.999Z"),
        ("epoch_millis", "-86400000", "1969-12-31T00:00:00.000Z"),
        ("epoch_millis", "1.5", "1970-01-01T00:00:00.001Z"),
        ("epoch_millis", "1583836496789.999999", "2020-03-10T10:34:56.789Z"),
        ("epoch_millis", 1583836496789, "2020-03-10T10:34:56.789Z"),
        ("epoch_second", "1583836496", "2020-03-10T10:34:56.000Z"),
        ("epoch_second", "1583836496.789", "2020-03-10T10:34:56.789Z"),
        ("epoch_second", "-1.5", "1969-12-31T23:59:58.500Z"),
        ("epoch_second", 1583836496, "2020-03-10T10:34:56.000Z"),
        ("epoch_second||epoch_millis", "1583836496", "2020-03-10T10:34:56.000Z"),
        ("epoch_millis", "9223372036854775807", "+292278994-08-17T07:12:55.807Z"),
        ("epoch_millis", "-9223372036854775808", "-292275055-05-16T16:47:04.192Z"),
    ],
)
def test_epoch_formats(spec: str, value: str | int, expected: str) -> None:
    assert iso(DateFormat(spec).parse(value)) == expected


@pytest.mark.parametrize("value", ["abc", "1e3", "12a", "9223372036854775808", "1.2.3", "+1"])
def test_epoch_millis_rejects(value: str) -> None:
    with pytest.raises(DateParseError):
        DateFormat("epoch_millis").parse(value)


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ("basic_date", "20200310", "2020-03-10T00:00:00.000Z"),
        ("basic_date_time", "20200310T103456.789Z", "2020-03-10T10:34:56.789Z"),
        ("basic_date_time", "20200310T103456.789+0100", "2020-03-10T09:34:56.789Z"),
        ("basic_date_time_no_millis", "20200310T103456Z", "2020-03-10T10:34:56.000Z"),
        ("basic_ordinal_date", "2020070", "2020-03-10T00:00:00.000Z"),
        ("basic_week_date", "2020W112", "2020-03-10T00:00:00.000Z"),
        ("strict_basic_week_date", "2020W112", "2020-03-10T00:00:00.000Z"),
        ("date", "2020-03-10", "2020-03-10T00:00:00.000Z"),
        ("date", "2020-3-1", "2020-03-01T00:00:00.000Z"),
        ("strict_date", "2020-03-10", "2020-03-10T00:00:00.000Z"),
        ("strict_date", "2020-02-30", "2020-03-01T00:00:00.000Z"),  # ISO_LOCAL_DATE, LENIENT
        ("year_month_day", "2020-03-10", "2020-03-10T00:00:00.000Z"),
        ("strict_year_month_day", "2020-03-10", "2020-03-10T00:00:00.000Z"),
        ("year_month", "2020-03", "2020-03-01T00:00:00.000Z"),
        ("strict_year_month", "2020-03", "2020-03-01T00:00:00.000Z"),
        ("year", "2020", "2020-01-01T00:00:00.000Z"),
        ("strict_year", "2020", "2020-01-01T00:00:00.000Z"),
        ("date_hour", "2020-03-10T10", "2020-03-10T10:00:00.000Z"),
        ("strict_date_hour_minute", "2020-03-10T10:34", "2020-03-10T10:34:00.000Z"),
        ("date_hour_minute_second", "2020-3-10T1:2:3", "2020-03-10T01:02:03.000Z"),
        ("strict_date_hour_minute_second", "2020-03-10T10:34:56", "2020-03-10T10:34:56.000Z"),
        ("date_hour_minute_second_millis", "2020-03-10T10:34:56.7", "2020-03-10T10:34:56.700Z"),
        ("date_hour_minute_second_fraction", "2020-03-10T10:34:56.789", "2020-03-10T10:34:56.789Z"),
        ("date_optional_time", "2020-3-1T1:2:3.4Z", "2020-03-01T01:02:03.400Z"),
        (
            "strict_date_optional_time_nanos",
            "2020-03-10T10:34:56.123456789Z",
            "2020-03-10T10:34:56.123Z",
        ),
        ("date_time", "2020-03-10T10:34:56.789Z", "2020-03-10T10:34:56.789Z"),
        ("strict_date_time", "2020-03-10T10:34:56.789+01:00", "2020-03-10T09:34:56.789Z"),
        ("date_time_no_millis", "2020-03-10T10:34:56Z", "2020-03-10T10:34:56.000Z"),
        ("date_time_no_millis", "2020-03-10T10:34:56", "2020-03-10T10:34:56.000Z"),
        ("strict_date_time_no_millis", "2020-03-10T10:34:56-02:00", "2020-03-10T12:34:56.000Z"),
        ("hour_minute_second", "10:34:56", "1970-01-01T10:34:56.000Z"),
        ("strict_hour_minute_second", "10:34:56", "1970-01-01T10:34:56.000Z"),
        ("strict_hour_minute", "10:34", "1970-01-01T10:34:00.000Z"),
        ("hour", "7", "1970-01-01T07:00:00.000Z"),
        ("time", "10:34:56.789Z", "1970-01-01T10:34:56.789Z"),
        ("t_time_no_millis", "T10:34:56Z", "1970-01-01T10:34:56.000Z"),
        ("ordinal_date", "2020-070", "2020-03-10T00:00:00.000Z"),
        ("ordinal_date_time", "2020-070T10:34:56.789Z", "2020-03-10T10:34:56.789Z"),
        ("week_date", "2020-W11-2", "2020-03-10T00:00:00.000Z"),
        ("strict_week_date", "2020-W01-1", "2019-12-30T00:00:00.000Z"),
        ("week_date_time", "2020-W11-2T10:34:56.789Z", "2020-03-10T10:34:56.789Z"),
        ("weekyear_week_day", "2020-W11-2", "2020-03-10T00:00:00.000Z"),
        ("weekyear_week", "2020-W11", "2020-03-09T00:00:00.000Z"),
        ("iso8601", "2020-03-10T10:34:56Z", "2020-03-10T10:34:56.000Z"),
    ],
)
def test_builtin_formats_parse(spec: str, value: str, expected: str) -> None:
    assert iso(DateFormat(spec).parse(value)) == expected


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ("strict_date", "2020-3-1"),
        ("strict_year", "20"),
        ("strict_date_time", "2020-03-10T10:34:56.789"),  # the zone is required
        ("strict_date_time_no_millis", "2020-03-10T10:34:56.789Z"),
        ("date_time", "2020-03-10T10:34:56Z"),  # seconds require a fraction
        ("strict_hour_minute_second", "1:2:3"),
        ("basic_date", "2020-03-10"),
        ("strict_week_date", "2020-W54-1"),
        ("strict_date_optional_time_nanos", "2020-03-10T10:34"),
    ],
)
def test_builtin_formats_reject(spec: str, value: str) -> None:
    with pytest.raises(DateParseError):
        DateFormat(spec).parse(value)


def test_zone_less_values_are_read_in_the_given_time_zone() -> None:
    fmt = DateFormat()
    assert iso(fmt.parse("2020-01-01T10:00:00", "+01:00")) == "2020-01-01T09:00:00.000Z"
    assert iso(fmt.parse("2020-07-01T10:00:00", "Europe/Paris")) == "2020-07-01T08:00:00.000Z"
    assert iso(fmt.parse("2020-01-01", "America/New_York")) == "2020-01-01T05:00:00.000Z"
    # an explicit zone in the value wins
    assert iso(fmt.parse("2020-01-01T10:00:00Z", "+01:00")) == "2020-01-01T10:00:00.000Z"
    # epoch values are instants
    assert fmt.parse("1577836800000", "+01:00") == 1577836800000


def test_local_times_in_dst_gaps_and_overlaps() -> None:
    fmt = DateFormat()
    # Paris skips 02:00-03:00 on 2021-03-28: java.time moves the wall time forward
    assert iso(fmt.parse("2021-03-28T02:30:00", "Europe/Paris")) == "2021-03-28T01:30:00.000Z"
    # and repeats 02:00-03:00 on 2021-10-31: the earlier offset wins
    assert iso(fmt.parse("2021-10-31T02:30:00", "Europe/Paris")) == "2021-10-31T00:30:00.000Z"


def test_round_up_fills_missing_fields_with_their_maximum() -> None:
    # "if the format is yyyy-MM, Elasticsearch converts a gt value of 2099-12 to
    # 2099-12-01T23:59:59.999_999_999Z"
    assert iso(DateFormat("yyyy-MM").parse("2099-12", round_up=True)) == (
        "2099-12-01T23:59:59.999Z"
    )
    fmt = DateFormat()
    assert iso(fmt.parse("2020-01-01", round_up=True)) == "2020-01-01T23:59:59.999Z"
    assert iso(fmt.parse("2020-01-01T10", round_up=True)) == "2020-01-01T10:59:59.999Z"
    assert iso(fmt.parse("2020-01-01T10:20:30", round_up=True)) == "2020-01-01T10:20:30.999Z"
    assert iso(fmt.parse("2020-01-01T10:20:30.1", round_up=True)) == "2020-01-01T10:20:30.100Z"
    assert iso(DateFormat("epoch_second").parse("1", round_up=True)) == "1970-01-01T00:00:01.999Z"
    assert DateFormat("epoch_millis").parse("5", round_up=True) == 5


# --------------------------------------------------------------------------------------------
# DateFormat: formatting
# --------------------------------------------------------------------------------------------

T = 1583836496789  # 2020-03-10T10:34:56.789Z, a Tuesday


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (DEFAULT_DATE_FORMAT, "2020-03-10T10:34:56.789Z"),
        ("strict_date_optional_time", "2020-03-10T10:34:56.789Z"),
        ("epoch_millis", "1583836496789"),
        ("epoch_millis||strict_date_optional_time", "1583836496789"),
        ("epoch_second", "1583836496.789"),
        ("date_optional_time", "2020-03-10T10:34:56.789Z"),
        ("strict_date_time", "2020-03-10T10:34:56.789Z"),
        ("strict_date_time_no_millis", "2020-03-10T10:34:56Z"),
        ("date", "2020-03-10"),
        ("strict_date", "2020-03-10"),
        ("basic_date", "20200310"),
        ("basic_date_time", "20200310T103456.789Z"),
        ("basic_date_time_no_millis", "20200310T103456Z"),
        ("basic_ordinal_date", "2020070"),
        ("basic_week_date", "2020W112"),
        ("date_hour", "2020-03-10T10"),
        ("date_hour_minute", "2020-03-10T10:34"),
        ("date_hour_minute_second", "2020-03-10T10:34:56"),
        ("date_hour_minute_second_millis", "2020-03-10T10:34:56.789"),
        ("hour", "10"),
        ("hour_minute", "10:34"),
        ("hour_minute_second", "10:34:56"),
        ("hour_minute_second_millis", "10:34:56.789"),
        ("ordinal_date", "2020-070"),
        ("time", "10:34:56.789Z"),
        ("t_time_no_millis", "T10:34:56Z"),
        ("week_date", "2020-W11-2"),
        ("weekyear_week", "2020-W11"),
        ("year", "2020"),
        ("year_month", "2020-03"),
        ("year_month_day", "2020-03-10"),
        ("yyyy/MM/dd HH:mm:ss||yyyy/MM/dd", "2020/03/10 10:34:56"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2020-03-10T10:34:56.789+0000"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2020-03-10T10:34:56.789Z"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSxxx", "2020-03-10T10:34:56.789+00:00"),
        ("EEE, dd MMM yyyy", "Tue, 10 Mar 2020"),
        ("EEEE d MMMM uuuu", "Tuesday 10 March 2020"),
        ("h:mm a", "10:34 AM"),
        ("yy-M-d", "20-3-10"),
        ("D", "70"),
        ("S", "7"),
        ("SSSSSS", "789000"),
        ("QQQ QQQQ", "Q1 1st quarter"),
        ("HH 'o''clock'", "10 o'clock"),
    ],
)
def test_format(spec: str, expected: str) -> None:
    assert DateFormat(spec).format(T) == expected


def test_format_uses_the_time_zone() -> None:
    fmt = DateFormat()
    assert fmt.format(T, "+01:00") == "2020-03-10T11:34:56.789+01:00"
    assert fmt.format(T, "Europe/Paris") == "2020-03-10T11:34:56.789+01:00"
    assert fmt.format(T, "America/New_York") == "2020-03-10T06:34:56.789-04:00"
    assert fmt.format(T, "Asia/Kolkata") == "2020-03-10T16:04:56.789+05:30"
    assert DateFormat("yyyy-MM-dd HH:mm z").format(T, "Europe/Paris") == "2020-03-10 11:34 CET"
    assert DateFormat("HH:mm O").format(T, "Asia/Kolkata") == "16:04 GMT+5:30"
    assert DateFormat("HH:mm ZZZZ").format(T, "-05:00") == "05:34 GMT-05:00"
    assert DateFormat("HH:mm VV").format(T, "Europe/Paris") == "11:34 Europe/Paris"
    assert DateFormat("HH:mm X").format(T, "+05:30") == "16:04 +0530"
    assert DateFormat("HH:mm X").format(T, "+05:00") == "15:34 +05"


@pytest.mark.parametrize(
    ("millis", "expected"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-14182940000, "1969-07-20T20:17:40.000Z"),
        (-62135596800000, "0001-01-01T00:00:00.000Z"),
        (-62167219200000, "0000-01-01T00:00:00.000Z"),
        (-62198755200000, "-0001-01-01T00:00:00.000Z"),
        (253402300799999, "9999-12-31T23:59:59.999Z"),
        (253402300800000, "+10000-01-01T00:00:00.000Z"),
        (MAX_MILLIS, "+292278994-08-17T07:12:55.807Z"),
        (MIN_MILLIS, "-292275055-05-16T16:47:04.192Z"),
    ],
)
def test_format_far_dates(millis: int, expected: str) -> None:
    assert iso(millis) == expected
    assert DateFormat("epoch_millis").format(millis) == str(millis)


def test_far_dates_round_trip_through_epoch_millis_and_zones() -> None:
    fmt = DateFormat("epoch_millis||strict_date_optional_time")
    assert fmt.parse(fmt.format(MAX_MILLIS)) == MAX_MILLIS
    assert DateFormat().format(MAX_MILLIS, "Europe/Paris").startswith("+292278994-08-17T")
    assert DateFormat("yyyy").format(MIN_MILLIS) == "+292275056"  # year of era, BC
    with pytest.raises(ValueError, match="out of the range of a long"):
        DateFormat().format(MAX_MILLIS + 1)


def test_format_round_trips_parse() -> None:
    for spec in ["strict_date_optional_time", "basic_date_time", "week_date_time", "epoch_second"]:
        fmt = DateFormat(spec)
        assert fmt.parse(fmt.format(T)) == T


# --------------------------------------------------------------------------------------------
# DateFormat: specs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("foo", "Invalid format: [foo]: Unknown pattern letter: f"),
        ("yyyy-MM-ddTHH:mm", "Invalid format: [yyyy-MM-ddTHH:mm]: Unknown pattern letter: T"),
        ("yyyy.MM.dd.j", "Invalid format: [yyyy.MM.dd.j]: Unknown pattern letter: j"),
        ("yyyy||bar", "Invalid format: [bar]: Unknown pattern letter: b"),
        ("ddd", "Invalid format: [ddd]: Too many pattern letters: d"),
        ("HHH", "Invalid format: [HHH]: Too many pattern letters: H"),
        ("MMMMMM", "Invalid format: [MMMMMM]: Too many pattern letters: M"),
        ("aa", "Invalid format: [aa]: Too many pattern letters: a"),
        ("V", "Invalid format: [V]: Pattern letter count must be 2: V"),
        ("OO", "Invalid format: [OO]: Pattern letter count must be 1 or 4: O"),
        (
            "yyyy-MM-dd'T",
            "Invalid format: [yyyy-MM-dd'T]: Pattern ends with an incomplete string literal: "
            "yyyy-MM-dd'T",
        ),
        ("HH]", "Invalid format: [HH]]: Pattern invalid as it contains ] without previous ["),
        ("yyyy#", "Invalid format: [yyyy#]: Pattern includes reserved character: '#'"),
        ("yyyy{", "Invalid format: [yyyy{]: Pattern includes reserved character: '{'"),
        ("", "No date pattern provided"),
        ("   ", "No date pattern provided"),
        ("yyyy||", "Cannot have empty element in multi date format pattern: yyyy||"),
        ("||yyyy", "Cannot have empty element in multi date format pattern: ||yyyy"),
    ],
)
def test_invalid_specs(spec: str, message: str) -> None:
    with pytest.raises(IllegalArgument) as caught:
        DateFormat(spec)
    assert caught.value.reason == message
    assert caught.value.type == "illegal_argument_exception"


def test_specs_are_compiled_once() -> None:
    assert DateFormat("yyyy-MM-dd||epoch_millis") is DateFormat("yyyy-MM-dd||epoch_millis")
    assert DateFormat() is DateFormat(DEFAULT_DATE_FORMAT)
    fmt = DateFormat(" yyyy-MM-dd || epoch_millis ")  # elements are trimmed, the spec kept
    assert fmt.names == ("yyyy-MM-dd", "epoch_millis")
    assert fmt.spec == " yyyy-MM-dd || epoch_millis "
    assert pickle.loads(pickle.dumps(DateFormat("yyyy"))) is DateFormat("yyyy")


def test_alternatives_are_tried_in_order() -> None:
    # "2020" is a year for the ISO parser before it is 2020 ms for epoch_millis
    assert iso(DateFormat("strict_date_optional_time||epoch_millis").parse("2020")) == (
        "2020-01-01T00:00:00.000Z"
    )
    assert DateFormat("epoch_millis||strict_date_optional_time").parse("2020") == 2020


# --------------------------------------------------------------------------------------------
# Dynamic date detection
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-09-02", "strict_date_optional_time||epoch_millis"),
        ("2015-09-02T10:11:12Z", "strict_date_optional_time||epoch_millis"),
        ("2015/09/02", "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis"),
        ("2015/09/02 10:11:12", "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis"),
        ("2015", None),  # pure numbers are never dates
        ("1420070400001", None),
        ("1.5", None),
        ("-12", None),
        ("1e10", None),
        ("NaN", None),
        ("hello", None),
        ("", None),
        ("2015-13-02", None),
        ("2015/09/02 10:11", None),
        ("02/09/2015", None),
        ("123 Main Street", None),
        ("2015-09-02 10:11:12", None),
    ],
)
def test_detect_date_format(value: str, expected: str | None) -> None:
    assert detect_date_format(value) == expected
    assert looks_like_date(value) is (expected is not None)


def test_custom_dynamic_date_formats() -> None:
    assert looks_like_date("02/09/2015", ["MM/dd/yyyy"])
    assert not looks_like_date("2015-09-02", ["MM/dd/yyyy"])
    assert detect_date_format("Sep 2, 2015", ("yyyy", "MMM d, yyyy")) == "MMM d, yyyy"
    assert looks_like_date("Sep 2, 2015", ["MMM d, yyyy"])


# --------------------------------------------------------------------------------------------
# Date math
# --------------------------------------------------------------------------------------------

NOW = ms("2001-01-01T12:00:00Z")  # the date math page's "now"


@pytest.mark.parametrize(
    ("expr", "round_up", "expected"),
    [
        ("now", False, "2001-01-01T12:00:00.000Z"),
        ("now+1h", False, "2001-01-01T13:00:00.000Z"),
        ("now-1h", False, "2001-01-01T11:00:00.000Z"),
        ("now-1h/d", False, "2001-01-01T00:00:00.000Z"),
        ("now-1h/d", True, "2001-01-01T23:59:59.999Z"),
        ("now+1d/d", False, "2001-01-02T00:00:00.000Z"),
        ("now-1y", False, "2000-01-01T12:00:00.000Z"),
        ("now+2M", False, "2001-03-01T12:00:00.000Z"),
        ("now+1w", False, "2001-01-08T12:00:00.000Z"),
        ("now+90m", False, "2001-01-01T13:30:00.000Z"),
        ("now-30s", False, "2001-01-01T11:59:30.000Z"),
        ("now+1H", False, "2001-01-01T13:00:00.000Z"),
        ("now/y", False, "2001-01-01T00:00:00.000Z"),
        ("now/y", True, "2001-12-31T23:59:59.999Z"),
        ("now/M", True, "2001-01-31T23:59:59.999Z"),
        ("now/w", False, "2001-01-01T00:00:00.000Z"),  # a Monday
        ("now/w", True, "2001-01-07T23:59:59.999Z"),
        ("now/h", True, "2001-01-01T12:59:59.999Z"),
        ("now/m", True, "2001-01-01T12:00:59.999Z"),
        ("now/s", True, "2001-01-01T12:00:00.999Z"),
        ("now-1d-1h/h", False, "2000-12-31T11:00:00.000Z"),
        ("now+1M/M+1d", False, "2001-02-02T00:00:00.000Z"),
        # the range query's rounding table
        ("2014-11-18||/M", True, "2014-11-30T23:59:59.999Z"),  # gt, lte
        ("2014-11-18||/M", False, "2014-11-01T00:00:00.000Z"),  # gte, lt
        ("2014-11-18", True, "2014-11-18T23:59:59.999Z"),
        ("2014-11-18", False, "2014-11-18T00:00:00.000Z"),
        ("2014-11-18||", False, "2014-11-18T00:00:00.000Z"),
        ("2014-11-18||+1d", True, "2014-11-19T00:00:00.000Z"),  # no rounding: round_up is moot
        ("2020-01-31||+1M", False, "2020-02-29T00:00:00.000Z"),
        ("2020-02-29||+1y", False, "2021-02-28T00:00:00.000Z"),
        ("2020-03-11||/w", False, "2020-03-09T00:00:00.000Z"),
        ("2020-03-31T10:00:00Z||-1M/d", True, "2020-02-29T23:59:59.999Z"),
    ],
)
def test_date_math(expr: str, round_up: bool, expected: str) -> None:
    assert iso(parse_date_math(expr, DateFormat(), now=NOW, round_up=round_up)) == expected


def test_date_math_with_a_custom_format() -> None:
    # "2001.02.01||+1M/d" of the date math page
    fmt = DateFormat("yyyy.MM.dd")
    assert iso(parse_date_math("2001.02.01||+1M/d", fmt, now=NOW)) == "2001-03-01T00:00:00.000Z"
    # the range query's "dd/MM/yyyy||yyyy" example
    fmt = DateFormat("dd/MM/yyyy||yyyy")
    assert iso(parse_date_math("01/01/2012", fmt, now=NOW)) == "2012-01-01T00:00:00.000Z"
    assert iso(parse_date_math("2013", fmt, now=NOW, round_up=True)) == "2013-01-01T23:59:59.999Z"


def test_date_math_numbers_are_epoch_millis() -> None:
    fmt = DateFormat()
    assert parse_date_math(1577836800000, fmt, now=NOW) == 1577836800000
    assert parse_date_math(2020, fmt, now=NOW) == 2020  # not the year, unlike "2020"
    assert parse_date_math(1.9, fmt, now=NOW) == 1
    assert parse_date_math(1577836800000, fmt, now=NOW, time_zone="+05:00") == 1577836800000


def test_date_math_time_zone() -> None:
    fmt = DateFormat()
    # the range query's example: 2020-01-01T00:00:00 at +01:00 is 2019-12-31T23:00:00 UTC
    assert iso(parse_date_math("2020-01-01T00:00:00", fmt, now=NOW, time_zone="+01:00")) == (
        "2019-12-31T23:00:00.000Z"
    )
    # time_zone does not change now, but it does change rounding
    assert parse_date_math("now", fmt, now=NOW, time_zone="+01:00") == NOW
    assert iso(parse_date_math("now/d", fmt, now=NOW, time_zone="-05:00")) == (
        "2001-01-01T05:00:00.000Z"
    )
    assert iso(parse_date_math("now/d", fmt, now=NOW, time_zone="+13:00")) == (
        "2001-01-01T11:00:00.000Z"
    )
    # a zone in the value wins over time_zone
    assert iso(parse_date_math("2020-01-01T00:00:00Z", fmt, now=NOW, time_zone="+01:00")) == (
        "2020-01-01T00:00:00.000Z"
    )


def test_date_math_across_dst() -> None:
    fmt, paris = DateFormat(), "Europe/Paris"
    # calendar units keep the wall time, time units the elapsed time
    assert fmt.format(
        parse_date_math("2021-03-27T10:00:00||+1d", fmt, now=0, time_zone=paris), paris
    ) == ("2021-03-28T10:00:00.000+02:00")
    assert fmt.format(
        parse_date_math("2021-03-27T10:00:00||+24h", fmt, now=0, time_zone=paris), paris
    ) == ("2021-03-28T11:00:00.000+02:00")
    # rounding up a 25-hour day ends at its last millisecond
    assert (
        fmt.format(
            parse_date_math("2021-10-31T12:00:00||/d", fmt, now=0, time_zone=paris, round_up=True),
            paris,
        )
        == "2021-10-31T23:59:59.999+01:00"
    )
    assert fmt.format(
        parse_date_math("2021-03-28T12:00:00||/d", fmt, now=0, time_zone=paris), paris
    ) == ("2021-03-28T00:00:00.000+01:00")
    # withZoneSameLocal keeps the UTC offset in an overlap that offers it (London's 01:30)
    london = parse_date_math("2021-10-31T01:30:00", fmt, now=0, time_zone="Europe/London")
    assert iso(london) == "2021-10-31T01:30:00.000Z"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("now-", "truncated date math [-]"),
        ("now+1", "truncated date math [+1]"),
        ("now*1d", "operator not supported for date math [*1d]"),
        ("nowabc", "operator not supported for date math [abc]"),
        ("now/2d", "rounding `/` can only be used on single unit types [/2d]"),
        ("now+1x", "unit [x] not supported for date math [+1x]"),
        ("2020-01-01||+1d*", "operator not supported for date math [+1d*]"),
        ("", "cannot parse empty datetime"),
        ("||+1d", "cannot parse empty datetime"),
        (
            "xyz||+1d",
            "failed to parse date field [xyz] with format "
            "[strict_date_optional_time||epoch_millis]: [failed to parse date field [xyz] with "
            "format [strict_date_optional_time||epoch_millis]]",
        ),
    ],
)
def test_date_math_errors(expr: str, message: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date_math(expr, DateFormat(), now=NOW)
    assert caught.value.reason == message
    assert caught.value.type == "parse_exception"
    assert caught.value.status == 400


# --------------------------------------------------------------------------------------------
# Time zones
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "zone_id", "offset"),
    [
        (None, "Z", 0),
        ("Z", "Z", 0),
        ("UTC", "UTC", 0),
        ("+01:00", "+01:00", 3_600_000),
        ("+1", "+01:00", 3_600_000),
        ("-0830", "-08:30", -30_600_000),
        ("+05:30:15", "+05:30:15", 19_815_000),
        ("GMT+2", "GMT+02:00", 7_200_000),
        ("Asia/Kolkata", "Asia/Kolkata", 19_800_000),
    ],
)
def test_time_zones(name: str | None, zone_id: str, offset: int) -> None:
    zone = TimeZone.of(name)
    assert zone.id == zone_id
    assert zone.offset_at(T) == offset


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Mars/Olympus", "Unknown time-zone ID: Mars/Olympus"),
        ("utc", "Unknown time-zone ID: utc"),
        ("+25:00", "Invalid ID for ZoneOffset, invalid format: +25:00"),
        ("not a zone", "Invalid ID for region-based ZoneId, invalid format: not a zone"),
    ],
)
def test_invalid_time_zones(name: str, message: str) -> None:
    with pytest.raises(IllegalArgument, match=re.escape(message)):
        TimeZone.of(name)
    with pytest.raises(IllegalArgument):
        parse_date_math("now", DateFormat(), now=0, time_zone=name)


# --------------------------------------------------------------------------------------------
# date_histogram rounding
# --------------------------------------------------------------------------------------------


def bucket_keys(rounding: Rounding, start: str, count: int, time_zone: str | None = None) -> list:
    """``count`` consecutive bucket keys from the one holding ``start``, checking consistency."""
    key = rounding.round_down(ms(start))
    keys = []
    for _ in range(count):
        keys.append(iso(key, time_zone))
        following = rounding.next(key)
        assert following > key
        assert rounding.round_down(following - 1) == key
        assert rounding.round_down(following) == following
        key = following
    return keys


@pytest.mark.parametrize(
    ("interval", "start", "expected"),
    [
        (
            "minute",
            "2020-03-10T10:34:56.789Z",
            ["2020-03-10T10:34:00.000Z", "2020-03-10T10:35:00.000Z"],
        ),
        (
            "1m",
            "2020-03-10T10:34:56.789Z",
            ["2020-03-10T10:34:00.000Z", "2020-03-10T10:35:00.000Z"],
        ),
        (
            "hour",
            "2020-03-10T10:34:56.789Z",
            ["2020-03-10T10:00:00.000Z", "2020-03-10T11:00:00.000Z"],
        ),
        (
            "1d",
            "2020-03-10T10:34:56.789Z",
            ["2020-03-10T00:00:00.000Z", "2020-03-11T00:00:00.000Z"],
        ),
        (
            "week",
            "2020-03-10T10:34:56.789Z",
            ["2020-03-09T00:00:00.000Z", "2020-03-16T00:00:00.000Z"],
        ),
        ("1w", "2021-01-01T00:00:00Z", ["2020-12-28T00:00:00.000Z", "2021-01-04T00:00:00.000Z"]),
        ("month", "2020-01-31T23:00:00Z", ["2020-01-01T00:00:00.000Z", "2020-02-01T00:00:00.000Z"]),
        ("1M", "2020-02-15T00:00:00Z", ["2020-02-01T00:00:00.000Z", "2020-03-01T00:00:00.000Z"]),
        (
            "quarter",
            "2020-05-15T00:00:00Z",
            ["2020-04-01T00:00:00.000Z", "2020-07-01T00:00:00.000Z"],
        ),
        ("1q", "2020-12-31T00:00:00Z", ["2020-10-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z"]),
        ("year", "1969-05-01T00:00:00Z", ["1969-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z"]),
        ("1y", "2020-05-01T00:00:00Z", ["2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z"]),
        (
            "second",
            "1969-12-31T23:59:59.5Z",
            ["1969-12-31T23:59:59.000Z", "1970-01-01T00:00:00.000Z"],
        ),
    ],
)
def test_calendar_intervals(interval: str, start: str, expected: list[str]) -> None:
    assert bucket_keys(Rounding.parse(calendar_interval=interval), start, 2) == expected


@pytest.mark.parametrize(
    ("interval", "start", "expected"),
    [
        ("30s", "2020-03-10T10:34:56Z", ["2020-03-10T10:34:30.000Z", "2020-03-10T10:35:00.000Z"]),
        (
            "500ms",
            "2020-03-10T10:34:56.789Z",
            ["2020-03-10T10:34:56.500Z", "2020-03-10T10:34:57.000Z"],
        ),
        ("90m", "2020-03-10T10:34:56Z", ["2020-03-10T10:30:00.000Z", "2020-03-10T12:00:00.000Z"]),
        ("2d", "2020-03-10T10:34:56Z", ["2020-03-09T00:00:00.000Z", "2020-03-11T00:00:00.000Z"]),
        ("30d", "1969-12-31T00:00:00Z", ["1969-12-02T00:00:00.000Z", "1970-01-01T00:00:00.000Z"]),
    ],
)
def test_fixed_intervals(interval: str, start: str, expected: list[str]) -> None:
    assert bucket_keys(Rounding.parse(fixed_interval=interval), start, 2) == expected


def test_date_histogram_time_zone_example() -> None:
    # the date_histogram page: a document at 2015-10-01T00:00:00Z, daily buckets at -01:00
    rounding = Rounding.parse(calendar_interval="day", time_zone="-01:00")
    key = rounding.round_down(ms("2015-10-01T00:00:00Z"))
    assert key == 1443574800000
    assert DateFormat().format(key, "-01:00") == "2015-09-30T00:00:00.000-01:00"
    key = rounding.round_down(ms("2015-10-01T01:00:00Z"))
    assert key == 1443661200000
    assert DateFormat().format(key, "-01:00") == "2015-10-01T00:00:00.000-01:00"


def test_date_histogram_offset_example() -> None:
    # the date_histogram page: days starting at 6am
    rounding = Rounding.parse(calendar_interval="day", offset="+6h")
    assert iso(rounding.round_down(ms("2015-09-30T20:00:00Z"))) == "2015-09-30T06:00:00.000Z"
    assert iso(rounding.round_down(ms("2015-10-01T06:00:00Z"))) == "2015-10-01T06:00:00.000Z"
    assert iso(rounding.round_down(ms("2015-10-01T05:59:59.999Z"))) == "2015-09-30T06:00:00.000Z"
    assert iso(rounding.next(ms("2015-09-30T06:00:00Z"))) == "2015-10-01T06:00:00.000Z"
    rounding = Rounding.parse(fixed_interval="1d", offset="-1d")
    assert rounding.round_down(0) == 0
    rounding = Rounding.parse(calendar_interval="month", offset="-1d")
    assert iso(rounding.round_down(ms("2020-03-31T12:00:00Z"))) == "2020-03-31T00:00:00.000Z"
    assert Rounding.parse(fixed_interval="1h", offset=1000).round_down(500) == -3_599_000


def test_calendar_day_across_dst_in_europe() -> None:
    paris = Rounding.parse(calendar_interval="day", time_zone="Europe/Paris")
    assert bucket_keys(paris, "2021-03-27T12:00:00Z", 3, "Europe/Paris") == [
        "2021-03-27T00:00:00.000+01:00",
        "2021-03-28T00:00:00.000+01:00",  # a 23-hour day
        "2021-03-29T00:00:00.000+02:00",
    ]
    assert bucket_keys(paris, "2021-10-30T12:00:00Z", 3, "Europe/Paris") == [
        "2021-10-30T00:00:00.000+02:00",
        "2021-10-31T00:00:00.000+02:00",  # a 25-hour day
        "2021-11-01T00:00:00.000+01:00",
    ]
    day = paris.round_down(ms("2021-10-31T12:00:00Z"))
    assert paris.next(day) - day == 25 * 3_600_000


def test_cet_dst_example_of_the_date_histogram_page() -> None:
    # "on 27 March 2016 ... the bucket covering that day will only hold data for 23 hours"
    day = Rounding.parse(calendar_interval="day", time_zone="CET")
    start = day.round_down(ms("2016-03-27T12:00:00Z"))
    assert day.next(start) - start == 23 * 3_600_000
    # "... like a 12h fixed_interval, where you'll have only a 11h bucket on the morning"
    twelve = Rounding.parse(fixed_interval="12h", time_zone="CET")
    assert bucket_keys(twelve, "2016-03-26T23:30:00Z", 3, "CET") == [
        "2016-03-27T00:00:00.000+01:00",
        "2016-03-27T12:00:00.000+02:00",
        "2016-03-28T00:00:00.000+02:00",
    ]
    morning = twelve.round_down(ms("2016-03-27T05:00:00Z"))
    assert twelve.next(morning) - morning == 11 * 3_600_000


def test_hourly_buckets_across_dst_in_new_york() -> None:
    hourly = Rounding.parse(calendar_interval="hour", time_zone="America/New_York")
    # fall back: 01:00 happens twice and makes two buckets
    assert bucket_keys(hourly, "2021-11-07T04:30:00Z", 4, "America/New_York") == [
        "2021-11-07T00:00:00.000-04:00",
        "2021-11-07T01:00:00.000-04:00",
        "2021-11-07T01:00:00.000-05:00",
        "2021-11-07T02:00:00.000-05:00",
    ]
    # spring forward: 02:00 does not exist
    assert bucket_keys(hourly, "2021-03-14T05:30:00Z", 3, "America/New_York") == [
        "2021-03-14T00:00:00.000-05:00",
        "2021-03-14T01:00:00.000-05:00",
        "2021-03-14T03:00:00.000-04:00",
    ]
    fixed = Rounding.parse(fixed_interval="1h", time_zone="America/New_York")
    assert bucket_keys(fixed, "2021-11-07T04:30:00Z", 4, "America/New_York") == [
        "2021-11-07T00:00:00.000-04:00",
        "2021-11-07T01:00:00.000-04:00",
        "2021-11-07T01:00:00.000-05:00",
        "2021-11-07T02:00:00.000-05:00",
    ]


def test_month_and_week_buckets_in_a_time_zone() -> None:
    monthly = Rounding.parse(calendar_interval="month", time_zone="America/New_York")
    assert bucket_keys(monthly, "2021-03-01T03:00:00Z", 3, "America/New_York") == [
        "2021-02-01T00:00:00.000-05:00",
        "2021-03-01T00:00:00.000-05:00",
        "2021-04-01T00:00:00.000-04:00",
    ]
    weekly = Rounding.parse(calendar_interval="week", time_zone="+10:00")
    assert bucket_keys(weekly, "2020-03-08T14:00:00Z", 2, "+10:00") == [
        "2020-03-09T00:00:00.000+10:00",
        "2020-03-16T00:00:00.000+10:00",
    ]


def test_day_starting_in_a_midnight_gap() -> None:
    # Sao Paulo skipped 2018-11-04T00:00-01:00: that day starts at 01:00
    daily = Rounding.parse(calendar_interval="day", time_zone="America/Sao_Paulo")
    assert bucket_keys(daily, "2018-11-03T12:00:00Z", 3, "America/Sao_Paulo") == [
        "2018-11-03T00:00:00.000-03:00",
        "2018-11-04T01:00:00.000-02:00",
        "2018-11-05T00:00:00.000-02:00",
    ]


def test_half_hour_dst_shift() -> None:
    # Lord Howe goes from +11:00 to +10:30 at 02:00 local on 2021-04-04: the 01:00 hour lasts
    # 90 minutes, as with java.time's rounding
    hourly = Rounding.parse(calendar_interval="hour", time_zone="Australia/Lord_Howe")
    assert bucket_keys(hourly, "2021-04-03T14:10:00Z", 2, "Australia/Lord_Howe") == [
        "2021-04-04T01:00:00.000+11:00",
        "2021-04-04T02:00:00.000+10:30",
    ]
    key = hourly.round_down(ms("2021-04-03T14:10:00Z"))
    assert hourly.next(key) - key == 90 * 60_000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"calendar_interval": "2d"},
            "The supplied interval [2d] could not be parsed as a calendar interval.",
        ),
        (
            {"calendar_interval": "5m"},
            "The supplied interval [5m] could not be parsed as a calendar interval.",
        ),
        (
            {"fixed_interval": "2w"},
            "failed to parse setting [date_histogram.fixedInterval] with value [2w] as a time "
            "value: unit is missing or unrecognized",
        ),
        (
            {"fixed_interval": "1M"},
            "failed to parse setting [date_histogram.fixedInterval] with value [1M] as a time "
            "value: unit is missing or unrecognized",
        ),
        ({"fixed_interval": "0s"}, "Zero or negative time interval not supported"),
        ({"fixed_interval": "-1"}, "Zero or negative time interval not supported"),
        (
            {"fixed_interval": "1.5h"},
            "failed to parse [1.5h], fractional time values are not supported",
        ),
        ({"interval": "foobar"}, "Unable to parse interval [foobar]"),
        ({}, "Invalid interval specified, must be non-null and non-empty"),
        (
            {"calendar_interval": "1d", "fixed_interval": "2d"},
            "Cannot use [fixed_interval] with [calendar_interval] configuration option.",
        ),
        (
            {"interval": "1d", "calendar_interval": "1d"},
            "Cannot use [interval] with [fixed_interval] or [calendar_interval] configuration "
            "options.",
        ),
        (
            {"calendar_interval": "1d", "time_zone": "Mars/Olympus"},
            "Unknown time-zone ID: Mars/Olympus",
        ),
    ],
)
def test_rounding_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(IllegalArgument) as caught:
        Rounding.parse(**kwargs)
    assert caught.value.reason == message


def test_legacy_interval() -> None:
    assert Rounding.parse(interval="month").calendar_unit == "M"
    assert Rounding.parse(interval="1d").calendar_unit == "d"
    assert Rounding.parse(interval="2d").interval == 2 * 86_400_000
    assert Rounding.parse(interval=1000).interval == 1000


def test_rounding_describes_itself() -> None:
    assert Rounding.parse(calendar_interval="1M").calendar_unit == "M"
    assert Rounding.parse(calendar_interval="1M").interval is None
    rounding = Rounding.parse(fixed_interval="90m", time_zone="Europe/Paris", offset="-30m")
    assert rounding.interval == 90 * 60_000
    assert rounding.calendar_unit is None
    assert rounding.time_zone.id == "Europe/Paris"
    assert rounding.offset == -30 * 60_000


def test_round_down_is_consistent_with_next_over_a_year_of_paris_hours() -> None:
    for spec in (
        {"calendar_interval": "hour"},
        {"fixed_interval": "3h"},
        {"calendar_interval": "day"},
    ):
        rounding = Rounding.parse(time_zone="Europe/Paris", **spec)
        key = rounding.round_down(ms("2021-01-01T00:00:00Z"))
        end = ms("2022-01-01T00:00:00Z")
        while key < end:
            following = rounding.next(key)
            assert following > key
            assert rounding.round_down(following - 1) == key
            key = following


# --------------------------------------------------------------------------------------------
# Time values
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1s", 1.0),
        ("500ms", 0.5),
        ("2m", 120.0),
        ("1h", 3600.0),
        ("1d", 86400.0),
        ("30S", 30.0),
        ("1D", 86400.0),
        ("10MS", 0.01),
        ("100micros", 0.0001),
        ("100nanos", 1e-7),
        (" 5s ", 5.0),
        ("5 m", 300.0),
        ("0", 0.0),
        ("000", 0.0),
        ("-1", -1.0),
        (-1, -1.0),
        ("-1s", -1.0),
    ],
)
def test_parse_time_value(value: str | int, seconds: float) -> None:
    assert parse_time_value(value, "index.refresh_interval") == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "1",
            "failed to parse setting [index.refresh_interval] with value [1] as a time value: "
            "unit is missing or unrecognized",
        ),
        (
            "1M",  # minutes are lower case only
            "failed to parse setting [index.refresh_interval] with value [1M] as a time value: "
            "unit is missing or unrecognized",
        ),
        (
            "1w",
            "failed to parse setting [index.refresh_interval] with value [1w] as a time value: "
            "unit is missing or unrecognized",
        ),
        (
            "",
            "failed to parse setting [index.refresh_interval] with value [] as a time value: "
            "unit is missing or unrecognized",
        ),
        (
            "-2s",
            "failed to parse setting [index.refresh_interval] with value [-2s] as a time value: "
            "negative durations are not supported",
        ),
        ("1.5s", "failed to parse [1.5s], fractional time values are not supported"),
        ("abcs", "failed to parse [abcs]"),
        ("s", "failed to parse [s]"),
    ],
)
def test_parse_time_value_errors(value: str, message: str) -> None:
    with pytest.raises(IllegalArgument) as caught:
        parse_time_value(value, "index.refresh_interval")
    assert caught.value.reason == message
    assert caught.value.status == 400


def test_time_value_millis() -> None:
    assert time_value_millis("1m", "scroll") == 60_000
    assert time_value_millis("1500micros", "scroll") == 1
    assert time_value_millis("-1", "scroll") == -1
    assert time_value_millis("-1s", "scroll") == -1000
