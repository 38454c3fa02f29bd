"""What the docs' tests do with each block of README.md and docs/*.md: run it, or name who does.

A block is *run* by ``tests/docs/runner.py`` (python, sh and toml blocks, MyST directives, and
text or json blocks whose directive names a ``check=``), or *marked*: a ``snippet: skip REASON``
directive, the README's demo and test commands (their markers name who runs them), the
quickstart (run verbatim in a new project by its own test) and install commands (the install
test's). ``test_coverage`` fails for any other block, and for a reason that names a test file
that does not exist.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from tests.docs.blocks import Block, code_blocks

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: Languages the runner runs as they are.
RUN = {"python", "sh", "toml", "{literalinclude}", "{toctree}"}
#: Blocks that other tests run, by the comment that marks them.
MARKERS = {
    "demo-command": (
        "the README's demo command: tests/test_readme_commands.py runs its set-up on a fresh "
        "clone, tests/test_example.py the demo"
    ),
    "test-command": "the README's test command, the whole suite: run by CI itself, .ci/run",
}
QUICKSTART = (
    "docs/quickstart.md is followed verbatim in a new project by tests/docs/test_quickstart.py"
)
INSTALL = (
    "installs from the package index: the runner checks that what it names, extras included, "
    "is installed; tests/test_install.py runs pip's install from the built wheels"
)
#: An install (or a build of what is installed): the runner checks that what a pip install
#: names is installed, instead of running it; the install test runs them.
INSTALLER = re.compile(
    r"^(\S*/)?(python3? -m )?(uv )?pip3? install |^(sudo )?apt(-get)? install "
    r"|^(\S*/)?uv build\b|^(\S*/)?python3? -m venv |^pipx install "
)


@dataclass(frozen=True)
class Plan:
    block: Block
    run: bool
    reason: str = ""  # why a block is not run here, and who runs it


def commands(text: str) -> list[str]:
    """The commands of a shell block: each line without its comment, split at ``&&``."""
    found: list[str] = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        line = shlex.join(words).replace("'&&'", "&&")
        found += [part.strip() for part in line.split("&&") if part.strip()]
    return found


def plan(block: Block) -> Plan:
    if block.path.name == "quickstart.md":
        return Plan(block, False, QUICKSTART)
    for comment in block.comments:
        if comment in MARKERS:
            return Plan(block, False, MARKERS[comment])
    if (reason := block.skip_reason) is not None:
        return Plan(block, False, reason)
    if block.language == "sh" and all(INSTALLER.match(c) for c in commands(block.text)):
        return Plan(block, False, INSTALL)
    if block.language in RUN or "check" in block.options:
        return Plan(block, True)
    return Plan(block, False)


def plans(pages: list[Path] = PAGES) -> list[Plan]:
    return [plan(block) for page in pages for block in code_blocks(page)]
