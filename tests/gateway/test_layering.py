"""Dependencies go one way: the gateway toolkit depends on no djangoes distribution, and the core
imports neither the toolkit nor the engine (the transports and the engine depend on them)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def imported(package: Path) -> set[str]:
    """The top-level names every module under ``package`` imports, lazily or not."""
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return names


def requirements(folder: str) -> set[str]:
    project = tomllib.loads((ROOT / folder / "pyproject.toml").read_text())["project"]
    return {r.split(">")[0].split("=")[0].split(";")[0].strip() for r in project["dependencies"]}


def test_the_toolkit_needs_the_standard_library_and_urllib3_only() -> None:
    names = imported(ROOT / "djangoes_gateway" / "djangoes_gateway")
    assert names - sys.stdlib_module_names == {"urllib3"}
    assert requirements("djangoes_gateway") == {"urllib3"}


def test_the_core_imports_no_gateway_and_no_engine() -> None:
    names = imported(ROOT / "djangoes_core" / "djangoes")
    assert not names & {"djangoes_gateway", "djangoes_engine"}
    assert not requirements("djangoes_core") & {"djangoes-gateway", "djangoes-engine"}


@pytest.mark.parametrize(
    ("folder", "needs"),
    [
        ("djangoes_backends_thrift", {"djangoes-core", "djangoes-gateway"}),
        ("djangoes_backends_memcached", {"djangoes-core", "djangoes-gateway"}),
        ("djangoes_engine", {"djangoes-gateway"}),
    ],
)
def test_who_depends_on_the_toolkit(folder: str, needs: set[str]) -> None:
    assert {name for name in requirements(folder) if name.startswith("djangoes")} == needs


def test_importing_the_toolkit_loads_neither_django_nor_djangoes() -> None:
    code = (
        "import sys, djangoes_gateway.cli, djangoes_gateway.content; "
        "print(sorted({m.partition('.')[0] for m in sys.modules} & "
        "{'django', 'djangoes', 'elasticsearch', 'djangoes_engine'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
