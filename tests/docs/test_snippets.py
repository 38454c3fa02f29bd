"""Every block of README.md and docs/*.md that ``plans.py`` runs, run: one test per block.

The blocks of a page run in order in one process (``tests/docs/runner.py``), as a reader
would run them one after the other; a block's test fails with what the runner saw go wrong.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.docs.plans import PAGES, ROOT, Plan, plans

pytestmark = pytest.mark.slow

RUN = [p for p in plans() if p.run]
RESULTS: dict[Path, dict[int, dict[str, Any]]] = {}


def run_page(page: Path, work: Path) -> dict[int, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.docs.runner", str(page), str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        pytest.fail(f"the runner failed on {page.name}:\n{result.stdout}{result.stderr}")
    return {found["line"]: found for found in json.loads(lines[-1])}


@pytest.fixture
def results(tmp_path_factory: pytest.TempPathFactory) -> Any:
    def get(page: Path) -> dict[int, dict[str, Any]]:
        if page not in RESULTS:
            RESULTS[page] = run_page(page, tmp_path_factory.mktemp(page.stem))
        return RESULTS[page]

    return get


@pytest.mark.parametrize("planned", RUN, ids=[p.block.where for p in RUN])
def test_block_runs(planned: Plan, results: Any) -> None:
    found = results(planned.block.path)[planned.block.line]
    assert found["status"] == "ok", found["detail"]


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_install_commands_name_what_is_installed(page: Path, results: Any) -> None:
    """The marked install blocks are not run, but what they install is in the .venv."""
    marked = [p for p in plans([page]) if not p.run and p.block.language == "sh"]
    if not marked:
        pytest.skip(f"{page.name} has no install block")
    for planned in marked:
        found = results(page)[planned.block.line]
        assert found["status"] == "marked", found["detail"]
