"""Which connections a server keeps when it has too many, and which it times out: the policy of
every djangoes server, written once.

The gateways' threaded server (:mod:`djangoes_gateway.serving`) and the engine's asyncio HTTP
server each keep a :class:`ConnectionTable`. A connection is, at any moment:

* *reading* a request, since its first byte (since the connection opened, for its first
  request), and cut if the request has not arrived whole within ``read_timeout``: a client
  that trickles bytes (slowloris) holds nothing for long;
* *idle* between requests, since its last reply, and cut after ``idle_timeout``;
* *busy* running a request, and never cut for it (only when its server stops);
* *refusing*: over the cap while every connection is busy, being told so (at most
  ``max_refusing`` at once; beyond them a newcomer is closed without a word).

At the cap (``max_connections`` reading, idle or busy), a newcomer makes room by evicting the
connection that has been idle or reading the longest, so idle connections never lock active
clients out; only when every connection is busy is the newcomer refused. A warning says that
load is being shed, with the counts, at most every :data:`WARN_EVERY` seconds.

The table holds no sockets, takes no locks and reads no clock: its server calls it under its
own lock (or from its event loop) with the time, and closes what the table cuts through the
``close`` callback it gave the table.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from itertools import islice
from typing import Generic, TypeVar

__all__ = [
    "BUSY",
    "IDLE",
    "READING",
    "REFUSED",
    "REFUSING",
    "WARN_EVERY",
    "ConnectionTable",
]

logger = logging.getLogger(__name__)

READING, IDLE, BUSY, REFUSING = "reading", "idle", "busy", "refusing"
#: What :meth:`ConnectionTable.admit` answers for a newcomer to close at once.
REFUSED = "refused"
#: A warning about shedding load is logged at most this often (with counts), not per connection.
WARN_EVERY = 60.0

C = TypeVar("C", bound=Hashable)


class ConnectionTable(Generic[C]):
    """The open connections of one server: their states, the cap, the timeouts, the counts.

    ``close(connection, reason)`` is called for each connection the table cuts, the reason
    being ``"evicted"``, ``"idle"``, ``"read timeout"`` or what :meth:`cut` was given.
    """

    def __init__(
        self,
        max_connections: int,
        idle_timeout: float | None,
        read_timeout: float | None,
        close: Callable[[C, str], None],
        *,
        max_refusing: int = 0,
        name: str = "server",
        log: logging.Logger = logger,
    ) -> None:
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        for option, value in (("idle_timeout", idle_timeout), ("read_timeout", read_timeout)):
            if value is not None and value <= 0:
                raise ValueError(f"{option} must be positive (or None for none), not {value}")
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self.read_timeout = read_timeout
        self.max_refusing = max_refusing
        self.name = name
        self.log = log
        self._close = close
        # Since when each connection waits, oldest first: the head is what goes first.
        self.reading: OrderedDict[C, float] = OrderedDict()
        self.idle: OrderedDict[C, float] = OrderedDict()
        self.refusing: OrderedDict[C, float] = OrderedDict()
        self.busy: set[C] = set()
        self.accepted = self.evicted = self.refused = 0
        self.idle_timeouts = self.read_timeouts = self.peak = 0
        timeouts = [t for t in (idle_timeout, read_timeout) if t is not None]
        #: How often the server should :meth:`sweep`: a quarter of the shortest timeout, kept
        #: within 0.05 and 1 s.
        self.tick = min(1.0, max(0.05, min(timeouts, default=4.0) / 4))
        self._warned: float | None = None

    @property
    def open(self) -> int:
        """How many connections are served: reading, idle or busy."""
        return len(self.reading) + len(self.idle) + len(self.busy)

    def state(self, connection: C) -> str | None:
        """What ``connection`` is doing; None once it is cut or closed."""
        for state, table in ((IDLE, self.idle), (READING, self.reading), (BUSY, self.busy)):
            if connection in table:
                return state
        return REFUSING if connection in self.refusing else None

    def stats(self) -> dict[str, int]:
        """Counts since the start: connections accepted, closed by the server (evicted at the
        cap, idle, too slow to send a request) and refused; open now and at the peak."""
        return {
            "accepted": self.accepted,
            "open": self.open,
            "busy": len(self.busy),
            "peak_connections": self.peak,
            "evicted": self.evicted,
            "idle_timeouts": self.idle_timeouts,
            "read_timeouts": self.read_timeouts,
            "refused": self.refused,
        }

    def admit(self, connection: C, now: float) -> str:
        """Take a new connection: :data:`READING` (serve it), :data:`REFUSING` (tell it the
        server is busy, then close it) or :data:`REFUSED` (close it now)."""
        if self.open >= self.max_connections:
            victim = self._longest_waiting()
            if victim is None:
                self.refused += 1
                self._warn_at_the_cap(now)
                if len(self.refusing) >= self.max_refusing:
                    return REFUSED
                self.refusing[connection] = now
                return REFUSING
            self.cut(victim, "evicted")
            self._warn_at_the_cap(now)
        self.accepted += 1
        self.reading[connection] = now
        self.peak = max(self.peak, self.open)
        return READING

    def move(self, connection: C, state: str, now: float) -> bool:
        """``connection`` is ``state`` (reading, idle or busy) since ``now``. False if it is
        not served (cut, closed, or being refused): a request must not run for it."""
        if not self._forget(connection):
            return False
        if state == BUSY:
            self.busy.add(connection)
        else:
            (self.idle if state == IDLE else self.reading)[connection] = now
        return True

    def closed(self, connection: C) -> None:
        """``connection`` is gone, whoever closed it."""
        self._forget(connection)
        self.refusing.pop(connection, None)

    def cut(self, connection: C, reason: str) -> None:
        """Count and close ``connection`` for ``reason``, unless it is gone already."""
        if not self._forget(connection) and self.refusing.pop(connection, None) is None:
            return
        if reason == "evicted":
            self.evicted += 1
        elif reason == "idle":
            self.idle_timeouts += 1
        elif reason == "read timeout":
            self.read_timeouts += 1
        self._close(connection, reason)

    def cut_waiting(self, reason: str = "stopping") -> None:
        """Cut every connection not running a request."""
        for connection in [*self.idle, *self.reading, *self.refusing]:
            self.cut(connection, reason)

    def cut_all(self, reason: str = "stopping") -> None:
        """Cut every connection, those running a request included."""
        self.cut_waiting(reason)
        for connection in list(self.busy):
            self.cut(connection, reason)

    def sweep(self, now: float) -> None:
        """Cut the connections idle longer than ``idle_timeout``, and those whose request has
        taken longer than ``read_timeout`` to arrive (or to be refused). Each table is in age
        order: only its expired head is visited."""
        for table, timeout, reason in (
            (self.idle, self.idle_timeout, "idle"),
            (self.reading, self.read_timeout, "read timeout"),
            (self.refusing, self.read_timeout, "read timeout"),
        ):
            if timeout is None:
                continue
            while table:
                connection, since = next(iter(table.items()))
                if now - since < timeout:
                    break
                self.cut(connection, reason)

    def _forget(self, connection: C) -> bool:
        """Take ``connection`` out of the served; False if it was not served."""
        if self.idle.pop(connection, None) is not None:
            return True
        if self.reading.pop(connection, None) is not None:
            return True
        if connection in self.busy:
            self.busy.discard(connection)
            return True
        return False

    def _longest_waiting(self) -> C | None:
        """What to evict: the connection idle or reading the longest (idle first on a tie);
        None if every connection is busy."""
        heads = [
            (since, c)
            for table in (self.idle, self.reading)
            for c, since in islice(table.items(), 1)
        ]
        return min(heads, key=lambda head: head[0])[1] if heads else None

    def _warn_at_the_cap(self, now: float) -> None:
        if self._warned is None or now - self._warned >= WARN_EVERY:
            self._warned = now
            self.log.warning(
                "%s: at the cap of %d connections, shedding load: %d evicted (idle or "
                "incomplete the longest), %d refused (all were running requests), so far",
                self.name,
                self.max_connections,
                self.evicted,
                self.refused,
            )
