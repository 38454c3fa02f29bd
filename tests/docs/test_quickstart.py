"""docs/quickstart.md, followed verbatim in a new project: its commands, its settings, its shell
session, then ``manage.py es_check`` passes.

The blocks are read from the page (an edit of the page is tested) and run in order, as a reader
would: ``sh`` blocks in a shell (``cd`` included), the ``python`` block applied to the
``settings.py`` that ``django-admin startproject`` generated (``[..., "djangoes"]`` adds to the
existing list, the rest is appended), the ``pycon`` session through ``manage.py shell`` as a
doctest (its outputs are checked). The one ``pip install`` block is skipped: installing is
tested from the built wheels, and this suite runs in the environment it would install.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .blocks import Block, code_blocks

QUICKSTART = Path(__file__).resolve().parents[2] / "docs" / "quickstart.md"
#: What the quickstart's commands print when they act on an in-memory engine.
EPHEMERAL = "djangoes.W012"

pytestmark = pytest.mark.slow


@pytest.fixture
def workdir() -> Iterator[Path]:
    """An empty directory, removed afterwards with the project and its search data."""
    with tempfile.TemporaryDirectory(prefix="djangoes-quickstart-") as path:
        yield Path(path)


def environment() -> dict[str, str]:
    """The reader's shell: this environment's ``python`` and ``django-admin`` first on PATH, and
    none of the test run's Django settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "PYTHONPATH"))
    }
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run(args: list[str], cwd: Path, where: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, f"{where}: {args} failed:\n{result.stdout}{result.stderr}"
    assert EPHEMERAL not in result.stderr, f"{where}: {result.stderr}"
    return result


def where(block: Block) -> str:
    return f"{block.path.name}:{block.line}"


def run_commands(block: Block, cwd: Path) -> Path:
    """Run an ``sh`` block; the directory it ends in (its ``cd``)."""
    end = cwd / ".cwd"
    script = f"set -e\n{block.text}\npwd > {str(end)!r}\n"
    run(["bash", "-c", script], cwd, where(block))
    ended = Path(end.read_text().strip())
    end.unlink()
    return ended


def apply_settings(block: Block, project: Path) -> None:
    """Edit the project's settings.py as the block says: ``NAME = [..., item]`` adds ``item`` to
    the list settings.py has; every other statement is appended."""
    (settings,) = project.glob("*/settings.py")
    source = settings.read_text()
    assigned = {
        target.id: statement.value
        for statement in ast.parse(source).body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    lines = source.splitlines(keepends=True)
    kept = block.text.splitlines(keepends=True)
    for statement in reversed(ast.parse(block.text).body):
        extended = _extended(statement)
        if extended is None:
            continue
        name, items = extended
        existing = assigned[name]
        assert isinstance(existing, ast.List), f"{where(block)}: settings.py's {name} is no list"
        closing = existing.end_lineno - 1  # the line of its "]", after a trailing comma
        assert lines[closing].strip() == "]", f"{where(block)}: {name} is not one item a line"
        added = [f"    {ast.get_source_segment(block.text, item)},\n" for item in items]
        lines[closing:closing] = added
        del kept[statement.lineno - 1 : statement.end_lineno]
    settings.write_text("".join(lines) + "\n" + "".join(kept))


def _extended(statement: ast.stmt) -> tuple[str, list[ast.expr]] | None:
    """(name, items) of ``name = [..., items]``, or None for any other statement."""
    if not (
        isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.List)
        and statement.value.elts
        and isinstance(statement.value.elts[0], ast.Constant)
        and statement.value.elts[0].value is Ellipsis
    ):
        return None
    (target,) = statement.targets
    assert isinstance(target, ast.Name)
    return target.id, statement.value.elts[1:]


#: Run in ``manage.py shell -c``: the session as a doctest, failing if an output differs.
DOCTEST = """
import doctest, sys
test = doctest.DocTestParser().get_doctest({text!r}, {{}}, "quickstart", {path!r}, {line})
runner = doctest.DocTestRunner()
runner.run(test)
sys.exit(1 if runner.failures else 0)
"""


def run_session(block: Block, project: Path) -> None:
    code = DOCTEST.format(text=block.text, path=str(block.path), line=block.line)
    run([sys.executable, "manage.py", "shell", "-c", code], project, where(block))


def test_the_quickstart_works_verbatim_in_a_new_project(workdir: Path) -> None:
    blocks = code_blocks(QUICKSTART)
    installs = [b for b in blocks if b.language == "sh" and "pip install" in b.text]
    assert len(installs) == 1, [where(b) for b in installs]
    cwd, ran = workdir, []
    for block in blocks:
        if block is installs[0]:
            continue  # tested from the built wheels; this environment has what it installs
        if block.language == "sh":
            cwd = run_commands(block, cwd)
        elif block.language == "python":
            apply_settings(block, cwd)
        elif block.language == "pycon":
            run_session(block, cwd)
        else:
            pytest.fail(f"{where(block)}: no way to run a {block.language!r} block")
        ran.append(block.language)
    assert ran.count("python") == 1 and "pycon" in ran, ran
    assert "django-admin startproject" in "".join(b.text for b in blocks)

    checked = run([sys.executable, "manage.py", "es_check"], cwd, "es_check")
    assert "OK index posts_v1" in checked.stdout
    assert "OK alias posts" in checked.stdout
    assert (cwd / "search").is_dir()  # the engine's data, next to the project
