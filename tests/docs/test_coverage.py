"""Every block of README.md and docs/*.md is run by a test, or marked with who runs it and why.

``plans.py`` decides; this test fails for a block that is neither run nor marked, for a reason
too short to review, and for a reason that names a test file or folder that does not exist.
The docs' commands follow one convention that works after the README's set-up: the clone's
tools from ``.venv/bin``, or ``uv run --locked --all-packages --all-extras`` (a bare
``uv run`` syncs the root distribution alone, without the extras the tools need).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.docs.blocks import code_blocks
from tests.docs.plans import PAGES, ROOT, Plan, plans
from tests.docs.runner import requirements

PLANS = plans()


def test_the_docs_have_blocks() -> None:
    assert len(PLANS) > 60
    assert {p.block.language for p in PLANS} >= {"python", "sh", "text", "toml", "json"}


@pytest.mark.parametrize("planned", PLANS, ids=[p.block.where for p in PLANS])
def test_every_block_is_run_or_marked(planned: Plan) -> None:
    if planned.run:
        return
    assert planned.reason, (
        f"{planned.block.where}: a {planned.block.language or 'plain'} block that no test runs: "
        "give it a check= the runner has, or <!-- snippet: skip REASON --> naming who runs it"
    )
    assert len(planned.reason.split()) >= 4, f"{planned.block.where}: say why: {planned.reason}"
    for name in re.findall(r"(?:tests|\.ci)/[\w./]*\w", planned.reason):
        assert (ROOT / name).exists(), f"{planned.block.where} names {name}, which does not exist"


def test_the_counts() -> None:
    """The figures of the issue's note: blocks, run, marked (by reason)."""
    run = sum(p.run for p in PLANS)
    marked = Counter(p.reason for p in PLANS if not p.run)
    assert run + sum(marked.values()) == len(PLANS)
    assert run >= 0.6 * len(PLANS), f"{run} of {len(PLANS)} run"
    print(f"{len(PLANS)} blocks: {run} run, {len(PLANS) - run} marked")  # pytest -s shows it
    for reason, count in marked.most_common():
        print(f"  {count} marked: {reason}")


UV_RUN = re.compile(r"\buv run\b(?P<options>( --[\w-]+)*)")


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_commands_work_after_the_readme_set_up(page: Path) -> None:
    text = page.read_text()
    for found in UV_RUN.finditer(text):
        options = found["options"].split()
        assert {"--locked", "--all-packages", "--all-extras"} <= set(options), (
            f"{page.name}: {found[0]!r} syncs .venv without the extras: write .venv/bin/... "
            "(after the README's set-up) or uv run --locked --all-packages --all-extras"
        )
    for tool in re.findall(r"\.venv/bin/([\w.-]+)", text):
        assert (ROOT / ".venv" / "bin" / tool).exists(), f"{page.name}: no .venv/bin/{tool}"


def test_a_directive_is_read_before_its_block(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n<!-- demo-command -->\n<!-- snippet: skip needs a real cluster -->\n"
        "```sh\nrun it\n```\n\n- item\n\n  <!-- snippet: setup=library check=pytest -->\n"
        "  ```python\n  x = 1\n\n  y = 2\n  ```\n\n````text\n```\n````\n"
    )
    first, second, third = code_blocks(page)
    assert (first.line, first.language, first.text) == (5, "sh", "run it\n")
    assert first.comments == ("demo-command", "snippet: skip needs a real cluster")
    assert first.skip_reason == "needs a real cluster" and first.options == {}
    assert (second.line, second.text) == (12, "x = 1\n\ny = 2\n")
    assert second.options == {"setup": "library", "check": "pytest"}
    assert second.skip_reason is None
    assert (third.language, third.text, third.directive) == ("text", "```\n", None)


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ('pip install "djangoes[thrift]"', ["djangoes[thrift]"]),
        ("python3 -m pip install --quiet uv", ["uv"]),
        (".venv/bin/pip install --find-links dist djangoes-engine", ["djangoes-engine"]),
        ("pip install -f dist/ ./djangoes_core dist/djangoes-1.0-py3-none-any.whl", []),
        ("uv build --all-packages", []),
        ("apt-get install thrift-compiler", []),
        ("djangoes-embedded serve --data data", []),
    ],
)
def test_what_an_install_command_names(command: str, named: list[str]) -> None:
    assert [str(requirement) for requirement in requirements(command)] == named
