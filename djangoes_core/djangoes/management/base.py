"""What djangoes' commands share: choosing connections and indices, and naming a connection
without its credentials."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ..backends.requests_log import scrub


class ConnectionsCommand(BaseCommand):
    """A command on connections and their indices: index names may come before or after the
    options (``es_indices list --using default blog``)."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.parse_args = parser.parse_intermixed_args  # type: ignore[method-assign]
        return parser


def add_selection(parser: ArgumentParser) -> None:
    parser.add_argument(
        "indices",
        nargs="*",
        metavar="index",
        help="ES_INDICES keys to act on (default: every index of the chosen connections).",
    )
    parser.add_argument(
        "--using",
        action="append",
        metavar="ALIAS",
        help="A connection (ES_SERVERS key), repeatable or comma-separated (default: all).",
    )


def add_noinput(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--noinput",
        "--no-input",
        action="store_false",
        dest="interactive",
        help="Do not prompt the user for input of any kind.",
    )


def selection(handler: Any, options: dict[str, Any]) -> list[tuple[Any, list[str]]]:
    """[(connection, [index keys])] for ``--using`` and the index arguments."""
    aliases = [a for value in options.get("using") or [] for a in value.split(",") if a]
    aliases = aliases or list(handler)
    for alias in aliases:
        if alias not in handler.settings:
            raise CommandError(
                f"Unknown connection {alias!r} (ES_SERVERS defines: {', '.join(handler)})."
            )
    chosen = [handler[alias] for alias in aliases]
    wanted = options.get("indices") or []
    served = {key for connection in chosen for key in connection.server_indices}
    unknown = [key for key in wanted if key not in served]
    if unknown:
        raise CommandError(
            f"Unknown index {', '.join(map(repr, unknown))}: the connections "
            f"{', '.join(aliases)} serve {', '.join(sorted(served)) or 'no index'}."
        )
    return [
        (connection, [key for key in connection.server_indices if not wanted or key in wanted])
        for connection in chosen
    ]


def describe(connection: Any) -> str:
    """``'default' (http: https://es.example.com:443)``: where it goes, without credentials."""
    location = getattr(connection, "location", None)
    if location is None:
        nodes = connection.client.transport.node_pool.all()
        where = ", ".join(sorted({scrub(node.base_url) for node in nodes}))
    else:
        where = location()
    return f"{connection.alias!r} ({connection.server.get('ENGINE')}: {where})"
