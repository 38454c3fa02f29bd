"""What rebuilds left on the server: reported by ``es_check`` and ``es_indices list``, cleaned up
by ``es_indices rebuild --abort``.

* A rebuild running: its journal, with a lease still renewed. Not a problem.
* A rebuild that died: its journal with an expired lease, and perhaps its marker (every write
  journals itself), the write block of its final pass (every write waits, then fails) and the
  half-built index. Writes that meet it heal it, and so do ``es_indices create``, ``delete`` and
  ``rebuild``; until then it is an error.
* An orphan journal: the journal of a rebuild that died after its swap (or after a by-query
  write cancelled it), with its old index. Nothing heals it but a command.
* A write block on the live index with no rebuild running: every write fails.
* An orphan versioned index: ``NAME__<time>``, that no alias points to, that no journal names,
  and that ``--keep-old`` did not keep (djangoes before leases left these).

Each error comes with the command that fixes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..backends.library import lenient, plain
from . import healing, names
from .healing import KEPT, Journal
from .steps import run

OK, WARNING, ERROR = "ok", "warning", "error"


@dataclass(frozen=True)
class Finding:
    #: ``OK``, ``WARNING`` or ``ERROR``.
    level: str
    message: str
    #: The command that fixes it.
    fix: str | None = None

    def __str__(self) -> str:
        return f"{self.message}; run: {self.fix}" if self.fix else self.message


@dataclass
class Server:
    """What the server holds of one configured index: its live index, and the rebuilds' own."""

    name: str
    #: The get-index answer for ``NAME`` and ``NAME__*`` (hidden indices too).
    found: dict[str, Any]
    journals: list[Journal] = field(default_factory=list)

    @property
    def live(self) -> str | None:
        for index, entry in self.found.items():
            if index == self.name or self.name in (entry.get("aliases") or {}):
                return index
        return None

    def blocked(self, index: str | None) -> bool:
        if index is None:
            return False
        settings = (self.found.get(index) or {}).get("settings", {}).get("index", {})
        return str((settings.get("blocks") or {}).get("write", "false")).lower() == "true"

    def running(self) -> list[Journal]:
        return [j for j in self.journals if _alive(j)]

    def orphans(self) -> list[str]:
        """Versioned indices no alias points to, no journal names, not kept: oldest first."""
        owned = {index for j in self.journals for index in (j.old, j.new)}
        return sorted(
            index
            for index, entry in self.found.items()
            if names.is_versioned(self.name, index)
            and index != self.live
            and index not in owned
            and not entry.get("aliases")
            and not self.kept(index)
        )

    def kept(self, index: str) -> bool:
        return KEPT in ((self.found[index].get("mappings") or {}).get("_meta") or {})


def _alive(journal: Journal) -> bool:
    """Whether its lease is renewed: not expired, and not one of an older djangoes."""
    return math.isfinite(journal.lease.expires) and not journal.lease.expired()


def server(client: Any, name: str) -> Server:
    """Two requests: the indices of ``name`` (with their settings, mappings and aliases), and
    the leases of its journals, if any."""
    found = lenient(client).indices.get(
        index=f"{name},{names.pattern(name)}", expand_wildcards="all", ignore_unavailable=True
    )
    entries = {k: v for k, v in plain(found).items() if isinstance(v, dict) and "settings" in v}
    state = Server(name, entries)
    state.journals = run(healing.of(name, entries), client)
    return state


def fix_command(connection: Any, key: str) -> str:
    return f"manage.py es_indices rebuild --abort {key} --using {connection.alias}"


def inspect(connection: Any, key: str, client: Any = None) -> list[Finding]:
    """What the rebuilds of ``key`` (an ``ES_INDICES`` key) left on ``connection``'s server."""
    client = client or connection.client
    state = server(client, connection.server_indices[key]["NAME"])
    fix = fix_command(connection, key)
    findings = []
    running = state.running()
    for journal in state.journals:
        findings.append(_journal(journal, journal in running, state, fix))
    live = state.live
    if state.blocked(live) and not running:
        findings.append(
            Finding(
                ERROR,
                f"write block on the live index {live}, and no rebuild running: every write "
                "to it fails (403 cluster_block_exception)",
                fix,
            )
        )
    for index in sorted(i for i in state.found if names.is_versioned(state.name, i)):
        if index != live and state.kept(index) and not state.found[index].get("aliases"):
            findings.append(
                Finding(WARNING, f"index {index} kept by a rebuild (--keep-old), unused")
            )
    for index in state.orphans():
        findings.append(
            Finding(
                ERROR,
                f"orphan index {index}: no alias points to it, and no rebuild owns it",
                fix,
            )
        )
    return findings


def _journal(journal: Journal, running: bool, state: Server, fix: str) -> Finding:
    where = f"{journal.old} -> {journal.new}"
    if running:
        holding = ", holding writes for its final pass" if state.blocked(journal.old) else ""
        return Finding(
            OK,
            f"rebuild running ({where}{holding}): its lease, held by {journal.lease.owner}, "
            f"expires in {journal.lease.remaining():.0f} s",
        )
    if not math.isfinite(journal.lease.expires):
        return Finding(
            ERROR,
            f"journal {journal.index} has no lease (an older djangoes made it): its rebuild "
            "died, unless it still runs",
            fix,
        )
    ago = f"its lease expired {-journal.lease.remaining():.0f} s ago"
    if journal.marked:
        left = ["its marker (every write journals itself)"]
        if journal.old and state.blocked(journal.old):
            left.append(f"the write block on {journal.old} (every write waits, then fails)")
        return Finding(
            ERROR,
            f"a rebuild died ({where}; {ago}), leaving {' and '.join(left)}; the next write "
            "or es_indices command on it heals it",
            fix,
        )
    return Finding(
        ERROR,
        f"orphan journal {journal.index} of a rebuild that ended or died ({where}; {ago})",
        fix,
    )


@dataclass
class CleanUp:
    """What :func:`clean_up` did."""

    #: The journals of the rebuilds it undid or finished.
    journals: list[str] = field(default_factory=list)
    #: What it did, one sentence each.
    done: list[str] = field(default_factory=list)


def clean_up(connection: Any, key: str) -> CleanUp:
    """Undo (or finish) every rebuild of ``key``, running or not; lift a write block left on the
    live index; delete the orphan versioned indices. A rebuild still running fails."""
    client = connection.client
    name = connection.server_indices[key]["NAME"]
    result = CleanUp()
    for journal in server(client, name).journals:
        outcome = run(healing.heal(journal, force=True), client)
        result.journals.append(journal.index)
        result.done.append(f"{outcome.capitalize()} the rebuild {journal.old} -> {journal.new}")
    state = server(client, name)
    live = state.live
    if live is not None and state.blocked(live):
        run(healing.unblock(live), client)
        result.done.append(f"Lifted the write block on {live}")
    tolerant = lenient(client)
    for index in state.orphans():
        tolerant.indices.delete(index=index)
        result.done.append(f"Deleted the orphan index {index}")
    return result
