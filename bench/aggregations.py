"""Benchmark of the engine's aggregations beside tantivy-py's own, on the same documents.

Loads bench/engine.py's documents (default 100,000) into the engine in-process and into a bare
tantivy-py index (the keyword, long and date fields as fast fields), then times each aggregation
three ways in the same run: through elasticsearch-py in-process, through ``Engine.handle`` (no
client), and tantivy-py's ``Searcher.aggregate`` alone with the equivalent request. Prints one
line per aggregation with the medians and the ratios to tantivy-py.

    .venv/bin/python bench/aggregations.py [--docs 100000] [--runs 300]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import tantivy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine import MAPPING, documents, latencies

#: Each case: its name, the Elasticsearch aggregation, tantivy's equivalent request.
CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "terms keyword (50 buckets)",
        {"terms": {"field": "category"}},
        {"terms": {"field": "category"}},
    ),
    (
        "terms long, size 5",
        {"terms": {"field": "price", "size": 5}},
        {"terms": {"field": "price", "size": 5}},
    ),
    (
        "histogram (10 buckets)",
        {"histogram": {"field": "price", "interval": 1000}},
        {"histogram": {"field": "price", "interval": 1000}},
    ),
    (
        "range (3 ranges)",
        {
            "range": {
                "field": "price",
                "ranges": [{"to": 100}, {"from": 100, "to": 5000}, {"from": 5000}],
            }
        },
        {
            "range": {
                "field": "price",
                "ranges": [{"to": 100}, {"from": 100, "to": 5000}, {"from": 5000}],
            }
        },
    ),
    ("avg", {"avg": {"field": "price"}}, {"avg": {"field": "price"}}),
    ("stats", {"stats": {"field": "price"}}, {"stats": {"field": "price"}}),
    ("value_count", {"value_count": {"field": "price"}}, {"value_count": {"field": "price"}}),
    (
        "date_histogram fixed 30d",
        {"date_histogram": {"field": "published", "fixed_interval": "30d"}},
        {"date_histogram": {"field": "published", "fixed_interval": "30d"}},
    ),
    (
        "terms keyword + avg sub",
        {"terms": {"field": "category"}, "aggs": {"p": {"avg": {"field": "price"}}}},
        {"terms": {"field": "category"}, "aggs": {"p": {"avg": {"field": "price"}}}},
    ),
]


def median_ms(call: Callable[[], Any], runs: int) -> float:
    return latencies(call, runs)[0]


def tantivy_index(count: int) -> tantivy.Searcher:
    """The documents in a bare tantivy-py index, aggregated fields fast."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title")
    builder.add_text_field("category", tokenizer_name="raw", fast=True)
    builder.add_integer_field("price", fast=True, indexed=True)
    builder.add_date_field("published", fast=True, indexed=True)
    index = tantivy.Index(builder.build())
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for _, doc in documents(count):
        published = datetime.fromisoformat(doc["published"]).replace(tzinfo=UTC)
        writer.add_document(
            tantivy.Document(
                title=doc["title"],
                category=doc["category"],
                price=doc["price"],
                published=published,
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index.searcher()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.docs} docs")

    from elasticsearch import Elasticsearch

    from djangoes_backends_embedded import client
    from djangoes_engine import Engine, Request

    es: Elasticsearch = client(name="bench-aggregations")
    es.options(ignore_status=404).indices.delete(index="bench")
    es.indices.create(index="bench", settings={"refresh_interval": "-1"}, mappings=MAPPING)
    batch: list[Any] = []
    for doc_id, doc in documents(args.docs):
        batch += [{"index": {"_id": doc_id}}, doc]
        if len(batch) >= 2000:
            es.bulk(index="bench", operations=batch)
            batch = []
    if batch:
        es.bulk(index="bench", operations=batch)
    es.indices.refresh(index="bench")
    engine = es.transport.node_pool.get().engine  # the EmbeddedNode's engine
    assert isinstance(engine, Engine)
    searcher = tantivy_index(args.docs)
    everything = tantivy.Query.all_query()

    for name, agg, native in CASES:
        body = json.dumps({"size": 0, "aggs": {"a": agg}}).encode()

        def through_client(agg: dict[str, Any] = agg) -> Any:
            return es.search(index="bench", size=0, aggs={"a": agg})

        def through_engine(body: bytes = body) -> Any:
            return engine.handle(Request.from_target("POST", "/bench/_search", body))

        def alone(native: dict[str, Any] = native) -> Any:
            return searcher.aggregate(everything, {"a": native})

        client_ms = median_ms(through_client, args.runs)
        engine_ms = median_ms(through_engine, args.runs)
        tantivy_ms = median_ms(alone, args.runs)
        print(
            f"{name}: client {client_ms:.3f} ms, engine {engine_ms:.3f} ms, "
            f"tantivy-py {tantivy_ms:.3f} ms; ratios {client_ms / tantivy_ms:.2f} / "
            f"{engine_ms / tantivy_ms:.2f}"
        )
    es.indices.delete(index="bench")


if __name__ == "__main__":
    main()
