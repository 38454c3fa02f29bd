"""``djangoes-embedded serve`` as a real subprocess, for tests that need a separate server."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import IO


def serve(data: Path | None = None, stderr: IO[str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start the server on a free 127.0.0.1 port; return the process and its URL.

    Its error output goes to ``stderr`` (a file) if given, for a long-lived server that may log
    a lot; otherwise to a pipe, read only if it fails to start.
    """
    command = [sys.executable, "-m", "djangoes_backends_embedded.cli", "serve", "--port", "0"]
    if data is not None:
        command += ["--data", str(data)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=stderr or subprocess.PIPE, text=True
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
