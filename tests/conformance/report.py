"""Conformance reports: ``reports/conformance.json`` and ``reports/conformance.md``.

The pytest tests record one ``Outcome`` per case in a ``Results`` object kept in the pytest
config stash; ``conftest.py`` writes the reports and the terminal summary from it at session
end. Two pass rates are given because they answer different questions: passed / all cases
(how much of the suite works) and passed / cases not skipped (how well what is attempted works).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .runner import Case, Outcome

POLICY = (
    "File-level `requires` (elasticsearch-clients-tests): a file runs when `stack: true` OR "
    "`serverless: true` (the engine aims to serve both profiles); files with `feature_flag` "
    "are skipped. `skip: version` ranges with an open upper bound (and `all`) skip, ranges "
    "with a finite upper bound run. Warnings are checked only when a step lists `warnings`."
)


@dataclass
class Results:
    """Outcomes of the cases run in this session, plus what they ran against."""

    target: str = ""
    conformance_dir: str = ""
    collected: int = 0  # cases in the suite; fewer outcomes means a partial run (-k, -x ...)
    outcomes: dict[str, tuple[Case, Outcome]] = field(default_factory=dict)

    def record(self, case: Case, outcome: Outcome) -> None:
        self.outcomes[case.id] = (case, outcome)


RESULTS_KEY = pytest.StashKey[Results]()


def rate(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def summarize(results: Results) -> dict[str, dict[str, Any]]:
    """Per source (and in total): counts, both pass rates and skip counts by category."""
    groups: dict[str, list[Outcome]] = {}
    for case, outcome in results.outcomes.values():
        groups.setdefault(case.file.source, []).append(outcome)
    groups["total"] = [outcome for _case, outcome in results.outcomes.values()]
    summary = {}
    for source, outcomes in groups.items():
        counts = Counter(o.status for o in outcomes)
        total, passed, skipped = len(outcomes), counts["passed"], counts["skipped"]
        summary[source] = {
            "cases": total,
            "passed": passed,
            "failed": counts["failed"],
            "skipped": skipped,
            "pass_rate_all": rate(passed, total),
            "pass_rate_not_skipped": rate(passed, total - skipped),
            "skips_by_category": dict(
                Counter(o.category for o in outcomes if o.status == "skipped").most_common()
            ),
        }
    return summary


def case_record(case: Case, outcome: Outcome) -> dict[str, Any]:
    return {
        "id": case.id,
        "source": case.file.source,
        "file": case.file.rel,
        "name": case.name,
        "status": outcome.status,
        "category": outcome.category or None,
        "detail": outcome.detail,
        "response": outcome.response,
    }


def write_json(results: Results, path: Path) -> None:
    data = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "target": results.target,
        "conformance_dir": results.conformance_dir,
        "cases_run": len(results.outcomes),
        "cases_collected": results.collected,
        "policy": POLICY,
        "summary": summarize(results),
        "cases": [case_record(c, o) for c, o in results.outcomes.values()],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(results: Results) -> str:
    summary = summarize(results)
    lines = [
        "# YAML REST conformance report",
        "",
        f"Target: `{results.target}`. Tests: `{results.conformance_dir}`. "
        f"Cases run: {len(results.outcomes)} of {results.collected}.",
        "",
        POLICY,
        "",
        "| source | cases | passed | failed | skipped | passed / all | passed / not skipped |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for source, s in summary.items():
        lines.append(
            f"| {source} | {s['cases']} | {s['passed']} | {s['failed']} | {s['skipped']} "
            f"| {s['pass_rate_all']} | {s['pass_rate_not_skipped']} |"
        )
    lines += ["", "## Skip reasons", "", "| category | cases |", "|---|---:|"]
    for category, count in summary["total"]["skips_by_category"].items():
        lines.append(f"| {_md_cell(category)} | {count} |")
    lines += ["", "### Skipped cases", ""]
    for case, outcome in results.outcomes.values():
        if outcome.status == "skipped":
            lines.append(f"* `{case.id}`: {outcome.category}: {_md_cell(outcome.detail)}")
    lines += ["", "## Failures (first mismatch)", ""]
    for case, outcome in results.outcomes.values():
        if outcome.status != "failed":
            continue
        lines += [f"### `{case.id}`", "", "```", outcome.detail.rstrip(), "```", ""]
        if outcome.response:
            lines += ["Response (truncated):", "", "```json", outcome.response, "```", ""]
    return "\n".join(lines) + "\n"


def write_reports(results: Results, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / "conformance.json", directory / "conformance.md"
    write_json(results, json_path)
    md_path.write_text(render_markdown(results), encoding="utf-8")
    return json_path, md_path


def summary_lines(results: Results) -> list[str]:
    """A few lines for pytest's terminal summary."""
    lines = [f"target: {results.target} ({len(results.outcomes)} of {results.collected} cases run)"]
    for source, s in summarize(results).items():
        lines.append(
            f"{source}: {s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped "
            f"of {s['cases']} (passed/all {s['pass_rate_all']}, "
            f"passed/not skipped {s['pass_rate_not_skipped']})"
        )
    return lines
