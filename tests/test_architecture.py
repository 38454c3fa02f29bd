"""The architecture's contracts, checked with every run of the suite (so in CI).

``lint-imports`` checks the import contracts of ``[tool.importlinter]`` (the core knows no
transport, no engine and no gateway toolkit; the transports do not import each other; the
engine and the gateway toolkit do without Django and the core; the engine's layers point
down), and ``mypy`` type-checks what ``[tool.mypy]`` lists (the core, the gateway toolkit, the
transports and the engine); both are configured in the root ``pyproject.toml`` and run from
the root, with this environment's executables, as a developer runs them (``uv run
lint-imports``, ``uv run mypy``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def executable(name: str) -> str:
    """``name``'s script in this environment (next to its Python), else the one on PATH."""
    here = Path(sys.executable).parent
    found = shutil.which(name, path=str(here)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: it is in the dev dependency group (uv sync)")
    return found


def run(
    command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit code {result.returncode}\n{result.stdout}\n{result.stderr}"


def test_import_contracts_are_kept() -> None:
    result = run([executable("lint-imports")])
    assert result.returncode == 0, output(result)
    assert "0 broken" in result.stdout, output(result)


def lint_a_copy(tmp_path: Path, package: Path, module: str, line: str) -> str:
    """The output of ``lint-imports`` with the same contracts on a copy of ``package`` (first
    on the path, the other packages being this environment's) whose ``module`` gets ``line``."""
    source = tmp_path / "src"
    shutil.copytree(package, source / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    with open(source / package.name / module, "a") as code:
        code.write(f"\n{line}  # a deliberate violation\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(source)}
    result = run(
        [executable("lint-imports"), "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode != 0, output(result)
    return result.stdout


def test_a_core_importing_the_engine_is_caught(tmp_path: Path) -> None:
    found = lint_a_copy(
        tmp_path, ROOT / "djangoes_core" / "djangoes", "conf.py", "import djangoes_engine"
    )
    assert "djangoes is not allowed to import djangoes_engine" in found, found
    assert "djangoes.conf -> djangoes_engine" in found, found


def test_an_engine_layer_importing_one_above_is_caught(tmp_path: Path) -> None:
    """An index that reaches for the REST layer breaks the engine's layers."""
    found = lint_a_copy(
        tmp_path,
        ROOT / "djangoes_engine" / "djangoes_engine",
        "index.py",
        "from djangoes_engine.rest import routes",
    )
    assert "The engine's layers point down" in found and "BROKEN" in found, found
    assert "djangoes_engine.index -> djangoes_engine.rest" in found, found


@pytest.mark.slow
def test_types_check() -> None:
    result = run([sys.executable, "-m", "mypy"])
    assert result.returncode == 0, output(result)
