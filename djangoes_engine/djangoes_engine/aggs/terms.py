"""The terms aggregation.

Per index, tantivy counts the terms exactly (``segment_size`` keeps every term of a segment) and
returns the top ``shard_size`` + 1 in the requested order, count ties broken by key as on
Elasticsearch (for doubles, whose ties tantivy orders otherwise, the request grows until the
tie at the cut is inside it, and Python sorts). The
shard results then reduce as Elasticsearch's coordinating node does: counts summed per key,
``doc_count_error_upper_bound`` and ``sum_other_doc_count`` from the shards' cuts, long keys
promoted to double when another index maps the field as a double.

Python takes over where tantivy cannot filter or order: partitions and numeric include/exclude,
ordering by a sub-aggregation, ``min_doc_count: 0``, and IP or double keys in key order (all
terms are fetched, then filtered and sorted: tantivy puts integral doubles before the others),
and ``missing`` (counted with a query of its own).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..dates import DEFAULT_DATE_FORMAT, DateFormat
from ..decimals import decimal_format
from ..errors import EngineError, IllegalArgument
from .body import Params
from .core import (
    ALL_TERMS,
    ANY,
    TANTIVY_BUCKETS,
    Agg,
    Bucket,
    Shard,
    Source,
    TooManyBuckets,
    bucket_subs,
    collect_level,
    empty_subs,
    merge_buckets,
    reduce_subs,
    register,
    render_subs,
    subs_on,
    with_subs,
)
from .keyfilter import KeyFilter
from .orders import OrderBy, parse_order, sort_buckets, validate_order

COUNT_DESC = [OrderBy("_count", False), OrderBy("_key", True)]
#: Key kinds whose terms reduce together (Elasticsearch's StringTerms, LongTerms, DoubleTerms).
FAMILIES = {
    "string": "S",
    "ip": "S",
    "long": "L",
    "date": "L",
    "bool": "L",
    "ulong": "L",
    "double": "D",
}
VALUE_TYPES = {
    "string": "string",
    "keyword": "string",
    "ip": "ip",
    "long": "long",
    "integer": "long",
    "short": "long",
    "byte": "long",
    "numeric": "long",
    "number": "long",
    "double": "double",
    "float": "double",
    "date": "date",
    "boolean": "bool",
}


@dataclass
class TermsResult:
    """Terms of one index (or reduced): ``kind`` None for an unmapped field."""

    kind: str | None
    buckets: list[Bucket]
    other: int = 0
    error: int = 0
    printer: Callable[[Any], str] | None = None


def convert_key(kind: str | None, key: Any) -> Any:
    """A tantivy bucket key as Elasticsearch shows it for the field's kind."""
    if kind in ("string", "ip"):
        return str(key)
    if kind == "double":
        return float(key)
    return int(key)


def sort_key(kind: str | None) -> Callable[[Any], Any]:
    """How keys sort: IPs by their 16-byte form, as Elasticsearch, everything else naturally."""
    if kind == "ip":
        return _ip_bytes
    return lambda key: key


def _ip_bytes(key: str) -> bytes:
    address = ipaddress.ip_address(key)
    if address.version == 4:
        return b"\x00" * 10 + b"\xff\xff" + address.packed
    return address.packed


@register
class Terms(Agg):
    kind = "terms"
    buckets = True

    def configure(self, params: Params) -> None:
        self.field = params.source_field()
        self.size = params.integer("size", 10)
        params.check(
            "size",
            self.size > 0,
            f"[size] must be greater than 0. Found [{self.size}] in [{self.name}]",
        )
        self.shard_size = params.integer("shard_size", None)
        if self.shard_size is not None:
            params.check(
                "shard_size",
                self.shard_size > 0,
                f"[shardSize] must be greater than 0. Found [{self.shard_size}] in [{self.name}]",
            )
        self.min_doc_count = params.integer("min_doc_count", 1)
        params.check(
            "min_doc_count",
            self.min_doc_count >= 0,
            "[minDocCount] must be greater "
            f"than or equal to 0. Found [{self.min_doc_count}] in [{self.name}]",
        )
        shard_min = params.integer("shard_min_doc_count", 0)
        params.check(
            "shard_min_doc_count",
            shard_min >= 0,
            "[shardMinDocCount] must be greater "
            f"than or equal to 0. Found [{shard_min}] in [{self.name}]",
        )
        self.order = parse_order(params, COUNT_DESC)
        self.filter = KeyFilter.parse(params)
        self.missing = params.get("missing")
        self.value_type = params.string("value_type")
        if self.value_type is not None and self.value_type not in VALUE_TYPES:
            raise params.failed(
                "value_type", IllegalArgument(f"Unknown value type [{self.value_type}]")
            )
        self.show_error = params.boolean("show_term_doc_count_error", False)
        self.format = params.string("format")
        params.get("execution_hint")
        params.get("collect_mode")

    # Planning

    @property
    def cut(self) -> int:
        """How many buckets an index returns (Elasticsearch's effective ``shard_size``)."""
        if self.shard_size is not None:
            return max(self.shard_size, self.size)
        if self.order[0].target == "_key":
            return self.size
        return max(self.size, int(self.size * 1.5 + 10))

    def _cut(self, shard: Shard) -> int:
        """How many buckets ``shard`` keeps: :attr:`cut`, or ``size`` where no more can change
        the answer (the only index, counts descending: its counts are exact, so its top
        ``size`` are the answer's, and its error bounds show as 0 whatever the cut).

        Not with a ``min_doc_count`` above 1: Elasticsearch drops the kept buckets below it
        without counting them in ``sum_other_doc_count``, which therefore depends on the cut.
        """
        if shard.single and self.order == COUNT_DESC and self.min_doc_count == 1:
            return self.size
        return self.cut

    def _complete(self, source: Source) -> bool:
        """Whether every term must be fetched (Python filters, orders or adds buckets)."""
        primary = self.order[0].target
        return (
            self.filter.tantivy_params(source) is None
            or primary not in ("_count", "_key")
            or (primary == "_key" and source.key_kind in ("ip", "double"))
            or self.min_doc_count == 0
        )

    def _body(self, shard: Shard, source: Source, size: int, complete: bool) -> dict[str, Any]:
        # Every term of every segment: exact counts, and count ties broken by key at the end
        # (a segment cut at ``size`` would keep arbitrary ones among tied terms).
        body: dict[str, Any] = {"field": source.slot, "size": size, "segment_size": ALL_TERMS}
        primary = self.order[0]
        if primary.target in ("_count", "_key") and not complete:
            body["order"] = {primary.target: "asc" if primary.ascending else "desc"}
        body.update(self.filter.tantivy_params(source) or {})
        return {"terms": body}

    # Collection

    def request(self, shard: Shard) -> dict[str, Any] | None:
        validate_order(self.order, self.subs)
        if self.field == "_index":
            return None
        source = shard.source(self, self.field, ANY)
        if (
            not source.mapped
            or source.slot_kind == "text"
            or self.missing is not None
            or self._complete(source)
        ):
            return None
        self.filter.check(self.name, source)
        return with_subs(self._body(shard, source, self._cut(shard) + 1, False), shard, self.subs)

    def from_response(self, shard: Shard, query: tantivy.Query, raw: dict[str, Any]) -> TermsResult:
        source = shard.source(self, self.field, ANY)
        if self._tied(raw["buckets"], source.key_kind, self._cut(shard)):
            return self.collect(shard, query)
        return self._result(shard, query, source, raw)

    def collect(self, shard: Shard, query: tantivy.Query) -> TermsResult:
        validate_order(self.order, self.subs)
        if self.field == "_index":
            return self._index_name(shard, query)
        source = shard.source(self, self.field, ANY)
        if not source.mapped:
            return self._unmapped(shard, query, source)
        self.filter.check(self.name, source)
        if source.slot_kind == "text":  # fielddata: every term, from the term dictionary
            entries = [{"key": t, "doc_count": c} for t, c in shard.text_terms(source, query)]
            return self._result(shard, query, source, {"buckets": entries})
        if self._complete(source):
            raw = self._fetch(shard, query, source, TANTIVY_BUCKETS, True)
            if raw.get("sum_other_doc_count"):
                raise TooManyBuckets(TANTIVY_BUCKETS + int(raw["sum_other_doc_count"]))
            return self._result(shard, query, source, raw)
        cut = self._cut(shard)
        wanted = cut + 1
        while True:
            raw = self._fetch(shard, query, source, wanted, False)
            if not self._tied(raw["buckets"], source.key_kind, cut) or wanted >= TANTIVY_BUCKETS:
                return self._result(shard, query, source, raw)
            wanted = min(wanted * 4, TANTIVY_BUCKETS)

    def _fetch(
        self, shard: Shard, query: tantivy.Query, source: Source, size: int, complete: bool
    ) -> dict[str, Any]:
        request = with_subs(self._body(shard, source, size, complete), shard, self.subs)
        return shard.run(query, {"t": request})["t"]

    def _tied(self, buckets: list[dict[str, Any]], kind: str | None, cut: int) -> bool:
        """Whether the count at the cut continues past it, where tantivy's tie order is wrong.

        tantivy breaks count ties by key for strings and integers, as Elasticsearch does, but
        not for doubles (integral values come first); those ties are resolved here.
        """
        if kind != "double" or len(buckets) <= cut or self.order[0].target != "_count":
            return False
        return buckets[cut - 1]["doc_count"] == buckets[cut]["doc_count"]

    def _result(
        self, shard: Shard, query: tantivy.Query, source: Source, raw: dict[str, Any]
    ) -> TermsResult:
        kind = source.key_kind
        assert kind is not None  # tantivy answered: the field is mapped
        keep = self.filter.predicate(source, kind) if self.filter.active else None
        raws: dict[Any, dict[str, Any] | None] = {}
        buckets = []
        for entry in raw["buckets"]:
            key = convert_key(kind, entry["key"])
            if keep is None or keep(key):
                raws[key] = entry
                buckets.append(Bucket(key, int(entry["doc_count"])))
        other = int(raw.get("sum_other_doc_count") or 0)
        special: dict[Any, tantivy.Query] = {}
        if self.missing is not None:
            other = self._add_missing(shard, query, source, buckets, other, keep, special)
        if self.min_doc_count == 0:
            self._add_unmatched(shard, source, buckets, keep)
        return self._select(shard, query, source, buckets, raws, special, other)

    def _select(
        self,
        shard: Shard,
        query: tantivy.Query,
        source: Source,
        buckets: list[Bucket],
        raws: dict[Any, Any],
        special: dict[Any, tantivy.Query],
        other: int,
        kind: str | None = None,
    ) -> TermsResult:
        kind = kind or source.key_kind
        by_value = self.order[0].target not in ("_count", "_key")

        def fill(bucket: Bucket) -> None:
            if bucket.key in special:
                bucket.subs = subs_on(shard, self.subs, special[bucket.key])
            elif raws.get(bucket.key) is None:
                bucket.subs = empty_subs(self.subs)
            else:
                bucket.subs = bucket_subs(
                    shard,
                    self.subs,
                    raws[bucket.key],
                    lambda: shard.refine(query, shard.term(source, bucket.key)),
                )

        if by_value:
            for bucket in buckets:
                fill(bucket)
        ordered = sort_buckets(buckets, self.order, self.subs, sort_key(kind))
        cut = self._cut(shard)
        kept, dropped = ordered[:cut], ordered[cut:]
        if not by_value and self.subs:
            for bucket in kept:
                fill(bucket)
        other += sum(b.doc_count for b in dropped)
        return TermsResult(
            kind, kept, other, self._shard_error(kept, cut), self._printer(kind, source.field)
        )

    def _shard_error(self, kept: list[Bucket], cut: int) -> int:
        """Elasticsearch's per-shard error bound: the smallest count when the cut was hit."""
        primary = self.order[0]
        if not kept or len(kept) < cut or primary.target == "_key":
            return 0
        if primary.target == "_count" and not primary.ascending:
            return min(b.doc_count for b in kept)
        return -1

    def _add_missing(
        self,
        shard: Shard,
        query: tantivy.Query,
        source: Source,
        buckets: list[Bucket],
        other: int,
        keep: Any,
        special: dict[Any, tantivy.Query],
    ) -> int:
        """Count documents without a value under the ``missing`` key; the new ``other``."""
        key = self._missing_key(source)
        if keep is not None and not keep(key):
            return other
        absent = shard.count(shard.without_value(query, source))
        if not absent:
            return other
        having = shard.term(source, key)
        either = Query.boolean_query(
            [
                (Occur.Should, having),
                (
                    Occur.Should,
                    Query.boolean_query(
                        [(Occur.Must, Query.all_query()), (Occur.MustNot, shard.exists(source))]
                    ),
                ),
            ]
        )
        special[key] = shard.refine(query, either)
        for bucket in buckets:
            if bucket.key == key:
                bucket.doc_count += absent
                return other
        own = shard.count(shard.refine(query, having))
        buckets.append(Bucket(key, own + absent))
        return max(0, other - own)

    def _missing_key(self, source: Source) -> Any:
        try:
            value = source.convert(self.missing)
        except EngineError as error:
            raise IllegalArgument(error.reason) from None
        if source.key_kind == "bool":
            return int(bool(value))
        return convert_key(source.key_kind, value)

    def _add_unmatched(
        self, shard: Shard, source: Source, buckets: list[Bucket], keep: Any
    ) -> None:
        """``min_doc_count: 0``: the index's other terms, with no documents."""
        if source.slot_kind == "text":
            keys = [term for term, _ in shard.text_terms(source, Query.all_query())]
        else:
            request = {"field": source.slot, "size": TANTIVY_BUCKETS, "segment_size": ALL_TERMS}
            raw = shard.run(Query.all_query(), {"t": {"terms": request}})["t"]
            keys = [convert_key(source.key_kind, entry["key"]) for entry in raw["buckets"]]
        present = {bucket.key for bucket in buckets}
        for key in keys:
            if key not in present and (keep is None or keep(key)):
                buckets.append(Bucket(key, 0))

    def _index_name(self, shard: Shard, query: tantivy.Query) -> TermsResult:
        """Terms of the ``_index`` metadata field: one bucket, this index's name."""
        source = Source("_index")
        keep = self.filter.predicate(source, "string") if self.filter.active else None
        name = shard.index_name
        count = shard.count(query)
        buckets = [Bucket(name, count)] if count and (keep is None or keep(name)) else []
        return self._select(shard, query, source, buckets, {}, {name: query}, 0, "string")

    def _unmapped(self, shard: Shard, query: tantivy.Query, source: Source) -> TermsResult:
        """An index without the field: nothing, or every document under ``missing``."""
        if self.missing is None:
            return TermsResult(None, [])
        kind = VALUE_TYPES.get(self.value_type or "string", "string")
        key = self._unmapped_key(kind)
        count, subs = collect_level(self.subs, shard, query, count=True)
        buckets = [Bucket(key, count, subs)] if count else []
        return TermsResult(kind, buckets, 0, 0, self._printer(kind, None))

    def _unmapped_key(self, kind: str) -> Any:
        value = self.missing
        try:
            if kind == "date":
                return DateFormat(self.format or DEFAULT_DATE_FORMAT).parse(value)
            if kind == "bool":
                if isinstance(value, str):
                    return int(value == "true")
                return int(bool(value))
            if kind == "long":
                number = float(value)
                return int(number) if number.is_integer() else number
            if kind == "double":
                return float(value)
        except (ValueError, TypeError, EngineError):
            raise IllegalArgument(f"failed to parse missing value [{value}]") from None
        return str(value)

    def _printer(self, kind: str | None, field: Any) -> Callable[[Any], str] | None:
        """``key_as_string``: booleans, dates (the field's or the ``format``), formatted numbers."""
        if kind == "bool":
            return lambda key: "true" if key else "false"
        if kind == "date":
            if self.format:
                date_format = DateFormat(self.format)
            elif field is not None:
                date_format = field.date_format
            else:
                date_format = DateFormat(DEFAULT_DATE_FORMAT)
            return lambda key: date_format.format(int(key))
        pattern = self.format
        if pattern and kind in ("long", "double", "ulong"):
            return lambda key: decimal_format(key, pattern)
        return None

    # Reduce

    def reduce(self, partials: list[TermsResult]) -> TermsResult:
        leading = [p for p in partials if p.kind is not None]
        if not leading:
            return TermsResult(None, [])
        if len(partials) == 1:
            return self._reduce_one(leading[0])
        as_double = self._promote(leading)
        sum_error = 0
        other = 0
        groups: dict[Any, list[tuple[Bucket, int]]] = {}
        for partial in leading:
            other += partial.other
            if sum_error != -1:
                sum_error = -1 if partial.error == -1 else sum_error + partial.error
            for bucket in partial.buckets:
                key = float(bucket.key) if as_double else bucket.key
                groups.setdefault(key, []).append((bucket, partial.error))
        merged = [self._merge(key, entries, sum_error) for key, entries in groups.items()]
        merged = [b for b in merged if b.doc_count >= self.min_doc_count]
        kind = "double" if as_double else leading[0].kind
        ordered = sort_buckets(merged, self.order, self.subs, sort_key(kind))
        other += sum(b.doc_count for b in ordered[self.size :])
        error = -1 if sum_error == -1 else (0 if len(partials) == 1 else sum_error)
        printer = next((p.printer for p in leading if p.printer is not None), None)
        return TermsResult(kind, ordered[: self.size], other, error, printer)

    def _reduce_one(self, partial: TermsResult) -> TermsResult:
        """:meth:`reduce` of one index's result: no keys to merge, no error bounds to add."""
        error = -1 if partial.error == -1 else 0
        subs = self.subs
        merged = [
            Bucket(b.key, b.doc_count, reduce_subs(subs, [b.subs]) if subs else {}, error)
            for b in partial.buckets
            if b.doc_count >= self.min_doc_count
        ]
        ordered = sort_buckets(merged, self.order, subs, sort_key(partial.kind))
        other = partial.other + sum(b.doc_count for b in ordered[self.size :])
        return TermsResult(partial.kind, ordered[: self.size], other, error, partial.printer)

    def _merge(self, key: Any, entries: list[tuple[Bucket, int]], sum_error: int) -> Bucket:
        bucket = merge_buckets(self.subs, [b for b, _ in entries])
        bucket.key = key
        if sum_error == -1 or any(error == -1 for _, error in entries):
            bucket.error = -1
        else:
            bucket.error = sum_error - sum(error for _, error in entries)
        return bucket

    def _promote(self, leading: list[TermsResult]) -> bool:
        """Whether keys become doubles; Elasticsearch's error for incompatible field types."""
        families = {FAMILIES[p.kind] for p in leading if p.kind is not None}  # all (reduce)
        if len(families) == 1:
            return False
        if families == {"L", "D"}:
            return True
        raise IllegalArgument(
            f"Merging/Reducing the aggregations failed when computing the aggregation "
            f"[{self.name}] because the field you gave in the aggregation query existed as two "
            "different types in two different indices"
        )

    # Render

    def render(self, partial: TermsResult) -> dict[str, Any]:
        return {
            "doc_count_error_upper_bound": partial.error,
            "sum_other_doc_count": partial.other,
            "buckets": [self._bucket(b, partial.printer) for b in partial.buckets],
        }

    def _bucket(self, bucket: Bucket, printer: Callable[[Any], str] | None) -> dict[str, Any]:
        body: dict[str, Any] = {"key": bucket.key}
        if printer is not None:
            body["key_as_string"] = printer(bucket.key)
        body["doc_count"] = bucket.doc_count
        if self.show_error:
            body["doc_count_error_upper_bound"] = bucket.error
        if self.subs:
            body.update(render_subs(self.subs, bucket.subs))
        return body
