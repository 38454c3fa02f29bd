"""The README's commands start on any python3 with pip, externally managed (PEP 668) or not.

Debian's and Ubuntu's own python3 carry an ``EXTERNALLY-MANAGED`` file in their standard
library's folder, and their pip then refuses ``pip install uv`` (``externally-managed-
environment``). The README installs uv with ``pip install --target .uv``, which pip allows there
(the check is skipped for ``--target``, ``--prefix`` and ``--root``: pip's
``commands/install.py``), and runs ``.uv/bin/uv``.

Each test makes a python of its own: a copy of this suite's base interpreter in a new prefix
whose standard library is linked to the real one, with pip from ``ensurepip`` and nothing else;
with the marker file, pip refuses a plain install (asserted first: the simulation is real). In
a ``git clone`` of this repository, the README's demo command runs up to uv, and uv then makes
the workspace's environment from ``uv.lock`` and imports djangoes; the demo and the suite
themselves are other tests' business.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

pytestmark = pytest.mark.slow


def readme_command(marker: str) -> str:
    """The one-line command after ``<!-- marker -->`` in the README."""
    found = re.search(rf"<!-- {marker} -->\n```sh\n(.+)\n```", README.read_text())
    assert found, f"no command after <!-- {marker} --> in README.md"
    return found[1]


def make_python(prefix: Path, *, externally_managed: bool) -> Path:
    """A python3 of its own in ``prefix``: the base interpreter's binary, its standard library
    linked, pip from ensurepip, and the EXTERNALLY-MANAGED marker if asked; returns its bin/."""
    base = Path(sys.base_prefix)
    stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": str(base)}))
    libdir = prefix / stdlib.relative_to(base)
    libdir.mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name not in {"site-packages", "dist-packages", "EXTERNALLY-MANAGED"}:
            (libdir / entry.name).symlink_to(entry)
    (libdir / "site-packages").mkdir()
    for entry in stdlib.parent.iterdir():  # libpython and the like, beside the standard library
        if entry != stdlib and not (prefix / "lib" / entry.name).exists():
            (prefix / "lib" / entry.name).symlink_to(entry)
    bindir = prefix / "bin"
    bindir.mkdir()
    version = sysconfig.get_config_var("VERSION")
    executable = bindir / f"python{version}"
    shutil.copy2(os.path.realpath(sys._base_executable), executable)  # type: ignore[attr-defined]
    for name in ("python3", "python"):
        (bindir / name).symlink_to(executable.name)
    python = bindir / "python3"
    code = "import sys, sysconfig; print(sys.prefix, sysconfig.get_path('stdlib'))"
    where = subprocess.run(
        [str(python), "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=clean_environment(bindir),
    ).stdout.split()
    assert where == [str(prefix), str(libdir)]
    subprocess.run(
        [str(python), "-m", "ensurepip", "--default-pip"],
        capture_output=True,
        check=True,
        timeout=300,
        env=clean_environment(bindir),
    )
    if externally_managed:
        (libdir / "EXTERNALLY-MANAGED").write_text(
            "[externally-managed]\nError=This python is managed by the test's make_python.\n"
        )
    return bindir


def clean_environment(bindir: Path) -> dict[str, str]:
    """This process's environment without its virtualenv, uv's settings or uv on PATH, with
    ``bindir``'s python3 first on PATH and uv held to the pythons it finds. uv's cache is
    shared: with uv.lock's packages there, as after the README's commands, uv downloads none."""
    path = [
        entry
        for entry in os.environ["PATH"].split(os.pathsep)
        if entry and not (Path(entry) / "uv").exists() and Path(entry) != Path(sys.prefix) / "bin"
    ]
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("UV_", "VIRTUAL_ENV", "PYTHON", "CONDA")) and name != "UV"
    }
    if "UV_CACHE_DIR" in os.environ:
        environment["UV_CACHE_DIR"] = os.environ["UV_CACHE_DIR"]
    environment["PATH"] = os.pathsep.join([str(bindir), *path])
    environment["UV_PYTHON_DOWNLOADS"] = "never"  # as .ci/run: the python on PATH, no other
    return environment


def shell(command: str, cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A temporary folder removed after the test: the clone's .venv is hundreds of MB."""
    with tempfile.TemporaryDirectory(prefix="djangoes-readme-") as folder:
        yield Path(folder)


@pytest.fixture
def clone(scratch: Path) -> Path:
    """A fresh ``git clone`` of this repository (its committed state)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    target = scratch / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True, timeout=300)
    return target


def test_the_readme_commands_install_uv_with_pip_target() -> None:
    """The three commands (demo, tests, server) start the same way, on one line each."""
    setup = "python3 -m pip install --quiet --upgrade --target .uv uv && .uv/bin/uv run --locked "
    commands = [readme_command("demo-command"), readme_command("test-command")]
    server = re.search(r"```sh\n(.+djangoes-embedded serve.+)\n```", README.read_text())
    assert server, "no server command in README.md"
    for command in [*commands, server[1]]:
        assert command.startswith(setup), command
    assert "/.uv/" in (ROOT / ".gitignore").read_text().splitlines()


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run's own extraction finds the README's test command, whole."""
    script = (ROOT / ".ci" / "run").read_text()
    extraction = re.search(r"command=\$\((awk .+ README\.md)\)", script)
    assert extraction, "no extraction of the test command in .ci/run"
    found = subprocess.run(
        ["bash", "-c", extraction[1]], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == readme_command("test-command")


@pytest.mark.parametrize("externally_managed", [True, False], ids=["pep668", "plain"])
def test_the_demo_command_starts_on_a_fresh_clone(
    scratch: Path, clone: Path, externally_managed: bool
) -> None:
    bindir = make_python(scratch / "python", externally_managed=externally_managed)
    environment = clean_environment(bindir)
    assert shutil.which("uv", path=environment["PATH"]) is None

    refused = shell("python3 -m pip install --quiet uv", scratch, environment)
    if externally_managed:  # the simulation is real: this is what the README used to run
        assert refused.returncode != 0
        assert "externally-managed-environment" in refused.stderr
    else:
        assert refused.returncode == 0, refused.stderr
        removed = shell("python3 -m pip uninstall --yes --quiet uv", scratch, environment)
        assert removed.returncode == 0, removed.stderr

    install, run = readme_command("demo-command").split(" && ", 1)
    result = shell(install, clone, environment)
    assert result.returncode == 0, result.stderr
    version = shell(".uv/bin/uv --version", clone, environment)
    assert version.returncode == 0 and version.stdout.startswith("uv "), version.stderr

    # The README's uv run, with the demo replaced by an import of what it would run.
    uv_run = run.split(" python ", 1)[0]
    assert uv_run == ".uv/bin/uv run --locked --all-packages --all-extras"
    imported = shell(
        f"{uv_run} python -c {shlex.quote('import djangoes, sys; print(sys.base_prefix)')}",
        clone,
        environment,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == str(scratch / "python")  # the venv is on that python
    assert git_status(clone) == ""  # .uv/ and .venv/ are ignored, uv.lock unchanged


def git_status(clone: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
