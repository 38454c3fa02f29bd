"""The benchmarks run and print every figure they promise (on a few documents; no timing checked).

docs/benchmarks.md's tables are made of their lines: a benchmark that stopped printing a
figure, printed it in another shape, or failed on its way would go unnoticed until the next
measurement.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
NUMBER = r"[\d,]+(?:\.\d+)?"
LATENCY = rf"median ({NUMBER}) ms, p99 ({NUMBER}) ms"


def run(script: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), "--docs", "200", "--queries", "20", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def figure(output: str, pattern: str) -> tuple[float, ...]:
    """The numbers of the one line that matches ``pattern`` (all of it)."""
    matches = [match for line in output.splitlines() if (match := re.fullmatch(pattern, line))]
    assert len(matches) == 1, f"{pattern!r} in:\n{output}"
    return tuple(float(value.replace(",", "")) for value in matches[0].groups())


@pytest.fixture(scope="module")
def engine_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    data = tmp_path_factory.mktemp("bench-data")
    return run("engine.py", "--data", str(data)), data


@pytest.mark.parametrize(
    "pattern",
    [
        rf"engine alone: bulk API, 200 docs: ({NUMBER}) docs/s",
        rf"engine alone: match query \(size 10\): {LATENCY}",
        rf"engine alone: terms aggregation \(50 buckets\): {LATENCY}",
        rf"engine on disk: bulk API, 200 docs: ({NUMBER}) docs/s",
        rf"in-process: bulk indexing 200 docs: ({NUMBER}) docs/s",
        rf"in-process: match query \(size 10\): {LATENCY}",
        rf"in-process: terms aggregation \(50 buckets\): {LATENCY}",
        rf"http: bulk indexing 200 docs: ({NUMBER}) docs/s",
        rf"http: match query \(size 10\): {LATENCY}",
        rf"http: terms aggregation \(50 buckets\): {LATENCY}",
    ],
)
def test_engine_prints_its_rates_and_latencies(
    engine_output: tuple[str, Path], pattern: str
) -> None:
    values = figure(engine_output[0], pattern)
    assert all(value > 0 for value in values)


@pytest.mark.parametrize("label", ["engine alone", "engine on disk"])
def test_engine_prints_the_memory_it_keeps(engine_output: tuple[str, Path], label: str) -> None:
    total, grown, per_doc = figure(
        engine_output[0],
        rf"{label}: resident memory after load: ({NUMBER}) MB, "
        rf"\+(-?{NUMBER}) MB over the load \((-?{NUMBER}) bytes/doc\)",
    )
    assert total > 0
    assert per_doc * 200 / 1e6 == pytest.approx(grown, abs=0.51)


def test_engine_prints_its_size_on_disk_and_loads_into_data(
    engine_output: tuple[str, Path],
) -> None:
    output, data = engine_output
    flushed, per_doc, loaded, translog = figure(
        output,
        rf"engine on disk: size on disk: ({NUMBER}) MB \(({NUMBER}) bytes/doc\) after a flush; "
        rf"({NUMBER}) MB before it, of which translog ({NUMBER}) MB",
    )
    assert flushed > 0 and loaded >= translog
    assert per_doc * 200 / 1e6 == pytest.approx(flushed, abs=0.051)
    # --data is the engine's data directory, and stays.
    assert (data / "indices").is_dir()


def test_tantivy_compare_prints_the_table() -> None:
    output = run("tantivy_compare.py")
    for pattern in [
        rf"tantivy-py: bulk indexing 200 docs: ({NUMBER}) docs/s",
        rf"engine alone: bulk API, 200 docs: ({NUMBER}) docs/s",
        rf"tantivy-py: match query \(size 10, _source\): {LATENCY}",
        rf"engine alone: match query \(size 10\): {LATENCY}",
        rf"in-process: match query \(size 10\): {LATENCY}",
        rf"tantivy-py: terms aggregation \(50 buckets\): {LATENCY}",
        rf"engine alone: terms aggregation \(50 buckets\): {LATENCY}",
        rf"in-process: terms aggregation \(50 buckets\): {LATENCY}",
    ]:
        figure(output, pattern)
    rows = [line for line in output.splitlines() if line.startswith("| ")]
    assert rows[:2] == [
        "| figure (200 docs) | engine | tantivy-py | ratio |",
        "| --- | --- | --- | --- |",
    ]
    figures = [row.split(" | ")[0].removeprefix("| ") for row in rows[2:]]
    assert figures == [
        "bulk indexing (engine's bulk API, no client)",
        "match query, median (engine's search API)",
        "match query, median (in-process client)",
        "terms aggregation, median (engine's search API)",
        "terms aggregation, median (in-process client)",
    ]
    for row in rows[2:]:
        engine, tantivy, ratio = row.strip("| ").split(" | ")[1:]
        engine_value = float(engine.split()[0].replace(",", ""))
        tantivy_value = float(tantivy.split()[0].replace(",", ""))
        assert float(ratio.split()[0]) == pytest.approx(
            engine_value / tantivy_value, rel=0.1, abs=0.06
        )
