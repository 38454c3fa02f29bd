"""The names a rebuild gives what it creates, derived from an index's configured ``NAME``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: The alias that tells connections a rebuild of ``NAME`` is running: ``blog.djangoes-rebuild``.
MARKER_SUFFIX = ".djangoes-rebuild"
#: The journal of the writes made during a rebuild: ``blog__20261125t103000.djangoes-journal``.
JOURNAL_SUFFIX = ".djangoes-journal"


def marker(name: str) -> str:
    return name + MARKER_SUFFIX


def journal(new: str) -> str:
    return new + JOURNAL_SUFFIX


def versioned(name: str, exists: Callable[[str], bool], now: datetime | None = None) -> str:
    """``NAME__<UTC time>`` (index names are lowercase: ``20261125t103000``), made unique."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S")
    candidate = f"{name}__{stamp}"
    number = 1
    while exists(candidate):
        number += 1
        candidate = f"{name}__{stamp}_{number}"
    return candidate
