"""The cluster's one node: who it is, and what the machine it runs on says about itself.

The ``_cat`` and ``_nodes`` APIs report these. Each probe answers None where the platform does
not tell (no ``/proc``), and the APIs then show the value as absent, as Elasticsearch does.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import threading

NODE_ID = "embedded"
NODE_NAME = "embedded"
#: The address the node reports: the engine answers on the loopback (or in-process).
NODE_HOST = "127.0.0.1"
ROLES = ("data", "ingest", "master")
#: What the node says it is built as (``GET /``, ``_cat/nodes``).
BUILD_TYPE = "djangoes-embedded"
BUILD_HASH = "djangoes"
#: ``node.role`` in the ``_cat`` tables: the roles' one-letter abbreviations, sorted.
ROLE_LETTERS = "dim"


def memory() -> tuple[int, int] | None:
    """(total, available) bytes of the machine's memory."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open("/proc/meminfo", encoding="ascii") as handle:
            fields = {line.split(":")[0]: line.split()[1] for line in handle}
        return int(fields["MemTotal"]) * 1024, int(fields["MemAvailable"]) * 1024
    with contextlib.suppress(OSError, ValueError, AttributeError):
        page = os.sysconf("SC_PAGE_SIZE")
        return os.sysconf("SC_PHYS_PAGES") * page, os.sysconf("SC_AVPHYS_PAGES") * page
    return None


_cpu_lock = threading.Lock()
_cpu_last: tuple[int, int] = (0, 0)


def cpu_percent() -> int | None:
    """The machine's CPU use in percent since the last call (since boot, the first time)."""
    global _cpu_last
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            ticks = [int(t) for t in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    total = sum(ticks)
    with _cpu_lock:
        last_total, last_idle = _cpu_last
        _cpu_last = (total, idle)
    spent = total - last_total
    if spent <= 0:
        return 0
    return round(100 * (spent - (idle - last_idle)) / spent)


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except (OSError, AttributeError):
        return None


def open_files() -> tuple[int, int] | None:
    """(open, maximum) file descriptors of this process."""
    try:
        count = len(os.listdir("/proc/self/fd"))
    except OSError:
        return None
    return count, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def disk(path: str | None) -> tuple[int, int] | None:
    """(total, available) bytes of the file system holding ``path``; None without a path."""
    if path is None:
        return None
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None
    return usage.total, usage.free


def processors() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
