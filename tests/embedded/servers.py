"""``djangoes-embedded serve`` as a real subprocess, for tests that need a separate server."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path


def serve(data: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start the server on a free 127.0.0.1 port; return the process and its URL."""
    command = [sys.executable, "-m", "djangoes_backends_embedded.cli", "serve", "--port", "0"]
    if data is not None:
        command += ["--data", str(data)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise AssertionError(f"server did not start: {line!r} {process.stderr.read()}")
    return process, line.strip().rpartition(" ")[2]


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)
