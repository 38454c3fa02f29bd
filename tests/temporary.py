"""A temporary directory of the run's own, so that the suite leaves the machine's as it found it.

At start, a fresh ``djangoes-tests-<pid>-*`` directory is made in the temporary directory
(``$TMPDIR``, ``/tmp``), holding:

- ``tmp``: the run's ``$TMPDIR`` (and ``tempfile.tempdir``), which every ``tempfile`` call of the
  tests, of the servers they start and of the commands they run (inherited) falls into;
- ``pytest``: pytest's ``--basetemp`` (``tmp_path``, ``tmp_path_factory``; under pytest-xdist
  each worker's is a folder of it), unless ``--basetemp`` is given;
- ``pytest-of-<user>``: the basetemp of the pytest runs the tests start (``PYTEST_DEBUG_TEMPROOT``).

At the end, ``tmp`` must be empty: whatever a test, fixture, server or command left there is
named in a "temporary files left behind" section and fails the run (so a leak is fixed where it
is made), but for what other programs keep there by design (:data:`BY_DESIGN`). Then the whole
directory is removed, unless ``DJANGOES_KEEP_TMP=1`` (to look into a failure's ``tmp_path``), in
which case its path is printed. A run that was killed leaves its directory behind; the next run
removes the ones whose process is gone.

Listed in ``pytest_plugins`` (``tests/conftest.py``); pytest-xdist's workers inherit the
controller's ``$TMPDIR`` and basetemp and do nothing of their own.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

#: The prefix of the run directories; the pid that follows tells whether a run is still alive.
PREFIX = "djangoes-tests-"
#: ``DJANGOES_KEEP_TMP=1`` keeps the run directory (its path is printed at the end).
KEEP_ENV = "DJANGOES_KEEP_TMP"
#: What other programs keep in ``$TMPDIR`` by design, removed with the run directory: uv's
#: synchronisation locks (``uv-<hash>.lock``, never deleted: astral-sh/uv#10773), and the
#: basetemps pytest keeps of the runs the tests start with an environment of their own.
BY_DESIGN = ("uv-*.lock", "pytest-of-*")
_STATE = pytest.StashKey["_Run"]()


@dataclass
class _Run:
    """The run directory, and what it replaced, to put back at the end."""

    root: Path
    tmp: Path
    environ_tmpdir: str | None
    tempfile_tempdir: str | None
    left: list[str] = field(default_factory=list)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(parent: Path) -> list[Path]:
    """Remove the run directories in ``parent`` whose run was killed (its pid is gone)."""
    removed = []
    for entry in parent.glob(PREFIX + "*"):
        pid = entry.name.removeprefix(PREFIX).partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)) and entry.is_dir():
            try:
                remove(entry)
            except OSError:  # someone else's, or being removed by another run
                continue
            removed.append(entry)
    return removed


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Before pytest's own ``tmp_path`` plugin reads ``--basetemp``."""
    if _is_xdist_worker(config):
        return
    parent = Path(tempfile.gettempdir())
    remove_stale(parent)
    root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    tmp = root / "tmp"
    tmp.mkdir()
    # A pytest the tests run (a sample project's suite) keeps its basetemp there, not in tmp.
    os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)
    if not config.option.basetemp:
        config.option.basetemp = str(root / "pytest")
    config.stash[_STATE] = _Run(root, tmp, os.environ.get("TMPDIR"), tempfile.tempdir)
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """After every fixture (sessions' too) is torn down: ``tmp`` must be empty."""
    run = session.config.stash.get(_STATE, None)
    if run is None:
        return
    run.left = sorted(
        entry.name
        for entry in run.tmp.iterdir()
        if not any(entry.match(pattern) for pattern in BY_DESIGN)
    )
    if run.left and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run = config.stash.get(_STATE, None)
    if run is None:
        return
    if run.left:
        terminalreporter.section("temporary files left behind", sep="!", red=True)
        terminalreporter.write_line(
            f"{len(run.left)} entries that the tests, their servers or commands made with "
            f"tempfile and did not remove, in {run.tmp}:"
        )
        for name in run.left:
            terminalreporter.write_line(f"  {name}")
    if os.environ.get(KEEP_ENV) == "1":
        terminalreporter.write_line(f"temporary files kept ({KEEP_ENV}=1) in {run.root}")


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_STATE, None)
    if run is None:
        return
    os.environ.pop("PYTEST_DEBUG_TEMPROOT", None)
    if run.environ_tmpdir is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = run.environ_tmpdir
    tempfile.tempdir = run.tempfile_tempdir
    if os.environ.get(KEEP_ENV) != "1":
        try:
            remove(run.root)
        except OSError as error:  # the next run removes it (its pid will be gone)
            print(f"could not remove {run.root}: {error}", file=sys.stderr)


def remove(path: Path) -> None:
    """``rm -rf``, also of what a test made read-only (a full disk, a locked directory)."""

    def writable_then_retry(function: Any, name: str, _: object) -> None:
        os.chmod(os.path.dirname(name), 0o700)
        if os.path.isdir(name) and not os.path.islink(name):
            os.chmod(name, 0o700)
        function(name)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=writable_then_retry)
    else:
        shutil.rmtree(path, onerror=writable_then_retry)
