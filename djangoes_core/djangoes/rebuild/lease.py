"""The lease of a running rebuild: what tells a rebuild that runs from one whose process died.

A rebuild's journal holds a lease: an expiry time and an owner, first in the journal's
``_meta``, then in a document (``_id`` ``djangoes-lease``) that the rebuild rewrites from a
thread every quarter of ``ES_REBUILD_LEASE``, whatever its main thread is doing (a long copy, a
final pass). A process that dies (SIGKILL, out of memory, a lost machine) stops renewing it, and
the lease expires: whoever meets the rebuild then (a write, a command) may take the lease over
and undo the rebuild (see :mod:`.healing`).

Every write of the lease is conditional on the version read before it (``if_seq_no``, or
``op_type=create`` for the first): of a renewal and a takeover, one only succeeds, so a rebuild
whose lease is renewed is never taken over. Writes go through the marker alias with
``require_alias``: once the marker is gone (moved by the swap, removed by a healer), no lease
can be written, and no write can create a journal index again.

Expiry times are wall-clock times of the machine that wrote them: the machines involved must
agree on the time to well within three quarters of a lease (NTP does).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from .. import conf
from ..backends.library import api_errors, plain, server_errors, status_of, transport_errors
from .steps import Steps, run

logger = logging.getLogger("djangoes.rebuild")

#: The ``_id`` of the lease document in a journal.
LEASE_ID = "djangoes-lease"
#: A rebuild renews its lease this many times per lease: three renewals may fail in a row.
RENEWALS = 4


@dataclass(frozen=True)
class Lease:
    #: When it expires: ``time.time()`` seconds (infinite for a rebuild of a djangoes that had
    #: no leases: it may be running, and is never taken over without a human).
    expires: float
    owner: str
    #: The version of the lease document; None before one is written (the ``_meta`` lease).
    seq_no: int | None = None
    primary_term: int | None = None

    def remaining(self) -> float:
        return self.expires - time.time()

    def expired(self) -> bool:
        return self.remaining() <= 0


def seconds() -> float:
    return conf.rebuild_setting("ES_REBUILD_LEASE")


def owner(role: str) -> str:
    """Who holds a lease, for the logs and ``es_check``: ``rebuild host pid 123 (1a2b3c4d)``."""
    return f"{role} {socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"


def initial(state: dict[str, Any]) -> Lease:
    """The lease a rebuild records in its journal's ``_meta``, before its first renewal."""
    return Lease(float(state.get("expires", math.inf)), state.get("owner", "an older djangoes"))


def from_document(document: dict[str, Any]) -> Lease | None:
    """The lease of a ``GET``/``mget`` answer for ``LEASE_ID``; None if there is none."""
    if not document.get("found"):
        return None
    source = document["_source"]
    return Lease(
        float(source["expires"]), source["owner"], document["_seq_no"], document["_primary_term"]
    )


def take(marker: str, lease: Lease, owner: str, length: float) -> Steps:
    """Write a lease of ``length`` seconds for ``owner``, if ``lease`` is still the current one;
    the new lease. A conflict (409: renewed or taken meanwhile) or a missing marker (404) is
    raised."""
    if lease.seq_no is None:
        condition: dict[str, Any] = {"op_type": "create"}
    else:
        condition = {"if_seq_no": lease.seq_no, "if_primary_term": lease.primary_term}
    expires = time.time() + length
    document = {"kind": "lease", "expires": expires, "owner": owner}
    response = yield lambda client: client.index(
        index=marker, id=LEASE_ID, document=document, require_alias=True, **condition
    )
    return Lease(expires, owner, response["_seq_no"], response["_primary_term"])


class Renewal:
    """Renews a rebuild's lease from a thread until stopped; ``lost`` says why it could not."""

    def __init__(self, client: Any, marker: str, journal: str, lease: Lease, length: float):
        self.client = client
        self.marker = marker
        self.journal = journal
        self.lease = lease
        self.length = length
        #: Why the lease is no longer the rebuild's, once it is not.
        self.lost: str | None = None
        #: Who took it over, if someone did.
        self.taken_by: str | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease {journal}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """No renewal is under way once this returns (at most one request's time later)."""
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while not self._stopped.is_set() and self.lost is None:
            self.renew()
            self._stopped.wait(self.length / RENEWALS)

    def renew(self) -> None:
        try:
            self.lease = run(
                take(self.marker, self.lease, self.lease.owner, self.length), self.client
            )
        except api_errors() as error:
            if status_of(error) == 404:
                self.lost = f"its marker {self.marker!r} was removed"
            elif status_of(error) == 409:
                self._conflict()
            else:
                logger.warning("a rebuild could not renew its lease (%s): %s", self.journal, error)
        except transport_errors() as error:  # tried again next time, well before the lease expires
            logger.warning("a rebuild could not renew its lease (%s): %s", self.journal, error)

    def _conflict(self) -> None:
        """Taken over, unless the conflict is with this rebuild's own renewal whose answer was
        lost (a timeout): then the lease read is still its own."""
        try:
            found = self.client.get(index=self.journal, id=LEASE_ID)
        except server_errors() as error:
            logger.warning("a rebuild could not read its lease (%s): %s", self.journal, error)
            return
        current = from_document(plain(found))
        if current is not None and current.owner == self.lease.owner:
            self.lease = current
        else:
            self.taken_by = current.owner if current else "another process"
            self.lost = f"its lease was taken over by {self.taken_by}"
