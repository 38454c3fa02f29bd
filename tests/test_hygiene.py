"""The suite's own hygiene: it leaves the temporary directory as it found it, fails on a warning
no test asserts, writes its figures to a file and says how to run what it skips.

Each check runs pytest itself in a subprocess, on small test files written here or on the
suite's own tests, with a temporary directory (``$TMPDIR``) of its own standing for the
machine's, so that what a run leaves there can be listed exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.temporary import PREFIX

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def pytest_run(
    args: list[str], *, cwd: Path, machine_tmp: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m pytest ARGS`` in ``cwd``, with ``machine_tmp`` as its ``$TMPDIR``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGOES_"))}
    environ.update(TMPDIR=str(machine_tmp), MACHINE_TMP=str(machine_tmp), PYTHONPATH=str(ROOT))
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def project(tmp_path: Path, tests: str) -> Path:
    """A folder with ``test_it.py`` whose run uses the suite's temporary-directory plugin."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "conftest.py").write_text('pytest_plugins = ["tests.temporary"]\n')
    (folder / "test_it.py").write_text(textwrap.dedent(tests))
    return folder


CLEAN = """
    import os, subprocess, sys, tempfile
    from pathlib import Path

    def test_tmp_path_and_tempfile_are_the_runs(tmp_path):
        run = Path(os.environ["TMPDIR"]).parent
        assert run.name.startswith("djangoes-tests-")
        assert run.parent == Path(os.environ["MACHINE_TMP"])  # one for the run, workers too
        assert tmp_path.is_relative_to(run / "pytest")
        assert Path(tempfile.gettempdir()) == run / "tmp"
        (tmp_path / "data").write_bytes(b"x" * 100_000)

    def test_what_cleans_up_after_itself_leaves_nothing():
        with tempfile.TemporaryDirectory() as directory:
            (Path(directory) / "f").write_text("x")
        code = "import tempfile, os; f, p = tempfile.mkstemp(); os.close(f); os.remove(p)"
        subprocess.run([sys.executable, "-c", code], check=True)

    def test_a_failing_test_fails_as_usual(tmp_path):
        (tmp_path / "kept-until-the-end").write_text("x")
        assert 1 / 0
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_run_leaves_the_temporary_directory_as_it_found_it(
    tmp_path: Path, workers: list[str]
) -> None:
    machine = tmp_path / "machine-tmp"
    machine.mkdir()
    (machine / "someone-elses").write_text("kept")
    alive = machine / f"{PREFIX}{os.getpid()}-running"  # a run still going on: its pid lives
    alive.mkdir()
    killed = machine / f"{PREFIX}999999999-killed"  # beyond any pid: a run that was killed
    (killed / "tmp").mkdir(parents=True)
    (killed / "tmp" / "left").write_text("x")
    result = pytest_run([*workers], cwd=project(tmp_path, CLEAN), machine_tmp=machine)
    output = result.stdout + result.stderr
    assert "1 failed, 2 passed" in output, output
    assert "temporary files left behind" not in output
    assert sorted(entry.name for entry in machine.iterdir()) == [alive.name, "someone-elses"]


def test_what_a_run_leaves_is_named_and_fails_it(tmp_path: Path) -> None:
    machine = tmp_path / "machine-tmp"
    machine.mkdir()
    tests = """
        import subprocess, sys, tempfile

        def test_leaks_a_directory_a_file_and_a_subprocess_file():
            tempfile.mkdtemp(prefix="leaked-dir-")
            tempfile.NamedTemporaryFile(prefix="leaked-file-", delete=False).close()
            code = "import tempfile; tempfile.mkstemp(prefix='leaked-by-a-child-')"
            subprocess.run([sys.executable, "-c", code], check=True)
    """
    result = pytest_run([], cwd=project(tmp_path, tests), machine_tmp=machine)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 passed" in output
    assert "temporary files left behind" in output
    for prefix in ("leaked-dir-", "leaked-file-", "leaked-by-a-child-"):
        assert f"\n  {prefix}" in output, output
    assert list(machine.iterdir()) == []  # named, then removed with the run's directory


def test_keep_tmp_keeps_the_runs_directory_and_says_where(tmp_path: Path) -> None:
    machine = tmp_path / "machine-tmp"
    machine.mkdir()
    folder = project(tmp_path, CLEAN)
    result = pytest_run([], cwd=folder, machine_tmp=machine, env={"DJANGOES_KEEP_TMP": "1"})
    output = result.stdout + result.stderr
    [kept] = list(machine.iterdir())
    assert f"temporary files kept (DJANGOES_KEEP_TMP=1) in {kept}" in output
    assert list((kept / "tmp").iterdir()) == []
    data = kept / "pytest" / "test_tmp_path_and_tempfile_are0" / "data"
    assert data.stat().st_size == 100_000


def test_a_warning_no_test_asserts_fails_it(tmp_path: Path) -> None:
    """The suite's own configuration (``pyproject.toml``) on tests outside it."""
    (tmp_path / "test_warnings.py").write_text(
        textwrap.dedent(
            """
            import warnings
            import pytest

            def old():
                warnings.warn("old() is deprecated", DeprecationWarning, stacklevel=2)
                return 1

            def test_asserted():
                with pytest.warns(DeprecationWarning, match="deprecated"):
                    assert old() == 1

            def test_unasserted():
                assert old() == 1

            def test_another_kind():
                warnings.warn("careful", UserWarning)
            """
        )
    )
    config = ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "-p", "no:xdist"]
    result = pytest_run(
        [*config, "-o", "addopts=-ra", str(tmp_path / "test_warnings.py")],
        cwd=tmp_path,
        machine_tmp=tmp_path,
    )
    output = result.stdout + result.stderr
    assert "2 failed, 1 passed" in output, output
    assert "FAILED test_warnings.py::test_unasserted - DeprecationWarning: old()" in output
    assert "FAILED test_warnings.py::test_another_kind - UserWarning: careful" in output
    assert "warnings summary" not in output


def test_the_reliability_figures_go_to_a_file(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    test = "tests/reliability/test_secrets.py::test_the_commands_never_show_credentials"
    result = pytest_run(
        ["-q", test],
        cwd=ROOT,
        machine_tmp=tmp_path,
        env={"DJANGOES_FIGURES_DIR": str(reports)},
    )
    output = result.stdout + result.stderr
    assert "1 passed" in output, output
    text = reports / "reliability-figures.txt"
    assert f"djangoes reliability figures (1): {text} (and reliability-figures.json)" in output
    assert "secrets[commands]: commands_run=5" not in output  # only in the file
    assert text.read_text().startswith("secrets[commands]: commands_run=5, characters_searched=")
    figures = json.loads((reports / "reliability-figures.json").read_text())
    assert figures["secrets[commands]"]["commands_run"] == 5


def test_the_conformance_skips_say_how_to_run_them(tmp_path: Path) -> None:
    missing = tmp_path / "no-conformance-data"
    result = pytest_run(
        ["-q", "-rs", "tests/conformance"],
        cwd=ROOT,
        machine_tmp=tmp_path,
        env={"DJANGOES_CONFORMANCE_DIR": str(missing)},
    )
    output = result.stdout + result.stderr
    skipped = [line for line in output.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 9, output
    for line in skipped:
        assert f"needs the YAML REST conformance data at {missing}" in line
        assert "DJANGOES_CONFORMANCE_DIR=" in line and "tests/conformance/README.md" in line
    assert (ROOT / "tests" / "conformance" / "README.md").is_file()
    assert "tests/conformance/README.md" in (ROOT / "README.md").read_text()
