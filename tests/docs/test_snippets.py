"""Every block of README.md and docs/*.md that ``plans.py`` runs, run: one test per page.

The blocks of a page run in order in one process (``tests/docs/runner.py``), as a reader
would run them one after the other (one test per page, so that xdist never runs a page twice);
the test fails with each block that went wrong and what the runner saw.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.plans import PAGES, ROOT, plans

pytestmark = pytest.mark.slow

RUN_PAGES = [
    page for page in PAGES if any(p.run or p.block.language == "sh" for p in plans([page]))
]


@pytest.mark.parametrize("page", RUN_PAGES, ids=[page.name for page in RUN_PAGES])
def test_the_blocks_of_the_page_run(page: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.docs.runner", str(page), str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and lines, f"the runner failed:\n{result.stdout}{result.stderr}"
    found = {item["line"]: item for item in json.loads(lines[-1])}
    failures = []
    for planned in plans([page]):
        item = found[planned.block.line]
        expected = "ok" if planned.run else "marked"  # a marked install: what it installs is
        if item["status"] != expected:  # installed, and the extras it names exist
            failures.append(f"{planned.block.where}: {item['status']}\n{item['detail']}")
    assert not failures, "\n\n".join(failures)
