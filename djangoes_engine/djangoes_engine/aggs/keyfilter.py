"""``include`` / ``exclude`` of a terms aggregation: regular expressions, values, partitions.

Elasticsearch's regular expressions are Lucene's: anchored, ``.`` matching any character, ``\\``
escaping any character, ``"..."`` quoting. They are translated to the common syntax of Python's
``re`` and Rust's ``regex`` so that tantivy can filter keyword terms itself. Partitions hash terms
as Elasticsearch does (Murmur3 of the UTF-8 bytes for strings, hppc's ``mix64`` for numbers), so
that a partition holds the same terms as on Elasticsearch.
"""

from __future__ import annotations

import ipaddress
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import IllegalArgument, Unsupported
from .body import Params
from .core import AggregationError, Source

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_SEED = 31  # IncludeExclude.HASH_PARTITIONING_SEED


@dataclass
class KeyFilter:
    """What a terms aggregation's ``include`` and ``exclude`` keep."""

    include_regex: str | None = None
    exclude_regex: str | None = None
    include_values: list[Any] | None = None
    exclude_values: list[Any] | None = None
    partition: int | None = None
    partitions: int | None = None

    @property
    def regex_based(self) -> bool:
        return self.include_regex is not None or self.exclude_regex is not None

    @property
    def active(self) -> bool:
        return any(
            v is not None
            for v in (
                self.include_regex,
                self.exclude_regex,
                self.include_values,
                self.exclude_values,
                self.partition,
            )
        )

    @classmethod
    def parse(cls, params: Params) -> KeyFilter:
        found = cls()
        include = params.get("include")
        exclude = params.get("exclude")
        if isinstance(include, str):
            found.include_regex = include
        elif isinstance(include, list):
            found.include_values = include
        elif isinstance(include, dict):
            found.partition, found.partitions = _partition(params, include)
        elif include is not None:
            raise params.failed("include")
        if isinstance(exclude, str):
            found.exclude_regex = exclude
        elif isinstance(exclude, list):
            found.exclude_values = exclude
        elif exclude is not None:
            raise params.failed("exclude")
        if found.partition is not None and exclude is not None:
            raise IllegalArgument(
                "Cannot specify any excludes when using a partition-based include"
            )
        for pattern in (found.include_regex, found.exclude_regex):
            if pattern is not None:
                lucene_regex(pattern)  # reject what cannot be translated, at parse time
        return found

    # Per index

    def check(self, name: str, source: Source) -> None:
        """Elasticsearch's error for a regular expression on a field that is not a string."""
        if not self.regex_based or source.key_kind in (None, "string"):
            return
        if source.key_kind == "ip":
            raise AggregationError(
                f"Aggregation [{name}] cannot support regular expression style include/exclude "
                "settings as they can only be applied to string fields. Use an array of values "
                "for include/exclude clauses"
            )
        raise AggregationError(
            f"Aggregation [{name}] cannot support regular expression style include/exclude "
            "settings as they can only be applied to string fields. Use an array of numeric "
            "values for include/exclude clauses used to filter numeric fields"
        )

    def tantivy_params(self, source: Source) -> dict[str, Any] | None:
        """tantivy's include/exclude for keyword terms; None when Python must filter."""
        if not self.active:
            return {}
        if source.key_kind != "string" or self.partition is not None:
            return None
        body: dict[str, Any] = {}
        if self.include_regex is not None:
            body["include"] = lucene_regex(self.include_regex)
        if self.exclude_regex is not None:
            body["exclude"] = lucene_regex(self.exclude_regex)
        if self.include_values is not None:
            body["include"] = [str(v) for v in self.include_values]
        if self.exclude_values is not None:
            body["exclude"] = [str(v) for v in self.exclude_values]
        return body

    def predicate(self, source: Source, kind: str) -> Callable[[Any], bool]:
        """Whether a bucket key (of ``kind``) is kept, for filtering in Python."""
        tests: list[Callable[[Any], bool]] = []
        if self.include_regex is not None:
            pattern = re.compile(lucene_regex(self.include_regex))
            tests.append(lambda key: pattern.fullmatch(str(key)) is not None)
        if self.exclude_regex is not None:
            pattern_out = re.compile(lucene_regex(self.exclude_regex))
            tests.append(lambda key: pattern_out.fullmatch(str(key)) is None)
        if self.include_values is not None:
            wanted = self._values(source, kind, self.include_values)
            tests.append(lambda key: key in wanted)
        if self.exclude_values is not None:
            unwanted = self._values(source, kind, self.exclude_values)
            tests.append(lambda key: key not in unwanted)
        if self.partition is not None:
            partition, partitions = self.partition, self.partitions
            assert partitions is not None  # parsed with partition (_partition)
            tests.append(lambda key: partition_of(key, kind, partitions) == partition)
        return lambda key: all(test(key) for test in tests)

    @staticmethod
    def _values(source: Source, kind: str, values: list[Any]) -> set[Any]:
        converted = set()
        for value in values:
            try:
                found = source.convert(value) if source.field is not None else value
            except Exception:  # a value the field cannot hold matches no term
                continue
            if kind == "double":
                found = float(found)
            elif kind == "bool":
                found = int(bool(found))
            elif kind in ("long", "date", "ulong") and isinstance(found, float):
                if not found.is_integer():
                    continue
                found = int(found)
            converted.add(found)
        return converted


def _partition(params: Params, spec: dict[str, Any]) -> tuple[int, int]:
    if "partition" not in spec:
        raise params.failed(
            "include", IllegalArgument("Missing [partition] parameter for partition-based include")
        )
    if "num_partitions" not in spec:
        raise params.failed(
            "include",
            IllegalArgument("Missing [num_partitions] parameter for partition-based include"),
        )
    try:
        partition, partitions = int(spec["partition"]), int(spec["num_partitions"])
    except (TypeError, ValueError):
        raise params.failed("include") from None
    if partitions < 1:
        raise IllegalArgument("[num_partitions] must be greater than 0")
    if not 0 <= partition < partitions:
        raise IllegalArgument(f"Partition must be >=0 and < numPartition which is {partitions}")
    return partition, partitions


# --------------------------------------------------------------------------------------------
# Partitions
# --------------------------------------------------------------------------------------------


def partition_of(key: Any, kind: str, partitions: int) -> int:
    """The partition of a term, as Elasticsearch's ``IncludeExclude`` computes it."""
    if kind in ("string", "ip"):
        if kind == "ip":
            key = str(ipaddress.ip_address(key))
        return murmur3_32(str(key).encode(), _SEED) % partitions
    if kind == "double":
        return _signed64(mix64(sortable_long(float(key)))) % partitions
    return _signed64(mix64(int(key))) % partitions


def murmur3_32(data: bytes, seed: int) -> int:
    """MurmurHash3 (x86, 32-bit) as a signed int, as Lucene's ``StringHelper`` gives it."""
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h = seed & _MASK32
    whole = len(data) - len(data) % 4
    for start in range(0, whole, 4):
        k = int.from_bytes(data[start : start + 4], "little")
        h ^= _scramble(k, c1, c2)
        h = _rotl32(h, 13)
        h = (h * 5 + 0xE6546B64) & _MASK32
    tail = data[whole:]
    if tail:
        h ^= _scramble(int.from_bytes(tail, "little"), c1, c2)
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK32
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def _scramble(k: int, c1: int, c2: int) -> int:
    k = (k * c1) & _MASK32
    k = _rotl32(k, 15)
    return (k * c2) & _MASK32


def _rotl32(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK32


def mix64(value: int) -> int:
    """hppc's ``BitMixer.mix64`` (on the 64 bits of a Java long)."""
    z = value & _MASK64
    z = ((z ^ (z >> 32)) * 0x4CD6944C5CC20B6D) & _MASK64
    z = ((z ^ (z >> 29)) * 0xFC12C5B19D3259E9) & _MASK64
    return z ^ (z >> 32)


def _signed64(value: int) -> int:
    return value - (1 << 64) if value & (1 << 63) else value


def sortable_long(value: float) -> int:
    """Lucene's ``NumericUtils.doubleToSortableLong``."""
    bits = struct.unpack(">q", struct.pack(">d", value))[0]
    return bits ^ ((bits >> 63) & 0x7FFFFFFFFFFFFFFF)


# --------------------------------------------------------------------------------------------
# Lucene regular expressions
# --------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[\w ]", re.ASCII)
_CLASS_SPECIAL = set("\\]^-[&~")


def lucene_regex(pattern: str) -> str:
    """A Lucene ``RegExp`` as a regular expression for full matching (Python and Rust)."""
    out: list[str] = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            if position + 1 >= len(pattern):
                raise _bad(pattern, "expected character after \\")
            out.append(_literal(pattern[position + 1]))
            position += 2
        elif char == '"':
            end = pattern.find('"', position + 1)
            if end < 0:
                raise _bad(pattern, "expected '\"'")
            out.append("(?:" + "".join(_literal(c) for c in pattern[position + 1 : end]) + ")")
            position = end + 1
        elif char == "[":
            text, position = _char_class(pattern, position)
            out.append(text)
        elif char == ".":
            out.append("(?s:.)")
            position += 1
        elif char == "@":
            out.append("(?s:.*)")
            position += 1
        elif char == "(":
            out.append("(?:")
            position += 1
        elif char == "{":
            end = pattern.find("}", position)
            if end < 0 or not re.fullmatch(r"\d+(,\d*)?", pattern[position + 1 : end]):
                raise _bad(pattern, "invalid repetition")
            out.append(pattern[position : end + 1])
            position = end + 1
        elif char in ")|*+?":
            out.append(char)
            position += 1
        elif char in "~&<#":
            raise Unsupported(f"the [{char}] operator of regular expressions in include/exclude")
        else:
            out.append(_literal(char))
            position += 1
    return "".join(out)


def _char_class(pattern: str, start: int) -> tuple[str, int]:
    position = start + 1
    parts = ["["]
    if position < len(pattern) and pattern[position] == "^":
        parts.append("^")
        position += 1
    first = True
    while position < len(pattern) and (pattern[position] != "]" or first):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            char = pattern[position + 1]
            position += 1
        if (
            char == "-"
            and not first
            and position + 1 < len(pattern)
            and (pattern[position + 1] != "]")
        ):
            parts.append("-")
        else:
            parts.append("\\" + char if char in _CLASS_SPECIAL else char)
        first = False
        position += 1
    if position >= len(pattern):
        raise _bad(pattern, "expected ']'")
    parts.append("]")
    return "".join(parts), position + 1


def _literal(char: str) -> str:
    if _PLAIN.fullmatch(char) or ord(char) > 127:
        return char
    return "\\" + char


def _bad(pattern: str, why: str) -> IllegalArgument:
    return IllegalArgument(f"invalid regular expression [{pattern}]: {why}")
