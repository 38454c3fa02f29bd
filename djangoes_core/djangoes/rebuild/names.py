"""The names a rebuild gives what it creates, derived from an index's configured ``NAME``."""

from __future__ import annotations

import re
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


def pattern(name: str) -> str:
    """What matches every index a rebuild of ``name`` makes: the versioned ones and journals."""
    return f"{name}__*"


def is_versioned(name: str, index: str) -> bool:
    """Whether ``index`` is a versioned index of ``name`` (``blog__20261125t103000``)."""
    return index.startswith(name) and _VERSIONED.fullmatch(index[len(name) :]) is not None


def is_journal(name: str, index: str) -> bool:
    return index.endswith(JOURNAL_SUFFIX) and is_versioned(name, index[: -len(JOURNAL_SUFFIX)])


_VERSIONED = re.compile(r"__\d{8}t\d{6}(_\d+)?")


def versioned(name: str, exists: Callable[[str], bool], now: datetime | None = None) -> str:
    """``NAME__<UTC time>`` (index names are lowercase: ``20261125t103000``), made unique."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S")
    candidate = f"{name}__{stamp}"
    number = 1
    while exists(candidate):
        number += 1
        candidate = f"{name}__{stamp}_{number}"
    return candidate
