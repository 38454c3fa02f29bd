"""``djangoes-embedded serve`` as a real subprocess, for tests that need a separate server."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO


def serve(
    data: Path | str | None = None,
    stderr: IO[str] | None = None,
    *,
    args: Sequence[str] = (),
    nofile: int | None = None,
    prefix: Sequence[str] = (),
) -> tuple[subprocess.Popen, str]:
    """Start the server on a free 127.0.0.1 port; return the process and its URL.

    Its error output goes to ``stderr`` (a file) if given, for a long-lived server that may log
    a lot; otherwise to a pipe, read only if it fails to start. ``args`` are more options of
    ``serve``; ``nofile`` limits the server's file descriptors (soft and hard); ``prefix`` runs
    it through another command (``nsenter ...``).
    """
    command = [*prefix, sys.executable, "-m", "djangoes_engine.cli", "serve"]
    command += ["--port", "0", *args]
    if data is not None:
        command += ["--data", str(data)]

    def limit() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=stderr or subprocess.PIPE,
        text=True,
        preexec_fn=limit if nofile is not None else None,
    )
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        detail = process.stderr.read() if process.stderr else ""
        raise AssertionError(f"server did not start: {line!r} {detail}")
    return process, line.strip().rpartition(" ")[2]


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)


def terminate(process: subprocess.Popen, timeout: float) -> float:
    """SIGTERM, and the seconds the server took to exit (AssertionError after ``timeout``)."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        kill(process)
        raise AssertionError(f"the server ignored SIGTERM for {timeout} s") from None
    return time.monotonic() - started
