"""``manage.py es_check``: is every connection reachable, every configured index there, and
nothing left by a rebuild that died?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError, CommandParser
from elasticsearch import ApiError, TransportError

from djangoes import conf, connections
from djangoes.live import AmbiguousIndex, live_index
from djangoes.rebuild import leftovers

from .. import onserver
from ..base import ConnectionsCommand, add_selection, describe, reason, selection, warn_ephemeral

if TYPE_CHECKING:
    from djangoes.backends.abstracts import Base


class Command(ConnectionsCommand):
    help = (
        "Ping every connection: its server's version, the cluster health, and whether each "
        "configured index and alias exists. Fails if anything is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_selection(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        self.configured = {index["NAME"]: key for key, index in connections.indices.items()}
        self.live_names = set(conf.live_names(connections.indices))
        problems: list[str] = []
        chosen = selection(connections, options)
        warn_ephemeral(self, [connection for connection, _ in chosen], self.verbosity)
        for connection, keys in chosen:
            problems += self.check_connection(connection, keys)
        if problems:
            raise CommandError(f"{len(problems)} problem(s): {'; '.join(problems)}.")

    def report(self, ok: bool, message: str, warning: bool = False) -> None:
        if ok and self.verbosity < 1:
            return
        style = self.style.WARNING if warning else self.style.SUCCESS if ok else self.style.ERROR
        label = "WARNING" if warning else "OK" if ok else "ERROR"
        self.stdout.write(f"  {style(label)} {message}")

    def check_connection(self, connection: Base, keys: list[str]) -> list[str]:
        if self.verbosity >= 1:
            self.stdout.write(describe(connection), self.style.MIGRATE_HEADING)
        client = connection.client.options(max_retries=0)
        try:
            info = client.info()
            health = client.cluster.health()
        except (ApiError, TransportError) as error:
            state = "is unreachable" if isinstance(error, TransportError) else "is failing"
            self.report(False, f"{connection.alias!r} {state}: {reason(error, connection)}")
            return [f"{describe(connection)} {state}: {reason(error, connection)}"]
        version = info["version"]["number"]
        status = health["status"]
        self.report(
            status != "red",
            f"Elasticsearch {version}, cluster {info['cluster_name']!r}: {status}",
            warning=status == "yellow",
        )
        problems = [f"{connection.alias!r}: cluster health is red"] if status == "red" else []
        for key in keys:
            problems += self.check_index(connection, client, key)
        return problems

    def check_index(self, connection: Base, client: Any, key: str) -> list[str]:
        index = connection.server_indices[key]
        where = f"on {connection.alias!r}"
        try:
            live = live_index(client, index["NAME"])
        except AmbiguousIndex as error:
            self.report(False, str(error))
            return [f"{error} ({where})"]
        problems = []
        shown = f"{live.name} -> {live.index}" if live.is_alias else live.name
        self.report(live.exists, f"index {shown}" if live.exists else f"index {live.name} missing")
        if not live.exists:
            problems.append(f"index {live.name!r} missing {where}")
        for finding in onserver.aliases(client, key, index, live, self.configured):
            problems += self.found(finding, where)
        for finding in onserver.test_names(client, key, index, self.live_names):
            problems += self.found(finding, where)
        return problems + self.check_rebuilds(connection, client, key)

    def check_rebuilds(self, connection: Base, client: Any, key: str) -> list[str]:
        """What rebuilds left: a rebuild that died, an orphan journal or index, a write block."""
        try:
            found = leftovers.inspect(connection, key, client)
        except ApiError as error:
            message = f"could not look for what rebuilds left: {reason(error, connection)}"
            self.report(False, message)
            return [f"{message} on {connection.alias!r}"]
        problems = []
        for finding in found:
            ok = finding.level != leftovers.ERROR
            self.report(ok, str(finding), warning=finding.level == leftovers.WARNING)
            if not ok:
                problems.append(f"{finding.message} on {connection.alias!r}; run: {finding.fix}")
        return problems

    def found(self, finding: onserver.Finding, where: str) -> list[str]:
        """Report ``finding``; the problem it is, if it is an error."""
        error = finding.level == onserver.ERROR
        self.report(not error, finding.shown, warning=finding.level == onserver.WARNING)
        return [f"{finding.problem} {where}"] if error else []
