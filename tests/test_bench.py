"""The benchmarks run and print every figure they promise (on a few documents; no timing checked).

docs/benchmarks.md's tables are made of their lines: a benchmark that stopped printing a
figure, printed it in another shape, or failed on its way would go unnoticed until the next
measurement.
"""

from __future__ import annotations

import re
import statistics
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


def matching(output: str, pattern: str, count: int) -> list[tuple[float, ...]]:
    """The numbers of each of the ``count`` lines that match ``pattern`` (all of it), in order."""
    matches = [match for line in output.splitlines() if (match := re.fullmatch(pattern, line))]
    assert len(matches) == count, f"{pattern!r} in:\n{output}"
    return [tuple(float(value.replace(",", "")) for value in m.groups()) for m in matches]


def figure(output: str, pattern: str) -> tuple[float, ...]:
    """The numbers of the one line that matches ``pattern`` (all of it)."""
    return matching(output, pattern, 1)[0]


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


def test_tantivy_compare_prints_each_round_and_the_table_of_their_medians() -> None:
    output = run("tantivy_compare.py", "--rounds", "2")
    assert [line for line in output.splitlines() if line.startswith("round ")] == [
        "round 1 of 2",
        "round 2 of 2",
    ]
    lines = {
        "bulk": rf"engine alone: bulk API, 200 docs: ({NUMBER}) docs/s",
        "tantivy bulk": rf"tantivy-py: bulk indexing 200 docs: ({NUMBER}) docs/s",
        "match": rf"engine alone: match query \(size 10\): {LATENCY}",
        "client match": rf"in-process: match query \(size 10\): {LATENCY}",
        "tantivy match": rf"tantivy-py: match query \(size 10, _source\): {LATENCY}",
        "calls": rf"engine's tantivy calls: match query \(size 10\): {LATENCY}",
        "terms": rf"engine alone: terms aggregation \(50 buckets\): {LATENCY}",
        "client terms": rf"in-process: terms aggregation \(50 buckets\): {LATENCY}",
        "tantivy terms": rf"tantivy-py: terms aggregation \(50 buckets\): {LATENCY}",
    }
    by_round = {name: [n[0] for n in matching(output, p, 2)] for name, p in lines.items()}
    # The engine's tantivy calls are a part of its match: less time in every round.
    assert all(c < m for c, m in zip(by_round["calls"], by_round["match"], strict=True))
    rows = [line for line in output.splitlines() if line.startswith("| ")]
    assert rows[:2] == [
        "| figure (200 docs, median of 2 rounds) | engine | tantivy-py | ratio |",
        "| --- | --- | --- | --- |",
    ]
    expected = {
        "bulk indexing (engine's bulk API, no client)": ("bulk", "tantivy bulk"),
        "match query, median (engine's search API)": ("match", "tantivy match"),
        "match query, median (in-process client)": ("client match", "tantivy match"),
        "match query, median (the engine's tantivy calls alone)": ("calls", "tantivy match"),
        "terms aggregation, median (engine's search API)": ("terms", "tantivy terms"),
        "terms aggregation, median (in-process client)": ("client terms", "tantivy terms"),
    }
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows[2:]] == list(expected)
    for row in rows[2:]:
        figure, engine, tantivy, ratio = row.strip("| ").split(" | ")
        ours, theirs = (by_round[name] for name in expected[figure])
        # Each side is the median of its rounds; the ratio is the median of the rounds' ratios.
        assert float(engine.split()[0].replace(",", "")) == pytest.approx(
            statistics.median(ours), rel=0.01, abs=0.001
        )
        assert float(tantivy.split()[0].replace(",", "")) == pytest.approx(
            statistics.median(theirs), rel=0.01, abs=0.001
        )
        (by_round_line,) = [
            line for line in output.splitlines() if line.startswith(f"ratio by round, {figure}: ")
        ]
        ratios = [float(value) for value in by_round_line.rpartition(": ")[2].split(", ")]
        # The rounds' ratios are of the unrounded figures: close to those of the printed ones.
        for printed, a, b in zip(ratios, ours, theirs, strict=True):
            assert printed == pytest.approx(a / b, rel=0.1, abs=0.01)
        assert float(ratio.split()[0]) == pytest.approx(statistics.median(ratios), abs=0.06)


def test_http_wake_prints_the_hop_with_the_cpus_idle_and_kept_awake() -> None:
    output = run("http_wake.py")
    assert re.fullmatch(r"python \S+, \d+ CPUs, cpuidle driver \S+", output.splitlines()[0])
    for label in ("CPUs idle between requests", r"CPUs kept awake \(\d+ busy loops at nice 19\)"):
        inprocess, http, bare, hop, bare_again = figure(
            output,
            rf"{label}: match median in-process ({NUMBER}) ms, over http ({NUMBER}) ms, bare "
            rf"info\(\) ({NUMBER}) ms; http <= in-process \+ info: (?:yes|no) \(({NUMBER}) ms for "
            rf"({NUMBER}) ms\)",
        )
        assert hop == pytest.approx(http - inprocess, abs=0.0015) and bare_again == bare
    # The busy loops are gone with the script.
    assert not [
        command
        for command in Path("/proc").glob("[0-9]*/cmdline")
        if b"while True: pass" in _read(command)
    ]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # a process that ended meanwhile
        return b""
