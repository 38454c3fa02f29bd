"""One version for every distribution (scripts/version.py): each ``pyproject.toml`` has it, and
every dependency on one of ours pins it, so that pip never mixes ours with an older djangoes
from a package index."""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "version.py"
tool = runpy.run_path(str(SCRIPT))


def copy_of_the_workspace(target: Path) -> Path:
    """The root's and the members' ``pyproject.toml``, alone, in ``target``."""
    for path in tool["pyprojects"](ROOT):
        destination = target / path.relative_to(ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, destination)
    return target


def test_every_version_and_pin_follows_the_root_version() -> None:
    assert tool["check"](ROOT) == []
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "check"], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_the_installed_distributions_have_the_version() -> None:
    """What uv installed from the workspace (uv.lock) is the version the files say."""
    expected = tool["version"](ROOT)
    for name in sorted(tool["ours"](ROOT)):
        assert version(name) == expected, name


def test_check_names_a_member_whose_version_differs(tmp_path: Path) -> None:
    root = copy_of_the_workspace(tmp_path)
    engine = root / "djangoes_engine" / "pyproject.toml"
    current = f'version = "{tool["version"](root)}"'
    engine.write_text(engine.read_text().replace(current, 'version = "9.9"'))
    assert tool["check"](root) == [
        f"djangoes_engine/pyproject.toml: version '9.9', not {tool['version'](root)!r}"
    ]


@pytest.mark.parametrize("pin", ["djangoes-core", "djangoes-core>=1", "djangoes-core==0.9"])
def test_check_names_a_dependency_that_does_not_pin_the_version(tmp_path: Path, pin: str) -> None:
    root = copy_of_the_workspace(tmp_path)
    http = root / "djangoes_backends_http" / "pyproject.toml"
    current = f'"djangoes-core=={tool["version"](root)}"'
    assert current in http.read_text()
    http.write_text(http.read_text().replace(current, f'"{pin}"'))
    (wrong,) = tool["check"](root)
    assert wrong.startswith(f"djangoes_backends_http/pyproject.toml: '{pin}' does not pin")


def test_set_writes_every_version_and_pin(tmp_path: Path) -> None:
    root = copy_of_the_workspace(tmp_path)
    changed = tool["write"]("2.0.0rc1", root)
    assert changed == tool["pyprojects"](root)
    assert tool["version"](root) == "2.0.0rc1"
    assert tool["check"](root) == []
    text = (root / "pyproject.toml").read_text()
    assert '"djangoes-backends-embedded==2.0.0rc1"' in text
    assert '"aiohttp>=3.9"' in text  # a third party's requirement is left as it was


def test_set_refuses_what_is_no_version(tmp_path: Path) -> None:
    root = copy_of_the_workspace(tmp_path)
    with pytest.raises(tool["InvalidVersion"]):
        tool["write"]("one", root)
    assert tool["check"](root) == []
