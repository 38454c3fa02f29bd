"""The engine beside tantivy-py alone, on the same documents in the same run.

How far the engine is from the library it is built on: bench/engine.py's documents loaded
straight into tantivy-py (title a text field, category a fast raw-tokenized string, price and
published fast numbers, ``_source`` the document's JSON in a stored bytes field; one writer,
one commit at the end), then a top-10 term query on title with each hit's ``_source`` fetched
and parsed, and tantivy's own terms aggregation on category (``Searcher.aggregate``). Then the
engine, in memory in this process, on the same documents: its bulk API with no client (the
NDJSON bodies built beforehand, as bench/engine.py's "engine alone"), and the same queries
both through its search API (``Engine.handle``, no client) and through the in-process
elasticsearch-py client, all taking turns query by query (so that what slows the machine
for a while slows them alike). Beside them, the match's tantivy calls as the engine makes them
with no Python around them (:func:`engine_tantivy_calls`): how much of the engine's time is
tantivy's own work. All of it ``--rounds`` times, on fresh indices: this VM's figures
move by a fifth from one minute to the next. Prints one line per figure and round, then the
table: figure, engine and tantivy-py (each the median of its rounds), ratio (the median of the
rounds' ratios, engine / tantivy-py), and each round's ratio.

tantivy's clock starts with the documents as Python dicts (the JSON of ``_source`` and the
date are made inside it); the engine's with the request bodies as bytes.

    .venv/bin/python bench/tantivy_compare.py [--docs 100000] [--queries 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

import tantivy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from engine import (  # bench/ is not a package: its directory is on sys.path
    TERMS,
    bulk_bodies,
    client_queries,
    documents,
    engine_load,
    engine_queries,
    interleaved,
    query_words,
)

#: The writer's memory budget and threads: the engine's (djangoes_engine.store.Store).
HEAP = 64_000_000
THREADS = 2


def tantivy_index() -> tantivy.Index:
    """An in-memory tantivy index of the benchmark's fields, as the engine is by default."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title")
    builder.add_text_field("category", fast=True, tokenizer_name="raw")
    builder.add_integer_field("price", indexed=True, fast=True)
    builder.add_date_field("published", indexed=True, fast=True)
    builder.add_bytes_field("_source", stored=True)
    return tantivy.Index(builder.build())


def tantivy_load(index: tantivy.Index, docs: list[tuple[str, dict]]) -> float:
    """Documents per second into tantivy-py: one writer, one commit at the end."""
    writer = index.writer(heap_size=HEAP, num_threads=THREADS)
    started = time.perf_counter()
    for _doc_id, doc in docs:
        writer.add_document(
            tantivy.Document(
                title=doc["title"],
                category=doc["category"],
                price=doc["price"],
                published=datetime.datetime.fromisoformat(doc["published"]),
                _source=json.dumps(doc).encode(),
            )
        )
    writer.commit()
    index.reload()
    elapsed = time.perf_counter() - started
    return len(docs) / elapsed


def tantivy_queries(index: tantivy.Index) -> tuple[Callable[[], object], Callable[[], object]]:
    """The match query (top 10, ``_source`` fetched and parsed) and the terms aggregation."""
    searcher = index.searcher()
    schema = index.schema
    words = query_words()
    everything = tantivy.Query.all_query()

    def match() -> tuple[int | None, list[dict]]:
        query = tantivy.Query.term_query(schema, "title", next(words))
        result = searcher.search(query, 10)
        sources = [json.loads(searcher.doc(address)["_source"][0]) for _, address in result.hits]
        return result.count, sources

    def terms() -> dict:
        return searcher.aggregate(everything, TERMS)

    return match, terms


def engine_tantivy_calls(engine) -> Callable[[], object]:
    """The engine's match query reduced to its tantivy calls, made as the engine makes them for
    these queries (``djangoes_engine.search.collect``): the best hits and ``_TIE_ROOM`` more;
    when a tie crosses the page's edge and those do not hold it, the search restricted to the
    first ``_seq_no`` range; one read of the hits' ``_seq_no``; the ten stored documents. No
    parsing, compiling, bookkeeping or rendering: what the engine's match costs at least while
    equal scores come in index order, which tantivy's top-k does not know."""
    from djangoes_engine.search.collect import _TIE_ROOM

    reader = engine.indices["bench"].reader
    searcher, schema = reader.searcher, reader.schema
    title = reader.layout.slot("title")
    assert title is not None
    span = engine.indices["bench"].max_seq_no + 1
    words = query_words()
    wanted, page = 10, 32  # the engine's first _seq_no range holds a page of 32 matches

    def match() -> list[bytes]:
        query = tantivy.Query.term_query(schema, title, next(words))
        result = searcher.search(query, wanted + _TIE_ROOM, count=True)
        hits = result.hits
        addresses = [address for _, address in hits]
        if len(hits) == wanted + _TIE_ROOM and hits[wanted - 1][0] == hits[-1][0]:
            only = tantivy.Query.range_query(
                schema, "_seq_no", tantivy.FieldType.Integer, 0, span * page // result.count - 1
            )
            restricted = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, query),
                    (tantivy.Occur.Must, tantivy.Query.boost_query(only, 0.0)),
                ]
            )
            tied = searcher.search(restricted, 2 * page, count=True).hits
            addresses = addresses[:wanted] + [address for _, address in tied]
        searcher.fast_field_values("_seq_no", addresses)
        return [bytes(searcher.doc(address)["_source"][0]) for _, address in hits[:wanted]]

    return match


def buckets(aggregations: dict) -> list[tuple[str, int]]:
    return [(b["key"], b["doc_count"]) for b in aggregations["categories"]["buckets"]]


def check_same_answers(
    tantivy_match: Callable[[], object],
    tantivy_terms: Callable[[], object],
    engine_match: Callable[[], bytes],
    engine_terms: Callable[[], bytes],
) -> None:
    """The first query of each kind gives both the same answer (before any is timed)."""
    count, sources = tantivy_match()  # type: ignore[misc]
    answer = json.loads(engine_match())
    assert answer["hits"]["total"]["value"] == min(count, 10_000), (answer["hits"], count)
    assert len(answer["hits"]["hits"]) == len(sources)
    ours = buckets(json.loads(engine_terms())["aggregations"])
    theirs = buckets(tantivy_terms())  # type: ignore[arg-type]
    assert ours == theirs, (ours, theirs)


#: The table's rows: figure, the engine's line, tantivy-py's line, and whether it is a rate.
ROWS = (
    (
        "bulk indexing (engine's bulk API, no client)",
        "engine alone: bulk API",
        "tantivy-py: bulk indexing",
        True,
    ),
    (
        "match query, median (engine's search API)",
        "engine alone: match query (size 10)",
        "tantivy-py: match query (size 10, _source)",
        False,
    ),
    (
        "match query, median (in-process client)",
        "in-process: match query (size 10)",
        "tantivy-py: match query (size 10, _source)",
        False,
    ),
    (
        "match query, median (the engine's tantivy calls alone)",
        "engine's tantivy calls: match query (size 10)",
        "tantivy-py: match query (size 10, _source)",
        False,
    ),
    (
        "terms aggregation, median (engine's search API)",
        "engine alone: terms aggregation (50 buckets)",
        "tantivy-py: terms aggregation (50 buckets)",
        False,
    ),
    (
        "terms aggregation, median (in-process client)",
        "in-process: terms aggregation (50 buckets)",
        "tantivy-py: terms aggregation (50 buckets)",
        False,
    ),
)


def one_round(count: int, runs: int, name: str) -> dict[str, float]:
    """tantivy-py, then the engine, on fresh indices: each line's figure (a rate in docs/s or
    a median in ms), printed as it is measured."""
    from djangoes_backends_embedded import client
    from djangoes_engine.engines import close_engine, get_engine

    figures: dict[str, float] = {}
    docs = list(documents(count))
    index = tantivy_index()
    rate = figures["tantivy-py: bulk indexing"] = tantivy_load(index, docs)
    del docs
    print(f"tantivy-py: bulk indexing {count} docs: {rate:,.0f} docs/s")

    engine = get_engine(name=name)
    rate = figures["engine alone: bulk API"] = engine_load(engine, bulk_bodies(count), count)
    print(f"engine alone: bulk API, {count} docs: {rate:,.0f} docs/s")

    t_match, t_terms = tantivy_queries(index)
    e_match, e_terms = engine_queries(engine)
    check_same_answers(t_match, t_terms, e_match, e_terms)
    t_match, t_terms = tantivy_queries(index)  # the query words from the start again
    e_match, e_terms = engine_queries(engine)

    c_match, c_terms = client_queries(client(name=name))
    floor = engine_tantivy_calls(engine)

    terms_runs = max(50, runs // 10)
    for calls, number in (
        (
            {
                "tantivy-py: match query (size 10, _source)": t_match,
                "engine alone: match query (size 10)": e_match,
                "in-process: match query (size 10)": c_match,
                "engine's tantivy calls: match query (size 10)": floor,
            },
            runs,
        ),
        (
            {
                "tantivy-py: terms aggregation (50 buckets)": t_terms,
                "engine alone: terms aggregation (50 buckets)": e_terms,
                "in-process: terms aggregation (50 buckets)": c_terms,
            },
            terms_runs,
        ),
    ):
        for label, (median, p99) in interleaved(calls, number).items():
            figures[label] = median
            print(f"{label}: median {median:.3f} ms, p99 {p99:.3f} ms")
    close_engine(name=name)
    return figures


def row(figure: str, engine: list[float], tantivy_figures: list[float], rate: bool) -> str:
    """A table row: each side's median over the rounds, and the median of the rounds' ratios
    (each round's two figures were taken seconds apart, so its ratio is the fairer one)."""
    ratio = statistics.median(e / t for e, t in zip(engine, tantivy_figures, strict=True))
    engine_median, tantivy_median = statistics.median(engine), statistics.median(tantivy_figures)
    if rate:
        return (
            f"| {figure} | {engine_median:,.0f} docs/s | {tantivy_median:,.0f} docs/s"
            f" | {ratio:.2f} |"
        )
    return f"| {figure} | {engine_median:.3f} ms | {tantivy_median:.3f} ms | {ratio:.1f} × |"  # noqa: RUF001


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="how many times to measure both, one after the other (default 3)",
    )
    args = parser.parse_args()
    count = args.docs
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, tantivy-py {tantivy_version()}")
    rounds = []
    for number in range(1, args.rounds + 1):
        print(f"round {number} of {args.rounds}")
        rounds.append(one_round(count, args.queries, f"tantivy-compare-{number}"))

    print()
    heading = f"figure ({count} docs, median of {args.rounds} rounds)"
    print(f"| {heading} | engine | tantivy-py | ratio |")
    print("| --- | --- | --- | --- |")
    for figure, engine_line, tantivy_line, rate in ROWS:
        engine = [figures[engine_line] for figures in rounds]
        tantivy_figures = [figures[tantivy_line] for figures in rounds]
        print(row(figure, engine, tantivy_figures, rate))
    print()
    for figure, engine_line, tantivy_line, _ in ROWS:
        ratios = ", ".join(f"{r[engine_line] / r[tantivy_line]:.2f}" for r in rounds)
        print(f"ratio by round, {figure}: {ratios}")


def tantivy_version() -> str:
    from importlib import metadata

    return metadata.version("tantivy")


if __name__ == "__main__":
    main()
