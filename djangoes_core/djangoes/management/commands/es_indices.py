"""``manage.py es_indices list|create|delete|rebuild``: the configured indices, by connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError, CommandParser
from elasticsearch import ApiError, TransportError

from djangoes import connections
from djangoes.conf import rebuilds
from djangoes.live import AmbiguousIndex, LiveIndex, live_index
from djangoes.rebuild import Rebuild, RebuildError, healing, leftovers
from djangoes.rebuild.steps import run

from ..base import (
    ConnectionsCommand,
    add_noinput,
    add_selection,
    confirm,
    describe,
    failure,
    reason,
    selection,
    shown,
    warn_ephemeral,
)
from ..progress import ProgressBar

if TYPE_CHECKING:
    from djangoes.backends.abstracts import Base

ACTIONS = ("list", "create", "delete", "rebuild")
#: The options of one action only.
OPTIONS = {
    "fail_if_exists": "create",
    "keep_old": "rebuild",
    "progress": "rebuild",
    "abort": "rebuild",
}


class Command(ConnectionsCommand):
    help = "List, create, delete or rebuild (with no downtime) the indices of ES_INDICES."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=ACTIONS,
            help="list: names, state and size of each index; create: the missing indices; "
            "delete: the indices (asks first); rebuild: with no downtime.",
        )
        add_selection(parser)
        add_noinput(parser)
        parser.add_argument(
            "--fail-if-exists",
            action="store_true",
            help="create: fail when an index exists already (by default it is reported, kept).",
        )
        parser.add_argument(
            "--keep-old", action="store_true", help="rebuild: keep the old index, unused."
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="rebuild: documents per request (500)."
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="rebuild: draw the progress bar even when the output is not a terminal.",
        )
        parser.add_argument(
            "--abort",
            action="store_true",
            help="rebuild: clean up after an interrupted rebuild instead of starting one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        action = options["action"]
        for option, applies_to in OPTIONS.items():
            if options[option] and action != applies_to:
                flag = "--" + option.replace("_", "-")
                raise CommandError(f"{flag} applies to {applies_to}, not to {action}.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        chosen = selection(connections, options)
        warn_ephemeral(self, [connection for connection, _ in chosen], self.verbosity)
        getattr(self, f"handle_{action}")(chosen, options)

    def say(self, message: str, style: Any = None, level: int = 1) -> None:
        if self.verbosity >= level:
            self.stdout.write(message, style)

    # list

    def handle_list(self, chosen: list[tuple[Any, list[str]]], options: dict[str, Any]) -> None:
        unreachable = []
        for connection, keys in chosen:
            self.say(describe(connection), self.style.MIGRATE_HEADING)
            try:
                for key in keys:
                    self._show(connection, key)
            except (ApiError, TransportError) as error:
                self.say(f"  Unreachable: {reason(error, connection)}", self.style.ERROR, 0)
                unreachable.append(failure(error, connection))
        if unreachable:
            raise CommandError(f"Could not reach {'; '.join(unreachable)}.")

    def _show(self, connection: Base, key: str) -> None:
        index = connection.server_indices[key]
        live = self._live(connection, index["NAME"])
        mark = self.style.SUCCESS("[X]") if live.exists else "[ ]"
        self.stdout.write(f" {mark} {key}")
        if self.verbosity < 1:
            self._show_leftovers(connection, key)
            return
        shown = f"{live.name} -> {live.index}" if live.is_alias else live.name
        self.stdout.write(f"     name       {shown}")
        aliases = [*index["ALIASES"], *((index.get("SETTINGS") or {}).get("aliases") or {})]
        if aliases:
            self.stdout.write(f"     aliases    {self._aliases(aliases, live)}")
        if live.exists:
            count = connection.client.count(index=live.index)["count"]
            self.stdout.write(f"     documents  {count:,}")
        else:
            self.stdout.write("     documents  " + self.style.WARNING("missing"))
        test = index["TEST"]
        test_aliases = f" (aliases: {', '.join(test['ALIASES'])})" if test["ALIASES"] else ""
        self.stdout.write(f"     test       {test['NAME']}{test_aliases}")
        self._show_leftovers(connection, key)

    def _show_leftovers(self, connection: Base, key: str) -> None:
        """What rebuilds left (see ``djangoes.rebuild.leftovers``); errors even at verbosity 0."""
        styles = {
            leftovers.OK: ("rebuild   ", self.style.SUCCESS),
            leftovers.WARNING: ("WARNING   ", self.style.WARNING),
            leftovers.ERROR: ("ERROR     ", self.style.ERROR),
        }
        for finding in leftovers.inspect(connection, key):
            if finding.level == leftovers.ERROR or self.verbosity >= 1:
                label, style = styles[finding.level]
                self.stdout.write(f"     {style(label)} {finding}")

    def _heal(self, connection: Base, key: str) -> None:
        """Undo the rebuilds of ``key`` that died (their lease expired), saying so."""
        name = connection.server_indices[key]["NAME"]
        for journal, outcome in healing.heal_expired(connection.client, name):
            self.say(
                f"  {outcome.capitalize()} a rebuild of {key} that died on {connection.alias!r} "
                f"({journal.old} -> {journal.new})",
                self.style.WARNING,
            )

    def _aliases(self, aliases: list[str], live: LiveIndex) -> str:
        return ", ".join(
            alias if alias in live.aliases else f"{alias} {self.style.WARNING('(missing)')}"
            for alias in aliases
        )

    def _live(self, connection: Base, name: str) -> LiveIndex:
        try:
            return live_index(connection.client, name)
        except AmbiguousIndex as error:
            raise CommandError(str(error)) from None

    # create

    def handle_create(self, chosen: list[tuple[Any, list[str]]], options: dict[str, Any]) -> None:
        failed = []
        for connection, keys in chosen:
            self.say(f"Creating indices on {describe(connection)}:", self.style.MIGRATE_HEADING)
            bodies = connection.get_indices_with_settings()
            for key in keys:
                name = connection.server_indices[key]["NAME"]
                self._heal(connection, key)
                if self._live(connection, name).exists:
                    self.say(f"  {name} exists already", self.style.WARNING)
                    if options["fail_if_exists"]:
                        failed.append(f"{name} exists")
                    continue
                try:
                    connection.client.indices.create(index=name, **bodies[name])
                except ApiError as error:
                    self.say(f"  {name}: {reason(error, connection)}", self.style.ERROR, 0)
                    failed.append(f"{name} on {failure(error, connection)}")
                else:
                    self.say(f"  Created {name}", self.style.SUCCESS)
        if failed:
            raise CommandError(f"Not created: {'; '.join(failed)}.")

    # delete

    def handle_delete(self, chosen: list[tuple[Any, list[str]]], options: dict[str, Any]) -> None:
        planned = []
        for connection, keys in chosen:
            for key in keys:
                name = connection.server_indices[key]["NAME"]
                self._heal(connection, key)
                if run(healing.of(name), connection.client):
                    raise CommandError(
                        f"A rebuild of {name!r} is running on {connection.alias!r}: wait for it, "
                        f"or clean it up (es_indices rebuild --abort {key})."
                    )
                planned.append((connection, name, self._live(connection, name)))
        existing = [(c, live) for c, _, live in planned if live.exists]
        if existing and options["interactive"] and not self._confirm(existing):
            self.stdout.write("Deletion cancelled.")
            return
        for connection, name, live in planned:
            if not live.exists:
                self.say(f"  {name} not found on {connection.alias!r}", self.style.WARNING)
                continue
            # A configured name only, never a pattern: the index itself, or the one NAME
            # (an alias, after a rebuild) points to.
            connection.client.indices.delete(index=live.index, expand_wildcards="none")
            shown = f"{live.index} ({name})" if live.is_alias else name
            self.say(f"  Deleted {shown} on {connection.alias!r}", self.style.SUCCESS)

    def _confirm(self, existing: list[tuple[Any, LiveIndex]]) -> bool:
        listed = ", ".join(f"{live.index} ({connection.alias!r})" for connection, live in existing)
        return confirm(
            f"You have requested to delete the indices {listed}, with all their documents.\n"
            "Are you sure you want to do this?\n\n"
            "    Type 'yes' to continue, or 'no' to cancel: ",
            action=f"delete {listed}",
        )

    # rebuild

    def handle_rebuild(self, chosen: list[tuple[Any, list[str]]], options: dict[str, Any]) -> None:
        if options["abort"]:
            if options["interactive"] and not self._confirm_abort():
                self.stdout.write("Clean-up cancelled.")
                return None
            return self._abort(chosen)
        chosen = self._rebuildable(chosen, named=bool(options.get("indices")))
        for connection, keys in chosen:
            for key in keys:
                self._rebuild(connection, key, options)
        return None

    def _rebuildable(
        self, chosen: list[tuple[Any, list[str]]], named: bool
    ) -> list[tuple[Any, list[str]]]:
        """The indices to rebuild: those ``REBUILD`` allows (see ``conf.rebuilds``); an index
        named on the command line that it does not allow is an error, before anything is done."""
        refused = sorted(
            {k for c, keys in chosen for k in keys if not rebuilds(c.server_indices[k])}
        )
        if named and refused:
            raise CommandError(
                f"{', '.join(f'ES_INDICES[{k!r}]' for k in refused)} cannot be rebuilt: "
                "set 'REBUILD': True (or a 'SOURCE') in the settings of every process that "
                "writes to it, so that its writes are journaled during a rebuild."
            )
        kept = [(c, [k for k in keys if rebuilds(c.server_indices[k])]) for c, keys in chosen]
        if not any(keys for _, keys in kept):
            raise CommandError(
                "No index to rebuild: none of these connections' ES_INDICES has 'REBUILD': "
                "True (or a 'SOURCE')."
            )
        return kept

    def _rebuild(self, connection: Base, key: str, options: dict[str, Any]) -> None:
        self.say(f"Rebuilding {key} on {describe(connection)}:", self.style.MIGRATE_HEADING)
        progress = ProgressBar(
            self.stdout, "  ", enabled=options["progress"] or self.stdout.isatty()
        )

        def notify(message: str, verbosity: int = 1) -> None:
            progress.close()
            self.say(f"  {message}...", level=verbosity)

        rebuild = Rebuild(
            connection,
            key,
            keep_old=options["keep_old"],
            batch_size=options["batch_size"],
            notify=notify,
            progress=progress.update,
        )
        try:
            result = rebuild.run()
        except RebuildError as error:
            progress.close()
            raise CommandError(
                f"{describe(connection)}: {shown(str(error), connection)}"
            ) from error
        progress.close()
        self.say(
            f"  Rebuilt {key}: {result.new} is live ({result.copied:,} documents copied, "
            f"{result.caught_up:,} caught up, {result.seconds:.1f} s).",
            self.style.SUCCESS,
        )

    def _confirm_abort(self) -> bool:
        return confirm(
            "--abort lifts the write block of an interrupted rebuild and deletes the index it was "
            "building (or finishes it, if it had moved the aliases), lifts a write block left on "
            "the live index, and deletes the versioned indices no alias points to (not those "
            "kept by --keep-old). A rebuild still running would fail.\n\n"
            "    Type 'yes' to continue, or 'no' to cancel: ",
            action="clean up after an interrupted rebuild",
        )

    def _abort(self, chosen: list[tuple[Any, list[str]]]) -> None:
        for connection, keys in chosen:
            for key in keys:
                done = leftovers.clean_up(connection, key).done
                if not done:
                    self.say(f"  No rebuild of {key} to clean up on {connection.alias!r}")
                for sentence in done:
                    self.say(f"  {sentence} ({key} on {connection.alias!r})", self.style.SUCCESS)
