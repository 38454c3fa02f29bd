"""One pytest test per YAML REST conformance case (331: 24 clients-tests + 307 OpenSearch).

Run with ``uv run pytest tests/conformance -m conformance``; see ``conftest.py`` for how the
engine under test is chosen and where the reports go.
"""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from .report import RESULTS_KEY
from .runner import MISSING_DATA, Case, collect_cases, find_conformance_dir, run_case
from .skips import SKIPS

ROOT = find_conformance_dir()
if ROOT is None:
    pytest.skip(MISSING_DATA, allow_module_level=True)

CASES = collect_cases(ROOT)


@pytest.mark.conformance
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_conformance(
    case: Case, conformance_client: Elasticsearch, request: pytest.FixtureRequest
) -> None:
    results = request.config.stash[RESULTS_KEY]
    results.conformance_dir, results.collected = str(ROOT), len(CASES)
    outcome = run_case(conformance_client, case, SKIPS)
    results.record(case, outcome)
    if outcome.status == "skipped":
        pytest.skip(f"{outcome.category}: {outcome.detail}")
    if outcome.status == "failed":
        response = f"\nresponse: {outcome.response}" if outcome.response else ""
        pytest.fail(outcome.detail + response, pytrace=False)
