"""What a connection knows of the rebuilds running on its indices.

A rebuild announces itself with a marker alias on its journal index. A connection that writes
looks its markers up in one request, and trusts the answer for ``ES_REBUILD_TTL`` seconds: a
rebuild waits longer than that before it copies anything, so every write made during the copy
knows of it. The answer is kept per transport, which a connection shares with its
``options()`` copies (what ``elasticsearch.helpers`` use).
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Iterable
from typing import Any

from .. import conf
from ..backends.library import lenient, plain
from .steps import Steps


class Markers:
    """The markers found at the last lookup, each with its journal index."""

    def __init__(self) -> None:
        self.checked_at = -math.inf
        self.journals: dict[str, str] = {}
        #: {journal: when its lease expires (``time.time()``)}, as last read: until then, the
        #: rebuild is known to be alive (see :mod:`.healing`).
        self.expires: dict[str, float] = {}

    def fresh(self) -> bool:
        return time.monotonic() - self.checked_at < ttl()

    def forget(self, marker: str) -> None:
        """The rebuild behind ``marker`` has ended (its journal is gone, or going)."""
        journal = self.journals.pop(marker, None)
        if journal is not None:
            self.expires.pop(journal, None)


_KNOWN: weakref.WeakKeyDictionary[Any, Markers] = weakref.WeakKeyDictionary()


def ttl() -> float:
    return conf.rebuild_setting("ES_REBUILD_TTL")


def of(connection: Any) -> Markers:
    transport = connection.client.transport
    known = _KNOWN.get(transport)
    if known is None:
        known = _KNOWN[transport] = Markers()
    return known


def lookup(connection: Any, markers: Iterable[str], *, force: bool = False) -> Steps:
    """The running rebuilds among ``markers``: {marker: journal index}, at most TTL old."""
    known = of(connection)
    if force or not known.fresh():
        started = time.monotonic()
        response = yield lambda client: lenient(client).indices.get_alias(
            name=sorted(set(markers)), expand_wildcards="all"
        )
        known.journals = journals(plain(response))
        live = set(known.journals.values())
        known.expires = {j: e for j, e in known.expires.items() if j in live}
        known.checked_at = started
    return known.journals


def journals(body: Any) -> dict[str, str]:
    """{marker: journal index} from a ``GET /_alias/<markers>`` answer (a 404 lists the found)."""
    found = {}
    for index, entry in body.items():
        if isinstance(entry, dict):
            for alias in entry.get("aliases") or {}:
                found[alias] = index
    return found
