"""The tables of the ``_cat`` APIs, rendered as Elasticsearch's ``RestTable`` renders them.

A ``_cat`` handler describes its columns (:class:`Column`: name, aliases, description, shown by
default or not, right-aligned or not) and gives its rows as dicts of column name to value; this
module does the rest, the same way for every ``_cat`` API:

- ``h`` picks columns by name or alias, with wildcards (``h=docs.*``); a name no column has is
  left out, as Elasticsearch leaves it out; ``pri`` adds the ``pri.`` sibling of a column;
- ``s`` sorts by columns (``:asc``, ``:desc``), numbers and sizes by value; an unknown column is
  Elasticsearch's ``unsupported_operation_exception`` (a 500 there too);
- ``v`` adds the header line, ``ts=false`` drops ``epoch`` and ``timestamp``;
- ``help`` lists the columns, their aliases and descriptions;
- ``format=json|yaml`` (or an ``Accept`` header naming one media type) gives an array of objects
  whose values are strings (``null`` for a value the engine does not have), anything else the
  aligned text, numbers right-aligned;
- ``bytes`` (b, kb, mb, gb, tb, pb) and ``time`` (nanos, micros, ms, s, m, h, d) set the unit of
  the size and time columns, which otherwise read ``1.5kb``, ``12.3s``.

Parameters no ``_cat`` API takes are refused with Elasticsearch's "unrecognized parameter" error.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .. import jsoncodec
from ..errors import EngineError, Unsupported
from ..http import Request, Response
from .arguments import boolean, refuse_unknown, split

#: Parameters every ``_cat`` API reads (AbstractCatAction's response parameters, and help).
CAT_PARAMS = frozenset(("format", "h", "v", "ts", "pri", "bytes", "size", "time", "s", "help"))

TEXT = "text/plain; charset=UTF-8"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a ``_cat`` table, with the attributes Elasticsearch gives its cells."""

    name: str
    aliases: tuple[str, ...] = ()
    desc: str | None = None
    #: Shown when ``h`` is not given.
    default: bool = True
    #: Numbers are right-aligned in the text output.
    right: bool = False
    #: With ``h=<name>&<sibling>``, the column ``<sibling>.<name>`` comes along.
    sibling: str | None = None


def column(
    name: str,
    aliases: str = "",
    desc: str | None = None,
    *,
    default: bool = True,
    right: bool = False,
    sibling: str | None = None,
) -> Column:
    """A column; ``aliases`` comma-separated, as Elasticsearch writes them."""
    return Column(name, tuple(split(aliases)), desc, default, right, sibling)


#: The two columns of the tables Elasticsearch starts "with timestamp".
TIMESTAMP_COLUMNS = (
    column("epoch", "t,time", "seconds since 1970-01-01 00:00:00"),
    column("timestamp", "ts,hms,hhmmss", "time in HH:MM:SS"),
)


@dataclass(frozen=True, order=True, slots=True)
class Bytes:
    """A size in bytes: ``1.5kb`` in a table, or a whole number in the unit ``bytes`` asks for."""

    value: int

    def render(self, unit: str | None) -> str:
        power = _BYTE_UNITS.get(unit or "")
        if power is not None:
            return str(self.value // 1024**power)
        return byte_size(self.value)


@dataclass(frozen=True, order=True, slots=True)
class Duration:
    """A length of time: ``12.3s`` in a table, or a whole number in the unit ``time`` asks for."""

    nanos: int

    @classmethod
    def of_millis(cls, millis: float) -> Duration:
        return cls(int(millis * 1_000_000))

    def render(self, unit: str | None) -> str:
        size = _TIME_UNITS.get(unit or "")
        if size is not None:
            return str(self.nanos // size)
        return time_value(self.nanos)


_BYTE_UNITS = {"b": 0, "k": 1, "kb": 1, "m": 2, "mb": 2, "g": 3, "gb": 3, "t": 4, "tb": 4}
_BYTE_UNITS |= {"p": 5, "pb": 5}
_BYTE_SUFFIXES = ("b", "kb", "mb", "gb", "tb", "pb")
_TIME_UNITS = {"nanos": 1, "micros": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9}
_TIME_UNITS |= {"h": 3600 * 10**9, "d": 86400 * 10**9}
_TIME_SUFFIXES: tuple[tuple[str, int], ...] = (
    ("d", 86400 * 10**9),
    ("h", 3600 * 10**9),
    ("m", 60 * 10**9),
    ("s", 10**9),
    ("ms", 10**6),
    ("micros", 10**3),
)


def byte_size(value: int) -> str:
    """Elasticsearch's ``ByteSizeValue.toString``: the largest unit that is at least one, and
    one decimal, cut (not rounded) and left out when it is 0: ``1.5kb``, ``1kb``, ``225b``."""
    power = 0
    while power < 5 and value >= 1024 ** (power + 1):
        power += 1
    return _one_decimal(value / 1024**power) + _BYTE_SUFFIXES[power]


def time_value(nanos: int) -> str:
    """Elasticsearch's ``TimeValue.toString``: ``0s``, ``250ms``, ``1.5m``, ``2d``."""
    if nanos < 0:
        return str(nanos)
    if nanos == 0:
        return "0s"
    for suffix, size in _TIME_SUFFIXES:
        if nanos >= size:
            return _one_decimal(nanos / size) + suffix
    return _one_decimal(float(nanos)) + "nanos"


def _one_decimal(value: float) -> str:
    whole, _, fraction = repr(float(value)).partition(".")
    digit = fraction[:1]
    return whole if digit in ("", "0") else f"{whole}.{digit}"


class Lazy:
    """A cell computed only if the request shows it or sorts by it (a size, a directory walk)."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[[], Any]) -> None:
        self.function = function


# Request parameters


def check_params(request: Request, accepts: Iterable[str], path: Mapping[str, str | None]) -> bool:
    """Whether ``help`` is asked for; refuse, as Elasticsearch does, a parameter the API does not
    read. Asking for help, the API reads nothing but the response parameters: even a path's
    parts (``/_cat/indices/{index}?help``) are unrecognized then."""
    helping = boolean(request.params, "help")
    given = set(request.params) | {name for name, value in path.items() if value is not None}
    allowed = set(CAT_PARAMS)
    if not helping:
        allowed |= set(accepts) | set(path)
    refuse_unknown(request, allowed, given)
    return helping


# Rendering


def serve(
    request: Request,
    columns: Sequence[Column],
    rows: Callable[[], list[dict[str, Any]]],
    *,
    accepts: Iterable[str] = (),
    path: Mapping[str, str | None] | None = None,
) -> Any:
    """A ``_cat`` API's answer: its help, or its rows as the request asks for them."""
    if check_params(request, accepts, path or {}):
        return 200, help_text(columns)
    return render(columns, rows(), request)


def help_text(columns: Sequence[Column]) -> str:
    """``?help``: each column, its aliases and its description, left-aligned, ``|``-separated."""
    lines = [(c.name, ",".join(c.aliases), c.desc or "not available") for c in columns]
    widths = [max((_length(line[i]) for line in lines), default=0) for i in range(3)]
    return "".join(
        " | ".join(
            _pad(text, width, False, False) for text, width in zip(line, widths, strict=True)
        )
        + "\n"
        for line in lines
    )


@dataclass(frozen=True, slots=True)
class _Shown:
    column: Column
    #: What the request called it (an alias, if it asked by alias).
    display: str


def render(columns: Sequence[Column], rows: list[dict[str, Any]], request: Request) -> Any:
    params = request.params
    verbose = boolean(params, "v")
    shown = _displayed(columns, params)
    order = _sort_keys(columns, params)
    needed = {s.column.name for s in shown} | {name for name, _ in order}
    for row in rows:
        for name in needed:
            value = row.get(name)
            if isinstance(value, Lazy):
                row[name] = value.function()
    if order:
        rows = sorted(rows, key=functools.cmp_to_key(_comparator(order)))
    units = (params.get("bytes"), params.get("time"))
    cells = [[_text(row.get(s.column.name), units) for s in shown] for row in rows]
    kind = _format(request)
    if kind == "json":
        return 200, [
            {s.display: cell for s, cell in zip(shown, line, strict=True)} for line in cells
        ]
    if kind == "yaml":
        return Response(200, _yaml(shown, cells).encode(), content_type="application/yaml")
    return 200, _aligned(shown, cells, verbose)


def _displayed(columns: Sequence[Column], params: Mapping[str, str]) -> list[_Shown]:
    """The columns to show, in order (RestTable.buildDisplayHeaders)."""
    by_name = {c.name: c for c in columns}
    with_time = boolean(params, "ts", True)
    if "h" not in params:
        return [
            _Shown(c, c.name)
            for c in columns
            if c.default and (with_time or c.name not in ("epoch", "timestamp"))
        ]
    shown = []
    for wanted in _requested(columns, params["h"]):
        found = None
        if wanted in by_name:
            found = _Shown(by_name[wanted], wanted)
        else:
            for candidate in columns:  # the last column with this alias wins, as there
                if wanted in candidate.aliases:
                    found = _Shown(candidate, wanted)
        if found is None or (not with_time and found.column.name in ("epoch", "timestamp")):
            continue
        shown.append(found)
        sibling = found.column.sibling
        if sibling is not None and boolean(params, sibling):
            companion = by_name.get(f"{sibling}.{found.column.name}")
            if companion is not None:
                shown.append(_Shown(companion, f"{sibling}.{found.display}"))
    return shown


def _requested(columns: Sequence[Column], h: str) -> list[str]:
    """``h``'s names, wildcards expanded to the columns whose name or an alias matches."""
    names: dict[str, None] = {}
    for wanted in split(h):
        if "*" not in wanted:
            names[wanted] = None
            continue
        for candidate in columns:
            if fnmatchcase(candidate.name, wanted) or any(
                fnmatchcase(alias, wanted) for alias in candidate.aliases
            ):
                names[candidate.name] = None
    return list(names)


def _sort_keys(columns: Sequence[Column], params: Mapping[str, str]) -> list[tuple[str, bool]]:
    """``s``: (column, descending) pairs, names and aliases alike (RestTable.getRowOrder)."""
    aliases: dict[str, str] = {}
    for candidate in columns:
        for alias in candidate.aliases:
            aliases[alias] = candidate.name
        aliases[candidate.name] = candidate.name
    keys = []
    for wanted in split(params.get("s")):
        descending = wanted.endswith(":desc")
        name = wanted.removesuffix(":desc") if descending else wanted.removesuffix(":asc")
        if name not in aliases:
            raise EngineError(
                f"Unable to sort by unknown sort key `{name}`",
                type="unsupported_operation_exception",
            )
        keys.append((aliases[name], descending))
    return keys


def _comparator(order: list[tuple[str, bool]]) -> Callable[[dict, dict], int]:
    def compare(one: dict, other: dict) -> int:
        for name, descending in order:
            result = _compare(one.get(name), other.get(name))
            if result:
                return -result if descending else result
        return 0

    return compare


def _compare(one: Any, other: Any) -> int:
    """Nulls first, values of one type by value, others by their text (as Java's compareTo)."""
    if one is None or other is None:
        return (one is not None) - (other is not None)
    if type(one) is not type(other):
        one, other = _text(one, (None, None)), _text(other, (None, None))
    return (one > other) - (one < other)


def _text(value: Any, units: tuple[str | None, str | None]) -> str | None:
    if value is None:
        return None
    if isinstance(value, Bytes):
        return value.render(units[0])
    if isinstance(value, Duration):
        return value.render(units[1])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return str(value)


def _format(request: Request) -> str:
    """``json``, ``yaml`` or ``text``: ``format`` decides, else the ``Accept`` header if it names
    one media type; Elasticsearch's other formats (smile, cbor) are refused."""
    kind = request.params.get("format")
    if kind is None:
        accept = request.headers.get("accept", "").split(";")[0].strip().lower()
        if "," in accept or "/" not in accept:
            return "text"
        subtype = accept.split("/", 1)[1]
        kind = subtype.removeprefix("vnd.elasticsearch+").removeprefix("x-")
    kind = kind.lower()
    if kind in ("smile", "cbor"):
        raise Unsupported(f"the _cat format [{kind}]")
    return kind if kind in ("json", "yaml") else "text"


def _aligned(shown: list[_Shown], cells: list[list[str | None]], verbose: bool) -> str:
    """RestTable's text: columns a space apart, padded to their widest cell; the last column's
    left-aligned cells are not padded."""
    if not cells and not verbose:
        return ""
    widths = [
        max([_length(s.display) if verbose else 0] + [_length(line[i]) for line in cells])
        for i, s in enumerate(shown)
    ]
    last = len(shown) - 1
    lines = ([[s.display for s in shown]] if verbose else []) + cells
    return "".join(
        " ".join(
            _pad(cell, widths[i], shown[i].column.right, i == last) for i, cell in enumerate(line)
        )
        + "\n"
        for line in lines
    )


def _pad(text: str | None, width: int, right: bool, last: bool) -> str:
    text = text or ""
    # Elasticsearch keeps the padding in a Java byte: past 127 spaces it wraps around (a long
    # name and a short one in the same column get no padding at all), and so does this.
    left_over = ((width - _length(text) + 128) & 0xFF) - 128
    if left_over > 0 and right:
        return " " * left_over + text
    return text if last else text + " " * max(left_over, 0)


def _length(text: str | None) -> int:
    """A Java string's length: UTF-16 code units."""
    if not text:
        return 0
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _yaml(shown: list[_Shown], cells: list[list[str | None]]) -> str:
    """The YAML Elasticsearch writes: a document marker, and every value a quoted string."""
    if not cells:
        return "--- []\n"
    out = ["---\n"]
    for line in cells:
        for i, (s, cell) in enumerate(zip(shown, line, strict=True)):
            value = "null" if cell is None else jsoncodec.dumps(cell).decode()
            out.append(f"{'- ' if i == 0 else '  '}{_yaml_key(s.display)}: {value}\n")
    return "".join(out)


def _yaml_key(name: str) -> str:
    plain = name and all(c.isalnum() or c in "._-" for c in name) and name[0] not in "-."
    return name if plain else jsoncodec.dumps(name).decode()
